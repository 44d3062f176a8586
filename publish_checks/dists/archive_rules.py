"""dists-archive: whether PyPI will open a wheel or an sdist at all (and pip unpack it).

One small function per rule, each returning the :class:`Refusal` s it finds, worded as
PyPI's upload endpoint words them (warehouse/forklift/legacy.py, utils/zipfiles.py,
utils/wheel.py and its scanner rules) and naming the member at fault. Whatever needs member
bytes reads the one streaming pass (:class:`Inventory`); the zip's records and the first
block of a tarball are read from the file itself, headers only.
"""

from __future__ import annotations

import bz2
import configparser
import csv
import enum
import gzip
import lzma
import posixpath
import re
import tarfile
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from packaging.metadata import parse_email

from publish_checks._text import human_size, listing, printable
from publish_checks.dists import zip_records
from publish_checks.dists.archives import archive_kind
from publish_checks.dists.inventory import Inventory, Item
from publish_checks.dists.scan import Dist

# PyPI's decompression-bomb rule (warehouse's COMPRESSION_RATIO_*): both must be exceeded.
BOMB_SIZE = 64 * 1024 * 1024
BOMB_RATIO = 50
ARCHIVES_DOCS = "See https://docs.pypi.org/archives for more information"
POLICY_DOCS = "See https://pypi.org/policy/acceptable-use-policy/ for more information."
# What PyPI answers when its own reading of the archive raises: literally "None".
UNREADABLE = "None"
_METHODS = {zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "lzma", 9: "deflate64",
            93: "zstd", 98: "ppmd"}
_MAGIC = ((b"\x1f\x8b", "gzip"), (b"\xfd7zXZ\x00", "xz"), (b"BZh", "bzip2"),
          (b"\x28\xb5\x2f\xfd", "zstd"))
# A console or GUI script's name, as PyPI checks it (the entry points specification's).
_SCRIPT_NAME = re.compile(r"[\w.-]+")
# What zipfile raises on a file it cannot open as a zip at all.
_UNOPENABLE = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError)


class Fix(enum.Enum):
    """What the user does about a refusal; the check words it with the build command."""

    REBUILD = "rebuild"  # a current build backend writes a correct archive
    LICENSE_FILES = "license-files"  # declared license files, where PEP 639 puts them
    ENTRY_POINTS = "entry-points"  # the project's entry point tables
    SHRINK = "shrink"  # leave the highly compressible data out
    PLAIN_SOURCE = "plain-source"  # no obfuscated code
    SDIST_MEMBERS = "sdist-members"  # only files, folders and links inside the sdist


@dataclass(frozen=True)
class Refusal:
    problem: str  # the file, what is wrong with which member, and PyPI's (or pip's) words
    fix: Fix


def _pypi(dist: Dist, detail: str, message: str, fix: Fix = Fix.REBUILD, *,
          archive: bool = True) -> Refusal:
    """A refusal quoting PyPI; ``archive``: one of the messages it prefixes with
    "Invalid distribution file."."""
    said = f"Invalid distribution file. {message}" if archive else message
    return Refusal(f'{dist.filename}: {detail} (PyPI: "{said}")', fix)


def _shown(items: Iterable[Item | str]) -> str:
    return listing([printable(i if isinstance(i, str) else i.name) for i in items])


def refusals(dist: Dist, inventory: Inventory) -> list[Refusal]:
    """Everything PyPI would refuse in ``dist`` (and, in an sdist, what pip refuses to
    unpack), in the order PyPI looks."""
    found = polyglot(dist)
    if archive_kind(dist.path) == "zip":
        return found + zip_refusals(dist, inventory)
    return found + tar_refusals(dist, inventory)


def polyglot(dist: Dist) -> list[Refusal]:
    """A file that zip readers and tar readers both open, each seeing other members."""
    if zipfile.is_zipfile(dist.path) and _is_tar(dist.path):
        return [_pypi(dist, "it reads both as a zip and as a tar archive",
                      "File is both a zip and a tar file")]
    return []


def zip_refusals(dist: Dist, inventory: Inventory) -> list[Refusal]:
    if not zipfile.is_zipfile(dist.path):
        return [_pypi(dist, "it is not a zip archive", "File is not a zipfile")]
    try:
        with zipfile.ZipFile(dist.path) as zf:
            infos = zf.infolist()
        fault = zip_records.fault(dist.path, infos)
    except _UNOPENABLE as e:
        return [_pypi(dist, f"zip readers cannot open it ({e})", UNREADABLE)]
    if inventory.error:
        return [Refusal(inventory.error, Fix.REBUILD)]
    found = [*bomb(dist, inventory), *compression(dist, infos)]
    if dist.kind == "wheel":
        found += wheel_file(dist, inventory, "WHEEL")
    found += obfuscated(dist, inventory)
    if fault is not None:
        found.append(zip_layout(dist, fault))
    if dist.kind == "sdist":
        return found + sdist_layout(dist, inventory)
    licenses = f"{dist.stem}.dist-info/licenses"
    return [*found, *license_files(dist, inventory, dist.metadata_member, licenses),
            *record(dist, inventory), *entry_points(dist, inventory),
            *wheel_file(dist, inventory, "METADATA")]


def tar_refusals(dist: Dist, inventory: Inventory) -> list[Refusal]:
    found = []
    compression = _compression(dist.path)
    if compression != "gzip":
        what = f"{compression}-compressed" if compression else "an uncompressed tar"
        found.append(_pypi(dist, f"it is {what}, not gzip-compressed as .tar.gz says",
                           UNREADABLE))
    if not _is_tar(dist.path):
        return [_pypi(dist, "it is not a tar archive", "File is not a tarfile")]
    if inventory.error:
        said = f"Invalid distribution file. {UNREADABLE}"
        return [*found, Refusal(f'{inventory.error} (PyPI: "{said}")', Fix.REBUILD)]
    if sparse := [item for item in inventory.items if item.tar_type == "sparse"]:
        found.append(_pypi(dist, f"sparse members: {_shown(sparse)}",
                           f"tar archive not accepted: Sparse members are not allowed. "
                           f"{ARCHIVES_DOCS}"))
    return [*found, *sdist_layout(dist, inventory), *obfuscated(dist, inventory),
            *bomb(dist, inventory), *unpackable(dist, inventory)]


def bomb(dist: Dist, inventory: Inventory) -> list[Refusal]:
    """More than 64 MiB unpacked, over 50 times the file's size: a decompression bomb."""
    unpacked = sum(item.size for item in inventory.files)
    try:
        packed = max(dist.path.stat().st_size, 1)
    except OSError:
        return []
    if unpacked <= BOMB_SIZE or unpacked / packed <= BOMB_RATIO:
        return []
    detail = (f"it unpacks to {human_size(unpacked)} from {human_size(packed)}, "
              f"{unpacked // packed} times its size")
    message = f"File exceeds compression ratio of {BOMB_RATIO}"
    if archive_kind(dist.path) == "tar":  # PyPI has yet to apply the rule to tarballs
        return [Refusal(f"{dist.filename}: {detail}, a decompression bomb (PyPI refuses such "
                        f'zips: "{message}")', Fix.SHRINK)]
    return [_pypi(dist, detail, message, Fix.SHRINK)]


def compression(dist: Dist, infos: Iterable[zipfile.ZipInfo]) -> list[Refusal]:
    """Members neither stored nor deflated."""
    odd = [f"{printable(i.filename)} ({_METHODS.get(i.compress_type, i.compress_type)})"
           for i in infos if i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)]
    if not odd:
        return []
    return [_pypi(dist, f"compressed other than by deflate: {listing(odd)}",
                  "File does not use a supported compression type")]


def obfuscated(dist: Dist, inventory: Inventory) -> list[Refusal]:
    """Python source that PyPI's scan finds obfuscated (PyArmor, SourceDefender)."""
    found = []
    for tool in ("PyArmor", "SourceDefender"):
        if members := [item for item in inventory.files if item.obfuscator == tool]:
            found.append(_pypi(dist, f"{tool}-obfuscated code in {_shown(members)}",
                               f"{tool}-encrypted content is not allowed. {POLICY_DOCS}",
                               Fix.PLAIN_SOURCE))
    return found


def zip_layout(dist: Dist, fault: zip_records.Fault) -> Refusal:
    """The record-by-record reading of the zip that PyPI refused."""
    if fault.member:
        where = f"the zip record of {fault.member}"
    elif fault.reason == "Trailing data":
        where = f"bytes after the end of the zip, from byte {fault.offset}"
    elif fault.offset == 0:
        where = "bytes before the first zip record"
    else:
        where = f"the zip record at byte {fault.offset}"
    return _pypi(dist, where, f"ZIP archive not accepted: {fault.reason}. {ARCHIVES_DOCS}")


def wheel_file(dist: Dist, inventory: Inventory, name: str) -> list[Refusal]:
    """The WHEEL and METADATA files, in the dist-info folder the filename names."""
    target = f"{dist.stem}.dist-info/{name}"
    if target in inventory.names:
        return []
    if name == "WHEEL":
        return [_pypi(dist, f"no {target}", f"WHEEL not found at {target}")]
    return [_pypi(dist, f"no {target}", f"Wheel '{dist.filename}' does not contain the "
                  f"required {name} file: {target}", archive=False)]


def record(dist: Dist, inventory: Inventory) -> list[Refusal]:
    """RECORD must exist and read as UTF-8 CSV (its hashes are dists-contents' business)."""
    target = f"{dist.stem}.dist-info/RECORD"
    data = inventory.kept.get(target)
    why = f"no {target}" if data is None else ""
    try:
        if data is not None:
            list(csv.reader(data.decode("utf-8").splitlines()))
    except UnicodeDecodeError:
        why = f"{target} is not UTF-8"
    except csv.Error as e:
        why = f"{target} is not CSV ({e})"
    if not why:
        return []
    return [_pypi(dist, why, f"Wheel '{dist.filename}' does not contain the required RECORD "
                  f"file: {target}", archive=False)]


def entry_points(dist: Dist, inventory: Inventory) -> list[Refusal]:
    """entry_points.txt, parsed as PyPI parses it."""
    data = inventory.kept.get(f"{dist.stem}.dist-info/entry_points.txt")
    if data is None or not (why := entry_points_problem(data)):
        return []
    return [_pypi(dist, f"entry_points.txt {why}", f"Wheel '{dist.filename}' has invalid "
                  "entry points defined in the entry_points.txt file", Fix.ENTRY_POINTS,
                  archive=False)]


def entry_points_problem(data: bytes) -> str:
    """Why PyPI refuses this entry_points.txt ('' if it does not): it must be UTF-8, an INI
    file with '=' only (case kept, no repeats), and script names ``[\\w.-]+``."""
    parser = _CaseKept(delimiters=("=",))
    try:
        parser.read_string(data.decode("utf-8"))
    except UnicodeDecodeError:
        return "is not UTF-8"
    except configparser.Error as e:
        return f"is not a valid INI file: {printable(str(e).splitlines()[0])}"
    for section in ("console_scripts", "gui_scripts"):
        if section in parser:
            bad = [name for name in parser[section]
                   if not _SCRIPT_NAME.fullmatch(name)]
            if bad:
                return f"names scripts PyPI refuses in [{section}]: {_shown(bad)}"
    return ""


class _CaseKept(configparser.ConfigParser):
    def optionxform(self, optionstr: str) -> str:
        return optionstr


def license_files(dist: Dist, inventory: Inventory, metadata: str,
                  folder: str) -> list[Refusal]:
    """Every License-File that the core metadata in ``metadata`` lists, under ``folder``."""
    data = inventory.kept.get(metadata)
    if data is None:
        return []
    names = set(inventory.names)
    found = []
    for license_file in parse_email(data)[0].get("license_files", []):
        target = f"{folder}/{license_file}"
        if target in names:
            continue
        elsewhere = [n for n in names if n.endswith(f"/{license_file}")]
        detail = (f"License-File {printable(license_file)} is at {_shown(elsewhere)}, not "
                  f"{printable(target)}" if elsewhere else
                  f"License-File {printable(license_file)} is not in it")
        found.append(_pypi(dist, detail, f"License-File {license_file} does not exist in "
                           f"distribution file {dist.filename} at {target}",
                           Fix.LICENSE_FILES, archive=False))
    return found


def sdist_layout(dist: Dist, inventory: Inventory) -> list[Refusal]:
    """One top-level folder, ``{name}-{version}``, holding PKG-INFO and the license files."""
    names = inventory.names
    try:
        top = posixpath.commonpath(names) if names else ""
    except ValueError:  # absolute and relative names mixed
        top = ""
    if top in ("", ".", "/"):
        tops = sorted({next((p for p in n.split("/") if p not in ("", ".")), n)
                       for n in names})
        return [_pypi(dist, f"its members are not under one folder ({_shown(tops)})",
                      "Incorrect number of top-level directories in sdist")]
    if f"{top}/PKG-INFO" not in set(names):
        return [_pypi(dist, f"no PKG-INFO in {printable(top)}/",
                      f"PKG-INFO not found at {top}/PKG-INFO")]
    found = []
    if top != dist.stem:
        found.append(Refusal(f"{dist.filename}: its top-level folder is {printable(top)}/, "
                             f"not {dist.stem}/ as its name says", Fix.REBUILD))
    return found + license_files(dist, inventory, f"{top}/PKG-INFO", top)


def unpackable(dist: Dist, inventory: Inventory) -> list[Refusal]:
    """Members pip refuses to unpack (tarfile's "data" filter): special files, links to
    absolute paths or out of the archive, paths that climb out of it. PyPI takes them."""
    why = [f"{printable(item.name)} ({reason})" for item in inventory.items
           if (reason := _unpack_refusal(item))]
    if not why:
        return []
    return [Refusal(f"{dist.filename}: pip refuses to unpack {listing(why)}",
                    Fix.SDIST_MEMBERS)]


def _unpack_refusal(item: Item) -> str:
    if _escapes(item.name.lstrip("/")):
        return "its path leaves the folder it is unpacked into"
    if ".." in item.name.split("/"):  # "top/..": the folder itself, or a link replacing it
        return "a '..' in its path, which names a folder it does not own"
    if item.kind == "other":
        return f"a {item.tar_type or 'special file'}"
    if item.kind != "link":
        return ""
    target = printable(item.link)
    if item.link.startswith("/"):
        return f"a link to the absolute path {target}"
    base = posixpath.dirname(item.name) if item.tar_type == "symlink" else ""
    if _escapes(posixpath.join(base, item.link)):
        return f"a link to {target}, outside the archive"
    return ""


def _escapes(path: str) -> bool:
    normal = posixpath.normpath(path)
    return normal == ".." or normal.startswith("../")


def _compression(path: Path) -> str:
    """The compression the file's first bytes announce ('' for none known)."""
    with path.open("rb") as stream:
        start = stream.read(6)
    return next((name for magic, name in _MAGIC if start.startswith(magic)), "")


def _is_tar(path: Path) -> bool:
    """Whether tar readers take the file: its first block (uncompressed, or gzip, xz or
    bzip2-compressed) is a tar header. Bounded: 512 bytes are inflated at most."""
    try:
        tarfile.TarInfo.frombuf(_first_block(path), "utf-8", "surrogateescape")
    except (tarfile.HeaderError, OSError, EOFError, lzma.LZMAError, zlib.error, ValueError):
        return False
    return True


def _first_block(path: Path) -> bytes:
    compression = _compression(path)
    with path.open("rb") as raw:
        if compression == "gzip":
            with gzip.GzipFile(fileobj=raw) as gz:
                return gz.read(tarfile.BLOCKSIZE)
        if compression == "xz":
            with lzma.LZMAFile(raw) as xz:
                return xz.read(tarfile.BLOCKSIZE)
        if compression == "bzip2":
            with bz2.BZ2File(raw) as bz:
                return bz.read(tarfile.BLOCKSIZE)
        return raw.read(tarfile.BLOCKSIZE)

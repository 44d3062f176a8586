"""What PyPI refuses in any archive: a zip that is also a tar, a decompression bomb,
obfuscated code, declared license files that are not where PEP 639 puts them; and what
kind of file it is (its compression, whether tar readers take it)."""

from __future__ import annotations

import bz2
import gzip
import lzma
import tarfile
import zipfile
import zlib
from pathlib import Path

from packaging.metadata import parse_email

from publish_checks._text import human_size, printable
from publish_checks.dists.archive_rules.refusal import (
    POLICY_DOCS,
    Fix,
    Refusal,
    pypi_refusal,
    shown_items,
)
from publish_checks.dists.archives import archive_kind
from publish_checks.dists.inventory import Inventory
from publish_checks.dists.scan import Dist

# PyPI's decompression-bomb rule (warehouse's COMPRESSION_RATIO_*): both must be exceeded.
BOMB_SIZE = 64 * 1024 * 1024
BOMB_RATIO = 50
_MAGIC = ((b"\x1f\x8b", "gzip"), (b"\xfd7zXZ\x00", "xz"), (b"BZh", "bzip2"),
          (b"\x28\xb5\x2f\xfd", "zstd"))


def polyglot(dist: Dist) -> list[Refusal]:
    """A file that zip readers and tar readers both open, each seeing other members."""
    if zipfile.is_zipfile(dist.path) and is_tar(dist.path):
        return [pypi_refusal(dist, "it reads both as a zip and as a tar archive",
                             "File is both a zip and a tar file")]
    return []


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
    return [pypi_refusal(dist, detail, message, Fix.SHRINK)]


def obfuscated(dist: Dist, inventory: Inventory) -> list[Refusal]:
    """Python source that PyPI's scan finds obfuscated (PyArmor, SourceDefender)."""
    found = []
    for tool in ("PyArmor", "SourceDefender"):
        if members := [item for item in inventory.files if item.obfuscator == tool]:
            found.append(pypi_refusal(dist, f"{tool}-obfuscated code in {shown_items(members)}",
                                      f"{tool}-encrypted content is not allowed. {POLICY_DOCS}",
                                      Fix.PLAIN_SOURCE))
    return found


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
        detail = (f"License-File {printable(license_file)} is at {shown_items(elsewhere)}, not "
                  f"{printable(target)}" if elsewhere else
                  f"License-File {printable(license_file)} is not in it")
        found.append(pypi_refusal(dist, detail, f"License-File {license_file} does not exist in "
                                  f"distribution file {dist.filename} at {target}",
                                  Fix.LICENSE_FILES, archive=False))
    return found


def compression_of(path: Path) -> str:
    """The compression the file's first bytes announce ('' for none known)."""
    with path.open("rb") as stream:
        start = stream.read(6)
    return next((name for magic, name in _MAGIC if start.startswith(magic)), "")


def is_tar(path: Path) -> bool:
    """Whether tar readers take the file: its first block (uncompressed, or gzip, xz or
    bzip2-compressed) is a tar header. Bounded: 512 bytes are inflated at most."""
    try:
        tarfile.TarInfo.frombuf(_first_block(path), "utf-8", "surrogateescape")
    except (tarfile.HeaderError, OSError, EOFError, lzma.LZMAError, zlib.error, ValueError):
        return False
    return True


def _first_block(path: Path) -> bytes:
    compression = compression_of(path)
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

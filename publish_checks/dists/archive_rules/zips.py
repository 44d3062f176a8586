"""A zip (a wheel, or a zipped sdist): readable, stored or deflated, laid out record by
record as PyPI reads it, and a wheel's WHEEL, METADATA, RECORD and entry points."""

from __future__ import annotations

import configparser
import csv
import re
import zipfile
from collections.abc import Iterable

from publish_checks._text import listing, printable
from publish_checks.dists import zip_records
from publish_checks.dists.archive_rules.container import bomb, license_files, obfuscated
from publish_checks.dists.archive_rules.refusal import (
    ARCHIVES_DOCS,
    UNREADABLE,
    Fix,
    Refusal,
    pypi_refusal,
    shown_items,
)
from publish_checks.dists.archive_rules.sdists import sdist_layout
from publish_checks.dists.inventory import Inventory
from publish_checks.dists.scan import Dist

_METHODS = {zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "lzma", 9: "deflate64",
            93: "zstd", 98: "ppmd"}
# A console or GUI script's name, as PyPI checks it (the entry points specification's).
_SCRIPT_NAME = re.compile(r"[\w.-]+")
# What zipfile raises on a file it cannot open as a zip at all.
_UNOPENABLE = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError)


def zip_refusals(dist: Dist, inventory: Inventory) -> list[Refusal]:
    """What PyPI refuses in a zip, in the order it looks."""
    if not zipfile.is_zipfile(dist.path):
        return [pypi_refusal(dist, "it is not a zip archive", "File is not a zipfile")]
    try:
        with zipfile.ZipFile(dist.path) as zf:
            infos = zf.infolist()
        fault = zip_records.fault(dist.path, infos)
    except _UNOPENABLE as e:
        return [pypi_refusal(dist, f"zip readers cannot open it ({e})", UNREADABLE)]
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


def compression(dist: Dist, infos: Iterable[zipfile.ZipInfo]) -> list[Refusal]:
    """Members neither stored nor deflated."""
    odd = [f"{printable(i.filename)} ({_METHODS.get(i.compress_type, i.compress_type)})"
           for i in infos if i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)]
    if not odd:
        return []
    return [pypi_refusal(dist, f"compressed other than by deflate: {listing(odd)}",
                         "File does not use a supported compression type")]


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
    return pypi_refusal(dist, where, f"ZIP archive not accepted: {fault.reason}. {ARCHIVES_DOCS}")


def wheel_file(dist: Dist, inventory: Inventory, name: str) -> list[Refusal]:
    """The WHEEL and METADATA files, in the dist-info folder the filename names."""
    target = f"{dist.stem}.dist-info/{name}"
    if target in inventory.names:
        return []
    if name == "WHEEL":
        return [pypi_refusal(dist, f"no {target}", f"WHEEL not found at {target}")]
    return [pypi_refusal(dist, f"no {target}", f"Wheel '{dist.filename}' does not contain the "
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
    return [pypi_refusal(dist, why, f"Wheel '{dist.filename}' does not contain the required RECORD "
                         f"file: {target}", archive=False)]


def entry_points(dist: Dist, inventory: Inventory) -> list[Refusal]:
    """entry_points.txt, parsed as PyPI parses it."""
    data = inventory.kept.get(f"{dist.stem}.dist-info/entry_points.txt")
    if data is None or not (why := entry_points_problem(data)):
        return []
    return [pypi_refusal(dist, f"entry_points.txt {why}", f"Wheel '{dist.filename}' has invalid "
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
                return f"names scripts PyPI refuses in [{section}]: {shown_items(bad)}"
    return ""


class _CaseKept(configparser.ConfigParser):
    def optionxform(self, optionstr: str) -> str:
        return optionstr

"""What a release promises its users, read from its files: the modules its wheel installs,
its entry points, its dependencies, the Pythons and platforms its wheels cover, each
file's size, its license and its name. Read from dist/ or from an index alike (dists/
remote.py), then compared by dists/release_diff.py."""

from __future__ import annotations

import configparser
import dataclasses
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from packaging.metadata import parse_email
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename

from publish_checks.dists import archives
from publish_checks.dists.archives import ArchiveError
from publish_checks.dists.fetch import IndexQueryError, Login
from publish_checks.dists.index import IndexFile
from publish_checks.dists.modules import importable_names
from publish_checks.dists.remote import core_metadata, file_size, remote_wheel
from publish_checks.dists.scan import classify

MEMBER_LIMIT = 16 * 1024 * 1024  # METADATA or entry_points.txt larger than this is not one


class FactsError(Exception):
    """A release file whose facts cannot be read; ``str()`` says which and why."""


@dataclass(frozen=True)
class FileFacts:
    filename: str
    kind: str  # "wheel" or "sdist"
    size: int | None
    tags: frozenset[str] = frozenset()  # a wheel's tags, its compressed tag sets expanded


@dataclass(frozen=True)
class ReleaseFacts:
    """One release's facts. What no file told (no wheel read: no modules) is None."""

    version: str
    files: tuple[FileFacts, ...]
    name: str | None = None  # Name as the metadata spells it
    modules: frozenset[str] | None = None
    entry_points: dict[str, str] | None = None  # "group:name" → "module:attr"
    requires_dist: frozenset[str] | None = None  # normalised requirements
    requires_python: str | None = None
    license_expression: str | None = None
    license: str | None = None
    license_files: frozenset[str] = frozenset()
    read_from: str = ""  # the file the metadata and modules come from
    notes: tuple[str, ...] = field(default=())  # what could not be read, and why

    @property
    def tags(self) -> frozenset[str]:
        return frozenset(t for f in self.files for t in f.tags)


def wheel_tags(filename: str) -> frozenset[str]:
    try:
        return frozenset(str(t) for t in parse_wheel_filename(filename)[3])
    except InvalidWheelFilename:
        return frozenset()


def normalised_requirement(text: str) -> str:
    """A Requires-Dist as one spelling: canonical name, sorted extras, packaging's
    specifier and marker forms (an unreadable one as written, stripped)."""
    try:
        req = Requirement(text)
    except InvalidRequirement:
        return " ".join(text.split())
    extras = f"[{','.join(sorted(canonicalize_name(e) for e in req.extras))}]" if req.extras else ""
    marker = f"; {req.marker}" if req.marker else ""
    return f"{canonicalize_name(req.name)}{extras}{req.specifier}{marker}"


def entry_points(text: str) -> dict[str, str]:
    """Every entry point of an entry_points.txt, as ``group:name`` → its value."""
    parser = configparser.ConfigParser(delimiters=("=",), interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # names keep their case
    try:
        parser.read_string(text)
    except configparser.Error:
        return {}
    return {f"{group}:{name}": " ".join(value.split()) for group in parser.sections()
            for name, value in parser.items(group)}


def _metadata_fields(data: bytes) -> ReleaseFacts:
    """The facts core metadata gives (the version and files are filled in later)."""
    raw, _ = parse_email(data)
    requires = raw.get("requires_dist") or []
    return ReleaseFacts("", (), name=raw.get("name"),
                        requires_dist=frozenset(normalised_requirement(r) for r in requires),
                        requires_python=raw.get("requires_python"),
                        license_expression=raw.get("license_expression"),
                        license=raw.get("license"),
                        license_files=frozenset(raw.get("license_files") or []))


def _dist_info(names: Iterable[str]) -> str | None:
    """The wheel's ``.dist-info`` folder (the first one at the top)."""
    for name in names:
        top = name.split("/", 1)[0]
        if top.endswith(".dist-info") and "/" in name:
            return top
    return None


def _wheel_facts(names: Sequence[str], read: Callable[[str], bytes | None],
                 metadata: bytes | None) -> ReleaseFacts:
    dist_info = _dist_info(names)
    if metadata is None and dist_info is not None:
        metadata = read(f"{dist_info}/METADATA")
    if metadata is None:
        raise FactsError("it has no .dist-info/METADATA")
    text = read(f"{dist_info}/entry_points.txt") if dist_info else None
    return dataclasses.replace(
        _metadata_fields(metadata), modules=frozenset(importable_names(names)),
        entry_points=entry_points(text.decode("utf-8", "replace")) if text else {})


def _zip_reader(archive: zipfile.ZipFile) -> Callable[[str], bytes | None]:
    def read(member: str) -> bytes | None:
        try:
            info = archive.getinfo(member)
        except KeyError:
            return None
        if info.file_size > MEMBER_LIMIT:
            raise FactsError(f"its {member} is larger than {MEMBER_LIMIT // 2**20} MiB")
        return archive.read(info)
    return read


def _sdist_metadata(path: Path) -> bytes | None:
    dist = classify(path)
    if dist is None:
        return None
    try:
        return archives.read_member(path, dist.metadata_member, MEMBER_LIMIT)
    except ArchiveError as e:
        raise FactsError(str(e)) from None


def _release(version: str, files: list[FileFacts], found: ReleaseFacts | None,
             read_from: str, notes: list[str]) -> ReleaseFacts:
    return dataclasses.replace(found or ReleaseFacts("", ()), version=version,
                               files=tuple(sorted(files, key=lambda f: f.filename)),
                               read_from=read_from, notes=tuple(notes))


def _representative(wheels: Sequence[str], like: Iterable[str] = ()) -> str | None:
    """The wheel whose modules and metadata stand for the release: the one sharing most
    tags with ``like`` (the other release's), else a pure one, else the first."""
    if not wheels:
        return None
    wanted = set(like)
    return max(wheels, key=lambda w: (len(wheel_tags(w) & wanted),
                                      w.endswith("-none-any.whl"), -wheels.index(w)))


def local_facts(paths: Sequence[Path], version: str, like: Iterable[str] = ()) -> ReleaseFacts:
    """The facts of a release from its files on this machine (dist/)."""
    files = [FileFacts(p.name, "wheel" if p.name.endswith(".whl") else "sdist",
                       p.stat().st_size, wheel_tags(p.name) if p.name.endswith(".whl")
                       else frozenset()) for p in paths]
    wheels = [p.name for p in paths if p.name.endswith(".whl")]
    chosen = _representative(wheels, like)
    notes: list[str] = []
    found: ReleaseFacts | None = None
    source = ""
    try:
        if chosen is not None:
            source = chosen
            with zipfile.ZipFile(next(p for p in paths if p.name == chosen)) as archive:
                found = _wheel_facts(archive.namelist(), _zip_reader(archive), None)
        elif (sdist := next(iter(paths), None)) is not None:
            source = sdist.name
            if (metadata := _sdist_metadata(sdist)) is not None:
                found = _metadata_fields(metadata)
    except (FactsError, zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        notes.append(f"{source} could not be read ({e})")
        found = None
    return _release(version, files, found, source, notes)


def index_facts(listed: Sequence[IndexFile], version: str, like: Iterable[str] = (), *,
                login: Login | None = None) -> ReleaseFacts:
    """The facts of a release from its files on an index: sizes as the index or its server
    gives them; the wheel standing for the release (:func:`_representative`) read by
    Range (its metadata from PEP 658 where served), or whole where Range is not served.
    IndexQueryError when the index cannot be read."""
    by_name = {f.filename: f for f in listed}
    wheels = [f.filename for f in listed if f.filename.endswith(".whl")]
    chosen = _representative(wheels, like)
    notes: list[str] = []
    found: ReleaseFacts | None = None
    sizes: dict[str, int | None] = {}
    if chosen is not None:
        wheel = by_name[chosen]
        with (tempfile.TemporaryDirectory(prefix="publish-checks-diff-") as work,
              remote_wheel(wheel, Path(work), login=login) as (archive, size)):
            sizes[chosen] = size
            try:
                found = _wheel_facts(archive.namelist(), _zip_reader(archive),
                                     core_metadata(wheel, login=login))
            except FactsError as e:
                notes.append(f"{chosen} on the index could not be read ({e})")
    files = [FileFacts(f.filename, "wheel" if f.filename.endswith(".whl") else "sdist",
                       sizes[f.filename] if f.filename in sizes
                       else file_size(f, login=login), wheel_tags(f.filename))
             for f in listed]
    if chosen is None and listed:
        notes.append("it has no wheel, so its modules and entry points are not known")
    return _release(version, files, found, chosen or "", notes)


__all__ = ["FactsError", "FileFacts", "IndexQueryError", "ReleaseFacts", "entry_points",
           "index_facts", "local_facts", "normalised_requirement", "wheel_tags"]


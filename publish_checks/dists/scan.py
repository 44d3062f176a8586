"""What is in ``dist/``: which files an upload would send, and what they are."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import Version

from publish_checks._record import Record, record
from publish_checks.dists.companions import COMPANION_SUFFIXES, is_attestation


@record
class Dist(Record):
    path: Path
    kind: Literal["sdist", "wheel"]
    name: str  # canonicalized project name from the filename
    version: str

    @property
    def filename(self) -> str:
        return self.path.name

    @property
    def stem(self) -> str:
        """``name-version`` as the file spells it: the sdist's top folder, the wheel's
        ``.dist-info`` prefix."""
        if self.kind == "wheel":
            return "-".join(self.filename.split("-")[:2])
        return self.filename.removesuffix(".zip").removesuffix(".tar.gz")

    @property
    def metadata_member(self) -> str:
        if self.kind == "wheel":
            return f"{self.stem}.dist-info/METADATA"
        return f"{self.stem}/PKG-INFO"


@record
class DistScan(Record):
    """``dist/`` split into distributions and the other files ``twine upload dist/*`` would take."""

    directory: Path
    exists: bool
    dists: tuple[Dist, ...] = ()
    others: tuple[Path, ...] = ()
    companions: tuple[Path, ...] = ()
    _hashes: dict[Path, str] = field(default_factory=dict, compare=False, repr=False)

    def of(self, name: str | None, version: str | None) -> list[Dist]:
        """The dists of this project and version (all of them when either is unknown)."""
        wanted = canonicalize_name(name) if name else None
        return [d for d in self.dists
                if (wanted is None or d.name == wanted)
                and (version is None or d.version == version)]

    def sha256(self, path: Path) -> str:
        if path not in self._hashes:
            self._hashes[path] = file_sha256(path)
        return self._hashes[path]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def classify(path: Path) -> Dist | None:
    """A Dist for a well-named sdist or wheel, else None."""
    name = path.name
    try:
        if name.endswith(".whl"):
            project, version, _, _ = parse_wheel_filename(name)
            return Dist(path, "wheel", str(project), str(version))
        if name.endswith((".tar.gz", ".zip")):
            project, version = parse_sdist_filename(name)
            return Dist(path, "sdist", str(project), str(version))
    except (InvalidWheelFilename, InvalidSdistFilename, ValueError):
        return None
    return None


def scan(directory: Path) -> DistScan:
    if not directory.is_dir():
        return DistScan(directory, exists=False)
    dists, others, companions = [], [], []
    # `twine upload dist/*`: the shell glob skips dot files (uv's dist/.gitignore) and
    # twine skips directories.
    for path in sorted(directory.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        if path.name.endswith(COMPANION_SUFFIXES) or is_attestation(path.name):
            companions.append(path)
        elif (dist := classify(path)) is not None:
            dists.append(dist)
        else:
            others.append(path)
    return DistScan(directory, True, tuple(dists), tuple(others), tuple(companions))


def escaped_name(name: str) -> str:
    """A project name as filenames spell it (wheel spec, PEP 625): lowercase, runs of
    ``-_.`` as one ``_``."""
    return re.sub(r"[-_.]+", "_", name).lower()


def normalized_stem(name: str, version: str) -> str | None:
    """``name_version`` as a current build backend writes it; None for an invalid version."""
    try:
        return f"{escaped_name(name)}-{Version(version)}"
    except ValueError:  # InvalidVersion, or a number past int's digit limit
        return None


@record
class RecordRow(Record):
    path: str
    hash: str  # "algorithm=digest", or "" where the wheel spec allows none
    size: str


def parse_record(data: bytes) -> tuple[list[RecordRow], list[str]]:
    """A wheel's RECORD rows and the lines that are not ``path,hash,size``."""
    rows, bad = [], []
    text = data.decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    while True:
        try:
            line = next(reader, None)
        except csv.Error as e:  # a field over csv's limit, a NUL: the rest is unreadable
            bad.append(f"(unreadable: {e})")
            break
        if line is None:
            break
        if not line:
            continue
        if len(line) != 3:
            bad.append(",".join(line)[:200])
            continue
        rows.append(RecordRow(*line))
    return rows, bad


@dataclass
class Problems:
    """What a dist check found wrong: one summary line, and each distinct fix once."""

    items: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    # What does not stop an upload but deserves a fix: a warning when nothing failed.
    warnings: list[str] = field(default_factory=list)

    def add(self, problem: str, hint: str) -> None:
        self.items.append(problem)
        if hint not in self.hints:
            self.hints.append(hint)

    def warn(self, problem: str, hint: str) -> None:
        self.warnings.append(problem)
        if hint not in self.hints:
            self.hints.append(hint)

    def __bool__(self) -> bool:
        """True when something failed (warnings alone are not problems)."""
        return bool(self.items)

"""What is in ``dist/``: which files an upload would send, and what they are."""

from __future__ import annotations

import hashlib
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

# Files twine accepts next to a distribution and uploads with it; not distributions themselves.
COMPANION_SUFFIXES = (".asc", ".publish.attestation")


@dataclass(frozen=True)
class Dist:
    path: Path
    kind: Literal["sdist", "wheel"]
    name: str  # canonicalized project name from the filename
    version: str

    @property
    def filename(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class DistScan:
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
        if path.name.endswith(COMPANION_SUFFIXES):
            companions.append(path)
        elif (dist := classify(path)) is not None:
            dists.append(dist)
        else:
            others.append(path)
    return DistScan(directory, True, tuple(dists), tuple(others), tuple(companions))

"""The target index's listing of a release's project, read once: a :class:`Snapshot`.

Every part of a run that needs to know what the index holds reads it from one snapshot:
``index-version`` and ``index-diff`` (through ``Context.snapshot``), the upload plan, and the
install proof (the file URLs it downloads). The wait after the upload is the one re-read: it
returns a new snapshot. Nothing else asks the index (dists/index.py is the HTTP reader).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    NormalizedName,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from publish_checks._record import Record, record
from publish_checks.dists.fetch import IndexQueryError as IndexQueryError  # re-exported
from publish_checks.dists.fetch import Login, LoginRefused
from publish_checks.dists.index import DEADLINE, download, project_page
from publish_checks.dists.listing import IndexFile as IndexFile  # re-exported


def release_of(filename: str) -> tuple[NormalizedName, Version] | None:
    """(project, version) of a wheel or sdist an index lists; None for what cannot be read
    (eggs, Windows installers and other formats PyPI no longer takes)."""
    try:
        if filename.endswith(".whl"):
            return parse_wheel_filename(filename)[:2]
        if filename.endswith((".tar.gz", ".zip")):
            return parse_sdist_filename(filename)
    except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion):
        return None
    return None


def _version(version: str | Version) -> Version | None:
    try:
        return version if isinstance(version, Version) else Version(version)
    except InvalidVersion:
        return None


@record
class Snapshot(Record):
    """What ``index_url`` listed for the projects ``names`` (canonical) at one moment.

    ``files`` maps each filename to its :class:`IndexFile` (sha256, upload time, size, yank,
    metadata link); ``missing`` are the names the index answered 404 for (it does not have
    the project, where a project without files is listed with none). ``login`` is what read
    it, kept to download its files and to refresh it (never shown: Login hides its secret).
    """

    index_url: str
    names: tuple[str, ...]
    files: Mapping[str, IndexFile]
    missing: tuple[str, ...] = ()
    login: Login | None = field(default=None, repr=False, compare=False)

    def sha256s(self) -> dict[str, str | None]:
        """Filename → sha256 (None when the index gives no hash) of every listed file."""
        return {name: f.sha256 for name, f in self.files.items()}

    def taken(self, expected: Mapping[str, str]) -> list[str]:
        """Of ``expected`` (filename → sha256), the names listed with another sha256 (a file
        listed without a hash is not counted: there is nothing to compare)."""
        return [name for name, digest in expected.items()
                if (listed := self.files.get(name)) is not None
                and listed.sha256 not in (None, digest.lower())]

    @cached_property
    def _releases(self) -> dict[tuple[NormalizedName, Version], list[IndexFile]]:
        releases: dict[tuple[NormalizedName, Version], list[IndexFile]] = {}
        for file in self.files.values():
            if (release := release_of(file.filename)) is not None:
                releases.setdefault(release, []).append(file)
        return releases

    def _of(self, project: NormalizedName, name: str | None) -> bool:
        """Whether files of ``project`` are of ``name`` (None: of any of ``names``; of any
        project at all when the snapshot names none)."""
        if name:
            return project == canonicalize_name(name)
        return not self.names or project in self.names

    def release_files(self, version: str | Version, name: str | None = None) -> list[IndexFile]:
        """The files listed for ``version`` of ``name`` (default: of any name asked), yanked
        ones included, matched as PyPI matches versions: canonically (1.0.0 is 1.0)."""
        wanted = _version(version)
        if wanted is None:
            return []
        return [f for (n, v), files in self._releases.items()
                if v == wanted and self._of(n, name) for f in files]

    def earlier_version(self, version: str | Version, name: str | None = None) -> Version | None:
        """The latest version before ``version`` (pre-releases count) that still has a file
        that is not yanked (PEP 592): the release a new one is compared with. None: there
        is none (a first release, or every earlier one was yanked)."""
        current = _version(version)
        if current is None:
            return None
        earlier = [v for (n, v), files in self._releases.items()
                   if v < current and self._of(n, name) and any(not f.yanked for f in files)]
        return max(earlier, default=None)

    def download(self, file: IndexFile, dest: Path, *, expected_sha256: str,
                 size_limit: int, timeout: float = 60) -> Path:
        """Fetch a listed file into the folder ``dest``, checked against the sha256 that was
        uploaded (dists/index.py ``download``), with the login that read the listing."""
        return download(file, dest, expected_sha256=expected_sha256, size_limit=size_limit,
                        timeout=timeout, login=self.login)

    def refreshed(self, *, timeout: float = 10) -> Snapshot:
        """The same question asked again: a new snapshot."""
        return read_snapshot(self.index_url, self.names, login=self.login, timeout=timeout)


def read_snapshot(index_url: str, names: Iterable[str], *, login: Login | None = None,
                  timeout: float = 10, deadline: float = DEADLINE) -> Snapshot:
    """Ask ``index_url`` for each project of ``names`` (canonical, each once). IndexQueryError
    (LoginRefused for a 401/403) when it cannot be asked or answers something else."""
    asked = tuple(dict.fromkeys(canonicalize_name(n) for n in names if n))
    files: dict[str, IndexFile] = {}
    missing: list[str] = []
    for name in asked:
        page = project_page(index_url, name, timeout=timeout, deadline=deadline, login=login)
        if page is None:
            missing.append(name)
        files.update(page or {})
    return Snapshot(index_url, asked, MappingProxyType(files), tuple(missing), login)


def wait_for_files(snapshot: Snapshot, expected: Mapping[str, str], *,
                   attempts: int = 8, first_delay: float = 1.0, max_delay: float = 15.0,
                   timeout: float = 10,
                   sleep: Callable[[float], None] = time.sleep,
                   bump_hint: str = "bump the version and rebuild") -> Snapshot:
    """Refresh ``snapshot`` until the index lists every expected filename with its sha256;
    return that new snapshot.

    Waits ``first_delay`` seconds after the first look, doubling up to ``max_delay``, for at
    most ``attempts`` looks. A file the index lists without a hash counts as there.
    IndexQueryError names what is still missing or different.
    """
    problem, hint = "nothing was asked", ""
    for attempt in range(attempts):
        if attempt:
            sleep(min(first_delay * 2 ** (attempt - 1), max_delay))
        try:
            fresh = snapshot.refreshed(timeout=timeout)
        except LoginRefused:  # the same login gets the same answer: no point waiting
            raise
        except IndexQueryError as e:  # an index may stumble right after an upload: retry
            problem, hint = e.message, e.hint
            continue
        missing = sorted(name for name in expected if name not in fresh.files)
        different = sorted(fresh.taken(expected))
        if not missing and not different:
            return fresh
        problem = "; ".join(
            ([f"not listed: {', '.join(missing)}"] if missing else [])
            + ([f"listed with another sha256: {', '.join(different)}"] if different else []))
        pages = ", ".join(f"{snapshot.index_url.rstrip('/')}/{n}/" for n in snapshot.names)
        hint = (f"look at {pages} in a minute; re-running publish uploads only what is "
                "missing")
        if different:
            hint = f"the index holds other files under these names: {bump_hint}"
    raise IndexQueryError(f"after {attempts} looks at {snapshot.index_url}: {problem}", hint)

"""What a version source is (SPEC §3 ``version-file``): where it is declared, what it says,
and what is wrong with it."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Any

from packaging.version import Version

from publish_checks._record import Record, record


class SourceKind(enum.Enum):
    """Where a version is declared, which decides how it is read, checked and bumped."""

    FILE = "a file that holds only the version (VERSION, setuptools' file:)"
    PROJECT = "[project].version in pyproject.toml"
    LITERAL = ("a literal the build backend reads (hatch's path, setuptools' attr:, flit, "
               "pdm-backend's file)")
    CONFIG = "a version key in the backend's own configuration ([tool.poetry], setup.cfg)"
    VCS = ("computed from git tags (setuptools-scm, hatch-vcs, versioningit, pdm-backend's "
           "scm, poetry-dynamic-versioning)")
    COMPUTED = "set by the build backend or setup.py: only the built dists tell"


class Flaw(enum.Enum):
    """What is wrong with a version source, where the fix depends on it."""

    UNREADABLE = "unreadable"
    BYTE_ORDER_MARK = "byte-order mark"
    NOT_ONE_VERSION = "not one version"
    MISSING = "missing"


@record
class VersionSource(Record):
    """``label`` names the source as a user would (``VERSION``, ``src/pkg/__about__.py``)."""

    label: str
    path: Path | None
    raw: str | None  # None when the source gives no literal (dynamic) or cannot be read
    problem: str = ""
    # In [project].dynamic: the build backend sets the version. ``raw`` is the valid literal
    # it reads from ``path`` when we could read one; without it only the dists can tell.
    dynamic: bool = False
    kind: SourceKind = SourceKind.FILE
    flaw: Flaw | None = None
    hint: str = ""  # the fix for ``problem`` where "write the version in it" is not it
    # Where ``raw`` sits in the text of ``path`` (decoded, a BOM kept): bump writes there.
    span: tuple[int, int] | None = None
    # A __version__ the backend rewrites while it builds (poetry-dynamic-versioning's
    # documented "0.0.0"): a stand-in, not a version to compare.
    placeholder: str | None = None

    @property
    def from_dists(self) -> bool:
        """Only the built dists can tell the version (setuptools-scm, a computed value…)."""
        return self.dynamic and self.raw is None


# A version longer than this is no version; it is shown cut to this length.
_SHOWN = 80


def version_problem(raw: str) -> str | None:
    """What is wrong with ``raw`` as a canonical PEP 440 version; None when nothing is."""
    if len(raw) > _SHOWN:
        return f"{raw[:_SHOWN]!r}… ({len(raw)} characters) is not a PEP 440 version"
    try:
        version = Version(raw)
    except ValueError:  # InvalidVersion, or a number past int's digit limit
        return f"{raw!r} is not a PEP 440 version"
    if str(version) != raw:
        return f"{raw!r} is not canonical: write {str(version)!r}"
    return None


def literal(label: str, path: Path, raw: str | None, problem: str = "",
            dynamic: bool = True, kind: SourceKind = SourceKind.LITERAL,
            flaw: Flaw | None = None, span: tuple[int, int] | None = None) -> VersionSource:
    """A version written as a literal in ``path`` (by default one a build backend reads)."""
    # Dynamic only when valid: a broken file is reported as such, never replaced by the dists.
    valid = raw is not None and not problem and version_problem(raw) is None
    return VersionSource(label, path, raw, problem, dynamic=dynamic and valid, kind=kind,
                         flaw=flaw, span=span)


def from_dists(label: str, kind: SourceKind = SourceKind.COMPUTED) -> VersionSource:
    """A dynamic version only the built dists can tell."""
    return VersionSource(f"dynamic ({label})", None, None, dynamic=True, kind=kind)


def table(data: Any, *keys: str) -> dict[str, Any]:
    """The TOML table at ``keys`` in ``data``; empty when it is missing or not a table."""
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}

"""A version read from a file: one that holds only the version (VERSION, setuptools'
``file:``), or what a build backend's pattern finds in one (hatch's regex, pdm-backend's
file source)."""

from __future__ import annotations

import re
from pathlib import Path

from publish_checks._text import TextError, Unreadable, decode_text, read_bytes, resave_fix, shown
from publish_checks.project.version.source import (
    Flaw,
    SourceKind,
    VersionSource,
    literal,
)


def parse_version_text(text: str) -> tuple[str | None, str, Flaw | None]:
    """(version, problem, flaw) for the contents of a version file."""
    if text.startswith("\ufeff"):
        return (None, "starts with a byte-order mark (save it as UTF-8 without BOM)",
                Flaw.BYTE_ORDER_MARK)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return None, "is empty", Flaw.NOT_ONE_VERSION
    if len(lines) > 1:
        return None, f"holds {len(lines)} lines; it must hold just the version", \
            Flaw.NOT_ONE_VERSION
    return lines[0], "", None


def source_text(root: Path, path: Path) -> tuple[str, str | None, str]:
    """(label, text, problem) for a file the version is read from."""
    label, text, problem, _ = source_text_or_fix(root, path)
    return label, text, problem


def source_text_or_fix(root: Path, path: Path) -> tuple[str, str | None, str, str]:
    """(label, text, problem, fix): the fix re-saves a file in another encoding as UTF-8."""
    label = shown(path, root)
    try:
        return label, decode_text(read_bytes(path), keep_bom=True), "", ""
    except TextError as e:
        return label, None, e.problem, resave_fix(label, e) if e.why is Unreadable.NOT_TEXT else ""


def version_file(root: Path, path: Path, dynamic: bool = False) -> VersionSource:
    """A file holding just the version (VERSION, setuptools' ``version = {file = …}``)."""
    label, text, problem, fix = source_text_or_fix(root, path)
    if text is None:
        return VersionSource(label, path, None, problem, flaw=Flaw.UNREADABLE, hint=fix)
    raw, problem, flaw = parse_version_text(text)
    return literal(label, path, raw, problem, dynamic, SourceKind.FILE, flaw)


def pattern_source(root: Path, path: Path, pattern: str, group: str | int,
                   backend: str) -> VersionSource:
    """The version a backend's regular expression finds in ``path`` (hatch, pdm-backend)."""
    label, text, problem = source_text(root, path)
    if text is None:  # the backend cannot build either
        return VersionSource(label, path, None, problem, kind=SourceKind.LITERAL,
                             flaw=Flaw.UNREADABLE)
    try:
        match = re.search(pattern, text, flags=re.MULTILINE)
        version = None if match is None else match[group]
    except (re.error, IndexError) as e:
        return VersionSource(label, path, None, f"cannot be searched: the version pattern of "
                             f"{backend} is invalid ({e})", kind=SourceKind.LITERAL,
                             flaw=Flaw.UNREADABLE, hint="fix the pattern in its configuration")
    if match is None or version is None:
        return VersionSource(label, path, None, f"has no version {backend} can read "
                             "(write __version__ = \"X.Y.Z\" in it)", kind=SourceKind.LITERAL,
                             flaw=Flaw.MISSING)
    return literal(label, path, version, span=match.span(group))

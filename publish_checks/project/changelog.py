"""Reading a changelog: a version's section, in the heading styles real projects use, and
the open section where the next release's changes are listed.

A section starts at a heading — Markdown ``#…``, a setext/reST underlined (or over- and
underlined) title — and ends at the next heading of the same or a higher level. Plain-text
changelogs (pyyaml's ``CHANGES``, simplejson's ``CHANGES.txt``) start one at a line in
column 0 that begins with a version, after a blank line, whose entries are indented lines,
flush-left ``*``/``-`` bullets or paragraphs: it ends at the next such line or heading. A
bold version line (exceptiongroup's ``**1.3.2**``) is such a line; so is a flush-left
``- 0.10.0: text`` bullet in a file whose top-level bullets mostly are (tabulate's), a
section of its text and continuation lines.

Headings are changelog_headings', titles changelog_titles', plain-text sections
changelog_plain's; writing one (``bump``) is changelog_write's.
"""

from __future__ import annotations

import re
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import Version

from publish_checks.project.changelog_headings import (
    ADORNMENT,
    LINK_DEFINITION,
    Section,
    scan_headings,
    section_ends,
    sections,
)
from publish_checks.project.changelog_plain import scanned_entries
from publish_checks.project.changelog_style import (
    find_date,
    has_open_words,
    is_date_line,
    is_status_line,
)
from publish_checks.project.changelog_titles import (
    OPEN_NAMES,
    open_title,
    title_version,
    version_of,
    version_span,
)

# Section, sections, title_version, version_span and OPEN_NAMES are read from here too.
__all__ = [
    "EXTENSIONS",
    "NAMES",
    "OPEN_NAMES",
    "Section",
    "entries",
    "find_changelog",
    "find_section",
    "has_content",
    "is_open",
    "sections",
    "title_version",
    "unreleased_section",
    "version_span",
]

NAMES = ("CHANGELOG", "CHANGES", "HISTORY", "NEWS")
EXTENSIONS = (".md", ".rst", ".txt", "")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)  # unclosed: runs to the end, as in HTML


def find_changelog(root: Path, configured: str | None = None) -> Path | None:
    """The configured changelog, else the first of NAMES x EXTENSIONS at the top level.

    Names match regardless of case (``changelog.md``, ``Changes.rst``); an exact,
    upper-case name wins over another spelling of the same name.
    """
    if configured:
        return root / configured
    files = sorted(p for p in root.iterdir() if p.is_file()) if root.is_dir() else []
    present: dict[str, Path] = {}
    for path in files:
        present.setdefault(path.name.upper(), path)
    for path in files:  # the exact spelling, where it exists, beats the first other one
        if path.name.isupper() or path.stem.isupper():
            present[path.name.upper()] = path
    for name in NAMES:
        for ext in EXTENSIONS:
            if (found := present.get((name + ext).upper())) is not None:
                return found
    return None


def _first_line(body: list[str]) -> int | None:
    return next((n for n, line in enumerate(body) if line.strip()), None)


def is_open(section: Section, lines: list[str], name: str | None = None) -> bool:
    """Whether ``section`` lists changes not released yet: an open heading (``Unreleased``,
    ``dev``, ``main``, ``In development``), a version marked so (``1.3.0 (unreleased)``,
    ``1.3.0.dev0``), or a version heading over a status line (pallets' ``Version 8.3.0`` then
    ``Unreleased``)."""
    if open_title(section.title):
        return True
    version = section.version
    if version is None:
        found = version_span(section.title, canonicalize_name(name) if name else None)
        if found is None:
            return False
        version = found[0]
    if has_open_words(section.title) or (version.is_devrelease
                                         and find_date(section.title) is None):
        return True  # a dated X.Y.Z.devN heading (httpx 0.13.0.dev2) was released
    body = section.body(lines)
    first = _first_line(body)
    return first is not None and is_status_line(body[first])


def has_content(body: list[str]) -> bool:
    """True when a section body holds something besides headings, rules, link definitions,
    HTML comments (``<!-- nothing yet -->`` is a placeholder, not an entry) and the line that
    dates it or says it is unreleased (click's ``Released 2026-11-09``)."""
    text = _COMMENT.sub(lambda m: "\n" * m[0].count("\n"), "\n".join(body))
    body = text.split("\n")
    first = _first_line(body)
    if first is not None and (is_date_line(body[first]) or is_status_line(body[first])):
        body[first] = ""
    heads, _ = scan_headings(body)
    heading_lines = {n for start, body_start, _, _ in heads for n in range(start, body_start)}
    return any(n not in heading_lines and line.strip() and not ADORNMENT.match(line)
               and not LINK_DEFINITION.match(line) for n, line in enumerate(body))


def entries(text: str, name: str | None = None) -> list[Section]:
    """Every section of a changelog in file order: each heading's, and each plain-text
    section's (outside the sections of headings that name a version or are open, so a line
    of a release's notes that begins with a version starts nothing)."""
    lines = text.splitlines()
    heads, hidden = scan_headings(lines)
    return scanned_entries(lines, canonicalize_name(name) if name else None, heads, hidden)


def find_section(text: str, version: str,
                 name: str | None = None) -> tuple[Section | None, list[str]]:
    """The section for ``version`` (compared as PEP 440 versions) and the file's lines.

    ``name`` is the project's: a heading may begin with it (``pluggy 1.7.0 (2026-10-14)``).
    """
    wanted, key = Version(version), canonicalize_name(name) if name else None
    lines = text.splitlines()
    heads, hidden = scan_headings(lines)
    # Headings first, as cheaply as can be (a changelog may hold thousands); then the
    # plain-text sections, which a file may mix with headings (pyyaml's does).
    versions = []
    for (start, body_start, level, title), end in zip(heads, section_ends(heads, len(lines)),
                                                      strict=True):
        versions.append(found := version_of(title, key))
        if found == wanted:
            return Section(title, level, start, body_start, end, version=wanted), lines
    return next((s for s in scanned_entries(lines, key, heads, hidden, versions, plain_only=True)
                 if s.version == wanted), None), lines


def unreleased_section(text: str, name: str | None = None) -> Section | None:
    """The open section (see is_open) where the next release's changes are listed: the first
    above every release (or, in a file that lists the oldest first, below them all). An old
    'pluggy 0.7.0 (Unreleased)' among the releases is history, not the open section."""
    lines = text.splitlines()
    found = entries(text, name)
    opened = [n for n, s in enumerate(found) if is_open(s, lines, name)]
    is_opened = set(opened)
    released = [n for n, s in enumerate(found) if n not in is_opened and s.version is not None]
    first, last = (released[0], released[-1]) if released else (len(found), -1)
    at = next((n for n in opened if n < first or n > last), None)
    return None if at is None else found[at]

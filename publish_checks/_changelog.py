"""Finding a version's section in a changelog, in the heading styles real projects use.

A section starts at a heading — Markdown ``#…``, a setext/reST underlined (or over- and
underlined) title — or, in plain-text changelogs, at a line in column 0 followed by
indented lines. It ends at the next heading of the same or a higher level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

NAMES = ("CHANGELOG", "CHANGES", "HISTORY", "NEWS")
EXTENSIONS = (".md", ".rst", ".txt", "")

_ATX = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_ADORNMENT = re.compile(r"^([=\-~^\"'*+#_`:.])\1{2,}[ \t]*$")
_LINK_DEFINITION = re.compile(r"^\s*\[[^\]]+\]:\s*\S+")
_TITLE_VERSION = re.compile(
    r"^(?:(?:version|release)\s+)?\[?\s*[vV]?(?P<version>\d[^\s\]\[()<>,:;]*)", re.IGNORECASE
)


@dataclass(frozen=True)
class Section:
    title: str
    level: int
    start: int  # index of the heading's first line
    body_start: int  # index of the first line after the heading
    end: int  # index one past the section's last line

    def body(self, lines: list[str]) -> list[str]:
        return lines[self.body_start:self.end]


def find_changelog(root: Path, configured: str | None = None) -> Path | None:
    """The configured changelog, else the first of NAMES × EXTENSIONS at the top level."""
    if configured:
        return root / configured
    present = {p.name: p for p in root.iterdir() if p.is_file()} if root.is_dir() else {}
    for name in NAMES:
        for ext in EXTENSIONS:
            if (path := present.get(name + ext)) is not None:
                return path
    return None


def title_version(title: str) -> Version | None:
    """The version a heading's text begins with: ``1.2.0``, ``v1.2.0``, ``[1.2.0](url)``…"""
    match = _TITLE_VERSION.match(title.strip())
    if not match:
        return None
    try:
        return Version(match["version"].rstrip("."))
    except InvalidVersion:
        return None


def _headings(lines: list[str]) -> list[tuple[int, int, int, str]]:
    """(start, body_start, level, title) for every Markdown and underlined heading."""
    found: list[tuple[int, int, int, str]] = []
    styles: list[str] = []  # reST levels are the order in which adornment styles first appear
    in_fence = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        elif not in_fence and (m := _ATX.match(line)):
            found.append((i, i + 1, len(m[1]), m[2]))
        elif (not in_fence and i + 2 < len(lines) and _ADORNMENT.match(line)
              and lines[i + 1].strip() and _ADORNMENT.match(lines[i + 2])
              and lines[i + 2].strip()[0] == line.strip()[0]):
            style = "over" + line.strip()[0]
            styles.append(style) if style not in styles else None
            found.append((i, i + 3, styles.index(style) + 1, lines[i + 1].strip()))
            i += 3
            continue
        elif (not in_fence and i + 1 < len(lines) and line.strip() and not line[0].isspace()
              and _ADORNMENT.match(lines[i + 1]) and not _ADORNMENT.match(line)):
            style = lines[i + 1].strip()[0]
            styles.append(style) if style not in styles else None
            found.append((i, i + 2, styles.index(style) + 1, line.strip()))
            i += 2
            continue
        i += 1
    return found


def sections(text: str) -> list[Section]:
    """Every heading-delimited section of a changelog, in order."""
    lines = text.splitlines()
    heads = _headings(lines)
    result = []
    for n, (start, body_start, level, title) in enumerate(heads):
        end = next((h[0] for h in heads[n + 1:] if h[2] <= level), len(lines))
        result.append(Section(title, level, start, body_start, end))
    return result


def _plain_sections(lines: list[str]) -> list[Section]:
    """Plain-text style: a column-0 line followed by indented lines."""
    result = []
    for i, line in enumerate(lines):
        if line.strip() and not line[0].isspace() and title_version(line) is not None:
            end = i + 1
            while end < len(lines) and (not lines[end].strip() or lines[end][0].isspace()):
                end += 1
            result.append(Section(line.strip(), 1, i, i + 1, end))
    return result


def has_content(body: list[str]) -> bool:
    """True when a section body holds something besides headings and link definitions."""
    for n, line in enumerate(body):
        text = line.strip()
        if not text or _ATX.match(line) or _ADORNMENT.match(line) or _LINK_DEFINITION.match(line):
            continue
        if n + 1 < len(body) and _ADORNMENT.match(body[n + 1]):  # a sub-heading's title
            continue
        return True
    return False


def find_section(text: str, version: str) -> tuple[Section | None, list[str]]:
    """The section for ``version`` (compared as PEP 440 versions) and the file's lines."""
    lines = text.splitlines()
    wanted = Version(version)
    for section in sections(text) or _plain_sections(lines):
        if title_version(section.title) == wanted:
            return section, lines
    for section in _plain_sections(lines):
        if title_version(section.title) == wanted:
            return section, lines
    return None, lines


def is_unreleased(title: str) -> bool:
    return title.strip().strip("[]").lower().startswith("unreleased")

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
Writing one (``bump``) is changelog_write's.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import Version

from publish_checks.project.changelog_style import (
    find_date,
    has_open_words,
    is_date_line,
    is_status_line,
)

NAMES = ("CHANGELOG", "CHANGES", "HISTORY", "NEWS")
EXTENSIONS = (".md", ".rst", ".txt", "")

# No pattern here has two quantifiers in a row that can take the same characters, and
# headings are read with string methods: each line is matched in time linear in its length
# (a 100,000-space heading used to make the heading pattern backtrack cubically).
_ADORNMENT_CHARS = frozenset("=-~^\"'*+#_`:.")
_ADORNMENT = re.compile(r"^([=\-~^\"'*+#_`:.])\1{2,}[ \t]*$")
_LINK_DEFINITION = re.compile(r"^\s*\[[^\]]+\]:\s*\S+")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_COMMENT_START = re.compile(r"^ {0,3}<!--")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)  # unclosed: runs to the end, as in HTML
_LIST_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s")
_VERSION = re.compile(r"\d[^\s\]\[()<>,:;]*")
_WORDS = ("version", "release")  # 'Version 1.2.0', 'Release 1.2.0'
# Headings of the section where the next release's changes go (requests: 'dev').
OPEN_NAMES = ("unreleased", "dev", "main", "in development", "development")


@dataclass(frozen=True)
class Section:
    title: str
    level: int
    start: int  # index of the heading's first line
    body_start: int  # index of the first line after the heading
    end: int  # index one past the section's last line
    plain: bool = False  # a plain-text line in column 0, not a heading
    version: Version | None = None  # the version the title begins with (entries() reads it)
    lead: str = ""  # a one-bullet release's own text ('- 0.10.0: Add …'), before its body

    def body(self, lines: list[str]) -> list[str]:
        if not self.lead:
            return lines[self.body_start:self.end]
        return [self.lead, *(line[2:] if line[:2].isspace() else line
                             for line in lines[self.body_start:self.end])]


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


def title_version(title: str, name: str | None = None) -> Version | None:
    """The version a heading's text begins with: ``1.2.0``, ``v1.2.0``, ``[1.2.0](url)``,
    ``Version 1.2.0``…, also after the project's ``name`` in any spelling that normalizes
    to it (towncrier's default ``pluggy 1.7.0 (2026-10-14)``)."""
    return _version_of(title, canonicalize_name(name) if name else None)


def _version_of(title: str, name: str | None) -> Version | None:
    """title_version with ``name`` already normalized (done once per changelog, not per line)."""
    found = version_span(title, name)
    return None if found is None else found[0]


def version_span(title: str, name: str | None) -> tuple[Version, int, int] | None:
    """The version ``title`` begins with and where it is written in ``title.strip()``;
    ``name`` normalized. A bold title (``**1.3.2**``, ``**1.3.2** (2026-01-01)``) is the
    version alone between the stars."""
    text = title.strip()
    whole = len(text)  # the text read ends where this does (a bold version: at its stars)
    # A name begins with a letter or digit that normalizing only lower-cases: comparing it
    # first keeps this cheap for the many lines that begin otherwise.
    if name and text[:1].lower() == name[0]:
        words = text.split(None, 1)
        if len(words) == 2 and (words[0].lower() == name or canonicalize_name(words[0]) == name):
            text = words[1]
    bold = text[:1] == "*" and text[:2] == "**"
    if bold:
        close = text.find("**", 2)
        if close < 0 or text[close + 2:close + 3] not in ("", " ", "\t"):
            return None
        whole -= len(text) - close
        text = text[2:close]
    if text[:7].lower() in _WORDS and text[7:8].isspace():
        text = text[7:].lstrip()
    if text.startswith("["):
        text = text[1:].lstrip()
    if text[:1] in ("v", "V"):
        text = text[1:]
    match = _VERSION.match(text)
    if not match or (bold and match.end() != len(text)):
        return None
    written = match[0].rstrip(".")
    try:
        version = Version(written)
    except ValueError:  # InvalidVersion, or a number past int's digit limit
        return None
    start = whole - len(text)
    return version, start, start + len(written)


def _atx(line: str) -> tuple[int, str] | None:
    """(level, title) of a Markdown ``#`` heading in column 0, without its closing ``#``s."""
    level = len(line) - len(line.lstrip("#"))
    if not 1 <= level <= 6 or line[level:level + 1] not in (" ", "\t"):
        return None
    title = line[level:].strip(" \t")
    bare = title.rstrip("#")
    if bare != title and (not bare or bare[-1] in " \t"):  # a closing sequence: '## 1.2.0 ##'
        title = bare.rstrip(" \t")
    return level, title


def _is_overlined_title(lines: list[str], i: int) -> bool:
    """An over- and underlined reST title starting at line ``i``.

    reST wants the adornment at least as long as the title, which also tells a ``~~~``
    Markdown code fence (shorter than the code inside it) from a ``~~~~~`` overline.
    """
    if i + 2 >= len(lines) or not _ADORNMENT.match(lines[i]):
        return False
    over, title, under = lines[i].strip(), lines[i + 1].strip(), lines[i + 2].strip()
    return (bool(title) and _ADORNMENT.match(lines[i + 2]) is not None
            and under[0] == over[0] and len(over) >= len(title))


def _is_underlined_title(lines: list[str], i: int) -> bool:
    """A setext/reST title at line ``i``: text in column 0 over an adornment line."""
    line = lines[i]
    return (i + 1 < len(lines) and bool(line.strip()) and not line[0].isspace()
            and _ADORNMENT.match(lines[i + 1]) is not None and not _ADORNMENT.match(line)
            and not _LIST_ITEM.match(line)  # `- item` over `---` is a list and a rule
            and not _LINK_DEFINITION.match(line))


def _scan(lines: list[str]) -> tuple[list[tuple[int, int, int, str]], set[int]]:
    """(start, body_start, level, title) for every heading, and the lines that can hold none:
    code fences and HTML comments (a commented-out ``## 1.2.0`` template is no section)."""
    found: list[tuple[int, int, int, str]] = []
    hidden: set[int] = set()
    styles: list[str] = []  # reST levels are the order in which adornment styles first appear
    fence = ""
    in_comment = False
    i = 0
    while i < len(lines):
        line = lines[i]
        # Each test below is guarded by a look at a character or two: most lines are entries.
        if in_comment or (not fence and "<!--" in line[:7] and _COMMENT_START.match(line)):
            hidden.add(i)
            in_comment = "-->" not in line.split("<!--", 1)[-1]
        elif fence:
            hidden.add(i)
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = ""
        elif not line or line.isspace():
            pass  # a blank line starts nothing
        elif line[0] in _ADORNMENT_CHARS and _is_overlined_title(lines, i):
            style = "over" + line.strip()[0]
            styles.append(style) if style not in styles else None
            found.append((i, i + 3, styles.index(style) + 1, lines[i + 1].strip()))
            i += 3
            continue
        elif line.lstrip(" ")[:1] in ("`", "~") and (m := _FENCE.match(line)) is not None:
            fence = m[1]
            hidden.add(i)
        elif line[0] == "#" and (atx := _atx(line)) is not None:
            found.append((i, i + 1, *atx))
        elif (i + 1 < len(lines) and lines[i + 1][:1] in _ADORNMENT_CHARS
              and _is_underlined_title(lines, i)):
            style = lines[i + 1].strip()[0]
            styles.append(style) if style not in styles else None
            found.append((i, i + 2, styles.index(style) + 1, line.strip()))
            i += 2
            continue
        i += 1
    return found, hidden


def _ends(heads: list[tuple[int, int, int, str]], count: int) -> list[int]:
    """Where each heading's section ends: at the next heading of the same or a higher level.

    One pass with a stack of the sections still open (their levels rise towards its top),
    so a changelog of thousands of releases takes no longer than reading it.
    """
    ends = [count] * len(heads)
    still_open: list[int] = []
    for n, (start, _, level, _) in enumerate(heads):
        while still_open and heads[still_open[-1]][2] >= level:
            ends[still_open.pop()] = start
        still_open.append(n)
    return ends


def sections(text: str) -> list[Section]:
    """Every heading-delimited section of a changelog, in order."""
    lines = text.splitlines()
    heads = _scan(lines)[0]
    return [Section(title, level, start, body_start, end) for (start, body_start, level, title),
            end in zip(heads, _ends(heads, len(lines)), strict=True)]


def _open_title(title: str) -> bool:
    """``Unreleased``, ``[Unreleased]``, ``dev``, ``main``, ``In development`` (any case,
    ``main (unreleased)`` too): a heading that names no version yet."""
    text = title.strip()
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    text = text.strip().rstrip(":").lower()
    words = text.split(None, 1)
    return bool(words) and (text.startswith(("unreleased", "in development")) or text in OPEN_NAMES
                            or (words[0] in OPEN_NAMES and words[-1][:1] == "("))


def _first_line(body: list[str]) -> int | None:
    return next((n for n, line in enumerate(body) if line.strip()), None)


def is_open(section: Section, lines: list[str], name: str | None = None) -> bool:
    """Whether ``section`` lists changes not released yet: an open heading (``Unreleased``,
    ``dev``, ``main``, ``In development``), a version marked so (``1.3.0 (unreleased)``,
    ``1.3.0.dev0``), or a version heading over a status line (pallets' ``Version 8.3.0`` then
    ``Unreleased``)."""
    if _open_title(section.title):
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
    heads, _ = _scan(body)
    heading_lines = {n for start, body_start, _, _ in heads for n in range(start, body_start)}
    return any(n not in heading_lines and line.strip() and not _ADORNMENT.match(line)
               and not _LINK_DEFINITION.match(line) for n, line in enumerate(body))


def _plain_start(lines: list[str], i: int, name: str | None) -> bool:
    """Whether line ``i`` (in column 0, where a heading's section does not hold it) starts a
    plain-text section: after a blank or indented line, before a blank, indented or bulleted
    one, it
    begins with a dotted version (``6.0.4 (2026-11-20)``, ``Version 4.3.0 released …``) or
    names an open section. A paragraph that begins with a number ('3 fixes …') does not."""
    line = lines[i]
    before = lines[i - 1] if i else ""
    if ((before.strip() and not before[0].isspace())  # colorama's follow indented entries
            or _LIST_ITEM.match(line) or _LINK_DEFINITION.match(line)):
        return False
    after = lines[i + 1] if i + 1 < len(lines) else ""
    if after.strip() and not after[0].isspace() and not _LIST_ITEM.match(after):
        return False
    if _open_title(line):
        return True
    found = version_span(line, name)
    if found is None:
        return False
    text = line.strip()
    return found[1] > (2 if text[:1] == "*" else 0) or "." in text[found[1]:found[2]]


def _release_bullet(line: str, name: str | None) -> tuple[str, str] | None:
    """(title, text) of a flush-left bullet that begins with a dotted version and a colon:
    tabulate's ``- 0.10.0: Add support for Python 3.11…`` is ('0.10.0', 'Add support…')."""
    title, colon, text = line[2:].partition(":")
    found = version_span(title, name) if colon else None
    if found is None or "." not in title.strip()[found[1]:found[2]] or not text.strip():
        return None
    return title.strip(), text.strip()


def entries(text: str, name: str | None = None) -> list[Section]:
    """Every section of a changelog in file order: each heading's, and each plain-text
    section's (outside the sections of headings that name a version or are open, so a line
    of a release's notes that begins with a version starts nothing)."""
    lines = text.splitlines()
    heads, hidden = _scan(lines)
    return _entries(lines, canonicalize_name(name) if name else None, heads, hidden)


def _entries(lines: list[str], key: str | None, heads: list[tuple[int, int, int, str]],
             hidden: set[int], versions: list[Version | None] | None = None,
             plain_only: bool = False) -> list[Section]:
    """entries() of a file already scanned, given the headings' versions if they are read
    (``plain_only``: only the plain-text sections)."""
    if versions is None:
        versions = [_version_of(title, key) for _, _, _, title in heads]
    ends = _ends(heads, len(lines))
    depth = [0] * (len(lines) + 1)  # how many release headings' sections hold each line
    for (start, body_start, _, title), end, version in zip(heads, ends, versions, strict=True):
        hidden.update(range(start, body_start))
        if version is not None or _open_title(title):
            depth[body_start] += 1
            depth[end] -= 1
    starts, inside, bullets = [], 0, 0
    release_bullets: dict[int, tuple[str, str]] = {}
    for i, line in enumerate(lines):
        inside += depth[i]
        if inside or not line[:1].strip() or i in hidden:
            continue
        if line[:2] in ("- ", "* "):
            bullets += 1
            if (bullet := _release_bullet(line, key)) is not None:
                release_bullets[i] = bullet
        elif _plain_start(lines, i, key):
            starts.append(i)
    if 2 * len(release_bullets) > bullets:  # tabulate's: one '- 0.10.0: …' bullet a release
        starts = sorted(starts + list(release_bullets))
    else:
        release_bullets = {}
    heading_starts = [start for start, _, _, _ in heads]
    plain = []
    for n, i in enumerate(starts):
        after = bisect.bisect_right(heading_starts, i)
        end = min(starts[n + 1] if n + 1 < len(starts) else len(lines),
                  heading_starts[after] if after < len(heading_starts) else len(lines))
        title, lead = release_bullets.get(i, (lines[i].strip(), ""))
        if lead:  # the bullet's continuation lines, up to the next line in column 0
            end = next((j for j in range(i + 1, end) if lines[j][:1].strip()), end)
        plain.append(Section(title, 7, i, i + 1, end, True, _version_of(title, key), lead))
    if plain_only:
        return plain
    found = [Section(title, level, start, body_start, end, version=version)
             for (start, body_start, level, title), end, version
             in zip(heads, ends, versions, strict=True)]
    return sorted(found + plain, key=lambda s: s.start) if plain else found


def find_section(text: str, version: str,
                 name: str | None = None) -> tuple[Section | None, list[str]]:
    """The section for ``version`` (compared as PEP 440 versions) and the file's lines.

    ``name`` is the project's: a heading may begin with it (``pluggy 1.7.0 (2026-10-14)``).
    """
    wanted, key = Version(version), canonicalize_name(name) if name else None
    lines = text.splitlines()
    heads, hidden = _scan(lines)
    # Headings first, as cheaply as can be (a changelog may hold thousands); then the
    # plain-text sections, which a file may mix with headings (pyyaml's does).
    versions = []
    for (start, body_start, level, title), end in zip(heads, _ends(heads, len(lines)),
                                                     strict=True):
        versions.append(found := _version_of(title, key))
        if found == wanted:
            return Section(title, level, start, body_start, end, version=wanted), lines
    return next((s for s in _entries(lines, key, heads, hidden, versions, plain_only=True)
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

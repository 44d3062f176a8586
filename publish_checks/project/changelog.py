"""Finding a version's section in a changelog, in the heading styles real projects use.

A section starts at a heading — Markdown ``#…``, a setext/reST underlined (or over- and
underlined) title — or, in plain-text changelogs, at a line in column 0 followed by
indented lines. It ends at the next heading of the same or a higher level.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import Version

from publish_checks._errors import PublishChecksError

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
_DATED = re.compile(r"([(-])\s?\d{4}-\d\d-\d\d")  # '1.2.0 (2026-01-01)', '1.2.0 - 2026-01-01'


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
    text = title.strip()
    # A name begins with a letter or digit that normalizing only lower-cases: comparing it
    # first keeps this cheap for the many lines that begin otherwise.
    if name and text[:1].lower() == name[0]:
        words = text.split(None, 1)
        if len(words) == 2 and name in (words[0].lower(), canonicalize_name(words[0])):
            text = words[1]
    if text[:7].lower() in _WORDS and text[7:8].isspace():
        text = text[7:].lstrip()
    if text.startswith("["):
        text = text[1:].lstrip()
    if text[:1] in ("v", "V"):
        text = text[1:]
    match = _VERSION.match(text)
    if not match:
        return None
    try:
        return Version(match[0].rstrip("."))
    except ValueError:  # InvalidVersion, or a number past int's digit limit
        return None


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


def _plain_sections(lines: list[str], skipped: set[int],
                    name: str | None) -> Iterator[tuple[Section, Version]]:
    """Plain-text style: a column-0 line beginning with a version, then indented lines;
    with the version. ``skipped`` lines (headings, code, comments) begin none.

    A Keep-a-Changelog link definition (``[1.2.0]: https://…``) begins with a version too,
    but is never a section.
    """
    for i, line in enumerate(lines):
        if i in skipped or not line[:1].strip() or _LINK_DEFINITION.match(line):
            continue
        if (version := _version_of(line, name)) is not None:
            end = i + 1
            while end < len(lines) and (not lines[end].strip() or lines[end][0].isspace()):
                end += 1
            yield Section(line.strip(), 1, i, i + 1, end), version


def has_content(body: list[str]) -> bool:
    """True when a section body holds something besides headings, rules, link definitions
    and HTML comments (``<!-- nothing yet -->`` is a placeholder, not an entry)."""
    text = _COMMENT.sub(lambda m: "\n" * m[0].count("\n"), "\n".join(body))
    body = text.split("\n")
    heads, _ = _scan(body)
    heading_lines = {n for start, body_start, _, _ in heads for n in range(start, body_start)}
    return any(n not in heading_lines and line.strip() and not _ADORNMENT.match(line)
               and not _LINK_DEFINITION.match(line) for n, line in enumerate(body))


def find_section(text: str, version: str,
                 name: str | None = None) -> tuple[Section | None, list[str]]:
    """The section for ``version`` (compared as PEP 440 versions) and the file's lines.

    ``name`` is the project's: a heading may begin with it (``pluggy 1.7.0 (2026-10-14)``).
    """
    lines = text.splitlines()
    wanted, key = Version(version), canonicalize_name(name) if name else None
    heads, hidden = _scan(lines)
    # Headings first; then plain-text entries, which a file may mix with a reST title.
    for (start, body_start, level, title), end in zip(heads, _ends(heads, len(lines)),
                                                     strict=True):
        if _version_of(title, key) == wanted:
            return Section(title, level, start, body_start, end), lines
    hidden.update(n for start, body_start, _, _ in heads for n in range(start, body_start))
    for section, found in _plain_sections(lines, hidden, key):
        if found == wanted:
            return section, lines
    return None, lines


def is_unreleased(title: str) -> bool:
    return title.strip().strip("[]").lower().startswith("unreleased")


def unreleased_section(text: str) -> Section | None:
    """The first Unreleased section: where a development version's changes are listed
    (``bump dev`` dates nothing and keeps it open)."""
    return next((s for s in sections(text) if is_unreleased(s.title)), None)


def _eol(line: str) -> str:
    return line[len(line.rstrip("\r\n")):]


def _compare_link(line: str) -> tuple[str, str, str, str] | None:
    """(label, base, start, end) of ``[Unreleased]: https://…/compare/v1.2.0...HEAD``."""
    label, colon, url = line.partition(":")
    words = url.split()
    if not colon or label.lower() != "[unreleased]" or len(words) != 1:
        return None
    cut = words[0].rfind("/compare/") + len("/compare/")
    base, span = words[0][:cut], words[0][cut:]
    dots = span.find("...", 1)
    if cut < len("/compare/") or dots < 0 or not span[dots + 3:]:
        return None
    return label[1:-1], base, span[:dots], span[dots + 3:]


def _release_style(heads: list[Section], unreleased: Section,
                   name: str | None) -> tuple[str, str | None]:
    """How the latest release's heading is written: the project's name before the version
    as it spells it (towncrier: ``pluggy 1.7.0 (2026-10-14)``) and a date ``(in brackets)``
    or after `` - ``; ("", None) when there is no release heading below Unreleased."""
    for section in heads:
        if section.start > unreleased.start and title_version(section.title, name):
            words = section.title.split(None, 1)
            prefix = words[0] + " " if title_version(section.title) is None else ""
            dated = _DATED.search(section.title)
            return prefix, None if dated is None else dated[1]
    return "", None


def release_unreleased(lines: list[str], shown: str, new: Version, date: str,
                       name: str | None = None) -> tuple[list[str], list[str]]:
    """Turn the Unreleased section into ``new``'s, dated, under a fresh empty Unreleased;
    update a Keep a Changelog compare link. ``lines`` keep their line endings. The new
    heading follows the latest release's: ``name`` (the project's) before the version, and
    the date in brackets or after a dash, as that one has them.

    Returns the new lines and notes for the user; PublishChecksError when there is nothing
    to release or the result would not be a valid section (nothing is changed then).
    """
    lines = list(lines)
    text = "".join(lines)
    plain = text.splitlines()
    existing, _ = find_section(text, str(new), name)
    if existing is not None:
        raise PublishChecksError(f"{shown} already has a section for {new} "
                                 f"(line {existing.start + 1})",
                                 "move its entries under Unreleased and remove that heading, "
                                 "or bump to another version")
    heads = sections(text)
    unreleased = next((s for s in heads if is_unreleased(s.title)), None)
    if unreleased is None:
        latest = next((s for s in heads if title_version(s.title, name) is not None), None)
        heading = "## [Unreleased]" if latest is None else "\n".join(
            _unreleased_heading(plain, latest))
        rules = heading.splitlines()
        what = (f"a '{heading}' heading" if len(rules) == 1 else
                f"an 'Unreleased' title {'over- and ' if len(rules) == 3 else ''}underlined "
                f"with '{rules[-1]}'")
        raise PublishChecksError(f"{shown} has no Unreleased section to turn into {new}",
                                 f"add {what} above the latest release and list the changes "
                                 "under it")
    if not has_content(unreleased.body(plain)):
        raise PublishChecksError(f"the Unreleased section of {shown} (line {unreleased.start + 1})"
                                 " is empty: there is nothing to release",
                                 "list what changed under it, then bump again")
    start, head = unreleased.start, lines[unreleased.start:unreleased.body_start]
    eol = _eol(head[-1]) or "\n"
    prefix, dating = _release_style(heads, unreleased, name)
    if len(head) == 1:  # Markdown '## [Unreleased]' → '## [X.Y.Z] - date' (Keep a Changelog)
        hashes = head[0][:len(head[0]) - len(head[0].lstrip("#"))]
        title = (f"[{new}] - {date}" if unreleased.title.startswith("[")
                 else f"{prefix}{new} ({date})" if dating == "(" else f"{prefix}{new} - {date}")
        released = [f"{hashes} {title}{eol}"]
    else:  # an underlined (or over- and underlined) title: 'X.Y.Z (date)' the reST way
        title = f"{prefix}{new} - {date}" if dating == "-" else f"{prefix}{new} ({date})"
        rule = head[-1].strip()[0] * len(title) + eol
        released = [rule, title + eol, rule] if len(head) == 3 else [title + eol, rule]
    edits = [(start, len(head), [*head, eol, *released])]
    notes = []
    for i, line in enumerate(lines):
        if link := _compare_link(line):
            label, base, since, until = link
            tag = re.sub(r"\d.*", "", since) + str(new)  # v1.2.0 → v1.3.0
            end = _eol(line)
            edits.append((i, 1, [f"[{label}]: {base}{tag}...{until}{end or eol}",
                                 f"[{new}]: {base}{since}...{tag}{end}"]))
            break
        if line.lower().startswith("[unreleased]:"):
            notes.append(f"left the [Unreleased] link of {shown} as it was (not a compare link)")
            break
    for i, count, replacement in sorted(edits, reverse=True):
        lines[i:i + count] = replacement
    result = "".join(lines)
    section, result_lines = find_section(result, str(new), name)
    if section is None or not has_content(section.body(result_lines)):
        raise PublishChecksError(f"bump could not rewrite {shown} safely; nothing was written",
                                 f"rename the Unreleased heading to {new} by hand")
    return lines, notes


def _unreleased_link(lines: list[str], label: str) -> tuple[int, str] | None:
    """Where the latest release's link definition is, and the ``[Unreleased]`` compare link
    that follows from it (``…/compare/v1.1.0...v1.2.0`` or ``…/releases/tag/v1.2.0`` →
    ``…/compare/v1.2.0...HEAD``); None when it has no link of those shapes."""
    for i, line in enumerate(lines):
        if not line.startswith(f"[{label}]:"):
            continue
        words = line[len(label) + 3:].split()
        url = words[0] if len(words) == 1 else ""
        if (cut := url.rfind("/compare/")) >= 0 and "..." in url[cut:]:
            tag = url[cut:].rsplit("...", 1)[1]
            return i, f"{url[:cut]}/compare/{tag}...HEAD"
        if (cut := url.rfind("/releases/tag/")) >= 0 and url[cut + 14:]:
            return i, f"{url[:cut]}/compare/{url[cut + 14:]}...HEAD"
        return None
    return None


def _unreleased_heading(lines: list[str], latest: Section) -> list[str]:
    """An Unreleased heading written as the release heading ``latest`` is (its level,
    brackets, reST adornment), as lines without their endings."""
    head = [line.rstrip("\r\n") for line in lines[latest.start:latest.body_start]]
    if len(head) == 1:  # '## [1.2.0] - 2026-01-01' → '## [Unreleased]'
        hashes = head[0][:len(head[0]) - len(head[0].lstrip("#"))]
        return [f"{hashes} {'[Unreleased]' if latest.title.startswith('[') else 'Unreleased'}"]
    rule = head[-1].strip()[0] * len("Unreleased")  # an underlined (or overlined) reST title
    return [rule, "Unreleased", rule] if len(head) == 3 else ["Unreleased", rule]


def open_unreleased(lines: list[str], shown: str,
                    name: str | None = None) -> tuple[list[str], list[str]]:
    """Keep an Unreleased section open at the top, for a development version (which is no
    release: nothing is dated). One that exists, empty or not, is left as it is; otherwise
    an empty one goes above the latest release, written as that heading is (its level,
    brackets, reST adornment), with a Keep a Changelog ``[Unreleased]`` compare link when
    that release has a link to start from. ``lines`` keep their line endings.

    Returns the lines and notes for the user.
    """
    heads = sections("".join(lines))
    if any(is_unreleased(s.title) for s in heads):
        return lines, []
    latest = next((s for s in heads if title_version(s.title, name) is not None), None)
    if latest is None:
        return lines, [f"{shown} has no release heading to open an Unreleased section above: "
                       "add one at its top"]
    eol = _eol(lines[latest.body_start - 1]) or "\n"
    bracketed = latest.title.startswith("[")
    opened = [line + eol for line in _unreleased_heading(lines, latest)]
    result = [*lines[:latest.start], *opened, eol, *lines[latest.start:]]
    label = latest.title[1:].split("]", 1)[0].strip()
    has_link = any(line.lower().startswith("[unreleased]:") for line in lines)
    if bracketed and not has_link and (link := _unreleased_link(result, label)) is not None:
        at, url = link
        result.insert(at, f"[Unreleased]: {url}{_eol(result[at]) or eol}")
    return result, [f"opened an empty Unreleased section in {shown}"]

"""Finding a version's section in a changelog, in the heading styles real projects use.

A section starts at a heading — Markdown ``#…``, a setext/reST underlined (or over- and
underlined) title — or, in plain-text changelogs, at a line in column 0 followed by
indented lines. It ends at the next heading of the same or a higher level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from packaging.version import Version

from publish_checks._errors import PublishChecksError

NAMES = ("CHANGELOG", "CHANGES", "HISTORY", "NEWS")
EXTENSIONS = (".md", ".rst", ".txt", "")

_ATX = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_ADORNMENT = re.compile(r"^([=\-~^\"'*+#_`:.])\1{2,}[ \t]*$")
_LINK_DEFINITION = re.compile(r"^\s*\[[^\]]+\]:\s*\S+")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_COMMENT_START = re.compile(r"^ {0,3}<!--")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)  # unclosed: runs to the end, as in HTML
_LIST_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s")
_COMPARE_LINK = re.compile(r"^\[(?P<label>unreleased)\]:\s*(?P<base>\S*/compare/)"
                           r"(?P<start>\S+?)\.\.\.(?P<end>\S+?)\s*$", re.IGNORECASE)
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


def title_version(title: str) -> Version | None:
    """The version a heading's text begins with: ``1.2.0``, ``v1.2.0``, ``[1.2.0](url)``…"""
    match = _TITLE_VERSION.match(title.strip())
    if not match:
        return None
    try:
        return Version(match["version"].rstrip("."))
    except ValueError:  # InvalidVersion, or a number past int's digit limit
        return None


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
        if in_comment or (not fence and _COMMENT_START.match(line)):
            hidden.add(i)
            in_comment = "-->" not in line.split("<!--", 1)[-1]
        elif fence:
            hidden.add(i)
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = ""
        elif _is_overlined_title(lines, i):
            style = "over" + line.strip()[0]
            styles.append(style) if style not in styles else None
            found.append((i, i + 3, styles.index(style) + 1, lines[i + 1].strip()))
            i += 3
            continue
        elif (m := _FENCE.match(line)) is not None:
            fence = m[1]
            hidden.add(i)
        elif (m := _ATX.match(line)) is not None:
            found.append((i, i + 1, len(m[1]), m[2]))
        elif _is_underlined_title(lines, i):
            style = lines[i + 1].strip()[0]
            styles.append(style) if style not in styles else None
            found.append((i, i + 2, styles.index(style) + 1, line.strip()))
            i += 2
            continue
        i += 1
    return found, hidden


def sections(text: str) -> list[Section]:
    """Every heading-delimited section of a changelog, in order."""
    lines = text.splitlines()
    heads, _ = _scan(lines)
    result = []
    for n, (start, body_start, level, title) in enumerate(heads):
        end = next((h[0] for h in heads[n + 1:] if h[2] <= level), len(lines))
        result.append(Section(title, level, start, body_start, end))
    return result


def _plain_sections(lines: list[str]) -> list[Section]:
    """Plain-text style: a column-0 line beginning with a version, then indented lines.

    A Keep-a-Changelog link definition (``[1.2.0]: https://…``) begins with a version too,
    but is never a section.
    """
    _, hidden = _scan(lines)
    result = []
    for i, line in enumerate(lines):
        if (i not in hidden and line.strip() and not line[0].isspace()
                and not _LINK_DEFINITION.match(line) and title_version(line) is not None):
            end = i + 1
            while end < len(lines) and (not lines[end].strip() or lines[end][0].isspace()):
                end += 1
            result.append(Section(line.strip(), 1, i, i + 1, end))
    return result


def has_content(body: list[str]) -> bool:
    """True when a section body holds something besides headings, rules, link definitions
    and HTML comments (``<!-- nothing yet -->`` is a placeholder, not an entry)."""
    text = _COMMENT.sub(lambda m: "\n" * m[0].count("\n"), "\n".join(body))
    body = text.split("\n")
    heads, _ = _scan(body)
    heading_lines = {n for start, body_start, _, _ in heads for n in range(start, body_start)}
    return any(n not in heading_lines and line.strip() and not _ADORNMENT.match(line)
               and not _LINK_DEFINITION.match(line) for n, line in enumerate(body))


def find_section(text: str, version: str) -> tuple[Section | None, list[str]]:
    """The section for ``version`` (compared as PEP 440 versions) and the file's lines."""
    lines = text.splitlines()
    wanted = Version(version)
    # Headings first; then plain-text entries, which a file may mix with a reST title.
    for section in [*sections(text), *_plain_sections(lines)]:
        if title_version(section.title) == wanted:
            return section, lines
    return None, lines


def is_unreleased(title: str) -> bool:
    return title.strip().strip("[]").lower().startswith("unreleased")


def _eol(line: str) -> str:
    return line[len(line.rstrip("\r\n")):]


def release_unreleased(lines: list[str], shown: str, new: Version,
                       date: str) -> tuple[list[str], list[str]]:
    """Turn the Unreleased section into ``new``'s, dated, under a fresh empty Unreleased;
    update a Keep a Changelog compare link. ``lines`` keep their line endings.

    Returns the new lines and notes for the user; PublishChecksError when there is nothing
    to release or the result would not be a valid section (nothing is changed then).
    """
    lines = list(lines)
    text = "".join(lines)
    plain = text.splitlines()
    existing, _ = find_section(text, str(new))
    if existing is not None:
        raise PublishChecksError(f"{shown} already has a section for {new} "
                                 f"(line {existing.start + 1})",
                                 "move its entries under Unreleased and remove that heading, "
                                 "or bump to another version")
    unreleased = next((s for s in sections(text) if is_unreleased(s.title)), None)
    if unreleased is None:
        raise PublishChecksError(f"{shown} has no Unreleased section to turn into {new}",
                                 "add a '## [Unreleased]' heading above the latest release "
                                 "and list the changes under it")
    if not has_content(unreleased.body(plain)):
        raise PublishChecksError(f"the Unreleased section of {shown} (line {unreleased.start + 1})"
                                 " is empty: there is nothing to release",
                                 "list what changed under it, then bump again")
    start, head = unreleased.start, lines[unreleased.start:unreleased.body_start]
    eol = _eol(head[-1]) or "\n"
    if len(head) == 1:  # Markdown '## [Unreleased]' → '## [X.Y.Z] - date' (Keep a Changelog)
        hashes = head[0][:len(head[0]) - len(head[0].lstrip("#"))]
        title = f"[{new}] - {date}" if unreleased.title.startswith("[") else f"{new} - {date}"
        released = [f"{hashes} {title}{eol}"]
    else:  # an underlined (or over- and underlined) title: 'X.Y.Z (date)' the reST way
        title = f"{new} ({date})"
        rule = head[-1].strip()[0] * len(title) + eol
        released = [rule, title + eol, rule] if len(head) == 3 else [title + eol, rule]
    edits = [(start, len(head), [*head, eol, *released])]
    notes = []
    for i, line in enumerate(lines):
        if m := _COMPARE_LINK.match(line):
            tag = re.sub(r"\d.*", "", m["start"]) + str(new)  # v1.2.0 → v1.3.0
            base, end = m["base"], _eol(line)
            edits.append((i, 1, [f"[{m['label']}]: {base}{tag}...{m['end']}{end or eol}",
                                 f"[{new}]: {base}{m['start']}...{tag}{end}"]))
            break
        if line.lower().startswith("[unreleased]:"):
            notes.append(f"left the [Unreleased] link of {shown} as it was (not a compare link)")
            break
    for i, count, replacement in sorted(edits, reverse=True):
        lines[i:i + count] = replacement
    result = "".join(lines)
    section, result_lines = find_section(result, str(new))
    if section is None or not has_content(section.body(result_lines)):
        raise PublishChecksError(f"bump could not rewrite {shown} safely; nothing was written",
                                 f"rename the Unreleased heading to {new} by hand")
    return lines, notes

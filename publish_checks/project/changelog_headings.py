"""The headings of a changelog: Markdown ``#…`` and setext/reST underlined (or over- and
underlined) titles, outside code fences and HTML comments, and the section each delimits."""

from __future__ import annotations

import re

from packaging.version import Version

from publish_checks._record import Record, record

# No pattern here has two quantifiers in a row that can take the same characters, and
# headings are read with string methods: each line is matched in time linear in its length
# (a 100,000-space heading used to make the heading pattern backtrack cubically).
ADORNMENT_CHARS = frozenset("=-~^\"'*+#_`:.")
ADORNMENT = re.compile(r"^([=\-~^\"'*+#_`:.])\1{2,}[ \t]*$")
LINK_DEFINITION = re.compile(r"^\s*\[[^\]]+\]:\s*\S+")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_COMMENT_START = re.compile(r"^ {0,3}<!--")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)  # unclosed: runs to the end, as in HTML
LIST_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s")


@record
class Section(Record):
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
    if i + 2 >= len(lines) or not ADORNMENT.match(lines[i]):
        return False
    over, title, under = lines[i].strip(), lines[i + 1].strip(), lines[i + 2].strip()
    return (bool(title) and ADORNMENT.match(lines[i + 2]) is not None
            and under[0] == over[0] and len(over) >= len(title))


def _is_underlined_title(lines: list[str], i: int) -> bool:
    """A setext/reST title at line ``i``: text in column 0 over an adornment line."""
    line = lines[i]
    return (i + 1 < len(lines) and bool(line.strip()) and not line[0].isspace()
            and ADORNMENT.match(lines[i + 1]) is not None and not ADORNMENT.match(line)
            and not LIST_ITEM.match(line)  # `- item` over `---` is a list and a rule
            and not LINK_DEFINITION.match(line))


def scan_headings(lines: list[str]) -> tuple[list[tuple[int, int, int, str]], set[int]]:
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
        elif line[0] in ADORNMENT_CHARS and _is_overlined_title(lines, i):
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
        elif (i + 1 < len(lines) and lines[i + 1][:1] in ADORNMENT_CHARS
              and _is_underlined_title(lines, i)):
            style = lines[i + 1].strip()[0]
            styles.append(style) if style not in styles else None
            found.append((i, i + 2, styles.index(style) + 1, line.strip()))
            i += 2
            continue
        i += 1
    return found, hidden


def section_ends(heads: list[tuple[int, int, int, str]], count: int) -> list[int]:
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
    heads = scan_headings(lines)[0]
    return [Section(title, level, start, body_start, end) for (start, body_start, level, title),
            end in zip(heads, section_ends(heads, len(lines)), strict=True)]

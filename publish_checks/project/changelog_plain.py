"""Plain-text changelog sections: a line in column 0 that begins with a version (pyyaml's
``CHANGES``), a bold version line, or one ``- 0.10.0: text`` bullet a release (tabulate's),
beside the sections of headings."""

from __future__ import annotations

import bisect

from packaging.version import Version

from publish_checks.project.changelog_headings import (
    LINK_DEFINITION,
    LIST_ITEM,
    Section,
    section_ends,
)
from publish_checks.project.changelog_titles import open_title, version_of, version_span


def plain_start(lines: list[str], i: int, name: str | None) -> bool:
    """Whether line ``i`` (in column 0, where a heading's section does not hold it) starts a
    plain-text section: after a blank or indented line, before a blank, indented or bulleted
    one, it
    begins with a dotted version (``6.0.4 (2026-11-20)``, ``Version 4.3.0 released …``) or
    names an open section. A paragraph that begins with a number ('3 fixes …') does not."""
    line = lines[i]
    before = lines[i - 1] if i else ""
    if ((before.strip() and not before[0].isspace())  # colorama's follow indented entries
            or LIST_ITEM.match(line) or LINK_DEFINITION.match(line)):
        return False
    after = lines[i + 1] if i + 1 < len(lines) else ""
    if after.strip() and not after[0].isspace() and not LIST_ITEM.match(after):
        return False
    if open_title(line):
        return True
    found = version_span(line, name)
    if found is None:
        return False
    text = line.strip()
    return found[1] > (2 if text[:1] == "*" else 0) or "." in text[found[1]:found[2]]


def release_bullet(line: str, name: str | None) -> tuple[str, str] | None:
    """(title, text) of a flush-left bullet that begins with a dotted version and a colon:
    tabulate's ``- 0.10.0: Add support for Python 3.11…`` is ('0.10.0', 'Add support…')."""
    title, colon, text = line[2:].partition(":")
    found = version_span(title, name) if colon else None
    if found is None or "." not in title.strip()[found[1]:found[2]] or not text.strip():
        return None
    return title.strip(), text.strip()


def scanned_entries(lines: list[str], key: str | None, heads: list[tuple[int, int, int, str]],
                    hidden: set[int], versions: list[Version | None] | None = None,
                    plain_only: bool = False) -> list[Section]:
    """entries() of a file already scanned, given the headings' versions if they are read
    (``plain_only``: only the plain-text sections)."""
    if versions is None:
        versions = [version_of(title, key) for _, _, _, title in heads]
    ends = section_ends(heads, len(lines))
    depth = [0] * (len(lines) + 1)  # how many release headings' sections hold each line
    for (start, body_start, _, title), end, version in zip(heads, ends, versions, strict=True):
        hidden.update(range(start, body_start))
        if version is not None or open_title(title):
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
            if (bullet := release_bullet(line, key)) is not None:
                release_bullets[i] = bullet
        elif plain_start(lines, i, key):
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
        plain.append(Section(title, 7, i, i + 1, end, True, version_of(title, key), lead))
    if plain_only:
        return plain
    found = [Section(title, level, start, body_start, end, version=version)
             for (start, body_start, level, title), end, version
             in zip(heads, ends, versions, strict=True)]
    return sorted(found + plain, key=lambda s: s.start) if plain else found

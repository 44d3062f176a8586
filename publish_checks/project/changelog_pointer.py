"""A changelog that stops listing releases and points elsewhere for the newer ones:
termcolor's CHANGES.md opens with ``## 2.0.0 and newer`` over ``See GitHub Releases:`` and
a link. Such a heading stands for every release from its version on."""

from __future__ import annotations

import re

from packaging.utils import canonicalize_name
from packaging.version import Version

from publish_checks._record import Record, record
from publish_checks.project.changelog import Section, sections, version_span

_ONWARDS = re.compile(r"\s*(?:and|or)\s+(?:newer|later|above)\b|\s*(?:onwards?|\+)(?!\S)",
                      re.IGNORECASE)
_URL = re.compile(r"https?://[^\s<>()\[\]`'\"]+")


def covers_newer(title: str, key: str | None) -> bool:
    """Whether a heading stands for its version and every later one ('2.0.0 and newer');
    ``key`` the normalized project name."""
    found = version_span(title, key)
    return found is not None and _ONWARDS.match(title.strip()[found[2]:]) is not None


@record
class Pointer(Record):
    """The heading that hands ``version`` to another place, and that place's address."""

    section: Section
    url: str


def pointer_for(text: str, version: str, name: str | None = None) -> Pointer | None:
    """The heading 'X and newer' (later, above, onwards, 'X+') with X at or below ``version``
    whose body links elsewhere instead of listing changes; None when there is none."""
    wanted, key = Version(version), canonicalize_name(name) if name else None
    lines = text.splitlines()
    for section in sections(text):
        found = version_span(section.title, key)
        if found is None or found[0] > wanted or not covers_newer(section.title, key):
            continue
        body = "\n".join(section.body(lines))
        if (url := _URL.search(body)) is not None:
            return Pointer(section, url[0].rstrip(".,:;"))
    return None

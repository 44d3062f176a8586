"""What a changelog heading's title says: the version it begins with (and where), or that
it names the open section where the next release's changes go."""

from __future__ import annotations

import re

from packaging.utils import canonicalize_name
from packaging.version import Version

_VERSION = re.compile(r"\d[^\s\]\[()<>,:;]*")
_WORDS = ("version", "release")  # 'Version 1.2.0', 'Release 1.2.0'
# Headings of the section where the next release's changes go (requests: 'dev').
OPEN_NAMES = ("unreleased", "dev", "main", "in development", "development")


def title_version(title: str, name: str | None = None) -> Version | None:
    """The version a heading's text begins with: ``1.2.0``, ``v1.2.0``, ``[1.2.0](url)``,
    ``Version 1.2.0``…, also after the project's ``name`` in any spelling that normalizes
    to it (towncrier's default ``pluggy 1.7.0 (2026-10-14)``)."""
    return version_of(title, canonicalize_name(name) if name else None)


def version_of(title: str, name: str | None) -> Version | None:
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


def open_title(title: str) -> bool:
    """``Unreleased``, ``[Unreleased]``, ``dev``, ``main``, ``In development`` (any case,
    ``main (unreleased)`` too): a heading that names no version yet."""
    text = title.strip()
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    text = text.strip().rstrip(":").lower()
    words = text.split(None, 1)
    return bool(words) and (text.startswith(("unreleased", "in development")) or text in OPEN_NAMES
                            or (words[0] in OPEN_NAMES and words[-1][:1] == "("))

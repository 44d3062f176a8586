"""Keep a Changelog's compare links (``[Unreleased]: …/compare/v1.2.0...HEAD``), read so
that bump can move them on to the new release."""

from __future__ import annotations


def compared_since(title: str) -> str | None:
    """The version a ``…/compare/v1.1.0...v1.2.0`` link in ``title`` starts from (1.1.0)."""
    cut = title.find("/compare/")
    if cut < 0:
        return None
    span = title[cut + 9:].split(")", 1)[0].split(None, 1)[0] if title[cut + 9:].strip() else ""
    since = span.split("...", 1)[0].lstrip("vV") if "..." in span else ""
    return since if since[:1].isdigit() else None


def compare_link(line: str) -> tuple[str, str, str, str] | None:
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


def unreleased_link(lines: list[str], label: str) -> tuple[int, str] | None:
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

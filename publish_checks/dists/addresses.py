"""E-mail addresses and URLs as PyPI's upload endpoint judges them in core metadata.

PyPI checks Author-Email/Maintainer-Email with email-validator (no deliverability check) and
Home-page/Download-URL/Project-URL with rfc3986; neither is a dependency of ours, so this
module keeps the rules those reject real metadata with, in their words.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterator
from email.utils import getaddresses, parseaddr

# RFC 5322 atext, the ASCII characters of an unquoted local part, dots included; every
# non-ASCII character is allowed too (see _bad). Sets, not a regex class: compiling a class
# that spans up to U+10FFFF took 11 ms of every start.
_ATEXT = frozenset(string.ascii_letters + string.digits + "_!#$%&'*+-/=?^`{|}~.")
_HOST_CHARS = frozenset(string.ascii_letters + string.digits + "-.")
# email-validator refuses these domains and their subdomains: no address there is public.
SPECIAL_USE_DOMAINS = ("arpa", "invalid", "local", "localhost", "onion", "test")
# RFC 3986 appendix B: scheme, authority, path, query, fragment.
_URI = re.compile(r"^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?")
_PORT = re.compile(r"^(?:[^@]*@)?(?:\[[^\]]*\]|[^:\[\]]*):(?P<port>\d{1,5})$")


def _shown(char: str) -> str:
    """A character as email-validator names it in a message."""
    if char == "\\":
        return '"\\"'
    if unicodedata.category(char)[0] in "LNPS":
        return repr(char)
    return unicodedata.name(char, f"U+{ord(char):04X}")


def _bad(text: str, allowed: frozenset[str]) -> str:
    """The characters of ``text`` that are neither in ``allowed`` nor non-ASCII, as named."""
    return ", ".join(sorted({_shown(c) for c in text if c not in allowed and c < "\x80"}))


def _dots(text: str, start: str, end: str, *, hostname: bool) -> str | None:
    """email-validator's dot-atom rules: no leading, trailing or doubled dot (or hyphen)."""
    marks = ("period", "hyphen") if hostname else ("period",)
    for mark, char in zip(marks, ".-", strict=False):
        if text.endswith(char):
            return end.format(mark)
        if text.startswith(char):
            return start.format(mark)
        if char == "." and ".." in text:
            return "An email address cannot have two periods in a row."
    if hostname and (".-" in text or "-." in text):
        return "An email address cannot have a period and a hyphen next to each other."
    return None


def email_problem(value: str) -> tuple[str, str] | None:
    """``(address, why)`` when the address PyPI finds in a metadata e-mail field is one it
    refuses, in email-validator's words; None when it takes it (or finds no address)."""
    address = pypi_address(value)
    if not address:
        return None
    return (address, why) if (why := _address_problem(address)) else None


def pypi_address(value: str) -> str:
    """The address PyPI validates in a metadata e-mail field: what ``parseaddr`` finds on
    warehouse's Python (3.13, whose parser is strict), whatever this Python's is. A list of
    several addresses, or a bracketed domain, is no address to it: PyPI validates none."""
    try:
        return parseaddr(value, strict=True)[1]
    except TypeError:  # a Python from before the strict parser (3.11.9, 3.12.5 and older)
        found = getaddresses([value])
        if len(found) != 1 or "[" in found[0][1] or not _balanced(value):
            return ""
        return found[0][1]


def _balanced(value: str) -> bool:
    """The strict parser's parenthesis rule: every comment closed, outside the quoted names
    (the text after a quote never closed counts, as there)."""
    depth = 0
    for _, char in _escaped(_unquoted(value)):
        if char in "()":
            depth += 1 if char == "(" else -1
            if depth < 0:
                return False
    return depth == 0


def _unquoted(value: str) -> str:
    """``value`` less each closed quoted string, its quotes included."""
    kept, start, opened = [], 0, None
    for pos, char in _escaped(value):
        if char == '"' and opened is None:
            opened = pos
        elif char == '"' and opened is not None:
            kept.append(value[start:opened])
            start, opened = pos + 1, None
    return "".join(kept) + value[start:]


def _escaped(text: str) -> Iterator[tuple[int, str]]:
    """Each character of ``text`` and its position; one after a backslash with it."""
    escape = False
    for pos, char in enumerate(text):
        if escape:
            escape = False
            yield pos, "\\" + char
        elif char == "\\":
            escape = True
        else:
            yield pos, char


def _address_problem(address: str) -> str | None:
    local, at, domain = address.partition("@")
    if not at:
        return "An email address must have an @-sign."
    if local.startswith('"'):
        return "Quoting the part before the @-sign is not allowed here."
    if not local:
        return "There must be something before the @-sign."
    if bad := _bad(local, _ATEXT):
        return f"The email address contains invalid characters before the @-sign: {bad}."
    if why := _dots(local, "An email address cannot start with a {}.",
                    "An email address cannot have a {} immediately before the @-sign.",
                    hostname=False):
        return why
    if not domain:
        return "There must be something after the @-sign."
    if bad := _bad(domain, _HOST_CHARS):
        return f"The part after the @-sign contains invalid characters: {bad}."
    if why := _dots(domain, "An email address cannot have a {} immediately after the @-sign.",
                    "An email address cannot end with a {}.", hostname=True):
        return why
    domain = domain.lower()
    if "." not in domain:
        return "The part after the @-sign is not valid. It should have a period."
    if not domain[-1].isalpha():
        return ("The part after the @-sign is not valid. It is not within a valid "
                "top-level domain.")
    if any(domain == d or domain.endswith(f".{d}") for d in SPECIAL_USE_DOMAINS):
        return ("The part after the @-sign is a special-use or reserved name that cannot "
                "be used with email.")
    return None


def is_pypi_url(url: str) -> bool:
    """Whether PyPI takes ``url`` as a project URL: an http or https scheme, and a port
    that fits (rfc3986 with ``require_authority=False``: no host is needed)."""
    match = _URI.match(url)
    if match is None or (match["scheme"] or "").lower() not in ("http", "https"):
        return False
    port = _PORT.match(match["authority"] or "")
    return port is None or int(port["port"]) <= 65535

"""Repository URLs as people write them: parsed once, the password split off, never echoed.

A URL may carry a secret (``https://user:password@host/``), and a malformed one may hold it
anywhere (``https://__token__:pypi-…/`` has no ``@``, so the token reads as a port). So no
message here quotes the URL: each names the part that is wrong.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import field
from urllib.parse import urlsplit

from publish_checks._record import Record, record

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
UPLOAD_SCHEMES = ("https", "http")
EXAMPLE = "https://pypi.example.com/legacy/"


class UrlError(ValueError):
    """A URL nothing can be uploaded to; ``problem`` completes "<where> …" and quotes no part
    of the URL."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


@record
class ParsedUrl(Record):
    url: str  # without user:password@, its scheme in lower case
    user: str | None
    password: str = field(repr=False)

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""


def looks_like_url(text: str) -> bool:
    """Whether ``text`` is meant as a URL (``scheme://…``, any scheme, any case)."""
    return "://" in text


def parse_url(text: str) -> ParsedUrl:
    """An http(s) URL with its credentials split off; UrlError for anything else."""
    scheme = text.partition("://")[0].lower() if _SCHEME.match(text) else ""
    if not scheme:
        raise UrlError("has no scheme (write it in full, starting with https://)")
    if scheme not in UPLOAD_SCHEMES:
        raise UrlError(f"is an {_shown_scheme(scheme)}:// URL: packages are uploaded over "
                       "https:// (or http:// to this machine)")
    try:
        parts = urlsplit(text)
    except ValueError:  # the only thing urlsplit refuses is a malformed host part
        raise UrlError("has a malformed host (an IPv6 address is written in brackets, "
                       "[::1], both of them)") from None
    try:
        parts.port  # noqa: B018 (it parses the port)
    except ValueError:
        raise UrlError("has a port that is not a number from 0 to 65535") from None
    if not parts.hostname:
        raise UrlError("has no host")
    netloc = parts.netloc.rpartition("@")[2]
    clean = parts._replace(scheme=scheme, netloc=netloc).geturl()
    return ParsedUrl(clean, parts.username or None, parts.password or "")


def _shown_scheme(scheme: str) -> str:
    return scheme if len(scheme) <= 12 else scheme[:11] + "…"


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 and localhost: what never leaves this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def plain_http_elsewhere(url: str | None) -> bool:
    """Whether uploading to ``url`` would send credentials unencrypted over a network."""
    if not url:
        return False
    parts = urlsplit(url)
    return parts.scheme == "http" and not is_loopback(parts.hostname or "")

"""GETs to an index, bounded: one deadline for the whole exchange (headers and body), no
proxy for loopback, no redirect to another host. Anonymous unless given a :class:`Login`,
whose Authorization header goes only to the login's own origin (scheme, host and port) and
is never carried across a redirect anywhere else.
"""

from __future__ import annotations

import base64
import contextlib
import os
import socket
import threading
from collections.abc import Iterator, Mapping
from dataclasses import field
from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from publish_checks._errors import PublishChecksError
from publish_checks._lazy import load
from publish_checks._record import Record, record
from publish_checks.project.urls import is_loopback

if TYPE_CHECKING:
    import http.client

STATUS_PAGE = "https://status.python.org"
#: What opens a URL: urllib and http.client, with ssl (dists/transport.py), loaded on the
#: first GET: a run that asks no index imports none of the network stack.
TRANSPORT = "publish_checks.dists.transport:open_url"
#: Set (to anything but empty or 0), no index but one on this machine is read: an air-gapped
#: run, and the test suite's guarantee that real PyPI is never asked.
LOCAL_ONLY_VARIABLE = "PUBLISH_CHECKS_LOCAL_ONLY"


def local_only(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether :data:`LOCAL_ONLY_VARIABLE` keeps every read on this machine."""
    return environ.get(LOCAL_ONLY_VARIABLE, "").strip() not in ("", "0")


class IndexQueryError(PublishChecksError):
    """The index could not be asked, or gave an answer we cannot read."""


class LoginRefused(IndexQueryError):
    """The index answered 401/403: asking again with the same login cannot help."""


def hint(url: str) -> str:
    """What to do when ``url`` cannot be read."""
    host = urlsplit(url).hostname or ""
    if host == "pypi.org" or host.endswith(".pypi.org"):
        return f"check your connection and {STATUS_PAGE}, then retry"
    return f"is the index running? check the repository URL ({url}), then retry"


class OtherHost(Exception):
    """The index redirected to another host instead of answering."""


_LOOPBACK = ("127.0.0.1", "::1", "localhost")


def origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of ``url``, the port filled in from the scheme."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:  # a port that is no number: an origin nothing matches
        port = -1
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), port or (443 if scheme == "https" else 80)


@record
class Login(Record):
    """HTTP Basic credentials for one index, sent to its ``origin`` only. ``source`` says
    where the secret came from (a variable, a file), never what it is; the secret is kept
    out of the repr, so no message or traceback can show it."""

    origin: tuple[str, str, int]
    username: str
    source: str
    password: str = field(repr=False)

    @property
    def host(self) -> str:
        return self.origin[1]

    def covers(self, url: str) -> bool:
        """Whether ``url`` is on this login's own origin (same scheme, host and port)."""
        return origin(url) == self.origin

    def header(self) -> str:
        pair = f"{self.username}:{self.password}".encode()
        return "Basic " + base64.b64encode(pair).decode("ascii")


def login_for(index_url: str, username: str, password: str, source: str) -> Login | None:
    """A Login for ``index_url``, or None where a secret must not go: anything but https://,
    save plain http:// to this machine."""
    scheme, host, port = origin(index_url)
    if not password or not (scheme == "https" or (scheme == "http" and host in _LOOPBACK)):
        return None
    return Login((scheme, host, port), username, source, password)


class _Watchdog:
    """Ends one exchange with an index when its time is up: every socket it opened is shut
    down, which wakes a read blocked on a server that sends a byte now and then."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def error(self, url: str) -> IndexQueryError:
        return IndexQueryError(f"{url} did not answer within {self.seconds:g} s", hint(url))


def _shut(sock: socket.socket) -> None:
    # The plain socket's shutdown: an SSLSocket's own would drop its TLS state under the
    # thread that is reading. OSError: it was closed already.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _open(url: str, accept: str, timeout: float, watchdog: _Watchdog,
          login: Login | None, headers: Mapping[str, str]) -> http.client.HTTPResponse:
    """A response from ``url`` (http(s) only; a proxy never for loopback), its connections
    under ``watchdog``; ``login`` is sent when ``url`` is on its origin."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise IndexQueryError(f"index URL {url} is not http(s)", "pass an http:// or https:// URL")
    host = urlsplit(url).hostname or ""
    if local_only() and not is_loopback(host):
        raise IndexQueryError(f"{host} was not asked: {LOCAL_ONLY_VARIABLE} is set, so only "
                              "an index on this machine is read",
                              f"unset {LOCAL_ONLY_VARIABLE} to read {host}")
    response: http.client.HTTPResponse = load(TRANSPORT)(
        url, accept, timeout, watchdog, login, headers, direct=host in _LOOPBACK)
    return response


@contextlib.contextmanager
def get(url: str, accept: str, *, timeout: float, deadline: float,
        login: Login | None = None,
        headers: Mapping[str, str] | None = None) -> Iterator[http.client.HTTPResponse]:
    """The response to a GET of ``url``, with ``login``'s Authorization when ``url`` is on
    its origin (and ``headers``: a Range). ``timeout`` bounds each network read, ``deadline``
    the whole exchange: past it, whatever a read raised (or a body that seemed to end)
    becomes an IndexQueryError saying so. HTTP errors, redirects to another host
    (OtherHost) and failed connections are raised as they come."""
    import http.client  # loaded by the first GET's transport, before any answer is read

    watchdog = _Watchdog(deadline)
    try:
        with watchdog, _open(url, accept, timeout, watchdog, login, headers or {}) as response:
            yield response
    except (OSError, http.client.HTTPException):
        if watchdog.expired:
            raise watchdog.error(url) from None
        raise
    if watchdog.expired:  # a body without Content-Length, cut off, looks complete
        raise watchdog.error(url)

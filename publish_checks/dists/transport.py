"""The network stack under dists/fetch.py's GET: urllib's handlers and http.client's
connections, each socket under the exchange's watchdog, TLS with the default context, and
redirects kept to the same host. Loaded on the first GET (``fetch.TRANSPORT``): a run that
asks no index (``verify --offline``) imports neither http.client nor ssl."""

from __future__ import annotations

import functools
import http.client
import ssl
import urllib.request
from collections.abc import Mapping
from typing import IO, Any, Protocol
from urllib.parse import urlsplit

from publish_checks.dists.fetch import Login, OtherHost


class Watchdog(Protocol):
    """fetch's ``_Watchdog``: shuts the sockets it watches when the exchange's time is up."""

    def watch(self, sock: Any) -> None: ...


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    # pypiserver redirects a project it does not have to PyPI (its default "fallback"):
    # PyPI's files are not on this index, so such a redirect means "not here".
    def __init__(self, login: Login | None) -> None:
        super().__init__()
        self.login = login

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int,
                         msg: str, headers: http.client.HTTPMessage,
                         newurl: str) -> urllib.request.Request | None:
        if urlsplit(newurl).netloc.lower() != urlsplit(req.full_url).netloc.lower():
            fp.close()
            raise OtherHost(newurl)
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        # The Authorization header is "unredirected": urllib never copies it; it is given
        # again only when the new URL is the login's own origin (not http:// after https://).
        if new is not None and self.login is not None and self.login.covers(new.full_url):
            new.add_unredirected_header("Authorization", self.login.header())
        return new


class _Watched(http.client.HTTPConnection):
    """A connection whose socket the watchdog shuts when the deadline passes."""

    def __init__(self, *args: Any, watchdog: Watchdog, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.watchdog = watchdog

    def connect(self) -> None:
        super().connect()
        self.watchdog.watch(self.sock)


class _TLSConnection(_Watched, http.client.HTTPSConnection):
    pass


class _Handler(urllib.request.HTTPHandler):
    def __init__(self, watchdog: Watchdog) -> None:
        super().__init__()
        self.watchdog = watchdog

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_Watched, watchdog=self.watchdog), req)


class _TLSHandler(urllib.request.HTTPSHandler):
    def __init__(self, watchdog: Watchdog) -> None:
        super().__init__()
        self.watchdog = watchdog

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_TLSConnection, watchdog=self.watchdog), req,
                            context=ssl.create_default_context())


def open_url(url: str, accept: str, timeout: float, watchdog: Watchdog, login: Login | None,
             headers: Mapping[str, str], *, direct: bool) -> http.client.HTTPResponse:
    """A response from ``url`` (its scheme and host checked by ``fetch._open``), its
    connections under ``watchdog``; ``login`` is sent when ``url`` is on its origin;
    ``direct``: no proxy (loopback)."""
    # S310: fetch._open checked the scheme, so no file:// or custom scheme gets opened.
    request = urllib.request.Request(url, headers={**headers, "Accept": accept})  # noqa: S310
    if login is not None and login.covers(url):
        request.add_unredirected_header("Authorization", login.header())
    handlers: list[urllib.request.BaseHandler] = [
        _SameHostRedirects(login), _Handler(watchdog), _TLSHandler(watchdog)]
    if direct:
        # An http_proxy meant for the internet must not swallow the rehearsal's index.
        handlers.append(urllib.request.ProxyHandler({}))
    response: http.client.HTTPResponse = urllib.request.build_opener(*handlers).open(
        request, timeout=timeout)
    return response

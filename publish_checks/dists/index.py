"""Ask a simple index (PEP 691 JSON, else PEP 503 HTML) which files of a project it serves.

Reads are anonymous: no credentials are ever sent. Used by ``index-version`` before an
upload and by publish to resume a broken upload and to confirm the index serves the files.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import IO
from urllib.parse import unquote, urljoin, urlsplit

from packaging.utils import canonicalize_name

from publish_checks._errors import PublishChecksError

ACCEPT = "application/vnd.pypi.simple.v1+json, text/html;q=0.1"
STATUS_PAGE = "https://status.python.org"


class IndexQueryError(PublishChecksError):
    """The index could not be asked, or gave an answer we cannot read."""


@dataclass(frozen=True)
class IndexFile:
    """A file as a simple index lists it: the absolute URL to fetch it from, its sha256."""

    filename: str
    url: str
    sha256: str | None


def _hint(url: str) -> str:
    host = urlsplit(url).hostname or ""
    if host == "pypi.org" or host.endswith(".pypi.org"):
        return f"check your connection and {STATUS_PAGE}, then retry"
    return f"is the index running? check the repository URL ({url}), then retry"


class _OtherHost(Exception):
    """The index redirected to another host instead of answering."""


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    # pypiserver redirects a project it does not have to PyPI (its default "fallback"):
    # PyPI's files are not on this index, so such a redirect means "not here".
    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int,
                         msg: str, headers: http.client.HTTPMessage,
                         newurl: str) -> urllib.request.Request | None:
        if urlsplit(newurl).netloc.lower() != urlsplit(req.full_url).netloc.lower():
            fp.close()
            raise _OtherHost(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(_SameHostRedirects)
# An http_proxy meant for the internet must not swallow the rehearsal's index on 127.0.0.1.
_loopback_opener = urllib.request.build_opener(_SameHostRedirects, urllib.request.ProxyHandler({}))
_LOOPBACK = ("127.0.0.1", "::1", "localhost")


class _Anchors(HTMLParser):
    """The ``<a href>`` elements of a PEP 503 page, with their text."""

    def __init__(self) -> None:
        super().__init__()
        self.anchors: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href") or None
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.anchors.append((self._href, "".join(self._text).strip()))
            self._href = None


def _from_html(url: str, text: str) -> dict[str, IndexFile]:
    parser = _Anchors()
    parser.feed(text)
    parser.close()
    files: dict[str, IndexFile] = {}
    for href, text in parser.anchors:
        parts = urlsplit(href)
        filename = text or unquote(parts.path.rsplit("/", 1)[-1])
        if not filename:
            continue
        algorithm, _, digest = parts.fragment.partition("=")
        files[filename] = IndexFile(filename, urljoin(url, href.partition("#")[0]),
                                    digest.lower() if algorithm == "sha256" and digest else None)
    return files


def _from_json(url: str, body: bytes) -> dict[str, IndexFile]:
    problem = "malformed PEP 691 JSON"
    try:
        data = json.loads(body)
        entries = data["files"]
        files: dict[str, IndexFile] = {}
        for entry in entries:
            filename = entry["filename"]
            href = entry.get("url") or filename
            digest = (entry.get("hashes") or {}).get("sha256")
            if not (isinstance(filename, str) and isinstance(href, str)
                    and isinstance(digest, str | None)):
                raise TypeError(filename)
            files[filename] = IndexFile(filename, urljoin(url, href),
                                        digest.lower() if digest else None)
    except json.JSONDecodeError as e:
        problem = f"{problem} ({e})"
    except (KeyError, TypeError, AttributeError):
        problem = f"{problem} (no files[].filename list)"
    else:
        return files
    raise IndexQueryError(f"{url} answered {problem}",
                          "the index does not speak the simple API; check the repository URL")


def project_files(index_url: str, project: str, *, timeout: float = 10) -> dict[str, str | None]:
    """Filename → sha256 (None when the index gives no hash) of every file of ``project``.

    An empty dict when the index does not know the project. IndexQueryError when it
    cannot be asked or answers something else.
    """
    return {name: f.sha256 for name, f in project_listing(index_url, project,
                                                          timeout=timeout).items()}


def _open(url: str, accept: str, timeout: float) -> http.client.HTTPResponse:
    """A response from ``url`` (http(s) only; a proxy never for loopback)."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise IndexQueryError(f"index URL {url} is not http(s)", "pass an http:// or https:// URL")
    # S310: the scheme is checked just above, so no file:// or custom scheme gets opened.
    request = urllib.request.Request(url, headers={"Accept": accept})  # noqa: S310
    opener = _loopback_opener if urlsplit(url).hostname in _LOOPBACK else _opener
    response: http.client.HTTPResponse = opener.open(request, timeout=timeout)
    return response


def project_listing(index_url: str, project: str, *,
                    timeout: float = 10) -> dict[str, IndexFile]:
    """Every file the index lists for ``project``, by filename (see :func:`project_files`)."""
    url = f"{index_url.rstrip('/')}/{canonicalize_name(project)}/"
    try:
        with _open(url, ACCEPT, timeout) as response:
            body: bytes = response.read()
            content_type: str = response.headers.get_content_type()
            charset: str = response.headers.get_content_charset() or "utf-8"
    except _OtherHost:
        return {}
    except urllib.error.HTTPError as e:
        e.close()  # it holds the connection
        if e.code == 404:
            return {}
        hint = _hint(url)
        if e.code >= 500:
            hint = f"the index failed on its side: retry in a while ({STATUS_PAGE} for PyPI)"
        elif e.code in (401, 403):
            hint = ("this index needs credentials to list files, and publish-checks reads "
                    "anonymously: allow anonymous listing, or pass --skip index-version")
        raise IndexQueryError(f"{url} answered HTTP {e.code} {e.reason}", hint) from None
    except urllib.error.URLError as e:
        raise IndexQueryError(f"cannot reach {url}: {e.reason}", _hint(url)) from None
    except (OSError, http.client.HTTPException) as e:  # timeouts and dropped connections
        reason = str(e) or type(e).__name__
        raise IndexQueryError(f"cannot read {url}: {reason}", _hint(url)) from None
    if content_type.startswith("application/vnd.pypi.simple.") and content_type.endswith("+json"):
        return _from_json(url, body)
    try:
        text = body.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know
        text = body.decode("utf-8", errors="replace")
    return _from_html(url, text)


def download(file: IndexFile, dest: Path, *, expected_sha256: str, size_limit: int,
             timeout: float = 60) -> Path:
    """Fetch ``file`` from its index into ``dest`` (a folder), streaming, at most
    ``size_limit`` bytes and ``timeout`` seconds in all; its sha256 must be the expected one.
    IndexQueryError otherwise, and nothing is left behind."""
    path = dest / Path(file.filename).name
    digest = hashlib.sha256()
    deadline = time.monotonic() + timeout
    size = 0
    try:
        with _open(file.url, "*/*", timeout) as response, path.open("wb") as out:
            while block := response.read(1024 * 1024):
                size += len(block)
                if size > size_limit:
                    raise IndexQueryError(f"{file.url} sent more than the {size_limit} bytes "
                                          "that were uploaded", "check which index you "
                                          "publish to")
                if time.monotonic() > deadline:
                    raise IndexQueryError(f"{file.url} did not arrive within {timeout:.0f} s",
                                          _hint(file.url))
                digest.update(block)
                out.write(block)
    except IndexQueryError:
        path.unlink(missing_ok=True)
        raise
    except _OtherHost as e:
        path.unlink(missing_ok=True)
        raise IndexQueryError(f"{file.url} redirected to another host ({e})",
                              "the files must come from the index they were uploaded to") from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as e:
        path.unlink(missing_ok=True)
        raise IndexQueryError(f"cannot download {file.url}: {e}", _hint(file.url)) from None
    if digest.hexdigest() != expected_sha256:
        path.unlink(missing_ok=True)
        raise IndexQueryError(f"the index served {file.filename} with sha256 "
                              f"{digest.hexdigest()}, not the file that was uploaded",
                              "check which index you publish to")
    return path


def wait_for_files(index_url: str, project: str, expected: Mapping[str, str], *,
                   attempts: int = 8, first_delay: float = 1.0, max_delay: float = 15.0,
                   timeout: float = 10,
                   sleep: Callable[[float], None] = time.sleep,
                   bump_hint: str = "bump the version and rebuild") -> dict[str, str | None]:
    """Poll until the index lists every expected filename with its sha256; return the listing.

    Waits ``first_delay`` seconds after the first look, doubling up to ``max_delay``, for at
    most ``attempts`` looks. A file the index lists without a hash counts as there (its
    value in the result is None). IndexQueryError names what is still missing or different.
    """
    problem, hint = "nothing was asked", ""
    for attempt in range(attempts):
        if attempt:
            sleep(min(first_delay * 2 ** (attempt - 1), max_delay))
        try:
            files = project_files(index_url, project, timeout=timeout)
        except IndexQueryError as e:  # an index may stumble right after an upload: retry
            problem, hint = e.message, e.hint
            continue
        missing = sorted(name for name in expected if name not in files)
        different = sorted(name for name, digest in expected.items()
                           if files.get(name) not in (None, digest.lower()))
        if not missing and not different:
            return files
        problem = "; ".join(
            ([f"not listed: {', '.join(missing)}"] if missing else [])
            + ([f"listed with another sha256: {', '.join(different)}"] if different else []))
        hint = (f"look at {index_url.rstrip('/')}/{canonicalize_name(project)}/ in a minute; "
                "re-running publish uploads only what is missing")
        if different:
            hint = f"the index holds other files under these names: {bump_hint}"
    raise IndexQueryError(f"after {attempts} looks at {index_url}: {problem}", hint)

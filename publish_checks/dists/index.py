"""Ask a simple index (PEP 691 JSON, else PEP 503 HTML) which files of a project it serves.

Reads are anonymous unless given the target's :class:`~publish_checks.dists.fetch.Login`
(dists/login.py decides), sent only to the index's own origin. Used by ``index-version`` before an
upload and by publish to resume a broken upload and to confirm the index serves the files.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import re
import time
import urllib.error
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from packaging.utils import canonicalize_name

from publish_checks._text import printable
from publish_checks.dists.fetch import STATUS_PAGE, Login, LoginRefused, OtherHost, get, hint
from publish_checks.dists.fetch import IndexQueryError as IndexQueryError  # re-exported

ACCEPT = "application/vnd.pypi.simple.v1+json, text/html;q=0.1"
# PyPI's largest project pages weigh a few MiB; an answer past this is not a simple page,
# and reading it whole would cost unbounded memory.
LISTING_LIMIT = 64 * 1024 * 1024
# Seconds for one whole answer. A socket timeout bounds each read, not a server that
# trickles a byte a second; this bounds the exchange, headers and body together.
DEADLINE = 60.0
_BLOCK = 1024 * 1024


@dataclass(frozen=True)
class IndexFile:
    """A file as a simple index lists it: the absolute URL to fetch it from, its sha256, and
    when it was uploaded (PEP 700 ``upload-time``: JSON answers only, else None); its size
    (PEP 700, JSON only), whether it is yanked (PEP 592), and where its core metadata is
    served on its own (PEP 658/714: the file's URL + ``.metadata``, with the sha256 the
    index gives, None when it gives none; no URL when it serves none)."""

    filename: str
    url: str
    sha256: str | None
    upload_time: datetime | None = None
    size: int | None = None
    yanked: bool = False
    metadata_sha256: str | None = None
    metadata_url: str | None = None


class _Anchors(HTMLParser):
    """The ``<a href>`` elements of a PEP 503 page, with their text."""

    def __init__(self) -> None:
        super().__init__()
        self.anchors: list[tuple[str, str, dict[str, str | None]]] = []
        self._href: str | None = None
        self._attrs: dict[str, str | None] = {}
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._unclosed()
            self._attrs = dict(attrs)
            self._href = self._attrs.get("href") or None
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.anchors.append((self._href, "".join(self._text).strip(), self._attrs))
            self._href = None

    def close(self) -> None:
        super().close()
        self._unclosed()

    def _unclosed(self) -> None:
        # An <a> never closed is still a link pip follows (it reads only start tags); its
        # text runs on into whatever follows, so it is named by its URL, as pip names it.
        if self._href is not None:
            self.anchors.append((self._href, "", self._attrs))
            self._href = None


def _from_html(url: str, text: str) -> dict[str, IndexFile]:
    parser = _Anchors()
    parser.feed(text)
    parser.close()
    files: dict[str, IndexFile] = {}
    for href, text, attrs in parser.anchors:
        parts = urlsplit(href)
        filename = text or unquote(parts.path.rsplit("/", 1)[-1])
        if not filename:
            continue
        algorithm, _, digest = parts.fragment.partition("=")
        file_url = urljoin(url, href.partition("#")[0])
        # PEP 714's name first; PEP 658's older one where only it is given.
        served = attrs.get("data-core-metadata", attrs.get("data-dist-info-metadata"))
        metadata_url, metadata_sha256 = _metadata_link(file_url, served)
        files[filename] = IndexFile(filename, file_url,
                                    digest.lower() if algorithm == "sha256" and digest else None,
                                    yanked="data-yanked" in attrs,
                                    metadata_sha256=metadata_sha256, metadata_url=metadata_url)
    return files


def _metadata_link(file_url: str, served: object) -> tuple[str | None, str | None]:
    """PEP 658/714's metadata link of a file, from the value the index gives: JSON
    ``{"sha256": …}``, ``true`` or ``false``; HTML ``sha256=…``, ``true`` or absent."""
    digest: object = None
    if isinstance(served, dict):
        digest = served.get("sha256")
    elif isinstance(served, str):
        algorithm, _, value = served.partition("=")
        digest = value if algorithm == "sha256" else None
    elif served is not True:
        return None, None
    return file_url + ".metadata", digest.lower() if isinstance(digest, str) and digest else None


_UPLOAD_TIME = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)?")


def _upload_time(value: object) -> datetime | None:
    """PEP 700's ``upload-time`` (ISO 8601, UTC: ``2026-01-02T03:04:05.123456Z``), or None
    when it is absent or unreadable: then nobody knows it, and nothing is guessed."""
    if not isinstance(value, str) or not (match := _UPLOAD_TIME.fullmatch(value.strip())):
        return None
    seconds, fraction, zone = match.groups()
    # Python 3.10's fromisoformat takes neither "Z" nor other than 3 or 6 fraction digits.
    zone = "+00:00" if zone in (None, "Z") else zone  # PEP 700: always UTC
    try:
        when = datetime.fromisoformat(f"{seconds}.{(fraction or '')[:6]:0<6}{zone}")
    except ValueError:  # month 13, hour 25
        return None
    return when.astimezone(timezone.utc)


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
            size = entry.get("size")
            file_url = urljoin(url, href)
            metadata_url, metadata_sha256 = _metadata_link(
                file_url, entry.get("core-metadata", entry.get("dist-info-metadata")))
            files[filename] = IndexFile(
                filename, file_url, digest.lower() if digest else None,
                _upload_time(entry.get("upload-time")),
                size=size if isinstance(size, int) and not isinstance(size, bool) else None,
                yanked=entry.get("yanked", False) not in (False, None),
                metadata_sha256=metadata_sha256, metadata_url=metadata_url)
    except json.JSONDecodeError as e:
        problem = f"{problem} ({e})"
    except (KeyError, TypeError, AttributeError):
        problem = f"{problem} (no files[].filename list)"
    else:
        return files
    raise IndexQueryError(f"{url} answered {problem}",
                          "the index does not speak the simple API; check the repository URL")


def project_files(index_url: str, project: str, *, timeout: float = 10,
                  login: Login | None = None) -> dict[str, str | None]:
    """Filename → sha256 (None when the index gives no hash) of every file of ``project``.

    An empty dict when the index does not know the project. IndexQueryError when it
    cannot be asked or answers something else.
    """
    return {name: f.sha256 for name, f in project_listing(index_url, project, timeout=timeout,
                                                          login=login).items()}


def _refused(url: str, code: int, login: Login | None) -> LoginRefused:
    """A 401 or 403: the login was refused, or the index wants one and none was sent."""
    host = printable(urlsplit(url).hostname or url)
    if login is not None:
        return LoginRefused(
            f"{url} answered HTTP {code}: {host} refused the credentials (user "
            f"{printable(login.username)}, the secret from {printable(login.source)})",
            f"check the username (TWINE_USERNAME or the username of its ~/.pypirc section) "
            f"and the secret for {host}: one that {host} accepts, allowed to read the index")
    return LoginRefused(
        f"{url} answered HTTP {code}: {host} needs a login to list and download files, and "
        "none was sent",
        f"give {host} its own secret (TWINE_USERNAME and TWINE_PASSWORD, a password in its "
        "~/.pypirc section or its URL, or token-variable under "
        "[tool.publish-checks.repositories.NAME]), over https:// (plain http:// only to "
        "this machine); it is sent to that index only")


def _read_listing(response: http.client.HTTPResponse, url: str) -> bytes:
    """The body of a simple page, at most LISTING_LIMIT bytes of it."""
    too_large = IndexQueryError(f"{url} sent more than {LISTING_LIMIT // 2**20} MiB, which "
                                "no simple page weighs", "check the repository URL: it should "
                                "be the simple index (…/simple/)")
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > LISTING_LIMIT:
        raise too_large
    blocks, size = [], 0
    while block := response.read(_BLOCK):
        size += len(block)
        if size > LISTING_LIMIT:
            raise too_large
        blocks.append(block)
    return b"".join(blocks)


def project_listing(index_url: str, project: str, *, timeout: float = 10,
                    deadline: float = DEADLINE,
                    login: Login | None = None) -> dict[str, IndexFile]:
    """Every file the index lists for ``project``, by filename (see :func:`project_files`).

    ``timeout`` bounds each network read, ``deadline`` the whole answer; a page over
    LISTING_LIMIT is refused. ``login`` is sent to the index's own origin only.
    """
    page = project_page(index_url, project, timeout=timeout, deadline=deadline, login=login)
    return {} if page is None else page


def project_page(index_url: str, project: str, *, timeout: float = 10,
                 deadline: float = DEADLINE,
                 login: Login | None = None) -> dict[str, IndexFile] | None:
    """:func:`project_listing`, but None when the index says the project does not exist
    (HTTP 404), where a project it has without files is an empty listing."""
    url = f"{index_url.rstrip('/')}/{canonicalize_name(project)}/"
    try:
        with get(url, ACCEPT, timeout=timeout, deadline=deadline, login=login) as response:
            body = _read_listing(response, url)
            content_type: str = response.headers.get_content_type()
            charset: str = response.headers.get_content_charset() or "utf-8"
    except OtherHost:
        return {}
    except urllib.error.HTTPError as e:
        e.close()  # it holds the connection
        if e.code == 404:
            return None
        if e.code in (401, 403):
            raise _refused(url, e.code, login) from None
        fix = hint(url)
        if e.code >= 500:
            fix = f"the index failed on its side: retry in a while ({STATUS_PAGE} for PyPI)"
        raise IndexQueryError(f"{url} answered HTTP {e.code} {printable(str(e.reason))}",
                              fix) from None
    except urllib.error.URLError as e:
        raise IndexQueryError(f"cannot reach {url}: {printable(str(e.reason))}",
                              hint(url)) from None
    except (OSError, http.client.HTTPException) as e:  # timeouts and dropped connections
        reason = printable(str(e)) or type(e).__name__
        raise IndexQueryError(f"cannot read {url}: {reason}", hint(url)) from None
    if content_type.startswith("application/vnd.pypi.simple.") and content_type.endswith("+json"):
        return _from_json(url, body)
    try:
        text = body.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know
        text = body.decode("utf-8", errors="replace")
    return _from_html(url, text)


def download(file: IndexFile, dest: Path, *, expected_sha256: str, size_limit: int,
             timeout: float = 60, login: Login | None = None) -> Path:
    """Fetch ``file`` from its index into ``dest`` (a folder), streaming, at most
    ``size_limit`` bytes and ``timeout`` seconds in all; its sha256 must be the expected one.
    IndexQueryError otherwise, and nothing is left behind. ``login`` goes with the request
    only when the file is on the login's own origin."""
    path = dest / Path(file.filename).name
    url = printable(file.url)  # the index chose it: shown escaped
    digest = hashlib.sha256()
    size = 0
    try:
        with get(file.url, "*/*", timeout=timeout, deadline=timeout,
                 login=login) as response, path.open("wb") as out:
            while block := response.read(_BLOCK):
                size += len(block)
                if size > size_limit:
                    raise IndexQueryError(f"{url} sent more than the {size_limit} bytes "
                                          "that were uploaded", "check which index you "
                                          "publish to")
                digest.update(block)
                out.write(block)
    except IndexQueryError:
        path.unlink(missing_ok=True)
        raise
    except OtherHost as e:
        path.unlink(missing_ok=True)
        raise IndexQueryError(f"{url} redirected to another host ({printable(str(e))})",
                              "the files must come from the index they were uploaded to") from None
    except urllib.error.HTTPError as e:
        e.close()
        path.unlink(missing_ok=True)
        if e.code in (401, 403):
            raise _refused(url, e.code, login) from None
        raise IndexQueryError(f"cannot download {url}: HTTP {e.code} "
                              f"{printable(str(e.reason))}", hint(file.url)) from None
    except (OSError, http.client.HTTPException) as e:  # URLError is an OSError
        path.unlink(missing_ok=True)
        raise IndexQueryError(f"cannot download {url}: {printable(str(e))}",
                              hint(file.url)) from None
    if digest.hexdigest() != expected_sha256:
        path.unlink(missing_ok=True)
        raise IndexQueryError(f"the index served {printable(file.filename)} with sha256 "
                              f"{digest.hexdigest()}, not the file that was uploaded",
                              "check which index you publish to")
    return path


def wait_for_files(index_url: str, project: str, expected: Mapping[str, str], *,
                   attempts: int = 8, first_delay: float = 1.0, max_delay: float = 15.0,
                   timeout: float = 10,
                   sleep: Callable[[float], None] = time.sleep,
                   bump_hint: str = "bump the version and rebuild",
                   login: Login | None = None) -> dict[str, str | None]:
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
            files = project_files(index_url, project, timeout=timeout, login=login)
        except LoginRefused:  # the same login gets the same answer: no point waiting
            raise
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

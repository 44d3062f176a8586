"""Read a simple index over HTTP: a project's page (PEP 691 JSON, else PEP 503 HTML, parsed
by dists/listing.py), and a file it lists.

Reads are anonymous unless given the target's :class:`~publish_checks.dists.fetch.Login`
(dists/login.py decides), sent only to the index's own origin. Only dists/snapshot.py calls
this: every part of a run reads the listing from its :class:`~publish_checks.dists.snapshot.
Snapshot`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from packaging.utils import canonicalize_name

from publish_checks._text import printable
from publish_checks.dists.fetch import STATUS_PAGE, Login, LoginRefused, OtherHost, get, hint
from publish_checks.dists.fetch import IndexQueryError as IndexQueryError  # re-exported
from publish_checks.dists.listing import IndexFile as IndexFile  # re-exported
from publish_checks.dists.listing import parse_page
from publish_checks.project.twine_conventions import PASSWORD, USERNAME

if TYPE_CHECKING:
    import http.client

ACCEPT = "application/vnd.pypi.simple.v1+json, text/html;q=0.1"
# PyPI's largest project pages weigh a few MiB; an answer past this is not a simple page,
# and reading it whole would cost unbounded memory.
LISTING_LIMIT = 64 * 1024 * 1024
# Seconds for one whole answer. A socket timeout bounds each read, not a server that
# trickles a byte a second; this bounds the exchange, headers and body together.
DEADLINE = 60.0
_BLOCK = 1024 * 1024


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
            f"check the username ({USERNAME} or the username of its ~/.pypirc section) "
            f"and the secret for {host}: one that {host} accepts, allowed to read the index")
    return LoginRefused(
        f"{url} answered HTTP {code}: {host} needs a login to list and download files, and "
        "none was sent",
        f"give {host} its own secret ({USERNAME} and {PASSWORD}, a password in its "
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
    import http.client  # the network stack loads with the first GET (dists/fetch.py)
    import urllib.error

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
    return parse_page(url, body, content_type, charset)


def download(file: IndexFile, dest: Path, *, expected_sha256: str, size_limit: int,
             timeout: float = 60, login: Login | None = None) -> Path:
    """Fetch ``file`` from its index into ``dest`` (a folder), streaming, at most
    ``size_limit`` bytes and ``timeout`` seconds in all; its sha256 must be the expected one.
    IndexQueryError otherwise, and nothing is left behind. ``login`` goes with the request
    only when the file is on the login's own origin."""
    import http.client  # the network stack loads with the first GET (dists/fetch.py)
    import urllib.error

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

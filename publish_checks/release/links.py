"""Do the release's links answer? Its Home-page and each Project-URL, asked once after a
publish: a link that does not answer is a warning in the closing lines, never a failure
(the metadata of a published release cannot change; the next release can fix it).

Standard library only: urllib follows redirects and honours the user's proxy variables.
Each request is bounded (``timeout``), and so is the whole check (``budget``): the links
are asked in parallel, and one still unanswered when the budget runs out is reported so.
"""

from __future__ import annotations

import http.client
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from urllib.parse import urlsplit

from packaging.metadata import parse_email

from publish_checks.project.credentials import redact

MAX_LINKS = 10
TIMEOUT = 5.0  # seconds for one request
BUDGET = 12.0  # seconds for all of them
USER_AGENT = "publish-checks (link check)"


def release_links(metadata: bytes) -> list[tuple[str, str]]:
    """(field, URL) of the Home-page and every Project-URL in core metadata (the field as
    shown: ``Project-URL 'Documentation'``), http(s) only, each URL once, at most MAX_LINKS."""
    raw, _ = parse_email(metadata)
    found = [("Home-page", raw["home_page"])] if raw.get("home_page") else []
    found += [(f"Project-URL '{label}'", url)
              for label, url in (raw.get("project_urls") or {}).items()]
    links: dict[str, str] = {}
    for label, url in found:
        url = url.strip()
        # A URL urllib cannot split (``http://[::1``) still goes in: PyPI takes it, and
        # answer() says it did not answer.
        if url.partition(":")[0].lower() in ("http", "https") and url not in links:
            links[url] = label
    return [(label, url) for url, label in links.items()][:MAX_LINKS]


def answer(url: str, timeout: float = TIMEOUT) -> str | None:
    """None when ``url`` answers 2xx or 3xx (redirects followed), else what it did: HEAD
    first, GET when the server does not take HEAD (405, 501)."""
    status: int | str = ""
    try:
        host = urlsplit(url).hostname
    except ValueError as e:  # "Invalid IPv6 URL", a port that is no number
        return f"did not answer: {e}"
    # The user's proxy settings are honoured, except for this machine (as in dists/fetch.py).
    loopback = host in ("127.0.0.1", "::1", "localhost")
    opener = urllib.request.build_opener(*([urllib.request.ProxyHandler({})] if loopback else []))
    for method in ("HEAD", "GET"):
        # S310: release_links keeps http(s) URLs only.
        request = urllib.request.Request(url, method=method,  # noqa: S310
                                         headers={"User-Agent": USER_AGENT})
        try:
            with opener.open(request, timeout=timeout) as response:
                status = response.status
        except urllib.error.HTTPError as e:
            status = e.code
            e.close()
        except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as e:
            reason = getattr(e, "reason", e)
            if isinstance(reason, TimeoutError):
                return "did not answer: timeout"
            shown = reason.strerror if isinstance(reason, OSError) and reason.strerror else reason
            return f"did not answer: {shown}"
        if status not in (405, 501):
            break
    return None if isinstance(status, int) and 200 <= status < 400 else f"answered {status}"


def dead_links(links: Sequence[tuple[str, str]], *, timeout: float = TIMEOUT,
               budget: float = BUDGET) -> list[str]:
    """One warning line per link that does not answer 2xx/3xx, in the order given."""
    problems: dict[int, str | None] = {}

    def ask(n: int, url: str) -> None:
        problems[n] = answer(url, timeout)

    # Daemon threads: a server that keeps a socket open past the budget cannot hold the
    # release's exit.
    threads = [threading.Thread(target=ask, args=(n, url), daemon=True)
               for n, (_, url) in enumerate(links)]
    for thread in threads:
        thread.start()
    end = time.monotonic() + budget
    for thread in threads:
        thread.join(max(0.0, end - time.monotonic()))
    lines = []
    for n, (label, url) in enumerate(links):
        problem = problems.get(n, f"did not answer within {budget:g} s")
        if problem is not None:
            # A URL may carry a password (https://user:pw@host/): never shown.
            lines.append(redact(f"{label} {url} {problem}"))
    return lines

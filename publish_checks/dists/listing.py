"""What a simple index's project page says, parsed: PEP 691 JSON or PEP 503 HTML, into one
:class:`IndexFile` per file (its URL, sha256, PEP 700 upload time and size, PEP 592 yank,
PEP 658/714 metadata link). Reading the page over HTTP is dists/index.py's part."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timezone
from urllib.parse import urljoin

from publish_checks._lazy import load
from publish_checks._record import Record, record
from publish_checks.dists.fetch import IndexQueryError


@record
class IndexFile(Record):
    """A file as a simple index lists it: the absolute URL to fetch it from, its sha256, and
    when it was uploaded (PEP 700 ``upload-time``: JSON answers only, else None)."""

    filename: str
    url: str
    sha256: str | None
    upload_time: datetime | None = None
    size: int | None = None  # PEP 700 "size" (JSON only)
    yanked: bool = False  # PEP 592
    # PEP 658/714: the sha256 the index gives for the file's core metadata (None: none
    # given), and where that metadata is (None: the index serves none).
    metadata_sha256: str | None = None
    metadata_url: str | None = None


#: PEP 503's HTML page, read with html.parser (dists/html_listing.py): loaded with the first
#: HTML page, so a run that reads no index imports no HTML parser.
HTML_READER = "publish_checks.dists.html_listing:from_html"
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


def _json_file(url: str, entry: dict[str, object]) -> IndexFile:
    """One entry of a PEP 691 ``files`` list; TypeError when its names are not strings."""
    filename = entry["filename"]
    href = entry.get("url") or filename
    hashes = entry.get("hashes") or {}
    digest = hashes.get("sha256") if isinstance(hashes, dict) else None
    if not (isinstance(filename, str) and isinstance(href, str)
            and isinstance(digest, str | None)):
        raise TypeError(filename)
    size = entry.get("size")
    yanked = entry.get("yanked")  # PEP 691: false, true, or the reason (a string)
    metadata = entry.get("core-metadata")  # PEP 714; the older name else, as pip reads it
    if metadata is None:
        metadata = entry.get("dist-info-metadata")
    metadata_sha256 = metadata.get("sha256") if isinstance(metadata, dict) else None
    file_url = urljoin(url, href)
    return IndexFile(filename, file_url, digest.lower() if digest else None,
                     _upload_time(entry.get("upload-time")),
                     size=size if isinstance(size, int) and not isinstance(size, bool)
                     and size >= 0 else None,
                     yanked=yanked is True or isinstance(yanked, str),
                     metadata_sha256=(metadata_sha256.lower()
                                      if isinstance(metadata_sha256, str) and metadata_sha256
                                      else None),
                     metadata_url=(file_url.partition("#")[0] + ".metadata" if metadata
                                   else None))


def _from_json(url: str, body: bytes) -> dict[str, IndexFile]:
    problem = "malformed PEP 691 JSON"
    try:
        entries = json.loads(body)["files"]
        files = {file.filename: file for file in (_json_file(url, e) for e in entries)}
    except json.JSONDecodeError as e:
        problem = f"{problem} ({e})"
    except (KeyError, TypeError, AttributeError):
        problem = f"{problem} (no files[].filename list)"
    else:
        return files
    raise IndexQueryError(f"{url} answered {problem}",
                          "the index does not speak the simple API; check the repository URL")


def parse_page(url: str, body: bytes, content_type: str, charset: str) -> dict[str, IndexFile]:
    """The files of a project page ``url`` answered with ``body``: JSON when the answer says
    it is PEP 691's, else HTML in ``charset`` (UTF-8 when Python does not know it)."""
    if content_type.startswith("application/vnd.pypi.simple.") and content_type.endswith("+json"):
        return _from_json(url, body)
    try:
        text = body.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know
        text = body.decode("utf-8", errors="replace")
    from_html: Callable[[str, str], dict[str, IndexFile]] = load(HTML_READER)
    return from_html(url, text)

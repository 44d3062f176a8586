"""A PEP 503 project page in HTML: its ``<a>`` elements, read as pip reads them, made
IndexFiles (dists/listing.py loads this with the first HTML page it reads)."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

from publish_checks.dists.listing import IndexFile


class _Anchors(HTMLParser):
    """The ``<a>`` elements of a PEP 503 page: their attributes and text."""

    def __init__(self) -> None:
        super().__init__()
        self.anchors: list[tuple[dict[str, str | None], str]] = []
        self._attrs: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._unclosed()
            found = dict(attrs)
            self._attrs = found if found.get("href") else None
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._attrs is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._attrs is not None:
            self.anchors.append((self._attrs, "".join(self._text).strip()))
            self._attrs = None

    def close(self) -> None:
        super().close()
        self._unclosed()

    def _unclosed(self) -> None:
        # An <a> never closed is still a link pip follows (it reads only start tags); its
        # text runs on into whatever follows, so it is named by its URL, as pip names it.
        if self._attrs is not None:
            self.anchors.append((self._attrs, ""))
            self._attrs = None


def _html_metadata(attrs: dict[str, str | None]) -> tuple[bool, str | None]:
    """(served, sha256) of PEP 658's ``data-core-metadata`` (PEP 714; the older
    ``data-dist-info-metadata`` else): "true", or "<hash>=<value>"; read as pip reads it."""
    value = attrs.get("data-core-metadata")
    if value is None:
        value = attrs.get("data-dist-info-metadata")
    if value is None:
        return False, None
    algorithm, equals, digest = value.partition("=")
    return True, (digest.lower() if equals and algorithm == "sha256" and digest else None)


def from_html(url: str, text: str) -> dict[str, IndexFile]:
    """The files a PEP 503 HTML page ``url`` lists (``text``), read as pip reads them."""
    parser = _Anchors()
    parser.feed(text)
    parser.close()
    files: dict[str, IndexFile] = {}
    for attrs, text in parser.anchors:
        href = attrs.get("href") or ""
        parts = urlsplit(href)
        filename = text or unquote(parts.path.rsplit("/", 1)[-1])
        if not filename:
            continue
        algorithm, _, digest = parts.fragment.partition("=")
        file_url = urljoin(url, href.partition("#")[0])
        served, metadata_sha256 = _html_metadata(attrs)
        files[filename] = IndexFile(
            filename, file_url, digest.lower() if algorithm == "sha256" and digest else None,
            yanked="data-yanked" in attrs,  # PEP 592: present, with a reason or none
            metadata_sha256=metadata_sha256,
            metadata_url=file_url + ".metadata" if served else None)
    return files

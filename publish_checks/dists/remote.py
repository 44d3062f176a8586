"""Reading a release's files on an index without downloading them whole where the index
allows it: a wheel's central directory and a few members by HTTP Range, a file's size,
its PEP 658 metadata. Where the server ignores Range (it answers 200), the file is read
whole into a temporary folder, within the same size and time bounds as every index read.
"""

from __future__ import annotations

import bisect
import hashlib
import http.client
import io
import re
import time
import urllib.error
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from publish_checks._text import printable
from publish_checks.dists.fetch import IndexQueryError, Login, OtherHost, get, hint
from publish_checks.dists.index import DEADLINE, IndexFile

# PyPI's upload limit: no file of a release is larger unless its limit was raised.
SIZE_LIMIT = 100 * 1024 * 1024
METADATA_LIMIT = 16 * 1024 * 1024  # a METADATA file with a long description
# What Range reads of one wheel may hold in memory: its central directory and a few
# members (numpy's directory weighs 150 kB); the rest of the file is never fetched.
RANGED_LIMIT = 32 * 1024 * 1024
_TAIL = 64 * 1024  # the end of a wheel: its central directory, for all but huge wheels
_BLOCK = 64 * 1024
_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+)")


class _Budget:
    """What the reads of one file may still take: bytes and seconds."""

    def __init__(self, size_limit: int, deadline: float) -> None:
        self.limit = self.bytes = size_limit
        self.until = time.monotonic() + deadline

    def narrow(self, size_limit: int) -> None:
        self.limit = self.bytes = size_limit

    def seconds(self, url: str) -> float:
        left = self.until - time.monotonic()
        if left <= 0:
            raise IndexQueryError(f"{printable(url)} was not read within {DEADLINE:g} s",
                                  hint(url))
        return left

    def spend(self, url: str, size: int) -> None:
        self.bytes -= size
        if self.bytes < 0:
            raise IndexQueryError(f"{printable(url)} sent more than the {self.limit // 2**20} "
                                  "MiB that reading it may take",
                                  "check which index you publish to")


@contextmanager
def _request(url: str, budget: _Budget, login: Login | None, headers: dict[str, str],
             timeout: float) -> Iterator[http.client.HTTPResponse]:
    """A GET, with every way it can fail as an IndexQueryError naming the URL."""
    shown = printable(url)
    try:
        with get(url, "*/*", timeout=timeout, deadline=budget.seconds(url), login=login,
                 headers=headers) as response:
            yield response
    except IndexQueryError:
        raise
    except OtherHost as e:
        raise IndexQueryError(f"{shown} redirected to another host ({printable(str(e))})",
                              "the files must come from the index that lists them") from None
    except urllib.error.HTTPError as e:
        e.close()
        raise IndexQueryError(f"cannot read {shown}: HTTP {e.code} {printable(str(e.reason))}",
                              hint(url)) from None
    except (OSError, http.client.HTTPException) as e:  # URLError is an OSError
        raise IndexQueryError(f"cannot read {shown}: {printable(str(e)) or type(e).__name__}",
                              hint(url)) from None


def _body(response: http.client.HTTPResponse, url: str, budget: _Budget) -> bytes:
    blocks = []
    while block := response.read(_BLOCK):
        budget.spend(url, len(block))
        blocks.append(block)
    return b"".join(blocks)


def _total(response: http.client.HTTPResponse) -> int | None:
    """The whole file's size: from Content-Range of a 206, Content-Length of a 200."""
    if response.status == 206:
        match = _RANGE.fullmatch(response.headers.get("Content-Range", "").strip())
        return int(match[3]) if match else None
    declared = response.headers.get("Content-Length", "")
    return int(declared) if declared.isdigit() else None


def file_size(file: IndexFile, *, login: Login | None = None, timeout: float = 10) -> int | None:
    """The size of ``file``: the index's own (PEP 700), else what its server says when
    asked for its first byte (nothing more is read); None when it says nothing."""
    if file.size is not None:
        return file.size
    budget = _Budget(SIZE_LIMIT, DEADLINE)
    with _request(file.url, budget, login, {"Range": "bytes=0-0"}, timeout) as response:
        return _total(response)


def core_metadata(file: IndexFile, *, login: Login | None = None,
                  timeout: float = 10) -> bytes | None:
    """The file's core metadata as the index serves it apart (PEP 658/714), its sha256
    checked when the index gives one; None when the index serves none."""
    if file.metadata_url is None:
        return None
    budget = _Budget(METADATA_LIMIT, DEADLINE)
    with _request(file.metadata_url, budget, login, {}, timeout) as response:
        data = _body(response, file.metadata_url, budget)
    if file.metadata_sha256 and hashlib.sha256(data).hexdigest() != file.metadata_sha256:
        raise IndexQueryError(f"the index served the metadata of {printable(file.filename)} "
                              "with another sha256 than it lists", "retry; if it stays so, "
                              "tell the index's operators")
    return data


class _Ranged(io.RawIOBase):
    """A remote file as a seekable read-only stream: each read the cache cannot answer
    is one Range request of at least a block, within the file's budget."""

    def __init__(self, url: str, size: int, tail: bytes, budget: _Budget,
                 login: Login | None, timeout: float) -> None:
        super().__init__()
        self.url, self.size, self.budget, self.login, self.timeout = (
            url, size, budget, login, timeout)
        self.pos = 0
        self.starts: list[int] = [size - len(tail)]
        self.blocks: list[bytes] = [tail]

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self.pos, 2: self.size}[whence]
        self.pos = max(0, base + offset)
        return self.pos

    def _cached(self, start: int, end: int) -> bytes | None:
        i = bisect.bisect_right(self.starts, start) - 1
        if i >= 0 and self.starts[i] + len(self.blocks[i]) >= end:
            offset = start - self.starts[i]
            return self.blocks[i][offset:offset + end - start]
        return None

    def read(self, size: int = -1) -> bytes:
        end = self.size if size < 0 else min(self.size, self.pos + size)
        if end <= self.pos:
            return b""
        data = self._cached(self.pos, end)
        if data is None:
            last = min(self.size, max(end, self.pos + _BLOCK)) - 1
            with _request(self.url, self.budget, self.login,
                          {"Range": f"bytes={self.pos}-{last}"}, self.timeout) as response:
                if response.status != 206:
                    raise IndexQueryError(f"{printable(self.url)} stopped answering ranged "
                                          "reads", hint(self.url))
                block = _body(response, self.url, self.budget)
            i = bisect.bisect_right(self.starts, self.pos)
            self.starts.insert(i, self.pos)
            self.blocks.insert(i, block)
            data = block[:end - self.pos]
        self.pos += len(data)
        return data

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


@contextmanager
def remote_wheel(file: IndexFile, work: Path, *, login: Login | None = None,
                 timeout: float = 10) -> Iterator[tuple[zipfile.ZipFile, int]]:
    """``file`` (a wheel on an index) opened as a zip, and its size: its end and the
    members asked for read by Range, or the whole file into ``work`` where the server
    ignores Range (its sha256 then checked). At most SIZE_LIMIT bytes and DEADLINE seconds."""
    budget = _Budget(SIZE_LIMIT, DEADLINE)
    with _request(file.url, budget, login, {"Range": f"bytes=-{_TAIL}"}, timeout) as response:
        size = _total(response)
        if response.status == 206 and size is not None:
            budget.narrow(RANGED_LIMIT)
            tail = _body(response, file.url, budget)
            stream: io.RawIOBase | None = _Ranged(file.url, size, tail, budget, login, timeout)
        else:
            stream = None
            path = work / Path(file.filename).name
            digest = hashlib.sha256()
            with path.open("wb") as out:
                while block := response.read(_BLOCK):
                    budget.spend(file.url, len(block))
                    digest.update(block)
                    out.write(block)
            if file.sha256 and digest.hexdigest() != file.sha256:
                raise IndexQueryError(f"the index served {printable(file.filename)} with "
                                      "another sha256 than it lists",
                                      "check which index you publish to")
            size = path.stat().st_size
    try:
        with zipfile.ZipFile(stream if stream is not None else path) as archive:
            yield archive, size
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            NotImplementedError, RuntimeError) as e:
        raise IndexQueryError(f"{printable(file.filename)} on the index is not a readable "
                              f"wheel ({printable(str(e)) or type(e).__name__})",
                              "nothing to fix in this release: its predecessor's wheel is "
                              "broken") from None

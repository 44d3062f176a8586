"""Reading wheels and sdists without extracting them (SPEC §6).

Members are streamed in chunks: nothing is written to disk, no member name is ever joined
to a path, and memory stays flat whatever the archive's size. Whatever way an archive is
broken surfaces as :class:`ArchiveError`, whose message is fit for a report.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import field
from pathlib import Path
from typing import IO, Literal

from publish_checks._record import Record, record
from publish_checks._text import printable

CHUNK = 1024 * 1024

# What zipfile, tarfile, gzip and zlib raise on a corrupt, truncated or foreign file.
# OSError covers gzip.BadGzipFile and unreadable files; EOFError a truncated gzip stream;
# RuntimeError an encrypted zip member; NotImplementedError an unknown zip compression;
# ValueError bad numbers in headers (and UnicodeDecodeError, its subclass, bad names).
_BROKEN: tuple[type[Exception], ...] = (
    zipfile.BadZipFile, zipfile.LargeZipFile, tarfile.TarError, EOFError, OSError, zlib.error,
    RuntimeError, NotImplementedError, ValueError,
)

ArchiveKind = Literal["zip", "tar"]
MemberKind = Literal["file", "dir", "link", "other"]
# What a tar member is beyond its kind, where PyPI or pip care (dists-archive): sparse files
# (PyPI refuses them), links (pip refuses those that leave the archive) and special files.
TarType = Literal["", "sparse", "symlink", "hardlink", "FIFO", "character device",
                  "block device", "special file"]


class ArchiveError(Exception):
    """An archive that cannot be read to the end; ``str()`` says which and why."""


def archive_kind(path: Path) -> ArchiveKind:
    """Wheels and legacy .zip sdists are zip files; everything else we read is a tarball."""
    return "zip" if path.name.endswith((".whl", ".zip")) else "tar"


def _describe(path: Path, error: Exception) -> str:
    what = "zip archive" if archive_kind(path) == "zip" else "gzipped tarball"
    if isinstance(error, OSError) and error.strerror:
        reason = error.strerror
    else:
        reason = str(error) or type(error).__name__
    return f"{path.name} is not a readable {what} ({reason}): corrupt or truncated?"


@contextmanager
def _translated(path: Path) -> Iterator[None]:
    try:
        yield
    except ArchiveError:
        raise
    except _BROKEN as e:
        raise ArchiveError(_describe(path, e)) from None


@record
class Member(Record):
    name: str
    size: int  # as the archive declares it; used for messages only
    kind: MemberKind
    tar_type: TarType = ""  # tar members only
    link: str = ""  # a tar link's target, as the archive declares it

    @property
    def basename(self) -> str:
        return self.name.rstrip("/").rpartition("/")[2]

    @property
    def shown(self) -> str:
        return printable(self.name)


@record
class Entry(Record):
    """A member during a :func:`walk`; its bytes can be read only while it is current."""

    member: Member
    _path: Path = field(repr=False)
    _open: Callable[[], IO[bytes] | None] | None = field(repr=False, default=None)

    def chunks(self) -> Iterator[bytes]:
        """The member's bytes, at most :data:`CHUNK` at a time (nothing for non-files)."""
        if self._open is None:
            return
        with _translated(self._path):
            stream = self._open()
            if stream is None:
                return
            with stream:
                while block := stream.read(CHUNK):
                    yield block


#: More members than any real dist has: past this, an archive is refused before the list
#: of its members can grow without bound (a megabyte of gzip can hold millions).
MAX_MEMBERS = 250_000


def walk(path: Path) -> Iterator[Entry]:
    """Every member, in archive order, duplicates included; raises ArchiveError."""
    with _translated(path):
        entries = _walk_zip(path) if archive_kind(path) == "zip" else _walk_tar(path)
        for count, entry in enumerate(entries, 1):
            if count > MAX_MEMBERS:
                raise ArchiveError(f"{path.name} has more than {MAX_MEMBERS:,} members: "
                                   "no release needs that many, so it was not read further")
            yield entry


def _walk_zip(path: Path) -> Iterator[Entry]:
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if info.is_dir():
                yield Entry(Member(info.filename, 0, "dir"), path)
                continue

            def opener(info: zipfile.ZipInfo = info) -> IO[bytes]:
                return zf.open(info)

            yield Entry(Member(info.filename, info.file_size, "file"), path, opener)


def _walk_tar(path: Path) -> Iterator[Entry]:
    # Stream mode ("r|"): one forward pass, so the compressed stream is never rewound.
    # gzip is undone by GzipFile, not by tarfile's own stream, because GzipFile bounds each
    # decompression by the size asked for (tarfile's would inflate 10 kB of a repetitive
    # member into 10 MB at once) and checks the CRC.
    with path.open("rb") as raw:
        if raw.read(2) != b"\x1f\x8b":
            raw.seek(0)
            with tarfile.open(fileobj=raw, mode="r|*") as tf:
                yield from _tar_entries(path, tf)
            return
        raw.seek(0)
        with gzip.GzipFile(fileobj=raw, mode="rb") as gz:
            # "r:" on the GzipFile: members are read straight from it, without tarfile's
            # stream buffer copying every byte again. Reading goes forward only (each
            # header is read where the previous member ended), so gzip never rewinds.
            with tarfile.open(fileobj=gz, mode="r:") as tf:
                yield from _tar_entries(path, tf)
            # tarfile stops at the end-of-archive block; read on to the gzip trailer so
            # its CRC check sees every byte and damaged data cannot pass for good.
            while gz.read(CHUNK):
                pass


def _tar_entries(path: Path, tf: tarfile.TarFile) -> Iterator[Entry]:
    while (info := tf.next()) is not None:
        # tarfile keeps every header it read (an attribute typeshed leaves out); one is enough.
        tf.members.clear()  # type: ignore[attr-defined]
        if info.isreg():

            def opener(info: tarfile.TarInfo = info) -> IO[bytes] | None:
                return tf.extractfile(info)

            yield Entry(Member(info.name, info.size, "file", _tar_type(info)), path, opener)
        else:
            kind: MemberKind = ("dir" if info.isdir()
                                else "link" if info.issym() or info.islnk() else "other")
            yield Entry(Member(info.name, info.size, kind, _tar_type(info), info.linkname), path)


_TAR_TYPES: dict[bytes, TarType] = {
    tarfile.SYMTYPE: "symlink", tarfile.LNKTYPE: "hardlink", tarfile.FIFOTYPE: "FIFO",
    tarfile.CHRTYPE: "character device", tarfile.BLKTYPE: "block device"}


def _tar_type(info: tarfile.TarInfo) -> TarType:
    if info.issparse():
        return "sparse"
    if info.isreg() or info.isdir():
        return ""
    return _TAR_TYPES.get(info.type, "special file")


def members(path: Path) -> list[Member]:
    """Every member's name, size and kind, without reading any data."""
    return [entry.member for entry in walk(path)]


def read_member(path: Path, name: str, limit: int) -> bytes | None:
    """The bytes of the member called ``name`` (None if absent); ArchiveError past ``limit``."""
    for entry in walk(path):
        if entry.member.name != name or entry.member.kind != "file":
            continue
        data = bytearray()
        for block in entry.chunks():
            data += block
            if len(data) > limit:
                msg = f"{path.name}: {entry.member.shown} is larger than {limit // CHUNK} MB"
                raise ArchiveError(msg)
        return bytes(data)
    return None


def record_digest(chunks: Iterable[bytes], algorithm: str = "sha256") -> tuple[str, int]:
    """``(algorithm=urlsafe-base64-digest, size)`` as a wheel's RECORD writes them."""
    hasher = hashlib.new(algorithm)
    size = 0
    for block in chunks:
        hasher.update(block)
        size += len(block)
    encoded = base64.urlsafe_b64encode(hasher.digest()).rstrip(b"=").decode("ascii")
    return f"{algorithm}={encoded}", size


def search(chunks: Iterable[bytes], patterns: Sequence[re.Pattern[bytes]],
           overlap: int) -> set[int]:
    """The indexes of the patterns that occur in the stream.

    The last ``overlap`` bytes of each window are carried into the next, so a match that
    straddles two chunks is found as long as some match of the pattern fits in
    ``overlap + 1`` bytes (a pattern needs only its shortest form to be seen).
    """
    found: set[int] = set()
    tail = b""
    for block in chunks:
        window = tail + block
        found.update(i for i, pattern in enumerate(patterns)
                     if i not in found and pattern.search(window))
        if len(found) == len(patterns):
            break  # nothing left to learn from this member
        tail = window[-overlap:] if overlap > 0 else b""
    return found

"""A zip read record by record from its first byte, as PyPI reads every wheel it is sent.

Zip readers disagree: most trust the central directory at the end of the file, streaming
ones (and some installers) the local headers from the start. PyPI refuses any zip on which
the two readings could differ (warehouse/utils/zipfiles.py): data before, between or after
the records, a local header that disagrees with the central directory, names that are
duplicated, unprintable or not UTF-8, data descriptors, per-member comments. This module
reaches the same verdicts, in PyPI's words, and names the member at fault.

Only headers are read, each with a read of its own declared size (at most 64 kB of name
and extra field); member data is skipped with a seek. Memory stays flat.
"""

from __future__ import annotations

import os
import re
import struct
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from publish_checks._record import Record, record
from publish_checks._text import printable

_LOCAL = b"PK\x03\x04"
_CENTRAL = b"PK\x01\x02"
_END = b"PK\x05\x06"
_END64 = b"PK\x06\x06"
_LOCATOR = b"PK\x06\x07"
_ZIP64_EXTRA = 0x0001
_UNICODE_PATH_EXTRA = 0x7075  # Info-ZIP's UTF-8 copy of the name
_FULL = 0xFFFFFFFF  # "the real value is in the ZIP64 extra field"
_DATA_DESCRIPTOR = 0x08  # general-purpose flag bit 3: sizes follow the data
_UNPRINTABLE = re.compile(rb"[\x00-\x1f\x7f]")

MALFORMED = "Malformed zip file"


@record
class Fault(Record):
    """Why PyPI refuses the zip's records (its words), and where."""

    reason: str
    member: str = ""  # the member whose record is at fault, shown printable ('' if none)
    offset: int = 0  # where the faulty record, or the unexpected data, starts


class _Refused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def fault(path: Path, infos: Iterable[zipfile.ZipInfo]) -> Fault | None:
    """What PyPI would refuse in the records of ``path`` (None when nothing); ``infos`` is
    the central directory as :mod:`zipfile` read it. OSError if the file cannot be read."""
    sizes = {info.orig_filename: (info.compress_size, info.file_size) for info in infos}
    with path.open("rb") as stream:
        reader = _Reader(stream, sizes)
        try:
            reader.read_records()
        except _Refused as e:
            return Fault(e.reason, reader.member, reader.start)
        end = stream.tell()
        if end != stream.seek(0, os.SEEK_END):
            return Fault("Trailing data", offset=end)
    return None


@dataclass
class _Reader:
    stream: IO[bytes]
    sizes: Mapping[str, tuple[int, int]]  # the central directory's (compressed, file) sizes
    start: int = 0  # of the record being read
    member: str = ""  # of the record being read, once its name is read
    local_names: set[bytes] = field(default_factory=set)
    central_names: set[bytes] = field(default_factory=set)
    central_start: int | None = None
    central_count: int = 0
    central_size: int = 0
    # (records, size, offset) of the central directory as the end record(s) declare it
    declared: tuple[int, int, int] | None = None
    zip64_end: bool = False
    zip64_locator: bool = False

    def read(self, size: int) -> bytes:
        data = self.stream.read(size)
        if len(data) != size:
            raise _Refused(MALFORMED)
        return data

    def read_records(self) -> None:
        handlers = {_LOCAL: self.local_header, _CENTRAL: self.central_header,
                    _END64: self.zip64_end_record, _LOCATOR: self.zip64_locator_record}
        while True:
            self.start, self.member = self.stream.tell(), ""
            signature = self.read(4)
            if signature == _END:
                self.end_record()
                break
            handler = handlers.get(signature)
            if handler is None:
                raise _Refused("Unknown record signature")
            handler()
        if self.central_names != self.local_names:
            raise _Refused("Mis-matched local headers and central directory")

    def name(self, size: int) -> bytes:
        raw = self.read(size)
        self.member = printable(raw.decode("utf-8", errors="replace"))
        if _UNPRINTABLE.search(raw):
            raise _Refused("Invalid character in filename")
        return raw

    def local_header(self) -> None:
        flags, method, packed, unpacked, name_size, extra_size = struct.unpack(
            "<2xHH8xIIHH", self.read(26))
        raw = self.name(name_size)
        packed, unpacked = _local_extras(self.read(extra_size), method, packed, unpacked)
        if flags & _DATA_DESCRIPTOR:
            raise _Refused("ZIP contains a data descriptor")
        try:
            name = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _Refused("Filename not unicode") from None
        # zipfile decodes a name without the UTF-8 flag as cp437: a non-ASCII one differs.
        if name not in self.sizes:
            raise _Refused("Filename not in central directory")
        if self.sizes[name][0] != packed:
            raise _Refused("Mis-matched data size")
        if self.sizes[name][1] != unpacked:
            raise _Refused("Mis-matched file size")
        self.stream.seek(packed, os.SEEK_CUR)
        if raw in self.local_names:
            raise _Refused("Duplicate filename in local headers")
        self.local_names.add(raw)

    def central_header(self) -> None:
        if self.central_start is None:
            self.central_start = self.start
        self.central_count += 1
        name_size, extra_size, comment_size = struct.unpack("<24xHHH12x", self.read(42))
        if comment_size:
            self.member = printable(self.read(name_size).decode("utf-8", errors="replace"))
            raise _Refused("Comment in central directory")
        raw = self.name(name_size)
        self.read(extra_size)
        self.central_size += 46 + name_size + extra_size
        if raw in self.central_names:
            raise _Refused("Duplicate filename in central directory")
        if raw not in self.local_names:
            raise _Refused("Missing filename in local headers")
        self.central_names.add(raw)

    def end_record(self) -> None:
        if self.zip64_end and not self.zip64_locator:
            raise _Refused(MALFORMED)
        if self.central_start is None:  # an empty zip
            self.central_start = self.start
        on_disk, records, size, offset, comment_size = struct.unpack("<4xHHIIH", self.read(18))
        if on_disk != records:  # split over several disks
            raise _Refused(MALFORMED)
        self.stream.seek(comment_size, os.SEEK_CUR)  # an archive comment is accepted
        if not (self.zip64_locator and self.declared is not None):
            self.declared = (records, size, offset)
        records, size, offset = self.declared
        if records != self.central_count:
            raise _Refused("Mismatched central directory records")
        if offset != self.central_start:
            raise _Refused("Mismatched central directory offset")
        if size != self.central_size:
            raise _Refused("Mismatched central directory size")

    def zip64_end_record(self) -> None:
        self.zip64_end = True
        size, on_disk, records, cd_size, cd_offset = struct.unpack("<Q12xQQQQ", self.read(52))
        if on_disk != records:
            raise _Refused(MALFORMED)
        if size != 44:
            raise _Refused("ZIP64 extensible data not allowed")
        self.declared = (records, cd_size, cd_offset)

    def zip64_locator_record(self) -> None:
        self.read(16)
        self.zip64_locator = True


def _local_extras(extra: bytes, method: int, packed: int, unpacked: int) -> tuple[int, int]:
    """The member's real sizes, after checking the local header's extra fields."""
    seen: set[int] = set()
    while extra:
        if len(extra) < 4:
            raise _Refused(MALFORMED)
        kind, size = struct.unpack("<HH", extra[:4])
        body, extra = extra[4:4 + size], extra[4 + size:]
        if len(body) < size:
            raise _Refused(MALFORMED)
        if kind in seen and kind in (_ZIP64_EXTRA, _UNICODE_PATH_EXTRA):
            raise _Refused("Invalid duplicate extra in local file")
        seen.add(kind)
        if kind == _ZIP64_EXTRA:
            packed, unpacked = _zip64_sizes(body, method, packed, unpacked)
        elif kind == _UNICODE_PATH_EXTRA:
            name = body[5:]  # after a version byte and the CRC of the plain name
            if _UNPRINTABLE.search(name):
                raise _Refused("Invalid character in filename")
            try:
                name.decode("utf-8")
            except UnicodeDecodeError:
                raise _Refused("Filename not valid UTF-8") from None
    return packed, unpacked


def _zip64_sizes(body: bytes, method: int, packed: int, unpacked: int) -> tuple[int, int]:
    """Sizes from a ZIP64 extra field, with the checks PyPI makes of its length."""
    if len(body) == 0:
        if _FULL in (packed, unpacked):
            raise _Refused(MALFORMED)
        return packed, unpacked
    if len(body) == 8:  # only the file size: the member must be stored, not compressed
        if method != zipfile.ZIP_STORED:
            raise _Refused(MALFORMED)
        (size,) = struct.unpack("<Q", body)
        return size, size if unpacked == _FULL else unpacked
    if len(body) not in (16, 24, 28):
        raise _Refused(MALFORMED)
    first, second = struct.unpack("<QQ", body[:16])
    return second, first if unpacked == _FULL else unpacked

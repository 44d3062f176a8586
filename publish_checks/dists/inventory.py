"""One streaming pass over an archive gives every dist check what it needs.

Each member is inflated once: its bytes are hashed for RECORD (sha256) and for git (the blob
id, for sdists), searched for secrets (and, if Python source, for obfuscators' marks as
PyPI's upload scan looks for them), and kept whole only when it is one of the few small
files the checks parse (core metadata, RECORD, WHEEL, entry points). Nothing is extracted,
and memory stays flat whatever the archive's size.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal

from publish_checks._record import Record, record
from publish_checks.dists import archives, placeholders
from publish_checks.dists.archives import CHUNK, ArchiveError, MemberKind, TarType
from publish_checks.dists.secrets import (
    FILE_GRAMMARS,
    OVERLAP,
    PATTERNS,
    Secret,
    SecretPattern,
    credential_file,
    exact,
)

# Core metadata and RECORD are read whole; anything this large is not a real one.
KEEP_LIMIT = 32 * 1024 * 1024
_KEPT_DIST_INFO = ("METADATA", "RECORD", "WHEEL", "entry_points.txt")

# PyPI's upload scan (warehouse's YARA rules) reads each *.py and *.pye member of at most
# 5 MiB and refuses two obfuscators by their marks: any PyArmor hook, or both SourceDefender
# armour lines.
Obfuscator = Literal["", "PyArmor", "SourceDefender"]
SCANNED_SUFFIXES = (".py", ".pye")
SCAN_LIMIT = 5 * 1024 * 1024
# The marks are spelt in pieces: PyPI's scan would find them whole in this very file, and
# refuse publish-checks itself.
_PYARMOR = b"__py" + b"armor"
PYARMOR_MARKS = (_PYARMOR + b"__(__name__, __file__,", _PYARMOR + b"_enter__",
                 _PYARMOR + b"_exit__", _PYARMOR + b"_assert__", _PYARMOR + b"_bcc__")
_PYE = b" PYE" + b" FILE---"
SOURCEDEFENDER_MARKS = (b"---BEGIN" + _PYE, b"---END" + _PYE)


@record
class Item(Record):
    """A member as the pass saw it."""

    name: str
    kind: MemberKind
    size: int  # bytes read for a file; as declared otherwise
    digest: str = ""  # "sha256=<urlsafe base64>", as RECORD writes it (wheel files only)
    blob: str = ""  # git's blob id of the bytes (sdist files only): compares with a commit
    secrets: tuple[Secret, ...] = ()
    tar_type: TarType = ""  # a tar member's type beyond its kind (sparse, a link, a FIFO…)
    link: str = ""  # a tar link's target
    obfuscator: Obfuscator = ""  # whose marks PyPI's scan finds in it (scanned files only)
    # A credential file (.netrc, .pypirc, .env*) whose values are all evident placeholders.
    placeholders: bool = False

    @property
    def basename(self) -> str:
        return self.name.rstrip("/").rpartition("/")[2]


@dataclass
class Inventory:
    """Every member of one archive, the small files kept whole, and how far reading got."""

    path: Path
    items: list[Item] = field(default_factory=list)
    kept: dict[str, bytes] = field(default_factory=dict)
    error: str = ""  # why the archive could not be read to its end ('' when it could)

    @property
    def names(self) -> list[str]:
        return [item.name for item in self.items]

    @property
    def files(self) -> list[Item]:
        return [item for item in self.items if item.kind == "file"]

    def raise_error(self) -> None:
        """ArchiveError when the archive could not be read to its end."""
        if self.error:
            raise ArchiveError(self.error)


def _kept(name: str) -> bool:
    """The few members the checks parse: ``*.dist-info/{METADATA,RECORD,…}`` at the top of
    a wheel, ``{top}/PKG-INFO`` of an sdist."""
    parts = name.split("/")
    if len(parts) != 2:
        return False
    top, base = parts
    return (top.endswith(".dist-info") and base in _KEPT_DIST_INFO) or base == "PKG-INFO"


def take(path: Path, patterns: Sequence[SecretPattern], *, blobs: bool = False) -> Inventory:
    """Read ``path`` once, member by member (see the module's docstring)."""
    inventory = Inventory(path)
    try:
        for entry in archives.walk(path):
            member = entry.member
            if member.kind != "file":
                inventory.items.append(Item(member.name, member.kind, member.size,
                                            tar_type=member.tar_type, link=member.link))
                continue
            inventory.items.append(_file(path, entry, patterns, blobs, inventory.kept))
    except ArchiveError as e:
        inventory.error = str(e)
    return inventory


#: From this many bytes of archives on, they are read in worker processes rather than
#: threads: the secret search holds the GIL, so threads would take turns at it, and a
#: worker's start (tenths of a second) is small against reading this much.
PROCESS_FROM = 64 * 1024 * 1024


def take_all(jobs: Sequence[tuple[Path, bool]],
             known: Sequence[tuple[str, Secret]] = ()) -> list[Inventory]:
    """:func:`take` of each ``(path, blobs)`` at once, one worker per archive (up to the
    cores), looking for every shape in PATTERNS and for the ``known`` secret values.

    Inflating and hashing release the GIL, so small releases use threads; large ones use
    worker processes (spawned: no fork of a process that may run threads), which get the
    known values through the pool's pipe, never argv or the environment.
    """
    workers = min(len(jobs), os.cpu_count() or 1)
    if workers <= 1:
        return [_take_known(path, blobs, known) for path, blobs in jobs]
    total = sum(path.stat().st_size for path, _ in jobs if path.is_file())
    if total < PROCESS_FROM:
        return _in_threads([(path, blobs, tuple(known)) for path, blobs in jobs])
    # multiprocessing is imported only for a release this large (a small one, and every
    # command's start, never load it).
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(_take_known, *zip(*jobs, strict=True),
                             [tuple(known)] * len(jobs)))


def _in_threads(jobs: Sequence[tuple[Path, bool, Sequence[tuple[str, Secret]]]]
                ) -> list[Inventory]:
    """:func:`_take_known` of each job in a thread of its own (plain threads: the pool's
    module and its logging are more to import than two threads cost), in order; the first
    job's error, if any failed, is raised here as the pool would raise it."""
    done: list[Inventory | BaseException | None] = [None] * len(jobs)

    def work(index: int) -> None:
        try:
            done[index] = _take_known(*jobs[index])
        except BaseException as e:  # handed to the caller's thread, raised there
            done[index] = e

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in done:
        if isinstance(result, BaseException):
            raise result
    return [result for result in done if isinstance(result, Inventory)]


def _take_known(path: Path, blobs: bool, known: Sequence[tuple[str, Secret]]) -> Inventory:
    patterns = (*PATTERNS, *(p for value, kind in known if (p := exact(value, kind))))
    return take(path, patterns, blobs=blobs)


def _file(path: Path, entry: archives.Entry, patterns: Sequence[SecretPattern], blobs: bool,
          kept: dict[str, bytes]) -> Item:
    member = entry.member
    # A wheel's members are hashed for RECORD, an sdist's for git: each once, never both.
    sha256 = None if blobs else hashlib.sha256()
    # git hashes "blob <size>\0" and the bytes; the size is the header's, checked after.
    blob = hashlib.sha1(f"blob {member.size}\0".encode()) if blobs else None  # noqa: S324
    keep = bytearray() if _kept(member.name) else None
    named = credential_file(member.basename)
    # A credential file is read whole (up to a small limit) to judge its values.
    grammar = FILE_GRAMMARS.get(named) if named else None
    judged = bytearray() if grammar else None
    wanted = [p for p in patterns if p.applies_to(member.name)]
    overlap = max([OVERLAP, *(len(p.regex.pattern) for p in wanted)])
    found: set[int] = set()
    tail = b""
    size = 0
    marks = _Marks() if _scanned(member.name, member.size) else None
    for block in entry.chunks():
        size += len(block)
        if marks is not None and size <= SCAN_LIMIT:
            marks.feed(block)
        if sha256 is not None:
            sha256.update(block)
        if blob is not None:
            blob.update(block)
        if judged is not None and len(judged) <= placeholders.LIMIT:
            judged += block[:placeholders.LIMIT + 1]
        if keep is not None:
            keep += block
            if len(keep) > KEEP_LIMIT:
                raise ArchiveError(f"{path.name}: {member.shown} is larger than "
                                   f"{KEEP_LIMIT // CHUNK} MB")
        if len(found) < len(wanted):
            # The block itself, then the seam with the one before: a match that straddles
            # them is found as long as some match fits in overlap + 1 bytes. No copy of
            # the whole block is made.
            seam = tail + block[:overlap]
            found.update(i for i, p in enumerate(wanted)
                         if i not in found and (p.search(block) or p.search(seam)))
            tail = (tail + block[-overlap:])[-overlap:]
    if keep is not None:
        kept[member.name] = bytes(keep)
    secrets = tuple(dict.fromkeys([*([named] if named else []),
                                   *(wanted[i].secret for i in sorted(found))]))
    digest = ""
    if sha256 is not None:
        digest = "sha256=" + base64.urlsafe_b64encode(sha256.digest()).rstrip(b"=").decode()
    return Item(member.name, "file", size, digest,
                blob.hexdigest() if blob is not None and size == member.size else "",
                secrets, tar_type=member.tar_type,
                obfuscator=marks.obfuscator() if marks is not None and size <= SCAN_LIMIT
                else "",
                placeholders=(grammar is not None and judged is not None
                              and placeholders.only_placeholders(grammar, bytes(judged))))


def _scanned(name: str, size: int) -> bool:
    return PurePosixPath(name).suffix.lower() in SCANNED_SUFFIXES and size <= SCAN_LIMIT


# What every mark of each obfuscator holds; a compiled literal searches faster than `in`.
_PYARMOR_HOOK = re.compile(re.escape(_PYARMOR))
_PYE_LINE = re.compile(re.escape(_PYE))


class _Marks:
    """The obfuscators' marks seen so far in one member, fed block by block."""

    overlap = max(map(len, (*PYARMOR_MARKS, *SOURCEDEFENDER_MARKS))) - 1

    def __init__(self) -> None:
        self.seen: set[bytes] = set()
        self.tail = b""

    def feed(self, block: bytes) -> None:
        # The block, and the seam with the previous one; the common parts of the marks
        # are looked for first, so ordinary source is searched twice, not seven times.
        for window in (self.tail + block[:self.overlap], block):
            if _PYARMOR_HOOK.search(window) or _PYE_LINE.search(window):
                self.seen.update(m for m in (*PYARMOR_MARKS, *SOURCEDEFENDER_MARKS)
                                 if m in window)
        self.tail = (self.tail + block[-self.overlap:])[-self.overlap:]

    def obfuscator(self) -> Obfuscator:
        if self.seen.intersection(PYARMOR_MARKS):
            return "PyArmor"
        return "SourceDefender" if self.seen.issuperset(SOURCEDEFENDER_MARKS) else ""

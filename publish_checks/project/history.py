"""Search every committed file, on every ref, for a secret's exact bytes: one bounded pass."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from publish_checks.project.git import Git
from publish_checks.project.git_objects import BlobReader, reachable_blobs

#: Blobs larger than this are not read: no credentials file is that big, and one such blob
#: would eat the whole time budget.
MAX_BLOB = 50 * 1024 * 1024
#: After the deadline, how long counting what was left unread may take (for "N of M").
COUNT_SECONDS = 1.0


@dataclass(frozen=True)
class Hit:
    commit: str | None  # the oldest commit on any ref holding the blob (short id)
    path: str  # where git first met the blob, relative to the repository's top


@dataclass(frozen=True)
class HistorySearch:
    hit: Hit | None
    scanned: int  # blobs read in full (or up to the hit)
    total: int  # blobs reachable; a lower bound when ``counted`` is False
    finished: bool  # every blob was read (or the secret found) before the deadline
    counted: bool = True
    too_large: int = 0  # blobs over MAX_BLOB, left unread


def search_history(git: Git, secret: bytes, *, seconds: float, max_blob: int = MAX_BLOB,
                   clock: Callable[[], float] = time.monotonic) -> HistorySearch:
    """Read each blob reachable from any ref, in bounded chunks, until ``secret`` turns up
    or ``seconds`` pass. Memory holds one chunk plus the secret's length, whatever the
    history's size."""
    deadline = clock() + seconds
    scanned = total = too_large = 0
    blobs = reachable_blobs(git)
    with BlobReader(git) as reader:
        for found in blobs:
            total += 1
            if clock() >= deadline:
                break
            if found.size > max_blob:
                too_large += 1
                continue
            if _holds(reader, found.blob, secret):
                blobs.close()
                return HistorySearch(Hit(git.first_commit_with(found.blob), found.path),
                                     scanned + 1, total, finished=True, too_large=too_large)
            scanned += 1
        else:
            return HistorySearch(None, scanned, total, finished=True, too_large=too_large)
    # Out of time: count what is left, briefly, so the warning can say how much was read.
    stop = clock() + COUNT_SECONDS
    counted = True
    for _ in blobs:
        total += 1
        if clock() >= stop:
            counted = False
            break
    blobs.close()
    return HistorySearch(None, scanned, total, finished=False, counted=counted,
                         too_large=too_large)


def _holds(reader: BlobReader, blob: str, secret: bytes) -> bool:
    """Whether ``blob`` contains ``secret``, carrying a tail across chunk boundaries."""
    keep = len(secret) - 1
    tail = b""
    chunks = reader.chunks(blob)
    try:
        for chunk in chunks:
            window = tail + chunk
            if secret in window:
                return True
            tail = window[-keep:] if keep else b""
    finally:
        chunks.close()  # reads the rest of the blob, ready for the next request
    return False

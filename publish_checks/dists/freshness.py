"""Whether an sdist was built from HEAD (SPEC §4 dists-stale): every git-tracked file in it
has HEAD's content.

The sdist's side is the git blob id the one pass computed for each member; HEAD's side is
``git ls-tree``. Two kinds of difference are not staleness and are left out: files the
backend or a versioning plugin writes into the sdist itself (PKG-INFO, setuptools'
setup.cfg, a version file; see project/layout.py), and files whose checkout differs from
the committed blob (line endings converted by ``core.autocrlf``, Git LFS, other filters)
when the sdist holds exactly what the checkout of HEAD holds.
"""

from __future__ import annotations

import hashlib
import stat
import subprocess
from pathlib import Path

from publish_checks._record import Record, record
from publish_checks.dists.archives import CHUNK
from publish_checks.dists.inventory import Inventory
from publish_checks.project.git import Git
from publish_checks.project.layout import Layout, glob_match

_GIT_FAILED = (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError)


def generated(path: str, layout: Layout) -> bool:
    """A file the build writes into the sdist rather than copying it."""
    return (path == "PKG-INFO" or any(part.endswith(".egg-info") for part in path.split("/"))
            or any(glob_match(path, pattern) for pattern in layout.rewritten))


@record
class Outdated(Record):
    """The sdists' git-tracked files that HEAD has with other content (project paths)."""

    paths: list[str]
    uncommitted: list[str]  # those of them the working tree changes too: commit first
    compared: int = 0  # the sdists' files that HEAD has: 0 means nothing was compared


def outdated(inventories: list[Inventory], git: Git, layout: Layout,
             root: Path) -> Outdated | None:
    """What in these sdists is not HEAD's; None when git cannot tell (no commit yet)."""
    try:
        head = git.head_blobs()
    except _GIT_FAILED:
        return None
    differ: dict[str, str] = {}
    compared = 0
    for inventory in inventories:
        for item in inventory.files:
            _, slash, path = item.name.partition("/")  # below the sdist's {name}-{version}/
            wanted = head.get(path)
            if not slash or not item.blob or wanted is None or generated(path, layout):
                continue
            compared += 1
            if item.blob != wanted:
                differ[path] = item.blob
    if not differ:
        return Outdated([], [], compared)
    try:
        changed = git.changed_files()
    except _GIT_FAILED:
        changed = set(differ)
    paths = sorted(path for path, blob in differ.items()
                   if path in changed or checkout_blob(root / path) != blob)
    return Outdated(paths, [p for p in paths if p in changed], compared)


def checkout_blob(path: Path) -> str | None:
    """git's blob id of a working-tree file's bytes as they are (no filter applied)."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            return None
        blob = hashlib.sha1(f"blob {st.st_size}\0".encode())  # noqa: S324 (git's own id)
        size = 0
        with path.open("rb") as handle:  # a regular file: never blocks
            while block := handle.read(CHUNK):
                blob.update(block)
                size += len(block)
    except OSError:
        return None
    return blob.hexdigest() if size == st.st_size else None

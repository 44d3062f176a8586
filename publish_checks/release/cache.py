"""Where publish-checks keeps what it reuses from run to run: the standalone runner's tool
virtualenvs, and the folders the fresh virtualenvs of the install trials are made in
(release/fresh.py), each taken by one run at a time."""

from __future__ import annotations

import contextlib
import shutil
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO

if sys.platform == "win32":
    import msvcrt
else:
    import fcntl

#: How many runs at once get a folder of their own under one name (the others get a new
#: temporary one, as when the cache cannot be written).
SLOTS = 8


def cache_home(environ: Mapping[str, str]) -> Path:
    """The user cache directory of publish-checks (``PUBLISH_CHECKS_CACHE_DIR`` wins)."""
    if base := environ.get("PUBLISH_CHECKS_CACHE_DIR"):
        return Path(base).absolute()  # a child may run elsewhere
    if sys.platform == "win32":
        root = Path(environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        root = Path.home() / "Library" / "Caches"
    else:
        root = Path(environ.get("XDG_CACHE_HOME")
                    or Path(environ.get("HOME") or Path.home()) / ".cache")
    return (root / "publish-checks").absolute()


@contextlib.contextmanager
def claimed_folder(root: Path, name: str, *, keep_on_error: bool = False
                   ) -> Iterator[Path | None]:
    """An empty folder ``root``/``name``-N that no other run is using, N the lowest free one,
    so that run after run gets the same path; removed when the block ends (``keep_on_error``:
    unless it ends with an exception, a failure or Ctrl-C, for a look at what was left; the
    next run to take the folder empties it). Taken with an OS lock on its ``.lock`` file,
    which ends with this process however it ends: a folder a killed run left is emptied by
    the next run to take it. None when the cache cannot be written or every folder is
    taken."""
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError:
        yield None
        return
    for slot in range(SLOTS):
        folder = root / f"{name}-{slot}"
        try:
            handle = folder.with_name(folder.name + ".lock").open("a+b")
        except OSError:
            continue
        with handle:
            if not _locked(handle):
                continue  # another run's
            try:
                remove(folder)  # what a killed run left
                try:
                    folder.mkdir()
                except OSError:
                    continue
                try:
                    yield folder
                except BaseException:
                    if not keep_on_error:
                        remove(folder)
                    raise
                remove(folder)
                return
            finally:
                _unlock(handle)
    yield None


def remove(folder: Path, tried: set[str] | None = None) -> None:
    """``folder`` and all it holds, read-only parts too (a release's files, a tool's cache
    made read-only), as TemporaryDirectory removes its own; what still cannot be removed
    is left (the folder is then not taken again). Never follows a symbolic link."""
    tried = set() if tried is None else tried

    def writable_then_again(func: object, name: str, error: object) -> None:
        if name in tried:  # made writable once already: what is left stays
            return
        tried.add(name)
        path = Path(name)
        with contextlib.suppress(OSError):
            path.parent.chmod(0o700)
            if path.is_symlink() or not path.is_dir():
                path.unlink()
            else:
                path.chmod(0o700)
                remove(path, tried)

    if not (folder.exists() or folder.is_symlink()):
        return
    if sys.version_info >= (3, 12):
        shutil.rmtree(folder, onexc=writable_then_again)
    else:
        shutil.rmtree(folder, onerror=writable_then_again)


def _locked(handle: IO[bytes]) -> bool:
    """Whether this process now holds the lock of ``handle``'s file (never waits)."""
    try:
        if sys.platform == "win32":
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(handle: IO[bytes]) -> None:
    with contextlib.suppress(OSError):
        if sys.platform == "win32":
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

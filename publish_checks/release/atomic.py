"""Writing files so that a crash never leaves half of one.

Each file is written to a temporary file beside it, flushed to disk, then renamed over the
original (``os.replace`` is atomic on POSIX and Windows): a reader sees the old bytes or
the new bytes, never a mix. Several files cannot be replaced in one atomic step; see
:func:`write_all` for what is guaranteed then.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path

from publish_checks._errors import ReleaseError


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step, keeping its permission bits."""
    target = path.resolve()  # a symlinked VERSION stays a symlink; its target is rewritten
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileNotFoundError):
            tmp.chmod(stat.S_IMODE(target.stat().st_mode))  # mkstemp makes it 0600
        os.replace(tmp, target)  # noqa: PTH105 -- tests patch os.replace to simulate a crash
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _sync_directory(target.parent)


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable; not possible (nor needed) everywhere, e.g. Windows."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_all(changes: Sequence[tuple[Path, bytes, bytes]]) -> None:
    """Write every ``(path, old, new)``; if one write fails, put back the ones already written.

    Guarantee: no file is ever half written. On an error, the files written so far are
    restored to ``old`` (atomically too) before the error is re-raised; only if a restore
    fails as well can files be left mixed, and a ReleaseError then names them.
    """
    done: list[tuple[Path, bytes]] = []
    try:
        for path, old, new in changes:
            write_atomic(path, new)
            done.append((path, old))
    except BaseException as error:
        stuck = []
        for path, old in reversed(done):
            try:
                write_atomic(path, old)
            except OSError:
                stuck.append(path)
        if stuck:
            names = ", ".join(str(p) for p in stuck)
            msg = f"writing failed ({error}) and {names} could not be restored"
            raise ReleaseError(msg, f"{names} hold the new contents: finish or undo by hand") \
                from error
        raise

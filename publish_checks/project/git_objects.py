"""git's objects, streamed: every blob reachable from any ref, and a blob's content in
bounded chunks (the history search of credentials-file-untracked, project/history.py)."""

from __future__ import annotations

import subprocess
from collections.abc import Generator
from dataclasses import dataclass
from typing import IO, cast

from publish_checks.project.git import Git


@dataclass(frozen=True)
class ReachableBlob:
    blob: str
    size: int
    path: str  # where rev-list first met it, relative to the repository's top


def reachable_blobs(git: Git) -> Generator[ReachableBlob, None, None]:
    """Every blob reachable from any ref, once, streamed: `rev-list --all --objects` piped
    into `cat-file --batch-check`, whose %(rest) keeps the path rev-list put beside each id."""
    walk = git.popen("rev-list", "--all", "--objects")
    check = git.popen("cat-file", "--batch-check=%(objecttype) %(objectname) %(objectsize) "
                      "%(rest)", stdin=walk.stdout)
    cast("IO[bytes]", walk.stdout).close()  # cat-file's now; rev-list gets SIGPIPE if it stops
    lines = cast("IO[bytes]", check.stdout)
    try:
        for line in lines:
            kind, blob, size, path = [*line.rstrip(b"\n").split(b" ", 3), b""][:4]
            if kind == b"blob":
                yield ReachableBlob(blob.decode(), int(size), path.decode(errors="replace"))
    finally:
        for process in (check, walk):
            process.kill()
            process.wait()
        lines.close()


class BlobReader:
    """One `git cat-file --batch` process: ask for a blob, read it back in bounded chunks."""

    CHUNK = 1 << 20

    def __init__(self, git: Git) -> None:
        self._process = git.popen("cat-file", "--batch", stdin=subprocess.PIPE)

    def chunks(self, blob: str) -> Generator[bytes, None, None]:
        """``blob``'s content in chunks of at most CHUNK bytes; read to its end even if the
        caller stops early (cat-file answers every request in full)."""
        stdin = cast("IO[bytes]", self._process.stdin)
        stdout = cast("IO[bytes]", self._process.stdout)
        stdin.write(blob.encode() + b"\n")
        stdin.flush()
        header = stdout.readline().split()
        if len(header) != 3:  # "<id> missing": a ref to an object this clone lacks
            return
        left = int(header[2])
        try:
            while left:
                chunk = stdout.read(min(left, self.CHUNK))
                if not chunk:
                    return
                left -= len(chunk)
                yield chunk
        finally:
            while left > 0 and (rest := stdout.read(min(left, self.CHUNK))):
                left -= len(rest)
            stdout.read(1)  # the newline after the content

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        self._process.kill()
        self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

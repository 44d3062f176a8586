"""Build helpers: a clean output folder, a reproducible sdist, the file table."""

from __future__ import annotations

import gzip
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterable
from pathlib import Path

from publish_checks._dists import human_size
from publish_checks._git import Git

# Left in the output folder by a build that failed; publish refuses to upload next to it.
# A dot file: `twine upload dist/*` does not glob it.
BUILD_FAILED = ".publish-checks-build-failed"

# PAX keys that carry time stamps; setuptools writes the build time into them.
_PAX_TIMES = ("mtime", "atime", "ctime")


def clean_outputs(root: Path, dist_dir: Path, git: Git | None) -> list[str]:
    """Remove dist/, and build/ and *.egg-info when git does not track them.

    A stale build/ folder is how deleted modules sneak back into a wheel.
    """
    removed = []
    candidates = [dist_dir, root / "build", *root.glob("*.egg-info"), *root.glob("src/*.egg-info")]
    for path in candidates:
        if not path.exists():
            continue
        if path != dist_dir and git is not None and git.is_repo() and git.tracked_files(str(path)):
            continue
        shutil.rmtree(path) if path.is_dir() else path.unlink()
        removed.append(os.path.relpath(path, root))
    return removed


def source_date_epoch(git: Git) -> int | None:
    """The last commit's time: the same commit always builds the same files."""
    return git.last_commit_time() if git.is_repo() else None


def normalize_sdist(path: Path, epoch: int) -> None:
    """Rewrite an sdist so that it depends only on its contents and ``epoch``.

    setuptools stamps generated members (PKG-INFO, *.egg-info, setup.cfg) and the gzip
    header with the build time, and copies on-disk mtimes, which differ between clones.
    Members are streamed one by one; nothing is extracted.
    """
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=".sdist-", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        with tarfile.open(path, "r:gz") as source, tmp.open("wb") as raw, \
                gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=epoch) as gz, \
                tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as target:
            for member in source:
                member.mtime = epoch
                # The umask of the checkout must not show: 644 for files (755 if executable).
                member.mode = 0o755 if member.isdir() or member.mode & 0o111 else 0o644
                member.uid = member.gid = 0
                member.uname = member.gname = ""
                member.pax_headers = {k: v for k, v in member.pax_headers.items()
                                      if k not in _PAX_TIMES}
                data = source.extractfile(member) if member.isfile() else None
                target.addfile(member, data)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def file_table(rows: Iterable[tuple[str, int, str, str]]) -> str:
    """Aligned lines of file, size, sha256 and a note."""
    rows = list(rows)
    width = max((len(name) for name, *_ in rows), default=0)
    return "\n".join(
        f"  {name:<{width}}  {human_size(size):>9}  sha256 {sha}{f'  {note}' if note else ''}"
        for name, size, sha, note in rows
    )

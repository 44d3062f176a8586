"""The build step: a clean output folder, ``python -m build`` in a tool environment, a
reproducible sdist, platform wheels repaired (release/repair.py), the file table and the
dist checks on what was built."""

from __future__ import annotations

import dataclasses
import gzip
import os
import shutil
import stat
import tarfile
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from publish_checks._errors import ReleaseError
from publish_checks._text import human_size
from publish_checks.checks.context import Context
from publish_checks.checks.registry import build_check_ids, run_checks
from publish_checks.checks.report import Status
from publish_checks.dists.failed_build import MARKER, write_marker
from publish_checks.project.children import Role
from publish_checks.project.git import Git
from publish_checks.release.cache import cache_home, claimed_folder
from publish_checks.release.process import find_uv, tail
from publish_checks.release.repair import repair_wheels
from publish_checks.release.runner import Runner, bin_path

# 1.6: --env-dir, the isolated environment made where it is told; [uv]: uv as the installer.
BUILD = "build>=1.6"
BUILD_UV = "build[uv]>=1.6"

# Left in the output folder by a build that failed, saying what failed: dists-stale fails
# on it (so verify and publish refuse those files) until a build succeeds.
BUILD_FAILED = MARKER

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
        # mkstemp made the copy 0600: give it the mode build wrote (0644 under umask 022),
        # or a world-readable release would come out private.
        tmp.chmod(stat.S_IMODE(path.stat().st_mode))
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


def build_dists(runner: Runner, ctx: Context, outdir: Path, skip: Sequence[str] = (), *,
                verbose: bool = False) -> Context:
    """Clean outputs, build with ``build`` in a tool environment (``--verbose`` passed on),
    run the dist checks.

    Returns a Context that sees the freshly built files. If anything fails, a record of it
    stays in ``outdir`` (the checks that failed, the files left): dists-stale fails on it,
    whatever is skipped, until a build succeeds or those files are replaced.
    """
    removed = clean_outputs(ctx.root, outdir, ctx.git)
    if removed:
        runner.log(f"Removed {', '.join(removed)}")
    failed: list[tuple[str, str]] = []
    try:
        return _build(runner, ctx, outdir, skip, verbose, failed)
    except ReleaseError as e:
        write_marker(outdir, failed, "" if failed else e.message)
        raise
    except BaseException as e:  # interrupted, or a bug: the files are not a build's either
        write_marker(outdir, failed, "interrupted" if isinstance(e, KeyboardInterrupt)
                     else f"it stopped on an error ({type(e).__name__})")
        raise


def _build(runner: Runner, ctx: Context, outdir: Path, skip: Sequence[str],
           verbose: bool, failed: list[tuple[str, str]]) -> Context:
    uv = find_uv() is not None
    bindir = runner.provide([BUILD_UV if uv else BUILD])
    epoch = source_date_epoch(ctx.git)
    env: Mapping[str, str] = ctx.child_env(Role.BUILD)  # the backend gets no secret
    if epoch is not None:
        env = {**env, "SOURCE_DATE_EPOCH": str(epoch)}
    runner.log(f"Building {ctx.project_name or ctx.root.name} into {ctx.shown(outdir)}"
               + (f" (SOURCE_DATE_EPOCH={epoch}, from the last commit)" if epoch else ""))
    # --verbose: build says more, and its output is shown as it comes, not only on failure.
    # The backend's virtualenvs at the same path run after run (build's --env-dir; kept
    # when the build fails, as build says): uv knows an interpreter by its path, and a
    # bytecode cache (PYTHONPYCACHEPREFIX) then serves the backend's modules again.
    with claimed_folder(cache_home(env) / "fresh", "build", keep_on_error=True) as place:
        done = runner.run([bin_path(bindir, "python"), "-m", "build",
                           *(["--installer", "uv"] if uv else []),
                           *(["--verbose"] if verbose else []),
                           *(["--env-dir", str(place / "env")] if place else []),
                           "--outdir", str(outdir), str(ctx.root)], env=env, cwd=ctx.root,
                          echo=verbose)
        if done.code != 0:
            raise ReleaseError(f"the build failed (exit status {done.code}):\n"
                               f"{tail(done.output)}", "fix the build, then build again")
    if epoch is not None:
        for sdist in outdir.glob("*.tar.gz"):
            normalize_sdist(sdist, epoch)
    # Before the checks: they judge the wheels PyPI would get (the repaired ones).
    repair_wheels(runner, ctx, outdir, epoch)
    built = dataclasses.replace(ctx, dist_dir=outdir, install_release=True)
    rows = [(d.filename, d.path.stat().st_size, built.dists.sha256(d.path), d.kind)
            for d in built.dists.dists]
    runner.show(f"\nBuilt in {built.shown(outdir)}:\n{file_table(rows)}\n")
    own = build_check_ids()  # what reads the built files and asks no index (the registry's)
    report = run_checks(built, skip=skip, only=own)
    report = dataclasses.replace(report, checks=[r for r in report.checks if r.id in own])
    runner.report(report, "publish-checks build: dist checks", primary=False)
    if not report.ok:
        failed += [(r.id, r.summary) for r in report.checks if r.status is Status.FAIL]
        raise ReleaseError("the built files failed a check: fix what is marked ✗ above, "
                           "then build again")
    if not built.release_dists():
        raise ReleaseError("the build produced no dists of this project and version")
    return built

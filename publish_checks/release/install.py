"""The install proof: the release, fetched from the index it went to, installs into a fresh
virtualenv and its smoke test passes."""

from __future__ import annotations

import os
import re
import shlex
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

from packaging.tags import sys_tags
from packaging.utils import parse_wheel_filename

from publish_checks._errors import ReleaseError
from publish_checks.checks.context import Context
from publish_checks.dists.contents import top_level_packages
from publish_checks.dists.index import IndexQueryError, download, project_listing
from publish_checks.release.build import secret_names
from publish_checks.release.plan import Plan
from publish_checks.release.process import find_uv, tail, venv_python, without
from publish_checks.release.runner import Runner, bin_path

FIX_RELEASED = ("the files are on the index; fix the package, bump the version and release "
                "again (an index never takes a filename twice)")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def top_level_imports(wheel: Path) -> list[str]:
    """The importable top-level names a wheel installs (attrs → attr), for the smoke test."""
    stem = "-".join(wheel.name.split("-")[:2])
    with zipfile.ZipFile(wheel) as archive:
        tops = top_level_packages(archive.namelist(), stem)
    names = {top.removesuffix(".py") for top in tops}
    return sorted(n for n in names if _IDENTIFIER.match(n))


def smoke_command(ctx: Context, wheel: Path | None) -> list[str]:
    """The configured smoke-test command, else ``python -c "import …"`` of the wheel's names."""
    if ctx.config.smoke_tests:
        return list(ctx.config.smoke_tests[0])
    names = top_level_imports(wheel) if wheel is not None else []
    if not names and ctx.normalized_name:
        names = [ctx.normalized_name.replace("-", "_")]
    return ["python", "-c", "; ".join(f"import {n}" for n in names)]


def installable(files: Sequence[Path]) -> list[Path]:
    """What to install on this interpreter: the best-fitting wheel, else the sdist."""
    ranking = {tag: i for i, tag in enumerate(sys_tags())}
    best: tuple[int, Path] | None = None
    for path in files:
        if path.name.endswith(".whl"):
            ranks = [ranking[t] for t in parse_wheel_filename(path.name)[3] if t in ranking]
            if ranks and (best is None or min(ranks) < best[0]):
                best = (min(ranks), path)
    if best is not None:
        return [best[1]]
    return [p for p in files if p.name.endswith((".tar.gz", ".zip"))][:1]


def fetch_from_index(ctx: Context, plan: Plan, dest: Path) -> list[Path]:
    """Download the release's files by their URLs on the target's simple page, each checked
    against the sha256 that was uploaded. The user's pip configuration (extra indexes,
    find-links) never gets a say in which files these are."""
    index_url = ctx.target.index_url or ""
    try:
        listed = project_listing(index_url, plan.project)
        fetched = []
        for planned in plan.files:
            entry = listed.get(planned.dist.filename)
            if entry is None:
                raise ReleaseError(f"{index_url} does not list {planned.dist.filename}",
                                   "look at the index in a minute and publish again")
            fetched.append(download(entry, dest, expected_sha256=planned.sha256,
                                    size_limit=planned.size))
    except IndexQueryError as e:
        raise ReleaseError(e.message, e.hint) from None
    return fetched


def prove_installable(runner: Runner, ctx: Context, files: Sequence[Path], label: str) -> str:
    """Install ``files`` (the one that fits) into a fresh virtualenv, dependencies from the
    user's usual indexes, and run the smoke test; returns its output. ReleaseError if not."""
    chosen = installable(files)
    if not chosen:
        raise ReleaseError(f"no file of {label} installs on this interpreter",
                           "build a wheel for it, or an sdist")
    # The interpreter of a tool environment (under nox: the session's Python) makes the venv.
    base = bin_path(runner.provide(["pip"]), "python")
    env = without(ctx.environ, [*secret_names(ctx), "PYTHONPATH", "VIRTUAL_ENV"])
    with tempfile.TemporaryDirectory(prefix="publish-checks-install-") as tmp:
        work = Path(tmp)
        venv = work / "venv"
        python = venv_python(venv)
        runner.log(f"Installing {label} ({chosen[0].name}) into a fresh virtualenv")
        if (uv := find_uv()) is not None:
            steps = [[uv, "venv", "--quiet", "--python", base, str(venv)],
                     [uv, "pip", "install", "--quiet", "--python", str(python),
                      *map(str, chosen)]]
        else:
            steps = [[base, "-m", "venv", str(venv)],
                     [str(python), "-m", "pip", "install", "--quiet", "--no-cache-dir",
                      "--disable-pip-version-check", *map(str, chosen)]]
        for argv in steps:
            done = runner.run(argv, env=env, cwd=work)
            if done.code != 0:
                raise ReleaseError(f"installing {label} failed (exit status {done.code}):\n"
                                   f"{tail(done.output)}", FIX_RELEASED)
        wheel = next((p for p in chosen if p.suffix == ".whl"), None)
        command = smoke_command(ctx, wheel)
        runner.log(f"Smoke test: {shlex.join(command)}")
        smoke_env = {**env, "PATH": os.pathsep.join([str(python.parent), env.get("PATH", "")]),
                     "VIRTUAL_ENV": str(venv)}
        empty = work / "cwd"  # not the project folder: its sources must not shadow the install
        empty.mkdir()
        done = runner.run(command, env=smoke_env, cwd=empty)
        if done.code != 0:
            raise ReleaseError(f"the smoke test failed (exit status {done.code}):\n"
                               f"{tail(done.output)}", FIX_RELEASED)
    return done.output.strip()


"""Child processes of a release: twine with its output redacted, the install virtualenv,
the tag, and the CI step summary."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from publish_checks._context import Context
from publish_checks._credentials import redact
from publish_checks._errors import ReleaseError
from publish_checks._report import Report, render_markdown

if TYPE_CHECKING:
    from publish_checks._publish import Plan

PYPI_SIMPLE = "https://pypi.org/simple/"
STEP_TIMEOUT = 900  # seconds for one install or smoke command


def run_redacted(argv: Sequence[str], env: Mapping[str, str], secrets: tuple[str, ...],
                 stream: TextIO | None = None) -> tuple[int, str]:
    """Run a command, echoing its output to ``stream`` (stdout) line by line, redacted."""
    stream = stream or sys.stdout  # looked up now: sys.stdout may have been replaced
    lines = []
    with subprocess.Popen(list(argv), env=dict(env), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                          text=True, encoding="utf-8", errors="replace") as child:
        for line in child.stdout or ():
            safe = redact(line, secrets)
            lines.append(safe)
            stream.write(safe)
            stream.flush()
    return child.returncode, "".join(lines)


def run_checked(argv: Sequence[str], what: str, *, cwd: Path,
                env: Mapping[str, str] | None = None) -> str:
    """Run a step of the install proof; ReleaseError with its output when it fails."""
    try:
        result = subprocess.run(list(argv), cwd=cwd, env=None if env is None else dict(env),
                                capture_output=True, text=True, encoding="utf-8",
                                errors="replace", timeout=STEP_TIMEOUT, check=False,
                                stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise ReleaseError(f"{what} failed: {argv[0]} was not found in the fresh virtualenv",
                           "check the smoke-test command in [tool.publish-checks]") from None
    except subprocess.TimeoutExpired:
        raise ReleaseError(f"{what} did not finish within {STEP_TIMEOUT} s",
                           "run it by hand to see where it hangs") from None
    output = redact(result.stdout + result.stderr)
    if result.returncode != 0:
        tail = "\n".join(output.strip().splitlines()[-15:])
        raise ReleaseError(f"{what} failed (exit status {result.returncode}):\n{tail}",
                           "the files are on the index; fix the package, bump the version "
                           "and release again (an index never takes a filename twice)")
    return output


def find_uv() -> str | None:
    """uv on PATH or in nox's own environment (``pip install nox[uv]``), if any."""
    if (uv := shutil.which("uv")) is not None:
        return uv
    try:
        from uv import find_uv_bin  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    try:
        return str(find_uv_bin())
    except FileNotFoundError:
        return None


def install_fresh(venv: Path, python: str, files: Sequence[Path], index_url: str) -> Path:
    """A new virtualenv with ``files`` installed, dependencies from ``index_url``.

    uv when there is one (seconds faster), else venv + pip. Returns the venv's Python.
    """
    bindir = "Scripts" if os.name == "nt" else "bin"
    venv_python = venv / bindir / ("python.exe" if os.name == "nt" else "python")
    paths = [str(p) for p in files]
    if (uv := find_uv()) is not None:
        run_checked([uv, "venv", "--quiet", "--python", python, str(venv)],
                    "creating the install virtualenv", cwd=venv.parent)
        run_checked([uv, "pip", "install", "--quiet", "--no-cache", "--python",
                     str(venv_python), "--index-url", index_url, *paths],
                    "installing the release", cwd=venv.parent)
    else:
        run_checked([python, "-m", "venv", str(venv)], "creating the install virtualenv",
                    cwd=venv.parent)
        run_checked([str(venv_python), "-m", "pip", "install", "--quiet", "--no-cache-dir",
                     "--disable-pip-version-check", "--index-url", index_url, *paths],
                    "installing the release", cwd=venv.parent)
    return venv_python


def dependency_index(ctx: Context) -> str:
    """Where the release's dependencies come from when it is installed to prove it.

    TestPyPI and the embedded index hold only what was uploaded there; dependencies
    come from PyPI. Other indexes are expected to serve (or proxy) their dependencies.
    """
    if ctx.target.name in ("testpypi", "local") or ctx.target.host == "test.pypi.org":
        return PYPI_SIMPLE
    return ctx.target.index_url or PYPI_SIMPLE


def create_tag(ctx: Context, version: str) -> bool:
    """Create the annotated tag v<version> on HEAD (a no-op if it is already there)."""
    tag = f"v{version}"
    if ctx.git.tag_commit(tag) == ctx.git.head():
        return True
    result = ctx.git.run("tag", "-a", tag, "-m", f"Release {version}")
    if result.returncode != 0:
        raise ReleaseError(f"git tag {tag} failed: {result.stderr.strip()}",
                           f"create it by hand: git tag -a {tag} -m 'Release {version}'")
    return True


def push_tag(ctx: Context, version: str) -> bool:
    remote = ctx.git.push_remote()
    if remote is None:
        raise ReleaseError("cannot push the tag: this repository has no remote",
                           "add one (git remote add origin URL), then git push origin "
                           f"v{version}")
    result = ctx.git.run("push", remote, f"refs/tags/v{version}")
    if result.returncode != 0:
        raise ReleaseError(f"git push {remote} v{version} failed: {result.stderr.strip()}",
                           f"push it by hand: git push {remote} v{version}")
    return True


def write_step_summary(ctx: Context, report: Report, plan: Plan | None) -> None:
    """Append a Markdown summary to ``$GITHUB_STEP_SUMMARY`` when CI provides one."""
    path = ctx.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    parts = [f"## publish-checks: {report.project} {report.version} → {report.repository}\n",
             render_markdown(report.checks)]
    if plan is not None:
        parts.append("\n| file | size | sha256 |\n|---|---|---|\n")
        parts += [f"| `{f.dist.filename}` | {f.size} | `{f.sha256}` |\n" for f in plan.files]
        if (url := ctx.target.project_url(plan.project, plan.version)) is not None:
            parts.append(f"\n{url}\n")
    with Path(path).open("a", encoding="utf-8") as summary:
        summary.write("".join(parts) + "\n")




"""tools: what the release sessions need on this machine."""

from __future__ import annotations

import importlib.metadata
import platform
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping

from publish_checks.checks.context import Context
from publish_checks.checks.report import Finding, failed, passed
from publish_checks.project.children import Role
from publish_checks.project.git_questions import VERSION

MIN_PYTHON = (3, 10)
#: What each ``uploader`` comes as (the adapters' own, release/uploaders/: a test pins both).
UPLOADER_REQUIREMENTS = {"twine": "twine>=7", "uv": "uv>=0.9.12"}


def _run_version(executable: str, env: Mapping[str, str]) -> tuple[str, str]:
    """(the last word ``executable --version`` prints, or '') and what went wrong, if
    anything; ``env`` is its whole environment."""
    return _said(lambda: subprocess.run([executable, "--version"], capture_output=True,
                                        text=True, check=False, timeout=30, env=dict(env)), 30)


def _said(run: Callable[[], subprocess.CompletedProcess[str]],
          timeout: float) -> tuple[str, str]:
    """:func:`_run_version` of the ``--version`` that ``run`` runs (within ``timeout``)."""
    try:
        result = run()
    except subprocess.TimeoutExpired:
        return "", f"did not answer --version within {timeout:g} s"
    except OSError as e:
        return "", f"cannot be run: {e.strerror}"
    # nox prints its version on stderr, git on stdout.
    output = (result.stdout.strip() or result.stderr.strip()).split()
    if result.returncode != 0:
        return "", f"exits with status {result.returncode}: {' '.join(output)[:200]}"
    return (output[-1] if output else "(unknown version)"), ""


def _nox(env: Mapping[str, str]) -> tuple[str, str]:
    """(how the nox the sessions would use is described, '') or ('', why there is none).
    Without nox, the publish-checks command makes the tool environments itself."""
    try:
        return f"nox {importlib.metadata.version('nox')}", ""
    except importlib.metadata.PackageNotFoundError:
        pass
    # publish-checks installed with pipx / uv tool: nox lives in its own environment.
    executable = shutil.which("nox")
    if executable is None:
        return "", "nox is not installed: the build and publish sessions need it"
    version, problem = _run_version(executable, env)
    if problem:
        return "", f"nox at {executable} {problem}"
    return f"nox {version} ({executable})", ""


def tools(ctx: Context) -> Finding:
    found = []
    if sys.version_info < MIN_PYTHON:
        return failed(f"Python {platform.python_version()} is too old",
                      f"use Python {'.'.join(map(str, MIN_PYTHON))} or newer")
    found.append(f"Python {platform.python_version()}")
    git = shutil.which("git")
    if git is None:
        return failed("git is not installed", "install git (https://git-scm.com/downloads)")
    # Asked with the repository's questions (Context.ask_git), in git's own environment.
    version, problem = _said(lambda: ctx.git.ask(*VERSION), 60)
    if problem:
        return failed(f"git at {git} {problem}", "reinstall git (https://git-scm.com/downloads)")
    found.append(f"git {version}")
    backend = "uv" if shutil.which("uv") else "venv"
    nox, _ = _nox(ctx.child_env(Role.TOOL))
    makers = f"{nox} or publish-checks" if nox else "publish-checks"
    uploader = UPLOADER_REQUIREMENTS[ctx.config.uploader]
    return passed(", ".join(found) + f"; {uploader} and build come in {backend} environments "
                  f"made by {makers}")

"""tools: what the release sessions need on this machine."""

from __future__ import annotations

import platform
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

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


def installed_version(name: str) -> str | None:
    """The version of the distribution ``name`` that this Python imports, None when it has
    none: what ``importlib.metadata.version`` says (the first entry of sys.path holding its
    metadata), read from that .dist-info's METADATA without importing importlib.metadata
    (~5 ms of every run). Anything else (an .egg-info, a zip on sys.path) is left to it."""
    wanted = _normalized(name)
    for entry in sys.path:
        try:
            children = list(Path(entry or ".").iterdir())
        except NotADirectoryError:  # a zip: importlib.metadata reads those
            return _version_by_importlib(name)
        except OSError:
            continue
        for child in children:
            stem, _, kind = child.name.lower().rpartition(".")
            if kind in ("dist-info", "egg-info") and _normalized(stem.partition("-")[0]) == wanted:
                return (_metadata_version(child / "METADATA") if kind == "dist-info"
                        else _version_by_importlib(name))
    return None


def _normalized(name: str) -> str:
    """A distribution's name as importlib.metadata compares them (its Prepared.normalize)."""
    return re.sub(r"[-_.]+", "-", name).lower().replace("-", "_")


def _metadata_version(path: Path) -> str | None:
    """The Version header of a METADATA file (None without one, as importlib.metadata)."""
    try:
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                if not line.strip():
                    break  # the headers end at the first empty line
                key, colon, value = line.partition(":")
                if colon and key.strip().lower() == "version":
                    return value.strip()
    except (OSError, UnicodeDecodeError):
        pass
    return None


def _version_by_importlib(name: str) -> str | None:
    import importlib.metadata  # only for what installed_version does not read itself

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def _nox(env: Mapping[str, str]) -> tuple[str, str]:
    """(how the nox the sessions would use is described, '') or ('', why there is none).
    Without nox, the publish-checks command makes the tool environments itself."""
    if (version := installed_version("nox")) is not None:
        return f"nox {version}", ""
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

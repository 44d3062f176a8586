"""tools: what the release sessions need on this machine."""

from __future__ import annotations

import importlib.metadata
import platform
import shutil
import subprocess
import sys

from publish_checks._context import Context
from publish_checks._report import Finding, failed, passed

MIN_PYTHON = (3, 10)


def tools(ctx: Context) -> Finding:
    found = []
    if sys.version_info < MIN_PYTHON:
        return failed(f"Python {platform.python_version()} is too old",
                      f"use Python {'.'.join(map(str, MIN_PYTHON))} or newer")
    found.append(f"Python {platform.python_version()}")
    git = shutil.which("git")
    if git is None:
        return failed("git is not installed", "install git (https://git-scm.com/downloads)")
    version = subprocess.run([git, "--version"], capture_output=True, text=True, check=False,
                             timeout=30).stdout.split()
    found.append(f"git {version[-1] if version else '(unknown version)'}")
    try:
        found.append(f"nox {importlib.metadata.version('nox')}")
    except importlib.metadata.PackageNotFoundError:
        return failed("nox is not installed: the build and publish sessions need it",
                      "python -m pip install nox  (it provides twine and build in virtualenvs)")
    backend = "uv" if shutil.which("uv") else "virtualenv"
    return passed(", ".join(found) + f" (twine and build come in {backend} environments)")

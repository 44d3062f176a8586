"""Small builders for test inputs: a sample project, built from text, never binary blobs."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from publish_checks import Context, Report, run_checks

#: Where :func:`python_build` makes the isolated build environment: one path for the whole
#: test process (tests/conftest.py sets it), so the backend's modules are compiled once into
#: the run's bytecode cache, not at every build.
BUILD_ENV: Path | None = None


def python_build(source: Path, outdir: Path, *args: str) -> None:
    """``python -m build ARGS --outdir OUTDIR SOURCE`` as the build session runs it (it must
    succeed): uv making the build environment where it is installed (the same builds,
    faster), at :data:`BUILD_ENV`; setuptools never asks PyPI for its classifier list.
    Skips the test where build is not installed."""
    if importlib.util.find_spec("build") is None:
        pytest.skip("build is not installed (the tests session installs it)")
    installer = ["--installer", "uv"] if shutil.which("uv") else []
    if BUILD_ENV is not None:
        shutil.rmtree(BUILD_ENV, ignore_errors=True)  # a failed build's, kept by build
        installer += ["--env-dir", str(BUILD_ENV)]
    env = {**os.environ, "VALIDATE_PYPROJECT_NO_NETWORK": "1"}
    done = subprocess.run([sys.executable, "-m", "build", *installer, *args, "--outdir",
                           str(outdir), str(source)], capture_output=True, text=True,
                          timeout=600, check=False, env=env)
    assert done.returncode == 0, done.stdout + done.stderr


PYPROJECT = """\
[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "{name}"
dynamic = ["version"]
description = "A demo package for publish-checks tests."
readme = "README.md"
requires-python = ">=3.10"
license = "MIT"

[tool.setuptools.dynamic]
version = {{ file = "VERSION" }}

[tool.setuptools.packages.find]
include = ["{module}*"]
{extra}"""

#: The sample project built by hatchling (``{extra}``: more pyproject.toml at the end).
HATCHLING = """\
[build-system]
requires = ["hatchling>=1.27"]
build-backend = "hatchling.build"

[project]
name = "demo-pkg"
version = "1.2.0"
description = "A demo package for publish-checks tests."
readme = "README.md"
requires-python = ">=3.10"
license = "MIT"
{extra}"""

CHANGELOG = """\
# Changelog

## [Unreleased]

## [{version}] - 2026-01-01

### Added

- The first feature.
"""


@dataclass
class SampleProject:
    root: Path
    name: str = "demo-pkg"
    version: str = "1.2.0"

    @property
    def module(self) -> str:
        return self.name.replace("-", "_")

    @classmethod
    def create(cls, root: Path, name: str = "demo-pkg", version: str = "1.2.0",
               extra_config: str = "") -> SampleProject:
        sample = cls(root, name, version)
        module = sample.module
        root.mkdir(parents=True, exist_ok=True)
        sample.write("pyproject.toml",
                     PYPROJECT.format(name=name, module=module, extra=extra_config))
        sample.write("VERSION", f"{version}\n")
        sample.write("CHANGELOG.md", CHANGELOG.format(version=version))
        sample.write("README.md", f"# {name}\n\nA demo package.\n")
        sample.write(".gitignore", ".env.*\n!.env.example\ndist/\n*.egg-info/\n__pycache__/\n")
        sample.write(f"{module}/__init__.py", f'"""Demo."""\n\n__version__ = "{version}"\n')
        sample.write(f"{module}/core.py", "def answer() -> int:\n    return 42\n")
        subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
        return sample

    def copy(self, root: Path) -> SampleProject:
        """This project, its git repository and working tree, copied to ``root`` (a few
        milliseconds, where git init and a commit take tens)."""
        shutil.copytree(self.root, root, symlinks=True)
        return SampleProject(root, self.name, self.version)

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def touch_dist(self, filename: str) -> Path:
        """An empty file in dist/: enough for checks that only look at dist file names."""
        path = self.root / "dist" / filename
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
        return path

    def build(self, *args: str) -> None:
        """``python -m build ARGS`` of the project into its dist/ (:func:`python_build`)."""
        python_build(self.root, self.root / "dist", *args)

    def git(self, *args: str) -> str:
        return subprocess.run(["git", *args], cwd=self.root, check=True, capture_output=True,
                              text=True).stdout.strip()

    def commit(self, message: str = "change") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    def context(self, repository: str | None = None, *, offline: bool = True,
                env: dict[str, str] | None = None) -> Context:
        environ = dict(os.environ)
        environ.update(env or {})
        return Context.load(self.root, repository, offline=offline, environ=environ)

    def verify(self, repository: str | None = None, *, offline: bool = True,
               env: dict[str, str] | None = None) -> Report:
        return run_checks(self.context(repository, offline=offline, env=env))

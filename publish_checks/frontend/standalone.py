"""The runner of the ``publish-checks`` command: the release pipeline without nox.

Tools (build, the uploader, pypiserver, readme_renderer) live in virtualenvs it makes itself —
with uv when present, else venv and pip — under the user cache directory, one per set of
requirements, reused until the requirements or the Python change.
"""

from __future__ import annotations

import hashlib
import json
import shlex
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

from publish_checks._errors import ReleaseError
from publish_checks._text import CLI_STEPS, Steps, write_text
from publish_checks.frontend.console import Console, command_root
from publish_checks.frontend.gates import run_command
from publish_checks.frontend.options import Options
from publish_checks.project.config import token_variables
from publish_checks.release.cache import cache_home
from publish_checks.release.process import find_uv, run_redacted, tail, venv_python

#: Written in a virtualenv once its requirements are installed: one without it is half-made.
STAMP = "publish-checks.json"


class StandaloneRunner(Console):
    """Runs the pipeline without nox: tools come from virtualenvs it makes (with uv when
    present, else venv + pip) under the user cache directory and reuses while their
    requirements stay the same."""

    steps: Steps = CLI_STEPS
    session_gates_ran = False  # each runs as ``nox -s NAME``, from the one gate runner

    def __init__(self, environ: Mapping[str, str], *, as_json: bool = False,
                 out: TextIO | None = None, err: TextIO | None = None,
                 interactive: bool | None = None, hidden: Sequence[str] = ()) -> None:
        super().__init__(environ, as_json=as_json, out=out, err=err, interactive=interactive,
                         hidden=hidden)
        self._envs: dict[tuple[str, ...], Path] = {}

    def _venv(self, key: tuple[str, ...]) -> Path:
        """The cached virtualenv of the sorted requirements ``key`` (this Python's)."""
        digest = hashlib.sha256(json.dumps([sys.version, key]).encode()).hexdigest()[:16]
        return cache_home(self.environ) / "venvs" / digest

    def provided(self, requirements: Sequence[str]) -> Path | None:
        key = tuple(sorted(requirements))
        if key in self._envs:
            return self._envs[key]
        venv = self._venv(key)
        python = venv_python(venv)
        if (venv / STAMP).is_file() and python.exists():
            self._envs[key] = python.parent
            return python.parent
        return None

    def provide(self, requirements: Sequence[str]) -> Path:
        if (bindir := self.provided(requirements)) is not None:
            return bindir
        key = tuple(sorted(requirements))
        venv = self._venv(key)
        python = venv_python(venv)
        self.log(f"Creating a virtualenv for {', '.join(key)} in {venv}" if key
                 else f"Creating a virtualenv in {venv}")
        shutil.rmtree(venv, ignore_errors=True)  # a half-made one from an interrupted run
        venv.parent.mkdir(parents=True, exist_ok=True)
        self._create(venv, python, key)
        (venv / STAMP).write_text(json.dumps({"requirements": key}), "utf-8")
        self._envs[key] = python.parent
        return python.parent

    def _create(self, venv: Path, python: Path, requirements: tuple[str, ...]) -> None:
        env = self.tool_env()
        uv = find_uv()
        if uv is not None:
            steps = [[uv, "venv", "--quiet", "--seed", "--python", sys.executable, str(venv)],
                     [uv, "pip", "install", "--quiet", "--python", str(python), *requirements]]
        else:
            steps = [[sys.executable, "-m", "venv", str(venv)],
                     [str(python), "-m", "pip", "install", "--quiet",
                      "--disable-pip-version-check", *requirements]]
        for argv in steps if requirements else steps[:1]:
            done = run_redacted(argv, env=env)
            if done.code != 0:
                shutil.rmtree(venv, ignore_errors=True)
                what = (f"install {', '.join(requirements)} into a virtualenv" if requirements
                        else "make a virtualenv")
                raise ReleaseError(f"could not {what} (exit status {done.code}):\n"
                                   f"{tail(done.output)}",
                                   "check your network and package index settings, then "
                                   "run the same command again")

    def log(self, message: str) -> None:
        write_text(self.err, f"publish-checks > {message}\n")

    def say(self, text: str) -> None:
        write_text(self.out, f"{text}\n")

    def unsuccessful_build(self) -> str | None:
        return None  # one command per run: no build ran before it

    def run_gate(self, shown: str, argv: Sequence[str], cwd: Path,
                 env: Mapping[str, str]) -> int:
        self.log(f"Gate {shown}: {shlex.join(argv)}")
        return run_command(argv, cwd, env, self.stream())


def build_runner(name: str, options: Options, *,
                 environ: Mapping[str, str]) -> StandaloneRunner:
    """The runner of ``publish-checks NAME`` (``frontend.commands.run_command`` builds it):
    the project's token-variables kept from the tool environments it makes."""
    root = command_root(name, options)
    return StandaloneRunner(environ, as_json=options.json, hidden=token_variables(root))

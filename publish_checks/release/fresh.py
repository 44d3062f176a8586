"""The fresh virtualenv a release is installed into (release/install.py), made in a folder
of its own; the one the install proof from the index uses can be made ahead, while the
upload runs (:class:`FreshAhead`)."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from publish_checks.release.process import Completed, find_uv, venv_python
from publish_checks.release.runner import Runner, bin_path


@dataclass(frozen=True)
class Fresh:
    """A new virtualenv (``work``/venv), how making it went, and the installer to use in
    it: uv's when uv made it, else its own pip."""

    work: Path
    made: Completed
    uv: str | None

    @property
    def venv(self) -> Path:
        return self.work / "venv"

    @property
    def python(self) -> Path:
        return venv_python(self.venv)


def base_python(runner: Runner) -> str:
    """The interpreter of a tool environment (under nox: the session's Python): the one
    that makes the virtualenv."""
    return bin_path(runner.provide(["pip"]), "python")


@contextlib.contextmanager
def fresh_virtualenv(runner: Runner, base: str, env: Mapping[str, str],
                     uv: str | None) -> Iterator[Fresh]:
    """A virtualenv of ``base`` in a new temporary folder, removed afterwards; made by
    ``uv`` (:func:`~publish_checks.release.process.find_uv`), else by venv."""
    with tempfile.TemporaryDirectory(prefix="publish-checks-install-") as tmp:
        work = Path(tmp)
        venv = work / "venv"
        argv = ([uv, "venv", "--quiet", "--python", base, str(venv)] if uv is not None
                else [base, "-m", "venv", str(venv)])
        yield Fresh(work, runner.run(argv, env=dict(env), cwd=work), uv)


class FreshAhead:
    """A fresh virtualenv for later, made by :meth:`make` when there is time (while the
    upload runs); removed when the ``with`` block ends."""

    def __init__(self, runner: Runner, env: Mapping[str, str]) -> None:
        self._runner, self._env = runner, env
        self._stack = contextlib.ExitStack()
        self._fresh: Fresh | None = None

    def __enter__(self) -> FreshAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def make(self) -> None:
        """Make it now, if it can be; if not, the install makes its own in its turn (and
        says what went wrong then, not while the upload runs)."""
        if self._fresh is None:
            with contextlib.suppress(Exception):
                self._fresh = self._stack.enter_context(fresh_virtualenv(
                    self._runner, base_python(self._runner), self._env, find_uv()))

    @property
    def made(self) -> Fresh | None:
        """The virtualenv :meth:`make` made, if it did."""
        return self._fresh

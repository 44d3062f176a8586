"""The fresh virtualenv a release is installed into (release/install.py), made in a folder
of its own; the one the install proof from the index uses can be made ahead, while the
upload runs (:class:`FreshAhead`)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from publish_checks.dists.scan import file_sha256
from publish_checks.release.cache import cache_home, claimed_folder
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

    def staged(self, file: Path, sha256: str | None = None) -> Path:
        """``file`` in this folder, at a path named by its sha256 (``sha256`` when it is
        known already; a hard link, else a copy), for the installer: uv's cache knows a
        local file by its path and a timestamp, which a copy keeps on Windows and a
        filesystem with whole-second times may keep on a rebuild within the second, so a
        path named by its content is the one that can never bring back another file's
        contents from that cache."""
        place = self.work / "release" / (sha256 or file_sha256(file))[:32] / file.name
        place.parent.mkdir(parents=True, exist_ok=True)
        place.unlink(missing_ok=True)  # staged before: staged anew
        try:
            os.link(file, place)
        except OSError:  # another filesystem, or one without links
            shutil.copyfile(file, place)
        return place

    def install_argv(self, file: Path) -> list[str]:
        """The command that installs the release ``file`` (:meth:`staged`) here, its
        dependencies from the user's usual indexes."""
        if self.uv is None:
            return [str(self.python), "-m", "pip", "install", "--quiet", "--no-cache-dir",
                    "--disable-pip-version-check", str(file)]
        return [self.uv, "pip", "install", "--quiet", "--python", str(self.python), str(file)]


def base_python(runner: Runner) -> str:
    """The interpreter of a tool environment with nothing added (under nox: the session's
    own Python, nothing installed): the one that makes the virtualenv. Its pip is never
    used: uv makes the virtualenv, or venv seeds it with a pip of its own."""
    return bin_path(runner.provide(()), "python")


@contextlib.contextmanager
def fresh_virtualenv(runner: Runner, base: str, env: Mapping[str, str],
                     uv: str | None) -> Iterator[Fresh]:
    """A virtualenv of ``base`` in a new temporary folder, removed afterwards; made by
    ``uv`` (:func:`~publish_checks.release.process.find_uv`), else by venv."""
    with work_folder(env) as work:
        venv = work / "venv"
        argv = ([uv, "venv", "--quiet", "--python", base, str(venv)] if uv is not None
                else [base, "-m", "venv", str(venv)])
        yield Fresh(work, runner.run(argv, env=dict(env), cwd=work), uv)


@contextlib.contextmanager
def work_folder(env: Mapping[str, str]) -> Iterator[Path]:
    """An empty folder for one fresh virtualenv, removed afterwards: the same one run after
    run when it is free (release/cache.py), for uv knows the interpreter of a virtualenv
    by its path, and asks a new path's anew (~45 ms of each install); else a new
    temporary one."""
    with claimed_folder(cache_home(env) / "fresh", "venv") as folder:
        if folder is not None:
            yield folder
            return
    with tempfile.TemporaryDirectory(prefix="publish-checks-install-") as tmp:
        yield Path(tmp)


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

"""What the release pipeline needs from whoever drives it: the :class:`Runner`.

The pipeline imports nothing from nox. A runner provides tools in isolated environments,
runs commands, logs, shows output and asks for confirmation. Two real ones exist, in the
front ends: the nox session adapter (``frontend/session_runner.py``) and the standalone runner of
the ``publish-checks`` command (``frontend/standalone.py``), which makes and reuses its own
virtualenvs. The tests drive the pipeline with a fake.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

from publish_checks.checks.report import Report
from publish_checks.release.process import STEP_TIMEOUT, Completed, Standby


class Runner(Protocol):
    """The small interface the release pipeline runs through."""

    #: Whether a person can answer :meth:`confirm` (a terminal on stdin).
    interactive: bool

    @property
    def terminal(self) -> bool:
        """Whether what :meth:`run` echoes lands on a terminal, where a progress bar can
        redraw its line (in a log or a pipe, each redraw would be one more line)."""

    def provide(self, requirements: Sequence[str]) -> Path:
        """The ``bin`` folder of an isolated environment that has ``requirements`` (none: one
        with nothing added, for its interpreter; under nox the session's own)."""

    def run(self, argv: Sequence[str], *, env: Mapping[str, str], cwd: Path | None = None,
            secrets: Sequence[str] = (), echo: bool = False,
            timeout: float = STEP_TIMEOUT) -> Completed:
        """Run a command with exactly ``env``; ``echo`` shows its (redacted) output live."""

    def log(self, message: str) -> None:
        """A progress line: what the release is doing now."""

    def show(self, text: str) -> None:
        """Output for people: tables, plans, the closing summary."""

    def report(self, report: Report, title: str, *, primary: bool) -> None:
        """A check report; ``primary`` is the run's own (the one ``--json`` prints)."""

    def confirm(self, question: str) -> bool:
        """Ask a yes/no question; only called when :attr:`interactive`."""


@runtime_checkable
class Standing(Protocol):
    """A runner that can start a command ahead of its turn (both real ones do; a runner
    that cannot, the tests' fakes, runs each command when its turn comes)."""

    def standby(self, argv: Sequence[str], *, env: Mapping[str, str],
                cwd: Path | None = None) -> Standby | None:
        """Start ``argv`` with exactly ``env``, waiting on its stdin (None: it could not)."""

    def go(self, waiting: Standby, line: str, *, secrets: Sequence[str] = (),
           echo: bool = False, timeout: float = STEP_TIMEOUT,
           meanwhile: Callable[[], object] | None = None) -> Completed:
        """Send ``waiting`` its line, do ``meanwhile``, then as :meth:`Runner.run`."""


@runtime_checkable
class Provided(Protocol):
    """A runner that can tell where a tool environment it made before is, without making
    it (the standalone runner's cache; a nox session installs in its own turn)."""

    def provided(self, requirements: Sequence[str]) -> Path | None:
        """The ``bin`` folder :meth:`Runner.provide` would return for ``requirements``, if
        that environment is made already; None otherwise (nothing is installed)."""


def bin_path(bindir: Path, name: str) -> str:
    """An executable of an environment's ``bin`` folder."""
    return str(bindir / (f"{name}.exe" if os.name == "nt" else name))

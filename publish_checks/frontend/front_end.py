"""What a command of ``frontend/commands.py`` is given to run with: the front end's runner."""

from __future__ import annotations

from typing import Protocol, TextIO

from publish_checks._text import Steps
from publish_checks.frontend.gates import GateRunner
from publish_checks.release.runner import Runner


class FrontEnd(Runner, GateRunner, Protocol):
    """What a command needs of the front end that runs it, beyond the pipeline's Runner."""

    environ: dict[str, str]
    #: How this user runs each step: every hint names that (``nox -s build``, ...).
    steps: Steps

    @property
    def out(self) -> TextIO:
        """stdout, for what a command prints as its answer (notes)."""

    def say(self, text: str) -> None:
        """A command's closing line (bump's summary): on stdout, or in nox's log."""

    def unsuccessful_build(self) -> str | None:
        """Why the build of this run did not succeed, when a build ran before this command
        in the same run (a nox chain); None when none did."""

"""What both runners share: output for people on the terminal, the report, confirmation,
and running commands with their output redacted."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TextIO

from publish_checks._errors import UsageError
from publish_checks._text import write_text
from publish_checks.checks.report import Report
from publish_checks.frontend.commands import COMMANDS
from publish_checks.frontend.options import Options
from publish_checks.frontend.render import emit_report, render_text, use_colour
from publish_checks.project.children import Role, child_environment
from publish_checks.project.config import check_project_folder
from publish_checks.release.process import (
    STEP_TIMEOUT,
    Completed,
    Standby,
    run_redacted,
    standby,
)


def project_root(options: Options) -> Path:
    """The project folder of ``options``, resolved; a UsageError when it is none."""
    try:
        root = Path(options.project).resolve()
    except FileNotFoundError:  # the shell's current folder was deleted or moved away
        raise UsageError("the current folder no longer exists (deleted or moved)",
                         "cd into the project's folder and run it again") from None
    check_project_folder(root)
    return root


def command_root(name: str, options: Options) -> Path:
    """The folder the command ``name`` runs in: the project folder, checked, when the
    command needs one."""
    return project_root(options) if COMMANDS[name].needs_project else Path(options.project)


class Console:
    """Output goes to stdout, or to stderr when ``--json`` keeps stdout for the report.
    ``hidden``: the project's token-variables, which making a tool environment never gets
    (:func:`token_variables`)."""

    def __init__(self, environ: Mapping[str, str], *, as_json: bool = False,
                 out: TextIO | None = None, err: TextIO | None = None,
                 interactive: bool | None = None, hidden: Sequence[str] = ()) -> None:
        self.environ = dict(environ)
        self.hidden = tuple(hidden)
        self.as_json = as_json
        self._out, self._err = out, err
        self.interactive = sys.stdin.isatty() if interactive is None else interactive

    @property
    def out(self) -> TextIO:  # looked up when used: nox and the tests replace sys.stdout
        return self._out or sys.stdout

    @property
    def err(self) -> TextIO:
        return self._err or sys.stderr

    def stream(self) -> TextIO:
        return self.err if self.as_json else self.out

    @property
    def terminal(self) -> bool:
        """Whether echoed output lands on a terminal (the stream in use, looked up now)."""
        try:
            return self.stream().isatty()
        except (AttributeError, ValueError):  # a replaced or closed stream: not a terminal
            return False

    def tool_env(self) -> dict[str, str]:
        """The environment that installs a tool environment (pip or uv may run an sdist's
        build backend): no secret."""
        return child_environment(self.environ, Role.TOOL, hidden=self.hidden)

    def run(self, argv: Sequence[str], *, env: Mapping[str, str], cwd: Path | None = None,
            secrets: Sequence[str] = (), echo: bool = False,
            timeout: float = STEP_TIMEOUT) -> Completed:
        return run_redacted(argv, env=env, cwd=cwd, secrets=secrets,
                            echo=self.stream() if echo else None, timeout=timeout)

    def standby(self, argv: Sequence[str], *, env: Mapping[str, str],
                cwd: Path | None = None) -> Standby | None:
        return standby(argv, env=env, cwd=cwd)

    def go(self, waiting: Standby, line: str, *, secrets: Sequence[str] = (),
           echo: bool = False, timeout: float = STEP_TIMEOUT,
           meanwhile: Callable[[], object] | None = None) -> Completed:
        return waiting.go(line, secrets=secrets, echo=self.stream() if echo else None,
                          timeout=timeout, meanwhile=meanwhile)

    def show(self, text: str) -> None:
        write_text(self.stream(), text if text.endswith("\n") else text + "\n")

    def report(self, report: Report, title: str, *, primary: bool) -> None:
        if primary:
            emit_report(report, self.as_json, self.out, title)
            return
        stream = self.stream()  # under --json, stdout holds the run's own report alone
        write_text(stream, render_text(report, colour=use_colour(stream, self.environ),
                                       title=title))

    def confirm(self, question: str) -> bool:
        write_text(self.err, question)
        try:
            answer = input()
        except EOFError:
            answer = ""
        return answer.strip().lower() in ("y", "yes")

"""The nox front end: the session body of each command of ``frontend/commands.py``, and the
runner that adapts a nox session to them. ``steps`` is how this noxfile names the sessions
(``publish_checks.nox.register`` may rename them)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import nox
from nox.command import CommandFailed

from publish_checks._errors import PublishChecksError, UsageError
from publish_checks._text import NOX_STEPS, Steps, write_text
from publish_checks.frontend.commands import (
    COMMANDS,
    applies_to,
    run_command,
    takes,
)
from publish_checks.frontend.console import Console, project_root, token_variables
from publish_checks.frontend.options import (
    Options,
    given,
    joined,
    parse_session_args,
    session_parser,
)
from publish_checks.project.credentials import redact

#: The attribute that marks a session function as one of ours, naming its step.
STEP_ATTRIBUTE = "publish_checks_step"

SessionBody = Callable[[nox.Session, Steps], None]


class SessionRunner(Console):
    """The pipeline's runner inside a nox session: tools are installed into the session's
    virtualenv, progress goes to nox's log."""

    #: nox runs the gates that name sessions before build: they are its ``requires=``.
    session_gates_ran = True

    def __init__(self, session: nox.Session, environ: dict[str, str], as_json: bool,
                 hidden: Sequence[str] = (), steps: Steps = NOX_STEPS) -> None:
        super().__init__(environ, as_json=as_json, hidden=hidden)
        self.session = session
        self.steps = steps

    def provide(self, requirements: Sequence[str]) -> Path:
        if requirements:
            # nox adds the session's own variables (its virtualenv, PATH) to what it is
            # given; include_outer_env=False: nothing of ours it is not given.
            # The session's own variables last: a VIRTUAL_ENV or UV_PYTHON of the process
            # (nox's script-mode environment, the user's) must not take the install elsewhere.
            own = {k: v for k, v in self.session.virtualenv.env.items() if v is not None}
            self.session.install(*requirements, silent=True, env={**self.tool_env(), **own},
                                 include_outer_env=False)
        return Path(self.session.bin)

    def log(self, message: str) -> None:
        self.session.log(f"# {message}")

    def say(self, text: str) -> None:
        self.session.log(text)

    def run_gate(self, shown: str, argv: Sequence[str], cwd: Path,
                 env: Mapping[str, str]) -> int | None:
        """A command gate, as nox runs a command (it logs it, and says how it failed)."""
        try:
            with self.session.chdir(cwd):
                # no upload secret or CI identity for the project's own commands
                self.session.run(*argv, external=True, env=dict(env), include_outer_env=False)
        except CommandFailed:
            return None
        return 0

    def unsuccessful_build(self) -> str | None:
        """Why this nox run's build session did not succeed, if it ran before this session.

        nox goes on with a chain after a failed or aborted session (unless ``-x``): after a
        failed gate, ``nox -s build publish`` would publish the files an earlier build left
        in dist/. nox gives a session no public view of the run, so this reads its manifest;
        a nox that keeps it elsewhere leaves only the build's own marker in dist/ to stop a
        publish.
        """
        manifest = getattr(getattr(self.session, "_runner", None), "manifest", None)
        if manifest is None:
            return None
        for other, _ in manifest.list_all_sessions():
            result = getattr(other, "result", None)
            if getattr(other.func, STEP_ATTRIBUTE, None) == "build" and result is not None \
                    and not result:
                return f"{other.friendly_name}: {result.reason or result.status.name.lower()}"
        return None


def message(error: PublishChecksError) -> str:
    """One line for session.error: what is wrong — the fix. nox cannot exit 2, so a usage
    error says that it is one."""
    text = f"{error.message} — {error.hint}" if error.hint else error.message
    text = redact(text)  # a token may have been typed into an option
    return f"usage error: {text}" if error.exit_code == 2 else text


def ignored_note(step: str, name: str, options: Sequence[str], steps: Steps) -> str | None:
    """One line naming the options this session ignores and where each applies: one parser
    serves a chain (``nox -s build publish -- --tag``), so a session cannot refuse them."""
    ignored = [option for option in options if option not in takes(step)]
    if not ignored:
        return None
    by_place: dict[tuple[str, ...], list[str]] = {}
    for option in ignored:
        places = tuple(steps.session(p) for p in applies_to(option, sessions=True))
        by_place.setdefault(places, []).append(option)
    parts = [f"{joined(group)} {'applies' if len(group) == 1 else 'apply'} to {joined(places)}"
             for places, group in by_place.items()]
    return f"{'; '.join(parts)}; {name} ignores {'it' if len(ignored) == 1 else 'them'}"


def run_session(session: nox.Session, step: str, steps: Steps = NOX_STEPS) -> None:
    """Run the command ``step`` as a nox session: the posargs parsed by the one parser, its
    options that this session ignores named; our errors and a failed verdict end it."""
    if {"-h", "--help"} & set(session.posargs):
        write_text(sys.stdout, session_parser().format_help())
        session.skip("printed the options every session takes")
    try:
        options = _options(session, step, steps)
        runner = SessionRunner(session, dict(os.environ), options.json,
                               token_variables(project_root(options)), steps)
        code = run_command(step, options, runner)
    except PublishChecksError as e:
        session.error(message(e))
    if code != 0:
        session.error(f"{step} failed: fix what is marked ✗ above, then run {steps(step)} "
                      "again")


def _options(session: nox.Session, step: str, steps: Steps) -> Options:
    """The posargs, parsed. Only bump takes a positional argument: elsewhere one is a slip
    (a pasted token, say)."""
    options = parse_session_args(session.posargs)
    if options.target is not None and "target" not in takes(step):
        raise UsageError(f"unrecognized arguments: {options.target}",
                         f"only bump takes a positional argument; see "
                         f"'{steps(step)} -- --help'")
    note = ignored_note(step, steps.session(step), given(session.posargs, options), steps)
    if note:
        session.log(note)
    return options


def session_body(step: str) -> SessionBody:
    """The session body of the command ``step``, its docstring the command's."""

    def body(session: nox.Session, steps: Steps = NOX_STEPS) -> None:
        run_session(session, step, steps)

    body.__name__ = body.__qualname__ = step
    body.__doc__ = COMMANDS[step].session
    return body


#: step → session body, of every command that has a session.
BODIES: dict[str, SessionBody] = {step: session_body(step) for step, command in COMMANDS.items()
                                  if command.session is not None}

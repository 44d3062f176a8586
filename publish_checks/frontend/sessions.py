"""The nox front end: the session body of each command of ``frontend/commands.py`` (the
runner that adapts a nox session to them is ``frontend/session_runner.py``, loaded with the
command). ``steps`` is how this noxfile names the sessions
(``publish_checks.nox.register`` may rename them)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence

import nox

from publish_checks._errors import PublishChecksError, UsageError
from publish_checks._lazy import thaw
from publish_checks._text import NOX_STEPS, Steps, write_text
from publish_checks.frontend.commands import (
    COMMANDS,
    SESSION,
    applies_to,
    run_command,
    takes,
)
from publish_checks.frontend.options import (
    Options,
    given,
    joined,
    parse_session_args,
    session_parser,
)
from publish_checks.project.redaction import redact

#: The attribute that marks a session function as one of ours, naming its step.
STEP_ATTRIBUTE = "publish_checks_step"

SessionBody = Callable[[nox.Session, Steps], None]


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
        code = run_command(step, options, SESSION, session=session, environ=dict(os.environ),
                           steps=steps)
    except PublishChecksError as e:
        session.error(message(e))
    finally:  # nox runs the next session in this process: this one's data must go
        thaw()
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

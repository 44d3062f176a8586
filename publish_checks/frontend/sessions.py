"""The nox front end's session bodies, and the runner that adapts a nox session to the
release pipeline. Each body is a few lines that call the pipeline."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import nox

from publish_checks._errors import PublishChecksError, UsageError
from publish_checks._text import NOX_STEPS
from publish_checks.frontend.console import Console
from publish_checks.frontend.options import Options, parse_session_args, session_parser
from publish_checks.frontend.render import write_text
from publish_checks.project.credentials import redact
from publish_checks.release import pipeline
from publish_checks.release.bump import bump as bump_project


class SessionRunner(Console):
    """The pipeline's runner inside a nox session: tools are installed into the session's
    virtualenv, progress goes to nox's log."""

    def __init__(self, session: nox.Session, environ: dict[str, str], as_json: bool) -> None:
        super().__init__(environ, as_json=as_json)
        self.session = session

    def provide(self, requirements: Sequence[str]) -> Path:
        if requirements:
            self.session.install(*requirements, silent=True)
        return Path(self.session.bin)

    def log(self, message: str) -> None:
        self.session.log(f"# {message}")


def message(error: PublishChecksError) -> str:
    """One line for session.error: what is wrong — the fix. nox cannot exit 2, so a usage
    error says that it is one."""
    text = f"{error.message} — {error.hint}" if error.hint else error.message
    text = redact(text)  # a token may have been typed into an option
    return f"usage error: {text}" if error.exit_code == 2 else text


@contextlib.contextmanager
def _release(session: nox.Session, *, positional: bool = False,
             ) -> Iterator[tuple[Options, SessionRunner, dict[str, str]]]:
    """The parsed posargs, a runner and the environment; our errors end the session. Only
    bump takes a positional argument: elsewhere one is a slip (a pasted token, say)."""
    if {"-h", "--help"} & set(session.posargs):
        write_text(sys.stdout, session_parser().format_help())
        session.skip("printed the options every session takes")
    environ = dict(os.environ)
    try:
        options = parse_session_args(session.posargs)
        if options.target is not None and not positional:
            raise UsageError(f"unrecognized arguments: {options.target}",
                             f"only bump takes a positional argument; see "
                             f"'nox -s {session.name} -- --help'")
        yield options, SessionRunner(session, environ, options.json), environ
    except PublishChecksError as e:
        session.error(message(e))


def verify(session: nox.Session) -> None:
    """Pre-flight: every release check, one report (read-only)."""
    with _release(session) as (options, runner, environ):
        ctx = pipeline.open_project(runner, Path(options.project), options.repository,
                                    environ=environ, offline=options.offline)
        if not pipeline.verify(runner, ctx, options.flags()).ok:
            session.error("verify failed: fix what is marked ✗ above, then run nox -s verify "
                          "again")


def build(session: nox.Session) -> None:
    """Build sdist and wheel into a clean dist/, then check them."""
    with _release(session) as (options, runner, environ):
        ctx = pipeline.open_project(runner, Path(options.project), options.repository,
                                    environ=environ, offline=True)
        pipeline.build(runner, ctx, options.flags())


def publish(session: nox.Session) -> None:
    """Verify, confirm, upload to the index, then prove the release installs."""
    with _release(session) as (options, runner, environ):
        pipeline.refuse_offline_publish(options.offline, False, NOX_STEPS)
        ctx = pipeline.open_project(runner, Path(options.project), options.repository,
                                    environ=environ)
        pipeline.refuse_offline_publish(False, ctx.target.is_local, NOX_STEPS)
        pipeline.publish(runner, ctx, options.flags())


def rehearse(session: nox.Session) -> None:
    """The whole release against a throwaway local index: no account needed."""
    with _release(session) as (options, runner, environ):
        pipeline.rehearse(runner, Path(options.project), options.flags(), environ)


def bump(session: nox.Session) -> None:
    """Set the next version (patch|minor|major|dev|X.Y.Z) and date the changelog."""
    with _release(session, positional=True) as (options, _, _):
        session.log(bump_project(Path(options.project), options.target, pre=options.pre,
                                 commit=options.commit))

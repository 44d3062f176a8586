"""The nox front end's session bodies, and the runner that adapts a nox session to the
release pipeline. Each body is a few lines that call the pipeline; ``steps`` is how this
noxfile names the sessions (``publish_checks.nox.register`` may rename them)."""

from __future__ import annotations

import contextlib
import os
import shlex
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import nox
from nox.command import CommandFailed

from publish_checks._errors import PublishChecksError, ReleaseError, UsageError
from publish_checks._text import NOX_STEPS, Steps
from publish_checks.checks.context import Context
from publish_checks.frontend.console import Console, token_variables
from publish_checks.frontend.options import (
    TAKES,
    Options,
    applies_to,
    given,
    joined,
    parse_session_args,
    session_parser,
)
from publish_checks.frontend.render import write_text
from publish_checks.project.children import Role
from publish_checks.project.config import check_project_folder
from publish_checks.project.credentials import redact
from publish_checks.release import pipeline
from publish_checks.release.bump import bump as bump_project

#: The attribute that marks a session function as one of ours, naming its step.
STEP_ATTRIBUTE = "publish_checks_step"


class SessionRunner(Console):
    """The pipeline's runner inside a nox session: tools are installed into the session's
    virtualenv, progress goes to nox's log."""

    def __init__(self, session: nox.Session, environ: dict[str, str], as_json: bool,
                 hidden: Sequence[str] = ()) -> None:
        super().__init__(environ, as_json=as_json, hidden=hidden)
        self.session = session

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


def message(error: PublishChecksError) -> str:
    """One line for session.error: what is wrong — the fix. nox cannot exit 2, so a usage
    error says that it is one."""
    text = f"{error.message} — {error.hint}" if error.hint else error.message
    text = redact(text)  # a token may have been typed into an option
    return f"usage error: {text}" if error.exit_code == 2 else text


def ignored_note(step: str, name: str, options: Sequence[str], steps: Steps) -> str | None:
    """One line naming the options this session ignores and where each applies: one parser
    serves a chain (``nox -s build publish -- --tag``), so a session cannot refuse them."""
    ignored = [option for option in options if option not in TAKES[step]]
    if not ignored:
        return None
    by_place: dict[tuple[str, ...], list[str]] = {}
    for option in ignored:
        places = tuple(steps.session(p) for p in applies_to(option))
        by_place.setdefault(places, []).append(option)
    parts = [f"{joined(group)} {'applies' if len(group) == 1 else 'apply'} to {joined(places)}"
             for places, group in by_place.items()]
    return f"{'; '.join(parts)}; {name} ignores {'it' if len(ignored) == 1 else 'them'}"


@contextlib.contextmanager
def _release(session: nox.Session, step: str, steps: Steps,
             ) -> Iterator[tuple[Options, SessionRunner, dict[str, str]]]:
    """The parsed posargs, a runner and the environment; our errors end the session. Only
    bump takes a positional argument: elsewhere one is a slip (a pasted token, say)."""
    if {"-h", "--help"} & set(session.posargs):
        write_text(sys.stdout, session_parser().format_help())
        session.skip("printed the options every session takes")
    environ = dict(os.environ)
    try:
        options = parse_session_args(session.posargs)
        if options.target is not None and step != "bump":
            raise UsageError(f"unrecognized arguments: {options.target}",
                             f"only bump takes a positional argument; see "
                             f"'{steps(step)} -- --help'")
        note = ignored_note(step, steps.session(step), given(session.posargs, options), steps)
        if note:
            session.log(note)
        root = Path(options.project).resolve()
        check_project_folder(root)
        yield options, SessionRunner(session, environ, options.json,
                                     token_variables(root)), environ
    except PublishChecksError as e:
        session.error(message(e))


def _open(runner: SessionRunner, options: Options, environ: dict[str, str], steps: Steps, *,
          offline: bool) -> Context:
    return pipeline.open_project(runner, Path(options.project), options.repository,
                                 environ=environ, offline=offline, steps=steps)


def verify(session: nox.Session, steps: Steps = NOX_STEPS) -> None:
    """Pre-flight: every release check, one report (read-only)."""
    with _release(session, "verify", steps) as (options, runner, environ):
        _refuse_unbuilt(session, steps, "verify", "publish would refuse dist/")
        ctx = _open(runner, options, environ, steps, offline=options.offline)
        if not pipeline.verify(runner, ctx, options.flags()).ok:
            session.error(f"verify failed: fix what is marked ✗ above, then run "
                          f"{steps('verify')} again")


def _command_gates(session: nox.Session, ctx: Context) -> None:
    """The gates written as commands, in the project folder. nox itself runs the gates that
    name sessions, before this session (``requires=``)."""
    for gate in ctx.config.gates:
        if isinstance(gate, str):
            continue
        shown = shlex.join(gate)
        try:
            with session.chdir(ctx.root):
                # no upload secret or CI identity for the project's own commands
                session.run(*gate, external=True, env=ctx.child_env(Role.GATE),
                            include_outer_env=False)
        except CommandFailed:
            raise ReleaseError(f"gate {shown} failed: nothing was built",
                               "fix what it reports above, then build again") from None


def build(session: nox.Session, steps: Steps = NOX_STEPS) -> None:
    """Build sdist and wheel into a clean dist/, then check them."""
    with _release(session, "build", steps) as (options, runner, environ):
        # The configured index, as publish-checks build: build ignores --repository (a
        # chain's publish takes it), and says so.
        ctx = pipeline.open_project(runner, Path(options.project), None, environ=environ,
                                    offline=True, steps=steps)
        _command_gates(session, ctx)
        pipeline.build(runner, ctx, options.flags())


def _unsuccessful_build(session: nox.Session) -> str | None:
    """Why this nox run's build session did not succeed, if it ran before this session.

    nox goes on with a chain after a failed or aborted session (unless ``-x``): after a
    failed gate, ``nox -s build publish`` would publish the files an earlier build left in
    dist/. nox gives a session no public view of the run, so this reads its manifest; a nox
    that keeps it elsewhere leaves only the build's own marker in dist/ to stop a publish.
    """
    manifest = getattr(getattr(session, "_runner", None), "manifest", None)
    if manifest is None:
        return None
    for other, _ in manifest.list_all_sessions():
        result = getattr(other, "result", None)
        if getattr(other.func, STEP_ATTRIBUTE, None) == "build" and result is not None \
                and not result:
            return f"{other.friendly_name}: {result.reason or result.status.name.lower()}"
    return None


def _refuse_unbuilt(session: nox.Session, steps: Steps, step: str, outcome: str) -> None:
    """A chain whose build did not succeed leaves dist/ as an earlier build made it: verify
    and publish in that chain both refuse it, in the same words."""
    unbuilt = _unsuccessful_build(session)
    if unbuilt is not None:
        raise ReleaseError(f"the build of this run did not succeed ({unbuilt}), so {outcome}",
                           f"fix it, then run {steps('build')} {steps.session(step)} again")


def publish(session: nox.Session, steps: Steps = NOX_STEPS) -> None:
    """Verify, confirm, upload to the index, then prove the release installs."""
    with _release(session, "publish", steps) as (options, runner, environ):
        _refuse_unbuilt(session, steps, "publish", "nothing was uploaded")
        pipeline.refuse_offline_publish(options.offline, False, steps)
        ctx = _open(runner, options, environ, steps, offline=False)
        pipeline.refuse_offline_publish(False, ctx.target.is_local, steps)
        pipeline.publish(runner, ctx, options.flags())


def rehearse(session: nox.Session, steps: Steps = NOX_STEPS) -> None:
    """The whole release against a throwaway local index: no account needed."""
    with _release(session, "rehearse", steps) as (options, runner, environ):
        pipeline.rehearse(runner, Path(options.project), options.flags(), environ, steps)


def bump(session: nox.Session, steps: Steps = NOX_STEPS) -> None:
    """Next version (patch|minor|major|dev|post|calver|X.Y.Z, --pre a|b|rc), changelog dated."""
    with _release(session, "bump", steps) as (options, _, environ):
        session.log(bump_project(Path(options.project), options.target, pre=options.pre,
                                 commit=options.commit, steps=steps, environ=environ))

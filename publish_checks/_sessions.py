"""The bodies of the nox sessions. Each is a few lines that call the package."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from publish_checks._cli import emit_report
from publish_checks._context import Context
from publish_checks._errors import PublishChecksError
from publish_checks._options import Options, parse_session_args, session_parser
from publish_checks._rehearse import local_index
from publish_checks._release import write_step_summary
from publish_checks._report import write_text
from publish_checks._repository import LOCAL_URL_VARIABLE
from publish_checks._steps import TWINE, build_into, message, release
from publish_checks._verify import run_checks

if TYPE_CHECKING:
    import nox


def _options(session: nox.Session) -> Options:
    if {"-h", "--help"} & set(session.posargs):
        write_text(sys.stdout, session_parser().format_help())
        session.skip("printed the options every session takes")
    try:
        return parse_session_args(session.posargs)
    except PublishChecksError as e:
        session.error(message(e))


def _context(session: nox.Session, options: Options, *, offline: bool | None = None) -> Context:
    try:
        ctx = Context.load(Path(options.project), options.repository,
                           offline=options.offline if offline is None else offline)
    except PublishChecksError as e:
        session.error(message(e))
    ctx.twine_check = _twine_checker(session)
    return ctx


def _twine_checker(session: nox.Session) -> Callable[[Sequence[Path]], Mapping[str, str]]:
    """``twine check --strict`` in the session's virtualenv, for when readme_renderer is not
    importable in-process; returns each file's problem ('' when it renders)."""

    def check(paths: Sequence[Path]) -> Mapping[str, str]:
        session.install(TWINE, silent=True)
        problems = {}
        for path in paths:
            output = session.run("twine", "check", "--strict", str(path), silent=True,
                                 success_codes=[0, 1], external=False)
            text = output if isinstance(output, str) else ""
            passed = "PASSED" in text and "FAILED" not in text
            problems[path.name] = "" if passed else _twine_problem(text)
        return problems

    return check


def _twine_problem(output: str) -> str:
    lines = [line.strip() for line in output.splitlines()
             if line.strip() and not line.startswith("Checking")]
    return " ".join(lines) or "twine check --strict failed"


def verify(session: nox.Session) -> None:
    """Pre-flight: every release check, one report (read-only)."""
    options = _options(session)
    ctx = _context(session, options)
    report = run_checks(ctx, skip=options.skip)
    emit_report(report, options.json)
    write_step_summary(ctx, report, None)
    if not report.ok:
        session.error("verify failed: fix what is marked ✗ above, then run nox -s verify again")


def build(session: nox.Session) -> None:
    """Build sdist and wheel into a clean dist/, then check them."""
    options = _options(session)
    ctx = _context(session, options, offline=True)
    ctx = build_into(session, ctx, ctx.root / "dist", options)
    if not ctx.release_dists():
        session.error("the build produced no dists of this project and version")


def publish(session: nox.Session) -> None:
    """Verify, confirm, upload to the index, then prove the release installs."""
    options = _options(session)
    if options.offline:
        session.error("publish must ask the index what it has: drop --offline "
                      "(--dry-run stops before uploading)")
    ctx = _context(session, options, offline=False)
    if ctx.target.is_local:
        session.error("--repository local is the embedded index of a rehearsal, which exists "
                      "only while it runs: use nox -s rehearse")
    release(session, ctx, options)


def rehearse(session: nox.Session) -> None:
    """The whole release against a throwaway local index: no account needed."""
    options = _options(session)
    session.install("pypiserver[passlib]>=2", silent=True)
    python = Path(session.bin) / "python"
    try:
        with local_index(python) as index:
            session.log(f"# Embedded index up at {index.url} (user {index.username}, "
                        "generated password)")
            environ = {**os.environ, LOCAL_URL_VARIABLE: index.url}
            try:
                ctx = Context.load(Path(options.project), "local", environ=environ)
            except PublishChecksError as e:
                session.error(message(e))
            ctx.twine_check = _twine_checker(session)
            # Build into the throwaway folder: a rehearsal leaves the real dist/ alone.
            ctx = build_into(session, ctx, index.workdir / "dist", options)
            options.yes = True  # nothing leaves this machine: no confirmation to ask for
            release(session, ctx, options, password=index.password)
            session.log("# Rehearsal passed: the same steps will work against the real index")
    except PublishChecksError as e:
        session.error(message(e))


def bump(session: nox.Session) -> None:
    """Set the next version (patch|minor|major|X.Y.Z) and date the changelog."""
    from publish_checks._bump import bump_from_options

    options = _options(session)
    try:
        session.log(bump_from_options(Path(options.project), options))
    except PublishChecksError as e:
        session.error(message(e))

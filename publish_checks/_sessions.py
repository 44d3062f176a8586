"""The bodies of the nox sessions. Each is a few lines that call the package."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from publish_checks._context import Context
from publish_checks._errors import PublishChecksError
from publish_checks._options import Options, parse_session_args
from publish_checks._report import Report, render_text, use_colour
from publish_checks._verify import run_checks

if TYPE_CHECKING:
    import nox


def _options(session: nox.Session) -> Options:
    try:
        return parse_session_args(session.posargs)
    except PublishChecksError as e:
        session.error(f"{e.message} — {e.hint}" if e.hint else e.message)


def _context(session: nox.Session, options: Options, *, offline: bool | None = None) -> Context:
    try:
        ctx = Context.load(Path(options.project), options.repository,
                           offline=options.offline if offline is None else offline)
    except PublishChecksError as e:
        session.error(f"{e.message} — {e.hint}" if e.hint else e.message)
    ctx.twine_check = _twine_checker(session)
    return ctx


def _twine_checker(session: nox.Session):  # type: ignore[no-untyped-def]
    """``twine check --strict`` in the session's virtualenv, for when readme_renderer is not
    importable in-process; returns each file's problem ('' when it renders)."""

    def check(paths: Sequence[Path]) -> Mapping[str, str]:
        session.install("twine>=6.1", silent=True)
        problems = {}
        for path in paths:
            output = session.run("twine", "check", "--strict", str(path), silent=True,
                                 success_codes=[0, 1], external=False)
            text = output if isinstance(output, str) else ""
            problems[path.name] = "" if "PASSED" in text and "FAILED" not in text else _twine_problem(text)
        return problems

    return check


def _twine_problem(output: str) -> str:
    lines = [line.strip() for line in output.splitlines()
             if line.strip() and not line.startswith("Checking")]
    return " ".join(lines) or "twine check --strict failed"


def show(report: Report, options: Options) -> None:
    if options.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        sys.stdout.write(render_text(report, colour=use_colour(sys.stdout)))
    sys.stdout.flush()


def verify(session: nox.Session) -> None:
    """Pre-flight: every release check, one report (read-only)."""
    options = _options(session)
    ctx = _context(session, options)
    report = run_checks(ctx, skip=options.skip)
    show(report, options)
    if not report.ok:
        session.error("verify failed: fix what is marked ✗ above, then run nox -s verify again")


def build(session: nox.Session) -> None:
    """Build sdist and wheel into a clean dist/, then check them."""
    session.error("build is not available yet")


def publish(session: nox.Session) -> None:
    """Verify, confirm, upload to the index, then prove the release installs."""
    session.error("publish is not available yet")


def rehearse(session: nox.Session) -> None:
    """The whole release against a throwaway local index: no account needed."""
    session.error("rehearse is not available yet")


def bump(session: nox.Session) -> None:
    """Set the next version (patch|minor|major|X.Y.Z) and date the changelog."""
    session.error("bump is not available yet")

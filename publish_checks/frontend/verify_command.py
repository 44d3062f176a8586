"""The verify command, loaded by ``frontend/commands.py`` when it runs: every check, one
report. Its own module, so that verify imports none of the upload's steps
(release/pipeline.py); the other release commands (``release_commands``) open the project
and read the options as it does, with the helpers here."""

from __future__ import annotations

from pathlib import Path

from publish_checks._errors import ReleaseError
from publish_checks.checks.context import Context
from publish_checks.checks.registry import validate_skip
from publish_checks.frontend.front_end import FrontEnd
from publish_checks.frontend.options import Options
from publish_checks.release import verify as checking
from publish_checks.release.flags import Flags


def pipeline_flags(options: Options) -> Flags:
    """What the release pipeline needs of the options (here, not in ``frontend/options.py``:
    ``--help`` and ``--version`` import no release module)."""
    return Flags(skip=tuple(options.skip), yes=options.yes, dry_run=options.dry_run,
                 tag=options.tag, push=options.push, install=options.install,
                 github_release=options.github_release, verbose=options.verbose,
                 attestations=not options.no_attestations)


def open_context(runner: FrontEnd, options: Options, repository: str | None, *,
                 offline: bool) -> Context:
    return checking.open_project(runner, Path(options.project), repository,
                                 environ=runner.environ, offline=offline, steps=runner.steps)


def refuse_unbuilt(runner: FrontEnd, step: str, outcome: str) -> None:
    """A chain whose build did not succeed leaves dist/ as an earlier build made it: verify
    and publish in that chain both refuse it, in the same words."""
    unbuilt = runner.unsuccessful_build()
    if unbuilt is not None:
        steps = runner.steps
        raise ReleaseError(f"the build of this run did not succeed ({unbuilt}), so {outcome}",
                           f"fix it, then run {steps('build')} {steps.session(step)} again")


def verify(options: Options, runner: FrontEnd) -> int:
    """Every check, one report: 1 when a check fails."""
    validate_skip(options.skip)
    refuse_unbuilt(runner, "verify", "publish would refuse dist/")
    ctx = open_context(runner, options, options.repository, offline=options.offline)
    return 0 if checking.verify(runner, ctx, pipeline_flags(options)).ok else 1

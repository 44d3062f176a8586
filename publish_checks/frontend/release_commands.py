"""The commands of the release pipeline (verify, build, publish, rehearse, notes): loaded
by ``frontend/commands.py`` when one of them runs. Each first checks the ``--skip`` ids
(one parser reads every nox session's posargs, so any command may be given them)."""

from __future__ import annotations

from pathlib import Path

from publish_checks._errors import ReleaseError
from publish_checks._text import write_verbatim
from publish_checks.checks.context import Context
from publish_checks.checks.registry import validate_skip
from publish_checks.frontend.front_end import FrontEnd
from publish_checks.frontend.gates import run_gates
from publish_checks.frontend.options import Options
from publish_checks.project.children import Role
from publish_checks.release import pipeline
from publish_checks.release.flags import Flags


def pipeline_flags(options: Options) -> Flags:
    """What the release pipeline needs of the options (here, not in ``frontend/options.py``:
    ``--help`` and ``--version`` import no release module)."""
    return Flags(skip=tuple(options.skip), yes=options.yes, dry_run=options.dry_run,
                 tag=options.tag, push=options.push, install=options.install,
                 github_release=options.github_release, verbose=options.verbose,
                 attestations=not options.no_attestations)


def _open(runner: FrontEnd, options: Options, repository: str | None, *,
          offline: bool) -> Context:
    return pipeline.open_project(runner, Path(options.project), repository,
                                 environ=runner.environ, offline=offline, steps=runner.steps)


def _refuse_unbuilt(runner: FrontEnd, step: str, outcome: str) -> None:
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
    _refuse_unbuilt(runner, "verify", "publish would refuse dist/")
    ctx = _open(runner, options, options.repository, offline=options.offline)
    return 0 if pipeline.verify(runner, ctx, pipeline_flags(options)).ok else 1


def build(options: Options, runner: FrontEnd) -> int:
    """The gates, then sdist and wheel into a clean dist/, then their checks."""
    validate_skip(options.skip)
    # The configured index: build takes no --repository (a chain's publish does).
    ctx = _open(runner, options, None, offline=True)
    run_gates(ctx.config.gates, ctx.root, ctx.child_env(Role.GATE), runner)
    pipeline.build(runner, ctx, pipeline_flags(options))
    return 0


def publish(options: Options, runner: FrontEnd) -> int:
    """Verify, confirm, upload, then prove the release installs from the index."""
    validate_skip(options.skip)
    _refuse_unbuilt(runner, "publish", "nothing was uploaded")
    pipeline.refuse_offline_publish(options.offline, False, runner.steps)
    ctx = _open(runner, options, options.repository, offline=False)
    pipeline.refuse_offline_publish(False, ctx.target.is_local, runner.steps)
    pipeline.publish(runner, ctx, pipeline_flags(options))
    return 0


def rehearse(options: Options, runner: FrontEnd) -> int:
    """The whole release against a throwaway local index."""
    validate_skip(options.skip)
    pipeline.rehearse(runner, Path(options.project), pipeline_flags(options), runner.environ,
                      runner.steps)
    return 0


def notes(options: Options, runner: FrontEnd) -> int:
    """A version's changelog section, on stdout."""
    validate_skip(options.skip)
    ctx = _open(runner, options, options.repository, offline=True)
    write_verbatim(runner.out, pipeline.notes(ctx, options.version))
    return 0

"""The commands of the release pipeline (build, publish, rehearse, notes; verify is in
``verify_command``, which imports none of the upload): loaded by ``frontend/commands.py``
when one of them runs. Each first checks the ``--skip`` ids (one parser reads every nox
session's posargs, so any command may be given them)."""

from __future__ import annotations

from pathlib import Path

from publish_checks._text import write_verbatim
from publish_checks.checks.registry import validate_skip
from publish_checks.frontend.front_end import FrontEnd
from publish_checks.frontend.gates import run_gates
from publish_checks.frontend.options import Options
from publish_checks.frontend.verify_command import open_context as _open
from publish_checks.frontend.verify_command import pipeline_flags as pipeline_flags
from publish_checks.frontend.verify_command import refuse_unbuilt as _refuse_unbuilt
from publish_checks.project.children import Role
from publish_checks.release import pipeline
from publish_checks.release.standby import Warm


def build(options: Options, runner: FrontEnd) -> int:
    """The gates, then sdist and wheel into a clean dist/, then their checks."""
    validate_skip(options.skip)
    # The configured index: build takes no --repository (a chain's publish does).
    ctx = _open(runner, options, None, offline=True)
    run_gates(ctx.config.gates, ctx.root, ctx.child_env(Role.GATE), runner)
    pipeline.build(runner, ctx, pipeline_flags(options))
    return 0


def publish(options: Options, runner: FrontEnd, early: Warm | None = None) -> int:
    """Verify, confirm, upload, then prove the release installs from the index; ``early``:
    the uploader ``frontend/ahead.py`` started (Command.ahead)."""
    validate_skip(options.skip)
    _refuse_unbuilt(runner, "publish", "nothing was uploaded")
    pipeline.refuse_offline_publish(options.offline, False, runner.steps)
    ctx = _open(runner, options, options.repository, offline=False)
    pipeline.refuse_offline_publish(False, ctx.target.is_local, runner.steps)
    pipeline.publish(runner, ctx, pipeline_flags(options), early=early)
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

"""``bump``: loaded by ``frontend/commands.py`` when it runs."""

from __future__ import annotations

from pathlib import Path

from publish_checks.checks.registry import validate_skip
from publish_checks.frontend.front_end import FrontEnd
from publish_checks.frontend.options import Options
from publish_checks.release.bump import bump as bump_project


def bump(options: Options, runner: FrontEnd) -> int:
    """The next version in the version file, the changelog's open section dated."""
    validate_skip(options.skip)  # one parser reads every session's posargs
    runner.say(bump_project(Path(options.project), options.target, pre=options.pre,
                            commit=options.commit, steps=runner.steps, environ=runner.environ))
    return 0

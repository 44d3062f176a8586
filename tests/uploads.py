"""The twine adapter's command line and environment for a plan, as the upload builds them."""

from __future__ import annotations

from pathlib import Path

from publish_checks.checks.context import Context
from publish_checks.release.plan import Plan
from publish_checks.release.upload import login, upload_of
from publish_checks.release.uploaders.twine import Twine


def twine_argv(plan: Plan, twine: str = "twine", *, verbose: bool = False,
               progress: bool = False) -> list[str]:
    """``twine upload`` of the plan's files, with ``twine`` as the program."""
    return Twine().argv(Path(twine).parent, upload_of(plan), verbose=verbose, progress=progress)


def twine_env(ctx: Context, password: str | None = None) -> dict[str, str]:
    """The variables twine is given for ``ctx``'s target (ReleaseError when refused)."""
    return Twine().environment(login(ctx, password))

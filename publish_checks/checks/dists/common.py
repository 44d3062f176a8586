"""What every dists-* check says the same way: the release's name, the rebuild fix, and
the failure before the build has produced this release."""

from __future__ import annotations

from publish_checks.checks.context import Context
from publish_checks.checks.report import Finding, failed


def rebuild_fix(ctx: Context) -> str:
    """The fix for a dist a current build backend would not have written."""
    return f"rebuild with a current build backend: {ctx.steps.build}"


def release_label(ctx: Context) -> str:
    """``name version`` of the release, as a report line names it."""
    return f"{ctx.project_name or 'this project'} {ctx.version or '(version unknown)'}"


def nothing_to_look_at(ctx: Context) -> Finding | None:
    """The failure for a check run before the build has produced this release."""
    shown = ctx.shown(ctx.dists.directory)
    if not ctx.dists.exists:
        return failed(f"no {shown}/ yet: nothing to check",
                      f"build the dists: {ctx.steps.build}")
    if not ctx.release_dists():
        return failed(f"{shown}/ holds no sdist or wheel of {release_label(ctx)}",
                      f"build them: {ctx.steps.build}")
    return None

"""What publish refuses whatever is skipped, reported by the check it belongs to.

``--skip`` skips a check, but some refusals stand whatever was skipped: a failed build's
files, a file the index holds with other bytes (an index never takes a
filename twice, and sending the others would leave half a release), a secret that does
not belong to the target. publish refuses these on its own too (release/plan.py); verify
runs the same guard for a skipped check, so that a verify that passes means a publish that
goes ahead (SPEC §5 "One verdict").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from publish_checks.checks import dists
from publish_checks.checks.context import Context
from publish_checks.checks.report import Finding, Status, failed
from publish_checks.dists.index import IndexQueryError, project_files
from publish_checks.project.binding import refusal

Guard = Callable[[Context], Finding | None]


def failed_build(ctx: Context) -> Finding | None:
    """dists-stale: the files a failed build left (not yet replaced)."""
    finding = dists.failed_build(ctx)
    return finding if finding is not None and finding.status is Status.FAIL else None


def taken_filenames(ctx: Context, on_index: Mapping[str, str | None]) -> list[str]:
    """The release files the index already serves with another sha256."""
    return [d.filename for d in ctx.release_dists()
            if on_index.get(d.filename) not in (None, ctx.dists.sha256(d.path))]


def taken_hint(ctx: Context) -> str:
    return ("an index never accepts a filename twice: bump the version "
            f"({ctx.steps('bump', 'patch')}) and rebuild ({ctx.steps.build})")


def index_conflict(ctx: Context) -> Finding | None:
    """index-version: a file the index holds with other bytes, or an index publish cannot
    ask what it holds (the upload plan needs the answer)."""
    if ctx.offline or not ctx.target.index_url or not ctx.project_name:
        return None
    try:
        on_index = project_files(ctx.target.index_url, ctx.project_name, login=ctx.index_login)
    except IndexQueryError as e:
        return failed(e.message, e.hint)
    taken = taken_filenames(ctx, on_index)
    if not taken:
        return None
    return failed(f"the index already has {', '.join(taken)} with other contents",
                  taken_hint(ctx))


def secret_refused(ctx: Context) -> Finding | None:
    """token-scope: a secret that must not go to the target, or plain http:// beyond this
    machine (the upload refuses both: release/plan.py ``twine_env``)."""
    refused = refusal(ctx.target, ctx.token_lookup.token)
    return None if refused is None else failed(refused.summary, refused.hint)


#: The guard of each check that has one.
GUARDS: Mapping[str, Guard] = {
    "dists-stale": failed_build,
    "index-version": index_conflict,
    "token-scope": secret_refused,
}


def guarded(cid: str, ctx: Context) -> Finding | None:
    """The failure a skipped check still reports, because publish refuses it anyway."""
    guard = GUARDS.get(cid)
    finding = guard(ctx) if guard is not None else None
    if finding is None:
        return None
    return failed(f"{finding.summary} (skipped, but publish refuses this whatever is skipped)",
                  finding.hint)


__all__ = ["GUARDS", "guarded", "taken_filenames", "taken_hint"]

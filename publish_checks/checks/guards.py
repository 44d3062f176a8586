"""What publish refuses whatever is skipped, reported by the check it belongs to.

``--skip`` skips a check, but some refusals stand whatever was skipped: a failed build's
files (the finding dists-stale reports, made here), a file the index holds with other bytes
(an index never takes a filename twice, and sending the others would leave half a
release), a secret that does not belong to the target. publish refuses these on its own
too (release/plan.py); a skipped check still runs its guard, in verify and publish alike,
so that a verify that passes means a publish that goes ahead (SPEC §5 "One verdict").
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping

from publish_checks._text import Steps, listing, printable
from publish_checks.checks.context import Context
from publish_checks.checks.report import Finding, Status, failed, warned
from publish_checks.dists.failed_build import read_marker, upload_paths
from publish_checks.dists.snapshot import IndexQueryError, Snapshot
from publish_checks.project.binding import refusal

Guard = Callable[[Context], Finding | None]


def failed_build(ctx: Context) -> Finding | None:
    """The record a failed build left in dist/ (release/build.py): a fail while dist/ holds
    exactly the files that build left, a warning once they were replaced (a wheel repaired
    by hand), when the other checks judge the files dist/ holds now. None: no record.

    publish refuses on this failure even when dists-stale is skipped (its guard, below).
    """
    record = read_marker(ctx.dists.directory)
    if record is None:
        return None
    where, marker = ctx.shown(ctx.dists.directory), shlex.quote(ctx.shown(record.path))
    what = f"the last build into {where}/ failed"
    if record.failed:
        what += " " + ", ".join(f"{cid} ({summary.rstrip('.')})"
                                for cid, summary in record.failed)
    elif record.error:
        what += f": {record.error}"
    elif record.unreadable:
        what += f" (its record {marker} cannot be read: {record.unreadable})"
    files = {p.name: ctx.dists.sha256(p) for p in upload_paths(ctx.dists)}
    if record.files is not None and dict(record.files) != files:
        old = dict(record.files)
        kinds = (("changed", [n for n in files if n in old and old[n] != files[n]]),
                 ("gone", [n for n in old if n not in files]),
                 ("new", [n for n in files if n not in old]))
        since = "; ".join(f"{kind}: {listing(sorted(map(printable, names)), 3)}"
                          for kind, names in kinds if names)
        return warned(f"{what}; {where}/ has changed since ({since}), so the other checks "
                      "judge the files it holds now",
                      f"once they pass, delete the record: rm {marker} (a build that succeeds "
                      "removes it too)")
    ids = [cid for cid, _ in record.failed]
    ways = [f"fix what it failed on, then build again: {ctx.steps.build}"]
    if ids:
        skips = " ".join(f"--skip {cid}" for cid in ids)
        ways.append(f"to release without {'that check' if len(ids) == 1 else 'those checks'}, "
                    f"build with {ctx.steps('build', skips)} and publish with the same {skips}")
    if record.files is None:  # which files that build left is not known
        ways.append(f"if you know the files in {where}/ are good, delete the record: rm {marker}")
    else:
        ways.append(f"if you fixed the files in {where}/ by hand (auditwheel repair -w "
                    f"{where}/), delete the ones they replace: the checks then judge what it "
                    "holds")
    left = (f"{where}/ holds the files it left" if files or record.files is None
            else "nothing was put in its place")
    return failed(f"{what}, and {left}", "; or ".join(ways))


def failed_build_guard(ctx: Context) -> Finding | None:
    """dists-stale: the files a failed build left (not yet replaced)."""
    finding = failed_build(ctx)
    return finding if finding is not None and finding.status is Status.FAIL else None


def taken_filenames(ctx: Context, snapshot: Snapshot) -> list[str]:
    """The release files the index already serves with another sha256."""
    return snapshot.taken({d.filename: ctx.dists.sha256(d.path) for d in ctx.release_dists()})


def taken_hint(steps: Steps) -> str:
    return ("an index never accepts a filename twice: bump the version "
            f"({steps('bump', 'patch')}) and rebuild ({steps.build})")


def index_conflict(ctx: Context) -> Finding | None:
    """index-version: a file the index holds with other bytes, or an index publish cannot
    ask what it holds (the upload plan needs the answer)."""
    if ctx.offline or not ctx.target.index_url or not ctx.project_name:
        return None
    try:
        taken = taken_filenames(ctx, ctx.snapshot())
    except IndexQueryError as e:
        return failed(e.message, e.hint)
    if not taken:
        return None
    return failed(f"the index already has {', '.join(taken)} with other contents",
                  taken_hint(ctx.steps))


def secret_refused(ctx: Context) -> Finding | None:
    """token-scope: a secret that must not go to the target, or plain http:// beyond this
    machine (the upload refuses both: release/upload.py ``login``)."""
    refused = refusal(ctx.target, ctx.token_lookup.token)
    return None if refused is None else failed(refused.summary, refused.hint)


#: The guard of each check that has one.
GUARDS: Mapping[str, Guard] = {
    "dists-stale": failed_build_guard,
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


__all__ = ["GUARDS", "failed_build", "guarded", "taken_filenames", "taken_hint"]

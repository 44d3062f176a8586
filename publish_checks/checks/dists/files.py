"""dists-present, dists-stale and dists-size: dist/ holds exactly this release, built from
HEAD, each file under the upload limit."""

from __future__ import annotations

import shlex

from publish_checks._text import human_size, listing, printable
from publish_checks.checks.context import Context
from publish_checks.checks.dists.common import nothing_to_look_at, release_label
from publish_checks.checks.guards import failed_build
from publish_checks.checks.report import Finding, Status, failed, passed, warned
from publish_checks.dists import freshness
from publish_checks.dists.companions import COMPANION_SUFFIXES, is_attestation


def dists_present(ctx: Context) -> Finding:
    if (absent := nothing_to_look_at(ctx)) is not None:
        return absent
    release = ctx.release_dists()
    sdists = [d.filename for d in release if d.kind == "sdist"]
    wheels = [d.filename for d in release if d.kind == "wheel"]
    if len(sdists) != 1 or not wheels:
        shown = ctx.shown(ctx.dists.directory)
        what = (f"{len(sdists)} sdist{'s' if len(sdists) > 1 else ''} ({', '.join(sdists)})"
                if sdists else "no sdist")
        what += f" and {len(wheels)} wheel{'s' if len(wheels) != 1 else ''}"
        return failed(f"{shown}/ holds {what} of {release_label(ctx)}: a release needs one sdist "
                      "and at least one wheel",
                      f"{ctx.steps.build} (it cleans {shown}/ and builds both)")
    # A matrix of platform wheels can be dozens: the upload plan lists every file.
    return passed(f"sdist {sdists[0]} and {len(wheels)} wheel{'s' if len(wheels) > 1 else ''}: "
                  f"{listing(wheels, 8)}")


def dists_stale(ctx: Context) -> Finding:
    """dist/ holds only this release, built from HEAD by a build that succeeded."""
    last_build = failed_build(ctx)
    if last_build is not None and last_build.status is Status.FAIL:
        return last_build
    finding = _stale(ctx)
    if last_build is not None and finding.status is not Status.FAIL:
        return last_build  # the warning: dist/ changed by hand since that build failed
    return finding


def _stale(ctx: Context) -> Finding:
    scan = ctx.dists
    shown = ctx.shown(scan.directory)
    if not scan.exists or not (scan.dists or scan.others or scan.companions):
        return failed(f"no {'files in ' if scan.exists else ''}{shown}/ yet: nothing to check",
                      f"build the dists: {ctx.steps.build}")
    ours = {d.filename for d in ctx.release_dists()}
    stale = [d.path for d in scan.dists if d.filename not in ours] + list(scan.others)
    stale += [c for c in scan.companions if _companion_of(c.name, ours) not in ours]
    if stale:
        names = ", ".join(printable(p.name) for p in sorted(stale))
        rm = " ".join(shlex.quote(ctx.shown(p)) for p in sorted(stale))
        return failed(f"{shown}/ also holds {len(stale)} file{'s' if len(stale) > 1 else ''} "
                      f"that an upload of {shown}/* would send: {names}",
                      f"{ctx.steps.build} (it cleans {shown}/), or: rm {rm}")
    extra = f", {len(scan.companions)} signatures/attestations" if scan.companions else ""
    sdists = [ctx.inventory(d) for d in ctx.release_dists() if d.kind == "sdist"]
    changed = (freshness.outdated([i for i in sdists if not i.error], ctx.git, ctx.layout,
                                  ctx.root) if sdists and ctx.is_git_repo else None)
    if changed is not None and changed.paths:
        many = len(changed.paths) > 1
        return failed(f"the sdist was not built from HEAD: {len(changed.paths)} git-tracked "
                      f"file{'s' if many else ''} in it {'differ' if many else 'differs'} from "
                      f"the last commit: {listing([printable(p) for p in changed.paths], 5)}",
                      ("commit your changes (git-clean lists them), then rebuild: "
                       if changed.uncommitted else "rebuild from this commit: ")
                      + ctx.steps.build)
    if changed is not None and not changed.compared:
        return warned(f"{shown}/ holds only {release_label(ctx)}, but its sdist holds none of the "
                      "files of the last commit: whether it was built from HEAD was not "
                      "checked", f"rebuild from this commit: {ctx.steps.build}")
    said = (", built from HEAD" if changed is not None
            else "; not compared with git" if sdists else "")
    return passed(f"{shown}/ holds only {release_label(ctx)} ({len(ours)} files{extra}){said}")


def _companion_of(name: str, ours: set[str]) -> str:
    """The dist a signature or attestation goes with (an attestation of any kind goes with
    each dist its name starts with, dists/scan.py)."""
    if is_attestation(name):
        return next((dist for dist in ours if name.startswith(dist + ".")), name)
    for suffix in COMPANION_SUFFIXES:
        if name.endswith(suffix):
            return name.removesuffix(suffix)
    return name


def dists_size(ctx: Context) -> Finding:
    if (absent := nothing_to_look_at(ctx)) is not None:
        return absent
    try:
        sizes = [(d, d.path.stat().st_size) for d in ctx.release_dists()]
    except OSError as e:
        return failed(f"cannot read {e.filename}: {e.strerror}",
                      f"rebuild: {ctx.steps.build}")
    listing = ", ".join(f"{d.filename} ({human_size(size)})" for d, size in sizes)
    # upload-limit: the limit PyPI (or another index) raised for this project.
    limit = ctx.config.upload_limit or ctx.target.upload_limit
    if limit is None:
        return passed(f"{listing}; no upload limit is known for {ctx.target.name}")
    shown = f"{limit / 2**20:g} MiB"
    too_big = [f"{d.filename} is {human_size(size)}" for d, size in sizes if size > limit]
    if too_big:
        host = ctx.target.token_host or "the index"
        whose = "upload-limit" if ctx.config.upload_limit else f"{host}'s"
        return failed(f"{', '.join(too_big)}: over {whose} {shown} limit",
                      "leave large data out of the dists, or ask for a larger limit "
                      "(https://pypi.org/help/#file-size-limit) and set upload-limit in "
                      "[tool.publish-checks] to it")
    return passed(f"{listing}; all under the {shown} limit")

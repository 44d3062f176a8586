"""index-version: the target index does not already hold other files under these names."""

from __future__ import annotations

from publish_checks.checks.context import Context
from publish_checks.checks.report import Finding, failed, passed, skipped, warned
from publish_checks.dists.index import IndexQueryError, project_files


def _bump(ctx: Context) -> str:
    return (f"bump the version with `{ctx.steps('bump', 'patch')}` and rebuild with "
            f"`{ctx.steps.build}`")


def index_version(ctx: Context) -> Finding:
    target = ctx.target
    if ctx.offline:
        return skipped("--offline: the index was not asked")
    if target.index_url is None:
        if target.is_local:
            return skipped(f"the embedded index only exists during `{ctx.steps('rehearse')}`")
        return skipped(f"no simple index is known for {target.name}")
    dists = ctx.release_dists()
    if not dists:
        release = " ".join(filter(None, (ctx.project_name, ctx.version))) or "this release"
        return failed(f"no dists of {release} in {ctx.shown(ctx.dists.directory)}/ to look up",
                      ctx.steps.build)
    index = target.index_url
    on_index: dict[str, str | None] = {}
    try:
        for name in sorted({d.name for d in dists}):
            on_index.update(project_files(index, name))
    except IndexQueryError as e:
        return failed(e.message, e.hint)
    total = len(dists)
    same, different, unhashed = [], [], []
    for dist in dists:
        if dist.filename not in on_index:
            continue
        digest = on_index[dist.filename]
        if digest is None:
            unhashed.append(dist.filename)
        elif digest == ctx.dists.sha256(dist.path):
            same.append(dist.filename)
        else:
            different.append(dist.filename)
    if different:
        return failed(f"{len(different)} of {total} files already on {index} with other "
                      f"contents: {', '.join(different)}",
                      "an index never accepts a filename twice (PyPI not even after a delete): "
                      + _bump(ctx))
    if unhashed:
        return warned(f"{', '.join(unhashed)} already on {index}, which gives no sha256 to compare",
                      f"if these are not the files in dist/, {_bump(ctx)}")
    if same:
        return passed(f"{len(same)} of {total} files already on {index}, identical: "
                      "will be skipped")
    return passed(f"none of the {total} files is on {index} yet")

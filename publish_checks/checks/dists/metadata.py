"""dists-metadata and dists-archive: names, metadata and archives as PyPI takes them."""

from __future__ import annotations

from publish_checks._text import printable
from publish_checks.checks.context import Context
from publish_checks.checks.dists.common import nothing_to_look_at, rebuild_fix, release_label
from publish_checks.checks.report import Finding, from_problems
from publish_checks.checks.version import untagged
from publish_checks.dists import archive_rules, readme
from publish_checks.dists import metadata as pypi
from publish_checks.dists.archive_rules import Fix
from publish_checks.dists.scan import Dist, Problems


def dists_metadata(ctx: Context) -> Finding:
    if (absent := nothing_to_look_at(ctx)) is not None:
        return absent
    problems = Problems()
    release = ctx.release_dists()
    uploads = [(dist, _upload(ctx, dist, problems)) for dist in release]
    # Each reason PyPI would give, with the files it would refuse for it.
    refused: dict[pypi.Refusal, list[str]] = {}
    for dist, upload in uploads:
        for refusal in pypi.refusals(dist, upload, ctx.project_name or dist.name,
                                     ctx.version or dist.version):
            refused.setdefault(refusal, []).append(dist.filename)
    no_release = untagged(ctx)  # a version from git tags: the fix is a tag, not an edit
    for refusal, files in refused.items():
        named = len(files) == 1 and files[0] in refusal.message
        hint = refusal.hint.replace(pypi.BUILD, ctx.steps.build)
        if refusal.hint == pypi.PUBLIC_VERSION and no_release is not None:
            hint = f"{no_release[0]}; {no_release[1]}"
        # Metadata and names come from anyone: control characters are shown escaped.
        problems.add(printable(refusal.message if named
                               else f"{', '.join(files)}: {refusal.message}"),
                     printable(hint))
    pending = [rst for dist, upload in uploads if upload is not None
               and (rst := readme.description_problems(dist, upload.raw, upload.metadata,
                                                       problems, ctx.steps.build))]
    if unchecked := readme.render_rst(ctx.rst_renderer, pending, problems, ctx.steps.build):
        problems.warn(f"the reST long description was not rendered: {unchecked}",
                      f"{ctx.steps('verify')} renders it with readme_renderer in a tool "
                      "environment")
    return from_problems(problems, f"{len(release)} dist{'s' if len(release) > 1 else ''}: "
                         f"names and metadata of {release_label(ctx)} as PyPI takes them, "
                         "a long description that renders on PyPI")


def _upload(ctx: Context, dist: Dist, problems: Problems) -> pypi.Upload | None:
    """The file's core metadata as an upload sends it; None (and why) when it has none."""
    inventory = ctx.inventory(dist)
    data = inventory.kept.get(dist.metadata_member)
    if data is None and inventory.error:
        problems.add(inventory.error, f"delete it and rebuild: {ctx.steps.build}")
        return None
    if data is None:
        problems.add(f"{dist.filename} has no {dist.metadata_member}", rebuild_fix(ctx))
        return None
    return pypi.Upload.parse(dist, data, inventory.names)


def dists_archive(ctx: Context) -> Finding:
    if (absent := nothing_to_look_at(ctx)) is not None:
        return absent
    problems = Problems()
    release = ctx.release_dists()
    for dist in release:
        for refusal in archive_rules.refusals(dist, ctx.inventory(dist)):
            # Names inside archives come from anyone: control characters are shown escaped.
            problems.add(printable(refusal.problem), _archive_fix(ctx, refusal.fix))
    return from_problems(problems, f"{len(release)} dists open as PyPI opens them: plain zips "
                         "and gzip tarballs holding the files it requires, no decompression "
                         "bomb, no obfuscated code")


def _archive_fix(ctx: Context, fix: archive_rules.Fix) -> str:
    build = ctx.steps.build
    return {
        Fix.REBUILD: "rebuild with a current build backend, and leave the files as it wrote "
                     f"them: {build}",
        Fix.LICENSE_FILES: "list license files that exist ([project] license-files) and "
                           "build with a backend that supports PEP 639 (setuptools 77 or "
                           f"later, a current hatchling or flit-core): {build}",
        Fix.ENTRY_POINTS: "fix [project.scripts], [project.gui-scripts] and "
                          "[project.entry-points] in pyproject.toml (script names of letters, "
                          f"digits, '.', '-' and '_', each once), then {build}",
        Fix.SHRINK: "leave the large, highly compressible data out of the dists (ship it "
                    f"compressed, or generate or download it at run time), then {build}",
        Fix.PLAIN_SOURCE: "PyPI's acceptable use policy forbids obfuscated code "
                          "(https://pypi.org/policy/acceptable-use-policy/): ship the plain "
                          f"source, then {build}",
        Fix.SDIST_MEMBERS: "keep special files, links that point outside the project and "
                           "paths with '..' out of the sdist (MANIFEST.in, or the build "
                           f"backend's sdist excludes), then {build}",
    }[fix]

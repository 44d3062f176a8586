"""dists-contents and dists-secrets: what the files hold: the project's files, whole, and
no credentials."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

from publish_checks.checks.context import Context
from publish_checks.checks.dists.common import nothing_to_look_at
from publish_checks.checks.report import Finding, from_problems
from publish_checks.dists import completeness, contents, entrypoints, traced, verdicts
from publish_checks.dists.inventory import Inventory
from publish_checks.dists.scan import Dist, Problems


def _readable(ctx: Context, dists: Iterable[Dist],
              problems: Problems) -> Iterator[tuple[Dist, Inventory]]:
    """Each dist with its inventory, in turn; one that cannot be read is a problem instead."""
    for dist in dists:
        inventory = ctx.inventory(dist)
        if inventory.error:
            problems.add(inventory.error, f"delete it and rebuild: {ctx.steps.build}")
        else:
            yield dist, inventory


def dists_contents(ctx: Context) -> Finding:
    if (absent := nothing_to_look_at(ctx)) is not None:
        return absent
    problems = Problems()
    release = ctx.release_dists()
    build, exclude = ctx.steps.build, ctx.config.wheel_exclude
    tracked = completeness.tracked_files(ctx.git) if ctx.is_git_repo else None
    files = traced.ProjectFiles(tracked, ctx.layout) if tracked is not None else None
    sources: dict[str, str] = {}  # every wheel's files: path in the wheel → in the project
    wheels: dict[str, str] = {}  # file name → what was found, without the name
    said_nothing = False  # a wheel warned that nothing in it was compared: once is enough
    for wheel, inventory in _readable(ctx, (d for d in release if d.kind == "wheel"), problems):
        contents.check_wheel(wheel, inventory, problems, build)
        said = "matches its RECORD"
        if files is not None:
            found = files.trace(traced.wheel_units(inventory.names, wheel.stem))
            sources.update(found.files)
            warnings = len(problems.warnings)
            said += ", " + completeness.check_wheel_files(wheel, inventory.names, found,
                                                          exclude, problems, build)
            said_nothing |= len(problems.warnings) > warnings
        points = entrypoints.check_entry_points(
            wheel, inventory, contents.library_roots(wheel.stem), problems, build)
        plural = "s" if points > 1 else ""
        wheels[wheel.filename] = said + (f", checked {points} entry point{plural}"
                                         if points else "")
    # A matrix of platform wheels usually says the same of each: once, not once per wheel.
    done = ([f"each of the {len(wheels)} wheels {next(iter(wheels.values()))}"]
            if len(wheels) > 1 and len(set(wheels.values())) == 1
            else [f"{name} {said}" for name, said in wheels.items()])
    for sdist, inventory in _readable(ctx, (d for d in release if d.kind == "sdist"), problems):
        contents.check_sdist(sdist, inventory, problems, build)
        needed = completeness.project_files(ctx.root, ctx.layout, tracked,
                                            inventory.kept.get(sdist.metadata_member))
        outcome = completeness.check_sdist_files(
            sdist, inventory.names,
            completeness.sdist_sources(files, sources, exclude) if files is not None else None,
            needed, problems, build, warn_empty=not said_nothing)
        done.append(f"{sdist.filename} {outcome}")
    return from_problems(problems, "; ".join(done))


def dists_secrets(ctx: Context) -> Finding:
    if (absent := nothing_to_look_at(ctx)) is not None:
        return absent
    problems = Problems()
    release = ctx.release_dists()
    read = list(_readable(ctx, release, problems))
    # Never the secret itself: a finding names the member and what kind it holds.
    outcome = verdicts.report(read, ctx.config.secrets_allow, ctx.layout, problems,
                              credentials_file=ctx.config.credentials_file,
                              build=ctx.steps.build)
    if outcome.leaked:
        host = ctx.target.token_host or "pypi.org"
        problems.hints.append(f"revoke that token at https://{host}/manage/account/token/ "
                              "if these files ever left this machine")
    if outcome.keys:
        problems.hints.append(f"rotate {', '.join(sorted(k.value for k in outcome.keys))} "
                              "where it was issued if these files ever left this machine")
    finding = from_problems(problems, f"no credential files or tokens in {len(release)} dists")
    if not outcome.allowed:
        return finding
    return replace(finding, summary=f"{finding.summary}; allowed by secrets-allow: "
                                    f"{outcome.allowed}")

"""version-file, version-consistent, changelog-entry: the release says one version everywhere."""

from __future__ import annotations

import datetime

from packaging.version import Version

from publish_checks._text import TextError, Unreadable, read_text
from publish_checks.checks.context import Context
from publish_checks.checks.report import Finding, failed, passed, skipped, warned
from publish_checks.project.changelog import (
    find_changelog,
    find_section,
    has_content,
    is_unreleased,
    sections,
)
from publish_checks.project.version import (
    Flaw,
    SourceKind,
    package_version_attr,
    version_problem,
)


def version_file(ctx: Context) -> Finding:
    source = ctx.version_source
    if source.problem:
        fix = source.hint or f"write the version, e.g. 1.0.0, alone in {source.label}"
        if source.flaw is Flaw.BYTE_ORDER_MARK:
            fix = f"re-save {source.label} as UTF-8 without a byte-order mark"
        return failed(f"{source.label} {source.problem}", fix)
    if source.from_dists:
        if ctx.version:
            return passed(f"version is {source.label}; the built dists say {ctx.version}")
        return skipped(f"version is {source.label}: it is read from the built dists "
                       f"(run {ctx.steps.build})")
    raw = source.raw or ""  # a source without a problem and not dynamic holds a version
    if problem := version_problem(raw):
        try:
            fix = f"write {str(Version(raw))!r} in {source.label}"
        except ValueError:  # InvalidVersion, or a number past int's digit limit
            fix = "use a PEP 440 version such as 1.2.0, 1.2.0rc1 or 1.2.0.post1"
        return failed(f"{source.label}: {problem}", fix)
    return passed(f"{source.label} says {raw}")


def _dist_versions(ctx: Context) -> set[str]:
    return {d.version for d in ctx.dists.of(ctx.project_name, None)}


def version_consistent(ctx: Context) -> Finding:
    if ctx.parsed_version is None or ctx.version is None:
        return skipped("no valid version to compare (see version-file)")
    wanted = ctx.parsed_version
    sources: list[tuple[str, str]] = [(ctx.version_source.label, ctx.version)]
    static = ctx.config.static_version
    if static is not None and ctx.version_source.kind is not SourceKind.PROJECT:
        sources.append(("[project].version", static))
    attr = package_version_attr(ctx.root, ctx.project_name)
    # flit reads the same file; poetry-dynamic-versioning swaps its placeholder while building
    if (attr is not None and attr[0] != ctx.version_source.path
            and attr[1] != ctx.version_source.placeholder):
        sources.append((f"__version__ in {ctx.shown(attr[0])}", attr[1]))
    built = _dist_versions(ctx)
    if built and ctx.version not in built:  # other versions alone are dists-stale's business
        sources.append(("dist/", ", ".join(sorted(built))))
    elif built:
        sources.append(("dist/", ctx.version))
    wrong = []
    for label, value in sources[1:]:
        try:
            if Version(value) != wanted:
                wrong.append((label, value))
        except ValueError:  # InvalidVersion, or a number past int's digit limit
            wrong.append((label, value))
    if wrong:
        details = "; ".join(f"{label} says {value}" for label, value in wrong)
        labels = [label for label, _ in wrong]
        fix = (f"rebuild: {ctx.steps.build}" if labels == ["dist/"]
               else f"make them say {ctx.version} ({ctx.steps('bump')} updates every source "
               "it knows)")
        return failed(f"{sources[0][0]} says {ctx.version}, but {details}", fix)
    if len(sources) == 1:
        return passed(f"only {sources[0][0]} declares a version ({ctx.version})")
    names = ", ".join(label for label, _ in sources)
    return passed(f"{names} agree on {ctx.version}")


def _suggested_heading(path_suffix: str, version: str) -> str:
    today = datetime.date.today().isoformat()
    if path_suffix == ".rst":
        title = f"{version} ({today})"
        return f"{title}\n{'-' * len(title)}"
    return f"## [{version}] - {today}"


def changelog_entry(ctx: Context) -> Finding:
    if ctx.version is None:
        return skipped("no valid version to look for (see version-file)")
    path = find_changelog(ctx.root, ctx.config.changelog)
    if path is None:
        return warned("no changelog found (CHANGELOG.md, CHANGES.rst, HISTORY, NEWS …)",
                      "add CHANGELOG.md with a '## [Unreleased]' section (keepachangelog.com)")
    shown = ctx.shown(path)
    if not path.exists() and not path.is_symlink():
        return failed(f"the changelog {shown} set in [tool.publish-checks] does not exist",
                      "create it, or fix the 'changelog' key")
    try:
        text = read_text(path)
    except TextError as e:
        fix = (f"re-save {shown} as UTF-8" if e.why is Unreadable.NOT_TEXT
               else f"make {shown} a regular file, or fix the 'changelog' key")
        return failed(f"the changelog {shown} {e.problem}", fix)
    section, lines = find_section(text, ctx.version, ctx.project_name)
    heading = _suggested_heading(path.suffix, ctx.version)
    if section is None:
        unreleased = next((s for s in sections(text) if is_unreleased(s.title)), None)
        if unreleased is not None and has_content(unreleased.body(lines)):
            return failed(f"{shown} has no section for {ctx.version}; its Unreleased section "
                          "has entries",
                          f"rename '{lines[unreleased.start]}' to '{heading}' and add an empty "
                          f"Unreleased section above it, or run {ctx.steps('bump')}")
        return failed(f"{shown} has no section for {ctx.version}",
                      f"add a section headed '{heading.splitlines()[0]}' listing what changed")
    if not has_content(section.body(lines)):
        return failed(f"the {ctx.version} section of {shown} (line {section.start + 1}) is empty",
                      "list what changed in this release under it")
    return passed(f"{shown} has a section for {ctx.version} (line {section.start + 1})")

"""version-file, version-consistent, changelog-entry: the release says one version everywhere."""

from __future__ import annotations

import datetime
import subprocess

from packaging.version import Version

from publish_checks._text import TextError, Unreadable, read_text, resave_fix
from publish_checks.checks.context import Context
from publish_checks.checks.report import Finding, failed, passed, skipped, warned
from publish_checks.project.changelog import (
    entries,
    find_changelog,
    find_section,
    has_content,
    is_open,
    unreleased_section,
)
from publish_checks.project.changelog_docs import docs_changelog, files_under_docs
from publish_checks.project.changelog_pointer import pointer_for
from publish_checks.project.changelog_write import release_heading
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
        if ctx.version_source.from_dists:  # dist/ may be older than the sources: build first
            return failed(f"{sources[0][0]}, read from dist/, says {ctx.version}, but {details}",
                          f"rebuild ({ctx.steps.build}); if they still disagree, make "
                          f"{' and '.join(labels)} say what the build says")
        fix = (f"rebuild: {ctx.steps.build}" if labels == ["dist/"]
               else f"make them say {ctx.version} ({ctx.steps('bump')} updates every source "
               "it knows)")
        return failed(f"{sources[0][0]} says {ctx.version}, but {details}", fix)
    if len(sources) == 1:
        return passed(f"only {sources[0][0]} declares a version ({ctx.version})")
    names = ", ".join(label for label, _ in sources)
    return passed(f"{names} agree on {ctx.version}")


def untagged(ctx: Context) -> tuple[str, str] | None:
    """(why, fix) when a version computed from git tags is no release: setuptools-scm and
    hatch-vcs make ``X.Y.Z.devN+gHASH`` (or ``X.Y.Z.devN`` without a local part) on a commit
    past the last release tag, and add ``+dDATE`` for uncommitted changes. The fix names the
    tag to make: the changelog's newest section above this version, else the version without
    its .devN and local parts. None for any other version, or outside a git repository."""
    source, version = ctx.version_source, ctx.parsed_version
    if (source.kind is not SourceKind.VCS or version is None or not ctx.is_git_repo
            or (version.dev is None and version.local is None)):
        return None
    if ctx.git.run("tag", "--points-at", "HEAD").stdout.strip():
        return (f"the version is {source.label}, and {version} is no release: dist/ was built "
                "before HEAD was tagged, or with uncommitted changes",
                f"commit your changes, if any (git-clean lists them), then rebuild: "
                f"{ctx.steps.build}")
    release = _next_release(ctx, version)
    return (f"the version is {source.label}, and HEAD has no release tag: the build made "
            f"the development version {version}",
            f"tag the release commit first: git tag -a {ctx.tag_for(release)} -m 'Release "
            f"{release}', "
            f"then {ctx.steps.build} (publish --tag keeps a tag already on HEAD, --push sends "
            "it)")


def _next_release(ctx: Context, version: Version) -> str:
    """The release a development version leads to: the changelog's newest section above it
    (written before tagging), else the version without its .devN and local parts."""
    path = find_changelog(ctx.root, ctx.config.changelog)
    try:
        text = read_text(path) if path is not None else ""
    except TextError:
        text = ""
    ahead = [found for s in entries(text, ctx.project_name)
             if (found := s.version) is not None
             and found > version and not found.is_devrelease and found.local is None]
    return str(max(ahead)) if ahead else version.base_version


def _suggested_heading(path_suffix: str, version: str) -> str:
    today = datetime.date.today().isoformat()
    if path_suffix == ".rst":
        title = f"{version} ({today})"
        return f"{title}\n{'-' * len(title)}"
    return f"## [{version}] - {today}"


def changelog_elsewhere(ctx: Context) -> str | None:
    """A changelog kept under docs/ (git-tracked, or on disk outside a git checkout), which
    is read only once [tool.publish-checks] names it."""
    try:
        paths = (ctx.git.tracked_files("docs", "doc") if ctx.is_git_repo
                 else files_under_docs(ctx.root))
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
        return None
    return docs_changelog(paths)


def changelog_entry(ctx: Context) -> Finding:
    if ctx.version is None:
        return skipped("no valid version to look for (see version-file)")
    path = find_changelog(ctx.root, ctx.config.changelog)
    if path is None:
        if (elsewhere := changelog_elsewhere(ctx)) is not None:
            return warned(f"no changelog at the top level (CHANGELOG.md, CHANGES.rst, HISTORY, "
                          f"NEWS …); {elsewhere} looks like one",
                          f"name it in [tool.publish-checks]: changelog = \"{elsewhere}\"")
        return warned("no changelog found (CHANGELOG.md, CHANGES.rst, HISTORY, NEWS …)",
                      "add CHANGELOG.md with a '## [Unreleased]' section (keepachangelog.com)")
    shown = ctx.shown(path)
    if not path.exists() and not path.is_symlink():
        return failed(f"the changelog {shown} set in [tool.publish-checks] does not exist",
                      "create it, or fix the 'changelog' key")
    try:
        text = read_text(path)
    except TextError as e:
        fix = (resave_fix(shown, e) if e.why is Unreadable.NOT_TEXT
               else f"make {shown} a regular file, or fix the 'changelog' key")
        return failed(f"the changelog {shown} {e.problem}", fix)
    section, lines = find_section(text, ctx.version, ctx.project_name)
    heading = (release_heading(text, ctx.version, datetime.date.today(), ctx.project_name)
               or _suggested_heading(path.suffix, ctx.version))
    unreleased = unreleased_section(text, ctx.project_name)
    if section is None and (no_release := untagged(ctx)) is not None:  # tag it, not a section
        return failed(f"{shown} has no section for {ctx.version}: {no_release[0]}",
                      no_release[1])
    if section is None and Version(ctx.version).is_devrelease:  # no release: nothing dated
        if unreleased is not None and has_content(unreleased.body(lines)):
            return passed(f"{shown} lists the changes of development version {ctx.version} "
                          f"under Unreleased (line {unreleased.start + 1})")
        what = "is empty" if unreleased is not None else "is missing"
        return warned(f"{shown} has nothing for development version {ctx.version}: its "
                      f"Unreleased section {what}",
                      "list what changed under an Unreleased heading at the top")
    if section is None and (pointer := pointer_for(text, ctx.version, ctx.project_name)):
        return passed(f"{shown}: '{pointer.section.title}' (line {pointer.section.start + 1}) "
                      f"points to {pointer.url} for {ctx.version}")
    if section is None:
        if unreleased is not None and has_content(unreleased.body(lines)):
            return failed(f"{shown} has no section for {ctx.version}; its Unreleased section "
                          "has entries",
                          f"rename '{lines[unreleased.start]}' to '{heading}' and add an empty "
                          "Unreleased section above it, or put the previous version back and "
                          f"run {ctx.steps('bump', 'patch')} (or minor, major): it sets the "
                          "version and dates the section")
        return failed(f"{shown} has no section for {ctx.version}",
                      f"add a section headed '{heading.splitlines()[0]}' listing what changed")
    if not has_content(section.body(lines)):
        return failed(f"the {ctx.version} section of {shown} (line {section.start + 1}) is empty",
                      "list what changed in this release under it")
    if is_open(section, lines, ctx.project_name) and not Version(ctx.version).is_devrelease:
        return warned(f"the {ctx.version} section of {shown} (line {section.start + 1}) is "
                      "still marked unreleased",
                      "date it as the other releases are: head it "
                      f"'{heading.splitlines()[0]}'")
    return passed(f"{shown} has a section for {ctx.version} (line {section.start + 1})")

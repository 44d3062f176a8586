"""What a publish asked to tag, push or release on GitHub will meet after the upload, found
before it (verify reports it as publish refuses it), and the release notes of a version."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection

from packaging.version import Version

from publish_checks._errors import ConfigError, PublishChecksError, ReleaseError, UsageError
from publish_checks._record import Record, record
from publish_checks._text import TextError, Unreadable, read_text, resave_fix
from publish_checks.checks.context import Context
from publish_checks.checks.report import Finding, Report, Result, Status, failed
from publish_checks.checks.version import changelog_elsewhere
from publish_checks.project.changelog import (
    find_changelog,
    find_section,
    has_content,
    unreleased_section,
)
from publish_checks.project.changelog_pointer import pointer_for
from publish_checks.project.credentials import redact
from publish_checks.release import tag as tagging
from publish_checks.release.forge import find_tool, forge_of


def notes(ctx: Context, version: str | None) -> str:
    """The changelog section of ``version`` (default: the version being released)."""
    wanted = version or ctx.version
    if wanted is None:
        raise UsageError("no version to look up: the project's version is unknown",
                         "name one: publish-checks notes 1.2.0")
    try:
        Version(wanted)
    except ValueError:  # InvalidVersion, or a number past int's digit limit
        raise UsageError(f"{wanted!r} is not a version", "e.g. publish-checks notes 1.2.0") \
            from None
    path = find_changelog(ctx.root, ctx.config.changelog)
    if path is None:
        elsewhere = changelog_elsewhere(ctx)
        raise ConfigError("no changelog found (CHANGELOG.md, CHANGES.rst, HISTORY, NEWS …)"
                          + (f"; {elsewhere} looks like one" if elsewhere else ""),
                          f"set changelog = \"{elsewhere}\" in [tool.publish-checks]" if elsewhere
                          else "add one, or set changelog = \"…\" in [tool.publish-checks]")
    try:
        text = read_text(path)
    except TextError as e:
        raise ConfigError(f"the changelog {ctx.shown(path)} {e.problem}",
                          resave_fix(ctx.shown(path), e) if e.why is Unreadable.NOT_TEXT
                          else "make it a UTF-8 text file") from None
    section, lines = find_section(text, wanted, ctx.project_name)
    if section is None and Version(wanted).is_devrelease:  # its changes are under Unreleased
        section = unreleased_section(text, ctx.project_name)
        if section is None or not has_content(section.body(lines)):
            raise ReleaseError(f"{ctx.shown(path)} lists nothing under Unreleased for "
                               f"development version {wanted}",
                               "list what changed under an Unreleased heading at the top")
    if section is None and (pointer := pointer_for(text, wanted, ctx.project_name)):
        raise ReleaseError(f"{ctx.shown(path)} holds no notes for {wanted}: "
                           f"'{pointer.section.title}' (line {pointer.section.start + 1}) "
                           f"points to {pointer.url}",
                           "write the release notes there, or add a section for "
                           f"{wanted} to {ctx.shown(path)}")
    if section is None or not has_content(section.body(lines)):
        what = "no section" if section is None else "an empty section"
        raise ReleaseError(f"{ctx.shown(path)} has {what} for {wanted}",
                           "write what changed under a heading for that version")
    return "\n".join(section.body(lines)).strip("\n") + "\n"


@record
class FollowUp(Record):
    """What a publish asked to tag, push or release on GitHub will meet after the upload,
    found before it: each refusal as a failure of the check it belongs to (verify reports
    them as publish refuses them), the warnings, and the release notes."""

    refusals: tuple[tuple[str, Finding], ...] = ()
    warnings: tuple[str, ...] = ()
    release_notes: str | None = None


def follow_up(ctx: Context, *, tag: bool, push: bool, github_release: bool) -> FollowUp:
    """Refuse a --tag, --push or --github-release that could not be done (no repository, a
    detached HEAD, no remote, a remote that would refuse the branch, no release notes);
    warn when the forge's CLI is missing (the release goes out, that one step is left to do
    by hand)."""
    version = ctx.version or ""
    refusals: list[tuple[str, Finding]] = []
    warnings: list[str] = []
    if push:
        release_tag = ctx.tag_for(version)  # (a plain verify asks git nothing here)
        problem = tagging.push_problem(ctx.git, release_tag)
        if problem is not None:
            refusals.append(("git-upstream", failed(*problem)))
        else:
            refusal, why = tagging.push_refusal(ctx.git, release_tag)
            if refusal is not None:
                refusals.append(("git-upstream", failed(redact(refusal, ctx.secrets),
                                                        why or "")))
            elif why is not None:  # git's own words: a remote's message could hold anything
                warnings.append(redact(f"the push could not be tried before the upload "
                                       f"({why}); it is made after the install proof",
                                       ctx.secrets))
    elif tag and (problem := tagging.tag_problem(ctx.git)) is not None:
        refusals.append(("git-tag", failed(*problem)))
    if not github_release:
        return FollowUp(tuple(refusals), tuple(warnings))
    try:
        release_notes: str | None = notes(ctx, version)
    except PublishChecksError as e:
        refusals.append(("changelog-entry", failed(f"--github-release needs the release "
                                                   f"notes, but {e.message}", e.hint)))
        release_notes = None
    planned = tagging.planned_push(ctx.git, ctx.tag_for(version))
    forge, known = forge_of(ctx.git, planned.remote if planned else None)
    if find_tool(forge, ctx.environ) is None:
        warnings.append(f"{forge.tool} (the {forge.name} CLI) is not on PATH: the upload goes "
                        f"ahead, and the {forge.name} release is left to you (the closing "
                        "lines give the command)")
    elif not known:
        warnings.append(f"the push remote is not on github.com: {forge.tool} picks the "
                        "repository of the release itself (GH_HOST, gh repo set-default)")
    return FollowUp(tuple(refusals), tuple(warnings), release_notes)


def with_follow_up(report: Report, follow: FollowUp, skipped: Collection[str] = ()) -> Report:
    """The report with each refusal of ``follow`` as a failure of its check: added to a
    failure, in place of a pass, a warning or a skip (publish refuses whatever is
    ``skipped``)."""
    results = []
    for result in report.checks:
        found = [f for cid, f in follow.refusals if cid == result.id]
        if not found:
            results.append(result)
            continue
        summary = "; ".join(f.summary for f in found)
        hint = "\n".join(f.hint for f in found if f.hint)
        if result.status is Status.FAIL:
            summary, hint = f"{result.summary}; {summary}", "\n".join(
                filter(None, (result.hint, hint)))
        elif result.id in skipped:
            summary += " (skipped, but publish refuses this whatever is skipped)"
        results.append(Result(result.id, Status.FAIL, summary, hint))
    return dataclasses.replace(report, checks=results)


__all__ = ["FollowUp", "follow_up", "notes", "with_follow_up"]

"""How a publish ends: what it must be able to do after the upload (checked before it), the
tag, the push and the GitHub/GitLab release after the install proof, and the closing lines.

What is checked before the upload is in ``release/follow_up.py`` (verify asks it too, and
imports nothing of the rest); its names are this module's too."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from publish_checks._text import shown
from publish_checks.checks.context import Context
from publish_checks.checks.report import Report
from publish_checks.project.children import Role
from publish_checks.project.git import Git
from publish_checks.release import tag as tagging
from publish_checks.release.follow_up import FollowUp, follow_up, notes, with_follow_up
from publish_checks.release.forge import create_release, forge_of
from publish_checks.release.links import dead_links, release_links
from publish_checks.release.plan import Plan
from publish_checks.release.runner import Runner
from publish_checks.release.summary import next_steps


@dataclass
class Outcome:
    """How far a publish got: what the closing lines and the step summary say."""

    report: Report
    plan: Plan | None = None
    uploaded: tuple[str, ...] = ()
    served: bool = False
    tagged: bool = False
    pushed: bool = False
    released: bool = False  # the GitHub (GitLab) release was created


@dataclass(frozen=True)
class Ending:
    """What the tag, the push and the GitHub (GitLab) release need of the project: its git,
    the release tag, its root, and the forge CLI's environment (its own token, GH_TOKEN…,
    never the upload's)."""

    git: Git
    tag: str
    root: Path
    forge_env: Mapping[str, str] = field(repr=False)


def ending(ctx: Context, version: str) -> Ending:
    return Ending(ctx.git, ctx.tag_for(version), ctx.root, ctx.child_env(Role.FORGE))


def finish(runner: Runner, end: Ending, plan: Plan, outcome: Outcome, *, tag: bool,
           push: bool, release_notes: str | None) -> None:
    """After the install proof: the annotated tag, the atomic push of the branch and the
    tag, then the GitHub (GitLab) release when its notes were gathered before the upload."""
    release_tag = end.tag
    end.git.forget()  # the upload and the install proof took their time: ask git anew
    if tag or push:  # pushing a tag implies making it
        made = tagging.create_tag(end.git, release_tag, plan.version)
        outcome.tagged = True
        runner.log(f"Tagged HEAD as {release_tag}" if made
                   else f"{release_tag} already tags HEAD")
    if not push:
        return
    sent = tagging.push_release(end.git, release_tag)
    outcome.pushed = True
    runner.log(f"Pushed {sent.what}" + (" (git push --atomic)" if sent.branch else
                                        " (HEAD is detached at the tag: the tag alone)"))
    if release_notes is not None:
        forge, _ = forge_of(end.git, sent.remote)
        runner.log(f"Creating the {forge.name} release {release_tag}")
        files = [f.dist.path for f in plan.files]
        by_hand = forge.command(release_tag, plan.version, [shown(f, end.root) for f in files],
                                f"publish-checks notes {plan.version}")
        if not create_release(runner, forge, root=end.root, tag=release_tag,
                              version=plan.version, notes=release_notes, files=files,
                              environ=dict(end.forge_env), by_hand=by_hand):
            runner.log(f"The {forge.name} release {release_tag} exists already: left as it "
                       "is")
        outcome.released = True


def closing_lines(ctx: Context, plan: Plan, outcome: Outcome, github_release: bool) -> str:
    """What went out, the links of its metadata that do not answer (not for a rehearsal's
    throwaway index), and what is left to do."""
    warnings = [] if ctx.target.is_local else link_warnings(ctx, plan)
    return next_steps(ctx, plan, tagged=outcome.tagged, pushed=outcome.pushed,
                      released=outcome.released, release_wanted=github_release,
                      warnings=warnings)


def link_warnings(ctx: Context, plan: Plan) -> list[str]:
    """One line per Home-page / Project-URL of the release's metadata that does not answer."""
    dist = plan.files[0].dist
    metadata = ctx.inventory(dist).kept.get(dist.metadata_member)
    return dead_links(release_links(metadata)) if metadata else []


__all__ = ["Ending", "FollowUp", "Outcome", "closing_lines", "ending", "finish", "follow_up",
           "link_warnings", "notes", "with_follow_up"]

"""How a release ends: the closing lines for people and the CI step summary."""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from publish_checks.checks.context import Context
from publish_checks.checks.report import MARKS, Report, Result
from publish_checks.project.repository import PYPI_INDEXES
from publish_checks.release import tag as tagging
from publish_checks.release.forge import forge_of

if TYPE_CHECKING:  # verify writes the summary with no plan: it imports none of the upload's
    from publish_checks.release.plan import Plan


def next_steps(ctx: Context, plan: Plan, *, tagged: bool, pushed: bool, released: bool = False,
               release_wanted: bool = False, warnings: Sequence[str] = ()) -> str:
    """The closing lines: what went out, how to install it, the links that do not answer
    (``warnings``), what was done after the upload and the exact commands for what was not
    (the GitHub release when it was asked for, or when the push remote is a known forge)."""
    version, tag = plan.version, ctx.tag_for(plan.version)
    lines = [f"Released {plan.project} {version} to {ctx.target.name}:"]
    width = max(len(f.dist.filename) for f in plan.files)
    lines += [f"  {f.dist.filename:<{width}}  sha256 {f.sha256}" for f in plan.files]
    if ctx.target.is_local:
        # What a real publish still lacks, and the commands for it, follow the rehearsal.
        return "\n".join([*lines, "", "This was a rehearsal: the embedded index and its "
                           "files are removed when it ends."])
    if (url := ctx.target.project_url(plan.project, version)) is not None:
        lines.append(f"  {url}")
    lines += ["", f"Install it with: {install_command(ctx, plan)}"]
    lines += [f"Warning: {warning}" for warning in warnings]
    push = tagging.planned_push(ctx.git, tag)
    forge, known = forge_of(ctx.git, push.remote if push else None)
    done = ([f"HEAD is tagged {tag}"] if tagged else []) + (
        [f"pushed {push.what}" if push else f"pushed {tag}"] if pushed else []) + (
        [f"the {forge.name} release {tag} is up"] if released else [])
    if done:
        lines += ["", "Done: " + "; ".join(done)]
    todo = []
    if not tagged:
        todo.append(f"git tag -a {tag} -m 'Release {version}'")
    if not pushed:
        todo.append(push.command if push else
                    f"add a remote (git remote add origin URL), then git push --atomic origin "
                    f"HEAD:refs/heads/{ctx.git.branch() or 'main'} refs/tags/{tag}")
    if not released and (release_wanted or known):
        todo.append(f"create the {forge.name} release: " + forge.command(
            tag, version, [ctx.shown(f.dist.path) for f in plan.files],
            f"publish-checks notes {version}"))
    todo.append("announce it: the release notes are in your changelog")
    lines += ["", "Next steps:"] + [f"  {step}" for step in todo]
    return "\n".join(lines)


def install_command(ctx: Context, plan: Plan) -> str:
    """pip's command for this release; from another index than PyPI, with its index URL."""
    index, pypi = ctx.target.index_url, PYPI_INDEXES["pypi"][0]
    where = [] if ctx.target.token_host == pypi or not index else ["--index-url", index]
    return shlex.join(["pip", "install", *where, f"{plan.project}=={plan.version}"])


def render_markdown(results: Iterable[Result]) -> str:
    """A Markdown table of results, for ``$GITHUB_STEP_SUMMARY``."""
    rows = ["| | check | result |", "|---|---|---|"]
    for r in results:
        summary = r.summary.replace("|", "\\|")
        rows.append(f"| {MARKS[r.status]} | `{r.id}` | {summary} |")
    return "\n".join(rows) + "\n"


def write_step_summary(ctx: Context, report: Report, plan: Plan | None) -> None:
    """Append a Markdown summary to ``$GITHUB_STEP_SUMMARY`` when CI provides one."""
    path = ctx.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    parts = [f"## publish-checks: {report.project} {report.version} → {report.repository}\n",
             render_markdown(report.checks)]
    if plan is not None:
        parts.append("\n| file | size | sha256 |\n|---|---|---|\n")
        parts += [f"| `{f.dist.filename}` | {f.size} | `{f.sha256}` |\n" for f in plan.files]
        if (url := ctx.target.project_url(plan.project, plan.version)) is not None:
            parts.append(f"\n{url}\n")
    with Path(path).open("a", encoding="utf-8") as summary:
        summary.write("".join(parts) + "\n")

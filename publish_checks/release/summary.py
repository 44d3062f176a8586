"""How a release ends: the closing lines for people and the CI step summary."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from publish_checks.checks.context import Context
from publish_checks.checks.report import MARKS, Report, Result
from publish_checks.release.plan import Plan


def next_steps(ctx: Context, plan: Plan, *, tagged: bool, pushed: bool) -> str:
    version, tag = plan.version, f"v{plan.version}"
    lines = [f"Released {plan.project} {version} to {ctx.target.name}:"]
    width = max(len(f.dist.filename) for f in plan.files)
    lines += [f"  {f.dist.filename:<{width}}  sha256 {f.sha256}" for f in plan.files]
    if ctx.target.is_local:
        return "\n".join([*lines, "", "This was a rehearsal: the embedded index is gone now.",
                           f"To release for real: {ctx.steps.build}, then "
                           f"{ctx.steps('publish')}"])
    if (url := ctx.target.project_url(plan.project, version)) is not None:
        lines.append(f"  {url}")
    todo = []
    if not tagged:
        todo.append(f"git tag -a {tag} -m 'Release {version}'")
    if not pushed:
        todo.append(f"git push {ctx.git.push_remote() or 'origin'} {tag}")
    todo.append("announce it: the release notes are in your changelog")
    lines += ["", "Next steps:"] + [f"  {step}" for step in todo]
    return "\n".join(lines)


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

"""Run the checks and build the report."""

from __future__ import annotations

from collections.abc import Iterable

from publish_checks._context import Context
from publish_checks._credentials import redact
from publish_checks._report import Report, Result, failed, skipped
from publish_checks.checks import CHECKS, check_id


def run_checks(ctx: Context, skip: Iterable[str] = (), only: Iterable[str] | None = None) -> Report:
    """Every check of SPEC §4, in order; a check in ``skip`` (or not in ``only``) says why."""
    skip_cli = set(skip)
    wanted = set(only) if only is not None else None
    secrets = (ctx.token_lookup.token.value,) if ctx.token_lookup.token else ()
    results = []
    for check in CHECKS:
        cid = check_id(check)
        if cid in skip_cli:
            finding = skipped("skipped by --skip")
        elif cid in ctx.config.skip:
            finding = skipped("skipped by [tool.publish-checks] skip")
        elif wanted is not None and cid not in wanted:
            finding = skipped("not part of this session")
        else:
            try:
                finding = check(ctx)
            except Exception as e:  # a bug in a check must not hide the other checks
                finding = failed("publish-checks could not run this check: "
                                 f"{type(e).__name__}: {e}",
                                 "this is a bug in publish-checks; please report it with this line")
        # Belt and braces: no check may ever echo the token, even inside an error message.
        results.append(Result(cid, finding.status, redact(finding.summary, secrets),
                              redact(finding.hint, secrets)))
    return Report(ctx.project_name, ctx.version, ctx.target.name, results)

"""The checks: one function per id of SPEC §4, in report order, and the run that reports them.

A check's id is its function's name with dashes (``dists_secrets`` → ``dists-secrets``);
its module is the id's prefix (``changelog-entry`` sits with the version checks, in
``version``). Each takes the run's :class:`Context` and returns a Finding.
"""

from __future__ import annotations

import sysconfig
import traceback
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from publish_checks._errors import ConfigError, UsageError
from publish_checks._text import NOX_STEPS, Steps, suggest
from publish_checks.checks import credentials, dists, git, index, token, tools, version
from publish_checks.checks.context import Context
from publish_checks.checks.guards import guarded
from publish_checks.checks.report import Finding, Report, Result, Status, skipped
from publish_checks.project.credentials import redact

Check = Callable[[Context], Finding]

CHECKS: tuple[Check, ...] = (
    credentials.credentials_source,
    credentials.credentials_file_permissions,
    credentials.credentials_file_ignored,
    credentials.credentials_file_untracked,
    token.token_format,
    token.token_scope,
    version.version_file,
    version.version_consistent,
    version.changelog_entry,
    git.git_clean,
    git.git_branch,
    git.git_upstream,
    git.git_tag,
    dists.dists_present,
    dists.dists_stale,
    dists.dists_metadata,
    dists.dists_archive,
    dists.dists_attestations,
    dists.dists_contents,
    dists.dists_secrets,
    dists.dists_size,
    dists.dists_install,
    index.index_version,
    tools.tools,
)


def check_id(check: Check) -> str:
    return check.__name__.replace("_", "-")


CHECK_IDS: tuple[str, ...] = tuple(check_id(c) for c in CHECKS)
DIST_CHECK_IDS: tuple[str, ...] = tuple(i for i in CHECK_IDS if i.startswith("dists-"))

#: Set (to anything) in the environment, a check that raises makes the run raise instead of
#: reporting an internal error: the test suite sets it, so a crash can never pass for a fail.
RAISE_VARIABLE = "PUBLISH_CHECKS_RAISE_INTERNAL_ERRORS"
ISSUES = "https://github.com/publish-checks/publish-checks/issues"


def validate_skip(ids: Iterable[str], *, configured: bool = False) -> None:
    """UsageError for a ``--skip`` id that is not a check's (ConfigError for the
    configuration's ``skip``), with the closest id."""
    for cid in ids:
        if cid not in CHECK_IDS:
            where = "in tool.publish-checks.skip" if configured else "for --skip"
            error = ConfigError if configured else UsageError
            shown = redact(cid)  # a token pasted after --skip is never echoed
            raise error(f"unknown check id '{shown}' {where}",
                        (suggest(cid, CHECK_IDS) if shown == cid else "")
                        or "check ids: " + ", ".join(CHECK_IDS))


def load_context(root: Path, repository: str | None, *, environ: Mapping[str, str],
                 offline: bool = False, steps: Steps = NOX_STEPS) -> Context:
    """:meth:`Context.load`, with the configuration's ``skip`` ids validated."""
    ctx = Context.load(root, repository, environ=environ, offline=offline, steps=steps)
    validate_skip(ctx.config.skip, configured=True)
    return ctx


def _where(error: BaseException) -> str:
    """``file:line in function`` where the check raised: the deepest frame outside the
    standard library and installed packages (so, in a check or what it calls of ours)."""
    library = (sysconfig.get_paths()["stdlib"], "site-packages")
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if not any(part in f.filename for part in library)] or frames
    if not ours:
        return "an unknown place"
    frame = ours[-1]
    parts = Path(frame.filename).parts
    path = ("/".join(parts[parts.index("publish_checks"):]) if "publish_checks" in parts
            else Path(frame.filename).name)
    return f"{path}:{frame.lineno} in {frame.name}"


def _crashed(cid: str, error: Exception) -> Result:
    reason = f"{type(error).__name__}: {error}"[:300]
    return Result(cid, Status.FAIL,
                  f"internal error: publish-checks crashed in this check ({reason}, at "
                  f"{_where(error)})",
                  f"this is a bug in publish-checks, not in your project: please report it "
                  f"at {ISSUES} with this line; --skip {cid} runs the other checks meanwhile",
                  internal_error=True)


def run_checks(ctx: Context, skip: Iterable[str] = (), only: Iterable[str] | None = None) -> Report:
    """Every check of SPEC §4, in order; a check in ``skip`` (or not in ``only``) says why.

    A skipped check still fails on what publish refuses whatever is skipped (its guard,
    checks/guards.py). A check that raises is reported as an internal error (or re-raised, under
    :data:`RAISE_VARIABLE`), never as an ordinary failure.
    """
    skip_cli = set(skip)
    wanted = set(only) if only is not None else None
    secrets = ctx.secrets
    results = []
    for check in CHECKS:
        cid = check_id(check)
        if cid in skip_cli or cid in ctx.config.skip:
            # What publish refuses whatever is skipped still fails (checks/guards.py).
            result = Result(cid, *_fields(_guarded(ctx, cid) or skipped(
                "skipped by --skip" if cid in skip_cli
                else "skipped by [tool.publish-checks] skip")))
        elif wanted is not None and cid not in wanted:
            result = Result(cid, *_fields(skipped("not part of this session")))
        else:
            try:
                result = Result(cid, *_fields(check(ctx)))
            except Exception as e:  # a bug in a check must not hide the other checks
                if ctx.environ.get(RAISE_VARIABLE):
                    raise
                result = _crashed(cid, e)
        # Belt and braces: no check may ever echo the token, even inside an error message.
        results.append(Result(result.id, result.status, redact(result.summary, secrets),
                              redact(result.hint, secrets), result.internal_error))
    return Report(ctx.project_name, ctx.version, ctx.target.name, results)


def _guarded(ctx: Context, cid: str) -> Finding | None:
    try:
        return guarded(cid, ctx)
    except Exception as e:  # as a check's crash: reported, never hiding the other checks
        if ctx.environ.get(RAISE_VARIABLE):
            raise
        crash = _crashed(cid, e)
        return Finding(crash.status, crash.summary, crash.hint)


def _fields(finding: Finding) -> tuple[Status, str, str]:
    return finding.status, finding.summary, finding.hint


__all__ = ["CHECKS", "CHECK_IDS", "DIST_CHECK_IDS", "RAISE_VARIABLE", "Check", "Context",
           "check_id", "load_context", "run_checks", "validate_skip"]

"""The check registry: one function per id of SPEC §4, in report order, and the run that
reports them (``publish_checks.checks`` re-exports these names).

A check's id is its function's name with dashes (``dists_secrets`` → ``dists-secrets``);
its module is the id's prefix (``changelog-entry`` sits with the version checks, in
``version``). Each takes the run's :class:`Context` and returns a Finding. What a check needs
(the project, the dists, the index, an install) is declared beside it in :data:`CHECKS`, and
only that decides where it runs: never its id's prefix.
"""

from __future__ import annotations

import contextlib
import enum
import sysconfig
import traceback
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from publish_checks._errors import ConfigError, UsageError
from publish_checks._lazy import load
from publish_checks._record import Record, record
from publish_checks._text import NOX_STEPS, Steps, suggest
from publish_checks.checks.context import Context
from publish_checks.checks.guards import guarded
from publish_checks.checks.report import Finding, Report, Result, Status, skipped
from publish_checks.project.credentials import redact

Check = Callable[[Context], Finding]


class Need(enum.Flag):
    """What a check reads to judge, declared beside it in :data:`CHECKS`: offline mode, the
    build's own checks, ``--install`` and the rehearsal go by this, never by the id's prefix
    (SPEC §4). The prefix only says which module the code is in."""

    PROJECT = enum.auto()  # the project's files, configuration, environment and git
    DISTS = enum.auto()  # the built files in dist/
    INDEX = enum.auto()  # the target index: --offline skips it (or runs its offline part)
    INSTALL = enum.auto()  # a fresh virtualenv with the release in it: only when the run wants
    MACHINE = enum.auto()  # this machine's tools alone, nothing of the project


@record
class Registered(Record):
    """A check and what it needs; ``offline`` is what it still judges without the index.

    Each is the function, or where it is: ``"version:changelog_entry"``, its module under
    ``checks/`` and its name, imported when the check first runs, so that a run imports no
    module of a check it skips (``verify --offline``: nothing of index-diff).
    """

    code: Check | str
    needs: Need
    offline: Check | str | None = None

    @property
    def id(self) -> str:
        if isinstance(self.code, str):
            return self.code.rpartition(":")[2].replace("_", "-")
        return check_id(self.code)

    @property
    def check(self) -> Check:
        """The check's function (its module imported now if it was not)."""
        return _function(self.code)

    @property
    def offline_check(self) -> Check | None:
        """The check's offline part, if it has one (imported as :attr:`check` is)."""
        return None if self.offline is None else _function(self.offline)


def _function(code: Check | str) -> Check:
    if isinstance(code, str):
        function: Check = load(f"publish_checks.checks.{code}")
        return function
    return code


_PROJECT, _DISTS = Need.PROJECT, Need.DISTS | Need.PROJECT  # dists of the project's release

CHECKS: tuple[Registered, ...] = (
    Registered("credentials:credentials_source", _PROJECT),
    Registered("credentials:credentials_file_permissions", _PROJECT),
    Registered("credentials:credentials_file_ignored", _PROJECT),
    Registered("credentials:credentials_file_untracked", _PROJECT),
    Registered("token:token_format", _PROJECT),
    Registered("token:token_scope", _PROJECT),
    Registered("version:version_file", _PROJECT),
    # It reads dist/ too when it holds files, but judges the sources without it.
    Registered("version:version_consistent", _PROJECT),
    Registered("version:changelog_entry", _PROJECT),
    Registered("git:git_clean", _PROJECT),
    Registered("git:git_branch", _PROJECT),
    Registered("git:git_upstream", _PROJECT),
    Registered("git:git_tag", _PROJECT),
    Registered("dists:dists_present", _DISTS),
    Registered("dists:dists_stale", _DISTS),
    Registered("dists:dists_metadata", _DISTS),
    Registered("dists:dists_archive", _DISTS),
    # auditwheel and abi3audit run in tool environments: nothing is installed from dist/.
    Registered("abi:dists_abi", _DISTS),
    Registered("dists:dists_attestations", _DISTS),
    Registered("dists:dists_contents", _DISTS),
    Registered("dists:dists_secrets", _DISTS),
    Registered("dists:dists_size", _DISTS),
    Registered("dists:dists_install", _DISTS | Need.INSTALL),
    # Offline it still warns of a new project's name PyPI keeps for the standard library.
    Registered("index:index_version", _DISTS | Need.INDEX, offline="index:index_version_offline"),
    # Its own module: the release before, read from the index and compared (checks/diff.py).
    Registered("diff:index_diff", _DISTS | Need.INDEX),
    Registered("tools:tools", Need.MACHINE),
)


def check_id(check: Check) -> str:
    return check.__name__.replace("_", "-")


CHECK_IDS: tuple[str, ...] = tuple(r.id for r in CHECKS)


def needs(cid: str) -> Need:
    """What the check ``cid`` declares it needs (KeyError for an id that is not a check's)."""
    for registered in CHECKS:
        if registered.id == cid:
            return registered.needs
    raise KeyError(cid)


def ids_where(wanted: Callable[[Need], bool]) -> tuple[str, ...]:
    """The ids of the checks whose needs ``wanted`` accepts, in report order (read from
    :data:`CHECKS` when called, so a test's registry counts)."""
    return tuple(r.id for r in CHECKS if wanted(r.needs))


def builds(declared: Need) -> bool:
    """The build session's own checks: what reads the built files and asks no index."""
    return Need.DISTS in declared and Need.INDEX not in declared


def build_check_ids() -> tuple[str, ...]:
    """What the build session runs on the files it built: :func:`builds`."""
    return ids_where(builds)


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
    """Every check of SPEC §4, in order; a check in ``skip`` (or not in ``only``) says why,
    and so does one this run cannot give what it needs (:func:`_phase`).

    A skipped check still fails on what publish refuses whatever is skipped (its guard,
    checks/guards.py). A check that raises is reported as an internal error (or re-raised, under
    :data:`RAISE_VARIABLE`), never as an ordinary failure.
    """
    skip_cli = set(skip)
    wanted = set(only) if only is not None else None
    secrets = ctx.secrets
    skipping = skip_cli | set(ctx.config.skip)
    if wanted is None:  # every check runs: what they ask git, asked at once, while the
        # modules of those that run are imported
        ctx.ask_git(skipping=skipping, meanwhile=lambda: _import_ahead(ctx, skipping))
    judged: dict[str, Result] = {}
    # An install's trial may be running ahead of the checks (release/verify.py): the others
    # are judged while it finishes; the report keeps registry order.
    for registered in sorted(CHECKS, key=lambda r: Need.INSTALL in r.needs):
        cid = registered.id
        if cid in skip_cli or cid in ctx.config.skip:
            # What publish refuses whatever is skipped still fails (checks/guards.py).
            result = Result(cid, *_fields(_guarded(ctx, cid) or skipped(
                "skipped by --skip" if cid in skip_cli
                else "skipped by [tool.publish-checks] skip")))
        elif wanted is not None and cid not in wanted:
            result = Result(cid, *_fields(skipped("not part of this session")))
        else:
            try:  # a module that fails to import is its check's internal error too
                check = _phase(ctx, registered)
                result = Result(cid, *_fields(check if isinstance(check, Finding) else check(ctx)))
            except Exception as e:  # a bug in a check must not hide the other checks
                if ctx.environ.get(RAISE_VARIABLE):
                    raise
                result = _crashed(cid, e)
        # Belt and braces: no check may ever echo the token, even inside an error message.
        judged[cid] = Result(result.id, result.status, redact(result.summary, secrets),
                             redact(result.hint, secrets), result.internal_error)
    return Report(ctx.project_name, ctx.version, ctx.target.name,
                  [judged[r.id] for r in CHECKS])


def _import_ahead(ctx: Context, skipping: set[str]) -> None:
    """Import the modules of the checks that will run; one that fails to import is left
    for its check to fail on, as its internal error (run_checks)."""
    for registered in CHECKS:
        if registered.id not in skipping:
            with contextlib.suppress(Exception):
                _phase(ctx, registered)


def _phase(ctx: Context, registered: Registered) -> Check | Finding:
    """What to run of a check in this run, by what it declares it needs: under --offline a
    check that needs the index runs its offline part, or is skipped; one that installs the
    release is skipped unless the run wants the install (build, publish, rehearse,
    ``verify --install``)."""
    if Need.INDEX in registered.needs and ctx.offline:
        return registered.offline_check or skipped("--offline: the index was not asked")
    if Need.INSTALL in registered.needs and not ctx.install_release:
        return skipped(f"installs the release only when asked: {ctx.steps('verify', '--install')}"
                       " (build, publish and rehearse always do)")
    return registered.check


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


__all__ = ["CHECKS", "CHECK_IDS", "RAISE_VARIABLE", "Check", "Context", "Need", "Registered",
           "build_check_ids", "builds", "check_id", "ids_where", "load_context", "needs",
           "run_checks", "validate_skip"]

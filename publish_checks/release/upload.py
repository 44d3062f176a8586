"""The upload through the configured :class:`Uploader`: the bound secret, its environment,
the run, and what its failure means as our fix (SPEC §5)."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from publish_checks._errors import ReleaseError
from publish_checks.checks.context import Context
from publish_checks.project.binding import refusal
from publish_checks.project.credentials import Token
from publish_checks.project.trusted import (
    REFUSED_EVENTS,
    publisher_identity,
    publishing_settings,
    refused_event_fix,
    refused_event_words,
    trusted_publishing_provider,
)
from publish_checks.release import standby
from publish_checks.release.plan import Plan
from publish_checks.release.runner import Runner, Standing
from publish_checks.release.standby import Warm, uploader_environment, with_path
from publish_checks.release.uploader import Failure, Login, Upload, Uploader
from publish_checks.release.uploaders import uploader_named


def configured_uploader(ctx: Context) -> Uploader:
    """The adapter ``[tool.publish-checks] uploader`` names (the default when it names none)."""
    return uploader_named(ctx.config.uploader)


def upload_of(plan: Plan) -> Upload:
    """The plan's files still to send, their companions and the upload URL."""
    return Upload(tuple(f.dist.path for f in plan.to_upload), plan.companions, plan.upload_url)


def login(ctx: Context, password: str | None = None) -> Login | None:
    """The target's own secret, or None when there is none (the uploader's own ways then).
    Whatever checks were skipped, a secret that does not belong to the target (or plain
    http:// beyond this machine) stops the upload here with ReleaseError (SPEC §3).

    ``password`` is the rehearsal's generated one, for the embedded index.
    """
    token = (Token(password, "the generated password", "the rehearsal")
             if password is not None else ctx.token_lookup.token)
    if (refused := refusal(ctx.target, token)) is not None:
        raise ReleaseError(f"not uploading: {refused.summary}; nothing was sent", refused.hint)
    if token is None or not token.value:
        return None
    return Login(token.username or ctx.target.username, token.value)


def upload_env(ctx: Context, uploader: Uploader, bound: Login | None) -> dict[str, str]:
    """The uploader's environment for ``ctx``'s target (standby.uploader_environment)."""
    return uploader_environment(ctx.environ, uploader, bound, hidden=ctx.secret_variables)


@dataclass(frozen=True)
class Sending:
    """Everything the upload step needs, gathered from the project before it: the uploader,
    the one bound secret (None: the uploader's own ways) and its environment, every secret
    its output must never show, whether a progress bar may show, and what the uploader's
    output means as our fix (:func:`explain_upload_failure` for this run)."""

    uploader: Uploader
    login: Login | None
    env: Mapping[str, str] = field(repr=False)
    secrets: tuple[str, ...] = field(repr=False)
    progress: bool
    explain: Callable[[str], tuple[str, str]] = field(repr=False)


def sending(ctx: Context, password: str | None, *, terminal: bool) -> Sending:
    """What the upload of ``ctx``'s release needs; ReleaseError when the secret does not
    belong to the target (:func:`login`). ``terminal``: the output goes to one."""
    uploader = configured_uploader(ctx)
    bound = login(ctx, password)  # refuses a secret that is not this index's own
    secrets = tuple(s for s in (password, bound and bound.password, *ctx.secrets) if s)
    return Sending(uploader, bound, upload_env(ctx, uploader, bound), secrets,
                   progress=terminal and not ctx.environ.get("CI"),
                   explain=functools.partial(explain_upload_failure, ctx=ctx,
                                             uploader=uploader))


@contextlib.contextmanager
def standing_by(runner: Runner, ctx: Context, early: Warm | None = None) -> Iterator[Warm | None]:
    """The configured uploader loading while the checks run (standby.standing_by):
    ``early`` when the command started it before its modules loaded."""
    with standby.standing_by(runner, configured_uploader(ctx), ctx.environ,
                             hidden=ctx.secret_variables, early=early) as warm:
        yield warm


def send(runner: Runner, how: Sending, plan: Plan, *, verbose: bool = False,
         warm: Warm | None = None, meanwhile: Callable[[], object] | None = None) -> None:
    """Exactly the planned files, by the uploader; credentials only in its environment.
    Its progress bar shows on a terminal, never in CI or a log. ``warm``: the uploader
    :func:`standing_by` started, which this sets going instead of starting it anew, and
    ``meanwhile`` is then done while it uploads (it must not raise)."""
    uploader = how.uploader
    warm = warm if warm is not None and warm.uploader is uploader else None
    bindir = warm.bindir if warm is not None else runner.provide(list(uploader.requirements))
    what = upload_of(plan)
    runner.log(f"Uploading {len(what.files)} file(s) to {what.upload_url} with "
               f"{uploader.name}")
    for path in uploader.skipped(what):
        runner.log(f"Warning: {uploader.name} does not send {path.name}")
    env = with_path(how.env, bindir)
    if how.login is None:
        runner.log(f"No token given: {uploader.name} will use {uploader.fallback}")
    argv = uploader.argv(bindir, what, verbose=verbose, progress=how.progress)
    if warm is not None and isinstance(runner, Standing):
        done = runner.go(warm.waiting, uploader.go(argv, env), secrets=how.secrets, echo=True,
                         meanwhile=meanwhile)
    else:
        done = runner.run(argv, env=env, secrets=how.secrets, echo=True)
    if done.code != 0:
        failed, fix = how.explain(done.output)
        raise ReleaseError(f"upload failed: {failed}",
                           f"{fix}. Files that reached the index are skipped on the next run")


def upload(runner: Runner, ctx: Context, plan: Plan, password: str | None, *,
           verbose: bool = False) -> None:
    """:func:`send` the plan with what :func:`sending` gathers from ``ctx``."""
    send(runner, sending(ctx, password, terminal=runner.terminal), plan, verbose=verbose)


#: What each failure means and its fix; the uploader says which one happened.
FIXES: dict[Failure, tuple[str, str]] = {
    Failure.CREDENTIALS: (
        "the index refused the credentials ({status})",
        "check that {variable} holds a token for {host}, scoped to {project} (or the "
        "account), not expired nor revoked; make a new one at {token_page}"),
    Failure.FILE_EXISTS: (
        "the index already has a file with this name and different contents",
        "an index never accepts a filename twice: bump the version ({bump}), "
        "rebuild ({build}) and publish again"),
    Failure.NAME_TOO_SIMILAR: (
        "the project name is too similar to an existing project on {host}",
        "choose another [project].name; PyPI refuses names that differ only in punctuation "
        "or look-alike characters"),
    Failure.NOT_UPLOAD_URL: (
        "the index does not accept uploads at {url} (405)",
        "that looks like an index URL: give the upload URL (for PyPI "
        "https://upload.pypi.org/legacy/, for pypiserver its root URL)"),
    Failure.SERVER_ERROR: (
        "the index had a server error",
        "wait a minute and run the same command again: files already uploaded are skipped "
        "(status: https://status.python.org)"),
    Failure.CONNECTION: (
        "could not connect to {url}",
        "check the URL and your network, then run the same command again"),
    Failure.TIMEOUT: (
        "the connection to {url} timed out",
        "run the same command again: files already uploaded are skipped "
        "(status: https://status.python.org)"),
    Failure.REJECTED: (
        "the index rejected the upload (400)",
        "read the index's reason above; fix the metadata, rebuild and publish again"),
}


def explain_upload_failure(output: str, ctx: Context,
                           uploader: Uploader | None = None) -> tuple[str, str]:
    """Turn the uploader's output into (what went wrong, the fix)."""
    uploader = uploader or configured_uploader(ctx)
    host = ctx.target.token_host or ctx.target.host
    netloc = urlsplit(ctx.target.upload_url or "").netloc or host
    more = _more(output, ctx, uploader)
    if (trusted := _trusted_publishing_failure(output, ctx)) is not None:
        return trusted
    values = {
        "variable": (ctx.token_lookup.token.variable if ctx.token_lookup.token
                     else ctx.target.token_variable or "the token variable"),
        "host": host,
        "project": ctx.project_name or "this project",
        "url": ctx.target.upload_url or "",
        "token_page": f"https://{host}/manage/account/token/",
        "bump": ctx.steps("bump", "patch"),
        "build": ctx.steps.build,
    }
    if (found := uploader.failure(output)) is None:
        return (f"{uploader.command} failed",
                f"read {uploader.name}'s message above; run the same command again to resume"
                + more)
    failure, values["status"] = found
    what, fix = FIXES[failure]
    if failure is Failure.CREDENTIALS and ctx.target.token_host is None:  # passwords
        token = ctx.token_lookup.token
        user = (token.username if token else None) or ctx.target.username
        source = (f"{token.variable} from {token.origin}" if token is not None
                  else f"{uploader.name}'s own credentials")
        return (what.format(**values), f"check the username ({user}) and password for "
                f"{netloc} ({source})" + more)
    return what.format(**values), fix.format(**values) + more


def _trusted_publishing_failure(output: str, ctx: Context) -> tuple[str, str] | None:
    """PyPI's answers about trusted publishing and attestations (the index's words, whoever
    sent the files), fixed with the identity this job shows (as credentials-source)."""
    host = ctx.target.token_host or "pypi.org"
    provider = trusted_publishing_provider(ctx.environ, host)
    for event in REFUSED_EVENTS:  # no registration helps: the run's trigger is refused
        if "invalid-publisher" in output and refused_event_words(event) in output:
            return (f"{host} refuses trusted publishing from {event} runs (\"invalid-"
                    f"publisher: valid token, but no corresponding publisher "
                    f"({refused_event_words(event)})\")",
                    refused_event_fix(event))
    if "invalid-publisher" in output:
        who = (publisher_identity(ctx.environ, provider) if provider is not None
               else "the repository, workflow file and environment of this job")
        return (f"{host} has no trusted publisher that matches this job (\"invalid-publisher: "
                "valid token, but no corresponding publisher\")",
                "register this publisher at "
                f"{publishing_settings(host, ctx.normalized_name or '<project>')} (a project "
                f"not yet on {host}: as a pending publisher at https://{host}/manage/account/"
                f"publishing/), exactly: {who}")
    if "Invalid attestations supplied during upload" in output:
        fix = ("read the index's reason above: an attestation must be signed in the workflow "
               "registered as the trusted publisher (a reusable workflow cannot sign for its "
               "caller)")
        if "only supported when using Trusted Publishing" in output:
            fix = "attestations need trusted publishing: drop the API token in CI"
        return (f"{host} refused the attestations (\"Invalid attestations supplied during "
                "upload\")", f"{fix}; or publish without them: --no-attestations")
    return None


def _more(output: str, ctx: Context, uploader: Uploader) -> str:
    """When the uploader says it would show more with --verbose: say how to, here."""
    if not uploader.verbose_hint(output):
        return ""
    return (f"; for {uploader.name}'s whole answer, run again with --verbose "
            f"({ctx.steps('publish', '--verbose')})")

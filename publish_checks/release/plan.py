"""The upload: which files go (the plan), twine's argv and environment, and what its
failures mean."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from publish_checks._errors import ReleaseError
from publish_checks.checks.context import Context
from publish_checks.checks.guards import taken_filenames, taken_hint
from publish_checks.dists.scan import Dist, is_attestation
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
from publish_checks.release.build import file_table

NULL_KEYRING = "keyring.backends.null.Keyring"


@dataclass(frozen=True)
class PlannedFile:
    dist: Dist
    size: int
    sha256: str
    on_index: bool  # already served with this sha256: skipped, which is how a publish resumes


@dataclass(frozen=True)
class Plan:
    project: str
    version: str
    upload_url: str
    files: tuple[PlannedFile, ...]
    companions: tuple[Path, ...]  # .asc signatures and PEP 740 attestations of files to send

    @property
    def to_upload(self) -> list[PlannedFile]:
        return [f for f in self.files if not f.on_index]

    @property
    def attestations(self) -> bool:
        return any(is_attestation(p.name) for p in self.companions)

    def render(self) -> str:
        rows = [(f.dist.filename, f.size, f.sha256,
                 "already on the index: skipped" if f.on_index else "to upload")
                for f in self.files]
        return (f"Upload plan: {self.project} {self.version} → {self.upload_url}\n"
                + file_table(rows))


def make_plan(ctx: Context, on_index: Mapping[str, str | None]) -> Plan:
    """The release files, each marked as already served (same sha256) or to upload."""
    if not (ctx.project_name and ctx.version and ctx.target.upload_url):
        # verify fails first in each of these cases; this guards direct callers.
        raise ReleaseError("nothing to plan: the project, version or upload URL is unknown",
                           f"run {ctx.steps('verify')} and fix what it reports")
    files = []
    for dist in ctx.release_dists():
        sha = ctx.dists.sha256(dist.path)
        files.append(PlannedFile(dist, dist.path.stat().st_size, sha,
                                 on_index.get(dist.filename) == sha))
    # Whatever checks were skipped: sending the others would leave half a release out
    # (index-version's guard says the same in verify, checks/guards.py).
    taken = taken_filenames(ctx, on_index)
    if taken:
        raise ReleaseError(f"the index already has {', '.join(taken)} with other contents, so "
                           "nothing was uploaded", taken_hint(ctx))
    sending = {f.dist.filename for f in files if not f.on_index}
    companions = tuple(p for p in ctx.dists.companions
                       if any(p.name.startswith(name + ".") for name in sending))
    return Plan(ctx.project_name, ctx.version, ctx.target.upload_url, tuple(files), companions)


def twine_argv(plan: Plan, twine: str = "twine", *, verbose: bool = False,
               progress: bool = False) -> list[str]:
    """Explicit paths, never a glob; no credential ever goes on this line.

    ``progress``: twine's progress bar, only for a terminal. twine tells rich to draw as if
    on one wherever its output goes, so in a log every redraw would be one more line.
    """
    argv = [twine, "--no-color", "upload", "--non-interactive",
            *([] if progress else ["--disable-progress-bar"]),
            *(["--verbose"] if verbose else []), "--repository-url", plan.upload_url]
    if plan.attestations:
        argv.append("--attestations")
    argv += [str(f.dist.path) for f in plan.to_upload]
    argv += [str(p) for p in plan.companions]
    return argv


def twine_env(ctx: Context, password: str | None = None) -> dict[str, str]:
    """Credentials reach twine through its environment only (SPEC §3, §5), and only the
    target's own: whatever checks were skipped, a secret that does not belong to the target
    (or plain http:// beyond this machine) stops the upload here with ReleaseError.

    ``password`` is the rehearsal's generated one, for the embedded index.
    """
    token = (Token(password, "the generated password", "the rehearsal")
             if password is not None else ctx.token_lookup.token)
    if (refused := refusal(ctx.target, token)) is not None:
        raise ReleaseError(f"not uploading: {refused.summary}; nothing was sent", refused.hint)
    env = {"TWINE_NON_INTERACTIVE": "1"}
    if token is not None and token.value:
        env["TWINE_USERNAME"] = token.username or ctx.target.username
        env["TWINE_PASSWORD"] = token.value
        # A headless machine must never hang on a keyring prompt.
        env["PYTHON_KEYRING_BACKEND"] = NULL_KEYRING
    return env


# (pattern in twine's output, what happened, the fix); the first match wins.
_FAILURES: tuple[tuple[str, str, str], ...] = (
    (r"\b40[13]\b|Invalid or non-existent authentication|Forbidden|Unauthorized",
     "the index refused the credentials ({status})",
     "check that {variable} holds a token for {host}, scoped to {project} (or the account), "
     "not expired nor revoked; make a new one at {token_page}"),
    (r"File already exists|filename has already been used|already been used",
     "the index already has a file with this name and different contents",
     "an index never accepts a filename twice: bump the version ({bump}), "
     "rebuild ({build}) and publish again"),
    (r"too similar to an existing project",
     "the project name is too similar to an existing project on {host}",
     "choose another [project].name; PyPI refuses names that differ only in punctuation or "
     "look-alike characters"),
    (r"\b405\b|Method Not Allowed",
     "the index does not accept uploads at {url} (405)",
     "that looks like an index URL: give the upload URL (for PyPI "
     "https://upload.pypi.org/legacy/, for pypiserver its root URL)"),
    (r"\b5\d\d\b.*(Server Error|Bad Gateway|Service Unavailable|Gateway Time)",
     "the index had a server error",
     "wait a minute and run the same command again: files already uploaded are skipped "
     "(status: https://status.python.org)"),
    (r"Connection ?refused|Failed to establish a new connection|Max retries exceeded",
     "could not connect to {url}",
     "check the URL and your network, then run the same command again"),
    (r"[Tt]imed? ?out",
     "the connection to {url} timed out",
     "run the same command again: files already uploaded are skipped "
     "(status: https://status.python.org)"),
    (r"\b400\b",
     "the index rejected the upload (400)",
     "read the index's reason above; fix the metadata, rebuild and publish again"),
)


def explain_upload_failure(output: str, ctx: Context) -> tuple[str, str]:
    """Turn twine's output into (what went wrong, the fix)."""
    host = ctx.target.token_host or ctx.target.host
    netloc = urlsplit(ctx.target.upload_url or "").netloc or host
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
    for n, (pattern, what, fix) in enumerate(_FAILURES):
        if (match := re.search(pattern, output)) is not None:
            values["status"] = match.group(0)
            if n == 0 and ctx.target.token_host is None:  # a private index: passwords
                token = ctx.token_lookup.token
                user = (token.username if token else None) or ctx.target.username
                source = (f"{token.variable} from {token.origin}" if token is not None
                          else "twine's keyring")
                return (what.format(**values), f"check the username ({user}) and password "
                        f"for {netloc} ({source})" + _more(output, ctx))
            return what.format(**values), fix.format(**values) + _more(output, ctx)
    return ("twine upload failed",
            "read twine's message above; run the same command again to resume" + _more(output, ctx))


def _trusted_publishing_failure(output: str, ctx: Context) -> tuple[str, str] | None:
    """PyPI's answers about trusted publishing and attestations, fixed with the identity
    this job shows (the one credentials-source reported)."""
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


def _more(output: str, ctx: Context) -> str:
    """twine ends a failure with "Retry with the --verbose option": say how to, here."""
    if not re.search(r"Retry with (the )?--verbose", output):
        return ""
    return (f"; for twine's whole answer, run again with --verbose "
            f"({ctx.steps('publish', '--verbose')})")

"""token-*: the ``pypi-`` token is well formed, and PyPI will accept it for this upload.

Both read the token offline (publish_checks._macaroon); neither ever shows it. What they
may show: its variable, origin, length and fingerprint, the macaroon's location and the
project names its caveats embed.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone

from publish_checks._text import listing
from publish_checks.checks.context import Context
from publish_checks.checks.report import Finding, failed, passed, skipped, warned
from publish_checks.project.binding import refusal, shown_text, stray_refusal
from publish_checks.project.credentials import Token
from publish_checks.project.macaroon import PREFIX, MacaroonError, Scope, decode_token, read_scope

_QUOTES = "\"'`“”‘’"  # curly quotes come from word processors and chat apps


def _token_for_pypi(ctx: Context) -> tuple[Token, str] | Finding:
    """The token and the host it must be for, or the skip that says why there is none."""
    target, lookup = ctx.target, ctx.token_lookup
    if target.is_local:
        return skipped("the embedded index (local) uses generated credentials, not a pypi- token")
    if target.token_host is None:
        return _not_pypi(ctx)
    if lookup.token is None:
        if lookup.problem:
            return skipped(f"no token to check: {lookup.problem}")
        return skipped("no token to check (credentials-source says where one would come from)")
    return lookup.token, target.token_host


def _not_pypi(ctx: Context) -> Finding:
    return skipped(f"{ctx.target.host or ctx.target.name} is not PyPI: private indexes use "
                   "passwords, not pypi- tokens")


def _new_token_hint(host: str, variable: str) -> str:
    # PyPI shows a token once only, so "copy it again" is rarely possible.
    return (f"create a new token at https://{host}/manage/account/token/ and set {variable} "
            "to it, exactly as shown")


def _shape_problem(value: str) -> str:
    """Why the raw text cannot be a token, checked before decoding for a clearer message."""
    if value != value.strip():
        return "has leading or trailing whitespace (a stray space or newline when pasted?)"
    if any(c.isspace() for c in value):
        return "contains whitespace (was it wrapped over several lines?)"
    if any(c in _QUOTES for c in value):
        return "contains quote characters (a CI secret keeps quotes literally)"
    if not value.startswith(PREFIX):
        return f"does not start with {PREFIX!r} (a password or another service's token?)"
    return ""


def token_format(ctx: Context) -> Finding:
    found = _token_for_pypi(ctx)
    if isinstance(found, Finding):
        return found
    token, host = found
    where = f"{token.variable} from {token.origin}"
    if problem := _shape_problem(token.value):
        return failed(f"{where} {problem}",
                      f"set {token.variable} to the bare token: pypi-… with no quotes, "
                      "spaces or line breaks")
    try:
        macaroon = decode_token(token.value)
    except MacaroonError as e:
        return failed(f"{where} is not a PyPI token: {e}", _new_token_hint(host, token.variable))
    return passed(f"{token.describe()}: a pypi- token (macaroon v{macaroon.version}, "
                  f"for {shown_text(macaroon.location) or 'no location'})")


def token_scope(ctx: Context) -> Finding:
    target = ctx.target
    # SPEC §3: a token goes only where it belongs; the upload asks the same again.
    if (refused := refusal(target, ctx.token_lookup.token)) is not None:
        return failed(refused.summary, refused.hint)
    if not target.is_local and target.token_host is None:
        if ctx.token_lookup.token is None and (stray := ctx.pypi_token_elsewhere) is not None:
            refused = stray_refusal(target, stray)
            return failed(refused.summary, refused.hint)
        return _not_pypi(ctx)
    found = _token_for_pypi(ctx)
    if isinstance(found, Finding):
        return found
    token, host = found
    try:
        macaroon = decode_token(token.value)
    except MacaroonError:
        return skipped("the token does not decode, so its scope cannot be read (see token-format)")
    variable = token.variable
    scope = read_scope(macaroon.caveats)
    if (problem := _refused(scope, host)) is not None:
        return failed(problem, _new_token_hint(host, variable))
    name = ctx.normalized_name
    manage = (f"https://{host}/manage/project/{name}/settings/" if name
              else f"https://{host}/manage/account/token/")
    scoped_hint = (f"create a project-scoped token at {manage} and set {variable} to it "
                   "(a project's very first upload needs an account-wide token)")
    expiry = _expiry(scope)
    if scope.project_names is not None:
        names = _names(scope.project_names)
        if name is None:
            return warned(f"the token is scoped to {names}, but this project's name is unknown",
                          "set [project] name in pyproject.toml")
        if name not in scope.project_names:
            return failed(f"this token is for {names}, not for {name}",
                          f"create a token scoped to {name} at {manage} and set {variable} to it")
    if scope.unknown:
        unknown = ", ".join(scope.unknown)
        return warned(f"the token has caveats publish-checks cannot read ({unknown}), so its "
                      "scope is not fully known", "update publish-checks")
    renew = f"create a new token at {manage} and set {variable} to it before then"
    if scope.project_names is not None:
        return _unless_expiring(f"scoped to project {name} on {host}{expiry}", scope, renew)
    if scope.project_ids is not None:
        origin = "minted by trusted publishing, " if scope.publisher else ""
        return _unless_expiring(f"{origin}scoped to {len(scope.project_ids)} project id(s) on "
                                f"{host}{expiry} (ids cannot be matched to names offline; the "
                                "upload will tell)", scope, renew)
    if scope.user:
        return warned(f"account-wide token: it can upload to every project of your {host} "
                      f"account{expiry}", scoped_hint)
    if not macaroon.caveats:
        return warned(f"scope not embedded: the token for {host} has no caveats, so which projects "
                      "it may upload cannot be read offline", scoped_hint)
    return warned(f"scope not embedded: the token's caveats restrict neither project nor "
                  f"user{expiry}", scoped_hint)


def _refused(scope: Scope, host: str) -> str | None:
    """Why PyPI will refuse this token whatever the project, or None."""
    if scope.invalid:
        return f"{host} cannot read this token's caveats: {'; '.join(scope.invalid)}"
    now = time.time()
    if scope.expires_at is not None and now >= scope.expires_at:
        return f"this token expired on {_when(scope.expires_at)}"
    if scope.not_before is not None and now < scope.not_before:
        return f"this token is not valid before {_when(scope.not_before)}"
    if not scope.can_upload:
        return "this token does not carry the upload permission"
    return None


#: SPEC §4: a token that stops working within this many days is a warning.
EXPIRY_WARNING_DAYS = 14


def _expires_soon(scope: Scope) -> str | None:
    """When a token expiring within EXPIRY_WARNING_DAYS stops working ("in 3 days"), else
    None. A token minted by trusted publishing lives minutes by design, and is exempt."""
    if scope.expires_at is None or scope.publisher:
        return None
    left = scope.expires_at - time.time()
    if left >= EXPIRY_WARNING_DAYS * 86400:
        return None
    days = int(left // 86400)
    return "today" if days == 0 else f"in {days} day{'s' if days > 1 else ''}"


def _unless_expiring(summary: str, scope: Scope, hint: str) -> Finding:
    """A pass, or a warning when the token expires within EXPIRY_WARNING_DAYS (SPEC §4)."""
    if _expires_soon(scope) is None:
        return passed(summary)
    return warned(f"{summary}; it expires within {EXPIRY_WARNING_DAYS} days, and a release "
                  "after that is refused", hint)


def _when(timestamp: int) -> str:
    try:
        return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    except (OverflowError, OSError, ValueError):  # absurd timestamps from a hand-made token
        return f"timestamp {timestamp}"


def _expiry(scope: Scope) -> str:
    if scope.expires_at is None:
        return ""
    soon = _expires_soon(scope)
    return f", until {_when(scope.expires_at)}" + (f" ({soon})" if soon else "")


def _names(names: frozenset[str]) -> str:
    if not names:
        return "no project at all (its project caveats exclude each other)"
    plural = "s" if len(names) > 1 else ""
    return f"project{plural} {listing([shown_text(n) for n in sorted(names)], 5)}"


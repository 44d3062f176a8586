"""credentials-*: a token source exists, and the file holding it cannot leak."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from publish_checks._lazy import load
from publish_checks.checks.context import Context
from publish_checks.checks.git import not_a_repo
from publish_checks.checks.report import Finding, failed, passed, skipped, warned
from publish_checks.project import twine_conventions
from publish_checks.project.binding import own_secret_hint
from publish_checks.project.git_questions import committed, ignore_rules
from publish_checks.project.trusted import (
    AUDIENCES,
    GITHUB,
    gitlab_id_token_variable,
    publisher_identity,
    refused_event,
    refused_event_fix,
    refused_event_words,
    trusted_publishing_provider,
)

if TYPE_CHECKING:
    from publish_checks.project.history import HistorySearch


def credentials_source(ctx: Context) -> Finding:
    target, lookup = ctx.target, ctx.token_lookup
    if target.is_local:
        return passed("the embedded index uses credentials generated for each rehearsal")
    if lookup.token is not None:
        if target.token_host is None:
            return passed(f"secret for {target.host}: {lookup.token.describe()}")
        return passed(f"token: {lookup.token.describe()}")
    variable = lookup.variable or "PYPI_API_KEY"
    shown = ctx.shown(lookup.file)
    hint = (f"put {variable}=pypi-… in {shown} (git-ignored, chmod 600), or export {variable}; "
            "in CI use trusted publishing")
    if (lookup.problem and not lookup.variable_missing  # the user tried and it is broken
            and lookup.file_exists):
        if target.token_host is None:  # a private index's own variable: a password
            hint = f"put {variable}=… in {shown} (git-ignored, chmod 600), or export {variable}"
        return failed(lookup.problem, lookup.fix or hint)
    if target.token_host is None:
        return _private_without_secret(ctx)
    host = target.token_host
    if host and (provider := trusted_publishing_provider(ctx.environ, host)):
        return _trusted_publishing(ctx, provider, host)
    if ctx.environ.get("GITHUB_ACTIONS") == "true" and host:
        return failed("GitHub Actions job without a token and without an OIDC token for "
                      "trusted publishing",
                      "give the job 'permissions: id-token: write' and register it as a trusted "
                      f"publisher on {host}, or pass {variable} as a secret")
    if ctx.environ.get("GITLAB_CI") and host:
        id_token = gitlab_id_token_variable(host)
        return failed(f"GitLab CI job without a token and without {id_token} for trusted "
                      f"publishing to {host}",
                      f"add 'id_tokens: {id_token}: aud: {AUDIENCES[host]}' to the job and "
                      f"register it as a trusted publisher on {host}, or pass {variable} as a "
                      "CI/CD variable")
    where = lookup.problem or f"{shown} does not exist"
    summary = f"no token: {variable} is not set and {where}"
    if ctx.credentials_path.is_dir():
        hint = (f"move the {shown} directory away, then put {variable}=pypi-… in a {shown} "
                f"file (git-ignored, chmod 600), or export {variable}")
    return failed(summary, hint)


def _trusted_publishing(ctx: Context, provider: str, host: str) -> Finding:
    """Trusted publishing is the source: say who PyPI will see, so that an
    ``invalid-publisher`` answer can be fixed from the report alone."""
    if provider == GITHUB and (event := refused_event(ctx.environ)):
        return failed(f"this GitHub Actions run was triggered by {event}: {host} refuses "
                      f"trusted publishing from {event} runs (since March 2026), so no "
                      f"token can be minted (PyPI: \"{refused_event_words(event)}\")",
                      refused_event_fix(event))
    return passed(f"no token: {provider} trusted publishing will mint one at upload time; "
                  f"{host} must know this publisher: "
                  f"{publisher_identity(ctx.environ, provider)}")


def _private_without_secret(ctx: Context) -> Finding:
    """A private index with no secret of its own: twine's keyring may hold one, so a warning
    (uv has none: the warning says so).
    PyPI's token is never a stand-in (SPEC §3): token-scope fails when one is about."""
    target, lookup = ctx.target, ctx.token_lookup
    if lookup.variable:
        where = lookup.problem or f"{ctx.shown(lookup.file)} does not exist"
        missing = f"{lookup.variable} is not set and {where}"
    else:
        missing = ("no password in its URL or ~/.pypirc section, and "
                   f"{twine_conventions.PASSWORD} is not set")
    fallback = ("twine will ask its keyring" if ctx.config.uploader == "twine"
                else f"{ctx.config.uploader} publish has no keyring to ask")
    summary = f"no secret for {target.host}: {missing}; {fallback}"
    if (stray := ctx.pypi_token_elsewhere) is not None:
        summary += f" ({stray.variable} is for PyPI and is never sent there)"
    return warned(summary, own_secret_hint(target))


def _no_file(ctx: Context) -> Finding | None:
    path = ctx.credentials_path
    if not os.path.lexists(path):
        return skipped(f"no credentials file ({ctx.shown(path)})")
    return None


def credentials_file_permissions(ctx: Context) -> Finding:
    if os.name != "posix":
        return skipped("POSIX file modes do not apply on this system")
    if (absent := _no_file(ctx)) is not None:
        return absent
    path = ctx.credentials_path
    shown = ctx.shown(path)
    if path.is_symlink():
        try:
            shown = f"{shown} (a link to {path.resolve()})"
        except (OSError, RuntimeError):  # a loop of links: stat() below says so
            shown = f"{shown} (a link that loops)"
    try:
        st = path.stat()
    except OSError as e:
        return failed(f"{shown} cannot be read: {e.strerror}", f"fix or remove {ctx.shown(path)}")
    if stat.S_ISDIR(st.st_mode):
        return warned(f"{shown} is a directory, not a file: no token is read from it",
                      f"move the {ctx.shown(path)} directory away; keep the token in a "
                      f"{ctx.shown(path)} file (chmod 600) or in the environment")
    mode = stat.S_IMODE(st.st_mode)
    who = " and ".join(name for name, bits in (("group", 0o070), ("others", 0o007)) if mode & bits)
    if who:
        access = ("readable" if mode & 0o044 else "writable" if mode & 0o022 else "accessible")
        return failed(f"{shown} is {access} by {who} (mode {mode:04o})",
                      f"chmod 600 {ctx.shown(path)}")
    if st.st_uid != os.getuid():
        return failed(f"{shown} belongs to user id {st.st_uid}, not to you ({os.getuid()})",
                      f"chown {os.getuid()} {ctx.shown(path)}  (or recreate the file yourself)")
    return passed(f"{shown} is private to you (mode {mode:04o})")


def credentials_file_ignored(ctx: Context) -> Finding:
    if (skip := not_a_repo(ctx)) is not None:
        return skip
    path = ctx.credentials_path
    shown = ctx.shown(path)
    if _outside_repository(ctx, path):
        return passed(f"{shown} is outside the repository")
    # --no-index: answer from the ignore rules even if the file is (wrongly) tracked.
    result = ctx.git.ask(*ignore_rules(str(path)))
    if result.returncode == 0:
        return passed(f"git ignores {shown}")
    if result.returncode not in (0, 1):
        return failed(f"git check-ignore failed: {result.stderr.strip()}",
                      "run it by hand to see why")
    hint = f"add '{path.name}' (or '.env.*' with '!.env.example') to .gitignore"
    if not os.path.lexists(path):
        return skipped(f"no credentials file yet, and git would not ignore {shown}: {hint}")
    return failed(f"git does not ignore {shown}: one 'git add .' publishes your token", hint)


def _outside_repository(ctx: Context, path: Path) -> bool:
    """Whether ``path`` lies outside the work tree (``credentials-file = "../.env"``), by
    the paths themselves: git's words for it may be translated. The file itself may be a
    link, which git judges where it is, not where it points."""
    top = ctx.git.toplevel()
    if top is None:
        return False
    where = path.parent.resolve() / path.name
    return not where.is_relative_to(top.resolve())


def credentials_file_untracked(ctx: Context) -> Finding:
    if (skip := not_a_repo(ctx)) is not None:
        return skip
    shown = ctx.shown(ctx.credentials_path)
    rel = str(ctx.credentials_path)
    revoke = (f"revoke the token at https://{ctx.target.token_host or 'pypi.org'}"
              "/manage/account/token/ and make a new one")
    # Asked before has_commits(): a file staged in a brand-new repository is tracked too.
    if ctx.git.tracks(ctx.credentials_path):
        return failed(f"{shown} is tracked by git",
                      f"git rm --cached {shown}; then {revoke}: it is in your history")
    if not ctx.git.has_commits():
        return passed(f"{shown} is not tracked (no commits yet)")
    history = ctx.git.ask(*committed(rel))
    if history.returncode == 0 and history.stdout.strip():
        commit = history.stdout.strip()
        return failed(f"{shown} was committed before (commit {commit}) and is in git history",
                      f"{revoke}; then remove it from history: "
                      f"git filter-repo --invert-paths --path {shown}")
    return _token_in_history(ctx, f"{shown} is not tracked and was never committed", revoke)


#: What searches git's history for the token (project/history.py, git's object streams):
#: loaded when a token is in use, the only time the history is searched.
HISTORY = "publish_checks.project.history"


#: A private index's password shorter than this, found in history, is a warning: the
#: search finds any string, and one this short is in changelogs and docs by chance ("wrong",
#: "admin"). PyPI tokens are ~180 characters.
SHORT_SECRET = 8


def _token_in_history(ctx: Context, clean: str, revoke: str) -> Finding:
    """The token's value in any committed file on any ref, whatever the file's name."""
    token = ctx.token_lookup.token
    if token is None:
        return passed(f"{clean}; no token in use, so history was not searched for one")
    search: Callable[..., HistorySearch] = load(f"{HISTORY}:search_history")
    found = search(ctx.git, token.value.encode(), seconds=ctx.history_seconds)
    if found.hit is not None:
        commit = f"commit {found.hit.commit}" if found.hit.commit else "a commit"
        what = "token"
        if ctx.target.token_host is None:  # a private index's password, not a PyPI token
            what, revoke = f"secret for {ctx.target.host}", f"change it on {ctx.target.host}"
            if len(token.value) < SHORT_SECRET:  # a word that short is in prose by chance
                return warned(
                    f"the {what} is only {len(token.value)} characters, and they are in git "
                    f"history: {commit} holds them in {found.hit.path} (as a word of its "
                    "text, perhaps)",
                    f"if that is the password itself, {revoke} and remove it from history "
                    "(git filter-repo --replace-text); either way, a password of "
                    f"{SHORT_SECRET} characters or more is one that history can be searched "
                    "for")
        return failed(f"the {what} is in git history: {commit} holds it in {found.hit.path}",
                      f"{revoke}; then remove it from history: put it on one line of a "
                      "file outside the repository and run git filter-repo --replace-text "
                      "<that file>")
    largest: int = load(f"{HISTORY}:MAX_BLOB")
    unread = (f" ({found.too_large} over {largest // (1024 * 1024)} MiB not read)"
              if found.too_large else "")
    if not found.finished:
        variable = token.variable if token.variable.isidentifier() else "SECRET"
        of = f"{found.total:,}" if found.counted else f"at least {found.total:,}"
        return warned(f"{clean}, but the search of history for the token stopped after "
                      f"{ctx.history_seconds:g} s: scanned {found.scanned:,} of {of} "
                      f"committed files{unread}",
                      f'search the rest by hand: git log --all --oneline -S"${variable}"'
                      + ("" if variable == token.variable else f" (with {variable} set to it)"))
    return passed(f"{clean}, and the token is in none of the {found.total:,} committed files "
                  f"on any ref{unread}")

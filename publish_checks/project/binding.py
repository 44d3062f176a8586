"""Which secret goes to which index (SPEC §3 "A token goes only where it belongs").

Asked by the checks, and asked again by the upload itself, so that no skipped check lets a
secret go where it does not belong:

- :func:`find_secret`: the one secret of a target, first match wins: a password written in
  its URL → its token variable in the environment → twine_conventions.PASSWORD → its token
  variable in the credentials file → its ~/.pypirc password. A private index has no PyPI
  token variable, so PYPI_API_KEY is never even a candidate there.
- :func:`refusal`: why that secret must not go there: a ``pypi-`` token goes only to the
  index its macaroon names; PyPI's variables never go to a private index; nothing goes over
  plain http:// beyond this machine.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from publish_checks._record import Record, record
from publish_checks.project import twine_conventions
from publish_checks.project.credentials import Token, TokenLookup, find_token
from publish_checks.project.macaroon import PREFIX, MacaroonError, decode_token
from publish_checks.project.repository import Target, pypirc_path

#: PyPI's token variables and the index each one's token is made on.
PYPI_VARIABLES = {"PYPI_API_KEY": "pypi.org", "TEST_PYPI_API_KEY": "test.pypi.org"}


@record
class Refusal(Record):
    """Why a secret may not be sent to a target: the summary names both hosts."""

    summary: str
    hint: str


def find_secret(target: Target, file: Path, environ: Mapping[str, str],
                root: Path) -> TokenLookup:
    """The secret the uploader will be given for ``target`` (see the module's docstring)."""
    exists = file.is_file()
    variable = target.token_variable
    if target.is_local:  # the rehearsal passes its generated password itself
        return TokenLookup(None, None, file, exists)
    if target.url_password:  # written into the URL: the most explicit choice
        return TokenLookup(Token(target.url_password, "the password", "the repository URL"),
                           variable, file, exists)
    if variable and environ.get(variable):
        return find_token(variable, file, environ, root)
    if password := environ.get(twine_conventions.PASSWORD, ""):
        token = Token(password, twine_conventions.PASSWORD, "the environment",
                      username=environ.get(twine_conventions.USERNAME) or None)
        return TokenLookup(token, variable, file, exists)
    lookup = find_token(variable, file, {}, root)  # the credentials file alone
    broken = lookup.problem and not lookup.variable_missing and lookup.file_exists
    if lookup.token is None and target.pypirc_password and not broken:
        token = Token(target.pypirc_password, "the password",
                      f"[{target.pypirc_section}] in {pypirc_path(environ)}")
        return dataclasses.replace(lookup, token=token, problem="")
    return lookup


def pypi_token_elsewhere(target: Target, configured: str | None, file: Path,
                         environ: Mapping[str, str], root: Path) -> Token | None:
    """A PyPI token that exists (PYPI_API_KEY, TEST_PYPI_API_KEY or the configured
    token-variable, in the environment or the credentials file) while the target is a
    private index: it is not sent, and the run should say so."""
    if target.is_local or target.token_host is not None:
        return None
    for variable in dict.fromkeys([*([configured] if configured else []), *PYPI_VARIABLES]):
        if (token := find_token(variable, file, environ, root).token) is not None:
            return token
    return None


def refusal(target: Target, token: Token | None) -> Refusal | None:
    """Why ``token`` must not be sent to ``target`` — or why nothing may go there — or None."""
    if target.plain_http:
        parts = urlsplit(target.upload_url or "")
        return Refusal(f"{target.upload_url} is plain http:// to another machine: the password "
                       "and the files would cross the network unencrypted",
                       f"use {parts._replace(scheme='https').geturl()} (plain http:// is only "
                       "for this machine: 127.0.0.1, ::1, localhost)")
    if token is None or not token.value:
        return None
    who = f"{token.variable} from {token.origin}"
    private = target.token_host is None
    if token.value.startswith(PREFIX):
        location = _location(token.value)
        if location is None:  # it does not decode
            if not private:
                return None  # token-format says what is wrong with it; PyPI refuses it
            return Refusal(f"{who} starts with {PREFIX} but does not decode, so the index it "
                           f"was made for is unknown: it is not sent to {target.host}",
                           own_secret_hint(target))
        if _made_for(location, target):
            return None
        shown = shown_text(location) or "no location"
        if not private:
            return Refusal(f"this token is for {shown} but the target is {target.token_host}",
                           _location_hint(location, target.token_host or "", token.variable))
        return Refusal(f"this token is for {shown} but the target is {target.host} ({who}): a "
                       f"{PREFIX} token is sent only to the index it was made for",
                       own_secret_hint(target))
    if private and token.variable in PYPI_VARIABLES:
        return Refusal(f"{who} is the variable of {PYPI_VARIABLES[token.variable]} tokens, and "
                       f"the target is {target.host}: it is never sent there",
                       own_secret_hint(target))
    return None


def stray_refusal(target: Target, token: Token) -> Refusal:
    """The failure for a PyPI token present while a private target has no secret of its own."""
    location = _location(token.value)
    made_for = (shown_text(location) if location
                else PYPI_VARIABLES.get(token.variable, "PyPI"))
    return Refusal(f"{token.variable} from {token.origin} is for {made_for}, and the target is "
                   f"{target.host}: it is never sent there, and {target.host} has no secret "
                   "of its own", own_secret_hint(target))


def _location(value: str) -> str | None:
    try:
        return decode_token(value).location
    except MacaroonError:
        return None


def _made_for(location: str, target: Target) -> bool:
    """pypi.org → upload.pypi.org, test.pypi.org → test.pypi.org, another index → its host."""
    if target.token_host is not None:
        return location == target.token_host
    return bool(location) and target.host in (location, f"upload.{location}")


def own_secret_hint(target: Target) -> str:
    table = target.name if "/" not in target.name else "NAME"
    return (f"give {target.host} its own secret: {twine_conventions.PASSWORD}, a password in "
            "its ~/.pypirc "
            f"section or its URL, or token-variable = \"…\" under "
            f"[tool.publish-checks.repositories.{table}]; keep pypi- tokens in PYPI_API_KEY and "
            "TEST_PYPI_API_KEY for PyPI")


def _location_hint(location: str, host: str, variable: str) -> str:
    if location == "test.pypi.org" and host == "pypi.org":
        return (f"set {variable} to a token made on pypi.org; keep the test.pypi.org one in "
                "TEST_PYPI_API_KEY for --repository testpypi")
    if location == "pypi.org" and host == "test.pypi.org":
        return (f"test.pypi.org is a separate site with its own accounts: create a token at "
                f"https://test.pypi.org/manage/account/token/ and set {variable} "
                "(TEST_PYPI_API_KEY by default) to it")
    return f"create a token at https://{host}/manage/account/token/ and set {variable} to it"


def shown_text(text: str, limit: int = 60) -> str:
    """Text from inside a token, safe to print: printable and short."""
    text = text if text.isprintable() else ascii(text)[1:-1]
    return text if len(text) <= limit else text[: limit - 1] + "…"

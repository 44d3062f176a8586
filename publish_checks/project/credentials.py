"""Where the token comes from (SPEC §3): environment first, then the credentials file.

The token value lives only in :class:`Token` and is never part of its repr; what may be
shown of it is its length and a short fingerprint.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Mapping
from dataclasses import field
from pathlib import Path

from publish_checks._record import Record, record
from publish_checks._text import TextError, Unreadable, read_text, resave_fix
from publish_checks._text import shown as shown_path

# Re-exported: redaction has its own module, which --help and --version import without
# python-dotenv.
from publish_checks.project.redaction import REDACTED as REDACTED
from publish_checks.project.redaction import redact as redact

# python-dotenv needs seconds per megabyte; a real credentials file is a few hundred bytes.
ENV_FILE_LIMIT = 256 * 1024


@record
class Token(Record):
    value: str = field(repr=False)
    variable: str  # or "the password" for one written in a URL or ~/.pypirc
    origin: str  # "the environment", the credentials file's path, "the repository URL", …
    username: str | None = None  # the user given beside it; None: the target's

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.value.encode()).hexdigest()[:8]

    def describe(self) -> str:
        return (f"{self.variable} from {self.origin} "
                f"({len(self.value)} characters, fingerprint {self.fingerprint})")


@record
class TokenLookup(Record):
    """The outcome of looking for a token; ``problem`` explains a file we could not use."""

    token: Token | None
    variable: str | None
    file: Path
    file_exists: bool
    problem: str = ""
    # The file is fine but simply does not hold the variable (it may hold other settings);
    # other sources (a .pypirc password, trusted publishing, a keyring) may still serve.
    variable_missing: bool = False
    fix: str = ""  # the fix for ``problem`` where putting the variable in the file is not it


def read_env_file(path: Path) -> tuple[dict[str, str], str]:
    """Parse a dotenv file; returns (values, problem). Never raises for bad content."""
    values, problem, _ = _read_env_file(path)
    return values, problem


def _read_env_file(path: Path, label: str = "") -> tuple[dict[str, str], str, str]:
    """(values, problem, its fix where the default one is not it: a file in another
    encoding, as PowerShell's `echo PYPI_API_KEY=… > .env.local` writes, is re-saved as
    ``label`` names it)."""
    try:
        text = read_text(path, limit=ENV_FILE_LIMIT)  # a BOM from a Windows editor is harmless
    except TextError as e:
        fix = (resave_fix(label or path.name, e) if e.why is Unreadable.NOT_TEXT and e.encoding
               else "")
        return {}, f"{path.name} {e.problem}", fix
    # Imported for a file to read: a run without a credentials file never loads python-dotenv
    # (and its logging, its fifteen regular expressions).
    import logging

    from dotenv import dotenv_values

    # python-dotenv logs unparsable lines itself; we report them our own way instead.
    logger = logging.getLogger("dotenv.main")
    was_disabled, logger.disabled = logger.disabled, True
    try:
        values = dotenv_values(stream=io.StringIO(text))
    finally:
        logger.disabled = was_disabled
    # A bare `NAME` line (no `=`) parses as None: for us it is a variable with no value.
    return {k: v or "" for k, v in values.items()}, "", ""


def find_token(variable: str | None, file: Path, environ: Mapping[str, str],
               root: Path) -> TokenLookup:
    """First match wins: the variable in the environment, then in the credentials file."""
    exists = file.is_file()
    if variable is None:
        return TokenLookup(None, None, file, exists)
    value = environ.get(variable, "")
    if value:
        return TokenLookup(Token(value, variable, "the environment"), variable, file, exists)
    shown = shown_path(file, root)
    if not exists:
        # A directory (docker creates one when a missing file is bind-mounted) is not "absent".
        problem = (f"{shown} is a directory, not a file" if file.is_dir()
                   else f"{shown} is not a regular file" if file.exists() else "")
        return TokenLookup(None, variable, file, exists, problem)
    values, problem, fix = _read_env_file(file, shown)
    if problem:
        return TokenLookup(None, variable, file, exists, problem, fix=fix)
    value = values.get(variable, "")
    if value:
        return TokenLookup(Token(value, variable, shown), variable, file, exists)
    if variable in values:
        problem = f"{variable} is empty in {shown}"
    elif _declares(file, variable):
        problem = f"the {variable} line in {shown} cannot be parsed (an unclosed quote?)"
    else:
        return TokenLookup(None, variable, file, exists, f"{shown} has no {variable}",
                           variable_missing=True)
    return TokenLookup(None, variable, file, exists, problem)


def _declares(file: Path, variable: str) -> bool:
    """True when a line of ``file`` assigns ``variable``, even if dotenv could not parse it."""
    assignment = re.compile(rf"^\s*(export\s+)?{re.escape(variable)}\s*=", re.M)
    try:
        return assignment.search(read_text(file, limit=ENV_FILE_LIMIT)) is not None
    except TextError:
        return False

"""Credential files holding only evident placeholders: what a test fixture or a docs example
writes (``password example-password``, ``TOKEN=${TOKEN}``, ``password = <your token>``).

Each file is read the way its own tool reads it (netrc's tokens, .pypirc's INI sections,
dotenv's ``KEY=value`` lines); a file that cannot be read that way is never called a
placeholder. Only the values that could be secrets are judged: netrc's ``password`` and
``account``, .pypirc's ``password``, a dotenv value whose key names a secret or that looks
generated, and the password of any URL written ``scheme://user:password@host``.
"""

from __future__ import annotations

import configparser
import re
import shlex

from publish_checks.project.macaroon import MacaroonError, decode_token

#: Credential files meant to ship are tiny; past this, one is not judged at all.
LIMIT = 64 * 1024

# What people write instead of a value, matched anywhere in it (any case, and with the
# usual digit-for-letter swaps undone: "s3cr3t", "p4ssw0rd").
_WORDS = re.compile(r"example|sample|dummy|fake|test|mock|xxx|changeme|change_me|replace"
                    r"|placeholder|redacted|insecure|secret|passwd|password|token|your"
                    r"|foo|bar|baz|qux|1234|0000|abcd|todo|fixme")
# A value that stands for another one: <your token>, ${TOKEN}, $TOKEN, %(token)s, {{ t }},
# {token}, ***, "…"
_TEMPLATE = re.compile(r"<[^<>]*>|\$\{[^}]*\}|^\$\w+$|%\(\w*\)s|\{\{.*\}\}|^\{\w*\}$"
                       r"|\*{3}|\.{3}|\u2026")
_EXACT = frozenset({"pass", "pwd", "user", "username", "login", "admin", "root", "guest",
                    "anonymous", "none", "null", "nil", "hunter2", "letmein", "qwerty"})
_SEPARATORS = re.compile(r"[^a-z0-9]+")
_LEET = str.maketrans("013457@$", "oleastas")
_URL_PASSWORD = re.compile(r"[a-z][a-z0-9+.-]*://[^/:@\s]*:([^/@\s]*)@", re.IGNORECASE)
# A dotenv key that names a secret; others (HOST, PORT, DEBUG) are judged only when their
# value looks generated.
_SECRET_KEY = re.compile(r"(?i)pass|pwd|secret|token|key|auth|cred|private|signature|salt"
                         r"|cookie|session|dsn|api")
_DOTENV_LINE = re.compile(r"(?:export\s+)?([A-Za-z_][\w.-]*)\s*(?:=\s*(.*))?")


def is_placeholder(value: str) -> bool:
    """Whether ``value`` is evidently not a real password or token."""
    value = value.strip()
    lower = value.lower()
    if len(set(value)) < 3 or lower in _EXACT or _TEMPLATE.search(value):
        return True
    if lower.startswith("pypi-"):
        # A pypi- value that is no macaroon cannot log in anywhere: a truncated example. One
        # that is can, whatever its random bytes spell ("…bar…", "…1234…").
        try:
            decode_token(value)
        except MacaroonError:
            return True
        return False
    if _generated(value):
        # In random characters a short word turns up by chance ("bar", "1234": in about one
        # 40-character key in 100): only a long one, one standing apart ("sk_test_…"), or
        # two different ones together ("abcdef1234567890") say example.
        words = [lower, lower.translate(_LEET)]
        hits = {m[0] for w in words for m in _WORDS.finditer(w)}
        return (any(len(hit) >= 5 for hit in hits) or (len(hits) >= 2 and sum(map(len, hits)) >= 7)
                or any(_WORDS.fullmatch(part) for w in words for part in _SEPARATORS.split(w)))
    return bool(_WORDS.search(lower) or _WORDS.search(lower.translate(_LEET)))


def only_placeholders(kind: str, data: bytes) -> bool:
    """Whether the credential file ``data`` (``kind``: "netrc", "pypirc" or "dotenv") can be
    read and holds no value that could be a real secret."""
    if len(data) > LIMIT:
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    values = {"netrc": _netrc, "pypirc": _pypirc, "dotenv": _dotenv}[kind](text)
    if values is None:
        return False
    values += [m[1] for m in _URL_PASSWORD.finditer(text)]
    return all(is_placeholder(v) for v in values)


_NETRC_VALUED = frozenset({"machine", "login", "user", "password", "account", "macdef"})


def _netrc(text: str) -> list[str] | None:
    """The passwords and accounts of a netrc file (Python's netrc module's grammar)."""
    values: list[str] = []
    in_macro = False
    for line in text.splitlines():
        if in_macro:  # a macro's body runs to the next empty line
            in_macro = bool(line.strip())
            continue
        lexer = shlex.shlex(line, posix=True)
        lexer.whitespace_split, lexer.commenters = True, ""
        try:
            words = list(lexer)
        except ValueError:  # an unclosed quote
            return None
        pending = ""
        for word in words:
            if word.startswith("#") and not pending:  # a comment, to the end of the line
                break
            if pending:
                if pending in ("password", "account"):
                    values.append(word)
                in_macro |= pending == "macdef"
                pending = ""
            elif word in _NETRC_VALUED:
                pending = word
            elif word != "default":
                return None
        if pending:
            return None
    return values


def _pypirc(text: str) -> list[str] | None:
    """The passwords of a .pypirc file (INI, read as its readers do)."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    return [parser[s]["password"] for s in parser.sections() if "password" in parser[s]]


def _dotenv(text: str) -> list[str] | None:
    """The values of a dotenv file that could be secrets (python-dotenv's grammar, the
    common part of it)."""
    values: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _DOTENV_LINE.fullmatch(line)
        if match is None:
            return None
        key, value = match[1], (match[2] or "").strip()
        if value[:1] in ("'", '"'):
            end = value.find(value[0], 1)
            if end == -1:  # a value over several lines (a PEM key): not judged
                return None
            value = value[1:end]
        else:
            value = value.partition(" #")[0].strip()
        if _SECRET_KEY.search(key) or _generated(value):
            values.append(value)
    return values


def _generated(value: str) -> bool:
    """Long, mixed letters and digits, many distinct characters: could be a key."""
    return (len(value) >= 16 and any(c.isalpha() for c in value)
            and any(c.isdigit() for c in value) and len(set(value)) >= 10)

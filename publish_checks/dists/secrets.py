"""Secrets that must never ship in a dist: what they look like, and how a report names them
(by kind, never by value)."""

from __future__ import annotations

import enum
import re
import zlib
from collections.abc import Callable

from publish_checks._record import Record, record
from publish_checks.project.macaroon import MacaroonError, decode_token

PRIVATE_KEY_FILES = frozenset(
    {"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk"})
ENV_TEMPLATES = frozenset({".env.example", ".env.sample", ".env.template"})
NETRC_FILES = frozenset({".netrc", "_netrc"})
# Shorter secrets (a private index's password) would match ordinary text in the sources.
MIN_EXACT = 12
# Test and docs folders: where a project's throwaway private keys (requests' tests/certs/,
# urllib3's dummyserver/certs/) and example credential files (httpx's tests/fixtures/.netrc)
# live. Found there, those warn instead of failing (SPEC §4 dists-secrets).
FIXTURE_DIRS = re.compile(r"(?i)(?:\w*[_-]|unit)?tests?(?:[_-]\w*|data)?|testing|fixtures?"
                          r"|dummy\w*|fake\w*|mocks?|docs?|documentation|examples?|samples?")


class Secret(enum.Enum):
    """A kind of secret found in a dist; its value is how a report names it."""

    PYPI_TOKEN = "a PyPI token"  # noqa: S105 (a label, not a password)
    UPLOAD_TOKEN = "your upload token"  # noqa: S105
    GITHUB_TOKEN = "a GitHub token"  # noqa: S105
    GITLAB_TOKEN = "a GitLab token"  # noqa: S105
    AWS_SECRET_KEY = "an AWS secret access key"  # noqa: S105
    AWS_KEY_ID = "an AWS access key id"
    SLACK_TOKEN = "a Slack token"  # noqa: S105
    STRIPE_KEY = "a Stripe live key"
    GOOGLE_API_KEY = "a Google API key"
    NPM_TOKEN = "an npm token"  # noqa: S105
    PRIVATE_KEY = "a private key"
    CREDENTIALS_VALUE = "a value from the credentials file"
    CREDENTIALS_FILE = "a credentials file"
    PASSWORD_FILE = "an index password file"  # noqa: S105
    NETRC_FILE = "a .netrc password file"

    @property
    def is_file(self) -> bool:
        """Found by the file's name (a ``.netrc``, a ``.pypirc``, a ``.env``), not by a value
        inside it: what it holds decides how grave it is."""
        return self in (Secret.CREDENTIALS_FILE, Secret.PASSWORD_FILE, Secret.NETRC_FILE)

    @property
    def is_credential(self) -> bool:
        """A value that works as it stands (a token, a key pair, a known secret), as opposed
        to a credential file or a private key, which may be a fixture's throwaway: no
        ``secrets-allow`` entry excuses it."""
        return not self.is_file and self is not Secret.PRIVATE_KEY

    @property
    def is_token(self) -> bool:
        """A token that may have to be revoked, not only a file to leave out."""
        return self in (Secret.PYPI_TOKEN, Secret.UPLOAD_TOKEN)

    @property
    def is_key(self) -> bool:
        """Another service's key or token: rotated there, not at the index."""
        return self in (Secret.GITHUB_TOKEN, Secret.GITLAB_TOKEN, Secret.AWS_SECRET_KEY,
                        Secret.AWS_KEY_ID, Secret.SLACK_TOKEN, Secret.STRIPE_KEY,
                        Secret.GOOGLE_API_KEY, Secret.NPM_TOKEN)


@record
class SecretPattern(Record):
    """What a secret looks like inside a file; ``suffixes`` limits it to some file names,
    ``valid`` rejects lookalikes a regex cannot (checksums, placeholders, a macaroon that
    does not parse), and ``text_only`` skips blocks holding a NUL byte (compiled or
    compressed data)."""

    regex: re.Pattern[bytes]
    secret: Secret
    suffixes: tuple[str, ...] = ()
    valid: Callable[[re.Match[bytes]], bool] | None = None
    text_only: bool = False

    def applies_to(self, name: str) -> bool:
        """Whether the member ``name`` (a path, or a bare file name) is searched at all."""
        basename = name.rstrip("/").rpartition("/")[2]
        return not self.suffixes or basename.endswith(self.suffixes)

    def search(self, data: bytes) -> bool:
        """Whether ``data`` holds at least one real match."""
        if self.text_only and b"\0" in data:
            return False
        if self.valid is None:
            return self.regex.search(data) is not None
        return any(self.valid(m) for m in self.regex.finditer(data))


_WORD = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_BASE62 = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# What people write instead of a real value: a match holding one of these is an example.
_PLACEHOLDER = re.compile(rb"(?i)example|sample|dummy|fake|test|xxxx|0000|1234|abcd")


def _starts_word(m: re.Match[bytes], back: int = 0) -> bool:
    """Nothing word-like right before the match (``back`` bytes before its start)."""
    i = m.start() - back
    return i <= 0 or m.string[i - 1] not in _WORD


def _random(value: bytes, classes: int = 2) -> bool:
    """Looks generated: several character classes, many distinct bytes, no placeholder."""
    kinds = sum(any(c in value for c in group) for group in
                (b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz", b"0123456789"))
    return (kinds >= classes and len(set(value)) >= min(len(value) // 2, 16)
            and _PLACEHOLDER.search(value) is None)


# pypi- and the base64 of the smallest macaroon PyPI could mint: a location, a 16-byte
# identifier and the 32-byte signature.
_SHORTEST_TOKEN = 80


def _macaroon(m: re.Match[bytes]) -> bool:
    """A PyPI token is a macaroon: text that does not parse as one (a documentation's
    ``pypi-AgEIcHlwaS5vcmc…``, a token cut short) logs in nowhere. One that parses is
    telling enough wherever it sits, glued to other text on either side included (the
    regex then takes in the characters after it: shorter readings are tried too)."""
    text = m.group().decode("ascii")
    for end in range(len(text), _SHORTEST_TOKEN - 1, -1):
        try:
            decode_token(text[:end])
        except MacaroonError:
            continue
        return True
    return False


def _crc32_ok(m: re.Match[bytes]) -> bool:
    """GitHub's and npm's tokens end in the base62 CRC32 of their 30 random characters."""
    token = m.group()
    value = 0
    for c in token[-6:]:
        value = value * 62 + _BASE62.index(c)
    return _starts_word(m) and value == zlib.crc32(token[-36:-6])


def _random_tail(start: int, classes: int = 2) -> Callable[[re.Match[bytes]], bool]:
    def valid(m: re.Match[bytes]) -> bool:
        return _starts_word(m) and _random(m.group()[start:], classes)
    return valid


def _stripe(m: re.Match[bytes]) -> bool:
    # Searched from "k_live_" (a literal prefix is fast); "sk_" or "rk_" is checked here.
    i = m.start()
    return (i > 0 and m.string[i - 1] in b"sr" and _starts_word(m, 1)
            and _random(m.group()[7:]))


def _aws_secret(m: re.Match[bytes]) -> bool:
    return _random(m.group("secret"), 3)


def _aws_named(m: re.Match[bytes]) -> bool:
    # Searched from "ret" (a literal prefix is fast, and "r" is no hex digit): "secret",
    # "Secret" or "SECRET" before it.
    i = m.start()
    return m.string[max(i - 3, 0):i] in (b"sec", b"Sec", b"SEC") and _aws_secret(m)


def _aws_key_id(m: re.Match[bytes]) -> bool:
    # Base32: digits are optional, so only distinctness and placeholders tell.
    value = m.group()[4:]
    return (_starts_word(m) and len(set(value)) >= 8
            and _PLACEHOLDER.search(value) is None)


_AWS_ID = rb"A[KS]IA[A-Z2-7]{16}(?![A-Za-z0-9])"
_AWS_VALUE = rb"(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"
_AWS_NAMED = rb"[\"']?\s{0,4}[:=]\s{0,4}[\"']?" + _AWS_VALUE
_PEM_BODY = rb"(?:\r?\n|(?:\\r)?\\n)(?:[A-Za-z-]+: [^\r\n]*\r?\n)*(?:\r?\n)?[A-Za-z0-9+/]{64}"

# Each regex starts with a literal where it can (the search is fastest then) and matches in
# at most OVERLAP bytes; ``valid`` then rejects what a regex cannot tell from a real secret.
# Other services' shapes are looked for in text only: a block with a NUL byte (a .pyc, an
# extension module, compressed data) costs one memchr instead of a dozen searches. PyPI
# tokens and the exact known values are looked for everywhere.
PATTERNS: tuple[SecretPattern, ...] = (
    SecretPattern(re.compile(rb"pypi-AgE[A-Za-z0-9_-]{50,}"), Secret.PYPI_TOKEN,
                  valid=_macaroon),
    # GitHub: classic tokens carry a checksum; fine-grained ones are 22 + 59 characters.
    SecretPattern(re.compile(rb"gh[pousr]_[A-Za-z0-9]{36}(?![A-Za-z0-9])"),
                  Secret.GITHUB_TOKEN, valid=_crc32_ok, text_only=True),
    SecretPattern(re.compile(rb"github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}(?![A-Za-z0-9])"),
                  Secret.GITHUB_TOKEN, valid=_random_tail(11), text_only=True),
    SecretPattern(re.compile(rb"glpat-[A-Za-z0-9_-]{20,64}(?![A-Za-z0-9_-])"),
                  Secret.GITLAB_TOKEN, valid=_random_tail(6), text_only=True),
    # AWS: a secret key only where it is named, or right beside an access key id.
    SecretPattern(re.compile(rb"ret_?[Aa]ccess_?[Kk]ey" + _AWS_NAMED), Secret.AWS_SECRET_KEY,
                  valid=_aws_named, text_only=True),
    SecretPattern(re.compile(rb"RET_ACCESS_KEY" + _AWS_NAMED), Secret.AWS_SECRET_KEY,
                  valid=_aws_named, text_only=True),
    SecretPattern(re.compile(_AWS_ID + rb"[^A-Za-z0-9/+]{1,8}" + _AWS_VALUE),
                  Secret.AWS_SECRET_KEY, valid=lambda m: _aws_key_id(m) and _aws_secret(m),
                  text_only=True),
    SecretPattern(re.compile(_AWS_ID), Secret.AWS_KEY_ID, valid=_aws_key_id,
                  text_only=True),
    SecretPattern(re.compile(rb"xox[baprs]-(?:[0-9]{8,14}-){1,3}[A-Za-z0-9]{24,34}"
                             rb"(?![A-Za-z0-9])"), Secret.SLACK_TOKEN,
                  valid=lambda m: _starts_word(m) and _random(m.group().rpartition(b"-")[2]),
                  text_only=True),
    SecretPattern(re.compile(rb"k_live_[A-Za-z0-9]{24,99}(?![A-Za-z0-9])"),
                  Secret.STRIPE_KEY, valid=_stripe, text_only=True),
    SecretPattern(re.compile(rb"AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])"),
                  Secret.GOOGLE_API_KEY, valid=_random_tail(4), text_only=True),
    SecretPattern(re.compile(rb"npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])"), Secret.NPM_TOKEN,
                  valid=_crc32_ok, text_only=True),
    # Certificates are public; keys are not. In a key file the header says enough; in any
    # other file a key needs its base64 body. (A test fixture's throwaway key is found too:
    # the check warns about it instead of failing.)
    SecretPattern(re.compile(rb"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"),
                  Secret.PRIVATE_KEY, (".pem", ".key")),
    SecretPattern(re.compile(rb"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----" + _PEM_BODY),
                  Secret.PRIVATE_KEY, text_only=True),
)
#: A match needs at most this many bytes of context carried between chunks (the exact
#: token may need more: its own length). A PyPI token is parsed, so it must be found whole:
#: one with a few caveats runs to several hundred characters.
OVERLAP = 1024


def exact(value: str, secret: Secret = Secret.UPLOAD_TOKEN) -> SecretPattern | None:
    """The pattern of one known secret (this run's own upload secret, or a value from the
    credentials file), when it is long enough to be telling."""
    if len(value) < MIN_EXACT:
        return None
    return SecretPattern(re.compile(re.escape(value.encode())), secret)


def fixture_folder(path: str) -> str:
    """The test or docs folder ``path`` (inside a dist: below an sdist's top folder) lies
    under, as a path to it (``tests``, ``pkg/tests/fixtures``); '' when there is none."""
    parts = path.split("/")[:-1]
    for n, part in enumerate(parts, 1):
        if FIXTURE_DIRS.fullmatch(part):
            # The innermost of a run of such folders says most: tests/fixtures, not tests.
            while n < len(parts) and FIXTURE_DIRS.fullmatch(parts[n]):
                n += 1
            return "/".join(parts[:n])
    return ""


#: How each credential file is read to tell whether it holds only placeholders.
FILE_GRAMMARS = {Secret.CREDENTIALS_FILE: "dotenv", Secret.PASSWORD_FILE: "pypirc",
                 Secret.NETRC_FILE: "netrc"}


def credential_file(basename: str) -> Secret | None:
    """What a file of this name holds, if it is a credentials file; None otherwise.
    (``.pem``/``.key`` files count only if they hold a private key: the patterns look.)"""
    if basename == ".env" or (basename.startswith(".env.") and basename not in ENV_TEMPLATES):
        return Secret.CREDENTIALS_FILE
    if basename == ".pypirc":
        return Secret.PASSWORD_FILE
    if basename in NETRC_FILES:
        return Secret.NETRC_FILE
    if basename in PRIVATE_KEY_FILES:
        return Secret.PRIVATE_KEY
    return None

"""Secrets that must never ship in a dist: what they look like, and how a report names them
(by kind, never by value)."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

PRIVATE_KEY_FILES = frozenset(
    {"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk"})
ENV_TEMPLATES = frozenset({".env.example", ".env.sample", ".env.template"})
# Shorter secrets (a private index's password) would match ordinary text in the sources.
MIN_EXACT = 12


class Secret(enum.Enum):
    """A kind of secret found in a dist; its value is how a report names it."""

    PYPI_TOKEN = "a PyPI token"  # noqa: S105 (a label, not a password)
    UPLOAD_TOKEN = "your upload token"  # noqa: S105
    PRIVATE_KEY = "a private key"
    CREDENTIALS_FILE = "a credentials file"
    PASSWORD_FILE = "an index password file"  # noqa: S105

    @property
    def is_token(self) -> bool:
        """A token that may have to be revoked, not only a file to leave out."""
        return self in (Secret.PYPI_TOKEN, Secret.UPLOAD_TOKEN)


@dataclass(frozen=True)
class SecretPattern:
    """What a secret looks like inside a file; ``suffixes`` limits it to some file names."""

    regex: re.Pattern[bytes]
    secret: Secret
    suffixes: tuple[str, ...] = ()

    def applies_to(self, basename: str) -> bool:
        return not self.suffixes or basename.endswith(self.suffixes)


PATTERNS: tuple[SecretPattern, ...] = (
    SecretPattern(re.compile(rb"pypi-AgE[A-Za-z0-9_-]{50,}"), Secret.PYPI_TOKEN),
    # Certificates are public; keys are not. Only key files are searched for the header.
    SecretPattern(re.compile(rb"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"),
                  Secret.PRIVATE_KEY, (".pem", ".key")),
)
#: A match needs at most this many bytes of context carried between chunks (the exact
#: token may need more: its own length).
OVERLAP = 256


def exact(value: str) -> SecretPattern | None:
    """The pattern of this run's own upload secret, when it is long enough to be telling."""
    if len(value) < MIN_EXACT:
        return None
    return SecretPattern(re.compile(re.escape(value.encode())), Secret.UPLOAD_TOKEN)


def credential_file(basename: str) -> Secret | None:
    """What a file of this name holds, if it is a credentials file; None otherwise.
    (``.pem``/``.key`` files count only if they hold a private key: the patterns look.)"""
    if basename == ".env" or (basename.startswith(".env.") and basename not in ENV_TEMPLATES):
        return Secret.CREDENTIALS_FILE
    if basename == ".pypirc":
        return Secret.PASSWORD_FILE
    if basename in PRIVATE_KEY_FILES:
        return Secret.PRIVATE_KEY
    return None

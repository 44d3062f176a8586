"""What never appears in output: a given secret, anything token-shaped, the password of a URL.

Apart from ``credentials.py`` (which re-exports it) so that the front ends' error paths,
which every command and ``--help`` import, do not load python-dotenv.
"""

from __future__ import annotations

import re

TOKEN_PATTERN = re.compile(r"pypi-[A-Za-z0-9_\-]{16,}")
REDACTED = "pypi-********"
# The password of scheme://user:password@host, whatever the scheme or its case.
URL_PASSWORD = re.compile(r"(\b[A-Za-z][A-Za-z0-9+.-]*://[^\s/@:]*):[^\s/@]*@")


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Replace every given secret, anything token-shaped and every password written in a URL
    in ``text``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return URL_PASSWORD.sub(r"\1:********@", TOKEN_PATTERN.sub(REDACTED, text))

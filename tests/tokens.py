"""Build real PyPI-style tokens with pymacaroons, an implementation independent of ours.

PyPI mints ``"pypi-" + macaroon.serialize()`` of a V2 macaroon whose first-party caveats
are compact JSON (warehouse/macaroons/services.py, caveats/_core.py); so do we.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from pymacaroons import MACAROON_V2, Macaroon

TEST_KEY = b"publish-checks test key, not a secret"


def caveat_bytes(caveat: Any) -> bytes:
    """A caveat as PyPI serializes it; bytes and str pass through unchanged (for bad input)."""
    if isinstance(caveat, bytes):
        return caveat
    if isinstance(caveat, str):
        return caveat.encode()
    return json.dumps(caveat, sort_keys=True, separators=(",", ":")).encode()


def make_macaroon(location: str | None = "pypi.org", caveats: Sequence[Any] = (),
                  identifier: str | bytes | None = None, key: bytes = TEST_KEY,
                  version: int = MACAROON_V2) -> Macaroon:
    macaroon = Macaroon(location=location, identifier=identifier or str(uuid.uuid4()),
                        key=key, version=version)
    for caveat in caveats:
        macaroon.add_first_party_caveat(caveat_bytes(caveat))
    return macaroon


def make_token(location: str | None = "pypi.org", caveats: Sequence[Any] = (),
               identifier: str | bytes | None = None, key: bytes = TEST_KEY,
               version: int = MACAROON_V2) -> str:
    """A token as PyPI hands it out: ``pypi-`` + unpadded base64url of the binary macaroon."""
    serialized: str = make_macaroon(location, caveats, identifier, key, version).serialize()
    return "pypi-" + serialized

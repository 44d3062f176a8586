"""Read a PyPI API token offline: the macaroon inside it and the scope its caveats embed.

A PyPI token is ``pypi-`` + unpadded base64url of a macaroon in the libmacaroons V2 binary
format, whose first-party caveats are JSON (warehouse/macaroons/services.py and
warehouse/macaroons/caveats/). The signature is not verified: without PyPI's key it proves
nothing. What we want is to tell, before an upload, that PyPI would refuse this token.

Error messages describe the structure that is wrong and never quote the token.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from packaging.utils import canonicalize_name

PREFIX = "pypi-"
SIGNATURE_SIZE = 32  # HMAC-SHA256; a shorter one means the token was cut short

# V2 field types (libmacaroons doc/format.txt).
_EOS, _LOCATION, _IDENTIFIER, _VID, _SIGNATURE = 0, 1, 2, 4, 6
_TRUNCATED = "it ends in the middle of a field (cut short when it was copied?)"


class MacaroonError(ValueError):
    """The text is not a macaroon; the message says why."""


@dataclass(frozen=True)
class Macaroon:
    version: int  # 1 or 2, the binary format
    location: str
    identifier: bytes = field(repr=False)
    caveats: tuple[bytes, ...]  # first-party caveat predicates, in order
    third_party_caveats: int = 0  # PyPI issues none; counted, not read


def decode_token(token: str) -> Macaroon:
    """The macaroon of a ``pypi-`` token; MacaroonError for anything else."""
    if not token.startswith(PREFIX):
        raise MacaroonError(f"it does not start with {PREFIX!r}")
    rest = token[len(PREFIX):]
    try:
        return parse(_decode_base64url(rest, offset=len(PREFIX)))
    except MacaroonError:
        # "pypi-" is valid base64url, so a doubled paste shows only as a vaguer error;
        # naming it only on failure means a real token that happens to hold it still passes.
        if PREFIX in rest:
            raise MacaroonError(f"it contains {PREFIX!r} twice (pasted twice?)") from None
        raise


def _decode_base64url(text: str, offset: int) -> bytes:
    """Strict base64url; padding is optional (PyPI strips it) but must be right if present."""
    body = text.rstrip("=")
    padding = len(text) - len(body)
    if not body:
        raise MacaroonError(f"nothing follows {PREFIX!r}")
    if "=" in body:
        raise MacaroonError("it has base64 padding '=' in the middle (two tokens pasted together?)")
    for position, char in enumerate(body):
        if not (char.isascii() and (char.isalnum() or char in "-_")):
            # One character and its position help find a paste error and reveal nothing.
            raise MacaroonError(f"character {position + offset + 1} ({char!r}) "
                                "is not base64url")
    if len(body) % 4 == 1:
        raise MacaroonError("its base64 text has an impossible length (cut short?)")
    if padding and (padding > 2 or len(text) % 4):
        raise MacaroonError("its base64 padding is wrong")
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError:  # binascii.Error; unreachable after the checks above; cheap insurance
        raise MacaroonError("it is not valid base64url") from None


def parse(data: bytes) -> Macaroon:
    """A macaroon in the V2 binary format, or V1 (which starts with an ASCII hex length)."""
    if not data:
        raise MacaroonError("it decodes to nothing")
    if data[0] == 2:
        return _parse_v2(data)
    if re.fullmatch(rb"[0-9a-f]{4}", data[:4]):
        return _parse_v1(data)
    raise MacaroonError("it decodes to bytes that are not a macaroon")


class _Reader:
    def __init__(self, data: bytes, position: int) -> None:
        self.data, self.position = data, position

    def uvarint(self) -> int:
        value = shift = 0
        while self.position < len(self.data):
            byte = self.data[self.position]
            self.position += 1
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                return value
            shift += 7
            if shift > 63:
                raise MacaroonError("it holds a field length too large to be real")
        raise MacaroonError(_TRUNCATED)

    def packet(self) -> tuple[int, bytes]:
        kind = self.uvarint()
        if kind == _EOS:
            return kind, b""
        length = self.uvarint()
        end = self.position + length
        if end > len(self.data):
            raise MacaroonError(_TRUNCATED)
        payload, self.position = self.data[self.position:end], end
        return kind, payload

    def section(self) -> dict[int, bytes]:
        """Packets up to an end-of-section marker; field types strictly increase."""
        fields: dict[int, bytes] = {}
        while True:
            kind, payload = self.packet()
            if kind == _EOS:
                return fields
            if fields and kind <= max(fields):
                raise MacaroonError("its fields are out of order")
            fields[kind] = payload


def _parse_v2(data: bytes) -> Macaroon:
    reader = _Reader(data, 1)
    header = reader.section()
    if _IDENTIFIER not in header or set(header) - {_LOCATION, _IDENTIFIER}:
        raise MacaroonError("its header is not a location and an identifier")
    caveats: list[bytes] = []
    third_party = 0
    while section := reader.section():
        if _IDENTIFIER not in section or set(section) - {_LOCATION, _IDENTIFIER, _VID}:
            raise MacaroonError("it has a caveat without an identifier or with unknown fields")
        if _VID in section:
            third_party += 1
        elif _LOCATION in section:  # pymacaroons, hence PyPI, rejects this
            raise MacaroonError("it has a first-party caveat with a location")
        else:
            caveats.append(section[_IDENTIFIER])
    kind, signature = reader.packet()
    if kind != _SIGNATURE:
        raise MacaroonError("it has no signature where one belongs")
    return _finish(2, header.get(_LOCATION, b""), header[_IDENTIFIER], caveats, third_party,
                   signature, trailing=len(data) - reader.position)


def _parse_v1(data: bytes) -> Macaroon:
    # Packets are a 4-hex-digit total size, then "key value\n" (libmacaroons V1).
    values: dict[bytes, bytes] = {}
    caveats: list[bytes] = []
    third_party = 0
    position = 0
    while position < len(data) and b"signature" not in values:
        if not re.fullmatch(rb"[0-9a-f]{4}", data[position:position + 4]):
            raise MacaroonError(_TRUNCATED)
        end = position + int(data[position:position + 4], 16)
        packet = data[position + 4:end]
        if end > len(data) or not packet.endswith(b"\n") or b" " not in packet:
            raise MacaroonError(_TRUNCATED)
        key, _, value = packet[:-1].partition(b" ")
        if key == b"cid":
            caveats.append(value)
        elif key == b"vid" and caveats:
            third_party += 1
            caveats.pop()  # a cid followed by a vid is a third-party caveat
        elif key in (b"location", b"identifier", b"signature") and key not in values:
            values[key] = value
        elif key != b"cl":
            raise MacaroonError("it has an unknown or repeated field")
        position = end
    if b"identifier" not in values or b"signature" not in values:
        raise MacaroonError(_TRUNCATED)
    return _finish(1, values.get(b"location", b""), values[b"identifier"], caveats, third_party,
                   values[b"signature"], trailing=len(data) - position)


def _finish(version: int, location: bytes, identifier: bytes, caveats: list[bytes],
            third_party: int, signature: bytes, *, trailing: int) -> Macaroon:
    if len(signature) != SIGNATURE_SIZE:
        raise MacaroonError(f"its signature has {len(signature)} bytes, not {SIGNATURE_SIZE} "
                            "(cut short?)")
    if trailing:
        raise MacaroonError(f"{trailing} stray bytes follow its signature")
    try:
        text = location.decode("utf-8")
    except UnicodeDecodeError:
        raise MacaroonError("its location is not UTF-8 text") from None
    return Macaroon(version, text, identifier, tuple(caveats), third_party)


@dataclass
class Scope:
    """What a token's caveats allow, as PyPI reads them (each caveat must hold)."""

    project_names: frozenset[str] | None = None  # normalized; None: no name restriction
    project_ids: frozenset[str] | None = None
    user: bool = False  # tied to the account that made it: valid for all its projects
    publisher: bool = False  # minted by trusted publishing
    expires_at: int | None = None
    not_before: int | None = None
    can_upload: bool = True
    unknown: list[str] = field(default_factory=list)  # caveats a newer PyPI may understand
    invalid: list[str] = field(default_factory=list)  # caveats PyPI cannot read: it refuses


def read_scope(caveats: Sequence[bytes]) -> Scope:
    scope = Scope()
    for number, predicate in enumerate(caveats, 1):
        problem = _apply(scope, predicate)
        if problem:
            scope.invalid.append(f"caveat {number} {problem}")
    return scope


def _apply(scope: Scope, predicate: bytes) -> str:
    """Fold one caveat into ``scope``; returns why PyPI could not read it, or ''."""
    try:
        data = json.loads(predicate)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return "is not JSON"
    if isinstance(data, dict):
        data = _adapt_legacy(data)
        if data is None:
            return "is a JSON object PyPI does not know"
    if not isinstance(data, list) or not data:
        return "is not a non-empty JSON array"
    tag, *values = data
    if type(tag) is not int:
        return "has a tag that is not an integer"
    # Tags and field order: warehouse/macaroons/caveats/__init__.py. Extra values are
    # ignored there too (fields may be added at the end).
    if tag == 0:  # Expiration: [0, expires_at, not_before]
        if len(values) < 2 or not all(type(v) is int for v in values[:2]):
            return "(expiration) needs two integer timestamps"
        expires_at, not_before = values[:2]
        # Every caveat must hold, so several expirations narrow the window.
        if scope.expires_at is None or expires_at < scope.expires_at:
            scope.expires_at = expires_at
        if scope.not_before is None or not_before > scope.not_before:
            scope.not_before = not_before
    elif tag in (1, 2):  # ProjectName / ProjectID: a list of strings
        items = values[0] if values else None
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            return "(project restriction) needs a list of strings"
        if tag == 1:
            names = frozenset(canonicalize_name(i) for i in items)
            scope.project_names = _narrow(scope.project_names, names)
        else:
            scope.project_ids = _narrow(scope.project_ids, frozenset(items))
    elif tag in (3, 4):  # RequestUser / OIDCPublisher: an id string
        if not values or not isinstance(values[0], str):
            return "(user or publisher restriction) needs an id string"
        if tag == 3:
            scope.user = True
        else:
            scope.publisher = True
    elif tag == 5:  # Permission: a bit set, bit 0 is "upload"
        return _apply_permission(scope, values[0] if values else None)
    else:
        scope.unknown.append(f"tag {str(tag)[:12]}")  # shown to the user: keep it short
    return ""


def _narrow(allowed: frozenset[str] | None, more: frozenset[str]) -> frozenset[str]:
    # Every caveat must hold, so two project lists allow only what both name.
    return more if allowed is None else allowed & more


def _apply_permission(scope: Scope, value: Any) -> str:
    if type(value) is int:
        scope.can_upload = scope.can_upload and bool(value & 1)
    elif isinstance(value, list):
        scope.can_upload = scope.can_upload and "upload" in value
    else:
        return "(permission) needs an integer or a list"
    return ""


def _adapt_legacy(data: dict[str, Any]) -> list[Any] | None:
    """Warehouse's first caveats were objects; it still accepts them (caveats/_legacy.py)."""
    if data.get("version") == 1:
        permissions = data.get("permissions")
        if permissions == "user":
            return [3, "(the account that made the token)"]
        if isinstance(permissions, dict) and "projects" in permissions:
            return [1, permissions["projects"]]
        return None
    if "exp" in data and "nbf" in data:
        return [0, data["exp"], data["nbf"]]
    if "project_ids" in data:
        return [2, data["project_ids"]]
    return None

"""PEP 740 attestations built from text, in the shape pypi-attestations writes them: the
statement is real (it names the file and its sha256); the certificate, the log entry and the
signature are stand-ins, since no Sigstore identity exists in a test."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

PUBLISH = "https://docs.pypi.org/attestations/publish/v1"
SLSA = "https://slsa.dev/provenance/v1"
IN_TOTO = "https://in-toto.io/Statement/v1"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def statement(name: str, sha256: str, predicate: str = PUBLISH) -> dict[str, Any]:
    return {"_type": IN_TOTO, "subject": [{"name": name, "digest": {"sha256": sha256}}],
            "predicateType": predicate, "predicate": None}


def attestation(inner: dict[str, Any] | bytes) -> dict[str, Any]:
    """pypi-attestations' ``Attestation`` around a statement (a dict, or raw bytes)."""
    raw = inner if isinstance(inner, bytes) else json.dumps(inner).encode()
    return {"version": 1,
            "verification_material": {"certificate": b64(b"stand-in DER certificate"),
                                      "transparency_entries": [{"logIndex": "1"}]},
            "envelope": {"statement": b64(raw), "signature": b64(b"stand-in signature")}}


def write_attestation(dist: Path, *, kind: str = "publish", predicate: str = PUBLISH,
                      name: str | None = None, sha256: str | None = None) -> Path:
    """``<dist>.<kind>.attestation`` naming ``dist`` (or ``name``) and its sha256 (or
    ``sha256``), as pypi-attestations sign writes it."""
    digest = sha256 or hashlib.sha256(dist.read_bytes()).hexdigest()
    path = dist.with_name(f"{dist.name}.{kind}.attestation")
    path.write_text(json.dumps(attestation(statement(name or dist.name, digest, predicate))))
    return path

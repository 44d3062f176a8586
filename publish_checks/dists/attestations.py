"""PEP 740 attestations as pypi-attestations writes them (``<dist>.publish.attestation``,
what gh-action-pypi-publish uploads), read without Sigstore.

What is checked here: the JSON shape of pypi-attestations' ``Attestation`` model, the
in-toto statement inside its envelope, and that the statement names the file and its sha256
as PyPI's upload requires. What cannot be checked offline, and is not: the signing
certificate's chain to Fulcio, the transparency-log entry and the signature itself; PyPI
verifies those against the trusted publisher on upload.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    parse_sdist_filename,
    parse_wheel_filename,
)

from publish_checks._record import Record, record
from publish_checks._text import TextError, printable, read_bytes
from publish_checks.dists.scan import Dist

PUBLISH_PREDICATE = "https://docs.pypi.org/attestations/publish/v1"
SLSA_PREDICATE = "https://slsa.dev/provenance/v1"
#: The predicate types PyPI takes, at most one attestation of each per file.
PREDICATES = (PUBLISH_PREDICATE, SLSA_PREDICATE)
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PUBLISH_SUFFIX = ".publish.attestation"
# The digests sigstore's in-toto statement model (sigstore.dsse.DigestSet) reads; PyPI
# refuses a statement whose subject names any other.
DIGESTS = ("sha256", "sha384", "sha512", "sha3_256", "sha3_384", "sha3_512")
INVALID_STATEMENT = 'PyPI: "Verification failed: invalid statement: …"'
# A signed attestation is a few kilobytes (a certificate, one log entry, a statement).
SIZE_LIMIT = 1024 * 1024


class AttestationError(Exception):
    """An attestation that is not one; ``problem`` completes "<file>: …"."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


@record
class Statement(Record):
    """What an attestation's in-toto statement says: the one file it is about."""

    subject: str  # the file name it names
    sha256: str  # the digest it names for it
    predicate_type: str


def publish_attestation(dist: Path) -> Path:
    """Where pypi-attestations and gh-action-pypi-publish write ``dist``'s attestation."""
    return dist.with_name(dist.name + PUBLISH_SUFFIX)


def read_attestation(path: Path) -> Statement:
    """The statement of the attestation in ``path``; AttestationError when it is malformed."""
    try:
        data = read_bytes(path, limit=SIZE_LIMIT)
    except TextError as e:
        raise AttestationError(e.problem) from None
    return parse_attestation(data)


def parse_attestation(data: bytes) -> Statement:
    """The statement of an attestation (JSON, pypi-attestations' ``Attestation`` shape)."""
    try:
        attestation = json.loads(data)
    except (ValueError, RecursionError):  # not UTF-8, not JSON, nested past the stack
        raise AttestationError("not JSON") from None
    document = _object(attestation, "attestation")
    if document.get("version") != 1:
        raise AttestationError(f"version is {_shown(document.get('version'))}, not 1")
    material = _object(document.get("verification_material"), "verification_material")
    _base64(material.get("certificate"), "verification_material.certificate")
    entries = material.get("transparency_entries")
    if not isinstance(entries, list) or not entries:
        raise AttestationError("no verification_material.transparency_entries")
    for entry in entries:
        _object(entry, "a verification_material.transparency_entries item")
    envelope = _object(document.get("envelope"), "envelope")
    _base64(envelope.get("signature"), "envelope.signature")
    raw = _base64(envelope.get("statement"), "envelope.statement")
    try:
        statement = _object(json.loads(raw), "statement")
    except (ValueError, RecursionError):
        raise AttestationError("envelope.statement is not JSON") from None
    return _statement(statement)


def _statement(statement: dict[str, Any]) -> Statement:
    if statement.get("_type") != STATEMENT_TYPE:
        raise AttestationError(f"the statement's _type is {_shown(statement.get('_type'))}, "
                               f"not {STATEMENT_TYPE}")
    subjects = statement.get("subject")
    if not isinstance(subjects, list):
        subjects = []
    count = len(subjects)
    if count == 0:
        raise AttestationError("the statement has no subject")
    if count > 1:  # pypi-attestations' words, which PyPI's answer quotes
        raise AttestationError(f"the statement has {count} subjects (PyPI: \"Verification "
                               "failed: too many subjects in statement (must be exactly one)\")")
    subject = _object(subjects[0], "statement subject")
    name, digest = subject.get("name"), subject.get("digest")
    if not isinstance(name, str) or not name:
        raise AttestationError("the statement's subject has no name (PyPI: \"Verification "
                               "failed: invalid subject: missing name\")")
    if not isinstance(digest, dict) or not isinstance(digest.get("sha256"), str):
        raise AttestationError("the statement's subject has no sha256 digest")
    sha256: str = digest["sha256"]
    for algorithm, value in digest.items():
        if algorithm not in DIGESTS or not isinstance(value, str):
            raise AttestationError(f"the statement's subject digest {_shown(algorithm)} is "
                                   f"not one of {', '.join(DIGESTS)} with a text value "
                                   f"({INVALID_STATEMENT})")
    predicate_type = statement.get("predicateType")
    if not isinstance(predicate_type, str):
        raise AttestationError("the statement has no predicateType")
    predicate = statement.get("predicate")
    if predicate is not None and not isinstance(predicate, dict):
        raise AttestationError(f"the statement's predicate is a JSON {_json_type(predicate)}, "
                               f"not an object ({INVALID_STATEMENT})")
    return Statement(name, sha256, predicate_type)


def _object(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise AttestationError(f"no {what} object" if value is None
                               else f"{what} is a JSON {_json_type(value)}, not an object")
    return value


def _base64(value: object, what: str) -> bytes:
    if not isinstance(value, str) or not value:
        raise AttestationError(f"no {what}")
    try:  # pydantic's Base64Bytes, as pypi-attestations reads it, ignores line breaks
        return base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        raise AttestationError(f"{what} is not base64") from None


def _json_type(value: object) -> str:
    return {list: "array", str: "string", bool: "boolean", int: "number",
            float: "number"}.get(type(value), "value")


def _shown(value: object) -> str:
    return "(none)" if value is None else json.dumps(value)[:80]


def subject_problem(statement: Statement, filename: str, sha256: str) -> str | None:
    """Why PyPI would refuse this statement for ``filename`` with ``sha256`` (completing
    "<attestation>: …", with the words of PyPI's verification), or None.

    Names compare as PyPI compares them (pypi-attestations' ``Attestation.verify``):
    parsed into normalized name, version and tags, so ``Demo_Pkg-1.2.0.tar.gz`` names
    ``demo_pkg-1.2.0.tar.gz``.
    """
    failed = "Verification failed"
    try:
        named = _parsed(statement.subject)
    except ValueError as e:
        return (f"it names {statement.subject!r}, which is no wheel or sdist filename (PyPI: "
                f'"{failed}: invalid subject: {e}")')
    if named != _parsed(filename):
        return (f"it names the file {statement.subject}, not {filename} (PyPI: \"{failed}: "
                f'subject does not match distribution name: {statement.subject} != '
                f'{filename}")')
    if statement.sha256 != sha256:
        # PyPI compares the text as written: the same digest in capitals is another one.
        case = (" (in capitals: PyPI compares lowercase hex as written)"
                if statement.sha256.lower() == sha256 else "")
        return (f"it names sha256 {statement.sha256[:16]}…, but {filename} has sha256 "
                f'{sha256[:16]}…{case} (PyPI: "{failed}: subject does not match distribution '
                'digest")')
    if statement.predicate_type not in PREDICATES:  # pypi-attestations' check, before PyPI's
        return (f"its predicateType is {statement.predicate_type} (PyPI: \"{failed}: unknown "
                f'attestation type: {statement.predicate_type}")')
    return None


def _parsed(filename: str) -> object:
    """A distribution filename's parts (ValueError for a name that is no dist's)."""
    try:
        if filename.endswith(".whl"):
            return parse_wheel_filename(filename)
        if filename.endswith((".tar.gz", ".zip")):
            return parse_sdist_filename(filename)
    except (InvalidWheelFilename, InvalidSdistFilename) as e:
        raise ValueError(str(e)) from None
    raise ValueError(f"unknown distribution format: {filename}")  # pypi-attestations' words


def pair(paths: Iterable[Path], dists: Sequence[Dist]) -> tuple[dict[str, list[Path]],
                                                                 list[Path]]:
    """Each attestation with the dist it is uploaded with (each dist whose filename its name
    starts with, dists/scan.py), and those that go with none of ``dists``."""
    paired: dict[str, list[Path]] = {d.filename: [] for d in dists}
    unpaired = []
    for path in paths:
        owners = [d.filename for d in dists if path.name.startswith(d.filename + ".")]
        for owner in owners:
            paired[owner].append(path)
        if not owners:
            unpaired.append(path)
    return paired, unpaired


def refusals(dist: Dist, paths: Sequence[Path], sha256: str) -> list[str]:
    """What PyPI would refuse among ``dist``'s attestations, each naming its file and the
    rule (PyPI's words in quotes). ``sha256`` is the file's."""
    problems = []
    if len(paths) > len(PREDICATES):
        problems.append(f"{dist.filename} has {len(paths)} attestations (PyPI: \"A maximum of "
                        f"{len(PREDICATES)} attestations per file are supported\")")
    kinds: dict[str, str] = {}
    for path in paths:
        name = printable(path.name)
        try:
            statement = read_attestation(path)
        except AttestationError as e:
            problems.append(f"{name}: {printable(e.problem)}")
            continue
        if (why := subject_problem(statement, dist.filename, sha256)) is not None:
            problems.append(f"{name}: {printable(why)}")
            continue
        kind = statement.predicate_type
        if kind in kinds:
            problems.append(f"{name} and {kinds[kind]} are both {kind} attestations of "
                            f"{dist.filename} (PyPI: \"Multiple attestations for the same "
                            f"file with the same predicate type ({kind}) are not supported\")")
        kinds.setdefault(kind, name)
    return problems

"""The files that go with a distribution in ``dist/`` and are uploaded with it (signatures,
attestations), known by their names alone: the uploaders' adapters read these without the
rest of dists/scan.py (and packaging), which the early start of the uploader does not wait
for (release/standby.py)."""

from __future__ import annotations

from fnmatch import fnmatchcase

# Files twine accepts next to a distribution and uploads with it; not distributions themselves.
COMPANION_SUFFIXES = (".asc", ".publish.attestation")
# twine's own pattern for attestations (commands._split_inputs): any kind, not only
# gh-action-pypi-publish's .publish.attestation; each goes with the dists its name starts with.
ATTESTATION_PATTERN = "*.*.attestation"


def is_attestation(name: str) -> bool:
    return fnmatchcase(name, ATTESTATION_PATTERN)

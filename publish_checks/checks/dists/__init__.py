"""dists-*: dist/ holds exactly this release, well-formed, complete and free of secrets.

Each check is exported here, where its id's prefix says it is (the registry and a reader
look here); its code is in the module named after what it looks at: ``files`` (present,
stale, size), ``metadata`` (metadata, archive), ``attestations``, ``contents`` (contents,
secrets), ``install``.
"""

from __future__ import annotations

from publish_checks.checks.dists.attestations import dists_attestations
from publish_checks.checks.dists.contents import dists_contents, dists_secrets
from publish_checks.checks.dists.files import dists_present, dists_size, dists_stale
from publish_checks.checks.dists.install import dists_install
from publish_checks.checks.dists.metadata import dists_archive, dists_metadata

__all__ = [
    "dists_archive",
    "dists_attestations",
    "dists_contents",
    "dists_install",
    "dists_metadata",
    "dists_present",
    "dists_secrets",
    "dists_size",
    "dists_stale",
]

"""What PyPI's upload endpoint refuses in a file's core metadata (and, through
dists/filenames.py, its name): one small function per rule family, each returning its
refusals in PyPI's own words (warehouse's forklift/legacy.py and forklift/metadata.py, and
the packaging validators it runs first), led by the field and the label they are about.

PyPI validates the metadata the uploader sends, which it reads from the file's METADATA
or PKG-INFO: so these rules read that file. Hints hold :data:`BUILD` where the build
command goes.

The rules are grouped by the fields they judge: ``form`` (encoding, Metadata-Version,
fields once, Dynamic), ``identity`` (name, version), ``requirements``, ``about``
(classifiers, summary, emails, URLs) and ``licenses``; ``upload`` reads the file, ``fields``
is what PyPI knows of each field.
"""

from __future__ import annotations

from collections.abc import Callable

from publish_checks.dists.filenames import filename_refusals
from publish_checks.dists.metadata.about import classifiers, emails, summary, urls
from publish_checks.dists.metadata.fields import PYPI_METADATA_VERSIONS
from publish_checks.dists.metadata.form import dynamic, encoding, fields_once, metadata_version
from publish_checks.dists.metadata.identity import PUBLIC_VERSION, identity, name_and_version
from publish_checks.dists.metadata.licenses import license_fields, license_files
from publish_checks.dists.metadata.requirements import dependencies
from publish_checks.dists.metadata.upload import Upload
from publish_checks.dists.refusal import BUILD, Refusal
from publish_checks.dists.scan import Dist

__all__ = [
    "BUILD",
    "METADATA_RULES",
    "PUBLIC_VERSION",
    "PYPI_METADATA_VERSIONS",
    "Refusal",
    "Upload",
    "refusals",
]

#: Every core-metadata rule, in the order PyPI reports the fields.
METADATA_RULES: tuple[Callable[[Upload], list[Refusal]], ...] = (
    encoding, metadata_version, fields_once, name_and_version, dependencies, classifiers, summary,
    emails, urls, license_fields, license_files, dynamic)


def refusals(dist: Dist, upload: Upload | None, project: str, version: str) -> list[Refusal]:
    """Everything PyPI would refuse in this file (its metadata's rules when it has some)."""
    found = filename_refusals(dist, project, version)
    if upload is not None:
        found += identity(upload, project, version)
        for rule in METADATA_RULES:
            found += rule(upload)
    return found

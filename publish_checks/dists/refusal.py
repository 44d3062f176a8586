"""A reason PyPI's upload endpoint refuses a file, and the fix: what the filename and
core-metadata rules (dists/filenames.py, dists/metadata/) return."""

from __future__ import annotations

from publish_checks._record import Record, record

#: Where the build command goes in a hint (the check fills in the one this user types).
BUILD = "{build}"
REBUILD = f"rebuild with a current build backend: {BUILD}"


@record
class Refusal(Record):
    """One reason PyPI would refuse the upload, as PyPI words it, and the fix."""

    message: str
    hint: str

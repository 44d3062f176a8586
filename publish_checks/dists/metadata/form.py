"""The file's form: its encoding, its Metadata-Version, each field once and parseable, and
what Dynamic may name."""

from __future__ import annotations

from publish_checks.dists.metadata.fields import (
    ADDED_IN,
    DYNAMIC,
    PLURALS,
    PYPI_METADATA_VERSIONS,
    SINGLE_USE,
    version_tuple,
)
from publish_checks.dists.metadata.upload import Upload
from publish_checks.dists.refusal import REBUILD, Refusal


def encoding(upload: Upload) -> list[Refusal]:
    """The file is UTF-8: twine reads nothing else (and PyPI's metadata is what it sends)."""
    if not upload.not_utf8:
        return []
    dist = upload.dist
    twine = "; ".join(f"unrecognized or malformed field {key!r}" for key in upload.garbled)
    said = f' ("Invalid distribution metadata: {twine}")' if twine else ""
    if not upload.not_utf8_field:  # the whole file: build backends write UTF-8
        fix = REBUILD
    else:
        source = ("readme" if upload.not_utf8_field == "description"
                  else "pyproject.toml, setup.cfg or setup.py")
        fix = f"save the {source} as UTF-8, then {REBUILD}"
    return [Refusal(f"{dist.metadata_member} in {dist.filename} {upload.not_utf8}: twine "
                    f"refuses to upload it{said}", fix)]


def metadata_version(upload: Upload) -> list[Refusal]:
    """Metadata-Version is one PyPI takes, and no field is newer than it."""
    declared = upload.metadata_version
    if declared not in PYPI_METADATA_VERSIONS:
        return [Refusal(f"{declared!r} is not a valid metadata version (PyPI takes "
                        f"{', '.join(PYPI_METADATA_VERSIONS)})", REBUILD)]
    found = []
    for raw in upload.raw:
        header = PLURALS.get(raw, raw.replace("_", "-"))
        added = ADDED_IN.get(header, "1.0")  # one PyPI does not know, it ignores
        # License-File is not sent below twine_conventions.LICENSE_FILE_SENT_FROM.
        if raw != "license_files" and version_tuple(added) > version_tuple(declared):
            found.append(Refusal(f"{header} introduced in metadata version {added}, "
                                 f"not {declared}", REBUILD))
    return found


def fields_once(upload: Upload) -> list[Refusal]:
    """Single-use fields appear once; every field parses (packaging's unparsed fields)."""
    found = []
    for key, values in sorted(upload.unparsed.items()):
        if key not in ADDED_IN:
            found.append(Refusal(f"unrecognized or malformed field {key!r} (twine refuses "
                                 "to upload it)", REBUILD))
            continue
        again = (f" ({key.title()} appears {len(values)} times; it may appear once)"
                 if key in SINGLE_USE and len(values) > 1 else "")
        found.append(Refusal(f"{key!r} has invalid data{again}", REBUILD))
    return found


def dynamic(upload: Upload) -> list[Refusal]:
    """Dynamic names only fields PyPI lets a sdist leave to the build."""
    found = []
    for field in (f.lower() for f in upload.raw.get("dynamic") or []):
        if field in {"name", "version", "metadata-version"}:
            message = f"{field!r} is not allowed as a dynamic field"
        elif field not in ADDED_IN:
            message = f"{field!r} is not a valid dynamic field"
        elif field not in DYNAMIC:
            message = f"Dynamic field {field!r} is not a valid dynamic field."
        else:
            continue
        found.append(Refusal(message, REBUILD))
    return found

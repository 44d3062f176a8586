"""License-Expression, License and License-File."""

from __future__ import annotations

import posixpath

from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression

from publish_checks.dists.filenames import wheel_name_parts
from publish_checks.dists.metadata.fields import PYPI_METADATA_VERSIONS, version_tuple
from publish_checks.dists.metadata.upload import Upload
from publish_checks.dists.refusal import BUILD, REBUILD, Refusal
from publish_checks.project import twine_conventions


def license_fields(upload: Upload) -> list[Refusal]:
    """License-Expression is valid SPDX, and License is not beside it."""
    expression = upload.raw.get("license_expression")
    found = []
    if expression is not None:
        try:
            canonicalize_license_expression(expression)
        except InvalidLicenseExpression as e:
            found.append(Refusal(f"{expression!r} is invalid for 'license-expression' ({e})",
                                 "give [project] license a valid SPDX expression "
                                 f"(https://spdx.org/licenses/), then {BUILD}"))
    if upload.raw.get("license") and expression:
        found.append(Refusal("License is deprecated when License-Expression is present. "
                             "Only License-Expression should be present.",
                             "keep only license = \"<SPDX expression>\" in [project] (no "
                             f"license text or table; drop setup.py's license=), then {BUILD}"))
    return found


def license_files(upload: Upload) -> list[Refusal]:
    """License-File paths are plain relative paths, and each is in the archive."""
    declared = upload.metadata_version
    if (declared not in PYPI_METADATA_VERSIONS
            or version_tuple(declared) < twine_conventions.LICENSE_FILE_SENT_FROM):
        return []  # not sent
    paths, problem = upload.value("license_files")
    if problem:
        return [Refusal(problem, "list license files relative to the project root with '/' "
                                 f"(no '..', no unresolved globs) in [project] license-files, "
                                 f"then {BUILD}")]
    dist = upload.dist
    if dist.kind == "wheel":
        name, version = wheel_name_parts(dist)
        where = f"{name}-{version}.dist-info/licenses/"
    else:
        try:  # warehouse's _commonpath
            top = posixpath.commonpath(upload.names) if upload.names else ""
        except ValueError:  # absolute and relative names mixed: dists-archive reports it
            top = ""
        where = f"{top}/" if top else ""
    present = {n.rstrip("/") for n in upload.names}
    return [Refusal(f"License-File {path} does not exist in distribution file "
                    f"{dist.filename} at {where}{path}",
                    f"the build backend did not include it: {REBUILD}")
            for path in paths or [] if f"{where}{path}" not in present]

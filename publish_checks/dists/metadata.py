"""What PyPI's upload endpoint refuses in a file's name and core metadata: one small function
per rule family, each returning its refusals in PyPI's own words (warehouse's
forklift/legacy.py and forklift/metadata.py, and the packaging validators it runs first).

PyPI validates the metadata the uploader sends, which twine reads from the file's METADATA
or PKG-INFO: so these rules read that file. Hints hold :data:`BUILD` where the build
command goes.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, cast

from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression
from packaging.metadata import InvalidMetadata, Metadata, RawMetadata, parse_email
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename
from packaging.version import InvalidVersion, Version
from trove_classifiers import all_classifiers, deprecated_classifiers

from publish_checks._text import printable
from publish_checks.dists import platforms
from publish_checks.dists.addresses import email_problem, is_pypi_url
from publish_checks.dists.scan import Dist, escaped_name, normalized_stem

BUILD = "{build}"
REBUILD = f"rebuild with a current build backend: {BUILD}"
#: The fix for a version PyPI refuses (invalid, or with a local part).
PUBLIC_VERSION = f"set a public version (no '+…' local part) in your project, then {BUILD}"
# What PyPI takes as Metadata-Version (warehouse's SUPPORTED_METADATA_VERSIONS): not 2.0.
PYPI_METADATA_VERSIONS = ("1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5")
# The Metadata-Version that introduced each field PyPI knows, by header name.
ADDED_IN = {header: version for version, headers in (
    ("1.0", "metadata-version name version platform summary description keywords home-page "
            "author author-email license"),
    ("1.1", "supported-platform download-url classifier requires provides obsoletes"),
    ("1.2", "maintainer maintainer-email requires-dist requires-python requires-external "
            "project-url provides-dist obsoletes-dist"),
    ("2.1", "description-content-type provides-extra"),
    ("2.2", "dynamic"),
    ("2.4", "license-expression license-file"),
    ("2.5", "import-name import-namespace"),
) for header in headers.split()}
# packaging's raw names are the headers in snake case, some in the plural.
_PLURALS = {"platforms": "platform", "supported_platforms": "supported-platform",
            "classifiers": "classifier", "project_urls": "project-url",
            "license_files": "license-file", "import_names": "import-name",
            "import_namespaces": "import-namespace"}
SINGLE_USE = {"metadata-version", "name", "version", "summary", "description",
              "description-content-type", "keywords", "home-page", "download-url", "author",
              "author-email", "maintainer", "maintainer-email", "license",
              "license-expression", "requires-python"}
# What Dynamic may name on PyPI (warehouse's DYNAMIC_FIELDS), lowercased.
DYNAMIC = ADDED_IN.keys() - {"metadata-version", "name", "version", "dynamic"}
SUMMARY_LIMIT = 512
URL_LABEL_LIMIT = 32
# A wheel's name plus ".metadata", which PyPI writes beside it, must fit in NAME_MAX (255).
WHEEL_NAME_LIMIT = 246


@dataclass(frozen=True)
class Refusal:
    """One reason PyPI would refuse the upload, as PyPI words it, and the fix."""

    message: str
    hint: str


@dataclass
class Upload:
    """One file as an upload presents it: its name, its core metadata with the values PyPI
    drops (``UNKNOWN``) dropped, and its member names."""

    dist: Dist
    raw: dict[str, Any]  # packaging's RawMetadata
    unparsed: dict[str, list[str]]
    names: Sequence[str]

    @classmethod
    def parse(cls, dist: Dist, data: bytes, names: Sequence[str]) -> Upload:
        parsed, unparsed = parse_email(data)
        raw: dict[str, Any] = dict(parsed)
        # distutils wrote UNKNOWN for unset fields; PyPI deletes them before validating
        # (the readme check judges an UNKNOWN description itself).
        for key, value in list(raw.items()):
            last = value[-1] if isinstance(value, list) and value else value
            if isinstance(last, str) and last.strip() == "UNKNOWN" and key != "description":
                del raw[key]
        return cls(dist, raw, unparsed, names)

    @cached_property
    def metadata(self) -> Metadata:
        # validate=False: each field is validated when a rule reads it (see value()).
        return Metadata.from_raw(cast(RawMetadata, self.raw), validate=False)

    def value(self, field: str) -> tuple[Any, str | None]:
        """A field's parsed value, or None and packaging's words for why it is invalid."""
        try:
            return getattr(self.metadata, field), None
        except InvalidMetadata as e:
            return None, str(e)
        except ValueError:  # int() of a 5,000-digit version component, say
            return None, f"{field} holds a number too long to read"

    @property
    def metadata_version(self) -> str | None:
        declared = self.raw.get("metadata_version")
        return declared if isinstance(declared, str) else None


def _wheel_name_parts(dist: Dist) -> tuple[str, str]:
    """The name and version segments exactly as the filename spells them."""
    name, version, _ = dist.filename.split("-", 2)
    return name, version


# --- the filename -------------------------------------------------------------------------

def filename_characters(dist: Dist) -> list[Refusal]:
    """Control characters, and wheel names too long for PyPI to store."""
    found = []
    if any(ord(c) < 32 or ord(c) == 127 for c in dist.filename):
        found.append(Refusal("Cannot upload a file with non-printable characters (ordinals "
                             "0-31) or the DEL character (ordinal 127) in the name.", REBUILD))
    if dist.kind == "wheel" and len(dist.filename.encode()) > WHEEL_NAME_LIMIT:
        found.append(Refusal(f"Filename is too long: '{printable(dist.filename)}' "
                             f"({len(dist.filename.encode())} bytes; PyPI takes "
                             f"{WHEEL_NAME_LIMIT})",
                             "shorten it: fewer platform tags per wheel (one wheel per "
                             f"platform) or no build tag, then {BUILD}"))
    return found


def filename_normalized(dist: Dist, project: str, version: str) -> list[Refusal]:
    """PEP 625 sdist names (.tar.gz only) and wheel names with the normalized project name."""
    expected = normalized_stem(project, version)
    if expected is None:
        return []  # version-file reports a bad declared version
    if dist.kind == "sdist":
        if dist.filename == f"{expected}.tar.gz":
            return []
        return [Refusal(f"Filename {dist.filename!r} is invalid, should be "
                        f"{expected + '.tar.gz'!r}.", REBUILD)]
    name, _ = _wheel_name_parts(dist)
    if name != escaped_name(project):
        return [Refusal(f"Filename {dist.filename!r} should contain the normalized project "
                        f"name {escaped_name(project)!r}, not {name!r}.", REBUILD)]
    if dist.stem != expected:  # PyPI compares versions, the wheel spec wants them normalized
        return [Refusal(f"{dist.filename} is not a normalized name (the wheel spec wants "
                        f"{expected}-…)", REBUILD)]
    return []


def platform_tags(dist: Dist) -> list[Refusal]:
    """Every platform in the wheel's (expanded) tags is one PyPI takes."""
    if dist.kind != "wheel":
        return []
    try:
        tags = parse_wheel_filename(dist.filename)[3]
    except InvalidWheelFilename as e:
        return [Refusal(str(e), REBUILD)]
    return [Refusal(f"Binary wheel '{dist.filename}' has an unsupported platform tag "
                    f"'{platform}'.", platforms.fix(dist.filename, platform, BUILD))
            for platform in sorted({tag.platform for tag in tags})
            if not platforms.pypi_takes(platform)]


# --- core metadata ------------------------------------------------------------------------

def identity(upload: Upload, project: str, version: str) -> list[Refusal]:
    """The metadata names this project and version, and the filename agrees with it."""
    (name, bad_name), (meta_version, bad_version) = upload.value("name"), upload.value("version")
    dist, where = upload.dist, f"{upload.dist.filename}'s metadata"
    found = []
    if not bad_name and canonicalize_name(name) != canonicalize_name(project):
        start = canonicalize_name(name).replace("-", "_")
        found.append(Refusal(f"{where} names project {name!r}, not {project!r} (PyPI: "
                             f"Start filename for {name!r} with {start!r}.)", REBUILD))
    try:
        wanted = Version(version)
    except InvalidVersion:
        return found  # version-file reports a bad declared version
    if not bad_version and meta_version != wanted:
        pypi = (f"Version in filename should be {str(meta_version)!r} not {dist.version!r}."
                if dist.kind == "wheel" else
                f"Filename {dist.filename!r} is invalid, should be "
                f"{escaped_name(name or project) + '-' + str(meta_version) + '.tar.gz'!r}.")
        found.append(Refusal(f"{where} has version {meta_version}, not {wanted} (PyPI: "
                             f"{pypi})", f"{BUILD} (it rebuilds from the current version)"))
    return found


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def metadata_version(upload: Upload) -> list[Refusal]:
    """Metadata-Version is one PyPI takes, and no field is newer than it."""
    declared = upload.metadata_version
    if declared not in PYPI_METADATA_VERSIONS:
        return [Refusal(f"{declared!r} is not a valid metadata version (PyPI takes "
                        f"{', '.join(PYPI_METADATA_VERSIONS)})", REBUILD)]
    found = []
    for raw in upload.raw:
        header = _PLURALS.get(raw, raw.replace("_", "-"))
        added = ADDED_IN.get(header, "1.0")  # one PyPI does not know, it ignores
        # twine leaves License-File out below 2.4: old setuptools wrote it with 2.1.
        if raw != "license_files" and _version_tuple(added) > _version_tuple(declared):
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


def name_and_version(upload: Upload) -> list[Refusal]:
    """A valid name, a valid public version (no local part) and valid import names."""
    found = []
    if problem := upload.value("name")[1]:
        found.append(Refusal(problem, f"fix [project] name in pyproject.toml, then {BUILD}"))
    version, problem = upload.value("version")
    hint = PUBLIC_VERSION
    if problem:
        found.append(Refusal(problem, hint))
    elif version.local:
        found.append(Refusal(f"The use of local versions in '{version}' is not allowed.",
                             hint))
    for field in ("import_names", "import_namespaces"):
        # Import-Name is new in packaging 26: an older one cannot judge it.
        if field in vars(Metadata) and (problem := upload.value(field)[1]):
            found.append(Refusal(problem, f"fix [project] {field.replace('_', '-')} in "
                                          f"pyproject.toml, then {BUILD}"))
    return found


def dependencies(upload: Upload) -> list[Refusal]:
    """Requires-Python, Requires-Dist and Provides-Extra are valid, and no requirement is a
    direct URL reference (nor in Provides-Dist/Obsoletes-Dist)."""
    no_url = ("depend on a release from the index instead (e.g. 'name>=1.0'): PyPI takes "
              f"no direct URL references; then {BUILD}")
    found = []
    for field, where in (("requires_python", "requires-python"),
                         ("requires_dist", "dependencies / optional-dependencies"),
                         ("provides_extra", "optional-dependencies")):
        value, problem = upload.value(field)
        if problem:
            found.append(Refusal(problem, f"fix [project] {where} in pyproject.toml, "
                                          f"then {BUILD}"))
        elif field == "requires_dist":
            found += [Refusal(f"Can't have direct dependency: {req}", no_url)
                      for req in value or [] if req.url]
    for field in ("provides_dist", "obsoletes_dist"):
        for text in upload.raw.get(field) or []:
            try:
                requirement = Requirement(text)
            except InvalidRequirement as e:
                found.append(Refusal(f"{text!r} is invalid: {e}", REBUILD))
                continue
            if requirement.url:
                found.append(Refusal(f"Can't have direct dependency: {text!r}", no_url))
    return found


def classifiers(upload: Upload) -> list[Refusal]:
    """Each classifier is in trove-classifiers' list and not deprecated."""
    given = set(upload.raw.get("classifiers") or [])
    fix = f"use classifiers listed at https://pypi.org/classifiers/, then {BUILD}"
    found = [Refusal(f"{c!r} is not a valid classifier.", fix)
             for c in sorted(given - set(all_classifiers))]
    for c in sorted(given & deprecated_classifiers.keys()):
        if replacements := deprecated_classifiers[c]:
            found.append(Refusal(f"The classifier {c!r} has been deprecated, use one of "
                                 f"{replacements} instead.",
                                 f"replace it in [project] classifiers, then {BUILD}"))
        else:
            found.append(Refusal(f"The classifier {c!r} has been deprecated.",
                                 f"remove it from [project] classifiers, then {BUILD}"))
    return found


def summary(upload: Upload) -> list[Refusal]:
    """The Summary is one line of at most 512 characters."""
    value, problem = upload.value("summary")
    fix = (f"make [project] description one line of at most {SUMMARY_LIMIT} characters, "
           f"then {BUILD}")
    if problem:
        return [Refusal(problem, fix)]
    if value is not None and len(value) > SUMMARY_LIMIT:
        return [Refusal(f"'summary' field must be {SUMMARY_LIMIT} characters or less. (It "
                        f"has {len(value)}.)", fix)]
    return []


def emails(upload: Upload) -> list[Refusal]:
    """Author-Email and Maintainer-Email hold addresses PyPI takes."""
    found = []
    for field in ("author_email", "maintainer_email"):
        value = upload.raw.get(field)
        if isinstance(value, str) and (problem := email_problem(value)):
            address, why = problem
            found.append(Refusal(f"{address!r} is not a valid email address: {why}",
                                 f"fix the email of [project] {field.split('_')[0]}s in "
                                 f"pyproject.toml, then {BUILD}"))
    return found


def urls(upload: Upload) -> list[Refusal]:
    """Home-page, Download-URL and each Project-URL are http(s) URLs; labels are short."""
    fix = ("give [project.urls] http:// or https:// URLs with labels of at most "
           f"{URL_LABEL_LIMIT} characters, then {BUILD}")
    found = [Refusal(f"{url!r} is not a valid url.", fix)
             for url in (upload.raw.get("home_page"), upload.raw.get("download_url"))
             if isinstance(url, str) and not is_pypi_url(url)]
    for label, url in (upload.raw.get("project_urls") or {}).items():
        if not label:
            found.append(Refusal("Must have a label", fix))
        elif len(label) > URL_LABEL_LIMIT:
            found.append(Refusal(f"{label!r} must be {URL_LABEL_LIMIT} characters or less.",
                                 fix))
        elif not url:
            found.append(Refusal("Must have a URL", fix))
        elif not is_pypi_url(url):
            found.append(Refusal(f"{url!r} is not a valid url", fix))
    return found


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
    if declared not in PYPI_METADATA_VERSIONS or _version_tuple(declared) < (2, 4):
        return []  # below 2.4 twine does not send License-File
    paths, problem = upload.value("license_files")
    if problem:
        return [Refusal(problem, "list license files relative to the project root with '/' "
                                 f"(no '..', no unresolved globs) in [project] license-files, "
                                 f"then {BUILD}")]
    dist = upload.dist
    if dist.kind == "wheel":
        name, version = _wheel_name_parts(dist)
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


#: Every core-metadata rule, in the order PyPI reports the fields.
METADATA_RULES: tuple[Callable[[Upload], list[Refusal]], ...] = (
    metadata_version, fields_once, name_and_version, dependencies, classifiers, summary,
    emails, urls, license_fields, license_files, dynamic)


def refusals(dist: Dist, upload: Upload | None, project: str, version: str) -> list[Refusal]:
    """Everything PyPI would refuse in this file (its metadata's rules when it has some)."""
    found = [*filename_characters(dist), *filename_normalized(dist, project, version),
             *platform_tags(dist)]
    if upload is not None:
        found += identity(upload, project, version)
        for rule in METADATA_RULES:
            found += rule(upload)
    return found

"""What PyPI's upload endpoint refuses in a file's core metadata (and, through
dists/filenames.py, its name): one small function per rule family, each returning its
refusals in PyPI's own words (warehouse's forklift/legacy.py and forklift/metadata.py, and
the packaging validators it runs first), led by the field and the label they are about.

PyPI validates the metadata the uploader sends, which twine reads from the file's METADATA
or PKG-INFO: so these rules read that file. Hints hold :data:`BUILD` where the build
command goes.
"""

from __future__ import annotations

import codecs
import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, cast

from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression
from packaging.metadata import InvalidMetadata, Metadata, RawMetadata, parse_email
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version
from trove_classifiers import all_classifiers, deprecated_classifiers

from publish_checks._text import other_encoding, utf8_error
from publish_checks.dists.addresses import email_problem, is_pypi_url
from publish_checks.dists.filenames import filename_refusals, wheel_name_parts
from publish_checks.dists.refusal import BUILD as BUILD  # re-exported, with Refusal
from publish_checks.dists.refusal import REBUILD
from publish_checks.dists.refusal import Refusal as Refusal
from publish_checks.dists.scan import Dist, escaped_name

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
# The headers of the fields whose PyPI messages do not name them, as core metadata spells them.
_HEADERS = {"author_email": "Author-email", "maintainer_email": "Maintainer-email",
            "home_page": "Home-page", "download_url": "Download-URL",
            "provides_dist": "Provides-Dist", "obsoletes_dist": "Obsoletes-Dist"}
SUMMARY_LIMIT = 512
URL_LABEL_LIMIT = 32


@dataclass
class Upload:
    """One file as an upload presents it: its name, its core metadata with the values PyPI
    drops (``UNKNOWN``) dropped, and its member names."""

    dist: Dist
    raw: dict[str, Any]  # packaging's RawMetadata
    unparsed: dict[str, list[str]]
    names: Sequence[str]
    #: Why the file is not plain UTF-8, completing "<file> …" ("is not UTF-8 (byte 0xe9 on
    #: line 12, in the long description)"), or "".
    #: Its fields are then read from the text as best decoded, so that the other rules judge
    #: them and only this one names the encoding.
    not_utf8: str = ""
    not_utf8_field: str = ""  # the header it happens in; "description" for the body
    #: The fields twine calls malformed for the encoding alone.
    garbled: tuple[str, ...] = ()

    @classmethod
    def parse(cls, dist: Dist, data: bytes, names: Sequence[str]) -> Upload:
        not_utf8, field, text = _encoding_problem(data)
        parsed, unparsed = parse_email(data if text is None else text)
        garbled = () if text is None else tuple(k for k in parse_email(data)[1]
                                                if k not in unparsed)
        raw: dict[str, Any] = dict(parsed)
        # distutils wrote UNKNOWN for unset fields; PyPI deletes them before validating
        # (the readme check judges an UNKNOWN description itself).
        for key, value in list(raw.items()):
            last = value[-1] if isinstance(value, list) and value else value
            if isinstance(last, str) and last.strip() == "UNKNOWN" and key != "description":
                del raw[key]
        return cls(dist, raw, unparsed, names, not_utf8, field, garbled)

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


def _encoding_problem(data: bytes) -> tuple[str, str, str | None]:
    """(what is wrong, completing "<file> …"; the field it is in, "description" for the body;
    the text as best decoded) for metadata that is not plain UTF-8; ("", "", None) for UTF-8."""
    if (other := other_encoding(data)) is not None:
        return f"is {other.name} text, not UTF-8", "", data.decode(other.codec, "replace")
    if data.startswith(codecs.BOM_UTF8):  # then no header is read: the whole is a body
        return ("starts with a UTF-8 byte-order mark, so no field of it can be read", "",
                data[len(codecs.BOM_UTF8):].decode("utf-8", "replace"))
    if (where := utf8_error(data)) is None:
        return "", "", None
    text = data.decode("utf-8", "replace")
    lines = text.split("\n")[:int(where.rsplit(" ", 1)[1])]
    if not lines or any(not line.strip() for line in lines[:-1]):  # past the headers
        return f"is not UTF-8 ({where}, in the long description)", "description", text
    header = next((line for line in reversed(lines) if line[:1] not in (" ", "\t")), "")
    field = header.split(":", 1)[0].strip()
    return f"is not UTF-8 ({where}{f', in its {field} field' if field else ''})", field, text


# --- core metadata ------------------------------------------------------------------------


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
            found += [Refusal(f"Requires-Dist: Can't have direct dependency: {req}", no_url)
                      for req in value or [] if req.url]
    for field in ("provides_dist", "obsoletes_dist"):
        for text in upload.raw.get(field) or []:
            try:
                requirement = Requirement(text)
            except InvalidRequirement as e:
                found.append(Refusal(f"{_HEADERS[field]}: {text!r} is invalid: {e}", REBUILD))
                continue
            if requirement.url:
                found.append(Refusal(f"{_HEADERS[field]}: Can't have direct dependency: "
                                     f"{text!r}", no_url))
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
            found.append(Refusal(f"{_HEADERS[field]}: {address!r} is not a valid email "
                                 f"address: {why}",
                                 f"fix the email of [project] {field.split('_')[0]}s in "
                                 f"pyproject.toml, then {BUILD}"))
    return found


def urls(upload: Upload) -> list[Refusal]:
    """Home-page, Download-URL and each Project-URL are http(s) URLs; labels are short. Each
    refusal names the field and the label (PyPI's words alone name neither)."""
    found = [Refusal(f"{_HEADERS[field]}: {url!r} is not a valid url.",
                     f"make it an http:// or https:// URL (setup.py's "
                     f"{'url' if field == 'home_page' else 'download_url'}=, or [project.urls]), "
                     f"then {BUILD}")
             for field in ("home_page", "download_url")
             if isinstance(url := upload.raw.get(field), str) and not is_pypi_url(url)]
    for label, url in (upload.raw.get("project_urls") or {}).items():
        if not label:
            found.append(Refusal(f"Project-URL with no label, for {url!r}: Must have a label",
                                 f"give {url!r} a label in [project.urls], then {BUILD}"))
        elif len(label) > URL_LABEL_LIMIT:
            found.append(Refusal(f"Project-URL: {label!r} must be {URL_LABEL_LIMIT} "
                                 f"characters or less. (It has {len(label)}.)",
                                 f"shorten that [project.urls] key to at most "
                                 f"{URL_LABEL_LIMIT} characters, then {BUILD}"))
        elif not url:
            found.append(Refusal(f"Project-URL {label!r} has no URL: Must have a URL",
                                 f"give {label!r} in [project.urls] a URL, or remove it, then "
                                 f"{BUILD}"))
        elif not is_pypi_url(url):
            found.append(Refusal(f"Project-URL {label!r}: {url!r} is not a valid url",
                                 f"make {label!r} in [project.urls] an http:// or https:// URL, "
                                 f"then {BUILD}"))
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

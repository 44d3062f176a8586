"""The project's identity: the name and version its metadata gives, valid and public, and
agreeing with the project and the filename."""

from __future__ import annotations

from packaging.metadata import Metadata
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from publish_checks.dists.metadata.upload import Upload
from publish_checks.dists.refusal import BUILD, REBUILD, Refusal
from publish_checks.dists.scan import escaped_name

#: The fix for a version PyPI refuses (invalid, or with a local part).
PUBLIC_VERSION = f"set a public version (no '+…' local part) in your project, then {BUILD}"


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

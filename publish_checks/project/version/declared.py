"""Where the project's version and name are declared (SPEC §3 ``version-file``): the
version file, [project], else wherever its build backend reads them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from publish_checks._errors import ConfigError
from publish_checks._text import TextError, read_text
from publish_checks.project.config import Config, read_pyproject, read_setup_cfg
from publish_checks.project.version.files import version_file
from publish_checks.project.version.hatch import hatch
from publish_checks.project.version.literals import flit
from publish_checks.project.version.pdm import pdm
from publish_checks.project.version.poetry import poetry
from publish_checks.project.version.setuptools import setup_cfg, setuptools_dynamic
from publish_checks.project.version.source import Flaw, SourceKind, VersionSource, table


def _dynamic_label(config: Config, pyproject: dict[str, Any]) -> tuple[str, SourceKind]:
    attr = table(pyproject, "tool", "setuptools", "dynamic").get("version")
    if isinstance(attr, dict) and isinstance(attr.get("attr"), str):
        return f"attr: {attr['attr']}", SourceKind.COMPUTED
    try:
        build = read_text(config.root / "pyproject.toml")
    except TextError:
        build = ""
    for marker, label, kind in (
            ("setuptools_scm", "setuptools-scm", SourceKind.VCS),
            ("setuptools-scm", "setuptools-scm", SourceKind.VCS),
            ("hatch-vcs", "hatch-vcs", SourceKind.VCS),
            ("versioningit", "versioningit", SourceKind.VCS),
            ("attr:", "an attr: reference", SourceKind.COMPUTED),
            ("flit_core", "flit's __version__", SourceKind.COMPUTED)):
        if marker in build:
            return label, kind
    return "the build backend", SourceKind.COMPUTED


def declared_version(config: Config) -> VersionSource:
    """The version source SPEC §3 names: version-file, VERSION, [project].version, else where
    the build backend reads it (a file, its own table, git tags), else the built dists."""
    root = config.root
    name = config.version_file or ("VERSION" if (root / "VERSION").is_file() else None)
    if name is not None:
        return version_file(root, root / name)
    if config.static_version is not None:
        return VersionSource("[project].version", root / "pyproject.toml", config.static_version,
                             kind=SourceKind.PROJECT)
    if config.dynamic_version or not config.project:
        pyproject = _pyproject(root)
        if (source := backend_version(root, pyproject, config)) is not None:
            return source
        if config.dynamic_version:
            label, kind = _dynamic_label(config, pyproject)
            return VersionSource(f"dynamic ({label})", None, None, dynamic=True, kind=kind)
        # No [project] table, and no version in setup.cfg or [tool.poetry]: setup.py (or the
        # backend) sets it, so only the built dists tell it, as for a dynamic one.
        label = "set in setup.py" if (root / "setup.py").is_file() else "set by the build backend"
        return VersionSource(label, None, None, dynamic=True, kind=SourceKind.COMPUTED)
    return VersionSource("[project].version", root / "pyproject.toml", None,
                         "is missing and 'version' is not in [project].dynamic",
                         kind=SourceKind.PROJECT, flaw=Flaw.MISSING)


def declared_name(config: Config) -> str | None:
    """The project's name: [project].name, else where its build backend reads it
    (poetry's [tool.poetry].name, setuptools' setup.cfg [metadata] name)."""
    if config.project_name or config.project:
        return config.project_name
    pyproject = _pyproject(config.root)
    backend = _backend(pyproject)
    if backend.startswith("poetry"):
        name = table(pyproject, "tool", "poetry").get("name")
        return name if isinstance(name, str) else None
    if backend.startswith("setuptools"):
        parser = read_setup_cfg(config.root)[1]
        name = parser.get("metadata", "name", fallback="") if parser is not None else ""
        return name.strip() or None
    return None


def _pyproject(root: Path) -> dict[str, Any]:
    try:
        return read_pyproject(root) or {}
    except ConfigError:  # load_config has read it already; a race is not ours to report
        return {}


def _backend(pyproject: dict[str, Any]) -> str:
    backend = table(pyproject, "build-system").get("build-backend")
    return backend if isinstance(backend, str) else "setuptools.build_meta:__legacy__"


def backend_version(root: Path, pyproject: dict[str, Any],
                    config: Config) -> VersionSource | None:
    """Where the build backend reads a version that is not in [project].version: a literal in
    a file or in its own configuration, or git tags. None when only the dists can tell.

    Without a [project] table only setup.cfg and poetry's [tool.poetry] can hold it.
    """
    backend = _backend(pyproject)
    tool = table(pyproject, "tool")
    if backend.startswith("poetry"):  # poetry.core.masonry.api, poetry_dynamic_versioning
        return poetry(root, tool, config.dynamic_version)
    if backend.startswith("setuptools"):
        found = setuptools_dynamic(root, table(tool, "setuptools")) if config.project else None
        return found or setup_cfg(root, config.dynamic_version)
    if not config.project:
        return None
    if backend.startswith("hatchling"):
        return hatch(root, tool)
    if backend.startswith("pdm.backend"):
        return pdm(root, table(tool, "pdm", "version"))
    if backend.startswith("flit_core") and config.project_name:
        return flit(root, tool, config.project_name)
    return None

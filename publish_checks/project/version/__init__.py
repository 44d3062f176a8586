"""Where the project's version is declared, and what it says (SPEC §3 ``version-file``).

One module per kind of source: ``files`` (a file holding only the version, a backend's
pattern over a file), ``literals`` (a ``__version__`` in Python source, flit's), ``hatch``,
``pdm``, ``poetry``, ``setuptools``; ``declared`` picks the one the project uses, ``spans``
finds where a version key sits for bump, ``source`` is what they all return.
"""

from __future__ import annotations

from publish_checks.project.version.declared import (
    backend_version,
    declared_name,
    declared_version,
)
from publish_checks.project.version.files import parse_version_text
from publish_checks.project.version.literals import literal_string, package_version_attr
from publish_checks.project.version.source import (
    Flaw,
    SourceKind,
    VersionSource,
    version_problem,
)
from publish_checks.project.version.spans import INI_VERSION_KEY, TOML_VERSION_KEY, value_spans

__all__ = [
    "INI_VERSION_KEY",
    "TOML_VERSION_KEY",
    "Flaw",
    "SourceKind",
    "VersionSource",
    "backend_version",
    "declared_name",
    "declared_version",
    "literal_string",
    "package_version_attr",
    "parse_version_text",
    "value_spans",
    "version_problem",
]

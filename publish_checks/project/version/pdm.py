"""pdm-backend's [tool.pdm.version] sources: ``file``, ``scm`` and ``call``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from publish_checks.project.version.files import pattern_source
from publish_checks.project.version.source import SourceKind, VersionSource, from_dists

# pdm-backend's file source, verbatim (its first group is the version).
_PDM_PATTERN = r"""^(?:__version__|VERSION)\s*=\s*[\"'](.+?)[\"']\s*(?:#.*)?$"""


def pdm(root: Path, table: dict[str, Any]) -> VersionSource | None:
    """pdm-backend's [tool.pdm.version]: ``source = "file"`` (a pattern over ``path``),
    ``"scm"`` (git tags) or ``"call"`` (a function it runs)."""
    source, path = table.get("source"), table.get("path")
    if source is None and isinstance(path, str) and (root / path).exists():
        source = "file"  # what pdm-backend assumes too
    if source == "scm":
        return from_dists("pdm-backend's scm source", SourceKind.VCS)
    if source == "call":
        return from_dists("pdm-backend's call source")
    if source != "file" or not isinstance(path, str):
        return None
    pattern = table.get("pattern")
    if pattern is None:
        return pattern_source(root, root / path, _PDM_PATTERN, 1, "pdm-backend")
    return None if not isinstance(pattern, str) else pattern_source(
        root, root / path, pattern, 1, "pdm-backend")

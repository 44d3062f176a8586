"""poetry-core's [tool.poetry].version, and poetry-dynamic-versioning's git tags."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from publish_checks.project.version.files import source_text
from publish_checks.project.version.source import SourceKind, VersionSource, literal, table
from publish_checks.project.version.spans import TOML_VERSION_KEY, one_span


def poetry(root: Path, tool: dict[str, Any], dynamic: bool) -> VersionSource | None:
    """poetry-core's [tool.poetry].version, a static version outside [project]; git tags
    when poetry-dynamic-versioning is enabled (it swaps a "0.0.0" placeholder in the
    pyproject and the package's __version__ for the tag's version while it builds)."""
    if table(tool, "poetry-dynamic-versioning").get("enable") is True:
        return VersionSource("dynamic (poetry-dynamic-versioning)", None, None, dynamic=True,
                             kind=SourceKind.VCS, placeholder="0.0.0")
    raw = table(tool, "poetry").get("version")
    if not isinstance(raw, str):
        return None
    path = root / "pyproject.toml"
    text = source_text(root, path)[1] or ""
    return literal("[tool.poetry].version", path, raw, dynamic=dynamic, kind=SourceKind.CONFIG,
                   span=one_span(text, TOML_VERSION_KEY, "tool.poetry", raw))

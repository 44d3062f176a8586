"""hatchling's version sources: ``regex`` (its default), ``code`` naming a literal, and
hatch-vcs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from publish_checks._errors import ConfigError
from publish_checks.project.config import read_toml
from publish_checks.project.version.files import pattern_source, source_text
from publish_checks.project.version.literals import literal_string
from publish_checks.project.version.source import (
    Flaw,
    SourceKind,
    VersionSource,
    from_dists,
    literal,
    table,
)

# hatchling's regex source, verbatim: __version__ or VERSION, any case, an optional 'v'.
_HATCH_PATTERN = r"""(?i)^(__version__|VERSION) *= *(['"])v?(?P<version>.+?)\2"""


def hatch(root: Path, tool: dict[str, Any]) -> VersionSource | None:
    """hatchling's ``regex`` source (its default), a ``code`` source naming a literal, or
    hatch-vcs, configured in [tool.hatch.version] or in hatch.toml's [version], which
    hatchling lets override it (hatch.toml's top-level tables replace [tool.hatch]'s)."""
    hatch_file = root / "hatch.toml"
    try:
        hatch_toml = read_toml(hatch_file) or {}
    except ConfigError as e:  # "cannot parse PATH: why" or "PATH is not UTF-8 text"
        problem = e.message.replace(f"cannot parse {hatch_file}", "cannot be parsed")
        return VersionSource("hatch.toml", hatch_file, None,
                             problem.replace(f"{hatch_file} ", ""),
                             kind=SourceKind.LITERAL, flaw=Flaw.UNREADABLE,
                             hint="fix hatch.toml: hatchling cannot build with it either")
    version = table(hatch_toml, "version") if "version" in hatch_toml else table(tool, "hatch",
                                                                                 "version")
    source, path = version.get("source", "regex"), version.get("path")
    if source == "vcs":
        return from_dists("hatch-vcs", SourceKind.VCS)
    if source not in ("regex", "code") or not isinstance(path, str):
        return None
    if source == "code":
        label, text, problem = source_text(root, root / path)
        if text is None:
            return VersionSource(label, root / path, None, problem, kind=SourceKind.LITERAL,
                                 flaw=Flaw.UNREADABLE)
        expression = version.get("expression", "__version__")
        raw = literal_string(root / path, expression) if isinstance(expression, str) else None
        return None if raw is None else literal(label, root / path, raw)
    pattern = version.get("pattern") or _HATCH_PATTERN
    if not isinstance(pattern, str):
        return None
    return pattern_source(root, root / path, pattern, "version", "hatch")

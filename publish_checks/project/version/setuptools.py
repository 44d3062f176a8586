"""setuptools' version sources: [tool.setuptools.dynamic] (``file`` or ``attr``) and
setup.cfg's ``[metadata] version`` (a literal, ``attr:`` or ``file:``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from publish_checks._text import shown
from publish_checks.project.config import read_setup_cfg
from publish_checks.project.version.files import version_file
from publish_checks.project.version.literals import literal_string, module_files
from publish_checks.project.version.source import (
    Flaw,
    SourceKind,
    VersionSource,
    from_dists,
    literal,
    table,
)
from publish_checks.project.version.spans import INI_VERSION_KEY, one_span


def setuptools_dynamic(root: Path, setuptools: dict[str, Any]) -> VersionSource | None:
    """``[tool.setuptools.dynamic] version = {file = …}`` or ``{attr = "pkg.mod.NAME"}``;
    None when it names no version (setup.cfg may then hold it)."""
    spec = table(setuptools, "dynamic").get("version")
    if not isinstance(spec, dict):
        return None
    files = spec.get("file")
    files = [files] if isinstance(files, str) else files
    if isinstance(files, list) and len(files) == 1 and isinstance(files[0], str):
        return version_file(root, root / files[0], dynamic=True)
    attr = spec.get("attr")
    if not isinstance(attr, str):
        return from_dists("[tool.setuptools.dynamic] version")
    package_dir = table(setuptools, "package-dir").get("")
    bases = [root / package_dir] if isinstance(package_dir, str) else [root / "src", root]
    return _attr(root, attr, bases)


def _attr(root: Path, attr: str, bases: list[Path]) -> VersionSource:
    """setuptools' ``attr: pkg.mod.NAME``: the literal it reads without importing, else only
    the dists can tell (the value is computed)."""
    module, _, name = attr.strip().rpartition(".")
    for path in module_files(bases, module)[:1] if module else []:
        raw = literal_string(path, name)  # setuptools too reads a literal without importing
        if raw is not None:
            return literal(shown(path, root), path, raw)
    return from_dists(f"attr: {attr.strip()}")


def setup_cfg(root: Path, dynamic: bool) -> VersionSource | None:
    """setuptools' ``[metadata] version`` in setup.cfg: a literal, ``attr:`` or ``file:``."""
    text, parser, problem = read_setup_cfg(root)
    if problem:  # setuptools cannot build either
        return VersionSource("setup.cfg", root / "setup.cfg", None, problem,
                             kind=SourceKind.CONFIG, flaw=Flaw.UNREADABLE,
                             hint="fix setup.cfg: setuptools cannot build with it either")
    value = parser.get("metadata", "version", fallback=None) if parser is not None else None
    if value is None or text is None or parser is None:
        return None
    value = value.strip()
    if value.startswith("attr:"):
        package_dir = {key.strip(): where.strip() for key, _, where in (
            line.partition("=") for line in re.split(r"[\n,]", parser.get(
                "options", "package_dir", fallback="")) if line.strip())}
        bases = [root / package_dir[""]] if "" in package_dir else [root / "src", root]
        return _attr(root, value.removeprefix("attr:"), bases)
    if value.startswith("file:"):
        files = [name.strip() for name in value.removeprefix("file:").split(",")]
        if len(files) == 1:
            return version_file(root, root / files[0], dynamic=True)
        return from_dists(value)
    return literal("[metadata] version in setup.cfg", root / "setup.cfg", value,
                   dynamic=dynamic, kind=SourceKind.CONFIG,
                   span=one_span(text, INI_VERSION_KEY, "metadata", value))

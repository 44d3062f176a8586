"""A string literal in Python source, read and never run: the package's ``__version__``,
and flit's, which flit_core reads from the module it builds."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from publish_checks._text import TextError, read_bytes, shown
from publish_checks.project.version.source import VersionSource, literal, table


def literal_string(path: Path, name: str) -> str | None:
    """The string literal assigned to ``name`` at the top of a Python file (read, never run)."""
    try:
        tree = ast.parse(read_bytes(path))
    except (SyntaxError, ValueError, TextError, RecursionError, MemoryError):
        return None
    for node in tree.body:
        target = (node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1
                  else node.target if isinstance(node, ast.AnnAssign) else None)
        value = getattr(node, "value", None)
        if (isinstance(target, ast.Name) and target.id == name
                and isinstance(value, ast.Constant) and isinstance(value.value, str)):
            return value.value
    return None


def module_files(bases: list[Path], module: str) -> list[Path]:
    """The files a dotted module name may be, under each base, that exist."""
    parts = module.split(".")
    found = []
    for base in bases:
        path = base.joinpath(*parts)
        for candidate in (path / "__init__.py", path.with_name(f"{path.name}.py")):
            if candidate.is_file():
                found.append(candidate)
    return found


def package_version_attr(root: Path, project: str | None) -> tuple[Path, str] | None:
    """The literal ``__version__`` of the project's package, if it has one."""
    if not project:
        return None
    module = canonicalize_name(project).replace("-", "_")
    for base in (root / "src", root):
        for candidate in (base / module / "__init__.py", base / f"{module}.py"):
            if candidate.is_file():
                value = literal_string(candidate, "__version__")
                return None if value is None else (candidate, value)
    return None


def flit(root: Path, tool: dict[str, Any], project_name: str) -> VersionSource | None:
    """flit_core's ``__version__`` in the module it builds ([tool.flit.module] name, else the
    project's name)."""
    module = table(tool, "flit", "module").get("name")
    name = module if isinstance(module, str) else project_name.replace("-", "_")
    for path in module_files([root, root / "src"], name):
        if (raw := literal_string(path, "__version__")) is not None:
            return literal(shown(path, root), path, raw)
    return None

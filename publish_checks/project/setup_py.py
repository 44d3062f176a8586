"""What a ``setup.py`` tells setuptools about its import packages, read with ``ast`` and
never run: the literal ``package_dir``, ``packages`` and ``py_modules`` of its ``setup()``
call, and the folders a ``find_packages(...)`` there searches.

A value that is not a literal (or a name bound once to one) is not guessed at: it is left
out, and the checks then look less far, never fail more.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from publish_checks._record import Record, record
from publish_checks._text import TextError, read_bytes

_FINDERS = {"find_packages": False, "find_namespace_packages": True}
_KEYS = ("package_dir", "packages", "py_modules")
_DEPTH = 8  # names that name names: deeper than any real setup.py


@record
class Find(Record):
    """``packages=find_packages(where, exclude=...)``: the packages under these folders."""

    where: tuple[str, ...]
    exclude: tuple[str, ...] = ()


@record
class SetupPy(Record):
    package_dir: dict[str, str]
    packages: tuple[str, ...] | Find | None  # None: none given, or not a literal
    py_modules: tuple[str, ...]


def read_setup_py(root: Path) -> SetupPy:
    """The layout arguments of ``root/setup.py``'s ``setup()`` call (empty when there is
    none, it does not parse, or they are computed)."""
    empty = SetupPy({}, None, ())
    path = root / "setup.py"
    if not path.is_file():
        return empty
    try:
        tree = ast.parse(read_bytes(path))
    except (SyntaxError, ValueError, TextError, RecursionError, MemoryError):
        return empty
    names = _bound_once(tree)
    found: dict[str, Any] = {}
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call) and _is_setup(n.func)):
        for keyword in call.keywords:
            if keyword.arg is None:  # setup(**options): a dict literal, or a name bound to one
                options = _value(keyword.value, names)
                if isinstance(options, dict):
                    found.update((k, v) for k, v in options.items() if k in _KEYS)
            elif keyword.arg in _KEYS:
                found[keyword.arg] = _value(keyword.value, names)
    package_dir = found.get("package_dir")
    packages = found.get("packages")
    return SetupPy(
        package_dir={k: v for k, v in package_dir.items()
                     if isinstance(k, str) and isinstance(v, str)}
        if isinstance(package_dir, dict) else {},
        packages=packages if isinstance(packages, Find) else _names(packages),
        py_modules=_names(found.get("py_modules")) or ())


def _is_setup(func: ast.expr) -> bool:
    return ((isinstance(func, ast.Name) and func.id == "setup")
            or (isinstance(func, ast.Attribute) and func.attr == "setup"))


def _bound_once(tree: ast.Module) -> dict[str, ast.expr]:
    """Names assigned exactly once anywhere in the file: a name bound twice may be either."""
    seen: dict[str, ast.expr | None] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name):
            seen[target.id] = value if target.id not in seen else None
    return {name: value for name, value in seen.items() if value is not None}


def _value(node: ast.expr, names: dict[str, ast.expr], depth: int = 0) -> Any:
    """A literal, a name bound once to one, a ``find_packages()`` call; else None."""
    if depth > _DEPTH:
        return None
    if isinstance(node, ast.Name):
        bound = names.get(node.id)
        return None if bound is None else _value(bound, names, depth + 1)
    if isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if name not in _FINDERS:
            return None
        where = node.args[0] if node.args else next(
            (k.value for k in node.keywords if k.arg == "where"), None)
        folder = "." if where is None else _value(where, names, depth + 1)
        exclude = node.args[1] if len(node.args) > 1 else next(
            (k.value for k in node.keywords if k.arg == "exclude"), None)
        patterns = () if exclude is None else _names(_value(exclude, names, depth + 1))
        return Find((folder,), patterns or ()) if isinstance(folder, str) else None
    if isinstance(node, ast.Dict):
        keys = [None if k is None else _value(k, names, depth + 1) for k in node.keys]
        return {k: _value(v, names, depth + 1) for k, v in zip(keys, node.values, strict=True)
                if isinstance(k, str)}
    if isinstance(node, ast.List | ast.Tuple):
        items = [_value(item, names, depth + 1) for item in node.elts]
        return items if all(isinstance(i, str) for i in items) else None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _names(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None

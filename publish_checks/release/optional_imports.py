"""Which modules of a release its own code treats as optional (SPEC §3 ``smoke-test``): the
ones it imports only inside a ``try:`` whose handler catches ImportError and goes on (or
under ``contextlib.suppress(ImportError)``). pyyaml's ``yaml/__init__.py`` does
``try: from .cyaml import *`` / ``except ImportError: __with_libyaml__ = False``: without
libyaml, ``yaml.cyaml`` does not import and the package works. Found with :mod:`ast` over
the release's .py files (read from the wheel in memory, or from where an sdist installed
them; bounded); nothing is run."""

from __future__ import annotations

import ast
import warnings
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import cast

MAX_FILE = 2_000_000  # bytes: a larger .py file is a data table, not where imports are
MAX_TOTAL = 100_000_000  # bytes read in all: past that, no module counts as optional
# What a handler must catch, by the name it gives: "ImportError" means every ImportError.
_CATCHES = {"ImportError": "ImportError", "ModuleNotFoundError": "ModuleNotFoundError",
            "Exception": "ImportError", "BaseException": "ImportError"}


@dataclass(frozen=True)
class Guard:
    """How a release's code imports one of its own modules when every import of it is
    guarded."""

    importer: str  # "yaml": the first module (by name) that imports it under try
    # "ImportError", or "ModuleNotFoundError" where a handler catches only that one.
    catches: str

    def __str__(self) -> str:
        return f"{self.importer} imports it under try/except {self.catches}"


def optional_imports(files: Mapping[str, str], read: Callable[[str], bytes | None]
                     ) -> dict[str, Guard]:
    """Among the modules ``files`` maps to their path (``read`` gives a path's source,
    None when it is too big or unreadable), those that the others import, and only inside
    a guard; a file that does not parse here is left out. Past MAX_TOTAL bytes, none."""
    sites: dict[str, list[tuple[str, str | None]]] = {}  # module → (importer, catches)
    total = 0
    for module, path in sorted(files.items()):
        if not path.endswith(".py"):
            continue
        source = read(path)
        if source is None or b"import" not in source:
            continue
        total += len(source)
        if total > MAX_TOTAL:
            return {}  # what was not read may import them unguarded: none is optional
        package = path.endswith("__init__.py")
        for name, catches in _imports(source, module, package):
            if name in files and name != module:
                sites.setdefault(name, []).append((module, catches))
    guarded = {}
    for name, found in sites.items():
        kinds = {catches for _, catches in found}
        if None not in kinds:
            guarded[name] = Guard(min(importer for importer, _ in found),
                                  "ModuleNotFoundError" if "ModuleNotFoundError" in kinds
                                  else "ImportError")
    return guarded


def wheel_optional_imports(wheel: Path, files: Mapping[str, str]) -> dict[str, Guard]:
    """:func:`optional_imports` of a wheel's members, read in memory."""
    with zipfile.ZipFile(wheel) as archive:
        sizes = {info.filename: info.file_size for info in archive.infolist()}

        def read(path: str) -> bytes | None:
            return archive.read(path) if sizes.get(path, MAX_FILE + 1) <= MAX_FILE else None

        return optional_imports(files, read)


def installed_optional_imports(site: Path, files: Mapping[str, str]) -> dict[str, Guard]:
    """:func:`optional_imports` of files installed under ``site`` (their RECORD's folder)."""
    def read(path: str) -> bytes | None:
        try:
            file = site / path
            return file.read_bytes() if file.stat().st_size <= MAX_FILE else None
        except OSError:
            return None

    return optional_imports(files, read)


def _imports(source: bytes, module: str, package: bool) -> Iterator[tuple[str, str | None]]:
    """Each module an import statement of ``source`` names (parents included), with what
    the guard around it catches: "ImportError", "ModuleNotFoundError", or None (unguarded)."""
    try:
        with warnings.catch_warnings():  # its invalid escapes are not our warnings
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    here = module.split(".") if package else module.split(".")[:-1]
    stack: list[tuple[ast.AST, str | None]] = [(tree, None)]
    while stack:
        node, guard = stack.pop()
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield from ((name, guard) for name in _parents(alias.name))
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, here)
            if base is not None:
                yield from ((name, guard) for name in _parents(base))
                yield from ((f"{base}.{a.name}", guard) for a in node.names if a.name != "*")
        stack.extend(_children(node, guard))


def _children(node: ast.AST, guard: str | None) -> Iterator[tuple[ast.AST, str | None]]:
    """The nodes under ``node``, each with the guard it runs under."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        guard = None  # its body runs when called, outside the try that defined it
    if isinstance(node, ast.If) and _type_checking(node.test):
        yield from ((child, guard) for child in node.orelse)  # never runs
        return
    if isinstance(node, ast.Try) or type(node).__name__ == "TryStar":  # except* too
        attempt = cast(ast.Try, node)
        caught = _broadest([_caught(h) for h in attempt.handlers])
        yield from ((child, _broadest([guard, caught])) for child in attempt.body)
        for child in [*attempt.handlers, *attempt.orelse, *attempt.finalbody]:
            yield child, guard
        return
    if isinstance(node, (ast.With, ast.AsyncWith)):
        caught = _broadest([_suppressed(item.context_expr) for item in node.items])
        yield from ((child, guard) for item in node.items for child in ast.iter_child_nodes(item))
        yield from ((child, _broadest([guard, caught])) for child in node.body)
        return
    yield from ((child, guard) for child in ast.iter_child_nodes(node))


def _broadest(kinds: list[str | None]) -> str | None:
    return ("ImportError" if "ImportError" in kinds
            else "ModuleNotFoundError" if "ModuleNotFoundError" in kinds else None)


def _caught(handler: ast.ExceptHandler) -> str | None:
    """What import failure an ``except`` clause catches and goes on after: none when its
    body raises (``raise ImportError("reinstall") from e``: the package needs it)."""
    if any(isinstance(statement, ast.Raise) for statement in handler.body):
        return None
    if handler.type is None:
        return "ImportError"
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return _broadest([_CATCHES.get(_name(t)) for t in types])


def _suppressed(expression: ast.expr) -> str | None:
    """What ``with contextlib.suppress(...)`` catches, for an import failure."""
    if isinstance(expression, ast.Call) and _name(expression.func) == "suppress":
        return _broadest([_CATCHES.get(_name(arg)) for arg in expression.args])
    return None


def _type_checking(test: ast.expr) -> bool:
    return _name(test) == "TYPE_CHECKING"


def _name(node: ast.AST) -> str:
    """``ImportError`` of ``ImportError`` and of ``builtins.ImportError``."""
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else ""


def _parents(dotted: str) -> list[str]:
    parts = dotted.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def _absolute(node: ast.ImportFrom, here: list[str]) -> str | None:
    """The module a ``from … import`` names, relative ones resolved from ``here`` (the
    importing module's package); None for one that climbs past the top."""
    if node.level == 0:
        return node.module
    if node.level - 1 >= len(here):
        return None
    parts = here[:len(here) - (node.level - 1)]
    return ".".join([*parts, *([node.module] if node.module else [])]) or None

"""Console and GUI entry points that will load: each names a module the wheel holds and a
name that module defines at its top level.

Decided statically: only the named modules are read from the wheel (bounded), parsed with
``ast`` and never run. Whatever cannot be told without running the code (a module-level
``__getattr__``, ``from x import *``, writes to ``globals()``, extension modules) passes.
"""

from __future__ import annotations

import ast
import configparser
import re
import sys

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from publish_checks._record import Record, record
from publish_checks._text import listing, printable
from publish_checks.dists import archives
from publish_checks.dists.archives import ArchiveError
from publish_checks.dists.inventory import Inventory
from publish_checks.dists.scan import Dist, Problems

GROUPS = ("console_scripts", "gui_scripts")
# A module an entry point names is source, not data: larger than this, it is not decided.
MODULE_LIMIT = 4 * 1024 * 1024
# The value grammar of the entry points specification (as importlib.metadata reads it).
_VALUE = re.compile(r"(?P<module>[\w.]+)\s*(?::\s*(?P<attr>[\w.]+)\s*)?(?:\[.*\]\s*)?$")
# Calls that can bind module globals no parser sees.
_DYNAMIC_CALLS = {"globals", "vars", "exec"}
_BLOCKS = (ast.If, ast.Try, ast.With, ast.AsyncWith, ast.For, ast.AsyncFor, ast.While,
           getattr(ast, "TryStar", ast.Try))  # try/except* from Python 3.11


@record
class EntryPoint(Record):
    group: str
    name: str
    module: str
    attr: str  # '' when the value names a module alone

    def __str__(self) -> str:
        target = f"{self.module}:{self.attr}" if self.attr else self.module
        return printable(f"{self.name} = {target}")


def script_entry_points(text: str) -> list[EntryPoint]:
    """The console and GUI scripts of an entry_points.txt (malformed lines are skipped:
    dists-archive reports them)."""
    parser = configparser.ConfigParser(delimiters=("=",), interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # names keep their case
    try:
        parser.read_string(text)
    except configparser.Error:
        return []
    found = []
    for group in GROUPS:
        for name, value in (parser.items(group) if parser.has_section(group) else []):
            match = _VALUE.match(value.strip())
            if match:
                found.append(EntryPoint(group, name, match["module"], match["attr"] or ""))
    return found


def check_entry_points(wheel: Dist, inventory: Inventory, roots: tuple[str, ...],
                       problems: Problems, build: str) -> int:
    """Every script entry point's problems into ``problems``; how many were checked."""
    data = inventory.kept.get(f"{wheel.stem}.dist-info/entry_points.txt")
    if data is None:
        return 0
    points = script_entry_points(data.decode("utf-8", "replace"))
    names = set(inventory.names)
    parsed: dict[str, set[str] | str | None] = {}
    found: list[str] = []
    for point in points:
        if not point.attr:
            found.append(f"{point} names no function (a script needs module:function)")
            continue
        member = _module_member(point.module, names, roots)
        if member is None:
            found.append(f"{point}: the wheel holds no module {printable(point.module)}")
            continue
        if not member:
            continue  # an extension module or a namespace package: not decided
        if member not in parsed:
            parsed[member] = _defined(wheel, member, _parses_here(inventory, wheel))
        defined = parsed[member]
        first = point.attr.split(".")[0]
        if isinstance(defined, str):
            found.append(f"{point}: {printable(member)} does not parse ({defined})")
        elif (defined is not None and first not in defined
              and not _is_submodule(member, first, names)):
            found.append(f"{point}: {printable(member)} defines no {first} at its top level")
    if found:
        problems.add(f"{wheel.filename} has entry points that will not load: {listing(found)}",
                     "point each entry point at a module:function the package defines "
                     f"([project.scripts] / [project.gui-scripts]), then {build}")
    return len(points)


def _module_member(module: str, names: set[str], roots: tuple[str, ...]) -> str | None:
    """The member that holds ``module``: None if the wheel has none, '' if it is not a
    parseable source file (an extension module, a namespace package)."""
    path = module.replace(".", "/")
    for root in roots:
        for candidate in (f"{root}{path}.py", f"{root}{path}/__init__.py"):
            if candidate in names:
                return candidate
    for root in roots:
        base = f"{root}{path}"
        if any((n.startswith(f"{base}.") and n.endswith((".so", ".pyd")))
               or n.startswith(f"{base}/") for n in names):
            return ""
    return None


def _is_submodule(member: str, name: str, names: set[str]) -> bool:
    """A package's submodule is an attribute once anything imports it: not decided."""
    if not member.endswith("/__init__.py"):
        return False
    base = member.removesuffix("__init__.py") + name
    return f"{base}.py" in names or any(n.startswith(f"{base}/") for n in names)


def _parses_here(inventory: Inventory, wheel: Dist) -> bool:
    """Whether this Python may parse the wheel's code: not when Requires-Python excludes it
    (the code may use newer syntax)."""
    metadata = inventory.kept.get(f"{wheel.stem}.dist-info/METADATA", b"")
    match = re.search(rb"^Requires-Python:[ \t]*(.*?)\r?$", metadata, re.MULTILINE)
    if match is None:
        return True
    try:
        spec = SpecifierSet(match[1].decode("utf-8", "replace"))
    except InvalidSpecifier:
        return True
    return spec.contains(".".join(map(str, sys.version_info[:3])), prereleases=True)


def _defined(wheel: Dist, member: str, parses_here: bool) -> set[str] | str | None:
    """The names ``member`` binds at its top level; a string saying why it does not parse;
    None when that cannot be decided."""
    try:
        data = archives.read_member(wheel.path, member, MODULE_LIMIT)
    except ArchiveError:
        return None  # too large (or unreadable: dists-archive says so)
    if data is None:
        return None
    try:
        tree = ast.parse(data, filename=member)
    except SyntaxError as e:
        if not parses_here:
            return None
        return f"{e.msg}, line {e.lineno}" if e.lineno else e.msg
    except (ValueError, RecursionError, MemoryError):  # null bytes; absurd nesting
        return None if not parses_here else "not Python source"
    return top_level_names(tree)


def top_level_names(tree: ast.Module) -> set[str] | None:
    """Every name the module may bind at its top level (every branch counted), or None
    when it can bind names that no parser sees."""
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in _DYNAMIC_CALLS and not (node.func.id == "vars" and node.args)):
            return None  # vars(obj) reads an object; vars() and globals() are the module's
        if (isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store)
                and ast.unparse(node.value) == "sys.modules"):
            return None  # the module replaces itself
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            return None
    names: set[str] = set()
    for node in ast.walk(tree):  # `global x` in a function binds x when it runs
        if isinstance(node, ast.Global):
            names.update(node.names)
        elif isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    if not _bind(tree.body, names):
        return None
    return names


def _bind(body: list[ast.stmt], names: set[str]) -> bool:
    """Add what ``body`` binds to ``names``; False when it defines ``__getattr__`` or calls
    setattr at module level (names appear at run time)."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name == "__getattr__":
                return False
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update(a.asname or a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                _targets(target, names)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            if not isinstance(node, ast.AnnAssign) or node.value is not None:
                _targets(node.target, names)
        elif isinstance(node, ast.Expr) and _calls(node.value, "setattr"):
            return False
        elif sys.version_info >= (3, 12) and isinstance(node, ast.TypeAlias):
            _targets(node.name, names)
        elif isinstance(node, ast.Match):
            names.update(n.name for case in node.cases for n in ast.walk(case.pattern)
                         if isinstance(n, (ast.MatchAs, ast.MatchStar)) and n.name)
            names.update(n.rest for case in node.cases for n in ast.walk(case.pattern)
                         if isinstance(n, ast.MatchMapping) and n.rest)
            if not all(_bind(case.body, names) for case in node.cases):
                return False
        if isinstance(node, _BLOCKS) and not _bind_block(node, names):
            return False
    return True


def _bind_block(node: ast.stmt, names: set[str]) -> bool:
    if isinstance(node, (ast.For, ast.AsyncFor)):
        _targets(node.target, names)
    if isinstance(node, (ast.With, ast.AsyncWith)):
        for item in node.items:
            if item.optional_vars is not None:
                _targets(item.optional_vars, names)
    bodies = [getattr(node, field, []) for field in ("body", "orelse", "finalbody")]
    bodies += [handler.body for handler in getattr(node, "handlers", [])]
    return all(_bind(body, names) for body in bodies)


def _targets(target: ast.expr, names: set[str]) -> None:
    if isinstance(target, ast.Name):
        names.add(target.id)
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            _targets(element, names)
    elif isinstance(target, ast.Starred):
        _targets(target.value, names)


def _calls(node: ast.expr, function: str) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == function)

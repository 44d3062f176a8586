"""The package's architecture, as imports: each layer imports only from the layers below
it, no module imports another inside a function, and nothing outside the nox front end
imports nox."""

from __future__ import annotations

import ast
import importlib
import inspect
import itertools
from pathlib import Path

import pytest

from publish_checks.checks.context import Context
from publish_checks.dists import snapshot
from publish_checks.release import finish, install, pipeline, plan, upload

PACKAGE = Path(__file__).resolve().parents[1] / "publish_checks"
# Lowest first. A module may import its own layer and the ones before it.
LAYERS = (
    ("publish_checks._errors", "publish_checks._text", "publish_checks._lazy",
     "publish_checks._record"),
    ("publish_checks.project",),
    ("publish_checks.dists",),
    ("publish_checks.checks",),
    ("publish_checks.release",),
    ("publish_checks.frontend", "publish_checks.nox", "publish_checks.__main__",
     "publish_checks"),
)
NOX_FRONT_END = {"publish_checks.nox", "publish_checks.frontend.sessions",
                 "publish_checks.frontend.session_runner"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> int:
    """The index in LAYERS of the longest prefix that names ``module``'s layer."""
    best = (-1, -1)
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                best = max(best, (len(prefix), index))
    assert best[1] >= 0, f"{module} is in no layer"
    return best[1]


def imports(path: Path) -> list[tuple[str, int, bool]]:
    """(imported module, line, at module level) of every import of our package or nox."""
    tree = ast.parse(path.read_text("utf-8"))
    # Module level: the body, and a module-level ``if TYPE_CHECKING:`` (annotations only).
    top = {id(node) for node in tree.body} | {
        id(node) for block in tree.body if isinstance(block, ast.If)
        and isinstance(block.test, ast.Name) and block.test.id == "TYPE_CHECKING"
        for node in block.body}
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base
                     for a in node.names]
        for name in names:
            if name.startswith(("publish_checks", "nox")):
                found.append((name, node.lineno, id(node) in top))
    return found


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down_the_layers(module: str) -> None:
    """No module imports from a layer above its own."""
    own = layer(module)
    for name, line, _ in imports(MODULES[module]):
        if name.startswith("publish_checks"):
            assert layer(name) <= own, f"{module}:{line} imports {name} from a higher layer"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_import_hides_inside_a_function(module: str) -> None:
    """Every import of our own modules and of nox is at module level (none dodges a cycle)."""
    for name, line, at_top in imports(MODULES[module]):
        assert at_top, f"{module}:{line} imports {name} inside a function"


# The documented exceptions to "no import inside a function": importlib.import_module, only
# here. The dispatch loads a command's module when that command runs, and the two packages
# that re-export names load them when first asked for (PEP 562), so that ``--help``,
# ``--version`` and a noxfile's ``import publish_checks.nox`` import no check and no release step.
LAZY_LOADERS = {("publish_checks.frontend.commands", "_loaded"),
                # what a data table names by module (the registry's checks): _lazy.load
                ("publish_checks._lazy", "load"),
                ("publish_checks", "__getattr__"), ("publish_checks.checks", "__getattr__"),
                # a third-party renderer, when installed (not ours)
                ("publish_checks.dists.readme", "_rst_renderer")}


def _dynamic_imports(path: Path) -> set[str]:
    """The functions of ``path`` that call importlib.import_module or __import__."""
    found = set()
    for function in ast.walk(ast.parse(path.read_text("utf-8"))):
        if not isinstance(function, ast.FunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Call) and (
                    (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                    or (isinstance(node.func, ast.Name)
                        and node.func.id in {"import_module", "__import__"})):
                found.add(function.name)
    return found


def test_only_the_dispatch_and_the_lazy_re_exports_import_at_run_time() -> None:
    """importlib.import_module is called in the one dispatch and the packages' PEP 562
    ``__getattr__`` alone: every other import of ours stays at module level."""
    found = {(module, function) for module, path in MODULES.items()
             for function in _dynamic_imports(path)}
    assert found == LAZY_LOADERS


def test_only_the_nox_front_end_imports_nox() -> None:
    """At most three modules import nox: the front end, its session bodies and their runner."""
    importers = {m for m, p in MODULES.items() if any(n.split(".")[0] == "nox"
                                                      for n, _, _ in imports(p))}
    assert importers <= NOX_FRONT_END, importers


def test_there_is_no_import_cycle() -> None:
    """The module import graph (package __init__ files aside) has no cycle."""
    graph = {m: {n for n, _, _ in imports(p) if n in MODULES and n != m}
             for m, p in MODULES.items()}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                pytest.fail("import cycle: " + " → ".join([*trail, node, nxt]))
            if nxt not in state:
                visit(nxt, [*trail, node])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [])


def test_few_modules_sit_at_the_top() -> None:
    """At most ~8 modules at the top of publish_checks/; the rest live in role folders."""
    top = [p.name for p in PACKAGE.glob("*.py")]
    assert len(top) <= 8, top
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"} == {
        "project", "dists", "checks", "release", "frontend"}


# The publish corridor (issue 16): one index reader, steps that take data.

INDEX_READER = "publish_checks.dists.index"  # the simple page over HTTP, and its files
SNAPSHOT = "publish_checks.dists.snapshot"  # the one read of it a run shares
# A listed file's bytes by HTTP Range (index-diff reads an earlier wheel's file list and
# metadata from its central directory): files the Snapshot names, never the listing.
REMOTE_FILES = "publish_checks.dists.remote"


def test_only_the_snapshot_reads_the_index() -> None:
    """Only dists/snapshot.py takes the index's HTTP reader (the listing's data class and
    error may be imported from it by anyone), and only that reader sends GETs through
    dists/fetch.py, beside the ranged reader of the files a Snapshot lists: every other part
    of a run reads the Snapshot."""
    readers, getters = set(), set()
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            names = {a.name for a in node.names}
            if node.module == INDEX_READER and names - {"IndexFile", "IndexQueryError", "DEADLINE"}:
                readers.add(module)
            if node.module == "publish_checks.dists.fetch" and "get" in names:
                getters.add(module)
    assert readers == {SNAPSHOT}
    assert getters == {INDEX_READER, REMOTE_FILES}


def test_the_publish_steps_take_data_not_the_context() -> None:
    """The plan, the upload, the wait, the download, the install proof and the ending are
    given the release's facts, the index's Snapshot and the Plan, never the whole Context."""
    steps = [plan.plan_upload, snapshot.wait_for_files, install.fetch_from_index,
             install.try_release, install.prove_installable, pipeline.wait_for_index,
             pipeline.prove_from_index, upload.send, finish.finish]
    for step in steps:
        annotations = [p.annotation for p in
                       inspect.signature(step, eval_str=True).parameters.values()]
        assert Context not in annotations, step.__qualname__
    assert inspect.signature(plan.plan_upload).parameters.keys() == {"release", "snapshot"}


def _functions(module: str) -> tuple[dict[str, ast.FunctionDef], dict[str, tuple[str, str]]]:
    """A module's top-level functions, and the functions it imports by name (name →
    (module, function))."""
    tree = ast.parse(MODULES[module].read_text("utf-8"))
    imported: dict[str, tuple[str, str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                whole = f"{node.module}.{alias.name}"  # a module: (module, "")
                if whole in MODULES or node.module in MODULES:
                    imported[alias.asname or alias.name] = ((whole, "") if whole in MODULES
                                                            else (node.module, alias.name))
    return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}, imported


def _carries(expr: ast.expr, data: set[str]) -> bool:
    """Whether ``expr`` is the data (``ctx``) or a part of it (``ctx.git``)."""
    while isinstance(expr, ast.Attribute):
        expr = expr.value
    return isinstance(expr, ast.Name) and expr.id in data


def publish_walk() -> list[str]:
    """The modules the publish's Context goes through after the checks, in source order:
    from ``_publish``, every call of our functions handed ``ctx`` or a part of it, followed
    into the callee with the parameters that got it."""
    walk: list[str] = []
    seen: set[tuple[str, str]] = set()

    def visit(module: str, name: str, data: set[str]) -> None:
        functions, imported = _functions(module)
        if (module, name) in seen or name not in functions:
            return
        seen.add((module, name))
        walk.append(module)
        calls = sorted((c for c in ast.walk(functions[name]) if isinstance(c, ast.Call)),
                       key=lambda c: (c.lineno, c.col_offset))
        for call in calls:
            func = call.func
            if isinstance(func, ast.Name):
                target = (module, func.id) if func.id in functions else imported.get(func.id)
            elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                found = imported.get(func.value.id)
                target = (found[0], func.attr) if found and not found[1] else None
            else:
                target = None
            if target is None or not (callee := _functions(target[0])[0].get(target[1])):
                continue
            params = [a.arg for a in (*callee.args.posonlyargs, *callee.args.args)]
            got = {params[i] for i, a in enumerate(call.args)
                   if i < len(params) and _carries(a, data)}
            got |= {k.arg for k in call.keywords if k.arg and _carries(k.value, data)}
            if got:
                visit(*target, got)

    visit("publish_checks.release.pipeline", "_publish", {"ctx"})
    return [m for i, m in enumerate(walk) if i == 0 or walk[i - 1] != m]


def test_the_publish_walk_climbs_back_up_at_most_twice() -> None:
    """After the checks, the Context goes down into lower layers and comes back up to a
    higher one at most twice: the steps after the plan are given data (issue 16)."""
    walk = publish_walk()
    climbs = [(a, b) for a, b in itertools.pairwise(walk) if layer(b) > layer(a)]
    assert "publish_checks.release.install" in walk  # the walk is followed at all
    assert len(climbs) <= 2, climbs


def _named_code(path: Path) -> list[tuple[str, int]]:
    """The module-level string constants of ``path`` that name our code: a module
    (``"publish_checks.project.history"``) or one of its attributes (``"…module:name"``)."""
    found = []
    for node in ast.parse(path.read_text("utf-8")).body:
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            module = value.value.partition(":")[0]
            if module in MODULES:
                found.append((value.value, node.lineno))
    return found


@pytest.mark.parametrize("module", sorted(MODULES))
def test_code_named_in_a_table_points_down_the_layers_and_exists(module: str) -> None:
    """What a module names to load when it runs (``_lazy.load``, the commands' table) is of
    its own layer or a lower one, as a static import would be, and is there to load."""
    for where, line in _named_code(MODULES[module]):
        target, _, attribute = where.partition(":")
        assert layer(target) <= layer(module), f"{module}:{line} names {target}, higher up"
        if attribute:
            loaded = importlib.import_module(target)
            assert hasattr(loaded, attribute), f"{module}:{line} names {where}: not there"

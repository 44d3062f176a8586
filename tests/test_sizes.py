"""Modules of one size (issue 16): no module of publish_checks over 300 lines, no function
over 60, so that each reads in one sitting and says one thing. A module or function over
the limit is split along its meaning, or is on one of the explicit lists below, with why."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "publish_checks"
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60

def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def name(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def lines(path: Path) -> int:
    return len(path.read_text("utf-8").splitlines())


def functions(path: Path) -> list[tuple[str, int]]:
    """(name, lines from ``def`` to its last line) of every function, nested ones too."""
    tree = ast.parse(path.read_text("utf-8"))
    return [(node.name, (node.end_lineno or node.lineno) - node.lineno + 1)
            for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


@pytest.mark.parametrize("path", modules(), ids=name)
def test_no_module_is_over_300_lines(path: Path) -> None:
    """Every module of publish_checks fits in 300 lines (generated data lives in data files
    beside its reader: project/stdlib_names.txt)."""
    assert lines(path) <= MAX_MODULE_LINES, (
        f"{name(path)} has {lines(path)} lines: split it along its meaning")


@pytest.mark.parametrize("path", modules(), ids=name)
def test_no_function_is_over_60_lines(path: Path) -> None:
    """Every function fits in 60 lines (its docstring included)."""
    long = [f"{fn} ({count} lines)" for fn, count in functions(path)
            if count > MAX_FUNCTION_LINES]
    assert not long, f"{name(path)}: {', '.join(long)}: split along what each part does"


def test_the_measure_counts_what_it_should(tmp_path: Path) -> None:
    """The function measure counts from ``def`` to the last line, nested functions apart."""
    body = "\n".join(f"    x{n} = {n}" for n in range(60))
    sample = tmp_path / "sample.py"
    sample.write_text(f"def outer():\n    def inner():\n        pass\n{body}\n", "utf-8")
    assert dict(functions(sample)) == {"outer": 63, "inner": 2}

"""End to end: index-diff on real builds of the sample project against a real pypiserver
holding its 1.2.0 — each way a 1.2.1 can break its users is named with both versions,
`diff = "fail"` stops nox's publish and rehearse with nothing uploaded, and an unchanged
1.2.1 passes."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from publish_checks import Status
from publish_checks.checks.diff import index_diff
from publish_checks.release.rehearse import LocalIndex
from tests.builders import CHANGELOG, PYPROJECT, SampleProject
from tests.e2e import NOXFILE, line_of, run_nox
from tests.pypiserver import PypiServer

pytestmark = pytest.mark.e2e

SCRIPTS = '[project.scripts]\ndemo = "demo_pkg.core:answer"\n'


def shape(project: SampleProject, version: str, *, sub: bool = True, script: bool = True,
          dependency: bool = True, python: str = ">=3.10", tool: str = "") -> None:
    """The sample project at ``version``, with (or without) a subpackage, a console script,
    a dependency, its Requires-Python and [tool.publish-checks] lines; committed."""
    pyproject = PYPROJECT.format(name="demo-pkg", module="demo_pkg",
                                 extra=(SCRIPTS if script else "")
                                 + (f"[tool.publish-checks]\n{tool}" if tool else ""))
    pyproject = pyproject.replace('requires-python = ">=3.10"',
                                  f'requires-python = "{python}"'
                                  + ('\ndependencies = ["packaging>=20"]' if dependency else ""))
    project.write("pyproject.toml", pyproject)
    project.write("VERSION", f"{version}\n")
    project.write("CHANGELOG.md", CHANGELOG.format(version=version))
    project.write("demo_pkg/__init__.py", f'"""Demo."""\n\n__version__ = "{version}"\n')
    sub_dir = project.root / "demo_pkg" / "sub"
    if sub:
        project.write("demo_pkg/sub/__init__.py", '"""Parts."""\n')
    elif sub_dir.exists():
        shutil.rmtree(sub_dir)
    project.version = version
    project.commit(f"demo-pkg {version}")


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """demo-pkg 1.2.0 built once: subpackage, console script, dependency, Python ≥ 3.10."""
    sample = SampleProject.create(tmp_path_factory.mktemp("released") / "demo")
    shape(sample, "1.2.0")
    sample.build()
    return sorted((sample.root / "dist").iterdir())


@pytest.mark.parametrize(("change", "said"), [
    ({"sub": False}, "module demo_pkg.sub is in 1.2.0, not in 1.2.1"),
    ({"script": False}, "entry point demo (console_scripts, demo_pkg.core:answer) is in "
                        "1.2.0, not in 1.2.1"),
    ({"dependency": False}, "Requires-Dist packaging is in 1.2.0, not in 1.2.1"),
    ({"python": ">=3.11"}, "Requires-Python >=3.10 in 1.2.0, >=3.11 in 1.2.1: Python 3.10 "
                           "dropped"),
], ids=["subpackage", "console-script", "dependency", "python-3.10"])
def test_each_loss_is_named_with_both_versions(project: SampleProject, pypiserver: PypiServer,
                                               released: list[Path], change: dict[str, object],
                                               said: str) -> None:
    """A real 1.2.1 that drops one thing: index-diff warns, naming it."""
    pypiserver.add(*released)
    shape(project, "1.2.1", **change)  # type: ignore[arg-type]
    project.build()
    result = project.verify(pypiserver.url, offline=False).get("index-diff")
    assert (result.status, result.summary) == (
        Status.WARN, f"compared with 1.2.0 on {pypiserver.index_url}: {said}")


def test_an_unchanged_release_passes_within_a_second(project: SampleProject,
                                                     pypiserver: PypiServer,
                                                     released: list[Path]) -> None:
    """The same project as 1.2.1 passes; on a warm local index, in under a second."""
    pypiserver.add(*released)
    shape(project, "1.2.1")
    project.build()
    ctx = project.context(pypiserver.url, offline=False)
    index_diff(ctx)  # warm: the server's first answers, our imports
    ctx = project.context(pypiserver.url, offline=False)
    start = time.perf_counter()
    finding = index_diff(ctx)
    took = time.perf_counter() - start
    assert (finding.status, finding.summary) == (
        Status.PASS, f"compared with 1.2.0 on {pypiserver.index_url}: no module, entry point, "
                     "wheel tag, dependency, Requires-Python, size, license or name change")
    assert took < 1.0, took


def test_diff_fail_stops_the_publish_with_nothing_uploaded(
        project: SampleProject, index: LocalIndex, envdir: Path, released: list[Path]) -> None:
    """nox -s publish of a 1.2.1 without its subpackage, with diff = "fail": index-diff
    fails, nothing is uploaded, the index holds 1.2.0 alone."""
    for path in released:
        (index.packages / path.name).write_bytes(path.read_bytes())
    project.write("noxfile.py", NOXFILE)
    shape(project, "1.2.1", sub=False, tool='diff = "fail"\n')
    project.build()
    run = run_nox(project.root, envdir, "-s", "publish", "--", "--repository", index.url,
                  "--yes")
    assert run.code != 0, run.output
    assert line_of("index-diff", run.output) == (
        f"✗ index-diff compared with 1.2.0 on {index.index_url}: module demo_pkg.sub is in "
        '1.2.0, not in 1.2.1 (diff = "fail")')
    assert "nothing was uploaded" in run.output and "Uploading" not in run.output
    assert {p.name for p in index.packages.iterdir()} == {p.name for p in released}


def test_the_rehearsal_seeds_the_release_before_and_rehearses_the_diff(
        project: SampleProject, pypiserver: PypiServer, envdir: Path,
        released: list[Path]) -> None:
    """nox -s rehearse copies 1.2.0 from the configured index into its own, so a 1.2.1
    without its console script warns there too; the real index is left alone."""
    pypiserver.add(*released)
    project.write("noxfile.py", NOXFILE)
    shape(project, "1.2.1", script=False, tool=f'repository = "{pypiserver.url}"\n')
    run = run_nox(project.root, envdir, "-s", "rehearse")
    assert run.code == 0, run.output
    assert (f"Seeded the embedded index with demo-pkg 1.2.0 from {pypiserver.index_url} "
            "(2 files), so index-diff is rehearsed against it") in run.output
    [line] = [" ".join(line.split()) for line in run.output.splitlines()
              if line.startswith(("! index-diff", "✓ index-diff"))]  # not the log's line
    assert line.startswith("! index-diff compared with 1.2.0 on http://127.0.0.1:"), line
    assert line.endswith(": entry point demo (console_scripts, demo_pkg.core:answer) is in "
                         "1.2.0, not in 1.2.1"), line
    assert {p.name for p in pypiserver.packages_dir.iterdir()} == {p.name for p in released}

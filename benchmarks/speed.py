"""The command-speed goals of issue 16, measured in one run, each against its baseline:

- our import (``publish_checks.frontend.cli``; ``publish_checks.nox`` after ``import nox``,
  as nox loads a noxfile): wall clock of a new ``python -c "import …"`` less the same
  without our module, and ``-X importtime``'s own figure; goal ≤ 60 ms;
- ``publish-checks verify --offline`` against ``twine check --strict`` on the same sample
  sdist and wheel; goal ≤ 0.7 times;
- ``publish-checks publish --yes`` (every proof: the checks online, the install before the
  upload, the wait for the index, the install from it) against a bare ``twine upload`` of the
  same files to the same pypiserver on 127.0.0.1, a fresh version each round (the files
  twine uploaded are removed from the server before publish uploads them); goal ≤ 2.0 times.

    python benchmarks/speed.py [RUNS]

Runs with this Python's environment (twine, build, pypiserver[passlib] and uv in it:
/work/venv here): its twine by path, PATH as it is (publish-checks finds the uv beside this
Python, as installed with it). Bytecode is written (PYTHONDONTWRITEBYTECODE is dropped): an
installed package has it.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import NamedTuple

from _common import REPO, sample_project

from publish_checks.release.rehearse import LocalIndex, local_index

BIN = Path(sys.executable).parent
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
       "PYTHONPATH": str(REPO)}
# Each module, and what its host has imported before it: nox has imported itself by the time
# it loads the noxfile that imports publish_checks.nox, so that cost is nox's, not ours.
IMPORTS = {"publish_checks.frontend.cli": "pass", "publish_checks.nox": "import nox"}
GOALS = {"import": 0.060, "verify": 0.7, "publish": 2.0}
_CUMULATIVE = re.compile(r"^import time:\s*\d+ \|\s*(\d+) \| (\S+)\s*$")


# The ``publish-checks`` command as pip installs it (its console-script template), as twine's
# is run here: ``python -m`` would add runpy's import (~8 ms) that an installed command lacks.
CONSOLE_SCRIPT = """#!{python}
import re
import sys
from publish_checks.__main__ import main
if __name__ == "__main__":
    sys.argv[0] = re.sub(r"(-script\\.pyw|\\.exe)?$", "", sys.argv[0])
    sys.exit(main())
"""
COMMAND: list[str] = []  # set by main(): the console script's path


def console_script(folder: Path) -> str:
    path = folder / "publish-checks"
    path.write_text(CONSOLE_SCRIPT.format(python=sys.executable), "utf-8")
    path.chmod(0o755)
    return str(path)


def run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, env=ENV, capture_output=True, text=True, check=False)


class Took(NamedTuple):
    """One run: wall clock, and the CPU time (user + system) of the processes it started."""

    wall: float
    cpu: float


def timing(func: Callable[[], object]) -> Took:
    start, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    func()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Took(time.perf_counter() - start,
                after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)


def wall(argv: list[str]) -> Took:
    return timing(lambda: run(argv))


NOTHING = Took(0.0, 0.0)


def show(label: str, runs: list[Took], less: Took = NOTHING) -> Took:
    """Print and return the medians of ``runs`` (``less`` taken off each)."""
    median = Took(statistics.median(t.wall for t in runs) - less.wall,
                  statistics.median(t.cpu for t in runs) - less.cpu)
    fastest = min(t.wall for t in runs) - less.wall
    print(f"{label:<50} median {median.wall:6.3f} s  (min {fastest:.3f}, {len(runs)} runs; "
          f"CPU {median.cpu:.3f} s)")
    return median


def verdict(what: str, ours: Took, baseline: Took | None = None) -> float:
    """Print ours (or ours / baseline) against the goal; returns the wall-clock figure."""
    goal = GOALS[what]
    if baseline is None:
        value, cpu = ours.wall, ours.cpu
        shown = f"{value * 1000:.0f} ms (CPU {cpu * 1000:.0f} ms)", f"{goal * 1000:.0f} ms"
    else:
        value, cpu = ours.wall / baseline.wall, ours.cpu / baseline.cpu
        shown = f"{value:.2f}× (CPU time {cpu:.2f}×)", f"{goal:.1f}×"
    print(f"  {what}: {shown[0]} against a goal of ≤ {shown[1]}: "
          f"{'met' if value <= goal else 'NOT met'}\n")
    return value


def importtime(module: str, host: str) -> tuple[float, list[tuple[float, str]]]:
    """``-X importtime``'s cumulative time of ``module`` (after ``host``), and the heaviest
    of our modules by their own (self) time."""
    stderr = run([sys.executable, "-X", "importtime", "-c", f"{host}; import {module}"]).stderr
    total, own = 0.0, []
    for line in stderr.splitlines():
        parts = line.split("|")
        if not line.startswith("import time:") or "[us]" in line or len(parts) != 3:
            continue
        name = parts[2].strip()
        if name == module and (match := _CUMULATIVE.match(line)):
            total = int(match[1]) / 1e6
        if name.startswith("publish_checks"):
            own.append((int(parts[0].split(":")[1]) / 1e6, name))
    return total, sorted(own, reverse=True)[:5]


def measure_import(runs: int) -> float:
    print("## our import")
    for module, host in IMPORTS.items():  # writes the bytecode
        run([sys.executable, "-c", f"{host}; import {module}"]).check_returncode()
    worst = NOTHING
    for module, host in IMPORTS.items():
        before = show(f"python -c '{host}' (taken off below)",
                      [wall([sys.executable, "-c", host]) for _ in range(runs)])
        ours = show(f"import {module}",
                    [wall([sys.executable, "-c", f"{host}; import {module}"])
                     for _ in range(runs)], less=before)
        measured = [importtime(module, host) for _ in range(runs)]
        total = statistics.median(t for t, _ in measured)
        print(f"{'  -X importtime, cumulative':<50} median {total:6.3f} s")
        heaviest = ", ".join(f"{name.removeprefix('publish_checks.')} {t * 1000:.1f}"
                             for t, name in measured[0][1])
        print(f"  heaviest of ours (self, ms): {heaviest}")
        worst = max(worst, ours)
    return verdict("import", worst)


def measure_verify(root: Path, runs: int) -> float:
    print("## verify --offline vs twine check --strict")
    dists = sorted(str(p) for p in (root / "dist").iterdir())
    twine = [str(BIN / "twine"), "check", "--strict", *dists]
    verify = [*COMMAND, "verify", "--offline", "--project",
              str(root)]
    run(twine).check_returncode()
    run(verify)  # its exit code is 1: the sample has no token, no remote
    twine_runs: list[Took] = []
    ours_runs: list[Took] = []
    for _ in range(runs):  # alternated: a change in the machine's load hits both
        twine_runs.append(wall(twine))
        ours_runs.append(wall(verify))
    baseline = show("twine check --strict dist/* (baseline)", twine_runs)
    return verdict("verify", show("publish-checks verify --offline", ours_runs), baseline)


def new_version(root: Path, version: str) -> list[str]:
    """The sample project at ``version``: committed, built into an empty dist/."""
    (root / "VERSION").write_text(f"{version}\n", "utf-8")
    (root / "demo_pkg" / "__init__.py").write_text(f'"""Demo."""\n\n__version__ = "{version}"\n',
                                                  "utf-8")
    changelog = root / "CHANGELOG.md"
    changelog.write_text(changelog.read_text("utf-8").replace(
        "## [Unreleased]\n", f"## [Unreleased]\n\n## [{version}] - 2026-12-06\n\n"
                             "### Fixed\n\n- A fix.\n", 1), "utf-8")
    subprocess.run(["git", "commit", "-qam", version], cwd=root, check=True)
    shutil.rmtree(root / "dist", ignore_errors=True)
    installer = ["--installer", "uv"] if (BIN / "uv").is_file() else []
    run([sys.executable, "-m", "build", *installer, "--outdir", str(root / "dist"),
         str(root)]).check_returncode()
    return sorted(str(p) for p in (root / "dist").iterdir())


def measure_publish(root: Path, runs: int) -> float:
    print("## publish --yes vs twine upload, one pypiserver, a fresh version each round")
    with local_index(sys.executable, username="__token__") as index:
        twine_runs: list[Took] = []
        ours_runs: list[Took] = []
        for round_ in range(runs + 1):  # round 0 warms up (makes the tool environments)
            dists = new_version(root, f"1.3.{round_}")
            twine = _twine_upload(index, dists)
            publish = _publish(index, root)
            if round_:
                twine_runs.append(twine)
                ours_runs.append(publish)
        baseline = show("twine upload dist/* (baseline)", twine_runs)
        ours = show("publish-checks publish --yes (every proof)", ours_runs)
        figure = verdict("publish", ours, baseline)
        new_version(root, f"1.3.{runs + 1}")
        print("where one more publish spends its time (benchmarks/timeline.py):")
        argv = [sys.executable, str(REPO / "benchmarks" / "timeline.py"), "publish", "--yes",
                "--repository", index.url, "--project", str(root)]
        result = subprocess.run(argv, env={**ENV, "TWINE_PASSWORD": index.password},
                                capture_output=True, text=True, check=False)
        print(result.stderr[result.stderr.rfind("s in all;") - 8:])
    return figure


def _twine_upload(index: LocalIndex, dists: list[str]) -> Took:
    argv = [str(BIN / "twine"), "upload", "--disable-progress-bar", "--non-interactive",
            "--repository-url", index.url, "-u", "__token__", *dists]
    took = _checked(argv, {"TWINE_PASSWORD": index.password})
    for path in (index.workdir / "packages").iterdir():  # publish uploads them again
        path.unlink()
    return took


def _publish(index: LocalIndex, root: Path) -> Took:
    argv = [*COMMAND, "publish", "--yes", "--repository",
            index.url, "--project", str(root)]
    return _checked(argv, {"TWINE_PASSWORD": index.password})


def _checked(argv: list[str], extra: dict[str, str]) -> Took:
    done: list[subprocess.CompletedProcess[str]] = []
    took = timing(lambda: done.append(subprocess.run(
        argv, env={**ENV, **extra}, capture_output=True, text=True, check=False)))
    if done[0].returncode != 0:
        raise SystemExit(f"{' '.join(argv[:4])} failed:\n{done[0].stdout}{done[0].stderr}")
    return took


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    print(f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}, Python {sys.version.split()[0]}, "
          f"twine {version('twine')}, uv {'beside it' if (BIN / 'uv').is_file() else 'absent'}\n")
    results: dict[str, Callable[[], float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = sample_project(Path(tmp) / "demo")
        COMMAND.append(console_script(Path(tmp)))
        results = {"import": lambda: measure_import(runs),
                   "verify": lambda: measure_verify(root, runs),
                   "publish": lambda: measure_publish(root, max(3, runs // 2))}
        figures = {what: measure() for what, measure in results.items()}
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print("goals: " + ", ".join(
        f"{what} {'met' if figures[what] <= GOALS[what] else 'NOT met'}" for what in figures))


if __name__ == "__main__":
    main()

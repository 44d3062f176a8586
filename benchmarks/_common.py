"""Shared bits of the benchmarks: timing, and a sample project built into dist/."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def timed(label: str, func: Callable[[], object], runs: int) -> float:
    """Median wall time of ``runs`` calls, after one warm-up call."""
    func()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(f"{label:<55} median {median:7.3f} s  (min {min(times):.3f}, {runs} runs)")
    return median


def sample_project(root: Path) -> Path:
    """demo-pkg 1.2.0 in a git repo, built into dist/ with build."""
    from tests.builders import SampleProject

    project = SampleProject.create(root)
    project.write("noxfile.py", f"import sys\nsys.path.insert(0, {str(REPO)!r})\n"
                                "import publish_checks.nox\n")
    project.commit("initial")
    subprocess.run([sys.executable, "-m", "build", "-q", "--outdir", str(root / "dist"),
                    str(root)], check=True, capture_output=True)
    return root

"""What dists-install adds to a warm `nox -s build`: the same build of the sample project
(the session's virtualenv exists already and is reused, as the release sessions always do)
with the check, and with `--skip dists-install`, alternated run by run so that both see the
same machine load.

    python benchmarks/build_install_gate.py [RUNS]

Needs nox and build on this Python; uv on PATH for the uv numbers.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import sample_project


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    with tempfile.TemporaryDirectory() as tmp:
        root = sample_project(Path(tmp) / "demo")

        def build(*args: str) -> float:
            start = time.perf_counter()
            result = subprocess.run([sys.executable, "-m", "nox", "-s", "build", "--",
                                     *args], cwd=root, capture_output=True, text=True,
                                    check=False)
            if result.returncode != 0:
                raise SystemExit(result.stdout + result.stderr)
            return time.perf_counter() - start

        build()  # warm-up: the session's virtualenv and uv's cache
        build("--skip", "dists-install")
        times: dict[str, list[float]] = {"with": [], "without": []}
        for _ in range(runs):
            times["with"].append(build())
            times["without"].append(build("--skip", "dists-install"))
        labels = {"without": "nox -s build -- --skip dists-install (baseline)",
                  "with": "nox -s build (with dists-install)"}
        medians = {}
        for key in ("without", "with"):
            medians[key] = statistics.median(times[key])
            print(f"{labels[key]:<55} median {medians[key]:7.3f} s  "
                  f"(min {min(times[key]):.3f}, {runs} runs)")
        print(f"dists-install adds {medians['with'] - medians['without']:.3f} s (median), "
              f"{min(times['with']) - min(times['without']):.3f} s (min)")


if __name__ == "__main__":
    main()

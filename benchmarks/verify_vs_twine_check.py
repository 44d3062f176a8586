"""How long `publish-checks verify --offline` takes against `twine check --strict` on the same
dists. Both run as a user runs them (a new process each time); the ratio is what matters.

    python benchmarks/verify_vs_twine_check.py [RUNS]

Needs build and twine on PATH (python -m pip install build twine).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import REPO, sample_project, timed


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    with tempfile.TemporaryDirectory() as tmp:
        root = sample_project(Path(tmp) / "demo")
        dists = sorted(str(p) for p in (root / "dist").iterdir())
        env = {**os.environ, "PYTHONPATH": str(REPO)}

        def verify() -> None:
            subprocess.run([sys.executable, "-m", "publish_checks", "verify", "--offline",
                            "--project", str(root)], env=env, capture_output=True, check=False)

        def twine_check() -> None:
            subprocess.run(["twine", "check", "--strict", *dists], capture_output=True, check=True)

        baseline = timed("twine check --strict dist/* (baseline)", twine_check, runs)
        from publish_checks.checks import CHECK_IDS

        ours = timed(f"publish-checks verify --offline (all {len(CHECK_IDS)} checks)", verify,
                     runs)
        print(f"ratio verify / twine check: {ours / baseline:.2f}")


if __name__ == "__main__":
    main()

"""How long `nox -R -s publish -- --yes` (virtualenvs reused) takes against a bare
`twine upload` of the same files to the same kind of index (a fresh pypiserver on
127.0.0.1 for every run, so every run really uploads). publish also verifies, waits for
the index, downloads, installs and smoke-tests: the ratio is the price of that proof.

    python benchmarks/publish_vs_twine_upload.py [RUNS]

Needs nox, build, twine and pypiserver[passlib] on this Python.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import sample_project, timed

from publish_checks.release.rehearse import local_index


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as tmp:
        root = sample_project(Path(tmp) / "demo")
        dists = sorted(str(p) for p in (root / "dist").iterdir())

        def twine_upload() -> None:
            with local_index(sys.executable, username="__token__") as index:
                env = {**os.environ, "TWINE_USERNAME": "__token__",
                       "TWINE_PASSWORD": index.password, "TWINE_NON_INTERACTIVE": "1"}
                subprocess.run(["twine", "upload", "--disable-progress-bar",
                                "--repository-url", index.url, *dists],
                               env=env, capture_output=True, check=True)

        def publish() -> None:
            with local_index(sys.executable, username="__token__") as index:
                env = {**os.environ, "TWINE_PASSWORD": index.password}
                result = subprocess.run(
                    [sys.executable, "-m", "nox", "-R", "-s", "publish", "--",
                     "--repository", index.url, "--yes"],
                    cwd=root, env=env, capture_output=True, text=True, check=False)
                if result.returncode != 0:
                    raise SystemExit(result.stdout + result.stderr)

        baseline = timed("twine upload (baseline)", twine_upload, runs)
        ours = timed("nox -R -s publish -- --yes (verify+upload+install)", publish, runs)
        print(f"ratio publish / twine upload: {ours / baseline:.2f}")


if __name__ == "__main__":
    main()

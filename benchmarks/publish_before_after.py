"""``publish-checks publish --yes`` of two trees of this repository, alternated round by
round (so a change in the machine's load hits both), against a bare ``twine upload`` of the
same files to the same pypiserver on 127.0.0.1, a fresh version each round (as speed.py).

    python benchmarks/publish_before_after.py BEFORE_TREE [RUNS]

BEFORE_TREE: a checkout of the commit to compare with, e.g.
``git archive main | tar -x -C /tmp/before``; "after" is this tree. Each publish runs from
``/`` so that neither tree's folder shadows the other's package.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import REPO, sample_project
from speed import ENV, Took, _twine_upload, new_version, show, timing

from publish_checks.release.rehearse import LocalIndex, local_index


def publish(index: LocalIndex, root: Path, tree: Path) -> Took:
    argv = [sys.executable, "-m", "publish_checks", "publish", "--yes", "--repository",
            index.url, "--project", str(root)]
    env = {**ENV, "PYTHONPATH": str(tree), "TWINE_PASSWORD": index.password}
    done: list[subprocess.CompletedProcess[str]] = []
    took = timing(lambda: done.append(subprocess.run(
        argv, env=env, cwd="/", capture_output=True, text=True, check=False)))
    if done[0].returncode != 0:
        raise SystemExit(f"publish from {tree} failed:\n{done[0].stdout}{done[0].stderr}")
    for path in (index.workdir / "packages").iterdir():  # the other tree uploads them again
        path.unlink()
    return took


def main() -> None:
    trees = {"before": Path(sys.argv[1]).resolve(), "after": REPO}
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    took: dict[str, list[Took]] = {"twine": [], "before": [], "after": []}
    with tempfile.TemporaryDirectory() as tmp, \
            local_index(sys.executable, username="__token__") as index:
        root = sample_project(Path(tmp) / "demo")
        for round_ in range(runs + 1):  # round 0 warms up (makes the tool environments)
            dists = new_version(root, f"1.3.{round_}")
            twine = _twine_upload(index, dists)
            order = ["before", "after"] if round_ % 2 else ["after", "before"]
            this = {name: publish(index, root, trees[name]) for name in order}
            if round_:
                took["twine"].append(twine)
                for name in order:
                    took[name].append(this[name])
        baseline = show("twine upload dist/* (baseline)", took["twine"])
        for name in ("before", "after"):
            ours = show(f"publish-checks publish --yes, {name}", took[name])
            print(f"  {ours.wall / baseline.wall:.2f}× (CPU time {ours.cpu / baseline.cpu:.2f}×)")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

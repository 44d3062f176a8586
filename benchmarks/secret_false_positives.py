"""dists-secrets' false alarms on real released files: every member of publish-checks' own
wheel and sdist, and of popular projects' latest wheels and sdists from PyPI, judged the way
the check judges them (every built-in shape, credential files by name, placeholders and
test or docs folders; no secrets-allow).

    python benchmarks/secret_false_positives.py [--into DIR] [DIR]

Without DIR, publish-checks is built and the projects below are downloaded into a
temporary directory (`pip download --no-deps`, a wheel and an sdist each: needs the
network), or into DIR given with --into, where they stay for the next run. With DIR alone,
the wheels and sdists already in DIR are judged. A finding is printed as the dist, the
member and the kind of secret, never the value. Every failure on these files is a false
alarm: PyPI serves each of them, and none holds a live credential.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from _common import REPO

from publish_checks.dists.inventory import take
from publish_checks.dists.scan import classify
from publish_checks.dists.secrets import PATTERNS
from publish_checks.dists.verdicts import Outcome, judge
from publish_checks.project.layout import Layout

# The most downloaded projects, and those known to ship test keys, credential-file fixtures
# or AWS's documented example keys (boto3, botocore).
PROJECTS = ("attrs", "boto3", "botocore", "certifi", "click", "django", "flask",
            "google-auth", "httpx", "idna", "jinja2", "markupsafe", "packaging", "paramiko",
            "pip", "pygments", "pyjwt", "pytest", "python-dateutil", "python-dotenv", "pytz",
            "pyyaml", "requests", "rich", "setuptools", "six", "sqlalchemy", "tornado",
            "twine", "typing-extensions", "urllib3", "werkzeug")


def fetch(directory: Path) -> None:
    """publish-checks' own dists, and each project's latest wheel and sdist (one that pip
    cannot download, say for want of a compiler to read its metadata, is left out)."""
    subprocess.run([sys.executable, "-m", "build", "-q", "--outdir", str(directory),
                    str(REPO)], check=True, capture_output=True)
    for project in PROJECTS:
        for only in ("--only-binary=:all:", "--no-binary=:all:"):
            done = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                                   only, "-d", str(directory), project],
                                  capture_output=True, text=True, check=False)
            if done.returncode:
                print(f"left out: {project} {only}: {done.stderr.strip().splitlines()[-1:]}")


def measure(directory: Path) -> int:
    """Print every warning and failure and the totals; return the number of failures."""
    paths = sorted([*directory.glob("*.whl"), *directory.glob("*.tar.gz")])
    outcomes: Counter[Outcome] = Counter()
    members = size = 0
    start = time.perf_counter()
    for path in paths:
        dist = classify(path)
        if dist is None:
            continue
        inventory = take(path, PATTERNS, blobs=dist.kind == "sdist")
        inventory.raise_error()
        members += len(inventory.files)
        size += sum(item.size for item in inventory.files)
        for item in inventory.files:
            verdict = judge(dist, item, (), Layout())
            if verdict is not None:
                outcomes[verdict.outcome] += 1
                print(f"{verdict.outcome.value.upper()} {path.name}: {item.name} "
                      f"({verdict.secret.value}{', placeholders' if verdict.placeholders else ''})")
    elapsed = time.perf_counter() - start
    kinds = Counter("wheel" if p.name.endswith(".whl") else "sdist" for p in paths)
    projects = {d.name for p in paths if (d := classify(p)) is not None}
    print(f"{len(paths)} files ({kinds['sdist']} sdists, {kinds['wheel']} wheels) of "
          f"{len(projects)} projects, {members} members, {size / 2**20:.1f} MiB inflated: "
          f"{outcomes[Outcome.FAIL]} failures, {outcomes[Outcome.WARN]} warnings, "
          f"{elapsed:.2f} s")
    for path in paths:
        print(f"  {path.name}")
    return outcomes[Outcome.FAIL]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", nargs="?", type=Path, help="dists to judge as they are")
    parser.add_argument("--into", type=Path, help="download into this folder and keep them")
    args = parser.parse_args()
    if args.directory is not None:
        return 1 if measure(args.directory) else 0
    if args.into is not None:
        args.into.mkdir(parents=True, exist_ok=True)
        fetch(args.into)
        return 1 if measure(args.into) else 0
    with tempfile.TemporaryDirectory() as tmp:
        fetch(Path(tmp))
        return 1 if measure(Path(tmp)) else 0


if __name__ == "__main__":
    sys.exit(main())

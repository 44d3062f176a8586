"""dists-secrets' false positives on real released files: every member of publish-checks'
own wheel and sdist, and of some well-known projects' wheels and sdists from PyPI (boto3 and
botocore hold AWS's example keys), searched with every built-in pattern.

    python benchmarks/secret_false_positives.py [DIR]

Without DIR, publish-checks is built into a temporary directory and the projects below are
downloaded next to it (`pip download --no-deps`, wheels and sdists: needs the network). With
DIR, the wheels and sdists already in DIR are searched. A hit is printed as the member and
the kind of secret, never the value. Every hit on these files is a false positive.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO

from publish_checks.dists.inventory import take
from publish_checks.dists.secrets import PATTERNS

PROJECTS = ("attrs", "packaging", "idna", "requests", "urllib3", "boto3", "botocore")


def fetch(directory: Path) -> None:
    """publish-checks' own dists, and the projects' latest wheels and sdists."""
    subprocess.run([sys.executable, "-m", "build", "-q", "--outdir", str(directory),
                    str(REPO)], check=True, capture_output=True)
    for only in ("--only-binary=:all:", "--no-binary=:all:"):
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", only,
                        "-d", str(directory), *PROJECTS], check=True)


def measure(directory: Path) -> int:
    """Print the files, members, bytes and hits; return the number of hits."""
    dists = sorted([*directory.glob("*.whl"), *directory.glob("*.tar.gz")])
    members = size = hits = 0
    start = time.perf_counter()
    for path in dists:
        inventory = take(path, PATTERNS, blobs=path.name.endswith(".tar.gz"))
        inventory.raise_error()
        members += len(inventory.files)
        size += sum(item.size for item in inventory.files)
        for item in inventory.files:
            if item.secrets:
                hits += 1
                kinds = ", ".join(s.value for s in item.secrets)
                print(f"HIT {path.name}: {item.name} ({kinds})")
    elapsed = time.perf_counter() - start
    print(f"{len(dists)} files, {members} members, {size / 2**20:.1f} MiB inflated, "
          f"{hits} hits, {elapsed:.2f} s")
    for path in dists:
        print(f"  {path.name}")
    return hits


def main() -> int:
    if len(sys.argv) > 1:
        return 1 if measure(Path(sys.argv[1])) else 0
    with tempfile.TemporaryDirectory() as tmp:
        fetch(Path(tmp))
        return 1 if measure(Path(tmp)) else 0


if __name__ == "__main__":
    sys.exit(main())

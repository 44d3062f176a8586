"""The dist checks on about 1 GiB of dists, against one plain streaming pass over the same
files: hash each file, inflate and hash every wheel member, gunzip the sdist. Also the
checks' peak memory (RSS), which must stay flat whatever the dists weigh.

    python benchmarks/large_dists.py [MIB] [RUNS]

MIB is the package data in MiB (default 512: a wheel and an sdist of about 512 MiB each).
The data is random, so nothing compresses: the numbers are the cost of reading.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

from _common import REPO, timed

MODULES = 300
CHUNK = 1024 * 1024

# Runs in a child process, so that its peak RSS is the checks' own.
CHILD = """
import json, resource, sys
from pathlib import Path
from publish_checks.checks import DIST_CHECK_IDS, load_context, run_checks
ctx = load_context(Path(sys.argv[1]), None, environ={}, offline=True)
report = run_checks(ctx, only=DIST_CHECK_IDS)
failed = [r.id + ": " + r.summary[:200] for r in report.checks if r.status.value == "fail"]
# Large releases are read in worker processes: their peak counts too.
print(json.dumps({"failed": failed,
                  "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "workers_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def make_project(root: Path, mib: int) -> None:
    """demo-pkg 1.2.0 with MODULES modules of random data, built into dist/ as a wheel and
    an sdist (by hand: a build backend would take minutes on this much data)."""
    sys.path.insert(0, str(REPO))
    from tests.builders import SampleProject
    from tests.distbuilders import make_release

    project = SampleProject.create(root)
    project.commit("initial")
    per_module = mib * 1024 * 1024 // MODULES
    dist = root / "dist"
    sdist, wheel = make_release(dist)
    # Rewrite both with the extra modules (the sample's own members first, then the data).
    wheel_tmp, sdist_tmp = wheel.with_suffix(".tmp"), sdist.with_suffix(".tmp")
    record_lines = []
    with zipfile.ZipFile(wheel) as src, zipfile.ZipFile(wheel_tmp, "w") as out:
        for info in src.infolist():
            if info.filename.endswith("RECORD"):
                record_name = info.filename
                record_lines = src.read(info).decode().splitlines()
                continue
            out.writestr(info, src.read(info))
        for n in range(MODULES):
            name = f"demo_pkg/data/blob_{n:03}.py"
            data = b"# " + os.urandom(per_module // 2).hex().encode()[:per_module] + b"\n"
            out.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), data,
                         compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
            digest = hashlib.sha256(data).digest()
            encoded = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            record_lines.insert(-1, f"{name},sha256={encoded},{len(data)}")
        out.writestr(record_name, "\n".join(record_lines) + "\n")
    wheel_tmp.replace(wheel)
    with tarfile.open(sdist) as src, gzip.open(sdist_tmp, "wb", compresslevel=1) as gz, \
            tarfile.open(fileobj=gz, mode="w") as out:
        top = ""
        for member in src:
            top = member.name.split("/")[0]
            out.addfile(member, src.extractfile(member) if member.isfile() else None)
        with zipfile.ZipFile(wheel) as whl:
            for n in range(MODULES):
                name = f"demo_pkg/data/blob_{n:03}.py"
                data = whl.read(name)
                info = tarfile.TarInfo(f"{top}/{name}")
                info.size, info.mtime, info.mode = len(data), 1767225600, 0o644
                out.addfile(info, io.BytesIO(data))
    sdist_tmp.replace(sdist)


def one_pass(dist: Path) -> None:
    """The floor: hash each file, inflate and hash every wheel member, gunzip the sdist."""
    for path in sorted(dist.iterdir()):
        digest = hashlib.sha256()
        with path.open("rb") as f:
            while block := f.read(CHUNK):
                digest.update(block)
        if path.suffix == ".whl":
            with zipfile.ZipFile(path) as zf:
                for info in zf.infolist():
                    member = hashlib.sha256()
                    with zf.open(info) as data:
                        while block := data.read(CHUNK):
                            member.update(block)
        elif path.name.endswith(".tar.gz"):
            with gzip.open(path) as gz:
                while gz.read(CHUNK):
                    pass


def main() -> None:
    mib = int(sys.argv[1]) if len(sys.argv) > 1 else 512
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "demo"
        make_project(root, mib)
        sizes = {p.name: p.stat().st_size for p in (root / "dist").iterdir()}
        total = sum(sizes.values()) / 2**20
        print(f"dists: {', '.join(f'{n} {s / 2**20:.0f} MiB' for n, s in sizes.items())}"
              f" ({total:.0f} MiB)")
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        result: dict[str, object] = {}

        def checks() -> None:
            done = subprocess.run([sys.executable, "-c", CHILD, str(root)], env=env,
                                  capture_output=True, text=True, check=True)
            result.update(json.loads(done.stdout))

        baseline = timed("one streaming pass (baseline)", lambda: one_pass(root / "dist"), runs)
        ours = timed("publish-checks dist checks", checks, runs)
        print(f"ratio dist checks / one pass: {ours / baseline:.2f}")
        print(f"peak RSS of the checks: {result['rss_mib']:.0f} MiB, of the largest worker "
              f"process: {result['workers_mib']:.0f} MiB")
        if result["failed"]:
            print(f"(checks that failed: {result['failed']})")


if __name__ == "__main__":
    main()

"""A release built apart from where it is published: one sdist and a wheel per platform (a
cibuildwheel matrix) pass every dist check together; dists-install picks the wheel for this
machine; and dists built in one checkout publish from another checkout of the same commit
(CI's build job → publish job), while dists of another commit are refused."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.tags import Tag, interpreter_name, interpreter_version, sys_tags

from publish_checks.checks import build_check_ids
from publish_checks.checks.report import Status
from publish_checks.release.install import installable
from tests.builders import SampleProject
from tests.distbuilders import default_files, make_sdist, make_wheel
from tests.e2e import CANARY, line_of
from tests.pypiserver import PypiServer

SPEEDUPS_C = "int answer(void) { return 42; }\n"
# This interpreter's own CPython tag (cp311 under 3.11): the wheels fit it but for platform.
CP = f"{interpreter_name()}{interpreter_version()}"
MANYLINUX = "manylinux_2_17_x86_64.manylinux2014_x86_64"
# platform tag → the suffix of the extension module built there: for this CPython, for abi3.
PLATFORMS = {MANYLINUX: (f"cpython-{CP[2:]}-x86_64-linux-gnu.so", "abi3.so"),
             "musllinux_1_2_x86_64": (f"cpython-{CP[2:]}-x86_64-linux-musl.so", "abi3.so"),
             "macosx_11_0_arm64": (f"cpython-{CP[2:]}-darwin.so", "abi3.so"),
             "win_amd64": (f"{CP}-win_amd64.pyd", "pyd")}
ON_LINUX_X86_64 = Tag(CP, CP, "manylinux_2_17_x86_64") in set(sys_tags())
linux_x86_64 = pytest.mark.skipif(not ON_LINUX_X86_64,
                                  reason="picks the manylinux x86_64 wheel on that platform")


def compiled(project: SampleProject) -> SampleProject:
    """The sample project with a C extension's source committed beside its modules."""
    project.write("demo_pkg/_speedups.c", SPEEDUPS_C)
    project.commit("a C extension")
    return project


def matrix(dist: Path, abi: str = CP, *, init: dict[str, str] | None = None,
           pure: str | None = None) -> list[Path]:
    """One sdist and four platform wheels of demo-pkg 1.2.0, each with its compiled module
    (bytes that only look like one), except on platform ``pure``: its wheel holds the pure
    modules alone, so it really works; ``init`` replaces demo_pkg/__init__.py per platform."""
    sources = {**default_files(), "demo_pkg/_speedups.c": SPEEDUPS_C}
    files = [make_sdist(dist, files=sources)]
    for platform, (own, stable) in PLATFORMS.items():
        module = f"demo_pkg/_speedups.{stable if abi == 'abi3' else own}"
        wheel_files: dict[str, str | bytes] = {**default_files()}
        if platform != pure:
            wheel_files[module] = b"\x7fELF\x02"
        if init is not None and platform in init:
            wheel_files["demo_pkg/__init__.py"] = init[platform]
        files.append(make_wheel(dist, files=wheel_files, tag=f"{CP}-{abi}-{platform}"))
    return files


def wheel_name(platform: str, abi: str = CP) -> str:
    return f"demo_pkg-1.2.0-{CP}-{abi}-{platform}.whl"


# --- verify: the dist checks on a matrix ---------------------------------------------------

@pytest.mark.parametrize("abi", [CP, "abi3"])
def test_a_matrix_release_passes_every_dist_check(project: SampleProject, abi: str) -> None:
    """One sdist and manylinux, musllinux, macOS and Windows wheels of one version, each
    holding its compiled module: every dist check passes, and each wheel is counted."""
    compiled(project)
    matrix(project.root / "dist", abi)
    report = project.verify()
    results = {r.id: r for r in report.checks if r.id in build_check_ids()}
    # dists-install runs only when asked; no attestations exist, and none will be made here.
    assert {i: r.status for i, r in results.items()} == {
        i: Status.SKIP if i in ("dists-install", "dists-attestations", "dists-abi")
        else Status.PASS for i in build_check_ids()}, {i: r.summary for i, r in results.items()}
    # Bytes that only look like a binary are none auditwheel could read; an abi3 wheel is
    # abi3audit's, which only a run with tool environments has.
    assert results["dists-abi"].summary == (
        f"{', '.join(wheel_name(p) for p in PLATFORMS if p.endswith('x86_64'))} hold no ELF "
        "binary: nothing for auditwheel to judge" if abi != "abi3" else
        "this run cannot make tool environments for auditwheel and abi3audit (the nox "
        "sessions and the publish-checks command can)")
    wheels = ", ".join(sorted(wheel_name(p, abi) for p in PLATFORMS))
    assert results["dists-present"].summary == \
        f"sdist demo_pkg-1.2.0.tar.gz and 4 wheels: {wheels}"
    assert results["dists-stale"].summary == \
        "dist/ holds only demo-pkg 1.2.0 (5 files), built from HEAD"
    assert results["dists-contents"].summary == (
        "each of the 4 wheels matches its RECORD, holds the 2 git-tracked files of its "
        "packages; demo_pkg-1.2.0.tar.gz holds the 3 git-tracked source files, its readme "
        "and pyproject.toml")


def test_a_matrix_with_a_wheel_of_another_version_fails(project: SampleProject) -> None:
    """A wheel left over from the last release among the matrix is a stale file an upload
    would send; the release's own four wheels are still counted."""
    compiled(project)
    matrix(project.root / "dist")
    old = make_wheel(project.root / "dist", version="1.1.0", tag=f"{CP}-{CP}-win_amd64")
    report = {r.id: r for r in project.verify().checks}
    assert report["dists-present"].status is Status.PASS
    assert report["dists-stale"].status is Status.FAIL
    assert report["dists-stale"].summary == (
        f"dist/ also holds 1 file that an upload of dist/* would send: {old.name}")


def test_a_linux_wheel_not_repaired_by_auditwheel_fails_dists_metadata(
        project: SampleProject) -> None:
    """A plain linux_x86_64 wheel in the matrix (not repaired into manylinux) is refused as
    PyPI refuses it, naming that wheel."""
    compiled(project)
    dist = project.root / "dist"
    matrix(dist)
    (dist / wheel_name(MANYLINUX)).unlink()
    raw = make_wheel(dist, tag=f"{CP}-{CP}-linux_x86_64")
    finding = {r.id: r for r in project.verify().checks}["dists-metadata"]
    assert finding.status is Status.FAIL
    assert raw.name in finding.summary and "linux_x86_64" in finding.summary
    assert f"auditwheel repair dist/{raw.name} -w dist/" in (finding.hint or "")


# --- dists-install: which file of a matrix is installed here --------------------------------

def test_the_selection_ignores_the_order_of_the_files(tmp_path: Path) -> None:
    """Two wheels with the same best tag (one with a build number): whatever order dist/
    lists them in, the same one is picked."""
    files = [make_wheel(tmp_path),
             make_wheel(tmp_path, filename="demo_pkg-1.2.0-1-py3-none-any.whl")]
    assert installable(files) == installable(list(reversed(files))) == [files[1]]


@linux_x86_64
def test_the_manylinux_wheel_is_picked_on_linux_x86_64(tmp_path: Path) -> None:
    """Among the sdist, four platform wheels and a pure wheel, this machine (glibc,
    x86_64) gets the manylinux wheel: its tag comes before py3-none-any in sys_tags()."""
    files = [*matrix(tmp_path), make_wheel(tmp_path)]
    assert [p.name for p in installable(files)] == [wheel_name(MANYLINUX)]


@linux_x86_64
def test_the_most_specific_fitting_wheel_wins(tmp_path: Path) -> None:
    """An abi3 wheel for an older CPython fits too, but this CPython's own wheel ranks
    first; without it the abi3 one is picked over the pure wheel."""
    own = make_wheel(tmp_path, tag=f"{CP}-{CP}-{MANYLINUX}")
    stable = make_wheel(tmp_path, tag=f"cp38-abi3-{MANYLINUX}")
    pure = make_wheel(tmp_path)
    assert installable([pure, stable, own]) == [own]
    assert installable([pure, stable]) == [stable]
    assert installable([pure]) == [pure]


def test_with_no_wheel_for_this_machine_the_sdist_is_picked(tmp_path: Path) -> None:
    """Wheels for other platforms and other Pythons only: the sdist is installed instead."""
    files = [make_sdist(tmp_path),
             make_wheel(tmp_path, tag="cp312-cp312-win_amd64"),
             make_wheel(tmp_path, tag="cp312-cp312-macosx_11_0_arm64"),
             make_wheel(tmp_path, tag="cp27-cp27mu-manylinux1_x86_64"),
             make_wheel(tmp_path, tag="py3-none-wasi_0_0_0_wasm32")]
    assert [p.name for p in installable(files)] == ["demo_pkg-1.2.0.tar.gz"]
    assert installable(files[1:]) == []


# --- end to end: the publish-checks command ---------------------------------------------------

def command(root: Path, cache: Path, *args: str, env: dict[str, str] | None = None,
            secrets: tuple[str, ...] = ()) -> tuple[int, str]:
    """``python -m publish_checks ARGS`` in ``root``, with no terminal; no secret shows."""
    done = subprocess.run(
        [sys.executable, "-m", "publish_checks", *args], cwd=root, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "NO_COLOR": "1", "PYPI_API_KEY": CANARY,
             "PUBLISH_CHECKS_CACHE_DIR": str(cache), **(env or {})})
    output = done.stdout + done.stderr
    for secret in (CANARY, *secrets):
        assert secret not in output
    assert "Traceback" not in output, output
    return done.returncode, output


@pytest.fixture
def cache(publish_checks_cache: Path) -> Path:
    """The command's tool virtualenvs, made once for this test process."""
    return publish_checks_cache


@pytest.mark.e2e
@linux_x86_64
def test_dists_install_installs_the_manylinux_wheel_of_a_matrix(project: SampleProject,
                                                               cache: Path) -> None:
    """In a matrix where only the manylinux wheel can work here (a real pure module under
    that tag; the others fail to import, and pip refuses their tags), dists-install installs
    that one and passes, as does every other dist check."""
    compiled(project)
    broken = 'raise ImportError("this wheel was built for another platform")\n'
    matrix(project.root / "dist", pure=MANYLINUX,
           init={p: broken for p in PLATFORMS if p != MANYLINUX})
    _, output = command(project.root, cache, "verify", "--offline", "--install")
    assert line_of("dists-install", output) == (
        f"✓ dists-install {wheel_name(MANYLINUX)} installs into a fresh virtualenv: "
        "2 modules imported, 0 entry points loaded")
    # No attestations exist and none will be made outside trusted-publishing CI: a skip.
    assert {i: line_of(i, output)[0] for i in build_check_ids()} == {
        i: "–" if i in ("dists-attestations", "dists-abi") else "✓" for i in build_check_ids()}


def build_elsewhere(project: SampleProject, cache: Path, clone: Path) -> dict[str, bytes]:
    """Build in ``project`` (CI's build job), then clone it to ``clone`` (the publish job's
    fresh checkout) and copy dist/ there as the artifact download does."""
    code, output = command(project.root, cache, "build")
    assert code == 0, output
    subprocess.run(["git", "clone", "-q", str(project.root), str(clone)], check=True,
                   capture_output=True, timeout=60)
    shutil.copytree(project.root / "dist", clone / "dist")
    return {p.name: p.read_bytes() for p in (clone / "dist").iterdir()}


def publish(root: Path, cache: Path, server: PypiServer) -> tuple[int, str]:
    url = server.url.replace("http://", f"http://{server.username}@")
    return command(root, cache, "publish", "--repository", url, "--yes",
                   env={"TWINE_PASSWORD": server.password}, secrets=(server.password,))


@pytest.mark.e2e
def test_dists_built_in_another_checkout_of_the_commit_publish(
        project: SampleProject, cache: Path, pypiserver: PypiServer, tmp_path: Path) -> None:
    """dist/ built in one clone and copied into a fresh clone of the same commit publishes
    from there with --yes: every check passes, and the index gets exactly those files."""
    built = build_elsewhere(project, cache, tmp_path / "publisher")
    code, output = publish(tmp_path / "publisher", cache, pypiserver)
    assert code == 0, output
    assert line_of("dists-stale", output) == \
        "✓ dists-stale dist/ holds only demo-pkg 1.2.0 (2 files), built from HEAD"
    assert "Smoke test passed: demo-pkg 1.2.0 installs from the index and runs" in output
    served = {p.name: p.read_bytes() for p in pypiserver.packages_dir.iterdir()}
    assert {n: hashlib.sha256(d).hexdigest() for n, d in served.items()} == \
        {n: hashlib.sha256(d).hexdigest() for n, d in built.items()}


@pytest.mark.e2e
def test_dists_built_from_another_commit_are_not_published(
        project: SampleProject, cache: Path, pypiserver: PypiServer, tmp_path: Path) -> None:
    """A dist/ built before a change to a module was committed fails dists-stale in the
    checkout of the new commit, naming the file and the fix, and nothing is uploaded."""
    clone = tmp_path / "publisher"
    build_elsewhere(project, cache, clone)
    (clone / "demo_pkg" / "core.py").write_text("def answer() -> int:\n    return 43\n",
                                                "utf-8")
    subprocess.run(["git", "commit", "-qam", "change the answer"], cwd=clone, check=True,
                   capture_output=True, timeout=60)
    code, output = publish(clone, cache, pypiserver)
    assert code == 1, output
    assert line_of("dists-stale", output) == (
        "✗ dists-stale the sdist was not built from HEAD: 1 git-tracked file in it differs "
        "from the last commit: demo_pkg/core.py")
    assert "fix: rebuild from this commit: publish-checks build" in output
    assert list(pypiserver.packages_dir.iterdir()) == []

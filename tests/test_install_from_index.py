"""The install proof takes the release from the index it was uploaded to, and from nowhere
else: not from an extra index, find-links or a pip.conf that serve other files under the
same name and version."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from publish_checks._errors import ReleaseError
from publish_checks.dists.scan import file_sha256
from publish_checks.dists.snapshot import read_snapshot
from publish_checks.release.install import fetch_from_index
from publish_checks.release.plan import make_plan
from publish_checks.release.process import find_uv
from publish_checks.release.rehearse import LocalIndex
from tests.builders import SampleProject, python_build
from tests.distbuilders import make_release, make_wheel
from tests.e2e import CANARY, NOXFILE, run_nox
from tests.pypiserver import IndexPool, PypiServer

WHEEL = "demo_pkg-1.2.0-py3-none-any.whl"
SDIST = "demo_pkg-1.2.0.tar.gz"
# A dependency only the user's own (extra) index serves: dependencies come from there.
DEPENDENCY = "demo-dep-from-user-index"
# The smoke test prints which build it runs: the two builds differ only in demo_pkg/origin.py.
SMOKE = '\n[tool.publish-checks]\nsmoke-test = ["python", "-m", "demo_pkg.origin"]\n'
# ... and where the installer took it from (PEP 610 direct_url.json: the local file).
ORIGIN = """\
import json
from importlib.metadata import distribution

import demo_dep_from_user_index  # noqa: F401 (it must be installed)

BUILD = "{build}"

if __name__ == "__main__":
    source = json.loads(distribution("demo-pkg").read_text("direct_url.json") or "{{}}")
    print("smoke: built by", BUILD, "installed from", source.get("url"))
"""


def test_a_file_served_with_another_sha256_fails(project: SampleProject,
                                                 pypiserver: PypiServer, tmp_path: Path) -> None:
    """A file the index serves with other bytes than were uploaded stops the proof, named with
    the sha256 it came with; the genuine file is fetched and kept."""
    make_release(project.root / "dist")
    ctx = project.context(pypiserver.url, offline=False)
    plan = make_plan(ctx, {})
    # Smaller than the genuine wheel: a larger one is stopped earlier, by its size.
    impostor = make_wheel(tmp_path / "impostor", files={"demo_pkg/__init__.py": ""})
    assert impostor.stat().st_size < (project.root / "dist" / WHEEL).stat().st_size
    pypiserver.add(impostor, project.root / "dist" / SDIST)
    first, second = tmp_path / "fetched-1", tmp_path / "fetched-2"
    first.mkdir()
    second.mkdir()
    with pytest.raises(ReleaseError) as raised:
        fetch_from_index(read_snapshot(pypiserver.index_url, ["demo-pkg"]), plan, first)
    assert raised.value.message == (f"the index served {WHEEL} with sha256 "
                                    f"{file_sha256(impostor)}, not the file that was uploaded")
    assert raised.value.hint == "check which index you publish to"
    assert not (first / WHEEL).exists()

    pypiserver.add(project.root / "dist" / WHEEL)
    fetched = fetch_from_index(read_snapshot(pypiserver.index_url, ["demo-pkg"]), plan, second)
    assert {p.name: file_sha256(p) for p in fetched} == {
        f.dist.filename: f.sha256 for f in plan.files}


@pytest.fixture
def genuine_index(index_pool: IndexPool) -> LocalIndex:
    """The index the release goes to (uploads as __token__ with the canary as password)."""
    return index_pool.get(username="__token__", password=CANARY)


@pytest.fixture
def impostor_index(index_pool: IndexPool) -> LocalIndex:
    """A second index on the user's pip and uv configuration."""
    return index_pool.get(kind="impostor")


def sample(root: Path, build: str) -> SampleProject:
    """The sample project, whose smoke test prints ``build``; committed, with the sessions."""
    project = SampleProject.create(root, extra_config=SMOKE)
    pyproject = (root / "pyproject.toml").read_text("utf-8")
    project.write("pyproject.toml", pyproject.replace(
        'requires-python = ">=3.10"\n',
        f'requires-python = ">=3.10"\ndependencies = ["{DEPENDENCY}==1.0"]\n'))
    project.write("demo_pkg/origin.py", ORIGIN.format(build=build))
    project.write("noxfile.py", NOXFILE)
    project.commit("initial")
    return project


def trap(tmp_path: Path, impostor_index: LocalIndex) -> dict[str, str]:
    """Every way the user's configuration could offer pip and uv the impostor's files; the
    user's extra index also serves the release's dependency."""
    impostor = sample(tmp_path / "impostor", "impostor")
    built = tmp_path / "impostor-dist"
    python_build(impostor.root, built)
    links = tmp_path / "find-links"
    shutil.copytree(built, links)
    for path in built.iterdir():
        shutil.copy(path, impostor_index.packages)
    make_wheel(impostor_index.packages, DEPENDENCY, "1.0",
               files={"demo_dep_from_user_index/__init__.py": ""})
    pip_conf = tmp_path / "pip.conf"
    pip_conf.write_text(f"[global]\nextra-index-url = {impostor_index.index_url}\n"
                        f"find-links = {links}\n", "utf-8")
    return {"PIP_EXTRA_INDEX_URL": impostor_index.index_url, "PIP_FIND_LINKS": str(links),
            "PIP_CONFIG_FILE": str(pip_conf), "UV_EXTRA_INDEX_URL": impostor_index.index_url,
            "UV_FIND_LINKS": str(links)}


def armed(env: dict[str, str], index_url: str, tmp_path: Path) -> dict[str, str]:
    """Which build pip and uv take for demo-pkg==1.2.0 when the index itself has none yet:
    proof that the configuration offers the impostor."""
    environ = {**os.environ, **env}
    got = {}
    dest = tmp_path / "pip-download"
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                    "--no-cache-dir", "--disable-pip-version-check", "--dest", str(dest),
                    "--index-url", index_url, "demo-pkg==1.2.0"],
                   check=True, capture_output=True, timeout=120, env=environ)
    got["pip"] = {p.name: file_sha256(p) for p in dest.iterdir()}[WHEEL]
    if (uv := find_uv()) is not None:
        target = tmp_path / "uv-target"
        subprocess.run([uv, "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                        "--python", sys.executable, "--index-url", index_url,
                        "demo-pkg==1.2.0"], check=True, capture_output=True, timeout=120,
                       env=environ)
        got["uv"] = re.findall(r"BUILD = .*", (target / "demo_pkg" / "origin.py").read_text())[0]
    return got


def installer_path(installer: str) -> dict[str, str]:
    """The environment in which the release installs with ``installer``: uv where found, else
    pip (nox then makes virtualenvs too), so PATH leaves uv out for pip."""
    if installer == "uv":
        if find_uv() is None:
            pytest.skip("uv is not installed")
        return {}
    path = os.pathsep.join(d for d in os.environ["PATH"].split(os.pathsep)
                           if not (Path(d) / "uv").exists())
    path = os.pathsep.join([str(Path(sys.executable).parent), path])
    if shutil.which("uv", path=path) is not None or (Path(sys.executable).parent / "uv").exists():
        pytest.skip("uv cannot be hidden from this test")
    return {"PATH": path}


@pytest.mark.e2e
@pytest.mark.parametrize("installer", ["uv", "pip"])
def test_publish_proves_the_release_from_its_own_index_alone(
        tmp_path: Path, genuine_index: LocalIndex, impostor_index: LocalIndex,
        installer: str, envdir: Path) -> None:
    """With pip and uv pointed at another index and a find-links folder that hold another
    build of demo-pkg 1.2.0, publish still installs and smoke-tests the files it uploaded,
    and takes their dependency from that other index, the user's own."""
    env = {**trap(tmp_path, impostor_index), **installer_path(installer)}
    genuine = sample(tmp_path / "genuine", "genuine")
    if installer == "pip":  # nox's virtualenvs made without uv too, not the run's ones
        envdir = tmp_path / "nox-envs"
    built = run_nox(genuine.root, envdir, "-s", "build", env=env)
    assert built.code == 0, built.output
    uploaded = {p.name: file_sha256(p) for p in (genuine.root / "dist").iterdir()}
    impostor = {p.name: file_sha256(p) for p in impostor_index.packages.iterdir()
                if p.name.startswith("demo_pkg-")}
    assert set(impostor) == set(uploaded) == {WHEEL, SDIST}
    assert impostor[WHEEL] != uploaded[WHEEL]
    offered = armed(env, genuine_index.index_url, tmp_path)
    assert offered["pip"] == impostor[WHEEL]
    assert offered.get("uv", 'BUILD = "impostor"') == 'BUILD = "impostor"'

    run = run_nox(genuine.root, envdir, "-s", "publish", "--", "--repository", genuine_index.url,
                  "--yes", env=env)
    assert run.code == 0, run.output
    assert {p.name: file_sha256(p) for p in genuine_index.packages.iterdir()} == uploaded
    # The proof after the upload installed the genuine build, the file it downloaded with
    # the sha256 uploaded (staged for the installer at a path named by that sha256).
    smoked = re.findall(r"smoke: built by (\w+) installed from (\S+)", run.output)
    assert smoked, run.output
    assert {build for build, _ in smoked} == {"genuine"}
    staged = rf"file://\S*/release/{uploaded[WHEEL][:32]}/{WHEEL}"
    assert all(re.fullmatch(staged, source) for _, source in smoked), smoked
    assert "Smoke test passed: demo-pkg 1.2.0 installs from the index and runs" in run.output
    lowered = run.output.lower()
    assert "not the file that was uploaded" not in lowered
    assert "do not match the hashes" not in lowered and "hash mismatch" not in lowered
    assert {p.name: file_sha256(p) for p in impostor_index.packages.iterdir()
            if p.name.startswith("demo_pkg-")} == impostor

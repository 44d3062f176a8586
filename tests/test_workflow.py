"""The shipped GitHub workflows are valid, build apart from the publishing identity, and
publish with trusted publishing: the release workflow of publish-checks itself and the
cibuildwheel template for compiled projects (docs/workflows/)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
RELEASE = REPO / ".github" / "workflows" / "release.yml"
CIBUILDWHEEL = REPO / "docs" / "workflows" / "release-cibuildwheel.yml"
WORKFLOWS = [pytest.param(RELEASE, id="release"), pytest.param(CIBUILDWHEEL, id="cibuildwheel")]
# A step that builds dists: the build session or command, build itself, cibuildwheel.
BUILDS = re.compile(r"\bnox\b.*\s-s\s+(\S+\s+)*build\b|\bpython -m build\b|\bpyproject-build\b"
                    r"|\bpipx run build\b|\buv build\b|\bpublish-checks build\b|cibuildwheel")
PUBLISHES = re.compile(r"\bnox -s (\S+ )*publish -- --yes$|^publish-checks publish --yes$")

Job = dict[str, Any]


def load(path: Path) -> dict[str, Any]:
    workflow = yaml.safe_load(path.read_text("utf-8"))
    assert isinstance(workflow, dict)
    return workflow


def jobs(workflow: dict[str, Any]) -> dict[str, Job]:
    found = workflow["jobs"]
    assert isinstance(found, dict)
    return found


def mints_oidc(workflow: dict[str, Any], job: Job) -> bool:
    """Whether the job may request an OIDC token: its own permissions, else the workflow's."""
    permissions = job.get("permissions", workflow.get("permissions"))
    if isinstance(permissions, str):
        return permissions == "write-all"
    return isinstance(permissions, dict) and permissions.get("id-token") == "write"


def steps(job: Job) -> list[dict[str, Any]]:
    return list(job.get("steps", []))


def runs(job: Job) -> list[str]:
    """Each line of each ``run:`` of the job."""
    return [line.strip() for step in steps(job) if "run" in step
            for line in str(step["run"]).splitlines() if line.strip()]


def builds(job: Job) -> bool:
    return (any(BUILDS.search(line) for line in runs(job))
            or any(str(step.get("uses", "")).startswith("pypa/cibuildwheel@")
                   for step in steps(job)))


def uses(job: Job, action: str) -> list[dict[str, Any]]:
    """The ``with:`` of each step of the job that uses ``action`` (any version)."""
    return [dict(step.get("with", {})) for step in steps(job)
            if str(step.get("uses", "")).startswith(f"{action}@")]


def needs(job: Job) -> set[str]:
    given = job.get("needs", [])
    return {given} if isinstance(given, str) else set(given)


def needed(all_jobs: dict[str, Job], name: str) -> set[str]:
    """Every job that ``name`` waits for, directly or through others."""
    seen: set[str] = set()
    todo = list(needs(all_jobs[name]))
    while todo:
        job = todo.pop()
        if job not in seen:
            seen.add(job)
            todo.extend(needs(all_jobs[job]))
    return seen


def publisher(workflow: dict[str, Any]) -> tuple[str, Job]:
    minting = [(name, job) for name, job in jobs(workflow).items() if mints_oidc(workflow, job)]
    assert len(minting) == 1, f"exactly one job may hold id-token: write, not {minting}"
    return minting[0]


def test_buildish_steps_are_recognised() -> None:
    """The build pattern knows each way these workflows build, and not the publish command."""
    for line in ("nox -s build", "nox -s lint build", "nox -s build publish -- --yes",
                 "python -m build", "pipx run build --sdist", "uv build",
                 "publish-checks build", "pipx run cibuildwheel"):
        assert BUILDS.search(line), line
    for line in ("nox -s publish -- --yes", "publish-checks publish --yes",
                 "python -m pip install publish-checks", "nox -s lint tests"):
        assert not BUILDS.search(line), line


@pytest.mark.parametrize("path", WORKFLOWS)
def test_workflow_passes_actionlint(path: Path) -> None:
    """actionlint finds nothing wrong in the workflow."""
    actionlint = shutil.which("actionlint") or shutil.which(
        "actionlint", path=str(Path(sys.executable).parent))
    if actionlint is None:
        pytest.skip("actionlint is not installed (the tests session installs it)")
    result = subprocess.run([actionlint, str(path)], capture_output=True, text=True,
                            timeout=120, check=False)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def identity_problems(workflow: dict[str, Any]) -> list[str]:
    """What keeps the publishing identity from being apart from the build, in words."""
    minting = [name for name, job in jobs(workflow).items() if mints_oidc(workflow, job)]
    if len(minting) != 1:
        return [f"{len(minting)} jobs hold id-token: write: {minting}"]
    name = minting[0]
    job = jobs(workflow)[name]
    problems = []
    if builds(job):
        problems.append(f"{name} builds: {[line for line in runs(job) if BUILDS.search(line)]}")
    downloads = uses(job, "actions/download-artifact")
    if not downloads or any(given.get("path") != "dist/" for given in downloads):
        problems.append(f"{name} does not download the dists into dist/")
    if not [line for line in runs(job) if PUBLISHES.search(line)]:
        problems.append(f"{name} does not publish")
    building = {other for other, spec in jobs(workflow).items() if builds(spec)} - {name}
    if not building:
        problems.append("no other job builds the dists")
    if building - needs(job):
        problems.append(f"{name} does not wait for {sorted(building - needs(job))}")
    return problems


@pytest.mark.parametrize("path", WORKFLOWS)
def test_one_job_holds_the_publishing_identity_and_builds_nothing(path: Path) -> None:
    """Exactly one job may mint an OIDC token; it runs in the pypi environment with every
    ref checked out, downloads the dists into dist/ and publishes them without building,
    after every job that builds. No token secret is used."""
    workflow = load(path)
    assert identity_problems(workflow) == []
    _, job = publisher(workflow)
    assert job["environment"]["name"] == "pypi"
    assert [given.get("fetch-depth") for given in uses(job, "actions/checkout")] == [0]
    assert "secrets." not in path.read_text("utf-8"), "trusted publishing needs no token secret"


def test_a_publish_job_that_builds_is_refused() -> None:
    """The one-job release of before (build and publish where the token can be minted) and
    a workflow-wide id-token permission are what the structural checks catch."""
    one_job = yaml.safe_load("""
permissions: {contents: read}
jobs:
  test: {runs-on: ubuntu-latest, steps: [{run: nox -s lint tests}]}
  publish:
    needs: test
    runs-on: ubuntu-latest
    environment: {name: pypi}
    permissions: {contents: read, id-token: write}
    steps: [{uses: actions/checkout@v5}, {run: nox -s build publish -- --yes}]
""")
    assert identity_problems(one_job) == [
        "publish builds: ['nox -s build publish -- --yes']",
        "publish does not download the dists into dist/",
        "no other job builds the dists"]
    everywhere = {**one_job, "permissions": {"contents": "read", "id-token": "write"}}
    assert identity_problems(everywhere) == ["2 jobs hold id-token: write: ['test', 'publish']"]


@pytest.mark.parametrize("path", WORKFLOWS)
def test_every_built_file_reaches_the_publish_job(path: Path) -> None:
    """Each building job uploads its files under its own artifact name, failing when there
    are none, and the publish job downloads every one of those names."""
    workflow = load(path)
    _, job = publisher(workflow)
    uploaded = []
    for name, spec in jobs(workflow).items():
        if builds(spec):
            given = uses(spec, "actions/upload-artifact")
            assert len(given) == 1, name
            assert given[0]["if-no-files-found"] == "error", name
            uploaded.append(str(given[0]["name"]))
    assert len(set(uploaded)) == len(uploaded)
    downloads = uses(job, "actions/download-artifact")
    for artifact in uploaded:
        takers = [given for given in downloads if given.get("name") == artifact
                  or ("pattern" in given and artifact.startswith(given["pattern"].rstrip("*"))
                      and given.get("merge-multiple") is True)]
        assert len(takers) == 1, (artifact, downloads)


def test_the_release_workflow_tests_then_builds_then_publishes() -> None:
    """publish-checks' own release: test, then `nox -s build` with no OIDC permission, then
    `nox -s publish -- --yes` in the one job that has it, after both."""
    workflow = load(RELEASE)
    all_jobs = jobs(workflow)
    assert set(all_jobs) == {"test", "build", "publish"}
    assert workflow["permissions"] == {"contents": "read"}
    assert all_jobs["build"]["permissions"] == {"contents": "read"}
    assert runs(all_jobs["build"])[-1] == "nox -s build"
    assert all_jobs["publish"]["permissions"] == {"contents": "read", "id-token": "write"}
    assert runs(all_jobs["publish"])[-1] == "nox -s publish -- --yes"
    assert needed(all_jobs, "publish") == {"test", "build"}
    assert [given["fetch-depth"] for given in uses(all_jobs["build"], "actions/checkout")] == [0]
    assert uses(all_jobs["publish"], "actions/download-artifact") == [
        {"name": "dist", "path": "dist/"}]


def test_the_cibuildwheel_template_merges_a_matrix_into_one_release() -> None:
    """The template builds wheels with cibuildwheel on Linux, Windows and both macOS
    architectures, the sdist apart, and publishes all of them at once with publish-checks."""
    workflow = load(CIBUILDWHEEL)
    all_jobs = jobs(workflow)
    assert set(all_jobs) == {"wheels", "sdist", "publish"}
    matrix = all_jobs["wheels"]["strategy"]["matrix"]["os"]
    assert set(matrix) == {"ubuntu-latest", "windows-latest", "macos-latest", "macos-15-intel"}
    assert [step["uses"] for step in steps(all_jobs["wheels"])
            if "cibuildwheel" in str(step.get("uses"))] == ["pypa/cibuildwheel@v3.4.1"]
    assert uses(all_jobs["wheels"], "actions/upload-artifact")[0]["name"] == \
        "cibw-wheels-${{ matrix.os }}"
    assert runs(all_jobs["sdist"]) == ["pipx run build --sdist"]
    assert uses(all_jobs["publish"], "actions/download-artifact") == [
        {"pattern": "cibw-*", "path": "dist/", "merge-multiple": True},
        {"name": "sdist", "path": "dist/"}]
    assert runs(all_jobs["publish"]) == ["python -m pip install publish-checks",
                                          "publish-checks publish --yes"]


def test_dist_is_git_ignored_so_a_downloaded_dist_keeps_the_checkout_clean() -> None:
    """The publish job downloads into dist/: this repository's .gitignore ignores it, so
    git-clean passes there."""
    done = subprocess.run(["git", "check-ignore", "--no-index", "-q", "dist/demo.whl"],
                          cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr

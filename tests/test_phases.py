"""Check phases as data: where a check runs (offline, in build, with an install, in the
rehearsal's closing lines) follows what it declares it needs in the registry, never its id's
prefix (SPEC §4). Each test registers checks whose ids lie about what they need."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from publish_checks import checks
from publish_checks.checks import CHECKS, Need, Registered, build_check_ids, run_checks
from publish_checks.checks.context import Context
from publish_checks.checks.report import Finding, Status, passed, warned
from publish_checks.release.rehearse import real_target_checks
from tests.builders import SampleProject
from tests.distbuilders import make_release
from tests.e2e import CANARY

OFFLINE = "--offline: the index was not asked"
ASKED = "asked the index"


def dists_fake(ctx: Context) -> Finding:
    """A future dists-* check that compares the dists with what the index holds."""
    return passed(ASKED)


def index_local(ctx: Context) -> Finding:
    """An index-* id that only reads dist/ (no index at all)."""
    return passed(f"read {len(ctx.release_dists())} files of dist/")


def git_installs(ctx: Context) -> Finding:
    return passed("installed the release")


def index_names(ctx: Context) -> Finding:
    return passed(ASKED)


def index_names_offline(ctx: Context) -> Finding:
    return warned("judged without the index", "ask the index")


FAKES = (Registered(dists_fake, Need.DISTS | Need.PROJECT | Need.INDEX),
         Registered(index_local, Need.DISTS | Need.PROJECT),
         Registered(git_installs, Need.DISTS | Need.INSTALL),
         Registered(index_names, Need.PROJECT | Need.INDEX, offline=index_names_offline))


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the fake checks are registered (nothing asks a real index)."""
    monkeypatch.setattr("publish_checks.checks.registry.CHECKS", FAKES)


def summaries(ctx: Context) -> dict[str, tuple[Status, str]]:
    return {r.id: (r.status, r.summary) for r in run_checks(ctx).checks}


def test_a_dists_check_that_needs_the_index_is_skipped_offline(
        project: SampleProject, fakes: None) -> None:
    """dists-fake declares the index: offline it is skipped, as index-version would be, while
    index-local (an index- id that needs only dist/) runs; online dists-fake runs."""
    make_release(project.root / "dist")
    offline = summaries(project.context(offline=True))
    assert offline["dists-fake"] == (Status.SKIP, OFFLINE)
    assert offline["index-local"] == (Status.PASS, "read 2 files of dist/")
    online = summaries(project.context(offline=False))
    assert online["dists-fake"] == (Status.PASS, ASKED)


def test_an_offline_part_runs_instead_of_the_check(project: SampleProject, fakes: None) -> None:
    """A check needing the index with an offline part (as index-version's standard-library
    names) runs that part under --offline, and the check itself otherwise."""
    assert summaries(project.context(offline=True))["index-names"] == (
        Status.WARN, "judged without the index")
    assert summaries(project.context(offline=False))["index-names"] == (Status.PASS, ASKED)


def test_a_check_that_installs_runs_only_when_the_run_installs(
        project: SampleProject, fakes: None) -> None:
    """git-installs declares an install: a plain verify skips it naming --install, whatever
    its prefix; a run that installs (build, publish, verify --install) runs it."""
    ctx = project.context()
    assert summaries(ctx)["git-installs"] == (
        Status.SKIP, "installs the release only when asked: nox -s verify -- --install "
                     "(build, publish and rehearse always do)")
    ctx.install_release = True
    assert summaries(ctx)["git-installs"] == (Status.PASS, "installed the release")


def test_the_build_and_the_rehearsal_read_the_declarations(fakes: None) -> None:
    """The build runs the checks of dist/ that ask no index (index-local and git-installs,
    not dists-fake); the rehearsal's closing lines re-run what needs the index or only the
    project (dists-fake, index-names), not what its build proved."""
    assert build_check_ids() == ("index-local", "git-installs")
    assert real_target_checks() == ("dists-fake", "index-names")


# Registers dists-fake (dists and the index) and index-local (dist/ only) beside the real
# checks, then runs the real command line; dists-fake leaves a mark if it is ever run.
SCRIPT = """
import sys
from pathlib import Path
from publish_checks.checks import Need, Registered, registry
from publish_checks.checks.report import passed
from publish_checks.frontend.cli import main

def dists_fake(ctx):
    Path(sys.argv[1]).write_text("dists-fake ran", "utf-8")
    return passed("asked the index")

def index_local(ctx):
    return passed(f"read {len(ctx.release_dists())} files of dist/")

registry.CHECKS = (*registry.CHECKS, Registered(dists_fake, Need.DISTS | Need.INDEX),
                   Registered(index_local, Need.DISTS))
sys.exit(main(sys.argv[2:]))
"""


def cli(project: SampleProject, cache: Path, mark: Path,
        *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, str(mark), *args, "--project", str(project.root)],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "NO_COLOR": "1", "PYPI_API_KEY": CANARY,
             "PUBLISH_CHECKS_CACHE_DIR": str(cache)})


@pytest.mark.e2e
def test_the_command_builds_and_verifies_offline_by_the_declarations(
        project: SampleProject, tmp_path: Path) -> None:
    """A real build runs index-local and never dists-fake; `verify --offline` skips
    dists-fake and index-version (the index was not asked) and dists-install (no
    --install), and runs the dist checks on the built files: none of it by prefix."""
    mark = tmp_path / "dists-fake-ran"
    build = cli(project, tmp_path / "cache", mark, "build")
    assert build.returncode == 0, build.stdout + build.stderr
    lines = [" ".join(line.split()) for line in build.stdout.splitlines()]  # columns
    assert "✓ index-local read 2 files of dist/" in lines
    assert any(line.startswith("✓ dists-install demo_pkg-1.2.0") for line in lines)
    assert "dists-fake" not in build.stdout + build.stderr
    verify = cli(project, tmp_path / "cache", mark, "verify", "--offline", "--json")
    assert CANARY not in build.stdout + build.stderr + verify.stdout + verify.stderr
    results = {c["id"]: (c["status"], c["summary"]) for c in json.loads(verify.stdout)["checks"]}
    assert list(results) == [*checks.CHECK_IDS, "dists-fake", "index-local"]
    assert results["dists-fake"] == results["index-version"] == results["index-diff"] == (
        "skip", OFFLINE)
    assert results["dists-install"] == (
        "skip", "installs the release only when asked: publish-checks verify --install "
                "(build, publish and rehearse always do)")
    assert results["index-local"] == ("pass", "read 2 files of dist/")
    assert {results[cid][0] for cid in build_check_ids() if cid != "dists-install"} <= {
        "pass", "skip"}, results
    assert results["dists-present"][0] == "pass"
    assert not mark.exists()
    assert len(CHECKS) == len(checks.CHECK_IDS)  # this process's registry is untouched

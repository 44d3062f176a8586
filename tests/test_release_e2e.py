"""End to end: real nox, build, twine, pip and pypiserver on 127.0.0.1."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from publish_checks.dists.scan import file_sha256
from publish_checks.release.rehearse import LocalIndex
from tests.builders import SampleProject
from tests.e2e import CANARY, REPO, SampleBuild, run_nox
from tests.faultproxy import Faults, fault_proxy

pytestmark = pytest.mark.e2e

WHEEL = "demo_pkg-1.2.0-py3-none-any.whl"
SDIST = "demo_pkg-1.2.0.tar.gz"
#: The ``build`` fixture: dist/ of a build of the sample, file name → sha256.
Build = Callable[[SampleProject], dict[str, str]]




@pytest.fixture
def demo(tmp_path: Path, sample_build: SampleBuild) -> SampleProject:
    """The ``project`` fixture's sample with the release sessions committed (a copy of the
    test process's one)."""
    return sample_build.project(tmp_path / "demo")


def on_index(index: LocalIndex) -> set[str]:
    return {p.name for p in index.packages.iterdir()}


@pytest.fixture
def build(sample_build: SampleBuild) -> Build:
    """dist/ as ``nox -s build`` leaves it, for the tests of what comes after a build: the
    one build of the sample made in this test process, copied (file name → sha256)."""
    def built(demo: SampleProject) -> dict[str, str]:
        sample_build.build(demo)
        return {p.name: file_sha256(p) for p in (demo.root / "dist").iterdir()}
    return built


def test_rehearse_releases_the_sample_project(demo: SampleProject, envdir: Path) -> None:
    """nox -s rehearse builds, uploads, installs and smoke-tests, and leaves nothing behind."""
    run = run_nox(demo.root, envdir, "-s", "rehearse")
    assert run.code == 0, run.output
    assert "Smoke test passed: demo-pkg 1.2.0 installs from the index and runs" in run.output
    assert "to upload" in run.output and "This was a rehearsal" in run.output
    # The canary in PYPI_API_KEY is no PyPI token: a real publish still lacks one.
    assert "A real publish to pypi still lacks:" in run.output
    assert "(token-format)" in run.output and "the same steps will work" not in run.output
    match = re.search(r"Building demo-pkg into (\S+)/dist", run.output)
    assert match is not None, run.output
    workdir = Path(match.group(1))
    assert workdir.is_absolute() and workdir.name.startswith("publish-checks-rehearse-")
    assert not workdir.exists(), "the embedded index's folder must be removed"
    assert not (demo.root / "dist").exists(), "a rehearsal must leave the real dist/ alone"


def test_tool_environments_install_into_the_session_whatever_the_outer_venv(
        demo: SampleProject, tmp_path: Path) -> None:
    """A VIRTUAL_ENV or UV_PYTHON of the process running nox (nox's own script-mode
    environment sets them, for a noxfile with a PEP 723 header) never takes a tool install
    elsewhere: pypiserver lands in the rehearse session's virtualenv and the rehearsal runs."""
    decoy = tmp_path / "decoy"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(decoy)], check=True)
    run = run_nox(demo.root, tmp_path / "envs", "-s", "rehearse",
                  env={"VIRTUAL_ENV": str(decoy), "UV_PYTHON": str(decoy / "bin" / "python")})
    assert run.code == 0, run.output
    assert "Smoke test passed: demo-pkg 1.2.0" in run.output
    assert not list(decoy.glob("lib/python*/site-packages/pypiserver")), "installed elsewhere"


def test_build_is_reproducible_and_prints_the_file_table(
        demo: SampleProject, envdir: Path, build: Build) -> None:
    """Two builds of one commit give byte-identical files, listed with size and sha256."""
    first = build(demo)
    second_run = run_nox(demo.root, envdir, "-s", "build")
    second = {p.name: file_sha256(p) for p in (demo.root / "dist").iterdir()}
    assert set(first) == {WHEEL, SDIST}
    assert first == second
    for name, sha in second.items():
        assert name in second_run.output and sha in second_run.output


def test_publish_uploads_waits_and_installs(
        demo: SampleProject, build: Build, envdir: Path, index: LocalIndex) -> None:
    """build then publish --yes puts exactly the built files on the index and installs them."""
    built = build(demo)
    run = run_nox(demo.root, envdir, "-s", "publish", "--", "--repository", index.url, "--yes")
    assert run.code == 0, run.output
    assert {p.name: file_sha256(p) for p in index.packages.iterdir()} == built
    assert "Smoke test passed" in run.output
    assert f"Released demo-pkg 1.2.0 to {index.url}" in run.output
    assert "git tag -a v1.2.0" in run.output


def test_a_verbose_publish_shows_twine_s_details_but_never_the_password(
        demo: SampleProject, build: Build, envdir: Path, index: LocalIndex) -> None:
    """publish --verbose hands --verbose to build and twine: twine says more (its settings,
    the index's answers) and the index password (the canary) shows nowhere (run_nox checks)."""
    build(demo)
    run = run_nox(demo.root, envdir, "-s", "publish", "--", "--repository", index.url, "--yes",
                  "--verbose")
    assert run.code == 0, run.output
    assert "password: <hidden>" in run.output  # twine's own verbose settings listing
    assert on_index(index) == {WHEEL, SDIST}


def test_publish_resumes_sending_only_missing_files(
        demo: SampleProject, build: Build, envdir: Path, index: LocalIndex) -> None:
    """With the wheel already on the index, only the sdist is uploaded."""
    build(demo)
    (index.packages / WHEEL).write_bytes((demo.root / "dist" / WHEEL).read_bytes())
    run = run_nox(demo.root, envdir, "-s", "publish", "--", "--repository", index.url, "--yes")
    assert run.code == 0, run.output
    assert f"{WHEEL}" in run.output and "already on the index: skipped" in run.output
    assert f"Uploading {SDIST}" in run.output
    assert f"Uploading {WHEEL}" not in run.output
    assert on_index(index) == {WHEEL, SDIST}


def test_publish_refuses_a_conflicting_file_before_uploading(
        demo: SampleProject, envdir: Path, index: LocalIndex, build: Build) -> None:
    """The same filename with other bytes on the index stops publish before any upload."""
    build(demo)
    (index.packages / WHEEL).write_bytes(b"other bytes under the same name")
    run = run_nox(demo.root, envdir, "-s", "publish", "--", "--repository", index.url, "--yes")
    assert run.code != 0
    assert "✗ index-version" in run.output and "nothing was uploaded" in run.output
    assert "Uploading" not in run.output
    assert on_index(index) == {WHEEL}


def test_publish_reports_an_index_that_is_not_running(
        demo: SampleProject, envdir: Path, build: Build) -> None:
    """An unreachable index fails index-version with its URL; nothing is attempted."""
    from publish_checks.release.rehearse import free_port

    build(demo)
    url = f"http://127.0.0.1:{free_port()}/"
    run = run_nox(demo.root, envdir, "-s", "publish", "--", "--repository", url, "--yes")
    assert run.code != 0
    assert "✗ index-version" in run.output and f"127.0.0.1:{url.split(':')[2]}" in run.output
    assert "Uploading" not in run.output


def test_publish_explains_a_refused_password(
        demo: SampleProject, build: Build, envdir: Path, index: LocalIndex) -> None:
    """A 403 from the index becomes 'refused the credentials' with the fix."""
    build(demo)
    run = run_nox(demo.root, envdir, "-s", "publish", "--", "--repository", index.url, "--yes",
                  env={"TWINE_PASSWORD": "wrong-password"})
    assert run.code != 0
    assert "upload failed: the index refused the credentials (403" in run.output
    assert f"check the username (__token__) and password for {index.url[7:-1]}" in run.output
    assert on_index(index) == set()


def test_publish_recovers_after_a_server_error(
        demo: SampleProject, build: Build, envdir: Path, index: LocalIndex) -> None:
    """500s past twine's own retries fail the run with a retry hint; running again uploads.
    Each run reads the project page once before its upload (the checks and the plan share
    it), and the second reads it again after, in the wait."""
    built = build(demo)
    faults = Faults(fail_uploads=5)  # twine re-sends a file 5 times on a 5xx
    page = ("GET", "/simple/demo-pkg/")
    with fault_proxy(index.url, faults) as proxy:
        first = run_nox(demo.root, envdir, "-s", "publish", "--", "--repository", proxy, "--yes")
        assert first.code != 0
        assert "the index had a server error" in first.output
        assert on_index(index) == set()
        assert faults.requests.count(page) == 1
        start = len(faults.requests)
        second = run_nox(demo.root, envdir, "-s", "publish", "--", "--repository", proxy, "--yes")
    assert second.code == 0, second.output
    assert {p.name: file_sha256(p) for p in index.packages.iterdir()} == built
    seen = faults.requests[start:]
    posts = [i for i, (method, _) in enumerate(seen) if method == "POST"]
    assert seen[:posts[0]].count(page) == 1 and page in seen[posts[-1]:]


def test_killed_upload_resumes_with_exactly_the_right_files(
        demo: SampleProject, envdir: Path, index: LocalIndex, build: Build) -> None:
    """Kill publish while its second file is in flight; the re-run sends only that file."""
    built = build(demo)
    faults = Faults(hold_upload=2)
    with fault_proxy(index.url, faults) as proxy:
        child = subprocess.Popen(
            [sys.executable, "-m", "nox", "--envdir", str(envdir), "-s", "publish", "--",
             "--repository", proxy, "--yes"],
            cwd=demo.root, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
            env={**os.environ, "PYPI_API_KEY": CANARY, "TWINE_PASSWORD": CANARY})
        try:
            assert faults.held.wait(timeout=300), "the second upload never started"
            os.killpg(child.pid, signal.SIGKILL)
        finally:
            child.wait(timeout=60)
        assert len(on_index(index)) == 1
        half = on_index(index)
        run = run_nox(demo.root, envdir, "-s", "publish", "--", "--repository", proxy, "--yes")
    assert run.code == 0, run.output
    assert "already on the index: skipped" in run.output
    assert f"Uploading {half.pop()}" not in run.output
    assert {p.name: file_sha256(p) for p in index.packages.iterdir()} == built


def test_headless_publish_without_yes_uploads_nothing(
        demo: SampleProject, envdir: Path, index: LocalIndex, build: Build) -> None:
    """With no terminal and no --yes, publish stops with a clear message."""
    build(demo)
    run = run_nox(demo.root, envdir, "-s", "publish", "--", "--repository", index.url)
    assert run.code != 0
    assert ("no terminal to confirm the upload on, so nothing was uploaded — pass --yes"
            in run.output)
    assert on_index(index) == set()


def test_dry_run_asks_the_index_but_uploads_nothing(
        demo: SampleProject, build: Build, envdir: Path, index: LocalIndex) -> None:
    """--dry-run prints the plan, including what the index has, and stops."""
    build(demo)
    (index.packages / WHEEL).write_bytes((demo.root / "dist" / WHEEL).read_bytes())
    run = run_nox(demo.root, envdir, "-s", "publish", "--", "--repository", index.url,
                  "--dry-run")
    assert run.code == 0, run.output
    assert "already on the index: skipped" in run.output and "Dry run" in run.output
    assert on_index(index) == {WHEEL}


def test_chained_build_publish_with_a_failing_build_uploads_nothing(
        demo: SampleProject, build: Build, envdir: Path, index: LocalIndex) -> None:
    """nox -s build publish: when build fails, publish refuses (its checks see no dists)."""
    build(demo)  # a good earlier build must not be what publish then sends
    demo.write("pyproject.toml", (demo.root / "pyproject.toml").read_text()
               .replace('file = "VERSION"', 'file = "NO-SUCH-FILE"'))
    demo.commit("break the build")
    run = run_nox(demo.root, envdir, "-s", "build", "publish", "--", "--repository", index.url,
                  "--yes")
    assert run.code != 0
    assert "* build: aborted" in run.output
    assert "the build of this run did not succeed (build: " in run.output
    assert "so nothing was uploaded" in run.output
    assert on_index(index) == set()


def test_a_failed_build_stops_publish_even_when_its_checks_are_skipped(
        demo: SampleProject, build: Build, envdir: Path, index: LocalIndex) -> None:
    """Skipping every check that would notice cannot let a publish past a failed build, even
    run on its own after it: the build's marker alone stops it."""
    build(demo)
    # The build backend fails after a good build: dist/ is cleaned, the marker is left.
    demo.write("pyproject.toml", (demo.root / "pyproject.toml").read_text()
               .replace('build-backend = "setuptools.build_meta"', 'build-backend = "nope"'))
    demo.commit("break the build")
    skips = [a for i in ("dists-present", "dists-stale", "dists-metadata", "dists-archive",
                         "dists-abi", "dists-contents", "dists-secrets", "dists-size",
                         "version-consistent", "index-version")
             for a in ("--skip", i)]
    assert run_nox(demo.root, envdir, "-s", "build").code != 0
    run = run_nox(demo.root, envdir, "-s", "publish", "--", "--repository", index.url,
                  "--yes", *skips)
    assert run.code != 0
    # One verdict: the failed build is dists-stale's failure, which no --skip takes away.
    assert re.search(r"✗ dists-stale +the last build into dist/ failed: .*\(skipped, but "
                     r"publish refuses this whatever is skipped\)", run.output), run.output
    assert "nothing was uploaded" in run.output
    assert "Uploading" not in run.output
    assert on_index(index) == set()


def test_publish_with_the_password_in_the_url_keeps_it_secret(
        demo: SampleProject, build: Build, envdir: Path, index: LocalIndex) -> None:
    """https://user:password@host/ works, and the password shows up in no output."""
    build(demo)
    url = index.url.replace("http://", f"http://__token__:{CANARY}@")
    run = run_nox(demo.root, envdir, "-s", "publish", "--", "--repository", url, "--yes",
                  env={"PYPI_API_KEY": "", "TWINE_PASSWORD": ""})
    assert run.code == 0, run.output
    assert "the password from the repository URL" in run.output
    assert on_index(index) == {WHEEL, SDIST}


def test_publish_to_local_outside_a_rehearsal_says_to_rehearse(
        demo: SampleProject, build: Build, envdir: Path) -> None:
    """The embedded index exists only during nox -s rehearse, and publish says so."""
    build(demo)
    run = run_nox(demo.root, envdir, "-s", "publish", "--", "--repository", "local", "--yes")
    assert run.code != 0
    assert "use nox -s rehearse" in run.output and "Traceback" not in run.output


def test_publish_json_keeps_stdout_for_the_report(
        demo: SampleProject, build: Build, envdir: Path, index: LocalIndex) -> None:
    """With --json, stdout holds exactly one JSON object; the plan and progress go to stderr."""
    import json

    build(demo)
    result = subprocess.run(
        [sys.executable, "-m", "nox", "--envdir", str(envdir), "-s", "publish", "--",
         "--repository", index.url, "--yes", "--json"], cwd=demo.root, capture_output=True,
        text=True, stdin=subprocess.DEVNULL,
        env={**os.environ, "PYPI_API_KEY": CANARY, "TWINE_PASSWORD": CANARY},
        timeout=600, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["repository"] == index.url
    assert "Upload plan" in result.stderr and "Smoke test passed" in result.stderr


def test_rehearse_on_this_repository(tmp_path: Path, envdir: Path) -> None:
    """publish-checks releases itself to the embedded index and `publish-checks --version` runs."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    start = time.monotonic()
    run = run_nox(clone, envdir, "-s", "rehearse")
    assert run.code == 0, run.output
    version = (clone / "VERSION").read_text().strip()
    assert f"publish-checks {version}" in run.output
    assert time.monotonic() - start < 300


def test_publish_tag_and_push_only_after_a_verified_publish(
        demo: SampleProject, build: Build, envdir: Path, index: LocalIndex, tmp_path: Path) -> None:
    """--tag --push creates v1.2.0 on HEAD and pushes it, after the install proof passed."""
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    demo.git("remote", "add", "origin", str(remote))
    build(demo)
    run = run_nox(demo.root, envdir, "-s", "publish", "--", "--repository", index.url, "--yes",
                  "--tag", "--push")
    assert run.code == 0, run.output
    head = demo.git("rev-parse", "HEAD")
    assert demo.git("rev-parse", "v1.2.0^{commit}") == head
    assert demo.git("cat-file", "-t", "v1.2.0") == "tag", "the tag must be annotated"
    remote_tags = subprocess.run(["git", "ls-remote", "--tags", str(remote)], check=True,
                                 capture_output=True, text=True).stdout
    assert "refs/tags/v1.2.0" in remote_tags
    assert "git tag -a v1.2.0" not in run.output and "git push origin v1.2.0" not in run.output
    assert run.output.index("Smoke test passed") < run.output.index("Tagged HEAD as v1.2.0")


def test_push_without_a_remote_is_refused_before_the_upload(
        demo: SampleProject, envdir: Path, index: LocalIndex, build: Build) -> None:
    """--push with nowhere to push to is refused before anything is uploaded or tagged."""
    build(demo)
    run = run_nox(demo.root, envdir, "-s", "publish", "--", "--repository", index.url, "--yes",
                  "--push")
    assert run.code != 0
    assert demo.git("tag", "-l") == ""
    assert re.search(r"✗ git-upstream +--push needs a remote to push to: this repository has "
                     r"none", run.output), run.output
    assert "nothing was uploaded" in run.output
    assert on_index(index) == set()


def test_failed_publish_never_tags(
        demo: SampleProject, envdir: Path, index: LocalIndex, build: Build) -> None:
    """When the upload is refused, --tag creates no tag."""
    build(demo)
    run = run_nox(demo.root, envdir, "-s", "publish", "--", "--repository", index.url, "--yes",
                  "--tag", env={"TWINE_PASSWORD": "wrong-password"})
    assert run.code != 0
    assert demo.git("tag", "-l") == ""


def test_publish_writes_the_github_step_summary(
        demo: SampleProject, build: Build, envdir: Path, index: LocalIndex, tmp_path: Path) -> None:
    """With GITHUB_STEP_SUMMARY set, publish appends the report and each file's sha256."""
    built = build(demo)
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    run = run_nox(demo.root, envdir, "-s", "publish", "--", "--repository", index.url, "--yes",
                  env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert run.code == 0, run.output
    text = summary.read_text()
    assert text.startswith("earlier step\n")
    assert "## publish-checks: demo-pkg 1.2.0" in text
    assert "| ✓ | `index-version` |" in text
    for name, sha in built.items():
        assert f"| `{name}` |" in text and f"`{sha}`" in text
    assert CANARY not in text


def test_the_token_stays_out_of_the_build_backend_and_the_smoke_test(
        demo: SampleProject, envdir: Path, index: LocalIndex, tmp_path: Path) -> None:
    """Third-party code run during a release (build backend, the installed package) does not
    get the token variable that nox would otherwise pass on."""
    probe = tmp_path / "backend-saw.txt"
    demo.write("leaky_backend.py", "import os, pathlib\nfrom setuptools.build_meta import *\n"
               "pathlib.Path(os.environ['LEAK_PROBE']).write_text("
               "os.environ.get('PYPI_API_KEY', 'absent'))\n")
    demo.write("MANIFEST.in", "include leaky_backend.py\n")  # the wheel is built from the sdist
    demo.write("pyproject.toml", (demo.root / "pyproject.toml").read_text()
               .replace('build-backend = "setuptools.build_meta"',
                        'build-backend = "leaky_backend"\nbackend-path = ["."]')
               + '\n[tool.publish-checks]\nsmoke-test = ["python", "-c", "import os; '
               "print('smoke saw', os.environ.get('PYPI_API_KEY', 'absent'))\"]\n")
    demo.commit("a build backend and smoke test that look for the token")
    run = run_nox(demo.root, envdir, "-s", "build", "publish", "--", "--repository", index.url,
                  "--yes", env={"LEAK_PROBE": str(probe)})
    assert run.code == 0, run.output
    assert probe.read_text() == "absent"
    assert "smoke saw absent" in run.output
    assert on_index(index) == {WHEEL, SDIST}


@pytest.mark.parametrize(("answer", "uploads"), [("y\n", True), ("n\n", False), ("", False)])
def test_interactive_confirmation(demo: SampleProject, envdir: Path, index: LocalIndex,
                                  answer: str, uploads: bool, build: Build) -> None:
    """On a terminal, publish asks [y/N]: y uploads; n, or no answer at all, uploads nothing."""
    import pty

    build(demo)
    controller, terminal = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-m", "nox", "--envdir", str(envdir), "-s", "publish", "--",
         "--repository", index.url], cwd=demo.root, stdin=terminal,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYPI_API_KEY": CANARY, "TWINE_PASSWORD": CANARY, "NO_COLOR": "1"})
    os.close(terminal)
    if answer:
        os.write(controller, answer.encode())
    else:
        os.write(controller, b"\x04")  # Ctrl-D: end of input
    output, _ = child.communicate(timeout=300)
    os.close(controller)
    assert CANARY not in output
    assert "Upload 2 file(s) to" in output
    assert (child.returncode == 0) is uploads, output
    assert on_index(index) == ({WHEEL, SDIST} if uploads else set())
    if not uploads:
        assert "not confirmed: nothing was uploaded" in output


def _rehearsal_workdir(output: str) -> Path:
    match = re.search(r"Building \S+ into (\S+)/dist", output)
    assert match is not None, output
    return Path(match.group(1))


def test_a_failed_rehearsal_still_stops_the_server_and_cleans_up(demo: SampleProject,
                                                                  envdir: Path) -> None:
    """When a check fails mid-rehearsal, the embedded index is stopped and its folder removed."""
    demo.write("CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n")
    demo.commit("forget the changelog entry")
    run = run_nox(demo.root, envdir, "-s", "rehearse")
    assert run.code != 0
    assert "✗ changelog-entry" in run.output
    assert not _rehearsal_workdir(run.output).exists()
    url = re.search(r"Embedded index up at (\S+) ", run.output)
    assert url is not None
    with pytest.raises(OSError):
        urllib.request.urlopen(url.group(1), timeout=2)  # noqa: S310 (127.0.0.1)


def test_ctrl_c_during_a_rehearsal_stops_the_server_and_cleans_up(demo: SampleProject,
                                                                   envdir: Path) -> None:
    """Ctrl-C (SIGINT to the process group) mid-rehearsal leaves no server and no folder."""
    run_nox(demo.root, envdir, "-s", "rehearse")  # warm the session's virtualenv
    child = subprocess.Popen(
        [sys.executable, "-m", "nox", "--envdir", str(envdir), "-s", "rehearse"],
        cwd=demo.root, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
        env={**os.environ, "NO_COLOR": "1"})
    assert child.stdout is not None
    seen = []
    for line in child.stdout:
        seen.append(line)
        if "Building demo-pkg into" in line:
            os.killpg(child.pid, signal.SIGINT)
            break
    rest, _ = child.communicate(timeout=120)
    output = "".join(seen) + rest
    assert child.returncode != 0
    url = re.search(r"Embedded index up at (\S+) ", output)
    assert url is not None, output
    assert not _rehearsal_workdir(output).exists()
    with pytest.raises(OSError):
        urllib.request.urlopen(url.group(1), timeout=2)  # noqa: S310 (127.0.0.1)

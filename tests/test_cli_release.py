"""End to end: the ``publish-checks`` command, installed alone in a fresh virtualenv (no nox),
releases a sample project with real git, build, twine, pip and pypiserver on 127.0.0.1."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.builders import SampleProject
from tests.e2e import CANARY
from tests.pypiserver import PypiServer

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[1]
WHEEL = "demo_pkg-1.2.0-py3-none-any.whl"
SDIST = "demo_pkg-1.2.0.tar.gz"
# The 1.2.0 section of the sample CHANGELOG (tests/builders.py), without its heading.
NOTES_1_2_0 = "### Added\n\n- The first feature.\n"
INSTALL_TIMEOUT = 600.0  # seconds: a virtualenv and this repository's build
STEP_TIMEOUT = 300.0  # seconds for one publish-checks command, tool virtualenvs included


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@dataclass(frozen=True)
class Standalone:
    """publish-checks installed alone in a fresh virtualenv, run as a user would run it."""

    bindir: Path
    cache: Path  # PUBLISH_CHECKS_CACHE_DIR: tool virtualenvs made once for the test process

    def run(self, root: Path, *args: str, env: dict[str, str] | None = None,
            secrets: tuple[str, ...] = (), timeout: float = STEP_TIMEOUT) -> Result:
        """``publish-checks ARGS`` in ``root`` with no terminal and the canary token in its
        environment; no secret given may show up in its output."""
        test_bindir = str(Path(sys.executable).parent)  # the test session's nox lives there
        path = [str(self.bindir), *(p for p in os.environ.get("PATH", "").split(os.pathsep)
                                    if p and p != test_bindir)]
        environ = {**os.environ, "PATH": os.pathsep.join(path), "NO_COLOR": "1",
                   "PUBLISH_CHECKS_CACHE_DIR": str(self.cache), "PYPI_API_KEY": CANARY,
                   "VIRTUAL_ENV": str(self.bindir.parent), **(env or {})}
        done = subprocess.run([str(self.bindir / "publish-checks"), *args], cwd=root,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=timeout, env=environ, check=False)
        result = Result(done.returncode, done.stdout, done.stderr)
        for secret in (CANARY, *secrets):
            assert secret not in result.output, "a token leaked into the output"
        assert "Traceback" not in result.output, result.output
        return result


def _venv_bindir(venv: Path) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin")


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory,
        publish_checks_cache: Path) -> Iterator[Standalone]:
    """A fresh virtualenv holding only publish-checks (installed from this repository)."""
    venv = tmp_path_factory.mktemp("standalone") / "venv"
    bindir = _venv_bindir(venv)
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    uv = shutil.which("uv")
    if uv is not None:
        # Rebuild this repository every time: uv would reuse a wheel built from older sources.
        steps = [[uv, "venv", "--quiet", "--python", sys.executable, str(venv)],
                 [uv, "pip", "install", "--quiet", "--python", str(python),
                  "--reinstall-package", "publish-checks",
                  "--refresh-package", "publish-checks", str(REPO)]]
    else:
        steps = [[sys.executable, "-m", "venv", str(venv)],
                 [str(python), "-m", "pip", "install", "--quiet",
                  "--disable-pip-version-check", str(REPO)]]
    for argv in steps:
        done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=INSTALL_TIMEOUT, env=env, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
    no_nox = subprocess.run([str(python), "-c", "import nox"], stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=60, env=env, check=False)
    assert no_nox.returncode != 0, "nox must not be installed in the fresh virtualenv"
    assert "ModuleNotFoundError: No module named 'nox'" in no_nox.stderr, no_nox.stderr
    version = subprocess.run([str(bindir / "publish-checks"), "--version"],
                             stdin=subprocess.DEVNULL, capture_output=True, text=True,
                             timeout=60, env=env, check=False)
    expected = (REPO / "VERSION").read_text("utf-8").strip()
    assert (version.returncode, version.stdout) == (0, f"publish-checks {expected}\n"), version
    yield Standalone(bindir, publish_checks_cache)


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.exists() else {}


def repository(server: PypiServer) -> str:
    """The server's upload URL with its user (never its password) in it."""
    return server.url.replace("http://", f"http://{server.username}@")


def upload_plan(stdout: str) -> dict[str, tuple[str, str]]:
    """{file name: (sha256, what publish does with it)}, read from the "Upload plan" table."""
    assert "\nUpload plan: " in stdout, stdout
    plan = {}
    for line in stdout.split("\nUpload plan: ", 1)[1].splitlines()[1:]:
        if not (line.startswith("  ") and " sha256 " in line):
            break  # the table ends where twine's output or a blank line begins
        name, _, rest = line.strip().partition(" ")
        sha, _, note = rest.split(" sha256 ", 1)[1].partition("  ")
        plan[name] = (sha, note.strip())
    return plan


def build(cli: Standalone, project: SampleProject) -> dict[str, bytes]:
    run = cli.run(project.root, "build")
    assert run.code == 0, run.output
    built = files_in(project.root / "dist")
    assert set(built) == {WHEEL, SDIST}, run.output
    return built


def test_rehearse_releases_the_sample_project(cli: Standalone, project: SampleProject) -> None:
    """publish-checks rehearse builds, uploads, installs and smoke-tests demo-pkg 1.2.0 and
    leaves the project's dist/ exactly as it was."""
    keep = project.write("dist/keep.txt", "left alone\n")  # dist/ is git-ignored
    run = cli.run(project.root, "rehearse")
    assert run.code == 0, run.output
    assert "Smoke test passed: demo-pkg 1.2.0 installs from the index and runs" in run.stderr
    assert "Released demo-pkg 1.2.0 to local:" in run.stdout
    assert ("This was a rehearsal: the embedded index and its files are removed when it "
            "ends.\n") in run.stdout
    assert run.output.count("publish-checks build then publish-checks publish") <= 1
    assert ("Rehearsal passed: built, uploaded, installed and smoke-tested on the embedded "
            "index") in run.stderr
    # PYPI_API_KEY holds the canary, which is no PyPI token: the last lines say so, not that
    # the same steps will work.
    assert "the same steps will work" not in run.output
    assert ("\nA real publish to pypi still lacks:\n  - PYPI_API_KEY from the environment "
            "does not start with 'pypi-'") in run.stdout
    assert files_in(keep.parent) == {"keep.txt": b"left alone\n"}


def test_build_then_publish_uploads_exactly_the_built_files(
        cli: Standalone, project: SampleProject, pypiserver: PypiServer) -> None:
    """build, then publish --repository URL --yes puts on the index exactly the files build put
    in dist/, with the index's password read from TWINE_PASSWORD and never shown."""
    built = build(cli, project)
    run = cli.run(project.root, "publish", "--repository", repository(pypiserver), "--yes",
                  env={"TWINE_PASSWORD": pypiserver.password}, secrets=(pypiserver.password,))
    assert run.code == 0, run.output
    assert upload_plan(run.stdout) == {
        name: (hashlib.sha256(data).hexdigest(), "to upload") for name, data in built.items()}
    assert files_in(pypiserver.packages_dir) == built
    assert files_in(project.root / "dist") == built
    assert (f"secret for 127.0.0.1: TWINE_PASSWORD from the environment "
            f"({len(pypiserver.password)} characters") in run.stdout
    assert f"Uploading {len(built)} file(s) to {pypiserver.url} with twine" in run.stderr
    assert "Smoke test passed: demo-pkg 1.2.0 installs from the index and runs" in run.stderr
    assert f"Released demo-pkg 1.2.0 to {pypiserver.url}:" in run.stdout


def test_publishing_again_uploads_nothing(cli: Standalone, project: SampleProject,
                                          pypiserver: PypiServer) -> None:
    """A second publish of the same files skips each one as already on the index and exits 0."""
    built = build(cli, project)
    first = cli.run(project.root, "publish", "--repository", repository(pypiserver), "--yes",
                    env={"TWINE_PASSWORD": pypiserver.password}, secrets=(pypiserver.password,))
    assert first.code == 0, first.output
    served = {p.name: p.stat().st_mtime_ns for p in pypiserver.packages_dir.iterdir()}
    again = cli.run(project.root, "publish", "--repository", repository(pypiserver), "--yes",
                    env={"TWINE_PASSWORD": pypiserver.password}, secrets=(pypiserver.password,))
    assert again.code == 0, again.output
    assert upload_plan(again.stdout) == {
        name: (hashlib.sha256(data).hexdigest(), "already on the index: skipped")
        for name, data in built.items()}, again.stdout
    assert "Every file is already on the index: nothing to upload" in again.stderr
    assert "Uploading" not in again.output
    assert files_in(pypiserver.packages_dir) == built
    assert {p.name: p.stat().st_mtime_ns for p in pypiserver.packages_dir.iterdir()} == served


def test_publish_without_a_terminal_or_yes_uploads_nothing(
        cli: Standalone, project: SampleProject, pypiserver: PypiServer) -> None:
    """With no terminal and no --yes, publish exits 1 before uploading anything."""
    build(cli, project)
    run = cli.run(project.root, "publish", "--repository", repository(pypiserver),
                  env={"TWINE_PASSWORD": pypiserver.password}, secrets=(pypiserver.password,))
    assert run.code == 1, run.output
    assert "error: no terminal to confirm the upload on, so nothing was uploaded\n" \
        in run.stderr
    assert "  fix: pass --yes (publish-checks publish --yes)\n" in run.stderr
    assert "Uploading" not in run.output
    assert files_in(pypiserver.packages_dir) == {}


@pytest.mark.parametrize("args", [("notes", "1.2.0"), ("notes",)], ids=["1.2.0", "current"])
def test_notes_prints_only_the_section(cli: Standalone, project: SampleProject,
                                       args: tuple[str, ...]) -> None:
    """notes 1.2.0, and notes with no version on 1.2.0, print that section's body alone."""
    run = cli.run(project.root, *args)
    assert run.code == 0, run.output
    assert run.stdout == NOTES_1_2_0


def test_notes_for_a_missing_version_is_an_error(cli: Standalone,
                                                 project: SampleProject) -> None:
    """notes 9.9.9 exits 1 with an error line naming the changelog and the version."""
    run = cli.run(project.root, "notes", "9.9.9")
    assert run.code == 1, run.output
    assert run.stdout == ""
    assert run.stderr == ("error: CHANGELOG.md has no section for 9.9.9\n"
                          "  fix: write what changed under a heading for that version\n")


def test_an_option_a_command_does_not_take_is_a_usage_error(cli: Standalone,
                                                            project: SampleProject) -> None:
    """build --tag exits 2 with an error line on stderr and builds nothing."""
    run = cli.run(project.root, "build", "--tag")
    assert run.code == 2, run.output
    assert run.stderr.startswith("error: unrecognized arguments: --tag\n"), run.stderr
    assert "  fix: see 'publish-checks" in run.stderr
    assert not (project.root / "dist").exists()


def test_publish_refuses_offline(cli: Standalone, project: SampleProject) -> None:
    """publish --offline exits 2 and says publish must ask the index."""
    run = cli.run(project.root, "publish", "--offline", "--yes")
    assert run.code == 2, run.output
    assert run.stderr.startswith("error: publish must ask the index what it has: drop "
                                 "--offline\n"), run.stderr
    assert "Uploading" not in run.output


def test_the_environment_token_is_used_but_never_shown(cli: Standalone,
                                                       project: SampleProject) -> None:
    """verify reports the canary token from PYPI_API_KEY by length and fingerprint only."""
    run = cli.run(project.root, "verify", "--offline")
    fingerprint = hashlib.sha256(CANARY.encode()).hexdigest()[:8]
    line = next((li for li in run.stdout.splitlines() if "credentials-source" in li), "")
    assert line.startswith("✓ credentials-source"), run.output
    assert line.endswith(f"token: PYPI_API_KEY from the environment ({len(CANARY)} characters, "
                         f"fingerprint {fingerprint})"), run.output


def test_a_failed_build_keeps_its_environment_where_build_says_until_the_next(
        cli: Standalone, project: SampleProject) -> None:
    """The backend's virtualenv is made at the same path run after run (build --env-dir in
    the cache's fresh/build-N); a failed build leaves it where build's own tip says, and the
    next build takes the folder, empties it and removes it when it is done."""
    project.write("setup.py", "raise SystemExit('no build today')\n")
    project.commit("a setup.py that stops")
    failed = cli.run(project.root, "build")
    assert failed.code == 1 and "the build failed (exit status 1)" in failed.output, \
        failed.output
    kept = re.search(r"inspect the build environment at (\S+)", failed.output)
    assert kept is not None, failed.output
    env = Path(kept[1].rstrip(","))
    assert env.parent.parent == cli.cache / "fresh" and env.parent.name.startswith("build-")
    assert (env / "bin" / "python").exists() or (env / "Scripts" / "python.exe").exists()

    project.git("rm", "-q", "setup.py")
    project.commit("no setup.py")
    assert set(build(cli, project)) == {WHEEL, SDIST}
    assert not env.parent.exists()

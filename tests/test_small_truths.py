"""The small truths of issue 10: paths outside the project are shown whole, the dists are as
readable as build makes them, twine's progress bar and --verbose, and what a rehearsal
says a real publish still lacks."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import stat
import subprocess
import sys
import tarfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from publish_checks._text import CLI_STEPS, NOX_STEPS, shown
from publish_checks.checks import CHECK_IDS
from publish_checks.dists.scan import classify
from publish_checks.frontend.console import Console
from publish_checks.project.credentials import REDACTED
from publish_checks.release.build import build_dists, normalize_sdist
from publish_checks.release.pipeline import PYPISERVER, Flags, build, publish, rehearse
from publish_checks.release.plan import Plan, PlannedFile
from publish_checks.release.process import Completed, run_redacted
from publish_checks.release.rehearse import real_publish_gaps, real_target_checks
from publish_checks.release.upload import explain_upload_failure
from tests.builders import SampleProject, python_build
from tests.distbuilders import make_release, make_sdist
from tests.pypiserver import PypiServer, skip_without_pypiserver
from tests.test_pipeline import FakeRunner, context, fake, released
from tests.tokens import make_token
from tests.uploads import twine_argv

REPO = Path(__file__).resolve().parents[1]
PROJECT_TOKEN = make_token(caveats=[[1, ["demo-pkg"]]])  # scoped to demo-pkg: no warning
ACCOUNT_TOKEN = make_token()  # account-wide: token-scope warns


# Paths outside the project are shown absolute ------------------------------------------


def test_a_path_inside_the_project_is_shown_relative(tmp_path: Path) -> None:
    """dist/x.whl under the root is 'dist/x.whl'; the root itself is '.'."""
    root = tmp_path / "demo"
    assert shown(root / "dist" / "x.whl", root) == "dist/x.whl"
    assert shown(root, root) == "."
    assert shown(root / "a" / ".." / "b", root) == "b"


@pytest.mark.parametrize("where", ["publish-checks-rehearse-x/dist", "pypi.env", "demo2/x"])
def test_a_path_outside_the_project_is_shown_absolute(tmp_path: Path, where: str) -> None:
    """A folder beside or above the project is named by its absolute path, never '../…'
    (demo2 shares a prefix with demo and is still outside)."""
    root = tmp_path / "demo"
    assert shown(tmp_path / where, root) == str(tmp_path / where)
    assert shown(root / ".." / where, root) == str(tmp_path / where)


def test_a_credentials_file_outside_the_project_is_named_absolutely(tmp_path: Path) -> None:
    """credentials-source names a configured ../pypi.env by its absolute path in its summary
    and its fix; the default .env.local stays relative."""
    outside = SampleProject.create(tmp_path / "demo", extra_config=(
        '\n[tool.publish-checks]\ncredentials-file = "../pypi.env"\n'))
    result = outside.verify().get("credentials-source")
    assert result.summary == (f"no token: PYPI_API_KEY is not set and {tmp_path}/pypi.env does "
                              "not exist")
    assert result.hint.startswith(f"put PYPI_API_KEY=pypi-… in {tmp_path}/pypi.env ")
    inside = SampleProject.create(tmp_path / "inside").verify().get("credentials-source")
    assert inside.summary == "no token: PYPI_API_KEY is not set and .env.local does not exist"


# The dists are as readable as build writes them ----------------------------------------


@pytest.fixture
def umask() -> Iterator[int]:
    """The umask of a typical account, restored afterwards."""
    previous = os.umask(0o022)
    try:
        yield 0o022
    finally:
        os.umask(previous)


def test_normalizing_the_sdist_keeps_its_mode(tmp_path: Path) -> None:
    """The reproducible rewrite of an sdist keeps the mode the file had (0644 stays 0644,
    0640 stays 0640), not mkstemp's 0600."""
    (sdist,) = [make_sdist(tmp_path / "dist")]
    for mode in (0o644, 0o640):
        sdist.chmod(mode)
        normalize_sdist(sdist, 1_700_000_000)
        assert stat.S_IMODE(sdist.stat().st_mode) == mode
        with tarfile.open(sdist) as archive:
            assert {m.mtime for m in archive.getmembers()} == {1_700_000_000}


class BuildRunner(Console):
    """A runner whose tools are this test environment's (build is installed in it)."""

    def __init__(self) -> None:
        super().__init__(dict(os.environ), out=io.StringIO(), err=io.StringIO(),
                         interactive=False)
        self.logs: list[str] = []

    def provide(self, requirements: list[str]) -> Path:
        return Path(sys.executable).parent

    def log(self, message: str) -> None:
        self.logs.append(message)


def modes(folder: Path) -> dict[str, int]:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}


@pytest.mark.slow
def test_built_dists_have_the_modes_a_plain_build_gives(project: SampleProject,
                                                        tmp_path: Path, umask: int) -> None:
    """Under umask 022 the pipeline's build leaves sdist and wheel 0644, exactly as a plain
    `python -m build` of the same project writes them (the sdist used to come out 0600)."""
    plain = tmp_path / "plain"
    python_build(project.root, plain)
    ctx = project.context()
    runner = BuildRunner()
    built = build_dists(runner, ctx, project.root / "dist")
    assert {d.filename for d in built.release_dists()} == set(modes(plain))
    assert modes(project.root / "dist") == modes(plain) == {
        "demo_pkg-1.2.0.tar.gz": 0o644, "demo_pkg-1.2.0-py3-none-any.whl": 0o644}


# --verbose and twine's progress bar ----------------------------------------------------


def plan(tmp_path: Path) -> Plan:
    sdist, wheel = make_release(tmp_path / "dist")
    files = tuple(PlannedFile(classify(p), p.stat().st_size, "0" * 64, False)  # type: ignore[arg-type]
                  for p in (sdist, wheel))
    return Plan("demo-pkg", "1.2.0", "https://upload.pypi.org/legacy/", files, ())


@pytest.mark.parametrize(("verbose", "progress", "options"), [
    (False, False, ["--disable-progress-bar"]),
    (True, False, ["--disable-progress-bar", "--verbose"]),
    (False, True, []),
    (True, True, ["--verbose"]),
])
def test_twine_argv_carries_verbose_and_the_progress_bar_choice(
        tmp_path: Path, verbose: bool, progress: bool, options: list[str]) -> None:
    """--verbose reaches twine; its progress bar is turned off unless asked for."""
    planned = plan(tmp_path)
    assert twine_argv(planned, "twine", verbose=verbose, progress=progress) == [
        "twine", "--no-color", "upload", "--non-interactive", *options, "--repository-url",
        "https://upload.pypi.org/legacy/", *(str(f.dist.path) for f in planned.files)]


@pytest.mark.parametrize(("steps", "command"), [(NOX_STEPS, "nox -s publish -- --verbose"),
                                                (CLI_STEPS, "publish-checks publish --verbose")])
def test_twines_retry_with_verbose_says_how(project: SampleProject, steps: object,
                                            command: str) -> None:
    """twine's 'Retry with the --verbose option' becomes the command to type; a failure
    without that line gets no such advice."""
    ctx = project.context()
    ctx.steps = steps  # type: ignore[assignment]
    said = ("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
            "         Bad Request\n")
    what, fix = explain_upload_failure(said + "Retry with the --verbose option for more "
                                       "details.\n", ctx)
    assert what == "the index rejected the upload (400)"
    assert fix.endswith(f"; for twine's whole answer, run again with --verbose ({command})")
    assert "--verbose" not in explain_upload_failure(said, ctx)[1]
    assert explain_upload_failure("boom\nRetry with the --verbose option\n", ctx) == (
        "twine upload failed", "read twine's message above; run the same command again to "
        f"resume; for twine's whole answer, run again with --verbose ({command})")


PROGRESS = ("Uploading demo_pkg-1.2.0.tar.gz\n\x1b[?25l\r\x1b[2K  0% 0.0/2.2 kB SECRET\r"
            "\x1b[2K100% 2.2/2.2 kB\n\x1b[?25hdone\r\n")


def test_progress_redraws_reach_the_echo_but_not_the_output(tmp_path: Path) -> None:
    """A progress bar's carriage-return redraws go to the echo as they are (so a terminal
    redraws in place), redacted; the output kept for messages has only the final lines, with
    no control sequences."""
    script = tmp_path / "bar.py"
    script.write_text(f"import sys\nsys.stdout.write({PROGRESS!r})\n", "utf-8")
    echo = io.StringIO()
    done = run_redacted([sys.executable, str(script)], env=dict(os.environ),
                        secrets=("SECRET",), echo=echo)
    assert done.code == 0
    assert echo.getvalue() == PROGRESS.replace("SECRET", REDACTED).replace("\r\n", "\n")
    assert done.output == "Uploading demo_pkg-1.2.0.tar.gz\n100% 2.2/2.2 kB\ndone\n"


def test_twines_real_progress_bar_is_kept_out_of_the_output(tmp_path: Path,
                                                           pypiserver: PypiServer) -> None:
    """twine with its progress bar on, uploading to a real pypiserver, redraws with carriage
    returns in the echo; the output keeps one final line per file."""
    twine = Path(sys.executable).parent / "twine"
    if not twine.exists():
        pytest.skip("twine is not installed (the tests session installs it)")
    planned = plan(tmp_path)
    argv = twine_argv(planned, str(twine), progress=True)
    argv[argv.index("--repository-url") + 1] = pypiserver.url
    env = {**os.environ, "TWINE_USERNAME": pypiserver.username,
           "TWINE_PASSWORD": pypiserver.password, "TWINE_NON_INTERACTIVE": "1"}
    echo = io.StringIO()
    done = run_redacted(argv, env=env, secrets=(pypiserver.password,), echo=echo, timeout=120)
    assert done.code == 0, done.output
    assert echo.getvalue().count("\r") >= 2
    assert "\r" not in done.output and "\x1b" not in done.output
    assert [line.split()[0] for line in done.output.splitlines() if "kB" in line] == [
        "100%", "100%"]


def _terminal_seen(stdout_is_a_pty: bool, *, as_json: bool = False) -> str:
    """What Console.terminal says in a child whose stdout is a pty or a pipe."""
    code = ("from publish_checks.frontend.console import Console\n"
            f"print(Console({{}}, as_json={as_json}).terminal)\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    if not stdout_is_a_pty:
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env=env, timeout=60, check=True).stdout.strip()
    main, child_end = pty.openpty()
    try:
        process = subprocess.Popen([sys.executable, "-c", code], stdout=child_end,
                                   stderr=subprocess.PIPE, env=env)
        os.close(child_end)
        chunks = []
        while select.select([main], [], [], 60)[0]:
            try:
                chunk = os.read(main, 1024)
            except OSError:  # the child closed the pty
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=60)
        process.stderr.close()  # type: ignore[union-attr]
    finally:
        os.close(main)
    return b"".join(chunks).decode().strip()


@pytest.mark.skipif(sys.platform == "win32", reason="pty is POSIX")
def test_the_runner_knows_a_terminal_from_a_pipe() -> None:
    """On a pty the console reports a terminal (so twine may draw its bar); through a pipe,
    or when --json sends the output to a piped stderr, it does not."""
    assert _terminal_seen(True) == "True"
    assert _terminal_seen(False) == "False"
    assert _terminal_seen(True, as_json=True) == "False"


# What a real publish still lacks, after a rehearsal -------------------------------------


def test_the_real_target_checks_are_those_a_rehearsal_cannot_try() -> None:
    """Credentials, token, version, changelog and git checks, and index-version (offline: no
    index query, only PyPI's standard-library names), in report order; no dist check, no
    tools check."""
    expected = [cid for cid in CHECK_IDS if cid.split("-")[0] in
                ("credentials", "token", "version", "changelog", "git", "index")]
    assert list(real_target_checks()) == expected
    assert {"credentials-source", "token-scope", "git-clean", "changelog-entry",
            "version-consistent"} <= set(real_target_checks())


@pytest.fixture
def released_upstream(project: SampleProject, tmp_path: Path) -> SampleProject:
    """The sample project with an upstream it is level with."""
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    project.git("remote", "add", "origin", str(remote))
    project.git("push", "-q", "-u", "origin", "main")
    return project


@pytest.fixture
def rehearsed(released_upstream: SampleProject, tmp_path: Path) -> tuple[SampleProject, Path]:
    """That project, and its release built elsewhere (as a rehearsal builds it)."""
    built = tmp_path / "rehearsal" / "dist"
    make_release(built)
    return released_upstream, built


def gaps(project: SampleProject, built: Path, steps: object = NOX_STEPS,
         **env: str) -> str:
    return real_publish_gaps(project.root, {**os.environ, **env}, steps,  # type: ignore[arg-type]
                             dist_dir=built)


def test_without_a_token_a_real_publish_still_lacks_one(
        rehearsed: tuple[SampleProject, Path]) -> None:
    """No token anywhere: the closing lines name credentials-source and its fix, and never
    claim the real publish would work."""
    project, built = rehearsed
    assert gaps(project, built).splitlines() == [
        "A real publish to pypi still lacks:",
        "  - no token: PYPI_API_KEY is not set and .env.local does not exist "
        "(credentials-source): put PYPI_API_KEY=pypi-… in .env.local (git-ignored, chmod 600), "
        "or export PYPI_API_KEY; in CI use trusted publishing"]


def test_with_everything_in_place_nothing_else_stands_in_the_way(
        rehearsed: tuple[SampleProject, Path]) -> None:
    """A project-scoped token for pypi and a clean, tagged-nowhere main: one line with the
    two commands, in the front end's words."""
    project, built = rehearsed
    assert gaps(project, built, PYPI_API_KEY=PROJECT_TOKEN) == (
        "Nothing else stands between this and a real publish: nox -s build then "
        "nox -s publish")
    assert gaps(project, built, CLI_STEPS, PYPI_API_KEY=PROJECT_TOKEN) == (
        "Nothing else stands between this and a real publish: publish-checks build then "
        "publish-checks publish")


def test_a_warning_is_listed_but_does_not_stand_in_the_way(
        rehearsed: tuple[SampleProject, Path]) -> None:
    """An account-wide token is a warning: listed with its fix, and the real publish can
    still go ahead."""
    project, built = rehearsed
    lines = gaps(project, built, PYPI_API_KEY=ACCOUNT_TOKEN).splitlines()
    assert lines[0] == "A real publish to pypi would warn:"
    assert lines[1].startswith("  - ") and "(token-scope): " in lines[1]
    assert lines[-1] == ("Nothing else stands between this and a real publish: nox -s build "
                         "then nox -s publish")


def test_failures_and_warnings_are_told_apart(rehearsed: tuple[SampleProject, Path]) -> None:
    """A wrong-shaped token for the configured testpypi fails token-format; an uncommitted
    change fails git-clean; both are listed under 'still lacks', for testpypi."""
    project, built = rehearsed
    project.write("pyproject.toml", (project.root / "pyproject.toml").read_text()
                  + '\n[tool.publish-checks]\nrepository = "testpypi"\n')
    text = gaps(project, built, TEST_PYPI_API_KEY="not-a-token")
    lines = text.splitlines()
    assert lines[0] == "A real publish to testpypi still lacks:"
    assert [re.search(r" \(([a-z-]+)\)(: |$)", line)[1] for line in lines[1:]  # type: ignore[index]
            if line.startswith("  - ")] == ["token-format", "git-clean"]
    assert "Nothing else stands" not in text


def test_an_unusable_configured_repository_is_what_a_real_publish_lacks(
        rehearsed: tuple[SampleProject, Path]) -> None:
    """A repository the configuration names but nothing defines is said, with its fix,
    instead of a check report."""
    project, built = rehearsed
    project.write("pyproject.toml", (project.root / "pyproject.toml").read_text()
                  + '\n[tool.publish-checks]\nrepository = "corporate"\n')
    lines = gaps(project, built).splitlines()
    assert lines[0] == "A real publish still lacks an index it can use:"
    assert lines[1].startswith("  - ") and "corporate" in lines[1]



# The pipeline: --verbose, the progress bar, and the rehearsal's last lines -------------


@pytest.mark.parametrize("verbose", [True, False])
def test_verbose_reaches_build_and_twine(project: SampleProject, pypiserver: PypiServer,
                                         tmp_path: Path, verbose: bool) -> None:
    """--verbose is passed to build (whose output is then shown as it comes) and to twine;
    without it, neither gets it and build's output is kept for its failure."""
    runner = fake(tmp_path, pypiserver)
    ctx = context(project, pypiserver)
    built = build(runner, ctx, Flags(verbose=verbose))
    publish(runner, built, Flags(yes=True, verbose=verbose))
    (build_call,) = runner.of_kind("build")
    (upload,) = runner.of_kind("upload")
    assert ("--verbose" in build_call.argv, build_call.echo) == (verbose, verbose)
    assert ("--verbose" in upload.argv) is verbose


@pytest.mark.parametrize(("terminal", "ci", "bar"), [
    (True, None, True), (True, "true", False), (False, None, False)])
def test_the_progress_bar_shows_only_on_a_terminal_outside_ci(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path, terminal: bool,
        ci: str | None, bar: bool) -> None:
    """twine draws its bar when the output lands on a terminal and CI is unset; in CI or a
    log it gets --disable-progress-bar."""
    released(project)
    runner = fake(tmp_path, pypiserver)
    runner.terminal = terminal
    env = {"CI": ci} if ci else {}
    publish(runner, context(project, pypiserver, **env), Flags(yes=True))
    (upload,) = runner.of_kind("upload")
    assert ("--disable-progress-bar" not in upload.argv) is bar
    assert upload.echo


class RehearsalRunner(FakeRunner):
    """The fake runner with pypiserver from this environment (the rehearsal's index is
    real); an upload puts the files where that index serves them."""

    def provide(self, requirements: Sequence[str]) -> Path:
        if list(requirements) == [PYPISERVER]:
            return Path(sys.executable).parent
        return super().provide(requirements)

    def _upload(self, files: Sequence[Path]) -> Completed:
        for path in files:  # the embedded index serves packages/ beside the build's dist/
            (path.parent.parent / "packages" / path.name).write_bytes(path.read_bytes())
        return Completed(0, "")


def rehearsal(project: SampleProject, tmp_path: Path, **env: str) -> RehearsalRunner:
    skip_without_pypiserver()
    runner = RehearsalRunner(tmp_path / "tools" / "bin", None)  # type: ignore[arg-type]
    rehearse(runner, project.root, Flags(), {**os.environ, **env})
    return runner


def test_a_rehearsal_without_a_token_ends_with_what_a_real_publish_lacks(
        project: SampleProject, tmp_path: Path) -> None:
    """The rehearsal passes on its own index, then says pypi still needs a token; it never
    claims the same steps will work, and names its throwaway folder by its absolute path."""
    runner = rehearsal(project, tmp_path)
    assert ("Rehearsal passed: built, uploaded, installed and smoke-tested on the embedded "
            "index") in runner.logs
    assert not any("the same steps will work" in line for line in runner.logs + runner.shown)
    last = runner.shown[-1].splitlines()
    assert last[:3] == ["", "A real publish to pypi still lacks:",
                        "  - no token: PYPI_API_KEY is not set and .env.local does not exist "
                        "(credentials-source): put PYPI_API_KEY=pypi-… in .env.local "
                        "(git-ignored, chmod 600), or export PYPI_API_KEY; in CI use trusted "
                        "publishing"]
    (building,) = [line for line in runner.logs if line.startswith("Building demo-pkg into ")]
    folder = Path(building.split(" into ")[1].split(" (")[0])
    assert folder.is_absolute() and folder.name == "dist"
    assert folder.parent.name.startswith("publish-checks-rehearse-")
    assert not folder.exists()


def test_a_rehearsal_with_everything_in_place_says_nothing_else_stands(
        released_upstream: SampleProject, tmp_path: Path) -> None:
    """With a project-scoped token and main level with its upstream, the last line gives the
    two commands of a real release."""
    runner = rehearsal(released_upstream, tmp_path, PYPI_API_KEY=PROJECT_TOKEN)
    assert runner.shown[-1] == ("\nNothing else stands between this and a real publish: "
                                "nox -s build then nox -s publish")

"""The nox plugin: sessions any project gets from ``import publish_checks.nox``."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import warnings
from pathlib import Path

import nox
import pytest

from publish_checks._text import NOX_STEPS, Steps
from publish_checks.frontend.options import given, parse_session_args
from publish_checks.frontend.sessions import ignored_note
from publish_checks.release.rehearse import LocalIndex
from tests.builders import SampleProject
from tests.e2e import CANARY, NOXFILE, REPO, nox_in_process, run_nox
from tests.pypiserver import skip_without_pypiserver

SESSIONS = ("verify", "build", "publish", "rehearse", "bump")
FOREIGN_NOXFILE = '''\
# /// script
# dependencies = ["nox", "publish-checks"]
# ///
import publish_checks.nox
'''


@pytest.fixture
def demo(project: SampleProject) -> SampleProject:
    project.write("noxfile.py", NOXFILE)
    project.commit("adopt the release sessions")
    return project


def test_sessions_survive_two_nox_runs_in_one_process(
        demo: SampleProject, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """nox resets its registry and re-reads the noxfile per run; the sessions are always there."""
    for _ in range(2):
        assert nox_in_process(monkeypatch, demo.root, "-l") == 0
        listing = capsys.readouterr().out
        for name in SESSIONS:
            assert f" {name} [release] -> " in listing, listing


def test_sessions_are_listed_with_docstrings_under_the_release_tag(
        demo: SampleProject, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """`nox -t release -l` shows the five sessions with their one-line docstrings."""
    assert nox_in_process(monkeypatch, demo.root, "-t", "release", "-l") == 0
    listing = capsys.readouterr().out
    assert "verify [release] -> Pre-flight: every release check, one report (read-only)." in listing
    assert "rehearse [release] -> The whole release against a throwaway local index" in listing
    assert sum(f" {name} [release] -> " in listing for name in SESSIONS) == 5


def listed(listing: str) -> list[str]:
    """The session names of a ``nox -l`` listing, in order."""
    return [line[2:].split(" ")[0] for line in listing.splitlines() if line[:2] in ("* ", "- ")]


@pytest.mark.parametrize(("call", "expected"), [
    ("register(['verify', 'build'])", ["verify", "build"]),
    ("register({'publish': 'release'})", ["release"]),
    ("register(['build']); publish_checks.nox.register({'verify': 'preflight', "
     "'build': 'package'})", ["preflight", "package"]),
], ids=["pick", "rename", "again"])
def test_register_replaces_the_default_sessions(
        demo: SampleProject, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], call: str, expected: list[str]) -> None:
    """A noxfile's register() leaves exactly the sessions it names, under the names it
    gives (nox warns of no session registered twice); the project's own sessions stay."""
    demo.write("noxfile.py", NOXFILE + f"publish_checks.nox.{call}\nimport nox\n\n"
               "@nox.session(venv_backend='none')\ndef tests(session):\n    pass\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        assert nox_in_process(monkeypatch, demo.root, "-l") == 0
    listing = capsys.readouterr().out
    assert listed(listing) == [*expected, "tests"], listing


def test_a_renamed_build_keeps_the_gates(demo: SampleProject, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """The gates are the prerequisites of build under whatever name it was given."""
    demo.write("pyproject.toml", (demo.root / "pyproject.toml").read_text("utf-8")
               + '\n[tool.publish-checks]\ngates = ["tests"]\n')
    demo.write("noxfile.py", NOXFILE + "publish_checks.nox.register({'build': 'package'})\n"
               "import nox\n\n@nox.session(venv_backend='none')\n"
               "def tests(session):\n    pass\n")
    assert nox_in_process(monkeypatch, demo.root, "-l") == 0
    capsys.readouterr()
    assert nox.registry.get()["package"].requires == ["tests"]


def test_register_rejects_an_unknown_session() -> None:
    """A typo in register() is an error naming the sessions that exist."""
    import publish_checks.nox as plugin

    with pytest.raises(ValueError, match="unknown session 'verfy'"):
        plugin.register(["verfy"])


@pytest.mark.parametrize(("names", "expected"), [
    ({"build": 5}, "the name for 'build' must be a non-empty string"),
    ({"build": " "}, "the name for 'build' must be a non-empty string"),
    ({"build": "release", "publish": "release"}, "two sessions under one name"),
    ("bild", "unknown session 'bild'"),
])
def test_register_refuses_odd_names_and_changes_nothing(names: object, expected: str) -> None:
    """A bad register() call is a ValueError naming the problem, and the sessions registered
    before stay as they were; a single name is one session, not its letters."""
    import publish_checks.nox as plugin

    before = set(nox.registry.get())
    with pytest.raises(ValueError, match=expected):
        plugin.register(names)  # type: ignore[arg-type]
    assert set(nox.registry.get()) == before


@pytest.mark.slow
def test_a_foreign_project_noxfile_of_four_lines_works(tmp_path: Path) -> None:
    """A project that knows nothing of this repository adopts the sessions in four lines."""
    # Asked from another folder and without this repository on PYTHONPATH: its own
    # *.egg-info (which test_self_packaging's build leaves) must not count as installed.
    path = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep)
            if p and Path(p).resolve() != REPO]
    probe = subprocess.run([sys.executable, "-c", "import importlib.metadata as m; "
                            "m.version('publish-checks')"], cwd=tmp_path, capture_output=True,
                           check=False, env={**os.environ, "PYTHONPATH": os.pathsep.join(path)})
    if probe.returncode != 0:
        pytest.skip("publish-checks is not installed here (the tests session installs it)")
    foreign = SampleProject.create(tmp_path / "foreign", name="foreign-tool")
    foreign.write("noxfile.py", FOREIGN_NOXFILE)
    foreign.commit("initial")
    result = subprocess.run([sys.executable, "-m", "nox", "-l"], cwd=foreign.root,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    for name in SESSIONS:
        assert f" {name} [release] -> " in result.stdout
    skip_without_pypiserver()
    run = run_nox(foreign.root, tmp_path / "envs", "-s", "rehearse")
    assert run.code == 0, run.output
    assert "Smoke test passed: foreign-tool 1.2.0 installs from the index and runs" in run.output


@pytest.mark.e2e
def test_token_is_in_no_child_argv_and_no_output(
        demo: SampleProject, index: LocalIndex, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str], tmp_path_factory: pytest.TempPathFactory) -> None:
    """A whole `build publish --yes` in-process: no child's argv and no output holds the token."""
    seen: list[str] = []
    real_popen = subprocess.Popen

    class RecordingPopen(real_popen):  # type: ignore[valid-type,misc]
        def __init__(self, args: object, *rest: object, **kwargs: object) -> None:
            seen.append(repr(args))
            super().__init__(args, *rest, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", RecordingPopen)
    monkeypatch.setenv("PYPI_API_KEY", CANARY)
    monkeypatch.setenv("TWINE_PASSWORD", CANARY)  # the local index's own password
    envdir = tmp_path_factory.mktemp("envs")
    code = nox_in_process(monkeypatch, demo.root, "--envdir", str(envdir), "-s", "build",
                          "publish", "--", "--repository", index.url, "--yes")
    output = capfd.readouterr()
    assert code == 0, output.out + output.err
    assert any("twine" in argv and "upload" in argv for argv in seen)
    assert not [argv for argv in seen if CANARY in argv]
    assert CANARY not in output.out + output.err
    assert {p.name for p in index.packages.iterdir()} == {
        "demo_pkg-1.2.0-py3-none-any.whl", "demo_pkg-1.2.0.tar.gz"}


@pytest.mark.slow
def test_verify_session_fails_on_a_failed_check(demo: SampleProject, tmp_path: Path) -> None:
    """nox -s verify prints the report and exits non-zero when a check fails."""
    (demo.root / "VERSION").write_text("not a version\n")
    run = run_nox(demo.root, tmp_path / "envs", "-s", "verify", "--", "--offline")
    assert run.code != 0
    assert "✗ version-file" in run.output
    assert "verify failed: fix what is marked ✗ above" in run.output


@pytest.mark.slow
def test_verify_session_appends_a_step_summary(demo: SampleProject, tmp_path: Path) -> None:
    """With GITHUB_STEP_SUMMARY set, nox -s verify appends the report as a Markdown table."""
    summary = tmp_path / "summary.md"
    run = run_nox(demo.root, tmp_path / "envs", "-s", "verify", "--", "--offline",
                  env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert run.code != 0  # no dists yet
    text = summary.read_text()
    assert "## publish-checks: demo-pkg 1.2.0 → pypi" in text
    assert "| ✓ | `version-file` | VERSION says 1.2.0 |" in text
    assert "| ✗ | `dists-present` |" in text


@pytest.mark.slow
def test_sessions_print_on_a_stdout_that_cannot_encode_the_marks(demo: SampleProject,
                                                                 tmp_path: Path) -> None:
    """A cp1252 pipe (Windows) gets ASCII marks instead of a UnicodeEncodeError traceback."""
    run = run_nox(demo.root, tmp_path / "envs", "-s", "verify", "--", "--offline",
                  env={"PYTHONIOENCODING": "cp1252"})
    assert "Traceback" not in run.output and "UnicodeEncodeError" not in run.output
    assert "+ version-file" in run.output and "x dists-present" in run.output


@pytest.mark.slow
def test_session_help_lists_the_shared_options(demo: SampleProject, tmp_path: Path) -> None:
    """`nox -s verify -- --help` prints the options every session takes, as errors suggest."""
    run = run_nox(demo.root, tmp_path / "envs", "-s", "verify", "--", "--help")
    assert run.code == 0, run.output
    for option in ("--repository", "--offline", "--json", "--skip", "--yes", "--dry-run",
                   "--tag", "--push", "--install", "--pre", "--commit"):
        assert option in run.output
    bad = run_nox(demo.root, tmp_path / "envs", "-s", "verify", "--", "--offlin")
    assert bad.code != 0 and "see 'nox -s <session> -- --help'" in bad.output


@pytest.mark.slow
@pytest.mark.parametrize("args", [["--offlin"], ["--skip", "git-tags"], ["--repository", "pipy"]])
def test_a_usage_error_inside_nox_says_it_is_one(demo: SampleProject, tmp_path: Path,
                                                 args: list[str]) -> None:
    """nox ends a failed session with 1, not 2, so the message itself says 'usage error'."""
    run = run_nox(demo.root, tmp_path / "envs", "-s", "verify", "--", "--offline", *args)
    assert run.code == 1
    assert "Session verify aborted: usage error: " in run.output, run.output
    assert "Traceback" not in run.output


@pytest.mark.parametrize(("step", "args", "note"), [
    ("build", ["--tag", "--dry-run"],
     "--tag applies to verify and publish; --dry-run applies to publish; build ignores them"),
    ("build", ["--yes", "-r", "testpypi", "--install"],
     "--yes applies to publish; --repository applies to verify and publish; --install applies "
     "to verify; build ignores them"),
    ("bump", ["minor", "--skip", "git-tag"],
     "--skip applies to verify, build, publish and rehearse; bump ignores it"),
    ("publish", ["--yes", "--tag", "--skip", "git-tag", "-v"], None),
    ("verify", ["--install", "--offline", "--json", "--push"], None),
], ids=["two", "places", "bump", "publish-takes-them", "verify-takes-them"])
def test_a_session_names_the_options_it_ignores(step: str, args: list[str],
                                                 note: str | None) -> None:
    """One line says which options the session ignores and where each applies (commands.takes)."""
    options = parse_session_args(args)
    assert ignored_note(step, step, given(args, options), NOX_STEPS) == note


def test_the_note_and_the_hints_use_the_noxfile_s_names() -> None:
    """After register({"publish": "release"}), hints and notes say `release`."""
    steps = Steps(nox=True, renamed=(("publish", "release"),))
    assert steps("publish") == "nox -s release"
    assert steps("bump", "minor") == "nox -s bump -- minor"
    assert ignored_note("build", "package", ["--yes"], steps) == (
        "--yes applies to release; package ignores it")


def test_hints_name_the_command_for_a_step_the_noxfile_has_no_session_for() -> None:
    """After register({"publish": "release"}) there is no build or rehearse session: hints
    name `publish-checks build`, never `nox -s build`, which nox cannot find."""
    steps = Steps(nox=True, renamed=(("publish", "release"),),
                  missing=("verify", "build", "rehearse", "bump"))
    assert steps.build == "publish-checks build"
    assert steps("bump", "patch") == "publish-checks bump patch"
    assert steps("publish", "--yes") == "nox -s release -- --yes"
    assert ignored_note("publish", "release", ["--install"], steps) == (
        "--install applies to publish-checks verify; release ignores it")


@pytest.mark.slow
def test_a_session_registered_alone_gives_hints_for_the_steps_it_lacks(
        demo: SampleProject, tmp_path: Path) -> None:
    """`nox -s release` of a noxfile that registered publish alone: the hint of a refusal
    names `publish-checks rehearse`, the command that exists."""
    demo.write("noxfile.py", NOXFILE + "publish_checks.nox.register({'publish': 'release'})\n")
    demo.commit("publish alone")
    run = run_nox(demo.root, tmp_path / "envs", "-s", "release", "--", "--repository", "local")
    assert run.code == 1
    assert ("usage error: --repository local is the embedded index of a rehearsal, which "
            "exists only while it runs — use publish-checks rehearse.") in run.output, run.output


@pytest.mark.slow
def test_an_ignored_option_is_logged_by_the_session(demo: SampleProject, tmp_path: Path) -> None:
    """`nox -s verify -- --yes` says verify ignores --yes, then verifies."""
    run = run_nox(demo.root, tmp_path / "envs", "-s", "verify", "--", "--offline", "--yes")
    assert "nox > --yes applies to publish; verify ignores it\n" in run.output
    assert "✓ version-file" in run.output


@pytest.mark.slow
def test_build_ignores_repository_as_it_says(demo: SampleProject, tmp_path: Path) -> None:
    """`nox -s build -- --repository URL` says build ignores it, and does: its dist checks
    are for the configured index (pypi), as `publish-checks build`'s are."""
    run = run_nox(demo.root, tmp_path / "envs", "-s", "build", "--", "--repository",
                  "https://pkgs.example.org/")
    assert run.code == 0, run.output
    assert "nox > --repository applies to verify and publish; build ignores it\n" in run.output
    assert "publish-checks build: dist checks · demo-pkg 1.2.0 → pypi\n" in run.output
    assert "pkgs.example.org" not in run.output.split("build ignores it")[1]


@pytest.mark.slow
@pytest.mark.parametrize("where", ["empty", "missing"])
def test_a_session_outside_a_project_is_a_usage_error(tmp_path: Path, where: str) -> None:
    """No pyproject.toml or setup.py (or no folder) where the session looks: 'usage error:'
    naming the folder and --project, nothing else done."""
    root = tmp_path / "here"
    root.mkdir()
    (root / "noxfile.py").write_text(NOXFILE, encoding="utf-8")
    args = ["--project", str(tmp_path / "nowhere")] if where == "missing" else []
    run = run_nox(root, tmp_path / "envs", "-s", "build", "--", *args)
    assert run.code == 1
    problem = (f"project directory {tmp_path / 'nowhere'} does not exist — pass --project "
               "the folder that holds the project's pyproject.toml or setup.py" if args
               else f"no pyproject.toml or setup.py in {root} — run it in the project's "
               "folder, or pass --project DIR")
    assert f"Session build aborted: usage error: {problem}." in run.output, run.output
    assert not (root / "dist").exists()


@pytest.mark.e2e
def test_the_built_dists_are_world_readable_as_build_writes_them(
        demo: SampleProject, tmp_path: Path) -> None:
    """`nox -s build` under umask 022 leaves both files 0644, as a plain `python -m build`
    does: no 0600 sdist from a rewrite through a private temporary file."""
    old = os.umask(0o022)
    try:
        run = run_nox(demo.root, tmp_path / "envs", "-s", "build")
    finally:
        os.umask(old)
    assert run.code == 0, run.output
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (demo.root / "dist").iterdir()
             if not p.name.startswith(".")}
    assert modes == {"demo_pkg-1.2.0-py3-none-any.whl": 0o644, "demo_pkg-1.2.0.tar.gz": 0o644}


@pytest.mark.e2e
@pytest.mark.parametrize(("part", "version", "heading"), [
    ("dev", "1.2.1.dev0", "## [Unreleased]\n\n## [1.2.0] - 2026-01-01"),
    ("post", "1.2.0.post1", "## [Unreleased]\n\n## [1.2.0.post1] - "),
])
def test_after_a_release_bump_opens_the_next_version(
        demo: SampleProject, tmp_path: Path, part: str, version: str, heading: str) -> None:
    """Right after the 1.2.0 release, `nox -s bump -- dev` opens 1.2.1.dev0 and keeps an
    empty Unreleased on top (nothing dated); `bump -- post` releases 1.2.0.post1 and dates
    the Unreleased entries like patch."""
    demo.write("CHANGELOG.md", (demo.root / "CHANGELOG.md").read_text("utf-8").replace(
        "## [Unreleased]\n", "## [Unreleased]\n\n### Fixed\n\n- A typo in the README.\n"
        if part == "post" else "## [Unreleased]\n"))
    demo.commit("after the release")
    run = run_nox(demo.root, tmp_path / "envs", "-s", "bump", "--", part)
    assert run.code == 0, run.output
    assert (demo.root / "VERSION").read_text("utf-8") == f"{version}\n"
    assert heading in (demo.root / "CHANGELOG.md").read_text("utf-8")


def test_importing_the_plugin_imports_no_check_release_or_dist_module() -> None:
    """A noxfile's ``import publish_checks.nox`` (nox -l, every nox run) imports no module of
    checks/, release/ or dists/ and no session runner: the command loads them when it runs."""
    script = ("import json, sys; import publish_checks.nox; "
              "print(json.dumps(sorted(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, check=True, cwd=Path(__file__).resolve().parents[1])
    modules = json.loads(result.stdout.splitlines()[-1])
    loaded = [m for m in modules if m.startswith(("publish_checks.checks", "publish_checks.release",
                                                  "publish_checks.dists",
                                                  "publish_checks.frontend.session_runner"))]
    assert "publish_checks.nox" in modules and loaded == [], loaded

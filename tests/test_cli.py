"""`publish-checks verify`: exit status, --json, --skip, and user mistakes without tracebacks."""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from publish_checks import __version__
from publish_checks._errors import ReleaseError
from publish_checks.checks import CHECK_IDS
from publish_checks.frontend.cli import build_parser, error_boundary, main
from publish_checks.frontend.commands import COMMANDS, takes
from publish_checks.frontend.options import Options, parse_session_args
from publish_checks.frontend.release_commands import pipeline_flags
from tests.builders import SampleProject

ROOT = Path(__file__).resolve().parents[1]
# Checks that look at things this foundation does not build (a token, dist/, the index):
# skipping them leaves a verdict that depends only on the sample project.
NOT_HERE = ["credentials-source", "token-format", "token-scope", "dists-present",
            "dists-stale", "dists-metadata", "dists-archive", "dists-abi", "dists-contents",
            "dists-secrets", "dists-size", "index-version"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def verify(capsys: pytest.CaptureFixture[str], project: SampleProject,
           *argv: str) -> tuple[int, str, str]:
    return run(capsys, "verify", "--project", str(project.root), "--offline", *argv)


def skips(ids: list[str]) -> list[str]:
    return [arg for check_id in ids for arg in ("--skip", check_id)]


def test_ready_project_exits_0(capsys: pytest.CaptureFixture[str],
                               project: SampleProject) -> None:
    """No failing check: exit 0 and the text report says ready."""
    code, out, err = verify(capsys, project, *skips(NOT_HERE))
    assert code == 0, out
    assert out.splitlines()[-1].endswith("ready to publish")
    assert err == ""


def test_failing_check_exits_1(capsys: pytest.CaptureFixture[str],
                               project: SampleProject) -> None:
    """A failing check: exit 1, its line and its fix in the report."""
    project.write("VERSION", "1.2.0-rc1\n")
    project.commit("non-canonical version")
    code, out, _ = verify(capsys, project, *skips(NOT_HERE))
    assert code == 1
    assert "✗ version-file" in out
    assert "    fix: write '1.2.0rc1' in VERSION" in out


def test_warnings_alone_exit_0(capsys: pytest.CaptureFixture[str],
                               project: SampleProject) -> None:
    """Warnings are allowed: exit 0."""
    project.git("switch", "-q", "-c", "topic")
    code, out, _ = verify(capsys, project, *skips(NOT_HERE))
    assert code == 0
    assert "! git-branch" in out


def test_json_is_the_only_thing_on_stdout(capsys: pytest.CaptureFixture[str],
                                          project: SampleProject) -> None:
    """--json prints exactly one JSON object of SPEC §2's shape, every check in order."""
    code, out, _ = verify(capsys, project, "--json")
    data = json.loads(out)
    assert out.count("\n") == 1
    assert list(data) == ["ok", "project", "version", "repository", "checks"]
    assert (data["project"], data["version"], data["repository"]) == ("demo-pkg", "1.2.0", "pypi")
    assert [c["id"] for c in data["checks"]] == list(CHECK_IDS)
    assert data["ok"] is (code == 0)
    source = next(c for c in data["checks"] if c["id"] == "credentials-source")
    assert source["status"] == "fail"
    assert source["hint"]


def test_skip_is_repeatable(capsys: pytest.CaptureFixture[str], project: SampleProject) -> None:
    """Each --skip ID turns that check into a skip saying so."""
    _, out, _ = verify(capsys, project, "--json", "--skip", "git-clean", "--skip", "git-tag")
    checks = {c["id"]: c for c in json.loads(out)["checks"]}
    for check_id in ("git-clean", "git-tag"):
        assert (checks[check_id]["status"], checks[check_id]["summary"]) == (
            "skip", "skipped by --skip")
    assert checks["git-branch"]["status"] == "pass"


def test_repository_option_is_reported(capsys: pytest.CaptureFixture[str],
                                       project: SampleProject) -> None:
    """--repository names the target in the report."""
    _, out, _ = verify(capsys, project, "--json", "--repository", "testpypi")
    assert json.loads(out)["repository"] == "testpypi"


def test_text_output_is_plain_when_not_a_terminal(capsys: pytest.CaptureFixture[str],
                                                  project: SampleProject) -> None:
    """Captured output has no colour codes."""
    _, out, _ = verify(capsys, project)
    assert "\033[" not in out


def test_force_color_paints_and_no_color_wins(capsys: pytest.CaptureFixture[str],
                                              project: SampleProject,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """FORCE_COLOR turns colour on off a terminal; NO_COLOR turns it off again."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    _, out, _ = verify(capsys, project)
    assert "\033[32m✓\033[0m" in out
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = verify(capsys, project)
    assert "\033[" not in out


@pytest.mark.parametrize(("argv", "message", "hint"), [
    (["verify", "--bogus"], "error: unrecognized arguments: --bogus",
     "publish-checks verify --help"),
    (["verify", "--skip", "git-tags"], "error: unknown check id 'git-tags' for --skip",
     "did you mean 'git-tag'?"),
    (["verify", "--skip"], "error: argument --skip: expected one argument", "--help"),
    (["frobnicate"], "error: argument COMMAND: invalid choice: 'frobnicate'", "--help"),
    (["verify", "--project", "does/not/exist"], "does not exist", "pass --project the folder"),
    (["verify", "--repository", "prod"], "error: unknown repository 'prod'", "declare it"),
], ids=["unknown-flag", "unknown-skip", "skip-without-id", "unknown-command",
        "missing-project", "unknown-repository"])
def test_usage_mistakes_exit_2_without_traceback(capsys: pytest.CaptureFixture[str],
                                                 project: SampleProject,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 argv: list[str], message: str,
                                                 hint: str) -> None:
    """Every user mistake is an `error:` line and a `fix:` line on stderr, and exit 2."""
    monkeypatch.chdir(project.root)
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert message in err.splitlines()[0]
    assert err.splitlines()[1].startswith("  fix: ")
    assert hint in err


def test_broken_pyproject_exits_2(capsys: pytest.CaptureFixture[str],
                                  project: SampleProject) -> None:
    """An unparsable pyproject.toml is a configuration error: exit 2, the file named."""
    project.write("pyproject.toml", "[project\n")
    code, out, err = verify(capsys, project)
    assert code == 2
    assert out == ""
    assert f"error: cannot parse {project.root / 'pyproject.toml'}" in err


def test_misspelt_config_key_exits_2_with_suggestion(capsys: pytest.CaptureFixture[str],
                                                     tmp_path: Path) -> None:
    """A typo in [tool.publish-checks] stops verify with a did-you-mean."""
    project = SampleProject.create(tmp_path / "demo", extra_config=(
        '\n[tool.publish-checks]\ncredential-file = ".env"\n'))
    code, _, err = verify(capsys, project)
    assert code == 2
    assert "error: unknown key 'credential-file' in [tool.publish-checks]" in err
    assert "  fix: did you mean 'credentials-file'?" in err


def test_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    """--version prints the version and main returns 0 instead of exiting."""
    code, out, _ = run(capsys, "--version")
    assert (code, out) == (0, f"publish-checks {__version__}\n")


def test_help_flag(capsys: pytest.CaptureFixture[str]) -> None:
    """verify --help lists the options and returns 0."""
    code, out, _ = run(capsys, "verify", "--help")
    assert code == 0
    for option in ("--project", "--repository", "--offline", "--json", "--skip"):
        assert option in out


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """A bare `publish-checks` shows the commands on stderr and exits 2."""
    code, out, err = run(capsys)
    assert code == 2
    assert out == ""
    assert "verify" in err


def test_project_defaults_to_the_current_directory(capsys: pytest.CaptureFixture[str],
                                                   project: SampleProject,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --project the current directory is checked."""
    monkeypatch.chdir(project.root)
    _, out, _ = run(capsys, "verify", "--offline", "--json")
    assert json.loads(out)["project"] == "demo-pkg"


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_ascii_only_stdout_still_gets_the_report(project: SampleProject,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  as_json: bool) -> None:
    """A stdout that cannot encode ✓ (a cp1252 pipe) gets ASCII marks, not a traceback."""
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding="ascii")
    monkeypatch.setattr(sys, "stdout", stdout)
    code = main(["verify", "--project", str(project.root), "--offline",
                 *(["--json"] if as_json else [])])
    stdout.flush()
    out = raw.getvalue().decode("ascii")
    assert code == 1
    if as_json:
        assert [c["id"] for c in json.loads(out)["checks"]] == list(CHECK_IDS)
    else:
        assert "+ version-file" in out
        assert "x credentials-source" in out
        assert "- not ready" in out


def test_python_m_entry_point(project: SampleProject) -> None:
    """`python -m publish_checks verify --json` runs in a fresh process with the exit status."""
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path}
    result = subprocess.run(
        [sys.executable, "-m", "publish_checks", "verify", "--project", str(project.root),
         "--offline", "--json"],
        capture_output=True, text=True, env=env, check=False, timeout=120)
    assert result.returncode == 1, result.stderr  # no token: credentials-source fails
    data = json.loads(result.stdout)
    assert [c["id"] for c in data["checks"]] == list(CHECK_IDS)
    assert data["ok"] is False
    assert result.stderr == ""


def test_hints_name_the_command_of_the_front_end_in_use(capsys: pytest.CaptureFixture[str],
                                                        project: SampleProject) -> None:
    """From the publish-checks command, a fix says `publish-checks build`, never a nox
    session the user may not have."""
    code, out, _ = verify(capsys, project, "--skip", "credentials-source")
    assert code == 1
    assert "fix: build the dists: publish-checks build" in out
    assert "nox -s" not in out


@pytest.mark.parametrize(("argv", "where"), [
    (["build", "--tag"], "publish-checks build"),
    (["build", "--install"], "publish-checks build"),  # build always installs
    (["verify", "--yes"], "publish-checks verify"),
    (["--bogus"], "publish-checks"),
])
def test_an_option_a_command_does_not_take_points_at_its_help(
        capsys: pytest.CaptureFixture[str], project: SampleProject, argv: list[str],
        where: str) -> None:
    """An unknown option exits 2, naming the help of the command that was typed."""
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert err.startswith(f"error: unrecognized arguments: {argv[-1]}\n")
    assert f"  fix: see '{where} --help'" in err


@pytest.mark.parametrize("given", [True, False], ids=["install", "plain"])
def test_verify_install_asks_for_dists_install_in_both_front_ends(given: bool) -> None:
    """--install reaches the pipeline's flags from the command and from the sessions' parser."""
    argv = ["--install"] if given else []
    command = build_parser().parse_args(["verify", *argv], namespace=Options())
    assert pipeline_flags(command).install is given
    assert pipeline_flags(parse_session_args(argv)).install is given



def test_each_command_takes_exactly_the_options_of_the_one_table() -> None:
    """The command's subparsers and commands.takes (what each nox session uses) agree."""
    commands = next(a for a in build_parser()._actions
                    if isinstance(a, argparse._SubParsersAction)).choices
    assert list(commands) == list(COMMANDS)
    for name, parser in commands.items():
        options = {max(a.option_strings, key=len, default=a.dest) for a in parser._actions
                   if not isinstance(a, argparse._HelpAction)}
        assert options == set(takes(name)), name
    assert takes("build") == ("--project", "--json", "--skip", "--verbose")
    assert takes("notes") == ("--project", "version")


@pytest.mark.parametrize(("argv", "hint"), [
    (["build", "--tag", "--dry-run"],
     "see 'publish-checks build --help' (--tag applies to verify and publish; --dry-run "
     "applies to publish)"),
    (["build", "-r", "testpypi"],
     "see 'publish-checks build --help' (--repository applies to verify, publish and "
     "diff)"),
    (["rehearse", "--install"], "see 'publish-checks rehearse --help' (--install applies to "
                                "verify)"),
    (["bump", "minor", "--yes"], "see 'publish-checks bump --help' (--yes applies to publish)"),
    (["verify", "--commit"], "see 'publish-checks verify --help' (--commit applies to bump)"),
], ids=["build-tag", "build-repository", "rehearse-install", "bump-yes", "verify-commit"])
def test_an_option_of_another_command_is_refused_saying_where_it_applies(
        capsys: pytest.CaptureFixture[str], project: SampleProject,
        monkeypatch: pytest.MonkeyPatch, argv: list[str], hint: str) -> None:
    """What a nox session only notes, the command refuses: exit 2, nothing done."""
    monkeypatch.chdir(project.root)
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.splitlines()[1] == f"  fix: {hint}"
    assert not (project.root / "dist").exists()
    assert project.git("status", "--porcelain") == ""


@pytest.mark.parametrize("argv", [["verify"], ["build"], ["publish", "--yes"], ["rehearse"],
                                  ["notes"], ["bump", "patch"]])
def test_every_command_outside_a_project_is_a_usage_error(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        argv: list[str]) -> None:
    """A folder with no pyproject.toml or setup.py: exit 2 naming it and --project."""
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err == (f"error: no pyproject.toml or setup.py in {tmp_path.resolve()}\n"
                   "  fix: run it in the project's folder, or pass --project DIR\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("given", ["missing", "file", "empty"])
def test_a_project_option_naming_no_project_says_to_correct_it(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        given: str) -> None:
    """--project naming no folder, a file or a folder without a project: exit 2, and the fix
    is the --project the user gave, not a --project to add."""
    monkeypatch.chdir(tmp_path)
    target = tmp_path / given
    if given == "file":
        target.write_text("", "utf-8")
    elif given == "empty":
        target.mkdir()
    code, out, err = run(capsys, "build", "--project", str(target))
    problem = {"missing": f"project directory {target} does not exist",
               "file": f"project directory {target} is not a directory",
               "empty": f"no pyproject.toml or setup.py in {target}"}[given]
    assert (code, out) == (2, "")
    assert err == (f"error: {problem}\n  fix: pass --project the folder that holds the "
                   "project's pyproject.toml or setup.py\n")


def test_a_setup_py_alone_is_a_project(capsys: pytest.CaptureFixture[str],
                                       tmp_path: Path) -> None:
    """The compliant twin: setup.py without pyproject.toml opens, and verify reports."""
    (tmp_path / "setup.py").write_text("from setuptools import setup\nsetup(name='x')\n",
                                       encoding="utf-8")
    code, out, err = run(capsys, "verify", "--project", str(tmp_path), "--offline")
    assert code == 1 and "error:" not in err
    assert "✗ dists-present" in out


def test_a_deleted_current_folder_is_a_usage_error(tmp_path: Path) -> None:
    """Run from a folder deleted under the shell: exit 2 with what to do, no traceback."""
    gone = tmp_path / "gone"
    gone.mkdir()
    script = (f"import os, sys; os.chdir({str(gone)!r}); os.rmdir({str(gone)!r}); "
              "from publish_checks.frontend.cli import main; sys.exit(main(['verify']))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, check=False, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr == ("error: the current folder no longer exists (deleted or moved)\n"
                             "  fix: cd into the project's folder and run it again\n")


# The layers --help and --version must not load (issue 16: they are what a user waits for
# before anything runs).
NOT_FOR_HELP = ("publish_checks.checks", "publish_checks.release", "publish_checks.dists")


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["verify", "--help"]])
def test_version_and_help_import_no_check_release_or_dist_module(argv: list[str]) -> None:
    """``publish-checks --version`` (and --help) in a fresh interpreter print their answer
    having imported no module of checks/, release/ or dists/."""
    script = ("import json, sys; from publish_checks.frontend.cli import main; "
              f"code = main({argv!r}); "
              "print(json.dumps([code, sorted(sys.modules)]), file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, check=False, cwd=ROOT)
    code, modules = json.loads(result.stderr.splitlines()[-1])
    assert code == 0 and ("publish-checks" in result.stdout), result.stderr
    loaded = [m for m in modules if m.startswith(NOT_FOR_HELP)]
    assert loaded == [], loaded


def test_notes_on_an_ascii_only_stdout_prints_the_section_unchanged(
        project: SampleProject) -> None:
    """notes on a stdout declared ASCII writes the section's own UTF-8, not a traceback."""
    section = "- The first feature — “quoted”, naïve → café.\n"
    changelog = project.root / "CHANGELOG.md"
    changelog.write_text(changelog.read_text("utf-8").replace("- The first feature.\n",
                                                              section), "utf-8")
    project.commit("a changelog in UTF-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT),
                                                        os.environ.get("PYTHONPATH", "")]),
           "PYTHONIOENCODING": "ascii"}
    result = subprocess.run([sys.executable, "-m", "publish_checks", "notes", "1.2.0",
                             "--project", str(project.root)],
                            capture_output=True, env=env, check=False, timeout=120)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert result.stdout.decode("utf-8") == f"### Added\n\n{section}"
    assert result.stderr == b""


def test_an_error_on_an_escaping_ascii_stderr_gets_the_ascii_stand_ins(tmp_path: Path) -> None:
    """stderr declared ASCII escapes what it cannot encode (backslashreplace) rather than
    failing: an error's marks still come out as their stand-ins, not as \\u2026."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "1"\n', "utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT),
                                                        os.environ.get("PYTHONPATH", "")]),
           "PYTHONIOENCODING": "ascii"}
    result = subprocess.run([sys.executable, "-m", "publish_checks", "notes", "--project",
                             str(tmp_path)], capture_output=True, env=env, check=False,
                            timeout=120)
    assert result.returncode == 2
    assert b"\\u2026" not in result.stderr
    assert b"(CHANGELOG.md, CHANGES.rst, HISTORY, NEWS ...)" in result.stderr


def test_an_error_quoting_a_tool_s_output_keeps_its_lines_and_escapes_the_rest(
        capsys: pytest.CaptureFixture[str]) -> None:
    """The build's failure quotes build's output: each of its lines on a line of its own
    (they came out as one line of literal \\n), any other control character still escaped."""
    with error_boundary() as code:
        raise ReleaseError("the build failed (exit status 1):\nTraceback:\n"
                           "ModuleNotFoundError: No module named 'x'\x1b[2J\tthere\rover",
                           "fix the build,\nthen build again")
    assert code == [1]
    assert capsys.readouterr().err == (
        "error: the build failed (exit status 1):\nTraceback:\n"
        "ModuleNotFoundError: No module named 'x'\\x1b[2J\\tthere\\rover\n"
        "  fix: fix the build,\nthen build again\n")

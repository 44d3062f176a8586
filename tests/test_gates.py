"""Quality gates (``[tool.publish-checks] gates``): the project's own checks pass before
anything is built, under nox (``requires=``) and from the ``publish-checks`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from publish_checks import ConfigError
from publish_checks.frontend.cli import main
from publish_checks.project.config import load_config
from tests.builders import SampleProject
from tests.e2e import NOXFILE, run_nox

MINIMAL = '[project]\nname = "demo-pkg"\nversion = "1.2.0"\n[tool.publish-checks]\n'
# A noxfile with the release sessions and the project's own `tests`, failing or passing.
FAILING_TESTS = NOXFILE + ("import nox\n\n@nox.session(venv_backend='none')\n"
                           "def tests(session):\n    session.error('2 tests failed')\n")
PASSING_TESTS = NOXFILE + ("import nox\n\n@nox.session(venv_backend='none')\n"
                           "def tests(session):\n    session.log('all tests passed')\n")


def gated(project: SampleProject, gates: str, noxfile: str) -> SampleProject:
    """``project`` with ``gates = <gates>`` and ``noxfile``, committed."""
    text = (project.root / "pyproject.toml").read_text("utf-8")
    project.write("pyproject.toml", text + f"\n[tool.publish-checks]\ngates = {gates}\n")
    project.write("noxfile.py", noxfile)
    project.commit("gates")
    return project


# --- the configuration key -------------------------------------------------------------

def test_gates_are_session_names_and_commands(tmp_path: Path) -> None:
    """Names stay strings and commands become argv tuples, in the order written."""
    (tmp_path / "pyproject.toml").write_text(
        MINIMAL + 'gates = ["lint", "tests-3.12", ["pytest", "-q"]]\n', encoding="utf-8")
    assert load_config(tmp_path).gates == ("lint", "tests-3.12", ("pytest", "-q"))
    (tmp_path / "pyproject.toml").write_text(MINIMAL, encoding="utf-8")
    assert load_config(tmp_path).gates == ()


@pytest.mark.parametrize(("value", "expected"), [
    ('"tests"', "tool.publish-checks.gates must be a list of nox session names or commands, "
                "not 'tests'"),
    ('["lint", 3]', "tool.publish-checks.gates[1] must be a session name or a command (a list "
                    "of non-empty strings), not 3"),
    ('[[]]', "tool.publish-checks.gates[0] must be a session name or a command (a list of "
             "non-empty strings), not []"),
    ('["  "]', "tool.publish-checks.gates[0] must be a session name or a command (a list of "
               "non-empty strings), not '  '"),
], ids=["a-string", "a-number", "an-empty-command", "a-blank-name"])
def test_malformed_gates_are_a_config_error(tmp_path: Path, value: str, expected: str) -> None:
    """Anything but a list of names and commands is refused, exit 2, with how to write it."""
    (tmp_path / "pyproject.toml").write_text(MINIMAL + f"gates = {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path)
    assert raised.value.exit_code == 2
    assert raised.value.message == expected
    assert raised.value.hint == ('write it as gates = ["lint", "tests"] (nox sessions) or '
                                 'gates = [["pytest", "-q"]]')


def test_a_misspelt_gates_key_is_named(tmp_path: Path) -> None:
    """`gate = [...]` is an unknown key, and the error suggests `gates`."""
    (tmp_path / "pyproject.toml").write_text(MINIMAL + 'gate = ["tests"]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path)
    assert raised.value.hint == "did you mean 'gates'?"


# --- under nox ----------------------------------------------------------------------------

def test_a_failing_gate_stops_the_chain_with_nothing_built(project: SampleProject,
                                                           tmp_path: Path) -> None:
    """`nox -s build publish`: a failing gate and a gate naming no session abort build, and
    publish refuses to upload what an earlier build might have left; dist/ is never made."""
    gated(project, '["tests", "lint"]', FAILING_TESTS)
    run = run_nox(project.root, tmp_path / "envs", "-s", "build", "publish", "--", "--yes")
    assert run.code == 1, run.output
    assert "Session tests aborted: 2 tests failed." in run.output
    assert ("Session lint aborted: usage error: [tool.publish-checks] gates names 'lint', but "
            "the noxfile has no session 'lint' — define it there, or remove it from gates in "
            "pyproject.toml.") in run.output
    assert "Session build aborted: Prerequisite session tests was not successful." in run.output
    assert ("Session publish aborted: the build of this run did not succeed (build: "
            "Prerequisite session tests was not successful), so nothing was uploaded — fix it, "
            "then run nox -s build publish again.") in run.output
    assert "Building demo-pkg" not in run.output
    assert not (project.root / "dist").exists()


@pytest.mark.e2e
def test_passing_gates_run_once_before_the_build(project: SampleProject,
                                                 tmp_path: Path) -> None:
    """Session gates run first and once in a chain, command gates inside build, then it
    builds; build names the option it ignores."""
    gated(project, '["tests", ["python", "-c", "print(\'command gate passed\')"]]',
          PASSING_TESTS)
    run = run_nox(project.root, tmp_path / "envs", "-s", "build", "publish", "--", "--offline")
    assert run.output.count("Running session tests") == 1, run.output
    assert "command gate passed" in run.output  # on stdout: run_nox's output puts it first
    order = ["Running session tests", "all tests passed", "Running session build",
             "--offline applies to verify and publish; build ignores it",
             "nox > python -c", "Building demo-pkg", "Session build was successful",
             "Running session publish"]
    positions = [run.output.find(line) for line in order]
    assert -1 not in positions and positions == sorted(positions), run.output
    assert "Session publish aborted: usage error: publish must ask the index" in run.output
    assert sorted(p.name for p in (project.root / "dist").iterdir()) == [
        "demo_pkg-1.2.0-py3-none-any.whl", "demo_pkg-1.2.0.tar.gz"]


def test_a_gate_may_name_a_parametrized_session(project: SampleProject,
                                                tmp_path: Path) -> None:
    """A gate written as nox names a parametrized session runs that one before build."""
    noxfile = NOXFILE + ("import nox\n\n@nox.session(venv_backend='none')\n"
                         "@nox.parametrize('kind', ['unit', 'slow'])\n"
                         "def tests(session, kind):\n    session.log(f'{kind} tests passed')\n")
    gated(project, """["tests(kind='unit')"]""", noxfile)
    # A --project that does not exist ends build at once: the order is all this test needs.
    run = run_nox(project.root, tmp_path / "envs", "-s", "build", "--", "--project", "nowhere")
    assert "unit tests passed" in run.output and "slow tests passed" not in run.output
    assert run.output.index("unit tests passed") < run.output.index("Running session build")
    assert "Session build aborted: usage error: project directory " in run.output


# --- from the publish-checks command ------------------------------------------------------

def build_cli(capsys: pytest.CaptureFixture[str], project: SampleProject) -> tuple[int, str, str]:
    code = main(["build", "--project", str(project.root)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_a_failing_session_gate_stops_the_command(project: SampleProject,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """`publish-checks build` runs `nox -s tests`; it fails: exit 1, dist/ as it was."""
    gated(project, '["tests"]', FAILING_TESTS)
    old = project.touch_dist("demo_pkg-1.1.0.tar.gz")
    code, out, err = build_cli(capsys, project)
    assert code == 1
    assert "Session tests aborted: 2 tests failed." in out  # nox's output streams through
    assert "error: gate tests failed (exit status 1): nothing was built\n" in err
    assert "  fix: fix what it reports above, then build again\n" in err
    assert [p.name for p in (project.root / "dist").iterdir()] == [old.name]


def test_gates_run_in_order_and_the_first_failure_stops(
        project: SampleProject, capsys: pytest.CaptureFixture[str]) -> None:
    """A passing session gate, then a failing command gate: both ran, in order, nothing built."""
    gated(project, '["tests", ["python", "-c", "import sys; print(\'linting\'); sys.exit(3)"]]',
          PASSING_TESTS)
    code, out, err = build_cli(capsys, project)
    assert code == 1
    assert out.index("all tests passed") < out.index("linting")
    assert "Gate tests: " in err and " -s tests" in err
    assert ("error: gate python -c 'import sys; print('\"'\"'linting'\"'\"'); sys.exit(3)' "
            "failed (exit status 3): nothing was built\n") in err
    assert not (project.root / "dist").exists()


def test_a_gate_command_that_cannot_run_is_a_config_error(
        project: SampleProject, capsys: pytest.CaptureFixture[str]) -> None:
    """A command gate naming no program: exit 2 naming the gate and the key to fix."""
    gated(project, '[["pytst-not-installed", "-q"]]', PASSING_TESTS)
    code, _, err = build_cli(capsys, project)
    assert code == 2
    assert "error: gate pytst-not-installed -q cannot be run: No such file or directory\n" in err
    assert "fix tool.publish-checks.gates in pyproject.toml" in err
    assert not (project.root / "dist").exists()


def test_a_session_gate_without_a_noxfile_is_a_config_error(
        project: SampleProject, capsys: pytest.CaptureFixture[str]) -> None:
    """A session gate in a project with no noxfile.py: exit 2, the folder named."""
    gated(project, '["tests"]', PASSING_TESTS)
    (project.root / "noxfile.py").unlink()
    code, _, err = build_cli(capsys, project)
    assert code == 2
    assert (f"error: gates names the nox session 'tests', but {project.root} has no "
            "noxfile.py\n") in err


@pytest.mark.e2e
def test_passing_gates_let_the_command_build(project: SampleProject,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """Gates that pass: the build follows them and fills dist/."""
    gated(project, '["tests", ["python", "-c", "print(\'command gate passed\')"]]',
          PASSING_TESTS)
    code, out, err = build_cli(capsys, project)
    assert code == 0, out + err
    assert out.index("all tests passed") < out.index("command gate passed") < out.index("Built in")
    assert sorted(p.name for p in (project.root / "dist").iterdir()) == [
        "demo_pkg-1.2.0-py3-none-any.whl", "demo_pkg-1.2.0.tar.gz"]


SNOOP = ("import os, sys; names = ['PYPI_API_KEY', 'TWINE_PASSWORD', "
         "'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_URL', 'PYPI_ID_TOKEN', "
         "'SIGSTORE_ID_TOKEN', 'GATE_PLAIN']; "
         "print('gate sees', sorted(n for n in names if n in os.environ)); sys.exit(3)")
IDENTITY = {"PYPI_API_KEY": "pypi-secret", "TWINE_PASSWORD": "index-secret",
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "oidc-request", "GITHUB_ACTIONS": "true",
            "ACTIONS_ID_TOKEN_REQUEST_URL": "https://token.actions.invalid/",
            "PYPI_ID_TOKEN": "gitlab-pypi", "SIGSTORE_ID_TOKEN": "gitlab-sigstore",
            "GATE_PLAIN": "1"}


def test_a_command_gate_gets_no_upload_secret_and_no_ci_identity(
        project: SampleProject, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The project's own commands could mint a PyPI token with the job's OIDC identity: a
    gate gets neither it nor an upload secret, only the rest of the environment."""
    for name, value in IDENTITY.items():
        monkeypatch.setenv(name, value)
    gated(project, json.dumps([['python', '-c', SNOOP]]),
          PASSING_TESTS)
    code, out, _ = build_cli(capsys, project)
    assert code == 1
    assert "gate sees ['GATE_PLAIN']" in out


@pytest.mark.e2e
def test_a_command_gate_under_nox_gets_no_upload_secret_and_no_ci_identity(
        project: SampleProject, tmp_path: Path) -> None:
    """The same under nox, where the gate runs inside the build session."""
    gated(project, json.dumps([['python', '-c', SNOOP]]),
          PASSING_TESTS)
    run = run_nox(project.root, tmp_path / "envs", "-s", "build", env=IDENTITY)
    assert run.code != 0
    assert "gate sees ['GATE_PLAIN']" in run.output


SNOOP_AND_PASS = SNOOP.replace("sys.exit(3)", "print()")
SNOOPING_TESTS = NOXFILE + (
    "import nox, os\n\n@nox.session(venv_backend='none')\n"
    f"def tests(session):\n    session.run('python', '-c', {SNOOP_AND_PASS!r})\n"
    "    session.log(f\"tests session sees {'PYPI_API_KEY' in os.environ}\")\n")


@pytest.mark.e2e
def test_a_session_gate_gets_no_upload_secret_and_no_ci_identity(
        project: SampleProject, tmp_path: Path) -> None:
    """A gate that is a nox session runs in nox's own process, so in a run that builds the
    secrets and the CI identity leave nox's environment while it runs (its commands and its
    body see neither) and come back for publish; `nox -s tests` alone is no gate."""
    gated(project, '["tests"]', SNOOPING_TESTS)
    run = run_nox(project.root, tmp_path / "envs", "-s", "build", "publish", "--", "--offline",
                  env=IDENTITY)
    assert "gate sees ['GATE_PLAIN']" in run.output, run.output
    assert "tests session sees False" in run.output
    assert "Session build was successful" in run.output  # the run goes on after the gate
    # publish still has its token: it stops later, asking for the index, not for a token
    assert "Session publish aborted: usage error: publish must ask the index" in run.output
    run = run_nox(project.root, tmp_path / "envs", "-s", "tests", env=IDENTITY)
    assert run.code == 0, run.output
    assert ("gate sees ['ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_URL', "
            "'GATE_PLAIN', 'PYPI_API_KEY', 'PYPI_ID_TOKEN', 'SIGSTORE_ID_TOKEN', "
            "'TWINE_PASSWORD']") in run.output, run.output


POSARGS_GATE = NOXFILE + ("import nox\n\n@nox.session(venv_backend='none')\n"
                          "def tests(session):\n    session.log(f'tests got {session.posargs}')\n")


@pytest.mark.e2e
def test_a_gate_run_for_build_gets_no_posargs_of_the_chain(project: SampleProject,
                                                           tmp_path: Path) -> None:
    """`nox -s build -- --verbose`: nox hands every session the same posargs, but the
    `tests` gate pulled in by build gets none (its pytest would choke on --yes or --tag);
    `nox -s tests -- -k slow`, run by name, still gets its own."""
    gated(project, '["tests"]', POSARGS_GATE)
    run = run_nox(project.root, tmp_path / "envs", "-s", "build", "--", "--verbose")
    assert run.code == 0, run.output
    assert "nox > tests got []\n" in run.output
    run = run_nox(project.root, tmp_path / "envs", "-s", "tests", "--", "-k", "slow")
    assert "nox > tests got ['-k', 'slow']\n" in run.output

"""One dispatch: ``publish-checks NAME`` and ``nox -s NAME`` run the same function of
``frontend/commands.py`` COMMANDS, and build's gates go through one gate runner."""

from __future__ import annotations

import dataclasses
import importlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

import publish_checks.nox
from publish_checks import ConfigError, ReleaseError, UsageError
from publish_checks._text import CLI_STEPS, NOX_STEPS
from publish_checks.frontend import release_commands
from publish_checks.frontend.cli import main
from publish_checks.frontend.commands import COMMANDS
from publish_checks.frontend.front_end import FrontEnd
from publish_checks.frontend.gates import run_gates
from publish_checks.frontend.options import Options
from publish_checks.frontend.session_runner import SessionRunner
from publish_checks.frontend.standalone import StandaloneRunner
from publish_checks.project.config import Gate
from tests.builders import SampleProject
from tests.e2e import NOXFILE, nox_in_process, run_nox

SESSIONS = [name for name, command in COMMANDS.items() if command.session is not None]
Calls = list[tuple[Options, FrontEnd]]


@pytest.fixture
def demo(project: SampleProject) -> SampleProject:
    project.write("noxfile.py", NOXFILE)
    project.commit("adopt the release sessions")
    return project


def stand_in(monkeypatch: pytest.MonkeyPatch, name: str, code: int = 0,
             error: Exception | None = None) -> Calls:
    """Replace the function of command ``name``, in the module its entry in the table names,
    by one that records its call and returns ``code`` (or raises ``error``)."""
    calls: Calls = []

    def run(options: Options, runner: FrontEnd, **ahead: object) -> int:
        assert set(ahead) == ({"early"} if COMMANDS[name].ahead else set())
        calls.append((options, runner))
        if error is not None:
            raise error
        return code

    monkeypatch.setattr(importlib.import_module(COMMANDS[name].module), name, run)
    return calls


def in_nox(monkeypatch: pytest.MonkeyPatch, root: Path, name: str, *args: str) -> int:
    """``nox -s NAME -- ARGS`` in this process, on the current interpreter (no virtualenv)."""
    return nox_in_process(monkeypatch, root, "--no-venv", "-s", name, "--", *args)


@pytest.mark.parametrize("name", SESSIONS)
def test_both_front_ends_run_the_command_of_the_table(
        name: str, demo: SampleProject, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    """The command and the nox session of one name reach the one function COMMANDS holds
    for it, with the same options, each with its own runner and the hints of its front end."""
    calls = stand_in(monkeypatch, name)
    assert main([name, "--project", str(demo.root)]) == 0
    assert in_nox(monkeypatch, demo.root, name, "--project", str(demo.root)) == 0, \
        capfd.readouterr()
    (cli_options, cli_runner), (nox_options, nox_runner) = calls
    assert (type(cli_runner), type(nox_runner)) == (StandaloneRunner, SessionRunner)
    assert (cli_runner.steps, nox_runner.steps) == (CLI_STEPS, NOX_STEPS)
    assert cli_options.project == nox_options.project == str(demo.root)
    flags = release_commands.pipeline_flags
    assert flags(cli_options) == flags(nox_options)


def test_notes_has_no_session_and_the_command_runs_it_from_the_table(
        demo: SampleProject, monkeypatch: pytest.MonkeyPatch) -> None:
    """A command without a session docstring is a CLI command alone, dispatched the same."""
    calls = stand_in(monkeypatch, "notes")
    assert main(["notes", "1.2.0", "--project", str(demo.root)]) == 0
    assert [options.version for options, _ in calls] == ["1.2.0"]
    assert "notes" not in publish_checks.nox.SESSIONS


def test_the_sessions_are_the_commands_that_have_one() -> None:
    """nox registers a session for each command with a session docstring, and nox -l shows
    that docstring: the sessions have no table of their own."""
    assert list(publish_checks.nox.SESSIONS) == SESSIONS
    for name, body in publish_checks.nox.SESSIONS.items():
        assert body.__doc__ == COMMANDS[name].session


def test_a_failed_verdict_is_exit_1_from_the_command_and_a_session_error_under_nox(
        demo: SampleProject, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    """A command returning 1: the CLI exits 1 saying nothing more (its report said it); the
    session fails naming the command and how to run it again."""
    stand_in(monkeypatch, "verify", code=1)
    assert main(["verify", "--project", str(demo.root)]) == 1
    assert capfd.readouterr().err == ""
    assert in_nox(monkeypatch, demo.root, "verify", "--project", str(demo.root)) == 1
    assert ("Session verify aborted: verify failed: fix what is marked ✗ above, then run "
            "nox -s verify again.") in capfd.readouterr().err


def test_a_usage_error_is_exit_2_from_the_command_and_says_so_under_nox(
        demo: SampleProject, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    """One error raised by the command: `error:` and `fix:` lines and exit 2 from the CLI;
    under nox, which cannot exit 2, one line that says it is a usage error (SPEC §2)."""
    stand_in(monkeypatch, "rehearse", error=UsageError("the stand-in refuses", "do not"))
    assert main(["rehearse", "--project", str(demo.root)]) == 2
    assert capfd.readouterr().err == "error: the stand-in refuses\n  fix: do not\n"
    assert in_nox(monkeypatch, demo.root, "rehearse", "--project", str(demo.root)) == 1
    assert ("Session rehearse aborted: usage error: the stand-in refuses — do not."
            in capfd.readouterr().err)


def test_a_session_takes_a_positional_only_where_its_command_does(
        demo: SampleProject, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    """`nox -s verify -- stray` (a pasted token, say) is a usage error and runs nothing;
    bump, whose command takes one, gets it."""
    calls = stand_in(monkeypatch, "verify")
    assert in_nox(monkeypatch, demo.root, "verify", "stray") == 1
    assert ("Session verify aborted: usage error: unrecognized arguments: stray — only bump "
            "takes a positional argument; see 'nox -s verify -- --help'.") in capfd.readouterr().err
    assert calls == []
    bumps = stand_in(monkeypatch, "bump")
    assert in_nox(monkeypatch, demo.root, "bump", "minor") == 0
    assert [options.target for options, _ in bumps] == ["minor"]


def test_build_runs_the_one_gate_runner_in_both_front_ends(
        demo: SampleProject, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    """Both builds hand the configured gates to release_commands.run_gates, told whether nox
    ran the session gates already; its refusal stops each with nothing built."""
    demo.write("pyproject.toml", (demo.root / "pyproject.toml").read_text("utf-8")
               + '\n[tool.publish-checks]\ngates = [["pytest", "-q"]]\n')
    seen: list[tuple[tuple[Gate, ...], Path, bool]] = []

    def refuse(gates: tuple[Gate, ...], root: Path, environ: Mapping[str, str],
               runner: StandaloneRunner | SessionRunner) -> None:
        seen.append((gates, root, runner.session_gates_ran))
        raise ReleaseError("the stand-in gate failed: nothing was built")

    monkeypatch.setattr(release_commands, "run_gates", refuse)
    assert main(["build", "--project", str(demo.root)]) == 1
    assert "error: the stand-in gate failed: nothing was built\n" in capfd.readouterr().err
    assert in_nox(monkeypatch, demo.root, "build", "--project", str(demo.root)) == 1
    assert ("Session build aborted: the stand-in gate failed: nothing was built."
            in capfd.readouterr().err)
    assert seen == [((("pytest", "-q"),), demo.root, False), ((("pytest", "-q"),), demo.root, True)]
    assert not (demo.root / "dist").exists()


@dataclasses.dataclass
class FakeGates:
    """A front end's gate runner that records what it runs and answers ``codes`` in turn."""

    session_gates_ran: bool
    codes: list[int | None]
    ran: list[tuple[str, list[str]]] = dataclasses.field(default_factory=list)

    def run_gate(self, shown: str, argv: Sequence[str], cwd: Path,
                 env: Mapping[str, str]) -> int | None:
        self.ran.append((shown, list(argv)))
        return self.codes.pop(0)


@pytest.mark.parametrize(("ran", "code", "message"), [
    (True, None, "gate lint -q failed: nothing was built"),
    (False, 3, "gate lint -q failed (exit status 3): nothing was built"),
], ids=["nox", "command"])
def test_the_gate_runner_names_the_first_failure_the_way_its_front_end_knows_it(
        tmp_path: Path, ran: bool, code: int | None, message: str) -> None:
    """Session gates are left to nox when it ran them, else run with `nox -s`; the failure
    gives the exit status when the front end has one (nox reports its own)."""
    (tmp_path / "noxfile.py").write_text("", "utf-8")
    runner = FakeGates(session_gates_ran=ran, codes=[code] if ran else [0, code])
    with pytest.raises(ReleaseError) as raised:
        run_gates(("tests", ("lint", "-q"), ("never",)), tmp_path, {}, runner)
    assert (raised.value.message, raised.value.hint) == (
        message, "fix what it reports above, then build again")
    shown = [name for name, _ in runner.ran]
    assert shown == (["lint -q"] if ran else ["tests", "lint -q"])
    if not ran:
        assert runner.ran[0][1][-2:] == ["-s", "tests"]


def test_a_gate_that_cannot_start_is_a_config_error_in_either_front_end(tmp_path: Path) -> None:
    """A program that is not there: exit 2 naming the gate and the key to fix."""
    class Missing(FakeGates):
        def run_gate(self, shown: str, argv: Sequence[str], cwd: Path,
                     env: Mapping[str, str]) -> int | None:
            raise FileNotFoundError(2, "No such file or directory")

    with pytest.raises(ConfigError) as raised:
        run_gates((("pytst", "-q"),), tmp_path, {}, Missing(session_gates_ran=True, codes=[]))
    assert raised.value.message == "gate pytst -q cannot be run: No such file or directory"
    assert raised.value.hint == "install pytst, or fix tool.publish-checks.gates in pyproject.toml"


def test_a_failing_command_gate_reads_the_same_from_both_front_ends(
        demo: SampleProject, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The real gate, run by the command and by a real nox: both stop the build with the one
    runner's message, the command with the exit status, nox after reporting it itself."""
    failing = ["python", "-c", "import sys; sys.exit(3)"]
    demo.write("pyproject.toml", (demo.root / "pyproject.toml").read_text("utf-8")
               + f"\n[tool.publish-checks]\ngates = {json.dumps([failing])}\n")
    demo.commit("a failing gate")
    assert main(["build", "--project", str(demo.root)]) == 1
    err = capsys.readouterr().err
    assert ("error: gate python -c 'import sys; sys.exit(3)' failed (exit status 3): nothing "
            "was built\n  fix: fix what it reports above, then build again\n") in err
    run = run_nox(demo.root, tmp_path / "envs", "-s", "build")
    assert run.code == 1
    assert "nox > Command python -c 'import sys; sys.exit(3)' failed with exit code 3" in run.output
    assert ("Session build aborted: gate python -c 'import sys; sys.exit(3)' failed: nothing "
            "was built — fix what it reports above, then build again.") in run.output
    assert not (demo.root / "dist").exists()

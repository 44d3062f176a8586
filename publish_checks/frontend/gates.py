"""The quality gates of build: ``[tool.publish-checks] gates`` run in the project folder
before anything is built, and the first that fails stops the build with dist/ untouched. A
name runs that nox session, a list runs that command. The one gate runner of both front
ends: the front end's :class:`GateRunner` runs each command. Under nox, nox runs the gates
that name sessions itself (``requires=`` of the build session); elsewhere ``nox -s NAME``
runs each."""

from __future__ import annotations

import importlib.util
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol, TextIO

from publish_checks._errors import ConfigError, ReleaseError
from publish_checks.project.config import Gate

FIX_GATES = "fix tool.publish-checks.gates in pyproject.toml"


def nox_argv(environ: Mapping[str, str]) -> list[str]:
    """nox beside publish-checks (``python -m nox``: its noxfile's ``import
    publish_checks.nox`` then works), else nox on PATH; a ReleaseError with the fix if
    neither."""
    if importlib.util.find_spec("nox") is not None:
        return [sys.executable, "-m", "nox"]
    found = shutil.which("nox", path=environ.get("PATH"))
    if found is not None:
        return [found]
    raise ReleaseError("gates names nox sessions, but nox is not installed here: nothing was "
                       "built", "install nox (pipx install nox, or uv tool install nox), or "
                       'write the gates as commands: gates = [["pytest", "-q"]]')


def gate_argv(gate: Gate, root: Path, environ: Mapping[str, str]) -> list[str]:
    """The command that runs ``gate`` in ``root``."""
    if not isinstance(gate, str):
        return list(gate)
    if not (root / "noxfile.py").is_file():
        raise ConfigError(f"gates names the nox session '{gate}', but {root} has no "
                          "noxfile.py", f"add that session to a noxfile.py, or {FIX_GATES}")
    return [*nox_argv(environ), "-s", gate]


class GateRunner(Protocol):
    """How a front end runs one gate."""

    #: Whether the gates that name nox sessions ran before build (nox's ``requires=``).
    session_gates_ran: bool

    def run_gate(self, shown: str, argv: Sequence[str], cwd: Path,
                 env: Mapping[str, str]) -> int | None:
        """Run a gate in ``cwd`` with exactly ``env``, its output streaming; its exit
        status, or None for a failure the front end reported without one (nox). OSError
        when it cannot be run."""


def run_gates(gates: tuple[Gate, ...], root: Path, environ: Mapping[str, str],
              runner: GateRunner) -> None:
    """Run each gate in ``root``, in order; ReleaseError naming the first that fails."""
    for gate in gates:
        if isinstance(gate, str) and runner.session_gates_ran:
            continue
        shown = gate if isinstance(gate, str) else shlex.join(gate)
        argv = gate_argv(gate, root, environ)
        try:
            code = runner.run_gate(shown, argv, root, environ)
        except OSError as e:
            raise ConfigError(f"gate {shown} cannot be run: {e.strerror or e}",
                              f"install {argv[0]}, or {FIX_GATES}") from None
        if code != 0:
            status = "" if code is None else f" (exit status {code})"
            raise ReleaseError(f"gate {shown} failed{status}: nothing was built",
                               "fix what it reports above, then build again")


def _stdin_is_a_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except ValueError:  # closed
        return False


def run_command(argv: Sequence[str], cwd: Path, environ: Mapping[str, str],
                out: TextIO) -> int:
    """Run a gate outside nox with no time limit (test suites take what they take). stdin
    is the terminal's when there is one, else nothing; the output goes straight to ``out``
    when it is a file, else through a pipe."""
    stdin = None if _stdin_is_a_terminal() else subprocess.DEVNULL
    out.flush()
    try:
        descriptor: int | None = out.fileno()
    except (AttributeError, OSError, ValueError):  # a test's captured stream
        descriptor = None
    if descriptor is not None:
        return subprocess.run(argv, cwd=cwd, env=dict(environ), stdin=stdin,
                              stdout=descriptor, check=False).returncode
    with subprocess.Popen(argv, cwd=cwd, env=dict(environ), stdin=stdin, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          encoding="utf-8", errors="replace") as child:
        for line in child.stdout or ():
            out.write(line)
    return child.returncode

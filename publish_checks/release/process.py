"""Child processes of a release: output redacted as it streams, bounded in time."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from publish_checks.project.credentials import redact

STEP_TIMEOUT = 900.0  # seconds for one build, upload, install or smoke command
# A terminal control sequence (CSI): what a progress bar moves the cursor and clears with.
_CONTROL = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


@dataclass(frozen=True)
class Completed:
    """A finished command: its exit status and its output (stdout and stderr), redacted."""

    code: int
    output: str
    timed_out: bool = False


def run_redacted(argv: Sequence[str], *, env: Mapping[str, str], cwd: Path | None = None,
                 secrets: Sequence[str] = (), echo: TextIO | None = None,
                 timeout: float = STEP_TIMEOUT) -> Completed:
    """Run ``argv`` with no stdin; its output is redacted line by line and, with ``echo``,
    written there as it comes. A command past ``timeout`` seconds is killed.

    A line ended by a lone carriage return is a progress bar redrawing itself: echoed as it
    is (so a terminal redraws it in place), kept out of the output returned, which holds no
    terminal control sequences either.
    """
    lines: list[str] = []
    hidden = tuple(s for s in secrets if s)
    try:
        child = subprocess.Popen(list(argv), env=dict(env), cwd=cwd, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    except OSError as e:
        return Completed(127, f"{argv[0]}: cannot be run: {e.strerror or e}\n")
    expired = threading.Event()

    def kill() -> None:
        expired.set()
        child.kill()

    timer = threading.Timer(timeout, kill)
    timer.start()
    try:
        with child:
            # newline="": lines end at \n, \r\n or a lone \r, and keep which it was.
            output = io.TextIOWrapper(child.stdout, "utf-8", "replace", newline="") \
                if child.stdout is not None else ()
            for line in output:
                safe = redact(line, hidden)
                if safe.endswith("\r\n"):
                    safe = safe[:-2] + "\n"
                if echo is not None:
                    echo.write(safe)
                    echo.flush()
                if not safe.endswith("\r"):
                    lines.append(_CONTROL.sub("", safe))
    finally:
        timer.cancel()
    if expired.is_set():
        lines.append(f"\n(stopped after {timeout:.0f} s)\n")
    return Completed(child.returncode, "".join(lines), expired.is_set())


def tail(output: str, lines: int = 15) -> str:
    """The last lines of a command's output, where its error usually is."""
    return "\n".join(output.strip().splitlines()[-lines:])


def find_uv() -> str | None:
    """uv beside this Python (``pip install nox[uv]`` puts it there), else on PATH, if any.

    Beside first: on PATH it is often a version manager's shim (pyenv's starts a shell and
    costs ~55 ms a call, and a publish makes five calls)."""
    beside = Path(sys.executable).parent / ("uv.exe" if os.name == "nt" else "uv")
    return str(beside) if beside.is_file() else shutil.which("uv")


def venv_python(venv: Path) -> Path:
    """The interpreter of a virtualenv."""
    if os.name == "nt":
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


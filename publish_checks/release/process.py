"""Child processes of a release: output redacted as it streams, bounded in time."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Generic, TextIO, TypeVar

from publish_checks._record import Record, record
from publish_checks.project.credentials import redact

T = TypeVar("T")
STEP_TIMEOUT = 900.0  # seconds for one build, upload, install or smoke command
# A terminal control sequence (CSI): what a progress bar moves the cursor and clears with.
_CONTROL = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


@record
class Completed(Record):
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
    try:
        child = subprocess.Popen(list(argv), env=dict(env), cwd=cwd, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    except OSError as e:
        return Completed(127, f"{argv[0]}: cannot be run: {e.strerror or e}\n")
    return _collected(child, secrets, echo, timeout)


def _collected(child: subprocess.Popen[bytes], secrets: Sequence[str], echo: TextIO | None,
               timeout: float) -> Completed:
    """What :func:`run_redacted` returns of a started ``child``, once it has ended."""
    lines: list[str] = []
    hidden = tuple(s for s in secrets if s)
    expired = threading.Event()

    def kill() -> None:
        expired.set()
        child.kill()

    timer = threading.Timer(timeout, kill)
    # A Ctrl-C inside start() (it waits for the thread) skips the cancel below: a daemon
    # timer does not keep the interrupted process alive until the timeout.
    timer.daemon = True
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


class Standby:
    """A child started ahead of its turn, waiting on its stdin for the one line that sets it
    going (:meth:`go`). Closed unsent, by :meth:`close` or by our end (our process killed:
    its stdin closes), it exits having done nothing."""

    def __init__(self, child: subprocess.Popen[bytes]) -> None:
        self._child = child
        self._sent = False

    @property
    def pid(self) -> int:
        return self._child.pid

    def go(self, line: str, *, secrets: Sequence[str] = (), echo: TextIO | None = None,
           timeout: float = STEP_TIMEOUT,
           meanwhile: Callable[[], object] | None = None) -> Completed:
        """Send ``line`` (one line: no newline in it), do ``meanwhile`` while the child
        runs, then as :func:`run_redacted`: the child's output, redacted and echoed (held
        in its pipe until then), and its exit status. Whatever ``meanwhile`` raises, the
        child's end is read first."""
        self._sent = True
        try:
            if self._child.stdin is not None:
                with self._child.stdin:
                    self._child.stdin.write(line.encode("utf-8") + b"\n")
        except OSError:  # it ended before the go: its output says why
            pass
        try:
            if meanwhile is not None:
                meanwhile()
        finally:
            done = _collected(self._child, secrets, echo, timeout)
        return done

    def close(self) -> None:
        """Unsent, it is stopped (it has done nothing); sent, :meth:`go` has reaped it."""
        if self._sent:
            return
        self._sent = True
        with self._child:
            if self._child.stdin is not None:
                self._child.stdin.close()
            self._child.kill()


def standby(argv: Sequence[str], *, env: Mapping[str, str],
            cwd: Path | None = None) -> Standby | None:
    """Start ``argv`` as a :class:`Standby`; None when it cannot be started (the cold run
    then says why)."""
    try:
        child = subprocess.Popen(list(argv), env=dict(env), cwd=cwd, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, stdin=subprocess.PIPE)
    except OSError:
        return None
    return Standby(child)


class Ahead(Generic[T]):
    """``work`` started now in a thread of its own; :meth:`result` waits for what it
    returned, or raises what it raised, in the caller's thread."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._outcome: list[T] = []
        self._error: list[Exception] = []

        def run() -> None:
            try:
                self._outcome.append(work())
            except Exception as e:  # raised again by result(), where it is asked for
                self._error.append(e)

        self._thread = threading.Thread(target=run, name="publish-checks-ahead")
        self._thread.start()

    def wait(self) -> None:
        self._thread.join()

    def result(self) -> T:
        self._thread.join()
        if self._error:
            raise self._error[0]
        return self._outcome[0]


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


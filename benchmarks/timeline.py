"""Where a publish-checks command spends its time: run it (in this process, as
``python -m publish_checks`` would) and print, on stderr, when our import ended and each
child process it started: its start, its duration and its command.

    python benchmarks/timeline.py publish --yes --repository URL

benchmarks/speed.py runs one publish through it after the timed rounds.
"""

from __future__ import annotations

import atexit
import runpy
import subprocess
import sys
import time
from typing import Any

START = time.perf_counter()
_children: list[tuple[float, float, str]] = []
_init = subprocess.Popen.__init__
_wait = subprocess.Popen._wait  # type: ignore[attr-defined]


def _started(self: subprocess.Popen[Any], *args: Any, **kwargs: Any) -> None:
    self._benchmark_start = time.perf_counter()  # type: ignore[attr-defined]
    _init(self, *args, **kwargs)


def _waited(self: subprocess.Popen[Any], *args: Any, **kwargs: Any) -> Any:
    code = _wait(self, *args, **kwargs)
    if self.returncode is not None and not hasattr(self, "_benchmark_seen"):
        self._benchmark_seen = True  # type: ignore[attr-defined]
        start = self._benchmark_start  # type: ignore[attr-defined]
        argv = self.args if isinstance(self.args, str) else " ".join(map(str, list(self.args)))
        _children.append((start - START, time.perf_counter() - start, argv))
    return code


@atexit.register
def _show() -> None:
    print(f"{time.perf_counter() - START:6.3f} s in all; import ended at {IMPORTED:.3f} s",
          file=sys.stderr)
    for start, took, argv in _children:
        print(f"  at {start:6.3f} s  {took:6.3f} s  {argv[:110]}", file=sys.stderr)


subprocess.Popen.__init__ = _started  # type: ignore[method-assign]
subprocess.Popen._wait = _waited  # type: ignore[attr-defined]
import publish_checks.frontend.cli  # noqa: E402, F401  (timed: what every command pays)

IMPORTED = time.perf_counter() - START
sys.argv = ["publish-checks", *sys.argv[1:]]
runpy.run_module("publish_checks", run_name="__main__")

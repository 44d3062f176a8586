"""Running real nox on a sample project, for the end-to-end tests."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nox.__main__
import pytest

REPO = Path(__file__).resolve().parents[1]
# Not token-shaped on purpose: only never passing it on, not the redaction regex, keeps
# it out of the output.
CANARY = "canary-" + secrets.token_hex(20)
NOXFILE = f"import sys\nsys.path.insert(0, {str(REPO)!r})\nimport publish_checks.nox\n"


@dataclass(frozen=True)
class Run:
    code: int
    output: str


def run_nox(root: Path, envdir: Path, *args: str, env: dict[str, str] | None = None,
            timeout: float = 600) -> Run:
    """``nox ARGS`` in ``root`` with no terminal; the canary is in its environment, as the PyPI
    token and as TWINE_PASSWORD (the local test index's own password: PYPI_API_KEY never goes
    to a private index)."""
    environ = {**os.environ, "NO_COLOR": "1", "PYPI_API_KEY": CANARY, "TWINE_PASSWORD": CANARY,
               **(env or {})}
    result = subprocess.run(
        [sys.executable, "-m", "nox", "--envdir", str(envdir), *args], cwd=root,
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout,
        env=environ, check=False,
    )
    output = result.stdout + result.stderr
    assert CANARY not in output, "the token leaked into the output"
    return Run(result.returncode, output)


def nox_in_process(monkeypatch: pytest.MonkeyPatch, root: Path, *args: str) -> int:
    """Run nox's real entry point in this process, as `nox ARGS` in ``root``."""
    monkeypatch.chdir(root)
    monkeypatch.setattr(sys, "argv", ["nox", "--noxfile", str(root / "noxfile.py"), *args])
    with pytest.raises(SystemExit) as exit_info:
        nox.__main__.main()
    code = exit_info.value.code
    return code if isinstance(code, int) else 1


def line_of(check: str, output: str) -> str:
    """The report line of ``check``, its spaces collapsed."""
    lines = [" ".join(line.split()) for line in output.splitlines() if f" {check} " in line]
    assert len(lines) == 1, output
    return lines[0]

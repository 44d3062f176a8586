"""What keeps the commands quick: the uv that costs no version manager's shim."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from publish_checks.release import process


def _executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n", "utf-8")
    path.chmod(0o755)
    return path


@pytest.mark.skipif(os.name == "nt", reason="POSIX executables")
def test_the_uv_beside_this_python_comes_before_a_shim_on_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """find_uv takes the uv installed beside the interpreter over the one PATH finds first
    (pyenv's shim on PATH costs a shell per call)."""
    beside = _executable(tmp_path / "venv" / "bin" / "uv")
    _executable(tmp_path / "shims" / "uv")
    monkeypatch.setattr(sys, "executable", str(tmp_path / "venv" / "bin" / "python"))
    monkeypatch.setenv("PATH", str(tmp_path / "shims"))
    assert process.find_uv() == str(beside)


@pytest.mark.skipif(os.name == "nt", reason="POSIX executables")
def test_without_uv_beside_this_python_the_one_on_path_is_used(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no uv beside the interpreter, find_uv falls back to PATH, and to None."""
    on_path = _executable(tmp_path / "shims" / "uv")
    monkeypatch.setattr(sys, "executable", str(tmp_path / "venv" / "bin" / "python"))
    monkeypatch.setenv("PATH", str(tmp_path / "shims"))
    assert process.find_uv() == str(on_path)
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    assert process.find_uv() is None

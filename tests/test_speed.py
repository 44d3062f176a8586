"""What keeps the commands quick: the uv that costs no version manager's shim, and no
second pass over the release's archives."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from publish_checks.checks import context as context_module
from publish_checks.dists.inventory import Inventory, take_all
from publish_checks.release import process
from publish_checks.release.pipeline import Flags, publish
from tests.builders import SampleProject
from tests.pypiserver import PypiServer
from tests.test_pipeline import SDIST, WHEEL, context, fake, released


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


def test_publish_reads_each_archive_once(project: SampleProject, pypiserver: PypiServer,
                                         tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks' one pass over the archives is the one the plan and the closing lines
    read: publish does not read the release again after its checks (for a 500 MB release
    that pass takes seconds)."""
    passes: list[list[str]] = []

    def counted(jobs: Sequence[tuple[Path, bool]], *args: Any) -> list[Inventory]:
        passes.append(sorted(path.name for path, _ in jobs))
        return take_all(jobs, *args)

    monkeypatch.setattr(context_module, "take_all", counted)
    released(project)
    outcome = publish(fake(tmp_path, pypiserver), context(project, pypiserver), Flags(yes=True))
    assert outcome.served and outcome.report.ok
    assert passes == [sorted([SDIST, WHEEL])]

"""tools: git, a supported Python; twine>=7 and build come from nox or publish-checks."""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
from pathlib import Path

import pytest

from publish_checks import Status
from tests.builders import SampleProject


def bin_dir(tmp_path: Path, nox_script: str | None) -> Path:
    """A PATH holding only git and, when given, a `nox` shell script."""
    path = tmp_path / "bin"
    path.mkdir()
    git = shutil.which("git")
    assert git is not None
    (path / "git").symlink_to(git)
    if nox_script is not None:
        nox = path / "nox"
        nox.write_text(f"#!/bin/sh\n{nox_script}\n", encoding="utf-8")
        nox.chmod(0o755)
    return path


@pytest.fixture
def nox_not_importable(monkeypatch: pytest.MonkeyPatch) -> None:
    """This interpreter has no nox distribution (publish-checks installed with pipx / uv tool)."""
    real = importlib.metadata.version

    def version(name: str) -> str:
        if name == "nox":
            raise importlib.metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(importlib.metadata, "version", version)


def test_installed_nox_passes(project: SampleProject) -> None:
    """nox importable here: tools passes and names its version."""
    result = project.verify().get("tools")
    assert result.status is Status.PASS
    assert f"nox {importlib.metadata.version('nox')}" in result.summary


@pytest.mark.skipif(os.name != "posix", reason="the fake nox is a shell script")
@pytest.mark.usefixtures("nox_not_importable")
@pytest.mark.parametrize("script", ["echo 2025.5.1", "echo 2025.5.1 >&2"],
                         ids=["stdout", "stderr"])
def test_nox_on_path_passes_when_not_importable(project: SampleProject, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                script: str) -> None:
    """A nox on PATH (pipx, uv tool) serves the sessions: pass, naming which one was found."""
    path = bin_dir(tmp_path, script)
    monkeypatch.setenv("PATH", str(path))
    result = project.verify().get("tools")
    assert result.status is Status.PASS, result.summary
    assert f"nox 2025.5.1 ({path / 'nox'})" in result.summary


@pytest.mark.skipif(os.name != "posix", reason="the fake nox is a shell script")
@pytest.mark.usefixtures("nox_not_importable")
def test_broken_nox_on_path_is_not_needed(project: SampleProject, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A nox on PATH that cannot run is not used: publish-checks makes the environments."""
    path = bin_dir(tmp_path, "echo 'bad interpreter' >&2; exit 3")
    monkeypatch.setenv("PATH", str(path))
    result = project.verify().get("tools")
    assert result.status is Status.PASS, result.summary
    assert "nox" not in result.summary
    assert result.summary.endswith("environments made by publish-checks")


@pytest.mark.usefixtures("nox_not_importable")
def test_without_nox_publish_checks_provides_the_tools(project: SampleProject, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither importable nor on PATH: nox is not needed, the publish-checks command makes
    its own virtualenvs for twine and build (SPEC §4 tools)."""
    monkeypatch.setenv("PATH", str(bin_dir(tmp_path, None)))
    result = project.verify().get("tools")
    assert result.status is Status.PASS, result.summary
    assert re.fullmatch(r"Python [\d.]+\S*, git \S+; twine>=7 and build come in (uv|venv) "
                        r"environments made by publish-checks", result.summary), result.summary

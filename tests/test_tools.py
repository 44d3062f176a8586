"""tools: git, a supported Python; twine>=7 and build come from nox or publish-checks."""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import re
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

from publish_checks import Status
from publish_checks.checks import tools
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
    real = tools.installed_version
    monkeypatch.setattr(tools, "installed_version",
                        lambda name: None if name == "nox" else real(name))


def _dist_info(folder: Path, name: str, metadata: str) -> None:
    (folder / name).mkdir(parents=True)
    (folder / name / "METADATA").write_text(metadata, "utf-8")


def test_installed_version_is_what_importlib_metadata_says(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """installed_version answers as importlib.metadata.version for names spelt any way, the
    first folder of sys.path that has the distribution, a METADATA without Version, an
    .egg-info, a zip on sys.path, a distribution not installed and the real nox."""
    first, second = tmp_path / "first", tmp_path / "second"
    _dist_info(first, "Zap_Thing-1.0.dist-info", "Name: zap.thing\nVersion: 1.0\n\nVersion: 9\n")
    _dist_info(second, "zap_thing-2.0.dist-info", "Name: zap-thing\nVersion: 2.0\n")
    _dist_info(second, "bare-3.0.dist-info", "Name: bare\n")
    egg = second / "old.egg-info"
    egg.mkdir()
    (egg / "PKG-INFO").write_text("Name: old\nVersion: 0.5\n", "utf-8")
    archive = tmp_path / "packed.zip"
    with zipfile.ZipFile(archive, "w") as packed:
        packed.writestr("packed-4.0.dist-info/METADATA", "Name: packed\nVersion: 4.0\n")
    for path in ([str(first), str(second), *sys.path], [str(archive), *sys.path]):
        monkeypatch.setattr(sys, "path", path)
        importlib.invalidate_caches()
        for name in ("zap-thing", "Zap.Thing", "ZAP__thing", "bare", "old", "packed", "nox",
                     "not-installed-here"):
            try:
                expected: str | None = importlib.metadata.version(name)
            except importlib.metadata.PackageNotFoundError:
                expected = None
            assert tools.installed_version(name) == expected, name
    assert tools.installed_version("zap-thing") is None  # the zip's sys.path has no such one


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

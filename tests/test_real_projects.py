"""benchmarks/real_projects.py: an sdist becomes the repository its maintainers have."""

from __future__ import annotations

import importlib.util
import io
import subprocess
import sys
import tarfile
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "real_projects.py"


@pytest.fixture(scope="module")
def real_projects() -> ModuleType:
    spec = importlib.util.spec_from_file_location("real_projects", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["real_projects"] = module
    spec.loader.exec_module(module)
    return module


def sdist(path: Path, files: dict[str, str]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"demo-1.2.0/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def git(root: Path, *argv: str) -> str:
    return subprocess.run(["git", *argv], cwd=root, capture_output=True, text=True,
                          check=True).stdout


def test_sdist_becomes_a_tagged_repository_without_the_generated_files(
        real_projects: ModuleType, tmp_path: Path) -> None:
    """PKG-INFO, egg-info and the scm version file stay untracked, a package named build is
    tracked, the noxfile is replaced in its own commit, and the tag is pushed."""
    files = {
        "PKG-INFO": "Metadata-Version: 2.1\n",
        "pyproject.toml": '[tool.hatch.build.hooks.vcs]\nversion-file = "src/demo/_version.py"\n',
        "src/demo/__init__.py": "",
        "src/demo/_version.py": "__version__ = '1.2.0'\n",
        "src/demo/build/__init__.py": "",
        "src/demo.egg-info/PKG-INFO": "",
        "noxfile.py": "theirs\n",
    }
    project = real_projects.Project("demo", "1.2.0", "v{version}", "hatchling", "src")
    (tmp_path / "work").mkdir()
    root = real_projects.make_repository(project, sdist(tmp_path / "demo-1.2.0.tar.gz", files),
                                         tmp_path / "work", tmp_path / "checkout")
    tracked = git(root, "ls-files").split()
    assert "src/demo/build/__init__.py" in tracked
    assert not {"PKG-INFO", "src/demo/_version.py", "src/demo.egg-info/PKG-INFO"} & set(tracked)
    assert git(root, "status", "--porcelain") == ""
    assert git(root, "log", "--format=%s").splitlines() == [
        "adopt publish-checks", "demo 1.2.0 as published on PyPI"]
    assert "import publish_checks.nox" in (root / "noxfile.py").read_text()
    assert "refs/tags/v1.2.0\n" in git(root, "ls-remote", "--tags", "origin")
    assert git(root, "rev-parse", "--abbrev-ref", "main@{upstream}").strip() == "origin/main"


def test_why_names_the_triage_or_says_untriaged(real_projects: ModuleType) -> None:
    """A failing check gets its verdict from TRIAGE; one the triage does not know is
    shown as untriaged with its own summary; a clean row says all checks pass."""
    Outcome, Row = real_projects.Outcome, real_projects.Row
    click = real_projects.Project("click", "8.5.1", "{version}", "flit_core", "src")
    row = Row(click, [Outcome("build", 1, marks={"dists-install": ("✗", "smoke failed"),
                                                 "dists-size": ("!", "big")})])
    text = real_projects.why(row)
    assert "✗ dists-install (build): correct warning (SPEC §3 smoke-test): the private" in text
    assert "! dists-size (build): untriaged: big" in text
    assert real_projects.why(Row(click, [Outcome("build", 0)])) == "all checks ✓"

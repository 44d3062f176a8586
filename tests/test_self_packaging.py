"""publish-checks is its own first user: its sdist and wheel hold exactly what they should."""

from __future__ import annotations

import subprocess
import tarfile
import zipfile
from fnmatch import fnmatch
from pathlib import Path

import pytest

from tests.builders import python_build

pytestmark = pytest.mark.slow  # builds this repository

REPO = Path(__file__).resolve().parents[1]
SDIST_PATTERNS = ("publish_checks/*", "tests/*.py", "docs/*.md", "docs/workflows/*.yml",
                  "CHANGELOG.md", "LICENSE",
                  "MANIFEST.in", "README.md", "VERSION", "noxfile.py", "pyproject.toml")
GENERATED = {"PKG-INFO", "setup.cfg", *(f"publish_checks.egg-info/{name}" for name in (
    "PKG-INFO", "SOURCES.txt", "dependency_links.txt", "entry_points.txt", "requires.txt",
    "top_level.txt"))}


def tracked() -> list[str]:
    return subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True,
                          check=True).stdout.split()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("self-dist")
    python_build(REPO, out)
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return sdist, wheel


def test_wheel_holds_exactly_the_package_and_its_metadata(built: tuple[Path, Path]) -> None:
    """Every tracked file of publish_checks/ and the dist-info, nothing else (no tests, no docs)."""
    _, wheel = built
    version = (REPO / "VERSION").read_text().strip()
    dist_info = f"publish_checks-{version}.dist-info"
    expected = {p for p in tracked() if p.startswith("publish_checks/")} | {
        f"{dist_info}/{name}" for name in ("METADATA", "WHEEL", "RECORD", "entry_points.txt",
                                           "top_level.txt", "licenses/LICENSE")}
    with zipfile.ZipFile(wheel) as zf:
        assert set(zf.namelist()) == expected


def test_sdist_holds_sources_tests_and_docs(built: tuple[Path, Path]) -> None:
    """The sdist can rebuild, test and document the release; no credentials, no stray files."""
    sdist, _ = built
    expected = {p for p in tracked() if any(fnmatch(p, pat) for pat in SDIST_PATTERNS)}
    with tarfile.open(sdist) as tf:
        names = {m.name.split("/", 1)[1] for m in tf.getmembers() if m.isfile()}
    assert names == expected | GENERATED
    assert not any(Path(n).name.startswith(".env") for n in names)

"""version-file and version-consistent: one valid, canonical version, said everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from publish_checks import Status
from publish_checks.project.config import load_config
from publish_checks.project.version import (
    SourceKind,
    declared_version,
    parse_version_text,
    version_problem,
)
from tests.builders import SampleProject

STATIC = '''\
[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "demo-pkg"
version = "{version}"
'''

SCM = '''\
[build-system]
requires = ["setuptools>=77", "setuptools-scm>=8"]
build-backend = "setuptools.build_meta"

[project]
name = "demo-pkg"
dynamic = ["version"]

[tool.setuptools_scm]
'''


def static_project(tmp_path: Path, version: str = "1.2.0") -> SampleProject:
    """The sample project with its version in [project].version and no VERSION file."""
    project = SampleProject.create(tmp_path / "demo")
    project.write("pyproject.toml", STATIC.format(version=version))
    (project.root / "VERSION").unlink()
    project.commit()
    return project


# version-file -----------------------------------------------------------------------------


def test_version_file_passes(project: SampleProject) -> None:
    """A VERSION file holding one canonical version passes and says it."""
    result = project.verify().get("version-file")
    assert result.status is Status.PASS
    assert result.summary == "VERSION says 1.2.0"


@pytest.mark.parametrize(("content", "canonical"), [
    ("1.2.0-rc1\n", "1.2.0rc1"), ("v1.2\n", "1.2"), ("1.2.0.RC1\n", "1.2.0rc1"),
    ("1.2.0-post1\n", "1.2.0.post1"),
])
def test_non_canonical_version_fails_with_the_canonical_spelling(
        project: SampleProject, content: str, canonical: str) -> None:
    """A valid but non-canonical version fails and the fix spells the canonical form."""
    project.write("VERSION", content)
    result = project.verify().get("version-file")
    assert result.status is Status.FAIL
    assert "not canonical" in result.summary
    assert f"'{canonical}'" in result.hint


@pytest.mark.parametrize(("data", "expected"), [
    (b"one.two\n", "'one.two' is not a PEP 440 version"),
    (b"", "VERSION is empty"),
    (b"\n  \n", "VERSION is empty"),
    (b"1.2.0\n1.3.0\n", "VERSION holds 2 lines"),
    (b"\xef\xbb\xbf1.2.0\n", "byte-order mark"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "VERSION is not a text file"),
    (b"1.2.0\x00\x00\x00", "VERSION is not a text file"),
    (b"1.2.0 caf\xe9\n", "VERSION is not UTF-8 text"),
], ids=["invalid", "empty", "blank", "two-lines", "bom", "binary", "nul", "latin-1"])
def test_unusable_version_file_fails(project: SampleProject, data: bytes, expected: str) -> None:
    """Invalid, empty, multi-line, BOM-prefixed and binary VERSION files fail and say why."""
    (project.root / "VERSION").write_bytes(data)
    report = project.verify()
    result = report.get("version-file")
    assert result.status is Status.FAIL
    assert expected in result.summary
    assert result.hint
    assert report.version is None


def test_crlf_version_file_passes(project: SampleProject) -> None:
    """A VERSION saved with Windows line ends is still one version."""
    (project.root / "VERSION").write_bytes(b"1.2.0\r\n")
    assert project.verify().get("version-file").status is Status.PASS


def test_project_version_is_the_source_without_a_version_file(tmp_path: Path) -> None:
    """Without VERSION, [project].version is the version source."""
    project = static_project(tmp_path)
    report = project.verify()
    assert report.get("version-file").summary == "[project].version says 1.2.0"
    assert report.version == "1.2.0"


def test_non_canonical_project_version_fails(tmp_path: Path) -> None:
    """[project].version is held to the same canonical-form rule."""
    project = static_project(tmp_path, "1.2.0-beta2")
    result = project.verify().get("version-file")
    assert result.status is Status.FAIL
    assert "[project].version" in result.summary
    assert "'1.2.0b2'" in result.hint


def test_missing_project_version_fails(tmp_path: Path) -> None:
    """A [project] table with neither version nor dynamic version cannot be built: fail."""
    project = static_project(tmp_path)
    project.write("pyproject.toml", STATIC.replace('version = "{version}"\n', ""))
    result = project.verify().get("version-file")
    assert result.status is Status.FAIL
    assert "not in [project].dynamic" in result.summary


def test_dynamic_version_without_dists_skips(tmp_path: Path) -> None:
    """A setuptools-scm version is only known after a build: skip, never fail."""
    project = static_project(tmp_path)
    project.write("pyproject.toml", SCM)
    project.commit()
    report = project.verify()
    result = report.get("version-file")
    assert result.status is Status.SKIP
    assert "setuptools-scm" in result.summary
    assert "nox -s build" in result.summary
    assert report.get("version-consistent").status is Status.SKIP
    assert not any(r.status is Status.FAIL for r in report.checks
                   if r.id.startswith(("version", "changelog", "git")))


def test_dynamic_version_is_read_from_the_dists(tmp_path: Path) -> None:
    """With built dists, a dynamic version is the dists' version."""
    project = static_project(tmp_path)
    project.write("pyproject.toml", SCM)
    project.touch_dist("demo_pkg-1.2.0-py3-none-any.whl")
    project.touch_dist("demo_pkg-1.2.0.tar.gz")
    report = project.verify()
    assert report.version == "1.2.0"
    assert report.get("version-file").status is Status.PASS
    assert "the built dists say 1.2.0" in report.get("version-file").summary


def test_setup_py_only_project_is_dynamic(tmp_path: Path) -> None:
    """A project with only setup.py has a version known from its dists: skip."""
    project = static_project(tmp_path)
    (project.root / "pyproject.toml").unlink()
    project.write("setup.py", "from setuptools import setup\nsetup(name='demo-pkg')\n")
    result = project.verify().get("version-file")
    assert result.status is Status.SKIP
    assert "setup.py" in result.summary


def test_pyproject_without_project_table_is_dynamic(tmp_path: Path) -> None:
    """A pyproject.toml holding only [build-system] (metadata in setup.py/cfg) is not a failure."""
    project = static_project(tmp_path)
    project.write("pyproject.toml", STATIC.split("[project]")[0])
    project.write("setup.py", "from setuptools import setup\nsetup(name='demo-pkg')\n")
    result = project.verify().get("version-file")
    assert result.status is Status.SKIP
    assert "nox -s build" in result.summary


def test_configured_version_file_is_read(tmp_path: Path) -> None:
    """version-file in [tool.publish-checks] names the file holding the version."""
    project = SampleProject.create(tmp_path / "demo", extra_config=(
        '\n[tool.publish-checks]\nversion-file = "src/VERSION.txt"\n'))
    project.write("src/VERSION.txt", "1.2.0\n")
    project.write("VERSION", "9.9.9\n")
    project.commit()
    result = project.verify().get("version-file")
    assert result.summary == "src/VERSION.txt says 1.2.0"


def test_configured_version_file_missing_fails(tmp_path: Path) -> None:
    """A configured version file that does not exist fails, naming it."""
    project = SampleProject.create(tmp_path / "demo", extra_config=(
        '\n[tool.publish-checks]\nversion-file = "RELEASE"\n'))
    project.commit()
    result = project.verify().get("version-file")
    assert result.status is Status.FAIL
    assert result.summary.startswith("RELEASE does not exist")


@pytest.mark.parametrize(("text", "expected"), [
    ("1.2.0\n", ("1.2.0", "")),
    ("  1.2.0  \n\n", ("1.2.0", "")),
    ("", (None, "is empty")),
    ("\ufeff1.2.0", (None, "starts with a byte-order mark (save it as UTF-8 without BOM)")),
])
def test_parse_version_text(text: str, expected: tuple[str | None, str]) -> None:
    """The version file's text gives one stripped version, or what is wrong with it."""
    assert parse_version_text(text)[:2] == expected


@pytest.mark.parametrize(("raw", "problem"), [
    ("1.2.0", ""), ("1.2.0rc1", ""), ("2!1.0.post1.dev3", ""), ("1.0+local.1", ""),
    ("1.2.0-rc1", "'1.2.0-rc1' is not canonical: write '1.2.0rc1'"),
    ("nope", "'nope' is not a PEP 440 version"),
])
def test_check_version(raw: str, problem: str) -> None:
    """version_problem accepts canonical PEP 440 versions and explains everything else."""
    assert version_problem(raw) == (problem or None)


def test_declared_version_prefers_version_file_over_project_version(tmp_path: Path) -> None:
    """VERSION wins over [project].version when both exist (SPEC §3)."""
    project = static_project(tmp_path, "1.0.0")
    project.write("VERSION", "1.2.0\n")
    source = declared_version(load_config(project.root))
    assert (source.label, source.raw) == ("VERSION", "1.2.0")


# version-consistent -----------------------------------------------------------------------


def test_version_file_and_dunder_version_agree(project: SampleProject) -> None:
    """VERSION and the package's __version__ saying the same version pass."""
    result = project.verify().get("version-consistent")
    assert result.status is Status.PASS
    assert "__version__ in demo_pkg/__init__.py" in result.summary


def test_dunder_version_mismatch_fails(project: SampleProject) -> None:
    """A __version__ that differs from VERSION fails and names both."""
    project.write("demo_pkg/__init__.py", '__version__ = "1.1.0"\n')
    result = project.verify().get("version-consistent")
    assert result.status is Status.FAIL
    assert "VERSION says 1.2.0" in result.summary
    assert "__version__ in demo_pkg/__init__.py says 1.1.0" in result.summary
    assert "nox -s bump" in result.hint


def test_src_layout_dunder_version_is_found(project: SampleProject) -> None:
    """__version__ is found under src/ too, including an annotated assignment."""
    (project.root / "demo_pkg" / "__init__.py").unlink()
    project.write("src/demo_pkg/__init__.py", '__version__: str = "1.0.0"\n')
    result = project.verify().get("version-consistent")
    assert result.status is Status.FAIL
    assert "__version__ in src/demo_pkg/__init__.py says 1.0.0" in result.summary


def test_computed_dunder_version_is_not_compared(project: SampleProject) -> None:
    """A __version__ read from metadata at import time is not a literal: nothing to compare."""
    project.write("demo_pkg/__init__.py",
                  'import importlib.metadata\n'
                  '__version__ = importlib.metadata.version("demo-pkg")\n')
    result = project.verify().get("version-consistent")
    assert result.status is Status.PASS
    assert result.summary == "only VERSION declares a version (1.2.0)"


def test_version_file_and_project_version_mismatch_fails(tmp_path: Path) -> None:
    """VERSION and [project].version must agree when both are present."""
    project = static_project(tmp_path, "1.1.0")
    project.write("VERSION", "1.2.0\n")
    project.write("demo_pkg/__init__.py", '"""No version here."""\n')
    result = project.verify().get("version-consistent")
    assert result.status is Status.FAIL
    assert "[project].version says 1.1.0" in result.summary


def test_equal_but_differently_spelt_versions_agree(project: SampleProject) -> None:
    """Versions are compared as PEP 440 versions: 1.2.0 and 1.2 are the same release."""
    project.write("demo_pkg/__init__.py", '__version__ = "1.2"\n')
    assert project.verify().get("version-consistent").status is Status.PASS


def test_dists_of_another_version_only_fail_with_build_hint(project: SampleProject) -> None:
    """dist/ holding only an older build fails and says to rebuild."""
    project.touch_dist("demo_pkg-1.1.0-py3-none-any.whl")
    project.touch_dist("demo_pkg-1.1.0.tar.gz")
    result = project.verify().get("version-consistent")
    assert result.status is Status.FAIL
    assert "dist/ says 1.1.0" in result.summary
    assert result.hint == "rebuild: nox -s build"


def test_dists_of_this_version_agree(project: SampleProject) -> None:
    """dist/ holding this version's files joins the agreeing sources."""
    project.touch_dist("demo_pkg-1.2.0-py3-none-any.whl")
    project.touch_dist("demo_pkg-1.1.0-py3-none-any.whl")  # stale: dists-stale's business
    result = project.verify().get("version-consistent")
    assert result.status is Status.PASS
    assert "dist/" in result.summary


def test_invalid_version_makes_version_consistent_skip(project: SampleProject) -> None:
    """Without a valid version there is nothing to compare: skip and point at version-file."""
    project.write("VERSION", "not-a-version\n")
    result = project.verify().get("version-consistent")
    assert result.status is Status.SKIP
    assert "version-file" in result.summary


# dynamic versions a build backend reads from a file -----------------------------------------

HATCH = '''\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "demo-pkg"
dynamic = ["version"]

[tool.hatch.version]
path = "src/demo_pkg/__about__.py"
'''

SETUPTOOLS_DYNAMIC = '''\
[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "demo-pkg"
dynamic = ["version"]

[tool.setuptools.dynamic]
version = {spec}
'''

FLIT = '''\
[build-system]
requires = ["flit_core>=3.4"]
build-backend = "flit_core.buildapi"

[project]
name = "demo-pkg"
dynamic = ["version", "description"]
'''

# (pyproject.toml, the file holding the version, its text, the label version-file shows)
BACKEND_FILES = {
    "hatch-dunder": (HATCH, "src/demo_pkg/__about__.py", '__version__ = "0.5.0"\n'),
    "hatch-VERSION-v-prefix": (HATCH, "src/demo_pkg/__about__.py", "VERSION = 'v0.5.0'\n"),
    "hatch-pattern": (HATCH + "pattern = \"BUILD = 'b(?P<version>[^']+)'\"\n",
                      "src/demo_pkg/__about__.py", "BUILD = 'b0.5.0'\n"),
    "setuptools-attr": (SETUPTOOLS_DYNAMIC.format(
        spec='{attr = "demo_pkg.__about__.__version__"}'),
        "src/demo_pkg/__about__.py", '"""About."""\n__version__: str = "0.5.0"\n'),
    "setuptools-attr-package": (SETUPTOOLS_DYNAMIC.format(spec='{attr = "demo_pkg.VERSION"}'),
                                "demo_pkg/__init__.py", 'VERSION = "0.5.0"\n'),
    "setuptools-file": (SETUPTOOLS_DYNAMIC.format(spec='{file = "src/demo_pkg/VERSION.txt"}'),
                        "src/demo_pkg/VERSION.txt", "0.5.0\n"),
    "flit": (FLIT, "demo_pkg/__init__.py", '"""Demo."""\n__version__ = "0.5.0"\n'),
}


def backend_project(tmp_path: Path, case: str) -> tuple[SampleProject, str]:
    """A project whose version 0.5.0 lives where its build backend reads it; no VERSION."""
    pyproject, path, text = BACKEND_FILES[case]
    project = SampleProject.create(tmp_path / "demo", version="0.5.0")
    (project.root / "VERSION").unlink()
    project.write("demo_pkg/__init__.py", '"""Demo."""\n')
    project.write("pyproject.toml", pyproject)
    project.write(path, text)
    project.commit()
    return project, path


@pytest.mark.parametrize("case", list(BACKEND_FILES))
def test_backend_version_file_is_the_version_source(tmp_path: Path, case: str) -> None:
    """A dynamic version held as a literal in a file is read, named and validated."""
    project, path = backend_project(tmp_path, case)
    report = project.verify()
    result = report.get("version-file")
    assert result.status is Status.PASS, result.summary
    assert result.summary == f"{path} says 0.5.0"
    assert report.version == "0.5.0"


@pytest.mark.parametrize("case", list(BACKEND_FILES))
def test_stale_dists_against_a_backend_version_file_fail(tmp_path: Path, case: str) -> None:
    """dist/ built at 0.4.0 while the backend's file says 0.5.0 fails: rebuild."""
    project, path = backend_project(tmp_path, case)
    project.touch_dist("demo_pkg-0.4.0-py3-none-any.whl")
    project.touch_dist("demo_pkg-0.4.0.tar.gz")
    result = project.verify().get("version-consistent")
    assert result.status is Status.FAIL
    assert result.summary == f"{path} says 0.5.0, but dist/ says 0.4.0"
    assert result.hint == "rebuild: nox -s build"


def test_backend_version_file_and_dunder_version_disagree(tmp_path: Path) -> None:
    """hatch's __about__.py and a literal __version__ in __init__.py must agree."""
    project, _ = backend_project(tmp_path, "hatch-dunder")
    project.write("src/demo_pkg/__init__.py", '__version__ = "0.4.0"\n')
    result = project.verify().get("version-consistent")
    assert result.status is Status.FAIL
    assert "__version__ in src/demo_pkg/__init__.py says 0.4.0" in result.summary


def test_flit_module_is_one_source_not_two(tmp_path: Path) -> None:
    """flit's __version__ is the version source; it is not listed again as __version__."""
    project, _ = backend_project(tmp_path, "flit")
    project.touch_dist("demo_pkg-0.5.0-py3-none-any.whl")
    result = project.verify().get("version-consistent")
    assert result.status is Status.PASS
    assert result.summary == "demo_pkg/__init__.py, dist/ agree on 0.5.0"


@pytest.mark.parametrize(("text", "expected"), [
    ('__version__ = "0.5.0-rc1"\n', "'0.5.0-rc1' is not canonical: write '0.5.0rc1'"),
    ("__version__ = get_version()\n", "has no version hatch can read"),
], ids=["non-canonical", "computed"])
def test_unusable_hatch_version_file_fails(tmp_path: Path, text: str, expected: str) -> None:
    """hatch cannot build (or builds a non-canonical version) from this file: fail, naming it."""
    project, path = backend_project(tmp_path, "hatch-dunder")
    project.write(path, text)
    project.touch_dist("demo_pkg-0.5.0-py3-none-any.whl")
    report = project.verify()
    result = report.get("version-file")
    assert result.status is Status.FAIL
    assert result.summary.startswith("src/demo_pkg/__about__.py")
    assert expected in result.summary
    assert report.get("version-consistent").status is Status.SKIP


def test_missing_hatch_version_file_fails(tmp_path: Path) -> None:
    """[tool.hatch.version] path naming a file that does not exist cannot build: fail."""
    project, path = backend_project(tmp_path, "hatch-dunder")
    (project.root / path).unlink()
    result = project.verify().get("version-file")
    assert result.status is Status.FAIL
    assert result.summary == "src/demo_pkg/__about__.py does not exist"


@pytest.mark.parametrize(("pyproject", "label"), [
    (HATCH.replace('path = "src/demo_pkg/__about__.py"', 'source = "vcs"'), "hatch-vcs"),
    (SETUPTOOLS_DYNAMIC.format(spec='{attr = "demo_pkg.__about__.__version__"}'),
     "demo_pkg.__about__.__version__"),
], ids=["hatch-vcs", "computed-attr"])
def test_version_only_known_from_dists_is_not_a_failure(tmp_path: Path, pyproject: str,
                                                        label: str) -> None:
    """hatch-vcs, or an attr: whose value is computed, is read from the dists: skip."""
    project, path = backend_project(tmp_path, "hatch-dunder")
    project.write("pyproject.toml", pyproject)
    project.write(path, "from ._build import __version__\n")
    result = project.verify().get("version-file")
    assert result.status is Status.SKIP
    assert label in result.summary
    assert "nox -s build" in result.summary


def test_a_version_of_thousands_of_digits_fails_briefly(tmp_path: Path) -> None:
    """A 5,000-digit VERSION (past Python's int digit limit) is a short failure, not a crash,
    and the report does not echo it whole."""
    project = SampleProject.create(tmp_path / "demo")
    project.write("VERSION", "1" * 5000 + "\n")
    project.write("CHANGELOG.md", "# Changelog\n\n## " + "2" * 5000 + "\n\n- huge\n")
    project.commit()
    report = project.verify()
    result = report.get("version-file")
    assert result.status is Status.FAIL
    assert result.summary == f"VERSION: {'1' * 80!r}… (5000 characters) is not a PEP 440 version"
    assert len(result.hint) < 200
    assert report.get("changelog-entry").status is Status.SKIP


# versions read where other backends and config files put them (issue 8) -------------------

HATCH_BARE = HATCH.split("[tool.hatch.version]")[0]
SETUPTOOLS_BARE = STATIC.split("[project]")[0]  # [build-system] only: metadata in setup.cfg
PDM = '''\
[build-system]
requires = ["pdm-backend"]
build-backend = "pdm.backend"

[project]
name = "demo-pkg"
dynamic = ["version"]

'''
POETRY = '''\
[build-system]
requires = ["poetry-core>=1.0.0"]
build-backend = "poetry.core.masonry.api"

[tool.poetry]
name = "demo-pkg"
version = "{version}"
description = "Demo."
authors = ["A <a@example.org>"]

[tool.poetry.dependencies]
python = ">=3.10"

[tool.poetry.dependencies.demo-plugin]
version = "{version}"
optional = true
'''
POETRY_2 = '''\
[build-system]
requires = ["poetry-core>=2.0"]
build-backend = "poetry.core.masonry.api"

[project]
name = "demo-pkg"
dynamic = ["version"]

[tool.poetry]
version = "0.5.0"
'''
SETUP_CFG = "[metadata]\nname = demo-pkg\nversion = {version}\n\n[options]\npackages = find:\n"
ABOUT = '"""About."""\n__version__ = "0.5.0"\n'

# Real layouts: (files written, files removed, the label version-file names, the kind).
CONFIG_SOURCES = {
    "hatch.toml": ({"pyproject.toml": HATCH_BARE,
                    "hatch.toml": '[version]\npath = "src/demo_pkg/__about__.py"\n',
                    "src/demo_pkg/__about__.py": ABOUT}, (),
                   "src/demo_pkg/__about__.py", SourceKind.LITERAL),
    "hatch.toml-over-pyproject": ({"pyproject.toml": HATCH.replace("src/", "old/"),
                                   "hatch.toml": '[version]\npath = "src/demo_pkg/__about__.py"\n',
                                   "src/demo_pkg/__about__.py": ABOUT}, (),
                                  "src/demo_pkg/__about__.py", SourceKind.LITERAL),
    "setup.cfg-attr-src": ({"pyproject.toml": SETUPTOOLS_BARE,
                            "setup.cfg": SETUP_CFG.format(version="attr: demo_pkg.__version__")
                            + "package_dir =\n    =src\n",
                            "src/demo_pkg/__init__.py": ABOUT}, (),
                           "src/demo_pkg/__init__.py", SourceKind.LITERAL),
    "setup.cfg-file-no-pyproject": ({"setup.cfg": SETUP_CFG.format(version="file: RELEASE.txt"),
                                     "setup.py": "from setuptools import setup\nsetup()\n",
                                     "RELEASE.txt": "0.5.0\n"}, ("pyproject.toml",),
                                    "RELEASE.txt", SourceKind.FILE),
    "setup.cfg-literal": ({"pyproject.toml": SETUPTOOLS_BARE,
                           "setup.cfg": SETUP_CFG.format(version="0.5.0")}, (),
                          "[metadata] version in setup.cfg", SourceKind.CONFIG),
    "setup.cfg-under-project-dynamic": ({"pyproject.toml": STATIC.replace(
        'version = "{version}"', 'dynamic = ["version"]'),
        "setup.cfg": SETUP_CFG.format(version="attr: demo_pkg.__about__.__version__"),
        "demo_pkg/__about__.py": ABOUT}, (), "demo_pkg/__about__.py", SourceKind.LITERAL),
    "pdm-file": ({"pyproject.toml": PDM + '[tool.pdm.version]\nsource = "file"\n'
                  'path = "src/demo_pkg/__init__.py"\n',
                  "src/demo_pkg/__init__.py": '__version__ = "0.5.0"  # the release\n'}, (),
                 "src/demo_pkg/__init__.py", SourceKind.LITERAL),
    "pdm-inline-pattern": ({"pyproject.toml": PDM + '[tool.pdm]\nversion = { source = "file", '
                            'path = "demo_pkg/_build.py", pattern = "BUILD = \'(.+)\'" }\n',
                            "demo_pkg/_build.py": "BUILD = '0.5.0'\n"}, (),
                           "demo_pkg/_build.py", SourceKind.LITERAL),
    "poetry": ({"pyproject.toml": POETRY.format(version="0.5.0")}, (),
               "[tool.poetry].version", SourceKind.CONFIG),
    "poetry-2-dynamic": ({"pyproject.toml": POETRY_2}, (),
                         "[tool.poetry].version", SourceKind.CONFIG),
}


def config_project(tmp_path: Path, files: dict[str, str],
                   removed: tuple[str, ...] = ()) -> SampleProject:
    """The sample project at 0.5.0 without VERSION or __version__, with ``files`` written."""
    project = SampleProject.create(tmp_path / "demo", version="0.5.0")
    for name in ("VERSION", *removed):
        (project.root / name).unlink()
    project.write("demo_pkg/__init__.py", '"""Demo."""\n')
    for name, text in files.items():
        project.write(name, text)
    project.commit()
    return project


@pytest.mark.parametrize("case", list(CONFIG_SOURCES))
def test_version_is_read_where_the_backend_reads_it(tmp_path: Path, case: str) -> None:
    """hatch.toml, setup.cfg (attr:, file:, a literal), pdm-backend's file and poetry's
    [tool.poetry] are each the version source, named, of the right kind, and consistent."""
    files, removed, label, kind = CONFIG_SOURCES[case]
    project = config_project(tmp_path, files, removed)
    source = declared_version(load_config(project.root))
    assert (source.label, source.raw, source.kind) == (label, "0.5.0", kind)
    report = project.verify()
    assert report.version == "0.5.0"
    assert report.get("version-file").summary == f"{label} says 0.5.0"
    assert report.get("version-file").status is Status.PASS
    assert report.get("version-consistent").status is Status.PASS


@pytest.mark.parametrize("case", list(CONFIG_SOURCES))
def test_dists_of_another_version_disagree_with_the_backend_source(tmp_path: Path,
                                                                   case: str) -> None:
    """dist/ built at 0.4.0 against any of those sources saying 0.5.0 fails: rebuild
    (the project's name comes from [tool.poetry] or setup.cfg where [project] is absent)."""
    files, removed, label, _ = CONFIG_SOURCES[case]
    project = config_project(tmp_path, files, removed)
    project.touch_dist("demo_pkg-0.4.0-py3-none-any.whl")
    project.touch_dist("demo_pkg-0.4.0.tar.gz")
    result = project.verify().get("version-consistent")
    assert result.status is Status.FAIL
    assert result.summary == f"{label} says 0.5.0, but dist/ says 0.4.0"
    assert result.hint == "rebuild: nox -s build"


@pytest.mark.parametrize(("files", "label"), [
    ({"pyproject.toml": POETRY.format(version="0.5.0-rc1")}, "[tool.poetry].version"),
    ({"pyproject.toml": SETUPTOOLS_BARE, "setup.cfg": SETUP_CFG.format(version="0.5.0-rc1")},
     "[metadata] version in setup.cfg"),
], ids=["poetry", "setup.cfg"])
def test_non_canonical_version_in_a_backend_table_fails(tmp_path: Path, files: dict[str, str],
                                                        label: str) -> None:
    """A version in [tool.poetry] or setup.cfg is held to the canonical-form rule too."""
    result = config_project(tmp_path, files).verify().get("version-file")
    assert result.status is Status.FAIL
    assert result.summary == f"{label}: '0.5.0-rc1' is not canonical: write '0.5.0rc1'"
    assert result.hint == f"write '0.5.0rc1' in {label}"


@pytest.mark.parametrize(("files", "summary", "hint"), [
    ({"pyproject.toml": HATCH_BARE, "hatch.toml": "[version\npath = 'x.py'\n"},
     "hatch.toml cannot be parsed: ", "fix hatch.toml: hatchling cannot build with it either"),
    ({"pyproject.toml": SETUPTOOLS_BARE, "setup.cfg": "version = 0.5.0\n"},
     "setup.cfg cannot be parsed: File contains no section headers.",
     "fix setup.cfg: setuptools cannot build with it either"),
], ids=["hatch.toml", "setup.cfg"])
def test_unparsable_backend_configuration_fails(tmp_path: Path, files: dict[str, str],
                                                summary: str, hint: str) -> None:
    """A hatch.toml or setup.cfg the backend cannot parse fails version-file with its fix."""
    result = config_project(tmp_path, files).verify().get("version-file")
    assert result.status is Status.FAIL
    assert result.summary.startswith(summary)
    assert result.hint == hint


PDV = POETRY.format(version="0.0.0") + "\n[tool.poetry-dynamic-versioning]\nenable = true\n"
# Versions from git tags: (files, the label version-file names).
VCS_SOURCES = {
    "pdm-scm": ({"pyproject.toml": PDM + '[tool.pdm.version]\nsource = "scm"\n'},
                "dynamic (pdm-backend's scm source)"),
    "poetry-dynamic-versioning": ({"pyproject.toml": PDV.replace(
        '"poetry-core>=1.0.0"', '"poetry-core>=1.0.0", "poetry-dynamic-versioning>=1,<2"').replace(
        "poetry.core.masonry.api", "poetry_dynamic_versioning.backend"),
        "demo_pkg/__init__.py": '__version__ = "0.0.0"\n'}, "dynamic (poetry-dynamic-versioning)"),
    "hatch.toml-vcs": ({"pyproject.toml": HATCH_BARE.replace('"hatchling"', '"hatchling", '
                                                             '"hatch-vcs"'),
                        "hatch.toml": '[version]\nsource = "vcs"\n'}, "dynamic (hatch-vcs)"),
}


@pytest.mark.parametrize("case", list(VCS_SOURCES))
def test_versions_from_git_tags_are_read_from_the_dists(tmp_path: Path, case: str) -> None:
    """pdm-backend's scm source, poetry-dynamic-versioning and hatch.toml's vcs source skip
    without dists and take the dists' version with them; poetry-dynamic-versioning's
    documented __version__ = "0.0.0" placeholder is not a disagreement."""
    files, label = VCS_SOURCES[case]
    project = config_project(tmp_path, files)
    assert declared_version(load_config(project.root)).kind is SourceKind.VCS
    result = project.verify().get("version-file")
    assert result.status is Status.SKIP
    assert result.summary == f"version is {label}: it is read from the built dists " \
                             "(run nox -s build)"
    project.touch_dist("demo_pkg-0.5.0-py3-none-any.whl")
    project.touch_dist("demo_pkg-0.5.0.tar.gz")
    report = project.verify()
    assert report.version == "0.5.0"
    assert report.get("version-file").summary == f"version is {label}; the built dists say 0.5.0"
    assert report.get("version-consistent").summary == f"{label}, dist/ agree on 0.5.0"


def test_a_placeholder_version_without_poetry_dynamic_versioning_disagrees(
        tmp_path: Path) -> None:
    """With setuptools-scm nothing rewrites __version__ = "0.0.0": it ships as is, so it fails."""
    project = config_project(tmp_path, {"pyproject.toml": SCM,
                                        "demo_pkg/__init__.py": '__version__ = "0.0.0"\n'})
    project.touch_dist("demo_pkg-0.5.0-py3-none-any.whl")
    result = project.verify().get("version-consistent")
    assert result.status is Status.FAIL
    assert "__version__ in demo_pkg/__init__.py says 0.0.0" in result.summary

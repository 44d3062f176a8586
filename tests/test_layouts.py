"""dists-contents finds a wheel's git-tracked files the way its build backend does: every
layout kind read from its settings (built from text), then real nox builds of a
single-module flit project and a setup.py ``package_dir`` project."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from publish_checks.checks import dists
from publish_checks.checks.report import Finding, Status
from publish_checks.dists.traced import ProjectFiles, wheel_units
from publish_checks.project.layout import load_layout
from publish_checks.project.packages import Source
from publish_checks.project.setup_py import Find, read_setup_py
from tests.builders import SampleProject
from tests.distbuilders import make_sdist, make_wheel
from tests.e2e import NOXFILE, run_nox

STEM = "demo_pkg-1.2.0"
SETUPTOOLS = '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'


def backend(name: str, extra: str = "", project: str = "demo-pkg") -> str:
    return (f'[build-system]\nrequires = ["x"]\nbuild-backend = "{name}"\n\n'
            f'[project]\nname = "{project}"\nversion = "1.2.0"\n{extra}')


def trace(root: Path, config: dict[str, str], tracked: list[str],
          wheel: list[str]) -> dict[str, str]:
    """The files a wheel of ``wheel`` members must hold: path in the wheel → in git."""
    for name, text in config.items():
        (root / name).write_text(text, encoding="utf-8")
    files = ProjectFiles(tracked, load_layout(root))
    return files.trace(wheel_units(wheel, STEM)).files


PYYAML_SETUP = """\
import sys
from setuptools import setup, Extension
NAME = 'PyYAML'
if __name__ == '__main__':
    setup(
        name=NAME,
        package_dir={'': 'lib'},
        packages=['yaml', '_yaml'],
        ext_modules=[Extension('yaml._yaml', ['yaml/_yaml.pyx'])],
    )
"""
PYYAML_TRACKED = ["setup.py", "yaml/_yaml.pyx", "yaml/__init__.pxd", "lib/yaml/__init__.py",
                  "lib/yaml/scanner.py", "lib/_yaml/__init__.py", "examples/yaml/demo.py"]

LAYOUTS = [
    pytest.param({"pyproject.toml": SETUPTOOLS + '[tool.setuptools]\npy-modules = ["six"]\n'},
                 ["six.py", "test_six.py"], ["six.py"], {"six.py": "six.py"},
                 id="setuptools-py-modules"),
    pytest.param({"setup.cfg": "[options]\npy_modules = pycodestyle\npackage_dir =\n    =lib\n"},
                 ["lib/pycodestyle.py", "testing/x.py"], ["pycodestyle.py"],
                 {"pycodestyle.py": "lib/pycodestyle.py"}, id="setup.cfg-py_modules"),
    pytest.param({"setup.py": PYYAML_SETUP}, PYYAML_TRACKED,
                 ["yaml/__init__.py", "yaml/scanner.py", "_yaml/__init__.py"],
                 {"yaml/__init__.py": "lib/yaml/__init__.py",
                  "yaml/scanner.py": "lib/yaml/scanner.py",
                  "_yaml/__init__.py": "lib/_yaml/__init__.py"}, id="setup.py-package_dir"),
    pytest.param({"setup.py": "from setuptools import setup, find_packages\n"
                              "setup(packages=find_packages('src', exclude=['*.tests']),\n"
                              "      package_dir={'': 'src'})\n"},
                 ["src/pkg/__init__.py", "src/pkg/data.json", "src/pkg/tests/__init__.py"],
                 ["pkg/__init__.py"],
                 {"pkg/__init__.py": "src/pkg/__init__.py", "pkg/data.json": "src/pkg/data.json"},
                 id="setup.py-find_packages-exclude"),
    pytest.param({"setup.cfg": "[options]\npackages = find:\npackage_dir =\n    =src\n\n"
                               "[options.packages.find]\nwhere = src\n"},
                 ["src/flake8/__init__.py", "src/flake8/main/cli.py", "tests/test_x.py"],
                 ["flake8/__init__.py", "flake8/main/cli.py"],
                 {"flake8/__init__.py": "src/flake8/__init__.py",
                  "flake8/main/cli.py": "src/flake8/main/cli.py"}, id="setup.cfg-find-src"),
    pytest.param({"setup.cfg": "[options]\npackages = mock\n"},
                 ["mock/__init__.py", "mock/mock.py", "mock/tests/__init__.py",
                  "mock/tests/testmock.py"], ["mock/__init__.py", "mock/mock.py"],
                 {"mock/__init__.py": "mock/__init__.py", "mock/mock.py": "mock/mock.py"},
                 id="setup.cfg-packages-tests-left-out"),
    pytest.param({"pyproject.toml": SETUPTOOLS},
                 ["jaraco/functools/__init__.py", "jaraco/functools/py.typed", "conftest.py"],
                 ["jaraco/functools/__init__.py", "jaraco/functools/py.typed"],
                 {"jaraco/functools/__init__.py": "jaraco/functools/__init__.py",
                  "jaraco/functools/py.typed": "jaraco/functools/py.typed"},
                 id="setuptools-namespace-pep420"),
    pytest.param({"pyproject.toml": backend("flit_core.buildapi", project="typing_extensions")},
                 ["src/typing_extensions.py", "src/test_typing_extensions.py"],
                 ["typing_extensions.py"],
                 {"typing_extensions.py": "src/typing_extensions.py"}, id="flit-single-module"),
    pytest.param({"pyproject.toml": backend(
                     "flit_core.buildapi", '\n[tool.flit.module]\nname = "sphinxcontrib.help"\n',
                     project="sphinxcontrib-help")},
                 ["sphinxcontrib/help/__init__.py", "sphinxcontrib/help/locale/x.mo"],
                 ["sphinxcontrib/help/__init__.py", "sphinxcontrib/help/locale/x.mo"],
                 {"sphinxcontrib/help/__init__.py": "sphinxcontrib/help/__init__.py",
                  "sphinxcontrib/help/locale/x.mo": "sphinxcontrib/help/locale/x.mo"},
                 id="flit-namespace-module"),
    pytest.param({"pyproject.toml": backend(
                     "hatchling.build",
                     '\n[tool.hatch.build.targets.wheel]\npackages = ["src/attr", "src/attrs"]\n')},
                 ["src/attr/__init__.py", "src/attrs/__init__.py", "src/attrs/py.typed"],
                 ["attr/__init__.py", "attrs/__init__.py", "attrs/py.typed"],
                 {"attr/__init__.py": "src/attr/__init__.py",
                  "attrs/__init__.py": "src/attrs/__init__.py",
                  "attrs/py.typed": "src/attrs/py.typed"}, id="hatch-packages"),
    pytest.param({"pyproject.toml": backend(
                     "hatchling.build",
                     '\n[tool.hatch.build.targets.wheel]\nonly-include = ["src"]\n'
                     'sources = ["src"]\n')},
                 ["src/black/__init__.py", "src/blib2to3/Grammar.txt", "src/_black_version.py",
                  "profiling/x.py"],
                 ["black/__init__.py", "blib2to3/Grammar.txt", "_black_version.py"],
                 {"black/__init__.py": "src/black/__init__.py",
                  "blib2to3/Grammar.txt": "src/blib2to3/Grammar.txt",
                  "_black_version.py": "src/_black_version.py"}, id="hatch-only-include"),
    pytest.param({"pyproject.toml": backend(
                     "pdm.backend", '\n[tool.pdm.build]\npackage-dir = "src"\n'
                                    'includes = ["src/unearth", "src/extra.py"]\n')},
                 ["src/unearth/__init__.py", "src/extra.py"], ["unearth/__init__.py", "extra.py"],
                 {"unearth/__init__.py": "src/unearth/__init__.py", "extra.py": "src/extra.py"},
                 id="pdm-package-dir-includes"),
    pytest.param({"pyproject.toml": backend(
                     "pdm.backend",
                     '\n[tool.pdm.build]\npackage-dir = "src"\nincludes = ["src"]\n')},
                 ["src/pdm/backend/__init__.py", "src/pdm/backend/_vendor/x.py"],
                 ["pdm/backend/__init__.py", "pdm/backend/_vendor/x.py"],
                 {"pdm/backend/__init__.py": "src/pdm/backend/__init__.py",
                  "pdm/backend/_vendor/x.py": "src/pdm/backend/_vendor/x.py"},
                 id="pdm-includes-the-package-dir"),
    pytest.param({"pyproject.toml": backend(
                     "hatchling.build",
                     '\n[tool.hatch.build.targets.wheel.sources]\n"lib/code" = "renamed"\n')},
                 ["lib/code/__init__.py", "lib/code/util.py"], ["renamed/__init__.py"],
                 {"renamed/__init__.py": "lib/code/__init__.py",
                  "renamed/util.py": "lib/code/util.py"}, id="hatch-sources-renamed"),
    pytest.param({"pyproject.toml": backend(
                     "poetry.core.masonry.api",
                     '\n[tool.poetry]\npackages = [{include = "kit", from = "lib"}, '
                     '{include = "tests", format = "sdist"}]\n')},
                 ["lib/kit/__init__.py", "lib/kit/api.py", "tests/test_api.py"],
                 ["kit/__init__.py", "kit/api.py"],
                 {"kit/__init__.py": "lib/kit/__init__.py", "kit/api.py": "lib/kit/api.py"},
                 id="poetry-packages-from"),
    pytest.param({"pyproject.toml": backend(
                     "maturin", '\n[tool.maturin]\npython-source = "python"\n'
                                'module-name = "fastpkg._core"\n', project="fastpkg")},
                 ["python/fastpkg/__init__.py", "python/fastpkg/py.typed", "src/lib.rs"],
                 ["fastpkg/__init__.py", "fastpkg/py.typed",
                  "fastpkg/_core.cpython-312-x86_64-linux-gnu.so"],
                 {"fastpkg/__init__.py": "python/fastpkg/__init__.py",
                  "fastpkg/py.typed": "python/fastpkg/py.typed"}, id="maturin-mixed"),
    pytest.param({"pyproject.toml": backend(
                     "scikit_build_core.build",
                     '\n[tool.scikit-build]\nwheel.packages = ["python/skpkg"]\n')},
                 ["python/skpkg/__init__.py", "src/ext.cpp"],
                 ["skpkg/__init__.py", "skpkg/_ext.abi3.so"],
                 {"skpkg/__init__.py": "python/skpkg/__init__.py"}, id="scikit-build-packages"),
    pytest.param({"pyproject.toml": backend("whatever.backend")},
                 ["code/lib/thing/__init__.py", "code/lib/thing/util.py", "docs/thing/index.md"],
                 ["thing/__init__.py", "thing/util.py"],
                 {"thing/__init__.py": "code/lib/thing/__init__.py",
                  "thing/util.py": "code/lib/thing/util.py"}, id="unknown-layout-traced-back"),
]


@pytest.mark.parametrize(("config", "tracked", "wheel", "expected"), LAYOUTS)
def test_each_layout_finds_the_files_its_backend_ships(
        tmp_path: Path, config: dict[str, str], tracked: list[str], wheel: list[str],
        expected: dict[str, str]) -> None:
    """Each backend's settings (or, where none say, the wheel's own names traced back to
    git) give exactly the git-tracked files the wheel must hold."""
    assert trace(tmp_path, config, tracked, wheel) == expected


@pytest.mark.parametrize(("config", "tracked", "expected"), [
    pytest.param({"pyproject.toml": backend("flit_core.buildapi", project="typing_extensions")},
                 ["src/typing_extensions.py"], {"typing_extensions.py": "src/typing_extensions.py"},
                 id="flit"),
    pytest.param({"setup.py": PYYAML_SETUP}, PYYAML_TRACKED,
                 {"yaml/__init__.py": "lib/yaml/__init__.py",
                  "yaml/scanner.py": "lib/yaml/scanner.py",
                  "_yaml/__init__.py": "lib/_yaml/__init__.py"}, id="setup.py"),
    pytest.param({"pyproject.toml": SETUPTOOLS + '[tool.setuptools]\npy-modules = ["six"]\n'},
                 ["six.py"], {"six.py": "six.py"}, id="py-modules"),
    pytest.param({"pyproject.toml": backend("poetry.core.masonry.api",
                                            '\n[tool.poetry]\npackages = [{include = "m.py"}]\n')},
                 ["m.py"], {"m.py": "m.py"}, id="poetry-module"),
])
def test_what_the_backend_is_told_to_ship_is_required_even_when_the_wheel_lacks_it(
        tmp_path: Path, config: dict[str, str], tracked: list[str],
        expected: dict[str, str]) -> None:
    """A declared module or package git tracks is required of a wheel that holds nothing."""
    assert trace(tmp_path, config, tracked, []) == expected


def test_a_forgotten_subpackage_is_still_required(tmp_path: Path) -> None:
    """packages = ["pkg"] without "pkg.sub": the wheel lacks pkg/sub, which git tracks."""
    found = trace(tmp_path, {"setup.cfg": "[options]\npackages = pkg\n"},
                  ["pkg/__init__.py", "pkg/sub/__init__.py", "pkg/sub/mod.py"],
                  ["pkg/__init__.py"])
    assert found == {"pkg/__init__.py": "pkg/__init__.py",
                     "pkg/sub/__init__.py": "pkg/sub/__init__.py",
                     "pkg/sub/mod.py": "pkg/sub/mod.py"}


def test_a_tests_package_the_wheel_does_ship_is_required_whole(tmp_path: Path) -> None:
    """A test suite the wheel holds part of is compared like any other folder."""
    found = trace(tmp_path, {}, ["pkg/__init__.py", "pkg/tests/__init__.py",
                                 "pkg/tests/data.json"],
                  ["pkg/__init__.py", "pkg/tests/__init__.py"])
    assert "pkg/tests/data.json" in found


def test_setup_py_is_read_without_running_it(tmp_path: Path) -> None:
    """setup(**options) with names bound once, find_namespace_packages(where=...), and a
    computed value that is left out; the file's own code never runs."""
    (tmp_path / "setup.py").write_text(
        "import setuptools\nraise SystemExit('never run')\n"
        "DIRS = {'': 'lib'}\nopts = dict(zip('ab', 'cd'))\n"
        "options = {'package_dir': DIRS, 'py_modules': ['one', 'two']}\n"
        "setuptools.setup(packages=setuptools.find_namespace_packages(where='lib'), "
        "**options)\n", encoding="utf-8")
    read = read_setup_py(tmp_path)
    assert (read.package_dir, read.packages, read.py_modules) == (
        {"": "lib"}, Find(("lib",)), ("one", "two"))
    (tmp_path / "setup.py").write_text("setup(packages=PACKAGES)\nsetup(\n", encoding="utf-8")
    assert read_setup_py(tmp_path).packages is None


def test_settings_of_another_backend_are_not_read(tmp_path: Path) -> None:
    """[tool.poetry] packages in a hatchling project declare nothing."""
    (tmp_path / "pyproject.toml").write_text(backend(
        "hatchling.build", '\n[tool.poetry]\npackages = [{include = "old"}]\n'), encoding="utf-8")
    assert load_layout(tmp_path).sources == ()
    (tmp_path / "pyproject.toml").write_text(backend(
        "flit_core.buildapi", "", project="my-mod"), encoding="utf-8")
    assert Source("my_mod.py", "src/my_mod.py", True) in load_layout(tmp_path).sources


# --- a check that compares nothing says so ---------------------------------------------

def contents(project: SampleProject, files: dict[str, str], tag: str = "py3-none-any",
             sdist: dict[str, str] | None = None) -> Finding:
    make_wheel(project.root / "dist", files=files, tag=tag)
    make_sdist(project.root / "dist", files=sdist)
    finding: Finding = dists.dists_contents(project.context())
    return finding


def test_a_wheel_that_installs_nothing_warns(project: SampleProject) -> None:
    """A wheel without any module or package compared nothing: a warning, never a pass."""
    finding = contents(project, {})
    assert finding.status is Status.WARN, finding
    assert finding.summary == ("demo_pkg-1.2.0-py3-none-any.whl installs no module or "
                               "package: nothing in it was compared with git")
    assert "metapackage" in finding.hint


def test_a_wheel_whose_modules_git_does_not_track_warns(project: SampleProject) -> None:
    """Modules no tracked file matches (generated, or never committed) compare nothing."""
    finding = contents(project, {"generated/__init__.py": "", "made.py": ""})
    assert finding.status is Status.WARN, finding
    assert finding.summary == ("demo_pkg-1.2.0-py3-none-any.whl: git tracks no file of what "
                               "it installs (generated, made.py): nothing in it was compared "
                               "with git")
    assert "git ls-files" in finding.hint


def test_a_wheel_of_only_a_compiled_module_says_so(project: SampleProject) -> None:
    """A compiled extension alone has nothing copied from git: the pass names the module,
    and the sdist is compared with the sources in src/."""
    project.write("src/lib.rs", "// the extension\n")
    project.commit("rust")
    finding = contents(project, {"fast.cpython-312-x86_64-linux-gnu.so": "\0"},
                       tag="cp312-cp312-manylinux_2_17_x86_64",
                       sdist={"src/lib.rs": "// the extension\n"})
    assert finding.status is Status.PASS, finding
    assert ("installs only compiled module (fast.cpython-312-x86_64-linux-gnu.so): git tracks "
            "no file copied into it; demo_pkg-1.2.0.tar.gz holds the 1 git-tracked source "
            "file") in finding.summary


def test_the_single_module_of_a_flit_project_is_counted(tmp_path: Path) -> None:
    """A flit single module in src/ is the one file compared, and its absence fails."""
    project = SampleProject.create(tmp_path / "demo")
    project.write("pyproject.toml", backend("flit_core.buildapi"))
    (project.root / "demo_pkg" / "__init__.py").unlink()
    (project.root / "demo_pkg" / "core.py").unlink()
    project.write("src/demo_pkg.py", '"""Demo."""\n__version__ = "1.2.0"\n')
    project.commit("single module")
    module = '"""Demo."""\n__version__ = "1.2.0"\n'
    sdist = {"src/demo_pkg.py": module, "pyproject.toml": backend("flit_core.buildapi")}
    finding = contents(project, {"demo_pkg.py": module}, sdist=sdist)
    assert finding.status is Status.PASS, finding
    assert ("demo_pkg-1.2.0-py3-none-any.whl matches its RECORD, holds the 1 git-tracked file "
            "of its module; demo_pkg-1.2.0.tar.gz holds the 1 git-tracked source file"
            in finding.summary), finding
    for path in (project.root / "dist").iterdir():
        path.unlink()
    finding = contents(project, {"other.py": ""}, sdist=sdist)
    assert finding.status is Status.FAIL, finding
    assert ("demo_pkg-1.2.0-py3-none-any.whl lacks 1 git-tracked file of its packages: "
            "src/demo_pkg.py") in finding.summary


# --- real nox builds ---------------------------------------------------------------------

FLIT = """\
[build-system]
requires = ["flit_core>=3.11,<4"]
build-backend = "flit_core.buildapi"

[project]
name = "one-mod"
version = "1.2.0"
description = "A single-module demo."
readme = "README.md"
requires-python = ">=3.10"
license = "MIT"
"""
SETUP_PY = """\
from setuptools import setup

if __name__ == "__main__":
    setup(
        name="demo-pkg",
        version="1.2.0",
        description="A demo package for publish-checks tests.",
        long_description=open("README.md").read(),
        long_description_content_type="text/markdown",
        license="MIT",
        package_dir={"": "lib"},
        packages=["demo_pkg"],
    )
"""


def nox_project(root: Path, files: dict[str, str]) -> SampleProject:
    project = SampleProject(root, "demo-pkg" if "setup.py" in files else "one-mod")
    root.mkdir(parents=True)
    project.git("init", "-q", "-b", "main")
    project.write("noxfile.py", NOXFILE)
    project.write("README.md", "# Demo\n\nA demo.\n")
    project.write("CHANGELOG.md", "# Changelog\n\n## [1.2.0] - 2026-01-01\n\n- First.\n")
    project.write(".gitignore", "dist/\n*.egg-info/\n__pycache__/\n")
    for name, text in files.items():
        project.write(name, text)
    project.commit("initial")
    project.git("tag", "-a", "v1.2.0", "-m", "Release 1.2.0")
    return project


def contents_line(output: str) -> str:
    """The dists-contents line of a report: its mark, then its summary."""
    match = re.search(r"^(\S) dists-contents +(.*)$", output, re.MULTILINE)
    assert match, output
    return f"{match.group(1)} {match.group(2)}"


@pytest.mark.e2e
@pytest.mark.skipif(importlib.util.find_spec("nox") is None, reason="nox is not installed")
def test_real_builds_count_a_flit_module_and_a_package_dir_and_fail_a_forgotten_one(
        tmp_path: Path, envdir: Path) -> None:
    """nox -s build of a flit single module (src/one_mod.py) and of a setup.py with
    package_dir = {"": "lib"} names the N files each compared; a subpackage setup.py does
    not list is missing from the wheel, and the build fails naming its files."""
    flit = nox_project(tmp_path / "flit", {
        "pyproject.toml": FLIT, "LICENSE": "MIT\n",
        "src/one_mod.py": '"""A demo."""\n\n__version__ = "1.2.0"\n',
        "src/test_one_mod.py": "def test() -> None:\n    pass\n"})
    run = run_nox(flit.root, envdir, "-s", "build")
    assert run.code == 0, run.output
    assert ("✓ one_mod-1.2.0-py3-none-any.whl matches its RECORD, holds the 1 git-tracked file "
            "of its module; one_mod-1.2.0.tar.gz holds the 1 git-tracked source file"
            in contents_line(run.output)), run.output

    lib = {"setup.py": SETUP_PY, "lib/demo_pkg/__init__.py": '"""Demo."""\n',
           "lib/demo_pkg/core.py": "def answer() -> int:\n    return 42\n",
           "demo_pkg/_speedups.pyx": "# compiled elsewhere: not the package\n"}
    setup = nox_project(tmp_path / "setup", lib)
    run = run_nox(setup.root, envdir, "-s", "build")
    assert run.code == 0, run.output
    assert ("✓ demo_pkg-1.2.0-py3-none-any.whl matches its RECORD, holds the 2 git-tracked files "
            "of its packages; demo_pkg-1.2.0.tar.gz holds the 2 git-tracked source files"
            in contents_line(run.output)), run.output

    forgot = nox_project(tmp_path / "forgot", {**lib, "lib/demo_pkg/sub/__init__.py": "",
                                                "lib/demo_pkg/sub/mod.py": "X = 1\n"})
    run = run_nox(forgot.root, envdir, "-s", "build")
    assert run.code == 1, run.output
    assert contents_line(run.output).startswith(
        "✗ demo_pkg-1.2.0-py3-none-any.whl lacks 2 git-tracked files of its packages: "
        "lib/demo_pkg/sub/__init__.py, lib/demo_pkg/sub/mod.py"), run.output

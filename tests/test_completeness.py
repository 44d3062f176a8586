"""dists-contents proves the dists are complete and dists-stale that they were built from
HEAD: real builds by setuptools and hatchling of sample projects, and wheels built byte by
byte where no backend would write the input."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from publish_checks.checks import dists
from publish_checks.checks.report import Finding, Status
from publish_checks.project.layout import excluded, glob_match
from tests.builders import HATCHLING, SampleProject
from tests.distbuilders import default_files, make_sdist, make_wheel

pytestmark = pytest.mark.skipif(importlib.util.find_spec("build") is None,
                                reason="build is not installed (the tests session installs it)")

WHEEL = "demo_pkg-1.2.0-py3-none-any.whl"
CLI = "def main() -> int:\n    return 0\n"


def sample(tmp_path: Path, extra: str = "", *, hatch: bool = False,
           files: dict[str, str] | None = None) -> SampleProject:
    """The sample project with more files and settings, committed."""
    project = SampleProject.create(tmp_path / "demo", extra_config="" if hatch else extra)
    if hatch:
        project.write("pyproject.toml", HATCHLING.format(extra=extra))
    for name, text in (files or {}).items():
        project.write(name, text)
    project.commit("initial")
    return project


def check(project: SampleProject, which: str) -> Finding:
    finding: Finding = getattr(dists, which)(project.context())
    return finding


def assert_fails(finding: Finding, *fragments: str) -> None:
    assert finding.status is Status.FAIL, finding
    for fragment in fragments:
        assert fragment in finding.summary, finding
    assert "nox -s build" in finding.hint, finding


DATA = {"demo_pkg/templates/page.html": "<p>{{ answer }}</p>\n",
        "demo_pkg/defaults.json": '{"answer": 42}\n'}
NO_PACKAGE_DATA = "\n[tool.setuptools]\ninclude-package-data = false\n"
PACKAGE_DATA = ('\n[tool.setuptools.package-data]\n'
                'demo_pkg = ["templates/*.html", "*.json"]\n')


# --- the wheel holds every tracked file of its packages ---------------------------------

@pytest.mark.slow
def test_package_data_left_out_by_setuptools_fails_naming_the_files(tmp_path: Path) -> None:
    """include-package-data = false leaves tracked templates and JSON out: both dists fail."""
    project = sample(tmp_path, NO_PACKAGE_DATA, files=DATA)
    project.build()
    finding = check(project, "dists_contents")
    assert_fails(finding,
                 f"{WHEEL} lacks 2 git-tracked files of its packages: "
                 "demo_pkg/defaults.json, demo_pkg/templates/page.html",
                 "demo_pkg-1.2.0.tar.gz lacks 2 git-tracked source files: "
                 "demo_pkg/defaults.json, demo_pkg/templates/page.html")
    assert "wheel-exclude" in finding.hint


@pytest.mark.slow
def test_package_data_shipped_by_setuptools_passes(tmp_path: Path) -> None:
    """The same project with its package data declared passes, and says what it compared."""
    project = sample(tmp_path, PACKAGE_DATA, files=DATA)
    project.build()
    finding = check(project, "dists_contents")
    assert finding.status is Status.PASS, finding
    assert f"{WHEEL} matches its RECORD, holds the 4 git-tracked files of its packages" \
        in finding.summary
    assert "tar.gz holds the 4 git-tracked source files, its readme and pyproject.toml" \
        in finding.summary


@pytest.mark.slow
def test_files_in_wheel_exclude_are_not_required(tmp_path: Path) -> None:
    """wheel-exclude globs name tracked files meant to stay out: the build without them passes."""
    exclude = '\n[tool.publish-checks]\nwheel-exclude = ["demo_pkg/templates/**", "*.json"]\n'
    project = sample(tmp_path, NO_PACKAGE_DATA + exclude, files=DATA)
    project.build()
    finding = check(project, "dists_contents")
    assert finding.status is Status.PASS, finding
    assert "holds the 2 git-tracked files of its packages" in finding.summary


@pytest.mark.slow
def test_package_dir_maps_the_package_to_its_folder(tmp_path: Path) -> None:
    """setuptools' package-dir = {"" = "lib"}: the missing file is named by its path in git."""
    layout = ('\n[tool.setuptools]\npackage-dir = {"" = "lib"}\ninclude-package-data = false\n')
    project = SampleProject.create(tmp_path / "demo", extra_config=layout)
    text = project.write("pyproject.toml", (project.root / "pyproject.toml").read_text()
                         .replace('include = ["demo_pkg*"]', 'where = ["lib"]'))
    assert 'where = ["lib"]' in text.read_text()
    (project.root / "lib").mkdir()
    (project.root / "demo_pkg").rename(project.root / "lib" / "demo_pkg")
    project.write("lib/demo_pkg/templates/page.html", "<p></p>\n")
    project.commit("lib layout")
    project.build()
    assert_fails(check(project, "dists_contents"),
                 f"{WHEEL} lacks 1 git-tracked file of its packages: "
                 "lib/demo_pkg/templates/page.html")


@pytest.mark.slow
def test_a_module_excluded_by_hatch_fails(tmp_path: Path) -> None:
    """A hatch exclude that drops a lazily imported module fails, naming the module."""
    files = {"demo_pkg/plugins/__init__.py": "",
             "demo_pkg/plugins/lazy.py": "def load() -> None:\n    pass\n",
             "demo_pkg/core.py": "def answer() -> int:\n    from demo_pkg.plugins import lazy\n"
                                 "    return 42\n"}
    exclude = '\n[tool.hatch.build.targets.wheel]\nexclude = ["demo_pkg/plugins/lazy.py"]\n'
    project = sample(tmp_path, exclude, hatch=True, files=files)
    project.build()
    finding = check(project, "dists_contents")
    assert_fails(finding, f"{WHEEL} lacks 1 git-tracked file of its packages: "
                          "demo_pkg/plugins/lazy.py")
    assert "tar.gz" not in finding.summary  # hatch's sdist has it


@pytest.mark.slow
def test_a_complete_hatch_build_passes(tmp_path: Path) -> None:
    """hatchling ships every tracked file of the package: dists-contents passes."""
    project = sample(tmp_path, hatch=True, files={**DATA, "demo_pkg/plugins/lazy.py": ""})
    project.build()
    finding = check(project, "dists_contents")
    assert finding.status is Status.PASS, finding
    assert "holds the 5 git-tracked files of its packages" in finding.summary


# --- entry points ------------------------------------------------------------------------

@pytest.mark.slow
def test_a_script_naming_a_missing_function_fails(tmp_path: Path) -> None:
    """[project.scripts] demo = "demo_pkg.cli:main" with no main in cli.py fails, named."""
    scripts = '\n[project.scripts]\ndemo = "demo_pkg.cli:main"\n'
    project = sample(tmp_path, scripts, files={"demo_pkg/cli.py": "def run() -> int:\n"
                                                                  "    return 0\n"})
    project.build()
    finding = check(project, "dists_contents")
    assert_fails(finding, f"{WHEEL} has entry points that will not load: demo = "
                          "demo_pkg.cli:main: demo_pkg/cli.py defines no main at its top level")
    assert "[project.scripts]" in finding.hint


@pytest.mark.slow
def test_scripts_naming_defined_functions_pass(tmp_path: Path) -> None:
    """Console and GUI scripts whose functions exist pass, and are counted."""
    scripts = ('\n[project.scripts]\ndemo = "demo_pkg.cli:main"\n'
               '\n[project.gui-scripts]\ndemo-gui = "demo_pkg:answer"\n')
    project = sample(tmp_path, scripts, files={
        "demo_pkg/cli.py": CLI,
        "demo_pkg/__init__.py": '"""Demo."""\n\nfrom demo_pkg.core import answer\n\n'
                                '__version__ = "1.2.0"\n'})
    project.build()
    finding = check(project, "dists_contents")
    assert finding.status is Status.PASS, finding
    assert "checked 2 entry points" in finding.summary


def _wheel_with_entry_points(project: SampleProject, module: str, points: str,
                             metadata_extra: str = "") -> None:
    dist_info = "demo_pkg-1.2.0.dist-info"
    files = {**default_files(), "demo_pkg/cli.py": module,
             f"{dist_info}/entry_points.txt": f"[console_scripts]\n{points}\n"}
    make_wheel(project.root / "dist", files=files, metadata_extra=metadata_extra)
    make_sdist(project.root / "dist")


DEFINED = [
    "def main(): pass",
    "async def main(): pass",
    "class main: pass",
    "main = print",
    "main: object = print",
    "first, (second, main) = 1, (2, print)",
    "*rest, main = [1, print]",
    "from os import getcwd as main",
    "import os.path as main",
    "try:\n    from fast import main\nexcept ImportError:\n    def main(): pass",
    "import sys\nif sys.platform == 'win32':\n    main = print",
    "with open(__file__) as main: pass",
    "for main in [print]: pass",
    "if (main := print): pass",
    "def setup():\n    global main\n    main = print",
    "def __getattr__(name):\n    return print",  # any name may exist: not decided
    "from os.path import *",
    "globals()['main'] = print",
    "import sys\nsys.modules[__name__] = object()",
    "setattr(__import__(__name__), 'main', print)",
]


@pytest.mark.parametrize("module", DEFINED)
def test_a_name_bound_at_top_level_or_undecidable_passes(
        project: SampleProject, module: str) -> None:
    """Every way a module binds a name at its top level counts, in any branch; a module
    that can bind names no parser sees passes rather than fail what cannot be told."""
    _wheel_with_entry_points(project, module + "\n", "demo = demo_pkg.cli:main")
    finding = check(project, "dists_contents")
    assert finding.status is Status.PASS, finding


@pytest.mark.parametrize(("module", "point", "fragment"), [
    ("def run(): pass\n", "demo = demo_pkg.cli:main", "demo_pkg/cli.py defines no main"),
    ("main: object\n", "demo = demo_pkg.cli:main", "defines no main"),
    ("def run():\n    main = 1\n", "demo = demo_pkg.cli:main", "defines no main"),
    ("try:\n    pass\nexcept ImportError as main:\n    pass\n", "demo = demo_pkg.cli:main",
     "defines no main"),
    ("class App: pass\n", "demo = demo_pkg.cli:main.run", "demo_pkg/cli.py defines no main"),
    (CLI, "demo = demo_pkg.missing:main", "demo = demo_pkg.missing:main: the wheel holds no "
                                          "module demo_pkg.missing"),
    (CLI, "demo = demo_pkg.cli", "demo = demo_pkg.cli names no function (a script needs "
                                 "module:function)"),
    ("def main(:\n", "demo = demo_pkg.cli:main", "demo_pkg/cli.py does not parse (invalid "
                                                 "syntax, line 1)"),
])
def test_an_entry_point_that_cannot_load_fails(
        project: SampleProject, module: str, point: str, fragment: str) -> None:
    """A missing module, a name bound only elsewhere, no function at all, or a module that
    does not parse: the entry point fails, named."""
    _wheel_with_entry_points(project, module, point)
    assert_fails(check(project, "dists_contents"), f"{WHEEL} has entry points that will not "
                                                   "load: ", fragment)


def test_extension_modules_submodules_and_newer_syntax_are_not_decided(
        project: SampleProject) -> None:
    """An extension module, a submodule as attribute, and code for a newer Python pass."""
    dist_info = "demo_pkg-1.2.0.dist-info"
    points = ("[console_scripts]\nfast = demo_pkg._speedups:main\nsub = demo_pkg:cli\n"
              "new = demo_pkg.cli:main\n")
    files = {**default_files(), "demo_pkg/_speedups.cpython-311-x86_64-linux-gnu.so": b"\0",
             "demo_pkg/cli.py": "type Alias = int\ndef main[T](): pass\nmatch x:\n case _: y\n"
                                "print 'python 99'\n",
             f"{dist_info}/entry_points.txt": points}
    make_wheel(project.root / "dist", files=files, metadata_extra="Requires-Python: >=99\n")
    make_sdist(project.root / "dist")
    finding = check(project, "dists_contents")
    assert finding.status is Status.PASS, finding
    assert "checked 3 entry points" in finding.summary


# --- the sdist holds the readme, the license files and the build files -------------------

@pytest.mark.slow
def test_an_sdist_without_the_readme_fails(tmp_path: Path) -> None:
    """setup.py reads README.rst, which MANIFEST.in leaves out: the sdist could not build."""
    project = SampleProject.create(tmp_path / "demo")
    (project.root / "pyproject.toml").unlink()
    (project.root / "README.md").unlink()
    project.write("README.rst", "demo\n====\n\nA demo package.\n")
    project.write("setup.py", "from setuptools import setup\n\nsetup(\n"
                              "    name='demo-pkg', version='1.2.0', packages=['demo_pkg'],\n"
                              "    long_description=open('README.rst').read(),\n"
                              "    long_description_content_type='text/x-rst',\n)\n")
    project.write("MANIFEST.in", "exclude README.rst\n")
    project.commit("setup.py only")
    project.build("--sdist")  # a wheel built from this sdist would fail: no README.rst
    project.build("--wheel")
    assert_fails(check(project, "dists_contents"),
                 "demo_pkg-1.2.0.tar.gz lacks the readme README.rst: building from it needs them")
    (project.root / "MANIFEST.in").unlink()
    project.commit("readme in the sdist")
    project.build()
    finding = check(project, "dists_contents")
    assert finding.status is Status.PASS, finding
    assert "its readme and setup.py" in finding.summary


LICENSED = '\nlicense-files = ["LICENSE", "LICENSES/*.txt"]\n'


@pytest.mark.parametrize(("sdist_files", "fragment"), [
    ({"LICENSES/MIT.txt": "MIT\n"}, "lacks the license file LICENSE"),
    ({"LICENSE": "MIT\n"}, "lacks the license file LICENSES/MIT.txt"),
])
def test_an_sdist_without_a_license_file_fails(
        tmp_path: Path, sdist_files: dict[str, str], fragment: str) -> None:
    """Every tracked file [project].license-files matches must be in the sdist (no backend
    leaves one out, so the sdist is built byte by byte)."""
    project = SampleProject.create(tmp_path / "demo")
    text = (project.root / "pyproject.toml").read_text().replace(
        'license = "MIT"\n', f'license = "MIT"{LICENSED}')
    project.write("pyproject.toml", text)
    project.write("LICENSE", "MIT\n")
    project.write("LICENSES/MIT.txt", "MIT\n")
    project.commit("licensed")
    dist = project.root / "dist"
    make_wheel(dist)
    make_sdist(dist, files={**default_files(), **sdist_files, "pyproject.toml": text})
    assert_fails(check(project, "dists_contents"), fragment)
    make_sdist(dist, files={**default_files(), "LICENSE": "MIT\n", "LICENSES/MIT.txt": "MIT\n",
                            "pyproject.toml": text})
    finding = check(project, "dists_contents")
    assert finding.status is Status.PASS, finding
    assert "its readme, 2 license files and pyproject.toml" in finding.summary


def test_the_license_files_pkg_info_names_must_be_in_the_sdist(project: SampleProject) -> None:
    """A License-File in PKG-INFO that the project tracks but the sdist lacks fails."""
    project.write("COPYING", "MIT\n")
    project.commit("license")
    dist = project.root / "dist"
    make_wheel(dist)
    make_sdist(dist, metadata_extra="License-File: COPYING\n")
    assert_fails(check(project, "dists_contents"), "lacks the license file COPYING")
    make_sdist(dist, files={**default_files(), "COPYING": "MIT\n"},
               metadata_extra="License-File: COPYING\n")
    assert check(project, "dists_contents").status is Status.PASS


# --- dists-stale: built from HEAD --------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("hatch", [False, True], ids=["setuptools", "hatchling"])
def test_dists_built_from_head_are_not_stale(tmp_path: Path, hatch: bool) -> None:
    """What setuptools and hatchling write into the sdist themselves (PKG-INFO, egg-info,
    setuptools' setup.cfg) is not staleness: a build from HEAD passes."""
    files = {**DATA, "setup.cfg": "[flake8]\nmax-line-length = 100\n", "LICENSE": "MIT\n"}
    project = sample(tmp_path, "" if hatch else PACKAGE_DATA, hatch=hatch, files=files)
    project.build()
    finding = check(project, "dists_stale")
    assert finding.status is Status.PASS, finding
    assert finding.summary.endswith(", built from HEAD")
    assert check(project, "dists_contents").status is Status.PASS


@pytest.mark.slow
@pytest.mark.parametrize("hatch", [False, True], ids=["setuptools", "hatchling"])
def test_a_commit_after_the_build_makes_the_dists_stale(tmp_path: Path, hatch: bool) -> None:
    """Build, then commit a code change: dists-stale fails naming the file, fix: rebuild."""
    project = sample(tmp_path, hatch=hatch)
    project.build()
    project.write("demo_pkg/core.py", "def answer() -> int:\n    return 43\n")
    project.commit("the real answer")
    finding = check(project, "dists_stale")
    assert finding.status is Status.FAIL, finding
    assert finding.summary == ("the sdist was not built from HEAD: 1 git-tracked file in it "
                               "differs from the last commit: demo_pkg/core.py")
    assert finding.hint == "rebuild from this commit: nox -s build"
    project.build()  # into the same dist/: the same file names, rebuilt from HEAD
    assert check(project, "dists_stale").status is Status.PASS


@pytest.mark.slow
def test_line_endings_of_the_checkout_are_not_staleness(tmp_path: Path) -> None:
    """With core.autocrlf the sdist holds CRLF where git holds LF: not stale, as long as
    the checkout is unchanged; a real change is still found."""
    project = sample(tmp_path)
    project.git("config", "core.autocrlf", "true")
    for path in ("demo_pkg/core.py", "README.md"):
        (project.root / path).unlink()
    project.git("checkout", "--", ".")
    assert b"\r\n" in (project.root / "demo_pkg/core.py").read_bytes()
    project.build()
    finding = check(project, "dists_stale")
    assert finding.status is Status.PASS, finding
    project.write("README.md", "# demo-pkg\n\nA better demo package.\n")
    project.commit("readme")
    assert_fails(check(project, "dists_stale"), "differs from the last commit: README.md")


@pytest.mark.slow
def test_an_sdist_built_from_uncommitted_changes_is_stale(tmp_path: Path) -> None:
    """Built from an edited tree: stale, and the fix is to commit first; with the edit put
    back, the sdist still holds what no commit has."""
    project = sample(tmp_path)
    core = project.root / "demo_pkg/core.py"
    committed = core.read_text()
    core.write_text("def answer() -> int:\n    return 0\n")
    project.build("--sdist")  # the sdist is what dists-stale compares
    finding = check(project, "dists_stale")
    assert_fails(finding, "differs from the last commit: demo_pkg/core.py")
    assert finding.hint == "commit your changes (git-clean lists them), then rebuild: nox -s build"
    core.write_text(committed)
    finding = check(project, "dists_stale")
    assert_fails(finding, "differs from the last commit: demo_pkg/core.py")
    assert finding.hint == "rebuild from this commit: nox -s build"


def test_stale_says_when_git_cannot_compare(project: SampleProject, tmp_path: Path) -> None:
    """Outside a git repository the sdist is not compared, and the summary says so."""
    make_wheel(project.root / "dist")
    make_sdist(project.root / "dist")
    (project.root / ".git").rename(tmp_path / "moved.git")
    finding = check(project, "dists_stale")
    assert finding.status is Status.PASS
    assert finding.summary.endswith("; not compared with git")



def test_stale_warns_when_the_sdist_shares_no_file_with_head(project: SampleProject) -> None:
    """An sdist none of whose files the last commit has compared nothing: a warning, not
    "built from HEAD"."""
    project.git("rm", "-r", "-q", "--cached", ".")
    project.write("NOTES.txt", "only this is committed\n")
    project.git("add", "NOTES.txt")
    project.git("commit", "-q", "-m", "only notes")
    make_wheel(project.root / "dist")
    make_sdist(project.root / "dist")
    finding = check(project, "dists_stale")
    assert finding.status is Status.WARN, finding
    assert finding.summary == ("dist/ holds only demo-pkg 1.2.0, but its sdist holds none of "
                               "the files of the last commit: whether it was built from HEAD "
                               "was not checked")
    assert finding.hint == "rebuild from this commit: nox -s build"

# --- globs --------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "patterns", "expected"), [
    ("demo_pkg/fixtures/big.json", ["fixtures"], True),
    ("demo_pkg/fixtures/big.json", ["demo_pkg/fixtures"], True),
    ("demo_pkg/fixtures/big.json", ["demo_pkg/fixtures/"], True),
    ("demo_pkg/fixtures/big.json", ["demo_pkg/**/*.json"], True),
    ("src/demo_pkg/notes.md", ["*.md"], True),
    ("demo_pkg/fixtures/big.json", ["fixture"], False),
    ("demo_pkg/fixtures/big.json", ["other/fixtures"], False),
    ("demo_pkg/core.py", ["*.json", "fixtures"], False),
])
def test_wheel_exclude_globs_match_like_gitignore(
        path: str, patterns: list[str], expected: bool) -> None:
    """A name without / matches at any depth, a path from the top; a folder, what it holds."""
    assert excluded(path, patterns) is expected


@pytest.mark.parametrize(("path", "pattern", "expected"), [
    ("LICENSE", "LICEN[CS]E*", True),
    ("LICENSES/MIT.txt", "LICENSES/*.txt", True),
    ("LICENSES/a/MIT.txt", "LICENSES/*.txt", False),
    ("LICENSES/a/MIT.txt", "LICENSES/**/*.txt", True),
    ("LICENSES/MIT.txt", "LICENSES/**", True),
    ("docs/LICENSE", "LICENSE", False),
])
def test_license_globs_match_as_pep_639_writes_them(
        path: str, pattern: str, expected: bool) -> None:
    """* and ? stay in one folder, ** crosses folders, [..] is a class."""
    assert glob_match(path, pattern) is expected

"""End to end: dists-install catches a release that builds but does not work, before anything
is uploaded — real build backends (setuptools, hatchling), real nox, the real
``publish-checks`` command, a real pypiserver on 127.0.0.1.

The broken projects are the ones of the issue: a package that reads its template at import
time built with setuptools' ``include-package-data = false``; a hatch ``exclude`` that left
out a module another module imports; ``[project.scripts]`` naming a function that does not
exist. dists-contents is skipped where it would notice first, so that dists-install alone
must stop each one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from publish_checks.release.build import BUILD_FAILED
from tests.builders import HATCHLING, SampleProject
from tests.e2e import CANARY, NOXFILE, Run, run_nox
from tests.pypiserver import PypiServer

pytestmark = pytest.mark.e2e

WHEEL = "demo_pkg-1.2.0-py3-none-any.whl"
SDIST = "demo_pkg-1.2.0.tar.gz"
SKIP_CONTENTS = ("--skip", "dists-contents")
PAGE = "<h1>demo page</h1>\n"
TEMPLATED_INIT = ('"""Demo."""\n\nfrom pathlib import Path\n\n__version__ = "1.2.0"\n'
                  'PAGE = (Path(__file__).parent / "templates" / "page.html")'
                  '.read_text("utf-8")\n')
CLI = "from demo_pkg import PAGE\n\n\ndef main() -> None:\n    print(PAGE.strip())\n"
SCRIPTS = '\n[project.scripts]\ndemo = "demo_pkg.cli:main"\n'


@pytest.fixture
def cache(publish_checks_cache: Path) -> Path:
    """The publish-checks command's tool virtualenvs, made once for this test process."""
    return publish_checks_cache


def adopt(project: SampleProject) -> SampleProject:
    project.write("noxfile.py", NOXFILE)
    project.commit("the release sessions")
    return project


def templated(root: Path, *, include_package_data: bool = True) -> SampleProject:
    """setuptools; the package reads templates/page.html at import time (MANIFEST.in puts it
    in the sdist); a console script prints it and is the configured smoke-test command."""
    extra = "" if include_package_data else "\n[tool.setuptools]\ninclude-package-data = false\n"
    extra += SCRIPTS + '\n[tool.publish-checks]\nsmoke-test = ["demo"]\n'
    project = SampleProject.create(root, extra_config=extra)
    project.write("MANIFEST.in", "recursive-include demo_pkg/templates *.html\n")
    project.write("demo_pkg/templates/page.html", PAGE)
    project.write("demo_pkg/__init__.py", TEMPLATED_INIT)
    project.write("demo_pkg/cli.py", CLI)
    return adopt(project)


def excluded(root: Path, *, exclude: bool = True) -> SampleProject:
    """hatchling; views.py imports templating.py, which the wheel's exclude leaves out
    (``import demo_pkg`` alone still works)."""
    project = SampleProject.create(root)
    project.write("pyproject.toml", HATCHLING.format(
        extra='\n[tool.hatch.build.targets.wheel]\npackages = ["demo_pkg"]\n'
              + ('exclude = ["demo_pkg/templating.py"]\n' if exclude else "")))
    project.write("demo_pkg/views.py", "from demo_pkg.templating import render\n")
    project.write("demo_pkg/templating.py", "def render() -> str:\n    return 'page'\n")
    return adopt(project)


def missing_entry_point(root: Path) -> SampleProject:
    """setuptools; [project.scripts] names demo_pkg.cli:main, but cli.py defines run()."""
    project = SampleProject.create(root, extra_config=SCRIPTS)
    project.write("demo_pkg/cli.py", "def run() -> None:\n    print('demo')\n")
    return adopt(project)


Make = Callable[[Path], SampleProject]
# How to make the project, what dists-install says, the line of the project's own code that
# the end of the error shows (an entry point's AttributeError is raised by importlib alone).
BROKEN: dict[str, tuple[Make, str, str | None]] = {
    "include-package-data-false": (
        lambda root: templated(root, include_package_data=False),
        f"the smoke test failed on {sys.platform}: import demo_pkg failed: FileNotFoundError: "
        "[Errno 2] No such file or directory: '",
        '/site-packages/demo_pkg/__init__.py", line 6, in <module>'),
    "hatch-exclude": (
        excluded,
        f"the smoke test failed on {sys.platform}: import demo_pkg.views failed: "
        "ModuleNotFoundError: No module named 'demo_pkg.templating'",
        '/site-packages/demo_pkg/views.py", line 1, in <module>'),
    "missing-entry-point": (
        missing_entry_point,
        f"the smoke test failed on {sys.platform}: entry point demo = demo_pkg.cli:main failed: "
        "AttributeError: module 'demo_pkg.cli' has no attribute 'main'",
        None),
}


def install_lines(output: str) -> list[str]:
    """The dists-install line of each report in ``output``."""
    return [line for line in output.splitlines() if " dists-install " in line]


def install_line(output: str) -> str:
    """The dists-install line of the one report in ``output``, its spaces collapsed (the
    id column's width depends on the other ids)."""
    lines = install_lines(output)
    assert len(lines) == 1, output
    return " ".join(lines[0].split())


def on_index(index: PypiServer) -> set[str]:
    return {p.name for p in index.packages_dir.iterdir()}


def publish(project: SampleProject, envdir: Path, index: PypiServer, *args: str) -> Run:
    """nox -s publish --yes to the test index, its password given as twine's."""
    url = index.url.replace("http://", f"http://{index.username}@")
    return run_nox(project.root, envdir, "-s", "publish", "--", "--repository", url, "--yes",
                   *args, env={"TWINE_PASSWORD": index.password})


def cli(project: SampleProject, cache: Path, *args: str) -> Run:
    """``python -m publish_checks ARGS`` in the project, with no terminal and no nox."""
    done = subprocess.run(
        [sys.executable, "-m", "publish_checks", *args], cwd=project.root,
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "NO_COLOR": "1", "PYPI_API_KEY": CANARY,
             "PUBLISH_CHECKS_CACHE_DIR": str(cache)})
    output = done.stdout + done.stderr
    assert CANARY not in output
    return Run(done.returncode, output)


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_release_fails_the_build_and_is_never_uploaded(
        case: str, tmp_path: Path, envdir: Path, pypiserver: PypiServer) -> None:
    """nox -s build fails on dists-install, naming what failed; and dists built some other
    way (no failed-build marker) are refused by publish before the upload."""
    make, failure, frame = BROKEN[case]
    project = make(tmp_path / "demo")
    build = run_nox(project.root, envdir, "-s", "build", "--", *SKIP_CONTENTS)
    assert build.code != 0, build.output
    line = install_line(build.output)
    assert line.startswith("✗ dists-install") and f"{WHEEL} installs, but {failure}" in line
    assert "the error ends:" in build.output and "Traceback" not in build.output
    assert frame is None or frame in build.output, build.output
    # As if built with `python -m build`: the files are there and no marker says they failed.
    (project.root / "dist" / BUILD_FAILED).unlink()
    run = publish(project, envdir, pypiserver, *SKIP_CONTENTS)
    assert run.code != 0, run.output
    assert f"{WHEEL} installs, but {failure}" in install_line(run.output)
    assert "not publishing: 1 check(s) failed; nothing was uploaded" in run.output
    assert "Uploading" not in run.output
    assert on_index(pypiserver) == set()


def test_a_correct_release_with_package_data_and_an_entry_point_builds_and_publishes(
        tmp_path: Path, envdir: Path, pypiserver: PypiServer) -> None:
    """The twin of the broken ones: templates as package data, a console script and a
    smoke-test command pass dists-install in build and publish, and reach the index."""
    project = templated(tmp_path / "demo")
    build = run_nox(project.root, envdir, "-s", "build")
    assert build.code == 0, build.output
    assert install_line(build.output) == (
        f"✓ dists-install {WHEEL} installs into a fresh virtualenv: 3 modules imported, "
        "1 entry point loaded, 1 command run")
    run = publish(project, envdir, pypiserver)
    assert run.code == 0, run.output
    assert "✓ dists-install" in install_line(run.output)
    assert PAGE.strip() in run.output  # the smoke-test command ran after the upload too
    assert on_index(pypiserver) == {WHEEL, SDIST}


def test_a_hatch_project_without_the_exclude_builds(tmp_path: Path, envdir: Path) -> None:
    """The hatch twin: with every module in the wheel, each one imports."""
    project = excluded(tmp_path / "demo", exclude=False)
    build = run_nox(project.root, envdir, "-s", "build")
    assert build.code == 0, build.output
    assert "installs into a fresh virtualenv: 4 modules imported" in install_line(build.output)


def test_rehearse_runs_dists_install_before_the_upload(tmp_path: Path, envdir: Path) -> None:
    """nox -s rehearse of the correct project passes dists-install; of a broken one it stops
    at the build, before its embedded index gets anything."""
    good = templated(tmp_path / "good")
    run = run_nox(good.root, envdir, "-s", "rehearse")
    assert run.code == 0, run.output
    # In the build's dist checks and in publish's checks before the upload.
    assert [line.split()[0] for line in install_lines(run.output)] == ["✓", "✓"]
    assert "Rehearsal passed" in run.output
    broken = missing_entry_point(tmp_path / "broken")
    run = run_nox(broken.root, envdir, "-s", "rehearse", "--", *SKIP_CONTENTS)
    assert run.code != 0
    assert BROKEN["missing-entry-point"][1] in install_line(run.output)
    assert "Upload plan" not in run.output and "Uploading" not in run.output


@pytest.mark.parametrize("broken", [True, False], ids=["broken", "correct"])
def test_the_publish_checks_command_runs_dists_install_in_build(
        tmp_path: Path, cache: Path, broken: bool) -> None:
    """publish-checks build (no nox) fails on a wheel that leaves out a module, with the hint
    naming its own command; the twin passes."""
    project = excluded(tmp_path / "demo", exclude=broken)
    run = cli(project, cache, "build", *SKIP_CONTENTS)
    line = install_line(run.output)
    if broken:
        assert run.code == 1, run.output
        assert BROKEN["hatch-exclude"][1] in line
        assert "then publish-checks build; a module that must not be imported" in run.output
    else:
        assert run.code == 0, run.output
        assert line.startswith("✓ dists-install")


def test_verify_installs_only_when_given_install(tmp_path: Path, cache: Path) -> None:
    """publish-checks verify skips dists-install and names --install; with it, it runs."""
    project = missing_entry_point(tmp_path / "demo")
    assert cli(project, cache, "build", "--skip", "dists-install", *SKIP_CONTENTS).code == 0
    plain = cli(project, cache, "verify", "--offline")
    assert install_line(plain.output) == (
        "– dists-install installs the release only when asked: publish-checks verify "
        "--install (build, publish and rehearse always do)")
    asked = cli(project, cache, "verify", "--offline", "--install")
    assert asked.code == 1  # other checks may fail too: the token is a canary
    assert BROKEN["missing-entry-point"][1] in install_line(asked.output)


@pytest.mark.parametrize("broken", [True, False], ids=["broken", "correct"])
def test_with_no_wheel_the_sdist_is_installed_and_smoke_tested(
        tmp_path: Path, cache: Path, broken: bool) -> None:
    """When no wheel is there to fit, the sdist is installed (built by the installer) and
    its modules are read from the RECORD it installed: the excluded module is still missed."""
    project = excluded(tmp_path / "demo", exclude=broken)
    assert cli(project, cache, "build", "--skip", "dists-install", *SKIP_CONTENTS).code == 0
    (project.root / "dist" / WHEEL).unlink()
    run = cli(project, cache, "verify", "--offline", "--install")
    line = install_line(run.output)
    if broken:
        assert f"{SDIST} installs, but {BROKEN['hatch-exclude'][1]}" in line
    else:
        assert line == (f"✓ dists-install {SDIST} installs into a fresh virtualenv: 4 modules "
                        "imported, 0 entry points loaded")


WINDOWS_ONLY = "import sys\n\nassert sys.platform == 'win32'\n"  # as click._winconsole


def platform_only(root: Path, *, broken: bool) -> SampleProject:
    """setuptools; demo_pkg._win asserts that it runs on Windows (users never import it on
    linux); broken: the public demo_pkg.api imports demo_pkg._settings, which raises."""
    project = SampleProject.create(root)
    project.write("demo_pkg/_win.py", WINDOWS_ONLY)
    if broken:
        project.write("demo_pkg/_settings.py", "raise RuntimeError('the settings are corrupt')\n")
        project.write("demo_pkg/api.py", "from demo_pkg import _settings\n")
    return adopt(project)


@pytest.mark.skipif(sys.platform != "linux", reason="the message names the platform: linux")
def test_a_private_windows_module_warns_and_the_release_builds_and_publishes(
        tmp_path: Path, envdir: Path, pypiserver: PypiServer) -> None:
    """click's case: a private module that asserts it runs on Windows is a warning naming it,
    the platform and smoke-skip-modules; build passes, and publish uploads and proves it."""
    project = platform_only(tmp_path / "demo", broken=False)
    build = run_nox(project.root, envdir, "-s", "build")
    assert build.code == 0, build.output
    assert install_line(build.output) == (
        f"! dists-install {WHEEL} installs into a fresh virtualenv: 3 modules imported, 0 entry "
        "points loaded; 1 module users do not import on linux raises on import: demo_pkg._win "
        "(private; AssertionError: assert sys.platform == 'win32')")
    assert 'smoke-skip-modules = ["demo_pkg._win"]' in build.output
    run = publish(project, envdir, pypiserver)
    assert run.code == 0, run.output
    assert ("Not importable on linux, and not what users import here: demo_pkg._win (private; "
            "AssertionError: assert sys.platform == 'win32')") in run.output
    assert on_index(pypiserver) == {WHEEL, SDIST}


@pytest.mark.skipif(sys.platform == "win32", reason="demo_pkg._win imports on Windows")
def test_a_public_module_failing_through_a_private_one_fails_the_build(
        tmp_path: Path, envdir: Path) -> None:
    """The twin: the public demo_pkg.api fails because the private module it imports raises;
    that is a failure naming both, and no warning excuses the private module."""
    project = platform_only(tmp_path / "demo", broken=True)
    build = run_nox(project.root, envdir, "-s", "build")
    assert build.code != 0, build.output
    line = install_line(build.output)
    assert line.startswith(f"✗ dists-install {WHEEL} installs, but the smoke test failed on "
                           f"{sys.platform}: import demo_pkg.api failed: RuntimeError: the "
                           "settings are corrupt (raised in demo_pkg._settings)"), line
    assert "demo_pkg/_settings.py\", line 1, in <module>" in build.output
    assert "Traceback" not in build.output


# docutils' parsers/commonmark_wrapper, as its own ImportError says what it needs.
COMMONMARK_LIKE = ("raise ImportError('Parsing \"CommonMark\" requires one of the packages\\n'\n"
                   "                  \"('pycmark', 'myst') available at https://pypi.org\")\n")


def test_an_optional_parser_and_a_private_test_suite_do_not_fail_the_build(
        tmp_path: Path, envdir: Path) -> None:
    """A module whose own ImportError says it requires an optional package is listed with
    what needs what the release does not install (not as platform-only), and a private
    _tests package that needs pytest is not imported (trio's): build passes and says so."""
    project = SampleProject.create(tmp_path / "demo")
    project.write("demo_pkg/commonmark.py", COMMONMARK_LIKE)
    project.write("demo_pkg/_tests/__init__.py", "")
    project.write("demo_pkg/_tests/test_api.py", "import pytest\n")
    build = run_nox(adopt(project).root, envdir, "-s", "build")
    assert build.code == 0, build.output
    assert install_line(build.output) == (
        f"! dists-install {WHEEL} installs into a fresh virtualenv: 3 modules imported, 0 entry "
        "points loaded; 1 thing needs what it does not install: import demo_pkg.commonmark "
        "(ImportError: Parsing \"CommonMark\" requires one of the packages ('pycmark', 'myst') "
        "available at https://pypi.org)")
    assert "platform" not in install_line(build.output)
# pyyaml built without libyaml: the package tries its accelerator and goes on without it.
ACCELERATED_INIT = ('"""Demo."""\n\n__version__ = "1.2.0"\n\ntry:\n'
                    "    from demo_pkg.speedups import fast\nexcept ImportError:\n"
                    "    fast = None\n")
NATIVE_MISSING = "ModuleNotFoundError: No module named 'demo_pkg._native'"


@pytest.mark.skipif(sys.platform != "linux", reason="the message names the platform: linux")
@pytest.mark.parametrize("guarded", [True, False], ids=["guarded", "unguarded"])
def test_an_accelerator_built_without_its_extension_warns_only_where_it_is_guarded(
        tmp_path: Path, envdir: Path, guarded: bool) -> None:
    """pyyaml's case: demo_pkg.speedups needs a compiled demo_pkg._native the wheel lacks;
    imported by the package only under try/except ImportError it is an optional module, a
    warning naming the guard, and the build passes; imported plainly by a public module too,
    the build fails naming it."""
    project = SampleProject.create(tmp_path / "demo")
    project.write("demo_pkg/__init__.py", ACCELERATED_INIT)
    project.write("demo_pkg/speedups.py", "from demo_pkg._native import fast\n")
    if not guarded:
        project.write("demo_pkg/api.py", "from demo_pkg.speedups import fast\n")
    build = run_nox(adopt(project).root, envdir, "-s", "build")
    line = install_line(build.output)
    if guarded:
        assert build.code == 0, build.output
        assert line == (
            f"! dists-install {WHEEL} installs into a fresh virtualenv: 3 modules imported, 0 "
            "entry points loaded; 1 optional module does not import on linux, and the release's"
            " own code goes on without it: demo_pkg.speedups (optional: demo_pkg imports it "
            f"under try/except ImportError; {NATIVE_MISSING})")
        assert 'smoke-skip-modules = ["demo_pkg.speedups"]' in build.output
    else:
        assert build.code != 0, build.output
        assert line.startswith(
            f"✗ dists-install {WHEEL} installs, but the smoke test failed on linux: import "
            f"demo_pkg.api failed: {NATIVE_MISSING} (raised in demo_pkg.speedups); import "
            f"demo_pkg.speedups failed: {NATIVE_MISSING}"), line

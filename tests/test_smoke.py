"""The smoke script (publish_checks/release/smoke.py) run for real: a real Python imports the
modules of a real installed distribution (a site folder on PYTHONPATH, its .dist-info
included) and loads its entry points; the failures come back as structured data."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest

from publish_checks.checks import dists
from publish_checks.checks.context import InstallTrial, Unimportable
from publish_checks.checks.report import Finding, Status
from publish_checks.frontend.standalone import StandaloneRunner
from publish_checks.release import smoke
from publish_checks.release.optional_imports import installed_optional_imports
from publish_checks.release.smoke import (
    Failure,
    Smoke,
    importable_modules,
    module_paths,
    smoke_test,
)
from tests.builders import SampleProject
from tests.distbuilders import make_release

CORE = "def main() -> None:\n    print('demo ran')\n"
ENTRY_POINTS = "[console_scripts]\ndemo = demo_pkg.cli:main\n"


def site(tmp_path: Path, files: dict[str, str], entry_points: str = ENTRY_POINTS) -> Path:
    """A folder laid out as site-packages: the files and demo-pkg 1.2.0's .dist-info."""
    root = tmp_path / "site"
    dist_info = {"demo_pkg-1.2.0.dist-info/METADATA":
                 "Metadata-Version: 2.4\nName: demo-pkg\nVersion: 1.2.0\n",
                 "demo_pkg-1.2.0.dist-info/entry_points.txt": entry_points}
    for name, text in {**files, **dist_info}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return root


def run(tmp_path: Path, root: Path, *, skip: tuple[str, ...] = (),
        commands: tuple[tuple[str, ...], ...] = ()) -> Smoke:
    """The smoke test of what ``root`` holds, with this Python and ``root`` on its path; the
    modules its code imports only under a guard found as for a release installed there."""
    files = [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()]
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(root)}
    runner = StandaloneRunner(env, out=io.StringIO(), err=io.StringIO())
    work = tmp_path / "work"
    work.mkdir(parents=True)
    return smoke_test(runner, Path(sys.executable), project="demo-pkg",
                      modules=importable_modules(files, skip), commands=commands, env=env,
                      work=work, optional=installed_optional_imports(root, module_paths(files)))


def test_a_correct_package_imports_and_its_entry_point_loads(tmp_path: Path) -> None:
    """Every module imports and the console script loads: nothing failed, and it says so."""
    root = site(tmp_path, {"demo_pkg/__init__.py": "", "demo_pkg/cli.py": CORE})
    result = run(tmp_path, root)
    assert result.failures == ()
    assert result.tried == "2 modules imported, 1 entry point loaded"
    assert result.problem == "" and result.tail == ""


def test_a_module_that_fails_at_import_is_named_with_its_error_and_where(tmp_path: Path) -> None:
    """A package reading a template that is not there: its import is named with the error's
    last line, the tail shows the line that raised; its submodules and entry points are not
    tried (that one failure is the one to read)."""
    root = site(tmp_path, {
        "demo_pkg/__init__.py": "from pathlib import Path\n"
                                "PAGE = (Path(__file__).parent / 'templates' / 'page.html')"
                                ".read_text()\n",
        "demo_pkg/cli.py": CORE, "other/__init__.py": ""})
    result = run(tmp_path, root)
    page = root / "demo_pkg" / "templates" / "page.html"
    error = f"FileNotFoundError: [Errno 2] No such file or directory: '{page}'"
    (failure,) = result.failures
    assert failure == Failure("import demo_pkg", error, failure.tail)
    assert result.problem == f"the smoke test failed on linux: import demo_pkg failed: {error}"
    assert result.tried == "2 modules imported, 0 entry points loaded"  # demo_pkg, other
    assert result.tail.splitlines()[-1] == error and "read_text()" in result.tail
    assert f'File "{root / "demo_pkg" / "__init__.py"}", line 2, in <module>' in result.tail


def test_an_entry_point_naming_a_missing_function_fails_when_loaded(tmp_path: Path) -> None:
    """[project.scripts] naming a function the module does not define: the module imports,
    loading the entry point fails and names it."""
    root = site(tmp_path, {"demo_pkg/__init__.py": "", "demo_pkg/cli.py": CORE},
                entry_points="[console_scripts]\ndemo = demo_pkg.cli:run\n"
                             "[gui_scripts]\ndemo-gui = demo_pkg.cli:main\n")
    result = run(tmp_path, root)
    (failure,) = result.failures
    assert failure.what == "entry point demo = demo_pkg.cli:run"
    assert failure.error == "AttributeError: module 'demo_pkg.cli' has no attribute 'run'"
    assert result.tried == "2 modules imported, 2 entry points loaded"


def test_a_lazily_imported_module_that_is_missing_fails_when_every_module_is_imported(
        tmp_path: Path) -> None:
    """The package imports, but a module importing a sibling the wheel left out fails."""
    root = site(tmp_path, {"demo_pkg/__init__.py": "", "demo_pkg/cli.py": CORE,
                           "demo_pkg/views.py": "from demo_pkg import templating\n"})
    result = run(tmp_path, root)
    (failure,) = result.failures
    assert failure.what == "import demo_pkg.views"
    assert failure.error == ("ImportError: cannot import name 'templating' from 'demo_pkg' "
                             f"({root / 'demo_pkg' / '__init__.py'})")


def test_skipped_modules_are_not_imported(tmp_path: Path) -> None:
    """smoke-skip-modules keeps an optional backend out of the smoke test."""
    root = site(tmp_path, {"demo_pkg/__init__.py": "", "demo_pkg/cli.py": CORE,
                           "demo_pkg/qt.py": "import PyQt6\n"})
    skipped = run(tmp_path, root, skip=("demo_pkg.qt",))
    assert (skipped.failures, skipped.optional) == ((), ())
    tried = run(tmp_path / "again", root)
    assert tried.failures == ()
    assert tried.optional == ("import demo_pkg.qt (needs PyQt6)",)


def test_private_test_suites_are_not_imported(tmp_path: Path) -> None:
    """trio ships its suites as trio._tests and trio._core._tests (they need pytest): like
    tests/testing/test packages they are left out, not listed as needing pytest; a _test.py
    module is imported (it may be an API)."""
    suite = "import pytest_absent_here\n"
    root = site(tmp_path, {"demo_pkg/__init__.py": "", "demo_pkg/cli.py": CORE,
                           "demo_pkg/_tests/__init__.py": "", "demo_pkg/_tests/test_a.py": suite,
                           "demo_pkg/_core/__init__.py": "",
                           "demo_pkg/_core/_tests/test_b.py": suite,
                           "demo_pkg/_core/_tests/__init__.py": "",
                           "demo_pkg/_testing/__init__.py": suite,
                           "demo_pkg/_test/__init__.py": "", "demo_pkg/_test/run.py": suite,
                           "demo_pkg/_core/_test.py": ""})
    result = run(tmp_path, root)
    assert (result.failures, result.optional, result.unimportable) == ((), (), ())
    assert result.tried == "4 modules imported, 1 entry point loaded"


def test_a_module_that_exits_at_import_is_a_failure(tmp_path: Path) -> None:
    """sys.exit() at import time is reported like any exception, and the run goes on."""
    root = site(tmp_path, {"demo_pkg/__init__.py": "", "demo_pkg/cli.py": CORE,
                           "demo_pkg/bye.py": "import sys\nsys.exit(3)\n"})
    result = run(tmp_path, root)
    assert [(f.what, f.error) for f in result.failures] == [("import demo_pkg.bye",
                                                             "SystemExit: 3")]
    assert result.tried == "3 modules imported, 1 entry point loaded"


def test_a_run_cut_short_names_the_module_it_was_importing(tmp_path: Path) -> None:
    """A module that kills the interpreter: the script ended early, and the module is named."""
    root = site(tmp_path, {"demo_pkg/__init__.py": "", "demo_pkg/cli.py": CORE,
                           "demo_pkg/kill.py": "import os\nos._exit(7)\n"})
    result = run(tmp_path, root)
    (failure,) = result.failures
    assert failure == Failure("the import script",
                              "it ended early (exit status 7) while trying to import "
                              "demo_pkg.kill", "")


def test_a_module_that_hangs_is_stopped_and_named(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the smoke test's time limit the script is stopped; the module it hung in is named."""
    monkeypatch.setattr(smoke, "SMOKE_TIMEOUT", 2.0)
    root = site(tmp_path, {"demo_pkg/__init__.py": "", "demo_pkg/cli.py": CORE,
                           "demo_pkg/slow.py": "import time\ntime.sleep(60)\n"})
    result = run(tmp_path, root)
    (failure,) = result.failures
    assert (failure.what, failure.error) == (
        "the import script", "it stopped after 2 s while trying to import demo_pkg.slow")


def test_the_distribution_must_be_installed_for_its_entry_points(tmp_path: Path) -> None:
    """No installed distribution of that name: said, not silently passed over."""
    root = site(tmp_path, {"demo_pkg/__init__.py": "", "demo_pkg/cli.py": CORE})
    (root / "demo_pkg-1.2.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.4\nName: other-pkg\nVersion: 1.2.0\n", "utf-8")
    (failure,) = run(tmp_path, root).failures
    assert failure.headline == ("finding the distribution demo-pkg failed: "
                                "PackageNotFoundError: not installed")


def test_configured_commands_run_after_the_imports_and_a_failing_one_is_named(
        tmp_path: Path) -> None:
    """Each smoke-test command runs; its output is kept and a non-zero exit is a failure."""
    root = site(tmp_path, {"demo_pkg/__init__.py": "", "demo_pkg/cli.py": CORE})
    result = run(tmp_path, root, commands=(
        (sys.executable, "-c", "print('version 1.2.0')"),
        (sys.executable, "-c", "import sys; sys.exit('no such option')")))
    assert result.output == "version 1.2.0\nno such option"
    (failure,) = result.failures
    assert failure.what.endswith("""-c 'import sys; sys.exit('"'"'no such option'"'"')'`""")
    assert failure.error == "exit status 1" and failure.tail == "no such option\n"
    assert result.tried == "2 modules imported, 1 entry point loaded, 2 commands run"


def test_a_thread_an_import_leaves_running_does_not_hold_the_smoke_test(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A module starting a thread that never ends: everything imports and the script ends
    (it would be stopped at the time limit otherwise, and that is a failure)."""
    monkeypatch.setattr(smoke, "SMOKE_TIMEOUT", 10.0)
    root = site(tmp_path, {"demo_pkg/__init__.py": "", "demo_pkg/cli.py": CORE,
                           "demo_pkg/worker.py": "import threading, time\n"
                           "threading.Thread(target=time.sleep, args=(600,)).start()\n"})
    result = run(tmp_path, root)
    assert result.failures == ()
    assert result.tried == "3 modules imported, 1 entry point loaded"


@pytest.mark.parametrize("layout", ["lib/python3.11/site-packages", "Lib/site-packages"])
def test_an_installed_sdist_lists_its_modules_in_its_record(tmp_path: Path, layout: str) -> None:
    """Installed from an sdist (no wheel fits), the modules come from the RECORD the installer
    wrote, found by the project's normalized name; another project's RECORD is not it."""
    site_packages = tmp_path / "venv" / layout
    for name, rows in (("demo_pkg-1.2.0", "demo_pkg/__init__.py,sha256=x,0\n"
                                          "demo_pkg/core.py,sha256=y,1\n"
                                          "../../../bin/demo,sha256=z,2\n"
                                          "demo_pkg-1.2.0.dist-info/RECORD,,\n"),
                       ("other-2.0", "other/__init__.py,sha256=x,0\n")):
        record = site_packages / f"{name}.dist-info" / "RECORD"
        record.parent.mkdir(parents=True)
        record.write_text(rows, "utf-8")
    paths = smoke.installed_paths(tmp_path / "venv", "demo-pkg")
    assert paths is not None
    assert importable_modules(paths) == ["demo_pkg", "demo_pkg.core"]
    assert smoke.installed_paths(tmp_path / "venv", "missing") is None


DOTENV_LIKE = {
    "demo_pkg/__init__.py": "",
    # python-dotenv's cli: exits when its extra (click) is not installed
    "demo_pkg/cli.py": "import sys\ntry:\n    import click_absent_here\nexcept ImportError:\n"
                       "    sys.exit(1)\n\ndef main() -> None:\n    pass\n",
    # an integration with a tool the release does not depend on
    "demo_pkg/ipython.py": "import IPython_absent_here\n",
}


def test_what_needs_an_uninstalled_module_is_reported_not_failed(tmp_path: Path) -> None:
    """A submodule or an entry point that needs a module neither the release nor its
    required dependencies provide (an extra, an optional integration) is listed apart; the
    release works without it (python-dotenv's cli and ipython modules)."""
    result = run(tmp_path, site(tmp_path, DOTENV_LIKE))
    assert result.failures == ()
    assert result.optional == ("import demo_pkg.cli (needs click_absent_here)",
                               "import demo_pkg.ipython (needs IPython_absent_here)",
                               "entry point demo = demo_pkg.cli:main (needs click_absent_here)")


# docutils' parsers/commonmark_wrapper: tries its optional parsers, then says what it needs.
COMMONMARK_LIKE = """\
Parser = None
for name in ('pycmark_absent', 'myst_absent'):
    try:
        Parser = __import__(name)
    except ImportError:
        continue
if Parser is None:
    raise ImportError('Parsing "CommonMark" requires one of the packages\\n'
                      "('pycmark', 'myst') available at https://pypi.org")
"""
# IPython's external/qt_loaders, which qt_for_kernel imports: a long message on many lines.
QT_LOADERS_LIKE = '''\
def load_qt():
    raise ImportError("""
    Could not load requested Qt binding. Please ensure that
    PyQt5 or PySide6 is available, and only one is imported per session.

    Currently-imported Qt library: None
    PyQt5 available (requires QtCore, QtGui, QtSvg): False
    PySide6 available (requires QtCore, QtGui, QtSvg): False
    """)
'''
GUI = ("raise ImportError('demo gui requires PyQt6: pip install demo-pkg[gui]')\n"
       "def main() -> None:\n    pass\n")


@pytest.mark.parametrize(("files", "optional"), [
    ({"demo_pkg/parsers/__init__.py": "", "demo_pkg/parsers/commonmark.py": COMMONMARK_LIKE},
     ["import demo_pkg.parsers.commonmark (ImportError: Parsing \"CommonMark\" requires one of "
      "the packages ('pycmark', 'myst') available at https://pypi.org)"]),
    ({"demo_pkg/external/__init__.py": "", "demo_pkg/external/qt_loaders.py": QT_LOADERS_LIKE,
      "demo_pkg/external/qt_for_kernel.py": "from demo_pkg.external.qt_loaders import load_qt\n"
                                            "load_qt()\n"},
     ["import demo_pkg.external.qt_for_kernel (ImportError: Could not load requested Qt "
      "binding. Please ensure that PyQt5 or PySide6 is available, and only one is imported "
      "per session.)"]),
    ({"demo_pkg/_yaml.py": "HAS_YAML = False\nif not HAS_YAML:\n"
                           "    raise ImportError(\"No module named 'yaml_absent'\")\n"},
     ["import demo_pkg._yaml (needs yaml_absent)"]),
    ({"demo_pkg/gui.py": GUI},
     ["import demo_pkg.gui (ImportError: demo gui requires PyQt6: pip install demo-pkg[gui])",
      "entry point demo-gui = demo_pkg.gui:main (ImportError: demo gui requires PyQt6: pip "
      "install demo-pkg[gui])"]),
], ids=["own message after trying optional parsers (docutils commonmark_wrapper)",
        "through a public helper, long message (IPython qt_for_kernel)",
        "No module named, raised by the module", "an extra's module and its entry point"])
def test_an_import_error_of_the_modules_own_about_what_it_needs_is_optional(
        tmp_path: Path, files: dict[str, str], optional: list[str]) -> None:
    """A submodule whose own code raises an ImportError saying what it needs (requires,
    install, is available, No module named) is listed with what needs an uninstalled
    module, in its own words (up to its first sentences): not as platform-only, nor as a
    failure; so is an entry point into it."""
    gui = "demo-gui = demo_pkg.gui:main\n" if "demo_pkg/gui.py" in files else ""
    failures, listed, result = judged(tmp_path, files, ENTRY_POINTS + gui)
    assert (failures, listed) == ([], [])
    assert list(result.optional) == optional


@pytest.mark.parametrize(("files", "failed"), [
    ({"demo_pkg/__init__.py": "import yaml_absent_here\n"}, "import demo_pkg"),
    ({"demo_pkg/__init__.py": "raise ImportError('demo-pkg requires yaml_absent: pip install "
                              "it')\n"}, "import demo_pkg"),
    ({"demo_pkg/__init__.py": "", "demo_pkg/views.py": "from demo_pkg import lazy_absent\n"},
     "import demo_pkg.views"),
    ({"demo_pkg/__init__.py": "", "demo_pkg/views.py": "import demo_pkg.lazy_absent\n"},
     "import demo_pkg.views"),
], ids=["top-level needs a dependency", "top-level says it requires a dependency",
        "own module missing (from)", "own module missing"])
def test_a_missing_dependency_or_own_module_still_fails(tmp_path: Path, files: dict[str, str],
                                                        failed: str) -> None:
    """The twins: the top-level package needing an undeclared dependency, or a module of the
    release's own packages that is missing, are failures."""
    result = run(tmp_path, site(tmp_path, {**files, "demo_pkg/cli.py": CORE}))
    assert [f.what for f in result.failures] == [failed]
    assert result.optional == ()


def install_finding(project: SampleProject, trial: InstallTrial) -> Finding:
    """dists-install of the sample release in dist/, its installer answering ``trial``."""
    make_release(project.root / "dist")
    ctx = project.context()
    ctx.install_release = True
    ctx.installer = lambda files: trial
    return dists.dists_install(ctx)


def test_dists_install_warns_for_what_needs_an_extra(project: SampleProject) -> None:
    """dists-install turns what needs an uninstalled module into a warning naming it, with
    the fix; a release whose smoke test found nothing else still counts as working."""
    finding = install_finding(project, InstallTrial(
        "demo_pkg-1.2.0-py3-none-any.whl", installed=True,
        tried="3 modules imported, 1 entry point loaded",
        optional=("import demo_pkg.cli (needs click)",)))
    assert finding.status is Status.WARN
    assert finding.summary == ("demo_pkg-1.2.0-py3-none-any.whl installs into a fresh "
                               "virtualenv: 3 modules imported, 1 entry point loaded; 1 thing "
                               "needs what it does not install: import demo_pkg.cli (needs "
                               "click)")
    assert "smoke-skip-modules" in finding.hint


WINDOWS_ONLY = "import sys\n\nassert sys.platform == 'win32'\n"  # click._winconsole
GUARDED = ("import sys\n\nif sys.platform != 'win32':\n"
           "    raise ImportError('this module can only be imported on Windows')\n")
BROKEN_PRIVATE = "raise RuntimeError('the settings table is corrupt')\n"
# A module whose compiled part the wheel lacks, saying so in its own words.
FRIENDLY = ("try:\n    {}\nexcept ImportError:\n"
            "    raise ImportError('the compiled part is missing: reinstall') from None\n")
WINDOWS_ASSERT = 'AssertionError: assert sys.platform == \'win32\''


def judged(tmp_path: Path, files: dict[str, str], entry_points: str = ENTRY_POINTS
           ) -> tuple[list[str], list[str], Smoke]:
    """The failures' headlines and the unimportable modules of the smoke test of ``files``
    (with demo_pkg/__init__.py and demo_pkg/cli.py unless given)."""
    result = run(tmp_path, site(tmp_path, {"demo_pkg/__init__.py": "", "demo_pkg/cli.py": CORE,
                                           **files}, entry_points))
    return [f.headline for f in result.failures], [str(u) for u in result.unimportable], result


@pytest.mark.skipif(sys.platform == "win32", reason="the guarded modules are for Windows")
@pytest.mark.parametrize(("files", "unimportable"), [
    ({"demo_pkg/_winconsole.py": WINDOWS_ONLY},
     [f"demo_pkg._winconsole (private; {WINDOWS_ASSERT})"]),
    ({"demo_pkg/_win.py": GUARDED},
     ["demo_pkg._win (private; ImportError: this module can only be imported on Windows)"]),
    ({"demo_pkg/_data.py": "open('/nonexistent/table.csv')\n"},
     ["demo_pkg._data (private; FileNotFoundError: [Errno 2] No such file or directory: "
      "'/nonexistent/table.csv')"]),
    ({"demo_pkg/_backends/__init__.py": "", "demo_pkg/_backends/qt.py": WINDOWS_ONLY},
     [f"demo_pkg._backends.qt (private; {WINDOWS_ASSERT})"]),
    ({"_demo_stub/__init__.py": "raise ModuleNotFoundError(\"No module named '_demo_stub'\")\n"},
     ["_demo_stub (private; ModuleNotFoundError: No module named '_demo_stub')"]),
    ({"demo_pkg/utils.py": "", "demo_pkg/_utils.py": "from demo_pkg.utils import _gone\n"},
     ["demo_pkg._utils (private; ImportError: cannot import name '_gone' from 'demo_pkg.utils' "
      "({utils}))"]),
    ({"demo_pkg/win32.py": WINDOWS_ONLY}, [f"demo_pkg.win32 (platform-only; {WINDOWS_ASSERT})"]),
    ({"demo_pkg/windows.py": GUARDED},
     ["demo_pkg.windows (platform-only; ImportError: this module can only be imported on "
      "Windows)"]),
    ({"demo_pkg/console.py": "import msvcrt\n"},
     ["demo_pkg.console (platform-only; ModuleNotFoundError: No module named 'msvcrt')"]),
    ({"demo_pkg/kernel.py": "from ctypes import windll\n"},
     ["demo_pkg.kernel (platform-only; ImportError: cannot import name 'windll' from 'ctypes' "
      f"({Path(__import__('ctypes').__file__)}))"]),
    ({"demo_pkg/iokit.py": "import ctypes\n"
                           "ctypes.cdll.LoadLibrary('/System/Library/Frameworks/IOKit.framework/"
                           "IOKit')\n"},
     ["demo_pkg.iokit (platform-only; OSError: /System/Library/Frameworks/IOKit.framework/IOKit:"
      " cannot open shared object file: No such file or directory)"]),
    ({"demo_pkg/_winapi.py": "import builtins\nclass Error(builtins.WindowsError):\n    pass\n",
      "demo_pkg/win_pageant.py": "from demo_pkg import _winapi\n"},
     ["demo_pkg._winapi (private; AttributeError: module 'builtins' has no attribute "
      "'WindowsError')",
      "demo_pkg.win_pageant (platform-only; AttributeError: module 'builtins' has no attribute "
      "'WindowsError')"]),
    ({"demo_pkg/win/__init__.py": "import platform\nMAJOR = int(platform.version()[:1] + 'x')\n"},
     ["demo_pkg.win (platform-only; ValueError: invalid literal for int() with base 10: "
      f"'{__import__('platform').version()[:1]}x')"]),
    ({"demo_pkg/observers/__init__.py": "",
      "demo_pkg/observers/kqueue.py": "import select\nFLAGS = select.KQ_FILTER_VNODE_ABSENT\n"},
     ["demo_pkg.observers.kqueue (platform-only; AttributeError: module 'select' has no "
      "attribute 'KQ_FILTER_VNODE_ABSENT')"]),
    ({"demo_pkg/_dumbproc.py": "import pywintypes\n",
      "demo_pkg/iocpreactor/__init__.py": "from demo_pkg import _dumbproc\n"},
     ["demo_pkg._dumbproc (private; ModuleNotFoundError: No module named 'pywintypes')",
      "demo_pkg.iocpreactor (platform-only; ModuleNotFoundError: No module named 'pywintypes')"]),
    ({"demo_pkg/activation/__init__.py": "",
      "demo_pkg/activation/activate_this.py": "import os\n"
                                              "BASE = os.getcwd()[: -len(__BIN_NAME__)]\n"},
     ["demo_pkg.activation.activate_this (template; NameError: name '__BIN_NAME__' is not "
      "defined)"]),
    ({"demo_pkg/win32.py": WINDOWS_ONLY, "demo_pkg/serial_win.py": "from demo_pkg import win32\n"},
     [f"demo_pkg.serial_win (platform-only; {WINDOWS_ASSERT})",
      f"demo_pkg.win32 (platform-only; {WINDOWS_ASSERT})"]),
], ids=["private asserts the platform", "private raises ImportError for Windows",
        "private raises anything", "private package's module", "private top-level stub",
        "private shim lacks a name of a module (tqdm._utils)",
        "public asserts the platform", "public raises ImportError for Windows",
        "public imports msvcrt", "public imports ctypes.windll", "public loads a macOS library",
        "public named for Windows, through a private module (paramiko.win_pageant)",
        "public named for Windows raises anything (send2trash.win)",
        "public named for BSD (watchdog.observers.kqueue)",
        "public through a private module importing pywin32 (twisted.internet.iocpreactor)",
        "a template with a placeholder (virtualenv's activate_this)",
        "public through a platform-only public module"])
def test_what_users_do_not_import_here_is_a_warning_naming_the_module_and_the_platform(
        tmp_path: Path, files: dict[str, str], unimportable: list[str]) -> None:
    """A private module that raises when imported by itself, and a public submodule guarded
    for another platform (its own assert or ImportError, another platform's module or
    library), are not failures: they are listed with their error, on the platform named."""
    failures, listed, result = judged(tmp_path, files)
    assert failures == []
    utils = tmp_path / "site" / "demo_pkg" / "utils.py"
    assert listed == [u.replace("{utils}", str(utils)) for u in unimportable]
    assert result.platform == sys.platform
    assert result.optional == ()


@pytest.mark.parametrize(("files", "entry_points", "failure"), [
    ({"demo_pkg/_settings.py": BROKEN_PRIVATE,
      "demo_pkg/api.py": "from demo_pkg import _settings\n"},
     "", "import demo_pkg.api failed: RuntimeError: the settings table is corrupt (raised in "
         "demo_pkg._settings)"),
    ({"demo_pkg/_win.py": WINDOWS_ONLY, "demo_pkg/api.py": "import demo_pkg._win\n"},
     "", f"import demo_pkg.api failed: {WINDOWS_ASSERT} (raised in demo_pkg._win)"),
    ({"demo_pkg/_settings.py": BROKEN_PRIVATE, "demo_pkg/__init__.py": "from . import _settings\n"},
     "", "import demo_pkg failed: RuntimeError: the settings table is corrupt (raised in "
         "demo_pkg._settings)"),
    ({"demo_pkg/_cli.py": BROKEN_PRIVATE + "def main() -> None:\n    pass\n"},
     "[console_scripts]\ndemo = demo_pkg._cli:main\n",
     "entry point demo = demo_pkg._cli:main failed: RuntimeError: the settings table is corrupt"
     " (raised in demo_pkg._cli)"),
    ({"demo_pkg/api.py": BROKEN_PRIVATE}, "",
     "import demo_pkg.api failed: RuntimeError: the settings table is corrupt"),
    ({"demo_pkg/window.py": BROKEN_PRIVATE}, "",
     "import demo_pkg.window failed: RuntimeError: the settings table is corrupt"),
    ({"demo_pkg/api.py": "VERSION = __version_info__\n"}, "",
     "import demo_pkg.api failed: NameError: name '__version_info__' is not defined"),
    ({"demo_win/__init__.py": WINDOWS_ONLY}, "", f"import demo_win failed: {WINDOWS_ASSERT}"),
    ({"demo_pkg/_pages.py": "from pathlib import Path\n"
                            "PAGE = (Path(__file__).parent / 'page.html').read_text()\n"}, "",
     "import demo_pkg._pages failed: FileNotFoundError: [Errno 2] No such file or directory: "
     "'{pages}'"),
    ({"demo_pkg/_views.py": "from demo_pkg import _templating\n"}, "",
     "import demo_pkg._views failed: ImportError: cannot import name '_templating' from "
     "'demo_pkg' ({init})"),
    ({"demo_pkg/_views.py": "import demo_pkg._templating\n"}, "",
     "import demo_pkg._views failed: ModuleNotFoundError: No module named "
     "'demo_pkg._templating'"),
    ({"demo_pkg/speedups.py": FRIENDLY.format("import demo_pkg._native")}, "",
     "import demo_pkg.speedups failed: ImportError: the compiled part is missing: reinstall"),
    ({"demo_pkg/speedups.py": FRIENDLY.format("from demo_pkg import _native")}, "",
     "import demo_pkg.speedups failed: ImportError: the compiled part is missing: reinstall"),
    ({"demo_pkg/native.py": "import ctypes\nctypes.CDLL('libdemo_absent.so.1')\n"}, "",
     "import demo_pkg.native failed: OSError: libdemo_absent.so.1: cannot open shared object "
     "file: No such file or directory"),
], ids=["public through a broken private", "public through a platform-only private",
        "top-level through a broken private", "entry point into a broken private",
        "public raises", "public named like a platform but not one (a GUI window)",
        "public misses a name (no placeholder)",
        "top-level asserts the platform",
        "private misses its own package data",
        "private misses its own module (from)", "private misses its own module",
        "public re-raises its own missing module",
        "public re-raises its own missing module (from)",
        "public misses this platform's library"])
def test_what_users_import_must_import_even_through_a_private_module(
        tmp_path: Path, files: dict[str, str], entry_points: str, failure: str) -> None:
    """Top-level modules, public modules and entry points must work: a failure is a fail,
    naming the private module it was raised in, whose own warning is then left out (the
    failure tells it); a wheel missing one of its own modules fails whatever imports it."""
    failures, listed, _ = judged(tmp_path, files, entry_points or ENTRY_POINTS)
    root = tmp_path / "site"
    assert failures == [failure.format(init=root / "demo_pkg" / "__init__.py",
                                       pages=root / "demo_pkg" / "page.html")]
    assert listed == []


def test_dists_install_warns_for_what_users_do_not_import_naming_the_platform(
        project: SampleProject) -> None:
    """dists-install lists the private and platform-only modules that raised, on the
    platform they were tried on, beside what needs an extra; the hint gives the exact
    smoke-skip-modules line; the release counts as working."""
    finding = install_finding(project, InstallTrial(
        "demo_pkg-1.2.0-py3-none-any.whl", installed=True,
        tried="4 modules imported, 0 entry points loaded",
        optional=("import demo_pkg.cli (needs click)",),
        unimportable=(Unimportable("demo_pkg._winconsole", WINDOWS_ASSERT, private=True),),
        platform="linux"))
    assert finding.status is Status.WARN
    assert finding.summary == (
        "demo_pkg-1.2.0-py3-none-any.whl installs into a fresh virtualenv: 4 modules imported, "
        "0 entry points loaded; 1 thing needs what it does not install: import demo_pkg.cli "
        "(needs click); 1 module users do not import on linux raises on import: "
        f"demo_pkg._winconsole (private; {WINDOWS_ASSERT})")
    assert finding.hint.endswith(
        "users do not import a private module, nor one guarded for another platform, on "
        "linux: the release works; if it should import there, fix it; to stop trying it, set "
        'smoke-skip-modules = ["demo_pkg._winconsole"] in [tool.publish-checks]')


# pyyaml 6.0.4 built without libyaml: yaml/__init__.py tries yaml.cyaml, whose compiled
# yaml._yaml the wheel lacks, and goes on without it.
ACCELERATED = ("try:\n    from .speedups import *\n    WITH_SPEEDUPS = True\n"
               "except ImportError:\n    WITH_SPEEDUPS = False\n")
SPEEDUPS = "from demo_pkg._native import fast\n"
NATIVE_MISSING = "ModuleNotFoundError: No module named 'demo_pkg._native'"


def test_an_optional_module_the_package_imports_under_try_is_a_warning(tmp_path: Path) -> None:
    """A public module that fails with ImportError (its compiled part was not built) while
    the package's own code imports it only under try/except ImportError: listed as optional,
    naming that guard; nothing failed."""
    failures, listed, result = judged(tmp_path, {"demo_pkg/__init__.py": ACCELERATED,
                                                 "demo_pkg/speedups.py": SPEEDUPS})
    assert failures == []
    assert listed == ["demo_pkg.speedups (optional: demo_pkg imports it under try/except "
                      f"ImportError; {NATIVE_MISSING})"]
    assert result.unimportable[0].guarded_by == "demo_pkg imports it under try/except ImportError"


CORE_LACKS_FAST = ("ImportError: cannot import name 'fast' from 'demo_pkg.core' ({core})")


@pytest.mark.parametrize(("files", "failures"), [
    ({"demo_pkg/__init__.py": ACCELERATED, "demo_pkg/speedups.py": SPEEDUPS,
      "demo_pkg/api.py": "from demo_pkg.speedups import fast\n"},
     [f"import demo_pkg.api failed: {NATIVE_MISSING} (raised in demo_pkg.speedups)",
      f"import demo_pkg.speedups failed: {NATIVE_MISSING}"]),
    ({"demo_pkg/__init__.py": ACCELERATED, "demo_pkg/core.py": "",
      "demo_pkg/speedups.py": "from demo_pkg.core import fast\n",
      "demo_pkg/tools.py": "try:\n    from demo_pkg import speedups\n"
                           "except ModuleNotFoundError:\n    pass\n"},
     [f"import demo_pkg.speedups failed: {CORE_LACKS_FAST}",
      f"import demo_pkg.tools failed: {CORE_LACKS_FAST} (raised in demo_pkg.speedups)"]),
    ({"demo_pkg/__init__.py": ACCELERATED.replace("ImportError", "Exception"),
      "demo_pkg/speedups.py": "raise RuntimeError('the table is corrupt')\n"},
     ["import demo_pkg.speedups failed: RuntimeError: the table is corrupt"]),
    ({"demo_pkg/_settings.py": BROKEN_PRIVATE,
      "demo_pkg/api.py": "try:\n    from demo_pkg import _settings\nexcept ImportError:\n"
                         "    pass\n"},
     ["import demo_pkg.api failed: RuntimeError: the settings table is corrupt (raised in "
      "demo_pkg._settings)"]),
], ids=["imported unguarded by a public module", "an ImportError one handler does not catch",
        "guarded, but it raises something else",
        "a public import through a private module its guard does not cover"])
def test_what_an_import_guard_does_not_cover_still_fails(
        tmp_path: Path, files: dict[str, str], failures: list[str]) -> None:
    """The twins: imported unguarded by a public module, failing with what one of its
    handlers does not catch, or raising something other than ImportError, the module is
    what users meet: a failure, as is a public import failing through a private module."""
    found, listed, _ = judged(tmp_path, files)
    core = tmp_path / "site" / "demo_pkg" / "core.py"
    assert found == [f.format(core=core) for f in failures]
    assert not any("optional" in u for u in listed)


def test_dists_install_warns_for_an_optional_module_naming_its_guard(
        project: SampleProject) -> None:
    """dists-install lists the optional module apart, with the guard and the platform; the
    hint says the release works without it and gives the smoke-skip-modules line."""
    guard = "yaml imports it under try/except ImportError"
    finding = install_finding(project, InstallTrial(
        "demo_pkg-1.2.0-py3-none-any.whl", installed=True,
        tried="18 modules imported, 0 entry points loaded",
        unimportable=(Unimportable("yaml.cyaml", "ModuleNotFoundError: No module named "
                                   "'yaml._yaml'", private=False, guarded_by=guard),),
        platform="linux"))
    assert finding.status is Status.WARN
    assert finding.summary == (
        "demo_pkg-1.2.0-py3-none-any.whl installs into a fresh virtualenv: 18 modules "
        "imported, 0 entry points loaded; 1 optional module does not import on linux, and the "
        f"release's own code goes on without it: yaml.cyaml (optional: {guard}; "
        "ModuleNotFoundError: No module named 'yaml._yaml')")
    assert finding.hint.startswith("the release works without yaml.cyaml; if it should work in "
                                   "this wheel")
    assert finding.hint.endswith('set smoke-skip-modules = ["yaml.cyaml"] in '
                                 "[tool.publish-checks]")


def test_entry_points_come_from_the_dist_info_without_importlib_metadata(tmp_path: Path) -> None:
    """The entry points are read from the release's .dist-info (comments, blank lines, a
    dotted attribute and an extra as importlib.metadata reads them) without importing
    importlib.metadata, half of the script's start: a module loaded only by an entry point
    sees it absent."""
    probe = ("import sys\nassert 'importlib.metadata' not in sys.modules, 'imported'\n"
             "class App:\n    def main(self) -> None:\n        pass\napp = App()\n")
    root = site(tmp_path, {"demo_pkg/__init__.py": "", "demo_pkg/cli.py": CORE,
                           "demo_pkg/probe.py": probe},
                entry_points="# generated\n\n[console_scripts]\n"
                             "demo-probe = demo_pkg.probe:app.main [cli]\n"
                             "[demo.plugins]\nignored = demo_pkg.nowhere:x\n")
    result = run(tmp_path, root, skip=("demo_pkg.probe",))
    assert result.failures == ()
    assert result.tried == "2 modules imported, 1 entry point loaded"


def test_an_egg_info_release_still_has_its_entry_points_loaded(tmp_path: Path) -> None:
    """A release installed as .egg-info (no .dist-info names it) is found through
    importlib.metadata, and its entry points load as before."""
    root = tmp_path / "site"
    for name, text in {"demo_pkg/__init__.py": "", "demo_pkg/cli.py": CORE,
                       "demo_pkg.egg-info/PKG-INFO":
                           "Metadata-Version: 2.1\nName: demo-pkg\nVersion: 1.2.0\n",
                       "demo_pkg.egg-info/entry_points.txt":
                           "[console_scripts]\ndemo = demo_pkg.cli:run\n"}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, "utf-8")
    (failure,) = run(tmp_path, root).failures
    assert failure.error == "AttributeError: module 'demo_pkg.cli' has no attribute 'run'"

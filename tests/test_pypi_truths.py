"""The smaller truths of issue 15, each as PyPI (warehouse) or twine has it: a new project
may not take a standard-library module's name, a filename may hold no path separator,
refusals name the field and the label, and a file in another encoding is named by it."""

from __future__ import annotations

import codecs
import os
import subprocess
import sys
from pathlib import Path

import pytest

from publish_checks._errors import ConfigError
from publish_checks._text import TextError, Unreadable, decode_text, resave_fix
from publish_checks.checks.index import (
    PYPI_STDLIB_NAME,
    index_version,
    index_version_offline,
    stdlib_module,
)
from publish_checks.checks.report import Status
from publish_checks.dists.filenames import PYPI_PATH_SEPARATOR
from publish_checks.project.config import read_toml
from publish_checks.release.rehearse import LocalIndex, real_publish_gaps
from tests import stdlib_names
from tests.builders import SampleProject
from tests.distbuilders import make_release
from tests.e2e import CANARY, line_of
from tests.pypiserver import PypiServer

REPO = Path(__file__).resolve().parents[1]
HTTP_SERVER = ("The name 'http-server' isn't allowed (conflict with Python Standard Library "
               "module name). See https://pypi.org/help/#project-name for more information.")
CHANGELOG = "# Changelog\n\n## [Unreleased]\n\n## [1.2.0] - 2026-01-01\n\n- The first feature.\n"


def pypi_through(index_url: str) -> str:
    """Configuration for a repository that uploads to PyPI and reads ``index_url``: PyPI's
    rules, a real local index's answers."""
    return ("\n[tool.publish-checks.repositories.pypi-test]\n"
            f'upload-url = "https://upload.pypi.org/legacy/"\nindex-url = "{index_url}"\n')


def command(root: Path, *args: str) -> tuple[int, str]:
    """``python -m publish_checks ARGS`` in ``root``, with no terminal and no traceback."""
    done = subprocess.run(
        [sys.executable, "-m", "publish_checks", *args], cwd=root, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "NO_COLOR": "1", "PYPI_API_KEY": CANARY,
             "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])})
    output = done.stdout + done.stderr
    assert CANARY not in output
    assert "Traceback" not in output, output
    return done.returncode, output


# A new project may not take a standard-library module's name --------------------------


@pytest.mark.parametrize(("name", "module"), [
    ("http-server", "http.server"), ("HTTP_Server", "http.server"), ("http", "http"),
    ("email.utils", "email.utils"), ("asyncio", "asyncio"), ("future", "__future__"),
    ("distutils", "distutils"), ("tkinter", "tkinter"), ("imp", "imp"),
])
def test_names_warehouse_keeps_for_the_standard_library(name: str, module: str) -> None:
    """Every module of every Python stdlib-list knows, each dotted prefix too, stripped of
    '-_.' at its ends and canonicalized, as warehouse's STDLIB_PROHIBITED (removed modules
    such as imp and distutils included)."""
    assert stdlib_module(name) == module


def test_the_shipped_names_are_what_stdlib_list_gives_today() -> None:
    """publish_checks/project/stdlib_names.txt is warehouse's set as the installed stdlib-list
    computes it (stale after a stdlib-list release: run ``python -m tests.stdlib_names``)."""
    assert stdlib_names.TARGET.read_text("utf-8") == stdlib_names.source(), (
        "regenerate with: python -m tests.stdlib_names")


@pytest.mark.parametrize("name", ["requests", "demo-pkg", "http-servers", "httpx", "pip",
                                  "setuptools", "typing-extensions"])
def test_other_names_are_free(name: str) -> None:
    """A name that is no standard-library module's is not kept."""
    assert stdlib_module(name) is None


def stdlib_project(tmp_path: Path, index_url: str = "http://127.0.0.1:9/simple/") -> SampleProject:
    """A sample project named http-server, with its release in dist/, and a PyPI target
    that reads ``index_url``."""
    project = SampleProject.create(tmp_path / "http-server", name="http-server",
                                   extra_config=pypi_through(index_url))
    make_release(project.root / "dist", "http-server")
    return project


def test_a_new_project_of_a_stdlib_name_fails_where_the_index_has_none(
        tmp_path: Path, pypiserver: PypiServer) -> None:
    """The index answers 404 for http-server: index-version fails in PyPI's words, naming the
    module, with a rename as the fix."""
    project = stdlib_project(tmp_path, pypiserver.index_url)
    finding = index_version(project.context("pypi-test", offline=False))
    assert (finding.status, finding.summary) == (
        Status.FAIL, f"http-server is not on {pypiserver.index_url} yet, and PyPI refuses to "
        f"create it: \"{HTTP_SERVER}\" (it is the standard library's http.server)")
    assert finding.hint == ("rename the project ([project] name): http-server is the standard "
                            "library's http.server module's name, which PyPI keeps for it")
    assert PYPI_STDLIB_NAME.format(name="http-server") == HTTP_SERVER


def test_a_project_of_a_stdlib_name_already_on_the_index_passes(
        tmp_path: Path, pypiserver: PypiServer) -> None:
    """PyPI applies the rule when it creates a project only: one it has (typing, asyncio on
    PyPI) takes new releases, so index-version passes as for any name."""
    project = stdlib_project(tmp_path, pypiserver.index_url)
    (pypiserver.packages_dir / "http_server-1.1.0.tar.gz").write_bytes(b"an older release")
    finding = index_version(project.context("pypi-test", offline=False))
    assert (finding.status, finding.summary) == (
        Status.PASS, f"none of the 2 files is on {pypiserver.index_url} yet")


def test_a_private_index_keeps_no_stdlib_names(tmp_path: Path, pypiserver: PypiServer) -> None:
    """The rule is PyPI's (and TestPyPI's): another index creates http-server."""
    project = stdlib_project(tmp_path, pypiserver.index_url)
    finding = index_version(project.context(pypiserver.url, offline=False))
    assert finding.status is Status.PASS, finding
    assert project.verify(pypiserver.url, offline=True).get("index-version").status is Status.SKIP


def test_offline_a_stdlib_name_warns_and_other_names_skip(tmp_path: Path,
                                                          project: SampleProject) -> None:
    """--offline asks no index, so whether http-server exists is unknown: a warning naming
    the rule and the way to know, where any other name is a plain skip."""
    finding = index_version_offline(stdlib_project(tmp_path).context("pypi", offline=True))
    assert (finding.status, finding.summary) == (
        Status.WARN, "the index was not asked (offline); if http-server is not on pypi.org "
        f"yet, PyPI refuses to create it: \"{HTTP_SERVER}\" (it is the standard library's "
        "http.server)")
    assert finding.hint == ("`nox -s verify` (not --offline) asks pypi.org; if it has no "
                            "http-server, rename the project ([project] name): http-server is "
                            "the standard library's http.server module's name, which PyPI "
                            "keeps for it")
    make_release(project.root / "dist")
    other = index_version_offline(project.context("pypi", offline=True))
    assert (other.status, other.summary) == (Status.SKIP, "--offline: the index was not asked")


@pytest.mark.parametrize("tag", ["v1.1.0", "1.1.0", "http-server-1.1.0"])
def test_offline_an_earlier_release_tag_means_the_project_exists(tmp_path: Path,
                                                                 tag: str) -> None:
    """importlib-metadata, configparser and future are standard-library names PyPI has as
    projects: a git tag of an earlier release says this one was published before, so
    offline there is nothing to warn of; a tag of this very release says nothing."""
    project = stdlib_project(tmp_path)
    project.commit("release")
    project.git("tag", "v1.2.0")
    assert index_version_offline(project.context("pypi", offline=True)).status is Status.WARN
    project.git("tag", tag)
    finding = index_version_offline(project.context("pypi", offline=True))
    assert (finding.status, finding.summary) == (Status.SKIP, "--offline: the index was not asked")


def test_offline_an_earlier_changelog_section_means_the_project_exists(tmp_path: Path) -> None:
    """A PyPI sdist made into a repository has one tag, but its changelog lists the earlier
    releases: one of them is enough to take the project as published."""
    project = stdlib_project(tmp_path)
    project.write("CHANGELOG.md", CHANGELOG + "\n## [1.1.0] - 2025-06-01\n\n- Older.\n")
    finding = index_version_offline(project.context("pypi", offline=True))
    assert (finding.status, finding.summary) == (Status.SKIP, "--offline: the index was not asked")


def test_a_rehearsal_says_a_real_publish_may_be_refused_the_name(tmp_path: Path) -> None:
    """After a rehearsal, the closing lines warn that PyPI may refuse http-server (the
    rehearsal's own index creates any project)."""
    project = stdlib_project(tmp_path)
    built = tmp_path / "rehearsal" / "dist"
    make_release(built, "http-server")
    gaps = real_publish_gaps(project.root, dict(os.environ), project.context().steps,
                             dist_dir=built)
    assert "PyPI refuses to create it" in gaps, gaps
    assert "(index-version)" in gaps


@pytest.mark.e2e
def test_verify_of_a_real_build_named_after_a_stdlib_module(tmp_path: Path,
                                                             index: LocalIndex) -> None:
    """A real build of http-server, verified through the CLI against a real, empty
    pypiserver standing for PyPI: index-version fails; with --offline it warns."""
    project = SampleProject.create(tmp_path / "http-server", name="http-server",
                                   extra_config=pypi_through(index.index_url))
    project.commit("release")
    project.build()
    code, output = command(project.root, "verify", "--repository", "pypi-test")
    assert code == 1
    assert line_of("index-version", output) == (
        f"✗ index-version http-server is not on {index.index_url} yet, and PyPI refuses to "
        f"create it: \"{HTTP_SERVER}\" (it is the standard library's http.server)")
    code, output = command(project.root, "verify", "--repository", "pypi-test", "--offline")
    assert line_of("index-version", output).startswith(
        "! index-version the index was not asked (offline); if http-server is not on "
        "pypi.org yet, PyPI refuses to create it")


# A filename holds no path separator -----------------------------------------------------


@pytest.mark.e2e
def test_a_real_wheel_renamed_with_a_backslash_is_refused(project: SampleProject) -> None:
    """A real build's wheel renamed to hold a '\\' (where its build tag goes, so every
    other rule still takes the name) fails dists-metadata in _validate_filename's words."""
    project.commit("release")
    project.build()
    wheel = next((project.root / "dist").glob("*.whl"))
    renamed = wheel.with_name("demo_pkg-1.2.0-1\\x-py3-none-any.whl")
    wheel.rename(renamed)
    code, output = command(project.root, "verify", "--offline")
    assert code == 1
    assert line_of("dists-metadata", output) == (
        f"✗ dists-metadata {PYPI_PATH_SEPARATOR} ({renamed.name})")
    renamed.rename(renamed.with_name("demo_pkg-1.2.0-1x-py3-none-any.whl"))
    code, output = command(project.root, "verify", "--offline")
    assert line_of("dists-metadata", output).startswith("✓ dists-metadata"), output


# A file in another encoding is named by it ----------------------------------------------


@pytest.mark.parametrize(("data", "problem", "codec"), [
    (CHANGELOG.encode("utf-16"),
     "is UTF-16 LE text, not UTF-8 (Windows PowerShell's > and Out-File write it)", "utf-16"),
    (codecs.BOM_UTF16_BE + CHANGELOG.encode("utf-16-be"), "is UTF-16 BE text, not UTF-8",
     "utf-16"),
    (CHANGELOG.encode("utf-16-le"), "is UTF-16 LE text, not UTF-8 (it has no byte-order mark)",
     "utf-16-le"),
    (CHANGELOG.encode("utf-16-be"), "is UTF-16 BE text, not UTF-8 (it has no byte-order mark)",
     "utf-16-be"),
    (CHANGELOG.encode("utf-32"), "is UTF-32 LE text, not UTF-8", "utf-32"),
    (codecs.BOM_UTF32_BE + CHANGELOG.encode("utf-32-be"), "is UTF-32 BE text, not UTF-8",
     "utf-32"),
    (CHANGELOG.replace("feature", "caf\u00e9").encode("cp1252"),
     "is not UTF-8 text (byte 0xe9 on line 7)", ""),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not a text file (it holds NUL bytes)", ""),
    (b"1.2.0\x00\x00\x00", "is not a text file (it holds NUL bytes)", ""),
], ids=["utf-16-bom", "utf-16-be-bom", "utf-16-le", "utf-16-be", "utf-32-bom",
        "utf-32-be-bom", "cp1252", "png", "nul-padded"])
def test_text_in_another_encoding_is_named(data: bytes, problem: str, codec: str) -> None:
    """UTF-16 and UTF-32 (by their byte-order mark, or UTF-16's NUL bytes without one) are
    named, a byte that is not UTF-8 by its line; binary stays binary."""
    with pytest.raises(TextError) as raised:
        decode_text(data)
    assert (raised.value.problem, raised.value.why, raised.value.encoding) == (
        problem, Unreadable.NOT_TEXT, codec)


def test_utf8_with_a_byte_order_mark_is_read() -> None:
    """Notepad's UTF-8 with a BOM is UTF-8: read, the mark dropped unless kept."""
    data = codecs.BOM_UTF8 + CHANGELOG.encode()
    assert decode_text(data) == CHANGELOG
    assert decode_text(data, keep_bom=True) == "\ufeff" + CHANGELOG


def test_the_fix_converts_a_known_encoding() -> None:
    """A file in a known encoding gets the command that re-saves it as UTF-8; one whose
    encoding is unknown, or whose name a shell would split, just the advice."""
    utf16 = TextError("is UTF-16 LE text, not UTF-8", Unreadable.NOT_TEXT, "utf-16")
    assert resave_fix("CHANGELOG.md", utf16) == (
        "re-save CHANGELOG.md as UTF-8, e.g. python -c \"import pathlib; p = "
        "pathlib.Path('CHANGELOG.md'); p.write_text(p.read_text('utf-16'), 'utf-8')\"")
    assert resave_fix("my changes.md", utf16) == "re-save my changes.md as UTF-8"
    unknown = TextError("is not UTF-8 text (byte 0xe9 on line 1)", Unreadable.NOT_TEXT)
    assert resave_fix("CHANGELOG.md", unknown) == "re-save CHANGELOG.md as UTF-8"


def test_the_conversion_command_works(tmp_path: Path) -> None:
    """The command the fix gives turns PowerShell's UTF-16 into UTF-8 that reads back."""
    (tmp_path / "CHANGELOG.md").write_bytes(CHANGELOG.encode("utf-16"))
    fix = resave_fix("CHANGELOG.md", TextError("", Unreadable.NOT_TEXT, "utf-16"))
    code = fix.split('python -c "', 1)[1].removesuffix('"')
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, check=True)
    assert decode_text((tmp_path / "CHANGELOG.md").read_bytes()) == CHANGELOG


@pytest.mark.parametrize("name", ["VERSION", "pyproject.toml"])
def test_a_utf16_project_file_is_named_so(project: SampleProject, name: str) -> None:
    """VERSION and pyproject.toml saved by PowerShell fail naming UTF-16, with the fix."""
    path = project.root / name
    path.write_bytes(path.read_text().encode("utf-16"))
    if name == "pyproject.toml":
        with pytest.raises(ConfigError) as raised:
            read_toml(path)
        assert raised.value.message == (f"{path} is UTF-16 LE text, not UTF-8 (Windows "
                                        "PowerShell's > and Out-File write it)")
        assert raised.value.hint.startswith(f"re-save {path} as UTF-8")
        return
    result = project.verify().get("version-file")
    assert (result.status, result.summary) == (
        Status.FAIL, "VERSION is UTF-16 LE text, not UTF-8 (Windows PowerShell's > and "
        "Out-File write it)")
    assert result.hint.startswith("re-save VERSION as UTF-8, e.g. python -c")


@pytest.mark.e2e
def test_a_utf16_changelog_through_the_cli(project: SampleProject) -> None:
    """A changelog written by PowerShell's `>`: verify's changelog-entry and `notes` name
    UTF-16 and give the command that converts it, never "not a text file"."""
    (project.root / "CHANGELOG.md").write_bytes(CHANGELOG.encode("utf-16"))
    project.commit("release")
    code, output = command(project.root, "verify", "--offline")
    assert code == 1
    line = line_of("changelog-entry", output)
    assert line == ("✗ changelog-entry the changelog CHANGELOG.md is UTF-16 LE text, not UTF-8 "
                    "(Windows PowerShell's > and Out-File write it)")
    assert "re-save CHANGELOG.md as UTF-8, e.g. python -c" in output
    code, output = command(project.root, "notes", "1.2.0")
    assert code != 0
    assert "CHANGELOG.md is UTF-16 LE text, not UTF-8" in output
    assert "p.read_text('utf-16')" in output
    assert "not a text file" not in output


def test_a_credentials_file_written_by_powershell_is_named_so(project: SampleProject) -> None:
    """`echo PYPI_API_KEY=… > .env.local` in Windows PowerShell writes UTF-16: credentials-
    source names it and gives the command that converts it, not the usual "put … in it"."""
    (project.root / ".env.local").write_bytes(f"PYPI_API_KEY={CANARY}\n".encode("utf-16"))
    result = project.verify().get("credentials-source")
    assert (result.status, result.summary) == (
        Status.FAIL, ".env.local is UTF-16 LE text, not UTF-8 (Windows PowerShell's > and "
        "Out-File write it)")
    assert result.hint.startswith("re-save .env.local as UTF-8, e.g. python -c")

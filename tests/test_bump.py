"""``bump``: the next version, written where it is declared, and a dated changelog."""

from __future__ import annotations

import datetime
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from packaging.version import Version

from publish_checks import Status
from publish_checks._errors import PublishChecksError, ReleaseError, UsageError
from publish_checks._text import CLI_STEPS, NOX_STEPS
from publish_checks.frontend import cli as _cli
from publish_checks.frontend import sessions as _sessions
from publish_checks.release.bump import bump, next_version
from tests.builders import SampleProject, python_build
from tests.e2e import NOXFILE, run_nox
from tests.test_version import (
    ABOUT,
    HATCH,
    HATCH_BARE,
    PDM,
    POETRY,
    POETRY_2,
    SETUP_CFG,
    SETUPTOOLS_BARE,
    VCS_SOURCES,
    config_project,
)

TODAY = datetime.date(2026, 5, 4)

CHANGELOG = """\
# Changelog

All notable changes to this project are documented here.

## [Unreleased]

### Added

- The bump session.

## [1.2.0] - 2026-01-01

### Added

- The first feature.

[Unreleased]: https://github.com/o/r/compare/v1.2.0...HEAD
[1.2.0]: https://github.com/o/r/releases/tag/v1.2.0
"""

RELEASED = """\
# Changelog

All notable changes to this project are documented here.

## [Unreleased]

## [1.3.0] - 2026-05-04

### Added

- The bump session.

## [1.2.0] - 2026-01-01

### Added

- The first feature.

[Unreleased]: https://github.com/o/r/compare/v1.3.0...HEAD
[1.3.0]: https://github.com/o/r/compare/v1.2.0...v1.3.0
[1.2.0]: https://github.com/o/r/releases/tag/v1.2.0
"""

STATIC_PYPROJECT = """\
[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "demo-pkg"
# the version, bumped by publish-checks
version   =   '1.2.0'  # keep in step with the changelog
description = "version = \\"1.2.0\\" is not the version line"

[tool.other]
version = "1.2.0"
"""


def files(root: Path) -> dict[str, bytes]:
    """Every file of the project outside .git, with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and ".git" not in p.relative_to(root).parts}


def sample(tmp_path: Path, changelog: str = CHANGELOG) -> SampleProject:
    """The sample project at 1.2.0 with a changelog whose Unreleased section has an entry."""
    project = SampleProject.create(tmp_path / "demo")
    project.write("CHANGELOG.md", changelog)
    return project


@pytest.mark.parametrize(("current", "target", "pre", "expected"), [
    ("1.2.3", "patch", None, "1.2.4"),
    ("1.2.3", "minor", None, "1.3.0"),
    ("1.2.3", "major", None, "2.0.0"),
    ("1.2", "patch", None, "1.2.1"),
    ("1.2.3.post1", "patch", None, "1.2.4"),
    ("1!1.0.0", "minor", None, "1!1.1.0"),
    ("1.3.0rc1", "patch", None, "1.3.0"),
    ("1.3.0rc1", "minor", None, "1.3.0"),
    ("1.3.0rc1", "major", None, "2.0.0"),
    ("2.0.0b1", "major", None, "2.0.0"),
    ("1.3.1rc1", "minor", None, "1.4.0"),
    ("1.2.3", "minor", "rc", "1.3.0rc1"),
    ("1.2.3", "major", "a", "2.0.0a1"),
    ("1.2.3", "patch", "b", "1.2.4b1"),
    ("1.3.0b2", "minor", "rc", "1.3.0rc1"),
    ("1.3.0rc1", None, "rc", "1.3.0rc2"),
    ("1.3.0b2", None, "rc", "1.3.0rc1"),
    ("1.3.0a1", None, "b", "1.3.0b1"),
    ("1.3.0.dev1", None, "rc", "1.3.0rc1"),
    ("1.3.0rc2.dev1", None, "rc", "1.3.0rc2"),
    ("1.2.3.dev1", "dev", None, "1.2.3.dev2"),
    ("1.2.3", "dev", None, "1.2.4.dev0"),
    ("1.2.4.dev0", "dev", None, "1.2.4.dev1"),
    ("1.2.3.post1", "dev", None, "1.2.4.dev0"),
    ("1.3.0rc1", "dev", None, "1.3.0rc2.dev0"),
    ("1.2.3", "post", None, "1.2.3.post1"),
    ("1.2.3.post1", "post", None, "1.2.3.post2"),
    ("1.2.3.post1.dev0", "post", None, "1.2.3.post1"),
    ("1.3.0rc1", "post", None, "1.3.0rc1.post1"),
    ("1!1.0", "post", None, "1!1.0.post1"),
    ("26.4", "minor", None, "26.5"),  # packaging's two-part versions stay two-part
    ("26.4", "major", None, "27.0"),
    ("26.4", "patch", None, "26.4.1"),
    ("1", "minor", None, "1.1"),
    ("1.2.3.4", "minor", None, "1.3.0.0"),
    ("26.5rc1", "minor", None, "26.5"),
    ("1.2.3", "2.0.0", None, "2.0.0"),
    ("2026.10.18", "2026.10.19", None, "2026.10.19"),
    ("1.2.3", "1.3.0rc1", None, "1.3.0rc1"),
])
def test_next_version(current: str, target: str | None, pre: str | None, expected: str) -> None:
    """Each part, pre-release move, dev step and explicit version gives the documented result."""
    assert next_version(Version(current), target, pre) == Version(expected)
    assert str(next_version(Version(current), target, pre)) == expected


@pytest.mark.parametrize(("current", "expected"), [
    ("2026.10.18", "2026.12.6"),
    ("2026.12.6", "2026.12.6.1"),  # a second release the same day
    ("2026.12.6.1", "2026.12.6.2"),
    ("2026.11", "2026.12"),  # YYYY.M stays two parts
    ("2026.12", "2026.12.1"),
    ("1.2.3", "2026.12.6"),  # moving to CalVer
    ("2026.12.6rc1", "2026.12.6"),
])
def test_calver_is_today_and_counts_releases_of_the_same_day(current: str,
                                                             expected: str) -> None:
    """bump calver gives today's date as YYYY.M.D, adding .1, .2 … for another release that
    day."""
    today = datetime.date(2026, 12, 6)
    assert str(next_version(Version(current), "calver", today=today)) == expected


@pytest.mark.parametrize("part", ["patch", "minor", "major"])
def test_a_part_of_a_date_version_is_refused_naming_calver(part: str) -> None:
    """patch on 2026.10.18 would make a wrong date, so it is refused with the CalVer command."""
    with pytest.raises(UsageError) as caught:
        next_version(Version("2026.10.18"), part)
    assert caught.value.message.startswith("2026.10.18 is a date (CalVer)")
    assert caught.value.hint.startswith("for today's date: nox -s bump -- calver")


def test_calver_bump_writes_the_version_and_dates_the_changelog(tmp_path: Path) -> None:
    """bump calver writes today's date in VERSION and heads the changelog section with it."""
    project = sample(tmp_path)
    project.write("VERSION", "2026.1.5\n")
    project.write("demo_pkg/__init__.py", '"""Demo."""\n\n__version__ = "2026.1.5"\n')
    summary = bump(project.root, "calver", today=TODAY)
    assert summary.splitlines()[0] == (
        "2026.1.5 → 2026.5.4: wrote VERSION, demo_pkg/__init__.py, CHANGELOG.md")
    assert "## [2026.5.4] - 2026-05-04" in (project.root / "CHANGELOG.md").read_text()


@pytest.mark.parametrize(("current", "target", "pre", "message"), [
    ("1.2.3", "minr", None, "unknown version part 'minr'"),
    ("1.2.3", "v1.3.0", None, "'v1.3.0' is not canonical: write '1.3.0'"),
    ("1.2.3", "1.3.0-RC1", None, "write '1.3.0rc1'"),
    ("1.2.3", "1.3.x", None, "'1.3.x' is not a PEP 440 version"),
    ("1.2.3", "1.3.0+local", None, "local part"),
    ("1.2.3", None, None, "say what to bump"),
    ("1.2.3", None, "rc", "1.2.3 is a final release"),
    ("1.2.3", "dev", "rc", "dev and --pre do not combine"),
    ("1.2.3", "post", "rc", "post and --pre do not combine"),
    ("1.2.4.dev0", "post", None, "1.2.4.dev0 leads up to 1.2.4, which is not released yet"),
    ("1.2.3", "pots", None, "unknown version part 'pots'"),
    ("1.2.3", "1.3.0", "rc", "--pre goes with patch, minor or major"),
    ("1.2.3", "calver", "rc", "calver and --pre do not combine"),
])
def test_next_version_refuses(current: str, target: str | None, pre: str | None,
                              message: str) -> None:
    """Unknown words, non-canonical or invalid versions and bad combinations are usage errors."""
    with pytest.raises(UsageError) as caught:
        next_version(Version(current), target, pre)
    assert message in caught.value.message
    assert caught.value.hint


@pytest.mark.parametrize(("current", "target", "pre", "nox", "cli"), [
    ("1.2.4.dev0", "post", None, "release 1.2.4 first: nox -s bump -- patch",
     "release 1.2.4 first: publish-checks bump patch"),
    ("1.2.3", None, "rc", "name the part too, e.g. nox -s bump -- minor --pre rc",
     "name the part too, e.g. publish-checks bump minor --pre rc"),
    ("1.2.3", "1.3.0+local", None, "nox -s bump -- 1.3.0", "publish-checks bump 1.3.0"),
    ("1.2.3", "dev", "rc", "nox -s bump -- dev, or nox -s bump -- patch --pre rc",
     "publish-checks bump dev, or publish-checks bump patch --pre rc"),
], ids=["post-of-dev", "pre-of-final", "local", "dev-and-pre"])
def test_a_refusals_hint_is_the_command_to_type(current: str, target: str | None,
                                                pre: str | None, nox: str, cli: str) -> None:
    """The fix of a refused bump is a command the user can type, in the front end in use."""
    for steps, hint in ((NOX_STEPS, nox), (CLI_STEPS, cli)):
        with pytest.raises(UsageError) as caught:
            next_version(Version(current), target, pre, steps)
        assert caught.value.hint == hint


def test_unknown_word_suggests_the_part(tmp_path: Path) -> None:
    """A misspelt part gets 'did you mean' in the hint."""
    with pytest.raises(UsageError) as caught:
        next_version(Version("1.0.0"), "mjaor")
    assert "did you mean 'major'?" in caught.value.hint


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_minor_rewrites_every_file(tmp_path: Path, newline: str) -> None:
    """VERSION, __version__ and the changelog (compare links too) change, byte for byte."""
    project = sample(tmp_path)
    (project.root / "CHANGELOG.md").write_bytes(CHANGELOG.replace("\n", newline).encode())
    summary = bump(project.root, "minor", today=TODAY)
    assert summary.splitlines()[0] == (
        "1.2.0 → 1.3.0: wrote VERSION, demo_pkg/__init__.py, CHANGELOG.md")
    assert "nox -s build" in summary and "nox -s publish" in summary
    assert "git commit -m 'Release 1.3.0'" in summary
    assert (project.root / "VERSION").read_bytes() == b"1.3.0\n"
    assert (project.root / "demo_pkg/__init__.py").read_text() == (
        '"""Demo."""\n\n__version__ = "1.3.0"\n')
    assert (project.root / "CHANGELOG.md").read_bytes() == RELEASED.replace("\n", newline).encode()


def test_bumped_project_passes_the_version_checks(tmp_path: Path) -> None:
    """After a bump, version-file, version-consistent and changelog-entry pass."""
    project = sample(tmp_path)
    bump(project.root, "patch", today=TODAY)
    statuses = {r.id: r.status.value for r in project.verify().checks}
    assert statuses["version-file"] == "pass"
    assert statuses["version-consistent"] == "pass"
    assert statuses["changelog-entry"] == "pass"


def test_changelog_without_links_and_with_plain_heading(tmp_path: Path) -> None:
    """'## Unreleased' without brackets or links becomes '## X.Y.Z', undated as the latest
    release's heading is (six, for one, dates none)."""
    project = sample(tmp_path, "# Changes\n\n## Unreleased\n\n- Fixed a bug.\n\n## 1.2.0\n\n- x\n")
    bump(project.root, "patch", today=TODAY)
    assert (project.root / "CHANGELOG.md").read_text() == (
        "# Changes\n\n## Unreleased\n\n## 1.2.1\n\n- Fixed a bug.\n\n"
        "## 1.2.0\n\n- x\n")


def test_rst_changelog_with_unreleased_title(tmp_path: Path) -> None:
    """An underlined reST 'Unreleased' title gets a dated 'X.Y.Z (date)' title below a fresh one."""
    project = sample(tmp_path)
    (project.root / "CHANGELOG.md").unlink()
    project.write("CHANGES.rst", "Changes\n=======\n\nUnreleased\n----------\n\n- Fixed.\n\n"
                                 "1.2.0 (2026-01-01)\n------------------\n\n- First.\n")
    bump(project.root, "minor", today=TODAY)
    assert (project.root / "CHANGES.rst").read_text() == (
        "Changes\n=======\n\nUnreleased\n----------\n\n1.3.0 (2026-05-04)\n------------------\n\n"
        "- Fixed.\n\n1.2.0 (2026-01-01)\n------------------\n\n- First.\n")


def test_unreleased_link_that_is_not_a_compare_link_is_left_alone(tmp_path: Path) -> None:
    """An [Unreleased] link of another shape is kept and the summary says so."""
    text = "## [Unreleased]\n\n- New.\n\n[Unreleased]: https://example.org/changes\n"
    project = sample(tmp_path, text)
    summary = bump(project.root, "patch", today=TODAY)
    assert "left the [Unreleased] link of CHANGELOG.md as it was" in summary
    assert (project.root / "CHANGELOG.md").read_text() == (
        "## [Unreleased]\n\n## [1.2.1] - 2026-05-04\n\n- New.\n\n"
        "[Unreleased]: https://example.org/changes\n")


def test_project_version_in_pyproject(tmp_path: Path) -> None:
    """[project].version is edited on its line only; the rest of pyproject.toml is kept."""
    project = sample(tmp_path)
    (project.root / "VERSION").unlink()
    project.write("pyproject.toml", STATIC_PYPROJECT)
    summary = bump(project.root, "major", today=TODAY)
    assert summary.startswith("1.2.0 → 2.0.0: wrote pyproject.toml, demo_pkg/__init__.py, ")
    assert (project.root / "pyproject.toml").read_text() == STATIC_PYPROJECT.replace(
        "'1.2.0'  #", "'2.0.0'  #")


def test_version_file_and_project_version_move_together(tmp_path: Path) -> None:
    """When both VERSION and [project].version exist, both are bumped."""
    project = sample(tmp_path)
    project.write("pyproject.toml", STATIC_PYPROJECT)
    bump(project.root, "patch", today=TODAY)
    assert (project.root / "VERSION").read_text() == "1.2.1\n"
    assert "version   =   '1.2.1'" in (project.root / "pyproject.toml").read_text()


def test_configured_version_file_without_dunder_version(tmp_path: Path) -> None:
    """The configured version-file is the one written; no __version__ means no package edit."""
    project = SampleProject.create(tmp_path / "demo", extra_config=(
        '\n[tool.publish-checks]\nversion-file = "src/version.txt"\n'))
    project.write("src/version.txt", "1.2.0")
    project.write("demo_pkg/__init__.py", '"""No version here."""\n')
    project.write("CHANGELOG.md", CHANGELOG)
    summary = bump(project.root, "1.2.5", today=TODAY)
    assert summary.splitlines()[0] == "1.2.0 → 1.2.5: wrote src/version.txt, CHANGELOG.md"
    assert (project.root / "src/version.txt").read_text() == "1.2.5"


@pytest.mark.parametrize(("changelog", "message"), [
    (None, "the Unreleased section of CHANGELOG.md (line 3) is empty"),
    ("# Changelog\n\n## [1.2.0] - 2026-01-01\n\n- x\n", "has no Unreleased section"),
    ("# Changelog\n\n## [Unreleased]\n\n- y\n\n## [1.3.0]\n\n- x\n", "already has a section"),
])
def test_changelog_refusals_write_nothing(tmp_path: Path, changelog: str | None,
                                          message: str) -> None:
    """An empty or missing Unreleased section, or an existing section, leaves every file as is."""
    project = SampleProject.create(tmp_path / "demo")  # its Unreleased section is empty
    if changelog is not None:
        project.write("CHANGELOG.md", changelog)
    before = files(project.root)
    with pytest.raises(PublishChecksError) as caught:
        bump(project.root, "minor", today=TODAY)
    assert message in caught.value.message
    assert files(project.root) == before


def test_rst_changelog_without_unreleased_is_refused(tmp_path: Path) -> None:
    """A reST changelog with no Unreleased title is refused with the heading to add."""
    project = sample(tmp_path)
    (project.root / "CHANGELOG.md").unlink()
    project.write("CHANGES.rst", "1.2.0 (2026-01-01)\n------------------\n\n- First.\n")
    before = files(project.root)
    with pytest.raises(PublishChecksError, match=r"CHANGES\.rst has no Unreleased section"):
        bump(project.root, "minor", today=TODAY)
    assert files(project.root) == before


@pytest.mark.parametrize(("target", "message"), [
    ("1.2.0", "1.2.0 is not greater than the current version 1.2.0"),
    ("1.1.9", "1.1.9 is not greater"),
    ("1.2.0.dev1", "is not greater"),
    ("1.2", "1.2 is not greater"),
])
def test_not_greater_is_refused(tmp_path: Path, target: str, message: str) -> None:
    """A version not above the current one is a usage error and nothing is written."""
    project = sample(tmp_path)
    before = files(project.root)
    with pytest.raises(UsageError) as caught:
        bump(project.root, target, today=TODAY)
    assert message in caught.value.message
    assert "e.g. 1.2.1" in caught.value.hint
    assert files(project.root) == before


def test_pre_release_moving_backwards_is_refused(tmp_path: Path) -> None:
    """--pre a from an rc would go down (1.3.0a1 < 1.3.0rc1) and is refused."""
    project = sample(tmp_path)
    project.write("VERSION", "1.3.0rc1\n")
    with pytest.raises(UsageError, match=r"1\.3\.0a1 is not greater than the current version"):
        bump(project.root, None, pre="a", today=TODAY)


@pytest.mark.parametrize(("build_extra", "message"), [
    ('[tool.setuptools_scm]\n', "dynamic (setuptools-scm): it comes from git tags"),
    ('[tool.setuptools.dynamic]\nversion = { attr = "demo_pkg.computed" }\n',
     "bump edits only a VERSION file"),
])
def test_dynamic_version_is_refused(tmp_path: Path, build_extra: str, message: str) -> None:
    """A version from git tags or a computed attr: value has no literal bump can edit."""
    project = sample(tmp_path)
    project.write("demo_pkg/__init__.py", 'computed = ".".join(["1", "2", "0"])\n')
    (project.root / "VERSION").unlink()
    project.write("pyproject.toml", '[project]\nname = "demo-pkg"\ndynamic = ["version"]\n\n'
                  + build_extra)
    before = files(project.root)
    with pytest.raises(PublishChecksError) as caught:
        bump(project.root, "patch", today=TODAY)
    assert message in caught.value.message
    assert caught.value.exit_code == 2
    assert files(project.root) == before


def test_commit_commits_exactly_the_bumped_files(tmp_path: Path) -> None:
    """--commit makes 'Release X.Y.Z' of the three files, leaving other staged work staged."""
    project = sample(tmp_path)
    project.commit("initial")
    project.write("notes.txt", "unrelated\n")
    project.git("add", "notes.txt")
    summary = bump(project.root, "minor", commit=True, today=TODAY)
    assert "committed" in summary and "git commit" not in summary
    assert project.git("log", "-1", "--format=%s") == "Release 1.3.0"
    assert project.git("show", "--name-only", "--format=", "HEAD").splitlines() == [
        "CHANGELOG.md", "VERSION", "demo_pkg/__init__.py"]
    assert project.git("status", "--porcelain") == "A  notes.txt"


@pytest.mark.parametrize(("change", "message"), [
    ("edit", "uncommitted changes in CHANGELOG.md: --commit would sweep them"),
    ("untracked", "not tracked by git: demo_pkg/__init__.py, CHANGELOG.md"),
])
def test_commit_refuses_other_changes_in_its_files(tmp_path: Path, change: str,
                                                   message: str) -> None:
    """--commit refuses when a file it would commit holds other uncommitted changes."""
    project = sample(tmp_path)
    if change == "untracked":
        project.git("add", "VERSION")
        project.git("commit", "-q", "-m", "only VERSION")
    else:
        project.commit("initial")
        project.write("CHANGELOG.md", CHANGELOG.replace("- The bump session.", "- Edited."))
    before = files(project.root)
    with pytest.raises(PublishChecksError) as caught:
        bump(project.root, "minor", commit=True, today=TODAY)
    assert message in caught.value.message
    assert files(project.root) == before


def test_commit_outside_git_is_refused(tmp_path: Path) -> None:
    """--commit in a folder that is not a git repository is refused before writing."""
    project = sample(tmp_path)
    (project.root / ".git").rename(project.root / "not-git")
    with pytest.raises(PublishChecksError, match="needs a git repository"):
        bump(project.root, "minor", commit=True, today=TODAY)


def test_failed_write_restores_the_files_already_written(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """If the second rename fails, the first file is put back: the project is never half bumped."""
    project = sample(tmp_path)
    before = files(project.root)
    real_replace, calls = os.replace, []

    def flaky_replace(src: Any, dst: Any) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky_replace)
    with pytest.raises(ReleaseError, match="nothing was changed"):
        bump(project.root, "minor", today=TODAY)
    assert len(calls) == 3  # VERSION written, __init__.py failed, VERSION restored
    assert files(project.root) == before  # and no temporary file is left behind


def test_failed_restore_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If restoring fails too, the error names the file that holds the new version, whole."""
    project = sample(tmp_path)
    real_replace, calls = os.replace, []

    def failing_replace(src: Any, dst: Any) -> None:
        calls.append(dst)
        if len(calls) >= 2:
            raise OSError(5, "Input/output error", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(ReleaseError, match="could not be restored") as caught:
        bump(project.root, "minor", today=TODAY)
    assert "VERSION" in caught.value.message
    assert (project.root / "VERSION").read_text() == "1.3.0\n"
    assert (project.root / "CHANGELOG.md").read_text() == CHANGELOG
    assert [name for name in files(project.root) if name.endswith(".tmp")] == []


@pytest.mark.parametrize(("argv", "code", "stream", "text"), [
    (["bump", "minor"], 0, "out", "1.2.0 → 1.3.0: wrote VERSION"),
    (["bump"], 2, "err", "error: say what to bump"),
    (["bump", "minr"], 2, "err", "fix: did you mean 'minor'?"),
    (["bump", "1.0.0"], 2, "err", "error: 1.0.0 is not greater"),
    (["bump", "--pre", "x"], 2, "err", "invalid choice"),
])
def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
                        code: int, stream: str, text: str) -> None:
    """publish-checks bump prints the summary (0) or a usage error with its fix (2)."""
    project = sample(tmp_path)
    assert _cli.main([*argv, "--project", str(project.root)]) == code
    captured = capsys.readouterr()
    assert text in (captured.out if stream == "out" else captured.err)


def test_cli_refusal_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An empty Unreleased section is a refusal with exit status 1, not a traceback."""
    project = SampleProject.create(tmp_path / "demo")
    assert _cli.main(["bump", "patch", "--project", str(project.root)]) == 1
    assert "is empty: there is nothing to release" in capsys.readouterr().err


class FakeSession:
    """The parts of nox.Session the bump session uses."""

    def __init__(self, posargs: list[str]) -> None:
        self.posargs = posargs
        self.logged: list[str] = []

    def log(self, message: str) -> None:
        self.logged.append(message)

    def error(self, message: str) -> None:
        raise SystemExit(message)


def test_session_logs_the_summary(tmp_path: Path) -> None:
    """nox -s bump -- minor logs the same summary the CLI prints."""
    project = sample(tmp_path)
    session = FakeSession(["minor", "--project", str(project.root)])
    _sessions.BODIES["bump"](session)  # type: ignore[arg-type]
    assert session.logged[0].startswith("1.2.0 → 1.3.0: wrote VERSION")


def test_session_errors_with_message_and_fix(tmp_path: Path) -> None:
    """A refusal becomes session.error with the message and the fix."""
    project = SampleProject.create(tmp_path / "demo")
    with pytest.raises(SystemExit, match="nothing to release — list what changed"):
        _sessions.BODIES["bump"](FakeSession(["patch", "--project", str(project.root)]))  # type: ignore[arg-type]


def test_bump_edits_the_file_a_hatch_backend_reads(tmp_path: Path) -> None:
    """With [tool.hatch.version] path, bump rewrites that file's assignment (not a comment
    that names the same version) and the changelog."""
    from tests.builders import SampleProject

    project = SampleProject.create(tmp_path / "h")
    (project.root / "VERSION").unlink()
    project.write("pyproject.toml", '[build-system]\nrequires = ["hatchling"]\n'
                  'build-backend = "hatchling.build"\n\n[project]\nname = "demo-pkg"\n'
                  'dynamic = ["version"]\n\n[tool.hatch.version]\n'
                  'path = "demo_pkg/__about__.py"\n')
    project.write("demo_pkg/__about__.py",
                  '# reads files written by 1.2.0\n__version__ = "1.2.0"\n')
    project.write("CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n\n- New.\n\n"
                  "## [1.2.0] - 2026-01-01\n\n- Old.\n")
    summary = bump(project.root, "minor", today=datetime.date(2026, 11, 25))
    assert "1.2.0 → 1.3.0" in summary
    assert (project.root / "demo_pkg/__about__.py").read_text() == (
        '# reads files written by 1.2.0\n__version__ = "1.3.0"\n')
    assert "## [1.3.0] - 2026-11-25" in (project.root / "CHANGELOG.md").read_text()


# Where other build backends read the version (issue 8) -------------------------------------

CHANGELOG_05 = ("# Changelog\n\n## [Unreleased]\n\n- The next feature.\n\n"
                "## [0.5.0] - 2026-01-01\n\n- The first feature.\n")
BUILD_FILE = "BUILD = '{prefix}0.5.0'\n"

# (files written, files removed, the file bump must edit, what that file must then say)
BUMPED_SOURCES: dict[str, tuple[dict[str, str], tuple[str, ...], str, str]] = {
    "hatch.toml": ({"pyproject.toml": HATCH_BARE,
                    "hatch.toml": '[version]\npath = "demo_pkg/__about__.py"\n',
                    "demo_pkg/__about__.py": '# 0.5.0 was the first\n__version__ = "0.5.0"\n'},
                   (), "demo_pkg/__about__.py", '# 0.5.0 was the first\n__version__ = "0.6.0"\n'),
    "hatch-pattern": ({"pyproject.toml": HATCH.replace("src/demo_pkg/__about__.py",
                                                      "demo_pkg/_build.py")
                       + "pattern = \"BUILD = 'b(?P<version>[^']+)'\"\n",
                       "demo_pkg/_build.py": BUILD_FILE.format(prefix="b")}, (),
                      "demo_pkg/_build.py", "BUILD = 'b0.6.0'\n"),
    "setup.cfg-literal": ({"pyproject.toml": SETUPTOOLS_BARE,
                           "setup.cfg": SETUP_CFG.format(version="0.5.0")
                           + "\n[tool:other]\nversion = 0.5.0\n"}, (), "setup.cfg",
                          SETUP_CFG.format(version="0.6.0") + "\n[tool:other]\nversion = 0.5.0\n"),
    "setup.cfg-attr-src": ({"pyproject.toml": SETUPTOOLS_BARE,
                            "setup.cfg": SETUP_CFG.format(version="attr: demo_pkg.__version__")
                            + "package_dir =\n    =src\n",
                            "src/demo_pkg/__init__.py": ABOUT}, (), "src/demo_pkg/__init__.py",
                           ABOUT.replace("0.5.0", "0.6.0")),
    "setup.cfg-file-no-pyproject": ({"setup.cfg": SETUP_CFG.format(version="file: RELEASE.txt"),
                                     "setup.py": "from setuptools import setup\nsetup()\n",
                                     "RELEASE.txt": "0.5.0\n"}, ("pyproject.toml",),
                                    "RELEASE.txt", "0.6.0\n"),
    "pdm-file": ({"pyproject.toml": PDM + '[tool.pdm.version]\nsource = "file"\n'
                  'path = "src/demo_pkg/__init__.py"\n',
                  "src/demo_pkg/__init__.py": '__version__ = "0.5.0"  # the release\n'}, (),
                 "src/demo_pkg/__init__.py", '__version__ = "0.6.0"  # the release\n'),
    "pdm-pattern": ({"pyproject.toml": PDM + '[tool.pdm.version]\nsource = "file"\n'
                     'path = "demo_pkg/_build.py"\npattern = "BUILD = \'(.+)\'"\n',
                     "demo_pkg/_build.py": BUILD_FILE.format(prefix="")}, (),
                    "demo_pkg/_build.py", "BUILD = '0.6.0'\n"),
    "poetry": ({"pyproject.toml": POETRY.format(version="0.5.0")}, (), "pyproject.toml",
               POETRY.format(version="0.5.0").replace('version = "0.5.0"\ndescription',
                                                      'version = "0.6.0"\ndescription')),
    "poetry-2-dynamic": ({"pyproject.toml": POETRY_2}, (), "pyproject.toml",
                         POETRY_2.replace("0.5.0", "0.6.0")),
}


def backend_sample(tmp_path: Path, case: str) -> SampleProject:
    """The 0.5.0 sample with the case's version source and a changelog to release."""
    files, removed, _, _ = BUMPED_SOURCES[case]
    project = config_project(tmp_path, {**files, "CHANGELOG.md": CHANGELOG_05}, removed)
    return project


@pytest.mark.parametrize("case", list(BUMPED_SOURCES))
def test_bump_writes_where_the_backend_reads_the_version(tmp_path: Path, case: str) -> None:
    """bump edits exactly the file and line the backend reads (hatch.toml's path, a hatch or
    pdm pattern, setup.cfg's literal, attr: or file:, [tool.poetry]), and nothing else."""
    _, _, edited, expected = BUMPED_SOURCES[case]
    project = backend_sample(tmp_path, case)
    before = files(project.root)
    summary = bump(project.root, "minor", today=TODAY)
    assert summary.splitlines()[0] == f"0.5.0 → 0.6.0: wrote {edited}, CHANGELOG.md"
    after = files(project.root)
    assert after[edited].decode() == expected
    assert {name for name in after if after[name] != before.get(name)} == {
        edited, "CHANGELOG.md"}
    report = project.verify()
    assert report.version == "0.6.0"
    assert report.get("version-consistent").status is Status.PASS
    assert report.get("changelog-entry").status is Status.PASS


def test_bump_keeps_a_byte_order_mark_and_crlf_in_setup_cfg(tmp_path: Path) -> None:
    """setup.cfg saved with a BOM and Windows line ends keeps both; only the version moves."""
    project = backend_sample(tmp_path, "setup.cfg-literal")
    text = "\ufeff" + SETUP_CFG.format(version="0.5.0").replace("\n", "\r\n")
    (project.root / "setup.cfg").write_bytes(text.encode())
    bump(project.root, "patch", today=TODAY)
    assert (project.root / "setup.cfg").read_bytes() == text.replace("0.5.0", "0.5.1").encode()


def test_a_poetry_version_bump_cannot_place_is_refused(tmp_path: Path) -> None:
    """[tool.poetry] written as an inline table has no version line to edit: refuse, write
    nothing."""
    project = backend_sample(tmp_path, "poetry")
    project.write("pyproject.toml", POETRY.split("[tool.poetry]")[0]
                  + '[tool]\npoetry = { name = "demo-pkg", version = "0.5.0" }\n')
    before = files(project.root)
    with pytest.raises(PublishChecksError) as caught:
        bump(project.root, "patch", today=TODAY)
    assert caught.value.message == ("cannot find the one line that sets [tool.poetry].version "
                                    "to '0.5.0'")
    assert caught.value.hint == "set it to 0.5.1 by hand"
    assert files(project.root) == before


@pytest.mark.parametrize("case", list(VCS_SOURCES))
def test_versions_from_git_tags_are_not_bumped(tmp_path: Path, case: str) -> None:
    """pdm-backend's scm source, poetry-dynamic-versioning and hatch.toml's vcs source have
    no file to bump: refuse and say to tag, writing nothing."""
    files_, label = VCS_SOURCES[case]
    project = config_project(tmp_path, {**files_, "CHANGELOG.md": CHANGELOG_05})
    before = files(project.root)
    with pytest.raises(PublishChecksError) as caught:
        bump(project.root, "patch", today=TODAY)
    assert caught.value.message == (f"the version is {label}: it comes from git tags, so there "
                                    "is no file to bump")
    assert files(project.root) == before


# The new heading follows the latest release's form --------------------------------------


@pytest.mark.parametrize(("name", "text", "released"), [
    ("CHANGES.rst", "Unreleased\n----------\n\n- Fixed.\n\n"
     "demo-pkg 1.2.0 (2026-01-01)\n---------------------------\n\n- First.\n",
     "demo-pkg 1.3.0 (2026-05-04)\n---------------------------\n"),
    ("CHANGES.rst", "Unreleased\n~~~~~~~~~~\n\n- Fixed.\n\n1.2.0 - 2026-01-01\n"
     "~~~~~~~~~~~~~~~~~~\n\n- First.\n", "1.3.0 - 2026-05-04\n~~~~~~~~~~~~~~~~~~\n"),
    ("CHANGELOG.md", "## Unreleased\n\n- Fixed.\n\n## Demo_Pkg 1.2.0 (2026-01-01)\n\n- First.\n",
     "## Demo_Pkg 1.3.0 (2026-05-04)\n"),
], ids=["towncrier-rest", "packaging-dash", "towncrier-markdown"])
def test_bump_writes_the_heading_the_way_the_last_release_has_it(tmp_path: Path, name: str,
                                                                 text: str,
                                                                 released: str) -> None:
    """The new heading takes the project's name (as spelt) and the date style of the latest
    release's heading, and changelog-entry then finds it."""
    project = sample(tmp_path)
    (project.root / "CHANGELOG.md").unlink()
    project.write(name, text)
    bump(project.root, "minor", today=TODAY)
    written = (project.root / name).read_text()
    assert written == text.replace("- Fixed.\n", released + "\n- Fixed.\n", 1)
    project.commit()
    result = project.verify().get("changelog-entry")
    assert result.status is Status.PASS, result.summary


# Real changelogs' shapes, each with an open section as that project writes one, and the
# release heading bump must write (today: 2026-05-04).
REAL_STYLES: dict[str, tuple[str, str, str, str]] = {
    "click-unreleased": (
        "CHANGES.md", "## Unreleased\n\n- Fix a thing. {pr}`9`\n\n## Version 1.2.0\n\n"
        "Released 2025-11-09\n\n- Fix copy. {pr}`3805`\n",
        "## Unreleased\n\n## Version 1.2.1\n\nReleased 2026-05-04\n\n- Fix a thing. {pr}`9`\n\n"
        "## Version 1.2.0\n\nReleased 2025-11-09\n\n- Fix copy. {pr}`3805`\n", "patch"),
    "click-pallets-open": (
        "CHANGES.md", "## Version 1.2.1\n\nUnreleased\n\n- Fix a thing.\n\n## Version 1.2.0\n\n"
        "Released 2025-11-09\n\n- Fix copy.\n",
        "## Version 1.2.1\n\nReleased 2026-05-04\n\n- Fix a thing.\n\n## Version 1.2.0\n\n"
        "Released 2025-11-09\n\n- Fix copy.\n", "patch"),
    "markupsafe-rest-pallets": (
        "CHANGES.rst", "Version 1.3.0\n-------------\n\nUnreleased\n\n-   Fix.\n\n\n"
        "Version 1.2.0\n-------------\n\nReleased 2025-10-02\n\n-   Old.\n",
        "Version 1.3.0\n-------------\n\nReleased 2026-05-04\n\n-   Fix.\n\n\n"
        "Version 1.2.0\n-------------\n\nReleased 2025-10-02\n\n-   Old.\n", "minor"),
    "requests-dev": (
        "HISTORY.md", "Release History\n===============\n\ndev\n---\n\n- Fixed. (#9)\n\n\n"
        "1.2.0 (2025-05-14)\n-------------------\n- Old. (#1)\n",
        "Release History\n===============\n\ndev\n---\n\n1.2.1 (2026-05-04)\n"
        "------------------\n\n- Fixed. (#9)\n\n\n1.2.0 (2025-05-14)\n-------------------\n"
        "- Old. (#1)\n", "patch"),
    "pyyaml-plain": (
        "CHANGES", "For a complete changelog, see:\n\n* https://e.invalid/commits/\n\n"
        "1.2.1 (unreleased)\n\n* https://e.invalid/pull/9 -- Fix\n\n1.2.0 (2025-11-20)\n\n"
        "* https://e.invalid/pull/1 -- Old\n",
        "For a complete changelog, see:\n\n* https://e.invalid/commits/\n\n"
        "1.2.1 (2026-05-04)\n\n* https://e.invalid/pull/9 -- Fix\n\n1.2.0 (2025-11-20)\n\n"
        "* https://e.invalid/pull/1 -- Old\n", "patch"),
    "simplejson-plain": (
        "CHANGES.txt", "Unreleased\n\n* Fix\n  https://e.invalid/pull/9\n\n"
        "Version 1.2.0 released 2025-11-10\n\n* Old\n",
        "Unreleased\n\nVersion 1.2.1 released 2026-05-04\n\n* Fix\n  https://e.invalid/pull/9\n\n"
        "Version 1.2.0 released 2025-11-10\n\n* Old\n", "patch"),
    "httpx-date-words": (
        "CHANGELOG.md", "# Changelog\n\n## Unreleased\n\n* Fix.\n\n## 1.2.0 (26 November, 2025)"
        "\n\n* Old.\n",
        "# Changelog\n\n## Unreleased\n\n## 1.2.1 (4 May, 2026)\n\n* Fix.\n\n"
        "## 1.2.0 (26 November, 2025)\n\n* Old.\n", "patch"),
    "structlog-link-title": (
        "CHANGELOG.md", "## [Unreleased](https://g.invalid/compare/1.2.0...HEAD)\n\n- Fix.\n\n"
        "## [1.2.0](https://g.invalid/compare/1.1.0...1.2.0) - 2025-06-06\n\n- Old.\n",
        "## [Unreleased](https://g.invalid/compare/1.2.1...HEAD)\n\n"
        "## [1.2.1](https://g.invalid/compare/1.2.0...1.2.1) - 2026-05-04\n\n- Fix.\n\n"
        "## [1.2.0](https://g.invalid/compare/1.1.0...1.2.0) - 2025-06-06\n\n- Old.\n", "patch"),
    "psutil-date-line": (
        "HISTORY.rst", "1.2.1 (IN DEVELOPMENT)\n======================\n\n- 9_: fix.\n\n"
        "1.2.0\n=====\n\n2026-01-18\n\n- 1_: old.\n",
        "1.2.1\n=====\n\n2026-05-04\n\n- 9_: fix.\n\n1.2.0\n=====\n\n2026-01-18\n\n- 1_: old.\n",
        "patch"),
    "pluggy-towncrier-named": (
        "CHANGELOG.rst", "Unreleased\n==========\n\n- Fix.\n\ndemo-pkg 1.2.0 (2025-10-14)\n"
        "===========================\n\n- Old.\n",
        "Unreleased\n==========\n\ndemo-pkg 1.3.0 (2026-05-04)\n===========================\n\n"
        "- Fix.\n\ndemo-pkg 1.2.0 (2025-10-14)\n===========================\n\n- Old.\n", "minor"),
}


@pytest.mark.parametrize("case", list(REAL_STYLES))
def test_bump_writes_each_real_projects_heading_style(tmp_path: Path, case: str) -> None:
    """The open section becomes the release's with the latest release's words, date format,
    date line, brackets and links, underline (as long as the title) or plain line; then
    changelog-entry passes for the new version."""
    name, text, expected, part = REAL_STYLES[case]
    project = sample(tmp_path)
    (project.root / "CHANGELOG.md").unlink()
    project.write(name, text)
    project.write("VERSION", "1.2.0\n")
    bump(project.root, part, today=TODAY)
    assert (project.root / name).read_text() == expected
    project.commit()
    result = project.verify().get("changelog-entry")
    assert result.status is Status.PASS, result.summary


def test_dev_opens_a_pallets_section_where_releases_have_a_date_line(tmp_path: Path) -> None:
    """With click's 'Version X' over 'Released …', bump dev opens 'Version X.Y.Z+1' over
    'Unreleased', and the next patch dates it in place."""
    project = sample(tmp_path, "## Version 1.2.0\n\nReleased 2025-11-09\n\n- Old.\n")
    bump(project.root, "dev", today=TODAY)
    assert (project.root / "CHANGELOG.md").read_text() == (
        "## Version 1.2.1\n\nUnreleased\n\n## Version 1.2.0\n\nReleased 2025-11-09\n\n- Old.\n")
    project.write("CHANGELOG.md", (project.root / "CHANGELOG.md").read_text().replace(
        "Unreleased\n\n", "Unreleased\n\n- New.\n\n"))
    bump(project.root, "patch", today=TODAY)
    assert (project.root / "CHANGELOG.md").read_text().startswith(
        "## Version 1.2.1\n\nReleased 2026-05-04\n\n- New.\n\n## Version 1.2.0\n")


def test_bump_refuses_a_release_already_headed_with_the_name(tmp_path: Path) -> None:
    """A 'demo-pkg 1.3.0' section already there is the 1.3.0 section: refuse, write nothing."""
    project = sample(tmp_path, "# Changelog\n\n## [Unreleased]\n\n- y\n\n"
                               "## demo-pkg 1.3.0 (2026-02-01)\n\n- x\n")
    before = files(project.root)
    with pytest.raises(PublishChecksError, match=r"already has a section for 1\.3\.0 \(line 7\)"):
        bump(project.root, "minor", today=TODAY)
    assert files(project.root) == before


def test_a_long_compare_link_is_read_in_linear_time(tmp_path: Path) -> None:
    """A 100,000-character [Unreleased] link is handled within a second, and left alone."""
    link = "[Unreleased]: https://x/" + "compare/..." * 10_000 + " " * 100_000 + "x\n"
    project = sample(tmp_path, "# Changelog\n\n## [Unreleased]\n\n- New.\n\n" + link)
    started = time.perf_counter()
    summary = bump(project.root, "patch", today=TODAY)
    assert time.perf_counter() - started < 1
    assert "left the [Unreleased] link of CHANGELOG.md as it was" in summary


# Real builds: the built wheel carries the version bump wrote ------------------------------

REAL_BUILDS = {
    "hatch.toml": {"pyproject.toml": HATCH_BARE, "hatch.toml":
                   '[version]\npath = "demo_pkg/__init__.py"\n'},
    "setup.cfg-attr": {"pyproject.toml": SETUPTOOLS_BARE,
                       "setup.cfg": SETUP_CFG.format(version="attr: demo_pkg.__version__")},
    "poetry": {"pyproject.toml": POETRY.split("\n[tool.poetry.dependencies.demo-plugin]")[0]
               .format(version="0.5.0")},
}


def built_version(project: SampleProject) -> str:
    """The version in the wheel `python -m build --wheel` makes of the project, in dist/."""
    dist = project.root / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    python_build(project.root, dist, "--wheel")
    (wheel,) = dist.glob("*.whl")
    return wheel.name.split("-")[1]


@pytest.mark.slow
@pytest.mark.parametrize("case", list(REAL_BUILDS))
def test_the_backend_builds_the_version_read_and_then_the_one_bumped(tmp_path: Path,
                                                                    case: str) -> None:
    """hatchling (hatch.toml), setuptools (setup.cfg attr:) and poetry-core build the version
    publish-checks reads; after bump they build the new one, and the checks agree both times."""
    project = config_project(tmp_path, {**REAL_BUILDS[case], "CHANGELOG.md": CHANGELOG_05,
                                        "demo_pkg/__init__.py": '__version__ = "0.5.0"\n'})
    assert built_version(project) == "0.5.0"
    assert project.verify().get("version-consistent").status is Status.PASS
    bump(project.root, "minor", today=TODAY)
    assert built_version(project) == "0.6.0"
    report = project.verify()
    assert report.version == "0.6.0"
    assert report.get("version-consistent").status is Status.PASS
    assert "dist/" in report.get("version-consistent").summary


# After a release: dev opens the next cycle, post re-releases (issue 10) -------------------

AFTER_RELEASE = """\
# Changelog

## [1.2.0] - 2026-01-01

### Added

- The first feature.

[1.2.0]: https://github.com/o/r/compare/v1.1.0...v1.2.0
[1.1.0]: https://github.com/o/r/releases/tag/v1.1.0
"""


def test_dev_after_a_release_opens_an_empty_unreleased_section(tmp_path: Path) -> None:
    """With no Unreleased section, bump dev gives X.Y.(Z+1).dev0 and adds an empty
    '## [Unreleased]' above the release, with its compare link; nothing is dated."""
    project = sample(tmp_path, AFTER_RELEASE)
    summary = bump(project.root, "dev", today=TODAY)
    assert summary.splitlines() == [
        "1.2.0 → 1.2.1.dev0: wrote VERSION, demo_pkg/__init__.py, CHANGELOG.md",
        "opened an empty Unreleased section in CHANGELOG.md", "next:",
        "  git commit -m 'Development version 1.2.1.dev0' -- VERSION demo_pkg/__init__.py "
        "CHANGELOG.md",
        "  list what changes under Unreleased; to release 1.2.1: nox -s bump -- patch"]
    assert (project.root / "VERSION").read_text() == "1.2.1.dev0\n"
    assert (project.root / "CHANGELOG.md").read_text() == AFTER_RELEASE.replace(
        "## [1.2.0]", "## [Unreleased]\n\n## [1.2.0]").replace(
        "[1.2.0]: ", "[Unreleased]: https://github.com/o/r/compare/v1.2.0...HEAD\n[1.2.0]: ")
    assert "2026-05-04" not in (project.root / "CHANGELOG.md").read_text()


def test_dev_keeps_an_open_unreleased_section_as_it_is(tmp_path: Path) -> None:
    """An empty Unreleased section (the sample's, just after 1.2.0) is what a dev bump keeps:
    the changelog is not written, where patch refuses to release nothing."""
    project = SampleProject.create(tmp_path / "demo")
    changelog = (project.root / "CHANGELOG.md").read_bytes()
    with pytest.raises(PublishChecksError, match="is empty: there is nothing to release"):
        bump(project.root, "patch", today=TODAY)
    summary = bump(project.root, "dev", today=TODAY)
    assert summary.splitlines()[0] == "1.2.0 → 1.2.1.dev0: wrote VERSION, demo_pkg/__init__.py"
    assert (project.root / "CHANGELOG.md").read_bytes() == changelog
    summary = bump(project.root, "dev", today=TODAY)
    assert summary.splitlines()[0] == (
        "1.2.1.dev0 → 1.2.1.dev1: wrote VERSION, demo_pkg/__init__.py")
    assert (project.root / "CHANGELOG.md").read_bytes() == changelog


@pytest.mark.parametrize("target", ["dev", "1.3.0.dev0"])
def test_a_dev_version_never_dates_the_unreleased_entries(tmp_path: Path, target: str) -> None:
    """Entries under Unreleased stay there for the release to come, whether the dev version
    is asked for as a part or written out."""
    project = sample(tmp_path)
    bump(project.root, target, today=TODAY)
    assert (project.root / "CHANGELOG.md").read_text() == CHANGELOG


@pytest.mark.parametrize(("name", "text", "opened"), [
    ("CHANGELOG.md", "# Changes\n\n## 1.2.0 - 2026-01-01\n\n- x\n",
     "# Changes\n\n## Unreleased\n\n## 1.2.0 - 2026-01-01\n\n- x\n"),
    ("CHANGELOG.md", "## [1.2.0] - 2026-01-01\n\n- x\n\n"
     "[1.2.0]: https://github.com/o/r/releases/tag/v1.2.0\n",
     "## [Unreleased]\n\n## [1.2.0] - 2026-01-01\n\n- x\n\n"
     "[Unreleased]: https://github.com/o/r/compare/v1.2.0...HEAD\n"
     "[1.2.0]: https://github.com/o/r/releases/tag/v1.2.0\n"),
    ("CHANGES.rst", "Changes\n=======\n\n1.2.0 (2026-01-01)\n------------------\n\n- First.\n",
     "Changes\n=======\n\nUnreleased\n----------\n\n1.2.0 (2026-01-01)\n------------------\n\n"
     "- First.\n"),
    ("CHANGES.rst", "~~~~~~~~~~~~~~~~~~\n1.2.0 (2026-01-01)\n~~~~~~~~~~~~~~~~~~\n\n- First.\n",
     "~~~~~~~~~~\nUnreleased\n~~~~~~~~~~\n\n~~~~~~~~~~~~~~~~~~\n1.2.0 (2026-01-01)\n"
     "~~~~~~~~~~~~~~~~~~\n\n- First.\n"),
], ids=["plain-markdown", "release-tag-link", "rest", "rest-overlined"])
def test_dev_opens_unreleased_the_way_the_release_heading_is_written(
        tmp_path: Path, name: str, text: str, opened: str) -> None:
    """The new Unreleased heading copies the latest release's level, brackets and reST
    adornment, and changelog-entry still finds that release."""
    project = sample(tmp_path)
    (project.root / "CHANGELOG.md").unlink()
    project.write(name, text)
    bump(project.root, "dev", today=TODAY)
    assert (project.root / name).read_text() == opened
    project.write("VERSION", "1.2.0\n")
    project.write("demo_pkg/__init__.py", '"""Demo."""\n\n__version__ = "1.2.0"\n')
    project.commit()
    assert project.verify().get("changelog-entry").status is Status.PASS


def test_dev_without_a_release_heading_leaves_the_changelog_and_says_so(tmp_path: Path) -> None:
    """A changelog with no release heading gets no guessed section: the summary says to add
    one."""
    project = sample(tmp_path, "# Changelog\n\nNothing yet.\n")
    summary = bump(project.root, "dev", today=TODAY)
    assert summary.splitlines()[1] == ("CHANGELOG.md has no release heading to open an "
                                       "Unreleased section above: add one at its top")
    assert (project.root / "CHANGELOG.md").read_text() == "# Changelog\n\nNothing yet.\n"


def test_post_release_dates_the_unreleased_section_like_patch(tmp_path: Path) -> None:
    """bump post releases 1.2.0.post1: its Unreleased entries become a dated section, the
    compare links move on, and the version checks pass."""
    project = sample(tmp_path)
    summary = bump(project.root, "post", today=TODAY)
    assert summary.splitlines()[0] == (
        "1.2.0 → 1.2.0.post1: wrote VERSION, demo_pkg/__init__.py, CHANGELOG.md")
    assert "git commit -m 'Release 1.2.0.post1'" in summary
    assert (project.root / "CHANGELOG.md").read_text() == RELEASED.replace(
        "1.3.0", "1.2.0.post1")
    project.commit()
    report = project.verify()
    for check in ("version-file", "version-consistent", "changelog-entry"):
        assert report.get(check).status is Status.PASS, report.get(check).summary
    with pytest.raises(PublishChecksError, match="is empty: there is nothing to release"):
        bump(project.root, "post", today=TODAY)


def test_dev_commit_uses_a_development_message(tmp_path: Path) -> None:
    """bump dev --commit commits VERSION and __version__ as a development version, not a
    release."""
    project = SampleProject.create(tmp_path / "demo")
    project.commit("1.2.0")
    summary = bump(project.root, "dev", commit=True, today=TODAY)
    assert project.git("log", "-1", "--format=%s") == "Development version 1.2.1.dev0"
    assert project.git("show", "--name-only", "--format=", "HEAD").split() == [
        "VERSION", "demo_pkg/__init__.py"]
    assert "committed " in summary


def test_every_part_is_in_the_help_and_the_session_docstring(
        capsys: pytest.CaptureFixture[str]) -> None:
    """publish-checks bump --help and nox -l list dev and post beside the other parts."""
    assert _cli.main(["bump", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "patch|minor|major|dev|post|calver|X.Y.Z" in text
    assert "1.2.3 → 1.2.4.dev0" in text and "1.2.3 → 1.2.3.post1" in text
    doc = _sessions.BODIES["bump"].__doc__ or ""
    assert "patch|minor|major|dev|post|calver|X.Y.Z, --pre" in doc


@pytest.mark.e2e
def test_nox_bump_patch_writes_a_click_style_heading(tmp_path: Path) -> None:
    """Through real nox, `nox -s bump -- patch` on a project whose changelog is click's
    (`## Version X` over `Released …`) writes `## Version 1.2.1` over today's `Released`
    line, and the summary names the files."""
    project = sample(tmp_path, "## Unreleased\n\n- Fix a thing. {pr}`9`\n\n"
                               "## Version 1.2.0\n\nReleased 2025-11-09\n\n- Old. {pr}`1`\n")
    (project.root / "CHANGELOG.md").rename(project.root / "CHANGES.md")
    project.write("noxfile.py", NOXFILE)
    project.commit("click-style changelog")
    run = run_nox(project.root, tmp_path / "envs", "-s", "bump", "--", "patch")
    assert run.code == 0, run.output
    assert "1.2.0 → 1.2.1: wrote VERSION, demo_pkg/__init__.py, CHANGES.md" in run.output
    today = datetime.date.today().isoformat()
    assert (project.root / "CHANGES.md").read_text() == (
        f"## Unreleased\n\n## Version 1.2.1\n\nReleased {today}\n\n- Fix a thing. {{pr}}`9`\n\n"
        "## Version 1.2.0\n\nReleased 2025-11-09\n\n- Old. {pr}`1`\n")

"""Releasing a project whose version is not written in its tree — computed from git tags
(setuptools-scm, hatch-vcs) or set by setup.py — and so read from the built dists: the
fixes say to tag or to rebuild, never to write a section for a .devN version, to bump a
version no file holds, or to change a source back to what an older build said."""

from __future__ import annotations

from pathlib import Path

import pytest

from publish_checks import Status
from publish_checks._errors import PublishChecksError
from publish_checks.release.bump import bump
from tests.builders import SampleProject

SCM = '''\
[build-system]
requires = ["setuptools>=77", "setuptools-scm>=8"]
build-backend = "setuptools.build_meta"

[project]
name = "demo-pkg"
dynamic = ["version"]
description = "A demo package for publish-checks tests."
readme = "README.md"
requires-python = ">=3.10"
license = "MIT"

[tool.setuptools.packages.find]
include = ["demo_pkg*"]

[tool.setuptools_scm]
'''

# The user writes the section of the coming release, then tags (the scm order).
CHANGELOG_AHEAD = """\
# Changelog

## [1.3.0] - 2026-02-01

- The second feature.

## [1.2.0] - 2026-01-01

- The first feature.
"""


def scm_project(tmp_path: Path, changelog: str = CHANGELOG_AHEAD) -> SampleProject:
    """The sample project with its version from git tags: v1.2.0, then one commit more."""
    project = SampleProject.create(tmp_path / "demo")
    (project.root / "VERSION").unlink()
    project.write("pyproject.toml", SCM)
    project.write("demo_pkg/__init__.py", '"""Demo."""\n')
    project.commit("1.2.0")
    project.git("tag", "-a", "v1.2.0", "-m", "Release 1.2.0")
    project.write("CHANGELOG.md", changelog)
    project.commit("Prepare 1.3.0")
    return project


def dists(project: SampleProject, version: str) -> None:
    """dist/ as a build of ``version`` leaves it (names only: these checks read no archive)."""
    project.touch_dist(f"demo_pkg-{version}-py3-none-any.whl")
    project.touch_dist(f"demo_pkg-{version}.tar.gz")


# Built from an untagged commit -------------------------------------------------------------


@pytest.mark.slow
def test_an_untagged_scm_build_is_told_to_tag_before_building(tmp_path: Path) -> None:
    """setuptools-scm builds 1.3.1.dev1+gHASH on a commit past the tag: dists-metadata quotes
    PyPI's refusal and says to tag the release commit (the changelog's coming 1.3.0), not to
    "set a public version"; once HEAD is tagged and rebuilt, the release passes."""
    project = scm_project(tmp_path)
    project.build()
    report = project.verify()
    assert report.version is not None and report.version.startswith("1.2.1.dev1+g")
    metadata = report.get("dists-metadata")
    assert metadata.status is Status.FAIL
    assert f"The use of local versions in '{report.version}' is not allowed." in metadata.summary
    assert metadata.hint == (
        "the version is dynamic (setuptools-scm), and HEAD has no release tag: the build made "
        f"the development version {report.version}; tag the release commit first: git tag -a "
        "v1.3.0 -m 'Release 1.3.0', then nox -s build (publish --tag keeps a tag already on "
        "HEAD, --push sends it)")
    assert "set a public version" not in metadata.hint

    project.git("tag", "-a", "v1.3.0", "-m", "Release 1.3.0")
    for path in (project.root / "dist").iterdir():
        path.unlink()
    project.build()
    report = project.verify()
    assert report.version == "1.3.0"
    for check in ("dists-metadata", "changelog-entry", "git-tag"):
        assert report.get(check).status is Status.PASS, report.get(check)


@pytest.mark.parametrize(("changelog", "tag"), [
    (CHANGELOG_AHEAD, "v1.3.0"),
    (CHANGELOG_AHEAD.split("## [1.3.0]")[0] + "## [1.2.0]" + CHANGELOG_AHEAD.split("## [1.2.0]")[1],
     "v1.2.1"),
], ids=["section-written", "no-section-yet"])
def test_a_dev_version_from_git_tags_asks_for_the_tag_not_a_section(
        tmp_path: Path, changelog: str, tag: str) -> None:
    """hatch-vcs' no-local-version scheme builds 1.2.1.dev1, which PyPI takes: changelog-entry
    fails saying HEAD has no release tag and names the tag (the changelog's coming section,
    else the version without .devN), never "add a section headed '[1.2.1.dev1]'"."""
    project = scm_project(tmp_path, changelog)
    dists(project, "1.2.1.dev1")
    result = project.verify().get("changelog-entry")
    assert result.status is Status.FAIL
    assert result.summary == (
        "CHANGELOG.md has no section for 1.2.1.dev1: the version is dynamic (setuptools-scm), "
        "and HEAD has no release tag: the build made the development version 1.2.1.dev1")
    release = tag.removeprefix("v")
    assert result.hint.startswith(f"tag the release commit first: git tag -a {tag} -m "
                                  f"'Release {release}', then nox -s build")


def test_a_dev_build_on_a_tagged_head_is_told_to_commit_and_rebuild(tmp_path: Path) -> None:
    """HEAD is tagged, but dist/ holds 1.3.1.dev0+d20260101 (built from a dirty tree, or
    before the tag): the fix is to commit and rebuild, not another tag."""
    project = scm_project(tmp_path)
    project.git("tag", "-a", "v1.3.0", "-m", "Release 1.3.0")
    dists(project, "1.3.1.dev0+d20260101")
    result = project.verify().get("changelog-entry")
    assert result.status is Status.FAIL
    assert result.summary.endswith("is no release: dist/ was built before HEAD was tagged, or "
                                   "with uncommitted changes")
    assert result.hint == ("commit your changes, if any (git-clean lists them), then rebuild: "
                           "nox -s build")


# A version read from dist/, which is older than HEAD ------------------------------------


SETUP_PY = "from setuptools import setup\nimport demo_pkg\nsetup(name='demo-pkg', " \
           "version=demo_pkg.__version__)\n"


def setup_py_project(tmp_path: Path) -> SampleProject:
    """A setup.py-only project (six's shape): setup.py reads demo_pkg.__version__ (1.2.0)."""
    project = SampleProject.create(tmp_path / "demo")
    for name in ("VERSION", "pyproject.toml"):
        (project.root / name).unlink()
    project.write("setup.py", SETUP_PY)
    project.commit("1.2.0")
    return project


@pytest.mark.parametrize("shape", ["setuptools-scm", "setup.py"])
def test_git_tag_of_a_version_read_from_older_dists_says_tag_or_rebuild(
        tmp_path: Path, shape: str) -> None:
    """After releasing 1.2.0 and committing more, dist/ still holds 1.2.0, the tag is on
    the released commit: git-tag fails saying the version is read from dist/, and the fix is
    to tag HEAD (scm) or to rebuild (setup.py) — never bump, which has no file to write."""
    if shape == "setuptools-scm":
        project = scm_project(tmp_path)
        project.git("tag", "-d", "v1.2.0")
    else:
        project = setup_py_project(tmp_path)
    project.git("tag", "-a", "v1.2.0", "-m", "Release 1.2.0", "HEAD")
    dists(project, "1.2.0")
    project.commit("more work")
    result = project.verify().get("git-tag")
    assert result.status is Status.FAIL
    label = "dynamic (setuptools-scm)" if shape == "setuptools-scm" else "set in setup.py"
    assert result.summary.endswith(f"not at HEAD ({project.git('rev-parse', 'HEAD')[:12]}): "
                                   f"the version is {label}, read from dist/, which holds a "
                                   "release of another commit")
    assert result.hint == (
        "the version comes from git tags: to release HEAD, tag it first (git tag -a vX.Y.Z -m "
        "'Release X.Y.Z'), then rebuild: nox -s build" if shape == "setuptools-scm" else
        "rebuild (nox -s build) to read HEAD's version; if it is still 1.2.0, raise it where "
        "the build reads it")


def test_git_tag_of_a_version_written_in_the_tree_still_says_bump(
        project: SampleProject) -> None:
    """The twin: VERSION says 1.2.0 and v1.2.0 tags an older commit: bump is the fix."""
    project.git("tag", "-a", "v1.2.0", "-m", "Release 1.2.0")
    project.commit("more work")
    result = project.verify().get("git-tag")
    assert result.status is Status.FAIL
    assert result.summary.endswith("this version was released from another commit")
    assert result.hint == "bump the version (nox -s bump -- patch); if the tag is a mistake: " \
                          "git tag -d v1.2.0"


def test_version_consistent_with_older_dists_says_rebuild_not_revert(tmp_path: Path) -> None:
    """setup.py reads __version__, now 1.2.1.dev0, while dist/ still holds 1.2.0: the fix
    is to rebuild, not "make them say 1.2.0"; rebuilt, they agree."""
    project = setup_py_project(tmp_path)
    project.write("demo_pkg/__init__.py", '"""Demo."""\n\n__version__ = "1.2.1.dev0"\n')
    project.commit("Development version 1.2.1.dev0")
    dists(project, "1.2.0")
    result = project.verify().get("version-consistent")
    assert result.status is Status.FAIL
    assert result.summary == ("set in setup.py, read from dist/, says 1.2.0, but __version__ "
                              "in demo_pkg/__init__.py says 1.2.1.dev0")
    assert result.hint == ("rebuild (nox -s build); if they still disagree, make __version__ "
                           "in demo_pkg/__init__.py say what the build says")
    for path in (project.root / "dist").iterdir():
        path.unlink()
    dists(project, "1.2.1.dev0")
    assert project.verify().get("version-consistent").status is Status.PASS


# bump's hint when the changelog has no Unreleased section ------------------------------


@pytest.mark.parametrize(("name", "changelog", "heading"), [
    ("CHANGELOG.rst", "Changelog\n---------\n\n1.2.0 - 2026-01-01\n~~~~~~~~~~~~~~~~~~\n\n"
     "* The first feature.\n", "an 'Unreleased' title underlined with '~~~~~~~~~~'"),
    ("HISTORY.md", "# History\n\n## 1.2.0 (2026-01-01)\n\n- The first feature.\n",
     "a '## Unreleased' heading"),
    ("CHANGELOG.md", "# Changelog\n\n## [1.2.0] - 2026-01-01\n\n- The first feature.\n",
     "a '## [Unreleased]' heading"),
], ids=["rst", "markdown", "keep-a-changelog"])
def test_bump_without_unreleased_shows_the_heading_in_the_changelogs_style(
        project: SampleProject, name: str, changelog: str, heading: str) -> None:
    """A changelog without an Unreleased section: bump refuses and shows the heading to add
    as the file writes its release headings (an reST title in a .rst, '## 1.2.0 (date)'
    without brackets), never a Markdown '## [Unreleased]' in a reST file."""
    (project.root / "CHANGELOG.md").unlink()
    project.write(name, changelog)
    with pytest.raises(PublishChecksError) as caught:
        bump(project.root, "minor")
    assert caught.value.message == f"{name} has no Unreleased section to turn into 1.3.0"
    assert caught.value.hint == (f"add {heading} above the latest release and list the "
                                 "changes under it")


def test_bump_dev_with_a_version_from_git_tags_has_nothing_to_do(tmp_path: Path) -> None:
    """bump dev after a release: with setuptools-scm every later commit already builds as
    X.Y.Z.devN, so it writes nothing, says so and how to release (exit 0, not "tag the
    release instead"); bump patch is still refused, writing nothing."""
    project = scm_project(tmp_path)
    before = project.git("status", "--porcelain")
    assert bump(project.root, "dev") == (
        "nothing to bump: the version is dynamic (setuptools-scm), and every commit after a "
        "release tag already builds as the next development version (X.Y.Z.devN)\nnext:\n"
        "  to release: git tag -a vX.Y.Z -m 'Release X.Y.Z', then nox -s build and "
        "nox -s publish")
    assert project.git("status", "--porcelain") == before
    with pytest.raises(PublishChecksError, match="it comes from git tags, so there is no file"):
        bump(project.root, "patch")

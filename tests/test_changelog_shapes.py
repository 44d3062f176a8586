"""Changelog shapes the 40-project run found read wrong (docs/real-projects.md): bold version
lines, one bullet a release, a heading that points elsewhere, a changelog under docs/."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from publish_checks import Status
from publish_checks._errors import ConfigError, ReleaseError
from publish_checks.project.changelog import find_section
from publish_checks.project.changelog_docs import docs_changelog
from publish_checks.project.changelog_write import release_heading
from publish_checks.release.pipeline import notes
from tests.builders import SampleProject
from tests.e2e import NOXFILE, run_nox

# termcolor's CHANGES.md, cut to the pointer and one release.
TERMCOLOR = """\
## 2.0.0 and newer

See GitHub Releases:

- https://github.com/termcolor/termcolor/releases

## 1.1.0 (13.01.2011)

- Added cprint function.
"""


@pytest.mark.parametrize("text", [
    "# Changelog\n\n**1.2.0** (2026-01-01)\n\n- The new feature.\n\n**1.1.0** (2025-01-01)\n\n"
    "- Something older.\n",
    "Changes\n=======\n\n**1.2.0**\n\n- The new feature.\n\n**1.1.0**\n\n- Something older.\n",
    "**v1.2.0**\n\n- The new feature.\n\n**v1.1.0**\n\n- Something older.\n",
])
def test_a_bold_version_line_starts_a_section(text: str) -> None:
    """A bold version line in column 0 (Markdown or reST) starts its release's section."""
    section, lines = find_section(text, "1.2.0")
    assert section is not None
    assert "\n".join(section.body(lines)).strip() == "- The new feature."


@pytest.mark.parametrize("line", ["**2** things changed:", "**2.0 is not out yet**",
                                  "**Breaking 1.2.0**"])
def test_a_bold_phrase_is_no_section(line: str) -> None:
    """Bold text that is not a version alone between the stars (a number, a sentence, a word
    before it) starts nothing."""
    text = f"Notes\n=====\n\n{line}\n\n- The new feature.\n"
    assert find_section(text, "2")[0] is None
    assert find_section(text, "2.0")[0] is None
    assert find_section(text, "1.2.0")[0] is None


def test_one_bullet_a_release_is_read_with_its_continuation_lines() -> None:
    """tabulate's '- 0.10.0: …' bullets: the section is the bullet's text and the lines
    indented under it, not the next release's."""
    text = ("- 0.10.0: Add support for Python 3.11.\n  Drop support for Python 3.7.\n"
            "- 0.9.0: Drop support for Python 2.7.\n")
    section, lines = find_section(text, "0.10.0")
    assert section is not None
    assert section.body(lines) == ["Add support for Python 3.11.", "Drop support for Python 3.7."]


def test_a_version_bullet_among_entries_is_no_section() -> None:
    """In a file whose top-level bullets are mostly entries, '* 1.1.0: …' is an entry."""
    text = ("1.2.0 (2026-01-01)\n\n* 1.1.0: regression fixed.\n* The new feature.\n"
            "* Another change.\n")
    assert find_section(text, "1.1.0")[0] is None
    section, lines = find_section(text, "1.2.0")
    assert section is not None and "* 1.1.0: regression fixed." in section.body(lines)


def test_tabulate_changelog_passes_and_gives_notes(tmp_path: Path) -> None:
    """changelog-entry passes on a one-bullet-a-release CHANGELOG and notes prints the
    bullet's text."""
    project = SampleProject.create(tmp_path / "tabulate", name="tabulate", version="0.10.0")
    (project.root / "CHANGELOG.md").unlink()
    project.write("CHANGELOG", "- 0.10.0: Add support for Python 3.11.\n  Improved error "
                               "messages.\n- 0.9.0: Drop support for Python 2.7.\n")
    project.commit("changelog")
    result = project.verify().get("changelog-entry")
    assert (result.status, result.summary) == (Status.PASS,
                                               "CHANGELOG has a section for 0.10.0 (line 1)")
    assert notes(project.context(), None) == ("Add support for Python 3.11.\nImproved error "
                                              "messages.\n")


def _termcolor(tmp_path: Path, text: str = TERMCOLOR) -> SampleProject:
    project = SampleProject.create(tmp_path / "termcolor", name="termcolor", version="3.3.0")
    (project.root / "CHANGELOG.md").unlink()
    project.write("CHANGES.md", text)
    project.commit("changelog")
    return project


def test_a_heading_for_every_newer_release_that_points_elsewhere_passes(
        tmp_path: Path) -> None:
    """'2.0.0 and newer' over a link covers 3.3.0: the check passes saying where the notes
    are, and notes refuses clearly instead of printing a pointer as release notes."""
    project = _termcolor(tmp_path)
    result = project.verify().get("changelog-entry")
    assert (result.status, result.summary) == (
        Status.PASS, "CHANGES.md: '2.0.0 and newer' (line 1) points to "
                     "https://github.com/termcolor/termcolor/releases for 3.3.0")
    with pytest.raises(ReleaseError, match=r"CHANGES\.md holds no notes for 3\.3\.0: '2\.0\.0 "
                       r"and newer' \(line 1\) points to https://github\.com/termcolor/"):
        notes(project.context(), None)
    assert notes(project.context(), "1.1.0") == "- Added cprint function.\n"


@pytest.mark.parametrize("text", [
    TERMCOLOR.replace("2.0.0", "4.0.0"),  # newer than the release
    TERMCOLOR.replace("- https://github.com/termcolor/termcolor/releases", "- soon"),  # no link
    TERMCOLOR.replace("and newer", "and the docs"),
])
def test_a_pointer_that_does_not_cover_the_release_is_no_section(tmp_path: Path,
                                                                 text: str) -> None:
    """A pointer from a later version, one without a link, or a heading that says nothing
    of newer releases is no section for 3.3.0."""
    result = _termcolor(tmp_path, text).verify().get("changelog-entry")
    assert (result.status, result.summary) == (Status.FAIL, "CHANGES.md has no section for 3.3.0")


@pytest.mark.parametrize("path", ["docs/versionhistory.rst", "docs/source/history.rst",
                                  "docs/about/changelog.md", "doc/release-notes.txt",
                                  "docs/whatsnew.rst"])
def test_a_tracked_changelog_under_docs_is_named_in_the_fix(tmp_path: Path, path: str) -> None:
    """anyio's, sniffio's, scikit-build-core's layout: the warning names the file and the
    exact setting that makes it the changelog, and notes does too."""
    project = SampleProject.create(tmp_path / "demo")
    (project.root / "CHANGELOG.md").unlink()
    project.write(path, "Version history\n===============\n\n**1.2.0**\n\n- The new feature.\n")
    project.commit("changelog under docs")
    result = project.verify().get("changelog-entry")
    assert result.status is Status.WARN
    assert result.summary.endswith(f"; {path} looks like one")
    assert result.hint == f'name it in [tool.publish-checks]: changelog = "{path}"'
    with pytest.raises(ConfigError) as raised:
        notes(project.context(), None)
    assert raised.value.hint == f'set changelog = "{path}" in [tool.publish-checks]'


def test_an_untracked_or_deep_docs_file_is_not_named(tmp_path: Path) -> None:
    """Only git-tracked files at most two folders under docs/ are named; else the usual fix."""
    project = SampleProject.create(tmp_path / "demo")
    (project.root / "CHANGELOG.md").unlink()
    project.write("docs/a/b/c/changelog.md", "## 1.2.0\n\n- The new feature.\n")
    project.commit("deep docs")
    project.write("docs/history.rst", "1.2.0\n=====\n\n- The new feature.\n")  # not committed
    result = project.verify().get("changelog-entry")
    assert result.status is Status.WARN
    assert result.hint == "add CHANGELOG.md with a '## [Unreleased]' section (keepachangelog.com)"


def test_the_likeliest_docs_changelog_is_chosen() -> None:
    """A changelog name beats a history name, a shallower file a deeper one; other files and
    folders are no changelog."""
    assert docs_changelog(["docs/source/changelog.rst", "docs/history.rst"]) == (
        "docs/source/changelog.rst")
    assert docs_changelog(["docs/a/changes.md", "docs/changes.md"]) == "docs/changes.md"
    # more-itertools' "Version History"; a changelog name still comes first.
    assert docs_changelog(["docs/api.rst", "docs/versions.rst"]) == "docs/versions.rst"
    assert docs_changelog(["docs/versions.rst", "docs/news.rst"]) == "docs/news.rst"
    assert docs_changelog(["docs/index.rst", "changelog.md", "src/docs/changelog.md",
                           "docs/changelog.py", "docs/changelog"]) is None


def test_the_suggested_heading_follows_a_bullet_or_skips_a_pointer() -> None:
    """The heading bump would write copies tabulate's bullet, and the latest release under
    termcolor's '2.0.0 and newer' rather than the pointer."""
    day = datetime.date(2026, 12, 6)
    tabulate = "- 0.10.0: Add support for Python 3.11.\n- 0.9.0: Drop Python 2.7.\n"
    assert release_heading(tabulate, "0.10.1", day) == "- 0.10.1: …"
    assert release_heading(TERMCOLOR, "3.3.1", day, "termcolor").startswith("## 3.3.1 ")


def test_a_missing_bullet_release_fix_names_the_bullet(tmp_path: Path) -> None:
    """A one-bullet-a-release changelog without the release asks for its bullet."""
    project = SampleProject.create(tmp_path / "tabulate", name="tabulate", version="0.10.1")
    (project.root / "CHANGELOG.md").unlink()
    project.write("CHANGELOG", "- 0.10.0: Add support for Python 3.11.\n"
                               "- 0.9.0: Drop support for Python 2.7.\n")
    project.commit("changelog")
    result = project.verify().get("changelog-entry")
    assert (result.status, result.summary) == (Status.FAIL, "CHANGELOG has no section for 0.10.1")
    assert result.hint == "add a section headed '- 0.10.1: …' listing what changed"


@pytest.mark.e2e
def test_nox_build_verify_passes_a_bold_and_a_pointer_changelog(tmp_path: Path) -> None:
    """Through real nox and a real build, verify passes exceptiongroup's bold '**1.2.0**'
    line, and termcolor's '1.0.0 and newer' pointer, as the release's changelog entry."""
    for file, text, summary in [
        ("CHANGES.rst", "Version history\n===============\n\n**1.2.0**\n\n- The new feature."
                        "\n\n**1.1.0**\n\n- Something older.\n",
         "CHANGES.rst has a section for 1.2.0 (line 4)"),
        ("CHANGES.md", TERMCOLOR.replace("2.0.0", "1.0.0"),
         "CHANGES.md: '1.0.0 and newer' (line 1) points to "
         "https://github.com/termcolor/termcolor/releases for 1.2.0"),
    ]:
        project = SampleProject.create(tmp_path / file)
        (project.root / "CHANGELOG.md").unlink()
        project.write(file, text)
        project.write("noxfile.py", NOXFILE)
        project.commit("changelog")
        run = run_nox(project.root, tmp_path / "envs", "-s", "build", "verify", "--", "--offline")
        assert "✓ changelog-entry" in run.output, run.output
        assert summary in " ".join(run.output.split()), run.output

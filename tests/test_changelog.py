"""changelog-entry and the section finder: every heading style real changelogs use."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from publish_checks import Status
from publish_checks._errors import ReleaseError
from publish_checks.project.changelog import (
    find_changelog,
    find_section,
    has_content,
    sections,
    unreleased_section,
)
from publish_checks.release.pipeline import notes
from tests.builders import SampleProject

OLDER = "- Something older.\n"

# One changelog per heading style of SPEC §4; each has a non-empty 1.2.0 section followed
# by an older release, so a section that ran on would still be found but one that is
# cut short would be empty.
STYLES = {
    "keepachangelog": "# Changelog\n\n## [Unreleased]\n\n## [1.2.0] - 2026-01-01\n\n### Added\n\n"
                      "- The new feature.\n\n## [1.1.0] - 2025-01-01\n\n" + OLDER,
    "link": "# Changelog\n\n## [1.2.0](https://example.invalid/compare/v1.1.0...v1.2.0) - "
            "2026-01-01\n\n- The new feature.\n\n## [1.1.0](https://example.invalid/) - "
            "2025-01-01\n\n" + OLDER,
    "parenthesised-date": "# Changes\n\n## 1.2.0 (2026-01-01)\n\n* The new feature.\n\n"
                          "## 1.1.0 (2025-01-01)\n\n" + OLDER,
    "rest-underline": "Changelog\n=========\n\n1.2.0 - 2026-01-01\n------------------\n\n"
                      "- The new feature.\n\n1.1.0 - 2025-01-01\n------------------\n\n" + OLDER,
    "rest-overline": "=========\nChangelog\n=========\n\n------------------\n1.2.0 - 2026-01-01\n"
                     "------------------\n\n- The new feature.\n\n------------------\n"
                     "1.1.0 - 2025-01-01\n------------------\n\n" + OLDER,
    "rest-tilde-overline": "~~~~~\n1.2.0\n~~~~~\n\n- The new feature.\n\n~~~~~\n1.1.0\n~~~~~\n\n"
                           + OLDER,
    "v-prefix": "# History\n\n## v1.2.0\n\n- The new feature.\n\n## v1.1.0\n\n" + OLDER,
    "version-word": "# News\n\n## Version 1.2.0\n\n- The new feature.\n\n## Version 1.1.0\n\n"
                    + OLDER,
    "setext": "Changelog\n=========\n\n1.2.0\n-----\n\n- The new feature.\n\n1.1.0\n-----\n\n"
              + OLDER,
    "plain-text": "1.2.0 Current release\n    * The new feature.\n\n1.1.0 2025-01-01\n"
                  "    * Something older.\n",
    "plain-text-with-title": "Demo NEWS\n=========\n\n1.2.0 Current release\n"
                             "    * The new feature.\n\n1.1.0 2025-01-01\n    * Something older.\n",
    "rest-subsections": "Changelog\n=========\n\n1.2.0 (2026-01-01)\n------------------\n\n"
                        "Added\n^^^^^\n\n- The new feature.\n\n1.1.0 (2025-01-01)\n"
                        "------------------\n\n" + OLDER,
    "crlf": "# Changelog\r\n\r\n## [1.2.0] - 2026-01-01\r\n\r\n- The new feature.\r\n",
    "bom": "\ufeff# Changelog\n\n## [1.2.0] - 2026-01-01\n\n- The new feature.\n",
    # pyyaml's CHANGES: plain version lines, entries as flush-left '* https://…' bullets.
    "plain-text-flush-left": "For a complete changelog, see:\n\n* https://example.invalid/"
                             "commits/\n\n1.2.0 (2026-01-01)\n\n* https://example.invalid/"
                             "pull/2 -- The new feature.\n\n1.1.0 (2025-01-01)\n\n"
                             "* https://example.invalid/pull/1 -- Something older.\n",
    # simplejson's CHANGES.txt: 'Version X released date', bullets with indented URLs.
    "plain-text-version-word": "Version 1.2.0 released 2026-01-01\n\n* The new feature.\n"
                               "  https://example.invalid/pull/2\n\nVersion 1.1.0 released "
                               "2025-01-01\n\n* Something older.\n",
    "plain-text-paragraph": "1.2.0 (2026-01-01)\n\nA paragraph on The new feature. It\n"
                            "wraps.\n\n1.1.0 (2025-01-01)\n\n" + OLDER,
    # click's CHANGES.md: 'Version X' over a 'Released date' line.
    "date-line": "## Version 1.2.0\n\nReleased 2026-01-01\n\n- The new feature.\n\n"
                 "## Version 1.1.0\n\nReleased 2025-01-01\n\n" + OLDER,
    "bullet-then-rule": "# Changelog\n\n## [1.2.0] - 2026-01-01\n\n- The new feature.\n---\n\n"
                        "## [1.1.0] - 2025-01-01\n\n" + OLDER,
}


def with_changelog(project: SampleProject, name: str, text: str) -> SampleProject:
    (project.root / "CHANGELOG.md").unlink()
    project.write(name, text)
    project.commit("changelog")
    return project


@pytest.mark.parametrize("style", list(STYLES))
def test_every_heading_style_is_found(project: SampleProject, style: str) -> None:
    """A non-empty 1.2.0 section passes in each heading style real projects use."""
    with_changelog(project, "CHANGELOG", STYLES[style])
    result = project.verify().get("changelog-entry")
    assert result.status is Status.PASS, result.summary
    assert result.summary.startswith("CHANGELOG has a section for 1.2.0")


@pytest.mark.parametrize("style", list(STYLES))
def test_section_body_holds_the_entry_and_not_the_next_release(style: str) -> None:
    """The section found for 1.2.0 contains its entry and stops before 1.1.0."""
    section, lines = find_section(STYLES[style].lstrip("\ufeff"), "1.2.0")
    assert section is not None
    body = "\n".join(section.body(lines))
    assert "The new feature." in body
    assert "older" not in body


@pytest.mark.parametrize("name", ["CHANGELOG", "CHANGES", "HISTORY", "NEWS"])
@pytest.mark.parametrize("ext", [".md", ".rst", ".txt", ""])
def test_every_conventional_file_name_is_found(project: SampleProject, name: str,
                                               ext: str) -> None:
    """CHANGELOG, CHANGES, HISTORY and NEWS with .md, .rst, .txt or no extension are found."""
    with_changelog(project, name + ext, "## 1.2.0\n\n- The new feature.\n")
    result = project.verify().get("changelog-entry")
    assert result.status is Status.PASS
    assert result.summary.startswith(f"{name}{ext} has a section")


def test_file_name_case_does_not_matter(project: SampleProject) -> None:
    """changelog.md and Changes.rst are the changelog too (many projects spell them so)."""
    with_changelog(project, "Changes.rst", "1.2.0\n-----\n\n- The new feature.\n")
    result = project.verify().get("changelog-entry")
    assert result.status is Status.PASS
    assert result.summary.startswith("Changes.rst has a section")


def test_first_name_in_order_wins(tmp_path: Path) -> None:
    """With several candidates, CHANGELOG beats NEWS and .md beats no extension."""
    for name in ("NEWS.md", "CHANGELOG", "CHANGELOG.md", "HISTORY.rst"):
        (tmp_path / name).write_text("x\n", encoding="utf-8")
    (tmp_path / "CHANGES").mkdir()
    assert find_changelog(tmp_path) == tmp_path / "CHANGELOG.md"


def test_exact_upper_case_name_beats_another_spelling(tmp_path: Path) -> None:
    """With both changelog.md and CHANGELOG.md present, the conventional spelling is used."""
    for name in ("changelog.md", "CHANGELOG.md"):
        (tmp_path / name).write_text("x\n", encoding="utf-8")
    assert find_changelog(tmp_path) == tmp_path / "CHANGELOG.md"


def test_a_directory_is_not_a_changelog(tmp_path: Path) -> None:
    """A folder named like a changelog (towncrier fragments) is not one."""
    (tmp_path / "CHANGELOG").mkdir()
    assert find_changelog(tmp_path) is None


def test_empty_section_fails(project: SampleProject) -> None:
    """A section with only sub-headings and no entries fails, naming its line."""
    with_changelog(project, "CHANGELOG.md", "# Changelog\n\n## [1.2.0] - 2026-01-01\n\n"
                   "### Added\n\n### Fixed\n\n## [1.1.0] - 2025-01-01\n\n" + OLDER)
    result = project.verify().get("changelog-entry")
    assert result.status is Status.FAIL
    assert "section of CHANGELOG.md (line 3) is empty" in result.summary
    assert "list what changed" in result.hint


def test_section_with_only_link_definitions_is_empty(project: SampleProject) -> None:
    """Compare-link definitions at the bottom are not entries."""
    with_changelog(project, "CHANGELOG.md", "# Changelog\n\n## [1.2.0] - 2026-01-01\n\n"
                   "[1.2.0]: https://example.invalid/compare/v1.1.0...v1.2.0\n")
    assert project.verify().get("changelog-entry").status is Status.FAIL


@pytest.mark.parametrize("text", [
    "# Changelog\n\n## [Unreleased]\n\n## [1.1.0] - 2025-01-01\n\n" + OLDER
    + "\n[1.2.0]: https://example.invalid/compare/v1.1.0...v1.2.0\n"
    "[1.1.0]: https://example.invalid/compare/v1.0.0...v1.1.0\n",
    "[1.2.0]: https://example.invalid/\n    indented text after it\n",
], ids=["keepachangelog-links", "link-over-indented-line"])
def test_link_definition_is_not_a_section(project: SampleProject, text: str) -> None:
    """A `[1.2.0]: url` compare link is not a plain-text section for 1.2.0."""
    with_changelog(project, "CHANGELOG.md", text)
    result = project.verify().get("changelog-entry")
    assert result.status is Status.FAIL
    assert result.summary == "CHANGELOG.md has no section for 1.2.0"


@pytest.mark.parametrize("comment", [
    "<!-- nothing yet -->",
    "<!--\n  Add entries here:\n  - what changed\n-->",
    "  <!-- one -->\n<!-- two -->",
], ids=["one-line", "multi-line", "two-comments"])
def test_section_with_only_an_html_comment_is_empty(project: SampleProject,
                                                     comment: str) -> None:
    """A placeholder HTML comment is not an entry: the section is empty."""
    with_changelog(project, "CHANGELOG.md", "# Changelog\n\n## [1.2.0] - 2026-01-01\n\n"
                   + comment + "\n\n## [1.1.0] - 2025-01-01\n\n" + OLDER)
    result = project.verify().get("changelog-entry")
    assert result.status is Status.FAIL
    assert "section of CHANGELOG.md (line 3) is empty" in result.summary


def test_version_heading_inside_an_html_comment_does_not_count(project: SampleProject) -> None:
    """A commented-out `## 1.2.0` template is not the 1.2.0 section."""
    with_changelog(project, "CHANGELOG.md", "# Changelog\n\n<!--\n## 1.2.0\n\n- Entry.\n"
                   "-->\n\n## [1.1.0] - 2025-01-01\n\n" + OLDER)
    result = project.verify().get("changelog-entry")
    assert result.status is Status.FAIL
    assert result.summary == "CHANGELOG.md has no section for 1.2.0"


def test_missing_section_with_unreleased_entries_fails_with_rename_hint(
        project: SampleProject) -> None:
    """Entries still under Unreleased: fail and say to rename that heading (or bump)."""
    with_changelog(project, "CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n\n### Added\n\n"
                   "- The new feature.\n\n## [1.1.0] - 2025-01-01\n\n" + OLDER)
    result = project.verify().get("changelog-entry")
    assert result.status is Status.FAIL
    assert "Unreleased section has entries" in result.summary
    assert "rename '## [Unreleased]' to '## [1.2.0] - " in result.hint
    assert result.hint.endswith("or put the previous version back and run nox -s bump -- "
                                "patch (or minor, major): it sets the version and dates the "
                                "section")


@pytest.mark.parametrize(("name", "text", "heading"), [
    ("CHANGES.rst", "Changes\n=======\n\n1.1.0\n-----\n\n" + OLDER, "1.2.0"),
    ("CHANGES.md", "## Version 1.1.0\n\nReleased 2025-01-01\n\n" + OLDER, "## Version 1.2.0"),
    ("CHANGES", "1.1.0 (2025-01-01)\n\n" + OLDER, "1.2.0 ("),
    ("CHANGES.rst", "Changes\n=======\n\nnothing yet\n", "1.2.0 ("),  # no release: a default
])
def test_missing_section_suggests_a_heading_in_the_files_style(
        project: SampleProject, name: str, text: str, heading: str) -> None:
    """No section and nothing unreleased: the hint gives a heading to add, written as the
    latest release's is (click's 'Version', pyyaml's plain line), else reST for .rst."""
    with_changelog(project, name, text)
    result = project.verify().get("changelog-entry")
    assert result.status is Status.FAIL
    assert result.summary == f"{name} has no section for 1.2.0"
    assert result.hint.startswith(f"add a section headed '{heading}")


DEV_CHANGELOG = "# Changelog\n\n## [Unreleased]\n{entries}\n## [1.2.0] - 2026-01-01\n\n" + OLDER


@pytest.mark.parametrize(("entries", "status", "summary"), [
    ("\n### Added\n\n- Work in progress.\n", Status.PASS,
     "CHANGELOG.md lists the changes of development version 1.2.1.dev0 under Unreleased "
     "(line 3)"),
    ("", Status.WARN,
     "CHANGELOG.md has nothing for development version 1.2.1.dev0: its Unreleased section "
     "is empty"),
], ids=["entries", "empty"])
def test_a_development_versions_changes_are_under_unreleased(
        tmp_path: Path, entries: str, status: Status, summary: str) -> None:
    """After bump dev (1.2.0 → 1.2.1.dev0, nothing dated) the Unreleased section is the dev
    version's: its entries pass, and an empty one warns instead of asking for a dated
    section of a version that is no release; the notes are that section."""
    dev = SampleProject.create(tmp_path / "dev", version="1.2.1.dev0")
    dev.write("CHANGELOG.md", DEV_CHANGELOG.format(entries=entries))
    dev.commit("development version")
    result = dev.verify().get("changelog-entry")
    assert (result.status, result.summary) == (status, summary)
    if entries:
        assert notes(dev.context(), None) == "### Added\n\n- Work in progress.\n"
    else:
        with pytest.raises(ReleaseError, match=r"lists nothing under Unreleased for "
                           r"development version 1\.2\.1\.dev0"):
            notes(dev.context(), None)


def test_a_final_version_is_not_satisfied_by_unreleased(project: SampleProject) -> None:
    """The twin: for the final 1.2.0, entries under Unreleased are no section of it."""
    with_changelog(project, "CHANGELOG.md", DEV_CHANGELOG.replace("## [1.2.0] - 2026-01-01",
                                                                  "## [1.1.0] - 2025-01-01")
                   .format(entries="\n- Work in progress.\n"))
    result = project.verify().get("changelog-entry")
    assert result.status is Status.FAIL
    assert result.summary == ("CHANGELOG.md has no section for 1.2.0; its Unreleased section "
                              "has entries")


def test_prerelease_heading_is_not_the_release(project: SampleProject) -> None:
    """A 1.2.0rc1 section is not the 1.2.0 section."""
    with_changelog(project, "CHANGELOG.md", "## 1.2.0rc1\n\n- The new feature.\n")
    assert project.verify().get("changelog-entry").status is Status.FAIL


def test_version_in_a_fenced_code_block_does_not_count(project: SampleProject) -> None:
    """`# 1.2.0` inside a fenced code block is a shell comment, not a heading."""
    with_changelog(project, "CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n\n"
                   "- Document tagging:\n\n```sh\n# 1.2.0\ngit tag v1.2.0\n```\n\n"
                   "## [1.1.0] - 2025-01-01\n\n" + OLDER)
    result = project.verify().get("changelog-entry")
    assert result.status is Status.FAIL
    assert "no section for 1.2.0" in result.summary


def test_plain_line_in_a_fenced_block_does_not_count(project: SampleProject) -> None:
    """A column-0 version line inside a code block is not a plain-text section either."""
    with_changelog(project, "CHANGELOG.md", "# Changelog\n\n## [1.1.0] - 2025-01-01\n\n"
                   "- Output now reads:\n\n```\n1.2.0 is the next version\n    planned\n```\n")
    assert project.verify().get("changelog-entry").status is Status.FAIL


def test_no_changelog_warns(project: SampleProject) -> None:
    """A project without a changelog gets a warning, not a failure."""
    (project.root / "CHANGELOG.md").unlink()
    project.commit("no changelog")
    result = project.verify().get("changelog-entry")
    assert result.status is Status.WARN
    assert "CHANGELOG.md" in result.hint


def test_configured_changelog_is_used(tmp_path: Path) -> None:
    """changelog in [tool.publish-checks] points at a file anywhere in the project."""
    project = SampleProject.create(tmp_path / "demo", extra_config=(
        '\n[tool.publish-checks]\nchangelog = "docs/changelog.rst"\n'))
    project.write("docs/changelog.rst", "1.2.0\n=====\n\n- The new feature.\n")
    project.commit()
    result = project.verify().get("changelog-entry")
    assert result.status is Status.PASS
    assert result.summary.startswith("docs/changelog.rst has a section for 1.2.0")


def test_configured_changelog_missing_fails(tmp_path: Path) -> None:
    """A configured changelog that does not exist is a failure, not a warning."""
    project = SampleProject.create(tmp_path / "demo", extra_config=(
        '\n[tool.publish-checks]\nchangelog = "docs/changes.md"\n'))
    project.commit()
    result = project.verify().get("changelog-entry")
    assert result.status is Status.FAIL
    assert "docs/changes.md set in [tool.publish-checks] does not exist" in result.summary


def test_binary_changelog_fails_clearly(project: SampleProject) -> None:
    """A changelog that is not UTF-8 fails with a re-save hint, not a traceback."""
    (project.root / "CHANGELOG.md").write_bytes(b"## 1.2.0\n\n- caf\xe9\n")
    result = project.verify().get("changelog-entry")
    assert result.status is Status.FAIL
    assert result.hint == "re-save CHANGELOG.md as UTF-8"


def test_changelog_entry_skips_without_a_version(project: SampleProject) -> None:
    """With no valid version there is no section to look for."""
    project.write("VERSION", "???\n")
    assert project.verify().get("changelog-entry").status is Status.SKIP


# The section finder itself --------------------------------------------------------------


def test_sections_lists_headings_with_levels_and_ranges() -> None:
    """sections() gives every heading's title, level and line range, nesting by level."""
    text = "# Changelog\n\n## [1.2.0] - 2026-01-01\n\n### Added\n\n- A.\n\n## [1.1.0]\n\n- B.\n"
    found = [(s.title, s.level, s.start, s.body_start, s.end) for s in sections(text)]
    assert found == [
        ("Changelog", 1, 0, 1, 11),
        ("[1.2.0] - 2026-01-01", 2, 2, 3, 8),
        ("Added", 3, 4, 5, 8),
        ("[1.1.0]", 2, 8, 9, 11),
    ]


def test_sections_rest_levels_follow_first_appearance() -> None:
    """In reST the first adornment style seen is level 1, the next level 2, and so on."""
    text = "Title\n=====\n\n1.2.0\n-----\n\nAdded\n~~~~~\n\n- A.\n\n1.1.0\n-----\n\n- B.\n"
    assert [(s.title, s.level) for s in sections(text)] == [
        ("Title", 1), ("1.2.0", 2), ("Added", 3), ("1.1.0", 2)]


def test_sections_ignore_fenced_code() -> None:
    """Lines between ``` fences are never headings."""
    text = "## 1.2.0\n\n```\n# not a heading\nnor this\n---------\n```\n\n- A.\n"
    assert [s.title for s in sections(text)] == ["1.2.0"]


@pytest.mark.parametrize(("body", "expected"), [
    ([], False), (["", "### Added", ""], False), (["Added", "^^^^^", ""], False),
    (["[1.2.0]: https://example.invalid/"], False), (["- A change."], True),
    (["", "### Fixed", "", "* A fix."], True),
    (["<!-- nothing yet -->"], False), (["<!--", "- not yet", "-->"], False),
    (["<!-- todo --> - A change."], True), (["<!-- unclosed", "- A."], False),
])
def test_has_content(body: list[str], expected: bool) -> None:
    """A body has content when it holds more than headings, links and HTML comments."""
    assert has_content(body) is expected


# Real projects' changelogs, as their sdists ship them (issue 8) ---------------------------

# project name → (file, release, changelog text, a line of that release, a line of the one
# before). Cut to two releases each, headings and entries verbatim.
REAL_CHANGELOGS = {
    "pluggy": ("CHANGELOG.rst", "1.7.0", """\
=========
Changelog
=========

Versions follow `Semantic Versioning <https://semver.org/>`_ (``<major>.<minor>.<patch>``).

.. towncrier release notes start

pluggy 1.7.0 (2026-10-14)
=========================

Deprecations and Removals
-------------------------

- `#632 <https://github.com/pytest-dev/pluggy/issues/632>`_: Hookspec methods defined without \
``self`` as the first parameter now emit a :class:`DeprecationWarning`.


pluggy 1.6.0 (2025-05-15)
=========================

Deprecations and Removals
-------------------------

- `#556 <https://github.com/pytest-dev/pluggy/issues/556>`_: Python 3.8 is no longer supported.
""", "#632", "#556"),
    "attrs": ("CHANGELOG.md", "25.3.0", """\
# Changelog

Versions follow [Calendar Versioning](https://calver.org) with a strict backwards-compatibility \
policy.

<!-- towncrier release notes start -->

## [25.3.0](https://github.com/python-attrs/attrs/tree/25.3.0) - 2025-03-13

### Changes

- Restore support for generator-based `field_transformer`s.
  [#1417](https://github.com/python-attrs/attrs/issues/1417)


## [25.2.0](https://github.com/python-attrs/attrs/tree/25.2.0) - 2025-03-12

### Changes

- `attrs.make_class()` now allows for Unicode class names.
  [#1406](https://github.com/python-attrs/attrs/issues/1406)
""", "#1417", "#1406"),
    "packaging": ("CHANGELOG.rst", "25.0", """\
Changelog
---------

25.0 - 2025-04-19
~~~~~~~~~~~~~~~~~

* PEP 751: Add support for ``extras`` and ``dependency_groups`` markers. (:issue:`885`)
* PEP 738: Add support for Android platform tags. (:issue:`880`)

24.2 - 2024-11-08
~~~~~~~~~~~~~~~~~

* PEP 639: Implement License-Expression and License-File (:issue:`828`)
""", "PEP 751", "PEP 639"),
    "idna": ("HISTORY.rst", "3.10", """\
.. :changelog:

History
-------

3.10 (2024-09-15)
+++++++++++++++++

- Reverted to Unicode 15.1.0 data. Unicode 16 has some significant changes
  to UTS46 processing that will require more work to properly implement.

3.9 (2024-09-13)
++++++++++++++++

- Update to Unicode 16.0.0
""", "Reverted to Unicode 15.1.0", "Update to Unicode 16.0.0"),
    "python-dotenv": ("CHANGELOG.md", "1.1.0", """\
# Changelog

All notable changes to this project will be documented in this file.

The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.0.0/), and this
project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).

## [Unreleased]

## [1.1.0] - 2025-03-25

### Added

- Add support for python 3.13

## [1.0.1] - 2024-01-23

### Fixed

- Gracefully handle code which has been imported from a zipfile ([#456] by [@samwyma])
""", "python 3.13", "zipfile"),
    "colorama": ("CHANGELOG.rst", "0.4.6", """\
0.4.6 Current release
  * https://github.com/tartley/colorama/pull/139 Add alternative to 'init()',
    called 'just_fix_windows_console'.
0.4.5
  * Catch a racy ValueError that could occur on exit.
""", "pull/139", "racy ValueError"),
    # exceptiongroup's CHANGES.rst: bold version lines over bullets, under one title.
    "exceptiongroup": ("CHANGES.rst", "1.3.2", """\
Version history
===============

This library adheres to `Semantic Versioning 2.0 <http://semver.org/>`_.

**1.3.2**

- Fixed the ``repr()`` of exception groups being affected by mutation of the
  original exception sequence after construction
  (`#154 <https://github.com/agronholm/exceptiongroup/issues/154>`_)

**1.3.1**

- Fixed ``AttributeError: 'TracebackException' object has no attribute 'exceptions'``
  when formatting unpickled TBEs from another Python process which did not apply the
  ``exceptiongroup`` patches
""", "Fixed the ``repr()``", "unpickled TBEs"),
    # tabulate's CHANGELOG: one flush-left bullet a release, the version first.
    "tabulate": ("CHANGELOG", "0.10.0", """\
- 0.10.0: Add support for Python 3.11, 3.12, 3.13.
  Drop support for Python 3.7, 3.8.
  Improved error messages.
- 0.9.0: Drop support for Python 2.7, 3.5, 3.6.
  Various bug fixes.
- 0.8.10: Python 3.10 support. Bug fixes. Column width parameter.
- 0.4:   Unicode support, Python3 support, ``rst`` tables.
""", "Improved error messages.", "Python 2.7"),
    "iniconfig": ("CHANGELOG", "2.1.0", """\
2.1.0
=====

* fix artifact building - pin minimal version of hatch
* drop eol python 3.8

2.0.0
======

* add support for Python 3.7-3.11
""", "pin minimal version of hatch", "Python 3.7-3.11"),
}


@pytest.mark.parametrize("name", list(REAL_CHANGELOGS))
def test_real_changelogs_give_the_releases_section(name: str) -> None:
    """Each real project's changelog gives its release's entries and not the previous one's."""
    _, version, text, entry, older = REAL_CHANGELOGS[name]
    section, lines = find_section(text, version, name)
    assert section is not None
    body = "\n".join(section.body(lines))
    assert entry in body
    assert older not in body


@pytest.mark.parametrize("name", list(REAL_CHANGELOGS))
def test_real_changelogs_pass_changelog_entry(tmp_path: Path, name: str) -> None:
    """changelog-entry passes on each real project's changelog, at its release."""
    file, version, text, _, _ = REAL_CHANGELOGS[name]
    project = SampleProject.create(tmp_path / name, name=name, version=version)
    with_changelog(project, file, text)
    result = project.verify().get("changelog-entry")
    assert result.status is Status.PASS, result.summary
    assert result.summary.startswith(f"{file} has a section for {version} (line ")


def test_towncrier_heading_without_the_projects_name_is_no_section() -> None:
    """'pluggy 1.7.0' is a section of pluggy's, not of a project that is not named pluggy."""
    text = REAL_CHANGELOGS["pluggy"][2]
    assert find_section(text, "1.7.0", "pluggy")[0] is not None
    assert find_section(text, "1.7.0", "demo-pkg")[0] is None
    assert find_section(text, "1.7.0")[0] is None


@pytest.mark.parametrize("heading", [
    "## Demo-Pkg 1.2.0 (2026-01-01)",
    "## demo_pkg 1.2.0 (2026-01-01)",
    "## Demo.Pkg 1.2.0",
    "## demo-pkg v1.2.0",
    "## demo-pkg Version 1.2.0",
    "demo-pkg 1.2.0 (2026-01-01)\n===========================",
    "demo-pkg 1.2.0 Current release",
], ids=["capitalised", "underscore", "dot", "v-prefix", "version-word", "rest", "plain-text"])
def test_heading_may_start_with_the_project_name_in_any_spelling(project: SampleProject,
                                                                  heading: str) -> None:
    """The name before the version may be spelt any way that normalizes to the project's."""
    with_changelog(project, "CHANGELOG", f"{heading}\n    * The new feature.\n\n"
                   "demo-pkg 1.1.0 (2025-01-01)\n    * Something older.\n")
    result = project.verify().get("changelog-entry")
    assert result.status is Status.PASS, result.summary
    assert result.summary == "CHANGELOG has a section for 1.2.0 (line 1)"


@pytest.mark.parametrize("heading", [
    "## otherpkg 1.2.0 (2026-01-01)", "## demo-pkg-extra 1.2.0", "## demo-pkg1.2.0",
    "## demo pkg 1.2.0",
])
def test_heading_with_another_name_is_not_this_release(project: SampleProject,
                                                       heading: str) -> None:
    """A heading naming another project (or a longer name) is not demo-pkg's 1.2.0."""
    with_changelog(project, "CHANGELOG.md", f"{heading}\n\n- The new feature.\n")
    result = project.verify().get("changelog-entry")
    assert result.status is Status.FAIL
    assert result.summary == "CHANGELOG.md has no section for 1.2.0"


def test_name_from_poetry_table_is_used_without_a_project_table(tmp_path: Path) -> None:
    """A poetry project (no [project] table) has its towncrier heading found by its name."""
    project = SampleProject.create(tmp_path / "demo")
    project.write("pyproject.toml", '[build-system]\nrequires = ["poetry-core"]\n'
                  'build-backend = "poetry.core.masonry.api"\n\n[tool.poetry]\n'
                  'name = "demo-pkg"\nversion = "1.2.0"\n')
    with_changelog(project, "CHANGELOG.md", "## demo_pkg 1.2.0 (2026-01-01)\n\n- The entry.\n")
    result = project.verify().get("changelog-entry")
    assert result.status is Status.PASS, result.summary


def test_notes_print_a_towncrier_section(project: SampleProject) -> None:
    """publish-checks notes finds the section under a 'name X.Y.Z (date)' heading too."""
    with_changelog(project, "CHANGES.rst", "demo-pkg 1.2.0 (2026-01-01)\n"
                   "===========================\n\nFeatures\n--------\n\n- The new feature.\n\n"
                   "demo-pkg 1.1.0 (2025-01-01)\n===========================\n\n" + OLDER)
    assert notes(project.context(), None) == "Features\n--------\n\n- The new feature.\n"
    assert notes(project.context(), "1.1.0") == OLDER


def test_notes_print_a_plain_text_section_of_flush_left_bullets(project: SampleProject) -> None:
    """pyyaml's shape: publish-checks notes prints the '* https://…' lines under '1.2.0 (date)',
    and changelog-entry passes (it used to call the section empty)."""
    with_changelog(project, "CHANGES", STYLES["plain-text-flush-left"])
    assert notes(project.context(), None) == (
        "* https://example.invalid/pull/2 -- The new feature.\n")
    result = project.verify().get("changelog-entry")
    assert result.status is Status.PASS, result.summary


@pytest.mark.parametrize("body", ["Released 2026-01-01\n", "2026-01-01\n",
                                  "*Released on 1 January, 2026*\n", "Unreleased\n"])
def test_a_section_with_only_its_date_line_is_empty(project: SampleProject, body: str) -> None:
    """A 'Released …' (or bare date, or 'Unreleased') line under the heading is no entry."""
    with_changelog(project, "CHANGES.md", f"## Version 1.2.0\n\n{body}\n## Version 1.1.0\n\n"
                   + OLDER)
    result = project.verify().get("changelog-entry")
    assert result.status is Status.FAIL
    assert "section of CHANGES.md (line 1) is empty" in result.summary


def test_a_paragraph_that_begins_with_a_number_starts_no_section() -> None:
    """'3 fixes…' or '2026 brought…' in column 0 is part of the release above it."""
    text = ("1.2.0 (2026-01-01)\n\n* The new feature.\n\n3 fixes went in too.\n\n"
            "2026 was busy.\n\n1.1.0 (2025-01-01)\n\n" + OLDER)
    section, lines = find_section(text, "1.2.0")
    assert section is not None
    assert "2026 was busy." in section.body(lines) and "3 fixes went in too." in section.body(lines)
    assert find_section(text, "3")[0] is None


@pytest.mark.parametrize(("text", "title"), [
    ("## Unreleased\n\n- x\n\n## 1.2.0\n\n- y\n", "Unreleased"),
    ("## [Unreleased]\n\n## [1.2.0] - 2026-01-01\n\n- y\n", "[Unreleased]"),
    ("Release History\n===============\n\ndev\n---\n\n- x\n\n2.34.2 (2026-05-14)\n"
     "-------------------\n- y\n", "dev"),  # requests' HISTORY.md
    ("## main\n\n- x\n\n## 1.2.0\n\n- y\n", "main"),
    ("In development\n--------------\n\n- x\n\n1.2.0\n-----\n\n- y\n", "In development"),
    ("## 1.3.0 (unreleased)\n\n- x\n\n## 1.2.0\n\n- y\n", "1.3.0 (unreleased)"),
    ("7.2.3 (IN DEVELOPMENT)\n======================\n\n- x\n\n7.2.2\n=====\n\n- y\n",
     "7.2.3 (IN DEVELOPMENT)"),  # psutil
    ("## 1.3.0.dev0\n\n- x\n\n## 1.2.0\n\n- y\n", "1.3.0.dev0"),
    ("## Version 8.3.0\n\nUnreleased\n\n- x\n\n## Version 8.2.0\n\nReleased 2025-05-10\n\n"
     "- y\n", "Version 8.3.0"),  # click's own, between releases
    ("6.0.5 (unreleased)\n\n* x\n\n6.0.4 (2026-11-20)\n\n* y\n", "6.0.5 (unreleased)"),
], ids=["unreleased", "bracketed", "requests-dev", "main", "in-development", "x.y.z-unreleased",
        "psutil", "dev0", "pallets", "plain"])
def test_every_open_section_name_is_recognised(text: str, title: str) -> None:
    """Each way real changelogs mark the section of changes not released yet is found."""
    found = unreleased_section(text)
    assert found is not None and found.title == title


@pytest.mark.parametrize("text", [
    "## 1.2.0\n\n- y\n\n## 0.13.0.dev2 (May 12th, 2020)\n\n- z\n",  # httpx: it was released
    "pluggy 1.2.0 (2026-01-01)\n=====\n\n- y\n\npluggy 0.7.0 (Unreleased)\n=====\n\n- z\n"
    "\npluggy 0.6.0\n=====\n\n- w\n",  # pluggy's history: an old title among releases
])
def test_old_open_looking_headings_among_releases_are_history(text: str) -> None:
    """A dated dev release or an old '(Unreleased)' title below the latest release opens
    nothing."""
    assert unreleased_section(text, "pluggy") is None


def test_a_release_section_still_marked_unreleased_warns(project: SampleProject) -> None:
    """Building 1.2.0 while its section says 'Unreleased' is a warning that says to date it."""
    with_changelog(project, "CHANGES.md", "## Version 1.2.0\n\nUnreleased\n\n- New.\n")
    result = project.verify().get("changelog-entry")
    assert result.status is Status.WARN
    assert result.summary == "the 1.2.0 section of CHANGES.md (line 1) is still marked unreleased"



def test_the_fix_for_an_unreleased_section_is_the_files_own_dated_heading(
        project: SampleProject) -> None:
    """wcwidth's docs/history.rst writes '0.9.4 *2026-10-24*': a 1.2.0 section still headed
    '*unreleased*' is told the heading in that style, not pallets' 'Released …' line."""
    with_changelog(project, "HISTORY.rst", "History\n=======\n\n1.2.0 *unreleased*\n  * New.\n"
                   "\n1.1.0 *2026-10-24*\n  * Old.\n")
    result = project.verify().get("changelog-entry")
    assert result.status is Status.WARN
    today = datetime.date.today().isoformat()
    assert result.hint == f"date it as the other releases are: head it '1.2.0 *{today}*'"

# Time bounds: finding a section is linear in the changelog's size ------------------------

MANY = 20_000


@pytest.mark.parametrize("release", [
    lambda n: f"## [0.{n}.0] - 2026-01-01\n\n### Added\n\n- Entry {n}.\n\n",
    lambda n: f"demo-pkg 0.{n}.0 (2026-01-01)\n{'=' * 30}\n\nAdded\n-----\n\n- Entry {n}.\n\n",
    lambda n: f"0.{n}.0\n    * Entry {n}.\n",
], ids=["markdown", "rest", "plain-text"])
def test_twenty_thousand_releases_are_searched_within_a_second(
        release: Callable[[int], str]) -> None:
    """A changelog of 20,000 releases is searched for its oldest one, or a missing one, in
    under a second (finding where each section ends used to be quadratic)."""
    text = "# Changelog\n\n" + "".join(release(n) for n in range(MANY, 0, -1))
    started = time.perf_counter()
    section, lines = find_section(text, "0.1.0", "demo-pkg")
    assert time.perf_counter() - started < 1
    started = time.perf_counter()
    missing, _ = find_section(text, "9.9.9", "demo-pkg")
    assert time.perf_counter() - started < 1
    assert section is not None
    assert "Entry 1." in "\n".join(section.body(lines))
    assert missing is None


LONG = " " * 100_000


@pytest.mark.parametrize("line", [
    f"## a{LONG}b", f"## 1.2.0{LONG}#x", f"## Version{LONG}x", f"## [{LONG}x",
    f"Version{LONG}x", f"demo-pkg{LONG}x", f"#{LONG}", f"[x]:{LONG}x", f"1.2.0{LONG}x\n-----",
    f"=={LONG}x", f"<!--{LONG}x",
])
def test_a_heading_of_100000_spaces_is_read_within_a_second(line: str) -> None:
    """A line with a 100,000-space run, in every place a heading pattern looks, is read in
    under a second (the heading regex used to backtrack cubically on it)."""
    text = f"# Changelog\n\n{line}\n\n- Entry.\n\n## 1.1.0\n\n- Older.\n"
    started = time.perf_counter()
    found = find_section(text, "1.2.0", "demo-pkg")[0]
    all_sections = sections(text)
    has_content(text.splitlines())
    assert time.perf_counter() - started < 1
    assert found is None or found.title.startswith("1.2.0")
    assert all_sections[0].title == "Changelog"

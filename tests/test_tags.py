"""tag-format (SPEC §3): the release tag is named as the project names its tags — the
configured format, else the style of the repository's release tags, else v{version} — and
git-tag, the hints and --tag/--push all use that one name."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from publish_checks import Status
from publish_checks._errors import ConfigError
from publish_checks.project.config import load_config
from publish_checks.project.git import Git
from publish_checks.project.scm import SCM_DEFAULT_TAG_REGEX, scm_reads
from publish_checks.project.tags import detect_tag_format, split_tag
from publish_checks.release.bump import bump
from publish_checks.release.plan import make_plan
from publish_checks.release.rehearse import LocalIndex
from publish_checks.release.summary import next_steps
from tests.builders import SampleProject
from tests.distbuilders import make_release
from tests.e2e import NOXFILE, run_nox
from tests.test_scm_release import SCM

DAY = 86400
START = 1_700_000_000


def tag_at(project: SampleProject, name: str, when: int, annotated: bool = True) -> None:
    """A commit made at ``when`` (seconds) and the tag ``name`` on it, made then too."""
    env = {**os.environ, "GIT_COMMITTER_DATE": f"{when} +0000",
           "GIT_AUTHOR_DATE": f"{when} +0000"}
    for args in (["commit", "-q", "--allow-empty", "-m", f"release {name}"],
                 ["tag", *(["-a", "-m", f"Release {name}"] if annotated else []), name]):
        subprocess.run(["git", *args], cwd=project.root, env=env, check=True,
                       capture_output=True)


def tagged(project: SampleProject, *names: str) -> SampleProject:
    """``project`` with each of ``names`` tagged on its own commit, one day apart, in order
    (the last is the newest); then one more commit, the release's."""
    for n, name in enumerate(names):
        tag_at(project, name, START + n * DAY, annotated=n % 2 == 0)
    project.commit("the release")
    return project


# Detection ------------------------------------------------------------------------------


@pytest.mark.parametrize(("tags", "expected"), [
    (["1.0.0", "1.1.0", "1.1.1"], "{version}"),
    (["v1.0.0", "v1.1.0"], "v{version}"),
    (["release-1.0.0", "release-1.1.0rc1", "release-1.1.0"], "release-{version}"),
    ([], "v{version}"),
    (["latest", "py3", "build2020", "stable"], "v{version}"),
    (["2023-01-05", "2023-02-10", "2024-03-01", "v1.0"], "v{version}"),
    (["1.0", "1.1", "1.2", "v2.0"], "{version}"),
    (["v1.0", "v1.1", "2.0"], "v{version}"),
    (["v1.0", "2.0"], "{version}"),
    (["2.0", "v1.0"], "v{version}"),
    (["demo-pkg-1.0.0", "other-1.0", "other-1.1", "demo-pkg-1.1.0", "other-1.2"],
     "demo-pkg-{version}"),
    (["demo_pkg/v1.0.0", "docs-1", "docs-2", "docs-3", "demo_pkg/v1.1.0"],
     "demo_pkg/v{version}"),
    (["alpha-1.0", "beta-1.0", "beta-1.1"], "v{version}"),
    (["alpha-1.0", "beta-1.0", "beta-1.1", "0.1"], "{version}"),
    (["v0.1", "v0.2", "v0.3", "v0.4", "1.0", "1.1"], "{version}"),
    (["0.1", "0.2", "0.3", "v1.0", "v1.1"], "v{version}"),
    (["v0.1", "v0.2", "v0.3", "1.0", "1.1", "v1.2"], "v{version}"),
], ids=["bare", "v", "shared-prefix", "none", "no-release-tags", "dates-are-no-release-tags",
        "mostly-bare",
        "mostly-v", "tie-newest-bare", "tie-newest-v", "monorepo", "monorepo-v",
        "monorepo-new-member", "monorepo-new-member-bare", "changed-to-bare",
        "changed-to-v", "changed-back"])
def test_the_default_is_the_style_of_the_repositorys_release_tags(
        project: SampleProject, tags: list[str], expected: str) -> None:
    """The most common prefix of the release tags wins, unless the two newest share
    another (the project changed its style); a tie goes to the newest tag's style; in a
    monorepo only the project's own prefix counts; none: v{version}."""
    tagged(project, *tags)
    assert detect_tag_format(Git(project.root), "demo-pkg").format == expected


def test_a_tie_on_one_date_goes_to_the_higher_version(project: SampleProject) -> None:
    """Tags made in the same second (a script, an import) are ordered by their version."""
    tag_at(project, "1.0.0", START)
    project.git("tag", "v1.1.0")
    assert detect_tag_format(Git(project.root)).format == "v{version}"


def test_the_detected_format_says_where_it_comes_from(project: SampleProject) -> None:
    """The origin names how many tags made the choice and one of them."""
    tagged(project, "1.0.0", "1.1.0", "v0.9")
    found = detect_tag_format(Git(project.root))
    assert found.origin == "as 2 of the repository's 3 release tags, e.g. 1.1.0"
    assert found.tag("1.2.0") == "1.2.0"


def test_a_change_of_style_says_so(project: SampleProject) -> None:
    """A project that moved from v0.x to bare 1.x tags: the origin names the newest tags
    and the older style they replace."""
    tagged(project, "v0.1", "v0.2", "v0.3", "v0.4", "1.0", "1.1")
    found = detect_tag_format(Git(project.root))
    assert (found.format, found.origin) == (
        "{version}", "as the repository's 2 newest release tags, e.g. 1.1 (4 older ones are "
        "like v0.4)")


def test_only_tags_in_heads_history_make_the_style(project: SampleProject) -> None:
    """Five side-N tags on an unmerged branch do not outvote main's 1.0, and the newer
    v2.0, v2.1 of another unmerged branch do not make a change of style."""
    tagged(project, "1.0")
    for branch, names in (("side", [f"side-{n}" for n in range(5)]), ("next", ["v2.0", "v2.1"])):
        project.git("checkout", "-q", "-b", branch, "main")
        for n, name in enumerate(names):
            tag_at(project, name, START + (n + 2) * DAY)
    project.git("checkout", "-q", "main")
    found = detect_tag_format(Git(project.root), "demo-pkg")
    assert (found.format, found.origin) == ("{version}", "as the repository's release tag 1.0")


def test_a_repository_without_commits_has_the_default(tmp_path: Path) -> None:
    """git init and nothing else: no HEAD, no tags, v{version}, no error."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    found = detect_tag_format(Git(tmp_path))
    assert (found.format, found.origin) == ("v{version}", "")


def test_outside_a_repository_the_default_is_v(tmp_path: Path) -> None:
    """No repository, no tags: v{version}, and no origin to show."""
    found = detect_tag_format(Git(tmp_path))
    assert (found.format, found.origin) == ("v{version}", "")


@pytest.mark.parametrize(("name", "split"), [
    ("1.2.0", ("", "1.2.0")),
    ("v1.2.0", ("v", "1.2.0")),
    ("V2", ("V", "2")),
    ("pkg-v1.2.0", ("pkg-v", "1.2.0")),
    ("pkg2-1.0", ("pkg2-", "1.0")),
    ("rel/1.0.post1", ("rel/", "1.0.post1")),
    ("py3", None), ("build2020", None), ("2.0-docs", None), ("latest", None),
    ("2023-01-05", None), ("deploy-2023-01-05", None),
    ("deploy-2023.01.05", ("deploy-", "2023.1.5")),
])
def test_a_release_tag_is_a_prefix_and_a_pep440_version(
        name: str, split: tuple[str, str] | None) -> None:
    """A version that starts with a digit after nothing, a separator or a v; a version
    glued to a word (py3) or followed by words (2.0-docs) is no release tag."""
    found = split_tag(name)
    assert (None if found is None else (found[0], str(found[1]))) == split


# Configuration ---------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "problem"), [
    ("v", "must hold {version} exactly once, not 0 times: 'v'"),
    ("{version}-{version}", "must hold {version} exactly once, not 2 times"),
    ("{name}-{version}", "holds a brace besides {version}"),
    ("release {version}", "makes tags git refuses ('release 1.2.0' holds a space)"),
    ("v{version}~", "makes tags git refuses ('v1.2.0~' holds '~')"),
    ("-{version}", "makes tags git refuses ('-1.2.0' starts with '-')"),
    ("{version}.lock", "has a part that ends with '.lock'"),
    ("a..{version}", "holds '..'"),
    ("", "must be a non-empty string"),
])
def test_a_tag_format_git_cannot_use_is_refused_naming_the_key(
        project: SampleProject, value: str, problem: str) -> None:
    """tag-format must hold {version} once and make names git takes as tags; otherwise a
    ConfigError names the key, the problem and how to write it."""
    with (project.root / "pyproject.toml").open("a", encoding="utf-8") as f:
        f.write(f'\n[tool.publish-checks]\ntag-format = "{value}"\n')
    with pytest.raises(ConfigError) as error:
        load_config(project.root)
    assert error.value.message.startswith("tool.publish-checks.tag-format ")
    assert problem in error.value.message
    assert "tag-format = " in error.value.hint


@pytest.mark.parametrize("value", ["{version}", "v{version}", "release/{version}",
                                   "demo-pkg-v{version}", "demo-pkg@{version}"])
def test_usual_tag_formats_are_taken(project: SampleProject, value: str) -> None:
    """The formats real projects use load as they are."""
    with (project.root / "pyproject.toml").open("a", encoding="utf-8") as f:
        f.write(f'\n[tool.publish-checks]\ntag-format = "{value}"\n')
    assert load_config(project.root).tag_format == value


# git-tag and the hints ------------------------------------------------------------------


def test_git_tag_looks_for_the_detected_bare_tag(project: SampleProject) -> None:
    """A project that tags bare versions: git-tag names 1.2.0 and says why."""
    tagged(project, "1.0.0", "1.1.0")
    result = project.verify().get("git-tag")
    assert (result.status, result.summary) == (
        Status.PASS, "tag 1.2.0 does not exist yet (as the repository's 2 release tags, "
        "e.g. 1.1.0)")


def test_a_new_member_of_a_monorepo_does_not_take_a_siblings_tags(
        project: SampleProject) -> None:
    """Only other packages' tags, one of them naming this version (beta-1.2.0): git-tag
    looks for demo-pkg's v1.2.0, not for the sibling's tag, and says why."""
    tagged(project, "alpha-1.0", "beta-1.2.0", "beta-1.3.0")
    result = project.verify().get("git-tag")
    assert (result.status, result.summary) == (
        Status.PASS, "tag v1.2.0 does not exist yet (no release tag of demo-pkg among the "
        "repository's 3, e.g. beta-1.3.0)")


def test_git_tag_fails_on_the_bare_tag_of_an_earlier_commit(project: SampleProject) -> None:
    """1.2.0 already tags another commit: the fail and its fix name the bare tag, and a
    v1.2.0 that does not exist is not looked for instead."""
    tagged(project, "1.1.0", "1.2.0")
    result = project.verify().get("git-tag")
    assert result.status is Status.FAIL
    assert result.summary.startswith("tag 1.2.0 already exists at ")
    assert result.hint.endswith("if the tag is a mistake: git tag -d 1.2.0")


def test_a_configured_tag_format_wins_over_the_tags(project: SampleProject) -> None:
    """tag-format in pyproject.toml is used whatever the existing tags look like."""
    tagged(project, "1.0.0", "1.1.0")
    with (project.root / "pyproject.toml").open("a", encoding="utf-8") as f:
        f.write('\n[tool.publish-checks]\ntag-format = "demo-pkg-v{version}"\n')
    project.commit("configure tag-format")
    result = project.verify().get("git-tag")
    assert result.summary == ("tag demo-pkg-v1.2.0 does not exist yet (tag-format in "
                              "pyproject.toml)")


def scm(tmp_path: Path, extra: str = "", tag: str = "1.2.0") -> SampleProject:
    """A setuptools-scm project released as ``tag``, with dist/ as a 1.3.0 build leaves it."""
    project = SampleProject.create(tmp_path / "demo")
    (project.root / "VERSION").unlink()
    project.write("pyproject.toml", SCM + extra)
    project.commit("1.2.0")
    project.git("tag", "-a", tag, "-m", "Release 1.2.0")
    project.commit("1.3.0")
    for name in ("demo_pkg-1.3.0-py3-none-any.whl", "demo_pkg-1.3.0.tar.gz"):
        project.touch_dist(name)
    return project


@pytest.mark.parametrize(("extra", "status"), [
    ("", Status.PASS),
    ('\n[tool.publish-checks]\ntag-format = "demo-pkg-{version}"\n', Status.PASS),
    ('\n[tool.publish-checks]\ntag-format = "release/{version}"\n', Status.WARN),
    ('tag_regex = "^release/(?P<version>.+)$"\n[tool.publish-checks]\n'
     'tag-format = "release/{version}"\n', Status.PASS),
], ids=["detected", "dashed-prefix", "slash-prefix", "slash-with-tag-regex"])
def test_git_tag_warns_when_setuptools_scm_would_not_read_the_tag(
        tmp_path: Path, extra: str, status: Status) -> None:
    """setuptools-scm's default regex takes an optional dashed prefix and a v: a tag-format
    outside it (release/1.3.0) warns, naming the regex and both ways out; its tag_regex
    configured to read it passes."""
    result = scm(tmp_path, extra).verify().get("git-tag")
    assert result.status is status, result
    if status is Status.WARN:
        assert result.summary == (
            "setuptools-scm would not read tag release/1.3.0 as 1.3.0: its default tag regex "
            f"takes an optional dashed prefix and v only ({SCM_DEFAULT_TAG_REGEX})")
        assert result.hint == (
            'use a tag-format it reads (e.g. tag-format = "v{version}"), or set tag_regex in '
            "[tool.setuptools_scm] to a regex that reads release/1.3.0")


HATCH_VCS = """\
[build-system]
requires = ["hatchling", "hatch-vcs"]
build-backend = "hatchling.build"

[project]
name = "demo-pkg"
dynamic = ["version"]

[tool.hatch.version]
source = "vcs"
{pattern}
[tool.publish-checks]
tag-format = "release/{{version}}"
"""


@pytest.mark.parametrize(("pattern", "status"), [
    ("", Status.WARN),
    ('tag-pattern = "^release/(?P<version>.+)$"', Status.PASS),
    ('raw-options = { tag_regex = "^release/(?P<version>.+)$" }', Status.PASS),
], ids=["default", "tag-pattern", "raw-options"])
def test_git_tag_warns_when_hatch_vcs_would_not_read_the_tag(
        tmp_path: Path, pattern: str, status: Status) -> None:
    """hatch-vcs reads tags with setuptools-scm's regex unless tag-pattern (or raw-options'
    tag_regex) says otherwise: release/1.3.0 warns by default, passes with a pattern."""
    project = scm(tmp_path)
    project.write("pyproject.toml", HATCH_VCS.format(pattern=pattern))
    project.commit("hatch-vcs")
    result = project.verify().get("git-tag")
    assert result.status is status, result
    if status is Status.WARN:
        assert result.summary.startswith("hatch-vcs would not read tag release/1.3.0 as 1.3.0")
        assert result.hint.endswith("or set tag-pattern in [tool.hatch.version] to a regex "
                                    "that reads release/1.3.0")


@pytest.mark.parametrize(("tag", "reads"), [
    ("1.2.0", True), ("v1.2.0", True), ("V1.2.0", True), ("demo-pkg-1.2.0", True),
    ("demo-pkg-v1.2.0", True), ("release/1.2.0", False), ("rel_1.2.0", False),
    ("v1.2.1", False),
])
def test_setuptools_scms_default_regex_as_it_reads_tags(tag: str, reads: bool) -> None:
    """The cases setuptools-scm's own tests give: a dashed-words prefix, an optional v."""
    assert scm_reads(SCM_DEFAULT_TAG_REGEX, tag, "1.2.0") is reads


def test_the_tag_hint_of_an_untagged_scm_build_is_bare_like_its_tags(tmp_path: Path) -> None:
    """A .devN build of a project that tags bare versions is told to tag 1.2.1, not
    v1.2.1; bump dev says the same."""
    project = scm(tmp_path)
    for path in (project.root / "dist").iterdir():
        path.unlink()
    project.touch_dist("demo_pkg-1.2.1.dev1-py3-none-any.whl")
    project.touch_dist("demo_pkg-1.2.1.dev1.tar.gz")
    result = project.verify().get("changelog-entry")
    assert "git tag -a 1.2.1 -m 'Release 1.2.1'" in result.hint
    assert "git tag -a X.Y.Z -m 'Release X.Y.Z'" in bump(project.root, "dev")


def test_the_closing_lines_name_the_bare_tag(project: SampleProject) -> None:
    """The steps left to do by hand — tag, push, the GitHub release — name 1.2.0, not v1.2.0."""
    tagged(project, "1.0.0", "1.1.0")
    project.git("remote", "add", "origin", "git@github.com:octo/demo-pkg.git")
    make_release(project.root / "dist")
    ctx = project.context("pypi")
    todo = next_steps(ctx, make_plan(ctx, {}), tagged=False, pushed=False)
    assert "git tag -a 1.2.0 -m 'Release 1.2.0'" in todo
    assert "git push --atomic origin HEAD:refs/heads/main refs/tags/1.2.0" in todo
    assert "| gh release create 1.2.0 --verify-tag --title 1.2.0" in todo
    assert "v1.2.0" not in todo


# End to end ------------------------------------------------------------------------------


@pytest.mark.e2e
def test_publish_tag_push_makes_and_pushes_the_projects_bare_tag(
        project: SampleProject, tmp_path: Path, envdir: Path, index: LocalIndex) -> None:
    """A project whose tags are bare (1.0.0, 1.1.0): nox -s build publish -- --tag --push
    through a real pypiserver reports git-tag on 1.2.0, makes the annotated tag 1.2.0 and
    pushes it with main to the bare remote; no v1.2.0 is made."""
    tagged(project, "1.0.0", "1.1.0")
    project.write("noxfile.py", NOXFILE)
    head = project.commit("adopt the release sessions")
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    project.git("remote", "add", "origin", str(remote))
    project.git("push", "-q", "-u", "origin", "main")
    run = run_nox(project.root, envdir, "-s", "build", "publish", "--", "--repository",
                  index.url, "--yes", "--tag", "--push")
    assert run.code == 0, run.output
    line = next(line for line in run.output.splitlines() if line.startswith("✓ git-tag "))
    assert line.split(None, 2)[2] == ("tag 1.2.0 does not exist yet (as the repository's 2 "
                                      "release tags, e.g. 1.1.0)")
    assert "Pushed main and 1.2.0 to origin (git push --atomic)" in run.output
    assert "Done: HEAD is tagged 1.2.0; pushed main and 1.2.0 to origin" in run.output
    remote_tags = subprocess.run(["git", "tag", "--list"], cwd=remote, check=True,
                                 capture_output=True, text=True).stdout.split()
    assert "1.2.0" in remote_tags and "v1.2.0" not in remote_tags
    assert project.git("rev-parse", "1.2.0^{commit}") == head
    assert project.git("cat-file", "-t", "1.2.0") == "tag", "the tag must be annotated"

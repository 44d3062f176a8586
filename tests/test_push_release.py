"""After the upload: the atomic push of branch and tag, the GitHub release, git-upstream as
nox reports it, and the closing lines (the install command, links that do not answer).

The end-to-end tests run real nox, git and pypiserver; the GitHub CLI is the one stand-in:
a script named gh, first on PATH, that records its arguments, its notes file and whether
it was given the token.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from publish_checks.frontend.standalone import StandaloneRunner
from publish_checks.project.git import Git
from publish_checks.release.forge import GITHUB, create_release, forge_of, remote_location
from publish_checks.release.links import answer, dead_links, release_links
from publish_checks.release.plan import make_plan
from publish_checks.release.rehearse import LocalIndex, free_port
from publish_checks.release.summary import install_command
from tests.builders import SampleProject
from tests.distbuilders import make_release, metadata_text
from tests.e2e import CANARY, NOXFILE, run_nox
from tests.linkserver import link_server

WHEEL = "demo_pkg-1.2.0-py3-none-any.whl"
SDIST = "demo_pkg-1.2.0.tar.gz"
CHANGELOG = """\
# Changelog

## [Unreleased]

## [1.2.0] - 2026-02-01

### Added

- Pushing the release branch with its tag.

## [1.1.0] - 2026-01-01

### Fixed

- An older fix that is not part of 1.2.0.
"""
NOTES = "### Added\n\n- Pushing the release branch with its tag.\n"
FAKE_GH = """\
#!{python}
import json, os, sys
args = sys.argv[1:]
with open(args[args.index("--notes-file") + 1], encoding="utf-8") as notes:
    text = notes.read()
with open({record!r}, "w", encoding="utf-8") as record:
    json.dump({{"argv": args, "notes": text, "cwd": os.getcwd(),
               "token": os.environ.get("GH_TOKEN") == {token!r},
               "upload_secrets": [name for name in ("PYPI_API_KEY", "TWINE_PASSWORD")
                                  if name in os.environ]}}, record)
# A careless CLI that echoes its token: the release runner must redact it.
print("https://github.com/example/demo-pkg/releases/tag/v1.2.0", os.environ.get("GH_TOKEN"))
"""


def fake_gh(folder: Path, record: Path) -> Path:
    """A gh that records what it was asked (argv, the notes, whether GH_TOKEN came through)."""
    folder.mkdir(parents=True, exist_ok=True)
    gh = folder / "gh"
    gh.write_text(FAKE_GH.format(python=sys.executable, record=str(record), token=CANARY),
                  encoding="utf-8")
    gh.chmod(0o755)
    return gh


def git_out(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout.strip()


# Which forge, from the push remote.


@pytest.mark.parametrize(("url", "location"), [
    ("https://github.com/octo/demo-pkg.git", ("github.com", "octo/demo-pkg")),
    ("git@github.com:octo/demo-pkg.git", ("github.com", "octo/demo-pkg")),
    ("ssh://git@gitlab.example.org:2222/group/sub/demo.git",
     ("gitlab.example.org", "group/sub/demo")),
    ("/srv/git/demo.git", None),
    ("../demo.git", None),
], ids=["https", "scp-like", "ssh-port", "path", "relative"])
def test_remote_location_reads_every_git_url_form(url: str,
                                                  location: tuple[str, str] | None) -> None:
    """Host and repository path from https, scp-like and ssh URLs; a local path has none."""
    assert remote_location(url) == location


@pytest.mark.parametrize(("url", "argv_head", "known"), [
    ("git@github.com:octo/demo-pkg.git",
     ["gh", "release", "create", "v1.2.0", "--verify-tag", "--title", "1.2.0", "--notes-file",
      "N", "--repo", "octo/demo-pkg"], True),
    ("https://gitlab.com/group/demo-pkg.git",
     ["glab", "release", "create", "v1.2.0", "--name", "1.2.0", "--notes-file", "N",
      "--repo", "group/demo-pkg"], True),
    ("git@gitlab.example.org:group/demo.git",
     ["glab", "release", "create", "v1.2.0", "--name", "1.2.0", "--notes-file", "N",
      "--repo", "https://gitlab.example.org/group/demo"], True),
    ("https://code.example.org/octo/demo.git",
     ["gh", "release", "create", "v1.2.0", "--verify-tag", "--title", "1.2.0", "--notes-file",
      "N"], False),
], ids=["github", "gitlab.com", "self-hosted-gitlab", "other-host"])
def test_the_push_remotes_host_chooses_the_cli_and_repository(
        project: SampleProject, url: str, argv_head: list[str], known: bool) -> None:
    """github.com → gh for that repository; gitlab.com or a host naming gitlab → glab; any
    other host → gh without --repo (it picks the repository itself)."""
    project.git("remote", "add", "origin", url)
    forge, is_known = forge_of(Git(project.root), "origin")
    assert forge.argv("v1.2.0", "1.2.0", "N", ["a.whl"]) == [*argv_head, "a.whl"]
    assert is_known is known


def test_a_pre_release_is_marked_as_one_on_github() -> None:
    """gh gets --prerelease for 1.2.0rc1, not for 1.2.0."""
    assert "--prerelease" in GITHUB.argv("v1.2.0rc1", "1.2.0rc1", "N", [])
    assert "--prerelease" not in GITHUB.argv("v1.2.0", "1.2.0", "N", [])


GH_WITH_RELEASES = """\
#!{python}
import sys
with open({calls!r}, "a", encoding="utf-8") as calls:
    calls.write(" ".join(sys.argv[1:3]) + "\\n")
# view: 0 for a release that exists (here v1.2.0), 1 (gh's "release not found") otherwise
sys.exit(1 if sys.argv[1:3] == ["release", "view"] and sys.argv[3] != "v1.2.0" else 0)
"""


@pytest.mark.parametrize(("version", "calls", "created"), [
    ("1.2.0", ["release view"], False),
    ("1.3.0", ["release view", "release create"], True),
], ids=["exists", "new"])
def test_a_release_that_exists_already_is_left_as_it_is(
        tmp_path: Path, version: str, calls: list[str], created: bool) -> None:
    """A publish run again after it finished finds its GitHub release and creates none (gh
    would fail: already exists); a new version's release is created."""
    record = tmp_path / "calls.txt"
    gh = tmp_path / "bin" / "gh"
    gh.parent.mkdir()
    gh.write_text(GH_WITH_RELEASES.format(python=sys.executable, calls=str(record)), "utf-8")
    gh.chmod(0o755)
    env = {"PATH": str(gh.parent)}
    runner = StandaloneRunner(env, out=io.StringIO(), err=io.StringIO())
    assert create_release(runner, GITHUB, root=tmp_path, tag=f"v{version}", version=version,
                          notes="- x\n", files=[], environ=env,
                          by_hand="gh release create …") is created
    assert record.read_text("utf-8").splitlines() == calls


# The install command of the closing lines.


@pytest.mark.parametrize(("repository", "command"), [
    ("pypi", "pip install demo-pkg==1.2.0"),
    ("testpypi", "pip install --index-url https://test.pypi.org/simple/ demo-pkg==1.2.0"),
    ("https://pkgs.example.org/",
     "pip install --index-url https://pkgs.example.org/simple/ demo-pkg==1.2.0"),
], ids=["pypi", "testpypi", "private"])
def test_the_install_command_names_the_index_unless_it_is_pypi(
        project: SampleProject, repository: str, command: str) -> None:
    """From PyPI a plain pip install; from any other index, with --index-url so it works."""
    make_release(project.root / "dist")
    ctx = project.context(repository)
    assert install_command(ctx, make_plan(ctx, {})) == command


# The release's links.


def test_release_links_are_the_home_page_and_project_urls_once() -> None:
    """Home-page and each http(s) Project-URL, a URL given twice once, others left out."""
    text = metadata_text(extra="Home-page: https://example.org/demo\n"
                               "Project-URL: Homepage, https://example.org/demo\n"
                               "Project-URL: Documentation, https://docs.example.org/\n"
                               "Project-URL: Chat, irc://irc.example.org/demo\n")
    assert release_links(text.encode()) == [
        ("Home-page", "https://example.org/demo"),
        ("Project-URL 'Documentation'", "https://docs.example.org/")]


@pytest.mark.parametrize(("path", "problem"), [
    ("/ok", None),
    ("/moved", None),
    ("/get-only", None),
    ("/missing", "answered 404"),
], ids=["200", "redirect", "head-refused-get-ok", "404"])
def test_a_link_answers_2xx_or_3xx_or_says_what_it_did(path: str, problem: str | None) -> None:
    """200, a redirect to 200 and a 405 to HEAD with 200 to GET are fine; 404 is not."""
    with link_server() as base:
        assert answer(base + path) == problem


def test_a_closed_port_and_a_silent_server_did_not_answer() -> None:
    """Nothing listening, or a server that never answers within the time: both said so."""
    with link_server() as base:
        lines = dead_links([("Project-URL 'Docs'", f"http://127.0.0.1:{free_port()}/"),
                            ("Project-URL 'Slow'", f"{base}/silent"),
                            ("Project-URL 'Home'", f"{base}/ok")], timeout=1, budget=5)
    assert len(lines) == 2
    assert lines[0].startswith("Project-URL 'Docs' http://127.0.0.1:")
    assert lines[0].endswith("did not answer: Connection refused")
    assert lines[1] == f"Project-URL 'Slow' {base}/silent did not answer: timeout"


def test_a_url_urllib_cannot_split_is_a_warning_not_a_crash() -> None:
    """A Project-URL PyPI takes but urllib cannot split (an unclosed IPv6 host) is a link
    that did not answer, beside a well-formed one that did."""
    text = metadata_text(extra="Project-URL: Broken, http://[::1\n"
                               "Project-URL: Home, {base}/ok\n")
    with link_server() as base:
        links = release_links(text.replace("{base}", base).encode())
        assert links == [("Project-URL 'Broken'", "http://[::1"),
                         ("Project-URL 'Home'", f"{base}/ok")]
        assert dead_links(links) == [
            "Project-URL 'Broken' http://[::1 did not answer: Invalid IPv6 URL"]


def test_the_whole_link_check_is_bounded() -> None:
    """Links still unanswered when the budget runs out are reported, without waiting."""
    with link_server() as base:
        lines = dead_links([("Project-URL 'Slow'", f"{base}/silent")], timeout=30, budget=0.5)
    assert lines == [f"Project-URL 'Slow' {base}/silent did not answer within 0.5 s"]


# End to end: real nox, git and pypiserver.




def cloned_with_upstream(project: SampleProject, tmp_path: Path) -> Path:
    """The sample project with the release sessions, main pushed to a bare origin and
    tracking it."""
    project.write("noxfile.py", NOXFILE)
    project.commit("adopt the release sessions")
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    project.git("remote", "add", "origin", str(remote))
    project.git("push", "-q", "-u", "origin", "main")
    return remote


@pytest.mark.e2e
def test_build_publish_tag_push_and_github_release(project: SampleProject, tmp_path: Path,
                                                   envdir: Path, index: LocalIndex) -> None:
    """nox -s build publish -- --yes --tag --push --github-release: the release commit and
    the annotated tag reach the remote together, gh release create v1.2.0 gets exactly the
    1.2.0 changelog section and the two dists (and its token only in its environment, the
    upload's not at all), and
    the closing lines give the install command, what was done, and a warning for the
    Project-URL that answers 404."""
    remote = cloned_with_upstream(project, tmp_path)
    record = tmp_path / "gh-call.json"
    gh = fake_gh(tmp_path / "bin", record)
    with link_server() as base:
        project.write("CHANGELOG.md", CHANGELOG)
        project.write("pyproject.toml", (project.root / "pyproject.toml").read_text() + (
            f'\n[project.urls]\nHomepage = "{base}/ok"\nDocumentation = "{base}/missing"\n'))
        head = project.commit("release 1.2.0")
        run = run_nox(project.root, envdir, "-s", "build", "publish", "--", "--repository",
                      index.url, "--yes", "--tag", "--push", "--github-release",
                      env={"PATH": f"{gh.parent}{os.pathsep}{os.environ['PATH']}",
                           "GH_TOKEN": CANARY})
    assert run.code == 0, run.output
    tag = git_out(project.root, "rev-parse", "v1.2.0")
    assert git_out(remote, "rev-parse", "refs/heads/main") == head
    assert git_out(remote, "rev-parse", "refs/tags/v1.2.0") == tag
    assert git_out(remote, "cat-file", "-t", "v1.2.0") == "tag", "the tag must be annotated"
    assert git_out(remote, "rev-parse", "v1.2.0^{commit}") == head
    call = json.loads(record.read_text("utf-8"))
    dist = project.root / "dist"
    assert call["argv"] == ["release", "create", "v1.2.0", "--verify-tag", "--title", "1.2.0",
                            "--notes-file", call["argv"][7], str(dist / WHEEL),
                            str(dist / SDIST)]
    assert call["notes"] == NOTES
    assert call["token"] is True and Path(call["cwd"]) == project.root
    assert call["upload_secrets"] == [], "gh needs its own token, never the upload's"
    out = run.output
    assert (out.index("Smoke test passed") < out.index("Pushed main and v1.2.0 to origin")
            < out.index("Creating the GitHub release v1.2.0"))
    assert f"Install it with: pip install --index-url {index.index_url} demo-pkg==1.2.0" in out
    assert ("Done: HEAD is tagged v1.2.0; pushed main and v1.2.0 to origin; the GitHub "
            "release v1.2.0 is up") in out
    assert f"Warning: Project-URL 'Documentation' {base}/missing answered 404" in out
    assert f"{base}/ok" not in out.split("Install it with")[1]
    assert "gh release create" not in out.split("Next steps:")[1]


@pytest.mark.e2e
def test_nox_verify_offline_fails_a_head_behind_its_upstream(
        project: SampleProject, tmp_path: Path, envdir: Path) -> None:
    """nox -s verify -- --offline, with the remote unreachable, reads the last fetch: a HEAD
    behind origin/main fails git-upstream with pull first; once caught up it passes."""
    cloned_with_upstream(project, tmp_path)
    project.commit("pushed by someone else")
    project.git("push", "-q")
    project.git("reset", "-q", "--hard", "HEAD~1")
    project.git("remote", "set-url", "origin", f"http://127.0.0.1:{free_port()}/demo.git")
    run = run_nox(project.root, envdir, "-s", "verify", "--", "--offline")
    assert run.code != 0
    assert "✗ git-upstream" in run.output
    assert "HEAD is 1 commit behind origin/main" in run.output
    assert "pull first: git pull --ff-only" in run.output
    project.git("merge", "-q", "--ff-only", "origin/main")
    caught_up = run_nox(project.root, envdir, "-s", "verify", "--", "--offline")
    assert "✓ git-upstream" in caught_up.output
    assert "up to date with origin/main (as of the last fetch)" in caught_up.output


def test_a_password_in_a_link_is_never_shown() -> None:
    """A Project-URL may carry a password (https://user:pw@host/): the warning line names
    the link without it."""
    with link_server() as base:
        url = base.replace("http://", "http://release:hunter2-secret@") + "/missing"
        lines = dead_links([("Project-URL 'Docs'", url)], timeout=5, budget=10)
    assert len(lines) == 1 and lines[0].startswith("Project-URL 'Docs' http://release:")
    assert "hunter2-secret" not in lines[0]

"""git-clean, git-branch, git-upstream and git-tag against real git repositories."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from publish_checks import Status
from publish_checks.frontend.cli import main
from publish_checks.release.rehearse import free_port
from tests.builders import SampleProject

# git-clean --------------------------------------------------------------------------------


def test_clean_tree_passes(project: SampleProject) -> None:
    """A freshly committed project has a clean working tree."""
    result = project.verify().get("git-clean")
    assert result.status is Status.PASS
    assert result.summary == "working tree is clean"


@pytest.mark.parametrize("staged", [False, True], ids=["unstaged", "staged"])
def test_modified_tracked_file_fails(project: SampleProject, staged: bool) -> None:
    """An uncommitted change to a tracked file fails, staged or not, and names the file."""
    project.write("demo_pkg/core.py", "def answer() -> int:\n    return 43\n")
    if staged:
        project.git("add", "demo_pkg/core.py")
    result = project.verify().get("git-clean")
    assert result.status is Status.FAIL
    assert result.summary == "1 tracked file(s) with uncommitted changes: demo_pkg/core.py"
    assert "git commit -a" in result.hint


def test_deleted_tracked_file_fails(project: SampleProject) -> None:
    """A tracked file deleted from the working tree is an uncommitted change."""
    (project.root / "README.md").unlink()
    result = project.verify().get("git-clean")
    assert result.status is Status.FAIL
    assert "README.md" in result.summary


def test_renamed_file_is_listed_once_by_its_new_name(project: SampleProject) -> None:
    """A staged rename is one change, shown by its new path (not its old one, not twice)."""
    project.git("mv", "demo_pkg/core.py", "demo_pkg/engine.py")
    result = project.verify().get("git-clean")
    assert result.status is Status.FAIL
    assert result.summary == "1 tracked file(s) with uncommitted changes: demo_pkg/engine.py"


def test_a_changed_path_with_spaces_and_a_conflict_are_named_whole(
        project: SampleProject) -> None:
    """A modified file whose path has spaces, and a file left unmerged by a conflicting
    merge, are each one change named by its whole path."""
    project.write("docs/a note.md", "one\n")
    project.git("add", "docs/a note.md")
    project.git("commit", "-qm", "note")
    project.git("checkout", "-qb", "other")
    project.write("docs/a note.md", "theirs\n")
    project.git("commit", "-qam", "theirs")
    project.git("checkout", "-q", "main")
    project.write("docs/a note.md", "ours\n")
    project.git("commit", "-qam", "ours")
    subprocess.run(["git", "merge", "-q", "other"], cwd=project.root, capture_output=True,
                   check=False)  # a conflict: exits 1
    project.write("README.md", "changed too\n")
    result = project.verify().get("git-clean")
    assert result.status is Status.FAIL
    assert result.summary == ("2 tracked file(s) with uncommitted changes: README.md, "
                              "docs/a note.md")


def test_untracked_file_warns(project: SampleProject) -> None:
    """An untracked, non-ignored file warns: the sdist may or may not want it."""
    project.write("notes with spaces.txt", "todo\n")
    result = project.verify().get("git-clean")
    assert result.status is Status.WARN
    assert result.summary == "1 untracked file(s): notes with spaces.txt"
    assert ".gitignore" in result.hint


def test_untracked_files_in_new_folders_are_listed_one_by_one(project: SampleProject) -> None:
    """Untracked files are counted individually and a long list is shortened."""
    for n in range(7):
        project.write(f"scratch/file{n}.txt", "x\n")
    result = project.verify().get("git-clean")
    assert result.status is Status.WARN
    assert result.summary.startswith("7 untracked file(s): scratch/file0.txt,")
    assert result.summary.endswith("and 2 more")


def test_ignored_files_do_not_count(project: SampleProject) -> None:
    """Build output and credentials matched by .gitignore leave the tree clean."""
    project.touch_dist("demo_pkg-1.2.0-py3-none-any.whl")
    project.write(".env.local", "PYPI_API_KEY=x\n")
    project.write("demo_pkg/__pycache__/core.cpython-311.pyc", "")
    assert project.verify().get("git-clean").status is Status.PASS


def test_changes_outside_the_project_folder_do_not_count(tmp_path: Path) -> None:
    """In a monorepo only the project's own folder is looked at."""
    outer = SampleProject.create(tmp_path / "mono")
    project = SampleProject.create(tmp_path / "mono" / "packages" / "demo")
    shutil.rmtree(project.root / ".git")
    outer.commit("initial")
    outer.write("other/README.md", "unrelated work in progress\n")
    outer.write("README.md", "changed\n")
    assert project.verify().get("git-clean").status is Status.PASS
    project.write("README.md", "changed too\n")
    result = project.verify().get("git-clean")
    assert result.status is Status.FAIL
    assert "README.md" in result.summary


@pytest.mark.parametrize("check_id", ["git-clean", "git-branch", "git-upstream", "git-tag"])
def test_git_checks_skip_outside_a_repository(project: SampleProject, check_id: str) -> None:
    """Without a repository each git check skips and says why."""
    shutil.rmtree(project.root / ".git")
    result = project.verify().get(check_id)
    assert result.status is Status.SKIP
    assert result.summary == "not a git repository"


# git-branch -------------------------------------------------------------------------------


@pytest.mark.parametrize("branch", ["main", "master"])
def test_main_or_master_passes_by_default(project: SampleProject, branch: str) -> None:
    """Without release-branch, both main and master are release branches."""
    project.git("branch", "-M", branch)
    result = project.verify().get("git-branch")
    assert result.status is Status.PASS
    assert result.summary == f"on the release branch {branch}"


def test_other_branch_warns(project: SampleProject) -> None:
    """A feature branch warns and says how to switch or configure."""
    project.git("switch", "-q", "-c", "feature/login")
    result = project.verify().get("git-branch")
    assert result.status is Status.WARN
    assert result.summary == "on branch feature/login, not on the release branch main or master"
    assert result.hint.startswith("git switch main")
    assert 'release-branch = "feature/login"' in result.hint


def test_detached_head_warns(project: SampleProject) -> None:
    """A detached HEAD (a CI tag checkout) warns, naming the commit."""
    head = project.git("rev-parse", "--short", "HEAD")
    project.git("switch", "-q", "--detach", "HEAD")
    result = project.verify().get("git-branch")
    assert result.status is Status.WARN
    assert f"detached at {head}" in result.summary


def test_configured_release_branch(tmp_path: Path) -> None:
    """release-branch replaces main/master: it passes, and main then warns."""
    project = SampleProject.create(tmp_path / "demo", extra_config=(
        '\n[tool.publish-checks]\nrelease-branch = "stable"\n'))
    project.commit()
    result = project.verify().get("git-branch")
    assert result.status is Status.WARN
    assert "not on the release branch stable" in result.summary
    project.git("switch", "-q", "-c", "stable")
    assert project.verify().get("git-branch").status is Status.PASS


def test_unborn_branch_is_still_a_branch(tmp_path: Path) -> None:
    """A repository without commits is on its initial branch, not detached."""
    project = SampleProject.create(tmp_path / "demo")
    assert project.verify().get("git-branch").status is Status.PASS


# git-upstream -----------------------------------------------------------------------------


def published(project: SampleProject, tmp_path: Path) -> Path:
    """A bare remote 'origin' holding main, which tracks it (git push -u)."""
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    project.git("remote", "add", "origin", str(remote))
    project.git("push", "-q", "-u", "origin", "main")
    return remote


def unreachable(project: SampleProject) -> None:
    """Point origin at a port nothing listens on: a check that asked the remote would fail."""
    project.git("remote", "set-url", "origin", f"http://127.0.0.1:{free_port()}/demo.git")


def test_even_with_upstream_passes(project: SampleProject, tmp_path: Path) -> None:
    """HEAD equal to origin/main passes, saying so as of the last fetch."""
    published(project, tmp_path)
    result = project.verify().get("git-upstream")
    assert (result.status, result.summary) == (
        Status.PASS, "up to date with origin/main (as of the last fetch)")


@pytest.mark.parametrize(("commits", "summary"), [
    (1, "1 commit ahead of origin/main: --push will send it"),
    (2, "2 commits ahead of origin/main: --push will send them"),
])
def test_ahead_passes_and_says_what_push_sends(project: SampleProject, tmp_path: Path,
                                                commits: int, summary: str) -> None:
    """Local commits the remote lacks pass: --push sends them with the tag."""
    published(project, tmp_path)
    for n in range(commits):
        project.commit(f"release commit {n}")
    result = project.verify().get("git-upstream")
    assert (result.status, result.summary) == (Status.PASS, summary)


def test_behind_fails_with_pull_first(project: SampleProject, tmp_path: Path) -> None:
    """origin/main has 2 commits HEAD lacks: fail, pull first (fast-forward) and rebuild."""
    published(project, tmp_path)
    project.commit("one")
    project.commit("two")
    project.git("push", "-q")
    project.git("reset", "-q", "--hard", "HEAD~2")
    result = project.verify().get("git-upstream")
    assert (result.status, result.summary) == (Status.FAIL,
                                               "HEAD is 2 commits behind origin/main")
    assert result.hint == "pull first: git pull --ff-only, then rebuild (nox -s build)"


def test_diverged_fails_with_both_counts(project: SampleProject, tmp_path: Path) -> None:
    """HEAD and origin/main each with commits of their own: fail, rebase or merge."""
    published(project, tmp_path)
    project.commit("theirs")
    project.git("push", "-q")
    project.git("reset", "-q", "--hard", "HEAD~1")
    project.commit("mine 1")
    project.commit("mine 2")
    result = project.verify().get("git-upstream")
    assert (result.status, result.summary) == (
        Status.FAIL, "HEAD and origin/main have diverged: 2 commits ahead, 1 commit behind")
    assert "git pull --rebase" in result.hint and "git pull --no-rebase" in result.hint


def test_behind_is_found_offline_from_local_refs_alone(
        project: SampleProject, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With the remote unreachable, verify --offline still sees what the last fetch
    brought: the check reads local refs only."""
    published(project, tmp_path)
    project.commit("pushed")
    project.git("push", "-q")
    project.git("reset", "-q", "--hard", "HEAD~1")
    unreachable(project)
    code = main(["verify", "--project", str(project.root), "--offline", "--json"])
    checks = {c["id"]: c for c in json.loads(capsys.readouterr().out)["checks"]}
    assert code == 1
    assert (checks["git-upstream"]["status"], checks["git-upstream"]["summary"]) == (
        "fail", "HEAD is 1 commit behind origin/main")


def test_without_upstream_warns_with_the_fix(project: SampleProject, tmp_path: Path) -> None:
    """A remote but no upstream for main: warn, with git push -u or --set-upstream-to."""
    published(project, tmp_path)
    project.git("branch", "--unset-upstream")
    result = project.verify().get("git-upstream")
    assert (result.status, result.summary) == (
        Status.WARN, "branch main has no upstream: nothing says whether origin has commits "
                     "you lack")
    assert result.hint == ("git push -u origin main, or git branch --set-upstream-to "
                           "origin/main")


def test_without_any_remote_warns(project: SampleProject) -> None:
    """No remote at all: warn, and the fix adds one."""
    result = project.verify().get("git-upstream")
    assert (result.status, result.summary) == (
        Status.WARN, "branch main has no upstream, and the repository no remote")
    assert result.hint == ("add one and push: git remote add origin URL && "
                           "git push -u origin main")


def test_upstream_never_fetched_warns(project: SampleProject, tmp_path: Path) -> None:
    """An upstream configured but never fetched: warn, fetch it."""
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    project.git("remote", "add", "origin", str(remote))
    project.git("config", "branch.main.remote", "origin")
    project.git("config", "branch.main.merge", "refs/heads/main")
    result = project.verify().get("git-upstream")
    assert (result.status, result.summary) == (
        Status.WARN, "branch main tracks origin/main, which was never fetched")
    assert result.hint == "git fetch origin"


def test_upstream_skips_on_a_detached_head_and_without_commits(
        project: SampleProject, tmp_path: Path) -> None:
    """A detached HEAD has no upstream, a repository without commits nothing to compare."""
    published(project, tmp_path)
    project.git("switch", "-q", "--detach", "HEAD")
    result = project.verify().get("git-upstream")
    assert (result.status, result.summary) == (
        Status.SKIP, "HEAD is detached: no branch, so no upstream (see git-branch)")
    empty = SampleProject.create(tmp_path / "empty")
    result = empty.verify().get("git-upstream")
    assert (result.status, result.summary) == (Status.SKIP, "no commits yet")


# git-tag ----------------------------------------------------------------------------------


def test_absent_tag_passes(project: SampleProject) -> None:
    """No v1.2.0 tag yet: the release can be tagged."""
    result = project.verify().get("git-tag")
    assert result.status is Status.PASS
    assert result.summary == "tag v1.2.0 does not exist yet"


@pytest.mark.parametrize("annotated", [False, True], ids=["lightweight", "annotated"])
def test_tag_at_head_passes(project: SampleProject, annotated: bool) -> None:
    """A v1.2.0 tag on HEAD is this very release (a re-run, or CI on the tag)."""
    project.git("tag", *(["-a", "-m", "release"] if annotated else []), "v1.2.0")
    result = project.verify().get("git-tag")
    assert result.status is Status.PASS
    assert result.summary == "tag v1.2.0 points at HEAD"


@pytest.mark.parametrize("annotated", [False, True], ids=["lightweight", "annotated"])
def test_tag_elsewhere_fails(project: SampleProject, annotated: bool) -> None:
    """v1.2.0 already on another commit means 1.2.0 was released: fail, suggest a bump."""
    tagged = project.git("rev-parse", "HEAD")
    project.git("tag", *(["-a", "-m", "release"] if annotated else []), "v1.2.0")
    project.write("demo_pkg/core.py", "def answer() -> int:\n    return 43\n")
    project.commit("after the release")
    result = project.verify().get("git-tag")
    assert result.status is Status.FAIL
    assert f"already exists at {tagged[:12]}, not at HEAD" in result.summary
    assert "nox -s bump -- patch" in result.hint
    assert "git tag -d v1.2.0" in result.hint


def test_other_version_tags_do_not_matter(project: SampleProject) -> None:
    """Only v<this version> is looked at."""
    project.git("tag", "v1.1.0")
    project.commit("more")
    assert project.verify().get("git-tag").status is Status.PASS


def test_git_tag_skips_without_a_version(project: SampleProject) -> None:
    """With no valid version there is no tag name to look for."""
    project.write("VERSION", "\n")
    result = project.verify().get("git-tag")
    assert result.status is Status.SKIP
    assert "version-file" in result.summary


def test_without_git_on_path_git_checks_skip_and_tools_fails(
        project: SampleProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No git executable: the git checks say so and skip; tools fails with the install hint."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    report = project.verify()
    for check_id in ("git-clean", "git-branch", "git-upstream", "git-tag"):
        assert report.get(check_id).summary == "git is not installed"
    assert report.get("credentials-file-untracked").status is Status.SKIP
    tools = report.get("tools")
    assert (tools.status, tools.summary) == (Status.FAIL, "git is not installed")
    assert "git-scm.com" in tools.hint

"""What one ``git status --porcelain=v2 --branch`` answers for a run (HEAD's commit, the
branch, its upstream and how far apart they are) is what git's own questions answer, in
every state a repository can be in; and whether a file is tracked is read from the
tracked files as ``ls-files --error-unmatch`` answers it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from publish_checks.project.git import Git
from publish_checks.project.git_questions import BRANCHING, STATUS
from tests.conftest import git


def _repo(root: Path) -> Path:
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "t@example.org")
    git(root, "config", "user.name", "T")
    return root


def _commit(root: Path, name: str = "a") -> None:
    (root / name).write_text(name, "utf-8")
    git(root, "add", name)
    git(root, "commit", "-qm", name)


def _no_commits(root: Path) -> None:
    pass


def _detached(root: Path) -> None:
    _commit(root)
    git(root, "checkout", "-q", "--detach")


def _branch_named_detached(root: Path) -> None:
    _commit(root)
    git(root, "checkout", "-q", "-b", "(detached)")


def _upstream_never_fetched(root: Path) -> None:
    _commit(root)
    git(root, "remote", "add", "origin", str(root.parent / "nowhere"))
    git(root, "config", "branch.main.remote", "origin")
    git(root, "config", "branch.main.merge", "refs/heads/main")


def _ahead_and_behind(root: Path) -> None:
    _upstream_never_fetched(root)
    _commit(root, "b")
    git(root, "update-ref", "refs/remotes/origin/main", "HEAD")
    git(root, "reset", "-q", "--hard", "HEAD~1")
    _commit(root, "c")
    _commit(root, "d")


def _local_upstream(root: Path) -> None:
    _commit(root)
    git(root, "branch", "base")
    _commit(root, "b")
    git(root, "branch", "--set-upstream-to", "base")


STATES: dict[str, Callable[[Path], None]] = {
    "no commits": _no_commits, "detached": _detached,
    "a branch named (detached)": _branch_named_detached,
    "an upstream never fetched": _upstream_never_fetched,
    "ahead and behind its upstream": _ahead_and_behind, "a local upstream": _local_upstream,
}


def _answers(repo: Git) -> tuple[object, ...]:
    upstream = repo.upstream()
    return (repo.has_commits(), repo.head() if repo.has_commits() else None, repo.branch(),
            upstream, repo.ahead_behind() if upstream else None)


@pytest.mark.parametrize("state", STATES)
def test_status_headers_answer_as_gits_own_questions(tmp_path: Path, state: str) -> None:
    """Asked with STATUS, a Git says the same of HEAD, the branch, the upstream and the
    counts as one that asks git's own questions, and asks none of those but where status
    cannot say (a detached HEAD and a branch named like one)."""
    root = _repo(tmp_path / "repo")
    STATES[state](root)
    by_status, by_questions = Git(root), Git(root)
    by_status.ask_all(STATUS)
    by_questions.ask_all(*BRANCHING)
    assert _answers(by_status) == _answers(by_questions)
    asked = set(by_status._answers) - {STATUS}
    assert asked <= ({BRANCHING[1]} if "detached" in state else set())


@pytest.mark.parametrize(("name", "staged", "inside"), [
    (".env.local", False, True), (".env.local", True, True), ("sub dir/.env", True, True),
    (".env.local", True, False),
])
def test_tracks_answers_as_ls_files_error_unmatch(tmp_path: Path, name: str, staged: bool,
                                                  inside: bool) -> None:
    """A file is tracked, by the listing of the project folder, exactly when
    ``git ls-files --error-unmatch`` says so: staged in a repository without commits, in a
    folder with a space, and above the project folder (asked of git then)."""
    top = _repo(tmp_path / "repo")
    project = top / "project"
    project.mkdir()
    path = (project if inside else top) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("PYPI_API_KEY=x\n", "utf-8")
    (project / "old.env.local").write_text("", "utf-8")  # tracked: a name that holds the other
    git(top, "add", str(project / "old.env.local"))
    if staged:
        git(top, "add", str(path))
    said = Git(project).run("ls-files", "--error-unmatch", "--", str(path)).returncode == 0
    assert said is staged
    assert Git(project).tracks(path) is staged

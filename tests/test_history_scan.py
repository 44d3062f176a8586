"""credentials-file-untracked's search of every committed file on every ref for the token."""

from __future__ import annotations

import re
import subprocess
import time

from publish_checks import Status
from publish_checks.checks.credentials import credentials_file_untracked
from publish_checks.project.git_objects import BlobReader
from publish_checks.project.history import search_history
from tests.builders import SampleProject

# Assembled at run time, as in test_credentials.py: no token-shaped literal in a shipped file.
TOKEN = "pypi-" + "AgEIcHlwaS5vcmcCJDAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA"
ENV = {"PYPI_API_KEY": TOKEN}
COMMITS = 10_000


def add_bulk_history(project: SampleProject, commits: int = COMMITS) -> None:
    """``commits`` commits on branch 'bulk', each changing one file, made by git fast-import
    in about a second (10,000 `git commit` calls would take minutes)."""
    stream = []
    for n in range(commits):
        content = f"line {n}\n".encode()
        stream.append(b"commit refs/heads/bulk\ncommitter Bulk <bulk@example.invalid> "
                      + str(1_700_000_000 + n).encode() + b" +0000\ndata 5\nbulk\n"
                      + b"M 100644 inline data/counter.txt\ndata "
                      + str(len(content)).encode() + b"\n" + content + b"\n")
    subprocess.run(["git", "fast-import", "--quiet"], cwd=project.root, check=True,
                   input=b"".join(stream), capture_output=True)


def blob_count(project: SampleProject) -> int:
    """Reachable blobs, counted by git's own object filter (not by the code under test)."""
    out = project.git("rev-list", "--all", "--objects", "--filter=object:type=blob",
                      "--filter-provided-objects")
    return len(out.split("\n"))


def commit_on_branch(project: SampleProject, branch: str, name: str, text: str) -> str:
    """Commit ``name`` holding ``text`` on a new ``branch``, return to main: the short id."""
    project.git("switch", "-q", "-c", branch)
    project.write(name, text)
    project.git("add", "-f", name)
    project.git("commit", "-q", "-m", f"add {name}")
    commit = project.git("rev-parse", "--short", "HEAD")
    project.git("switch", "-q", "main")
    return commit


def test_token_committed_under_another_name_on_another_branch_fails(
        project: SampleProject) -> None:
    """The token's value in settings.py on another branch fails, naming commit and path,
    never the token."""
    leaked = commit_on_branch(project, "experiment", "src/demo_pkg/settings.py",
                              f'API = "{TOKEN}"\n')
    result = project.verify(env=ENV).get("credentials-file-untracked")
    assert result.status is Status.FAIL
    assert result.summary == (f"the token is in git history: commit {leaked} holds it in "
                              "src/demo_pkg/settings.py")
    assert "revoke the token at https://pypi.org/manage/account/token/" in result.hint
    assert "git filter-repo --replace-text" in result.hint
    assert TOKEN not in result.summary + result.hint


def test_another_value_committed_elsewhere_passes(project: SampleProject) -> None:
    """The compliant twin: a different token committed on another branch is not this one."""
    commit_on_branch(project, "experiment", "src/demo_pkg/settings.py",
                     f'API = "{TOKEN[:-1]}Z"\n')
    result = project.verify(env=ENV).get("credentials-file-untracked")
    assert result.status is Status.PASS
    assert result.summary == (".env.local is not tracked and was never committed, and the token "
                              f"is in none of the {blob_count(project)} committed files on any "
                              "ref")


def test_token_only_in_an_uncommitted_file_passes(project: SampleProject) -> None:
    """A token in a file that was never committed is not in history: pass."""
    project.write("settings.py", f'API = "{TOKEN}"\n')
    result = project.verify(env=ENV).get("credentials-file-untracked")
    assert result.status is Status.PASS
    assert "the token is in none of the" in result.summary


def test_token_in_a_deleted_file_still_fails(project: SampleProject) -> None:
    """A file removed in a later commit is still in history."""
    project.write("notes.txt", f"token: {TOKEN}\n")
    leaked = project.commit("notes")
    project.git("rm", "-q", "notes.txt")
    project.commit("forget the notes")
    result = project.verify(env=ENV).get("credentials-file-untracked")
    assert result.status is Status.FAIL
    assert f"commit {leaked[:7]}" in result.summary
    assert result.summary.endswith("holds it in notes.txt")


def test_without_a_token_history_is_not_searched(project: SampleProject) -> None:
    """A run with no token in use passes the path checks and says history was not searched."""
    commit_on_branch(project, "experiment", "settings.py", f'API = "{TOKEN}"\n')
    result = project.verify().get("credentials-file-untracked")
    assert result.status is Status.PASS
    assert result.summary == (".env.local is not tracked and was never committed; no token in "
                              "use, so history was not searched for one")


def test_the_deadline_gives_a_warning_with_the_counts(project: SampleProject) -> None:
    """Out of time on a 10,000-commit history: a warning saying how much was read, not a pass."""
    add_bulk_history(project)
    ctx = project.context(env=ENV)
    ctx.history_seconds = 0
    result = credentials_file_untracked(ctx)
    assert result.status is Status.WARN
    total = blob_count(project)
    assert total > COMMITS
    assert result.summary == (".env.local is not tracked and was never committed, but the "
                              "search of history for the token stopped after 0 s: scanned 0 of "
                              f"{total:,} committed files")
    assert result.hint == 'search the rest by hand: git log --all --oneline -S"$PYPI_API_KEY"'


def test_ten_thousand_commits_are_searched_within_the_bound(project: SampleProject) -> None:
    """A 10,000-commit history without the token is read in full well inside the deadline."""
    add_bulk_history(project)
    ctx = project.context(env=ENV)
    started = time.monotonic()
    result = credentials_file_untracked(ctx)
    elapsed = time.monotonic() - started
    assert result.status is Status.PASS, result.summary
    assert f"in none of the {blob_count(project):,} committed files" in result.summary
    assert elapsed < ctx.history_seconds


def test_token_at_the_end_of_a_long_history_is_found(project: SampleProject) -> None:
    """The token committed beside a 10,000-commit branch is found, with its commit and path."""
    add_bulk_history(project)
    leaked = commit_on_branch(project, "late", "data/counter.txt", f"{TOKEN}\n")
    result = project.verify(env=ENV).get("credentials-file-untracked")
    assert result.status is Status.FAIL
    assert re.fullmatch(rf"the token is in git history: commit {leaked} holds it in "
                        r"data/counter\.txt", result.summary)


def test_token_across_a_chunk_boundary_is_found(project: SampleProject) -> None:
    """A token split between two read chunks of a large file is still found."""
    padding = "x" * (BlobReader.CHUNK - 10)
    project.write("big.txt", padding + TOKEN + "\n")
    project.commit("big file")
    project.write("big.txt", "small\n")
    project.commit("shrink")
    found = search_history(project.context().git, TOKEN.encode(), seconds=5)
    assert found.hit is not None
    assert found.hit.path == "big.txt"


def test_blobs_over_the_size_limit_are_left_out_and_counted(project: SampleProject) -> None:
    """A blob larger than the limit is not read, and the result says how many were left out."""
    project.write("big.txt", "x" * 20_000 + TOKEN)  # the sample's other files are far smaller
    project.commit("big file")
    found = search_history(project.context().git, TOKEN.encode(), seconds=5, max_blob=20_000)
    assert found.hit is None
    assert found.too_large == 1
    assert found.finished
    assert search_history(project.context().git, TOKEN.encode(), seconds=5).hit is not None


def test_a_short_private_password_found_in_history_is_a_warning_a_longer_one_fails(
        project: SampleProject) -> None:
    """A private index's password of a few characters is in prose by chance ("it went
    wrong" in a changelog): found in history, a warning that says so; one of 8 characters
    or more, found there, fails as a token does. Neither is ever shown."""
    leaked = commit_on_branch(project, "notes", "HISTORY.md", "- Fix: it went wrong-ish.\n")
    for password, status in (("wrong", Status.WARN), ("wrong-ish", Status.FAIL)):
        result = project.verify("http://127.0.0.1:9/", env={"TWINE_PASSWORD": password}).get(
            "credentials-file-untracked")
        assert result.status is status, (password, result)
        if status is Status.WARN:
            assert result.summary == (
                f"the secret for 127.0.0.1 is only 5 characters, and they are in git "
                f"history: commit {leaked} holds them in HISTORY.md (as a word of its text, "
                "perhaps)")
            assert "a password of 8 characters or more" in result.hint
        else:
            assert result.summary == (f"the secret for 127.0.0.1 is in git history: commit "
                                      f"{leaked} holds it in HISTORY.md")
        assert f" {password} " not in f" {result.summary} {result.hint} "

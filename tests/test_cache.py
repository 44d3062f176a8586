"""The folders runs take in the cache (release/cache.py ``claimed_folder``), with real OS
locks: the same one run after run, one per run at a time, and what a killed run left is
emptied by the next run to take it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from publish_checks.release import cache, fresh
from publish_checks.release.cache import cache_home, claimed_folder

REPO = Path(__file__).resolve().parents[1]
# Another process takes the folder, fills it, says so and waits to be killed.
HOLDER = """\
import sys
from pathlib import Path
from publish_checks.release.cache import claimed_folder
with claimed_folder(Path(sys.argv[1]), "venv") as folder:
    (folder / "left-behind").write_text("x")
    print(folder, flush=True)
    sys.stdin.readline()
"""


def test_run_after_run_takes_the_same_folder_empty_and_removes_it(tmp_path: Path) -> None:
    seen = []
    for _ in range(2):
        with claimed_folder(tmp_path, "venv") as folder:
            assert folder is not None and folder.is_dir() and list(folder.iterdir()) == []
            (folder / "made").write_text("x")
            seen.append(folder)
        assert not folder.exists()
    assert seen == [tmp_path / "venv-0", tmp_path / "venv-0"]


def test_runs_at_the_same_time_take_folders_of_their_own(tmp_path: Path) -> None:
    with claimed_folder(tmp_path, "venv") as first, claimed_folder(tmp_path, "venv") as second:
        assert (first, second) == (tmp_path / "venv-0", tmp_path / "venv-1")
    with claimed_folder(tmp_path, "venv") as again:
        assert again == tmp_path / "venv-0"


def test_every_folder_taken_is_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "SLOTS", 2)
    with (claimed_folder(tmp_path, "venv") as first, claimed_folder(tmp_path, "venv") as second,
          claimed_folder(tmp_path, "venv") as third):
        assert first is not None and second is not None and third is None


def test_a_cache_that_cannot_be_made_is_none(tmp_path: Path) -> None:
    """Its path is a file's (root or not, nobody makes a folder there)."""
    (tmp_path / "cache").write_text("not a folder")
    with claimed_folder(tmp_path / "cache", "venv") as folder:
        assert folder is None


def test_a_folder_another_process_holds_is_passed_over_until_it_is_killed(
        tmp_path: Path) -> None:
    """Its lock ends with the process, however it ends: the next run takes the folder, and
    finds nothing of what the killed run had put in it."""
    with subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(tmp_path)], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)}) as holder:
        try:
            assert holder.stdout is not None
            assert holder.stdout.readline().strip() == str(tmp_path / "venv-0")
            with claimed_folder(tmp_path, "venv") as folder:
                assert folder == tmp_path / "venv-1"
        finally:
            holder.kill()  # SIGKILL: no finally of its own runs
            holder.wait(timeout=30)
    assert (tmp_path / "venv-0" / "left-behind").exists()  # the kill left it
    with claimed_folder(tmp_path, "venv") as folder:
        assert folder == tmp_path / "venv-0" and list(folder.iterdir()) == []


def test_the_fresh_virtualenvs_folder_is_in_the_cache_else_a_temporary_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"PUBLISH_CHECKS_CACHE_DIR": str(tmp_path / "cache")}
    with fresh.work_folder(env) as folder:
        assert folder == cache_home(env) / "fresh" / "venv-0"
    monkeypatch.setattr(cache, "SLOTS", 0)
    with fresh.work_folder(env) as folder:
        assert folder.name.startswith("publish-checks-install-") and folder.is_dir()
    assert not folder.exists()

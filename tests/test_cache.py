"""The folders runs take in the cache (release/cache.py ``claimed_folder``), with real OS
locks: the same one run after run, one per run at a time, and what a killed run left is
emptied by the next run to take it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
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


def _fail_inside(root: Path, keep: bool) -> None:
    with claimed_folder(root, "build", keep_on_error=keep) as folder:
        assert folder == root / "build-0"
        (folder / "left").write_text("x")
        raise RuntimeError("the build failed")


@pytest.mark.parametrize("keep", [False, True])
def test_a_block_that_fails_leaves_its_folder_only_when_asked(tmp_path: Path,
                                                              keep: bool) -> None:
    """keep_on_error (a failed build's environment, for a look): the folder stays with what
    the failure left; the next run to take it empties it. Without it, the folder goes."""
    folder = tmp_path / "build-0"
    with pytest.raises(RuntimeError, match="the build failed"):
        _fail_inside(tmp_path, keep)
    assert (folder / "left").exists() is keep
    with claimed_folder(tmp_path, "build", keep_on_error=keep) as again:
        assert again == folder and list(folder.iterdir()) == []
    assert not folder.exists()


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


def test_a_relative_cache_folder_is_made_absolute(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Children run in other folders (uv venv runs in the fresh virtualenv's): a relative
    PUBLISH_CHECKS_CACHE_DIR or XDG_CACHE_HOME means the folder it names from here."""
    monkeypatch.chdir(tmp_path)
    assert cache_home({"PUBLISH_CHECKS_CACHE_DIR": "rel"}) == tmp_path / "rel"
    if sys.platform not in ("win32", "darwin"):
        assert cache_home({"XDG_CACHE_HOME": ".c"}) == tmp_path / ".c" / "publish-checks"
    with fresh.work_folder({"PUBLISH_CHECKS_CACHE_DIR": "rel"}) as folder:
        assert folder == tmp_path / "rel" / "fresh" / "venv-0"


# What a release or a tool left read-only in the folder: taken again, emptied, removed.
READ_ONLY = """\
import sys
from pathlib import Path
from publish_checks.release.cache import claimed_folder
root = Path(sys.argv[1])
taken = []
for _ in range(3):
    with claimed_folder(root, "venv") as folder:
        taken.append(folder.name)
        locked = folder / "pkg" / "data"
        locked.mkdir(parents=True)
        (locked / "file").write_text("x")
        locked.chmod(0o555)
        (folder / "pkg").chmod(0o555)
print(" ".join(taken), sorted(p.name for p in root.iterdir()))
"""


def _as_a_bound_user() -> tuple[str, int | None]:
    """An interpreter and a user that file modes bind: ours, or, as root, nobody with the
    first interpreter nobody can run with this repository on its path."""
    if os.geteuid() != 0:
        return sys.executable, None
    for python in (sys.executable, "/usr/bin/python3", "/usr/local/bin/python3"):
        try:
            done = subprocess.run([python, "-c", "import publish_checks.release.cache"],
                                  user=65534, cwd="/", capture_output=True, timeout=60,
                                  env={**os.environ, "PYTHONPATH": str(REPO)})
        except OSError:
            continue
        if done.returncode == 0:
            return python, 65534
    pytest.skip("no interpreter here runs as nobody: root ignores read-only modes")


@pytest.mark.skipif(sys.platform == "win32", reason="read-only by POSIX modes")
def test_read_only_leftovers_are_removed_and_the_folder_taken_again(tmp_path: Path) -> None:
    """What a release or a tool made read-only in the folder is removed, as TemporaryDirectory
    removes it, and the folder is taken again: run by a user those modes bind."""
    python, user = _as_a_bound_user()
    # As nobody: in a folder of the system's temporary one, which nobody can reach.
    base = tmp_path if user is None else Path(tempfile.mkdtemp(prefix="publish-checks-test-"))
    try:
        base.chmod(0o755)
        root = base / "cache"
        root.mkdir()
        if user is not None:
            os.chown(root, user, -1)
        done = subprocess.run([python, "-c", READ_ONLY, str(root)], capture_output=True,
                              text=True, user=user, cwd="/", timeout=60,
                              env={**os.environ, "PYTHONPATH": str(REPO)})
    finally:
        if user is not None:
            shutil.rmtree(base)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "venv-0 venv-0 venv-0 ['venv-0.lock']"

"""The uploader loaded ahead of its turn (release/upload.py ``standing_by``): the real
``publish-checks publish`` command, real twine, a real pypiserver on 127.0.0.1 (Linux: the
processes are read in /proc).

twine starts while the checks run, with no secret in its environment nor on its command line;
only after every check passed does it get, on its stdin, the command line and the secret.
Each test holds publish inside its checks (a smoke-test command that waits for the test),
sees the waiting uploader there, then lets the run go on, fail, or be interrupted.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from publish_checks.release.rehearse import LocalIndex
from tests.builders import SampleProject
from tests.e2e import CANARY

pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")]

IDENTITY = "ACTIONS_ID_TOKEN_REQUEST_TOKEN"  # the CI identity: the uploader's alone, at the go
# A smoke-test command, run by dists-install (so within the checks): it says it started,
# then waits until the test says how it ends (0: passes, else fails with that status).
HOLD = ("import pathlib, sys, time\n"
        "started, verdict = map(pathlib.Path, sys.argv[1:])\n"
        "started.touch()\n"
        "while not verdict.exists():\n"
        "    time.sleep(0.02)\n"
        "sys.exit(int(verdict.read_text()))\n")


@pytest.fixture
def cache(publish_checks_cache: Path) -> Path:
    """The command's tool virtualenvs (twine's among them), made once for this test
    process."""
    return publish_checks_cache


@dataclass
class Held:
    """A publish held inside its checks: its process, and the files that steer it."""

    child: subprocess.Popen[str]
    started: Path
    verdict: Path

    def wait_in_checks(self) -> None:
        deadline = time.monotonic() + 300
        while not self.started.exists():
            assert self.child.poll() is None, self.child.communicate()[0]
            assert time.monotonic() < deadline, "the smoke-test command never started"
            time.sleep(0.02)

    def let_go(self, status: int) -> tuple[int, str]:
        self.verdict.write_text(str(status))
        output, _ = self.child.communicate(timeout=300)
        return self.child.returncode, output


@pytest.fixture
def held(tmp_path: Path, cache: Path, index: LocalIndex) -> Iterator[Held]:
    """``publish-checks publish --yes`` of the sample project to the test index, in a
    session of its own, its password in TWINE_PASSWORD and a CI identity in the environment
    (the canary, both), held in its checks; killed, with its session, if a test fails."""
    started, verdict = tmp_path / "started", tmp_path / "verdict"
    command = json.dumps([[sys.executable, "-c", HOLD, str(started), str(verdict)]])
    project = SampleProject.create(
        tmp_path / "demo", extra_config=f"\n[tool.publish-checks]\nsmoke-test = {command}\n")
    project.commit("a release")
    project.build()
    url = index.url.replace("http://", f"http://{index.username}@")
    child = subprocess.Popen(
        [sys.executable, "-m", "publish_checks", "publish", "--yes", "--repository", url],
        cwd=project.root, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
        env={**os.environ, "NO_COLOR": "1", "PUBLISH_CHECKS_CACHE_DIR": str(cache),
             "TWINE_PASSWORD": index.password, IDENTITY: CANARY})
    try:
        yield Held(child, started, verdict)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.communicate()


def _stat(pid: int) -> list[str] | None:
    """/proc/PID/stat's fields after the command name (state, ppid, pgrp, session…)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()


def in_session(session: int) -> list[int]:
    """The live (not zombie) processes of ``session``."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) is not None \
                and fields[3] == str(session) and fields[0] != "Z":
            pids.append(int(entry.name))
    return pids


def waiting_uploader(publish: int) -> int:
    """The pid of the twine that ``publish`` started ahead of its turn."""
    for pid in in_session(publish):
        fields = _stat(pid)
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        if fields is not None and fields[1] == str(publish) and b"twine.__main__" in cmdline:
            return pid
    raise AssertionError("no uploader is waiting while the checks run")


def none_left(session: int) -> bool:
    """No process of ``session`` is left, soon after its leader ended."""
    deadline = time.monotonic() + 10
    while in_session(session):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_the_waiting_uploader_gets_no_secret_before_the_go(held: Held,
                                                           index: LocalIndex) -> None:
    """While the checks run, twine waits with neither the password nor the CI identity in
    its environment or on its command line; after them it uploads both files with the
    password it was sent."""
    held.wait_in_checks()
    pid = waiting_uploader(held.child.pid)
    environ = Path(f"/proc/{pid}/environ").read_bytes()
    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    for secret in (index.password, CANARY):
        assert secret.encode() not in environ and secret.encode() not in cmdline
    assert b"TWINE_PASSWORD=" not in environ and IDENTITY.encode() not in environ
    code, output = held.let_go(0)
    assert code == 0, output
    assert sorted(p.name for p in index.packages.iterdir()) == [
        "demo_pkg-1.2.0-py3-none-any.whl", "demo_pkg-1.2.0.tar.gz"]
    assert "Smoke test passed: demo-pkg 1.2.0 installs from the index and runs" in output
    assert index.password not in output and CANARY not in output
    assert none_left(held.child.pid)


def test_a_check_failing_after_the_uploader_started_uploads_nothing(
        held: Held, index: LocalIndex) -> None:
    """dists-install fails while twine waits: nothing reaches the index, and twine and
    every other child of publish are gone when it ends."""
    held.wait_in_checks()
    pid = waiting_uploader(held.child.pid)
    code, output = held.let_go(3)
    assert code == 1, output
    assert "not publishing: 1 check(s) failed; nothing was uploaded" in output
    assert "Uploading" not in output
    assert list(index.packages.iterdir()) == []
    assert (_stat(pid) or ["Z"])[0] == "Z"  # gone, or a zombie waiting for no one
    assert none_left(held.child.pid)


def test_ctrl_c_during_the_checks_uploads_nothing_and_leaves_no_process(
        held: Held, index: LocalIndex) -> None:
    """Ctrl-C (SIGINT to the process group) while twine waits: publish stops, nothing
    reaches the index, no process of the run is left."""
    held.wait_in_checks()
    waiting_uploader(held.child.pid)
    os.killpg(held.child.pid, signal.SIGINT)
    output, _ = held.child.communicate(timeout=120)
    assert held.child.returncode != 0, output
    assert "Uploading" not in output and "Traceback" not in output
    assert list(index.packages.iterdir()) == []
    assert none_left(held.child.pid)

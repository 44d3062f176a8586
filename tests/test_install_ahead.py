"""dists-install's trial begun ahead of the other checks (release/install.py
``ReleaseInstaller.begin``), with test_pipeline's fake tools and a real pypiserver: it runs
in a thread of its own while the checks before it run, once, its result in dists-install's
place in the report; a crash in it stays dists-install's internal error."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from publish_checks._errors import ReleaseError
from publish_checks.checks import context as context_module
from publish_checks.checks.registry import RAISE_VARIABLE
from publish_checks.checks.report import Status
from publish_checks.release import install
from publish_checks.release.pipeline import Flags, verify
from publish_checks.release.process import STEP_TIMEOUT, Completed
from tests.builders import SampleProject
from tests.pypiserver import PypiServer
from tests.test_pipeline import WHEEL, FakeRunner, fake, kind_of, opened, released


class Threads(FakeRunner):
    """The fake tools, noting the thread each command ran in."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.threads: list[str] = []

    def run(self, argv: Sequence[str], *, env: object, cwd: Path | None = None,
            secrets: Sequence[str] = (), echo: bool = False,
            timeout: float = STEP_TIMEOUT) -> Completed:
        self.threads.append(threading.current_thread().name)
        return super().run(argv, env=env, cwd=cwd, secrets=secrets,  # type: ignore[arg-type]
                           echo=echo, timeout=timeout)


def test_the_install_trial_runs_beside_the_other_checks_once(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """verify --install makes the virtualenv, installs and smoke-tests in a thread begun
    before the checks, once; the report has dists-install's verdict in its place."""
    released(project)
    base = fake(tmp_path, pypiserver)
    runner = Threads(base.tools, pypiserver)
    report = verify(runner, opened(project, pypiserver, runner), Flags(install=True))
    result = report.get("dists-install")
    assert (result.status, result.summary) == (
        Status.PASS, f"{WHEEL} installs into a fresh virtualenv: 2 modules imported, 0 entry "
                     "points loaded")
    assert [c.kind for c in runner.calls] == ["venv", "install", "smoke"]
    assert set(runner.threads) == {"publish-checks-ahead"}
    ids = [r.id for r in report.checks]
    assert ids.index("dists-install") == ids.index("dists-size") + 1  # registry order


def test_a_crash_in_the_trial_begun_ahead_is_dists_install_s_internal_error(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """What the trial raises in its thread is raised again in dists-install: reported as
    its internal error, the other checks still run, nothing is installed."""
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the trial broke")

    monkeypatch.delenv(RAISE_VARIABLE)
    monkeypatch.setattr(install, "try_release", broken)
    released(project)
    runner = fake(tmp_path, pypiserver)
    report = verify(runner, opened(project, pypiserver, runner), Flags(install=True))
    result = report.get("dists-install")
    assert result.status is Status.FAIL and result.internal_error
    assert "RuntimeError: the trial broke" in result.summary
    assert report.get("index-version").status is Status.PASS
    assert runner.calls == []


def test_the_checks_after_dists_install_are_judged_while_its_trial_finishes(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """index-version, index-diff and tools, after dists-install in the registry, are judged
    before its verdict is waited for (they need not wait on the trial); the report keeps
    registry order."""
    judged: list[str] = []
    waited = install.ReleaseInstaller.__call__
    ask = context_module.read_snapshot

    def waiting(self: install.ReleaseInstaller, files: Sequence[Path]) -> object:
        judged.append("dists-install")
        return waited(self, files)

    def reading(*args: object, **kwargs: object) -> object:
        judged.append("index")
        return ask(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(install.ReleaseInstaller, "__call__", waiting)
    monkeypatch.setattr(context_module, "read_snapshot", reading)
    released(project)
    runner = fake(tmp_path, pypiserver)
    report = verify(runner, opened(project, pypiserver, runner), Flags(install=True))
    assert judged == ["index", "dists-install"]
    assert report.get("dists-install").status is Status.PASS
    ids = [r.id for r in report.checks]
    assert ids[ids.index("dists-install"):] == ["dists-install", "index-version", "index-diff",
                                                "tools"]


def test_a_failure_while_beginning_the_trial_is_dists_install_s_not_the_run_s(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """When the interpreter for the trial cannot be provided (no network for the tool
    environment), verify still reports: dists-install fails, the other checks run."""
    def unprovided(runner: object) -> str:
        raise ReleaseError("could not install pip into a virtualenv")

    monkeypatch.delenv(RAISE_VARIABLE)
    monkeypatch.setattr(install, "base_python", unprovided)
    released(project)
    runner = fake(tmp_path, pypiserver)
    report = verify(runner, opened(project, pypiserver, runner), Flags(install=True))
    result = report.get("dists-install")
    assert result.status is Status.FAIL
    assert "could not install pip into a virtualenv" in result.summary
    assert report.get("index-version").status is Status.PASS
    assert runner.calls == []


def test_ctrl_c_during_the_checks_starts_no_more_of_the_trial(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C in the checks while the trial's first command runs: once that command ends
    the trial starts no other (no install, no smoke test to wait for), and the interrupt
    reaches the caller."""
    interrupted = threading.Event()

    class Slow(Threads):
        def run(self, argv: Sequence[str], **options: object) -> Completed:
            if kind_of([str(a) for a in argv]) == "venv":
                interrupted.wait(30)
                time.sleep(0.5)  # the interrupt has reached the caller by then
            return super().run(argv, **options)  # type: ignore[arg-type]

    def git_clean(ctx: object) -> None:
        interrupted.set()
        raise KeyboardInterrupt

    monkeypatch.setattr("publish_checks.checks.git.git_clean", git_clean)
    released(project)
    base = fake(tmp_path, pypiserver)
    runner = Slow(base.tools, pypiserver)
    with pytest.raises(KeyboardInterrupt):
        verify(runner, opened(project, pypiserver, runner), Flags(install=True))
    assert [c.kind for c in runner.calls] == ["venv"]

"""What keeps ``verify --offline`` quick, proved on a real run in a new interpreter: it
imports no module of what it does not run (the network, worker processes, the upload's
steps, the checks it skips), and it asks git each question once; and the answers a run
keeps are dropped by anything it does to the repository."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from publish_checks import checks
from publish_checks.project.git import Git
from tests.builders import SampleProject
from tests.distbuilders import make_release
from tests.e2e import nox_in_process

ROOT = Path(__file__).resolve().parents[1]
# Runs the real command line, recording the argv of every child process it starts; prints
# the exit status, the git argvs and the modules imported by the end, as JSON on stderr.
SCRIPT = """
import json, subprocess, sys
started = []
real_init = subprocess.Popen.__init__
def recording(self, args, *rest, **options):
    started.append(list(args))
    real_init(self, args, *rest, **options)
subprocess.Popen.__init__ = recording
from publish_checks.frontend.cli import main
code = main(sys.argv[1:])
print(json.dumps([code, started, sorted(sys.modules)]), file=sys.stderr)
"""
# What verify --offline never runs on a release of pure wheels without a token in use (so no
# search of git's history for one), so never imports.
NOT_IMPORTED = ("http.client", "ssl", "urllib.request", "html.parser", "multiprocessing",
                "concurrent.futures.process", "publish_checks.release.pipeline",
                "publish_checks.release.install", "publish_checks.release.upload",
                "publish_checks.release.plan", "publish_checks.release.smoke",
                "publish_checks.checks.diff", "publish_checks.dists.remote",
                "publish_checks.dists.transport", "publish_checks.dists.abi",
                "publish_checks.checks.abi_audit", "publish_checks.project.history")


def verify_offline(project: SampleProject) -> tuple[dict[str, str], list[list[str]], set[str]]:
    """``publish-checks verify --offline --json`` on the project in a new interpreter: the
    status of each check, the argv of each git call, and the modules imported."""
    make_release(project.root / "dist")
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, "verify", "--offline", "--json",
         "--project", str(project.root)],
        capture_output=True, text=True, timeout=120, check=False, cwd=ROOT)
    code, started, modules = json.loads(done.stderr.splitlines()[-1])
    report = json.loads(done.stdout)
    assert code == (0 if report["ok"] else 1), done.stderr
    statuses = {c["id"]: c["status"] for c in report["checks"]}
    git = [argv[1:] for argv in started if Path(argv[0]).name in ("git", "git.exe")]
    return statuses, git, set(modules)


def test_verify_offline_imports_nothing_it_does_not_run(project: SampleProject) -> None:
    """A new interpreter's verify --offline reports every check, and by its end has imported
    no network stack, no multiprocessing, none of the upload's steps, no module of the
    index checks it skipped, and no ABI audit for a release of pure wheels."""
    statuses, _, modules = verify_offline(project)
    assert list(statuses) == list(checks.CHECK_IDS)
    assert statuses["dists-metadata"] == statuses["dists-contents"] == "pass"
    assert statuses["index-diff"] == statuses["dists-install"] == statuses["dists-abi"] == "skip"
    assert "publish_checks.checks.git" in modules  # the run did import what it ran
    assert sorted(modules.intersection(NOT_IMPORTED)) == []


def test_verify_asks_git_each_question_once(project: SampleProject) -> None:
    """One verify --offline run asks git no question twice (the same argv), and asks it
    the questions its git checks need."""
    _, git, _ = verify_offline(project)
    repeated = [argv for argv, count in Counter(map(tuple, git)).items() if count > 1]
    assert repeated == []
    assert ["rev-parse", "--is-inside-work-tree", "--show-toplevel"] in git
    assert ["status", "--porcelain=v2", "--branch", "-z", "--untracked-files=all", "--", "."] in git
    # HEAD, its branch and upstream come from that status, not from questions of their own
    asked = set(map(tuple, git))
    assert not {("rev-parse", "-q", "--verify", "HEAD"), ("symbolic-ref", "--short", "-q", "HEAD"),
                ("ls-files", "--error-unmatch", "--", str(project.root / ".env.local"))} & asked
    assert len(git) >= 10


def test_a_run_that_tags_asks_again(project: SampleProject) -> None:
    """An answer Git keeps is the same when asked again, until the run itself runs a git
    command that is no question (a tag): then it is asked anew and sees the tag."""
    repo = Git(project.root)
    assert repo.tag_commit("v1.2.0") is None
    project.git("tag", "v1.2.0")  # behind this Git's back: a run does not do this
    assert repo.tag_commit("v1.2.0") is None  # kept for the run
    repo.run("tag", "-f", "v1.2.0")
    assert repo.tag_commit("v1.2.0") == repo.head()
    assert Git(project.root).tag_commit("v1.2.0") == repo.head()  # a new run asks anew


def test_questions_asked_at_once_are_the_ones_asked_in_turn(project: SampleProject) -> None:
    """ask_all keeps for each question what ask would have answered, failures included
    (an upstream the branch does not have), and only questions are asked."""
    together, apart = Git(project.root), Git(project.root)
    questions = [("rev-parse", "-q", "--verify", "HEAD"), ("symbolic-ref", "--short", "-q", "HEAD"),
                 ("rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}"),
                 ("ls-files", "-z", "--")]
    together.ask_all(*questions)
    for question in questions:
        mine, theirs = together.ask(*question), apart.ask(*question)
        assert (mine.returncode, mine.stdout) == (theirs.returncode, theirs.stdout), question
    assert together.ask(*questions[2]).returncode != 0
    with pytest.raises(ValueError, match="not a question"):
        together.ask_all(("tag", "v9"))
    with pytest.raises(ValueError, match="not a question"):
        together.ask("commit", "-m", "x")


def test_what_is_alive_while_a_check_module_loads_is_still_collected_after() -> None:
    """Objects alive in a reference cycle while a lazily named module is imported (a run's
    Context, whose installer holds it) are frozen out of collections for the command, then
    freed by the garbage collector once the command ends: a long nox process keeps no
    session's data for good."""
    script = ("import gc, weakref\n"
              "from publish_checks._lazy import load, thaw\n"
              "class Run: pass\n"
              "run = Run(); run.me = run; alive = weakref.ref(run)\n"
              "load('publish_checks.checks.tools:tools')\n"
              "frozen = gc.get_freeze_count() > 0\n"
              "thaw(); del run; gc.collect()\n"
              "print(frozen, alive() is None)\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip() == "True True", done.stderr


def test_a_symbolic_ref_that_moves_head_drops_the_answers(project: SampleProject) -> None:
    """git symbolic-ref reads HEAD with one name, but sets it with two (or deletes it with
    -d): run so, it is no question, and what was kept of HEAD is asked anew."""
    project.git("branch", "other")
    repo = Git(project.root)
    assert repo.branch() == "main"
    repo.run("symbolic-ref", "HEAD", "refs/heads/other")
    assert repo.branch() == "other"
    with pytest.raises(ValueError, match="not a question"):
        repo.ask("symbolic-ref", "-m", "why", "HEAD", "refs/heads/main")


def test_a_nox_session_ends_with_nothing_frozen(project: SampleProject,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """After a session of ours (verify, under nox in this process), the garbage collector
    again walks everything: nothing of that run stays frozen into nox's next session."""
    project.write("noxfile.py", "import publish_checks.nox\n")
    project.commit("the sessions")
    code = nox_in_process(monkeypatch, project.root, "-s", "verify", "--", "--offline")
    assert code == 1  # the sample has no token: credentials-source fails
    assert gc.get_freeze_count() == 0

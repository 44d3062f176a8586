"""The few git questions the checks ask, answered by the real git.

A :class:`Git` asks each question once: the answers about the repository, its HEAD, its
refs and its configuration are kept for the rest of its run (a Context's, one run), and all
of them are dropped when the run itself runs any other git command (a tag, a push, a
commit), so that nothing it did is read from before it. Never across runs: a new run makes
a new Git."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import field
from functools import cached_property
from pathlib import Path
from typing import IO

from publish_checks._record import Record, record
from publish_checks.project.children import Role, child_environment
from publish_checks.project.git_questions import (
    BRANCH,
    HEAD_COMMIT,
    HEAD_TREE,
    REMOTES,
    STATUS,
    TRACKED,
    TRACKED_IGNORED,
    UPSTREAM,
    WORK_TREE,
    config_value,
    destination_questions,
    peeled,
    reads,
    status_headers,
    tracking,
)


@record
class Git(Record):
    """git in ``root``. Every call runs with ``environ`` as :data:`Role.GIT` gets it: no
    secret (its hooks run the user's and third parties' code) and ``LC_ALL=C`` (git's own
    words, never translated). The front ends pass the environment in; None, for a caller
    that has none (tests), is this process's own."""

    root: Path
    environ: Mapping[str, str] | None = field(default=None, compare=False, repr=False)
    # The answers of :meth:`ask` in this run, by argv (see the module's docstring).
    _answers: dict[tuple[str, ...], subprocess.CompletedProcess[str]] = field(
        default_factory=dict, init=False, compare=False, repr=False)

    @property
    def available(self) -> bool:
        return shutil.which("git") is not None

    @cached_property
    def environment(self) -> dict[str, str]:
        """git's whole environment."""
        return child_environment(os.environ if self.environ is None else self.environ,
                                 Role.GIT)

    def _argv(self, args: tuple[str, ...]) -> list[str]:
        # The git on this process's PATH, whatever PATH its environment gives the hooks.
        return [shutil.which("git") or "git", *args]

    def run(self, *args: str, check: bool = False, timeout: float = 60,
            extra_env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """git ARGS in the repository; ``extra_env`` is added to its environment. A command
        that may change the repository (any that :func:`reads` does not know for a question)
        drops the answers :meth:`ask` kept."""
        if not reads(args):
            self._answers.clear()
        return subprocess.run(
            self._argv(args), cwd=self.root, capture_output=True, text=True,
            encoding="utf-8", errors="replace", check=check, timeout=timeout,
            env={**self.environment, **(extra_env or {})},
        )

    def popen(self, *args: str, stdin: IO[bytes] | int | None = None) -> subprocess.Popen[bytes]:
        """A git process whose output is read as it comes (binary; stderr discarded)."""
        return subprocess.Popen(self._argv(args), cwd=self.root, stdin=stdin,
                                env=self.environment, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)

    def forget(self) -> None:
        """Drop the answers kept: the next question is asked anew (after a long step that
        other programs may have changed the repository under, such as an upload)."""
        self._answers.clear()

    def ask(self, *args: str) -> subprocess.CompletedProcess[str]:
        """:meth:`run` of a question about the repository, its refs or its configuration
        (one :func:`reads` knows), asked once in this run: the same answer after."""
        if not reads(args):
            raise ValueError(f"git {' '.join(args)} is not a question: run it")
        if args not in self._answers:
            self._answers[args] = self.run(*args)
        return self._answers[args]

    def ask_all(self, *questions: tuple[str, ...],
                meanwhile: Callable[[], object] | None = None) -> None:
        """:meth:`ask` each of ``questions`` side by side: every git process is started
        before the first is waited for, so that they take the time of the slowest, not of
        all in turn (and ``meanwhile`` runs while they work). Each answer is kept as ask()
        keeps it; one kept already is not asked."""
        todo = [q for q in dict.fromkeys(questions) if q not in self._answers]
        if wrong := [q for q in todo if not reads(q)]:
            raise ValueError(f"git {' '.join(wrong[0])} is not a question: run it")
        started: list[tuple[tuple[str, ...], subprocess.Popen[str]]] = []
        try:
            for question in todo:  # as run() starts it: the same argv, folder and environment
                started.append((question, subprocess.Popen(
                    self._argv(question), cwd=self.root, stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace",
                    env=self.environment)))
            if meanwhile is not None:
                meanwhile()
            for question, process in started:  # each read to its end: no pipe fills for good
                try:
                    out, err = process.communicate(timeout=60)
                except subprocess.TimeoutExpired:  # not kept: ask() asks it again, and says
                    continue
                self._answers[question] = subprocess.CompletedProcess(
                    process.args, process.returncode, out, err)
        finally:  # a timeout or an error: none of them is left running
            for _, process in started:
                if process.returncode is None:
                    process.kill()
                    process.communicate()

    def _listing(self, *args: str) -> str:
        """:meth:`out` of a question (kept as ask() keeps it): CalledProcessError when git
        fails, as out() raises."""
        result = self.ask(*args)
        if result.returncode != 0:
            raise subprocess.CalledProcessError(result.returncode, result.args, result.stdout,
                                                result.stderr)
        return result.stdout.strip()

    def out(self, *args: str) -> str:
        """stdout of a git command that must succeed, stripped."""
        return self.run(*args, check=True).stdout.strip()

    def _work_tree(self) -> list[str]:
        """``rev-parse --is-inside-work-tree --show-toplevel``'s lines ("true", the top
        folder), or none outside a work tree (git fails there: 128)."""
        if not self.available:
            return []
        result = self.ask(*WORK_TREE)
        return result.stdout.splitlines() if result.returncode == 0 else []

    def is_repo(self) -> bool:
        return self._work_tree()[:1] == ["true"]

    def toplevel(self) -> Path | None:
        """The top folder of the work tree, or None outside one."""
        lines = self._work_tree()
        return Path(lines[1]) if len(lines) > 1 and lines[0] == "true" and lines[1] else None

    def has_commits(self) -> bool:
        return self._head() is not None

    def _branching(self) -> dict[str, str]:
        """The header lines of a STATUS this run asked and git answered (status_headers),
        which say what HEAD_COMMIT, BRANCH and UPSTREAM would; empty when none was."""
        result = self._answers.get(STATUS)
        return status_headers(result.stdout) if result and result.returncode == 0 else {}

    def _head(self) -> str | None:
        if (oid := self._branching().get("oid")) is not None:
            return None if oid == "(initial)" else oid
        result = self.ask(*HEAD_COMMIT)
        return (result.stdout.strip() or None) if result.returncode == 0 else None

    def head(self) -> str:
        head = self._head()
        if head is None:  # as out() raises for a repository without commits
            raise subprocess.CalledProcessError(1, self._argv(("rev-parse", "HEAD")))
        return head

    def prepare_branching(self) -> None:
        """Ask side by side what :meth:`is_repo` and :meth:`branch` will ask, when git is
        there and its status has not said it already."""
        if self.available and "head" not in self._branching():
            self.ask_all(WORK_TREE, BRANCH)

    def branch(self) -> str | None:
        """The current branch, or None on a detached HEAD (a CI tag checkout)."""
        if (head := self._branching().get("head")) not in (None, "(detached)"):
            return head  # (a branch may be named "(detached)": git itself is asked then)
        result = self.ask(*BRANCH)
        return result.stdout.strip() or None

    def peeled_tag(self, tag: str) -> str | None:
        """The object ``tag`` names once every tag object is peeled off (``^{}``): a commit,
        or a tree or a blob; None when there is no such tag."""
        result = self.ask(*peeled(tag))
        return (result.stdout.strip() or None) if result.returncode == 0 else None

    def object_type(self, name: str) -> str | None:
        """git's type of the object ``name`` (commit, tree, blob, tag), None if unknown."""
        result = self.ask("cat-file", "-t", name)
        return (result.stdout.strip() or None) if result.returncode == 0 else None

    def tag_commit(self, tag: str) -> str | None:
        """The commit ``tag`` points at, None when there is no such tag or it points at
        something else (``^{commit}``: the peeled object, when it is a commit)."""
        target = self.peeled_tag(tag)
        return target if target is not None and self.object_type(target) == "commit" else None

    def tracked_files(self, *paths: str) -> list[str]:
        return [p for p in self._listing(*TRACKED, *paths).split("\0") if p]

    def tracks(self, path: Path) -> bool:
        """Whether git tracks ``path`` (staged in a repository without commits too): read
        from the tracked files below the project folder when it is one of them by its
        name, else asked (``ls-files --error-unmatch``)."""
        inside = os.path.relpath(path, self.root)
        listed = self.ask(*TRACKED)
        if not inside.startswith(os.pardir) and listed.returncode == 0:
            return Path(inside).as_posix() in listed.stdout.split("\0")
        return self.ask(*tracking(str(path))).returncode == 0

    def tracked_but_ignored(self) -> set[str]:
        """Tracked files that the ignore rules match (added with ``git add -f``): build
        backends that honour .gitignore leave them out, so nothing requires them."""
        out = self._listing(*TRACKED_IGNORED)
        return {p for p in out.split("\0") if p}

    def head_blobs(self) -> dict[str, str]:
        """HEAD's regular files below the project folder (paths relative to it) → blob id.
        Links and submodules are left out: an sdist holds what they point at."""
        blobs = {}
        for entry in self._listing(*HEAD_TREE).split("\0"):
            info, _, path = entry.partition("\t")
            mode, kind, blob = [*info.split(" "), "", "", ""][:3]
            if kind == "blob" and mode in ("100644", "100755"):
                blobs[path] = blob
        return blobs

    def changed_files(self) -> set[str]:
        """Files whose working-tree or staged content differs from HEAD (relative paths)."""
        out = self.out("diff", "--name-only", "-z", "--no-renames", "--relative", "HEAD")
        return {p for p in out.split("\0") if p}

    def last_commit_time(self) -> int | None:
        result = self.run("log", "-1", "--format=%ct")
        return int(result.stdout) if result.returncode == 0 and result.stdout.strip() else None

    def push_remote(self) -> str | None:
        """Where a tag is pushed: origin if there is one, else the only or first remote."""
        remotes = self.ask(*REMOTES).stdout.split()
        return "origin" if "origin" in remotes else (remotes[0] if remotes else None)

    def config(self, key: str) -> str | None:
        """One git configuration value, or None when it is unset."""
        result = self.ask(*config_value(key))
        return (result.stdout.strip() or None) if result.returncode == 0 else None

    def upstream(self) -> str | None:
        """HEAD's upstream as git names it (``origin/main``), from local refs only; None
        without one, or when its remote-tracking branch was never fetched."""
        if "head" in (headers := self._branching()):  # an upstream never fetched: no "ab"
            return headers.get("upstream") if "ab" in headers else None
        result = self.ask(*UPSTREAM)
        return (result.stdout.strip() or None) if result.returncode == 0 else None

    def ahead_behind(self) -> tuple[int, int]:
        """How many commits HEAD has that its upstream lacks, and the other way round, as
        of the last fetch (local refs only: no network)."""
        ahead, _, behind = self._branching().get("ab", "").partition(" ")
        if ahead[1:].isdigit() and behind[1:].isdigit():  # "+1 -0"
            return int(ahead[1:]), int(behind[1:])
        counts = self.out("rev-list", "--left-right", "--count", "HEAD...@{upstream}").split()
        return int(counts[0]), int(counts[1])

    def branch_destination(self, branch: str) -> tuple[str | None, str]:
        """Where a push of ``branch`` goes, as ``git push`` decides it: the remote
        (branch.<b>.pushRemote, remote.pushDefault, the upstream's remote, else origin or the
        first remote) and the branch name there (the upstream's, when it is on that remote)."""
        self.ask_all(*destination_questions(branch))  # side by side, not one after another
        upstream_remote = self.config(f"branch.{branch}.remote")
        if upstream_remote == ".":  # the upstream is a local branch: nothing to push to
            upstream_remote = None
        remote = (self.config(f"branch.{branch}.pushRemote") or self.config("remote.pushDefault")
                  or upstream_remote or self.push_remote())
        merge = self.config(f"branch.{branch}.merge") or ""
        if remote is not None and remote == upstream_remote and merge.startswith("refs/heads/"):
            return remote, merge.removeprefix("refs/heads/")
        return remote, branch

    def remote_url(self, remote: str) -> str | None:
        result = self.ask("remote", "get-url", remote)
        return (result.stdout.strip() or None) if result.returncode == 0 else None

    def first_commit_with(self, blob: str) -> str | None:
        """The oldest commit, on any ref, that adds or changes a file to ``blob`` (short id)."""
        result = self.run("log", "--all", "--reverse", "--format=%h", f"--find-object={blob}")
        return next(iter(result.stdout.split()), None) if result.returncode == 0 else None

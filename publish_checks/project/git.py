"""The few git questions the checks ask, answered by the real git."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Git:
    root: Path

    @property
    def available(self) -> bool:
        return shutil.which("git") is not None

    def run(self, *args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", *args], cwd=self.root, capture_output=True, text=True,
            encoding="utf-8", errors="replace", check=check, timeout=60,
        )

    def out(self, *args: str) -> str:
        """stdout of a git command that must succeed, stripped."""
        return self.run(*args, check=True).stdout.strip()

    def is_repo(self) -> bool:
        if not self.available:
            return False
        result = self.run("rev-parse", "--is-inside-work-tree")
        return result.returncode == 0 and result.stdout.strip() == "true"

    def has_commits(self) -> bool:
        return self.run("rev-parse", "-q", "--verify", "HEAD").returncode == 0

    def head(self) -> str:
        return self.out("rev-parse", "HEAD")

    def branch(self) -> str | None:
        """The current branch, or None on a detached HEAD (a CI tag checkout)."""
        result = self.run("symbolic-ref", "--short", "-q", "HEAD")
        return result.stdout.strip() or None

    def tag_commit(self, tag: str) -> str | None:
        result = self.run("rev-parse", "-q", "--verify", f"refs/tags/{tag}^{{commit}}")
        return result.stdout.strip() or None

    def tracked_files(self, *paths: str) -> list[str]:
        return [p for p in self.out("ls-files", "-z", "--", *paths).split("\0") if p]

    def tracked_but_ignored(self) -> set[str]:
        """Tracked files that the ignore rules match (added with ``git add -f``): build
        backends that honour .gitignore leave them out, so nothing requires them."""
        out = self.out("ls-files", "-z", "--cached", "--ignored", "--exclude-standard")
        return {p for p in out.split("\0") if p}

    def head_blobs(self) -> dict[str, str]:
        """HEAD's regular files below the project folder (paths relative to it) → blob id.
        Links and submodules are left out: an sdist holds what they point at."""
        blobs = {}
        for entry in self.out("ls-tree", "-r", "-z", "HEAD").split("\0"):
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
        remotes = self.run("remote").stdout.split()
        return "origin" if "origin" in remotes else (remotes[0] if remotes else None)

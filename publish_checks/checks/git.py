"""git-clean, git-branch, git-tag: the release is exactly a commit on the release branch."""

from __future__ import annotations

from publish_checks._text import listing
from publish_checks.checks.context import Context
from publish_checks.checks.report import Finding, failed, passed, skipped, warned


def not_a_repo(ctx: Context) -> Finding | None:
    """The skip for checks that need a git repository, saying which is missing."""
    if not ctx.is_git_repo:
        if not ctx.git.available:
            return skipped("git is not installed")
        # git also says "not a repository" when it refuses one (another user's: "dubious
        # ownership"; a .git file naming a missing folder): that is no reason to skip.
        result = ctx.git.run("rev-parse", "--is-inside-work-tree")
        fatal = next((line.removeprefix("fatal:").strip() for line in result.stderr.splitlines()
                      if line.startswith("fatal:")), "")
        if not fatal or "(or any of the parent directories)" in fatal:
            return skipped("not a git repository")
        hint = (f"if you trust it: git config --global --add safe.directory {ctx.root}"
                if "dubious ownership" in fatal else "run git status to see why")
        return failed(f"git refuses to read this repository: {fatal}", hint)
    return None


def git_clean(ctx: Context) -> Finding:
    if (skip := not_a_repo(ctx)) is not None:
        return skip
    result = ctx.git.run("status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ".")
    if result.returncode != 0:
        return failed(f"git status failed: {result.stderr.strip()}", "run git status to see why")
    changed: list[str] = []
    untracked: list[str] = []
    entries = iter(result.stdout.split("\0"))
    for entry in entries:
        if not entry:
            continue
        code, path = entry[:2], entry[3:]
        if code[0] in "RC":  # a rename/copy is followed by its source path
            next(entries, None)
        (untracked if code == "??" else changed).append(path)
    if changed:
        return failed(f"{len(changed)} tracked file(s) with uncommitted changes: "
                      f"{listing(changed, 5)}",
                      "commit them (git commit -a) or set them aside (git stash)")
    if untracked:
        return warned(f"{len(untracked)} untracked file(s): {listing(untracked, 5)}",
                      "commit them, add them to .gitignore, or delete them")
    return passed("working tree is clean")


def git_branch(ctx: Context) -> Finding:
    if (skip := not_a_repo(ctx)) is not None:
        return skip
    wanted = ctx.config.release_branch
    allowed = (wanted,) if wanted else ("main", "master")
    shown = " or ".join(allowed)
    branch = ctx.git.branch()
    if branch is None:
        where = ctx.git.run("rev-parse", "--short", "HEAD").stdout.strip() or "no commit"
        return warned(f"HEAD is detached at {where}, not on {shown}",
                      f"git switch {allowed[0]} (a CI tag checkout is detached: that is fine)")
    if branch not in allowed:
        return warned(f"on branch {branch}, not on the release branch {shown}",
                      f"git switch {allowed[0]}, or set release-branch = \"{branch}\" "
                      "in [tool.publish-checks]")
    return passed(f"on the release branch {branch}")


def git_tag(ctx: Context) -> Finding:
    if (skip := not_a_repo(ctx)) is not None:
        return skip
    if ctx.version is None:
        return skipped("no valid version to look for (see version-file)")
    tag = f"v{ctx.version}"
    tagged = ctx.git.tag_commit(tag)
    if tagged is None:
        # A tag that names a tree or a blob does not peel to a commit, but it exists: the
        # push of a new tag of that name would be refused.
        target = ctx.git.run("rev-parse", "-q", "--verify", f"refs/tags/{tag}^{{}}")
        if target.returncode != 0 or not target.stdout.strip():
            return passed(f"tag {tag} does not exist yet")
        kind = ctx.git.run("cat-file", "-t", target.stdout.strip()).stdout.strip() or "object"
        return failed(f"tag {tag} already exists and points at a {kind}, not a commit",
                      f"if the tag is a mistake: git tag -d {tag}; "
                      f"else bump the version ({ctx.steps('bump', 'patch')})")
    head = ctx.git.head() if ctx.git.has_commits() else None
    if tagged == head:
        return passed(f"tag {tag} points at HEAD")
    return failed(f"tag {tag} already exists at {tagged[:12]}, not at HEAD"
                  f"{f' ({head[:12]})' if head else ''}: this version was released from "
                  "another commit",
                  f"bump the version ({ctx.steps('bump', 'patch')}); "
                  f"if the tag is a mistake: git tag -d {tag}")

"""git-clean, git-branch, git-upstream, git-tag: the release is exactly a commit on the
release branch, and nothing the remote has is missing from it."""

from __future__ import annotations

from publish_checks._text import listing
from publish_checks.checks.context import Context
from publish_checks.checks.report import Finding, failed, passed, skipped, warned
from publish_checks.project.git_questions import STATUS
from publish_checks.project.scm import scm_reads, scm_tag_regex, scm_tool
from publish_checks.project.version import SourceKind


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


#: How many space-separated fields come before the path in a porcelain v2 entry: changed
#: ("1"), renamed or copied ("2"), unmerged ("u").
_FIELDS_BEFORE_PATH = {"1": 8, "2": 9, "u": 10}


def git_clean(ctx: Context) -> Finding:
    if (skip := not_a_repo(ctx)) is not None:
        return skip
    result = ctx.git.ask(*STATUS)
    if result.returncode != 0:
        return failed(f"git status failed: {result.stderr.strip()}", "run git status to see why")
    changed: list[str] = []
    untracked: list[str] = []
    entries = iter(result.stdout.split("\0"))
    for entry in entries:  # porcelain v2: "<kind> <fields…> <path>" after the "# " headers
        kind = entry[:1]
        if kind == "?":
            untracked.append(entry[2:])
        elif kind in _FIELDS_BEFORE_PATH:
            changed.append(entry.split(" ", _FIELDS_BEFORE_PATH[kind])[-1])
            if kind == "2":  # a rename or copy: its source path follows
                next(entries, None)
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


def _commits(count: int) -> str:
    return f"{count} commit{'s' if count != 1 else ''}"


def git_upstream(ctx: Context) -> Finding:
    """Local refs only (as of the last fetch): it never asks the remote, so works offline."""
    if (skip := not_a_repo(ctx)) is not None:
        return skip
    if not ctx.git.has_commits():
        return skipped("no commits yet")
    branch = ctx.git.branch()
    if branch is None:
        return skipped("HEAD is detached: no branch, so no upstream (see git-branch)")
    upstream = ctx.git.upstream()
    if upstream is None:
        remote = ctx.git.config(f"branch.{branch}.remote")
        merge = ctx.git.config(f"branch.{branch}.merge")
        if remote and merge:  # configured, but its remote-tracking branch was never fetched
            name = merge.removeprefix("refs/heads/")
            return warned(f"branch {branch} tracks {remote}/{name}, which was never fetched",
                          f"git fetch {remote}")
        remote = ctx.git.push_remote()
        if remote is None:
            return warned(f"branch {branch} has no upstream, and the repository no remote",
                          f"add one and push: git remote add origin URL && "
                          f"git push -u origin {branch}")
        return warned(f"branch {branch} has no upstream: nothing says whether {remote} has "
                      "commits you lack",
                      f"git push -u {remote} {branch}, or git branch --set-upstream-to "
                      f"{remote}/{branch}")
    ahead, behind = ctx.git.ahead_behind()
    rebuild = f"then rebuild ({ctx.steps.build})"
    if behind and ahead:
        return failed(f"HEAD and {upstream} have diverged: {_commits(ahead)} ahead, "
                      f"{_commits(behind)} behind",
                      f"bring in {upstream}'s commits: git pull --rebase (or merge: git pull "
                      f"--no-rebase), {rebuild}")
    if behind:
        return failed(f"HEAD is {_commits(behind)} behind {upstream}",
                      f"pull first: git pull --ff-only, {rebuild}")
    if ahead:
        return passed(f"{_commits(ahead)} ahead of {upstream}: --push will send "
                      f"{'it' if ahead == 1 else 'them'}")
    return passed(f"up to date with {upstream} (as of the last fetch)")


def git_tag(ctx: Context) -> Finding:
    if (skip := not_a_repo(ctx)) is not None:
        return skip
    if ctx.version is None:
        return skipped("no valid version to look for (see version-file)")
    tag = ctx.tag_for(ctx.version)
    why = f" ({ctx.tag_format.origin})" if ctx.tag_format.origin else ""
    tagged = ctx.git.tag_commit(tag)
    if tagged is None:
        # A tag that names a tree or a blob does not peel to a commit, but it exists: the
        # push of a new tag of that name would be refused.
        target = ctx.git.peeled_tag(tag)  # asked already by tag_commit: one question
        if target is None:
            return _unread_by_scm(ctx, tag) or passed(f"tag {tag} does not exist yet{why}")
        kind = ctx.git.object_type(target) or "object"
        return failed(f"tag {tag} already exists and points at a {kind}, not a commit",
                      f"if the tag is a mistake: git tag -d {tag}; "
                      f"else bump the version ({ctx.steps('bump', 'patch')})")
    head = ctx.git.head() if ctx.git.has_commits() else None
    if tagged == head:
        return _unread_by_scm(ctx, tag) or passed(f"tag {tag} points at HEAD")
    where = f"tag {tag} already exists at {tagged[:12]}, not at HEAD" + (
        f" ({head[:12]})" if head else "")
    source = ctx.version_source
    if source.from_dists:  # the version is dist/'s, which may be older than HEAD
        fix = (f"the version comes from git tags: to release HEAD, tag it first (git tag -a "
               f"{ctx.tag_for('X.Y.Z')} -m 'Release X.Y.Z'), then rebuild: {ctx.steps.build}"
               if source.kind is SourceKind.VCS else
               f"rebuild ({ctx.steps.build}) to read HEAD's version; if it is still "
               f"{ctx.version}, raise it where the build reads it")
        return failed(f"{where}: the version is {source.label}, read from dist/, which holds "
                      "a release of another commit", fix)
    return failed(f"{where}: this version was released from another commit",
                  f"bump the version ({ctx.steps('bump', 'patch')}); "
                  f"if the tag is a mistake: git tag -d {tag}")


def _unread_by_scm(ctx: Context, tag: str) -> Finding | None:
    """The warning when the project's scm version tool (setuptools-scm, hatch-vcs) would not
    read ``tag`` as this version: the commits after it would build as the wrong version."""
    source = ctx.version_source
    tool = scm_tool(source.label) if source.kind is SourceKind.VCS else None
    if tool is None or ctx.version is None:
        return None
    scm = scm_tag_regex(ctx.root, tool)
    if scm is None or scm_reads(scm.regex, tag, ctx.version) is not False:
        return None
    regex = (f"its default tag regex takes an optional dashed prefix and v only ({scm.regex})"
             if scm.default else f"{scm.setting} is {scm.regex}")
    return warned(f"{tool} would not read tag {tag} as {ctx.version}: {regex}",
                  f"use a tag-format it reads (e.g. tag-format = \"v{{version}}\"), or set "
                  f"{scm.setting} to a regex that reads {tag}")

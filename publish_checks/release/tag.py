"""After a verified publish: the annotated tag, and pushing it with the release branch.

``--push`` sends the branch HEAD is on and the tag in one ``git push --atomic``: the remote
gets both or neither, so a tag never names a commit the branch there lacks. What a push
needs (a repository, a branch, a remote) is checked before anything is uploaded.
"""

from __future__ import annotations

import shlex
import subprocess

from publish_checks._errors import ReleaseError
from publish_checks._record import Record, record
from publish_checks.project.git import Git

NO_REMOTE_FIX = "add one (git remote add origin URL)"


@record
class Push(Record):
    """One ``git push``: the release branch (None: the tag alone) and the tag, to a remote."""

    remote: str
    tag: str
    branch: str | None = None  # the local branch HEAD is on
    remote_branch: str | None = None  # its name on the remote (the upstream's)

    @property
    def refspecs(self) -> list[str]:
        tag = f"refs/tags/{self.tag}"
        return [f"HEAD:refs/heads/{self.remote_branch}", tag] if self.remote_branch else [tag]

    @property
    def argv(self) -> list[str]:
        atomic = ["--atomic"] if self.remote_branch else []
        return ["push", *atomic, self.remote, *self.refspecs]

    @property
    def command(self) -> str:
        """What to type to do this push by hand."""
        return shlex.join(["git", *self.argv])

    @property
    def what(self) -> str:
        """What it sends, in words: 'main and v1.2.0 to origin'."""
        sent = f"{self.remote_branch} and {self.tag}" if self.remote_branch else self.tag
        return f"{sent} to {self.remote}"


def planned_push(git: Git, tag: str) -> Push | None:
    """The push ``--push`` makes for the release ``tag``: the current branch to where git
    pushes it, with the tag; on a detached HEAD the tag alone. None without a remote or a
    repository."""
    git.prepare_branching()  # the repository and its branch asked side by side
    if not git.is_repo():
        return None
    branch = git.branch()
    if branch is None:
        remote = git.push_remote()
        return Push(remote, tag) if remote else None
    remote, remote_branch = git.branch_destination(branch)
    return Push(remote, tag, branch, remote_branch) if remote else None


def push_problem(git: Git, tag: str) -> tuple[str, str] | None:
    """Why ``--push`` could not push the release branch and ``tag`` (message, fix), told
    before anything is uploaded; None when it can."""
    if not git.is_repo():
        return ("--push needs a git repository: this project is not in one (or git is "
                "missing)", "drop --push, or publish from a clone of the repository")
    if not git.has_commits():
        return "--push needs a commit to tag: this repository has none", "commit the release"
    if git.branch() is None and git.tag_commit(tag) != git.head():
        # A CI tag checkout (the tag already at HEAD) pushes the tag alone; any other
        # detached HEAD has no branch to push the release with.
        where = git.run("rev-parse", "--short", "HEAD").stdout.strip()
        remote = git.push_remote() or "origin"
        return (f"--push sends the release branch with the tag, but HEAD is detached at "
                f"{where}", f"switch to the release branch first (git switch main), or use "
                f"--tag and push the tag alone: git push {remote} refs/tags/{tag}")
    if planned_push(git, tag) is None:
        return ("--push needs a remote to push to: this repository has none",
                f"{NO_REMOTE_FIX}, or use --tag and push later")
    return None


#: How long the remote may take to answer the push's dry run before the upload.
DRY_RUN_TIMEOUT = 30
#: How long the real tag and push may take (a pre-push hook, a passphrase prompt).
GIT_TIMEOUT = 900.0


def push_refusal(git: Git, tag: str) -> tuple[str | None, str | None]:
    """Ask the remote, before anything is uploaded, whether it takes the release branch
    (``git push --dry-run``: nothing is sent): a push refused after the upload would leave
    the release out and the branch behind. Returns (refusal, hint) when the remote refuses
    it, or (None, why) when it could not be asked — no network, credentials that need a
    prompt — and the real push after the upload will tell; (None, None) when it takes it.
    The tag is made after the upload, so only the branch is tried (the user's pre-push hook
    is not run by this question)."""
    push = planned_push(git, tag)
    if push is None or push.remote_branch is None:
        return None, None
    branch = f"HEAD:refs/heads/{push.remote_branch}"
    # No prompt for a password or a host key: this is a question, not the push.
    env = {"GIT_TERMINAL_PROMPT": "0"}
    if "GIT_SSH_COMMAND" not in git.environment and not git.config("core.sshCommand"):
        env["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes"
    try:
        result = git.run("push", "--dry-run", "--no-verify", "--porcelain", push.remote,
                         branch, timeout=DRY_RUN_TIMEOUT, extra_env=env)
    except subprocess.TimeoutExpired:
        return None, f"{push.remote} did not answer within {DRY_RUN_TIMEOUT} s"
    if result.returncode == 0:
        return None, None
    rejected = [line.split("\t")[-1] for line in result.stdout.splitlines()
                if line.startswith("!")]
    if not rejected:
        error = (result.stderr.strip().splitlines() or ["no answer"])[-1]
        return None, f"{push.remote} could not be asked: {error}"
    return (f"{push.remote} would refuse the push of {push.remote_branch} ("
            f"{'; '.join(rejected)}): it has commits HEAD lacks",
            f"pull first (git pull --rebase {push.remote} {push.remote_branch}), rebuild and "
            "publish again; or publish without --push")


def tag_problem(git: Git) -> tuple[str, str] | None:
    """Why ``--tag`` could not tag HEAD (message, fix), told before anything is uploaded."""
    if not git.is_repo():
        return ("--tag needs a git repository: this project is not in one (or git is "
                "missing)", "drop --tag, or publish from a clone of the repository")
    if not git.has_commits():
        return "--tag needs a commit to tag: this repository has none", "commit the release"
    return None


def create_tag(git: Git, tag: str, version: str) -> bool:
    """Create the annotated release ``tag`` of ``version`` on HEAD; False when it is there."""
    if git.tag_commit(tag) == git.head():
        return False
    try:  # a signing tag (tag.gpgSign) may wait on a passphrase prompt
        result = git.run("tag", "-a", tag, "-m", f"Release {version}", timeout=GIT_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise ReleaseError(f"git tag {tag} did not finish within {GIT_TIMEOUT:g} s",
                           f"create it by hand: git tag -a {tag} -m 'Release {version}'") \
            from None
    if result.returncode != 0:
        raise ReleaseError(f"git tag {tag} failed: {result.stderr.strip()}",
                           f"create it by hand: git tag -a {tag} -m 'Release {version}'")
    return True


def push_release(git: Git, tag: str) -> Push:
    """Push the release branch and ``tag`` together (``git push --atomic``)."""
    push = planned_push(git, tag)
    if push is None:
        raise ReleaseError("cannot push the release: this repository has no remote",
                           f"{NO_REMOTE_FIX}, then git push --atomic origin HEAD:refs/heads/"
                           f"<branch> refs/tags/{tag}")
    # The user's pre-push hook runs in git's environment: no upload secret, no CI identity.
    try:  # a pre-push hook may run a test suite; a large push takes a while
        result = git.run(*push.argv, timeout=GIT_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise ReleaseError(f"{push.command} did not finish within {GIT_TIMEOUT:g} s",
                           f"push them by hand: {push.command}") from None
    if result.returncode != 0:
        error = result.stderr.strip()
        fix = f"push them by hand: {push.command}"
        if "atomic" in error and "support" in error:  # a server without atomic pushes
            fix = "this remote cannot push atomically; push one after the other: " + " && ".join(
                f"git push {push.remote} {refspec}" for refspec in push.refspecs)
        elif "rejected" in error:
            # By hand: publish run again after the merge would rebuild from the merge commit
            # (other sha256s, the tag elsewhere) and stop.
            fix = (f"{push.remote} has commits you lack: merge them (git pull --no-rebase "
                   f"keeps the released commit), then {push.command}; do what else the next "
                   "steps above list by hand too (publish run again would rebuild from the "
                   "merge, and stop)")
        raise ReleaseError(f"{push.command} failed: {error}", fix)
    return push

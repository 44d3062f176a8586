"""After a verified publish: the annotated tag, and pushing it."""

from __future__ import annotations

from publish_checks._errors import ReleaseError
from publish_checks.project.git import Git


def create_tag(git: Git, version: str) -> None:
    """Create the annotated tag v<version> on HEAD (nothing to do if it is already there)."""
    tag = f"v{version}"
    if git.tag_commit(tag) == git.head():
        return
    result = git.run("tag", "-a", tag, "-m", f"Release {version}")
    if result.returncode != 0:
        raise ReleaseError(f"git tag {tag} failed: {result.stderr.strip()}",
                           f"create it by hand: git tag -a {tag} -m 'Release {version}'")


def push_tag(git: Git, version: str) -> None:
    remote = git.push_remote()
    if remote is None:
        raise ReleaseError("cannot push the tag: this repository has no remote",
                           f"add one (git remote add origin URL), then git push origin v{version}")
    result = git.run("push", remote, f"refs/tags/v{version}")
    if result.returncode != 0:
        raise ReleaseError(f"git push {remote} v{version} failed: {result.stderr.strip()}",
                           f"push it by hand: git push {remote} v{version}")

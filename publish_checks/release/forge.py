"""The GitHub (or GitLab) release, after the tag is pushed: ``gh release create`` with the
changelog's section as notes and the released files attached (``glab release create`` when
the push remote is a GitLab). Authentication is the CLI's own: ``GH_TOKEN``/``GITHUB_TOKEN``
(``GITLAB_TOKEN``) in the environment, or its stored login; the environment is passed on
as the caller gives it (:data:`Role.FORGE`'s: its own token, never the upload's), and no
token is ever shown.
"""

from __future__ import annotations

import shlex
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from packaging.version import InvalidVersion, Version

from publish_checks._errors import ReleaseError
from publish_checks._record import Record, record
from publish_checks.project.children import FORGE_TOKENS
from publish_checks.project.git import Git
from publish_checks.release.process import tail
from publish_checks.release.runner import Runner

RELEASE_TIMEOUT = 600.0  # seconds: gh uploads the files, which can be large
VIEW_TIMEOUT = 60.0  # seconds for gh release view: one API call


@record
class Forge(Record):
    """Which CLI creates the release, and for which repository."""

    tool: str  # gh or glab
    name: str  # GitHub or GitLab, for people
    install: str  # where to get the CLI
    repo: str = ""  # --repo: the push remote's repository; "" lets the CLI pick (its remote)

    def argv(self, tag: str, version: str, notes_file: str, files: Sequence[str],
             tool: str | None = None) -> list[str]:
        """The release command of ``version``, tagged ``tag``; ``tool`` is the CLI's path
        (default: its name)."""
        repo = ["--repo", self.repo] if self.repo else []
        if self.tool == "glab":  # glab has no --verify-tag: the tag is pushed just before
            return [tool or "glab", "release", "create", tag, "--name", version,
                    "--notes-file", notes_file, *repo, *files]
        # --verify-tag: gh must never make the tag itself (from the default branch's head).
        prerelease = ["--prerelease"] if _is_prerelease(version) else []
        return [tool or "gh", "release", "create", tag, "--verify-tag", "--title", version,
                "--notes-file", notes_file, *prerelease, *repo, *files]

    def view_argv(self, tag: str, tool: str | None = None) -> list[str]:
        """The command that succeeds when the release of ``tag`` exists already."""
        repo = ["--repo", self.repo] if self.repo else []
        return [tool or self.tool, "release", "view", tag, *repo]

    def command(self, tag: str, version: str, files: Sequence[str], notes: str) -> str:
        """The command to type: ``notes`` (a command printing the notes) piped into it."""
        return f"{notes} | {shlex.join(self.argv(tag, version, '-', files))}"


GITHUB = Forge("gh", "GitHub", "https://cli.github.com")
GITLAB = Forge("glab", "GitLab", "https://gitlab.com/gitlab-org/cli")


def _is_prerelease(version: str) -> bool:
    try:
        return Version(version).is_prerelease
    except InvalidVersion:
        return False


def remote_location(url: str) -> tuple[str, str] | None:
    """(host, repository path) of a git remote URL — https://host/o/r.git, ssh://git@host/o/r,
    git@host:o/r.git — or None for a local path."""
    if "://" in url:
        parts = urlsplit(url)
        host, path = parts.hostname or "", parts.path
    elif ":" in url.split("/", 1)[0]:  # scp-like: [user@]host:path
        where, _, path = url.partition(":")
        host = where.rpartition("@")[2]
    else:
        return None
    path = path.strip("/").removesuffix(".git")
    return (host.lower(), path) if host and path else None


def forge_of(git: Git, remote: str | None) -> tuple[Forge, bool]:
    """The forge of ``remote`` and whether it is known: github.com → gh for that repository;
    gitlab.com or a host naming gitlab → glab; anything else (GitHub Enterprise, a local path)
    → gh, which then picks the repository itself (GH_HOST, gh repo set-default)."""
    url = git.remote_url(remote) if remote else None
    location = remote_location(url) if url else None
    if location is None:
        return GITHUB, False
    host, path = location
    if host in ("github.com", "ssh.github.com", "www.github.com"):
        return Forge(GITHUB.tool, GITHUB.name, GITHUB.install, path), True
    if host == "gitlab.com" or "gitlab" in host:
        repo = path if host == "gitlab.com" else f"https://{host}/{path}"
        return Forge(GITLAB.tool, GITLAB.name, GITLAB.install, repo), True
    return GITHUB, False


def find_tool(forge: Forge, environ: Mapping[str, str]) -> str | None:
    """The forge CLI on the user's PATH, or None."""
    return shutil.which(forge.tool, path=environ.get("PATH"))


def create_release(runner: Runner, forge: Forge, *, root: Path, tag: str, version: str,
                   notes: str, files: Sequence[Path], environ: Mapping[str, str],
                   by_hand: str) -> bool:
    """Run ``gh release create`` (or glab's) with ``notes`` in a file and ``files``
    attached, in ``root`` (the CLI reads the repository from it); ReleaseError, with
    ``by_hand`` as the fix, when the CLI is missing or fails. False when the release exists
    already (a publish run again after it finished): it is left as it is."""
    tool = find_tool(forge, environ)
    if tool is None:
        raise ReleaseError(f"cannot create the {forge.name} release: {forge.tool} (the "
                           f"{forge.name} CLI) is not on PATH",
                           f"install it ({forge.install}), then: {by_hand}")
    # Where the CLIs read a token from: never shown, should one print it.
    secrets = tuple(v for name in FORGE_TOKENS if (v := environ.get(name)))
    # create would fail on an existing release ("already exists"); view answers 0 for one.
    if runner.run(forge.view_argv(tag, tool), env=dict(environ), cwd=root,
                  secrets=secrets, timeout=VIEW_TIMEOUT).code == 0:
        return False
    with tempfile.TemporaryDirectory(prefix="publish-checks-notes-") as tmp:
        notes_file = Path(tmp) / "notes.md"
        notes_file.write_text(notes, encoding="utf-8")
        done = runner.run(forge.argv(tag, version, str(notes_file), [str(f) for f in files],
                                     tool),
                          env=dict(environ), cwd=root, secrets=secrets, echo=True,
                          timeout=RELEASE_TIMEOUT)
    if done.code != 0:
        why = "timed out" if done.timed_out else f"exit status {done.code}"
        raise ReleaseError(f"{forge.tool} release create failed ({why}): {tail(done.output, 3)}",
                           f"check {forge.tool} auth status (or GH_TOKEN/GITLAB_TOKEN), "
                           f"then: {by_hand}")
    return True

"""The upload plan: which files go, which the index already has (how a publish resumes),
and what is refused before anything is sent. Who sends them: release/upload.py.

The plan is made of data: the :class:`Release` (read from the project once) and the
index's :class:`~publish_checks.dists.snapshot.Snapshot`; no step after it needs the
Context to know what goes out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from publish_checks._errors import ReleaseError
from publish_checks._text import Steps
from publish_checks.checks.context import Context
from publish_checks.checks.guards import taken_hint
from publish_checks.dists.companions import is_attestation
from publish_checks.dists.listing import IndexFile
from publish_checks.dists.scan import Dist
from publish_checks.dists.snapshot import Snapshot
from publish_checks.release.build import file_table


@dataclass(frozen=True)
class ReleaseFile:
    dist: Dist
    size: int
    sha256: str


@dataclass(frozen=True)
class Release:
    """The facts of the release being published, as the project and dist/ give them."""

    project: str
    version: str
    upload_url: str
    files: tuple[ReleaseFile, ...]
    companions: tuple[Path, ...]  # every .asc signature and PEP 740 attestation in dist/
    steps: Steps  # how the user runs each step, for the hints

    @property
    def bump_hint(self) -> str:
        return (f"bump the version with `{self.steps('bump', 'patch')}` and rebuild with "
                f"`{self.steps.build}`")


def release_of(ctx: Context) -> Release:
    """The release ``ctx`` would publish. ReleaseError when its project, version or upload
    URL is unknown (verify fails first in each of these cases; this guards direct callers)."""
    if not (ctx.project_name and ctx.version and ctx.target.upload_url):
        raise ReleaseError("nothing to plan: the project, version or upload URL is unknown",
                           f"run {ctx.steps('verify')} and fix what it reports")
    files = tuple(ReleaseFile(d, d.path.stat().st_size, ctx.dists.sha256(d.path))
                  for d in ctx.release_dists())
    return Release(ctx.project_name, ctx.version, ctx.target.upload_url, files,
                   tuple(ctx.dists.companions), ctx.steps)


@dataclass(frozen=True)
class PlannedFile(ReleaseFile):
    """A file of the release, and whether the index already serves it."""

    on_index: bool  # already served with this sha256: skipped, which is how a publish resumes


@dataclass(frozen=True)
class Plan:
    project: str
    version: str
    upload_url: str
    files: tuple[PlannedFile, ...]
    companions: tuple[Path, ...]  # .asc signatures and PEP 740 attestations of files to send

    @property
    def to_upload(self) -> list[PlannedFile]:
        return [f for f in self.files if not f.on_index]

    @property
    def expected(self) -> dict[str, str]:
        """Filename → sha256 of every file of the release: what the index must serve."""
        return {f.dist.filename: f.sha256 for f in self.files}

    @property
    def attestations(self) -> bool:
        return any(is_attestation(p.name) for p in self.companions)

    def render(self) -> str:
        rows = [(f.dist.filename, f.size, f.sha256,
                 "already on the index: skipped" if f.on_index else "to upload")
                for f in self.files]
        return (f"Upload plan: {self.project} {self.version} → {self.upload_url}\n"
                + file_table(rows))


def plan_upload(release: Release, snapshot: Snapshot) -> Plan:
    """The release files, each marked as already served (same sha256) or to upload.
    ReleaseError when the index holds one of them with other bytes."""
    listed = snapshot.sha256s()
    files = tuple(PlannedFile(f.dist, f.size, f.sha256, listed.get(f.dist.filename) == f.sha256)
                  for f in release.files)
    # Whatever checks were skipped: sending the others would leave half a release out
    # (index-version's guard says the same in verify, checks/guards.py).
    taken = snapshot.taken({f.dist.filename: f.sha256 for f in files})
    if taken:
        raise ReleaseError(f"the index already has {', '.join(taken)} with other contents, so "
                           "nothing was uploaded", taken_hint(release.steps))
    sending = {f.dist.filename for f in files if not f.on_index}
    companions = tuple(p for p in release.companions
                       if any(p.name.startswith(name + ".") for name in sending))
    return Plan(release.project, release.version, release.upload_url, files, companions)


def make_plan(ctx: Context, on_index: Snapshot | Mapping[str, str | None]) -> Plan:
    """:func:`plan_upload` of the release ``ctx`` would publish. A mapping (filename →
    sha256, None for a file listed without one) stands for a listing of just those files."""
    if not isinstance(on_index, Snapshot):
        base = (ctx.target.index_url or "").rstrip("/")
        on_index = Snapshot(base, (), {name: IndexFile(name, f"{base}/{name}", digest)
                                       for name, digest in on_index.items()})
    return plan_upload(release_of(ctx), on_index)

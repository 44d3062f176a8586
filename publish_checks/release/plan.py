"""The upload plan: which files go, which the index already has (how a publish resumes),
and what is refused before anything is sent. Who sends them: release/upload.py."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from publish_checks._errors import ReleaseError
from publish_checks.checks.context import Context
from publish_checks.checks.guards import taken_filenames, taken_hint
from publish_checks.dists.scan import Dist, is_attestation
from publish_checks.release.build import file_table


@dataclass(frozen=True)
class PlannedFile:
    dist: Dist
    size: int
    sha256: str
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
    def attestations(self) -> bool:
        return any(is_attestation(p.name) for p in self.companions)

    def render(self) -> str:
        rows = [(f.dist.filename, f.size, f.sha256,
                 "already on the index: skipped" if f.on_index else "to upload")
                for f in self.files]
        return (f"Upload plan: {self.project} {self.version} → {self.upload_url}\n"
                + file_table(rows))


def make_plan(ctx: Context, on_index: Mapping[str, str | None]) -> Plan:
    """The release files, each marked as already served (same sha256) or to upload."""
    if not (ctx.project_name and ctx.version and ctx.target.upload_url):
        # verify fails first in each of these cases; this guards direct callers.
        raise ReleaseError("nothing to plan: the project, version or upload URL is unknown",
                           f"run {ctx.steps('verify')} and fix what it reports")
    files = []
    for dist in ctx.release_dists():
        sha = ctx.dists.sha256(dist.path)
        files.append(PlannedFile(dist, dist.path.stat().st_size, sha,
                                 on_index.get(dist.filename) == sha))
    # Whatever checks were skipped: sending the others would leave half a release out
    # (index-version's guard says the same in verify, checks/guards.py).
    taken = taken_filenames(ctx, on_index)
    if taken:
        raise ReleaseError(f"the index already has {', '.join(taken)} with other contents, so "
                           "nothing was uploaded", taken_hint(ctx))
    sending = {f.dist.filename for f in files if not f.on_index}
    companions = tuple(p for p in ctx.dists.companions
                       if any(p.name.startswith(name + ".") for name in sending))
    return Plan(ctx.project_name, ctx.version, ctx.target.upload_url, tuple(files), companions)

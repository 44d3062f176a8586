"""What the user asked of a release, as the pipeline takes it (``release.pipeline.Flags``):
apart, so that the front end's parser builds it without importing the pipeline."""

from __future__ import annotations

from publish_checks._record import Record, record


@record
class Flags(Record):
    """What the user asked of this release, beyond which project and index."""

    skip: tuple[str, ...] = ()
    yes: bool = False
    dry_run: bool = False
    tag: bool = False
    push: bool = False
    install: bool = False  # verify --install: dists-install runs in verify too
    github_release: bool = False  # after the push: gh release create with the notes
    verbose: bool = False  # passed on to the uploader and build
    attestations: bool = True  # sign in trusted-publishing CI (--no-attestations: don't)

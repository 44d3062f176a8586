"""dists checks (being written)."""

from __future__ import annotations

from publish_checks._context import Context
from publish_checks._report import Finding, skipped


def dists_present(ctx: Context) -> Finding:
    return skipped("not implemented yet")


def dists_stale(ctx: Context) -> Finding:
    return skipped("not implemented yet")


def dists_metadata(ctx: Context) -> Finding:
    return skipped("not implemented yet")


def dists_contents(ctx: Context) -> Finding:
    return skipped("not implemented yet")


def dists_secrets(ctx: Context) -> Finding:
    return skipped("not implemented yet")


def dists_size(ctx: Context) -> Finding:
    return skipped("not implemented yet")

"""token checks (being written)."""

from __future__ import annotations

from publish_checks._context import Context
from publish_checks._report import Finding, skipped


def token_format(ctx: Context) -> Finding:
    return skipped("not implemented yet")


def token_scope(ctx: Context) -> Finding:
    return skipped("not implemented yet")

"""index checks (being written)."""

from __future__ import annotations

from publish_checks._context import Context
from publish_checks._report import Finding, skipped


def index_version(ctx: Context) -> Finding:
    return skipped("not implemented yet")

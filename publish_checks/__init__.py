"""publish-checks: a safe, repeatable release workflow for Python packages, run with nox."""

from __future__ import annotations

__version__ = "0.1.0"

from publish_checks._context import Context
from publish_checks._errors import ConfigError, PublishChecksError, ReleaseError, UsageError
from publish_checks._report import Report, Result, Status
from publish_checks._verify import run_checks

__all__ = [
    "ConfigError",
    "Context",
    "PublishChecksError",
    "ReleaseError",
    "Report",
    "Result",
    "Status",
    "UsageError",
    "__version__",
    "run_checks",
]

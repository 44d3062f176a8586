"""publish-checks: a safe, repeatable release workflow for Python packages.

The package is layered; each layer imports only from the ones above it in this list:

- ``_errors``, ``_text``: our exceptions; reading files and saying things the same way
- ``project/``: what the project declares (configuration, target index, credentials, version,
  changelog, git); no network, no output
- ``dists/``: what the built files hold, read by streaming; which files an index serves
- ``checks/``: one function per check id of SPEC §4, the registry and the run
- ``release/``: the release pipeline, driven through a Runner; no nox
- ``frontend/`` and ``nox``: the ``publish-checks`` command and the nox sessions
"""

from __future__ import annotations

__version__ = "0.1.0"

from publish_checks._errors import ConfigError, PublishChecksError, ReleaseError, UsageError
from publish_checks.checks import Context, run_checks
from publish_checks.checks.report import Report, Result, Status

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

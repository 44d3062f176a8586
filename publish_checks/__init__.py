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

import importlib
from typing import Any

from publish_checks._errors import ConfigError, PublishChecksError, ReleaseError, UsageError

#: The names of the checks layer this package offers, by module: loaded on first use (PEP
#: 562), so that ``publish-checks --version`` or a noxfile's ``import publish_checks.nox``
#: does not import every check.
_LAZY = {"Context": "publish_checks.checks.context", "run_checks": "publish_checks.checks.registry",
         "Report": "publish_checks.checks.report", "Result": "publish_checks.checks.report",
         "Status": "publish_checks.checks.report"}

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


def __getattr__(name: str) -> Any:
    """``from publish_checks import Context`` (and the other names of :data:`_LAZY`)."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    # Loaded here, not at the top: the package's lazy re-export (tests/test_layers.py).
    return getattr(importlib.import_module(_LAZY[name]), name)

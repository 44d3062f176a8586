"""The checks: one function per id of SPEC §4, in report order, and the run that reports them.

A check's id is its function's name with dashes (``dists_secrets`` → ``dists-secrets``);
its module is the id's prefix (``changelog-entry`` sits with the version checks, in
``version``). The registry and the run are in :mod:`publish_checks.checks.registry`; its
names are this package's too, loaded on first use (PEP 562), so that importing
``checks.report`` or ``checks.context`` does not import every check.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["CHECKS", "CHECK_IDS", "RAISE_VARIABLE", "Check", "Context", "Need", "Registered",
           "build_check_ids", "builds", "check_id", "ids_where", "load_context", "needs",
           "run_checks", "validate_skip"]


def __getattr__(name: str) -> Any:
    """The registry's names, imported when first asked for (a check module's name is the
    submodule itself: AttributeError lets the import system load it)."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    # Loaded here, not at the top: the one lazy re-export of the registry (tests/test_layers.py).
    return getattr(importlib.import_module("publish_checks.checks.registry"), name)

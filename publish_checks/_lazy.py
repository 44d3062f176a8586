"""What a data table names by module and attribute, imported when it is first used.

A table that names code instead of importing it (the checks of ``checks/registry.py``, the
installer a release runs, the auditor of compiled wheels) keeps a command from importing
what it does not run: ``verify --offline`` imports no module of a check it skips. The
modules named are of the table's own layer or below, as a static import would be
(tests/test_layers.py checks each table's names).
"""

from __future__ import annotations

import importlib
from typing import Any


def load(where: str) -> Any:
    """The attribute ``where`` names, ``"package.module:attribute"``: its module imported
    now if it was not (ImportError, AttributeError for a name that is not there)."""
    module, _, attribute = where.partition(":")
    return getattr(importlib.import_module(module), attribute)

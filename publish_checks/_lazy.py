"""What a data table names by module and attribute, imported when it is first used.

A table that names code instead of importing it (the checks of ``checks/registry.py``, the
installer a release runs, the auditor of compiled wheels) keeps a command from importing
what it does not run: ``verify --offline`` imports no module of a check it skips. The
modules named are of the table's own layer or below, as a static import would be
(tests/test_layers.py checks each table's names).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import sys
from collections.abc import Iterator
from typing import Any


def load(where: str) -> Any:
    """The attribute ``where`` names, ``"package.module:attribute"``: its module imported
    now if it was not (ImportError, AttributeError for a name that is not there)."""
    module, _, attribute = where.partition(":")
    if module in sys.modules:
        return getattr(sys.modules[module], attribute)
    with collector_paused():
        return getattr(importlib.import_module(module), attribute)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while imports run: an import makes many objects
    and frees almost none, so each collection it would set off finds nothing. What is alive
    then is frozen out of the collections of the rest of the command (gc.freeze: ~40 ms of
    a verify's, most of it the collection at exit, which would walk every module's objects
    again). A nox session gives it back at its end (:func:`thaw`), the run's own data with it
    (its Context, say); the ``publish-checks`` command, one run a process, exits so."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.enable()


def thaw() -> None:
    """At a command's end: what :func:`collector_paused` froze is collected as any object
    is again, so a long process (nox running several sessions) keeps no run's data."""
    gc.unfreeze()

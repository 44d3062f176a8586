"""The modules a wheel installs, read from its file list alone: what the smoke test imports
and what index-diff compares with the release before."""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable

# Test suites (also private ones: trio._tests, trio._core._tests need pytest) and a CLI
# run on import.
SKIPPED_PARTS = ("tests", "testing", "_tests", "_testing", "__main__")
_LIBRARY = re.compile(r"^[^/]+\.data/(?:purelib|platlib)/")


def module_paths(paths: Iterable[str]) -> dict[str, str]:
    """Each module among installed file paths (relative to site-packages, as in a wheel or
    its RECORD), with the path it is in: every .py file and extension module in an
    importable place, except test suites and ``__main__``. A folder without ``__init__.py``
    inside a package holds data (templates), not modules."""
    files = {_LIBRARY.sub("", p.replace("\\", "/")): p for p in paths}
    packages = {f.rsplit("/", 1)[0] for f in files if f.endswith("/__init__.py")}
    modules: dict[str, str] = {}
    for path, given in sorted(files.items()):
        *folders, filename = path.split("/")
        if not filename.endswith((".py", ".so", ".pyd")):
            continue
        stem = filename.split(".", 1)[0]
        names = folders if stem == "__init__" else [*folders, stem]
        if not names or not all(n.isidentifier() and not keyword.iskeyword(n) for n in names):
            continue
        if any("/".join(folders[:i]) in packages and "/".join(folders[:i + 1]) not in packages
               for i in range(1, len(folders))):
            continue
        # A "test" package is a test suite too (twisted.test, twisted.internet.test: helper
        # scripts run as processes); a test.py module may be an API (a pytest plugin's).
        if any(part in SKIPPED_PARTS for part in names) or {"test", "_test"} & set(folders):
            continue
        module = ".".join(names)
        if filename.endswith(".py") or module not in modules:  # its source, not a compiled twin
            modules[module] = given
    return modules


def importable_names(paths: Iterable[str]) -> set[str]:
    """:func:`module_paths`' modules and the packages they are in, namespace packages
    (PEP 420 folders without ``__init__.py``: ``google.cloud``) included."""
    names: set[str] = set()
    for module in module_paths(paths):
        parts = module.split(".")
        names.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return names

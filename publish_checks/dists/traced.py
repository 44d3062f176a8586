"""Which git-tracked files a wheel's import packages and modules are built from.

What the backend is told to ship comes first (project/packages.py: a declared package or
module git tracks must be in the wheel); then everything the wheel installs is traced back
to the folder in git whose files match its files best, preferring the folders the
backend's settings name. Paths are the project's, relative to its root, with ``/``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from publish_checks.dists.contents import library_roots
from publish_checks.project.layout import Layout
from publish_checks.project.packages import Source

MODULE_SUFFIXES = (".py", ".pyi")
COMPILED_MODULES = (".so", ".pyd")
_NAMESPACE_DEPTH = 4  # google/cloud/… namespace packages nest; none nests deeper
# A test suite inside a package that the wheel holds nothing of was left out on purpose
# (mock ships mock/ without mock/tests/); a forgotten subpackage of another name still fails.
TEST_FOLDERS = ("tests", "test", "testing")


def wheel_units(names: Iterable[str], stem: str) -> dict[str, list[str]]:
    """What the wheel installs, each with its files relative to it ('' for a lone module):
    top-level packages and modules, and inside a namespace package (a folder without
    ``__init__.py``) each package and module it holds."""
    special = (f"{stem}.dist-info/", f"{stem}.data/")
    files = []
    for name in names:
        root = next((r for r in reversed(library_roots(stem)) if name.startswith(r)), None)
        if root is not None and not name.endswith("/"):
            inside = name[len(root):]
            if not inside.startswith(special):
                files.append(inside)
    return _units(files, "", 0)


def _units(files: list[str], prefix: str, depth: int) -> dict[str, list[str]]:
    folders: dict[str, list[str]] = {}
    found: dict[str, list[str]] = {}
    for path in files:
        head, slash, rest = path.partition("/")
        if slash:
            folders.setdefault(head, []).append(rest)
        elif head.endswith(MODULE_SUFFIXES + COMPILED_MODULES):
            found[prefix + head] = [""]
    for folder, inside in folders.items():
        if (depth >= _NAMESPACE_DEPTH or "__init__.py" in inside or "__init__.pyi" in inside
                or not any("/" in p or p.endswith(MODULE_SUFFIXES) for p in inside)):
            found[prefix + folder] = inside
        else:
            found.update(_units(inside, f"{prefix}{folder}/", depth + 1))
    return found


@dataclass
class Traced:
    """A wheel's side of the project: the files that must be in it, and what it installs."""

    files: dict[str, str] = field(default_factory=dict)  # path in the wheel → in the project
    units: list[str] = field(default_factory=list)  # what the wheel installs

    @property
    def compiled_only(self) -> bool:
        """Everything the wheel installs is a compiled module (a .so or .pyd)."""
        return bool(self.units) and all(u.endswith(COMPILED_MODULES) for u in self.units)


class ProjectFiles:
    """The project's tracked files, indexed for tracing wheels back to them."""

    def __init__(self, tracked: list[str], layout: Layout) -> None:
        self.tracked = tracked
        self.sources = layout.sources
        self.excluded = layout.excluded_packages
        self._known = set(tracked)
        self._tails: dict[str, list[str]] = {}  # "pkg/mod.py" → ["", "src/"]: where it is
        for path in tracked:
            parts = path.split("/")
            for n in range(len(parts)):
                prefix = "/".join(parts[:n])
                self._tails.setdefault("/".join(parts[n:]), []).append(
                    f"{prefix}/" if prefix else "")

    def under(self, folder: str, wheel: str) -> dict[str, str]:
        """The tracked files of ``folder`` (or the file itself), by their path in the wheel."""
        if folder in self._known:
            return {wheel: folder}
        start = f"{folder}/"
        return {(f"{wheel}/" if wheel else "") + path[len(start):]: path
                for path in self.tracked if path.startswith(start)}

    def declared(self) -> dict[str, str]:
        """The tracked files of what the backend is told to ship."""
        found: dict[str, str] = {}
        for source in self.sources:
            if source.declared:
                found.update(self.under(source.folder, source.wheel))
        return found

    def trace(self, units: dict[str, list[str]]) -> Traced:
        """What a wheel installing ``units`` must hold: the declared files and each unit's."""
        traced = Traced(self.declared(), sorted(units))
        for unit, inside in sorted(units.items()):
            folder = self.folder(unit, inside)
            for wheel, path in (self.under(folder, unit) if folder else {}).items():
                traced.files.setdefault(wheel, path)
        present = {"/".join(parts[:n]) for parts in
                   (_inside(u, p).split("/") for u, inside in units.items() for p in inside)
                   for n in range(1, len(parts))}
        traced.files = {wheel: path for wheel, path in traced.files.items()
                        if not self._left_out(wheel, present)}
        return traced

    def _left_out(self, wheel: str, present: set[str]) -> bool:
        """``wheel`` is inside a folder the wheel holds nothing of that is a test suite, or
        a package setuptools is told to exclude."""
        parts = wheel.split("/")
        for n in range(1, len(parts)):
            folder = "/".join(parts[:n])
            if folder not in present and (parts[n - 1] in TEST_FOLDERS or any(
                    fnmatchcase(folder.replace("/", "."), p) for p in self.excluded)):
                return True
        return False

    def folder(self, unit: str, inside: list[str]) -> str | None:
        """The folder (or file) in git that ``unit``'s files in the wheel match best: the
        most of them; on a tie the one the settings name, then src/, the top, the
        shallowest."""
        hits: Counter[str] = Counter()
        candidates = self._candidates(unit)
        for candidate in candidates:
            hits[candidate] = sum(_inside(candidate, p) in self._known for p in inside)
        for path in inside:
            for prefix in self._tails.get(_inside(unit, path), ()):
                if prefix + unit not in candidates:
                    hits[prefix + unit] += 1
        best = max(hits.values(), default=0)
        if best == 0:
            return None
        ties = [folder for folder, n in hits.items() if n == best]
        return next((f for f in candidates if f in ties), min(ties, key=lambda f: f.count("/")))

    def _candidates(self, unit: str) -> list[str]:
        found = [_mapped(source, unit) for source in self.sources]
        return list(dict.fromkeys([f for f in found if f] + [f"src/{unit}", unit]))


def _inside(folder: str, path: str) -> str:
    return f"{folder}/{path}" if path else folder


def _mapped(source: Source, unit: str) -> str | None:
    """Where ``source`` puts ``unit``, if it is the one that holds it."""
    if not source.wheel:
        return f"{source.folder}/{unit}"
    if unit == source.wheel:
        return source.folder
    if unit.startswith(f"{source.wheel}/") and not source.folder.endswith(".py"):
        return f"{source.folder}/{unit[len(source.wheel) + 1:]}"
    return None

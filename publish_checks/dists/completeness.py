"""What the dists must hold that only the project can say (SPEC §4 dists-contents): the
wheel, every git-tracked file of its import packages; the sdist, those files too, the
readme, the license files and ``pyproject.toml`` / ``setup.py``.

The project's side is read once (:func:`tracked_files`); each dist's side is the names its
one pass saw. Paths are the project's, relative to its root, with ``/``.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from packaging.metadata import parse_email

from publish_checks._record import Record, record
from publish_checks._text import listing, printable
from publish_checks.dists.contents import library_roots
from publish_checks.dists.scan import Dist, Problems
from publish_checks.dists.traced import MODULE_SUFFIXES, ProjectFiles, Traced
from publish_checks.project.git import Git
from publish_checks.project.layout import Layout, excluded, glob_match

# Compiled into a wheel rather than copied into it: the sdist needs them, the wheel not.
COMPILED_SOURCES = (".c", ".cc", ".cpp", ".cxx", ".h", ".hh", ".hpp", ".hxx", ".pyx", ".pxd",
                    ".pxi", ".rs", ".f", ".f90", ".cu")
# Which readme a Description-Content-Type is written from, when no setting names it.
README_SUFFIXES = {"text/markdown": (".md", ".markdown"), "text/x-rst": (".rst",),
                   "text/plain": (".txt", "")}
SHOWN = 5  # missing files named in a summary before "and N more"


def tracked_files(git: Git) -> list[str] | None:
    """The tracked files a backend may package (no bytecode, no git's own files, none the
    ignore rules match); None when git cannot tell."""
    try:
        files = git.tracked_files()
        ignored = git.tracked_but_ignored()
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
        return None
    return [f for f in files if f not in ignored and not _never_packaged(f)]


def _never_packaged(path: str) -> bool:
    parts = path.split("/")
    return ("__pycache__" in parts or path.endswith((".pyc", ".pyo"))
            or parts[-1].startswith(".git"))


def _present(path: str, names: set[str], roots: Iterable[str] = ("",)) -> bool:
    """``path`` is a member, or a folder of members (a submodule git tracks as one entry)."""
    return any(f"{root}{path}" in names or any(n.startswith(f"{root}{path}/") for n in names)
               for root in roots)


def _kept(files: dict[str, str], exclude: tuple[str, ...]) -> dict[str, str]:
    """The files wheel-exclude leaves in: wheel → project."""
    return {inside: path for inside, path in files.items()
            if not excluded(path, exclude) and not excluded(inside, exclude)}


def check_wheel_files(wheel: Dist, names: list[str], traced: Traced, exclude: tuple[str, ...],
                      problems: Problems, build: str) -> str:
    """Tracked files of the wheel's packages that it lacks; says what was compared (and
    warns when that was nothing)."""
    required = {inside: path for inside, path in _kept(traced.files, exclude).items()
                if not path.endswith(COMPILED_SOURCES)}
    present = set(names)
    roots = library_roots(wheel.stem)
    missing = [path for inside, path in required.items()
               if not _present(inside, present, roots)]
    if missing:
        shown = [printable(p) for p in sorted(missing)]
        problems.add(f"{wheel.filename} lacks {len(missing)} git-tracked file"
                     f"{'s' if len(missing) > 1 else ''} of its packages: "
                     f"{listing(shown, SHOWN)}",
                     "ship them as package data (setuptools: include-package-data with "
                     "MANIFEST.in, or [tool.setuptools.package-data]; hatch and others: drop "
                     "them from exclude), or list them in wheel-exclude under "
                     f"[tool.publish-checks] if they are meant to stay out; then {build}")
    if required:
        count = len(required)
        packages = any(not unit.endswith(MODULE_SUFFIXES) for unit in traced.units)
        whose = ("its packages" if packages or not traced.units
                 else "its module" if len(traced.units) == 1 else "its modules")
        return f"holds the {count} git-tracked file{'s' if count > 1 else ''} of {whose}"
    units = [printable(u) for u in traced.units]
    if traced.compiled_only:
        return (f"installs only compiled module{'s' if len(units) > 1 else ''} "
                f"({listing(units)}): git tracks no file copied into it")
    if not units:
        problems.warn(f"{wheel.filename} installs no module or package: nothing in it was "
                      "compared with git",
                      "a metapackage may ignore this; otherwise tell the build backend which "
                      "packages or modules to ship (setuptools: [tool.setuptools] packages or "
                      f"py-modules; hatch: [tool.hatch.build.targets.wheel] packages), then "
                      f"{build}")
    else:
        problems.warn(f"{wheel.filename}: git tracks no file of what it installs "
                      f"({listing(units)}): nothing in it was compared with git",
                      "commit the files these are built from (git ls-files lists what git "
                      "tracks); if the build generates them, this can be ignored")
    return "holds no git-tracked file of its packages (nothing compared)"


def sdist_sources(files: ProjectFiles, traced: dict[str, str],
                  exclude: tuple[str, ...]) -> list[str]:
    """The tracked files of the wheels' packages that the sdist must hold (with no wheel,
    those the backend is told to ship, or else all of src/)."""
    if not traced:
        traced = files.declared() or {p: p for p in files.tracked if p.startswith("src/")}
    return list(dict.fromkeys(_kept(traced, exclude).values()))


@record
class Needed(Record):
    """A project file the sdist must hold, and what it is to the build."""

    path: str
    role: str  # "the readme", "the license file", "" for pyproject.toml / setup.py

    def __str__(self) -> str:
        return f"{self.role} {printable(self.path)}".strip()


def project_files(root: Path, layout: Layout, tracked: list[str] | None,
                  pkg_info: bytes | None) -> list[Needed]:
    """The readme, the license files and pyproject.toml / setup.py, as far as they exist
    (in git, or on disk outside a git repository)."""
    known = set(tracked) if tracked is not None else None

    def exists(path: str) -> bool:
        return path in known if known is not None else (root / path).is_file()

    raw = parse_email(pkg_info)[0] if pkg_info is not None else {}
    readme = [p for p in layout.readme if exists(p)]
    if not layout.readme and raw.get("description", "").strip():
        # No setting names it (setup.py): the top-level README the content type is written in.
        content_type = raw.get("description_content_type") or "text/plain"
        suffixes = README_SUFFIXES.get(content_type.partition(";")[0].strip().lower(), ())
        top = tracked if tracked is not None else _top_files(root)
        readme = [p for p in top if "/" not in p and PurePosixPath(p).stem.lower() == "readme"
                  and PurePosixPath(p).suffix.lower() in suffixes][:1]
    licenses = [p for p in raw.get("license_files", []) if exists(p)]
    for pattern in layout.license_files:
        if tracked is not None:
            licenses += [p for p in tracked if glob_match(p, pattern)]
        elif exists(pattern):
            licenses.append(pattern)
    return ([Needed(p, "the readme") for p in readme]
            + [Needed(p, "the license file") for p in dict.fromkeys(licenses)]
            + [Needed(p, "") for p in ("pyproject.toml", "setup.py") if exists(p)])


def _top_files(root: Path) -> list[str]:
    try:
        return sorted(p.name for p in root.iterdir() if p.is_file())
    except OSError:
        return []


def check_sdist_files(sdist: Dist, names: list[str], sources: list[str] | None,
                      needed: list[Needed], problems: Problems, build: str, *,
                      warn_empty: bool = True) -> str:
    """Missing sources and project files into ``problems``; says what was compared (and
    warns, when ``warn_empty``, that it compared no source)."""
    top = f"{sdist.stem}/"  # a different top folder is dists-archive's failure, and this one's
    present = {name.removeprefix(top) for name in names if name.startswith(top)}
    hint = ("include them in the sdist (MANIFEST.in, or the build backend's sdist settings), "
            f"then {build}")
    if sources is not None:
        missing = [printable(p) for p in sources if not _present(p, present)]
        if missing:
            problems.add(f"{sdist.filename} lacks {len(missing)} git-tracked source file"
                         f"{'s' if len(missing) > 1 else ''}: {listing(missing, SHOWN)}", hint)
    absent = [str(n) for n in needed if n.path not in present]
    if absent:
        problems.add(f"{sdist.filename} lacks {listing(absent, SHOWN)}: building from it "
                     "needs them", hint)
    said = _said(needed)
    if sources is None:
        return "was not compared with git (not a git repository)" + (
            f"; holds {said}" if said else "")
    if not sources:
        if warn_empty:
            problems.warn(f"{sdist.filename}: no git-tracked source file of its packages was "
                          "found to compare it with",
                          "commit the files the packages are built from (git ls-files lists "
                          "what git tracks); if the build generates them, this can be ignored")
        return "holds no git-tracked source file of its packages (nothing compared)" + (
            f"; holds {said}" if said else "")
    count = len(sources)
    return (f"holds the {count} git-tracked source file{'s' if count > 1 else ''}"
            + (f", {said}" if said else ""))


def _said(needed: list[Needed]) -> str:
    """``its readme, 2 license files and pyproject.toml``."""
    licenses = sum(n.role == "the license file" for n in needed)
    parts = (["its readme"] if any(n.role == "the readme" for n in needed) else []) + (
        [f"{licenses} license file{'s' if licenses > 1 else ''}"] if licenses else []) + [
        n.path for n in needed if not n.role]
    return " and ".join([", ".join(parts[:-1]), parts[-1]]) if len(parts) > 1 else "".join(parts)

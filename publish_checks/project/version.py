"""Where the project's version is declared, and what it says (SPEC §3 ``version-file``)."""

from __future__ import annotations

import ast
import enum
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import Version

from publish_checks._errors import ConfigError
from publish_checks._text import TextError, decode_text, read_bytes, read_text, shown
from publish_checks.project.config import Config, read_pyproject

# hatchling's regex source, verbatim: __version__ or VERSION, any case, an optional 'v'.
_HATCH_PATTERN = r"""(?i)^(__version__|VERSION) *= *(['"])v?(?P<version>.+?)\2"""


class SourceKind(enum.Enum):
    """Where a version is declared, which decides how it is read, checked and bumped."""

    FILE = "a file that holds only the version (VERSION, setuptools' file:)"
    PROJECT = "[project].version in pyproject.toml"
    LITERAL = "a literal the build backend reads (hatch's path, setuptools' attr:, flit)"
    VCS = "computed from git tags (setuptools-scm, hatch-vcs, versioningit)"
    COMPUTED = "set by the build backend or setup.py: only the built dists tell"


class Flaw(enum.Enum):
    """What is wrong with a version source, where the fix depends on it."""

    UNREADABLE = "unreadable"
    BYTE_ORDER_MARK = "byte-order mark"
    NOT_ONE_VERSION = "not one version"
    MISSING = "missing"


@dataclass(frozen=True)
class VersionSource:
    """``label`` names the source as a user would (``VERSION``, ``src/pkg/__about__.py``)."""

    label: str
    path: Path | None
    raw: str | None  # None when the source gives no literal (dynamic) or cannot be read
    problem: str = ""
    # In [project].dynamic: the build backend sets the version. ``raw`` is the valid literal
    # it reads from ``path`` when we could read one; without it only the dists can tell.
    dynamic: bool = False
    kind: SourceKind = SourceKind.FILE
    flaw: Flaw | None = None

    @property
    def from_dists(self) -> bool:
        """Only the built dists can tell the version (setuptools-scm, a computed value…)."""
        return self.dynamic and self.raw is None


# A version longer than this is no version; it is shown cut to this length.
_SHOWN = 80


def parse_version_text(text: str) -> tuple[str | None, str, Flaw | None]:
    """(version, problem, flaw) for the contents of a version file."""
    if text.startswith("\ufeff"):
        return (None, "starts with a byte-order mark (save it as UTF-8 without BOM)",
                Flaw.BYTE_ORDER_MARK)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return None, "is empty", Flaw.NOT_ONE_VERSION
    if len(lines) > 1:
        return None, f"holds {len(lines)} lines; it must hold just the version", \
            Flaw.NOT_ONE_VERSION
    return lines[0], "", None


def version_problem(raw: str) -> str | None:
    """What is wrong with ``raw`` as a canonical PEP 440 version; None when nothing is."""
    if len(raw) > _SHOWN:
        return f"{raw[:_SHOWN]!r}… ({len(raw)} characters) is not a PEP 440 version"
    try:
        version = Version(raw)
    except ValueError:  # InvalidVersion, or a number past int's digit limit
        return f"{raw!r} is not a PEP 440 version"
    if str(version) != raw:
        return f"{raw!r} is not canonical: write {str(version)!r}"
    return None


def _dynamic_label(config: Config, pyproject: dict[str, Any]) -> tuple[str, SourceKind]:
    attr = _table(pyproject, "tool", "setuptools", "dynamic").get("version")
    if isinstance(attr, dict) and isinstance(attr.get("attr"), str):
        return f"attr: {attr['attr']}", SourceKind.COMPUTED
    if _table(pyproject, "tool", "hatch", "version").get("source") == "vcs":
        return "hatch-vcs", SourceKind.VCS
    try:
        build = read_text(config.root / "pyproject.toml")
    except TextError:
        build = ""
    for marker, label, kind in (
            ("setuptools_scm", "setuptools-scm", SourceKind.VCS),
            ("setuptools-scm", "setuptools-scm", SourceKind.VCS),
            ("hatch-vcs", "hatch-vcs", SourceKind.VCS),
            ("versioningit", "versioningit", SourceKind.VCS),
            ("attr:", "an attr: reference", SourceKind.COMPUTED),
            ("flit_core", "flit's __version__", SourceKind.COMPUTED)):
        if marker in build:
            return label, kind
    return "the build backend", SourceKind.COMPUTED


def declared_version(config: Config) -> VersionSource:
    """The version source SPEC §3 names: version-file, VERSION, [project].version, or dynamic."""
    root = config.root
    name = config.version_file or ("VERSION" if (root / "VERSION").is_file() else None)
    if name is not None:
        return _version_file(root, root / name)
    if config.static_version is not None:
        return VersionSource("[project].version", root / "pyproject.toml", config.static_version,
                             kind=SourceKind.PROJECT)
    if config.dynamic_version:
        pyproject = _pyproject(root)
        if (source := backend_version(root, pyproject, config)) is not None:
            return source
        label, kind = _dynamic_label(config, pyproject)
        return VersionSource(f"dynamic ({label})", None, None, dynamic=True, kind=kind)
    # No [project] table at all: the metadata lives in setup.py/setup.cfg (or a backend's own
    # table), so the version is only known from the built dists, like a dynamic one.
    if not config.project:
        label = "set in setup.py" if (root / "setup.py").is_file() else "set by the build backend"
        return VersionSource(label, None, None, dynamic=True, kind=SourceKind.COMPUTED)
    return VersionSource("[project].version", root / "pyproject.toml", None,
                         "is missing and 'version' is not in [project].dynamic",
                         kind=SourceKind.PROJECT, flaw=Flaw.MISSING)


def package_version_attr(root: Path, project: str | None) -> tuple[Path, str] | None:
    """The literal ``__version__`` of the project's package, if it has one."""
    if not project:
        return None
    module = canonicalize_name(project).replace("-", "_")
    for base in (root / "src", root):
        for candidate in (base / module / "__init__.py", base / f"{module}.py"):
            if candidate.is_file():
                value = literal_string(candidate, "__version__")
                return None if value is None else (candidate, value)
    return None


def literal_string(path: Path, name: str) -> str | None:
    """The string literal assigned to ``name`` at the top of a Python file (read, never run)."""
    try:
        tree = ast.parse(read_bytes(path))
    except (SyntaxError, ValueError, TextError, RecursionError, MemoryError):
        return None
    for node in tree.body:
        target = (node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1
                  else node.target if isinstance(node, ast.AnnAssign) else None)
        value = getattr(node, "value", None)
        if (isinstance(target, ast.Name) and target.id == name
                and isinstance(value, ast.Constant) and isinstance(value.value, str)):
            return value.value
    return None


# Dynamic versions a build backend reads from a literal in a file ---------------------------


def _table(data: Any, *keys: str) -> dict[str, Any]:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def _pyproject(root: Path) -> dict[str, Any]:
    try:
        return read_pyproject(root) or {}
    except ConfigError:  # load_config has read it already; a race is not ours to report
        return {}


def _read_text(root: Path, path: Path) -> tuple[str, str | None, str]:
    """(label, text, problem) for a file the version is read from."""
    label = shown(path, root)
    try:
        return label, decode_text(read_bytes(path), keep_bom=True), ""
    except TextError as e:
        return label, None, e.problem


def _version_file(root: Path, path: Path, dynamic: bool = False) -> VersionSource:
    """A file holding just the version (VERSION, setuptools' ``version = {file = …}``)."""
    label, text, problem = _read_text(root, path)
    if text is None:
        return VersionSource(label, path, None, problem, flaw=Flaw.UNREADABLE)
    raw, problem, flaw = parse_version_text(text)
    return _literal(label, path, raw, problem, dynamic, SourceKind.FILE, flaw)


def _literal(label: str, path: Path, raw: str | None, problem: str = "",
             dynamic: bool = True, kind: SourceKind = SourceKind.LITERAL,
             flaw: Flaw | None = None) -> VersionSource:
    # Dynamic only when valid: a broken file is reported as such, never replaced by the dists.
    valid = raw is not None and not problem and version_problem(raw) is None
    return VersionSource(label, path, raw, problem, dynamic=dynamic and valid, kind=kind,
                         flaw=flaw)


def backend_version(root: Path, pyproject: dict[str, Any],
                    config: Config) -> VersionSource | None:
    """The file hatchling, setuptools or flit reads a dynamic version from, if it is a literal.

    None when the version is computed (VCS plugins, code we would have to run): then only
    the built dists can tell it.
    """
    backend = _table(pyproject, "build-system").get("build-backend")
    backend = backend if isinstance(backend, str) else "setuptools.build_meta:__legacy__"
    tool = _table(pyproject, "tool")
    if backend.startswith("hatchling"):
        return _hatch(root, _table(tool, "hatch", "version"))
    if backend.startswith("setuptools"):
        return _setuptools(root, _table(tool, "setuptools"))
    if backend.startswith("flit_core") and config.project_name:
        module = _table(tool, "flit", "module").get("name")
        name = module if isinstance(module, str) else config.project_name.replace("-", "_")
        for path in _module_files([root, root / "src"], name):
            if (raw := literal_string(path, "__version__")) is not None:
                return _literal(shown(path, root), path, raw)
    return None


def _hatch(root: Path, table: dict[str, Any]) -> VersionSource | None:
    """hatchling's ``regex`` source (its default) and a ``code`` source naming a literal."""
    source, path = table.get("source", "regex"), table.get("path")
    if source not in ("regex", "code") or not isinstance(path, str):
        return None
    label, text, problem = _read_text(root, root / path)
    if text is None:  # hatchling cannot build either
        return VersionSource(label, root / path, None, problem, kind=SourceKind.LITERAL,
                             flaw=Flaw.UNREADABLE)
    if source == "code":
        expression = table.get("expression", "__version__")
        raw = literal_string(root / path, expression) if isinstance(expression, str) else None
        return None if raw is None else _literal(label, root / path, raw)
    pattern = table.get("pattern") or _HATCH_PATTERN
    if not isinstance(pattern, str):
        return None
    try:
        match = re.search(pattern, text, flags=re.MULTILINE)
    except re.error as e:
        return VersionSource(label, root / path, None,
                             f"cannot be searched: [tool.hatch.version] pattern is invalid ({e})",
                             kind=SourceKind.LITERAL, flaw=Flaw.UNREADABLE)
    if match is None or "version" not in match.groupdict():
        return VersionSource(label, root / path, None, "has no version hatch can read "
                             "(write __version__ = \"X.Y.Z\" in it)", kind=SourceKind.LITERAL,
                             flaw=Flaw.MISSING)
    return _literal(label, root / path, match["version"])


def _setuptools(root: Path, table: dict[str, Any]) -> VersionSource | None:
    """``[tool.setuptools.dynamic] version = {file = …}`` or ``{attr = "pkg.mod.NAME"}``."""
    spec = _table(table, "dynamic").get("version")
    if not isinstance(spec, dict):
        return None
    files = spec.get("file")
    files = [files] if isinstance(files, str) else files
    if isinstance(files, list) and len(files) == 1 and isinstance(files[0], str):
        return _version_file(root, root / files[0], dynamic=True)
    attr = spec.get("attr")
    if not isinstance(attr, str) or "." not in attr:
        return None
    module, _, name = attr.strip().rpartition(".")
    package_dir = _table(table, "package-dir").get("")
    bases = [root / package_dir] if isinstance(package_dir, str) else [root / "src", root]
    for path in _module_files(bases, module):
        raw = literal_string(path, name)  # setuptools too reads a literal without importing
        return None if raw is None else _literal(shown(path, root), path, raw)
    return None


def _module_files(bases: list[Path], module: str) -> list[Path]:
    """The files a dotted module name may be, under each base, that exist."""
    parts = module.split(".")
    found = []
    for base in bases:
        path = base.joinpath(*parts)
        for candidate in (path / "__init__.py", path.with_name(f"{path.name}.py")):
            if candidate.is_file():
                found.append(candidate)
    return found

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
from publish_checks._text import (
    TextError,
    Unreadable,
    decode_text,
    read_bytes,
    read_text,
    resave_fix,
    shown,
)
from publish_checks.project.config import Config, read_pyproject, read_setup_cfg, read_toml

# hatchling's regex source, verbatim: __version__ or VERSION, any case, an optional 'v'.
_HATCH_PATTERN = r"""(?i)^(__version__|VERSION) *= *(['"])v?(?P<version>.+?)\2"""
# pdm-backend's file source, verbatim (its first group is the version).
_PDM_PATTERN = r"""^(?:__version__|VERSION)\s*=\s*[\"'](.+?)[\"']\s*(?:#.*)?$"""
# A version key on its own line: TOML's quoted value, setup.cfg's bare one.
TOML_VERSION_KEY = re.compile(r"""^[ \t]*version[ \t]*=[ \t]*(["'])(?P<value>[^"'\\\r\n]*)\1""")
INI_VERSION_KEY = re.compile(r"^[ \t]*version[ \t]*[=:][ \t]*(?P<value>\S+)\s*$",
                             re.IGNORECASE)


class SourceKind(enum.Enum):
    """Where a version is declared, which decides how it is read, checked and bumped."""

    FILE = "a file that holds only the version (VERSION, setuptools' file:)"
    PROJECT = "[project].version in pyproject.toml"
    LITERAL = ("a literal the build backend reads (hatch's path, setuptools' attr:, flit, "
               "pdm-backend's file)")
    CONFIG = "a version key in the backend's own configuration ([tool.poetry], setup.cfg)"
    VCS = ("computed from git tags (setuptools-scm, hatch-vcs, versioningit, pdm-backend's "
           "scm, poetry-dynamic-versioning)")
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
    hint: str = ""  # the fix for ``problem`` where "write the version in it" is not it
    # Where ``raw`` sits in the text of ``path`` (decoded, a BOM kept): bump writes there.
    span: tuple[int, int] | None = None
    # A __version__ the backend rewrites while it builds (poetry-dynamic-versioning's
    # documented "0.0.0"): a stand-in, not a version to compare.
    placeholder: str | None = None

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
    """The version source SPEC §3 names: version-file, VERSION, [project].version, else where
    the build backend reads it (a file, its own table, git tags), else the built dists."""
    root = config.root
    name = config.version_file or ("VERSION" if (root / "VERSION").is_file() else None)
    if name is not None:
        return _version_file(root, root / name)
    if config.static_version is not None:
        return VersionSource("[project].version", root / "pyproject.toml", config.static_version,
                             kind=SourceKind.PROJECT)
    if config.dynamic_version or not config.project:
        pyproject = _pyproject(root)
        if (source := backend_version(root, pyproject, config)) is not None:
            return source
        if config.dynamic_version:
            label, kind = _dynamic_label(config, pyproject)
            return VersionSource(f"dynamic ({label})", None, None, dynamic=True, kind=kind)
        # No [project] table, and no version in setup.cfg or [tool.poetry]: setup.py (or the
        # backend) sets it, so only the built dists tell it, as for a dynamic one.
        label = "set in setup.py" if (root / "setup.py").is_file() else "set by the build backend"
        return VersionSource(label, None, None, dynamic=True, kind=SourceKind.COMPUTED)
    return VersionSource("[project].version", root / "pyproject.toml", None,
                         "is missing and 'version' is not in [project].dynamic",
                         kind=SourceKind.PROJECT, flaw=Flaw.MISSING)


def declared_name(config: Config) -> str | None:
    """The project's name: [project].name, else where its build backend reads it
    (poetry's [tool.poetry].name, setuptools' setup.cfg [metadata] name)."""
    if config.project_name or config.project:
        return config.project_name
    pyproject = _pyproject(config.root)
    backend = _backend(pyproject)
    if backend.startswith("poetry"):
        name = _table(pyproject, "tool", "poetry").get("name")
        return name if isinstance(name, str) else None
    if backend.startswith("setuptools"):
        parser = read_setup_cfg(config.root)[1]
        name = parser.get("metadata", "name", fallback="") if parser is not None else ""
        return name.strip() or None
    return None


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
    label, text, problem, _ = _read_text_or_fix(root, path)
    return label, text, problem


def _read_text_or_fix(root: Path, path: Path) -> tuple[str, str | None, str, str]:
    """(label, text, problem, fix): the fix re-saves a file in another encoding as UTF-8."""
    label = shown(path, root)
    try:
        return label, decode_text(read_bytes(path), keep_bom=True), "", ""
    except TextError as e:
        return label, None, e.problem, resave_fix(label, e) if e.why is Unreadable.NOT_TEXT else ""


def _version_file(root: Path, path: Path, dynamic: bool = False) -> VersionSource:
    """A file holding just the version (VERSION, setuptools' ``version = {file = …}``)."""
    label, text, problem, fix = _read_text_or_fix(root, path)
    if text is None:
        return VersionSource(label, path, None, problem, flaw=Flaw.UNREADABLE, hint=fix)
    raw, problem, flaw = parse_version_text(text)
    return _literal(label, path, raw, problem, dynamic, SourceKind.FILE, flaw)


def _literal(label: str, path: Path, raw: str | None, problem: str = "",
             dynamic: bool = True, kind: SourceKind = SourceKind.LITERAL,
             flaw: Flaw | None = None, span: tuple[int, int] | None = None) -> VersionSource:
    # Dynamic only when valid: a broken file is reported as such, never replaced by the dists.
    valid = raw is not None and not problem and version_problem(raw) is None
    return VersionSource(label, path, raw, problem, dynamic=dynamic and valid, kind=kind,
                         flaw=flaw, span=span)


def _from_dists(label: str, kind: SourceKind = SourceKind.COMPUTED) -> VersionSource:
    return VersionSource(f"dynamic ({label})", None, None, dynamic=True, kind=kind)


def _backend(pyproject: dict[str, Any]) -> str:
    backend = _table(pyproject, "build-system").get("build-backend")
    return backend if isinstance(backend, str) else "setuptools.build_meta:__legacy__"


def backend_version(root: Path, pyproject: dict[str, Any],
                    config: Config) -> VersionSource | None:
    """Where the build backend reads a version that is not in [project].version: a literal in
    a file or in its own configuration, or git tags. None when only the dists can tell.

    Without a [project] table only setup.cfg and poetry's [tool.poetry] can hold it.
    """
    backend = _backend(pyproject)
    tool = _table(pyproject, "tool")
    if backend.startswith("poetry"):  # poetry.core.masonry.api, poetry_dynamic_versioning
        return _poetry(root, tool, config.dynamic_version)
    if backend.startswith("setuptools"):
        found = _setuptools(root, _table(tool, "setuptools")) if config.project else None
        return found or _setup_cfg(root, config.dynamic_version)
    if not config.project:
        return None
    if backend.startswith("hatchling"):
        return _hatch(root, tool)
    if backend.startswith("pdm.backend"):
        return _pdm(root, _table(tool, "pdm", "version"))
    if backend.startswith("flit_core") and config.project_name:
        module = _table(tool, "flit", "module").get("name")
        name = module if isinstance(module, str) else config.project_name.replace("-", "_")
        for path in _module_files([root, root / "src"], name):
            if (raw := literal_string(path, "__version__")) is not None:
                return _literal(shown(path, root), path, raw)
    return None


def _pattern_source(root: Path, path: Path, pattern: str, group: str | int,
                    backend: str) -> VersionSource:
    """The version a backend's regular expression finds in ``path`` (hatch, pdm-backend)."""
    label, text, problem = _read_text(root, path)
    if text is None:  # the backend cannot build either
        return VersionSource(label, path, None, problem, kind=SourceKind.LITERAL,
                             flaw=Flaw.UNREADABLE)
    try:
        match = re.search(pattern, text, flags=re.MULTILINE)
        version = None if match is None else match[group]
    except (re.error, IndexError) as e:
        return VersionSource(label, path, None, f"cannot be searched: the version pattern of "
                             f"{backend} is invalid ({e})", kind=SourceKind.LITERAL,
                             flaw=Flaw.UNREADABLE, hint="fix the pattern in its configuration")
    if match is None or version is None:
        return VersionSource(label, path, None, f"has no version {backend} can read "
                             "(write __version__ = \"X.Y.Z\" in it)", kind=SourceKind.LITERAL,
                             flaw=Flaw.MISSING)
    return _literal(label, path, version, span=match.span(group))


def _hatch(root: Path, tool: dict[str, Any]) -> VersionSource | None:
    """hatchling's ``regex`` source (its default), a ``code`` source naming a literal, or
    hatch-vcs, configured in [tool.hatch.version] or in hatch.toml's [version], which
    hatchling lets override it (hatch.toml's top-level tables replace [tool.hatch]'s)."""
    hatch_file = root / "hatch.toml"
    try:
        hatch_toml = read_toml(hatch_file) or {}
    except ConfigError as e:  # "cannot parse PATH: why" or "PATH is not UTF-8 text"
        problem = e.message.replace(f"cannot parse {hatch_file}", "cannot be parsed")
        return VersionSource("hatch.toml", hatch_file, None,
                             problem.replace(f"{hatch_file} ", ""),
                             kind=SourceKind.LITERAL, flaw=Flaw.UNREADABLE,
                             hint="fix hatch.toml: hatchling cannot build with it either")
    table = _table(hatch_toml, "version") if "version" in hatch_toml else _table(tool, "hatch",
                                                                                  "version")
    source, path = table.get("source", "regex"), table.get("path")
    if source == "vcs":
        return _from_dists("hatch-vcs", SourceKind.VCS)
    if source not in ("regex", "code") or not isinstance(path, str):
        return None
    if source == "code":
        label, text, problem = _read_text(root, root / path)
        if text is None:
            return VersionSource(label, root / path, None, problem, kind=SourceKind.LITERAL,
                                 flaw=Flaw.UNREADABLE)
        expression = table.get("expression", "__version__")
        raw = literal_string(root / path, expression) if isinstance(expression, str) else None
        return None if raw is None else _literal(label, root / path, raw)
    pattern = table.get("pattern") or _HATCH_PATTERN
    if not isinstance(pattern, str):
        return None
    return _pattern_source(root, root / path, pattern, "version", "hatch")


def _pdm(root: Path, table: dict[str, Any]) -> VersionSource | None:
    """pdm-backend's [tool.pdm.version]: ``source = "file"`` (a pattern over ``path``),
    ``"scm"`` (git tags) or ``"call"`` (a function it runs)."""
    source, path = table.get("source"), table.get("path")
    if source is None and isinstance(path, str) and (root / path).exists():
        source = "file"  # what pdm-backend assumes too
    if source == "scm":
        return _from_dists("pdm-backend's scm source", SourceKind.VCS)
    if source == "call":
        return _from_dists("pdm-backend's call source")
    if source != "file" or not isinstance(path, str):
        return None
    pattern = table.get("pattern")
    if pattern is None:
        return _pattern_source(root, root / path, _PDM_PATTERN, 1, "pdm-backend")
    return None if not isinstance(pattern, str) else _pattern_source(
        root, root / path, pattern, 1, "pdm-backend")


def _poetry(root: Path, tool: dict[str, Any], dynamic: bool) -> VersionSource | None:
    """poetry-core's [tool.poetry].version, a static version outside [project]; git tags
    when poetry-dynamic-versioning is enabled (it swaps a "0.0.0" placeholder in the
    pyproject and the package's __version__ for the tag's version while it builds)."""
    if _table(tool, "poetry-dynamic-versioning").get("enable") is True:
        return VersionSource("dynamic (poetry-dynamic-versioning)", None, None, dynamic=True,
                             kind=SourceKind.VCS, placeholder="0.0.0")
    raw = _table(tool, "poetry").get("version")
    if not isinstance(raw, str):
        return None
    path = root / "pyproject.toml"
    text = _read_text(root, path)[1] or ""
    return _literal("[tool.poetry].version", path, raw, dynamic=dynamic, kind=SourceKind.CONFIG,
                    span=_one_span(text, TOML_VERSION_KEY, "tool.poetry", raw))


def _setuptools(root: Path, table: dict[str, Any]) -> VersionSource | None:
    """``[tool.setuptools.dynamic] version = {file = …}`` or ``{attr = "pkg.mod.NAME"}``;
    None when it names no version (setup.cfg may then hold it)."""
    spec = _table(table, "dynamic").get("version")
    if not isinstance(spec, dict):
        return None
    files = spec.get("file")
    files = [files] if isinstance(files, str) else files
    if isinstance(files, list) and len(files) == 1 and isinstance(files[0], str):
        return _version_file(root, root / files[0], dynamic=True)
    attr = spec.get("attr")
    if not isinstance(attr, str):
        return _from_dists("[tool.setuptools.dynamic] version")
    package_dir = _table(table, "package-dir").get("")
    bases = [root / package_dir] if isinstance(package_dir, str) else [root / "src", root]
    return _attr(root, attr, bases)


def _attr(root: Path, attr: str, bases: list[Path]) -> VersionSource:
    """setuptools' ``attr: pkg.mod.NAME``: the literal it reads without importing, else only
    the dists can tell (the value is computed)."""
    module, _, name = attr.strip().rpartition(".")
    for path in _module_files(bases, module)[:1] if module else []:
        raw = literal_string(path, name)  # setuptools too reads a literal without importing
        if raw is not None:
            return _literal(shown(path, root), path, raw)
    return _from_dists(f"attr: {attr.strip()}")


def _setup_cfg(root: Path, dynamic: bool) -> VersionSource | None:
    """setuptools' ``[metadata] version`` in setup.cfg: a literal, ``attr:`` or ``file:``."""
    text, parser, problem = read_setup_cfg(root)
    if problem:  # setuptools cannot build either
        return VersionSource("setup.cfg", root / "setup.cfg", None, problem,
                             kind=SourceKind.CONFIG, flaw=Flaw.UNREADABLE,
                             hint="fix setup.cfg: setuptools cannot build with it either")
    value = parser.get("metadata", "version", fallback=None) if parser is not None else None
    if value is None or text is None or parser is None:
        return None
    value = value.strip()
    if value.startswith("attr:"):
        package_dir = {key.strip(): where.strip() for key, _, where in (
            line.partition("=") for line in re.split(r"[\n,]", parser.get(
                "options", "package_dir", fallback="")) if line.strip())}
        bases = [root / package_dir[""]] if "" in package_dir else [root / "src", root]
        return _attr(root, value.removeprefix("attr:"), bases)
    if value.startswith("file:"):
        files = [name.strip() for name in value.removeprefix("file:").split(",")]
        if len(files) == 1:
            return _version_file(root, root / files[0], dynamic=True)
        return _from_dists(value)
    return _literal("[metadata] version in setup.cfg", root / "setup.cfg", value,
                    dynamic=dynamic, kind=SourceKind.CONFIG,
                    span=_one_span(text, INI_VERSION_KEY, "metadata", value))


# Where a version key sits, for bump to write there --------------------------------------


def _header(line: str) -> str | None:
    """``tool.poetry`` for a TOML or INI table header ``[tool.poetry]`` (or ``[[…]]``)."""
    stripped = line.strip().lstrip("\ufeff")
    if not stripped.startswith("["):
        return None
    name = stripped.lstrip("[").partition("]")[0]
    return ".".join(part.strip() for part in name.split("."))


def value_spans(text: str, pattern: re.Pattern[str],
                table: str | None = None) -> list[tuple[str, tuple[int, int]]]:
    """(value, span in ``text``) for each line ``pattern`` matches (its ``value`` group),
    only inside ``[table]`` when one is named."""
    found = []
    offset, current = 0, None
    for line in text.splitlines(keepends=True):
        if table is not None and (header := _header(line)) is not None:
            current = header
        elif current == table and (m := pattern.match(line)):
            found.append((m["value"], (offset + m.start("value"), offset + m.end("value"))))
        offset += len(line)
    return found


def _one_span(text: str, pattern: re.Pattern[str], table: str,
              value: str) -> tuple[int, int] | None:
    """Where the one line of ``[table]`` setting ``value`` holds it; None unless exactly one."""
    spans = [span for found, span in value_spans(text, pattern, table) if found == value]
    return spans[0] if len(spans) == 1 else None


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

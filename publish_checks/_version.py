"""Where the project's version is declared, and what it says (SPEC §3 ``version-file``)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from publish_checks._config import Config


@dataclass(frozen=True)
class VersionSource:
    """``label`` names the source as a user would (``VERSION``, ``[project].version``)."""

    label: str
    path: Path | None
    raw: str | None  # None when the source gives no literal (dynamic) or cannot be read
    problem: str = ""
    dynamic: bool = False


def parse_version_text(text: str) -> tuple[str | None, str]:
    """(version, problem) for the contents of a version file."""
    if text.startswith("\ufeff"):
        return None, "starts with a byte-order mark (save it as UTF-8 without BOM)"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return None, "is empty"
    if len(lines) > 1:
        return None, f"holds {len(lines)} lines; it must hold just the version"
    return lines[0], ""


def check_version(raw: str) -> str:
    """'' when ``raw`` is a canonical PEP 440 version, else what is wrong with it."""
    try:
        version = Version(raw)
    except InvalidVersion:
        return f"{raw!r} is not a PEP 440 version"
    if str(version) != raw:
        return f"{raw!r} is not canonical: write {str(version)!r}"
    return ""


def _dynamic_label(config: Config) -> str:
    build = (config.root / "pyproject.toml").read_text("utf-8", errors="replace")
    for marker, label in (("setuptools_scm", "setuptools-scm"),
                          ("setuptools-scm", "setuptools-scm"), ("hatch-vcs", "hatch-vcs"),
                          ("versioningit", "versioningit"), ("attr:", "an attr: reference"),
                          ("flit_core", "flit's __version__")):
        if marker in build:
            return label
    return "the build backend"


def declared_version(config: Config) -> VersionSource:
    """The version source SPEC §3 names: version-file, VERSION, [project].version, or dynamic."""
    root = config.root
    name = config.version_file or ("VERSION" if (root / "VERSION").is_file() else None)
    if name is not None:
        path = root / name
        try:
            data = path.read_bytes()
        except OSError as e:
            return VersionSource(name, path, None, f"cannot be read: {e.strerror}")
        if b"\0" in data:
            return VersionSource(name, path, None, "is not a text file")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return VersionSource(name, path, None, "is not UTF-8 text")
        raw, problem = parse_version_text(text)
        return VersionSource(name, path, raw, problem)
    if config.static_version is not None:
        return VersionSource("[project].version", root / "pyproject.toml", config.static_version)
    # No [project] table at all: the metadata lives in setup.py/setup.cfg (or a backend's own
    # table), so the version is only known from the built dists, like a dynamic one.
    if config.dynamic_version or not config.project:
        label = (f"dynamic ({_dynamic_label(config)})" if config.project
                 else "set in setup.py" if (root / "setup.py").is_file()
                 else "set by the build backend")
        return VersionSource(label, None, None, dynamic=True)
    return VersionSource("[project].version", root / "pyproject.toml", None,
                         "is missing and 'version' is not in [project].dynamic")


_ASSIGN = re.compile(r"^__version__\s*[:=]")


def package_version_attr(root: Path, project: str | None) -> tuple[Path, str] | None:
    """The literal ``__version__`` of the project's package, if it has one."""
    if not project:
        return None
    module = canonicalize_name(project).replace("-", "_")
    for base in (root / "src", root):
        for candidate in (base / module / "__init__.py", base / f"{module}.py"):
            if candidate.is_file():
                return _literal_version(candidate)
    return None


def _literal_version(path: Path) -> tuple[Path, str] | None:
    try:
        tree = ast.parse(path.read_bytes())
    except (SyntaxError, ValueError, OSError):
        return None
    for node in tree.body:
        target = (node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1
                  else node.target if isinstance(node, ast.AnnAssign) else None)
        value = getattr(node, "value", None)
        if (isinstance(target, ast.Name) and target.id == "__version__"
                and isinstance(value, ast.Constant) and isinstance(value.value, str)):
            return path, value.value
    return None

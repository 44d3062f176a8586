"""Where a project's files are, as its build backend sees them: the files its import
packages and modules are built from (project/packages.py), the readme and license files,
and the files a backend (or a versioning plugin) writes into the sdist itself instead of
copying them.

Read from ``pyproject.toml``, ``setup.cfg`` and (never run) ``setup.py``, and only the
simple forms of each backend's settings: whatever is not understood here makes the
checks compare less, never fail more.
"""

from __future__ import annotations

import configparser
import functools
import posixpath
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from publish_checks._errors import ConfigError
from publish_checks._record import Record, record
from publish_checks.project.config import read_pyproject, read_setup_cfg
from publish_checks.project.packages import (
    Source,
    excluded_packages,
    get_in,
    read_sources,
    strings,
)
from publish_checks.project.setup_py import read_setup_py

# What each versioning plugin writes, and where it keeps the path: (table keys, key).
_VERSION_FILES = (
    (("tool", "setuptools_scm"), "write_to"),
    (("tool", "setuptools_scm"), "version_file"),
    (("tool", "hatch", "build", "hooks", "vcs"), "version-file"),
    (("tool", "hatch", "build", "targets", "wheel", "hooks", "vcs"), "version-file"),
    (("tool", "hatch", "build", "targets", "sdist", "hooks", "vcs"), "version-file"),
    (("tool", "pdm", "version"), "write_to"),
    (("tool", "versioneer"), "versionfile_source"),
)
# poetry-dynamic-versioning substitutes the version into these unless told otherwise.
_PDV_FILES = ("*.py", "*/__init__.py", "*/__version__.py", "*/_version.py")


@record
class Layout(Record):
    backend: str = ""  # [build-system].build-backend; '' for setuptools' legacy setup.py
    sources: tuple[Source, ...] = ()  # where the wheel's packages and modules come from
    excluded_packages: tuple[str, ...] = ()  # dotted globs of packages kept out on purpose
    readme: tuple[str, ...] = ()  # readme files the metadata is read from
    license_files: tuple[str, ...] = ()  # license paths and globs (PEP 639 syntax)
    rewritten: tuple[str, ...] = ()  # globs of files the build writes into the sdist


def load_layout(root: Path) -> Layout:
    """The layout of the project in ``root`` (an empty one where nothing can be read)."""
    try:
        pyproject = read_pyproject(root) or {}
    except ConfigError:
        pyproject = {}
    setup_cfg = _setup_cfg(root)
    backend = get_in(pyproject, "build-system", "build-backend")
    backend = backend if isinstance(backend, str) else ""
    setup_py = read_setup_py(root)
    return Layout(backend=backend, sources=read_sources(pyproject, setup_cfg, setup_py, backend),
                  excluded_packages=excluded_packages(pyproject, setup_cfg, setup_py, backend),
                  readme=_readme(pyproject, setup_cfg),
                  license_files=_licenses(pyproject, setup_cfg),
                  rewritten=_rewritten(pyproject, setup_cfg, backend))


def _setup_cfg(root: Path) -> configparser.ConfigParser:
    # None, or one setuptools itself would refuse: nothing to learn from it.
    return read_setup_cfg(root)[1] or configparser.ConfigParser(interpolation=None)




def _cfg_list(parser: configparser.ConfigParser, section: str, key: str) -> tuple[str, ...]:
    """A setup.cfg list: comma- or line-separated, ``file:`` dropped."""
    raw = parser.get(section, key, fallback="").removeprefix("file:")
    return tuple(v.strip() for line in raw.splitlines() for v in line.split(",") if v.strip())


def _clean(path: str) -> str:
    return posixpath.normpath(path.replace("\\", "/")).removeprefix("./")


def _readme(pyproject: dict[str, Any], setup_cfg: configparser.ConfigParser) -> tuple[str, ...]:
    readme = get_in(pyproject, "project", "readme")
    if isinstance(readme, dict):
        readme = readme.get("file")
    found = list(strings(readme))
    found += strings(get_in(pyproject, "tool", "setuptools", "dynamic", "readme", "file"))
    found += strings(get_in(pyproject, "tool", "poetry", "readme"))
    found += strings(get_in(pyproject, "tool", "flit", "metadata", "description-file"))
    long_description = setup_cfg.get("metadata", "long_description", fallback="")
    if long_description.strip().startswith("file:"):
        found += _cfg_list(setup_cfg, "metadata", "long_description")
    return tuple(dict.fromkeys(_clean(f) for f in found))


def _licenses(pyproject: dict[str, Any], setup_cfg: configparser.ConfigParser
              ) -> tuple[str, ...]:
    found = list(strings(get_in(pyproject, "project", "license-files")))
    found += strings(get_in(pyproject, "project", "license", "file"))
    found += strings(get_in(pyproject, "tool", "setuptools", "license-files"))
    found += _cfg_list(setup_cfg, "metadata", "license_files")
    found += _cfg_list(setup_cfg, "metadata", "license_file")
    return tuple(dict.fromkeys(_clean(f) for f in found))


def _rewritten(pyproject: dict[str, Any], setup_cfg: configparser.ConfigParser,
               backend: str) -> tuple[str, ...]:
    found: list[str] = []
    name = backend.partition(".")[0].partition(":")[0]
    if name in ("", "setuptools"):
        found.append("setup.cfg")  # setuptools adds its [egg_info] section to the sdist's copy
    if name in ("pdm", "maturin"):
        found.append("pyproject.toml")  # pdm-backend writes its resolved configuration
    if name == "maturin":
        found += ["Cargo.toml", "**/Cargo.toml", "Cargo.lock"]  # workspace settings inlined
    if get_in(pyproject, "tool", "hatch", "build", "targets", "sdist", "support-legacy") is True:
        found.append("setup.py")
    if get_in(pyproject, "tool", "poetry", "build", "generate-setup-file") is True:
        found.append("setup.py")
    for keys, key in _VERSION_FILES:
        found += strings(get_in(pyproject, *keys, key))
    found += _cfg_list(setup_cfg, "versioneer", "versionfile_source")
    pdv = get_in(pyproject, "tool", "poetry-dynamic-versioning")
    if isinstance(pdv, dict) and pdv.get("enable") is True:
        files = strings(get_in(pdv, "substitution", "files")) or _PDV_FILES
        found += ["pyproject.toml", *files, *(f"src/{f}" for f in files)]
    pdm_write = strings(get_in(pyproject, "tool", "pdm", "version", "write_to"))
    found += [f"src/{f}" for f in pdm_write]  # relative to the package folder, src/ or not
    return tuple(dict.fromkeys(_clean(f) for f in _nonempty(found)))


def _nonempty(paths: Iterable[str]) -> Iterable[str]:
    return (p for p in paths if p.strip())


@functools.lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob as PEP 639 and .gitignore write them: ``*`` and ``?`` stay inside one folder,
    ``**`` spans any number of folders, ``[...]`` is a character class."""
    parts = []
    segments = pattern.strip("/").split("/")
    for n, segment in enumerate(segments):
        last = n == len(segments) - 1
        if segment == "**":
            parts.append(".*" if last else "(?:[^/]+/)*")
            continue
        parts.append(_segment(segment))
        if not last:
            parts.append("/")
    return re.compile("".join(parts))


def _segment(segment: str) -> str:
    out = []
    i = 0
    while i < len(segment):
        char = segment[i]
        end = segment.find("]", i + 2) if char == "[" else -1
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif end != -1:
            body = segment[i + 1:end]
            negate = body.startswith("!")
            body = "".join(c if c == "-" else re.escape(c) for c in body[negate:])
            out.append(f"[{'^' if negate else ''}{body}]")
            i = end
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


def glob_match(path: str, pattern: str) -> bool:
    """``path`` (relative, with ``/``) matches ``pattern`` as a whole."""
    return _glob_regex(pattern).fullmatch(path) is not None


def excluded(path: str, patterns: Iterable[str]) -> bool:
    """Whether a pattern excludes ``path`` the way .gitignore would: a pattern without a
    ``/`` matches a name at any depth, one with a ``/`` the path from the top; a pattern
    that matches a folder excludes everything inside it."""
    parts = path.split("/")
    prefixes = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    for pattern in patterns:
        if "/" in pattern.strip("/"):
            if any(glob_match(prefix, pattern) for prefix in prefixes):
                return True
        elif any(glob_match(part, pattern) for part in parts):
            return True
    return False

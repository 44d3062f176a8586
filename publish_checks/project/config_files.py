"""Reading the files a project is configured in: pyproject.toml, hatch.toml, setup.cfg,
and the folder that must hold them."""

from __future__ import annotations

import configparser
import sys
from pathlib import Path
from typing import Any

from publish_checks._errors import ConfigError, UsageError
from publish_checks._text import TextError, Unreadable, decode_text, read_bytes, resave_fix

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser, as the tomli backport (a dependency there)
    import importlib

    tomllib = importlib.import_module("tomli")


def read_pyproject(root: Path) -> dict[str, Any] | None:
    """The parsed pyproject.toml, or None for a setup.py-only project."""
    return read_toml(root / "pyproject.toml")


def read_toml(path: Path) -> dict[str, Any] | None:
    """A parsed TOML file (pyproject.toml, hatch.toml), or None when there is none."""
    if not path.exists() and not path.is_symlink():
        return None
    try:
        text = decode_text(read_bytes(path))
    except TextError as e:
        fix = (resave_fix(str(path), e) if e.why is Unreadable.NOT_TEXT
               else f"make it a readable {path.name}")
        raise ConfigError(f"{path} {e.problem}", fix) from None
    try:
        parsed: dict[str, Any] = tomllib.loads(text)
        return parsed
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"cannot parse {path}: {e}", "fix the TOML syntax at that line") from None
    except RecursionError:
        raise ConfigError(f"cannot parse {path}: its arrays or tables nest too deeply",
                          "flatten the nesting") from None


def read_setup_cfg(root: Path) -> tuple[str | None, configparser.ConfigParser | None, str]:
    """(text, parsed, problem) for setup.cfg, parsed as setuptools parses it; (None, None, "")
    when there is none. The text keeps a byte-order mark: bump writes it back."""
    path = root / "setup.cfg"
    if not path.exists() and not path.is_symlink():
        return None, None, ""
    try:
        text = decode_text(read_bytes(path), keep_bom=True)
    except TextError as e:
        return None, None, e.problem
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text.removeprefix("\ufeff"), source="setup.cfg")
    except configparser.Error as e:
        return text, None, f"cannot be parsed: {str(e).splitlines()[0]}"
    return text, parser, ""


def check_project_folder(root: Path) -> None:
    """A folder that holds a project (pyproject.toml or setup.py, as pip requires), or a
    UsageError naming it: the command ran in the wrong place, or --project is wrong."""
    fix = "run it in the project's folder, or pass --project DIR"
    if root != Path.cwd().resolve():  # --project named it: that is what to correct
        fix = "pass --project the folder that holds the project's pyproject.toml or setup.py"
    if not root.is_dir():
        what = "is not a directory" if root.exists() else "does not exist"
        raise UsageError(f"project directory {root} {what}", fix)
    if not any((root / name).exists() for name in ("pyproject.toml", "setup.py")):
        raise UsageError(f"no pyproject.toml or setup.py in {root}", fix)

"""``[tool.publish-checks]`` from pyproject.toml (SPEC §3), validated once."""

from __future__ import annotations

import configparser
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publish_checks._errors import ConfigError, UsageError
from publish_checks._text import (
    TextError,
    Unreadable,
    decode_text,
    printable,
    read_bytes,
    resave_fix,
    suggest,
)
from publish_checks.project.tags import format_problem
from publish_checks.project.urls import EXAMPLE, UrlError, parse_url

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser, as the tomli backport (a dependency there)
    import importlib

    tomllib = importlib.import_module("tomli")

KEYS = ("credentials-file", "token-variable", "repository", "release-branch", "changelog",
        "version-file", "smoke-test", "smoke-skip-modules", "wheel-exclude", "upload-limit",
        "gates", "skip", "tag-format", "secrets-allow", "repositories", "uploader",
        "repair", "diff", "diff-allow")
REPOSITORY_KEYS = ("upload-url", "index-url", "username", "token-variable")
ALLOW_KEYS = ("path", "reason")
#: The programs ``uploader`` may name (release/uploaders/: one adapter each); the first is
#: the default.
UPLOADERS = ("twine", "uv")
#: The tools ``repair`` may name (release/repair.py): how ``build`` makes a platform wheel
#: PyPI takes out of one it refuses.
REPAIRERS = ("auditwheel", "delocate", "delvewheel", "none")
#: What ``diff`` may say of a dropped module, entry point or platform (index-diff).
DIFF_MODES = ("warn", "fail")
#: The kinds of change ``diff-allow`` may accept: ``kind`` alone, or ``kind:pattern``
#: (a name or an fnmatch glob: "module:pkg.old", "tag:cp39-*").
DIFF_KINDS = ("module", "entry-point", "requires-dist", "requires-python", "tag", "size",
              "license", "name")


def default_repair(platform: str = sys.platform) -> str:
    """``repair`` when it is not set (SPEC §3): the platform's own repair tool, where one
    is the rule (delvewheel only when set: a Windows wheel is taken as built)."""
    if platform.startswith("linux"):
        return "auditwheel"
    return "delocate" if platform == "darwin" else "none"


#: A quality gate: the name of one of the project's own nox sessions ("tests", "tests-3.12"),
#: or a command to run in the project folder (("pytest", "-q")).
Gate = str | tuple[str, ...]


@dataclass(frozen=True)
class RepositoryConfig:
    """A custom index declared under ``[tool.publish-checks.repositories.NAME]``."""

    name: str
    upload_url: str
    index_url: str | None = None
    username: str = "__token__"
    token_variable: str | None = None


@dataclass(frozen=True)
class SecretAllow:
    """A ``secrets-allow`` entry: files the maintainer vouches for (a path relative to the
    project folder, a folder, or a glob), and why they are safe to ship."""

    path: str
    reason: str


@dataclass(frozen=True)
class Config:
    root: Path
    has_pyproject: bool = False
    project: dict[str, Any] = field(default_factory=dict)
    credentials_file: str = ".env.local"
    token_variable: str | None = None
    repository: str | None = None  # None: not configured (the uploader's variables, else pypi)
    release_branch: str | None = None
    changelog: str | None = None
    version_file: str | None = None
    # Commands run after installing the release, each an argv; () when none is configured.
    smoke_tests: tuple[tuple[str, ...], ...] = ()
    smoke_skip_modules: tuple[str, ...] = ()
    wheel_exclude: tuple[str, ...] = ()  # globs of tracked files meant to stay out of the wheel
    upload_limit: int | None = None  # bytes: an index's raised per-project limit
    gates: tuple[Gate, ...] = ()  # must pass before build (SPEC §3)
    skip: tuple[str, ...] = ()
    tag_format: str | None = None  # None: detected from the repository's tags (tags.py)
    secrets_allow: tuple[SecretAllow, ...] = ()
    repositories: dict[str, RepositoryConfig] = field(default_factory=dict)
    uploader: str = UPLOADERS[0]  # one of UPLOADERS: the program that sends the files
    repair: str = field(default_factory=default_repair)  # one of REPAIRERS
    diff: str = DIFF_MODES[0]  # one of DIFF_MODES
    diff_allow: tuple[str, ...] = ()  # "kind" or "kind:pattern", kind in DIFF_KINDS

    @property
    def project_name(self) -> str | None:
        name = self.project.get("name")
        return name if isinstance(name, str) else None

    @property
    def static_version(self) -> str | None:
        version = self.project.get("version")
        return version if isinstance(version, str) else None

    @property
    def dynamic_version(self) -> bool:
        dynamic = self.project.get("dynamic", [])
        return isinstance(dynamic, list) and "version" in dynamic

    @property
    def token_variables(self) -> tuple[str, ...]:
        """Every token-variable it declares (its own, each repository's): no child process
        but the uploader may see them."""
        names = [self.token_variable, *(r.token_variable for r in self.repositories.values())]
        return tuple(dict.fromkeys(name for name in names if name))


def _did_you_mean(word: str, choices: tuple[str, ...]) -> str:
    return suggest(word, choices) or f"known keys: {', '.join(choices)}"


def _string(table: dict[str, Any], key: str, where: str) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        msg = f"{where}.{key} must be a non-empty string, not {value!r}"
        raise ConfigError(msg, f'write it as {key} = "..." in pyproject.toml')
    _no_control(value, f"{where}.{key}")
    return value


def _no_control(value: str, where: str) -> None:
    """A NUL or an escape sequence in a path, branch or URL is a typo or an attack, never
    meant: refuse it, shown escaped."""
    if not value.isprintable():
        raise ConfigError(f"{where} holds a control character: '{printable(value)}'",
                          "remove it from pyproject.toml")


def _strings(table: dict[str, Any], key: str, where: str) -> tuple[str, ...] | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, str):  # a shell-like string is friendlier than a TOML array
        return tuple(shlex.split(value))
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        msg = f"{where}.{key} must be a list of strings, not {value!r}"
        raise ConfigError(msg, f'write it as {key} = ["..."] in pyproject.toml')
    for item in value:
        _no_control(item, f"{where}.{key}")
    return tuple(value)


def _commands(table: dict[str, Any], key: str, where: str) -> tuple[tuple[str, ...], ...]:
    """One command (a list of strings, or a shell-like string) or a list of commands."""
    value = table.get(key)
    if value is None:
        return ()
    if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
        commands = []
        for n, command in enumerate(value):
            if not all(isinstance(v, str) for v in command):
                raise ConfigError(f"{where}.{key}[{n}] must be a list of strings, not "
                                  f"{command!r}", 'write each command as ["tool", "--version"]')
            inner = tuple(command)
            if not inner:
                raise ConfigError(f"{where}.{key}[{n}] is an empty command",
                                  'write each command as ["tool", "--version"]')
            commands.append(inner)
        return tuple(commands)
    single = _strings(table, key, where)
    if not single:
        raise ConfigError(f"{where}.{key} is an empty command",
                          f'write it as {key} = ["tool", "--version"]')
    return (single,)


def _size(table: dict[str, Any], key: str, where: str) -> int | None:
    """A size in bytes: an integer, or a string such as "200 MiB" or "1 GB"."""
    value = table.get(key)
    if value is None:
        return None
    units = {"": 1, "b": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3, "kib": 1024,
             "mib": 1024**2, "gib": 1024**3}
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str):
        number, _, unit = value.strip().partition(" ")
        try:
            amount = float(number)
        except ValueError:
            amount = -1
        if amount > 0 and unit.strip().lower() in units:
            return int(amount * units[unit.strip().lower()])
    raise ConfigError(f"{where}.{key} must be a size such as 200 MiB or 209715200, not {value!r}",
                      f'write it as {key} = "200 MiB"')


def _gates(table: dict[str, Any], key: str, where: str) -> tuple[Gate, ...]:
    """Session names, or commands as lists of strings: ``["lint", ["pytest", "-q"]]``."""
    value = table.get(key)
    if value is None:
        return ()
    fix = f'write it as {key} = ["lint", "tests"] (nox sessions) or {key} = [["pytest", "-q"]]'
    if not isinstance(value, list):
        raise ConfigError(f"{where}.{key} must be a list of nox session names or commands, "
                          f"not {printable(repr(value))[:80]}", fix)
    gates: list[Gate] = []
    for n, entry in enumerate(value):
        here = f"{where}.{key}[{n}]"
        parts = entry if isinstance(entry, list) else [entry]
        if not parts or not all(isinstance(p, str) and p.strip() for p in parts):
            raise ConfigError(f"{here} must be a session name or a command (a list of "
                              f"non-empty strings), not {printable(repr(entry))[:80]}", fix)
        for part in parts:
            _no_control(part, here)
        gates.append(tuple(entry) if isinstance(entry, list) else entry)
    return tuple(gates)


def _choice(table: dict[str, Any], key: str, where: str, choices: tuple[str, ...],
            default: str, example: str) -> str:
    """One of ``choices``, spelled exactly; a typo gets "did you mean"."""
    value = _string(table, key, where)
    if value is None:
        return default
    if value not in choices:
        raise ConfigError(f"{where}.{key} must be one of {', '.join(choices)}, not "
                          f"'{printable(value)[:40]}'",
                          suggest(value.strip().lower(), choices)
                          or f'write it as {key} = "{example}" (or leave it out: {default})')
    return value


def _diff_allow(table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    """``diff-allow`` entries, each a kind of change index-diff reports, alone or with the
    name it accepts; an unknown kind gets "did you mean"."""
    entries = _strings(table, key, where) or ()
    for entry in entries:
        kind, _, pattern = entry.partition(":")
        if kind not in DIFF_KINDS or (entry.endswith(":") and not pattern.strip()):
            raise ConfigError(f"{where}.{key}: '{printable(entry)[:60]}' names no kind of "
                              f"change (kinds: {', '.join(DIFF_KINDS)})",
                              suggest(kind.strip().lower(), DIFF_KINDS)
                              or f'write it as {key} = ["module:pkg.old", "requires-python"]')
    return entries


def _tag_format(table: dict[str, Any], key: str, where: str) -> str | None:
    """A release tag's name with ``{version}`` in it, which git takes as a tag name."""
    value = _string(table, key, where)
    if value is not None and (problem := format_problem(value)) is not None:
        raise ConfigError(f"{where}.{key} {problem[0]}", problem[1])
    return value
def _secrets_allow(table: dict[str, Any], key: str, where: str) -> tuple[SecretAllow, ...]:
    """``[{path = "tests/fixtures/.netrc", reason = "…"}, …]``: each a relative path (or
    glob) and a reason; nothing else."""
    value = table.get(key)
    if value is None:
        return ()
    fix = (f'write it as {key} = [{{path = "tests/fixtures/.netrc", reason = "example '
           'values for the tests"}]')
    if not isinstance(value, list):
        raise ConfigError(f"{where}.{key} must be a list of {{path = \"…\", reason = \"…\"}} "
                          f"tables, not {printable(repr(value))[:80]}", fix)
    entries = []
    for n, entry in enumerate(value):
        here = f"{where}.{key}[{n}]"
        if not isinstance(entry, dict):
            raise ConfigError(f"{here} must be a table {{path = \"…\", reason = \"…\"}}, not "
                              f"{printable(repr(entry))[:80]}", fix)
        for name in entry:
            if name not in ALLOW_KEYS:
                raise ConfigError(f"unknown key '{printable(name)}' in {here}",
                                  _did_you_mean(name, ALLOW_KEYS))
        path, reason = _string(entry, "path", here), _string(entry, "reason", here)
        if path is None:
            raise ConfigError(f"{here} has no path",
                              'add path = "…" (relative to the project folder)')
        if reason is None:
            raise ConfigError(f"{here} ({path}) has no reason",
                              'add reason = "…": why this file is safe to ship')
        clean = path.strip().replace("\\", "/").removeprefix("./").rstrip("/")
        if clean.startswith("/") or ".." in clean.split("/") or not clean:
            raise ConfigError(f"{here}.path must be relative to the project folder, not "
                              f"'{path}'", 'write it as path = "tests/fixtures/.netrc"')
        entries.append(SecretAllow(clean, reason.strip()))
    return tuple(entries)


def _repositories(table: Any, where: str) -> dict[str, RepositoryConfig]:
    if table is None:
        return {}
    if not isinstance(table, dict):
        msg = f"{where}.repositories must be a table of tables"
        hint = f'declare one as [{where}.repositories.NAME] with upload-url = "..."'
        raise ConfigError(msg, hint)
    repos = {}
    for name, entry in table.items():
        here = f"{where}.repositories.{name}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{here} must be a table", f'write [{here}] with upload-url = "..."')
        for key in entry:
            if key not in REPOSITORY_KEYS:
                raise ConfigError(f"unknown key '{key}' in [{here}]",
                                  _did_you_mean(key, REPOSITORY_KEYS))
        upload_url = _string(entry, "upload-url", here)
        if upload_url is None:
            raise ConfigError(f"[{here}] has no upload-url",
                              f'add upload-url = "https://…" to [{here}]')
        for key in ("upload-url", "index-url"):
            url = _string(entry, key, here)
            if url is None:
                continue
            try:
                parse_url(url)
            except UrlError as e:  # the message never quotes the URL: it may hold a password
                raise ConfigError(f"{here}.{key} must be an http(s) URL: it {e.problem}",
                                  f'write it in full, e.g. {key} = "{EXAMPLE}"') from None
        repos[name] = RepositoryConfig(
            name=name,
            upload_url=upload_url,
            index_url=_string(entry, "index-url", here),
            username=_string(entry, "username", here) or "__token__",
            token_variable=_string(entry, "token-variable", here),
        )
    return repos


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


def load_config(root: Path) -> Config:
    """Read and validate the project's configuration; raise ConfigError naming the problem
    (UsageError when ``root`` holds no project).

    ``skip`` holds check ids: the check registry validates them (checks.validate_skip).
    """
    check_project_folder(root)
    pyproject = read_pyproject(root)
    if pyproject is None:
        return Config(root=root)
    project = pyproject.get("project", {})
    if not isinstance(project, dict):
        raise ConfigError("[project] in pyproject.toml must be a table", "see PEP 621")
    for key in ("name", "version"):
        if key in project:
            value = project[key]
            if not isinstance(value, str):
                raise ConfigError(f"[project] {key} in pyproject.toml must be a string, not "
                                  f"{printable(repr(value))[:80]}",
                                  f'write it as {key} = "..." (PEP 621)')
            _no_control(value, f"[project] {key}")
    tools = pyproject.get("tool", {})
    if not isinstance(tools, dict):
        raise ConfigError("[tool] in pyproject.toml must be a table", "write it as [tool.NAME]")
    tool = tools.get("publish-checks", {})
    where = "tool.publish-checks"
    if not isinstance(tool, dict):
        raise ConfigError(f"[{where}] must be a table", f"write it as [{where}]")
    for key in tool:
        if key not in KEYS:
            raise ConfigError(f"unknown key '{key}' in [{where}]", _did_you_mean(key, KEYS))
    skip = _strings(tool, "skip", where) or ()
    return Config(
        root=root,
        has_pyproject=True,
        project=project,
        credentials_file=_string(tool, "credentials-file", where) or ".env.local",
        token_variable=_string(tool, "token-variable", where),
        repository=_string(tool, "repository", where),
        release_branch=_string(tool, "release-branch", where),
        changelog=_string(tool, "changelog", where),
        version_file=_string(tool, "version-file", where),
        smoke_tests=_commands(tool, "smoke-test", where),
        smoke_skip_modules=_strings(tool, "smoke-skip-modules", where) or (),
        wheel_exclude=_strings(tool, "wheel-exclude", where) or (),
        upload_limit=_size(tool, "upload-limit", where),
        gates=_gates(tool, "gates", where),
        skip=skip,
        tag_format=_tag_format(tool, "tag-format", where),
        secrets_allow=_secrets_allow(tool, "secrets-allow", where),
        repositories=_repositories(tool.get("repositories"), where),
        uploader=_choice(tool, "uploader", where, UPLOADERS, UPLOADERS[0], "uv"),
        repair=_choice(tool, "repair", where, REPAIRERS, default_repair(),
                       "none"),
        diff=_choice(tool, "diff", where, DIFF_MODES, DIFF_MODES[0], "fail"),
        diff_allow=_diff_allow(tool, "diff-allow", where),
    )

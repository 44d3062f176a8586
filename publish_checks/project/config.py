"""``[tool.publish-checks]`` from pyproject.toml (SPEC §3), validated once."""

from __future__ import annotations

import sys
from dataclasses import field
from pathlib import Path
from typing import Any

from publish_checks._errors import ConfigError, PublishChecksError
from publish_checks._record import Record, record
from publish_checks._text import printable, suggest
from publish_checks.project.config_files import (
    check_project_folder,
    read_pyproject,
    read_setup_cfg,
    read_toml,
)
from publish_checks.project.config_tables import (
    ALLOW_KEYS,
    REPOSITORY_KEYS,
    RepositoryConfig,
    SecretAllow,
    repositories,
    secrets_allow,
)
from publish_checks.project.config_values import (
    choice,
    commands,
    did_you_mean,
    no_control,
    size,
    string,
    strings,
)
from publish_checks.project.tag_format import format_problem

# What other modules read from here, wherever it is defined.
__all__ = [
    "ALLOW_KEYS",
    "DIFF_KINDS",
    "DIFF_MODES",
    "KEYS",
    "REPAIRERS",
    "REPOSITORY_KEYS",
    "UPLOADERS",
    "Config",
    "Gate",
    "RepositoryConfig",
    "SecretAllow",
    "check_project_folder",
    "default_repair",
    "load_config",
    "read_pyproject",
    "read_setup_cfg",
    "read_toml",
]

KEYS = ("credentials-file", "token-variable", "repository", "release-branch", "changelog",
        "version-file", "smoke-test", "smoke-skip-modules", "wheel-exclude", "upload-limit",
        "gates", "skip", "tag-format", "secrets-allow", "repositories", "uploader",
        "repair", "diff", "diff-allow")
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


@record
class Config(Record):
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
            no_control(part, here)
        gates.append(tuple(entry) if isinstance(entry, list) else entry)
    return tuple(gates)


def _diff_allow(table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    """``diff-allow`` entries, each a kind of change index-diff reports, alone or with the
    name it accepts; an unknown kind gets "did you mean"."""
    entries = strings(table, key, where) or ()
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
    value = string(table, key, where)
    if value is not None and (problem := format_problem(value)) is not None:
        raise ConfigError(f"{where}.{key} {problem[0]}", problem[1])
    return value


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
            no_control(value, f"[project] {key}")
    tools = pyproject.get("tool", {})
    if not isinstance(tools, dict):
        raise ConfigError("[tool] in pyproject.toml must be a table", "write it as [tool.NAME]")
    tool = tools.get("publish-checks", {})
    where = "tool.publish-checks"
    if not isinstance(tool, dict):
        raise ConfigError(f"[{where}] must be a table", f"write it as [{where}]")
    for key in tool:
        if key not in KEYS:
            raise ConfigError(f"unknown key '{key}' in [{where}]", did_you_mean(key, KEYS))
    skip = strings(tool, "skip", where) or ()
    return Config(
        root=root,
        has_pyproject=True,
        project=project,
        credentials_file=string(tool, "credentials-file", where) or ".env.local",
        token_variable=string(tool, "token-variable", where),
        repository=string(tool, "repository", where),
        release_branch=string(tool, "release-branch", where),
        changelog=string(tool, "changelog", where),
        version_file=string(tool, "version-file", where),
        smoke_tests=commands(tool, "smoke-test", where),
        smoke_skip_modules=strings(tool, "smoke-skip-modules", where) or (),
        wheel_exclude=strings(tool, "wheel-exclude", where) or (),
        upload_limit=size(tool, "upload-limit", where),
        gates=_gates(tool, "gates", where),
        skip=skip,
        tag_format=_tag_format(tool, "tag-format", where),
        secrets_allow=secrets_allow(tool, "secrets-allow", where),
        repositories=repositories(tool.get("repositories"), where),
        uploader=choice(tool, "uploader", where, UPLOADERS, UPLOADERS[0], "uv"),
        repair=choice(tool, "repair", where, REPAIRERS, default_repair(),
                      "none"),
        diff=choice(tool, "diff", where, DIFF_MODES, DIFF_MODES[0], "fail"),
        diff_allow=_diff_allow(tool, "diff-allow", where),
    )


def token_variables(root: Path) -> tuple[str, ...]:
    """The token-variables the project at ``root`` declares, for the tool environments made
    before the pipeline reads its configuration; none when it cannot be read (the pipeline
    says why)."""
    try:
        return load_config(root).token_variables
    except PublishChecksError:
        return ()

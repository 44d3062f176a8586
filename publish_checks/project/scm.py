"""Whether the project's scm version tool — setuptools-scm, or hatch-vcs, which runs it —
would read a release tag as its version: a tag it does not read builds the next release as
a development version of the previous one.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from publish_checks._errors import ConfigError
from publish_checks.project.config import read_toml

# setuptools-scm's DEFAULT_TAG_REGEX (src/setuptools_scm/_config.py), which hatch-vcs uses
# too when no tag-pattern is set: an optional prefix of dashed words, then an optional v.
SCM_DEFAULT_TAG_REGEX = r"^(?:[\w-]+-)?(?P<version>[vV]?\d+(?:\.\d+){0,2}[^\+]*)(?:\+.*)?$"


def _table(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    for key in keys:
        value = data.get(key)
        data = value if isinstance(value, dict) else {}
    return data


def scm_tag_regex(root: Path, tool: str) -> tuple[str, str] | None:
    """(regex, where it is set) by which ``tool`` — setuptools-scm or hatch-vcs — reads
    release tags; None for another tool, or a configuration we cannot read."""
    try:
        pyproject = read_toml(root / "pyproject.toml") or {}
        hatch_toml = read_toml(root / "hatch.toml") or {}
    except ConfigError:
        return None
    if tool == "setuptools-scm":
        regex = _table(pyproject, "tool", "setuptools_scm").get("tag_regex")
        where = "[tool.setuptools_scm] tag_regex"
    elif tool == "hatch-vcs":
        table = (_table(hatch_toml, "version") if "version" in hatch_toml
                 else _table(pyproject, "tool", "hatch", "version"))
        regex = _table(table, "raw-options").get("tag_regex") or table.get("tag-pattern")
        where = "hatch-vcs's tag-pattern"
    else:
        return None
    if regex is None or regex == "":
        return SCM_DEFAULT_TAG_REGEX, f"{tool}'s default tag regex"
    return (regex, where) if isinstance(regex, str) else None


def scm_reads(regex: str, tag: str, version: str) -> bool | None:
    """Whether setuptools-scm, with ``regex``, reads ``tag`` as ``version`` (its
    _parse_version_tag: the one group, else the ``version`` group, parsed as a version);
    None when the regex does not compile here."""
    try:
        pattern = re.compile(regex)
    except re.error:
        return None
    match = pattern.match(tag)
    if match is None:
        return False
    group: int | str = 1 if pattern.groups == 1 else "version"
    try:
        found = match.group(group)
        return found is not None and Version(found) == Version(version)
    except (IndexError, InvalidVersion):
        return False

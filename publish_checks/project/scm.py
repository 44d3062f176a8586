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
from publish_checks._record import Record, record
from publish_checks.project.config import read_toml

# setuptools-scm's DEFAULT_TAG_REGEX (src/setuptools_scm/_config.py), which hatch-vcs uses
# too when no tag-pattern is set: an optional prefix of dashed words, then an optional v.
SCM_DEFAULT_TAG_REGEX = r"^(?:[\w-]+-)?(?P<version>[vV]?\d+(?:\.\d+){0,2}[^\+]*)(?:\+.*)?$"


def _table(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    for key in keys:
        value = data.get(key)
        data = value if isinstance(value, dict) else {}
    return data


def scm_tool(label: str) -> str | None:
    """setuptools-scm or hatch-vcs, from a version source's label ("dynamic (hatch-vcs)")."""
    return next((tool for tool in ("hatch-vcs", "setuptools-scm") if tool in label), None)


@record
class ScmTags(Record):
    """How an scm version tool reads release tags."""

    tool: str  # setuptools-scm or hatch-vcs
    regex: str
    setting: str  # where the project would set its own regex
    default: bool  # the regex is the tool's default: the project sets none


def scm_tag_regex(root: Path, tool: str) -> ScmTags | None:
    """The regex by which ``tool`` — setuptools-scm or hatch-vcs — reads release tags;
    None for another tool, or a configuration we cannot read."""
    try:
        pyproject = read_toml(root / "pyproject.toml") or {}
        hatch_toml = read_toml(root / "hatch.toml") or {}
    except ConfigError:
        return None
    if tool == "setuptools-scm":
        regex = _table(pyproject, "tool", "setuptools_scm").get("tag_regex")
        setting = "tag_regex in [tool.setuptools_scm]"
    elif tool == "hatch-vcs":
        in_hatch_toml = "version" in hatch_toml
        table = (_table(hatch_toml, "version") if in_hatch_toml
                 else _table(pyproject, "tool", "hatch", "version"))
        regex = _table(table, "raw-options").get("tag_regex") or table.get("tag-pattern")
        setting = ("tag-pattern in hatch.toml's [version]" if in_hatch_toml
                   else "tag-pattern in [tool.hatch.version]")
    else:
        return None
    if regex is None or regex == "":
        return ScmTags(tool, SCM_DEFAULT_TAG_REGEX, setting, default=True)
    return ScmTags(tool, regex, setting, default=False) if isinstance(regex, str) else None


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

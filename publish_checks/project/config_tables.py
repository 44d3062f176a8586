"""The tables of [tool.publish-checks]: ``secrets-allow`` entries and custom
``repositories``."""

from __future__ import annotations

from typing import Any

from publish_checks._errors import ConfigError
from publish_checks._record import Record, record
from publish_checks._text import printable
from publish_checks.project.config_values import did_you_mean, string
from publish_checks.project.urls import EXAMPLE, UrlError, parse_url

REPOSITORY_KEYS = ("upload-url", "index-url", "username", "token-variable")
ALLOW_KEYS = ("path", "reason")


@record
class RepositoryConfig(Record):
    """A custom index declared under ``[tool.publish-checks.repositories.NAME]``."""

    name: str
    upload_url: str
    index_url: str | None = None
    username: str = "__token__"
    token_variable: str | None = None


@record
class SecretAllow(Record):
    """A ``secrets-allow`` entry: files the maintainer vouches for (a path relative to the
    project folder, a folder, or a glob), and why they are safe to ship."""

    path: str
    reason: str


def secrets_allow(table: dict[str, Any], key: str, where: str) -> tuple[SecretAllow, ...]:
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
                                  did_you_mean(name, ALLOW_KEYS))
        path, reason = string(entry, "path", here), string(entry, "reason", here)
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


def repositories(table: Any, where: str) -> dict[str, RepositoryConfig]:
    """``[tool.publish-checks.repositories.NAME]`` tables, each with an http(s) upload-url."""
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
                                  did_you_mean(key, REPOSITORY_KEYS))
        upload_url = string(entry, "upload-url", here)
        if upload_url is None:
            raise ConfigError(f"[{here}] has no upload-url",
                              f'add upload-url = "https://…" to [{here}]')
        for key in ("upload-url", "index-url"):
            url = string(entry, key, here)
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
            index_url=string(entry, "index-url", here),
            username=string(entry, "username", here) or "__token__",
            token_variable=string(entry, "token-variable", here),
        )
    return repos

"""The typed values of a [tool.publish-checks] table: each reader returns the value, or
raises a ConfigError that names the key and shows how to write it."""

from __future__ import annotations

import shlex
from typing import Any

from publish_checks._errors import ConfigError
from publish_checks._text import printable, suggest


def did_you_mean(word: str, choices: tuple[str, ...]) -> str:
    """The likely key a typo meant, else the keys there are."""
    return suggest(word, choices) or f"known keys: {', '.join(choices)}"


def string(table: dict[str, Any], key: str, where: str) -> str | None:
    """A non-empty string without control characters, or None when the key is not set."""
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        msg = f"{where}.{key} must be a non-empty string, not {value!r}"
        raise ConfigError(msg, f'write it as {key} = "..." in pyproject.toml')
    no_control(value, f"{where}.{key}")
    return value


def no_control(value: str, where: str) -> None:
    """A NUL or an escape sequence in a path, branch or URL is a typo or an attack, never
    meant: refuse it, shown escaped."""
    if not value.isprintable():
        raise ConfigError(f"{where} holds a control character: '{printable(value)}'",
                          "remove it from pyproject.toml")


def strings(table: dict[str, Any], key: str, where: str) -> tuple[str, ...] | None:
    """A list of strings (or a shell-like string, split), or None when the key is not set."""
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, str):  # a shell-like string is friendlier than a TOML array
        return tuple(shlex.split(value))
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        msg = f"{where}.{key} must be a list of strings, not {value!r}"
        raise ConfigError(msg, f'write it as {key} = ["..."] in pyproject.toml')
    for item in value:
        no_control(item, f"{where}.{key}")
    return tuple(value)


def commands(table: dict[str, Any], key: str, where: str) -> tuple[tuple[str, ...], ...]:
    """One command (a list of strings, or a shell-like string) or a list of commands."""
    value = table.get(key)
    if value is None:
        return ()
    if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
        argvs = []
        for n, command in enumerate(value):
            if not all(isinstance(v, str) for v in command):
                raise ConfigError(f"{where}.{key}[{n}] must be a list of strings, not "
                                  f"{command!r}", 'write each command as ["tool", "--version"]')
            inner = tuple(command)
            if not inner:
                raise ConfigError(f"{where}.{key}[{n}] is an empty command",
                                  'write each command as ["tool", "--version"]')
            argvs.append(inner)
        return tuple(argvs)
    single = strings(table, key, where)
    if not single:
        raise ConfigError(f"{where}.{key} is an empty command",
                          f'write it as {key} = ["tool", "--version"]')
    return (single,)


def size(table: dict[str, Any], key: str, where: str) -> int | None:
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


def choice(table: dict[str, Any], key: str, where: str, choices: tuple[str, ...],
           default: str, example: str) -> str:
    """One of ``choices``, spelled exactly; a typo gets "did you mean"."""
    value = string(table, key, where)
    if value is None:
        return default
    if value not in choices:
        raise ConfigError(f"{where}.{key} must be one of {', '.join(choices)}, not "
                          f"'{printable(value)[:40]}'",
                          suggest(value.strip().lower(), choices)
                          or f'write it as {key} = "{example}" (or leave it out: {default})')
    return value

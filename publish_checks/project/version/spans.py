"""Where a version key sits in a configuration file's text, for bump to write there."""

from __future__ import annotations

import re

# A version key on its own line: TOML's quoted value, setup.cfg's bare one.
TOML_VERSION_KEY = re.compile(r"""^[ \t]*version[ \t]*=[ \t]*(["'])(?P<value>[^"'\\\r\n]*)\1""")
INI_VERSION_KEY = re.compile(r"^[ \t]*version[ \t]*[=:][ \t]*(?P<value>\S+)\s*$",
                             re.IGNORECASE)


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


def one_span(text: str, pattern: re.Pattern[str], table: str,
             value: str) -> tuple[int, int] | None:
    """Where the one line of ``[table]`` setting ``value`` holds it; None unless exactly one."""
    spans = [span for found, span in value_spans(text, pattern, table) if found == value]
    return spans[0] if len(spans) == 1 else None

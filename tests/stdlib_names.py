"""Writes publish_checks/project/stdlib_names.txt from stdlib-list, as warehouse computes its
STDLIB_PROHIBITED (packaging/services.py): ``python -m tests.stdlib_names``."""

from __future__ import annotations

from pathlib import Path

import stdlib_list
from packaging.utils import canonicalize_name

TARGET = Path(__file__).resolve().parents[1] / "publish_checks" / "project" / "stdlib_names.txt"


def prohibited() -> dict[str, str]:
    """Every module and package of every Python stdlib-list knows, each dotted prefix too
    (``http.server`` gives ``http`` and ``http-server``), stripped of ``-_.`` at its ends and
    canonicalized; each mapped to the module it comes from (as the newest Python spells it:
    tkinter, not Tkinter; asyncio, not its C part _asyncio)."""
    names: dict[str, str] = {}
    for version in reversed(stdlib_list.short_versions):
        for module in stdlib_list.stdlib_list(version):
            parts = module.split(".")
            for end in range(1, len(parts) + 1):
                prefix = ".".join(parts[:end])
                name = canonicalize_name(prefix.strip("-_."))
                if name not in names or names[name][0] == "_" != prefix[0]:
                    names[name] = prefix
    return names


def source() -> str:
    """The data file's text: one ``canonical-name module`` line per name, sorted."""
    return "".join(f"{name} {module}\n" for name, module in sorted(prohibited().items()))


if __name__ == "__main__":
    TARGET.write_text(source(), "utf-8")
    print(f"wrote {TARGET}")

"""How paths are shown to the user: as typed from the project root."""

from __future__ import annotations

import os
from pathlib import Path


def shown(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` with forward slashes (``../x`` when beside it)."""
    try:
        return Path(os.path.relpath(path, root)).as_posix()
    except ValueError:  # another drive on Windows: no relative form exists
        return str(path)

"""A changelog kept with the documentation instead of at the top level: anyio's
``docs/versionhistory.rst``, sniffio's ``docs/source/history.rst``, scikit-build-core's
``docs/about/changelog.md``, more-itertools' ``docs/versions.rst`` ("Version History").
Not read as the changelog unless configured; named in the fix."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

# File stems, lower-cased without '-', '_' and '.', in the order one is preferred.
STEMS = ("changelog", "changes", "history", "news", "versionhistory", "releasenotes",
         "whatsnew", "releases", "versions")
SUFFIXES = (".md", ".rst", ".txt")
DEPTH = 2  # docs/X, docs/a/X, docs/a/b/X


def docs_changelog(paths: Iterable[str]) -> str | None:
    """The path, among ``paths`` (relative, '/'-separated), of the likeliest changelog under
    docs/: the first name of STEMS, then the shallowest, then in alphabetical order."""
    found = []
    for path in paths:
        parts = path.split("/")
        if parts[0].lower() not in ("docs", "doc") or not 2 <= len(parts) <= DEPTH + 2:
            continue
        stem, dot, suffix = parts[-1].rpartition(".")
        key = stem.lower().replace("-", "").replace("_", "").replace(".", "")
        if dot and "." + suffix.lower() in SUFFIXES and key in STEMS:
            found.append((STEMS.index(key), len(parts), path))
    return min(found)[2] if found else None


def files_under_docs(root: Path) -> list[str]:
    """The files under docs/ (doc/) DEPTH levels down, for a project that is no git checkout."""
    return [path.relative_to(root).as_posix() for top in ("docs", "doc")
            for level in range(DEPTH + 1)
            for path in sorted((root / top).glob("/".join(["*"] * (level + 1))))
            if path.is_file()]

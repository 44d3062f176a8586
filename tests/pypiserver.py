"""A real pypiserver on 127.0.0.1 for the tests: free port, temp package dir, fresh credentials.

It is the embedded index of ``nox -s rehearse`` (publish_checks.release.rehearse.local_index), so
the tests exercise the same server start and stop the product uses.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from publish_checks.release.rehearse import free_port, local_index

__all__ = ["PypiServer", "free_port", "pypiserver", "skip_without_pypiserver"]


def skip_without_pypiserver() -> None:
    """Skip unless pypiserver is installed, without importing it: its bundled bottle puts
    an import hook on sys.meta_path that turns later failed imports into ImportWarnings."""
    if importlib.util.find_spec("pypiserver") is None:
        pytest.skip("pypiserver is not installed (the tests session installs it)")


@dataclass(frozen=True)
class PypiServer:
    url: str  # upload URL, with a trailing slash
    index_url: str  # the simple index: f"{url}simple/"
    username: str
    password: str
    packages_dir: Path

    def add(self, *files: Path) -> None:
        """Put files on the index the way an upload would (pypiserver serves its directory)."""
        for path in files:
            (self.packages_dir / path.name).write_bytes(path.read_bytes())


@pytest.fixture
def pypiserver() -> Iterator[PypiServer]:
    """A running pypiserver with an empty package dir; uploads need username and password."""
    skip_without_pypiserver()
    with local_index(sys.executable) as index:
        yield PypiServer(index.url, index.index_url, index.username, index.password,
                         index.packages)

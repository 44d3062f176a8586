"""A real pypiserver on 127.0.0.1 for the tests: free port, temp package dir, fresh credentials.

It is the embedded index of ``nox -s rehearse`` (publish_checks.release.rehearse.local_index), so
the tests exercise the same server start and stop the product uses.

Starting pypiserver costs about a second; about a hundred tests need one. So each kind of
server (its login and what the login guards) starts once per test process (per xdist
worker: ports and folders are never shared between workers) and each test gets it with an
empty package folder of its own: what one test uploads, no other test sees.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from publish_checks.release.rehearse import USERNAME, LocalIndex, free_port, local_index

__all__ = ["IndexPool", "PypiServer", "free_port", "index_pool", "pypiserver",
           "skip_without_pypiserver"]


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


def as_pypiserver(index: LocalIndex) -> PypiServer:
    return PypiServer(index.url, index.index_url, index.username, index.password,
                      index.packages)


class IndexPool:
    """The running servers of this test process, one per kind, started on first use."""

    def __init__(self, stack: ExitStack) -> None:
        self._stack = stack
        self._servers: dict[tuple[str, str, str | None, str], LocalIndex] = {}

    def get(self, *, username: str = USERNAME, password: str | None = None,
            authenticate: str = "update", kind: str = "") -> LocalIndex:
        """The server of this login (``password`` None: one generated for it), its package
        folder emptied; ``kind`` tells apart two servers a test needs with the same login."""
        skip_without_pypiserver()
        key = (kind, username, password, authenticate)
        index = self._servers.get(key)
        if index is None or index.process.poll() is not None:  # never started, or died
            index = self._stack.enter_context(local_index(
                sys.executable, username=username, password=password,
                authenticate=authenticate))
            self._servers[key] = index
        for entry in index.packages.iterdir():  # the previous test's files
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        return index


@pytest.fixture(scope="session")
def index_pool() -> Iterator[IndexPool]:
    """The pypiservers of this test process; stopped, their folders removed, at its end."""
    with ExitStack() as stack:
        yield IndexPool(stack)


@pytest.fixture
def pypiserver(index_pool: IndexPool) -> PypiServer:
    """A running pypiserver with an empty package dir; uploads need username and password."""
    return as_pypiserver(index_pool.get())

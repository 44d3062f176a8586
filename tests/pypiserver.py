"""A real pypiserver on 127.0.0.1 for the tests: free port, temp package dir, fresh credentials.

Expose it with ``from tests.pypiserver import pypiserver`` in conftest.py. Each test gets its
own server and an empty package directory; starting one takes a fraction of a second.
"""

from __future__ import annotations

import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

STARTUP_TIMEOUT = 30.0  # seconds until the server must answer
STOP_TIMEOUT = 10.0  # seconds between terminate and kill


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


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _write_htpasswd(path: Path, username: str, password: str) -> None:
    # passlib imports the deprecated `crypt` module; the suite turns warnings into errors.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        apache = pytest.importorskip("passlib.apache",
                                     reason="pypiserver[passlib] is not installed")
    htpasswd = apache.HtpasswdFile(str(path), new=True, default_scheme="apr_md5_crypt")
    htpasswd.set_password(username, password)
    htpasswd.save()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 (http://127.0.0.1)
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)


@pytest.fixture
def pypiserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PypiServer]:
    """A running pypiserver with an empty package dir; uploads need username and password."""
    pytest.importorskip("pypiserver",
                        reason="pypiserver is not installed (the tests session installs it)")
    base = tmp_path_factory.mktemp("pypiserver")
    packages = base / "packages"
    packages.mkdir()
    username, password = f"user-{secrets.token_hex(4)}", secrets.token_urlsafe(16)
    htpasswd = base / "htpasswd"
    _write_htpasswd(htpasswd, username, password)
    log_path = base / "server.log"
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-m", "pypiserver", "run", "-p", str(port), "-i", "127.0.0.1",
               "-P", str(htpasswd), "-a", "update",
               # Unknown projects answer 404 instead of redirecting to PyPI.
               "--disable-fallback", "--backend", "simple-dir", str(packages)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not _answers(f"{url}health"):
            if process.poll() is not None or time.monotonic() > deadline:
                log_text = log_path.read_text(encoding="utf-8", errors="replace")
                pytest.fail(f"pypiserver did not start on {url}:\n{log_text}")
            time.sleep(0.05)
        yield PypiServer(url, f"{url}simple/", username, password, packages)
    finally:
        _stop(process)

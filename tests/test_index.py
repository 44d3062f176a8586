"""The simple-API client and the index-version check, against a real pypiserver and
small stdlib servers on 127.0.0.1."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import os
import socket
import subprocess
import sys
import tarfile
import threading
import zipfile
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from publish_checks import Status
from publish_checks.dists.index import IndexQueryError, project_files, wait_for_files
from tests.builders import SampleProject
from tests.pypiserver import PypiServer, free_port

WHEEL = "demo_pkg-1.2.0-py3-none-any.whl"
SDIST = "demo_pkg-1.2.0.tar.gz"
METADATA = "Metadata-Version: 2.1\nName: demo-pkg\nVersion: 1.2.0\nSummary: {summary}\n"


def make_dists(directory: Path, summary: str = "A demo package.") -> list[Path]:
    """A minimal wheel and sdist of demo-pkg 1.2.0; ``summary`` changes their bytes."""
    directory.mkdir(parents=True, exist_ok=True)
    wheel = directory / WHEEL
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr("demo_pkg/__init__.py", '__version__ = "1.2.0"\n')
        zf.writestr("demo_pkg-1.2.0.dist-info/METADATA", METADATA.format(summary=summary))
        zf.writestr("demo_pkg-1.2.0.dist-info/WHEEL",
                    "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\n"
                    "Tag: py3-none-any\n")
        zf.writestr("demo_pkg-1.2.0.dist-info/RECORD", "")
    sdist = directory / SDIST
    with tarfile.open(sdist, "w:gz") as tf:
        data = METADATA.format(summary=summary).encode()
        info = tarfile.TarInfo("demo_pkg-1.2.0/PKG-INFO")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    return [wheel, sdist]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


Handler = Callable[[BaseHTTPRequestHandler], None]


@pytest.fixture
def http_server() -> Iterator[Callable[[Handler], str]]:
    """Start a stdlib HTTP server on 127.0.0.1 answering GETs with a given function."""
    servers: list[ThreadingHTTPServer] = []

    def start(answer: Handler) -> str:
        class Answer(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                answer(self)

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/simple/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def reply(handler: BaseHTTPRequestHandler, status: int, content_type: str, body: bytes) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


# The client against a real pypiserver (PEP 503 HTML with sha256 fragments).


def test_lists_files_with_sha256_from_pypiserver(pypiserver: PypiServer, tmp_path: Path) -> None:
    """Files in pypiserver's directory are listed by filename with their sha256."""
    wheel, sdist = make_dists(tmp_path)
    pypiserver.add(wheel, sdist)
    files = project_files(pypiserver.index_url, "demo-pkg")
    assert files == {WHEEL: sha256(wheel), SDIST: sha256(sdist)}


def test_non_normalized_name_is_normalized(pypiserver: PypiServer, tmp_path: Path) -> None:
    """The project name is normalized (PEP 503) before the index is asked."""
    pypiserver.add(*make_dists(tmp_path))
    assert set(project_files(pypiserver.index_url, "Demo_Pkg")) == {WHEEL, SDIST}


@pytest.mark.skipif(importlib.util.find_spec("twine") is None, reason="twine is not installed")
def test_fixture_credentials_allow_a_real_upload(pypiserver: PypiServer, tmp_path: Path) -> None:
    """twine uploads with the fixture's credentials (and not without), and the index lists it."""
    (wheel,) = make_dists(tmp_path)[:1]
    command = [sys.executable, "-m", "twine", "upload", "--disable-progress-bar",
               "--repository-url", pypiserver.url, str(wheel)]
    env = {**os.environ, "TWINE_NON_INTERACTIVE": "1", "TWINE_USERNAME": pypiserver.username,
           "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    wrong = subprocess.run(command, env={**env, "TWINE_PASSWORD": "wrong"}, capture_output=True,
                           text=True, timeout=60)
    assert wrong.returncode != 0
    right = subprocess.run(command, env={**env, "TWINE_PASSWORD": pypiserver.password},
                           capture_output=True, text=True, timeout=60)
    assert right.returncode == 0, right.stdout + right.stderr
    assert project_files(pypiserver.index_url, "demo-pkg") == {WHEEL: sha256(wheel)}


def test_unknown_project_is_empty(pypiserver: PypiServer) -> None:
    """A project the index does not know (404) has no files."""
    assert project_files(pypiserver.index_url, "never-uploaded") == {}


def test_unreachable_index_raises_our_error() -> None:
    """Connection refused becomes an IndexQueryError naming the URL, with a fix."""
    url = f"http://127.0.0.1:{free_port()}/simple/"
    with pytest.raises(IndexQueryError) as raised:
        project_files(url, "demo-pkg", timeout=5)
    assert f"{url}demo-pkg/" in raised.value.message
    assert "refused" in raised.value.message.lower()
    assert "is the index running?" in raised.value.hint


def test_silent_index_times_out() -> None:
    """An index that accepts the connection but never answers fails within the timeout."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/simple/"
        with pytest.raises(IndexQueryError, match="timed out"):
            project_files(url, "demo-pkg", timeout=0.5)


# The client against small stdlib servers: PEP 691 JSON, errors, redirects.


def test_pep691_json_is_parsed(http_server: Callable[[Handler], str]) -> None:
    """A PEP 691 answer gives filenames and sha256s; the request is anonymous and asks for JSON."""
    seen: dict[str, str | None] = {}

    def answer(handler: BaseHTTPRequestHandler) -> None:
        seen.update(path=handler.path, accept=handler.headers["Accept"],
                    authorization=handler.headers["Authorization"])
        body = {"meta": {"api-version": "1.1"}, "name": "demo-pkg", "files": [
            {"filename": WHEEL, "url": f"/files/{WHEEL}", "hashes": {"sha256": "AB" * 32}},
            {"filename": SDIST, "url": f"/files/{SDIST}", "hashes": {}},
        ]}
        reply(handler, 200, "application/vnd.pypi.simple.v1+json", json.dumps(body).encode())

    files = project_files(http_server(answer), "Demo.Pkg")
    assert files == {WHEEL: "ab" * 32, SDIST: None}
    assert seen["path"] == "/simple/demo-pkg/"
    assert seen["accept"] == "application/vnd.pypi.simple.v1+json, text/html;q=0.1"
    assert seen["authorization"] is None


def test_html_without_text_uses_the_url(http_server: Callable[[Handler], str]) -> None:
    """An anchor without text is named by its URL's last segment; other hashes count as none."""
    html = (f'<html><body><a href="../../files/{WHEEL}#sha256={"c" * 64}"></a>'
            f'<a href="https://files.example/{SDIST}#md5=abc">{SDIST}</a></body></html>')
    url = http_server(lambda h: reply(h, 200, "text/html", html.encode()))
    assert project_files(url, "demo-pkg") == {WHEEL: "c" * 64, SDIST: None}


@pytest.mark.parametrize("body", [b"{not json", b'{"files": "nope"}', b'{"meta": {}}'])
def test_malformed_json_raises_our_error(http_server: Callable[[Handler], str],
                                         body: bytes) -> None:
    """A JSON answer without a files list is an IndexQueryError, not a traceback."""
    url = http_server(lambda h: reply(h, 200, "application/vnd.pypi.simple.v1+json", body))
    with pytest.raises(IndexQueryError, match="malformed PEP 691 JSON"):
        project_files(url, "demo-pkg")


def test_server_error_raises_our_error(http_server: Callable[[Handler], str]) -> None:
    """An HTTP 500 is an IndexQueryError naming the URL and the status."""
    url = http_server(lambda h: reply(h, 500, "text/plain", b"boom"))
    with pytest.raises(IndexQueryError) as raised:
        project_files(url, "demo-pkg")
    assert raised.value.message == f"{url}demo-pkg/ answered HTTP 500 Internal Server Error"
    assert raised.value.hint


def test_redirect_to_another_host_means_not_here(http_server: Callable[[Handler], str]) -> None:
    """A redirect off the index (pypiserver's fallback to PyPI) is not followed: no files."""
    listing = f'<a href="{WHEEL}">{WHEEL}</a>'.encode()
    elsewhere = http_server(lambda h: reply(h, 200, "text/html", listing))

    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", f"{elsewhere}demo-pkg/")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    assert project_files(http_server(answer), "demo-pkg") == {}


# wait_for_files: bounded polling with backoff.


def test_wait_for_files_returns_once_listed(pypiserver: PypiServer, tmp_path: Path) -> None:
    """Polling stops as soon as every file is listed with its sha256."""
    wheel, sdist = make_dists(tmp_path)
    pypiserver.add(wheel)
    delays: list[float] = []

    def sleep(seconds: float) -> None:
        delays.append(seconds)
        pypiserver.add(sdist)  # the "upload" finishes while we wait

    expected = {WHEEL: sha256(wheel), SDIST: sha256(sdist)}
    files = wait_for_files(pypiserver.index_url, "demo-pkg", expected, attempts=5,
                           first_delay=0.5, max_delay=4, timeout=5, sleep=sleep)
    assert files == expected
    assert delays == [0.5]


def test_wait_for_files_gives_up_after_bounded_backoff(pypiserver: PypiServer,
                                                       tmp_path: Path) -> None:
    """After the last attempt the error names what is missing; delays double up to the cap."""
    wheel, sdist = make_dists(tmp_path)
    pypiserver.add(wheel)
    delays: list[float] = []
    expected = {WHEEL: sha256(wheel), SDIST: sha256(sdist)}
    with pytest.raises(IndexQueryError) as raised:
        wait_for_files(pypiserver.index_url, "demo-pkg", expected, attempts=5,
                       first_delay=1, max_delay=3, timeout=5, sleep=delays.append)
    assert delays == [1, 2, 3, 3]
    assert f"not listed: {SDIST}" in raised.value.message
    assert WHEEL not in raised.value.message


def test_wait_for_files_reports_a_different_sha256(pypiserver: PypiServer, tmp_path: Path) -> None:
    """A file listed with another sha256 is named as different, with the bump hint."""
    (wheel,) = make_dists(tmp_path)[:1]
    pypiserver.add(wheel)
    with pytest.raises(IndexQueryError) as raised:
        wait_for_files(pypiserver.index_url, "demo-pkg", {WHEEL: "0" * 64}, attempts=2,
                       first_delay=1, max_delay=1, timeout=5, sleep=lambda _: None,
                       bump_hint="bump: nox -s bump -- patch")
    assert f"listed with another sha256: {WHEEL}" in raised.value.message
    assert "nox -s bump -- patch" in raised.value.hint


def test_wait_for_files_retries_an_unreachable_index() -> None:
    """An index that cannot be reached is retried, then its error is raised."""
    url = f"http://127.0.0.1:{free_port()}/simple/"
    delays: list[float] = []
    with pytest.raises(IndexQueryError, match="cannot reach"):
        wait_for_files(url, "demo-pkg", {WHEEL: "0" * 64}, attempts=3, first_delay=2,
                       max_delay=10, timeout=5, sleep=delays.append)
    assert delays == [2, 4]


# index-version through the whole run.


def test_index_version_new_release_passes(project: SampleProject,
                                          pypiserver: PypiServer) -> None:
    """No file of this release on the index yet: pass."""
    make_dists(project.root / "dist")
    result = project.verify(repository=pypiserver.url, offline=False).get("index-version")
    assert (result.status, result.summary) == (
        Status.PASS, f"none of the 2 files is on {pypiserver.index_url} yet")


def test_index_version_identical_file_will_be_skipped(project: SampleProject,
                                                      pypiserver: PypiServer) -> None:
    """A file already on the index with the same sha256 passes: publish will skip it."""
    wheel, _ = make_dists(project.root / "dist")
    pypiserver.add(wheel)
    result = project.verify(repository=pypiserver.url, offline=False).get("index-version")
    assert (result.status, result.summary) == (
        Status.PASS, f"1 of 2 files already on {pypiserver.index_url}, identical: will be skipped")


def test_index_version_different_file_fails(project: SampleProject, pypiserver: PypiServer,
                                            tmp_path: Path) -> None:
    """A file already on the index with another sha256 fails with the bump hint."""
    make_dists(project.root / "dist")
    pypiserver.add(*make_dists(tmp_path / "other", summary="Another build."))
    result = project.verify(repository=pypiserver.url, offline=False).get("index-version")
    assert result.status is Status.FAIL
    assert result.summary.startswith(f"2 of 2 files already on {pypiserver.index_url} with other")
    assert "nox -s bump -- patch" in result.hint


def test_index_version_unreachable_index_fails(project: SampleProject) -> None:
    """An index nobody answers on fails with its URL and the error."""
    make_dists(project.root / "dist")
    url = f"http://127.0.0.1:{free_port()}/"
    result = project.verify(repository=url, offline=False).get("index-version")
    assert result.status is Status.FAIL
    assert f"cannot reach {url}simple/demo-pkg/" in result.summary
    assert "is the index running?" in result.hint


def test_index_version_without_dists_fails(project: SampleProject,
                                           pypiserver: PypiServer) -> None:
    """Nothing built yet: fail, naming the build session."""
    result = project.verify(repository=pypiserver.url, offline=False).get("index-version")
    assert (result.status, result.hint) == (Status.FAIL, "nox -s build")


def test_index_version_offline_skips(project: SampleProject) -> None:
    """--offline turns the check into a skip that says so."""
    make_dists(project.root / "dist")
    result = project.verify(offline=True).get("index-version")
    assert result.status is Status.SKIP
    assert "--offline" in result.summary


def test_index_version_local_outside_rehearse_skips(project: SampleProject) -> None:
    """The embedded index has no URL outside `nox -s rehearse`: skip and say so."""
    make_dists(project.root / "dist")
    result = project.verify(repository="local", offline=False).get("index-version")
    assert result.status is Status.SKIP
    assert "nox -s rehearse" in result.summary

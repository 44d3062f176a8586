"""The simple-API client and the index-version check, against a real pypiserver and
small stdlib servers on 127.0.0.1."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import itertools
import json
import os
import socket
import subprocess
import sys
import tarfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from publish_checks import Context, Status
from publish_checks.checks.index import index_version
from publish_checks.dists.index import (
    LISTING_LIMIT,
    IndexFile,
    IndexQueryError,
    download,
    project_files,
    project_listing,
)
from publish_checks.dists.snapshot import Snapshot, read_snapshot, wait_for_files
from tests.builders import SampleProject
from tests.linkserver import link_server
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


def before(index_url: str, name: str = "demo-pkg") -> Snapshot:
    """The snapshot taken before an upload: ``name`` asked, nothing listed yet."""
    return Snapshot(index_url, (name,), {})


def test_wait_for_files_returns_once_listed(pypiserver: PypiServer, tmp_path: Path) -> None:
    """Polling stops as soon as every file is listed with its sha256."""
    wheel, sdist = make_dists(tmp_path)
    pypiserver.add(wheel)
    delays: list[float] = []

    def sleep(seconds: float) -> None:
        delays.append(seconds)
        pypiserver.add(sdist)  # the "upload" finishes while we wait

    expected = {WHEEL: sha256(wheel), SDIST: sha256(sdist)}
    old = before(pypiserver.index_url)
    fresh = wait_for_files(old, expected, attempts=5, first_delay=0.5, max_delay=4,
                           timeout=5, sleep=sleep)
    assert fresh.sha256s() == expected
    assert (fresh.index_url, fresh.names, old.files) == (pypiserver.index_url, ("demo-pkg",), {})
    assert delays == [0.5]


def test_wait_for_files_gives_up_after_bounded_backoff(pypiserver: PypiServer,
                                                       tmp_path: Path) -> None:
    """After the last attempt the error names what is missing; delays double up to the cap."""
    wheel, sdist = make_dists(tmp_path)
    pypiserver.add(wheel)
    delays: list[float] = []
    expected = {WHEEL: sha256(wheel), SDIST: sha256(sdist)}
    with pytest.raises(IndexQueryError) as raised:
        wait_for_files(before(pypiserver.index_url), expected, attempts=5,
                       first_delay=1, max_delay=3, timeout=5, sleep=delays.append)
    assert delays == [1, 2, 3, 3]
    assert f"not listed: {SDIST}" in raised.value.message
    assert WHEEL not in raised.value.message


def test_wait_for_files_reports_a_different_sha256(pypiserver: PypiServer, tmp_path: Path) -> None:
    """A file listed with another sha256 is named as different, with the bump hint."""
    (wheel,) = make_dists(tmp_path)[:1]
    pypiserver.add(wheel)
    with pytest.raises(IndexQueryError) as raised:
        wait_for_files(before(pypiserver.index_url), {WHEEL: "0" * 64}, attempts=2,
                       first_delay=1, max_delay=1, timeout=5, sleep=lambda _: None,
                       bump_hint="bump: nox -s bump -- patch")
    assert f"listed with another sha256: {WHEEL}" in raised.value.message
    assert "nox -s bump -- patch" in raised.value.hint


def test_wait_for_files_retries_an_unreachable_index() -> None:
    """An index that cannot be reached is retried, then its error is raised."""
    url = f"http://127.0.0.1:{free_port()}/simple/"
    delays: list[float] = []
    with pytest.raises(IndexQueryError, match="cannot reach"):
        wait_for_files(before(url), {WHEEL: "0" * 64}, attempts=3, first_delay=2,
                       max_delay=10, timeout=5, sleep=delays.append)
    assert delays == [2, 4]


def test_wait_for_files_does_not_retry_a_refused_login() -> None:
    """A 401 gets the same answer on every look: it is raised at once, with its fix, not
    after a minute of waiting."""
    delays: list[float] = []
    with link_server() as base, pytest.raises(IndexQueryError) as raised:
        wait_for_files(before(f"{base}/locked/simple/"), {WHEEL: "0" * 64}, attempts=3,
                       first_delay=2, sleep=delays.append)
    assert raised.value.message.endswith("answered HTTP 401: 127.0.0.1 needs a login to list "
                                         "and download files, and none was sent")
    assert delays == []


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


# Bounded reading of a simple page: size, time, unclosed tags, what a server says.


def stream(handler: BaseHTTPRequestHandler, blocks: Iterator[bytes]) -> None:
    """Send ``blocks`` until they end or the client hangs up."""
    try:
        for block in blocks:
            handler.wfile.write(block)
            handler.wfile.flush()
    except OSError:  # the client gave up, as it should
        pass


def trickle(data: bytes) -> Iterator[bytes]:
    """``data`` a byte at a time, one every tenth of a second."""
    for i in range(len(data)):
        time.sleep(0.1)
        yield data[i:i + 1]


def test_listing_over_the_limit_is_refused(http_server: Callable[[Handler], str]) -> None:
    """A page that keeps coming past 64 MiB ends with an IndexQueryError, not a MemoryError."""
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()  # no Content-Length: the size shows only while reading
        stream(handler, (b" " * 1024 * 1024 for _ in range(65)))

    url = http_server(answer)
    started = time.monotonic()
    with pytest.raises(IndexQueryError) as raised:
        project_listing(url, "demo-pkg")
    assert time.monotonic() - started < 30
    assert raised.value.message == (f"{url}demo-pkg/ sent more than 64 MiB, which no simple "
                                    "page weighs")
    assert raised.value.hint == ("check the repository URL: it should be the simple index "
                                 "(…/simple/)")


def test_declared_size_over_the_limit_is_refused_unread(
        http_server: Callable[[Handler], str]) -> None:
    """A Content-Length over 64 MiB is refused before the body is read."""
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(LISTING_LIMIT + 1))
        handler.end_headers()
        stream(handler, iter([b"<html>"]))  # then nothing: reading on would hang

    url = http_server(answer)
    with pytest.raises(IndexQueryError, match="sent more than 64 MiB"):
        project_listing(url, "demo-pkg", timeout=5, deadline=20)


def test_listing_of_exactly_the_limit_is_read(http_server: Callable[[Handler], str]) -> None:
    """A page of exactly 64 MiB is still read and parsed."""
    entry = {"filename": WHEEL, "url": WHEEL, "hashes": {"sha256": "a" * 64}}
    head = json.dumps({"meta": {"api-version": "1.0"}, "files": [entry]}).encode()
    body = head + b" " * (LISTING_LIMIT - len(head))
    url = http_server(lambda h: reply(h, 200, "application/vnd.pypi.simple.v1+json", body))
    assert project_files(url, "demo-pkg") == {WHEEL: "a" * 64}


def test_trickling_body_ends_at_the_deadline(http_server: Callable[[Handler], str]) -> None:
    """A body sent a byte at a time (each read within the socket timeout) ends at the deadline."""
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        stream(handler, trickle(b" " * 100))

    url = http_server(answer)
    started = time.monotonic()
    with pytest.raises(IndexQueryError) as raised:
        project_listing(url, "demo-pkg", timeout=5, deadline=1)
    assert time.monotonic() - started < 3
    assert raised.value.message == f"{url}demo-pkg/ did not answer within 1 s"
    assert "is the index running?" in raised.value.hint


def test_trickling_headers_end_at_the_deadline(http_server: Callable[[Handler], str]) -> None:
    """Headers sent a byte at a time end at the deadline too."""
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        stream(handler, trickle(b"x" * 100))

    url = http_server(answer)
    started = time.monotonic()
    with pytest.raises(IndexQueryError) as raised:
        project_listing(url, "demo-pkg", timeout=5, deadline=1)
    assert time.monotonic() - started < 3
    assert raised.value.message == f"{url}demo-pkg/ did not answer within 1 s"


def test_trickling_body_without_length_is_not_taken_as_complete(
        http_server: Callable[[Handler], str]) -> None:
    """A page without Content-Length cut at the deadline is an error, not a short listing."""
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.close_connection = True
        first = f'<a href="{WHEEL}">{WHEEL}</a>'.encode()
        stream(handler, itertools.chain([first], trickle(b" " * 100)))

    url = http_server(answer)
    with pytest.raises(IndexQueryError, match="did not answer within 1 s"):
        project_listing(url, "demo-pkg", timeout=5, deadline=1)


def test_trickling_download_ends_at_its_deadline(http_server: Callable[[Handler], str],
                                                 tmp_path: Path) -> None:
    """A release file sent a byte at a time fails at the deadline and leaves nothing behind."""
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        stream(handler, trickle(b"x" * 100))

    url = http_server(answer) + WHEEL
    file = IndexFile(WHEEL, url, None)
    started = time.monotonic()
    with pytest.raises(IndexQueryError) as raised:
        download(file, tmp_path, expected_sha256="0" * 64, size_limit=1000, timeout=1)
    assert time.monotonic() - started < 3
    assert raised.value.message == f"{url} did not answer within 1 s"
    assert list(tmp_path.iterdir()) == []


def test_unclosed_anchors_are_listed(http_server: Callable[[Handler], str]) -> None:
    """<a> tags never closed still count, each named by its URL, as pip reads them."""
    html = (f'<html><body><a href="/files/{WHEEL}#sha256={"d" * 64}">{WHEEL}<br>\n'
            f'<a href="/files/{SDIST}#sha256={"e" * 64}">{SDIST}\n</body></html>')
    url = http_server(lambda h: reply(h, 200, "text/html", html.encode()))
    listing = project_listing(url, "demo-pkg")
    assert {n: (f.url, f.sha256) for n, f in listing.items()} == {
        WHEEL: (url.replace("/simple/", f"/files/{WHEEL}"), "d" * 64),
        SDIST: (url.replace("/simple/", f"/files/{SDIST}"), "e" * 64)}


def test_escape_sequences_in_the_reason_are_shown_escaped(
        http_server: Callable[[Handler], str]) -> None:
    """A reason phrase carrying terminal escapes reaches the report escaped."""
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(503, "Busy\x1b[2J\x1b]0;pwned\x07")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    url = http_server(answer)
    with pytest.raises(IndexQueryError) as raised:
        project_listing(url, "demo-pkg")
    assert raised.value.message == (f"{url}demo-pkg/ answered HTTP 503 "
                                    "Busy\\x1b[2J\\x1b]0;pwned\\x07")
    assert "\x1b" not in raised.value.message


# upload-time (PEP 700) and the release rules of index-version.

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
JSON_TYPE = "application/vnd.pypi.simple.v1+json"


def simple_json(*files: tuple[str, str, str | None]) -> bytes:
    """A PEP 691 project page listing (filename, sha256, upload-time or None)."""
    entries = []
    for filename, digest, uploaded in files:
        entry: dict[str, object] = {"filename": filename, "url": f"/files/{filename}",
                                    "hashes": {"sha256": digest}}
        if uploaded is not None:
            entry["upload-time"] = uploaded
        entries.append(entry)
    return json.dumps({"meta": {"api-version": "1.1"}, "name": "demo-pkg",
                       "files": entries}).encode()


def iso(when: datetime) -> str:
    """An upload-time as PyPI writes it."""
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def pypi_context(project: SampleProject, index_url: str) -> Context:
    """A context whose target uploads to PyPI while reading ``index_url``, at NOW."""
    path = project.root / "pyproject.toml"
    path.write_text(path.read_text("utf-8") + "\n[tool.publish-checks.repositories.pypi-test]\n"
                    f'upload-url = "https://upload.pypi.org/legacy/"\nindex-url = "{index_url}"\n',
                    "utf-8")
    ctx = project.context("pypi-test", offline=False)
    assert ctx.target.token_host == "pypi.org"
    ctx.clock = lambda: NOW
    return ctx


def test_upload_time_is_parsed_from_json(http_server: Callable[[Handler], str]) -> None:
    """upload-time is read as UTC with or without a fraction; absent or unreadable is None."""
    body = simple_json((WHEEL, "a" * 64, "2026-02-03T04:05:06.123456Z"),
                       (SDIST, "b" * 64, "2026-02-03T04:05:06Z"),
                       ("demo_pkg-1.1.0.tar.gz", "c" * 64, None),
                       ("demo_pkg-1.0.0.tar.gz", "d" * 64, "last tuesday"))
    url = http_server(lambda h: reply(h, 200, JSON_TYPE, body))
    listing = project_listing(url, "demo-pkg")
    assert {n: f.upload_time for n, f in listing.items()} == {
        WHEEL: datetime(2026, 2, 3, 4, 5, 6, 123456, tzinfo=timezone.utc),
        SDIST: datetime(2026, 2, 3, 4, 5, 6, tzinfo=timezone.utc),
        "demo_pkg-1.1.0.tar.gz": None, "demo_pkg-1.0.0.tar.gz": None}


def test_html_gives_no_upload_time(pypiserver: PypiServer, tmp_path: Path) -> None:
    """pypiserver's PEP 503 page says nothing about upload times: None, never a guess."""
    pypiserver.add(*make_dists(tmp_path))
    listing = project_listing(pypiserver.index_url, "demo-pkg")
    assert {n: f.upload_time for n, f in listing.items()} == {WHEEL: None, SDIST: None}


@pytest.mark.parametrize("age", [timedelta(days=13), timedelta(days=14)])
def test_new_file_for_a_recent_pypi_release_passes(project: SampleProject,
                                                   http_server: Callable[[Handler], str],
                                                   age: timedelta) -> None:
    """A release first uploaded up to 14 days ago takes a new file; the summary says when."""
    wheel, _ = make_dists(project.root / "dist")
    body = simple_json((WHEEL, sha256(wheel), iso(NOW - age)),
                       ("demo_pkg-1.1.0.tar.gz", "c" * 64, iso(NOW - timedelta(days=100))))
    url = http_server(lambda h: reply(h, 200, JSON_TYPE, body))
    finding = index_version(pypi_context(project, url))
    assert (finding.status, finding.summary) == (
        Status.PASS, f"1 of 2 files already on {url}, identical: will be skipped; demo-pkg "
        f"1.2.0 is on {url} since {(NOW - age):%Y-%m-%d}, {age.days} days ago: PyPI takes new "
        "files for 14 days")


@pytest.mark.parametrize("age", [timedelta(days=14, seconds=1), timedelta(days=15)])
def test_new_file_for_a_pypi_release_older_than_14_days_fails(
        project: SampleProject, http_server: Callable[[Handler], str], age: timedelta) -> None:
    """A new file for a release first uploaded more than 14 days ago fails in PyPI's words."""
    wheel, _ = make_dists(project.root / "dist")
    body = simple_json((WHEEL, sha256(wheel), iso(NOW - age)))
    url = http_server(lambda h: reply(h, 200, JSON_TYPE, body))
    finding = index_version(pypi_context(project, url))
    assert (finding.status, finding.summary) == (
        Status.FAIL, f"demo-pkg 1.2.0 is on {url} since {(NOW - age):%Y-%m-%d}, {age.days} "
        f"days ago, so PyPI refuses its 1 new file ({SDIST}): \"Uploading new files to "
        "releases older than 14 days is not allowed.\"")
    assert finding.hint == ("a release takes new files for 14 days after its first upload: "
                            "bump the version with `nox -s bump -- patch` and rebuild with "
                            "`nox -s build`")


def test_release_age_is_its_earliest_file(project: SampleProject,
                                          http_server: Callable[[Handler], str]) -> None:
    """The release's age is that of its earliest file, of any kind, at any spelling of the
    version (1.2 is the release 1.2.0)."""
    wheel, _ = make_dists(project.root / "dist")
    body = simple_json((WHEEL, sha256(wheel), iso(NOW - timedelta(days=2))),
                       ("demo_pkg-1.2-cp312-cp312-manylinux_2_17_x86_64.whl", "f" * 64,
                        iso(NOW - timedelta(days=20))))
    url = http_server(lambda h: reply(h, 200, JSON_TYPE, body))
    finding = index_version(pypi_context(project, url))
    assert finding.status is Status.FAIL
    assert finding.summary.startswith(f"demo-pkg 1.2.0 is on {url} since 2026-02-09, 20 days ago")


def test_identical_files_of_an_old_release_will_be_skipped(
        project: SampleProject, http_server: Callable[[Handler], str]) -> None:
    """Every file already there and identical: a pass, however old the release."""
    wheel, sdist = make_dists(project.root / "dist")
    old = iso(NOW - timedelta(days=300))
    body = simple_json((WHEEL, sha256(wheel), old), (SDIST, sha256(sdist), old))
    url = http_server(lambda h: reply(h, 200, JSON_TYPE, body))
    finding = index_version(pypi_context(project, url))
    assert (finding.status, finding.summary) == (
        Status.PASS, f"2 of 2 files already on {url}, identical: will be skipped")


def test_pypi_release_without_upload_time_cannot_be_judged(
        project: SampleProject, http_server: Callable[[Handler], str]) -> None:
    """JSON without upload-time: the 14-day rule is not guessed, the warning says so."""
    wheel, _ = make_dists(project.root / "dist")
    body = simple_json((WHEEL, sha256(wheel), None))
    url = http_server(lambda h: reply(h, 200, JSON_TYPE, body))
    finding = index_version(pypi_context(project, url))
    assert (finding.status, finding.summary) == (
        Status.WARN, f"{url} gives no upload-time for {WHEEL}, so whether PyPI still takes new "
        "files for demo-pkg 1.2.0 (for 14 days after its first upload) cannot be judged")
    assert finding.hint == ("if demo-pkg 1.2.0 was first uploaded more than 14 days ago, bump "
                            "the version with `nox -s bump -- patch` and rebuild with "
                            "`nox -s build`")


def test_pypi_target_read_through_pypiserver_html(project: SampleProject,
                                                  pypiserver: PypiServer) -> None:
    """A PEP 503 page (pypiserver) has no upload-time: a warning for a release it already
    holds, a plain pass for a release it does not."""
    wheel, _ = make_dists(project.root / "dist")
    ctx = pypi_context(project, pypiserver.index_url)
    finding = index_version(ctx)
    assert (finding.status, finding.summary) == (
        Status.PASS, f"none of the 2 files is on {pypiserver.index_url} yet")
    pypiserver.add(wheel)
    assert index_version(ctx) == finding  # the listing is read once per run
    again = project.context("pypi-test", offline=False)  # the next run reads it anew
    again.clock = lambda: NOW
    finding = index_version(again)
    assert finding.status is Status.WARN
    assert finding.summary.startswith(f"{pypiserver.index_url} gives no upload-time for {WHEEL}")


def test_rules_of_old_releases_are_pypi_only(project: SampleProject,
                                             http_server: Callable[[Handler], str]) -> None:
    """Another index keeps no 14-day window: an old release there still takes new files."""
    wheel, _ = make_dists(project.root / "dist")
    body = simple_json((WHEEL, sha256(wheel), iso(NOW - timedelta(days=400))))
    url = http_server(lambda h: reply(h, 200, JSON_TYPE, body))
    ctx = project.context(url.removesuffix("simple/"), offline=False)
    ctx.clock = lambda: NOW
    finding = index_version(ctx)
    assert (finding.status, finding.summary) == (
        Status.PASS, f"1 of 2 files already on {url}, identical: will be skipped")


@pytest.mark.parametrize("existing", ["demo-pkg-1.2.0.tar.gz", "Demo.Pkg-1.2.0.zip",
                                      "demo_pkg-1.2.tar.gz"])
def test_second_sdist_fails(project: SampleProject, pypiserver: PypiServer, tmp_path: Path,
                            existing: str) -> None:
    """An sdist of the same release under another name fails in PyPI's words."""
    make_dists(project.root / "dist")
    (pypiserver.packages_dir / existing).write_bytes(b"an older sdist")
    finding = index_version(project.context(pypiserver.url, offline=False))
    assert (finding.status, finding.summary) == (
        Status.FAIL, f"{pypiserver.index_url} already has the sdist {existing} of demo-pkg "
        f"1.2.0, so {SDIST} would be a second one (PyPI: \"Only one sdist may be uploaded per "
        "release.\")")
    assert finding.hint == ("a release keeps its first sdist: bump the version with "
                            "`nox -s bump -- patch` and rebuild with `nox -s build`")


def test_sdists_of_other_releases_and_a_wheel_only_release_pass(
        project: SampleProject, pypiserver: PypiServer) -> None:
    """Sdists of other versions and other wheels of this one leave room for our sdist."""
    make_dists(project.root / "dist")
    for name in ("demo_pkg-1.1.0.tar.gz", "demo_pkg-1.2.0.post1.tar.gz",
                 "demo_pkg-1.2.0-cp312-cp312-manylinux_2_17_x86_64.whl"):
        (pypiserver.packages_dir / name).write_bytes(b"another file")
    finding = index_version(project.context(pypiserver.url, offline=False))
    assert (finding.status, finding.summary) == (
        Status.PASS, f"none of the 2 files is on {pypiserver.index_url} yet")


def test_local_only_reads_no_index_off_this_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """With PUBLISH_CHECKS_LOCAL_ONLY set (as the test suite sets it), an index off this
    machine is refused at once, naming the variable, and never connected to; unset, the
    same address is tried (and here, a black-holed TEST-NET address, times out)."""
    blackhole = "http://192.0.2.1:9/simple/"
    started = time.monotonic()
    with pytest.raises(IndexQueryError) as raised:
        project_files(blackhole, "demo-pkg", timeout=5)
    assert time.monotonic() - started < 1
    assert raised.value.message == ("192.0.2.1 was not asked: PUBLISH_CHECKS_LOCAL_ONLY is "
                                    "set, so only an index on this machine is read")
    assert raised.value.hint == "unset PUBLISH_CHECKS_LOCAL_ONLY to read 192.0.2.1"
    monkeypatch.setenv("PUBLISH_CHECKS_LOCAL_ONLY", "0")
    with pytest.raises(IndexQueryError) as raised:
        project_files(blackhole, "demo-pkg", timeout=0.5)
    assert "PUBLISH_CHECKS_LOCAL_ONLY" not in raised.value.message


# The snapshot: size, yank and metadata links as pip reads them; earlier releases.


def test_json_gives_size_yank_and_core_metadata(http_server: Callable[[Handler], str]) -> None:
    """PEP 700 size, PEP 592 yank (true or a reason) and PEP 714 core-metadata (a hash, or
    true: served without one; the older dist-info-metadata name too) are read per file."""
    entries = [
        {"filename": WHEEL, "url": f"/files/{WHEEL}#sha256={'a' * 64}", "hashes": {},
         "size": 1234, "core-metadata": {"sha256": "B" * 64}},
        {"filename": SDIST, "url": f"/files/{SDIST}", "hashes": {}, "yanked": "broken",
         "dist-info-metadata": True, "size": True},
        {"filename": "demo_pkg-1.1.0.tar.gz", "hashes": {}, "yanked": False,
         "core-metadata": False}]
    body = json.dumps({"meta": {"api-version": "1.1"}, "files": entries}).encode()
    url = http_server(lambda h: reply(h, 200, JSON_TYPE, body))
    listing = project_listing(url, "demo-pkg")
    base = url.removesuffix("simple/")
    assert [(f.size, f.yanked, f.metadata_sha256, f.metadata_url) for f in listing.values()] == [
        (1234, False, "b" * 64, f"{base}files/{WHEEL}.metadata"),
        (None, True, None, f"{base}files/{SDIST}.metadata"),
        (None, False, None, None)]


def test_html_gives_yank_and_metadata_links(http_server: Callable[[Handler], str]) -> None:
    """data-yanked (with or without a reason) and data-core-metadata / data-dist-info-metadata
    ("true" or sha256=…) are read from a PEP 503 page; it gives no size."""
    body = (f'<a href="/f/{WHEEL}#sha256={"c" * 64}" data-core-metadata="sha256={"D" * 64}">'
            f'{WHEEL}</a><a href="/f/{SDIST}" data-yanked="" data-dist-info-metadata="true">'
            f'{SDIST}</a><a href="/f/demo_pkg-1.1.0.tar.gz">demo_pkg-1.1.0.tar.gz</a>').encode()
    url = http_server(lambda h: reply(h, 200, "text/html", body))
    base = url.removesuffix("simple/")
    assert [(f.size, f.yanked, f.metadata_sha256, f.metadata_url)
            for f in project_listing(url, "demo-pkg").values()] == [
        (None, False, "d" * 64, f"{base}f/{WHEEL}.metadata"),
        (None, True, None, f"{base}f/{SDIST}.metadata"),
        (None, False, None, None)]


def listed(*names: str, yanked: tuple[str, ...] = ()) -> Snapshot:
    """A snapshot of demo-pkg listing ``names`` (``yanked`` ones yanked)."""
    return Snapshot("https://example.invalid/simple/", ("demo-pkg",), {
        n: IndexFile(n, f"https://example.invalid/{n}", None, yanked=n in yanked)
        for n in names})


def test_release_files_match_versions_canonically() -> None:
    """A release's files are found by canonical version and name (1.2 is 1.2.0); other
    projects' files and unreadable names are not among them."""
    snapshot = listed(WHEEL, SDIST, "demo_pkg-1.3.0.tar.gz", "other-1.2.0.tar.gz",
                      "demo_pkg-1.2.0.win32.exe")
    assert [f.filename for f in snapshot.release_files("1.2")] == [WHEEL, SDIST]
    assert [f.filename for f in snapshot.release_files("1.2.0", "Demo.Pkg")] == [WHEEL, SDIST]
    assert snapshot.release_files("not a version") == []


def test_earlier_version_is_the_latest_earlier_one_not_yanked() -> None:
    """The release a new one is compared with: the latest earlier version that still has a
    file not yanked; None for a first release."""
    snapshot = listed("demo_pkg-1.0.0.tar.gz", "demo_pkg-1.1.0.tar.gz",
                      "demo_pkg-1.1.0-py3-none-any.whl", "demo_pkg-1.1.5.tar.gz", SDIST,
                      yanked=("demo_pkg-1.1.0.tar.gz", "demo_pkg-1.1.5.tar.gz"))
    assert str(snapshot.earlier_version("1.2.0")) == "1.1.0"  # one of its files is not yanked
    assert str(snapshot.earlier_version("1.1.0")) == "1.0.0"
    assert snapshot.earlier_version("1.0.0") is None
    assert snapshot.earlier_version("1.0.0", "other") is None


def test_a_snapshot_names_what_the_index_does_not_have(pypiserver: PypiServer,
                                                       tmp_path: Path) -> None:
    """Each name is asked once; a 404 is a missing project, not an empty one."""
    wheel, _ = make_dists(tmp_path)
    pypiserver.add(wheel)
    snapshot = read_snapshot(pypiserver.index_url, ["Demo_Pkg", "demo-pkg", "never-uploaded"])
    assert (snapshot.names, snapshot.missing) == (("demo-pkg", "never-uploaded"),
                                                  ("never-uploaded",))
    assert snapshot.sha256s() == {WHEEL: sha256(wheel)}
    assert snapshot.taken({WHEEL: "0" * 64, SDIST: "0" * 64}) == [WHEEL]

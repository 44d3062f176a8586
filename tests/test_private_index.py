"""Private indexes that need a login to list and download files: a real pypiserver on
127.0.0.1 with ``-a list,download,update``, and small stdlib servers that record headers.

The index is read with the target's own secret (the one the upload gets), sent only to the
index's own origin; PyPI is read anonymously; the secret shows up in no message."""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from secrets import token_hex

import pytest

from publish_checks import Status
from publish_checks.checks.index import index_version
from publish_checks.dists.fetch import Login, login_for
from publish_checks.dists.index import IndexQueryError, download, project_listing
from publish_checks.release.pipeline import ChecksFailed, Flags, publish
from tests.builders import SampleProject
from tests.distbuilders import make_release
from tests.pypiserver import IndexPool, PypiServer, as_pypiserver
from tests.test_pipeline import fake, on_index, sha256

# Not token-shaped on purpose: only never passing it on, not redaction, keeps it hidden.
SECRET = "canary-" + token_hex(16)
WRONG = "canary-" + token_hex(16)
USER = "publish-checks"
WHEEL = "demo_pkg-1.2.0-py3-none-any.whl"
SDIST = "demo_pkg-1.2.0.tar.gz"


@pytest.fixture
def private_index(index_pool: IndexPool) -> PypiServer:
    """pypiserver that answers listing, downloads and uploads only with USER and SECRET."""
    return as_pypiserver(index_pool.get(password=SECRET, authenticate="list,download,update"))


def env(secret: str | None) -> dict[str, str]:
    return {"TWINE_USERNAME": USER, **({"TWINE_PASSWORD": secret} if secret else {})}


def basic(secret: str) -> str:
    return "Basic " + base64.b64encode(f"{USER}:{secret}".encode()).decode()


# index-version against an index that lists files only with a login.


def test_index_version_reads_a_private_index_with_its_own_secret(
        project: SampleProject, private_index: PypiServer) -> None:
    """With the index's own secret the listing is read: the identical wheel there is seen."""
    _, wheel = make_release(project.root / "dist")
    private_index.add(wheel)
    ctx = project.context(private_index.url, offline=False, env=env(SECRET))
    result = index_version(ctx)
    assert (result.status, result.summary) == (
        Status.PASS, f"1 of 2 files already on {private_index.index_url}, identical: will be "
        "skipped")


def test_index_version_without_a_secret_says_the_index_needs_one(
        project: SampleProject, private_index: PypiServer) -> None:
    """No secret for the index: it fails saying a login is needed and how to give one."""
    make_release(project.root / "dist")
    result = index_version(project.context(private_index.url, offline=False, env=env(None)))
    assert result.status == Status.FAIL
    assert result.summary == (f"{private_index.index_url}demo-pkg/ answered HTTP 401: "
                              "127.0.0.1 needs a login to list and download files, and none "
                              "was sent")
    assert result.hint.startswith("give 127.0.0.1 its own secret (TWINE_USERNAME and "
                                  "TWINE_PASSWORD")


def test_index_version_with_a_wrong_secret_says_it_was_refused(
        project: SampleProject, private_index: PypiServer) -> None:
    """A wrong secret: the index refused the credentials, named by where they came from only."""
    make_release(project.root / "dist")
    result = index_version(project.context(private_index.url, offline=False, env=env(WRONG)))
    assert result.status == Status.FAIL
    assert result.summary == (f"{private_index.index_url}demo-pkg/ answered HTTP 403: "
                              f"127.0.0.1 refused the credentials (user {USER}, the secret "
                              "from TWINE_PASSWORD from the environment)")
    assert "check the username" in result.hint
    assert WRONG not in result.summary + result.hint


def test_a_pypi_token_is_not_sent_to_a_private_index(
        project: SampleProject, private_index: PypiServer) -> None:
    """PYPI_API_KEY never reads a private index: nothing is sent, and the listing is refused."""
    make_release(project.root / "dist")
    ctx = project.context(private_index.url, offline=False, env={"PYPI_API_KEY": SECRET})
    assert ctx.index_login is None
    result = index_version(ctx)
    assert (result.status, result.summary.endswith("and none was sent")) == (Status.FAIL, True)


def test_pypi_is_read_anonymously_and_a_private_index_with_its_secret(
        project: SampleProject) -> None:
    """PyPI's simple pages are public: no login even with a secret; a private one gets one."""
    assert project.context("pypi", env={"TWINE_PASSWORD": SECRET}).index_login is None
    assert project.context("testpypi", env={"TWINE_PASSWORD": SECRET}).index_login is None
    login = project.context("https://pkgs.example.org/", env=env(SECRET)).index_login
    assert login is not None
    assert (login.origin, login.username, login.password) == (
        ("https", "pkgs.example.org", 443), USER, SECRET)
    assert SECRET not in repr(login)


def test_a_login_goes_over_https_or_to_this_machine_only() -> None:
    """Plain http:// to another machine gets no login; https:// and loopback http:// do."""
    assert login_for("http://pkgs.example.org/simple/", USER, SECRET, "x") is None
    assert login_for("https://pkgs.example.org/simple/", USER, SECRET, "x") is not None
    assert login_for("http://127.0.0.1:8080/simple/", USER, SECRET, "x") is not None


# The whole publish: plan, upload, the wait and the downloads of the install proof.


def test_publish_to_a_private_index_reads_it_with_its_own_secret(
        project: SampleProject, private_index: PypiServer, tmp_path: Path) -> None:
    """Plan, upload, wait and download all go through the authenticated index; the secret
    reaches twine only through its environment and shows up in no log or output."""
    sdist, wheel = make_release(project.root / "dist")
    runner = fake(tmp_path, private_index)
    ctx = project.context(private_index.url, offline=False, env=env(SECRET))
    outcome = publish(runner, ctx, Flags(yes=True))
    assert on_index(private_index) == {WHEEL: sha256(wheel), SDIST: sha256(sdist)}
    assert (outcome.uploaded, outcome.served) == ((WHEEL, SDIST), True)
    [upload] = runner.of_kind("upload")
    assert (upload.env["TWINE_USERNAME"], upload.env["TWINE_PASSWORD"]) == (USER, SECRET)
    assert any("Smoke test passed" in line for line in runner.logs)
    output = "\n".join([*runner.logs, *runner.shown,
                        *(str(r.as_dict()) for r, _, _ in runner.reports)])
    assert SECRET not in output


def test_publish_to_a_private_index_without_its_secret_stops_at_the_plan(
        project: SampleProject, private_index: PypiServer, tmp_path: Path) -> None:
    """Without a secret the plan cannot read the index, so index-version fails even when
    skipped (the plan needs the answer): nothing is uploaded."""
    make_release(project.root / "dist")
    runner = fake(tmp_path, private_index)
    ctx = project.context(private_index.url, offline=False, env=env(None))
    with pytest.raises(ChecksFailed):
        publish(runner, ctx, Flags(yes=True, skip=("index-version",)))
    ((report, _, _),) = runner.reports
    result = report.get("index-version")
    assert result.status is Status.FAIL
    assert "needs a login to list and download files" in result.summary
    assert (on_index(private_index), runner.of_kind("upload")) == ({}, [])


# Where the Authorization header goes: its own origin only, never across to another host.


class Recorder:
    """A stdlib server on 127.0.0.1 (or "localhost", another host) that records each
    request's path and Authorization header, and answers with ``answer``."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.seen: list[tuple[str, str | None]] = []
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                recorder.seen.append((self.path, self.headers.get("Authorization")))
                status, headers, body = recorder.routes.get(self.path, (404, {}, b""))
                self.send_response(status)
                for name, value in {"Content-Length": str(len(body)), **headers}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://{host}:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorders() -> Iterator[tuple[Recorder, Recorder]]:
    """The index on 127.0.0.1 and another host (localhost, its own port)."""
    index, other = Recorder(), Recorder("localhost")
    yield index, other
    index.close()
    other.close()


def page(*hrefs: str) -> tuple[int, dict[str, str], bytes]:
    body = "".join(f'<a href="{h}">{h.rsplit("/", 1)[-1].split("#")[0]}</a>' for h in hrefs)
    return 200, {"Content-Type": "text/html"}, body.encode()


def login_of(recorder: Recorder) -> Login:
    login = login_for(recorder.base + "/simple/", USER, SECRET, "TWINE_PASSWORD")
    assert login is not None
    return login


def test_a_redirect_to_another_host_carries_no_authorization(
        recorders: tuple[Recorder, Recorder]) -> None:
    """The index gets the login; a redirect to another host is not followed, so that host
    never sees it; a redirect on the same origin keeps it."""
    index, other = recorders
    index.routes["/simple/away/"] = (302, {"Location": f"{other.base}/simple/away/"}, b"")
    index.routes["/simple/moved/"] = (302, {"Location": "/simple/demo-pkg/"}, b"")
    index.routes["/simple/demo-pkg/"] = page("/files/" + WHEEL)
    assert project_listing(index.base + "/simple/", "away", login=login_of(index)) == {}
    listed = project_listing(index.base + "/simple/", "moved", login=login_of(index))
    assert list(listed) == [WHEEL]
    assert other.seen == []
    assert index.seen == [("/simple/away/", basic(SECRET)), ("/simple/moved/", basic(SECRET)),
                          ("/simple/demo-pkg/", basic(SECRET))]


def test_a_file_on_another_host_is_downloaded_without_the_login(
        recorders: tuple[Recorder, Recorder], tmp_path: Path) -> None:
    """A file the page places on another host is fetched anonymously; one on the index's
    own origin gets the login."""
    index, other = recorders
    data = b"wheel bytes"
    digest = hashlib.sha256(data).hexdigest()
    index.routes["/simple/demo-pkg/"] = page(f"{other.base}/files/{WHEEL}",
                                             f"/files/{SDIST}")
    other.routes[f"/files/{WHEEL}"] = index.routes[f"/files/{SDIST}"] = (200, {}, data)
    listed = project_listing(index.base + "/simple/", "demo-pkg", login=login_of(index))
    for name in (WHEEL, SDIST):
        download(listed[name], tmp_path, expected_sha256=digest, size_limit=100,
                 login=login_of(index))
    assert other.seen == [(f"/files/{WHEEL}", None)]
    assert index.seen[-1] == (f"/files/{SDIST}", basic(SECRET))


def test_a_refused_download_names_the_index_not_the_secret(
        recorders: tuple[Recorder, Recorder], tmp_path: Path) -> None:
    """A 403 on a download says the credentials were refused; the secret is not in it."""
    index, _ = recorders
    index.routes["/simple/demo-pkg/"] = page(f"/files/{WHEEL}")
    index.routes[f"/files/{WHEEL}"] = (403, {}, b"")
    listed = project_listing(index.base + "/simple/", "demo-pkg", login=login_of(index))
    with pytest.raises(IndexQueryError) as caught:
        download(listed[WHEEL], tmp_path, expected_sha256="0" * 64, size_limit=100,
                 login=login_of(index))
    text = f"{caught.value.message} {caught.value.hint} {caught.value!r}"
    assert caught.value.message == (f"{index.base}/files/{WHEEL} answered HTTP 403: 127.0.0.1 "
                                    f"refused the credentials (user {USER}, the secret from "
                                    "TWINE_PASSWORD)")
    assert SECRET not in text
    assert list(tmp_path.iterdir()) == []

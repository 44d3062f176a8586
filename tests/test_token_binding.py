"""A token goes only where it belongs (SPEC §3): which secret reaches which index.

A real index on 127.0.0.1, written here, takes every upload and records the Authorization
header it came with. Publishes reach it through the release pipeline: with test_pipeline's
fake tools and a twine step that really uploads over HTTP (fast, parametrized over every
source of a secret and every way of naming the target), and through real nox and twine (e2e,
two tests). Tokens are real macaroons (tests/tokens.py).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import threading
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from secrets import token_hex

import pytest

from publish_checks._errors import ConfigError, ReleaseError, UsageError
from publish_checks.checks.report import Status
from publish_checks.checks.token import token_scope
from publish_checks.frontend.cli import main
from publish_checks.project.credentials import Token
from publish_checks.release.pipeline import ChecksFailed, Flags, publish
from publish_checks.release.plan import make_plan
from publish_checks.release.process import Completed
from publish_checks.release.uploaders.twine import NULL_KEYRING
from tests.builders import SampleProject
from tests.distbuilders import default_files, make_sdist, make_wheel
from tests.e2e import SampleBuild, run_nox
from tests.pypiserver import PypiServer
from tests.test_pipeline import FakeRunner
from tests.tokens import make_token
from tests.uploads import twine_env

WHEEL = "demo_pkg-1.2.0-py3-none-any.whl"
SDIST = "demo_pkg-1.2.0.tar.gz"
DEMO = [1, ["demo-pkg"]]  # a caveat scoping a token to the sample project
MAX_UPLOAD = 8 * 1024 * 1024  # bytes per request: far more than the sample's files weigh
MAX_FILES = 64  # the index keeps no more: a runaway client cannot fill the memory


# --- The recording index --------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    """One upload as the index saw it."""

    authorization: str | None
    filename: str

    @property
    def credentials(self) -> tuple[str, str] | None:
        """(user, password) of an HTTP basic Authorization header, or None."""
        scheme, _, encoded = (self.authorization or "").partition(" ")
        if scheme != "Basic":
            return None
        try:
            user, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return user, password


@dataclass
class RecordingIndex:
    """What the index was sent; it serves the files back as a PEP 503 simple page."""

    url: str
    received: list[Received] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def index_url(self) -> str:
        return f"{self.url}simple/"

    def url_with(self, userinfo: str) -> str:
        """The upload URL with ``user:password@`` written into it."""
        return self.url.replace("http://", f"http://{userinfo}@")


def _form_file(content_type: str, body: bytes) -> tuple[str, bytes]:
    """The ``content`` field of a multipart form (its filename and bytes), as twine sends
    it; ('', b'') when there is none."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if match is None:
        return "", b""
    for part in body.split(b"--" + match.group(1).encode()):
        head, _, data = part.partition(b"\r\n\r\n")
        if b'name="content"' in head:
            name = re.search(rb'filename="([^"]*)"', head)
            return (name.group(1).decode() if name else ""), data.removesuffix(b"\r\n")
    return "", b""


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = 10  # seconds per read: a stalled client cannot hold a thread for ever

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: pytest shows what a test asserts, not an access log."""

    def _answer(self, status: int, body: bytes = b"", content_type: str = "text/plain") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        """Every upload is accepted: its Authorization header is what the tests look at."""
        declared = self.headers.get("Content-Length", "")
        if not declared.isdigit() or int(declared) > MAX_UPLOAD:
            self._answer(413, b"too large or no Content-Length")
            return
        body = self.rfile.read(int(declared))
        filename, data = _form_file(self.headers.get("Content-Type", ""), body)
        index = self.server.index
        with index.lock:
            index.received.append(Received(self.headers.get("Authorization"), filename))
            if filename and len(index.files) < MAX_FILES:
                index.files[filename] = data
        self._answer(200, b"OK")

    def do_GET(self) -> None:
        index = self.server.index
        with index.lock:
            files = dict(index.files)
        if self.path.startswith("/simple/") and files:
            links = "".join(f'<a href="/files/{name}#sha256={hashlib.sha256(data).hexdigest()}">'
                            f"{name}</a><br>\n" for name, data in sorted(files.items()))
            self._answer(200, f"<!DOCTYPE html><html><body>\n{links}</body></html>\n".encode(),
                         "text/html")
        elif self.path.startswith("/files/") and self.path[len("/files/"):] in files:
            self._answer(200, files[self.path[len("/files/"):]], "application/octet-stream")
        else:
            self._answer(404, b"not found")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    index: RecordingIndex


@contextmanager
def recording_index() -> Iterator[RecordingIndex]:
    """The index, serving on a free port of 127.0.0.1 until the block ends."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.index = RecordingIndex(f"http://127.0.0.1:{server.server_address[1]}/")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield server.index
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def index() -> Iterator[RecordingIndex]:
    with recording_index() as server:
        yield server


# --- A twine step that really uploads --------------------------------------------------------


def multipart(fields: Sequence[tuple[str, str]], path: Path) -> tuple[str, bytes]:
    boundary = token_hex(16)
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
             .encode() for name, value in fields]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="content"; '
                 f'filename="{path.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                 .encode() + path.read_bytes() + b"\r\n")
    return f"multipart/form-data; boundary={boundary}", b"".join(parts) + \
        f"--{boundary}--\r\n".encode()


class WireRunner(FakeRunner):
    """test_pipeline's fake tools, but twine's step is a real upload, made as twine makes it:
    each file POSTed as a multipart form to --repository-url with HTTP basic auth from the
    TWINE_USERNAME/TWINE_PASSWORD the pipeline put in its environment. Without a password it
    sends nothing and fails, as twine does when it must not prompt and its keyring is empty."""

    def _upload(self, files: Sequence[Path]) -> Completed:
        call = self.calls[-1]  # FakeRunner records the twine call before running it
        url = call.argv[call.argv.index("--repository-url") + 1]
        password = call.env.get("TWINE_PASSWORD", "")
        if not password:
            return Completed(1, "Credential not found for password.\n")
        user = call.env.get("TWINE_USERNAME", "")
        auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        for path in files:
            content_type, body = multipart(
                [(":action", "file_upload"), ("name", "demo-pkg"), ("version", "1.2.0")], path)
            request = urllib.request.Request(url, data=body, method="POST", headers={  # noqa: S310
                "Content-Type": content_type, "Authorization": auth})
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                response.read()
        return Completed(0, "".join(f"Uploading {p.name}\n" for p in files))


def wire(tmp_path: Path, index: RecordingIndex) -> WireRunner:
    stand_in = PypiServer(index.url, index.index_url, "", "", tmp_path / "unused")
    return WireRunner(tmp_path / "tools" / "bin", stand_in)


# --- The project and its secrets -----------------------------------------------------------


PRIVATE = "PRIVATE_INDEX_PASSWORD"  # the token-variable declared for the private index


def declared(url: str) -> str:
    """[tool.publish-checks.repositories.private] for the index at ``url``."""
    return (f'\n[tool.publish-checks.repositories.private]\nupload-url = "{url}"\n'
            f'username = "ci-bot"\ntoken-variable = "{PRIVATE}"\n')


def write_pypirc(text: str) -> None:
    """~/.pypirc in the test's HOME (conftest points HOME at a folder not yet made)."""
    home = Path(os.environ["HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / ".pypirc").write_text(text, encoding="utf-8")


def sample(tmp_path: Path, config: str = "") -> SampleProject:
    """The sample project with ``config`` in its pyproject.toml, committed, and its release
    in dist/ (an sdist holding that very pyproject.toml, as a build would)."""
    project = SampleProject.create(tmp_path / "demo", extra_config=config)
    project.commit("initial")
    pyproject = (project.root / "pyproject.toml").read_text("utf-8")
    make_sdist(project.root / "dist", files={**default_files(), "pyproject.toml": pyproject})
    make_wheel(project.root / "dist")
    return project


def env_file(project: SampleProject, text: str) -> None:
    path = project.write(".env.local", text)
    path.chmod(0o600)


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


# --- A private index receives exactly its own secret -----------------------------------------


@dataclass(frozen=True)
class Setup:
    """How a case names the target and where its secret is: what publish is given."""

    repository: str | None
    env: dict[str, str]
    config: str  # for pyproject.toml
    user: str  # whom the index must see


# Where the private index's own secret is: (secret, index) → (its URL, the environment,
# pyproject.toml's extra configuration, the user the index must see). The .pypirc password
# is arranged apart: it needs the section to name the target.
Source = Callable[[str, RecordingIndex], tuple[str, dict[str, str], str, str]]
SOURCES: dict[str, Source] = {
    "credentials file": lambda own, index: (index.url, {}, declared(index.url), "ci-bot"),
    "environment variable": lambda own, index: (
        index.url, {PRIVATE: own}, declared(index.url), "ci-bot"),
    "TWINE_PASSWORD": lambda own, index: (
        index.url, {"TWINE_PASSWORD": own, "TWINE_USERNAME": "carol"}, "", "carol"),
    "URL password": lambda own, index: (index.url_with(f"alice:{own}"), {}, "", "alice"),
}
NAMINGS = ("--repository", "pyproject repository", "TWINE_REPOSITORY_URL",
           ".pypirc section via --repository", ".pypirc section via TWINE_REPOSITORY")


def arrange(source: str, naming: str, own: str, index: RecordingIndex) -> Setup:
    """The case's target and secret; PyPI tokens lie about too (environment and .env.local),
    and must stay where they are."""
    env = {"PYPI_API_KEY": make_token(caveats=[DEMO]),
           "TEST_PYPI_API_KEY": make_token("test.pypi.org", caveats=[DEMO])}
    extra: dict[str, str] = {}
    if source == ".pypirc password":
        write_pypirc(f"[corp]\nrepository = {index.url}\nusername = bob\npassword = {own}\n")
        target, config, user = "corp", "", "bob"
    else:
        target, extra, config, user = SOURCES[source](own, index)
        if naming.startswith(".pypirc"):  # the section names the URL (password and all)
            write_pypirc(f"[corp]\nrepository = {target}\n")
            target = "corp"
    env.update(extra)
    if naming in ("--repository", ".pypirc section via --repository"):
        return Setup(target, env, config, user)
    if naming == "pyproject repository":
        return Setup(None, env, f'\n[tool.publish-checks]\nrepository = "{target}"\n{config}',
                     user)
    variable = "TWINE_REPOSITORY" if naming.endswith("TWINE_REPOSITORY") else naming
    return Setup(None, {**env, variable: target}, config, user)


# A password written into pyproject.toml ships in the sdist: see the test after this one.
CASES = [(source, naming) for source in SOURCES for naming in NAMINGS
         if (source, naming) != ("URL password", "pyproject repository")] + [
    (".pypirc password", naming) for naming in NAMINGS
    if ".pypirc" in naming or naming == "pyproject repository"]


@pytest.mark.parametrize(("source", "naming"), CASES)
def test_a_private_index_receives_exactly_its_own_secret(
        tmp_path: Path, index: RecordingIndex, source: str, naming: str) -> None:
    """Whatever holds the private index's own secret and however the index is named, each
    upload carries that secret and its user, and no PyPI token lying about."""
    own = "own-index-secret-" + token_hex(8)
    setup = arrange(source, naming, own, index)
    project = sample(tmp_path, setup.config)
    env_file(project, f"PYPI_API_KEY={make_token(caveats=[DEMO])}\n"
             + (f"{PRIVATE}={own}\n" if source == "credentials file" else ""))
    ctx = project.context(setup.repository, offline=False, env=setup.env)
    outcome = publish(wire(tmp_path, index), ctx, Flags(yes=True))
    assert outcome.uploaded == (WHEEL, SDIST) and outcome.served
    assert index.received == [Received(basic(setup.user, own), WHEEL),
                              Received(basic(setup.user, own), SDIST)]


def test_a_password_written_into_pyproject_is_caught_in_the_sdist(
        tmp_path: Path, index: RecordingIndex) -> None:
    """repository = "http://user:password@…" in pyproject.toml works as a source, but the
    sdist carries pyproject.toml: dists-secrets stops the publish and nothing is sent."""
    own = "own-index-secret-" + token_hex(8)
    setup = arrange("URL password", "pyproject repository", own, index)
    project = sample(tmp_path, setup.config)
    ctx = project.context(setup.repository, offline=False, env=setup.env)
    assert ctx.token_lookup.token == Token(own, "the password", "the repository URL")
    runner = wire(tmp_path, index)
    with pytest.raises(ChecksFailed):
        publish(runner, ctx, Flags(yes=True))
    ((report, _, _),) = runner.reports
    # The committed pyproject.toml also puts it in git history (credentials-file-untracked).
    assert [r.id for r in report.checks if r.status is Status.FAIL] == [
        "credentials-file-untracked", "dists-secrets"]
    leaked = report.get("credentials-file-untracked").summary
    assert leaked.startswith("the secret for 127.0.0.1 is in git history: commit ")
    assert leaked.endswith(" holds it in pyproject.toml")
    assert own not in report.get("dists-secrets").summary
    assert index.received == []


# --- No pairing sends a pypi- token to a host its macaroon does not name ---------------------


def pypi_token_source(where: str, token: str, index: RecordingIndex,
                      project: SampleProject) -> tuple[str, dict[str, str]]:
    """(the repository to name, the environment) that put ``token`` where ``where`` says,
    with the recording index as the target."""
    if where == ".env.local PYPI_API_KEY":
        env_file(project, f"PYPI_API_KEY={token}\n")
        return index.url, {}
    if where in ("PYPI_API_KEY", "TEST_PYPI_API_KEY", "TWINE_PASSWORD"):
        return index.url, {where: token}
    if where == "URL password":
        return index.url_with(f"__token__:{token}"), {}
    assert where == ".pypirc password"
    write_pypirc(f"[corp]\nrepository = {index.url}\nusername = __token__\npassword = {token}\n")
    return "corp", {}


TOKEN_SOURCES = (".env.local PYPI_API_KEY", "PYPI_API_KEY", "TEST_PYPI_API_KEY",
                 "TWINE_PASSWORD", "URL password", ".pypirc password")


@pytest.mark.parametrize("location", ["pypi.org", "test.pypi.org", "127.0.0.2"])
@pytest.mark.parametrize("where", TOKEN_SOURCES)
def test_a_pypi_token_for_another_host_never_reaches_the_index(
        tmp_path: Path, index: RecordingIndex, where: str, location: str) -> None:
    """A pypi- token made for another index fails token-scope, naming both hosts, and no
    upload reaches the index: twine never runs."""
    token = make_token(location, caveats=[DEMO])
    project = sample(tmp_path)
    repository, env = pypi_token_source(where, token, index, project)
    runner = wire(tmp_path, index)
    with pytest.raises(ChecksFailed):
        publish(runner, project.context(repository, offline=False, env=env), Flags(yes=True))
    ((report, _, _),) = runner.reports
    result = report.get("token-scope")
    assert result.status is Status.FAIL
    assert location in result.summary and "127.0.0.1" in result.summary
    assert token not in result.summary + result.hint
    assert index.received == [] and runner.of_kind("upload") == []


@pytest.mark.parametrize("where", ["TWINE_PASSWORD", "URL password", ".pypirc password"])
def test_the_upload_itself_refuses_a_token_for_another_host(
        tmp_path: Path, index: RecordingIndex, where: str) -> None:
    """With token-scope skipped, a pypi.org token aimed at 127.0.0.1 still fails it (the
    upload step refuses it whatever is skipped, so verify says so too): twine never runs
    and the index receives nothing."""
    token = make_token(caveats=[DEMO])
    project = sample(tmp_path)
    repository, env = pypi_token_source(where, token, index, project)
    runner = wire(tmp_path, index)
    with pytest.raises(ChecksFailed):
        publish(runner, project.context(repository, offline=False, env=env),
                Flags(yes=True, skip=("token-scope",)))
    ((report, _, _),) = runner.reports
    result = report.get("token-scope")
    assert result.status is Status.FAIL
    assert result.summary.startswith("this token is for pypi.org but the target is 127.0.0.1 (")
    assert result.summary.endswith(
        "): a pypi- token is sent only to the index it was made for (skipped, but publish "
        "refuses this whatever is skipped)")
    assert token not in result.summary + result.hint
    assert runner.of_kind("upload") == [] and index.received == []


def test_with_token_scope_skipped_pypis_variables_still_stay_home(
        tmp_path: Path, index: RecordingIndex) -> None:
    """The reported attack (the pypi.org token in .env.local, the target a server on
    127.0.0.1) with token-scope skipped still gives twine no password at all."""
    token = make_token(caveats=[DEMO])
    project = sample(tmp_path)
    env_file(project, f"PYPI_API_KEY={token}\n")
    runner = wire(tmp_path, index)
    with pytest.raises(ReleaseError):
        publish(runner, project.context(index.url, offline=False, env={"PYPI_API_KEY": token}),
                Flags(yes=True, skip=("token-scope",)))
    (upload,) = runner.of_kind("upload")
    assert not any(token in value for value in upload.env.values())
    assert "TWINE_PASSWORD" not in upload.env and index.received == []


@pytest.mark.parametrize(("repository", "location", "variable", "sent"), [
    ("pypi", "pypi.org", "PYPI_API_KEY", True),
    ("pypi", "test.pypi.org", "PYPI_API_KEY", False),
    ("testpypi", "test.pypi.org", "TEST_PYPI_API_KEY", True),
    ("testpypi", "pypi.org", "TEST_PYPI_API_KEY", False),
    ("https://upload.pypi.org/legacy/", "pypi.org", "PYPI_API_KEY", True),
    ("https://upload.pypi.org/legacy/", "test.pypi.org", "PYPI_API_KEY", False),
    ("https://test.pypi.org/legacy/", "pypi.org", "TEST_PYPI_API_KEY", False),
    ("https://pypi.example.com/legacy/", "pypi.org", "TWINE_PASSWORD", False),
    ("https://pypi.example.com/legacy/", "test.pypi.org", "TWINE_PASSWORD", False),
    ("https://pypi.example.com/legacy/", "pypi.example.com", "TWINE_PASSWORD", True),
    ("https://upload.pypi.example.com/legacy/", "pypi.example.com", "TWINE_PASSWORD", True),
    ("https://pypi.example.com/legacy/", "example.com", "TWINE_PASSWORD", False),
    ("https://pypi.example.com/legacy/", "", "TWINE_PASSWORD", False),
])
def test_twine_gets_a_pypi_token_only_for_the_index_it_names(
        tmp_path: Path, repository: str, location: str, variable: str, sent: bool) -> None:
    """pypi.org → upload.pypi.org, test.pypi.org → test.pypi.org, another index → its own
    host: any other pairing fails token-scope naming both hosts and twine_env refuses it."""
    token = make_token(location, caveats=[DEMO])
    project = sample(tmp_path)
    ctx = project.context(repository, env={variable: token})
    finding = token_scope(ctx)
    if sent:
        assert finding.status is not Status.FAIL, finding
        assert twine_env(ctx)["TWINE_PASSWORD"] == token
        return
    host = ctx.target.token_host or ctx.target.host
    assert finding.status is Status.FAIL
    assert finding.summary.startswith(f"this token is for {location or 'no location'} but the "
                                      f"target is {host}")
    with pytest.raises(ReleaseError) as raised:
        twine_env(ctx)
    assert raised.value.message == f"not uploading: {finding.summary}; nothing was sent"


@pytest.mark.parametrize("naming", ["--repository", "pyproject repository", ".pypirc section",
                                    "TWINE_REPOSITORY_URL"])
@pytest.mark.parametrize(("where", "summary"), [
    ("PYPI_API_KEY", "PYPI_API_KEY from the environment is for pypi.org"),
    ("TEST_PYPI_API_KEY", "TEST_PYPI_API_KEY from the environment is for test.pypi.org"),
    (".env.local", "PYPI_API_KEY from .env.local is for pypi.org"),
    ("configured token-variable", "RELEASE_TOKEN from the environment is for pypi.org"),
    ("not a token", "PYPI_API_KEY from the environment is for pypi.org"),
])
def test_a_private_index_never_gets_pypis_variables(
        tmp_path: Path, naming: str, where: str, summary: str) -> None:
    """PYPI_API_KEY, TEST_PYPI_API_KEY, the configured token-variable and the credentials
    file's PyPI token are no secret of a private index, however it is named: token-scope
    fails naming both hosts, and twine gets no password."""
    url = "https://pypi.example.com/legacy/"
    config = '\n[tool.publish-checks]\ntoken-variable = "RELEASE_TOKEN"\n' if (
        where == "configured token-variable") else ""
    repository: str | None = url
    env: dict[str, str] = {}
    if naming == "pyproject repository":
        config = (config or "\n[tool.publish-checks]\n") + f'repository = "{url}"\n'
        repository = None
    elif naming == ".pypirc section":
        write_pypirc(f"[corp]\nrepository = {url}\n")
        repository = "corp"
    elif naming == "TWINE_REPOSITORY_URL":
        env["TWINE_REPOSITORY_URL"], repository = url, None
    project = sample(tmp_path, config)
    value = "canary-" + token_hex(16) if where == "not a token" else make_token(
        "test.pypi.org" if where == "TEST_PYPI_API_KEY" else "pypi.org", caveats=[DEMO])
    if where == ".env.local":
        env_file(project, f"PYPI_API_KEY={value}\n")
    else:
        env[{"configured token-variable": "RELEASE_TOKEN",
             "not a token": "PYPI_API_KEY"}.get(where, where)] = value
    ctx = project.context(repository, env=env)
    assert ctx.target.host == "pypi.example.com" and ctx.token_lookup.token is None
    finding = token_scope(ctx)
    assert finding.status is Status.FAIL
    assert finding.summary == (f"{summary}, and the target is pypi.example.com: it is never "
                               "sent there, and pypi.example.com has no secret of its own")
    assert finding.hint.startswith("give pypi.example.com its own secret: TWINE_PASSWORD, ")
    assert twine_env(ctx) == {"TWINE_NON_INTERACTIVE": "1"}


def test_a_private_index_declared_with_pypis_variable_is_refused(tmp_path: Path) -> None:
    """token-variable = "PYPI_API_KEY" for a private index is refused by name, whatever the
    variable holds: it is PyPI's."""
    project = sample(tmp_path, declared("https://pypi.example.com/legacy/")
                     .replace(PRIVATE, "PYPI_API_KEY"))
    ctx = project.context("private", env={"PYPI_API_KEY": "canary-" + token_hex(16)})
    finding = token_scope(ctx)
    assert finding.status is Status.FAIL
    assert finding.summary == ("PYPI_API_KEY from the environment is the variable of pypi.org "
                               "tokens, and the target is pypi.example.com: it is never sent "
                               "there")
    with pytest.raises(ReleaseError):
        twine_env(ctx)


def test_a_pypi_looking_secret_that_does_not_decode_stays_home(tmp_path: Path) -> None:
    """A private index's secret that starts with pypi- but does not decode cannot show which
    index it is for: it is not sent."""
    project = sample(tmp_path)
    broken = make_token()[:-6]
    ctx = project.context("https://pypi.example.com/legacy/", env={"TWINE_PASSWORD": broken})
    finding = token_scope(ctx)
    assert finding.status is Status.FAIL
    assert finding.summary == ("TWINE_PASSWORD from the environment starts with pypi- but does "
                               "not decode, so the index it was made for is unknown: it is not "
                               "sent to pypi.example.com")
    with pytest.raises(ReleaseError):
        twine_env(ctx)


# --- Plain http:// only on this machine ------------------------------------------------------


@pytest.mark.parametrize(("url", "refused"), [
    ("http://127.0.0.1:8080/", False),
    ("http://127.9.8.7/legacy/", False),
    ("http://[::1]:8080/", False),
    ("http://localhost:8080/", False),
    ("https://pypi.example.com/legacy/", False),
    ("http://pypi.example.com/legacy/", True),
    ("HTTP://pypi.example.com/legacy/", True),
    ("http://10.0.0.5:8080/", True),
    ("http://[::2]/", True),
    ("http://localhost.example.com/", True),
    ("http://128.0.0.1/", True),
])
def test_plain_http_uploads_are_refused_except_on_loopback(
        tmp_path: Path, url: str, refused: bool) -> None:
    """An http:// upload URL beyond this machine fails token-scope with the https:// fix, and
    the upload itself refuses it, whatever the secret."""
    project = sample(tmp_path)
    ctx = project.context(url, env={"TWINE_PASSWORD": "own-password"})
    finding = token_scope(ctx)
    if not refused:
        assert finding.status is Status.SKIP, finding
        assert twine_env(ctx)["TWINE_PASSWORD"] == "own-password"
        return
    upload = ctx.target.upload_url or ""
    assert finding.status is Status.FAIL
    assert finding.summary == (f"{upload} is plain http:// to another machine: the password and "
                               "the files would cross the network unencrypted")
    assert finding.hint == (f"use https{upload[4:]} (plain http:// is only for this machine: "
                            "127.0.0.1, ::1, localhost)")
    with pytest.raises(ReleaseError):
        twine_env(ctx)


# --- twine's conventions as sources ------------------------------------------------------------


@pytest.mark.parametrize(("sources", "winner"), [
    (("PYPI_API_KEY", "TWINE_PASSWORD", ".env.local", ".pypirc"), "PYPI_API_KEY"),
    (("TWINE_PASSWORD", ".env.local", ".pypirc"), "TWINE_PASSWORD"),
    ((".env.local", ".pypirc"), ".env.local"),
    ((".pypirc",), ".pypirc"),
])
def test_twine_password_ranks_after_the_token_variable_and_before_the_credentials_file(
        tmp_path: Path, sources: tuple[str, ...], winner: str) -> None:
    """First match wins: the token variable → TWINE_PASSWORD → the credentials file →
    ~/.pypirc; credentials-source names the winner, its length and fingerprint, never it."""
    project = sample(tmp_path)
    tokens = {source: make_token(caveats=[DEMO]) for source in sources}
    env: dict[str, str] = {name: tokens[name] for name in ("PYPI_API_KEY", "TWINE_PASSWORD")
                           if name in tokens}
    if ".env.local" in tokens:
        env_file(project, f"PYPI_API_KEY={tokens['.env.local']}\n")
    if ".pypirc" in tokens:
        write_pypirc(f"[pypi]\nusername = __token__\npassword = {tokens['.pypirc']}\n")
    ctx = project.context("pypi", env=env)
    token = tokens[winner]
    described = {"PYPI_API_KEY": "PYPI_API_KEY from the environment",
                 "TWINE_PASSWORD": "TWINE_PASSWORD from the environment",
                 ".env.local": "PYPI_API_KEY from .env.local",
                 ".pypirc": f"the password from [pypi] in {Path(os.environ['HOME'])}/.pypirc"}
    fingerprint = hashlib.sha256(token.encode()).hexdigest()[:8]
    report = project.verify("pypi", env=env)
    assert report.get("credentials-source").summary == (
        f"token: {described[winner]} ({len(token)} characters, fingerprint {fingerprint})")
    assert all(token not in r.summary + r.hint for r in report.checks)
    assert twine_env(ctx)["TWINE_PASSWORD"] == token


def test_twine_username_goes_with_twine_password(tmp_path: Path) -> None:
    """TWINE_USERNAME is the user of TWINE_PASSWORD; a token variable's user stays
    __token__ whatever TWINE_USERNAME says."""
    project = sample(tmp_path)
    url = "https://pypi.example.com/legacy/"
    env = {"TWINE_USERNAME": "carol", "TWINE_PASSWORD": "carols-password"}
    assert twine_env(project.context(url, env=env)) == {
        "TWINE_NON_INTERACTIVE": "1", "TWINE_USERNAME": "carol",
        "TWINE_PASSWORD": "carols-password", "PYTHON_KEYRING_BACKEND": NULL_KEYRING}
    token = make_token(caveats=[DEMO])
    assert twine_env(project.context("pypi", env={**env, "PYPI_API_KEY": token}))[
        "TWINE_USERNAME"] == "__token__"


@pytest.mark.parametrize(("repository", "config", "env", "target"), [
    (None, "", {"TWINE_REPOSITORY_URL": "https://pypi.example.com/legacy"},
     "https://pypi.example.com/legacy/"),
    (None, "", {"TWINE_REPOSITORY": "corp"}, "corp"),
    (None, "", {"TWINE_REPOSITORY": "testpypi"}, "testpypi"),
    (None, "", {"TWINE_REPOSITORY": "corp",
                "TWINE_REPOSITORY_URL": "https://pypi.example.com/legacy/"},
     "https://pypi.example.com/legacy/"),
    ("testpypi", "", {"TWINE_REPOSITORY_URL": "https://pypi.example.com/legacy/"}, "testpypi"),
    (None, 'repository = "testpypi"\n', {"TWINE_REPOSITORY": "corp"}, "testpypi"),
    (None, "", {}, "pypi"),
])
def test_twines_repository_variables_name_the_target_when_nothing_else_does(
        tmp_path: Path, repository: str | None, config: str, env: dict[str, str],
        target: str) -> None:
    """--repository, then [tool.publish-checks] repository, then TWINE_REPOSITORY_URL, then
    TWINE_REPOSITORY (a ~/.pypirc section), then pypi."""
    write_pypirc("[corp]\nrepository = https://corp.example.com/legacy/\n")
    project = sample(tmp_path, f"\n[tool.publish-checks]\n{config}" if config else "")
    assert project.context(repository, env=env).target.name == target


# --- Secrets are never printed --------------------------------------------------------------


def run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(("url", "message"), [
    ("https://alice:S3CRET-PW@[::1/legacy/",
     "the --repository URL has a malformed host (an IPv6 address is written in brackets, "
     "[::1], both of them)"),
    ("https://alice:S3CRET-PW@host.example:https/", "the --repository URL has a port that is "
     "not a number from 0 to 65535"),
    ("https://alice:S3CRET-PW@host.example:70000/", "the --repository URL has a port that is "
     "not a number from 0 to 65535"),
    ("https://__token__:S3CRET-PW/legacy/", "the --repository URL has a port that is not a "
     "number from 0 to 65535"),
    ("ftp://alice:S3CRET-PW@host.example/", "the --repository URL is an ftp:// URL: packages "
     "are uploaded over https:// (or http:// to this machine)"),
    ("https://alice:S3CRET-PW@/legacy/", "the --repository URL has no host"),
    ("alice:S3CRET-PW@host.example/legacy/", "--repository is neither a repository name nor "
     "a URL"),
], ids=["ipv6-bracket", "port-text", "port-range", "no-at", "ftp", "no-host", "no-scheme"])
def test_a_malformed_repository_url_is_a_usage_error_that_never_shows_its_password(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str, message: str) -> None:
    """Exit 2 with the part that is wrong, never a traceback nor any part of the password."""
    project = sample(tmp_path)
    code, out, err = run_main(["verify", "--project", str(project.root), "--offline",
                               "--repository", url], capsys)
    assert (code, out) == (2, "")
    assert err == f"error: {message}\n  fix: write the upload URL in full, e.g. " \
                  "https://pypi.example.com/legacy/\n"


@pytest.mark.parametrize("where", ["TWINE_REPOSITORY_URL", ".pypirc", "upload-url"])
def test_a_malformed_configured_url_is_a_usage_error_too(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        where: str) -> None:
    """The same from TWINE_REPOSITORY_URL, a ~/.pypirc section or a declared upload-url."""
    bad = "https://alice:S3CRET-PW@host.example:99999/legacy/"
    config, args = "", ["--repository", "corp"]
    if where == "TWINE_REPOSITORY_URL":
        monkeypatch.setenv(where, bad)
        args = []
    elif where == ".pypirc":
        write_pypirc(f"[corp]\nrepository = {bad}\n")
    else:
        config = f'\n[tool.publish-checks.repositories.corp]\nupload-url = "{bad}"\n'
    project = sample(tmp_path, config)
    code, out, err = run_main(["verify", "--project", str(project.root), "--offline", *args],
                              capsys)
    problem = "has a port that is not a number from 0 to 65535"
    expected = {"TWINE_REPOSITORY_URL": f"TWINE_REPOSITORY_URL {problem}",
                ".pypirc": f"the repository of [corp] in {os.environ['HOME']}/.pypirc {problem}",
                "upload-url": "tool.publish-checks.repositories.corp.upload-url must be an "
                              f"http(s) URL: it {problem}"}[where]
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {expected}\n  fix: ")
    assert "S3CRET" not in err


@pytest.mark.parametrize("where", [".pypirc", "upload-url", "--repository", "HTTPS"])
def test_a_password_in_a_configured_url_is_split_off_and_never_shown(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str) -> None:
    """A password written in a .pypirc repository URL, a declared upload-url or an
    upper-case HTTPS:// URL becomes the index's secret and shows up in no report (text or
    JSON), plan or upload failure."""
    password = "S3CRET-" + token_hex(8)
    url = f"https://alice:{password}@pypi.example.com/legacy/"
    config, repository = "", "corp"
    if where == ".pypirc":
        write_pypirc(f"[corp]\nrepository = {url}\n")
    elif where == "upload-url":
        config = f'\n[tool.publish-checks.repositories.corp]\nupload-url = "{url}"\n'
    else:
        repository = url if where == "--repository" else url.replace("https", "HTTPS")
    project = sample(tmp_path, config)
    ctx = project.context(repository)
    assert (ctx.target.upload_url, ctx.target.username) == (
        "https://pypi.example.com/legacy/", "alice")
    token = ctx.token_lookup.token
    assert token == Token(password, "the password", "the repository URL")
    assert password not in repr(ctx.target) + repr(token) + make_plan(ctx, {}).render()
    args = ["verify", "--project", str(project.root), "--offline", "--repository", repository]
    for extra in ([], ["--json"]):
        code, out, err = run_main([*args, *extra], capsys)
        assert code in (0, 1) and password not in out + err
    report = json.loads(out)
    assert report["repository"] == ("corp" if where in (".pypirc", "upload-url")
                                    else "https://pypi.example.com/legacy/")


@pytest.mark.parametrize("args", [
    ["--repository", "{token}"], ["--skip", "{token}"], ["--repository", "pypi", "{token}"]])
def test_a_token_typed_into_the_wrong_place_is_redacted(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    """A token pasted as a repository, a check id or a stray argument is a usage error that
    shows pypi-******** in its place."""
    token = make_token(caveats=[DEMO])
    project = sample(tmp_path)
    code, out, err = run_main(["verify", "--project", str(project.root), "--offline",
                               *(a.format(token=token) for a in args)], capsys)
    assert (code, out) == (2, "")
    assert "pypi-********" in err and token not in err and token[5:25] not in err


def test_a_token_given_as_twine_repository_is_redacted(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """TWINE_REPOSITORY holding a token: the unknown repository is named pypi-********."""
    token = make_token(caveats=[DEMO])
    monkeypatch.setenv("TWINE_REPOSITORY", token)
    project = sample(tmp_path)
    code, out, err = run_main(["verify", "--project", str(project.root), "--offline"], capsys)
    assert (code, out) == (2, "")
    assert err.startswith("error: unknown repository 'pypi-********' (from TWINE_REPOSITORY)")
    assert token not in err


def test_twine_repository_url_must_be_a_url(tmp_path: Path) -> None:
    """TWINE_REPOSITORY_URL=corp (a name) is a usage error, not a silent pypi."""
    project = sample(tmp_path)
    with pytest.raises(UsageError, match="TWINE_REPOSITORY_URL is not a URL"):
        project.context(env={"TWINE_REPOSITORY_URL": "corp"})


def test_a_declared_ftp_upload_url_is_a_configuration_error(tmp_path: Path) -> None:
    """upload-url = "ftp://…" fails when pyproject.toml is read, and says why."""
    with pytest.raises(ConfigError) as raised:
        sample(tmp_path, '\n[tool.publish-checks.repositories.corp]\n'
                         'upload-url = "FTP://u:S3CRET@host/"\n').context("corp")
    assert raised.value.message == ("tool.publish-checks.repositories.corp.upload-url must be "
                                    "an http(s) URL: it is an ftp:// URL: packages are "
                                    "uploaded over https:// (or http:// to this machine)")


# --- End to end: real nox and twine ------------------------------------------------------------


def built(tmp_path: Path, sample_build: SampleBuild) -> SampleProject:
    """The sample project adopting the sessions, with what nox -s build leaves (the test
    process's one build of it, copied)."""
    project = sample_build.project(tmp_path / "demo")
    sample_build.build(project)
    return project


def check_line(output: str, check: str) -> str:
    return next((line for line in output.splitlines() if f" {check} " in line), "")


@pytest.mark.e2e
def test_a_pypi_token_in_env_local_never_reaches_a_local_server(
        tmp_path: Path, envdir: Path, sample_build: SampleBuild, index: RecordingIndex) -> None:
    """The reported case with real nox and twine (the pypi.org token in .env.local, publish
    --repository http://127.0.0.1:PORT/ --yes): token-scope fails naming both hosts and
    nothing is sent, and with token-scope skipped twine still never sees the token."""
    project = built(tmp_path, sample_build)
    token = make_token(caveats=[DEMO])
    env_file(project, f"PYPI_API_KEY={token}\n")
    no_own_secret = {"TWINE_PASSWORD": "", "PYPI_API_KEY": ""}
    run = run_nox(project.root, envdir, "-s", "publish", "--", "--repository", index.url,
                  "--yes", env=no_own_secret)
    assert run.code != 0
    line = check_line(run.output, "token-scope")
    assert line.startswith("✗ token-scope "), run.output
    assert ("PYPI_API_KEY from .env.local is for pypi.org, and the target is 127.0.0.1: it is "
            "never sent there") in line
    assert index.received == [] and token not in run.output
    skipped = run_nox(project.root, envdir, "-s", "publish", "--", "--repository", index.url,
                      "--yes", "--skip", "token-scope", env=no_own_secret)
    assert f"Uploading 2 file(s) to {index.url} with twine" in skipped.output, skipped.output
    assert skipped.code != 0 and index.received == [] and token not in skipped.output


@pytest.mark.e2e
def test_real_twine_sends_a_private_index_exactly_its_own_password(
        tmp_path: Path, envdir: Path, sample_build: SampleBuild, index: RecordingIndex) -> None:
    """nox -s publish with real twine: the index sees TWINE_USERNAME/TWINE_PASSWORD on every
    upload, and never the PyPI token beside them; the release is then served and proved."""
    project = built(tmp_path, sample_build)
    token = make_token(caveats=[DEMO])
    env_file(project, f"PYPI_API_KEY={token}\n")
    own = "own-index-secret-" + token_hex(8)
    run = run_nox(project.root, envdir, "-s", "publish", "--", "--repository", index.url,
                  "--yes", env={"PYPI_API_KEY": token, "TWINE_USERNAME": "carol",
                                "TWINE_PASSWORD": own})
    assert run.code == 0, run.output
    assert sorted(r.filename for r in index.received) == sorted([SDIST, WHEEL])
    assert {r.credentials for r in index.received} == {("carol", own)}
    assert own not in run.output and token not in run.output
    assert "Smoke test passed" in run.output

"""The Uploader adapters: twine's and uv's command lines and environments hold the files,
the URL and the bound secret (never on argv), and their real failures become our fixes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from publish_checks import ConfigError
from publish_checks.checks.tools import UPLOADER_REQUIREMENTS, tools
from publish_checks.dists.scan import file_sha256
from publish_checks.project.config import load_config
from publish_checks.release.plan import make_plan
from publish_checks.release.process import find_uv
from publish_checks.release.rehearse import LocalIndex, free_port
from publish_checks.release.upload import explain_upload_failure, login, upload_env, upload_of
from publish_checks.release.uploader import Failure, Login, Upload, Uploader
from publish_checks.release.uploaders import UPLOADERS
from publish_checks.release.uploaders.twine import Twine
from publish_checks.release.uploaders.uv import Uv, glob_escaped
from tests import uploads_captured as said
from tests.builders import SampleProject
from tests.distbuilders import make_release
from tests.e2e import CANARY, NOXFILE, run_nox
from tests.pypiserver import PypiServer

#: An uploader's words for a connection the index reset while the file was still going.
RESET = re.compile(r"Connection aborted|Connection reset|error sending request|Broken pipe")

URL = "https://upload.example.com/legacy/"
BIN = Path(sys.executable).parent  # this venv holds twine (the tests session's tools)


def tool_dir(name: str) -> Path | None:
    """The folder of the program ``name``: beside this Python, else (uv, which nox[uv] puts
    beside nox rather than in the session) where publish-checks itself finds it."""
    if shutil.which(name, path=str(BIN)) is not None:
        return BIN
    found = find_uv() if name == "uv" else None
    return Path(found).parent if found else None


@pytest.mark.parametrize(("uploader", "output", "failure", "status"), [
    (Twine(), said.TWINE_403, Failure.CREDENTIALS, "403"),
    (Twine(), said.TWINE_EXISTS_VERBOSE, Failure.FILE_EXISTS, "already exists"),
    (Twine(), said.TWINE_EXISTS, Failure.REJECTED, "400"),  # the reason is behind --verbose
    (Twine(), said.TWINE_405, Failure.NOT_UPLOAD_URL, "405"),
    (Twine(), said.TWINE_REFUSED, Failure.CONNECTION, "Failed to establish a new connection"),
    (Uv(), said.UV_403, Failure.CREDENTIALS, "403"),
    (Uv(), said.UV_EXISTS, Failure.FILE_EXISTS, "409"),
    (Uv(), said.UV_405, Failure.NOT_UPLOAD_URL, "POST requests are not supported by the endpoint"),
    (Uv(), said.UV_REFUSED, Failure.CONNECTION, "tcp connect error"),
    (Uv(), said.UV_NOCRED, Failure.CREDENTIALS, "Missing credentials for"),
])
def test_real_failures_are_read_as_what_they_mean(uploader: Uploader, output: str,
                                                  failure: Failure, status: str) -> None:
    """Each output twine and uv really printed against pypiserver maps to its failure."""
    assert uploader.failure(output) == (failure, status)


@pytest.mark.parametrize("number", ["401", "403", "405", "409", "400"])
def test_a_number_in_a_path_twine_names_is_no_status(number: str) -> None:
    """twine --verbose names the file it sends: a path holding "-403" (pytest's numbered
    folders, a CI job's) read as a refused password, a file already there as credentials."""
    output = said.TWINE_EXISTS_VERBOSE.replace("/tmp/upl/", f"/tmp/pytest-{number}/upl/")
    assert f"pytest-{number}" in output
    assert Twine().failure(output) == (Failure.FILE_EXISTS, "already exists")
    named = f"INFO     /tmp/pytest-{number}/dist/demo_pkg-1.0.tar.gz (1.0 KB)\n"
    gateway = "ERROR    HTTPError: 502 Bad Gateway from http://127.0.0.1:8080/\n"
    assert Twine().failure(named + gateway) == (Failure.SERVER_ERROR, "502 Bad Gateway")
    assert Twine().failure(named + "ERROR    ConnectionError: ('Connection aborted.')\n") is None


@pytest.mark.parametrize(("output", "failure"), [
    ("error: Failed to publish `dist/demo_pkg-1.2.0.tar.gz` to `https://upload.pypi.org/legacy/`"
     "\n  cause: Server returned status code 400 Bad Request. Server says: 400 File already "
     "exists ('demo_pkg-1.2.0.tar.gz', with blake2_256 hash 'ab'). See "
     "https://pypi.org/help/#file-name-reuse for more information.", Failure.FILE_EXISTS),
    ("  cause: Server returned status code 400 Bad Request. Server says: 400 The name "
     "'demo-pkg' is too similar to an existing project.", Failure.NAME_TOO_SIMILAR),
    ("  cause: Server returned status code 403 Forbidden. Server says: 403 Invalid or "
     "non-existent authentication information.", Failure.CREDENTIALS),
    ("  cause: Server returned status code 503 Service Unavailable.", Failure.SERVER_ERROR),
    ("  cause: error sending request for url (https://upload.pypi.org/legacy/)\n"
     "  cause: operation timed out", Failure.TIMEOUT),
    ("  cause: Server returned status code 400 Bad Request. Server says: 400 Invalid value "
     "for classifiers.", Failure.REJECTED),
])
def test_pypis_answers_through_uv_are_read(output: str, failure: Failure) -> None:
    """PyPI's own refusals, as uv words its status line, map like twine's."""
    found = Uv().failure(output)
    assert found is not None and found[0] is failure


def test_the_same_failure_gets_the_same_fix_from_either_uploader(
        project: SampleProject) -> None:
    """A filename taken, a wrong password, an index URL: one fix whoever sent the files; only
    twine's "Retry with --verbose" adds how to see its whole answer."""
    make_release(project.root / "dist")
    ctx = project.context(URL)
    assert explain_upload_failure(said.TWINE_EXISTS_VERBOSE, ctx, Twine()) == \
        explain_upload_failure(said.UV_EXISTS, ctx, Uv())
    twine, uv = (explain_upload_failure(said.TWINE_405, ctx, Twine()),
                 explain_upload_failure(said.UV_405, ctx, Uv()))
    assert twine[0] == uv[0] == f"the index does not accept uploads at {URL} (405)"
    assert twine[1] == uv[1] + ("; for twine's whole answer, run again with --verbose "
                                "(nox -s publish -- --verbose)")
    what, fix = explain_upload_failure(said.UV_403, ctx, Uv())
    assert what == "the index refused the credentials (403)"
    assert fix == "check the username (__token__) and password for upload.example.com (uv's own " \
                  "credentials)"
    assert explain_upload_failure(said.TWINE_EXISTS, ctx, Twine())[1].endswith(
        "for twine's whole answer, run again with --verbose (nox -s publish -- --verbose)")
    assert explain_upload_failure("boom", ctx, Uv()) == (
        "uv publish failed", "read uv's message above; run the same command again to resume")


def test_uv_gets_explicit_escaped_paths_and_no_credential(tmp_path: Path) -> None:
    """uv reads each path as a glob: glob characters are bracketed, so a folder named
    ``we[i]rd*`` matches itself only; the URL is on the line, the secret is not."""
    folder = tmp_path / "we[i]rd*"
    folder.mkdir()
    wheel, asc = folder / "demo_pkg-1.2.0-py3-none-any.whl", folder / "demo_pkg-1.2.0.tar.gz.asc"
    attestation = folder / "demo_pkg-1.2.0-py3-none-any.whl.publish.attestation"
    plain = Uv().argv(Path("/tools/bin"), Upload((wheel,), (), URL))
    assert plain == ["/tools/bin/uv", "publish", "--color", "never",
                     "--no-progress", "--publish-url", URL, "--no-attestations",
                     glob_escaped(wheel)]
    assert glob_escaped(wheel).endswith("/we[[]i]rd[*]/demo_pkg-1.2.0-py3-none-any.whl")
    signed = Upload((wheel,), (asc, attestation), URL)
    argv = Uv().argv(Path("/tools/bin"), signed, verbose=True, progress=True)
    assert "--no-attestations" not in argv and "--verbose" in argv and "--no-progress" not in argv
    assert argv[-2:] == [glob_escaped(wheel), glob_escaped(attestation)]
    assert Uv().skipped(signed) == [asc]


def test_uv_really_finds_each_escaped_path(tmp_path: Path) -> None:
    """uv itself (a dry run) finds the file behind an escaped path with glob characters."""
    bindir = tool_dir("uv")
    if bindir is None:
        pytest.skip("uv is not installed beside this Python nor on PATH")
    folder = tmp_path / "we[i]rd*"
    (wheel,) = (p for p in make_release(folder) if p.suffix == ".whl")
    argv = Uv().argv(bindir, Upload((wheel,), (), "http://127.0.0.1:9/"))
    done = subprocess.run([*argv, "--dry-run"], capture_output=True, text=True, check=False,
                          env={"UV_PUBLISH_USERNAME": "u", "UV_PUBLISH_PASSWORD": "p"},
                          timeout=60)
    assert f"Checking {wheel.name}" in done.stderr, done.stderr


def test_uv_is_given_only_the_bound_secret(project: SampleProject) -> None:
    """The target's own secret goes to uv as UV_PUBLISH_PASSWORD; the user's UV_PUBLISH_TOKEN,
    TWINE_PASSWORD and PyPI token never reach it."""
    make_release(project.root / "dist")
    env = {"TWINE_PASSWORD": "index-password", "UV_PUBLISH_TOKEN": "stray-token",
           "UV_PUBLISH_URL": "https://elsewhere.example/", "PYPI_API_KEY": CANARY,
           "UV_CACHE_DIR": "/cache"}
    ctx = project.context(URL, env=env)
    child = upload_env(ctx, Uv(), login(ctx))
    assert {k: v for k, v in child.items() if k in (*env, "UV_PUBLISH_USERNAME",
                                                     "UV_PUBLISH_PASSWORD")} == {
        "UV_PUBLISH_USERNAME": "__token__", "UV_PUBLISH_PASSWORD": "index-password",
        "UV_CACHE_DIR": "/cache"}
    assert Uv().environment(None) == {}
    argv = Uv().argv(BIN, upload_of(make_plan(ctx, {})))
    assert not any("index-password" in a or CANARY in a for a in argv)


def test_twine_keeps_its_own_settings_but_not_a_stray_password(project: SampleProject) -> None:
    """twine gets TWINE_PASSWORD from the binding alone; TWINE_CERT (a private CA) stays."""
    make_release(project.root / "dist")
    ctx = project.context(URL, env={"TWINE_PASSWORD": "index-password", "TWINE_CERT": "/ca.pem"})
    child = upload_env(ctx, Twine(), Login("__token__", "bound"))
    assert child["TWINE_PASSWORD"] == "bound" and child["TWINE_CERT"] == "/ca.pem"


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(UPLOADERS))
def test_each_uploader_really_fails_as_read(name: str, project: SampleProject,
                                            pypiserver: PypiServer) -> None:
    """Against a real pypiserver: a wrong password, a file already there, the simple index
    as the upload URL and a closed port each fail the way the adapter reads them; the
    password never shows."""
    uploader = UPLOADERS[name]
    bindir = tool_dir(name)
    if bindir is None:
        pytest.skip(f"{name} is not installed beside this Python nor on PATH")
    sdist, wheel = make_release(project.root / "dist")
    pypiserver.add(wheel)

    def failure(files: tuple[Path, ...], url: str, password: str,
                **extra: str) -> Failure | None:
        # bindir first, then ours: a uv found through a pyenv shim is a bash script
        env = {"PATH": os.pathsep.join((str(bindir), os.environ.get("PATH", ""))),
               "HOME": str(project.root),
               **uploader.environment(Login(pypiserver.username, password)), **extra}
        # pypiserver answers a wrong login before it reads the file, and closes: now and
        # then the uploader is still sending and gets a reset, not the answer (twine:
        # "Connection aborted", uv: "error sending request"). Only that race is tried again.
        for _ in range(5):
            done = subprocess.run(uploader.argv(bindir, Upload(files, (), url), verbose=True),
                                  capture_output=True, text=True, env=env, check=False,
                                  timeout=120)
            output = done.stdout + done.stderr
            assert done.returncode != 0
            assert pypiserver.password not in output
            if url != pypiserver.url or not RESET.search(output):
                break
        found = uploader.failure(output)
        return found and found[0]

    assert failure((sdist,), pypiserver.url, "wrong") is Failure.CREDENTIALS
    assert failure((wheel,), pypiserver.url, pypiserver.password) is Failure.FILE_EXISTS
    assert failure((sdist,), pypiserver.index_url, pypiserver.password) is Failure.NOT_UPLOAD_URL
    closed = f"http://127.0.0.1:{free_port()}/"
    # uv retries a refused connection 3 times, 8 s of backoff, then says the same; twine
    # does not read the variable.
    assert failure((sdist,), closed, pypiserver.password,
                   UV_HTTP_RETRIES="0") is Failure.CONNECTION


def test_uploader_is_twine_unless_uv_is_set(tmp_path: Path) -> None:
    """``uploader`` defaults to twine, takes "uv", and a typo gets did-you-mean."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert load_config(tmp_path).uploader == "twine"
    (tmp_path / "pyproject.toml").write_text("[tool.publish-checks]\nuploader = 'uv'\n")
    assert load_config(tmp_path).uploader == "uv"
    for wrong, hint in (("UV", "did you mean 'uv'?"), ("twin", "did you mean 'twine'?"),
                        ("flit", 'write it as uploader = "uv" (or leave it out: twine)')):
        (tmp_path / "pyproject.toml").write_text(f"[tool.publish-checks]\nuploader = '{wrong}'\n")
        with pytest.raises(ConfigError) as raised:
            load_config(tmp_path)
        assert raised.value.message == ("tool.publish-checks.uploader must be one of twine, uv, "
                                        f"not '{wrong}'")
        assert raised.value.hint == hint


@pytest.mark.e2e
def test_publish_with_uv_resumes_and_passes_every_proof(project: SampleProject, envdir: Path,
                                                        index: LocalIndex) -> None:
    """``uploader = "uv"``: with the wheel already on a real pypiserver, nox -s publish sends
    only the sdist with uv publish, waits for both, installs and smoke-tests them; the
    password (the canary, bound as TWINE_PASSWORD) shows nowhere (run_nox checks)."""
    project.write("noxfile.py", NOXFILE)
    project.write("pyproject.toml", (project.root / "pyproject.toml").read_text()
                  + '\n[tool.publish-checks]\nuploader = "uv"\n')
    project.commit("publish with uv")
    built = run_nox(project.root, envdir, "-s", "build")
    assert built.code == 0, built.output
    dist = project.root / "dist"
    (wheel,) = dist.glob("*.whl")
    (sdist,) = dist.glob("*.tar.gz")
    (index.packages / wheel.name).write_bytes(wheel.read_bytes())  # a half-finished upload
    run = run_nox(project.root, envdir, "-s", "publish", "--", "--repository", index.url, "--yes")
    assert run.code == 0, run.output
    assert f"Uploading 1 file(s) to {index.url} with uv" in run.output
    assert f"Uploading {sdist.name}" in run.output and f"Uploading {wheel.name}" not in run.output
    assert {p.name: file_sha256(p) for p in index.packages.iterdir()} == {
        p.name: file_sha256(p) for p in (wheel, sdist)}
    assert "Smoke test passed: demo-pkg 1.2.0 installs from the index and runs" in run.output
    again = run_nox(project.root, envdir, "-s", "publish", "--", "--repository", index.url,
                    "--yes")
    assert again.code == 0 and "Every file is already on the index: nothing to upload" \
        in again.output, again.output


def test_tools_names_the_configured_uploader(project: SampleProject) -> None:
    """The tools check names what the upload will install: the adapters' own requirement."""
    for name, uploader in UPLOADERS.items():
        assert UPLOADER_REQUIREMENTS[name] == uploader.requirements[0]
    project.write("pyproject.toml", (project.root / "pyproject.toml").read_text()
                  + '\n[tool.publish-checks]\nuploader = "uv"\n')
    finding = tools(project.context())
    assert "; uv>=0.9.12 and build come in " in finding.summary

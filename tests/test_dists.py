"""dists-*: every check against wheels and sdists built in tmp_path, passing and failing."""

from __future__ import annotations

import gc
import json
import re
import shutil
import sys
import tracemalloc
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from publish_checks.checks import dists
from publish_checks.checks.context import Context
from publish_checks.checks.report import Finding, Status
from publish_checks.dists import archives as _archives
from publish_checks.dists.readme import RenderError
from tests.builders import SampleProject
from tests.distbuilders import (
    default_files,
    make_release,
    make_sdist,
    make_wheel,
    metadata_text,
    record_line,
)
from tests.tokens import make_token

# pypiserver's bottle, imported in-process by the index tests, leaves an import hook
# without find_spec on sys.meta_path; docutils' lazy imports while rendering reST then warn.
pytestmark = pytest.mark.filterwarnings("ignore:_ImportRedirect.find_spec:ImportWarning")

CHECKS = [dists.dists_present, dists.dists_stale, dists.dists_metadata, dists.dists_contents,
          dists.dists_secrets, dists.dists_size]
READING_CHECKS = [dists.dists_metadata, dists.dists_contents, dists.dists_secrets]
TOKEN = make_token()  # a macaroon that parses: what dists-secrets calls a PyPI token
PRIVATE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"
DIST_INFO = "demo_pkg-1.2.0.dist-info"
FILES = default_files()
CORE = FILES["demo_pkg/core.py"]


def run(project: SampleProject, check: Callable[[Context], Finding],
        env: dict[str, str] | None = None, **ctx: Any) -> Finding:
    context = project.context(ctx.pop("repository", None), env=env)
    for name, value in ctx.items():
        setattr(context, name, value)
    return check(context)


def release(project: SampleProject, kind: str = "", **changes: Any) -> Path:
    """The sample release in dist/, with ``changes`` applied to its wheel or its sdist."""
    dist = project.root / "dist"
    make_wheel(dist, **(changes if kind == "wheel" else {}))
    make_sdist(dist, **(changes if kind == "sdist" else {}))
    return dist


def assert_fails(finding: Finding, fragment: str) -> None:
    assert finding.status is Status.FAIL, finding
    assert fragment in finding.summary, finding
    assert finding.hint, finding


# --- nothing to look at ----------------------------------------------------------------

@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("state", ["no dist dir", "empty dist dir", "only dot files",
                                   "only another version"])
def test_nothing_to_look_at_fails_naming_the_build_session(
        project: SampleProject, check: Callable[[Context], Finding], state: str) -> None:
    """Before `nox -s build` has made this release, every dist check fails and says so."""
    dist = project.root / "dist"
    if state != "no dist dir":
        dist.mkdir()
    if state == "only dot files":
        (dist / ".gitignore").write_text("*\n")
    if state == "only another version":
        make_release(dist, version="1.1.0")
    finding = run(project, check)
    assert finding.status is Status.FAIL
    assert "nox -s build" in finding.hint


# --- dists-present -----------------------------------------------------------------------

def test_present_passes_with_one_sdist_and_two_wheels(project: SampleProject) -> None:
    """One sdist and any number of wheels of this version are a release."""
    dist = release(project)
    make_wheel(dist, filename="demo_pkg-1.2.0-cp311-cp311-manylinux_2_17_x86_64.whl")
    finding = run(project, dists.dists_present)
    assert finding.status is Status.PASS
    assert "demo_pkg-1.2.0.tar.gz and 2 wheels" in finding.summary


@pytest.mark.parametrize(("files", "fragment"), [
    (["wheel"], "no sdist and 1 wheel"),
    (["sdist"], "1 sdist (demo_pkg-1.2.0.tar.gz) and 0 wheels"),
    (["sdist", "zip", "wheel"], "2 sdists"),
])
def test_present_fails_without_exactly_one_sdist_and_a_wheel(
        project: SampleProject, files: list[str], fragment: str) -> None:
    """A missing sdist, a missing wheel or two sdists of one version fail."""
    dist = project.root / "dist"
    for kind in files:
        if kind == "wheel":
            make_wheel(dist)
        else:
            make_sdist(dist, filename="demo_pkg-1.2.0.zip" if kind == "zip" else None)
    finding = run(project, dists.dists_present)
    assert_fails(finding, fragment)
    assert "nox -s build" in finding.hint


# --- dists-stale -------------------------------------------------------------------------

def test_stale_passes_with_companions_dot_files_and_folders(project: SampleProject) -> None:
    """Signatures and attestations of our dists, dot files and folders are not stale."""
    dist = release(project)
    (dist / "demo_pkg-1.2.0.tar.gz.asc").write_text("sig")
    (dist / "demo_pkg-1.2.0-py3-none-any.whl.publish.attestation").write_text("{}")
    (dist / ".gitignore").write_text("*\n")
    (dist / "build-logs").mkdir()
    finding = run(project, dists.dists_stale)
    assert finding.status is Status.PASS, finding
    assert "2 signatures/attestations" in finding.summary


@pytest.mark.parametrize("name", [
    "demo_pkg-1.1.0.tar.gz", "other_pkg-1.0-py3-none-any.whl", "notes.txt",
    "demo_pkg-1.1.0.tar.gz.asc", "my notes.txt",
])
def test_stale_fails_on_what_an_upload_of_dist_star_would_add(
        project: SampleProject, name: str) -> None:
    """Other versions, other projects, unknown files and orphan signatures are stale."""
    dist = release(project)
    (dist / name).write_text("old")
    finding = run(project, dists.dists_stale)
    assert_fails(finding, name)
    assert "nox -s build (it cleans dist/)" in finding.hint
    quoted = f"'dist/{name}'" if " " in name else f"dist/{name}"
    assert finding.hint.endswith(f"rm {quoted}")


# --- dists-metadata ----------------------------------------------------------------------

@pytest.mark.parametrize(("content_type", "description"), [
    ("text/markdown", "# demo\n"),
    ("text/markdown; variant=CommonMark", "# demo\n"),
    ("text/markdown; charset=UTF-8; variant=GFM", "# demo\n"),
    ("text/plain", "just text, *not* markup `at all\n"),
    ("text/x-rst", "demo\n====\n\nA *demo* package.\n"),
])
def test_metadata_passes_for_real_content_types(
        project: SampleProject, content_type: str, description: str) -> None:
    """Each content type PyPI renders passes when the description renders."""
    text = metadata_text(content_type=content_type, description=description)
    release(project, "wheel", metadata=text)
    finding = run(project, dists.dists_metadata)
    assert finding.status is Status.PASS, finding


@pytest.mark.parametrize("version", ["2.1", "2.2", "2.3", "2.4", "2.5"])
def test_metadata_passes_for_every_metadata_version_pypi_accepts(
        project: SampleProject, version: str) -> None:
    """Metadata-Version 2.1 to 2.5 pass with a content type (1.x: test_metadata_rules.py)."""
    release(project, "sdist", metadata=metadata_text(metadata_version=version))
    assert run(project, dists.dists_metadata).status is Status.PASS


@pytest.mark.parametrize(("kind", "changes", "fragment"), [
    ("sdist", {"filename": "demo-pkg-1.2.0.tar.gz"}, "Filename 'demo-pkg-1.2.0.tar.gz' is "
     "invalid, should be 'demo_pkg-1.2.0.tar.gz'."),
    ("sdist", {"filename": "demo_pkg-1.2.0.zip"}, "Filename 'demo_pkg-1.2.0.zip' is invalid, "
     "should be 'demo_pkg-1.2.0.tar.gz'."),
    ("sdist", {"filename": "Demo.Pkg-1.2.0.tar.gz"}, "Filename 'Demo.Pkg-1.2.0.tar.gz' is invalid"),
    ("wheel", {"filename": "Demo_Pkg-1.2.0-py3-none-any.whl"},
     "should contain the normalized project name 'demo_pkg', not 'Demo_Pkg'."),
    ("wheel", {"version": "1.2.00"}, "wants demo_pkg-1.2.0-"),
    ("wheel", {"metadata": metadata_text("other-pkg")}, "names project 'other-pkg'"),
    ("sdist", {"metadata": metadata_text(version="1.2.1")}, "has version 1.2.1, not 1.2.0"),
    ("wheel", {"metadata": metadata_text(metadata_version="2.6")},
     "'2.6' is not a valid metadata version"),
    ("sdist", {"metadata": metadata_text(metadata_version="3.0")},
     "'3.0' is not a valid metadata version"),
    ("wheel", {"metadata": metadata_text(content_type=None, description="`unclosed\n")},
     "The description failed to render in the default format of reStructuredText."),
    ("wheel", {"metadata": metadata_text(content_type="text/html")}, "not 'text/html'"),
    ("sdist", {"metadata": metadata_text(content_type="text/markdown; variant=Foo")}, "'Foo'"),
    ("wheel", {"metadata": metadata_text(content_type="text/plain; charset=latin-1")},
     "UTF-8"),
    ("wheel", {"metadata": metadata_text(content_type="text/x-rst",
                                         description="demo\n====\n\n`unclosed\n")},
     "does not render on PyPI (line 4: Warning: Inline interpreted text"),
    ("sdist", {"top": "elsewhere-1.2.0"}, "has no demo_pkg-1.2.0/PKG-INFO"),
])
def test_metadata_fails_for_each_reason(
        project: SampleProject, kind: str, changes: dict[str, Any], fragment: str) -> None:
    """Bad names, identities, metadata versions and long descriptions each fail."""
    release(project, kind, **changes)
    assert_fails(run(project, dists.dists_metadata), fragment)


RST = metadata_text(content_type="text/x-rst", description="demo\n====\n\nFine.\n")


@pytest.fixture
def no_readme_renderer(monkeypatch: pytest.MonkeyPatch) -> None:
    """readme_renderer is not importable, as in an environment without twine."""
    monkeypatch.setitem(sys.modules, "readme_renderer", None)
    monkeypatch.setitem(sys.modules, "readme_renderer.rst", None)


@pytest.mark.usefixtures("no_readme_renderer")
def test_metadata_warns_when_rst_cannot_be_rendered(project: SampleProject) -> None:
    """Without readme_renderer or the session's twine check, reST is a warning to verify."""
    release(project, "wheel", metadata=RST)
    finding = run(project, dists.dists_metadata)
    assert finding.status is Status.WARN, finding
    assert "readme_renderer is not importable" in finding.summary
    assert "nox -s verify" in finding.hint


@pytest.mark.usefixtures("no_readme_renderer")
def test_metadata_needs_no_renderer_for_markdown(project: SampleProject) -> None:
    """Markdown cannot fail to render, so a missing readme_renderer does not matter."""
    release(project)
    assert run(project, dists.dists_metadata).status is Status.PASS


@pytest.mark.usefixtures("no_readme_renderer")
@pytest.mark.parametrize(("answer", "status", "fragment"), [
    ([None], Status.PASS, "renders on PyPI"),
    (["<string>:3: (WARNING/2) Inline emphasis start-string without end-string."],
     Status.FAIL, "does not render on PyPI (line 3: Warning: Inline emphasis start-string"),
    ([], Status.WARN, "the renderer gave 0 answers for 1 texts"),
    (RenderError("exit status 1: no module named readme_renderer"), Status.WARN,
     "readme_renderer could not run: exit status 1"),
])
def test_metadata_folds_in_the_runners_renderer(
        project: SampleProject, answer: list[str | None] | Exception, status: Status,
        fragment: str) -> None:
    """The runner's renderer (readme_renderer in a tool environment) renders reST when it
    is not importable here; its answer is structured, one report per text."""
    release(project, "wheel", metadata=RST)
    asked: list[list[str]] = []

    def renderer(texts: Sequence[str]) -> list[str | None]:
        asked.append(list(texts))
        if isinstance(answer, Exception):
            raise answer
        return answer

    finding = run(project, dists.dists_metadata, rst_renderer=renderer)
    assert finding.status is status, finding
    assert fragment in finding.summary
    assert asked == [["demo\n====\n\nFine.\n"]]


# --- dists-contents ----------------------------------------------------------------------

def test_contents_passes_for_a_correct_release(project: SampleProject) -> None:
    """A wheel matching its RECORD and an sdist with every tracked source pass."""
    release(project)
    project.write("demo_pkg/scratch.py", "x = 1\n")  # untracked: not required in the sdist
    finding = run(project, dists.dists_contents)
    assert finding.status is Status.PASS, finding
    assert "holds the 2 git-tracked source files" in finding.summary


def test_contents_exempts_record_signatures(project: SampleProject) -> None:
    """RECORD.jws and RECORD.p7s sign RECORD, so RECORD cannot list their hashes."""
    signatures = {f"{DIST_INFO}/RECORD.jws": "{}", f"{DIST_INFO}/RECORD.p7s": "sig"}
    release(project, "wheel", files={**FILES, **signatures},
            record=dict.fromkeys(signatures))
    assert run(project, dists.dists_contents).status is Status.PASS


def test_contents_compares_src_layout_sources(project: SampleProject) -> None:
    """In a src layout the sdist must hold src/<package>/… as git tracks it."""
    (project.root / "src").mkdir()
    project.git("mv", "demo_pkg", "src/demo_pkg")
    project.commit("src layout")
    src = {f"src/{name}": text for name, text in default_files().items()}
    release(project, "sdist", files=src)
    assert run(project, dists.dists_contents).status is Status.PASS
    (project.root / "dist" / "demo_pkg-1.2.0.tar.gz").unlink()
    make_sdist(project.root / "dist", files={"src/demo_pkg/__init__.py": ""})
    assert_fails(run(project, dists.dists_contents), "lacks 1 git-tracked source file: "
                                                      "src/demo_pkg/core.py")


def test_contents_says_when_git_cannot_compare(project: SampleProject) -> None:
    """Outside a git repository the sdist is not compared, and the summary says so."""
    release(project)
    shutil.rmtree(project.root / ".git")
    finding = run(project, dists.dists_contents)
    assert finding.status is Status.PASS
    assert "was not compared with git" in finding.summary


def _record(path: str, line: str | None) -> dict[str, str | None]:
    return {path: line}


@pytest.mark.parametrize(("kind", "changes", "fragment"), [
    ("wheel", {"record": _record("demo_pkg/core.py", record_line("demo_pkg/core.py", b"x"))},
     "demo_pkg/core.py does not match its RECORD hash"),
    ("wheel", {"record": _record("demo_pkg/core.py",
                                 record_line("demo_pkg/core.py", CORE.encode())[:-2] + "99")},
     "demo_pkg/core.py is 35 bytes, RECORD says 99"),
    ("wheel", {"record": _record("demo_pkg/core.py", "demo_pkg/core.py,md5=abc,35")},
     "demo_pkg/core.py has no sha256 hash in RECORD"),
    ("wheel", {"record": _record("demo_pkg/core.py", None)}, "demo_pkg/core.py is not in RECORD"),
    ("wheel", {"record": _record("demo_pkg/gone.py", record_line("demo_pkg/gone.py", b"x"))},
     "RECORD lists demo_pkg/gone.py, which the wheel lacks"),
    ("wheel", {"record": _record("x", "just-one-field")}, "'just-one-field' is not path,hash,size"),
    ("wheel", {"files": {**FILES, "demo_pkg/__pycache__/core.cpython-311.pyc": b"\0\0"}},
     "compiled bytecode: demo_pkg/__pycache__/core.cpython-311.pyc"),
    ("wheel", {"files": [*FILES.items(), ("demo_pkg/core.py", CORE)]},
     "duplicate zip entries: demo_pkg/core.py"),
    ("wheel", {"files": {**FILES, "tests/test_core.py": ""}}, "top-level test/doc folders: tests/"),
    ("wheel", {"files": {**FILES, "test/__init__.py": ""}}, "folders: test/"),
    ("wheel", {"files": {**FILES, "docs/conf.py": ""}}, "folders: docs/"),
    ("wheel", {"files": {**FILES, "doc/index.rst": ""}}, "folders: doc/"),
    ("wheel", {"files": {**FILES, "demo_pkg-1.2.0.data/purelib/tests/t.py": ""}},
     "folders: demo_pkg-1.2.0.data/purelib/tests/"),
    ("wheel", {"files": {**FILES, "../evil.py": ""}}, "unsafe paths: ../evil.py"),
    ("wheel", {"files": {**FILES, "/etc/evil.py": ""}}, "unsafe paths: /etc/evil.py"),
    ("sdist", {"files": {"demo_pkg/__init__.py": ""}},
     "lacks 1 git-tracked source file: demo_pkg/core.py"),
    ("sdist", {"top": "demo-pkg-1.2.0"}, "lacks 2 git-tracked source files"),
])
def test_contents_fails_for_each_reason(
        project: SampleProject, kind: str, changes: dict[str, Any], fragment: str) -> None:
    """RECORD mismatches, bytecode, duplicates, stray packages and missing sources fail."""
    release(project, kind, **changes)
    assert_fails(run(project, dists.dists_contents), fragment)


@pytest.mark.parametrize(("check", "fragment"), [
    (dists.dists_metadata, f"has no {DIST_INFO}/METADATA"),
    (dists.dists_contents, f"no {DIST_INFO}/RECORD"),
])
def test_a_wheel_without_dist_info_fails(
        project: SampleProject, check: Callable[[Context], Finding], fragment: str) -> None:
    """A wheel with no .dist-info cannot be verified, so it fails instead of passing."""
    dist = project.root / "dist"
    dist.mkdir()
    with zipfile.ZipFile(dist / "demo_pkg-1.2.0-py3-none-any.whl", "w") as zf:
        zf.writestr("demo_pkg/__init__.py", "")
    make_sdist(dist)
    assert_fails(run(project, check), fragment)


def test_member_names_are_shown_escaped(project: SampleProject) -> None:
    """A member name carrying terminal escapes is reported escaped, never raw."""
    name = "demo_pkg/\x1b[2Jx.py"
    release(project, "wheel", files={**FILES, name: ""}, record=_record(name, None))
    finding = run(project, dists.dists_contents)
    assert_fails(finding, "demo_pkg/\\x1b[2Jx.py is not in RECORD")
    assert "\x1b" not in finding.summary


# --- corrupt archives --------------------------------------------------------------------

def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _flipped(data: bytes) -> bytes:
    middle = len(data) // 3  # inside a member's compressed data, before the directory
    return data[:middle] + bytes(b ^ 0xFF for b in data[middle:middle + 8]) + data[middle + 8:]


CORRUPTIONS: dict[str, Callable[[bytes], bytes]] = {
    "garbage": lambda _: b"this is not an archive\n" * 20,
    "empty": lambda _: b"",
    "truncated": _truncated,
    "flipped": _flipped,
}


# dists-metadata reads only up to its own member: damage past it is for the full readers.
CORRUPT_CASES = [pytest.param(check, kind, corruption,
                              id=f"{check.__name__}-{kind}-{corruption}")
                 for check in READING_CHECKS for kind in ("wheel", "sdist")
                 for corruption in CORRUPTIONS
                 if not (check is dists.dists_metadata and corruption == "flipped")]


@pytest.mark.parametrize(("check", "kind", "corruption"), CORRUPT_CASES)
def test_corrupt_archives_fail_with_a_clear_message(
        project: SampleProject, check: Callable[[Context], Finding], kind: str,
        corruption: str) -> None:
    """Garbage, empty, truncated or damaged archives fail the check, never a traceback."""
    big = {**FILES, "demo_pkg/data.txt": "".join(f"line {i}\n" for i in range(20000))}
    release(project, kind, files=big)
    path = next((project.root / "dist").glob("*.whl" if kind == "wheel" else "*.tar.gz"))
    path.write_bytes(CORRUPTIONS[corruption](path.read_bytes()))
    finding = run(project, check)
    assert_fails(finding, f"{path.name} is not a readable")
    assert "nox -s build" in finding.hint


# --- dists-secrets -----------------------------------------------------------------------

@pytest.mark.parametrize("name", [".env.example", ".env.sample", ".env.template", "id_rsa.pub",
                                  "certs/ca.pem", "environment.py", ".envrc.md"])
def test_secrets_passes_for_harmless_lookalikes(project: SampleProject, name: str) -> None:
    """Templates, public keys and certificates are not credentials."""
    cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
    release(project, "sdist", files={**FILES, name: cert})
    assert run(project, dists.dists_secrets).status is Status.PASS


@pytest.mark.parametrize("kind", ["wheel", "sdist"])
@pytest.mark.parametrize(("name", "content", "fragment"), [
    (".env", "PYPI_API_KEY=x\n", "a credentials file"),
    ("demo_pkg/.env.local", "API_KEY=9fK2mQ7xL5pZ3vB8\n",
     "demo_pkg/.env.local (a credentials file)"),
    (".pypirc", "[pypi]\n", "an index password file"),
    ("id_rsa", "key", "id_rsa (a private key)"),
    ("keys/id_ed25519", "key", "a private key"),
    ("certs/server.pem", PRIVATE_KEY, "certs/server.pem (a private key)"),
    ("deploy.key", "-----BEGIN RSA PRIVATE KEY-----\n", "deploy.key (a private key)"),
    ("demo_pkg/settings.py", f'TOKEN = "{TOKEN}"\n', "demo_pkg/settings.py (a PyPI token)"),
])
def test_secrets_fails_for_credential_files_and_tokens(
        project: SampleProject, kind: str, name: str, content: str, fragment: str) -> None:
    """Credential files, private keys and token-shaped strings fail, in wheels and sdists."""
    release(project, kind, files={**FILES, name: content})
    finding = run(project, dists.dists_secrets)
    assert_fails(finding, fragment)
    assert TOKEN not in finding.summary + finding.hint


@pytest.mark.parametrize("shift", [-70, -40, -8, -1, 0, 1])
def test_secrets_finds_a_token_across_chunk_boundaries(
        project: SampleProject, shift: int) -> None:
    """A token split between two read chunks is still found."""
    content = b"x" * (_archives.CHUNK + shift) + TOKEN.encode() + b"\n"
    release(project, "wheel", files={**FILES, "demo_pkg/blob.bin": content})
    finding = run(project, dists.dists_secrets)
    assert_fails(finding, "demo_pkg/blob.bin (a PyPI token)")
    assert "revoke that token at https://pypi.org/manage/account/token/" in finding.hint


def test_secrets_finds_the_configured_token_and_never_prints_it(project: SampleProject) -> None:
    """The exact configured token is found even when it is not token-shaped, and hidden."""
    secret = "s3cret-index-password-value"
    release(project, "sdist", files={**FILES, "demo_pkg/conf.py": f"PW = '{secret}'\n"})
    env = {"PYPI_API_KEY": secret}
    finding = run(project, dists.dists_secrets, env=env)
    assert_fails(finding, "demo_pkg/conf.py (your upload token)")
    report = project.verify(env=env).as_dict()
    assert secret not in json.dumps(report)
    assert secret not in finding.summary + finding.hint


@pytest.mark.parametrize("chunk", [1, 7, 64, 1000])
def test_search_matches_whatever_the_chunking(chunk: int) -> None:
    """search() finds a match however the stream is cut, given enough overlap."""
    data = b"a" * 500 + TOKEN.encode() + b"b" * 500
    chunks = [data[i:i + chunk] for i in range(0, len(data), chunk)]
    found = _archives.search(chunks, [re.compile(re.escape(TOKEN.encode()))], len(TOKEN))
    assert found == {0}


# --- dists-size --------------------------------------------------------------------------

def _sparse_wheel(dist: Path, size: int) -> None:
    dist.mkdir(parents=True, exist_ok=True)
    with (dist / "demo_pkg-1.2.0-py3-none-any.whl").open("wb") as f:
        f.truncate(size)  # sparse: no disk space, no time


@pytest.mark.parametrize(("repository", "host"),
                         [(None, "pypi.org"), ("testpypi", "test.pypi.org")])
def test_size_fails_over_the_upload_limit(
        project: SampleProject, repository: str | None, host: str) -> None:
    """A file over 100 MiB fails for PyPI and TestPyPI, naming the file and its size."""
    make_sdist(project.root / "dist")
    _sparse_wheel(project.root / "dist", 101 * 1024 * 1024)
    finding = run(project, dists.dists_size, repository=repository)
    assert_fails(finding,
                 f"demo_pkg-1.2.0-py3-none-any.whl is 105.9 MB: over {host}'s 100 MiB limit")


def test_size_passes_under_the_limit_with_sizes(project: SampleProject) -> None:
    """Under the limit, the summary lists each file's size."""
    release(project)
    finding = run(project, dists.dists_size)
    assert finding.status is Status.PASS
    assert re.search(r"demo_pkg-1\.2\.0\.tar\.gz \(\d+ B\)", finding.summary)
    assert "all under the 100 MiB limit" in finding.summary


@pytest.mark.parametrize(("limit", "status", "summary"), [
    ('"200 MiB"', Status.PASS, "all under the 200 MiB limit"),
    ('"50 MiB"', Status.FAIL, "demo_pkg-1.2.0-py3-none-any.whl is 105.9 MB: over upload-limit "
                              "50 MiB limit"),
])
def test_size_follows_a_raised_upload_limit(tmp_path: Path, limit: str, status: Status,
                                            summary: str) -> None:
    """upload-limit in [tool.publish-checks] (a limit PyPI raised for the project) replaces
    the index's default, both ways."""
    project = SampleProject.create(tmp_path / "demo", extra_config=(
        f"\n[tool.publish-checks]\nupload-limit = {limit}\n"))
    make_sdist(project.root / "dist")
    _sparse_wheel(project.root / "dist", 101 * 1024 * 1024)
    finding = run(project, dists.dists_size)
    assert finding.status is status
    assert summary in finding.summary


@pytest.mark.parametrize("repository", ["https://pypi.example.invalid/legacy/", "local"])
def test_size_passes_for_indexes_without_a_known_limit(
        project: SampleProject, repository: str) -> None:
    """Other indexes have no known limit: pass, with sizes, saying so."""
    make_sdist(project.root / "dist")
    _sparse_wheel(project.root / "dist", 101 * 1024 * 1024)
    finding = run(project, dists.dists_size, repository=repository)
    assert finding.status is Status.PASS
    assert "(105.9 MB)" in finding.summary and "no upload limit is known" in finding.summary


# --- streaming ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["wheel", "sdist"])
def test_memory_stays_flat_for_a_large_member(project: SampleProject, kind: str) -> None:
    """Hashing and scanning a 50 MB member never holds more than a few MB at once."""
    size = 50 * 1024 * 1024
    release(project, kind, files={**FILES, "demo_pkg/big.dat": b"0123456789abcdef" * (size // 16)})
    context = project.context()
    context.release_dists()
    gc.collect()
    tracemalloc.start()
    try:
        contents, secrets = dists.dists_contents(context), dists.dists_secrets(context)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert contents.status is Status.PASS and secrets.status is Status.PASS, (contents, secrets)
    assert peak < size // 6, f"peak {peak / 1024 / 1024:.1f} MB"


def test_checks_never_write_outside_or_inside_dist(project: SampleProject) -> None:
    """Reading archives extracts nothing: the tree is unchanged after every check."""
    release(project, "wheel", files={**FILES, "../../escaped.py": "x", "/tmp/abs.py": "x"})
    before = sorted(p for p in project.root.parent.rglob("*") if ".git" not in p.parts)
    for check in CHECKS:
        run(project, check)
    after = sorted(p for p in project.root.parent.rglob("*") if ".git" not in p.parts)
    assert before == after


def test_a_correct_release_passes_every_dist_check_in_the_report(project: SampleProject) -> None:
    """Through run_checks, a correct release passes every dist check that reads dist/."""
    release(project)
    report = project.verify()
    assert {r.id: r.status for r in report.checks if r.id.startswith("dists-")} == {
        **{cid: Status.PASS for cid in ("dists-present", "dists-stale", "dists-metadata",
                                        "dists-archive", "dists-contents", "dists-secrets",
                                        "dists-size")},
        "dists-install": Status.SKIP,  # a plain verify installs nothing (no --install)
        "dists-abi": Status.SKIP,  # every wheel is pure Python
        "dists-attestations": Status.SKIP}  # none in dist/, and no CI here to sign


def test_an_archive_of_too_many_members_is_refused_not_listed(
        project: SampleProject, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past MAX_MEMBERS (a megabyte of gzip can hold millions of empty members), an archive
    is refused with a clear message instead of a member list that grows without bound."""
    monkeypatch.setattr(_archives, "MAX_MEMBERS", 2)
    release(project)
    finding = run(project, dists.dists_contents)
    assert finding.status is Status.FAIL
    assert "demo_pkg-1.2.0-py3-none-any.whl has more than 2 members: no release needs that " \
           "many, so it was not read further" in finding.summary

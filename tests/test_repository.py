"""Resolving --repository: named indexes, declared ones, .pypirc sections and URLs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from publish_checks import Status, UsageError
from publish_checks.project.config import load_config
from publish_checks.project.repository import PYPI_UPLOAD_LIMIT, index_url_for, resolve_target
from tests.builders import SampleProject

CORP = '''
[tool.publish-checks.repositories.corp]
upload-url = "https://pypi.corp.invalid/legacy"
token-variable = "CORP_TOKEN"
username = "ci-bot"

[tool.publish-checks.repositories.mirror]
upload-url = "https://nexus.invalid/repository/py/"
index-url = "https://nexus.invalid/repository/py-group/simple"
'''


def write_pypirc(text: str) -> Path:
    """A ~/.pypirc in the test's HOME (conftest points HOME at a folder not yet created)."""
    home = Path(os.environ["HOME"])
    home.mkdir(parents=True, exist_ok=True)
    path = home / ".pypirc"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def corp(tmp_path: Path) -> SampleProject:
    """The sample project declaring two custom repositories."""
    project = SampleProject.create(tmp_path / "demo", extra_config=CORP)
    project.commit()
    return project


@pytest.mark.parametrize(("name", "upload", "index", "variable", "host"), [
    ("pypi", "https://upload.pypi.org/legacy/", "https://pypi.org/simple/", "PYPI_API_KEY",
     "pypi.org"),
    ("testpypi", "https://test.pypi.org/legacy/", "https://test.pypi.org/simple/",
     "TEST_PYPI_API_KEY", "test.pypi.org"),
])
def test_named_indexes(project: SampleProject, name: str, upload: str, index: str,
                       variable: str, host: str) -> None:
    """pypi and testpypi resolve to their upload and simple URLs and token variables."""
    target = project.context(name).target
    assert (target.name, target.upload_url, target.index_url) == (name, upload, index)
    assert (target.username, target.token_variable, target.token_host) == (
        "__token__", variable, host)
    assert target.upload_limit == PYPI_UPLOAD_LIMIT
    assert target.project_url("demo-pkg", "1.2.0") == f"https://{host}/project/demo-pkg/1.2.0/"


def test_local_without_a_running_index_has_no_urls(project: SampleProject) -> None:
    """`local` outside a rehearsal has no URL yet and needs no token variable."""
    target = project.context("local").target
    assert target.is_local
    assert (target.upload_url, target.index_url, target.token_variable) == (None, None, None)


def test_local_with_the_rehearsal_url(project: SampleProject) -> None:
    """The rehearse session's URL (PUBLISH_CHECKS_LOCAL_URL) becomes upload and index URL."""
    ctx = project.context("local", env={"PUBLISH_CHECKS_LOCAL_URL": "http://127.0.0.1:8765"})
    target = ctx.target
    assert target.upload_url == "http://127.0.0.1:8765/"
    assert target.index_url == "http://127.0.0.1:8765/simple/"
    assert target.token_host is None
    assert target.upload_limit is None


def test_declared_repository(corp: SampleProject) -> None:
    """A [tool.publish-checks.repositories.NAME] table gives URLs, username and variable."""
    target = corp.context("corp").target
    assert target.upload_url == "https://pypi.corp.invalid/legacy/"
    assert target.index_url == "https://pypi.corp.invalid/simple/"
    assert (target.username, target.token_variable, target.token_host) == (
        "ci-bot", "CORP_TOKEN", None)


def test_declared_repository_with_its_own_index_url(corp: SampleProject) -> None:
    """An explicit index-url is used as given (with a trailing slash); a private index
    without a token-variable of its own gets none, never PyPI's."""
    target = corp.context("mirror").target
    assert target.index_url == "https://nexus.invalid/repository/py-group/simple/"
    assert target.token_variable is None


def test_configured_default_repository(tmp_path: Path) -> None:
    """repository in [tool.publish-checks] is used when --repository is not given."""
    project = SampleProject.create(tmp_path / "demo", extra_config=(
        '\n[tool.publish-checks]\nrepository = "testpypi"\n'))
    assert project.context().target.name == "testpypi"
    assert project.context("pypi").target.name == "pypi"


@pytest.mark.parametrize(("url", "token_host", "variable"), [
    ("https://upload.pypi.org/legacy/", "pypi.org", "PYPI_API_KEY"),
    ("https://test.pypi.org/legacy", "test.pypi.org", "TEST_PYPI_API_KEY"),
    ("https://pypi.example.invalid/legacy/", None, None),
])
def test_url_repository(project: SampleProject, url: str, token_host: str | None,
                        variable: str | None) -> None:
    """A URL is its own target; pypi.org hosts keep their token checks and variables, and
    another host has no token variable (PyPI's is never sent there)."""
    target = project.context(url).target
    assert target.upload_url == url.rstrip("/") + "/"
    assert target.token_host == token_host
    assert target.token_variable == variable


def test_url_without_host_is_a_usage_error(project: SampleProject) -> None:
    """`https:///legacy/` cannot be uploaded to: exit 2 with an example."""
    with pytest.raises(UsageError, match="has no host"):
        project.context("https:///legacy/")


def test_pypirc_section_is_a_repository(project: SampleProject) -> None:
    """A ~/.pypirc section name resolves to its repository URL and username."""
    write_pypirc("[distutils]\nindex-servers =\n    private\n\n[private]\n"
                 "repository = https://pypi.private.invalid/legacy/\nusername = alice\n")
    target = project.context("private").target
    assert target.upload_url == "https://pypi.private.invalid/legacy/"
    assert target.index_url == "https://pypi.private.invalid/simple/"
    assert target.username == "alice"
    assert target.pypirc_password == ""


def test_pypirc_section_without_url_is_a_usage_error(project: SampleProject) -> None:
    """A .pypirc section that names no repository URL cannot be used."""
    write_pypirc("[private]\nusername = alice\n")
    with pytest.raises(UsageError, match=r"section \[private\] of .* has no repository URL"):
        project.context("private")


def test_broken_pypirc_is_a_usage_error(project: SampleProject) -> None:
    """A .pypirc that configparser cannot read gives a clear error naming it."""
    path = write_pypirc("[private\nrepository = x\n")
    with pytest.raises(UsageError) as raised:
        project.context("private")
    assert str(path) in raised.value.message
    assert raised.value.exit_code == 2


def test_unknown_repository_lists_the_known_ones(corp: SampleProject) -> None:
    """An unknown name is a usage error listing every name that would work."""
    write_pypirc("[distutils]\nindex-servers = private\n\n[private]\n"
                 "repository = https://pypi.private.invalid/legacy/\n")
    with pytest.raises(UsageError) as raised:
        corp.context("prod")
    assert raised.value.message == (
        "unknown repository 'prod' (known: pypi, testpypi, local, corp, mirror, private)")
    assert "[tool.publish-checks.repositories.prod]" in raised.value.hint
    assert raised.value.exit_code == 2


@pytest.mark.parametrize(("upload", "index"), [
    ("https://upload.pypi.org/legacy/", "https://pypi.org/simple/"),
    ("https://test.pypi.org/legacy/", "https://test.pypi.org/simple/"),
    ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/simple/"),
    ("https://nexus.invalid/repository/py/", "https://nexus.invalid/repository/py/simple/"),
    ("https://host.invalid/simple/", "https://host.invalid/simple/"),
    ("https://host.invalid/legacy?x=1", "https://host.invalid/simple/"),
])
def test_index_url_for(upload: str, index: str) -> None:
    """The simple index is guessed from the upload URL the way common indexes lay them out."""
    assert index_url_for(upload) == index


def test_custom_index_project_url(corp: SampleProject) -> None:
    """Outside PyPI the project URL is the project's page on the simple index."""
    target = corp.context("corp").target
    assert target.project_url("demo-pkg", "1.2.0") == "https://pypi.corp.invalid/simple/demo-pkg/"


@pytest.mark.parametrize("name", ["pypi", "testpypi"])
def test_pypirc_password_for_pypi_is_a_token_source(project: SampleProject, name: str) -> None:
    """An old-style ~/.pypirc with a [pypi] password is what twine uploads with: pass."""
    write_pypirc(f"[{name}]\nusername = __token__\npassword = pypi-from-pypirc\n")
    assert project.context(name).target.pypirc_password
    result = project.verify(name).get("credentials-source")
    assert result.status is Status.PASS
    assert f"password from [{name}]" in result.summary


def test_broken_pypirc_does_not_stop_a_pypi_release(project: SampleProject) -> None:
    """For the built-in indexes an unreadable ~/.pypirc is just not a token source."""
    write_pypirc("[pypi\npassword = x\n")
    assert project.context("pypi").target.pypirc_password == ""


def test_resolve_target_reads_home_from_the_given_environment(project: SampleProject,
                                                              tmp_path: Path) -> None:
    """The .pypirc looked at is the one under the environment's HOME."""
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / ".pypirc").write_text(
        "[other]\nrepository = https://other.invalid/legacy/\n", encoding="utf-8")
    target = resolve_target("other", load_config(project.root),
                            {"HOME": str(tmp_path / "elsewhere")})
    assert target.upload_url == "https://other.invalid/legacy/"


def test_a_password_in_a_repository_url_is_kept_out_of_every_name(tmp_path: Path) -> None:
    """user:password@ is split off the URL: the target's name, URLs and repr hold no secret."""
    from publish_checks.project.urls import ParsedUrl, parse_url

    assert parse_url("https://alice:S3cret@host.example:8443/legacy/") == ParsedUrl(
        "https://host.example:8443/legacy/", "alice", "S3cret")
    assert parse_url("https://host.example/") == ParsedUrl("https://host.example/", None, "")
    project = SampleProject.create(tmp_path / "p")
    ctx = project.context("https://alice:S3cret@host.example/legacy/")
    assert "S3cret" not in ctx.target.name + repr(ctx.target) + str(ctx.target.index_url)
    assert ctx.target.username == "alice"
    assert ctx.token_lookup.token is not None and ctx.token_lookup.token.value == "S3cret"


def test_a_misspelt_repository_gets_a_suggestion(tmp_path: Path) -> None:
    """--repository tespypi is a usage error that suggests testpypi."""
    project = SampleProject.create(tmp_path / "p")
    with pytest.raises(UsageError) as caught:
        project.context("tespypi")
    assert caught.value.hint.startswith("did you mean 'testpypi'?")
    assert caught.value.exit_code == 2

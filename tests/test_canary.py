"""A canary token swept through every scenario the checks know: it never shows up.

Each scenario puts the canary where a real user's token would be (environment, credentials
file, a tracked file, inside a built archive, mangled in the ways users mangle it) and runs
`publish-checks verify` as text and as JSON. The output must hold neither the token nor
any 12-character piece of it.
"""

from __future__ import annotations

import os
import secrets
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


def in_pypirc(text: str, env: dict[str, str] | None = None) -> Setup:
    """~/.pypirc holding ``text`` (the token in it), and the environment ``env``."""
    def setup(project: SampleProject, token: str) -> dict[str, str]:
        home = Path(os.environ["HOME"])
        home.mkdir(parents=True, exist_ok=True)
        (home / ".pypirc").write_text(text.format(token=token), encoding="utf-8")
        return dict(env or {})
    return setup


def in_pyproject(extra: str) -> Setup:
    """``extra`` (the token in it) appended to pyproject.toml."""
    def setup(project: SampleProject, token: str) -> dict[str, str]:
        path = project.root / "pyproject.toml"
        path.write_text(path.read_text("utf-8") + extra.format(token=token), encoding="utf-8")
        return {}
    return setup


def env_with(**env: str) -> Setup:
    """The environment ``env``, where ``{token}`` stands for the token."""
    def setup(project: SampleProject, token: str) -> dict[str, str]:
        return {k: v.format(token=token) for k, v in env.items()}
    return setup


PRIVATE = "https://pypi.example.invalid/legacy/"


def plain_password() -> str:
    """A private index's password: nothing token-shaped for redaction to catch."""
    return "canary-" + secrets.token_hex(24)


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
    # twine's own variables, .pypirc passwords and passwords written into URLs.
    "TWINE_PASSWORD for pypi": (env_with(TWINE_PASSWORD="{token}"), make_token),
    "TWINE_PASSWORD for a private index": (env_with(
        TWINE_PASSWORD="{token}", TWINE_USERNAME="ci", TWINE_REPOSITORY_URL=PRIVATE),
        make_token),
    "PYPI_API_KEY beside a private index": (env_with(
        PYPI_API_KEY="{token}", TWINE_REPOSITORY_URL=PRIVATE), make_token),
    ".pypirc password for pypi": (in_pypirc(
        "[pypi]\nusername = __token__\npassword = {token}\n"), make_token),
    ".pypirc password for a private section": (in_pypirc(
        f"[corp]\nrepository = {PRIVATE}\npassword = {{token}}\n",
        {"TWINE_REPOSITORY": "corp"}), make_token),
    ".pypirc repository URL with a password": (in_pypirc(
        "[corp]\nrepository = https://__token__:{token}@pypi.example.invalid/legacy/\n",
        {"TWINE_REPOSITORY": "corp"}), make_token),
    "TWINE_REPOSITORY_URL with a password": (env_with(
        TWINE_REPOSITORY_URL="https://__token__:{token}@pypi.example.invalid/legacy/"),
        make_token),
    "upper-case HTTPS URL with a password": (env_with(
        TWINE_REPOSITORY_URL="HTTPS://__token__:{token}@pypi.example.invalid/legacy/"),
        make_token),
    "plain http URL with a password": (env_with(
        TWINE_REPOSITORY_URL="http://__token__:{token}@pypi.example.invalid/legacy/"),
        make_token),
    "upload-url with a password": (in_pyproject(
        '\n[tool.publish-checks]\nrepository = "corp"\n\n'
        '[tool.publish-checks.repositories.corp]\n'
        'upload-url = "https://__token__:{token}@pypi.example.invalid/legacy/"\n'), make_token),
    "password URL for pypi.org with a test.pypi.org token": (env_with(
        TWINE_REPOSITORY_URL="https://__token__:{token}@upload.pypi.org/legacy/"),
        lambda: make_token(location="test.pypi.org")),
    # Passwords that look like no token: only never passing them on keeps them hidden.
    "plain TWINE_PASSWORD for a private index": (env_with(
        TWINE_PASSWORD="{token}", TWINE_REPOSITORY_URL=PRIVATE), plain_password),
    "plain .pypirc password for a private section": (in_pypirc(
        f"[corp]\nrepository = {PRIVATE}\npassword = {{token}}\n",
        {"TWINE_REPOSITORY": "corp"}), plain_password),
    "plain password in a .pypirc repository URL": (in_pypirc(
        "[corp]\nrepository = https://ci:{token}@pypi.example.invalid/legacy/\n",
        {"TWINE_REPOSITORY": "corp"}), plain_password),
    "plain password in TWINE_REPOSITORY_URL": (env_with(
        TWINE_REPOSITORY_URL="HTTPS://ci:{token}@pypi.example.invalid/legacy/"), plain_password),
    "plain password in an upload-url": (in_pyproject(
        '\n[tool.publish-checks]\nrepository = "corp"\n\n'
        '[tool.publish-checks.repositories.corp]\n'
        'upload-url = "https://ci:{token}@pypi.example.invalid/legacy/"\n'), plain_password),
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


# Usage errors (exit 2) with the token where it does not belong: (arguments, environment).
Misuse = Callable[[SampleProject, str], tuple[list[str], dict[str, str]]]


def broken_pypirc(project: SampleProject, token: str) -> tuple[list[str], dict[str, str]]:
    in_pypirc("[corp]\nrepository = https://pypi.example.invalid/\n{token}\n")(project, token)
    return ["--repository", "corp"], {}


USAGE_ERRORS: dict[str, Misuse] = {
    "as the repository": lambda p, t: (["--repository", t], {}),
    "as a check id": lambda p, t: (["--skip", t], {}),
    "as a stray argument": lambda p, t: ([t], {}),
    "in TWINE_REPOSITORY": lambda p, t: ([], {"TWINE_REPOSITORY": t}),
    "as an ftp URL's password": lambda p, t: (
        ["--repository", f"ftp://__token__:{t}@host.invalid/"], {}),
    "in a URL with an unclosed bracket": lambda p, t: (
        ["--repository", f"https://__token__:{t}@[::1/legacy/"], {}),
    "read as a port": lambda p, t: (["--repository", f"https://__token__:{t}/legacy/"], {}),
    "in a URL with a port out of range": lambda p, t: (
        ["--repository", f"HTTPS://__token__:{t}@host.invalid:99999/"], {}),
    "in TWINE_REPOSITORY_URL with a bad port": lambda p, t: (
        [], {"TWINE_REPOSITORY_URL": f"https://__token__:{t}@host.invalid:port/"}),
    "in a URL without its scheme": lambda p, t: (
        ["--repository", f"__token__:{t}@host.invalid/legacy/"], {}),
    "on a line .pypirc cannot parse": broken_pypirc,
}


# Where the whole value is the secret, only its token shape can tell: a plain password
# given as a repository name is a name like any other.
WHOLE_VALUE = ("as the repository", "as a check id", "as a stray argument", "in TWINE_REPOSITORY")


@pytest.mark.parametrize(("scenario", "kind"), [
    (scenario, kind) for scenario in USAGE_ERRORS for kind in ("token", "plain password")
    if kind == "token" or scenario not in WHOLE_VALUE])
@pytest.mark.parametrize("output", ["text", "json"])
def test_the_token_never_appears_in_a_usage_error(
        scenario: str, kind: str, output: str, project: SampleProject,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A token or password typed into an option, or written where a URL or .pypirc line
    breaks, gives a usage error (exit 2) that holds no piece of it."""
    token = make_token() if kind == "token" else plain_password()
    args, env = USAGE_ERRORS[scenario](project, token)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    base = ["verify", "--project", str(project.root), "--offline",
            *(["--json"] if output == "json" else [])]
    code = main([*base, *args])
    captured = capsys.readouterr()
    assert code == 2, captured.err
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

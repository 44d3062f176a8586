"""What each child process gets of our environment (SPEC §6): no upload secret and no CI
identity but for the uploader and the signer, gh/glab their own token alone, git with
LC_ALL=C; everything a real setup needs (proxies, certificates, a company mirror, a build
backend's own settings) kept."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from publish_checks.checks import run_checks
from publish_checks.checks.report import Status
from publish_checks.frontend.standalone import StandaloneRunner
from publish_checks.project.children import Role, child_environment, looks_secret, withheld
from publish_checks.project.config import token_variables
from publish_checks.project.git import Git
from publish_checks.release.rehearse import LocalIndex
from tests.builders import SampleProject
from tests.e2e import CANARY, NOXFILE, run_nox
from tests.tokens import make_token

PYPI_TOKEN = make_token()  # made here: a literal would be a token in our own sdist
#: What the upload secret and the CI identity are held in: no role inherits the first
#: group; only the uploader and the signer get (parts of) the second.
SECRETS = {"PYPI_API_KEY": CANARY, "TEST_PYPI_API_KEY": CANARY, "TWINE_PASSWORD": CANARY,
           "pypi_api_key": CANARY,  # Windows knows no case in names
           "RELEASE_NOTES_HELPER": PYPI_TOKEN,  # a PyPI token under any name
           "TWINE_REPOSITORY_URL": f"https://user:{CANARY}@pkgs.example.org/",
           "UV_PUBLISH_TOKEN": CANARY, "HATCH_INDEX_AUTH": CANARY,
           "AWS_SECRET_ACCESS_KEY": CANARY, "NPM_TOKEN": CANARY, "DB_PASSWORD": CANARY,
           "OPENAI_API_KEY": CANARY}
IDENTITY = {"ACTIONS_ID_TOKEN_REQUEST_URL": "https://token.actions.example/abc",
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN": CANARY, "PYPI_ID_TOKEN": CANARY,
            "TESTPYPI_ID_TOKEN": CANARY, "SIGSTORE_ID_TOKEN": CANARY,
            "CUSTOM_AUDIENCE_ID_TOKEN": CANARY}
FORGE = {"GH_TOKEN": CANARY, "GITHUB_TOKEN": CANARY, "GITLAB_TOKEN": CANARY}
#: What real setups need, in every child: the tools' search path and home, the language,
#: a proxy, the certificates, pip's and uv's company mirror (its login included), git's
#: ssh agent, CI markers, a build backend's own variables.
KEPT = {"PATH": "/usr/bin:/bin", "HOME": "/home/dev", "LANG": "de_DE.UTF-8",
        "HTTPS_PROXY": "http://proxy.corp:3128", "no_proxy": "localhost,127.0.0.1",
        "SSL_CERT_FILE": "/etc/ssl/corp.pem", "REQUESTS_CA_BUNDLE": "/etc/ssl/corp.pem",
        "PIP_INDEX_URL": "https://mirror:pw@pypi.corp.example/simple/",
        "PIP_CERT": "/etc/ssl/corp.pem", "UV_INDEX_URL": "https://pypi.corp.example/simple/",
        "UV_INDEX_CORP_USERNAME": "mirror", "UV_INDEX_CORP_PASSWORD": "pw",
        "SSH_AUTH_SOCK": "/tmp/ssh-agent.sock", "GIT_SSH_COMMAND": "ssh -i ~/.ssh/deploy",
        "GIT_ASKPASS": "/usr/lib/git-core/askpass", "TMPDIR": "/tmp/dev", "CI": "true",
        "GITHUB_ACTIONS": "true", "SETUPTOOLS_SCM_PRETEND_VERSION": "1.2.0", "CFLAGS": "-O2",
        "TOKENIZERS_PARALLELISM": "false", "GOOGLE_APPLICATION_CREDENTIALS": "/run/gcp.json"}
PARENT = {**SECRETS, **IDENTITY, **FORGE, **KEPT, "LC_ALL": "de_DE.UTF-8",
          "TWINE_CERT": "/etc/ssl/corp.pem", "TWINE_USERNAME": "__token__",
          "VIRTUAL_ENV": "/home/dev/.venv", "PYTHONPATH": "/home/dev/src",
          "DEMO_UPLOAD_KEY": CANARY}
NO_SECRET = (Role.GIT, Role.BUILD, Role.GATE, Role.TOOL, Role.AUDIT, Role.SMOKE)


def env_of(role: Role) -> dict[str, str]:
    return child_environment(PARENT, role, hidden=["DEMO_UPLOAD_KEY"])


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_no_child_inherits_the_upload_secret(role: Role) -> None:
    """The token variables, the project's own token-variable and TWINE_PASSWORD reach no
    child, not even the uploader (its adapter gives it its one secret); what real setups
    need reaches every child."""
    env = env_of(role)
    for name in ("PYPI_API_KEY", "TEST_PYPI_API_KEY", "TWINE_PASSWORD", "pypi_api_key",
                 "DEMO_UPLOAD_KEY", "RELEASE_NOTES_HELPER", "UV_PUBLISH_TOKEN"):
        assert name not in env, name
    assert env.items() >= KEPT.items()


@pytest.mark.parametrize("role", NO_SECRET, ids=lambda r: r.value)
def test_git_builds_gates_tools_and_the_release_get_no_secret_at_all(role: Role) -> None:
    """git and its hooks, build backends, gates, tool environments and the smoke test get
    no secret, no CI identity and no forge token: no value of ours but the kept ones."""
    env = env_of(role)
    assert CANARY not in "".join(env.values())
    assert not [name for name in env if "ID_TOKEN" in name or name.startswith("TWINE_")]
    assert not {*SECRETS, *IDENTITY, *FORGE} & set(env)


def test_git_runs_with_lc_all_c() -> None:
    """git's messages are never translated: LC_ALL=C wins over the user's language, which
    stays in LANG for what its hooks print."""
    env = env_of(Role.GIT)
    assert env["LC_ALL"] == "C" and env["LANG"] == "de_DE.UTF-8"
    assert env_of(Role.BUILD)["LC_ALL"] == "de_DE.UTF-8"


def test_the_tools_dists_abi_quotes_run_with_lc_all_c() -> None:
    """auditwheel show and abi3audit (Role.AUDIT) answer untranslated, outside the caller's
    virtualenv; the other tool environments keep the user's language."""
    env = env_of(Role.AUDIT)
    assert env["LC_ALL"] == "C" and "VIRTUAL_ENV" not in env
    assert env_of(Role.TOOL)["LC_ALL"] == "de_DE.UTF-8"


def test_the_forge_cli_gets_its_own_token_and_nothing_else() -> None:
    """gh and glab get GH_TOKEN, GITHUB_TOKEN, GITLAB_TOKEN; no upload secret, no identity."""
    env = env_of(Role.FORGE)
    assert env.items() >= FORGE.items()
    assert not {*SECRETS, *IDENTITY} & set(env)


def test_the_signer_gets_the_identity_sigstore_signs_with() -> None:
    """pypi-attestations gets GitHub's OIDC request pair and GitLab's Sigstore token, never
    GitLab's PyPI ID tokens (they mint upload tokens), a forge token or an upload secret."""
    env = env_of(Role.SIGNER)
    assert set(env) & {*IDENTITY, *FORGE, *SECRETS} == {
        "ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "SIGSTORE_ID_TOKEN"}


def test_the_uploader_gets_the_pypi_identity_and_its_own_settings() -> None:
    """twine gets what trusted publishing needs (GitHub's request pair, GitLab's PyPI ID
    tokens) and its harmless settings (TWINE_CERT, TWINE_USERNAME); a TWINE_REPOSITORY_URL
    with a password, other tools' upload settings, Sigstore's token and the forge's are not
    its."""
    env = env_of(Role.UPLOADER)
    assert set(env) & {*IDENTITY, *FORGE, *SECRETS} == {
        "ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "PYPI_ID_TOKEN",
        "TESTPYPI_ID_TOKEN"}
    assert env["TWINE_CERT"] == "/etc/ssl/corp.pem" and env["TWINE_USERNAME"] == "__token__"
    assert "TWINE_CERT" not in env_of(Role.BUILD)


@pytest.mark.parametrize(("role", "gone"), [
    (Role.TOOL, {"VIRTUAL_ENV"}), (Role.AUDIT, {"VIRTUAL_ENV"}),
    (Role.SMOKE, {"VIRTUAL_ENV", "PYTHONPATH"}),
    (Role.BUILD, set()), (Role.GIT, set())], ids=lambda v: getattr(v, "value", ""))
def test_the_release_and_the_tools_run_in_their_own_virtualenv(role: Role, gone: set[str]
                                                               ) -> None:
    """A tool environment is made outside the caller's virtualenv, and the installed release
    sees no path of ours; others keep both."""
    env = env_of(role)
    assert {"VIRTUAL_ENV", "PYTHONPATH"} - set(env) == gone


@pytest.mark.parametrize(("name", "value", "secret"), [
    ("GH_TOKEN", "x", True), ("ACTIONS_RUNTIME_TOKEN", "x", True), ("MY_PASSWD", "x", True),
    ("SMTP_PASS", "x", True), ("CLIENT_SECRET", "x", True), ("STRIPE_APIKEY", "x", True),
    ("DEPLOY_PRIVATE_KEY", "x", True), ("ANYTHING", PYPI_TOKEN, True),
    ("TOKENIZERS_PARALLELISM", "false", False), ("GIT_ASKPASS", "/bin/askpass", False),
    ("SSH_AUTH_SOCK", "/tmp/agent", False), ("UV_INDEX_CORP_PASSWORD", "pw", False),
    ("PROJECT", "pypi-attestations-helper", False), ("KEYRING_BACKEND", "x", False),
], ids=lambda v: v if isinstance(v, str) and len(v) < 30 else "")
def test_what_looks_like_a_secret(name: str, value: str, secret: bool) -> None:
    """By name (a TOKEN, PASSWORD, PASS part, SECRET, an API or private key) or by value (a
    PyPI token); a word merely starting so, an askpass helper, an ssh agent, a mirror's
    login for uv and a name that merely starts with pypi- are not."""
    assert looks_secret(name, value) is secret


def test_withheld_names_the_secrets_alone() -> None:
    """What a role does not get because it is a secret: never a variable it drops for
    another reason (the caller's virtualenv), nor an ordinary one."""
    names = withheld(PARENT, Role.TOOL, hidden=["DEMO_UPLOAD_KEY"])
    assert "DEMO_UPLOAD_KEY" in names and "GH_TOKEN" in names
    assert "VIRTUAL_ENV" not in names and "PATH" not in names


CUSTOM = """
[tool.publish-checks]
token-variable = "DEMO_PYPI_KEY"

[tool.publish-checks.repositories.corp]
upload-url = "https://pkgs.corp.example/upload/"
token-variable = "CORP_UPLOAD_KEY"
"""


def test_the_projects_own_token_variables_reach_no_child(tmp_path: Path) -> None:
    """A custom token-variable (the project's, a repository's) looks like nothing, but the
    context withholds it from every child, and the runners from tool environments."""
    project = SampleProject.create(tmp_path / "demo", extra_config=CUSTOM)
    ctx = project.context(env={"DEMO_PYPI_KEY": CANARY, "CORP_UPLOAD_KEY": CANARY})
    assert set(ctx.secret_variables) == {"DEMO_PYPI_KEY", "CORP_UPLOAD_KEY"}
    for role in Role:
        assert CANARY not in ctx.child_env(role).values(), role
    assert set(token_variables(project.root)) == {"DEMO_PYPI_KEY", "CORP_UPLOAD_KEY"}
    assert token_variables(tmp_path / "no-project") == ()
    runner = StandaloneRunner({"PATH": "/bin", "DEMO_PYPI_KEY": CANARY, "CORP_UPLOAD_KEY": "x"},
                              hidden=token_variables(project.root))
    assert runner.tool_env() == {"PATH": "/bin"}


def test_git_and_its_hooks_get_lc_all_c_and_no_secret(project: SampleProject) -> None:
    """The real git, with what its hooks see: an alias that prints its environment shows
    LC_ALL=C and none of the upload secret, the identity or the project's token-variable."""
    environ = {**os.environ, **SECRETS, **IDENTITY, "LC_ALL": "de_DE.UTF-8"}
    ctx = project.context(env=environ)
    shown = ctx.git.run("-c", "alias.environment=!env", "environment")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert "LC_ALL=C" in lines
    assert CANARY not in shown.stdout and PYPI_TOKEN not in shown.stdout
    assert not [line for line in lines if line.startswith("ACTIONS_ID_TOKEN_")]
    assert Git(project.root).environment["LC_ALL"] == "C"  # without a context too


TRANSLATING_GIT = """\
#!{python}
# A git in another language: the same answers, its messages translated.
import subprocess, sys
done = subprocess.run([{git!r}, *sys.argv[1:]], capture_output=True, text=True)
sys.stdout.write(done.stdout)
sys.stderr.write(done.stderr.replace("outside repository", "außerhalb des Repositorys"))
sys.exit(done.returncode)
"""


def test_a_credentials_file_outside_the_repository_is_told_without_gits_words(
        project: SampleProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """credentials-file-ignored passes a credentials file outside the work tree by the paths
    themselves, whatever language git speaks; one inside still asks git's ignore rules."""
    real_git = subprocess.run(["which", "git"], capture_output=True, text=True,
                              check=True).stdout.strip()
    fake = tmp_path / "bin" / "git"
    fake.parent.mkdir()
    fake.write_text(TRANSLATING_GIT.format(python=sys.executable, git=real_git), "utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    project.write("pyproject.toml", (project.root / "pyproject.toml").read_text("utf-8")
                  + '\n[tool.publish-checks]\ncredentials-file = "../outside.env"\n')
    result = run_checks(project.context()).get("credentials-file-ignored")
    assert result.status is Status.PASS
    assert result.summary.endswith("/outside.env is outside the repository")
    project.write("pyproject.toml", (project.root / "pyproject.toml").read_text("utf-8")
                  .replace("../outside.env", "inside.env"))
    result = run_checks(project.context()).get("credentials-file-ignored")
    assert result.status is Status.SKIP and "git would not ignore inside.env" in result.summary


# End to end: real nox, git, build and pypiserver.

BACKEND = '''\
"""An in-tree build backend: setuptools', writing down the environment of each hook."""
import json
import os

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F403


def _record(hook):
    with open({record!r}, "a", encoding="utf-8") as out:
        out.write(json.dumps({{"hook": hook, "env": dict(os.environ)}}) + "\\n")


def build_sdist(sdist_directory, config_settings=None):
    _record("build_sdist")
    return _setuptools.build_sdist(sdist_directory, config_settings)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    _record("build_wheel")
    return _setuptools.build_wheel(wheel_directory, config_settings, metadata_directory)
'''
PRE_PUSH = '''\
#!{python}
"""A pre-push hook, as pre-commit installs one: it writes down its environment."""
import json
import os
import sys

sys.stdin.read()
with open({record!r}, "a", encoding="utf-8") as out:
    out.write(json.dumps({{"hook": "pre-push", "env": dict(os.environ)}}) + "\\n")
'''
#: What the children must get: a company mirror, a proxy setting, a backend's own switch.
PASSED_ON = {"PIP_INDEX_URL": "https://pypi.org/simple/", "NO_PROXY": "127.0.0.1,localhost",
             "DEMO_BUILD_FLAG": "on"}


@pytest.mark.e2e
def test_the_pre_push_hook_and_the_build_backend_get_no_secret(
        project: SampleProject, tmp_path: Path, envdir: Path, index: LocalIndex) -> None:
    """nox -s build publish -- --yes --push with the upload secret in PYPI_API_KEY,
    TWINE_PASSWORD and the project's own token-variable, and GitHub's and GitLab's identity
    variables set: the release goes out and is pushed, while the real in-tree build backend
    (sdist and wheel) and the real pre-push hook saw none of them — but the mirror, the proxy
    setting and the backend's own variable, and the hook LC_ALL=C."""
    record = tmp_path / "environments.jsonl"
    project.write("_backend/envdump.py", BACKEND.format(record=str(record)))
    project.write("MANIFEST.in", "graft _backend\n")
    pyproject = (project.root / "pyproject.toml").read_text("utf-8").replace(
        'build-backend = "setuptools.build_meta"',
        'build-backend = "envdump"\nbackend-path = ["_backend"]')
    project.write("pyproject.toml", pyproject + (
        f'\n[tool.publish-checks.repositories.corp]\nupload-url = "{index.url}"\n'
        'token-variable = "DEMO_INDEX_SECRET"\n'))
    project.write("noxfile.py", NOXFILE)
    head = project.commit("an in-tree backend")
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    project.git("remote", "add", "origin", str(remote))
    project.git("push", "-q", "-u", "origin", "main")
    hook = project.root / ".git" / "hooks" / "pre-push"
    hook.write_text(PRE_PUSH.format(python=sys.executable, record=str(record)), "utf-8")
    hook.chmod(0o755)
    run = run_nox(project.root, envdir, "-s", "build", "publish", "--", "--repository", "corp",
                  "--yes", "--push",
                  env={**PASSED_ON, "DEMO_INDEX_SECRET": CANARY, **IDENTITY})
    assert run.code == 0, run.output
    assert "Pushed main and v1.2.0 to origin" in run.output
    assert project.git("ls-remote", "origin", "refs/heads/main").split()[0] == head
    seen = [json.loads(line) for line in record.read_text("utf-8").splitlines()]
    assert {entry["hook"] for entry in seen} == {"build_sdist", "build_wheel", "pre-push"}
    for entry in seen:
        env = entry["env"]
        assert CANARY not in "".join(env.values()), entry["hook"]
        assert not {"PYPI_API_KEY", "TWINE_PASSWORD", "DEMO_INDEX_SECRET", *IDENTITY} & set(env)
        assert not [name for name in env if name.startswith("ACTIONS_ID_TOKEN_")]
        assert env.items() >= PASSED_ON.items(), entry["hook"]
    assert all(e["env"]["LC_ALL"] == "C" for e in seen if e["hook"] == "pre-push")

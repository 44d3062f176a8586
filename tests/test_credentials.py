"""credentials-*: where the token comes from, and whether its file can leak."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from publish_checks import Status
from publish_checks.project.credentials import Token, find_token, read_env_file, redact
from tests.builders import SampleProject

# Assembled at run time: a token-shaped literal in a shipped test file would (rightly) fail
# our own dists-secrets check on the sdist.
TOKEN = "pypi-" + "AgEIcHlwaS5vcmcCJDAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA"
OTHER_TOKEN = "pypi-" + "AgEIcHlwaS5vcmcCJDExMTExMTExLTExMTEtMTExMS0xMTExLTExMTExMTExMTExMQ"


def write_env(project: SampleProject, data: bytes | str, name: str = ".env.local") -> Path:
    path = project.root / name
    if isinstance(data, str):
        data = data.encode()
    path.write_bytes(data)
    path.chmod(0o600)
    return path


# credentials-source ---------------------------------------------------------------------


def test_environment_variable_wins_over_the_file(project: SampleProject) -> None:
    """A token exported in the environment is used even when the file holds another one."""
    write_env(project, f"PYPI_API_KEY={OTHER_TOKEN}\n")
    ctx = project.context(env={"PYPI_API_KEY": TOKEN})
    assert ctx.token_lookup.token is not None
    assert ctx.token_lookup.token.value == TOKEN
    result = project.verify(env={"PYPI_API_KEY": TOKEN}).get("credentials-source")
    assert result.status is Status.PASS
    assert "the environment" in result.summary


@pytest.mark.parametrize("content", [
    f"PYPI_API_KEY={TOKEN}\n",
    f'PYPI_API_KEY="{TOKEN}"\n',
    f"PYPI_API_KEY='{TOKEN}'\n",
    f"export PYPI_API_KEY={TOKEN}\n",
    f"# the release token\nOTHER=1\nPYPI_API_KEY={TOKEN}  # from pypi.org\n",
    f"PYPI_API_KEY={TOKEN}\r\nOTHER=1\r\n",
    f"\ufeffPYPI_API_KEY={TOKEN}\n",
], ids=["plain", "double-quoted", "single-quoted", "export", "comments", "crlf", "bom"])
def test_token_is_read_from_the_credentials_file(project: SampleProject, content: str) -> None:
    """Quotes, `export`, comments, CRLF line ends and a BOM all yield the bare token."""
    write_env(project, content)
    token = project.context().token_lookup.token
    assert token is not None
    assert token.value == TOKEN
    result = project.verify().get("credentials-source")
    assert result.status is Status.PASS
    assert "from .env.local" in result.summary


@pytest.mark.parametrize(("content", "expected"), [
    ("PYPI_API_KEY=\n", "PYPI_API_KEY is empty in .env.local"),
    ('PYPI_API_KEY=""\n', "PYPI_API_KEY is empty in .env.local"),
    ("PYPI_API_KEY\n", "PYPI_API_KEY is empty in .env.local"),
    (f'PYPI_API_KEY="{TOKEN}\n', "cannot be parsed (an unclosed quote?)"),
    (b"\x00\x01\x02binary\xff", ".env.local is not a text file"),
    (b"PYPI_API_KEY=caf\xe9\n", ".env.local is not UTF-8 text"),
    ("OTHER=1\n", ".env.local has no PYPI_API_KEY"),
], ids=["empty", "empty-quotes", "no-value", "unclosed-quote", "binary", "latin-1", "missing"])
def test_unusable_credentials_file_fails_and_says_why(project: SampleProject, content: str | bytes,
                                                       expected: str) -> None:
    """A credentials file that gives no token fails with what is wrong in it and the fix."""
    write_env(project, content)
    result = project.verify().get("credentials-source")
    assert result.status is Status.FAIL
    assert expected in result.summary
    assert "PYPI_API_KEY=pypi-" in result.hint


@pytest.mark.parametrize("repository", ["pypi", "testpypi", "https://upload.pypi.org/legacy/"])
def test_no_token_for_pypi_fails(project: SampleProject, repository: str) -> None:
    """Without any token source, publishing to PyPI or TestPyPI cannot work: fail."""
    result = project.verify(repository).get("credentials-source")
    assert result.status is Status.FAIL
    assert "does not exist" in result.summary
    assert "trusted publishing" in result.hint


def test_no_token_for_a_custom_index_warns(project: SampleProject) -> None:
    """A private index may be served by twine's keyring, so no secret only warns, and the fix
    names the index's own sources."""
    result = project.verify("https://pypi.example.invalid/legacy/").get("credentials-source")
    assert result.status is Status.WARN
    assert result.summary == (
        "no secret for pypi.example.invalid: no password in its URL or ~/.pypirc section, and "
        "TWINE_PASSWORD is not set; twine will ask its keyring")
    assert result.hint.startswith("give pypi.example.invalid its own secret: TWINE_PASSWORD, ")


def test_custom_index_with_credentials_file_lacking_the_variable_warns(
        project: SampleProject) -> None:
    """A .env.local holding other settings does not make a private index's check fail, and
    is not even read for PyPI's variable."""
    write_env(project, "DATABASE_URL=postgres://localhost/db\n")
    result = project.verify("https://pypi.example.invalid/legacy/").get("credentials-source")
    assert result.status is Status.WARN
    assert result.summary.startswith("no secret for pypi.example.invalid: ")
    assert "PYPI_API_KEY" not in result.summary


def test_local_repository_needs_no_token(project: SampleProject) -> None:
    """The embedded rehearsal index generates its own credentials."""
    result = project.verify("local").get("credentials-source")
    assert result.status is Status.PASS
    assert "embedded index" in result.summary


def test_github_actions_trusted_publishing_passes(project: SampleProject) -> None:
    """A GitHub Actions job with id-token permission can mint a token at upload time."""
    env = {"GITHUB_ACTIONS": "true",
           "ACTIONS_ID_TOKEN_REQUEST_URL": "https://token.actions.example.invalid/",
           "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "request-token"}
    result = project.verify(env=env).get("credentials-source")
    assert result.status is Status.PASS
    assert "GitHub Actions trusted publishing" in result.summary


def test_github_actions_needs_both_oidc_variables(project: SampleProject) -> None:
    """The request URL alone cannot mint a token (twine's `id` needs the request token too)."""
    env = {"GITHUB_ACTIONS": "true",
           "ACTIONS_ID_TOKEN_REQUEST_URL": "https://token.actions.example.invalid/"}
    assert project.verify(env=env).get("credentials-source").status is Status.FAIL


def test_github_actions_without_oidc_or_token_fails(project: SampleProject) -> None:
    """A GitHub Actions job with neither a secret nor id-token permission fails with the fix."""
    result = project.verify(env={"GITHUB_ACTIONS": "true"}).get("credentials-source")
    assert result.status is Status.FAIL
    assert "GitHub Actions" in result.summary
    assert "id-token: write" in result.hint


# Set in CI jobs but not cleared by the autouse fixture: each test below states its own.
CI_VARIABLES = ("GITLAB_CI", "CIRCLECI", "CIRCLE_OIDC_TOKEN_V2", "BUILDKITE",
                "BUILDKITE_AGENT_ACCESS_TOKEN")


@pytest.mark.parametrize(("repository", "variable"), [
    ("pypi", "PYPI_ID_TOKEN"), ("testpypi", "TESTPYPI_ID_TOKEN"),
    ("https://test.pypi.org/legacy/", "TESTPYPI_ID_TOKEN"),
])
def test_gitlab_id_token_for_the_targets_audience_passes(
        project: SampleProject, monkeypatch: pytest.MonkeyPatch, repository: str,
        variable: str) -> None:
    """GitLab's <AUDIENCE>_ID_TOKEN (pypi / testpypi), as twine's `id` reads it, is a source."""
    for name in CI_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    env = {"GITLAB_CI": "true", variable: "header.payload.signature"}
    result = project.verify(repository, env=env).get("credentials-source")
    assert result.status is Status.PASS, result.summary
    assert "GitLab CI trusted publishing" in result.summary


@pytest.mark.parametrize(("repository", "variable", "wanted"), [
    ("pypi", "TESTPYPI_ID_TOKEN", "PYPI_ID_TOKEN"),
    ("testpypi", "PYPI_ID_TOKEN", "TESTPYPI_ID_TOKEN"),
])
def test_gitlab_id_token_for_the_other_index_fails(
        project: SampleProject, monkeypatch: pytest.MonkeyPatch, repository: str,
        variable: str, wanted: str) -> None:
    """A TestPyPI ID token cannot publish to PyPI (nor the reverse): fail, naming the right one."""
    for name in CI_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    env = {"GITLAB_CI": "true", variable: "header.payload.signature"}
    result = project.verify(repository, env=env).get("credentials-source")
    assert result.status is Status.FAIL
    assert f"without {wanted}" in result.summary
    assert f"{wanted}:" in result.hint
    assert f"aud: {wanted.removesuffix('_ID_TOKEN').lower()}" in result.hint


def test_buildkite_job_token_is_not_trusted_publishing(project: SampleProject,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """BUILDKITE_AGENT_ACCESS_TOKEN is in every Buildkite job: it proves no OIDC publisher."""
    for name in CI_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    env = {"BUILDKITE": "true", "BUILDKITE_AGENT_ACCESS_TOKEN": "agent-token"}
    result = project.verify(env=env).get("credentials-source")
    assert result.status is Status.FAIL
    assert "no token" in result.summary


def test_circleci_oidc_token_is_not_trusted_publishing_for_pypi(
        project: SampleProject, monkeypatch: pytest.MonkeyPatch) -> None:
    """CircleCI can mint OIDC tokens, but PyPI takes no CircleCI trusted publishers."""
    for name in CI_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    env = {"CIRCLECI": "true", "CIRCLE_OIDC_TOKEN_V2": "header.payload.signature"}
    assert project.verify(env=env).get("credentials-source").status is Status.FAIL


def test_testpypi_reads_its_own_variable(project: SampleProject) -> None:
    """For testpypi the token variable is TEST_PYPI_API_KEY, not PYPI_API_KEY."""
    write_env(project, f"PYPI_API_KEY={OTHER_TOKEN}\nTEST_PYPI_API_KEY={TOKEN}\n")
    token = project.context("testpypi").token_lookup.token
    assert token is not None
    assert (token.variable, token.value) == ("TEST_PYPI_API_KEY", TOKEN)
    write_env(project, f"PYPI_API_KEY={OTHER_TOKEN}\n")
    result = project.verify("testpypi").get("credentials-source")
    assert result.status is Status.FAIL
    assert "has no TEST_PYPI_API_KEY" in result.summary


def test_configured_token_variable_is_used(tmp_path: Path) -> None:
    """token-variable in [tool.publish-checks] names the variable looked up everywhere."""
    project = SampleProject.create(tmp_path / "demo", extra_config=(
        '\n[tool.publish-checks]\ntoken-variable = "DEMO_UPLOAD_TOKEN"\n'))
    project.commit()
    write_env(project, f"PYPI_API_KEY={OTHER_TOKEN}\nDEMO_UPLOAD_TOKEN={TOKEN}\n")
    token = project.context().token_lookup.token
    assert token is not None
    assert (token.variable, token.value) == ("DEMO_UPLOAD_TOKEN", TOKEN)
    assert "DEMO_UPLOAD_TOKEN" in project.verify().get("credentials-source").summary


def test_configured_credentials_file_is_read(tmp_path: Path) -> None:
    """credentials-file in [tool.publish-checks] replaces .env.local."""
    project = SampleProject.create(tmp_path / "demo", extra_config=(
        '\n[tool.publish-checks]\ncredentials-file = "secrets/pypi.env"\n'))
    project.write(".gitignore", "secrets/\n")
    project.commit()
    (project.root / "secrets").mkdir()
    write_env(project, f"PYPI_API_KEY={TOKEN}\n", "secrets/pypi.env")
    report = project.verify()
    assert "from secrets/pypi.env" in report.get("credentials-source").summary
    assert report.get("credentials-file-permissions").status is Status.PASS
    assert report.get("credentials-file-ignored").status is Status.PASS


def test_pypirc_password_counts_as_a_source(project: SampleProject) -> None:
    """A .pypirc section with a password is a token source twine reads itself."""
    home = Path(os.environ["HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / ".pypirc").write_text("[corp]\nrepository = https://pypi.example.invalid/legacy/\n"
                                  "username = alice\npassword = s3cret\n", encoding="utf-8")
    result = project.verify("corp").get("credentials-source")
    assert result.status is Status.PASS
    assert "[corp]" in result.summary


def test_the_token_is_never_shown(project: SampleProject) -> None:
    """The summary gives the token's length and fingerprint, never its value."""
    write_env(project, f"PYPI_API_KEY={TOKEN}\n")
    report = project.verify()
    summary = report.get("credentials-source").summary
    assert f"{len(TOKEN)} characters" in summary
    assert all(TOKEN not in r.summary + r.hint for r in report.checks)
    assert TOKEN not in repr(project.context().token_lookup)


def test_redact_hides_given_secrets_and_token_shaped_text() -> None:
    """redact() replaces each given secret and anything that looks like a PyPI token."""
    text = redact(f"password {OTHER_TOKEN[5:]} and token {TOKEN}", (OTHER_TOKEN[5:],))
    assert OTHER_TOKEN[5:] not in text
    assert TOKEN not in text
    assert text.count("pypi-********") == 2


def test_find_token_reports_a_missing_file(tmp_path: Path) -> None:
    """No environment variable and no file: no token, no problem, and the file is named."""
    lookup = find_token("PYPI_API_KEY", tmp_path / ".env.local", {}, tmp_path)
    assert lookup.token is None
    assert lookup.file_exists is False
    assert lookup.problem == ""


def test_empty_environment_variable_falls_through_to_the_file(tmp_path: Path) -> None:
    """An exported but empty variable does not hide the token in the file."""
    (tmp_path / ".env.local").write_text(f"PYPI_API_KEY={TOKEN}\n", encoding="utf-8")
    lookup = find_token("PYPI_API_KEY", tmp_path / ".env.local", {"PYPI_API_KEY": ""}, tmp_path)
    assert lookup.token == Token(TOKEN, "PYPI_API_KEY", ".env.local")


def test_read_env_file_on_a_directory_says_what_it_is(tmp_path: Path) -> None:
    """An unreadable path gives a problem string, never an exception."""
    values, problem = read_env_file(tmp_path)
    assert values == {}
    assert problem == f"{tmp_path.name} is a directory, not a file"


@pytest.mark.skipif(os.name != "posix", reason="FIFOs are POSIX")
def test_read_env_file_on_a_fifo_returns_at_once(tmp_path: Path) -> None:
    """A FIFO named like the credentials file is refused, not read (which would hang)."""
    fifo = tmp_path / ".env.local"
    os.mkfifo(fifo)
    values, problem = read_env_file(fifo)
    assert values == {}
    assert problem == ".env.local is not a regular file (a FIFO, socket or device)"


def test_read_env_file_refuses_a_huge_file(tmp_path: Path) -> None:
    """A credentials file far larger than any real one is refused before dotenv parses it
    (python-dotenv takes seconds per megabyte)."""
    big = tmp_path / ".env.local"
    big.write_bytes(b"A=1\n" * 200_000)
    values, problem = read_env_file(big)
    assert values == {}
    assert problem.startswith(".env.local is 800.0 kB, more than the 262.1 kB")


# credentials-file-permissions -------------------------------------------------------------


def test_private_file_passes(project: SampleProject) -> None:
    """Mode 0600, owned by the current user, passes."""
    write_env(project, f"PYPI_API_KEY={TOKEN}\n").chmod(0o600)
    result = project.verify().get("credentials-file-permissions")
    assert result.status is Status.PASS
    assert "0600" in result.summary


@pytest.mark.parametrize(("mode", "who"), [
    (0o640, "group"), (0o604, "others"), (0o644, "group and others"), (0o660, "group"),
], ids=["0640", "0604", "0644", "0660"])
def test_file_open_to_group_or_others_fails(project: SampleProject, mode: int, who: str) -> None:
    """Any group or other permission bit fails, naming who can read it and `chmod 600`."""
    write_env(project, f"PYPI_API_KEY={TOKEN}\n").chmod(mode)
    result = project.verify().get("credentials-file-permissions")
    assert result.status is Status.FAIL
    assert f"readable by {who} (mode {mode:04o})" in result.summary
    assert result.hint == "chmod 600 .env.local"


def test_symlink_is_followed_and_its_target_named(project: SampleProject,
                                                 tmp_path: Path) -> None:
    """A credentials file that is a link is judged by its target, which the summary names."""
    target = tmp_path / "vault" / "pypi.env"
    target.parent.mkdir()
    target.write_text(f"PYPI_API_KEY={TOKEN}\n", encoding="utf-8")
    target.chmod(0o644)
    (project.root / ".env.local").symlink_to(target)
    result = project.verify().get("credentials-file-permissions")
    assert result.status is Status.FAIL
    assert str(target) in result.summary
    target.chmod(0o600)
    result = project.verify().get("credentials-file-permissions")
    assert result.status is Status.PASS
    assert str(target) in result.summary


def test_dangling_symlink_fails(project: SampleProject, tmp_path: Path) -> None:
    """A link to nothing is a credentials file that cannot be read: fail, not a traceback."""
    (project.root / ".env.local").symlink_to(tmp_path / "missing.env")
    result = project.verify().get("credentials-file-permissions")
    assert result.status is Status.FAIL
    assert "cannot be read" in result.summary


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_file_owned_by_another_user_fails(project: SampleProject) -> None:
    """A private file that belongs to someone else fails with a chown hint."""
    path = write_env(project, f"PYPI_API_KEY={TOKEN}\n")
    os.chown(path, 54321, -1)
    result = project.verify().get("credentials-file-permissions")
    assert result.status is Status.FAIL
    assert "user id 54321" in result.summary
    assert result.hint.startswith(f"chown {os.getuid()} .env.local")


def test_credentials_directory_is_named_as_a_directory(project: SampleProject) -> None:
    """A directory named .env.local is not "missing" nor "mode 0755": it is not a file."""
    (project.root / ".env.local").mkdir()
    report = project.verify()
    source = report.get("credentials-source")
    assert source.status is Status.FAIL
    assert ".env.local is a directory, not a file" in source.summary
    assert "does not exist" not in source.summary
    assert "move the .env.local directory away" in source.hint
    permissions = report.get("credentials-file-permissions")
    assert permissions.status is Status.WARN
    assert permissions.summary == ".env.local is a directory, not a file: no token is read from it"
    assert "mode" not in permissions.summary
    assert "move the .env.local directory away" in permissions.hint


def test_credentials_directory_does_not_hide_an_exported_token(project: SampleProject) -> None:
    """The environment's token still wins over a directory named like the credentials file."""
    (project.root / ".env.local").mkdir()
    result = project.verify(env={"PYPI_API_KEY": TOKEN}).get("credentials-source")
    assert result.status is Status.PASS


def test_permissions_skip_without_a_file(project: SampleProject) -> None:
    """No credentials file: nothing to protect, and the skip names the file it looked for."""
    result = project.verify().get("credentials-file-permissions")
    assert result.status is Status.SKIP
    assert ".env.local" in result.summary


# credentials-file-ignored -----------------------------------------------------------------


def test_ignored_file_passes(project: SampleProject) -> None:
    """The sample .gitignore ignores .env.*, so .env.local passes."""
    write_env(project, f"PYPI_API_KEY={TOKEN}\n")
    result = project.verify().get("credentials-file-ignored")
    assert result.status is Status.PASS
    assert "git ignores .env.local" in result.summary


def test_file_not_ignored_fails(project: SampleProject) -> None:
    """A credentials file git would add fails, with the .gitignore line to add."""
    project.write(".gitignore", "dist/\n")
    project.commit()
    write_env(project, f"PYPI_API_KEY={TOKEN}\n")
    result = project.verify().get("credentials-file-ignored")
    assert result.status is Status.FAIL
    assert "git does not ignore .env.local" in result.summary
    assert ".gitignore" in result.hint


def test_tracked_file_is_judged_by_the_ignore_rules(project: SampleProject) -> None:
    """A tracked file matching .gitignore still counts as ignored (untracked reports the leak)."""
    write_env(project, f"PYPI_API_KEY={TOKEN}\n")
    project.git("add", "-f", ".env.local")
    assert project.verify().get("credentials-file-ignored").status is Status.PASS


def test_absent_and_not_ignored_skips_with_advice(project: SampleProject) -> None:
    """Before the file exists, a missing ignore rule is a skip that says to add it."""
    project.write(".gitignore", "dist/\n")
    project.commit()
    result = project.verify().get("credentials-file-ignored")
    assert result.status is Status.SKIP
    assert "add '.env.local'" in result.summary


@pytest.mark.parametrize("check_id", ["credentials-file-ignored", "credentials-file-untracked"])
def test_git_credential_checks_skip_outside_a_repository(project: SampleProject,
                                                         check_id: str) -> None:
    """Without git there is nothing to ignore or track: skip, and say so."""
    shutil.rmtree(project.root / ".git")
    result = project.verify().get(check_id)
    assert result.status is Status.SKIP
    assert result.summary == "not a git repository"


def test_file_outside_the_repository_passes(tmp_path: Path) -> None:
    """A credentials file kept outside the work tree can never be committed."""
    project = SampleProject.create(tmp_path / "demo", extra_config=(
        '\n[tool.publish-checks]\ncredentials-file = "../pypi.env"\n'))
    project.commit()
    (tmp_path / "pypi.env").write_text(f"PYPI_API_KEY={TOKEN}\n", encoding="utf-8")
    report = project.verify()
    assert report.get("credentials-source").status is Status.PASS
    result = report.get("credentials-file-ignored")
    assert result.status is Status.PASS
    assert "outside the repository" in result.summary
    assert report.get("credentials-file-untracked").status is Status.PASS


# credentials-file-untracked ---------------------------------------------------------------


def test_never_committed_file_passes(project: SampleProject) -> None:
    """A file that exists only in the working tree passes."""
    write_env(project, f"PYPI_API_KEY={TOKEN}\n")
    result = project.verify().get("credentials-file-untracked")
    assert result.status is Status.PASS
    assert "never committed" in result.summary


def test_tracked_file_fails(project: SampleProject) -> None:
    """A committed credentials file fails and says to revoke the token."""
    write_env(project, f"PYPI_API_KEY={TOKEN}\n")
    project.git("add", "-f", ".env.local")
    project.git("commit", "-q", "-m", "oops")
    result = project.verify().get("credentials-file-untracked")
    assert result.status is Status.FAIL
    assert ".env.local is tracked by git" in result.summary
    assert "git rm --cached .env.local" in result.hint
    assert "revoke" in result.hint


def test_staged_file_fails_even_before_the_first_commit(tmp_path: Path) -> None:
    """A credentials file added to the index of a brand-new repository is already tracked."""
    project = SampleProject.create(tmp_path / "demo")
    write_env(project, f"PYPI_API_KEY={TOKEN}\n")
    project.git("add", "-f", ".env.local")
    result = project.verify().get("credentials-file-untracked")
    assert result.status is Status.FAIL
    assert "tracked by git" in result.summary


def test_file_removed_after_a_commit_fails_naming_the_commit(project: SampleProject) -> None:
    """A token once committed stays in history: fail, naming the commit that holds it."""
    write_env(project, f"PYPI_API_KEY={TOKEN}\n")
    project.git("add", "-f", ".env.local")
    project.git("commit", "-q", "-m", "add secrets by mistake")
    leaked = project.git("rev-parse", "--short", "HEAD")
    project.git("rm", "-q", "--cached", ".env.local")
    project.git("commit", "-q", "-m", "remove secrets")
    result = project.verify().get("credentials-file-untracked")
    assert result.status is Status.FAIL
    assert f"commit {leaked}" in result.summary
    assert "filter-repo" in result.hint


def test_file_committed_on_another_branch_fails(project: SampleProject) -> None:
    """History on any ref counts, not just the current branch."""
    project.git("switch", "-q", "-c", "experiment")
    write_env(project, f"PYPI_API_KEY={TOKEN}\n")
    project.git("add", "-f", ".env.local")
    project.git("commit", "-q", "-m", "add secrets on a branch")
    leaked = project.git("rev-parse", "--short", "HEAD")
    project.git("switch", "-q", "main")
    write_env(project, f"PYPI_API_KEY={TOKEN}\n")
    assert project.git("branch", "--show-current") == "main"
    result = project.verify().get("credentials-file-untracked")
    assert result.status is Status.FAIL
    assert f"commit {leaked}" in result.summary

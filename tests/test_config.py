"""[tool.publish-checks]: read once, validated, every mistake a clear exit-2 error."""

from __future__ import annotations

from pathlib import Path

import pytest

from publish_checks import ConfigError, Context, Status, UsageError
from publish_checks.checks import load_context
from publish_checks.project.config import RepositoryConfig, default_repair, load_config
from tests.builders import SampleProject

MINIMAL = '[project]\nname = "demo-pkg"\nversion = "1.2.0"\n'


def config_error(tmp_path: Path, toml: str) -> ConfigError:
    (tmp_path / "pyproject.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path)
    assert raised.value.exit_code == 2
    return raised.value


def test_defaults_without_a_tool_table(tmp_path: Path) -> None:
    """Every key is optional; the defaults are SPEC §3's."""
    (tmp_path / "pyproject.toml").write_text(MINIMAL, encoding="utf-8")
    config = load_config(tmp_path)
    assert config.has_pyproject
    assert config.project_name == "demo-pkg"
    assert config.static_version == "1.2.0"
    assert (config.credentials_file, config.repository, config.token_variable) == (
        ".env.local", None, None)  # no repository: twine's variables, else pypi
    assert (config.release_branch, config.changelog, config.version_file) == (None, None, None)
    assert (config.smoke_tests, config.skip, config.repositories) == ((), (), {})


def test_every_key_is_read(tmp_path: Path) -> None:
    """Each documented key lands in the Config, with TOML arrays as tuples."""
    (tmp_path / "pyproject.toml").write_text(MINIMAL + '''
[tool.publish-checks]
credentials-file = "secrets/.env"
token-variable = "DEMO_TOKEN"
repository = "testpypi"
release-branch = "stable"
changelog = "docs/changes.rst"
version-file = "src/VERSION"
smoke-test = ["demo", "--version"]
skip = ["git-branch", "changelog-entry"]

[tool.publish-checks.repositories.corp]
upload-url = "https://pypi.example.invalid/legacy/"
token-variable = "CORP_TOKEN"
''', encoding="utf-8")
    config = load_config(tmp_path)
    assert config.credentials_file == "secrets/.env"
    assert config.token_variable == "DEMO_TOKEN"
    assert config.repository == "testpypi"
    assert config.release_branch == "stable"
    assert config.changelog == "docs/changes.rst"
    assert config.version_file == "src/VERSION"
    assert config.smoke_tests == (("demo", "--version"),)
    assert config.skip == ("git-branch", "changelog-entry")
    assert config.repositories == {"corp": RepositoryConfig(
        "corp", "https://pypi.example.invalid/legacy/", token_variable="CORP_TOKEN")}


def test_string_lists_may_be_shell_strings(tmp_path: Path) -> None:
    """smoke-test and skip also accept one shell-like string."""
    (tmp_path / "pyproject.toml").write_text(
        MINIMAL + '[tool.publish-checks]\nsmoke-test = "python -c \'import demo_pkg\'"\n'
        'skip = "git-branch git-tag"\n', encoding="utf-8")
    config = load_config(tmp_path)
    assert config.smoke_tests == (("python", "-c", "import demo_pkg"),)
    assert config.skip == ("git-branch", "git-tag")


@pytest.mark.parametrize(("key", "suggestion"), [
    ("credential-file", "did you mean 'credentials-file'?"),
    ("release_branch", "did you mean 'release-branch'?"),
    ("repositry", "did you mean 'repository'?"),
    ("colour", "known keys: credentials-file, "),
])
def test_unknown_key_suggests_the_right_one(tmp_path: Path, key: str, suggestion: str) -> None:
    """A misspelt key is an error whose fix names the key that was meant."""
    error = config_error(tmp_path, MINIMAL + f'[tool.publish-checks]\n{key} = "x"\n')
    assert error.message == f"unknown key '{key}' in [tool.publish-checks]"
    assert error.hint.startswith(suggestion)


@pytest.mark.parametrize(("line", "expected"), [
    ("credentials-file = 1", "tool.publish-checks.credentials-file must be a non-empty string"),
    ('token-variable = ""', "tool.publish-checks.token-variable must be a non-empty string"),
    ("release-branch = true", "tool.publish-checks.release-branch must be a non-empty string"),
    ("repository = ['pypi']", "tool.publish-checks.repository must be a non-empty string"),
    ("skip = [1]", "tool.publish-checks.skip must be a list of strings"),
    ("skip = 3", "tool.publish-checks.skip must be a list of strings"),
    ("smoke-test = {cmd = 'x'}", "tool.publish-checks.smoke-test must be a list of strings"),
    ("repositories = 'corp'", "tool.publish-checks.repositories must be a table of tables"),
    ("repositories = {corp = 'https://x'}",
     "tool.publish-checks.repositories.corp must be a table"),
])
def test_wrong_types_are_rejected(tmp_path: Path, line: str, expected: str) -> None:
    """A value of the wrong type is an error naming the key and how to write it."""
    error = config_error(tmp_path, MINIMAL + f"[tool.publish-checks]\n{line}\n")
    assert error.message.startswith(expected)
    assert "pyproject.toml" in error.hint or "[tool.publish-checks" in error.hint


def test_unknown_skip_id_suggests_the_right_one(tmp_path: Path) -> None:
    """skip only takes SPEC §4 ids; a near miss is named."""
    (tmp_path / "pyproject.toml").write_text(
        MINIMAL + '[tool.publish-checks]\nskip = ["git-tags"]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_context(tmp_path, None, environ={})
    error = raised.value
    assert error.exit_code == 2
    assert error.message == "unknown check id 'git-tags' in tool.publish-checks.skip"
    assert error.hint == "did you mean 'git-tag'?"


def test_configured_skip_is_reported_as_such(tmp_path: Path) -> None:
    """A check skipped in pyproject.toml is a skip that says where it was skipped."""
    project = SampleProject.create(tmp_path / "demo", extra_config=(
        '\n[tool.publish-checks]\nskip = ["credentials-source"]\n'))
    project.commit()
    result = project.verify().get("credentials-source")
    assert result.status is Status.SKIP
    assert result.summary == "skipped by [tool.publish-checks] skip"


@pytest.mark.parametrize(("table", "expected", "hint"), [
    ("[tool.publish-checks.repositories.corp]\nindex-url = 'https://x/simple/'\n",
     "[tool.publish-checks.repositories.corp] has no upload-url", "add upload-url"),
    ("[tool.publish-checks.repositories.corp]\nupload_url = 'https://x/'\n",
     "unknown key 'upload_url' in [tool.publish-checks.repositories.corp]",
     "did you mean 'upload-url'?"),
    ("[tool.publish-checks.repositories.corp]\nupload-url = 'pypi.example.invalid/legacy/'\n",
     "tool.publish-checks.repositories.corp.upload-url must be an http(s) URL", "https://"),
    ("[tool.publish-checks.repositories.corp]\nupload-url = 'https://x/'\nusername = 7\n",
     "tool.publish-checks.repositories.corp.username must be a non-empty string", "username"),
], ids=["no-upload-url", "misspelt-key", "not-a-url", "bad-username"])
def test_repositories_are_validated(tmp_path: Path, table: str, expected: str,
                                    hint: str) -> None:
    """Declared repositories need an upload URL and only know their four keys."""
    error = config_error(tmp_path, MINIMAL + table)
    assert error.message.startswith(expected)
    assert hint in error.hint


def test_repository_username_defaults_to_token(tmp_path: Path) -> None:
    """A declared repository without username uses __token__."""
    (tmp_path / "pyproject.toml").write_text(
        MINIMAL + "[tool.publish-checks.repositories.corp]\nupload-url = 'https://x/legacy/'\n",
        encoding="utf-8")
    assert load_config(tmp_path).repositories["corp"].username == "__token__"


def test_unparsable_pyproject_names_the_file_and_line(tmp_path: Path) -> None:
    """A TOML syntax error is a ConfigError naming the file and where it broke."""
    error = config_error(tmp_path, '[project]\nname = "demo-pkg\n')
    assert str(tmp_path / "pyproject.toml") in error.message
    assert "line 2" in error.message
    assert "TOML" in error.hint


def test_binary_pyproject_is_a_config_error(tmp_path: Path) -> None:
    """A pyproject.toml that is not UTF-8 text is a ConfigError, not a traceback."""
    (tmp_path / "pyproject.toml").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(ConfigError, match="is not UTF-8 text"):
        load_config(tmp_path)


def test_pyproject_with_bom_is_read(tmp_path: Path) -> None:
    """A byte-order mark from a Windows editor does not break the configuration."""
    (tmp_path / "pyproject.toml").write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert load_config(tmp_path).project_name == "demo-pkg"


@pytest.mark.parametrize(("toml", "expected"), [
    ('project = "demo"\n', "[project] in pyproject.toml must be a table"),
    ('tool = "nothing"\n', "[tool] in pyproject.toml must be a table"),
    ('[tool]\npublish-checks = ["x"]\n', "[tool.publish-checks] must be a table"),
])
def test_tables_of_the_wrong_type(tmp_path: Path, toml: str, expected: str) -> None:
    """[project], [tool] and [tool.publish-checks] must be tables."""
    assert config_error(tmp_path, toml).message == expected


def test_setup_py_only_project_has_a_default_config(tmp_path: Path) -> None:
    """Without pyproject.toml the defaults apply and verify still runs every check."""
    project = SampleProject.create(tmp_path / "demo")
    (project.root / "pyproject.toml").unlink()
    project.write("setup.py", "from setuptools import setup\nsetup(name='demo-pkg')\n")
    project.commit()
    config = load_config(project.root)
    assert not config.has_pyproject
    assert config.project_name is None
    report = project.verify()
    assert report.get("version-file").status is Status.PASS  # VERSION is still there
    assert report.get("changelog-entry").status is Status.PASS


@pytest.mark.parametrize("make", ["missing", "file"])
def test_project_that_is_not_a_directory_is_a_usage_error(tmp_path: Path, make: str) -> None:
    """--project pointing at nothing, or at a file, is a usage mistake: exit 2."""
    path = tmp_path / "demo"
    if make == "file":
        path.write_text("", encoding="utf-8")
    with pytest.raises(UsageError) as raised:
        Context.load(path, None, environ={})
    assert raised.value.exit_code == 2
    what = "is not a directory" if make == "file" else "does not exist"
    assert raised.value.message == f"project directory {path} {what}"
    assert raised.value.hint == ("pass --project the folder that holds the project's "
                                 "pyproject.toml or setup.py")


def test_smoke_test_takes_one_command_or_a_list_of_commands(tmp_path: Path) -> None:
    """smoke-test is one command, or a list of them (SPEC §3); each is an argv."""
    (tmp_path / "pyproject.toml").write_text(MINIMAL + '[tool.publish-checks]\nsmoke-test = '
                                             '[["demo", "--version"], ["demo", "--help"]]\n'
                                             'smoke-skip-modules = ["demo.gui"]\n'
                                             'wheel-exclude = ["demo/fixtures/*"]\n',
                                             encoding="utf-8")
    config = load_config(tmp_path)
    assert config.smoke_tests == (("demo", "--version"), ("demo", "--help"))
    assert config.smoke_skip_modules == ("demo.gui",)
    assert config.wheel_exclude == ("demo/fixtures/*",)


@pytest.mark.parametrize(("value", "expected"), [
    ("209715200", 209715200), ('"200 MiB"', 200 * 2**20), ('"1 GB"', 10**9),
])
def test_upload_limit_is_a_size(tmp_path: Path, value: str, expected: int) -> None:
    """upload-limit (an index's raised limit) is bytes, or a number with a unit."""
    (tmp_path / "pyproject.toml").write_text(
        MINIMAL + f"[tool.publish-checks]\nupload-limit = {value}\n", encoding="utf-8")
    assert load_config(tmp_path).upload_limit == expected


@pytest.mark.parametrize(("line", "message"), [
    ('upload-limit = "lots"', "tool.publish-checks.upload-limit must be a size"),
    ("upload-limit = -5", "tool.publish-checks.upload-limit must be a size"),
    ("smoke-test = []", "tool.publish-checks.smoke-test is an empty command"),
    ('smoke-test = [["a"], []]', "tool.publish-checks.smoke-test[1] is an empty command"),
    ('smoke-test = [["a"], [1]]', "tool.publish-checks.smoke-test[1] must be a list of strings"),
])
def test_bad_new_keys_are_config_errors(tmp_path: Path, line: str, message: str) -> None:
    """A wrong value for the newer keys is a configuration error naming the key."""
    error = config_error(tmp_path, MINIMAL + f"[tool.publish-checks]\n{line}\n")
    assert error.message.startswith(message), error.message


@pytest.mark.parametrize(("platform", "expected"), [
    ("linux", "auditwheel"), ("darwin", "delocate"), ("win32", "none")])
def test_repair_defaults_to_the_platform_tool(platform: str, expected: str) -> None:
    """Without ``repair``, Linux repairs with auditwheel, macOS with delocate, Windows not."""
    assert default_repair(platform) == expected


def test_repair_is_read_and_a_typo_gets_did_you_mean(tmp_path: Path) -> None:
    """``repair = "none"`` is kept; a misspelt tool is refused with the closest name."""
    (tmp_path / "pyproject.toml").write_text(
        MINIMAL + '[tool.publish-checks]\nrepair = "none"\n', encoding="utf-8")
    assert load_config(tmp_path).repair == "none"
    error = config_error(tmp_path, MINIMAL + '[tool.publish-checks]\nrepair = "auditweel"\n')
    assert error.message == ("tool.publish-checks.repair must be one of auditwheel, delocate, "
                             "delvewheel, none, not 'auditweel'")
    assert error.hint == "did you mean 'auditwheel'?"


def test_diff_and_diff_allow_are_read(tmp_path: Path) -> None:
    """``diff = "fail"`` and the named changes of ``diff-allow`` are kept as written."""
    (tmp_path / "pyproject.toml").write_text(
        MINIMAL + '[tool.publish-checks]\ndiff = "fail"\n'
        'diff-allow = ["module:pkg.old", "requires-python", "tag:cp39-*"]\n',
        encoding="utf-8")
    config = load_config(tmp_path)
    assert (config.diff, config.diff_allow) == (
        "fail", ("module:pkg.old", "requires-python", "tag:cp39-*"))


def test_diff_allow_names_a_kind_of_change(tmp_path: Path) -> None:
    """An entry whose kind index-diff never reports is refused with the closest kind."""
    error = config_error(tmp_path, MINIMAL + '[tool.publish-checks]\n'
                         'diff-allow = ["modul:pkg.old"]\n')
    assert error.message.startswith("tool.publish-checks.diff-allow: 'modul:pkg.old' names "
                                    "no kind of change")
    assert error.hint == "did you mean 'module'?"
    error = config_error(tmp_path, MINIMAL + '[tool.publish-checks]\ndiff = "error"\n')
    assert error.message == ("tool.publish-checks.diff must be one of warn, fail, not "
                             "'error'")

"""dists-secrets' verdicts: a real credential fails wherever it is, a credential file with
placeholder values in a test or docs folder warns, and secrets-allow lets the maintainer
vouch for a file, never for a real credential.

Tokens are made when the tests run: publish-checks' own sdist ships this file.
"""

from __future__ import annotations

import random
import re
import string
import zlib
from pathlib import Path

import pytest

from publish_checks._errors import ConfigError
from publish_checks.checks import dists
from publish_checks.checks.report import Finding, Status
from publish_checks.dists.placeholders import is_placeholder, only_placeholders
from publish_checks.project.config import SecretAllow, load_config
from tests.builders import SampleProject
from tests.distbuilders import default_files, make_sdist, make_wheel
from tests.e2e import NOXFILE, run_nox
from tests.tokens import make_token

FILES = default_files()
WHEEL, SDIST = "demo_pkg-1.2.0-py3-none-any.whl", "demo_pkg-1.2.0.tar.gz"
HTTPX_NETRC = "machine netrcexample.org\nlogin example-username\npassword example-password\n"
REAL_NETRC = "machine pypi.example.org login maintainer password Qv7rLm2Xk9Tz\n"
_random = random.Random(15)  # noqa: S311 (fake values, not secrets)


def github_token() -> str:
    """A classic GitHub token: 30 random base62 characters and their base62 CRC32."""
    base62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
    body = "".join(_random.choice(string.ascii_letters + string.digits) for _ in range(30))
    crc, tail = zlib.crc32(body.encode()), ""
    for _ in range(6):
        crc, digit = divmod(crc, 62)
        tail = base62[digit] + tail
    return "ghp_" + body + tail


def release(project: SampleProject, files: dict[str, str], where: str = "both") -> None:
    """The sample release in dist/, ``files`` added to its wheel, its sdist or both."""
    dist = project.root / "dist"
    make_wheel(dist, files={**FILES, **files} if where != "sdist" else FILES)
    make_sdist(dist, files={**FILES, **files} if where != "wheel" else FILES)


def allow(project: SampleProject, *entries: tuple[str, str]) -> None:
    """secrets-allow entries (path, reason) in the project's pyproject.toml."""
    listed = ", ".join(f'{{path = "{p}", reason = "{r}"}}' for p, r in entries)
    path = project.root / "pyproject.toml"
    path.write_text(path.read_text("utf-8") + f"\n[tool.publish-checks]\nsecrets-allow = "
                    f"[{listed}]\n", encoding="utf-8")


def check(project: SampleProject) -> Finding:
    return dists.dists_secrets(project.context())


# --- placeholders ------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "", "x", "xxxxxxxx", "********", "example-password", "EXAMPLE", "dummy", "test123",
    "fake_token", "changeme", "change_me", "<your PyPI token>", "${PYPI_TOKEN}", "$TOKEN",
    "%(password)s", "{{ secrets.TOKEN }}", "password", "s3cr3t", "p4ssw0rd", "secret-key",
    "hunter2", "admin", "your-token-here", "django-insecure-0p9#x", "pypi-AgEIcHlwaS5vcmc",
    "REPLACE_ME", "…"])
def test_evident_placeholders(value: str) -> None:
    """What fixtures and docs write instead of a value is a placeholder."""
    assert is_placeholder(value)


@pytest.mark.parametrize("value", ["Qv7rLm2Xk9Tz", "Tr0ub4dor&3", "9fK2mQ7xL5pZ3vB8",
                                   "correct horse battery staple"])
def test_real_looking_values_are_not_placeholders(value: str) -> None:
    """A value that could be someone's password is not a placeholder."""
    assert not is_placeholder(value)


def test_a_pypi_value_that_parses_is_no_placeholder() -> None:
    """A pypi- value that is a real macaroon is never taken for an example, also when its
    random bytes happen to spell a placeholder's word (about one token in 90 did)."""
    assert not is_placeholder(make_token())
    spelling = next(token for token in (make_token(identifier=f"id-{n}") for n in range(500))
                    if re.search(r"foo|bar|baz|xxx|1234|abcd|test|your", token[5:].lower()))
    assert not is_placeholder(spelling)


@pytest.mark.parametrize("value", ["a3f91234c0de5b7e9f2d", "Qv7rLbarXk9Tz2m8",
                                   "0000f9c2a7d4b1e8c3a6", "kT9fooW2mZ4pQ7xRb3Nv"])
def test_a_short_word_in_a_generated_value_is_chance(value: str) -> None:
    """A key of random letters and digits that holds "bar" or "1234" by chance (the old rule
    judged one 40-character key in 100 a placeholder) is a secret."""
    assert not is_placeholder(value)


@pytest.mark.parametrize("value", [
    "AKIAIOSFODNN7EXAMPLE",  # AWS's documented example key: a long word
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",  # a short word standing apart
    "abcdef1234567890", "1234567890abcdef", "fakekey1234567890", "testkey1234567890abc",
    "foo123bar456baz789", "xxxx1234yyyy5678zzzz", "mytest1234key5678"])  # short words together
def test_a_generated_looking_example_is_still_a_placeholder(value: str) -> None:
    """What fixtures write as a fake key, letters and digits enough to look generated."""
    assert is_placeholder(value)


@pytest.mark.parametrize(("grammar", "text", "expected"), [
    ("netrc", HTTPX_NETRC, True),
    ("netrc", "machine netrcexample.org\nlogin example-username\n", True),
    ("netrc", "# example\ndefault login anonymous password guest\n", True),
    ("netrc", 'machine a.org login bob password "${PW}" account xxx\n', True),
    ("netrc", "machine a.org\nmacdef init\ncd Qv7rLm2Xk9Tz\n\nlogin x password dummy\n", True),
    ("netrc", REAL_NETRC, False),
    ("netrc", "machine a.org password\n", False),  # cut short: not read as netrc reads it
    ("netrc", 'machine a.org password "unclosed\n', False),
    ("netrc", "machine a.org bogus word\n", False),
    ("pypirc", "[pypi]\nusername = __token__\npassword = <your token>\n", True),
    ("pypirc", "[distutils]\nindex-servers = pypi\n[pypi]\nusername = __token__\n", True),
    ("pypirc", "[pypi]\nusername = __token__\npassword = Qv7rLm2Xk9Tz\n", False),
    ("pypirc", "[pypi\npassword = x\n", False),
    ("dotenv", "DEBUG=1\nPORT=8000\nSECRET_KEY=changeme\n", True),
    ("dotenv", "export API_TOKEN='dummy-token'  \n# c\nHOST=localhost\n", True),
    ("dotenv", "DATABASE_URL=postgres://app:${DB_PASSWORD}@db/app\n", True),
    ("dotenv", "DATABASE_URL=postgres://app:Qv7rLm2Xk9Tz@db/app\n", False),
    ("dotenv", "API_KEY=Qv7rLm2Xk9Tz # the staging key\n", False),
    ("dotenv", "SOMETHING=a8Fj29dKq0Lm3nB7xZ\n", False),  # looks generated, whatever its key
    ("dotenv", 'PRIVATE_KEY="-----BEGIN PRIVATE KEY-----\nMIIE\n"\n', False),
    ("dotenv", "not a dotenv line\n", False),
])
def test_only_placeholders(grammar: str, text: str, expected: bool) -> None:
    """Each credential file is read with its own grammar; what cannot be read is no
    placeholder file."""
    assert only_placeholders(grammar, text.encode()) is expected


def test_a_large_or_binary_credential_file_is_not_judged() -> None:
    """A credential file over 64 KiB, or not UTF-8, is never called a placeholder file."""
    assert not only_placeholders("netrc", b"machine a login x password dummy\n" * 3000)
    assert not only_placeholders("netrc", b"machine a login x password \xff\xfe\n")


# --- placeholder files in test or docs folders: warnings --------------------------------

PLACEHOLDER_FILES = [
    ("tests/fixtures/.netrc", HTTPX_NETRC, "a .netrc password file", "tests/fixtures"),
    ("tests/.pypirc", "[pypi]\nusername = __token__\npassword = <your PyPI token>\n",
     "an index password file", "tests"),
    ("docs/.env.production", "SECRET_KEY=changeme\nDATABASE_URL=postgres://app:${DB_PW}@db/app\n"
     "DEBUG=1\n", "a credentials file", "docs"),
    ("testing/_netrc", "machine localhost login fake password xxx\n", "a .netrc password file",
     "testing"),
    ("demo_pkg/tests/data/.env", "API_TOKEN=dummy-token\n", "a credentials file",
     "demo_pkg/tests"),
]


@pytest.mark.parametrize("where", ["wheel", "sdist"])
@pytest.mark.parametrize(("name", "text", "label", "folder"), PLACEHOLDER_FILES)
def test_placeholder_credential_files_in_test_or_docs_folders_warn(
        project: SampleProject, where: str, name: str, text: str, label: str,
        folder: str) -> None:
    """A .netrc, .pypirc or .env* holding only placeholders under a test or docs folder is
    a warning naming the file and how to vouch for it (httpx's tests/fixtures/.netrc)."""
    release(project, {name: text}, where)
    finding = check(project)
    member, dist = (name, WHEEL) if where == "wheel" else (f"demo_pkg-1.2.0/{name}", SDIST)
    assert finding.status is Status.WARN, finding
    assert finding.summary == (f"{dist}: {member} ({label} with no real-looking value, "
                               f"under {folder}/)")
    assert f'secrets-allow = [{{path = "{name}", reason = "…"}}]' in finding.hint


@pytest.mark.parametrize("name", ["tests/fixtures/.netrc", "docs/.netrc"])
def test_a_real_looking_password_in_a_test_folder_fails(project: SampleProject,
                                                        name: str) -> None:
    """The same file with a value that could be real fails, folder or not."""
    release(project, {name: REAL_NETRC}, "sdist")
    finding = check(project)
    assert finding.status is Status.FAIL, finding
    assert finding.summary == f"{SDIST}: demo_pkg-1.2.0/{name} (a .netrc password file)"
    assert "Qv7rLm2Xk9Tz" not in finding.summary + finding.hint


@pytest.mark.parametrize(("name", "where", "member", "label"), [
    (".pypirc", "wheel", ".pypirc", "an index password file"),
    (".netrc", "sdist", "demo_pkg-1.2.0/.netrc", "a .netrc password file"),
    ("demo_pkg/.env", "wheel", "demo_pkg/.env", "a credentials file"),
])
def test_a_placeholder_file_outside_test_or_docs_folders_fails(
        project: SampleProject, name: str, where: str, member: str, label: str) -> None:
    """Outside a test or docs folder a credential file fails even with placeholder values:
    it is where the real one lives, and the next build may ship real values."""
    text = {"an index password file": "[pypi]\npassword = <your token>\n",
            "a .netrc password file": HTTPX_NETRC,
            "a credentials file": "API_KEY=changeme\n"}[label]
    release(project, {name: text}, where)
    finding = check(project)
    dist = WHEEL if where == "wheel" else SDIST
    assert finding.status is Status.FAIL, finding
    assert finding.summary == (f"{dist}: {member} ({label} with no real-looking value, but "
                               "not under a test or docs folder)")
    assert f'secrets-allow = [{{path = "{name}", reason = "…"}}]' in finding.hint


def test_a_real_credential_in_a_placeholder_file_under_tests_fails(
        project: SampleProject) -> None:
    """A CRC-valid GitHub token fails even in a tests/ .env whose other values are dummies."""
    token = github_token()
    release(project, {"tests/.env": f"DEBUG=1\nAPI_KEY=dummy\nGH={token}\n"}, "sdist")
    finding = check(project)
    assert finding.status is Status.FAIL, finding
    assert finding.summary == (f"{SDIST}: demo_pkg-1.2.0/tests/.env (a credentials file "
                               "holding a GitHub token)")
    assert token[-12:] not in finding.summary + finding.hint
    assert "secrets-allow" not in finding.hint  # nothing a maintainer can vouch for


# --- secrets-allow ----------------------------------------------------------------------

def test_an_allowed_file_passes_in_both_dists_with_its_reason(project: SampleProject) -> None:
    """A listed file stops failing, in the sdist and the wheel, and the report says why."""
    allow(project, ("demo_pkg/fixtures/.netrc", "a fixture of the netrc tests"))
    release(project, {"demo_pkg/fixtures/.netrc": REAL_NETRC})
    finding = check(project)
    assert finding.status is Status.PASS, finding
    assert finding.summary == (
        "no credential files or tokens in 2 dists; allowed by secrets-allow: "
        f"demo_pkg/fixtures/.netrc in {WHEEL}, {SDIST} (a fixture of the netrc tests)")


def test_an_entry_written_with_src_covers_the_wheel_member(project: SampleProject) -> None:
    """The project path src/demo_pkg/data/.env names the wheel's demo_pkg/data/.env too."""
    allow(project, ("src/demo_pkg/data/.env", "example settings"))
    dist = project.root / "dist"
    make_wheel(dist, files={**FILES, "demo_pkg/data/.env": "API_KEY=Qv7rLm2Xk9Tz\n"})
    make_sdist(dist, files={**FILES, "src/demo_pkg/data/.env": "API_KEY=Qv7rLm2Xk9Tz\n"})
    finding = check(project)
    assert finding.status is Status.PASS, finding
    assert finding.summary.endswith(f"src/demo_pkg/data/.env in {WHEEL}, {SDIST} "
                                    "(example settings)")


@pytest.mark.parametrize("entry", ["tests/certs/*.key", "tests/certs", "tests/certs/",
                                   "./tests/**/server.key"])
def test_globs_and_folders_are_allowed(project: SampleProject, entry: str) -> None:
    """An entry may be a glob or a folder: it covers the files under it."""
    allow(project, (entry, "the TLS tests' throwaway key"))
    release(project, {"tests/certs/server.key": "-----BEGIN PRIVATE KEY-----\n"}, "sdist")
    finding = check(project)
    assert finding.status is Status.PASS, finding
    assert "allowed by secrets-allow: " in finding.summary
    assert finding.summary.endswith(f"in {SDIST} (the TLS tests' throwaway key)")


def test_an_allowed_file_that_holds_a_real_token_still_fails(project: SampleProject) -> None:
    """A PyPI token that parses fails in a file secrets-allow names: nothing excuses it."""
    token = make_token()
    allow(project, ("tests/fixtures/.pypirc", "example index settings"))
    release(project, {"tests/fixtures/.pypirc": f"[pypi]\nusername = __token__\n"
                                                f"password = {token}\n"}, "sdist")
    finding = check(project)
    assert finding.status is Status.FAIL, finding
    assert finding.summary == (f"{SDIST}: demo_pkg-1.2.0/tests/fixtures/.pypirc (an index "
                               "password file holding a PyPI token, which secrets-allow does "
                               "not excuse)")
    assert "revoke that token" in finding.hint
    assert token[-12:] not in finding.summary + finding.hint


def test_an_entry_that_names_no_file_warns(project: SampleProject) -> None:
    """A stale entry (or a path written wrong) is a warning naming it."""
    allow(project, ("tests/old/.netrc", "gone"))
    release(project, {})
    finding = check(project)
    assert finding.status is Status.WARN, finding
    assert finding.summary == "secrets-allow names tests/old/.netrc, which is in no dist"
    assert "remove that entry from secrets-allow" in finding.hint


def test_an_entry_for_a_clean_file_is_not_stale(project: SampleProject) -> None:
    """An entry naming a file that holds nothing flagged passes quietly."""
    allow(project, ("demo_pkg/core.py", "no secret in it"))
    release(project, {})
    finding = check(project)
    assert finding.status is Status.PASS, finding
    assert finding.summary == "no credential files or tokens in 2 dists"


# --- the configuration ------------------------------------------------------------------

def config_with(project: SampleProject, text: str) -> Path:
    path = project.root / "pyproject.toml"
    path.write_text(path.read_text("utf-8") + f"\n[tool.publish-checks]\n{text}\n", "utf-8")
    return project.root


def test_secrets_allow_is_read(project: SampleProject) -> None:
    """Entries are read as (path, reason), the path cleaned of ./ and a trailing /."""
    root = config_with(project, 'secrets-allow = [{path = "./tests/certs/", reason = " keys "}]')
    assert load_config(root).secrets_allow == (SecretAllow("tests/certs", "keys"),)


@pytest.mark.parametrize(("text", "message", "hint"), [
    ('secrets-allow = "tests/.netrc"',
     'tool.publish-checks.secrets-allow must be a list of {path = "…", reason = "…"} '
     "tables, not 'tests/.netrc'", "write it as secrets-allow = [{path = "),
    ('secrets-allow = ["tests/.netrc"]',
     'tool.publish-checks.secrets-allow[0] must be a table {path = "…", reason = "…"}, '
     "not 'tests/.netrc'", "write it as secrets-allow = [{path = "),
    ('secrets-allow = [{path = "tests/.netrc"}]',
     "tool.publish-checks.secrets-allow[0] (tests/.netrc) has no reason",
     'add reason = "…": why this file is safe to ship'),
    ('secrets-allow = [{reason = "fixture"}]', "tool.publish-checks.secrets-allow[0] has no path",
     'add path = "…" (relative to the project folder)'),
    ('secrets-allow = [{path = "a", reson = "b"}]',
     "unknown key 'reson' in tool.publish-checks.secrets-allow[0]", "did you mean 'reason'?"),
    ('secrets-allow = [{path = "a", reason = "b", glob = true}]',
     "unknown key 'glob' in tool.publish-checks.secrets-allow[0]", "known keys: path, reason"),
    ('secrets-allow = [{path = "a", reason = ""}]',
     "tool.publish-checks.secrets-allow[0].reason must be a non-empty string, not ''", ""),
    ('secrets-allow = [{path = "/etc/netrc", reason = "b"}]',
     "tool.publish-checks.secrets-allow[0].path must be relative to the project folder, not "
     "'/etc/netrc'", 'write it as path = "tests/fixtures/.netrc"'),
    ('secrets-allow = [{path = "../x/.netrc", reason = "b"}]',
     "tool.publish-checks.secrets-allow[0].path must be relative to the project folder, not "
     "'../x/.netrc'", ""),
    ('secrets_allow = []', "unknown key 'secrets_allow' in [tool.publish-checks]",
     "did you mean 'secrets-allow'?"),
])
def test_secrets_allow_is_validated(project: SampleProject, text: str, message: str,
                                    hint: str) -> None:
    """A wrong secrets-allow is a configuration error that names the entry and the fix."""
    root = config_with(project, text)
    with pytest.raises(ConfigError) as raised:
        load_config(root)
    assert raised.value.message == message
    assert hint in raised.value.hint


# --- through real nox -------------------------------------------------------------------

@pytest.mark.e2e
def test_nox_build_warns_for_a_placeholder_netrc_and_fails_for_an_allowed_token(
        project: SampleProject, envdir: Path) -> None:
    """A real sdist with httpx's placeholder tests/fixtures/.netrc builds with a warning;
    a real PyPI token in a file secrets-allow names then fails the build."""
    project.write("noxfile.py", NOXFILE)
    project.write("MANIFEST.in", "include tests/fixtures/.netrc\ninclude tests/conf.py\n")
    project.write("tests/fixtures/.netrc", HTTPX_NETRC)
    project.write("tests/conf.py", "TOKEN = None\n")
    allow(project, ("tests/conf.py", "the tests' settings"))
    project.commit("placeholder .netrc under tests/")
    run = run_nox(project.root, envdir, "-s", "build")
    assert run.code == 0, run.output
    assert ("! dists-secrets       demo_pkg-1.2.0.tar.gz: demo_pkg-1.2.0/tests/fixtures/.netrc "
            "(a .netrc password file with no real-looking value, under tests/fixtures/)"
            in run.output), run.output

    token = make_token(caveats=[[1, ["demo-pkg"]]])
    project.write("tests/conf.py", f"TOKEN = {token!r}\n")
    project.commit("a real token in the allowed file")
    run = run_nox(project.root, envdir, "-s", "build")
    assert run.code == 1, run.output
    assert ("✗ dists-secrets       demo_pkg-1.2.0.tar.gz: demo_pkg-1.2.0/tests/conf.py "
            "(a PyPI token, which secrets-allow does not excuse)" in run.output), run.output
    assert "tests/fixtures/.netrc (a .netrc password file with no real-looking value" in run.output
    assert token[-12:] not in run.output


def test_many_throwaway_keys_are_listed_in_short(project: SampleProject) -> None:
    """Dozens of test keys (paramiko ships 21) warn once, with the first 8 and how many more."""
    release(project, {f"tests/keys/k{n:02}.key": "-----BEGIN PRIVATE KEY-----\n"
                      for n in range(11)}, "sdist")
    finding = check(project)
    assert finding.status is Status.WARN, finding
    keys = ", ".join(f"demo_pkg-1.2.0/tests/keys/k{n:02}.key" for n in range(8))
    assert finding.summary == (f"{SDIST}: {keys} and 3 more (a private key under tests/, a "
                               "throwaway for the tests?)")

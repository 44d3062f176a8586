"""dists-secrets: each kind of leaked secret found in wheels and sdists, named but never
shown; lookalikes, examples and test fixtures left alone.

Every token here is made when the tests run (random, with real checksums): the sdist of
publish-checks ships this file, and must not hold one.
"""

from __future__ import annotations

import base64
import hashlib
import random
import string
import uuid
import zlib
from pathlib import Path

import pytest

from publish_checks.checks import dists
from publish_checks.checks.report import Finding, Status
from publish_checks.dists.archives import CHUNK
from tests.builders import SampleProject
from tests.distbuilders import default_files, make_sdist, make_wheel
from tests.tokens import make_token

FILES = default_files()
ALNUM = string.ascii_letters + string.digits
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
BASE32 = string.ascii_uppercase + "234567"
_random = random.Random(9)  # noqa: S311 (fixed fake values, not secrets)


def chars(alphabet: str, n: int) -> str:
    return "".join(_random.choice(alphabet) for _ in range(n))


def checksummed(prefix: str) -> str:
    """A GitHub/npm-style token: 30 random base62 characters and their CRC32 in base62."""
    body = chars(ALNUM, 30)
    crc, tail = zlib.crc32(body.encode()), ""
    for _ in range(6):
        crc, digit = divmod(crc, 62)
        tail = BASE62[digit] + tail
    return prefix + body + tail


AWS_ID = "AKIA" + chars(BASE32, 16)
AWS_SECRET = chars(ALNUM, 20) + "/+" + chars(ALNUM, 18)
PEM_BODY = "\n".join(chars(ALNUM + "+/", 64) for _ in range(4))
KINDS: dict[str, tuple[str, str]] = {
    # kind: (the value, the text around it)
    "pypi": (make_token(), "password = {}\n"),
    "pypi scoped": (make_token(caveats=[[1, ["demo-pkg"]], [0, 4102444800, 0]]),
                    "TOKEN = '{}'\n"),
    "ghp": (checksummed("ghp_"), "GITHUB_TOKEN = '{}'\n"),
    "gho": (checksummed("gho_"), "token = \"{}\"\n"),
    "pypi glued": (make_token(), "xx{}_backup\n"),
    "ghs": (checksummed("ghs_"), "{}"),
    "ghu": (checksummed("ghu_"), "auth: {}\n"),
    "ghr": (checksummed("ghr_"), "refresh={}\n"),
    "github_pat": ("github_pat_" + chars(ALNUM, 22) + "_" + chars(ALNUM, 59), "pat: {}\n"),
    "glpat": ("glpat-" + chars(ALNUM + "-_", 20), "GITLAB_TOKEN={}\n"),
    "aws named": (AWS_SECRET, "[default]\naws_secret_access_key = {}\n"),
    "aws json": (AWS_SECRET, '{{"SecretAccessKey": "{}"}}'),
    "aws pair": (AWS_SECRET, f"Credentials('{AWS_ID}', '{{}}')\n"),
    "aws csv": (AWS_SECRET, f"user,,{AWS_ID},{{}}\n"),
    "aws id": (AWS_ID, "KEY_ID = '{}'\n"),
    "slack": ("xoxb-" + chars(string.digits, 12) + "-" + chars(string.digits, 13) + "-"
              + chars(ALNUM, 24), "SLACK = '{}'\n"),
    "stripe sk": ("sk_live_" + chars(ALNUM, 24), "stripe.api_key = '{}'\n"),
    "stripe rk": ("rk_live_" + chars(ALNUM, 99), "key={}"),
    "google": ("AIza" + chars(ALNUM + "-_", 35), "MAPS_KEY = '{}'\n"),
    "npm": (checksummed("npm_"), "//registry.npmjs.org/:_authToken={}\n"),
    "private key": (PEM_BODY, "KEY = '''-----BEGIN RSA PRIVATE KEY-----\n{}\n'''\n"),
    "private key escaped": (PEM_BODY.replace("\n", ""),
                            'KEY = "-----BEGIN PRIVATE KEY-----\\n{}"\n'),
}
LABELS = {"pypi": "a PyPI token", "pypi scoped": "a PyPI token", "pypi glued": "a PyPI token",
          "ghp": "a GitHub token", "gho": "a GitHub token", "ghs": "a GitHub token",
          "ghu": "a GitHub token", "ghr": "a GitHub token", "github_pat": "a GitHub token",
          "glpat": "a GitLab token", "aws named": "an AWS secret access key",
          "aws json": "an AWS secret access key", "aws pair": "an AWS secret access key",
          "aws csv": "an AWS secret access key", "aws id": "an AWS access key id",
          "slack": "a Slack token", "stripe sk": "a Stripe live key",
          "stripe rk": "a Stripe live key", "google": "a Google API key",
          "npm": "an npm token", "private key": "a private key",
          "private key escaped": "a private key"}


def release(project: SampleProject, kind: str, files: dict[str, str | bytes]) -> None:
    """The sample release in dist/, with ``files`` added to its wheel or its sdist."""
    dist = project.root / "dist"
    make_wheel(dist, files={**FILES, **files} if kind == "wheel" else FILES)
    make_sdist(dist, files={**FILES, **files} if kind == "sdist" else FILES)


def check(project: SampleProject, env: dict[str, str] | None = None) -> Finding:
    return dists.dists_secrets(project.context(env=env))


def assert_passes(finding: Finding) -> None:
    assert finding.status is Status.PASS, finding
    assert finding.summary == "no credential files or tokens in 2 dists"


def assert_names(finding: Finding, member: str, label: str, secret: str) -> None:
    """The check fails naming the member and the kind, never the value."""
    assert finding.status is Status.FAIL, finding
    assert f"{member} ({label})" in finding.summary, finding
    assert secret not in finding.summary + finding.hint
    assert secret[-12:] not in finding.summary + finding.hint


# --- each kind --------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["wheel", "sdist"])
@pytest.mark.parametrize("name", sorted(KINDS))
def test_each_kind_is_found_and_named_never_shown(
        project: SampleProject, kind: str, name: str) -> None:
    """Each kind of secret fails in a wheel and an sdist, named by member and kind."""
    value, around = KINDS[name]
    release(project, kind, {"demo_pkg/settings.py": around.format(value)})
    finding = check(project)
    assert_names(finding, "demo_pkg/settings.py", LABELS[name], value)
    if LABELS[name] == "a PyPI token":
        assert "revoke that token at https://pypi.org/manage/account/token/" in finding.hint
    elif LABELS[name] != "a private key":
        assert f"rotate {LABELS[name]} where it was issued" in finding.hint


@pytest.mark.parametrize("kind", ["wheel", "sdist"])
@pytest.mark.parametrize("name", [".netrc", "_netrc", "home/.netrc"])
def test_netrc_files_are_found(project: SampleProject, kind: str, name: str) -> None:
    """A .netrc (or Windows' _netrc) with a real-looking password fails as a password file."""
    text = "machine pypi.example.org login maintainer password Qv7rLm2Xk9Tz\n"
    release(project, kind, {name: text})
    assert_names(check(project), name, "a .netrc password file", "Qv7rLm2Xk9Tz")


def test_every_kind_of_one_file_is_searched_for(project: SampleProject) -> None:
    """A file holding several secrets fails once, naming the first kind it holds."""
    text = "".join(around.format(value) for value, around in KINDS.values())
    release(project, "wheel", {"demo_pkg/leaky.py": text})
    finding = check(project)
    assert_names(finding, "demo_pkg/leaky.py", "a PyPI token", KINDS["pypi"][0])
    assert finding.summary.count("demo_pkg/leaky.py") == 1


# --- lookalikes -------------------------------------------------------------------------

def _wrong_checksum(token: str) -> str:
    last = token[-1]
    return token[:-1] + ("A" if last != "A" else "B")


LOOKALIKES = {
    "pypi cut short": make_token()[:-12],
    "pypi documentation example": "pypi-AgEIcHlwaS5vcmc" + "A1b2C3d4_-" * 12,
    "ghp too short": checksummed("ghp_")[:-1],
    "ghp too long": checksummed("ghp_") + "A",
    "ghp wrong checksum": _wrong_checksum(checksummed("ghp_")),
    "npm wrong checksum": _wrong_checksum(checksummed("npm_")),
    "ghp inside a word": "xghp_" + checksummed("ghp_")[4:],
    "ghp placeholder": "ghp_" + "x" * 36,
    "github_pat placeholder": "github_pat_" + "X" * 22 + "_" + "x" * 59,
    "glpat placeholder": "glpat-" + "x" * 20,
    "glpat too short": "glpat-" + chars(ALNUM, 19),
    "AKIA in prose": "Access key ids start with AKIA or ASIA, then 16 characters.",
    "AWS's documented example": ("aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
                                 "aws_secret_access_key = "
                                 "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    "AKIA placeholder": "AKIAXXXXXXXXXXXXXXXX",
    "AKIA lower case": "akia" + chars(BASE32, 16).lower(),
    "secret key unnamed, no id": f"digest = '{AWS_SECRET}'\n",
    "secret key of a placeholder": "aws_secret_access_key = " + "x" * 40,
    "sk_test_": "sk_test_" + chars(ALNUM, 24),
    "pk_live_": "pk_live_" + chars(ALNUM, 24),
    "sk_live_ placeholder": "sk_live_" + "x" * 24,
    "slack placeholder": "xoxb-000000000000-0000000000000-" + "x" * 24,
    "slack in prose": "Bot tokens start with xoxb- and user tokens with xoxp-.",
    "google too short": "AIza" + chars(ALNUM, 34),
    "uuids": "\n".join(str(uuid.UUID(int=_random.getrandbits(128))) for _ in range(50)),
    "hashes": "\n".join(hashlib.sha256(bytes([i])).hexdigest() + " "
                        + hashlib.blake2b(bytes([i]), digest_size=20).hexdigest()
                        for i in range(50)),
    "base64 blob": base64.encodebytes(_random.randbytes(4096)).decode(),
    "a private key's header in code": 'if line == "-----BEGIN RSA PRIVATE KEY-----":\n',
    "a certificate": "-----BEGIN CERTIFICATE-----\n" + PEM_BODY + "\n-----END CERTIFICATE-----",
}


@pytest.mark.parametrize("kind", ["wheel", "sdist"])
@pytest.mark.parametrize("name", sorted(LOOKALIKES))
def test_lookalikes_pass(project: SampleProject, kind: str, name: str) -> None:
    """Shapes close to a secret but not one (wrong length or checksum, placeholders,
    prose, test keys, hashes, UUIDs, base64) pass."""
    release(project, kind, {"demo_pkg/docs.py": LOOKALIKES[name]})
    assert_passes(check(project))


@pytest.mark.parametrize(("name", "folder"), [
    ("tests/certs/server.key", "tests"), ("tests/fixtures/key.py", "tests/fixtures"),
    ("dummyserver/certs/cacert.pem", "dummyserver"), ("pkg/testdata/id.key", "pkg/testdata"),
    ("docs/examples/server.pem", "docs/examples")])
def test_throwaway_keys_of_test_fixtures_warn(project: SampleProject, name: str,
                                              folder: str) -> None:
    """A private key under a test or docs folder is most likely a throwaway: a warning
    naming it and the folder (and how to vouch for it), not a failure."""
    release(project, "sdist", {name: "-----BEGIN PRIVATE KEY-----\n" + PEM_BODY + "\n"})
    finding = check(project)
    assert finding.status is Status.WARN, finding
    assert finding.summary == (f"demo_pkg-1.2.0.tar.gz: demo_pkg-1.2.0/{name} (a private key "
                               f"under {folder}/, a throwaway for the tests?)")
    assert f'secrets-allow = [{{path = "{name}", reason = "…"}}]' in finding.hint
    assert PEM_BODY[:12] not in finding.summary + finding.hint


def test_the_same_key_outside_test_fixtures_fails(project: SampleProject) -> None:
    """The compliant twin above, moved out of the fixtures, fails."""
    release(project, "sdist", {"certs/server.key": "-----BEGIN PRIVATE KEY-----\n" + PEM_BODY})
    assert_names(check(project), "certs/server.key", "a private key", PEM_BODY)


# --- block boundaries -------------------------------------------------------------------

@pytest.mark.parametrize("name", ["pypi scoped", "ghp", "aws pair", "slack", "private key"])
@pytest.mark.parametrize("shift", [-60, -20, -1, 0, 1])
def test_a_secret_straddling_a_1_mib_block_boundary_is_found(
        project: SampleProject, name: str, shift: int) -> None:
    """A secret cut by the 1 MiB read blocks is still found, whichever byte the cut falls on."""
    value, around = KINDS[name]
    text = around.format(value).encode()
    content = b"x" * (CHUNK + shift - text.index(value.encode()[:8])) + text + b"\n"
    release(project, "wheel", {"demo_pkg/blob.bin": content})
    assert_names(check(project), "demo_pkg/blob.bin", LABELS[name], value)


# --- the credentials file ---------------------------------------------------------------

CREDENTIALS = ("DATABASE_URL=postgres://app:Tr0ub4dor-3@db.internal/app\n"
               "SENTRY_DSN=https://5f2c1b@o1.ingest.sentry.io/42\n"
               "REGION=eu-west-1\nDEBUG=1\n")


@pytest.mark.parametrize("kind", ["wheel", "sdist"])
@pytest.mark.parametrize("value", ["postgres://app:Tr0ub4dor-3@db.internal/app",
                                   "https://5f2c1b@o1.ingest.sentry.io/42"])
def test_values_of_the_credentials_file_are_found(
        project: SampleProject, kind: str, value: str) -> None:
    """A value of 12 or more characters from .env.local fails where it ships, unshown."""
    project.write(".env.local", CREDENTIALS)
    release(project, kind, {"demo_pkg/conf.py": f"URL = {value!r}\n"})
    assert_names(check(project), "demo_pkg/conf.py", "a value from .env.local", value)


def test_short_values_of_the_credentials_file_are_ignored(project: SampleProject) -> None:
    """Values under 12 characters (a region, a flag) are ordinary text: the sources pass."""
    project.write(".env.local", CREDENTIALS)
    release(project, "sdist", {"demo_pkg/conf.py": "REGION = 'eu-west-1'\nDEBUG = 1\n"})
    assert_passes(check(project))


def test_credentials_values_need_the_file(project: SampleProject) -> None:
    """Without a credentials file, the same long value is ordinary text and passes."""
    release(project, "sdist",
            {"demo_pkg/conf.py": "URL = 'https://5f2c1b@o1.ingest.sentry.io/42'\n"})
    assert_passes(check(project))


def test_the_upload_token_is_still_named_as_such(project: SampleProject) -> None:
    """The credentials file's upload token keeps its own name, not 'a value from'."""
    secret = "s3cret-index-password-value"
    project.write(".env.local", f"PYPI_API_KEY={secret}\n{CREDENTIALS}")
    release(project, "sdist", {"demo_pkg/conf.py": f"PW = '{secret}'\n"})
    assert_names(check(project), "demo_pkg/conf.py", "your upload token", secret)


def test_the_dist_holding_the_file_itself_names_it_as_a_file(project: SampleProject) -> None:
    """The credentials file shipped whole is named as a credentials file holding its values."""
    project.write(".env.local", CREDENTIALS)
    release(project, "sdist", {".env.local": Path(project.root / ".env.local").read_text()})
    assert_names(check(project), ".env.local",
                 "a credentials file holding a value from .env.local", "Tr0ub4dor-3")

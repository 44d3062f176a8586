"""token-format and token-scope, and the offline macaroon reader behind them.

Tokens are minted with pymacaroons (tests/tokens.py), so the reader is checked against an
independent implementation rather than against itself.
"""

from __future__ import annotations

import base64
import random
import time
from typing import Any

import pymacaroons
import pytest

from publish_checks import Context
from publish_checks.checks.report import Finding, Status
from publish_checks.checks.token import token_format, token_scope
from publish_checks.project.macaroon import MacaroonError, decode_token, read_scope
from tests.builders import SampleProject
from tests.tokens import caveat_bytes, make_macaroon, make_token

NOW = int(time.time())
HOUR = 3600
DAY = 24 * HOUR
DEMO = [1, ["demo-pkg"]]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _raw(macaroon: pymacaroons.Macaroon | None = None) -> bytes:
    """The binary macaroon inside a token, to damage by hand."""
    body = (macaroon or make_macaroon()).serialize()
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))


def _context(project: SampleProject, token: str | None, repository: str | None = None) -> Context:
    variable = "TEST_PYPI_API_KEY" if repository == "testpypi" else "PYPI_API_KEY"
    return project.context(repository, env={variable: token} if token is not None else {})


# The reader


def _third_party() -> pymacaroons.Macaroon:
    macaroon = make_macaroon(caveats=[DEMO])
    macaroon.add_third_party_caveat("auth.example", "third-party key", "key-id")
    return macaroon


@pytest.mark.parametrize("macaroon", [
    make_macaroon(),
    make_macaroon(caveats=[DEMO, [0, NOW + HOUR, NOW - HOUR], [3, "user-id"]]),
    make_macaroon(caveats=[[1, [f"project-{i}" for i in range(40)]]]),  # multi-byte lengths
    make_macaroon(location="test.pypi.org", identifier=bytes(range(16))),
    make_macaroon(location="pypi.example.ünïcode", caveats=[b"\x00 not json"]),
    make_macaroon(caveats=[DEMO, {"version": 1, "permissions": "user"}],
                  version=pymacaroons.MACAROON_V1),
    _third_party(),
], ids=["bare", "caveats", "long-caveat", "binary-id", "unicode", "v1", "third-party"])
def test_reader_agrees_with_pymacaroons(macaroon: pymacaroons.Macaroon) -> None:
    """Location, identifier and first-party caveats read by hand match what pymacaroons wrote."""
    token = "pypi-" + macaroon.serialize()
    reference = pymacaroons.Macaroon.deserialize(token[5:])
    ours = decode_token(token)
    assert ours.location == reference.location
    assert ours.identifier == reference.identifier_bytes
    first_party = [c for c in reference.caveats if c.first_party()]
    assert list(ours.caveats) == [c.caveat_id_bytes for c in first_party]
    assert ours.third_party_caveats == len(reference.caveats) - len(first_party)


@pytest.mark.parametrize("padding", ["", "=", "=="])
def test_right_padding_is_optional(padding: str) -> None:
    """A token decodes with no padding (as PyPI issues it) or with exactly the right padding."""
    token = make_token(caveats=[DEMO])
    body = token[5:]
    right = "=" * (-len(body) % 4)
    if padding and padding != right:
        with pytest.raises(MacaroonError, match="padding"):
            decode_token(token + padding)
    else:
        assert decode_token(token + padding).caveats == (caveat_bytes(DEMO),)


@pytest.mark.parametrize(("token", "message"), [
    ("", "does not start with 'pypi-'"),
    ("pypi-", "nothing follows"),
    ("PYPI-" + make_token()[5:], "does not start with 'pypi-'"),
    (make_token() + "===", "padding"),
    (make_token()[:20] + "=" + make_token()[21:], "padding '=' in the middle"),
    (make_token()[:-2] + "+/", r"\('\+'\) is not base64url"),
    (make_token()[:12] + "…", r"character 13 \('…'\) is not base64url"),
    ("pypi-" + _b64(b"\x02"), "ends in the middle"),
    ("pypi-" + _b64(b"\x00garbage that is not a macaroon"), "not a macaroon"),
    ("pypi-" + _b64(b"\x02\x02\x01a\x01\x01b\x00\x00\x06\x20" + bytes(32)), "out of order"),
    ("pypi-" + _b64(b"\x02\x01\x01a\x00\x00\x06\x20" + bytes(32)), "header"),
    ("pypi-" + _b64(b"\x02\x02\x01a\x00\x00\x06\x05short"), "signature has 5 bytes"),
    ("pypi-" + _b64(b"\x02\x02\x01a\x00\x00\x02\x01a"), "no signature"),
    ("pypi-" + _b64(b"\x02\x02\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"), "too large"),
    ("pypi-" + _b64(b"\x02\x01\x02\xff\xfe\x02\x01a\x00\x00\x06\x20" + bytes(32)), "UTF-8"),
    ("pypi-" + _b64(bytes(range(2, 40))), "ends in the middle"),
    ("pypi-" + _b64(_raw() + b"extra"), "5 stray"),
    (make_token() + make_token(), "'pypi-' twice"),
    ("pypi-" + _b64(b"0010location p\n"), "ends in the middle"),  # V1 without a signature
    ("pypi-" + _b64(b"000flocation p\n"), "ends in the middle"),  # V1 size off by one
])
def test_bad_input_is_a_macaroon_error(token: str, message: str) -> None:
    """Malformed text of every kind raises MacaroonError with a reason, never another error."""
    with pytest.raises(MacaroonError, match=message):
        decode_token(token)


@pytest.mark.parametrize("version", [pymacaroons.MACAROON_V1, pymacaroons.MACAROON_V2])
def test_every_truncation_is_rejected(version: int) -> None:
    """A token cut short anywhere, as by a bad copy, never decodes and never crashes."""
    token = make_token(caveats=[DEMO, [0, NOW + HOUR, NOW]], version=version)
    for end in range(len(token) - 1):
        with pytest.raises(MacaroonError):
            decode_token(token[:end])


def test_garbage_never_escapes_as_another_exception() -> None:
    """Random bytes and corrupted macaroons either decode or raise MacaroonError."""
    rng = random.Random(740)  # noqa: S311 - seeded so a failure repeats; nothing secret here
    valid = _raw(make_macaroon(caveats=[DEMO, [3, "user"]]))
    samples = [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 80))) for _ in range(300)]
    for _ in range(300):
        corrupt = bytearray(valid)
        corrupt[rng.randrange(len(corrupt))] = rng.randrange(256)
        samples.append(bytes(corrupt))
    for sample in samples:
        try:
            macaroon = decode_token("pypi-" + _b64(sample))
        except MacaroonError:
            continue
        read_scope(macaroon.caveats)  # whatever decodes, its caveats must read without raising


@pytest.mark.parametrize(("caveats", "expected"), [
    ([DEMO], {"project_names": frozenset({"demo-pkg"})}),
    ([[1, ["Demo_Pkg", "other"]], [1, ["demo.pkg"]]], {"project_names": frozenset({"demo-pkg"})}),
    ([{"version": 1, "permissions": {"projects": ["demo-pkg"]}}],
     {"project_names": frozenset({"demo-pkg"})}),
    ([{"version": 1, "permissions": "user"}], {"user": True, "project_names": None}),
    ([[3, "5d4b…"]], {"user": True}),
    ([[4, "publisher"], [2, ["id-1"]], [0, 200, 100]],
     {"publisher": True, "project_ids": frozenset({"id-1"}), "expires_at": 200, "not_before": 100}),
    ([{"exp": 300, "nbf": 10}, [0, 200, 50]], {"expires_at": 200, "not_before": 50}),
    ([{"project_ids": ["id-2"]}], {"project_ids": frozenset({"id-2"})}),
    ([[5, 0]], {"can_upload": False}),
    ([[5, 1]], {"can_upload": True}),
    ([[5, ["upload"]]], {"can_upload": True}),
    ([[9, "future"]], {"unknown": ["tag 9"]}),
    ([b"not json"], {"invalid": ["caveat 1 is not JSON"]}),
    ([b"\xff\xfe"], {"invalid": ["caveat 1 is not JSON"]}),
    ([b"[" * 100_000], {"invalid": ["caveat 1 is not JSON"]}),
    ([[]], {"invalid": ["caveat 1 is not a non-empty JSON array"]}),
    (["\"string\""], {"invalid": ["caveat 1 is not a non-empty JSON array"]}),
    ([{"version": 1, "permissions": "admin"}],
     {"invalid": ["caveat 1 is a JSON object PyPI does not know"]}),
    ([["1", ["demo-pkg"]]], {"invalid": ["caveat 1 has a tag that is not an integer"]}),
    ([DEMO, [0, "soon", 0]], {"invalid": ["caveat 2 (expiration) needs two integer timestamps"]}),
    ([[0, NOW]], {"invalid": ["caveat 1 (expiration) needs two integer timestamps"]}),
    ([[1, "demo-pkg"]], {"invalid": ["caveat 1 (project restriction) needs a list of strings"]}),
    ([[3, 42]], {"invalid": ["caveat 1 (user or publisher restriction) needs an id string"]}),
])
def test_read_scope(caveats: list[Any], expected: dict[str, Any]) -> None:
    """Both caveat encodings PyPI issues (arrays, legacy objects) read as warehouse reads them."""
    scope = read_scope([caveat_bytes(c) for c in caveats])
    for attribute, value in expected.items():
        assert getattr(scope, attribute) == value, attribute


# token-format


@pytest.mark.parametrize(("value", "status", "fragment"), [
    (make_token(caveats=[DEMO]), Status.PASS, "a pypi- token (macaroon v2, for pypi.org)"),
    (make_token(version=pymacaroons.MACAROON_V1), Status.PASS, "macaroon v1"),
    (make_token() + "\n", Status.FAIL, "trailing whitespace"),
    (" " + make_token(), Status.FAIL, "leading or trailing whitespace"),
    (make_token()[:30] + "\n" + make_token()[30:], Status.FAIL, "contains whitespace"),
    ('"' + make_token() + '"', Status.FAIL, "quote characters"),
    ("“" + make_token() + "”", Status.FAIL, "quote characters"),
    ("hunter2hunter2", Status.FAIL, "does not start with 'pypi-'"),
    (make_token()[:-5], Status.FAIL, "is not a PyPI token"),
    ("pypi-" + _b64(b"\x00\x01binary garbage"), Status.FAIL, "not a macaroon"),
    (make_token()[:30], Status.FAIL, "cut short"),
    (make_token()[:31], Status.FAIL, "cut short"),
])
def test_token_format(project: SampleProject, value: str, status: Status, fragment: str) -> None:
    """token-format passes a real PyPI token and fails whitespace, quotes, prefix and damage."""
    finding = token_format(_context(project, value))
    assert finding.status is status, finding
    assert fragment in finding.summary
    assert "PYPI_API_KEY from the environment" in finding.summary
    if status is Status.FAIL:
        assert "PYPI_API_KEY" in finding.hint


@pytest.mark.parametrize(("repository", "env", "env_file", "fragment"), [
    (None, {}, None, "no token to check (credentials-source says where one would come from)"),
    (None, {}, "OTHER=1\n", "no token to check: .env.local has no PYPI_API_KEY"),
    ("local", {"PYPI_API_KEY": make_token()}, None, "not a pypi- token"),
    ("https://pypi.example.com/legacy/", {"TWINE_PASSWORD": "its-own-password"}, None,
     "pypi.example.com is not PyPI: private indexes use passwords"),
])
@pytest.mark.parametrize("check", [token_format, token_scope])
def test_token_checks_skip_without_a_pypi_token(
        project: SampleProject, check: Any, repository: str | None, env: dict[str, str],
        env_file: str | None, fragment: str) -> None:
    """Both checks skip, saying why, when there is no token or the target takes no pypi- token."""
    if env_file is not None:
        project.write(".env.local", env_file)
    finding: Finding = check(project.context(repository, env=env))
    assert finding.status is Status.SKIP
    assert fragment in finding.summary


# token-scope


@pytest.mark.parametrize(("repository", "location", "caveats", "status", "fragments"), [
    (None, "pypi.org", [DEMO], Status.PASS, ["scoped to project demo-pkg on pypi.org"]),
    (None, "pypi.org", [[1, ["Demo_Pkg"]], [2, ["id"]], [0, NOW + 30 * DAY, NOW - HOUR]],
     Status.PASS, ["scoped to project demo-pkg", "until "]),
    (None, "pypi.org", [DEMO, [0, NOW + 15 * DAY, NOW - HOUR]], Status.PASS, ["until "]),
    (None, "pypi.org", [DEMO, [0, NOW + 13 * DAY + HOUR, NOW - HOUR]], Status.WARN,
     ["scoped to project demo-pkg on pypi.org, until ",
      " (in 13 days); it expires within 14 days, and a release after that is refused"]),
    (None, "pypi.org", [DEMO, [0, NOW + HOUR, NOW - HOUR]], Status.WARN,
     [" (today); it expires within 14 days"]),
    (None, "pypi.org", [[3, "user-id"], [0, NOW + 2 * DAY + HOUR, NOW]], Status.WARN,
     ["account-wide", " (in 2 days)"]),
    (None, "pypi.org", [{"version": 1, "permissions": {"projects": ["demo.pkg"]}}],
     Status.PASS, ["demo-pkg"]),
    ("testpypi", "test.pypi.org", [DEMO], Status.PASS, ["on test.pypi.org"]),
    (None, "pypi.org", [[4, "publisher"], [2, ["id-1"]], [0, NOW + 3 * HOUR, NOW]], Status.PASS,
     ["minted by trusted publishing", "1 project id(s)"]),
    (None, "pypi.org", [[1, ["other-pkg"]]], Status.FAIL,
     ["this token is for project other-pkg, not for demo-pkg"]),
    (None, "pypi.org", [[1, ["demo-pkg"]], [1, ["other-pkg"]]], Status.FAIL, ["no project at all"]),
    (None, "pypi.org", [{"version": 1, "permissions": "user"}], Status.WARN, ["account-wide"]),
    (None, "pypi.org", [[3, "8c2d0b0e-user-id"]], Status.WARN, ["account-wide"]),
    (None, "pypi.org", [], Status.WARN, ["scope not embedded"]),
    (None, "pypi.org", [[0, NOW + HOUR, NOW]], Status.WARN, ["scope not embedded"]),
    (None, "pypi.org", [DEMO, [7, "new"]], Status.WARN, ["cannot read (tag 7)"]),
    (None, "pypi.org", [DEMO, [0, NOW - 60, NOW - HOUR]], Status.FAIL, ["expired on"]),
    (None, "pypi.org", [DEMO, {"exp": NOW - 1, "nbf": 0}], Status.FAIL, ["expired on"]),
    (None, "pypi.org", [DEMO, [0, NOW + 2 * HOUR, NOW + HOUR]], Status.FAIL,
     ["not valid before"]),
    (None, "pypi.org", [DEMO, [5, 0]], Status.FAIL, ["upload permission"]),
    (None, "pypi.org", [DEMO, b"{not json"], Status.FAIL,
     ["pypi.org cannot read this token's caveats: caveat 2 is not JSON"]),
    (None, "test.pypi.org", [DEMO], Status.FAIL,
     ["this token is for test.pypi.org but the target is pypi.org"]),
    ("testpypi", "pypi.org", [DEMO], Status.FAIL,
     ["this token is for pypi.org but the target is test.pypi.org"]),
    (None, "", [DEMO], Status.FAIL, ["this token is for no location"]),
])
def test_token_scope(project: SampleProject, repository: str | None, location: str,
                     caveats: list[Any], status: Status, fragments: list[str]) -> None:
    """token-scope reads location, project, user and expiry caveats the way PyPI will judge them."""
    finding = token_scope(_context(project, make_token(location, caveats), repository))
    assert finding.status is status, finding
    for fragment in fragments:
        assert fragment in finding.summary
    assert bool(finding.hint) is (status in (Status.FAIL, Status.WARN))


@pytest.mark.parametrize(("repository", "location", "caveats", "hint"), [
    (None, "test.pypi.org", [DEMO], "TEST_PYPI_API_KEY"),
    ("testpypi", "pypi.org", [DEMO], "https://test.pypi.org/manage/account/token/"),
    (None, "pypi.org", [[3, "user"]], "https://pypi.org/manage/project/demo-pkg/settings/"),
    ("testpypi", "test.pypi.org", [],
     "https://test.pypi.org/manage/project/demo-pkg/settings/"),
    (None, "pypi.org", [[1, ["other"]]], "https://pypi.org/manage/project/demo-pkg/settings/"),
])
def test_token_scope_hint_names_the_fix(project: SampleProject, repository: str | None,
                                        location: str, caveats: list[Any], hint: str) -> None:
    """A wrong-site or broad token's hint names the right variable or the page that makes one."""
    finding = token_scope(_context(project, make_token(location, caveats), repository))
    assert hint in finding.hint


def test_token_scope_skips_what_does_not_decode(project: SampleProject) -> None:
    """An undecodable token is token-format's failure; token-scope skips and points there."""
    finding = token_scope(_context(project, make_token()[:-4]))
    assert finding.status is Status.SKIP
    assert "token-format" in finding.summary


def test_checks_run_in_the_report(project: SampleProject) -> None:
    """Through verify, a project-scoped token passes both checks under their SPEC ids."""
    report = project.verify(env={"PYPI_API_KEY": make_token(caveats=[DEMO])})
    assert report.get("token-format").status is Status.PASS
    assert report.get("token-scope").status is Status.PASS


@pytest.mark.parametrize("token", [
    make_token(caveats=[DEMO]),
    make_token(caveats=[[1, ["other-pkg"]]]),
    make_token("test.pypi.org", caveats=[[3, "user"]]),
    make_token(caveats=[b"not json", [0, NOW - 5, 0]]),
    make_token(),
    make_token()[:-7],
    make_token() + "\n",
    '"' + make_token() + '"',
    make_token()[:40] + "…",
])
def test_token_never_shown(project: SampleProject, token: str) -> None:
    """No summary or hint contains the token or any 12-character piece of its base64 part."""
    body = token.strip().strip('"')[5:]
    pieces = {body[i:i + 12] for i in range(len(body) - 11)}
    ctx = _context(project, token)
    texts = [text for finding in (token_format(ctx), token_scope(ctx))
             for text in (finding.summary, finding.hint)]
    report = project.verify(env={"PYPI_API_KEY": token})
    texts += [text for result in report.checks for text in (result.summary, result.hint)]
    for text in texts:
        assert token.strip() not in text
        assert not any(piece in text for piece in pieces), text

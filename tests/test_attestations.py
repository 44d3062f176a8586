"""dists-attestations (SPEC §4) and PEP 740 in the upload (SPEC §5): attestations in dist/
are checked as PyPI checks them on upload (all but the Sigstore signature), and in
trusted-publishing CI publish signs each file with pypi-attestations and sends the
attestations with ``--attestations``.

No Sigstore identity exists here: the signer is a stand-in ``pypi-attestations`` on the
tool environment's PATH that records what it was asked and writes well-formed attestations
(a real statement naming the file and its sha256; a stand-in certificate and signature).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from publish_checks._errors import ReleaseError
from publish_checks.checks import dists, run_checks
from publish_checks.checks.context import Context
from publish_checks.checks.report import Finding, Status
from publish_checks.frontend.standalone import StandaloneRunner
from publish_checks.release.pipeline import Flags, publish
from publish_checks.release.plan import make_plan
from publish_checks.release.sign import (
    PYPI_ATTESTATIONS,
    sign,
    signing,
    without_attestations,
)
from tests.attestations import (
    PUBLISH,
    SLSA,
    attestation,
    statement,
    write_attestation,
)
from tests.builders import SampleProject
from tests.distbuilders import make_release, make_wheel
from tests.pypiserver import PypiServer
from tests.test_pipeline import context as pipeline_context
from tests.test_pipeline import fake
from tests.uploads import twine_argv

ROOT = Path(__file__).resolve().parents[1]
WHEEL = "demo_pkg-1.2.0-py3-none-any.whl"
SDIST = "demo_pkg-1.2.0.tar.gz"
GITHUB = {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "push",
          "ACTIONS_ID_TOKEN_REQUEST_URL": "https://token.actions.example.invalid/",
          "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "request-token",
          "GITHUB_REPOSITORY": "octo/demo-pkg",
          "GITHUB_WORKFLOW_REF": "octo/demo-pkg/.github/workflows/release.yml@refs/tags/v1.2.0"}
# CI variables the autouse fixture of conftest.py leaves alone: each test states its own.
CI_VARIABLES = ("GITHUB_EVENT_NAME", "GITHUB_REPOSITORY", "GITHUB_WORKFLOW_REF",
                "GOOGLE_SERVICE_ACCOUNT_NAME", "SIGSTORE_ID_TOKEN", "CI_PROJECT_PATH")


@pytest.fixture(autouse=True)
def no_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CI_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def released(project: SampleProject) -> tuple[Path, Path]:
    sdist, wheel = make_release(project.root / "dist")
    return sdist, wheel


def attest_all(*files: Path) -> list[Path]:
    return [write_attestation(f) for f in files]


def check(project: SampleProject, repository: str = "testpypi", *,
          env: Mapping[str, str] | None = None, attestations: bool = True) -> Finding:
    ctx = project.context(repository, env=dict(env or {}))
    ctx.attestations = attestations
    return dists.dists_attestations(ctx)


# --- dists-attestations: when it applies -------------------------------------------------

def test_no_attestations_and_none_to_make_skips_saying_why(project: SampleProject) -> None:
    """Off CI with no attestation in dist/, the check has nothing to look at and says why."""
    released(project)
    finding = check(project)
    assert finding.status is Status.SKIP
    assert finding.summary == ("no attestations in dist/, and none will be made: this is no "
                               "trusted-publishing CI job (GitHub Actions, GitLab CI, Google "
                               "Cloud)")


def test_a_complete_matching_set_passes(project: SampleProject) -> None:
    """One well-formed attestation per file, each naming that file and its sha256, passes."""
    attest_all(*released(project))
    finding = check(project)
    assert finding.status is Status.PASS, finding
    assert finding.summary.startswith("2 attestation(s) cover 2 of 2 files, each naming its "
                                      "file and sha256")
    assert "the Sigstore signature is verified by the index on upload" in finding.summary


def test_in_trusted_publishing_ci_it_says_what_publish_will_sign(
        project: SampleProject) -> None:
    """With none yet in GitHub Actions trusted publishing, the check passes and says publish
    signs every file there."""
    released(project)
    finding = check(project, env=GITHUB)
    assert finding.status is Status.PASS, finding
    assert finding.summary == ("no attestations in dist/ yet; publish signs 2 file(s) in "
                               "GitHub Actions (pypi-attestations) and uploads every "
                               "attestation with --attestations")


def test_in_signing_ci_a_partial_set_is_completed_not_refused(project: SampleProject) -> None:
    """Where publish signs, a file without an attestation is one it will sign."""
    sdist, _ = released(project)
    write_attestation(sdist)
    finding = check(project, env=GITHUB)
    assert finding.status is Status.PASS, finding
    assert "cover 1 of 2 files" in finding.summary
    assert "publish signs 1 file(s) in GitHub Actions" in finding.summary


def test_gitlab_without_a_sigstore_id_token_makes_none_and_says_how_to(
        project: SampleProject) -> None:
    """A GitLab job that can publish but has no SIGSTORE_ID_TOKEN signs nothing: skip, with
    the id_tokens entry that would sign."""
    released(project)
    finding = check(project, "pypi", env={"GITLAB_CI": "true", "PYPI_ID_TOKEN": "a.b.c"})
    assert finding.status is Status.SKIP
    assert finding.summary.endswith("this GitLab CI job has no SIGSTORE_ID_TOKEN to sign with "
                                    "(add 'id_tokens: SIGSTORE_ID_TOKEN: aud: sigstore' to "
                                    "sign)")
    signed = check(project, "pypi", env={"GITLAB_CI": "true", "PYPI_ID_TOKEN": "a.b.c",
                                         "SIGSTORE_ID_TOKEN": "d.e.f"})
    assert signed.status is Status.PASS
    assert "publish signs 2 file(s) in GitLab CI" in signed.summary


def test_no_attestations_flag_skips_and_says_they_stay_out(project: SampleProject) -> None:
    """--no-attestations: nothing is signed, and those in dist/ are not uploaded."""
    attest_all(*released(project))
    finding = check(project, env=GITHUB, attestations=False)
    assert finding.status is Status.SKIP
    assert finding.summary == ("--no-attestations: nothing is signed; the 2 attestation "
                               "file(s) in dist/ are not uploaded")


# --- dists-attestations: each rule, with the file and the rule named -----------------------

def broken(statement_text: dict[str, Any] | bytes) -> bytes:
    return json.dumps(attestation(statement_text)).encode()


def with_field(**changes: Any) -> bytes:
    document = attestation(statement(WHEEL, "0" * 64))
    for dotted, value in changes.items():
        where = document
        *parents, last = dotted.split("__")
        for key in parents:
            where = where[key]
        where[last] = value
    return json.dumps(document).encode()


MALFORMED = {
    "not-json": (b'{"version": 1,', "not JSON"),
    "array": (b"[]", "attestation is a JSON array, not an object"),
    "version": (with_field(version=2), "version is 2, not 1"),
    "no-log-entry": (with_field(verification_material__transparency_entries=[]),
                     "no verification_material.transparency_entries"),
    "certificate": (with_field(verification_material__certificate="not base64!"),
                    "verification_material.certificate is not base64"),
    "statement-not-base64": (with_field(envelope__statement="%%%"),
                             "envelope.statement is not base64"),
    "statement-not-json": (broken(b"not json"), "envelope.statement is not JSON"),
    "type": (broken({**statement(WHEEL, "0" * 64),
                     "_type": "https://in-toto.io/Statement/v0.1"}),
             "the statement's _type is \"https://in-toto.io/Statement/v0.1\", not "
             "https://in-toto.io/Statement/v1"),
    "two-subjects": (broken({**statement(WHEEL, "0" * 64), "subject": [
        {"name": WHEEL, "digest": {"sha256": "0" * 64}},
        {"name": SDIST, "digest": {"sha256": "0" * 64}}]}),
        'the statement has 2 subjects (PyPI: "Verification failed: too many subjects in '
        'statement (must be exactly one)")'),
    "no-digest": (broken({**statement(WHEEL, "0" * 64), "subject": [{"name": WHEEL}]}),
                  "the statement's subject has no sha256 digest"),
    "digest-algorithm": (broken({**statement(WHEEL, "0" * 64), "subject": [
        {"name": WHEEL, "digest": {"sha256": "0" * 64, "md5": "0" * 32}}]}),
        "the statement's subject digest \"md5\" is not one of sha256, sha384, sha512, "
        "sha3_256, sha3_384, sha3_512 with a text value (PyPI: \"Verification failed: "
        "invalid statement: …\")"),
    "predicate": (broken({**statement(WHEEL, "0" * 64), "predicate": "signed"}),
                  "the statement's predicate is a JSON string, not an object (PyPI: "
                  "\"Verification failed: invalid statement: …\")"),
    "log-entry": (with_field(verification_material__transparency_entries=[1]),
                  "a verification_material.transparency_entries item is a JSON number, not an "
                  "object"),
}


@pytest.mark.parametrize(("data", "problem"), MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_attestation_fails_naming_the_file_and_the_rule(
        project: SampleProject, data: bytes, problem: str) -> None:
    """Not JSON, the wrong shape, a statement that is not base64 JSON, the wrong in-toto
    _type or more than one subject: a failure naming the file and what is wrong."""
    sdist, wheel = released(project)
    write_attestation(sdist)  # its compliant twin beside it
    wheel.with_name(WHEEL + ".publish.attestation").write_bytes(data)
    finding = check(project)
    assert finding.status is Status.FAIL
    assert finding.summary == f"{WHEEL}.publish.attestation: {problem}"
    assert "pypi-attestations sign <file>" in finding.hint


def test_an_unknown_predicate_type_fails_with_pypis_words(project: SampleProject) -> None:
    """A statement whose predicateType PyPI does not take is refused as PyPI words it."""
    sdist, wheel = released(project)
    write_attestation(sdist)
    write_attestation(wheel, predicate="https://example.com/custom/v1")
    finding = check(project)
    assert finding.status is Status.FAIL
    assert finding.summary == (f"{WHEEL}.publish.attestation: its predicateType is "
                               "https://example.com/custom/v1 (PyPI: \"Verification failed: "
                               "unknown attestation type: https://example.com/custom/v1\")")


def test_a_subject_that_is_no_dist_filename_fails_with_pypis_words(
        project: SampleProject) -> None:
    """A subject named like no wheel or sdist is refused in pypi-attestations' words."""
    sdist, wheel = released(project)
    write_attestation(sdist)
    write_attestation(wheel, name="demo_pkg-1.2.0.txt")
    finding = check(project)
    assert finding.status is Status.FAIL
    assert finding.summary == (f"{WHEEL}.publish.attestation: it names 'demo_pkg-1.2.0.txt', "
                               "which is no wheel or sdist filename (PyPI: \"Verification "
                               "failed: invalid subject: unknown distribution format: "
                               "demo_pkg-1.2.0.txt\")")


def test_a_sha256_in_capitals_fails_and_says_so(project: SampleProject) -> None:
    """PyPI compares the digest as written: the file's sha256 in capitals is refused, and the
    summary says that capitals are the difference."""
    sdist, wheel = released(project)
    write_attestation(sdist)
    write_attestation(wheel, sha256=sha256(wheel).upper())
    finding = check(project)
    assert finding.status is Status.FAIL
    assert finding.summary == (
        f"{WHEEL}.publish.attestation: it names sha256 {sha256(wheel)[:16].upper()}…, but "
        f"{WHEEL} has sha256 {sha256(wheel)[:16]}… (in capitals: PyPI compares lowercase hex "
        "as written) (PyPI: \"Verification failed: subject does not match distribution "
        "digest\")")


def test_a_statement_naming_another_file_fails(project: SampleProject) -> None:
    """An attestation whose subject is another file (the sdist's, beside the wheel) fails."""
    sdist, wheel = released(project)
    write_attestation(sdist)
    write_attestation(wheel, name=SDIST, sha256=sha256(wheel))
    finding = check(project)
    assert finding.status is Status.FAIL
    assert finding.summary == (
        f"{WHEEL}.publish.attestation: it names the file {SDIST}, not {WHEEL} (PyPI: "
        f'"Verification failed: subject does not match distribution name: {SDIST} != '
        f'{WHEEL}")')


def test_a_subject_spelled_otherwise_but_naming_the_same_file_passes(
        project: SampleProject) -> None:
    """PyPI compares parsed filenames: another spelling of the same name and version passes."""
    sdist, wheel = released(project)
    write_attestation(sdist, name="Demo.Pkg-1.2.0.tar.gz")
    write_attestation(wheel)
    assert check(project).status is Status.PASS


def test_a_file_changed_after_signing_fails_on_its_sha256(project: SampleProject) -> None:
    """The wheel rebuilt after it was signed: the statement's sha256 is not the file's."""
    sdist, wheel = released(project)
    attest_all(sdist, wheel)
    signed = sha256(wheel)
    make_wheel(wheel.parent, files={"demo_pkg/__init__.py": "# rebuilt\n"})
    finding = check(project)
    assert finding.status is Status.FAIL
    assert finding.summary == (
        f"{WHEEL}.publish.attestation: it names sha256 {signed[:16]}…, but {WHEEL} has "
        f"sha256 {sha256(wheel)[:16]}… (PyPI: \"Verification failed: subject does not match "
        "distribution digest\")")


def test_an_attestation_of_no_dist_in_dist_warns(project: SampleProject) -> None:
    """An attestation whose dist is not in dist/ goes with no file: twine drops it, so it is
    a warning here (dists-stale fails on the stray file) and not a refusal."""
    attest_all(*released(project))
    orphan = project.root / "dist" / "demo_pkg-1.1.0.tar.gz.publish.attestation"
    orphan.write_text("{}")
    finding = check(project)
    assert finding.status is Status.WARN
    assert finding.summary == ("demo_pkg-1.1.0.tar.gz.publish.attestation names no dist in "
                               "dist/: it goes with no file and is not uploaded")
    assert finding.hint == "delete it: rm dist/demo_pkg-1.1.0.tar.gz.publish.attestation"
    assert str(orphan) not in twine_argv(make_plan(project.context("testpypi"), {}))


def test_attestations_that_leave_a_file_out_fail_naming_it(project: SampleProject) -> None:
    """Off a signing CI, an attestation for the sdist alone fails naming the wheel, with
    twine's refusal."""
    sdist, _ = released(project)
    write_attestation(sdist)
    finding = check(project)
    assert finding.status is Status.FAIL
    assert finding.summary == (f"{WHEEL} has no attestation while other files do: twine "
                               "refuses that upload (\"Upload with attestations requested, "
                               f"but {WHEEL} has no associated attestations\")")
    assert "--no-attestations" in finding.hint


def test_two_attestations_of_one_kind_fail_and_two_kinds_pass(project: SampleProject) -> None:
    """PyPI takes one attestation per predicate type and file: a second publish one fails, a
    SLSA provenance beside the publish one passes."""
    sdist, wheel = released(project)
    attest_all(sdist, wheel)
    slsa = write_attestation(wheel, kind="slsa", predicate=SLSA)
    assert check(project).summary.startswith("3 attestation(s) cover 2 of 2 files")
    slsa.unlink()
    write_attestation(wheel, kind="other", predicate=PUBLISH)
    finding = check(project)
    assert finding.status is Status.FAIL
    assert finding.summary == (
        f"{WHEEL}.publish.attestation and {WHEEL}.other.attestation are both {PUBLISH} "
        f"attestations of {WHEEL} (PyPI: \"Multiple attestations for the same file with the "
        f"same predicate type ({PUBLISH}) are not supported\")")


@pytest.mark.parametrize("source", ["variable", "credentials-file", "TWINE_PASSWORD"])
def test_attestations_with_an_api_token_fail(project: SampleProject, source: str) -> None:
    """PyPI takes attestations only with trusted publishing: with a token for the target (in
    its variable, the credentials file or TWINE_PASSWORD) they fail; without, they pass."""
    attest_all(*released(project))
    token = "pypi-" + "A" * 40
    env = {}
    if source == "variable":
        env["TEST_PYPI_API_KEY"] = token
    elif source == "TWINE_PASSWORD":
        env["TWINE_PASSWORD"] = token
    else:
        (project.root / ".env.local").write_text(f"TEST_PYPI_API_KEY={token}\n")
    finding = check(project, env=env)
    assert finding.status is Status.FAIL
    assert "2 attestation(s) would go with an API token" in finding.summary
    assert finding.summary.endswith("PyPI accepts attestations only with Trusted Publishing "
                                    "(\"Attestations are only supported when using Trusted "
                                    "Publishing\")")
    assert finding.hint.startswith("in CI drop ")
    assert finding.hint.endswith("delete the attestations (dist/*.attestation) or pass "
                                 "--no-attestations")
    assert token not in finding.summary + finding.hint


def test_attestations_for_a_private_index_warn(project: SampleProject) -> None:
    """twine sends attestations anywhere, but only PyPI and TestPyPI take them: a warning."""
    attest_all(*released(project))
    finding = check(project, "https://upload.example.com/legacy/")
    assert finding.status is Status.WARN
    assert finding.summary == ("upload.example.com is not PyPI: twine sends the 2 "
                               "attestation(s) there, but \"Only PyPI and TestPyPI support "
                               "attestations\" (twine)")


def test_the_check_runs_in_its_spec_place_in_the_report(project: SampleProject) -> None:
    """Through run_checks the check sits between dists-abi and dists-contents."""
    attest_all(*released(project))
    report = run_checks(project.context("testpypi"))
    ids = [r.id for r in report.checks]
    assert ids[ids.index("dists-abi") + 1:ids.index("dists-contents")] == [
        "dists-attestations"]
    assert report.get("dists-attestations").status is Status.PASS


# --- dists-stale and the plan: attestations are not dists --------------------------------

def test_attestations_of_any_kind_are_not_stale(project: SampleProject) -> None:
    """twine takes every <dist>.<kind>.attestation as an attestation, never as a file to
    upload: dists-stale counts them as companions; an orphan one stays stale."""
    sdist, wheel = released(project)
    attest_all(sdist, wheel)
    write_attestation(sdist, kind="slsa", predicate=SLSA)
    ctx = project.context("testpypi")
    finding = dists.dists_stale(ctx)
    assert finding.status is Status.PASS, finding
    assert "3 signatures/attestations" in finding.summary
    (project.root / "dist" / "demo_pkg-1.1.0.tar.gz.slsa.attestation").write_text("{}")
    assert dists.dists_stale(project.context("testpypi")).status is Status.FAIL


def test_twine_gets_every_attestation_and_no_attestations_gets_none(
        project: SampleProject) -> None:
    """Attestations of the files to send go to twine with --attestations; without them
    (--no-attestations) twine gets neither the flag nor the files."""
    sdist, wheel = released(project)
    made = [*attest_all(sdist, wheel), write_attestation(sdist, kind="slsa", predicate=SLSA)]
    plan = make_plan(project.context("testpypi"), {})
    argv = twine_argv(plan)
    assert "--attestations" in argv
    assert sorted(argv[-3:]) == sorted(str(p) for p in made)
    bare = twine_argv(without_attestations(plan))
    assert "--attestations" not in bare and not any(a.endswith(".attestation") for a in bare)
    assert bare[-2:] == [str(wheel), str(sdist)]


# --- signing, with a stand-in signer ------------------------------------------------------

SIGNER = '''#!{python}
"""A stand-in for pypi-attestations: records each call, then signs as the real one does."""
import json, os, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from tests.attestations import write_attestation

here = Path(__file__).parent
with (here / "calls.jsonl").open("a") as log:
    log.write(json.dumps({{"argv": sys.argv[1:], "cwd": os.getcwd(),
                          "env": sorted(os.environ)}}) + "\\n")
mode = (here / "mode").read_text().strip() if (here / "mode").exists() else "sign"
if mode == "fail":
    print("Failed to detect identity: GitHub: missing or insufficient OIDC token permissions")
    sys.exit(1)
if mode == "leak":  # a signer that prints the job's identity tokens as it fails
    print("Failed to sign:", *(os.environ.get(name, "") for name in (
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "SIGSTORE_ID_TOKEN", "TESTPYPI_ID_TOKEN")))
    sys.exit(1)
if sys.argv[1:2] != ["sign"]:
    sys.exit(2)
for name in sys.argv[2:]:
    if Path(name + ".publish.attestation").exists():
        print(name + ".publish.attestation already exists.")
        sys.exit(1)
for name in sys.argv[2:]:
    write_attestation(Path(name), sha256="0" * 64 if mode == "wrong" else None)
'''


class SignerRunner(StandaloneRunner):
    """The publish-checks command's runner, running real processes, whose pypi-attestations
    environment is a folder holding the stand-in signer, and whose twine is this test
    environment's."""

    def __init__(self, environ: Mapping[str, str], bindir: Path) -> None:
        super().__init__(environ, out=io.StringIO(), err=io.StringIO(), interactive=False)
        self.bindir = bindir
        self.provided: list[tuple[str, ...]] = []
        bindir.mkdir(parents=True)
        signer = bindir / "pypi-attestations"
        signer.write_text(SIGNER.format(python=sys.executable, root=str(ROOT)))
        signer.chmod(0o755)

    def provide(self, requirements: Sequence[str]) -> Path:
        self.provided.append(tuple(requirements))
        if any(r.startswith("pypi-attestations") for r in requirements):
            return self.bindir
        return Path(sys.executable).parent

    def calls(self) -> list[dict[str, Any]]:
        log = self.bindir / "calls.jsonl"
        return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() \
            else []


def ci_context(project: SampleProject, **extra: str) -> Context:
    return project.context("testpypi", env={**GITHUB, **extra})


def test_signing_runs_the_signer_on_each_file_and_attaches_what_it_wrote(
        project: SampleProject, tmp_path: Path) -> None:
    """In GitHub Actions trusted publishing, publish runs `pypi-attestations sign` on each
    file to upload, with the job's ambient identity and no secret, and twine then gets
    --attestations and each file's attestation; dists-attestations passes on them."""
    sdist, wheel = released(project)
    ctx = ci_context(project, PYPI_API_KEY="", TWINE_USERNAME="__token__")
    assert signing(ctx).provider == "GitHub Actions"
    runner = SignerRunner(ctx.environ, tmp_path / "signer")
    plan = sign(runner, ctx, make_plan(ctx, {}), "GitHub Actions")
    (call,) = runner.calls()
    assert call["argv"] == ["sign", str(wheel), str(sdist)]
    assert call["cwd"] == str(project.root)
    assert {"ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"} <= set(call["env"])
    assert not {"PYPI_API_KEY", "TWINE_PASSWORD"} & set(call["env"])
    assert runner.provided == [(PYPI_ATTESTATIONS,)]
    made = [Path(f"{wheel}.publish.attestation"), Path(f"{sdist}.publish.attestation")]
    argv = twine_argv(plan)
    assert "--attestations" in argv and argv[-4:] == [str(wheel), str(sdist),
                                                      *(str(p) for p in made)]
    finding = dists.dists_attestations(ci_context(project))
    assert finding.status is Status.PASS
    assert finding.summary.startswith("2 attestation(s) cover 2 of 2 files")


def test_a_resumed_publish_signs_only_what_has_no_attestation(
        project: SampleProject, tmp_path: Path) -> None:
    """pypi-attestations refuses to overwrite: a file attested by an earlier run keeps its
    attestation, and the signer is asked for the others alone."""
    sdist, wheel = released(project)
    kept = write_attestation(wheel)
    before = kept.read_bytes()
    ctx = ci_context(project)
    runner = SignerRunner(ctx.environ, tmp_path / "signer")
    plan = sign(runner, ctx, make_plan(ctx, {}), "GitHub Actions")
    assert [c["argv"] for c in runner.calls()] == [["sign", str(sdist)]]
    assert kept.read_bytes() == before
    assert set(plan.companions) == {kept, Path(f"{sdist}.publish.attestation")}


def test_a_file_already_on_the_index_is_not_signed(project: SampleProject,
                                                   tmp_path: Path) -> None:
    """Only the files to upload are signed: one the index already serves is skipped."""
    sdist, wheel = released(project)
    ctx = ci_context(project)
    runner = SignerRunner(ctx.environ, tmp_path / "signer")
    sign(runner, ctx, make_plan(ctx, {WHEEL: sha256(wheel)}), "GitHub Actions")
    assert [c["argv"] for c in runner.calls()] == [["sign", str(sdist)]]


def test_a_failing_signer_stops_the_publish_before_the_upload(
        project: SampleProject, tmp_path: Path) -> None:
    """When pypi-attestations fails (no identity), nothing is uploaded and the fix is named."""
    released(project)
    ctx = ci_context(project)
    runner = SignerRunner(ctx.environ, tmp_path / "signer")
    (runner.bindir / "mode").write_text("fail")
    with pytest.raises(ReleaseError) as raised:
        sign(runner, ctx, make_plan(ctx, {}), "GitHub Actions")
    assert raised.value.message == (
        "signing the dists failed (pypi-attestations exited with 1: Failed to detect "
        "identity: GitHub: missing or insufficient OIDC token permissions), so nothing was "
        "uploaded")
    assert "'permissions: id-token: write'" in raised.value.hint
    assert raised.value.hint.endswith("--no-attestations")


@pytest.mark.parametrize("env", [
    {},  # GitHub Actions: the request token
    {"GITHUB_ACTIONS": "", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "", "GITLAB_CI": "true",
     "TESTPYPI_ID_TOKEN": "eyJwdWJsaXNo.eyJhdWQiOiJ0ZXN0cHlwaSJ9.c2ln",
     "SIGSTORE_ID_TOKEN": "eyJzaWduaW5n.eyJhdWQiOiJzaWdzdG9yZSJ9.c2ln"},
], ids=["github", "gitlab"])
def test_the_jobs_identity_tokens_never_show_in_the_signers_output(
        project: SampleProject, tmp_path: Path, env: dict[str, str]) -> None:
    """Should the signer print the job's identity tokens, neither the log nor the error
    shows them; the rest of its line does."""
    released(project)
    ctx = ci_context(project, **env)
    provider = signing(ctx).provider
    assert provider == ("GitLab CI" if env else "GitHub Actions")
    runner = SignerRunner(ctx.environ, tmp_path / "signer")
    (runner.bindir / "mode").write_text("leak")
    with pytest.raises(ReleaseError) as raised:
        sign(runner, ctx, make_plan(ctx, {}), provider)
    shown = raised.value.message + str(runner.out.getvalue()) + str(runner.err.getvalue())
    assert "Failed to sign:" in raised.value.message
    for secret in ("request-token", *(v for k, v in env.items() if k.endswith("_ID_TOKEN"))):
        assert secret not in shown


def test_a_signer_that_names_the_wrong_digest_stops_the_publish(
        project: SampleProject, tmp_path: Path) -> None:
    """What the signer wrote is checked before the upload, as PyPI would check it."""
    released(project)
    ctx = ci_context(project)
    runner = SignerRunner(ctx.environ, tmp_path / "signer")
    (runner.bindir / "mode").write_text("wrong")
    with pytest.raises(ReleaseError) as raised:
        sign(runner, ctx, make_plan(ctx, {}), "GitHub Actions")
    assert raised.value.message.startswith(f"dist/{WHEEL}.publish.attestation: it names "
                                           "sha256 0000000000000000…")
    assert raised.value.message.endswith('"Verification failed: subject does not match '
                                         'distribution digest"); nothing was uploaded')


@pytest.mark.parametrize(("env", "reason"), [
    ({**GITHUB, "TEST_PYPI_API_KEY": "pypi-" + "B" * 40},
     "the upload uses an API token, and PyPI accepts attestations only with Trusted "
     "Publishing"),
    ({}, "this is no trusted-publishing CI job (GitHub Actions, GitLab CI, Google Cloud)"),
])
def test_nothing_is_signed_with_a_token_or_off_ci(project: SampleProject,
                                                  env: dict[str, str], reason: str) -> None:
    """With an API token, or outside trusted-publishing CI, publish signs nothing."""
    released(project)
    decided = signing(project.context("testpypi", env=env))
    assert (decided.provider, decided.reason) == (None, reason)


def test_the_signed_files_go_through_real_twine_to_a_real_index(
        project: SampleProject, tmp_path: Path, pypiserver: PypiServer) -> None:
    """twine 7 takes the argv publish builds with the signed attestations: --attestations,
    each file and its attestation (a local index ignores them, with twine's warning)."""
    sdist, wheel = released(project)
    ctx = ci_context(project)
    runner = SignerRunner(ctx.environ, tmp_path / "signer")
    plan = sign(runner, ctx, make_plan(ctx, {}), "GitHub Actions")
    # Trusted publishing itself needs PyPI: the same argv goes to the local index instead.
    argv = twine_argv(plan, str(Path(sys.executable).parent / "twine"))
    argv[argv.index("--repository-url") + 1] = pypiserver.url
    env = {**os.environ, "TWINE_USERNAME": pypiserver.username,
           "TWINE_PASSWORD": pypiserver.password, "TWINE_NON_INTERACTIVE": "1"}
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Only PyPI and TestPyPI support attestations" in done.stdout + done.stderr
    assert sorted(p.name for p in pypiserver.packages_dir.iterdir()) == [WHEEL, SDIST]
    assert {p.name: sha256(p) for p in pypiserver.packages_dir.iterdir()} == {
        WHEEL: sha256(wheel), SDIST: sha256(sdist)}


# --- the publish pipeline: attestations go to twine, or none with --no-attestations -------

@pytest.mark.parametrize("attestations", [True, False], ids=["attached", "no-attestations"])
def test_publish_attaches_the_attestations_unless_told_not_to(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path,
        attestations: bool) -> None:
    """publish hands twine --attestations and each file's attestation; with
    --no-attestations neither, and dists-attestations says they stay out."""
    sdist, wheel = released(project)
    made = attest_all(wheel, sdist)
    runner = fake(tmp_path, pypiserver)
    outcome = publish(runner, pipeline_context(project, pypiserver),
                      Flags(yes=True, attestations=attestations))
    (upload,) = runner.of_kind("upload")
    files = (str(wheel), str(sdist))
    if attestations:
        assert "--attestations" in upload.argv
        assert upload.argv[-4:] == (*files, *(str(p) for p in made))
        assert outcome.report.get("dists-attestations").status is Status.WARN  # not PyPI
    else:
        assert "--attestations" not in upload.argv and upload.argv[-2:] == files
        assert outcome.report.get("dists-attestations").summary == (
            "--no-attestations: nothing is signed; the 2 attestation file(s) in dist/ are "
            "not uploaded")
    assert outcome.uploaded == (WHEEL, SDIST) and outcome.served

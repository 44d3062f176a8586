"""Trusted publishing in CI (project/trusted.py): credentials-source refuses the runs PyPI
refuses and names the identity PyPI will match, and an ``invalid-publisher`` answer becomes
the registration to make."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from publish_checks._errors import ReleaseError
from publish_checks.checks.report import Status
from publish_checks.frontend.standalone import StandaloneRunner
from publish_checks.project.trusted import (
    github_workflow_file,
    plan_signing,
    publisher_identity,
)
from publish_checks.release.upload import explain_upload_failure
from tests.builders import SampleProject

OIDC = {"GITHUB_ACTIONS": "true",
        "ACTIONS_ID_TOKEN_REQUEST_URL": "https://token.actions.example.invalid/",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "request-token",
        "GITHUB_REPOSITORY": "octo/demo-pkg",
        "GITHUB_WORKFLOW_REF": "octo/demo-pkg/.github/workflows/release.yml@refs/tags/v1.2.0"}
IDENTITY = ("repository octo/demo-pkg, workflow release.yml, environment: as set on the job "
            "(environment:)")
# twine 7's words when PyPI finds no publisher for the job's claims.
INVALID_PUBLISHER = (
    "TrustedPublishingFailure: The token request failed; the index server gave the following "
    "reasons:\n\n* `invalid-publisher`: valid token, but no corresponding publisher "
    "(Publisher with matching claims was not found)\n")
CI_VARIABLES = ("GITHUB_EVENT_NAME", "GITHUB_REPOSITORY", "GITHUB_WORKFLOW_REF",
                "GOOGLE_SERVICE_ACCOUNT_NAME", "SIGSTORE_ID_TOKEN", "CI_PROJECT_PATH",
                "CI_CONFIG_PATH", "CI_ENVIRONMENT_NAME")


@pytest.fixture(autouse=True)
def no_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CI_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("repository", ["pypi", "testpypi"])
def test_pull_request_target_runs_fail_naming_the_event(project: SampleProject,
                                                       repository: str) -> None:
    """PyPI refuses trusted publishing from pull_request_target runs: fail before the upload,
    naming the event and the events to publish from."""
    env = {**OIDC, "GITHUB_EVENT_NAME": "pull_request_target"}
    result = project.verify(repository, env=env).get("credentials-source")
    host = "pypi.org" if repository == "pypi" else "test.pypi.org"
    assert result.status is Status.FAIL
    assert result.summary == (f"this GitHub Actions run was triggered by pull_request_target: "
                              f"{host} refuses trusted publishing from pull_request_target "
                              "runs (since March 2026), so no token can be minted (PyPI: "
                              "\"Publishing from a workflow invoked via 'pull_request_target' "
                              "is not supported.\")")
    assert result.hint == ("publish from a workflow run on push (of a tag), release or "
                           "workflow_dispatch, never on pull_request_target")


@pytest.mark.parametrize("event", ["push", "release", "workflow_dispatch", "pull_request"])
def test_other_events_pass_naming_the_identity_pypi_will_match(project: SampleProject,
                                                               event: str) -> None:
    """From a push (or any event but pull_request_target) trusted publishing passes, and the
    summary says the repository, workflow file and environment PyPI matches."""
    result = project.verify(env={**OIDC, "GITHUB_EVENT_NAME": event}).get("credentials-source")
    assert result.status is Status.PASS
    assert result.summary == ("no token: GitHub Actions trusted publishing will mint one at "
                              f"upload time; pypi.org must know this publisher: {IDENTITY}")


def test_pull_request_target_with_a_token_uses_the_token(project: SampleProject) -> None:
    """The refusal is of the OIDC exchange: a job that uploads with a token is not refused."""
    env = {**OIDC, "GITHUB_EVENT_NAME": "pull_request_target", "PYPI_API_KEY": "pypi-" + "C" * 40}
    result = project.verify(env=env).get("credentials-source")
    assert result.status is Status.PASS
    assert result.summary.startswith("token: PYPI_API_KEY from the environment")


def test_gitlab_identity_names_project_pipeline_file_and_environment(
        project: SampleProject) -> None:
    """On GitLab the identity is the project path, the pipeline file and the environment, as
    GitLab's variables give them."""
    env = {"GITLAB_CI": "true", "PYPI_ID_TOKEN": "a.b.c", "CI_PROJECT_PATH": "group/demo",
           "CI_CONFIG_PATH": ".gitlab-ci.yml", "CI_ENVIRONMENT_NAME": "pypi"}
    result = project.verify("pypi", env=env).get("credentials-source")
    assert result.status is Status.PASS
    assert result.summary.endswith("pypi.org must know this publisher: project group/demo, "
                                   "pipeline file .gitlab-ci.yml, environment pypi")


def test_a_google_service_account_is_a_trusted_publishing_source(
        project: SampleProject) -> None:
    """GOOGLE_SERVICE_ACCOUNT_NAME is what `id` impersonates on Google Cloud: a source."""
    env = {"GOOGLE_SERVICE_ACCOUNT_NAME": "release@demo.iam.gserviceaccount.com"}
    result = project.verify(env=env).get("credentials-source")
    assert result.status is Status.PASS
    assert result.summary.endswith(
        "service account release@demo.iam.gserviceaccount.com")


@pytest.mark.parametrize(("ref", "workflow"), [
    ("octo/demo/.github/workflows/release.yml@refs/tags/v1.2.0", "release.yml"),
    ("octo/demo/.github/workflows/publish.yaml@refs/heads/main", "publish.yaml"),
    ("octo/demo/.github/workflows/a@b.yml@refs/heads/x.yml", "a@b.yml"),
    ("", None),
])
def test_the_workflow_file_is_read_as_pypi_reads_it(ref: str, workflow: str | None) -> None:
    """The file name before the @ref, as PyPI extracts it from the workflow ref."""
    assert github_workflow_file(ref) == workflow


def test_unknown_identity_parts_are_said_to_be_unknown() -> None:
    """Without GITHUB_REPOSITORY and GITHUB_WORKFLOW_REF the identity says so, never guesses."""
    assert publisher_identity({}, "GitHub Actions") == (
        "repository (unknown), workflow (unknown), environment: as set on the job "
        "(environment:)")


def test_invalid_publisher_becomes_the_registration_to_make(project: SampleProject) -> None:
    """twine's invalid-publisher failure names the settings page of this project and the
    exact identity to register there."""
    ctx = project.context("pypi", env=OIDC)
    what, fix = explain_upload_failure(INVALID_PUBLISHER, ctx)
    assert what == ('pypi.org has no trusted publisher that matches this job ("invalid-'
                    'publisher: valid token, but no corresponding publisher")')
    assert fix == ("register this publisher at "
                   "https://pypi.org/manage/project/demo-pkg/settings/publishing/ (a project "
                   "not yet on pypi.org: as a pending publisher at "
                   f"https://pypi.org/manage/account/publishing/), exactly: {IDENTITY}")


def test_invalid_publisher_on_testpypi_points_at_testpypi(project: SampleProject) -> None:
    """For TestPyPI the registration is made on test.pypi.org."""
    _, fix = explain_upload_failure(INVALID_PUBLISHER, project.context("testpypi", env=OIDC))
    assert fix.startswith("register this publisher at "
                          "https://test.pypi.org/manage/project/demo-pkg/settings/publishing/")


def test_a_refused_trigger_is_not_taken_for_a_missing_registration(
        project: SampleProject) -> None:
    """PyPI's invalid-publisher answer for a pull_request_target run names the trigger to
    change, never a registration (none would help)."""
    output = ("TrustedPublishingFailure: The token request failed; the index server gave the "
              "following reasons:\n\n* `invalid-publisher`: valid token, but no corresponding "
              "publisher (Publishing from a workflow invoked via 'pull_request_target' is not "
              "supported.)\n")
    what, fix = explain_upload_failure(output, project.context("pypi", env=OIDC))
    assert what == ("pypi.org refuses trusted publishing from pull_request_target runs "
                    "(\"invalid-publisher: valid token, but no corresponding publisher "
                    "(Publishing from a workflow invoked via 'pull_request_target' is not "
                    "supported.)\")")
    assert fix == ("publish from a workflow run on push (of a tag), release or "
                   "workflow_dispatch, never on pull_request_target")
    # Its twin: invalid-publisher for any other reason is the registration to make.
    assert explain_upload_failure(INVALID_PUBLISHER, project.context("pypi", env=OIDC))[
        1].startswith("register this publisher at ")


def test_github_oidc_variables_without_github_actions_are_no_identity(
        project: SampleProject) -> None:
    """`id` looks for GitHub's OIDC request variables only where GITHUB_ACTIONS is set:
    without it they are no trusted-publishing source and nothing is signed (pypi-attestations
    would fall back to a browser login)."""
    bare = {k: v for k, v in OIDC.items() if k != "GITHUB_ACTIONS"}
    result = project.verify(env=bare).get("credentials-source")
    assert result.status is Status.FAIL
    assert result.summary.startswith("no token: PYPI_API_KEY is not set")
    decided = plan_signing(bare, "pypi.org", token=False, enabled=True)
    assert (decided.provider, decided.reason) == (None, "this is no trusted-publishing CI job "
                                                        "(GitHub Actions, GitLab CI, Google "
                                                        "Cloud)")
    assert plan_signing(OIDC, "pypi.org", token=False, enabled=True).provider == "GitHub Actions"


def test_other_failures_are_not_taken_for_invalid_publisher(project: SampleProject) -> None:
    """A 403 in the same job stays a credentials failure, not a publisher one."""
    what, _ = explain_upload_failure("HTTPError: 403 Forbidden from https://upload.pypi.org/",
                                     project.context("pypi", env=OIDC))
    assert what == "the index refused the credentials (403)"


@pytest.mark.parametrize(("output", "fix"), [
    ("HTTPError: 400 Bad Request\nInvalid attestations supplied during upload: Could not "
     "verify the uploaded artifact using the included attestation: Verification failed: "
     "Certificate's Build Config URI does not match",
     "read the index's reason above: an attestation must be signed in the workflow "
     "registered as the trusted publisher (a reusable workflow cannot sign for its caller); "
     "or publish without them: --no-attestations"),
    ("HTTPError: 400 Bad Request\nInvalid attestations supplied during upload: Attestations "
     "are only supported when using Trusted Publishing",
     "attestations need trusted publishing: drop the API token in CI; or publish without "
     "them: --no-attestations"),
])
def test_refused_attestations_become_their_fix(project: SampleProject, output: str,
                                               fix: str) -> None:
    """PyPI's refusal of the attestations is named with PyPI's words and the way out."""
    what, said = explain_upload_failure(output, project.context("pypi", env=OIDC))
    assert what == 'pypi.org refused the attestations ("Invalid attestations supplied during ' \
                   'upload")'
    assert said == fix


@pytest.mark.parametrize(("env", "host", "token", "enabled", "provider", "reason"), [
    (OIDC, "pypi.org", False, True, "GitHub Actions", ""),
    (OIDC, "pypi.org", False, False, None, "--no-attestations"),
    (OIDC, None, False, True, None, "only PyPI and TestPyPI take attestations"),
    (OIDC, "pypi.org", True, True, None, "the upload uses an API token, and PyPI accepts "
                                         "attestations only with Trusted Publishing"),
    ({"GOOGLE_SERVICE_ACCOUNT_NAME": "a@b"}, "pypi.org", False, True, "Google Cloud", ""),
])
def test_signing_happens_only_in_trusted_publishing_to_pypi(
        env: dict[str, str], host: str | None, token: bool, enabled: bool,
        provider: str | None, reason: str) -> None:
    """Publish signs where gh-action-pypi-publish does: trusted publishing to PyPI or
    TestPyPI, without a token, unless --no-attestations (a rehearsal's local index: never)."""
    decided = plan_signing(env, host, token=token, enabled=enabled)
    assert (decided.provider, decided.reason) == (provider, reason)


SNOOPING_BACKEND = '''\
import json, os, pathlib

def get_requires_for_build_wheel(config_settings=None):
    names = ["PYPI_API_KEY", "TWINE_PASSWORD", "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
             "SIGSTORE_ID_TOKEN", "PLAIN_VARIABLE"]
    seen = sorted(n for n in names if n in os.environ)
    pathlib.Path(os.environ["SNOOP_FILE"]).write_text(json.dumps(seen))
    raise RuntimeError("snooped")

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    raise RuntimeError("never built")
'''


def test_installing_a_tool_environment_hides_the_secrets_and_the_ci_identity(
        tmp_path: Path) -> None:
    """pip/uv may run an sdist's build backend while making a tool environment: it gets
    neither the upload secret nor the job's OIDC identity, only the rest."""
    snooper = tmp_path / "snooper"
    snooper.mkdir()
    (snooper / "pyproject.toml").write_text(
        '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n'
        '[project]\nname = "snooper"\nversion = "1.0"\n', "utf-8")
    (snooper / "backend.py").write_text(SNOOPING_BACKEND, "utf-8")
    seen = tmp_path / "seen.json"
    env = {**os.environ,  # this machine's index configuration: the tool env installs
           "PUBLISH_CHECKS_CACHE_DIR": str(tmp_path / "cache"), "SNOOP_FILE": str(seen),
           "PYPI_API_KEY": "pypi-secret", "TWINE_PASSWORD": "index-secret",
           "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "oidc", "SIGSTORE_ID_TOKEN": "sigstore",
           "PLAIN_VARIABLE": "1"}
    runner = StandaloneRunner(env, out=io.StringIO(), err=io.StringIO())
    with pytest.raises(ReleaseError):
        runner.provide([str(snooper)])
    assert json.loads(seen.read_text("utf-8")) == ["PLAIN_VARIABLE"]

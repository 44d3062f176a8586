"""Trusted publishing in CI, read from the environment alone: which CI can mint a PyPI token
in this job, who PyPI will see (the publisher it must have registered), and whether the job
can sign the dists (PEP 740) as gh-action-pypi-publish does.

What the ``id`` library (the uploaders' and pypi-attestations') needs, per CI:

- GitHub Actions: ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN, present only with
  ``permissions: id-token: write``; the same request gives PyPI's token and Sigstore's.
- GitLab CI: an ``id_tokens`` entry per audience, ``<AUDIENCE>_ID_TOKEN``: PYPI_ID_TOKEN
  (``aud: pypi``) or TESTPYPI_ID_TOKEN (``aud: testpypi``) to publish, SIGSTORE_ID_TOKEN
  (``aud: sigstore``) to sign.
- Google Cloud: GOOGLE_SERVICE_ACCOUNT_NAME, the service account ``id`` impersonates. (On
  Compute Engine ``id`` also asks the metadata server, which no variable shows.)
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from publish_checks._record import Record, record

AUDIENCES = {"pypi.org": "pypi", "test.pypi.org": "testpypi"}
GITHUB_OIDC = ("ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN")
GOOGLE_ACCOUNT = "GOOGLE_SERVICE_ACCOUNT_NAME"
# GitLab's ID token for audience "sigstore": a variable name, not a secret.
SIGSTORE_ID_TOKEN = "SIGSTORE_ID_TOKEN"  # noqa: S105
GITHUB, GITLAB, GOOGLE = "GitHub Actions", "GitLab CI", "Google Cloud"
# PyPI refuses the token exchange for runs of these GitHub events (pypi/warehouse#19601,
# March 2026): a pull_request_target run holds the base repository's identity while it may
# run a fork's code.
REFUSED_EVENTS = ("pull_request_target",)
# The workflow file in GITHUB_WORKFLOW_REF (owner/repo/.github/workflows/release.yml@ref),
# matched as PyPI matches it in the job_workflow_ref claim.
_WORKFLOW_FILE = re.compile(r"[^/]+\.(?:yml|yaml)(?=@)")


def gitlab_id_token_variable(token_host: str) -> str:
    """The variable `id` reads a GitLab ID token for ``token_host`` from: the audience,
    upper-cased."""
    return f"{AUDIENCES.get(token_host, 'pypi').upper()}_ID_TOKEN"


def trusted_publishing_provider(environ: Mapping[str, str], token_host: str) -> str | None:
    """The CI system that can mint a token for ``token_host`` in this job, if any."""
    # As `id` detects GitHub (and for Sigstore pypi-attestations, which without an ambient
    # identity would start a browser login): GITHUB_ACTIONS first, then the request pair.
    if environ.get("GITHUB_ACTIONS") and all(environ.get(name) for name in GITHUB_OIDC):
        return GITHUB
    if environ.get("GITLAB_CI") and environ.get(gitlab_id_token_variable(token_host)):
        return GITLAB
    if environ.get(GOOGLE_ACCOUNT):
        return GOOGLE
    # CircleCI can mint OIDC tokens, but PyPI takes no CircleCI trusted publisher; and
    # BUILDKITE_AGENT_ACCESS_TOKEN is in every Buildkite job and proves nothing.
    return None


def refused_event(environ: Mapping[str, str]) -> str | None:
    """The GitHub event of this run when PyPI refuses trusted publishing from it."""
    event = environ.get("GITHUB_EVENT_NAME", "")
    return event if environ.get("GITHUB_ACTIONS") and event in REFUSED_EVENTS else None


def refused_event_words(event: str) -> str:
    """PyPI's reason for refusing the token exchange of a run of ``event`` (warehouse
    oidc/models/github.py), inside its ``invalid-publisher`` answer."""
    return f"Publishing from a workflow invoked via '{event}' is not supported."


def refused_event_fix(event: str) -> str:
    """What to do about a run whose trigger PyPI refuses: no registration helps."""
    return ("publish from a workflow run on push (of a tag), release or workflow_dispatch, "
            f"never on {event}")


def github_workflow_file(workflow_ref: str) -> str | None:
    """``release.yml`` from ``owner/repo/.github/workflows/release.yml@refs/tags/v1.2.0``."""
    match = _WORKFLOW_FILE.search(workflow_ref)
    return match.group(0) if match else None


def publisher_identity(environ: Mapping[str, str], provider: str) -> str:
    """What PyPI matches this job against, as its trusted-publisher form asks for it; an
    ``invalid-publisher`` answer is fixed by registering exactly this."""
    unknown = "(unknown)"
    if provider == GITHUB:
        workflow = github_workflow_file(environ.get("GITHUB_WORKFLOW_REF", "")) or unknown
        # GitHub gives the steps no variable with the job's environment name.
        return (f"repository {environ.get('GITHUB_REPOSITORY') or unknown}, workflow "
                f"{workflow}, environment: as set on the job (environment:)")
    if provider == GITLAB:
        environment = environ.get("CI_ENVIRONMENT_NAME") or "(none)"
        return (f"project {environ.get('CI_PROJECT_PATH') or unknown}, pipeline file "
                f"{environ.get('CI_CONFIG_PATH') or '.gitlab-ci.yml'}, environment "
                f"{environment}")
    return f"service account {environ.get(GOOGLE_ACCOUNT) or unknown}"


def publishing_settings(token_host: str, project: str) -> str:
    """The page where a project's trusted publishers are registered."""
    return f"https://{token_host}/manage/project/{project}/settings/publishing/"


@record
class Signing(Record):
    """Whether publish signs the dists (PEP 740) in this job: ``provider`` is the CI whose
    identity signs, or None and ``reason`` says why nothing is signed."""

    provider: str | None
    reason: str = ""

    @property
    def will_sign(self) -> bool:
        return self.provider is not None


def plan_signing(environ: Mapping[str, str], token_host: str | None, *, token: bool,
                 enabled: bool) -> Signing:
    """Sign where gh-action-pypi-publish would: trusted publishing to PyPI or TestPyPI
    (PyPI takes attestations from nothing else) with an identity to sign with."""
    if not enabled:
        return Signing(None, "--no-attestations")
    if token_host is None:
        return Signing(None, "only PyPI and TestPyPI take attestations")
    if token:
        return Signing(None, "the upload uses an API token, and PyPI accepts attestations "
                             "only with Trusted Publishing")
    provider = trusted_publishing_provider(environ, token_host)
    if provider is None:
        return Signing(None, "this is no trusted-publishing CI job (GitHub Actions, GitLab "
                             "CI, Google Cloud)")
    if provider == GITLAB and not environ.get(SIGSTORE_ID_TOKEN):
        return Signing(None, f"this GitLab CI job has no {SIGSTORE_ID_TOKEN} to sign with "
                             f"(add 'id_tokens: {SIGSTORE_ID_TOKEN}: aud: sigstore' to sign)")
    return Signing(provider)

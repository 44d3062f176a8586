"""PEP 740 in the upload: sign the dists in trusted-publishing CI, as gh-action-pypi-publish
does, and give the uploader the attestations — or, with ``--no-attestations``, none.

The signer is pypi-attestations' own CLI (``pypi-attestations sign FILE…`` writes
``FILE.publish.attestation``), run in a tool environment of the runner. It takes the job's
ambient identity (GitHub's OIDC request variables, GitLab's SIGSTORE_ID_TOKEN, a Google
service account) through Sigstore: no secret of ours is given to it.
"""

from __future__ import annotations

import dataclasses
import os

from publish_checks._errors import ReleaseError
from publish_checks.checks.context import Context
from publish_checks.dists.attestations import (
    AttestationError,
    publish_attestation,
    read_attestation,
    subject_problem,
)
from publish_checks.dists.companions import is_attestation
from publish_checks.project.children import Role
from publish_checks.project.trusted import GITHUB_OIDC, Signing, plan_signing
from publish_checks.release.plan import Plan
from publish_checks.release.process import tail
from publish_checks.release.runner import Runner, bin_path

# 0.0.28: sigstore 4, and attestations with Rekor v1 entries, which PyPI verifies.
PYPI_ATTESTATIONS = "pypi-attestations>=0.0.28"


def signing(ctx: Context) -> Signing:
    """Whether this publish signs, by the rule dists-attestations reports."""
    return plan_signing(ctx.environ, ctx.target.token_host,
                        token=ctx.token_lookup.token is not None, enabled=ctx.attestations)


def without_attestations(plan: Plan) -> Plan:
    """The plan with no attestation to send (``--no-attestations``)."""
    return dataclasses.replace(plan, companions=tuple(
        p for p in plan.companions if not is_attestation(p.name)))


def sign(runner: Runner, ctx: Context, plan: Plan, provider: str) -> Plan:
    """Sign each file to upload that has no ``.publish.attestation`` yet (a resumed publish
    keeps the ones dists-attestations checked), then check what the signer wrote; return
    the plan with every attestation attached. ReleaseError, before anything is uploaded,
    when signing fails."""
    todo = [f for f in plan.to_upload if not publish_attestation(f.dist.path).exists()]
    if todo:
        runner.log(f"Signing {len(todo)} file(s) with the {provider} identity "
                   "(PEP 740, pypi-attestations)")
        bindir = runner.provide([PYPI_ATTESTATIONS])
        # The identity is ambient: no upload secret, and of GitLab's ID tokens only
        # Sigstore's (the PyPI ones mint upload tokens; GitHub's one request serves both).
        env = ctx.child_env(Role.SIGNER)
        env["PATH"] = os.pathsep.join([str(bindir), env.get("PATH", "")])
        # The job's identity tokens are credentials too: never shown, should the signer
        # print one (GitLab's <AUD>_ID_TOKEN, GitHub's request token).
        identity = tuple(value for name, value in env.items()
                         if name.endswith("_ID_TOKEN") or name == GITHUB_OIDC[1])
        done = runner.run([bin_path(bindir, "pypi-attestations"), "sign",
                           *(str(f.dist.path) for f in todo)], env=env, cwd=ctx.root,
                          secrets=identity, echo=True)
        if done.code != 0:
            raise ReleaseError(f"signing the dists failed (pypi-attestations exited with "
                               f"{done.code}: {tail(done.output, 1)}), so nothing was uploaded",
                               "the job needs its identity for Sigstore (GitHub: "
                               "'permissions: id-token: write'; GitLab: 'id_tokens: "
                               "SIGSTORE_ID_TOKEN: aud: sigstore'); or publish without "
                               "attestations: --no-attestations")
    made = []
    for planned in plan.to_upload:
        path = publish_attestation(planned.dist.path)
        try:
            problem = subject_problem(read_attestation(path), planned.dist.filename,
                                      planned.sha256)
        except AttestationError as e:
            problem = e.problem
        if problem is not None:
            raise ReleaseError(f"{ctx.shown(path)}: {problem}; nothing was uploaded",
                               f"delete it and publish again: {ctx.steps('publish')}")
        made.append(path)
    return dataclasses.replace(plan, companions=tuple(dict.fromkeys([*plan.companions,
                                                                     *made])))

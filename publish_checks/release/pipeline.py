"""The release pipeline: build → checks → plan → confirm → upload → the index serves it →
install proof → tag/push → summary. It runs through a :class:`Runner` and imports nothing
of nox's; the nox sessions and the ``publish-checks`` command are its two front ends."""

from __future__ import annotations

import contextlib
import dataclasses
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from publish_checks._errors import ReleaseError, UsageError
from publish_checks._text import NOX_STEPS, Steps
from publish_checks.checks.context import Context
from publish_checks.checks.report import Status
from publish_checks.dists.snapshot import IndexQueryError, Snapshot, wait_for_files
from publish_checks.project.credentials import redact
from publish_checks.project.repository import LOCAL_URL_VARIABLE
from publish_checks.release.build import build_dists
from publish_checks.release.finish import (
    Outcome,
    closing_lines,
    ending,
    finish,
    link_warnings,
    notes,
)
from publish_checks.release.flags import Flags
from publish_checks.release.fresh import Fresh, FreshAhead
from publish_checks.release.install import (
    Trial,
    fetch_from_index,
    prove_installable,
    trial_of,
)
from publish_checks.release.plan import Plan, plan_upload, release_of
from publish_checks.release.rehearse import local_index, real_publish_gaps, seed_previous
from publish_checks.release.runner import Runner, bin_path
from publish_checks.release.sign import sign, signing, without_attestations
from publish_checks.release.standby import Warm
from publish_checks.release.summary import write_step_summary
from publish_checks.release.upload import send, sending, standing_by
from publish_checks.release.verify import checked, open_project, rst_renderer, verify

PYPISERVER = "pypiserver[passlib]>=2"


class ChecksFailed(ReleaseError):
    """A check failed, so nothing was uploaded (exit status 1)."""


def build(runner: Runner, ctx: Context, flags: Flags) -> Context:
    """Build sdist and wheel into a clean ``dist/`` and check them."""
    return build_dists(runner, ctx, ctx.root / "dist", flags.skip, verbose=flags.verbose)


def publish(runner: Runner, ctx: Context, flags: Flags, *,
            password: str | None = None, early: Warm | None = None) -> Outcome:
    """Verify, plan, confirm, upload, wait for the index, prove it installs, tag and push.

    ``password`` is the rehearsal's generated one; ``early`` the uploader the command
    started before its modules loaded (release/standby.py). Raises ChecksFailed or
    ReleaseError; the closing lines are shown whenever the release reached the index.
    """
    # The same verdict as verify's (a failed build's files fail dists-stale, whatever is
    # skipped); a broken wheel is never uploaded; --no-attestations: nothing is signed nor
    # attached.
    ctx = dataclasses.replace(ctx, install_release=True, attestations=flags.attestations)
    runner.log(f"Verifying {ctx.project_name} {ctx.version} for {ctx.target.name}")
    # The uploader loads while the checks run; it uploads only when send() says go.
    with contextlib.ExitStack() as stack:
        warm = None if flags.dry_run else stack.enter_context(standing_by(runner, ctx, early))
        report, follow = checked(ctx, flags)
        for warning in follow.warnings:
            runner.log(f"Warning: {warning}")
        runner.report(report, "publish-checks verify", primary=True)
        outcome = Outcome(report)
        if not report.ok:
            failed = sum(r.status is Status.FAIL for r in report.checks)
            raise ChecksFailed(f"not publishing: {failed} check(s) failed; nothing was "
                               "uploaded")
        secrets = tuple(s for s in (password, *ctx.secrets) if s)
        try:
            _publish(runner, ctx, flags, outcome, password, follow.release_notes, warm)
        except ReleaseError as e:
            if outcome.served and outcome.plan is not None:  # it is out: say what is left
                runner.show("\n" + closing_lines(ctx, outcome.plan, outcome,
                                                  flags.github_release))
            raise ReleaseError(redact(e.message, secrets), redact(e.hint, secrets)) from None
    if outcome.served and outcome.plan is not None:
        runner.show("\n" + closing_lines(ctx, outcome.plan, outcome, flags.github_release))
    write_step_summary(ctx, report, outcome.plan)
    return outcome


def _publish(runner: Runner, ctx: Context, flags: Flags, outcome: Outcome,
             password: str | None, release_notes: str | None, warm: Warm | None) -> None:
    """The steps after the checks, passing data: the release's facts and the index's
    snapshot make the plan; the upload sends it; the wait returns a fresh snapshot, whose
    file URLs the install proof downloads; the ending tags and pushes."""
    try:
        snapshot = ctx.snapshot()  # the listing index-version read: one read per run
    except IndexQueryError as e:
        raise ReleaseError(e.message, e.hint) from None
    release, trial = release_of(ctx), trial_of(ctx)
    plan = plan_upload(release, snapshot)
    if not flags.attestations:
        plan = without_attestations(plan)
    outcome.plan = plan
    runner.show(plan.render())
    if not plan.files:
        raise ReleaseError("there are no files of this release to upload", "build them first")
    if flags.dry_run:
        for warning in link_warnings(ctx, plan):
            runner.log(f"Warning: {warning}")
        runner.log("Dry run: stopping before the upload; nothing was uploaded")
        return
    end = ending(ctx, plan.version)
    # The proof's virtualenv is made while the upload runs (only the install needs the
    # files from the index); it is removed when the proof is done.
    with FreshAhead(runner, trial.env) as fresh:
        if not plan.to_upload:
            runner.log("Every file is already on the index: nothing to upload")
            if warm is not None:
                warm.waiting.close()  # nothing for it to do
        else:
            confirm(runner, ctx, flags, plan)
            if (signer := signing(ctx).provider) is not None:  # PEP 740, in trusted CI
                plan = outcome.plan = sign(runner, ctx, plan, signer)
            send(runner, sending(ctx, password, terminal=runner.terminal), plan,
                 verbose=flags.verbose, warm=warm, meanwhile=fresh.make)
            outcome.uploaded = tuple(f.dist.filename for f in plan.to_upload)
        served = wait_for_index(runner, snapshot, plan, release.bump_hint)
        outcome.served = True
        prove_from_index(runner, served, plan, trial, fresh.made)
    finish(runner, end, plan, outcome, tag=flags.tag, push=flags.push or flags.github_release,
           release_notes=release_notes)


def wait_for_index(runner: Runner, snapshot: Snapshot, plan: Plan, bump_hint: str) -> Snapshot:
    """The index's listing once it serves every file of ``plan`` with its sha256."""
    runner.log("Waiting for the index to serve every file with the right sha256")
    try:
        return wait_for_files(snapshot, plan.expected, bump_hint=bump_hint)
    except IndexQueryError as e:
        raise ReleaseError(e.message, e.hint) from None


def prove_from_index(runner: Runner, snapshot: Snapshot, plan: Plan, trial: Trial,
                     fresh: Fresh | None = None) -> None:
    """The install proof: the files as ``snapshot`` lists them, installed (into ``fresh``,
    when it was made while they uploaded) and smoke-tested."""
    with tempfile.TemporaryDirectory(prefix="publish-checks-download-") as tmp:
        files = fetch_from_index(snapshot, plan, Path(tmp))
        # Each checked against the sha256 uploaded as it came (fetch_from_index, in order).
        sha256s = {path: planned.sha256 for path, planned in zip(files, plan.files, strict=True)}
        output = prove_installable(runner, trial, files, f"{plan.project}=={plan.version}",
                                   fresh=fresh, sha256s=sha256s)
    if output:
        runner.show(output)
    runner.log(f"Smoke test passed: {plan.project} {plan.version} installs from the index "
               "and runs")


def confirm(runner: Runner, ctx: Context, flags: Flags, plan: Plan) -> None:
    """Nothing is uploaded without a yes: ``--yes``, or ``y`` typed on a terminal."""
    if flags.yes:
        return
    if ctx.environ.get("CI") or not runner.interactive:
        raise ReleaseError("no terminal to confirm the upload on, so nothing was uploaded",
                           f"pass --yes ({ctx.steps('publish', '--yes')})")
    if not runner.confirm(f"Upload {len(plan.to_upload)} file(s) to {ctx.target.name}? [y/N] "):
        raise ReleaseError("not confirmed: nothing was uploaded")


def rehearse(runner: Runner, root: Path, flags: Flags, environ: Mapping[str, str],
             steps: Steps = NOX_STEPS) -> Outcome:
    """The whole release against a throwaway pypiserver on 127.0.0.1; the real dist/ and
    the real index are left alone."""
    python = bin_path(runner.provide([PYPISERVER]), "python")
    with local_index(python, environ=environ) as index:
        runner.log(f"Embedded index up at {index.url} (user {index.username}, generated "
                   "password)")
        ctx = open_project(runner, root, "local",
                           environ={**environ, LOCAL_URL_VARIABLE: index.url}, steps=steps)
        # Build into the throwaway folder: a rehearsal leaves the real dist/ alone.
        ctx = build_dists(runner, ctx, index.workdir / "dist", flags.skip,
                          verbose=flags.verbose)
        # The release before, from the real index: index-diff is rehearsed too.
        runner.log(seed_previous(root, environ, steps, index.packages, ctx.project_name,
                                 ctx.version))
        # Nothing leaves this machine: no confirmation to ask for.
        outcome = publish(runner, ctx, Flags(skip=flags.skip, yes=True, verbose=flags.verbose),
                          password=index.password)
        runner.log("Rehearsal passed: built, uploaded, installed and smoke-tested on the "
                   "embedded index")
        # What the throwaway index could not try: the real one's credentials, and the rest.
        runner.show("\n" + real_publish_gaps(root, environ, steps, skip=flags.skip,
                                              dist_dir=ctx.dists.directory))
        return outcome


def refuse_offline_publish(offline: bool, target_is_local: bool, steps: Steps) -> None:
    """publish must ask the index, and `local` exists only inside a rehearsal."""
    if offline:
        raise UsageError("publish must ask the index what it has: drop --offline",
                         "--dry-run stops before uploading")
    if target_is_local:
        raise UsageError("--repository local is the embedded index of a rehearsal, which "
                         "exists only while it runs", f"use {steps('rehearse')}")


__all__: Sequence[str] = ["ChecksFailed", "Flags", "Outcome", "build", "notes", "publish",
                          "rehearse", "rst_renderer", "verify"]

"""The release pipeline: build → checks → plan → confirm → upload → the index serves it →
install proof → tag/push → summary. It runs through a :class:`Runner` and imports nothing
of nox's; the nox sessions and the ``publish-checks`` command are its two front ends."""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from publish_checks._errors import ReleaseError, UsageError
from publish_checks._text import NOX_STEPS, Steps
from publish_checks.checks import load_context, run_checks
from publish_checks.checks.context import Context
from publish_checks.checks.report import Report, Status
from publish_checks.dists.index import IndexQueryError, project_files, wait_for_files
from publish_checks.dists.readme import RENDER_SCRIPT, RenderError, RstRenderer
from publish_checks.project.children import Role
from publish_checks.project.credentials import redact
from publish_checks.project.repository import LOCAL_URL_VARIABLE
from publish_checks.release.build import BUILD_FAILED, build_dists
from publish_checks.release.finish import (
    Outcome,
    closing_lines,
    finish,
    link_warnings,
    notes,
    refuse_what_cannot_follow,
)
from publish_checks.release.install import (
    fetch_from_index,
    prove_installable,
    release_installer,
)
from publish_checks.release.plan import (
    Plan,
    explain_upload_failure,
    make_plan,
    twine_argv,
    twine_env,
)
from publish_checks.release.process import tail
from publish_checks.release.rehearse import local_index, real_publish_gaps
from publish_checks.release.runner import Runner, bin_path
from publish_checks.release.sign import sign, signing, without_attestations
from publish_checks.release.summary import write_step_summary

# twine for the upload: 7 is the first that takes Metadata-Version 2.5 (and mints
# trusted-publishing tokens itself, as 6.1 did).
TWINE = "twine>=7"
PYPISERVER = "pypiserver[passlib]>=2"
README_RENDERER = "readme-renderer>=44"


@dataclass(frozen=True)
class Flags:
    """What the user asked of this release, beyond which project and index."""

    skip: tuple[str, ...] = ()
    yes: bool = False
    dry_run: bool = False
    tag: bool = False
    push: bool = False
    install: bool = False  # verify --install: dists-install runs in verify too
    github_release: bool = False  # after the push: gh release create with the notes
    verbose: bool = False  # passed on to twine and build
    attestations: bool = True  # sign in trusted-publishing CI (--no-attestations: don't)


class ChecksFailed(ReleaseError):
    """A check failed, so nothing was uploaded (exit status 1)."""


def open_project(runner: Runner, root: Path, repository: str | None, *,
                 environ: Mapping[str, str], offline: bool = False,
                 steps: Steps = NOX_STEPS) -> Context:
    """The project's Context, with reST rendered in the runner's tool environment and the
    release installed into virtualenvs the runner makes (for dists-install)."""
    ctx = load_context(root, repository, environ=environ, offline=offline, steps=steps)
    ctx.rst_renderer = rst_renderer(runner, ctx.child_env(Role.TOOL))
    ctx.installer = release_installer(runner, ctx)
    return ctx


def verify(runner: Runner, ctx: Context, flags: Flags) -> Report:
    """Every check, one report (and the CI step summary); the caller decides the exit.
    dists-install runs only with ``--install``."""
    report = run_checks(dataclasses.replace(ctx, install_release=flags.install,
                                            attestations=flags.attestations), skip=flags.skip)
    runner.report(report, "publish-checks verify", primary=True)
    write_step_summary(ctx, report, None)
    return report


def rst_renderer(runner: Runner, environ: Mapping[str, str]) -> RstRenderer:
    """readme_renderer, as PyPI renders, run in a tool environment: a structured answer
    (JSON, one report per text), never twine's words to parse."""

    def render(texts: Sequence[str]) -> list[str | None]:
        python = bin_path(runner.provide([README_RENDERER]), "python")
        with tempfile.TemporaryDirectory(prefix="publish-checks-readme-") as tmp:
            given, answer = Path(tmp) / "texts.json", Path(tmp) / "reports.json"
            given.write_text(json.dumps(list(texts)), "utf-8")
            done = runner.run([python, "-c", RENDER_SCRIPT, str(given), str(answer)],
                              env=dict(environ), cwd=Path(tmp))
            try:
                reports = json.loads(answer.read_text("utf-8"))
            except (OSError, ValueError):
                raise RenderError(f"exit status {done.code}: {tail(done.output, 3)}") from None
        if not (isinstance(reports, list)
                and all(r is None or isinstance(r, str) for r in reports)):
            raise RenderError("it answered something other than a list of reports")
        return reports

    return render


def build(runner: Runner, ctx: Context, flags: Flags) -> Context:
    """Build sdist and wheel into a clean ``dist/`` and check them."""
    return build_dists(runner, ctx, ctx.root / "dist", flags.skip, verbose=flags.verbose)


def publish(runner: Runner, ctx: Context, flags: Flags, *,
            password: str | None = None) -> Outcome:
    """Verify, plan, confirm, upload, wait for the index, prove it installs, tag and push.

    ``password`` is the rehearsal's generated one. Raises ChecksFailed or ReleaseError; the
    closing lines are shown whenever the release reached the index.
    """
    # A broken wheel is never uploaded; --no-attestations: nothing is signed nor attached.
    ctx = dataclasses.replace(ctx, install_release=True, attestations=flags.attestations)
    if (ctx.dists.directory / BUILD_FAILED).exists():
        raise ReleaseError(f"the last build into {ctx.shown(ctx.dists.directory)} failed, so "
                           "nothing was uploaded", "fix the build and build again")
    runner.log(f"Verifying {ctx.project_name} {ctx.version} for {ctx.target.name}")
    report = run_checks(ctx, skip=flags.skip)
    runner.report(report, "publish-checks verify", primary=True)
    outcome = Outcome(report)
    if not report.ok:
        failed = sum(r.status is Status.FAIL for r in report.checks)
        raise ChecksFailed(f"not publishing: {failed} check(s) failed; nothing was uploaded")
    secrets = tuple(s for s in (password, *ctx.secrets) if s)
    try:
        _publish(runner, ctx, flags, outcome, password)
    except ReleaseError as e:
        if outcome.served and outcome.plan is not None:  # it is out: say what is left to do
            runner.show("\n" + closing_lines(ctx, outcome.plan, outcome, flags.github_release))
        raise ReleaseError(redact(e.message, secrets), redact(e.hint, secrets)) from None
    if outcome.served and outcome.plan is not None:
        runner.show("\n" + closing_lines(ctx, outcome.plan, outcome, flags.github_release))
    write_step_summary(ctx, report, outcome.plan)
    return outcome


def _publish(runner: Runner, ctx: Context, flags: Flags, outcome: Outcome,
             password: str | None) -> None:
    index_url, project = ctx.target.index_url or "", ctx.project_name or ""
    release_notes = refuse_what_cannot_follow(runner, ctx, tag=flags.tag,
                                              push=flags.push or flags.github_release,
                                              github_release=flags.github_release)
    try:
        plan = make_plan(ctx, project_files(index_url, project, login=ctx.index_login))
    except IndexQueryError as e:
        raise ReleaseError(e.message, e.hint) from None
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
    if not plan.to_upload:
        runner.log("Every file is already on the index: nothing to upload")
    else:
        confirm(runner, ctx, flags, plan)
        if (signer := signing(ctx).provider) is not None:  # PEP 740, in trusted-publishing CI
            plan = outcome.plan = sign(runner, ctx, plan, signer)
        upload(runner, ctx, plan, password, verbose=flags.verbose)
        outcome.uploaded = tuple(f.dist.filename for f in plan.to_upload)
    runner.log("Waiting for the index to serve every file with the right sha256")
    try:
        wait_for_files(index_url, project, {f.dist.filename: f.sha256 for f in plan.files},
                       bump_hint=f"bump the version with `{ctx.steps('bump', 'patch')}` and "
                       f"rebuild with `{ctx.steps.build}`", login=ctx.index_login)
    except IndexQueryError as e:
        raise ReleaseError(e.message, e.hint) from None
    outcome.served = True
    with tempfile.TemporaryDirectory(prefix="publish-checks-download-") as tmp:
        files = fetch_from_index(ctx, plan, Path(tmp))
        output = prove_installable(runner, ctx, files, f"{plan.project}=={plan.version}")
    if output:
        runner.show(output)
    runner.log(f"Smoke test passed: {plan.project} {plan.version} installs from the index "
               "and runs")
    finish(runner, ctx, plan, outcome, tag=flags.tag, push=flags.push or flags.github_release,
           release_notes=release_notes)


def confirm(runner: Runner, ctx: Context, flags: Flags, plan: Plan) -> None:
    """Nothing is uploaded without a yes: ``--yes``, or ``y`` typed on a terminal."""
    if flags.yes:
        return
    if ctx.environ.get("CI") or not runner.interactive:
        raise ReleaseError("no terminal to confirm the upload on, so nothing was uploaded",
                           f"pass --yes ({ctx.steps('publish', '--yes')})")
    if not runner.confirm(f"Upload {len(plan.to_upload)} file(s) to {ctx.target.name}? [y/N] "):
        raise ReleaseError("not confirmed: nothing was uploaded")


def upload(runner: Runner, ctx: Context, plan: Plan, password: str | None, *,
           verbose: bool = False) -> None:
    """``twine upload`` of exactly the planned files; credentials only in its environment.
    Its progress bar shows on a terminal, never in CI or a log."""
    credentials = twine_env(ctx, password)  # refuses a secret that is not this index's own
    bindir = runner.provide([TWINE])
    runner.log(f"Uploading {len(plan.to_upload)} file(s) to {plan.upload_url} with twine")
    # The token variables (TWINE_PASSWORD too) stay out: twine gets the one secret for this
    # index, as TWINE_PASSWORD, from twine_env alone.
    env = {**ctx.child_env(Role.UPLOADER), **credentials}
    env["PATH"] = os.pathsep.join([str(bindir), env.get("PATH", "")])
    secrets = tuple(s for s in (password, env.get("TWINE_PASSWORD")) if s)
    if not secrets:
        runner.log("No token given: twine will use trusted publishing (OIDC in CI), its "
                   "keyring or ~/.pypirc")
    progress = runner.terminal and not ctx.environ.get("CI")
    done = runner.run(twine_argv(plan, bin_path(bindir, "twine"), verbose=verbose,
                                 progress=progress), env=env, secrets=secrets, echo=True)
    if done.code != 0:
        what, fix = explain_upload_failure(done.output, ctx)
        raise ReleaseError(f"upload failed: {what}",
                           f"{fix}. Files that reached the index are skipped on the next run")


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

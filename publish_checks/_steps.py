"""The release steps the sessions chain — build, then verify → plan → confirm → upload →
wait → install → smoke → tag — each driven through the nox session it runs in."""

from __future__ import annotations

import dataclasses
import os
import shlex
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from publish_checks._build import (
    BUILD_FAILED,
    clean_outputs,
    file_table,
    normalize_sdist,
    source_date_epoch,
)
from publish_checks._cli import emit_report
from publish_checks._context import Context
from publish_checks._credentials import redact
from publish_checks._dists import file_sha256
from publish_checks._errors import PublishChecksError, ReleaseError
from publish_checks._index import project_files, wait_for_files
from publish_checks._options import Options
from publish_checks._publish import (
    Plan,
    explain_upload_failure,
    make_plan,
    next_steps,
    smoke_command,
    twine_argv,
    twine_env,
)
from publish_checks._release import (
    create_tag,
    dependency_index,
    install_fresh,
    push_tag,
    run_checked,
    run_redacted,
    write_step_summary,
)
from publish_checks._report import Status, render_text, use_colour, write_text
from publish_checks._verify import run_checks
from publish_checks.checks import DIST_CHECK_IDS

if TYPE_CHECKING:
    import nox

# twine for `upload` and `check --strict`: 6.1 mints trusted-publishing tokens itself.
TWINE = "twine>=6.1"

def message(error: PublishChecksError) -> str:
    """One line for session.error: what is wrong — the fix."""
    return f"{error.message} — {error.hint}" if error.hint else error.message


def say(options: Options, text: str) -> None:
    """Progress for people: on stderr when stdout carries the --json report."""
    write_text(sys.stderr if options.json else sys.stdout, text + "\n")


def _secret_free_env(ctx: Context) -> dict[str, str | None]:
    """Unset the token variables for children that need no token (build backends, the
    installed release): nox hands every child the outer environment otherwise."""
    names = {ctx.target.token_variable, ctx.config.token_variable, "PYPI_API_KEY",
             "TEST_PYPI_API_KEY", "TWINE_PASSWORD"}
    return {name: None for name in names if name}


def build_into(session: nox.Session, ctx: Context, outdir: Path, options: Options) -> Context:
    """Clean outputs, build with `build` in the session's virtualenv, run the dist checks.

    Returns a new Context that sees the freshly built files. If anything fails, a marker
    stays in ``outdir`` so that a chained publish refuses those files whatever it skips.
    """
    removed = clean_outputs(ctx.root, outdir, ctx.git)
    if removed:
        session.log(f"# Removed {', '.join(removed)}")
    try:
        return _build(session, ctx, outdir, options)
    except BaseException:
        outdir.mkdir(parents=True, exist_ok=True)
        (outdir / BUILD_FAILED).write_text("the last nox -s build failed\n", "utf-8")
        raise


def _build(session: nox.Session, ctx: Context, outdir: Path, options: Options) -> Context:
    uv = session.venv_backend == "uv"
    session.install("build[uv]>=1.2" if uv else "build>=1.2", silent=True)
    epoch = source_date_epoch(ctx.git)
    env = _secret_free_env(ctx)
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(epoch)
    session.log(f"# Building {ctx.project_name or ctx.root.name} into {ctx.shown(outdir)}"
                + (f" (SOURCE_DATE_EPOCH={epoch}, from the last commit)" if epoch else ""))
    session.run("python", "-m", "build", *(["--installer", "uv"] if uv else []),
                "--outdir", str(outdir), str(ctx.root), env=env, silent=True)
    if epoch is not None:
        for sdist in outdir.glob("*.tar.gz"):
            normalize_sdist(sdist, epoch)
    built = dataclasses.replace(ctx, dist_dir=outdir)
    rows = [(d.filename, d.path.stat().st_size, built.dists.sha256(d.path), d.kind)
            for d in built.dists.dists]
    say(options, f"\nBuilt in {built.shown(outdir)}:\n{file_table(rows)}\n")
    report = run_checks(built, skip=options.skip, only=DIST_CHECK_IDS)
    stream = sys.stderr if options.json else sys.stdout
    write_text(stream, render_text(dataclasses.replace(
        report, checks=[r for r in report.checks if r.id in DIST_CHECK_IDS]),
        colour=use_colour(stream), title="publish-checks build: dist checks"))
    if not report.ok:
        session.error("the built files failed a check: fix what is marked ✗ above, "
                      "then run nox -s build again")
    return built


def _confirm(session: nox.Session, options: Options, plan: Plan, target: str) -> None:
    if options.yes:
        return
    if os.environ.get("CI") or not sys.stdin.isatty():
        session.error("no terminal to confirm the upload on, so nothing was uploaded: "
                      "pass --yes (nox -s publish -- --yes)")
    try:
        answer = input(f"Upload {len(plan.to_upload)} file(s) to {target}? [y/N] ")
    except EOFError:
        answer = ""
    if answer.strip().lower() not in ("y", "yes"):
        session.error("not confirmed: nothing was uploaded")


def release(session: nox.Session, ctx: Context, options: Options,
            password: str | None = None) -> None:
    """verify → plan → confirm → upload → the index serves it → it installs and runs."""
    if (ctx.dists.directory / BUILD_FAILED).exists():
        session.error(f"the last nox -s build into {ctx.shown(ctx.dists.directory)} failed, so "
                      "nothing was uploaded: fix the build and run nox -s build again")
    session.log(f"# Verifying {ctx.project_name} {ctx.version} for {ctx.target.name}")
    report = run_checks(ctx, skip=options.skip)
    emit_report(report, options.json)
    if not report.ok:
        failed = sum(r.status is Status.FAIL for r in report.checks)
        session.error(f"not publishing: {failed} check(s) failed; nothing was uploaded")
    secrets_ = tuple(s for s in (password,) if s)
    index_url, project = ctx.target.index_url or "", ctx.project_name or ""
    plan: Plan | None = None
    served = tagged = pushed = False
    try:
        plan = make_plan(ctx, project_files(index_url, project))
        say(options, plan.render())
        if not plan.files:
            raise ReleaseError("there are no files of this release to upload",
                               "build them: nox -s build")
        if not plan.to_upload:
            session.log("# Every file is already on the index: nothing to upload")
        elif options.dry_run:
            session.log("# Dry run: stopping before the upload; nothing was uploaded")
            return
        else:
            _confirm(session, options, plan, ctx.target.name)
            upload(session, ctx, plan, password, options.json)
        session.log("# Waiting for the index to serve every file with the right sha256")
        wait_for_files(index_url, project,
                       {f.dist.filename: f.sha256 for f in plan.files})
        served = True
        prove_installable(session, ctx, plan, options)
        if options.tag or options.push:  # pushing a tag implies making it
            tagged = create_tag(ctx, plan.version)
            session.log(f"# Tagged HEAD as v{plan.version}")
            if options.push:
                pushed = push_tag(ctx, plan.version)
                session.log(f"# Pushed v{plan.version}")
    except PublishChecksError as e:
        if served and plan is not None:  # the release is out: say what is left to do
            say(options, "\n" + next_steps(ctx, plan, tagged=tagged, pushed=pushed))
        session.error(redact(message(e), secrets_))
    say(options, "\n" + next_steps(ctx, plan, tagged=tagged, pushed=pushed))
    write_step_summary(ctx, report, plan)


def upload(session: nox.Session, ctx: Context, plan: Plan, password: str | None,
           json_output: bool = False) -> None:
    session.install(TWINE, silent=True)
    argv = twine_argv(plan)
    session.log(f"# Uploading {len(plan.to_upload)} file(s) to {plan.upload_url} with twine")
    env = {**os.environ, **twine_env(ctx, password)}
    for key, value in session.env.items():  # nox marks variables to unset with None
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    env["PATH"] = os.pathsep.join([session.bin, env.get("PATH", "")])
    secrets_ = tuple(s for s in (password, env.get("TWINE_PASSWORD")) if s)
    if not secrets_:
        session.log("# No token given: twine will use trusted publishing (OIDC in CI), "
                    "its keyring or ~/.pypirc")
    code, output = run_redacted(argv, env, secrets_, sys.stderr if json_output else sys.stdout)
    if code != 0:
        what, fix = explain_upload_failure(output, ctx)
        raise ReleaseError(f"upload failed: {what}",
                           f"{fix}. Files that reached the index are skipped on the next run")


def prove_installable(session: nox.Session, ctx: Context, plan: Plan, options: Options) -> None:
    """Download the release from the index, check it is our file, install it fresh, smoke it."""
    index_url = ctx.target.index_url or ""
    session.install("pip", silent=True)
    with tempfile.TemporaryDirectory(prefix="publish-checks-install-") as tmp:
        work = Path(tmp)
        spec = f"{plan.project}=={plan.version}"
        session.log(f"# Installing {spec} from {index_url} into a fresh virtualenv")
        session.run("python", "-m", "pip", "download", "--quiet", "--no-deps", "--no-cache-dir",
                    "--index-url", index_url, "--dest", str(work / "download"),
                    spec, silent=True)
        served = {p.name: file_sha256(p) for p in (work / "download").iterdir()}
        expected = {f.dist.filename: f.sha256 for f in plan.files}
        for name, sha in served.items():
            if expected.get(name) != sha:
                raise ReleaseError(f"the index served {name} with sha256 {sha}, not the file "
                                   "that was uploaded", "check which index you publish to")
        downloaded = sorted((work / "download").iterdir())
        wheel = next((p for p in downloaded if p.suffix == ".whl"), None)
        venv = work / "venv"
        python = install_fresh(venv, str(Path(session.bin) / "python"), downloaded,
                               dependency_index(ctx))
        command = smoke_command(ctx, wheel)
        session.log(f"# Smoke test: {shlex.join(command)}")
        path = os.pathsep.join([str(python.parent), os.environ.get("PATH", "")])
        env = {**os.environ, "PATH": path, "VIRTUAL_ENV": str(venv)}
        for name in ("PYTHONPATH", *_secret_free_env(ctx)):
            env.pop(name, None)
        empty = work / "cwd"  # not the project folder: its sources must not shadow the install
        empty.mkdir()
        output = run_checked(command, "the smoke test", cwd=empty, env=env).strip()
        if output:
            say(options, output)
        session.log(f"# Smoke test passed: {plan.project} {plan.version} installs from the "
                    "index and runs")

"""verify: every check, one report, and what ``open_project`` gives every command of the
pipeline (the project's Context with its renderer, installer and auditor).

Its own module, so that verify imports none of the upload's steps (release/pipeline.py
imports these): the installer's module loads only when dists-install runs, as the checks'
modules do (``_lazy.load``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import tempfile
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from publish_checks._lazy import load
from publish_checks._text import NOX_STEPS, Steps
from publish_checks.checks.context import Context, InstallTrial
from publish_checks.checks.registry import load_context, run_checks
from publish_checks.checks.report import Report
from publish_checks.dists.readme import RENDER_SCRIPT, RenderError, RstRenderer
from publish_checks.project.children import Role
from publish_checks.release.abi import abi_auditor
from publish_checks.release.flags import Flags
from publish_checks.release.follow_up import FollowUp, follow_up, with_follow_up
from publish_checks.release.process import tail
from publish_checks.release.runner import Runner, bin_path
from publish_checks.release.summary import write_step_summary

if TYPE_CHECKING:
    from publish_checks.release.install import ReleaseInstaller

README_RENDERER = "readme-renderer>=44"
#: What installs the release into a fresh virtualenv (release/install.py), named: its module
#: (the smoke test, the installers) loads when dists-install first runs.
RELEASE_INSTALLER = "publish_checks.release.install:release_installer"
TO_INSTALL = "publish_checks.release.install:to_install"


def open_project(runner: Runner, root: Path, repository: str | None, *,
                 environ: Mapping[str, str], offline: bool = False,
                 steps: Steps = NOX_STEPS) -> Context:
    """The project's Context, with reST rendered in the runner's tool environment and the
    release installed into virtualenvs the runner makes (for dists-install)."""
    ctx = load_context(root, repository, environ=environ, offline=offline, steps=steps)
    ctx.rst_renderer = rst_renderer(runner, ctx.child_env(Role.TOOL))
    ctx.installer = _Installer(runner, ctx)
    ctx.abi_auditor = abi_auditor(runner, ctx)  # dists-abi: auditwheel, abi3audit
    return ctx


class _Installer:
    """release/install.py's installer for ``ctx``, made when first used (one per Context,
    as before: files it tried are not installed twice): dists-install's call, or
    :meth:`begin`, which starts its trial ahead of the other checks."""

    def __init__(self, runner: Runner, ctx: Context) -> None:
        self._runner, self._ctx = runner, ctx
        self._made: list[ReleaseInstaller] = []

    def _real(self) -> ReleaseInstaller:
        if not self._made:
            self._made.append(load(RELEASE_INSTALLER)(self._runner, self._ctx))
        return self._made[0]

    def __call__(self, files: Sequence[Path]) -> InstallTrial:
        return self._real()(files)

    def begin(self, ctx: Context, skipped: Collection[str]) -> None:
        """Start dists-install's trial now, if it will run: its waits for the installer
        overlap the other checks. Whatever stops it (the installer's module, the tool
        environment) is left for dists-install to meet again: its failure, not the run's."""
        with contextlib.suppress(Exception):  # dists-install calls it again, and reports
            if files := load(TO_INSTALL)(ctx, skipped):
                self._real().begin(files)

    def settle(self, *, stop: bool = False) -> None:
        """Wait for a trial begun: no child outlives the checks (``stop``: interrupted,
        it starts no other)."""
        if self._made:
            self._made[0].settle(stop=stop)


def verify(runner: Runner, ctx: Context, flags: Flags) -> Report:
    """Every check, one report (and the CI step summary); the caller decides the exit.
    dists-install runs only with ``--install``; with --tag, --push or --github-release,
    what publish would refuse of them fails their checks, as it does in publish."""
    report, follow = checked(dataclasses.replace(ctx, install_release=flags.install), flags)
    for warning in follow.warnings:
        runner.log(f"Warning: {warning}")
    runner.report(report, "publish-checks verify", primary=True)
    write_step_summary(ctx, report, None)
    return report


def checked(ctx: Context, flags: Flags) -> tuple[Report, FollowUp]:
    """The one verdict of verify and publish: the checks, and what the release could not
    do after the upload as failures of the checks it belongs to."""
    if ctx.attestations != flags.attestations:  # a new Context would read everything anew
        ctx = dataclasses.replace(ctx, attestations=flags.attestations)
    follow = follow_up(ctx, tag=flags.tag, push=flags.push or flags.github_release,
                       github_release=flags.github_release)
    skipped = {*flags.skip, *ctx.config.skip}
    installer = ctx.installer if isinstance(ctx.installer, _Installer) else None
    if installer is not None and ctx.install_release:
        installer.begin(ctx, skipped)
    try:
        report = run_checks(ctx, skip=flags.skip)
    except BaseException:  # Ctrl-C: the trial's running command has it, and starts no other
        if installer is not None:
            installer.settle(stop=True)
        raise
    if installer is not None:
        installer.settle()
    return with_follow_up(report, follow, skipped), follow


def rst_renderer(runner: Runner, environ: Mapping[str, str]) -> RstRenderer:
    """readme_renderer, as PyPI renders, run in a tool environment: a structured answer
    (JSON, one report per text), never a program's words to parse."""

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


__all__: Sequence[str] = ["README_RENDERER", "checked", "open_project", "rst_renderer",
                          "verify"]

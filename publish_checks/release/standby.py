"""The uploader started ahead of its turn: it loads (importing it takes ~0.2 s) while the
checks run, waits on its stdin, and uploads only when release/upload.py's ``send`` sets it
going. Until then it has what a gate would get of the environment: no secret, no CI
identity, and nothing but its script on its command line.

It is started as early as it can be: by ``publish`` itself (:func:`standing_by`), or before
the checks' and the release's modules have loaded (:func:`start_early`, the ``publish``
command's ``ahead``), when the uploader's tool environment is there already. This module
imports neither, so that the early start does not wait for them.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from publish_checks._errors import PublishChecksError
from publish_checks.project.children import Role, child_environment
from publish_checks.project.config import load_config
from publish_checks.release.process import Standby
from publish_checks.release.runner import Provided, Runner, Standing, bin_path
from publish_checks.release.uploader import Login, Uploader
from publish_checks.release.uploaders import uploader_named


@dataclass(frozen=True)
class Warm:
    """The uploader started ahead of its turn: its tool environment's bin folder, its
    process waiting for the go, and the environment it was started with."""

    uploader: Uploader
    bindir: Path
    waiting: Standby
    env: Mapping[str, str] = field(repr=False)


def uploader_environment(environ: Mapping[str, str], uploader: Uploader, bound: Login | None,
                         *, hidden: Sequence[str]) -> dict[str, str]:
    """The uploader's environment: the user's (``environ``), less every upload secret, the
    project's secret variables (``hidden``) and the uploader's own credential variables,
    plus the one bound secret for this index."""
    base = child_environment(environ, Role.UPLOADER, hidden=hidden)  # the CI identity: OIDC
    kept = {name: value for name, value in base.items() if not uploader.own_variable(name)}
    return {**kept, **uploader.environment(bound)}


def with_path(env: Mapping[str, str], bindir: Path) -> dict[str, str]:
    """``env`` with the tool environment's bin folder first on PATH."""
    return {**env, "PATH": os.pathsep.join([str(bindir), env.get("PATH", "")])}


def waiting_environment(environ: Mapping[str, str], uploader: Uploader, bindir: Path, *,
                        hidden: Sequence[str]) -> dict[str, str]:
    """What the waiting uploader gets: its environment with no secret bound, as a gate
    would get it (no CI identity either)."""
    env = uploader_environment(environ, uploader, None, hidden=hidden)
    return child_environment(with_path(env, bindir), Role.GATE, hidden=hidden)


def start(runner: Runner, uploader: Uploader, bindir: Path, env: Mapping[str, str]) -> Warm | None:
    """``uploader``'s standby in ``bindir`` with ``env``; None when it has none or the
    runner cannot start one."""
    if not isinstance(runner, Standing) or (script := uploader.standby()) is None:
        return None
    waiting = runner.standby([bin_path(bindir, "python"), "-c", script], env=env)
    return None if waiting is None else Warm(uploader, bindir, waiting, env)


@contextlib.contextmanager
def start_early(runner: Runner, root: Path, environ: Mapping[str, str], *,
                dry_run: bool = False) -> Iterator[Warm | None]:
    """The configured uploader of the project at ``root`` started now, before the command's
    modules load, when the runner has its tool environment already (:class:`Provided`; the
    first run makes it in its turn, and says so, as before). None when it cannot be: a dry
    run uploads nothing, a configuration that does not load is for the command to report.
    Whatever :func:`standing_by` did not take is stopped when the block ends."""
    early = None
    with contextlib.suppress(PublishChecksError, OSError):
        if not dry_run and isinstance(runner, Provided):
            config = load_config(root)
            uploader = uploader_named(config.uploader)
            if (bindir := runner.provided(list(uploader.requirements))) is not None:
                env = waiting_environment(environ, uploader, bindir,
                                          hidden=config.token_variables)
                early = start(runner, uploader, bindir, env)
    try:
        yield early
    finally:
        if early is not None:
            early.waiting.close()


@contextlib.contextmanager
def standing_by(runner: Runner, uploader: Uploader, environ: Mapping[str, str], *,
                hidden: Sequence[str], early: Warm | None = None) -> Iterator[Warm | None]:
    """``uploader`` loading while the checks run, when it and the runner can (None
    otherwise): ``early`` when it is this uploader started as it would be now, else one
    started now. Only ``send`` sets it going; on every other way out of this block it is
    stopped, having done nothing."""
    warm = early
    if warm is not None and (warm.uploader is not uploader or warm.env != waiting_environment(
            environ, uploader, warm.bindir, hidden=hidden)):
        warm.waiting.close()  # started for another uploader or with another environment
        warm = None
    if warm is None and isinstance(runner, Standing) and uploader.standby() is not None:
        try:
            bindir = runner.provide(list(uploader.requirements))
        except Exception:  # ReleaseError, or a nox session's CommandFailed: said at the
            bindir = None  # upload (which provides it again), after the checks' report
        if bindir is not None:
            warm = start(runner, uploader, bindir,
                         waiting_environment(environ, uploader, bindir, hidden=hidden))
    try:
        yield warm
    finally:
        if warm is not None:
            warm.waiting.close()

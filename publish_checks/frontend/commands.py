"""The commands of both front ends: ``publish-checks NAME`` and ``nox -s NAME`` run the same
function of :data:`COMMANDS`, given the options of the one parser and the front end's
runner (a :class:`FrontEnd`). A command returns its exit status or raises our errors; each
front end says them its own way (``error:`` and ``fix:`` lines and the status, or
``session.error``).

Adding a command is one :class:`Command` entry in :data:`COMMANDS` plus its function: the
CLI's subcommand, the options it takes (:func:`takes`) and, when the entry has a session
docstring, the nox session all follow from the entry.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

from publish_checks._errors import ReleaseError, UsageError
from publish_checks._text import Steps
from publish_checks.checks.context import Context
from publish_checks.frontend.gates import GateRunner, run_gates
from publish_checks.frontend.options import (
    Options,
    add_bump,
    add_checks,
    add_common,
    add_diff,
    add_follow_up,
    add_install,
    add_notes,
    add_project,
    add_release,
    add_verbose,
)
from publish_checks.frontend.render import emit_diff
from publish_checks.project.children import Role
from publish_checks.project.config import check_project_folder
from publish_checks.release import pipeline
from publish_checks.release.bump import bump as bump_project
from publish_checks.release.diff import compare_releases, diff_context
from publish_checks.release.runner import Runner


class FrontEnd(Runner, GateRunner, Protocol):
    """What a command needs of the front end that runs it, beyond the pipeline's Runner."""

    environ: dict[str, str]
    #: How this user runs each step: every hint names that (``nox -s build``, ...).
    steps: Steps

    @property
    def out(self) -> TextIO:
        """stdout, for what a command prints as its answer (notes)."""

    def say(self, text: str) -> None:
        """A command's closing line (bump's summary): on stdout, or in nox's log."""

    def unsuccessful_build(self) -> str | None:
        """Why the build of this run did not succeed, when a build ran before this command
        in the same run (a nox chain); None when none did."""


@dataclass(frozen=True)
class Command:
    """One command of both front ends."""

    run: Callable[[Options, FrontEnd], int]
    #: What ``publish-checks --help`` says of it.
    help: str
    #: What adds its options to its parser (the CLI's subcommand; :func:`takes`).
    options: tuple[Callable[[argparse.ArgumentParser], None], ...]
    #: The docstring of its nox session (what ``nox -l`` shows); None: no session.
    session: str | None = None
    #: Whether it runs only in a project folder (diff compares two dist folders anywhere).
    needs_project: bool = True


def project_root(options: Options) -> Path:
    """The project folder of ``options``, resolved; a UsageError when it is none."""
    try:
        root = Path(options.project).resolve()
    except FileNotFoundError:  # the shell's current folder was deleted or moved away
        raise UsageError("the current folder no longer exists (deleted or moved)",
                         "cd into the project's folder and run it again") from None
    check_project_folder(root)
    return root


def command_root(name: str, options: Options) -> Path:
    """The folder the command ``name`` runs in: the project folder, checked, when the
    command needs one."""
    return project_root(options) if COMMANDS[name].needs_project else Path(options.project)


def run_command(name: str, options: Options, runner: FrontEnd) -> int:
    """Run the command ``name``: the one dispatch of both front ends."""
    return COMMANDS[name].run(options, runner)


def _open(runner: FrontEnd, options: Options, repository: str | None, *,
          offline: bool) -> Context:
    return pipeline.open_project(runner, Path(options.project), repository,
                                 environ=runner.environ, offline=offline, steps=runner.steps)


def _refuse_unbuilt(runner: FrontEnd, step: str, outcome: str) -> None:
    """A chain whose build did not succeed leaves dist/ as an earlier build made it: verify
    and publish in that chain both refuse it, in the same words."""
    unbuilt = runner.unsuccessful_build()
    if unbuilt is not None:
        steps = runner.steps
        raise ReleaseError(f"the build of this run did not succeed ({unbuilt}), so {outcome}",
                           f"fix it, then run {steps('build')} {steps.session(step)} again")


def verify(options: Options, runner: FrontEnd) -> int:
    """Every check, one report: 1 when a check fails."""
    _refuse_unbuilt(runner, "verify", "publish would refuse dist/")
    ctx = _open(runner, options, options.repository, offline=options.offline)
    return 0 if pipeline.verify(runner, ctx, options.flags()).ok else 1


def build(options: Options, runner: FrontEnd) -> int:
    """The gates, then sdist and wheel into a clean dist/, then their checks."""
    # The configured index: build takes no --repository (a chain's publish does).
    ctx = _open(runner, options, None, offline=True)
    run_gates(ctx.config.gates, ctx.root, ctx.child_env(Role.GATE), runner)
    pipeline.build(runner, ctx, options.flags())
    return 0


def publish(options: Options, runner: FrontEnd) -> int:
    """Verify, confirm, upload, then prove the release installs from the index."""
    _refuse_unbuilt(runner, "publish", "nothing was uploaded")
    pipeline.refuse_offline_publish(options.offline, False, runner.steps)
    ctx = _open(runner, options, options.repository, offline=False)
    pipeline.refuse_offline_publish(False, ctx.target.is_local, runner.steps)
    pipeline.publish(runner, ctx, options.flags())
    return 0


def rehearse(options: Options, runner: FrontEnd) -> int:
    """The whole release against a throwaway local index."""
    pipeline.rehearse(runner, Path(options.project), options.flags(), runner.environ,
                      runner.steps)
    return 0


def bump(options: Options, runner: FrontEnd) -> int:
    """The next version in the version file, the changelog's open section dated."""
    runner.say(bump_project(Path(options.project), options.target, pre=options.pre,
                            commit=options.commit, steps=runner.steps, environ=runner.environ))
    return 0


def notes(options: Options, runner: FrontEnd) -> int:
    """A version's changelog section, on stdout."""
    ctx = _open(runner, options, options.repository, offline=True)
    runner.out.write(pipeline.notes(ctx, options.version))
    return 0


def diff(options: Options, runner: FrontEnd) -> int:
    """Two releases compared as index-diff compares them, on stdout (exit status 0)."""
    ctx = diff_context(Path(options.project), options.repository, environ=runner.environ,
                       offline=options.offline, steps=runner.steps)
    emit_diff(compare_releases(ctx, options.old, options.new), options.json, runner.out)
    return 0


#: name → command, in the order ``publish-checks --help`` lists them.
COMMANDS: dict[str, Command] = {
    "verify": Command(verify, "run every pre-flight check and report",
                      (add_common, add_install, add_follow_up),
                      "Pre-flight: every release check, one report (read-only)."),
    "build": Command(build, "build sdist and wheel into a clean dist/, then check them",
                     (add_project, add_checks, add_verbose),
                     "Build sdist and wheel into a clean dist/, then check them."),
    "publish": Command(publish, "verify, confirm, upload, then prove the release installs "
                       "from the index", (add_common, add_release, add_verbose),
                       "Verify, confirm, upload to the index, then prove the release "
                       "installs."),
    "rehearse": Command(rehearse, "the whole release against a throwaway local index",
                        (add_project, add_checks, add_verbose),
                        "The whole release against a throwaway local index: no account "
                        "needed."),
    "bump": Command(bump, "set the next version and date the changelog",
                    (add_project, add_bump),
                    "Next version (patch|minor|major|dev|post|calver|X.Y.Z, --pre a|b|rc), "
                    "changelog dated."),
    "notes": Command(notes, "print a version's changelog section (release notes)",
                     (add_project, add_notes)),
    "diff": Command(diff, "compare two releases as index-diff does", (add_project, add_diff),
                    needs_project=False),
}


@functools.cache
def takes(name: str) -> tuple[str, ...]:
    """The options the command ``name`` takes, as its parser has them (the long spelling;
    a positional by its name). A nox session uses these of the posargs and names the rest
    it ignores: one parser reads every session's posargs (SPEC §1)."""
    parser = argparse.ArgumentParser(add_help=False)
    for add in COMMANDS[name].options:
        add(parser)
    return tuple(max(a.option_strings, key=len, default=a.dest) for a in parser._actions)


def applies_to(option: str, *, sessions: bool = False) -> list[str]:
    """The commands that take ``option``, in :data:`COMMANDS` order (``sessions``: only
    those that are nox sessions too)."""
    return [name for name, command in COMMANDS.items()
            if option in takes(name) and (command.session or not sessions)]

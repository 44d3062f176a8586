"""The commands of both front ends: ``publish-checks NAME`` and ``nox -s NAME`` run the same
function of :data:`COMMANDS`, given the options of the one parser and the front end's
runner (a ``frontend.front_end.FrontEnd``). A command returns its exit status or raises our
errors; each front end says them its own way (``error:`` and ``fix:`` lines and the status,
or ``session.error``).

Adding a command is one :class:`Command` entry in :data:`COMMANDS` plus its function, in
the module the entry names (``verify_command``, ``release_commands``, ``bump_command``,
``diff_command``): the CLI's subcommand, the options it takes (:func:`takes`) and, when the
entry has a session docstring, the nox session all follow from the entry.
"""

from __future__ import annotations

import argparse
import functools
import importlib
from collections.abc import Callable
from typing import Any

from publish_checks._lazy import collector_paused
from publish_checks._record import Record, record
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

_RELEASE = "publish_checks.frontend.release_commands"
#: The modules of the front ends' runners (``publish-checks``, a nox session), loaded as a
#: command's is: only when a command runs.
STANDALONE = "publish_checks.frontend.standalone"
SESSION = "publish_checks.frontend.session_runner"
#: The module of what a command starts before its own module loads (Command.ahead).
AHEAD = "publish_checks.frontend.ahead"


@record
class Command(Record):
    """One command of both front ends."""

    #: The module that holds its function, named as the command, which takes the
    #: :class:`Options` and the front end's runner (a ``frontend.front_end.FrontEnd``) and
    #: returns the exit status. Loaded only when the command runs: ``--help``, ``--version``
    #: and a noxfile's ``import publish_checks.nox`` import none of the checks or the release.
    module: str
    #: What ``publish-checks --help`` says of it.
    help: str
    #: What adds its options to its parser (the CLI's subcommand; :func:`takes`).
    options: tuple[Callable[[argparse.ArgumentParser], None], ...]
    #: The docstring of its nox session (what ``nox -l`` shows); None: no session.
    session: str | None = None
    #: Whether it runs only in a project folder (diff compares two dist folders anywhere).
    needs_project: bool = True
    #: Whether ``frontend/ahead.py`` has a function of its name, started before ``module``
    #: loads, whose context manager's value the command's function gets as ``early``.
    ahead: bool = False


def run_command(name: str, options: Options, front_end: str, **given: Any) -> int:
    """Run the command ``name``: the one dispatch of both front ends. ``front_end`` names the
    module of the runner (:data:`STANDALONE`, :data:`SESSION`), whose
    ``build_runner(name, options, **given)`` makes it (a ``frontend.front_end.FrontEnd``)."""
    # The one import of our code at run time (_loaded; tests/test_layers.py): a command's module,
    # and all it imports, loads only when that command runs, and so does the front end's
    # runner (the console, the report, the subprocess helpers): --help, --version and a
    # noxfile's import load neither.
    command = COMMANDS[name]
    (front,) = _loaded(front_end)
    runner = front.build_runner(name, options, **given)
    if not command.ahead:
        (module,) = _loaded(command.module)
        return int(getattr(module, name)(options, runner))
    (ahead,) = _loaded(AHEAD)
    with getattr(ahead, name)(options, runner) as early:  # runs while the module loads
        (module,) = _loaded(command.module)
        return int(getattr(module, name)(options, runner, early=early))


def _loaded(*names: str) -> list[Any]:
    """The modules ``names``, imported with the garbage collector paused (_lazy.py)."""
    with collector_paused():
        return [importlib.import_module(name) for name in names]


#: name → command, in the order ``publish-checks --help`` lists them.
COMMANDS: dict[str, Command] = {
    "verify": Command("publish_checks.frontend.verify_command",
                      "run every pre-flight check and report",
                      (add_common, add_install, add_follow_up),
                      "Pre-flight: every release check, one report (read-only)."),
    "build": Command(_RELEASE, "build sdist and wheel into a clean dist/, then check them",
                     (add_project, add_checks, add_verbose),
                     "Build sdist and wheel into a clean dist/, then check them."),
    "publish": Command(_RELEASE, "verify, confirm, upload, then prove the release installs "
                       "from the index", (add_common, add_release, add_verbose),
                       "Verify, confirm, upload to the index, then prove the release "
                       "installs.", ahead=True),
    "rehearse": Command(_RELEASE, "the whole release against a throwaway local index",
                        (add_project, add_checks, add_verbose),
                        "The whole release against a throwaway local index: no account "
                        "needed."),
    "bump": Command("publish_checks.frontend.bump_command",
                    "set the next version and date the changelog", (add_project, add_bump),
                    "Next version (patch|minor|major|dev|post|calver|X.Y.Z, --pre a|b|rc), "
                    "changelog dated."),
    "notes": Command(_RELEASE, "print a version's changelog section (release notes)",
                     (add_project, add_notes)),
    "diff": Command("publish_checks.frontend.diff_command",
                    "compare two releases as index-diff does", (add_project, add_diff),
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

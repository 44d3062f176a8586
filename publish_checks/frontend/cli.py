"""``publish-checks``: the command-line front end of the release pipeline.

Each command does what the nox session of the same name does, with the same options,
output and exit codes, and runs build, the uploader and pypiserver from virtualenvs of its own.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from publish_checks import __version__
from publish_checks._errors import PublishChecksError, UsageError
from publish_checks._text import CLI_STEPS, printable
from publish_checks.checks import validate_skip
from publish_checks.frontend.console import token_variables
from publish_checks.frontend.gates import run_gates
from publish_checks.frontend.options import (
    Options,
    _Parser,
    add_bump,
    add_checks,
    add_common,
    add_follow_up,
    add_install,
    add_project,
    add_release,
    add_target,
    add_verbose,
    applies_to,
    joined,
    session_parser,
)
from publish_checks.frontend.render import emit_diff, write_text
from publish_checks.frontend.standalone import StandaloneRunner
from publish_checks.project.children import Role
from publish_checks.project.config import check_project_folder
from publish_checks.project.credentials import redact
from publish_checks.release import pipeline
from publish_checks.release.bump import bump as bump_project
from publish_checks.release.diff import compare_releases, diff_context


def build_parser() -> _Parser:
    parser = _Parser(prog="publish-checks",
                     description="Pre-flight checks and release steps for Python packages.")
    parser.add_argument("--version", action="version", version=f"publish-checks {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    verify = commands.add_parser("verify", help="run every pre-flight check and report")
    add_common(verify)
    add_install(verify)
    add_follow_up(verify)
    build = commands.add_parser("build", help="build sdist and wheel into a clean dist/, "
                                "then check them")
    add_project(build)
    add_checks(build)
    add_verbose(build)
    publish = commands.add_parser("publish", help="verify, confirm, upload, then prove the "
                                  "release installs from the index")
    add_common(publish)
    add_release(publish)
    add_verbose(publish)
    rehearse = commands.add_parser("rehearse", help="the whole release against a throwaway "
                                   "local index")
    add_project(rehearse)
    add_checks(rehearse)
    add_verbose(rehearse)
    bump = commands.add_parser("bump", help="set the next version and date the changelog")
    add_project(bump)
    add_bump(bump)
    notes = commands.add_parser("notes", help="print a version's changelog section (release "
                                "notes)")
    add_project(notes)
    notes.add_argument("version", nargs="?", metavar="VERSION",
                       help="the version (default: the one being released)")
    add_diff(commands)
    return parser


def add_diff(commands: argparse._SubParsersAction[_Parser]) -> None:
    """``diff [OLD] [NEW] [--json]`` (SPEC §2)."""
    diff = commands.add_parser("diff", help="compare two releases as index-diff does")
    add_project(diff)
    add_target(diff)
    diff.add_argument("--json", action="store_true", help="print one JSON object to stdout")
    diff.add_argument("old", nargs="?", metavar="OLD",
                      help="name==version on the index, or a dist folder or file (default: "
                           "the latest release on the index before NEW)")
    diff.add_argument("new", nargs="?", metavar="NEW",
                      help="the same (default: dist/)")


def diff_command(options: Options, environ: dict[str, str]) -> int:
    """``publish-checks diff``: the comparison printed, exit status 0."""
    ctx = diff_context(Path(options.project), options.repository, environ=environ,
                       offline=options.offline, steps=CLI_STEPS)
    emit_diff(compare_releases(ctx, options.old, options.new), options.json)
    return 0


@contextlib.contextmanager
def error_boundary() -> Iterator[list[int]]:
    """Turn our exceptions into ``error:`` + ``fix:`` lines and an exit code; no traceback."""
    code = [0]
    try:
        yield code
    except PublishChecksError as e:  # redacted: a token may have been typed into an option
        write_text(sys.stderr, f"error: {printable(redact(e.message))}\n")
        if e.hint:
            write_text(sys.stderr, f"  fix: {printable(redact(e.hint))}\n")
        code[0] = e.exit_code
    except KeyboardInterrupt:
        write_text(sys.stderr, "interrupted\n")
        code[0] = 130
    except SystemExit as e:  # argparse's --help and --version: main() returns, never exits
        code[0] = e.code if isinstance(e.code, int) else 0 if e.code is None else 1


def run(options: Options, environ: dict[str, str]) -> int:
    """One command; the exit status (PublishChecksError carries its own)."""
    root = Path(options.project)
    try:
        resolved = root.resolve()
    except FileNotFoundError:  # the shell's current folder was deleted or moved away
        raise UsageError("the current folder no longer exists (deleted or moved)",
                         "cd into the project's folder and run it again") from None
    if options.command == "diff":  # two dist folders compare anywhere, project or not
        return diff_command(options, environ)
    check_project_folder(resolved)
    runner = StandaloneRunner(environ, as_json=options.json, hidden=token_variables(resolved))
    flags = options.flags()
    if options.command == "bump":
        print(bump_project(root, options.target, pre=options.pre, commit=options.commit,
                           steps=CLI_STEPS, environ=environ))
        return 0
    if options.command == "rehearse":
        pipeline.rehearse(runner, root, flags, environ, CLI_STEPS)
        return 0
    if options.command == "publish":
        pipeline.refuse_offline_publish(options.offline, False, CLI_STEPS)
    offline = options.offline or options.command in ("build", "notes")
    ctx = pipeline.open_project(runner, root, options.repository, environ=environ,
                                offline=offline, steps=CLI_STEPS)
    if options.command == "notes":
        sys.stdout.write(pipeline.notes(ctx, options.version))
        return 0
    if options.command == "verify":
        return 0 if pipeline.verify(runner, ctx, flags).ok else 1
    if options.command == "build":
        run_gates(ctx.config.gates, ctx.root, ctx.child_env(Role.GATE),
                  runner.stream(), runner.log)
        pipeline.build(runner, ctx, flags)
        return 0
    pipeline.refuse_offline_publish(False, ctx.target.is_local, CLI_STEPS)
    pipeline.publish(runner, ctx, flags)
    return 0


def _elsewhere(extra: Sequence[str]) -> str:
    """Where the options another command takes apply: ' (--yes applies to publish)'."""
    known = session_parser()._option_string_actions
    notes = []
    for arg in extra:
        action = known.get(arg.split("=", 1)[0])
        if action is not None:
            option = max(action.option_strings, key=len)
            notes.append(f"{option} applies to {joined(applies_to(option))}")
    return f" ({'; '.join(notes)})" if notes else ""


def main(argv: Sequence[str] | None = None) -> int:
    with error_boundary() as code:
        parser = build_parser()
        options, extra = parser.parse_known_args(argv, namespace=Options())
        if extra:  # named with the command's own help, which lists what it takes
            where = f"publish-checks {options.command}" if options.command else "publish-checks"
            raise UsageError(f"unrecognized arguments: {' '.join(extra)}",
                             f"see '{where} --help'{_elsewhere(extra)}")
        if options.command is None:
            parser.print_help(sys.stderr)
            code[0] = 2
        else:
            validate_skip(options.skip)
            code[0] = run(options, dict(os.environ))
    return code[0]

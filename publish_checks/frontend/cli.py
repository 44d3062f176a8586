"""``publish-checks``: the command-line front end of the release pipeline.

Each command runs the function of ``frontend/commands.py`` that the nox session of the same
name runs, with the same options, output and exit codes, and build, the uploader and
pypiserver from virtualenvs of its own.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Sequence

from publish_checks import __version__
from publish_checks._errors import PublishChecksError, UsageError
from publish_checks._text import printable, write_text
from publish_checks.frontend.commands import COMMANDS, STANDALONE, applies_to, run_command
from publish_checks.frontend.options import Options, _Parser, joined, session_parser
from publish_checks.project.redaction import redact


def build_parser() -> _Parser:
    parser = _Parser(prog="publish-checks",
                     description="Pre-flight checks and release steps for Python packages.")
    parser.add_argument("--version", action="version", version=f"publish-checks {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, command in COMMANDS.items():
        subparser = subparsers.add_parser(name, help=command.help)
        for add in command.options:
            add(subparser)
    return parser


def _lines(text: str) -> str:
    """``text`` of several lines (a tool's output quoted in an error), each line
    :func:`printable`: its line feeds kept, every other control character escaped (a lone
    carriage return too: it would overwrite what the line showed)."""
    return "\n".join(printable(line) for line in text.replace("\r\n", "\n").split("\n"))


@contextlib.contextmanager
def error_boundary() -> Iterator[list[int]]:
    """Turn our exceptions into ``error:`` + ``fix:`` lines and an exit code; no traceback."""
    code = [0]
    try:
        yield code
    except PublishChecksError as e:  # redacted: a token may have been typed into an option
        # A message may quote a tool's output (the build's): its lines stay lines.
        write_text(sys.stderr, f"error: {_lines(redact(e.message))}\n")
        if e.hint:
            write_text(sys.stderr, f"  fix: {_lines(redact(e.hint))}\n")
        code[0] = e.exit_code
    except KeyboardInterrupt:
        write_text(sys.stderr, "interrupted\n")
        code[0] = 130
    except SystemExit as e:  # argparse's --help and --version: main() returns, never exits
        code[0] = e.code if isinstance(e.code, int) else 0 if e.code is None else 1


def run(name: str, options: Options, environ: dict[str, str]) -> int:
    """The command ``name``; its exit status (PublishChecksError carries its own). Its runner,
    ``frontend.standalone``'s, is built once the command loads: --help and --version import
    neither."""
    return run_command(name, options, STANDALONE, environ=environ)


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
        else:  # the command checks the --skip ids (frontend/release_commands.py)
            code[0] = run(options.command, options, dict(os.environ))
    return code[0]

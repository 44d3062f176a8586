"""``publish-checks``: the command line. The only module besides the sessions that prints."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from publish_checks import __version__
from publish_checks._context import Context
from publish_checks._errors import PublishChecksError
from publish_checks._options import Options, _Parser, add_bump, add_common, validate_skip
from publish_checks._report import Report, render_text, use_colour, write_text
from publish_checks._verify import run_checks


def build_parser() -> _Parser:
    parser = _Parser(prog="publish-checks",
                     description="Pre-flight checks and release steps for Python packages.")
    parser.add_argument("--version", action="version", version=f"publish-checks {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    verify = commands.add_parser("verify", help="run every pre-flight check and report")
    add_common(verify)
    bump = commands.add_parser("bump", help="set the next version in VERSION and the changelog")
    bump.add_argument("--project", default=".", metavar="DIR",
                      help="the project to bump (default: the current directory)")
    add_bump(bump)
    return parser


@contextlib.contextmanager
def error_boundary() -> Iterator[list[int]]:
    """Turn our exceptions into ``error:`` + ``fix:`` lines and an exit code; no traceback."""
    code = [0]
    try:
        yield code
    except PublishChecksError as e:
        print(f"error: {e.message}", file=sys.stderr)
        if e.hint:
            print(f"  fix: {e.hint}", file=sys.stderr)
        code[0] = e.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        code[0] = 130
    except SystemExit as e:  # argparse's --help and --version: main() returns, never exits
        code[0] = e.code if isinstance(e.code, int) else 0 if e.code is None else 1


def emit_report(report: Report, as_json: bool) -> None:
    if as_json:
        try:
            print(json.dumps(report.as_dict(), ensure_ascii=False))
        except UnicodeEncodeError:  # \u escapes are the same JSON, in any encoding
            print(json.dumps(report.as_dict()))
        return
    write_text(sys.stdout, render_text(report, colour=use_colour(sys.stdout)))


def verify(options: Options) -> int:
    validate_skip(options.skip)
    ctx = Context.load(Path(options.project), options.repository, offline=options.offline)
    report = run_checks(ctx, skip=options.skip)
    emit_report(report, options.json)
    return 0 if report.ok else 1


def bump(options: Options) -> int:
    from publish_checks._bump import bump_from_options

    print(bump_from_options(Path(options.project), options))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    with error_boundary() as code:
        options = build_parser().parse_args(argv, namespace=Options())
        if options.command == "verify":
            code[0] = verify(options)
        elif options.command == "bump":
            code[0] = bump(options)
        else:
            build_parser().print_help(sys.stderr)
            code[0] = 2
    return code[0]

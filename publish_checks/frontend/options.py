"""One option parser for the CLI and every session's posargs (SPEC §1: one parser)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from publish_checks._errors import UsageError


class Options(argparse.Namespace):
    """Parsed options, typed so that mypy checks their use."""

    command: str | None = None
    project: str = "."
    repository: str | None = None
    offline: bool = False
    json: bool = False
    skip: list[str]
    yes: bool = False
    dry_run: bool = False
    tag: bool = False
    push: bool = False
    install: bool = False
    github_release: bool = False
    verbose: bool = False
    no_attestations: bool = False
    commit: bool = False
    pre: str | None = None
    target: str | None = None
    version: str | None = None

    def __init__(self) -> None:
        super().__init__()
        self.skip = []


class _Parser(argparse.ArgumentParser):
    """argparse that raises UsageError instead of printing usage and exiting, and takes no
    abbreviations: a release command must mean exactly what was typed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message, f"see '{self.prog} --help'")


def add_project(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--project", default=".", metavar="DIR",
                        help="the project folder (default: the current directory)")


def add_checks(parser: argparse.ArgumentParser) -> None:
    """--json and --skip: every command that runs checks."""
    parser.add_argument("--json", action="store_true", help="print one JSON object to stdout")
    parser.add_argument("--skip", action="append", default=[], metavar="ID",
                        help="skip this check (repeatable)")


def _repository(value: str) -> str:
    """An empty --repository is a slip (an unset shell variable), never "the default"."""
    if not value.strip():
        raise argparse.ArgumentTypeError("it is empty: give pypi, testpypi, local, a .pypirc "
                                         "section or an upload URL")
    return value


def add_target(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repository", "-r", metavar="NAME|URL", type=_repository,
                        help="pypi, testpypi, local, a .pypirc section or an upload URL "
                             "(default: [tool.publish-checks] repository, else pypi)")
    parser.add_argument("--offline", action="store_true",
                        help="do not ask the index anything (index-version is skipped)")


def add_common(parser: argparse.ArgumentParser) -> None:
    add_project(parser)
    add_target(parser)
    add_checks(parser)


def add_install(parser: argparse.ArgumentParser) -> None:
    """--install: verify also runs dists-install (build, publish and rehearse always do)."""
    parser.add_argument("--install", action="store_true",
                        help="also install the built release into a fresh virtualenv and "
                             "smoke-test it (dists-install)")


def add_release(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--yes", "-y", action="store_true",
                        help="upload without asking (for CI)")
    parser.add_argument("--dry-run", action="store_true",
                        help="do everything but upload, including asking the index")
    add_follow_up(parser)


def add_follow_up(parser: argparse.ArgumentParser) -> None:
    """What publish does after the upload: verify takes them too, and fails on what publish
    would refuse of them (one verdict)."""
    parser.add_argument("--tag", action="store_true",
                        help="after a verified publish, create the annotated release tag "
                             "(tag-format: v<version> unless the tags say otherwise)")
    parser.add_argument("--push", action="store_true",
                        help="after a verified publish, tag and push the release branch and "
                             "the tag together (git push --atomic)")
    parser.add_argument("--github-release", action="store_true",
                        help="after the push (implies --push), create the GitHub release (gh; "
                             "glab for a GitLab remote) with the changelog's notes and the "
                             "dists attached")
    parser.add_argument("--no-attestations", action="store_true",
                        help="do not sign the dists (PEP 740) in trusted-publishing CI")


def add_notes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("version", nargs="?", metavar="VERSION",
                        help="the version (default: the one being released)")


def add_diff(parser: argparse.ArgumentParser) -> None:
    """``diff [OLD] [NEW] [--json]`` (SPEC §2): the releases to compare."""
    add_target(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object to stdout")
    parser.add_argument("old", nargs="?", metavar="OLD",
                        help="name==version on the index, or a dist folder or file (default: "
                             "the latest release on the index before NEW)")
    parser.add_argument("new", nargs="?", metavar="NEW", help="the same (default: dist/)")


def add_verbose(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="pass --verbose to build and the uploader")


def add_bump(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", nargs="?", metavar="patch|minor|major|dev|post|calver|X.Y.Z",
                        help="the part to increase, or the new version; the number of parts "
                             "is kept (26.4 → minor 26.5); dev opens the next "
                             "development version (1.2.3 → 1.2.4.dev0, .devN → .devN+1) and "
                             "dates nothing; post makes a post release (1.2.3 → 1.2.3.post1, "
                             ".postN → .postN+1); calver makes today's date YYYY.M.D "
                             "(2026.12.6, then 2026.12.6.1 for a second release that day)")
    parser.add_argument("--pre", choices=("a", "b", "rc"),
                        help="make it (or move it to) a pre-release: alpha, beta or rc")
    parser.add_argument("--commit", action="store_true",
                        help="commit VERSION and the changelog after bumping")


def given(args: Sequence[str], options: Options) -> list[str]:
    """The options ``args`` set (as ``commands.takes`` names them: the long spelling), in
    typed order."""
    parser = session_parser()
    typed: dict[str, int] = {}
    for n, arg in enumerate(args):
        action = parser._option_string_actions.get(arg.split("=", 1)[0])
        if action is not None:
            typed.setdefault(action.dest, n)
    defaults = Options()
    found = [(typed.get(a.dest, len(args)), max(a.option_strings, key=len, default=a.dest))
             for a in parser._actions
             if getattr(options, a.dest) != getattr(defaults, a.dest)]
    return [name for _, name in sorted(found)]


def joined(words: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def session_parser(prog: str = "nox -s <session> --") -> argparse.ArgumentParser:
    """The posargs every session accepts; each session uses the ones that apply to it."""
    parser = _Parser(prog=prog, add_help=False)
    add_common(parser)
    add_install(parser)
    add_release(parser)
    add_verbose(parser)
    add_bump(parser)
    return parser


def parse_session_args(args: Sequence[str]) -> Options:
    # The --skip ids are checked by the command that runs (frontend/release_commands.py).
    return session_parser().parse_args(list(args), namespace=Options())

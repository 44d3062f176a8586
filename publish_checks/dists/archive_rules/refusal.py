"""What a refusal of an archive is, and how it quotes PyPI."""

from __future__ import annotations

import enum
from collections.abc import Iterable

from publish_checks._record import Record, record
from publish_checks._text import listing, printable
from publish_checks.dists.inventory import Item
from publish_checks.dists.scan import Dist

ARCHIVES_DOCS = "See https://docs.pypi.org/archives for more information"
POLICY_DOCS = "See https://pypi.org/policy/acceptable-use-policy/ for more information."
# What PyPI answers when its own reading of the archive raises: literally "None".
UNREADABLE = "None"


class Fix(enum.Enum):
    """What the user does about a refusal; the check words it with the build command."""

    REBUILD = "rebuild"  # a current build backend writes a correct archive
    LICENSE_FILES = "license-files"  # declared license files, where PEP 639 puts them
    ENTRY_POINTS = "entry-points"  # the project's entry point tables
    SHRINK = "shrink"  # leave the highly compressible data out
    PLAIN_SOURCE = "plain-source"  # no obfuscated code
    SDIST_MEMBERS = "sdist-members"  # only files, folders and links inside the sdist


@record
class Refusal(Record):
    problem: str  # the file, what is wrong with which member, and PyPI's (or pip's) words
    fix: Fix


def pypi_refusal(dist: Dist, detail: str, message: str, fix: Fix = Fix.REBUILD, *,
                 archive: bool = True) -> Refusal:
    """A refusal quoting PyPI; ``archive``: one of the messages it prefixes with
    "Invalid distribution file."."""
    said = f"Invalid distribution file. {message}" if archive else message
    return Refusal(f'{dist.filename}: {detail} (PyPI: "{said}")', fix)


def shown_items(items: Iterable[Item | str]) -> str:
    return listing([printable(i if isinstance(i, str) else i.name) for i in items])

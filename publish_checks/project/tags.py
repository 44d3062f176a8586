"""Release tags as the project makes them (SPEC §3 ``tag-format``): the format, checked
once, and its default, read from the tags the repository already has (project/scm.py:
whether the project's scm version tool would read a tag made with it).

Many projects tag ``v1.2.0``; many others (attrs, tomlkit…) tag ``1.2.0``, and monorepos
tag ``pkgname-1.2.0``. A tag of another style than the project's history breaks its
changelog's compare links and, with an scm version tool, the next build's version.
"""

from __future__ import annotations

import re
from collections import Counter

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from publish_checks._record import Record, record
from publish_checks.project.git import Git
from publish_checks.project.tag_format import DEFAULT, PLACEHOLDER

# A prefix ending in a number and a separator: "2023-" of 2023-01-05, "deploy-2023-".
_AFTER_A_NUMBER = re.compile(r"(?:^|[-_/@.])\d+[-_/@.]+$")


def tag_name(tag_format: str, version: str) -> str:
    """The tag of ``version`` in ``tag_format``: ``v{version}``, 1.2.0 → ``v1.2.0``."""
    return tag_format.replace(PLACEHOLDER, version)


@record
class ReleaseTag(Record):
    """An existing tag that names a release: ``prefix`` + a PEP 440 version."""

    name: str
    prefix: str
    version: Version
    created: int  # git's creatordate: the tagger's date, or the commit's for a light tag


def split_tag(name: str) -> tuple[str, Version] | None:
    """(prefix, version) when ``name`` is a release tag: a PEP 440 version that starts with
    a digit, after a prefix that is empty, ends in a separator (``release-``, ``pkg/``) or
    is ``v`` (``v``, ``pkg-v``). None for any other tag (``py3``, ``latest``); ``docs-2``
    is one, of prefix ``docs-``: only the most common prefix makes a style."""
    for i, char in enumerate(name):
        if not char.isdigit():
            continue
        prefix = name[:i]
        if prefix and prefix[-1].isalnum() and not (
                prefix[-1] in "vV" and (len(prefix) == 1 or not prefix[-2].isalnum())):
            continue  # glued to a word (py3, build2020): no version starts here
        if _AFTER_A_NUMBER.search(prefix):
            continue  # after a number (a date, 2023-01-05): the version started before it
        try:
            return prefix, Version(name[i:])
        except InvalidVersion:
            continue
    return None


#: The tags of HEAD's history, with their creator dates (a question Context.ask_git asks).
LISTING = ("for-each-ref", "--merged", "HEAD", "--format=%(refname:strip=2)%00%(creatordate:unix)",
           "refs/tags")


def release_tags(git: Git) -> list[ReleaseTag]:
    """The release tags of HEAD's history, newest first (creator date, then version). A
    tag only on another branch (an experiment's, a fork's) is not the project's history:
    none when HEAD has no commit."""
    result = git.ask(*LISTING)
    found = []
    for line in result.stdout.splitlines() if result.returncode == 0 else []:
        name, _, created = line.partition("\0")
        if (split := split_tag(name)) is not None:
            found.append(ReleaseTag(name, split[0], split[1],
                                    int(created) if created.isdigit() else 0))
    return sorted(found, key=lambda t: (t.created, t.version), reverse=True)


@record
class TagFormat(Record):
    """The tag-format a run uses, and how it was chosen (for people)."""

    format: str
    # Why, for people: "tag-format in pyproject.toml", "as the repository's 12 release
    # tags, e.g. 1.2.0"; "" for the default of a repository without release tags.
    origin: str

    def tag(self, version: str) -> str:
        return tag_name(self.format, version)


def _belongs_to(prefix: str, project: str) -> bool:
    """Whether a monorepo prefix (``pkg-``, ``pkg-v``, ``pkg/``, ``pkg@``) names ``project``."""
    stem = prefix.rstrip("vV") if prefix[-1:] in "vV" and prefix[-2:-1] in "-_/@" else prefix
    stem = stem.rstrip("-_/@.")
    return bool(stem) and canonicalize_name(stem) == canonicalize_name(project)


def detect_tag_format(git: Git, project: str | None = None) -> TagFormat:
    """The style of the release tags reachable from HEAD: the most common prefix (``v``,
    none, ``release-``), unless the project changed its style: when the two newest tags
    (by creator date, then version) share a less common prefix, theirs wins (``v0.1`` …
    ``v0.4`` then ``1.0``, ``1.1``: ``{version}``). One newest tag of another style is
    not yet a change (a stray tag must not rename the next release); on a count tie, the
    newest tag's style wins. In a monorepo (``pkg-1.2.0`` beside ``other-2.0``), only the
    tags whose prefix names ``project`` count; when none does and several packages'
    prefixes are there, those are left out (``alpha-1.0``, ``beta-1.1`` make no style for
    ``pkg``). ``v{version}`` when there is no release tag (or no repository)."""
    tags = release_tags(git) if git.is_repo() else []
    own = [t for t in tags if project is not None and _belongs_to(t.prefix, project)]
    named = {t.prefix for t in tags} - {"", "v", "V"}
    # A monorepo: other packages' prefixed tags beside this project's own.
    if own and named - {t.prefix for t in own}:
        tags = own
    elif project is not None and not own and len(named) > 1:
        # Only other packages' tags (alpha-1.0, beta-1.1): a new member of a monorepo
        # must not take a sibling's prefix, whose tags may even name its version.
        others = [t for t in tags if t.prefix in named]
        tags = [t for t in tags if t.prefix not in named]
        if not tags:
            return TagFormat(DEFAULT, f"no release tag of {project} among the repository's "
                                      f"{len(others)}, e.g. {others[0].name}")
    if not tags:
        return TagFormat(DEFAULT, "")
    return _style(tags)


def _style(tags: list[ReleaseTag]) -> TagFormat:
    """detect_tag_format's choice among ``tags`` (newest first), and why."""
    counts = Counter(t.prefix for t in tags)
    top = max(counts.values())
    newest = tags[0].prefix
    run = next((n for n, t in enumerate(tags) if t.prefix != newest), len(tags))
    if counts[newest] < top and run >= 2:
        # The style changed: the newest tags share a prefix that older ones outnumber.
        older = next(t for t in tags if t.prefix != newest)
        return TagFormat(newest + PLACEHOLDER,
                         f"as the repository's {run} newest release tags, e.g. "
                         f"{tags[0].name} ({counts[older.prefix]} older ones are like "
                         f"{older.name})")
    tied = {prefix for prefix, n in counts.items() if n == top}
    chosen = next(t for t in tags if t.prefix in tied)  # tags are newest first
    share = "the" if top == len(tags) else f"{top} of the"
    why = f"as {share} repository's {len(tags)} release tags, e.g. {chosen.name}" if len(
        tags) > 1 else f"as the repository's release tag {chosen.name}"
    if len(tied) > 1:
        why += ": the newest of the styles tied"
    return TagFormat(chosen.prefix + PLACEHOLDER, why)


def release_tag_format(configured: str | None, git: Git, project: str | None) -> TagFormat:
    """The tag-format of a run: the configured one (validated by config.py), else the style
    of the repository's release tags."""
    if configured is not None:
        return TagFormat(configured, "tag-format in pyproject.toml")
    return detect_tag_format(git, project)

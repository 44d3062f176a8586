"""``bump``: compute the next version, write it where it is declared, date the changelog.

Every file is read, edited in memory and checked before the first one is written, so a
refusal leaves the project untouched; the writes themselves are atomic (see _atomic).
"""

from __future__ import annotations

import codecs
import datetime
import re
from collections.abc import Mapping
from pathlib import Path

from packaging.version import Version

from publish_checks._errors import ConfigError, PublishChecksError, ReleaseError, UsageError
from publish_checks._text import (
    NOX_STEPS,
    Steps,
    TextError,
    decode_text,
    read_bytes,
    resave_fix,
)
from publish_checks._text import shown as shown_path
from publish_checks.project import changelog as cl
from publish_checks.project import changelog_write as cw
from publish_checks.project.children import Role, child_environment
from publish_checks.project.config import Config, load_config
from publish_checks.project.git import Git
from publish_checks.project.tags import release_tag_format
from publish_checks.project.version import (
    TOML_VERSION_KEY,
    SourceKind,
    VersionSource,
    declared_name,
    declared_version,
    package_version_attr,
    value_spans,
    version_problem,
)
from publish_checks.release.atomic import write_all
from publish_checks.release.versioning import PARTS, next_version, patch_of

_DUNDER = re.compile(r"""^__version__\s*(?::[^=]*)?=\s*(["'])(?P<value>[^"'\\]*)\1""")
# What hatchling's default pattern reads in a [tool.hatch.version] path file, too.
_ASSIGNMENT = re.compile(
    r"""^(?:__version__|VERSION)\s*(?::[^=]*)?=\s*(["'])v?(?P<value>[^"'\\]*)\1""",
    re.IGNORECASE)
__all__ = ["PARTS", "bump", "next_version"]  # next_version and PARTS: versioning's
Edit = tuple[Path, bytes, bytes]  # path, old contents, new contents


def _current(config: Config) -> tuple[VersionSource, Path, Version]:
    """Where the version is declared, its file, and what it says; ConfigError if unusable."""
    source = declared_version(config)
    # A literal the build backend reads from a file (hatch's path, setuptools' attr:/file:,
    # flit's __version__, pdm's file) or its own table ([tool.poetry], setup.cfg) is bumped
    # where the backend reads it.
    if source.dynamic and (source.raw is None or source.path is None):
        if source.kind is SourceKind.VCS:
            tag = release_tag_format(config.tag_format, Git(config.root),
                                     declared_name(config)).tag("X.Y.Z")
            raise ConfigError(f"the version is {source.label}: it comes from git tags, so "
                              "there is no file to bump",
                              f"tag the release instead: git tag -a {tag} -m 'Release X.Y.Z'")
        raise ConfigError(f"the version is {source.label}: bump edits only a VERSION file, "
                          "[project].version or a literal the build backend reads",
                          "change it where your build backend reads it, or keep it in VERSION")
    if source.raw is None or source.path is None:
        raise ConfigError(f"{source.label} {source.problem}",
                          source.hint or f"write the current version, e.g. 1.0.0, in "
                          f"{source.label}")
    if problem := version_problem(source.raw):
        raise ConfigError(f"{source.label}: {problem}", "fix it first, then bump")
    return source, source.path, Version(source.raw)


def _lines(path: Path, shown: str) -> tuple[bytes, bool, list[str]]:
    """The file's bytes, whether it starts with a BOM, and its lines with their endings."""
    try:
        data = read_bytes(path)
        text = decode_text(data)
    except TextError as e:
        raise PublishChecksError(f"cannot read {shown}: it {e.problem}",
                                 resave_fix(shown, e)) from None
    return data, data.startswith(codecs.BOM_UTF8), text.splitlines(keepends=True)


def _encode(bom: bool, lines: list[str]) -> bytes:
    return (codecs.BOM_UTF8 if bom else b"") + "".join(lines).encode("utf-8")


def _replace_value(path: Path, shown: str, pattern: re.Pattern[str], old: str, new: Version,
                   table: str | None = None) -> Edit:
    """Change ``old`` to ``new`` on the one line matching ``pattern`` (inside ``[table]``)."""
    data, bom, lines = _lines(path, shown)
    text = "".join(lines)
    hits = [span for value, span in value_spans(text, pattern, table) if value == old]
    if len(hits) != 1:
        where = f" in [{table}]" if table else ""
        raise PublishChecksError(f"cannot find the one line that sets {old!r}{where} in {shown}",
                                 f"set it to {new} by hand, or keep the version in VERSION")
    return _write_at(path, shown, (data, bom, text), hits[0], old, new)


def _replace_span(path: Path, shown: str, span: tuple[int, int], old: str,
                  new: Version) -> Edit:
    """Write ``new`` over ``old`` exactly where the version source read it: ``span`` of the
    file's text, counted with its byte-order mark as the source counts it."""
    data, bom, lines = _lines(path, shown)
    start, end = span
    return _write_at(path, shown, (data, bom, "".join(lines)),
                     (start - int(bom), end - int(bom)), old, new)


def _write_at(path: Path, shown: str, read: tuple[bytes, bool, str], span: tuple[int, int],
              old: str, new: Version) -> Edit:
    data, bom, text = read
    start, end = span
    if text[start:end] != old:  # it changed since it was read: stop rather than guess
        raise PublishChecksError(f"{shown} changed while bump read it", "run bump again")
    return path, data, _encode(bom, [text[:start], str(new), text[end:]])


def _changelog(path: Path, shown: str, new: Version, date: datetime.date,
               name: str | None) -> tuple[Edit, list[str]]:
    """A release takes the Unreleased section and dates it; a dev version is no release, so
    it dates nothing and only keeps an (empty) Unreleased section open for what comes."""
    data, bom, lines = _lines(path, shown)
    if new.is_devrelease:
        lines, notes = cw.open_unreleased(lines, shown, name, new)
    else:
        lines, notes = cw.release_unreleased(lines, shown, new, date, name)
    return (path, data, _encode(bom, lines)), notes


def _refuse_dirty(git: Git, root: Path, paths: list[str]) -> None:
    """--commit commits exactly our files: they must be tracked and hold no other changes."""
    if not git.is_repo():
        raise PublishChecksError(f"--commit needs a git repository; {root} is not in one",
                                 "run git init, or bump without --commit")
    tracked = set(git.tracked_files(*paths))
    if untracked := [p for p in paths if p not in tracked]:
        raise PublishChecksError(f"not tracked by git: {', '.join(untracked)}",
                                 "commit them first, or bump without --commit")
    status = git.run("status", "--porcelain", "-z", "--", *paths).stdout
    if dirty := [entry[3:] for entry in status.split("\0") if len(entry) > 3]:
        raise PublishChecksError(f"uncommitted changes in {', '.join(dirty)}: --commit would "
                                 "sweep them into the release commit",
                                 "commit them first, or bump without --commit and commit "
                                 "yourself")


def _version_edits(config: Config, source: VersionSource, path: Path, current: Version,
                   new: Version, name: str | None) -> list[Edit]:
    """The edits that write ``new`` where the version is declared, and in the package's
    ``__version__`` when that is another file; PublishChecksError when the line to edit
    cannot be found."""
    root, label = config.root, source.label
    edits: list[Edit] = []
    if source.kind is SourceKind.PROJECT:
        edits.append(_replace_value(path, "pyproject.toml", TOML_VERSION_KEY, str(current),
                                    new, "project"))
    elif source.span is not None:  # hatch's or pdm's pattern, [tool.poetry], setup.cfg
        edits.append(_replace_span(path, shown_path(path, root), source.span, str(current), new))
    elif source.kind is SourceKind.CONFIG:
        raise PublishChecksError(f"cannot find the one line that sets {label} to "
                                 f"{str(current)!r}", f"set it to {new} by hand")
    elif path.suffix == ".py":  # the assignment line, never a comment that names the version
        edits.append(_replace_value(path, label, _ASSIGNMENT, str(current), new))
    else:
        data = _lines(path, label)[0]
        edits.append((path, data, data.replace(str(current).encode(), str(new).encode(), 1)))
        if config.static_version is not None:  # both declared: keep them in step
            edits.append(_replace_value(root / "pyproject.toml", "pyproject.toml",
                                        TOML_VERSION_KEY, config.static_version, new, "project"))
    attr = package_version_attr(root, name)
    if attr is not None and attr[0] != path:
        edits.append(_replace_value(attr[0], shown_path(attr[0], root), _DUNDER, attr[1], new))
    return edits


def _commit(git: Git, shown: list[str], message: str) -> str:
    """``git add`` and ``git commit`` exactly the files bump wrote; what was committed.
    ReleaseError naming the git step that failed (the files stay written)."""
    for args in (("add", "--", *shown), ("commit", "-q", "-m", message, "--", *shown)):
        result = git.run(*args)
        if result.returncode != 0:
            raise ReleaseError(f"wrote {', '.join(shown)}, but git {args[0]} failed: "
                               f"{result.stderr.strip()}",
                               f"commit them yourself: git commit -m '{message}' -- "
                               + " ".join(shown))
    return f"committed {git.head()[:12]} '{message}'"


def bump(root: Path, target: str | None, *, pre: str | None = None, commit: bool = False,
         today: datetime.date | None = None, steps: Steps = NOX_STEPS,
         environ: Mapping[str, str] | None = None) -> str:
    """Bump the project at ``root``; return what was done and the next steps. ``environ``
    (the front end's) is what ``git commit`` and its hooks get, less every secret."""
    root = root.resolve()
    config = load_config(root)
    tags = declared_version(config)
    if target == "dev" and pre is None and tags.kind is SourceKind.VCS and tags.raw is None:
        tag = release_tag_format(config.tag_format, Git(root), declared_name(config)).tag("X.Y.Z")
        return "\n".join([  # the backend makes X.Y.Z.devN of every commit past a release tag
            f"nothing to bump: the version is {tags.label}, and every commit after a release "
            "tag already builds as the next development version (X.Y.Z.devN)", "next:",
            f"  to release: git tag -a {tag} -m 'Release X.Y.Z', then {steps.build} and "
            f"{steps('publish')}"])
    source, path, current = _current(config)
    name = declared_name(config)
    new = next_version(current, target, pre, steps, today)
    if new <= current:
        raise UsageError(f"{new} is not greater than the current version {current}",
                         f"pick a version above {current}, e.g. "
                         f"{patch_of(current)}")
    edits = _version_edits(config, source, path, current, new, name)
    notes = []
    changelog = cl.find_changelog(root, config.changelog)
    if changelog is None:
        notes.append("no changelog found: consider a CHANGELOG.md (keepachangelog.com)")
    else:
        date = today or datetime.date.today()
        edit, notes = _changelog(changelog, shown_path(changelog, root), new, date, name)
        if edit[1] != edit[2]:  # a dev bump leaves an open Unreleased section as it is
            edits.append(edit)
    shown = [shown_path(path, root) for path, _, _ in edits]
    git = Git(root, None if environ is None else child_environment(
        environ, Role.GIT, hidden=config.token_variables))
    if commit:
        _refuse_dirty(git, root, shown)
    try:
        write_all(edits)
    except OSError as e:
        raise ReleaseError(f"could not write {e.filename or 'a file'}: {e.strerror or e}; "
                           "nothing was changed", "fix the cause and bump again") from None
    summary = [f"{current} → {new}: wrote {', '.join(shown)}", *notes, "next:"]
    message = f"Development version {new}" if new.is_devrelease else f"Release {new}"
    if commit:
        summary[-1:] = [_commit(git, shown, message), "next:"]
    else:
        summary.append(f"  git commit -m '{message}' -- {' '.join(shown)}")
    if new.is_devrelease:  # work goes on: the release comes from the next bump
        part = "patch" if new.post is None else "post"
        return "\n".join([*summary, f"  list what changes under Unreleased; to release "
                                     f"{next_version(new, part, steps=steps)}: "
                                     f"{steps('bump', part)}"])
    return "\n".join([*summary, f"  {steps.build}", f"  {steps('publish')}"])


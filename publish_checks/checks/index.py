"""index-version: the target index holds none of these files with other contents, and will
take the new ones into the release it may already have (one sdist; PyPI's 14-day window),
or create the project they are the first of (not under a standard-library module's name)."""

from __future__ import annotations

import string
from datetime import datetime, timedelta

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from publish_checks._text import TextError, printable, read_text
from publish_checks.checks.context import Context
from publish_checks.checks.report import Finding, failed, passed, skipped, warned
from publish_checks.dists.listing import IndexFile
from publish_checks.dists.scan import Dist
from publish_checks.dists.snapshot import IndexQueryError, Snapshot
from publish_checks.project.changelog import find_changelog, sections, title_version
from publish_checks.project.stdlib_names import stdlib_names

# warehouse's MAXIMUM_AGE_FOR_NEW_UPLOADS_DAYS, and its two release-level refusals.
MAX_RELEASE_AGE = timedelta(days=14)
PYPI_RELEASE_CLOSED = "Uploading new files to releases older than 14 days is not allowed."
PYPI_SECOND_SDIST = "Only one sdist may be uploaded per release."
# warehouse's create_project, for a name in STDLIB_PROHIBITED (packaging/services.py).
PYPI_STDLIB_NAME = ("The name {name!r} isn't allowed (conflict with Python Standard Library "
                    "module name). See https://pypi.org/help/#project-name for more "
                    "information.")


def stdlib_module(project: str) -> str | None:
    """The standard-library module a new project of this name would clash with on PyPI."""
    return stdlib_names().get(canonicalize_name(project))


def _bump(ctx: Context) -> str:
    return (f"bump the version with `{ctx.steps('bump', 'patch')}` and rebuild with "
            f"`{ctx.steps.build}`")


def _age(now: datetime, then: datetime) -> str:
    days = (now - then).days
    when = then.strftime("%Y-%m-%d")
    return f"{when}, today" if days <= 0 else f"{when}, {days} day{'s' * (days != 1)} ago"


def _stdlib_clashes(ctx: Context, names: list[str]) -> list[tuple[str, str]]:
    """(project name as declared, module) for each name PyPI would not create (its rule:
    PyPI and TestPyPI only)."""
    if not ctx.target.token_host:
        return []
    declared = {canonicalize_name(n): n for n in (ctx.project_name,) if n}
    return [(declared.get(canonicalize_name(name), name), module) for name in names
            if (module := stdlib_module(name)) is not None]


_TAG_PREFIX = string.ascii_letters + "-_."


def _released_before(ctx: Context) -> bool:
    """Whether a git tag or a changelog section names an earlier version (two versions when
    the current one is not known before a build): then the project was published before
    (importlib-metadata, configparser, future: PyPI has them), as far as offline can tell."""
    versions: set[Version] = set()
    for tag in ctx.git.out("tag", "--list").split() if ctx.is_git_repo else []:
        try:
            versions.add(Version(tag.lstrip(_TAG_PREFIX)))  # v1.2.0, demo-pkg-1.2.0
        except InvalidVersion:
            continue
    path = find_changelog(ctx.root, ctx.config.changelog)
    try:
        text = read_text(path) if path is not None else ""
    except TextError:  # changelog-entry reports it
        text = ""
    versions.update(v for s in sections(text)
                    if (v := title_version(s.title, ctx.project_name)) is not None)
    try:
        current = Version(ctx.version or "")
    except InvalidVersion:
        return len(versions) > 1
    return any(v < current for v in versions)


def _rename(names: list[tuple[str, str]]) -> str:
    return (f"rename the project ([project] name): {names[0][0]} is the standard library's "
            f"{names[0][1]} module's name, which PyPI keeps for it")


def index_version_offline(ctx: Context) -> Finding:
    """What index-version judges under --offline (the registry runs this instead): no index
    is asked, so only a new project's name PyPI keeps for the standard library, as a warn."""
    target = ctx.target
    names = sorted({d.name for d in ctx.release_dists()}) or [n for n in [ctx.project_name]
                                                              if n]
    if (clashes := _stdlib_clashes(ctx, names)) and not _released_before(ctx):
        name, module = clashes[0]
        return warned(f"the index was not asked (offline); if {name} is not on "
                      f"{target.token_host} yet, PyPI refuses to create it: "
                      f"\"{PYPI_STDLIB_NAME.format(name=name)}\" (it is the standard "
                      f"library's {module})",
                      f"`{ctx.steps('verify')}` (not --offline) asks {target.token_host}; "
                      f"if it has no {name}, {_rename(clashes)}")
    return skipped("--offline: the index was not asked")


def no_index(ctx: Context) -> Finding | None:
    """The skip of a check that asks the target index when there is none to ask."""
    target = ctx.target
    if target.index_url is not None:
        return None
    if target.is_local:
        return skipped(f"the embedded index only exists during `{ctx.steps('rehearse')}`")
    return skipped(f"no simple index is known for {target.name}")


def index_version(ctx: Context) -> Finding:
    """Asks the index (offline, the registry runs :func:`index_version_offline` instead)."""
    if (none := no_index(ctx)) is not None:
        return none
    target = ctx.target
    dists = ctx.release_dists()
    if not dists:
        release = " ".join(filter(None, (ctx.project_name, ctx.version))) or "this release"
        return failed(f"no dists of {release} in {ctx.shown(ctx.dists.directory)}/ to look up",
                      ctx.steps.build)
    index = target.index_url
    try:
        snapshot = ctx.snapshot()
    except IndexQueryError as e:
        return failed(e.message, e.hint)
    missing = [n for n in sorted({d.name for d in dists})
               if canonicalize_name(n) in snapshot.missing]
    if clashes := _stdlib_clashes(ctx, missing):
        name, module = clashes[0]
        return failed(f"{name} is not on {index} yet, and PyPI refuses to create it: "
                      f"\"{PYPI_STDLIB_NAME.format(name=name)}\" (it is the standard "
                      f"library's {module})", _rename(clashes))
    same, different, unhashed = _compared(ctx, snapshot, dists)
    if different:
        return failed(f"{len(different)} of {len(dists)} files already on {index} with other "
                      f"contents: {', '.join(different)}",
                      "an index never accepts a filename twice (PyPI not even after a delete): "
                      + _bump(ctx))
    new = [d for d in dists if d.filename not in snapshot.files]
    notes: list[str] = []  # what a pass says beyond which files are there
    warnings: list[tuple[str, str]] = []
    refusal = _release_refusal(ctx, snapshot, new, notes, warnings)
    if refusal is not None:
        return refusal
    if unhashed:
        warnings.insert(0, (f"{', '.join(unhashed)} already on {index}, which gives no sha256 "
                            "to compare", f"if these are not the files in dist/, {_bump(ctx)}"))
    if warnings:
        return warned("; ".join(s for s, _ in warnings), "; ".join(h for _, h in warnings))
    if same:
        summary = (f"{len(same)} of {len(dists)} files already on {index}, identical: will be "
                   "skipped")
    else:
        summary = f"none of the {len(dists)} files is on {index} yet"
    return passed("; ".join([summary, *notes]))


def _compared(ctx: Context, snapshot: Snapshot,
              dists: list[Dist]) -> tuple[list[str], list[str], list[str]]:
    """The release files already listed: (identical, with other contents, without a hash)."""
    same, different, unhashed = [], [], []
    for dist in dists:
        if dist.filename not in snapshot.files:
            continue
        digest = snapshot.files[dist.filename].sha256
        if digest is None:
            unhashed.append(dist.filename)
        elif digest == ctx.dists.sha256(dist.path):
            same.append(dist.filename)
        else:
            different.append(dist.filename)
    return same, different, unhashed


def _release_files(snapshot: Snapshot, dist: Dist) -> list[IndexFile]:
    """The files the index lists for ``dist``'s release."""
    return snapshot.release_files(dist.version, dist.name)


def _release_refusal(ctx: Context, snapshot: Snapshot, new: list[Dist], notes: list[str],
                     warnings: list[tuple[str, str]]) -> Finding | None:
    """What PyPI refuses of the release the new files join, in warehouse's order: its
    14-day window, then a second sdist (the first refusal wins). What cannot be judged goes
    to ``warnings``, the age of a release still open to ``notes``."""
    index = ctx.target.index_url
    release = " ".join(filter(None, (ctx.project_name, ctx.version)))
    if new and ctx.target.token_host:
        existing = {f.filename: f for d in new for f in _release_files(snapshot, d)}
        times = [f.upload_time for f in existing.values()]
        known = [t for t in times if t is not None]
        now = ctx.clock()
        first = min(known) if known else None
        if first is not None and now - first > MAX_RELEASE_AGE:
            return failed(f"{release} is on {index} since {_age(now, first)}, so PyPI refuses "
                          f"its {len(new)} new file{'s' * (len(new) != 1)} "
                          f"({', '.join(d.filename for d in new)}): "
                          f"\"{PYPI_RELEASE_CLOSED}\"",
                          "a release takes new files for 14 days after its first upload: "
                          + _bump(ctx))
        if None in times:
            unknown = sorted(printable(n) for n, f in existing.items() if f.upload_time is None)
            warnings.append((
                f"{index} gives no upload-time for {', '.join(unknown)}, so whether PyPI "
                f"still takes new files for {release} (for 14 days after its first upload) "
                "cannot be judged",
                f"if {release} was first uploaded more than 14 days ago, {_bump(ctx)}"))
        elif first is not None:
            notes.append(f"{release} is on {index} since {_age(now, first)}: PyPI takes new "
                         "files for 14 days")
    for dist in (d for d in new if d.kind == "sdist"):
        sdists = sorted(f.filename for f in _release_files(snapshot, dist)
                        if f.filename.endswith((".tar.gz", ".zip")))
        if sdists:
            return failed(f"{index} already has the sdist {printable(sdists[0])} of {release}, "
                          f"so {dist.filename} would be a second one "
                          f"(PyPI: \"{PYPI_SECOND_SDIST}\")",
                          "a release keeps its first sdist: " + _bump(ctx))
    return None

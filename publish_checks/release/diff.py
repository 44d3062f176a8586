"""``publish-checks diff [OLD] [NEW]``: two releases compared as index-diff compares them,
each a ``name==version`` on the target index or dist folders/files; by default the latest
earlier release on the target against ``dist/``. Returns data; the front end prints it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion, Version

from publish_checks._errors import ReleaseError, UsageError
from publish_checks._text import CLI_STEPS, Steps, printable
from publish_checks.checks.context import Context
from publish_checks.checks.diff import earlier_release
from publish_checks.checks.registry import load_context
from publish_checks.dists.index import IndexQueryError
from publish_checks.dists.release_diff import Difference, compare
from publish_checks.dists.release_facts import ReleaseFacts, index_facts, local_facts
from publish_checks.dists.scan import Dist, classify, scan
from publish_checks.dists.snapshot import read_snapshot
from publish_checks.project.config import Config, check_project_folder
from publish_checks.project.repository import choose_repository, resolve_target


@dataclass(frozen=True)
class Side:
    """One release of a comparison and where it was read."""

    name: str
    version: str
    source: str  # "dist/", "dist/demo_pkg-1.2.1-py3-none-any.whl", "https://pypi.org/simple/"
    facts: ReleaseFacts

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "version": self.version, "from": self.source,
                "files": [f.filename for f in self.facts.files]}


@dataclass(frozen=True)
class Comparison:
    old: Side
    new: Side
    differences: tuple[Difference, ...]

    @property
    def notes(self) -> list[str]:
        return [*(f"{self.old.version}: {n}" for n in self.old.facts.notes),
                *(f"{self.new.version}: {n}" for n in self.new.facts.notes)]

    def as_dict(self) -> dict[str, object]:
        return {"old": self.old.as_dict(), "new": self.new.as_dict(),
                "differences": [d.as_dict() for d in self.differences], "notes": self.notes}


@dataclass(frozen=True)
class _Local:
    dists: list[Dist]
    source: str


def _pinned(spec: str) -> tuple[str, str] | None:
    """(name, version) of ``name==version``; None for anything else."""
    if "==" not in spec:
        return None
    try:
        req = Requirement(spec)
        (only,) = req.specifier
        Version(only.version)
    except (InvalidRequirement, InvalidVersion, ValueError):
        raise UsageError(f"{printable(spec)!r} is neither name==version nor a dist folder or "
                         "file", "e.g. publish-checks diff demo-pkg==1.2.0 dist/") from None
    if only.operator != "==":
        raise UsageError(f"{printable(spec)!r} names no single version", "write name==X.Y.Z")
    return req.name, only.version


def _local(ctx: Context, spec: str | None) -> _Local:
    path = ctx.root / "dist" if spec is None else Path(spec)
    shown = ctx.shown(path) + ("/" if path.is_dir() else "")
    if path.is_file():
        dist = classify(path)
        if dist is None:
            raise UsageError(f"{printable(shown)} is no wheel or sdist", "name a .whl or "
                             ".tar.gz file, a folder of them, or name==version")
        return _Local([dist], shown)
    if not path.is_dir():
        raise UsageError(f"{printable(shown)} does not exist", "name a dist folder or file, "
                         "or name==version on the index" if spec else
                         f"build first: {ctx.steps.build}")
    found = scan(path).dists
    if spec is None:
        found = tuple(ctx.release_dists()) or found
    versions = sorted({(d.name, d.version) for d in found})
    if not versions:
        raise UsageError(f"{printable(shown)} holds no wheel or sdist",
                         f"build first: {ctx.steps.build}" if spec is None else
                         "name a folder of dists")
    if len(versions) > 1:
        raise UsageError(f"{printable(shown)} holds more than one release ("
                         f"{', '.join(f'{n} {v}' for n, v in versions)})",
                         "name the files of one release")
    return _Local(list(found), shown)


def _index(ctx: Context) -> str:
    if ctx.offline or ctx.target.index_url is None:
        why = "--offline" if ctx.offline else f"no simple index is known for {ctx.target.name}"
        raise UsageError(f"the index is needed to read a release from it ({why})",
                         "compare two dist folders or files instead")
    return ctx.target.index_url


def _from_index(ctx: Context, name: str, version: str, *, before: bool = False,
                like: frozenset[str] = frozenset()) -> Side:
    """``name``'s release ``version`` on the target, or (``before``) the latest before it."""
    index = _index(ctx)
    try:
        snapshot = read_snapshot(index, [name], login=ctx.index_login)
        if before:
            earlier = earlier_release(snapshot, name, version)
            if earlier is None:
                raise ReleaseError(f"{index} has no release of {name} before {version}",
                                   "name the one to compare with: name==version or a dist "
                                   "folder")
            found, files = str(earlier[0]), earlier[1]
        else:
            files = snapshot.release_files(version, name)
            found = version
            if not files:
                raise ReleaseError(f"{index} has no files of {name} {version}",
                                   f"look at {index.rstrip('/')}/{name}/")
        facts = index_facts(files, found, like=like, login=ctx.index_login)
    except IndexQueryError as e:
        raise ReleaseError(e.message, e.hint) from None
    return Side(name, found, index, facts)


def _side(local: _Local, like: frozenset[str] = frozenset()) -> Side:
    dist = local.dists[0]
    facts = local_facts([d.path for d in local.dists], dist.version, like=like)
    return Side(dist.name, dist.version, local.source, facts)


def diff_context(root: Path, repository: str | None, *, environ: Mapping[str, str],
                 offline: bool = False, steps: Steps = CLI_STEPS) -> Context:
    """The project's Context; outside a project (two dist folders compared anywhere), one
    with the default configuration, its target from --repository (default pypi)."""
    try:
        check_project_folder(root.resolve())
    except UsageError:
        config = Config(root=root.resolve())
        env = dict(environ)
        name, named_by = choose_repository(repository, config, env)
        target = resolve_target(name, config, env, named_by=named_by)
        return Context(root.resolve(), config, target, offline=offline, environ=env,
                       steps=steps)
    return load_context(root, repository, environ=environ, offline=offline, steps=steps)


def compare_releases(ctx: Context, old: str | None = None,
                     new: str | None = None) -> Comparison:
    """OLD and NEW (``name==version`` on the target, a dist folder or file) compared;
    NEW defaults to dist/, OLD to the latest release on the target before NEW."""
    old_pin, new_pin = (_pinned(s) if s else None for s in (old, new))
    new_side = _from_index(ctx, *new_pin) if new_pin is not None else _side(_local(ctx, new))
    if old is None:
        old_side = _from_index(ctx, new_side.name, new_side.version, before=True,
                               like=new_side.facts.tags)
    elif old_pin is not None:
        old_side = _from_index(ctx, *old_pin, like=new_side.facts.tags)
    else:
        old_side = _side(_local(ctx, old), new_side.facts.tags)
    differences = compare(old_side.facts, new_side.facts, ctx.config.diff_allow)
    return Comparison(old_side, new_side, tuple(differences))


__all__: Sequence[str] = ["Comparison", "Side", "compare_releases", "diff_context"]

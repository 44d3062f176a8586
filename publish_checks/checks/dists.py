"""dists-*: dist/ holds exactly this release, well-formed, complete and free of secrets."""

from __future__ import annotations

import shlex
import subprocess

from packaging.metadata import InvalidMetadata, Metadata, RawMetadata, parse_email
from packaging.utils import canonicalize_name
from packaging.version import Version

from publish_checks._text import human_size, printable
from publish_checks.checks.context import Context
from publish_checks.checks.report import Finding, failed, from_problems, passed, warned
from publish_checks.dists import contents, readme
from publish_checks.dists.scan import COMPANION_SUFFIXES, Dist, Problems, normalized_stem

# What PyPI accepts as Metadata-Version (warehouse's forklift), newer than some packaging.
PYPI_METADATA_VERSIONS = ("1.0", "1.1", "1.2", "2.0", "2.1", "2.2", "2.3", "2.4", "2.5")


def _rebuild(ctx: Context) -> str:
    return f"rebuild with a current build backend: {ctx.steps.build}"


def _label(ctx: Context) -> str:
    return f"{ctx.project_name or 'this project'} {ctx.version or '(version unknown)'}"


def _nothing_to_look_at(ctx: Context) -> Finding | None:
    """The failure for a check run before the build has produced this release."""
    shown = ctx.shown(ctx.dists.directory)
    if not ctx.dists.exists:
        return failed(f"no {shown}/ yet: nothing to check",
                      f"build the dists: {ctx.steps.build}")
    if not ctx.release_dists():
        return failed(f"{shown}/ holds no sdist or wheel of {_label(ctx)}",
                      f"build them: {ctx.steps.build}")
    return None


def dists_present(ctx: Context) -> Finding:
    if (absent := _nothing_to_look_at(ctx)) is not None:
        return absent
    release = ctx.release_dists()
    sdists = [d.filename for d in release if d.kind == "sdist"]
    wheels = [d.filename for d in release if d.kind == "wheel"]
    if len(sdists) != 1 or not wheels:
        shown = ctx.shown(ctx.dists.directory)
        what = (f"{len(sdists)} sdist{'s' if len(sdists) > 1 else ''} ({', '.join(sdists)})"
                if sdists else "no sdist")
        what += f" and {len(wheels)} wheel{'s' if len(wheels) != 1 else ''}"
        return failed(f"{shown}/ holds {what} of {_label(ctx)}: a release needs one sdist "
                      "and at least one wheel",
                      f"{ctx.steps.build} (it cleans {shown}/ and builds both)")
    return passed(f"sdist {sdists[0]} and {len(wheels)} wheel{'s' if len(wheels) > 1 else ''}: "
                  f"{', '.join(wheels)}")


def dists_stale(ctx: Context) -> Finding:
    scan = ctx.dists
    shown = ctx.shown(scan.directory)
    if not scan.exists or not (scan.dists or scan.others or scan.companions):
        return failed(f"no {'files in ' if scan.exists else ''}{shown}/ yet: nothing to check",
                      f"build the dists: {ctx.steps.build}")
    ours = {d.filename for d in ctx.release_dists()}
    stale = [d.path for d in scan.dists if d.filename not in ours] + list(scan.others)
    stale += [c for c in scan.companions if _companion_of(c.name) not in ours]
    if stale:
        names = ", ".join(printable(p.name) for p in sorted(stale))
        rm = " ".join(shlex.quote(ctx.shown(p)) for p in sorted(stale))
        return failed(f"{shown}/ also holds {len(stale)} file{'s' if len(stale) > 1 else ''} "
                      f"that an upload of {shown}/* would send: {names}",
                      f"{ctx.steps.build} (it cleans {shown}/), or: rm {rm}")
    extra = f", {len(scan.companions)} signatures/attestations" if scan.companions else ""
    return passed(f"{shown}/ holds only {_label(ctx)} ({len(ours)} files{extra})")


def _companion_of(name: str) -> str:
    for suffix in COMPANION_SUFFIXES:
        if name.endswith(suffix):
            return name.removesuffix(suffix)
    return name


def dists_metadata(ctx: Context) -> Finding:
    if (absent := _nothing_to_look_at(ctx)) is not None:
        return absent
    problems = Problems()
    pending: list[tuple[Dist, str]] = []  # reST descriptions still to render
    for dist in ctx.release_dists():
        _filename_problems(ctx, dist, problems)
        parsed = _core_metadata(ctx, dist, problems)
        if parsed is None:
            continue
        raw, metadata = parsed
        _identity_problems(ctx, dist, raw, metadata, problems)
        rst = readme.description_problems(dist, raw, metadata, problems, ctx.steps.build)
        if rst is not None:
            pending.append((dist, rst))
    unchecked = readme.render_rst(ctx.rst_renderer, pending, problems, ctx.steps.build)
    count = len(ctx.release_dists())
    if problems or not unchecked:
        return from_problems(problems, f"{count} dists: normalized names, metadata of "
                             f"{_label(ctx)}, a long description that renders on PyPI")
    return warned(f"metadata is fine, but the reST long description was not rendered: "
                  f"{unchecked}",
                  f"{ctx.steps('verify')} renders it with readme_renderer in a tool environment")


def _filename_problems(ctx: Context, dist: Dist, problems: Problems) -> None:
    name = ctx.project_name or dist.name
    expected = normalized_stem(name, ctx.version or dist.version)
    if dist.kind == "sdist" and not dist.filename.endswith(".tar.gz"):
        problems.add(f"{dist.filename} is a .zip sdist; PyPI takes only .tar.gz (PEP 625)",
                     _rebuild(ctx))
    elif expected is not None and dist.stem != expected:
        spec = "PEP 625" if dist.kind == "sdist" else "the wheel spec"
        problems.add(f"{dist.filename} is not a normalized name ({spec} wants {expected}-…)",
                     _rebuild(ctx))


def _core_metadata(ctx: Context, dist: Dist,
                   problems: Problems) -> tuple[RawMetadata, Metadata] | None:
    inventory = ctx.inventory(dist)
    data = inventory.kept.get(dist.metadata_member)
    if data is None and inventory.error:
        problems.add(inventory.error, f"delete it and rebuild: {ctx.steps.build}")
        return None
    if data is None:
        problems.add(f"{dist.filename} has no {dist.metadata_member}", _rebuild(ctx))
        return None
    raw, _ = parse_email(data)
    # validate=False: fields are checked one by one below, so a Metadata-Version that PyPI
    # takes but this packaging release does not know (2.0, or newer) is not an error here.
    return raw, Metadata.from_raw(raw, validate=False)


def _identity_problems(ctx: Context, dist: Dist, raw: RawMetadata, metadata: Metadata,
                       problems: Problems) -> None:
    where = f"{dist.filename}'s metadata"
    raw_version = raw.get("metadata_version")
    if raw_version not in PYPI_METADATA_VERSIONS:
        problems.add(f"{where} has Metadata-Version {raw_version or '(none)'}, which PyPI "
                     f"does not accept ({', '.join(PYPI_METADATA_VERSIONS)})", _rebuild(ctx))
    try:
        name, version = metadata.name, metadata.version
    except InvalidMetadata as e:
        problems.add(f"{where}: {e}", _rebuild(ctx))
        return
    wanted = ctx.normalized_name or dist.name
    if canonicalize_name(name) != wanted:
        problems.add(f"{where} names project {name!r}, not {wanted!r}", _rebuild(ctx))
    try:
        expected = Version(ctx.version or dist.version)
    except ValueError:  # InvalidVersion, or a number past int's digit limit
        return  # version-file reports a bad declared version
    if version != expected:
        problems.add(f"{where} has version {version}, not {expected}",
                     f"{ctx.steps.build} (it rebuilds from the current version)")


def dists_contents(ctx: Context) -> Finding:
    if (absent := _nothing_to_look_at(ctx)) is not None:
        return absent
    problems = Problems()
    release = ctx.release_dists()
    packages: set[str] = set()
    done: list[str] = []
    for wheel in (d for d in release if d.kind == "wheel"):
        inventory = ctx.inventory(wheel)
        if inventory.error:
            problems.add(inventory.error, f"delete it and rebuild: {ctx.steps.build}")
            continue
        packages |= contents.top_level_packages(inventory.names, wheel.stem)
        contents.check_wheel(wheel, inventory, problems, ctx.steps.build)
        done.append(f"{wheel.filename} matches its RECORD")
    for sdist in (d for d in release if d.kind == "sdist"):
        inventory = ctx.inventory(sdist)
        if inventory.error:
            problems.add(inventory.error, f"delete it and rebuild: {ctx.steps.build}")
            continue
        tracked = _tracked_sources(ctx, packages)
        outcome = contents.check_sdist(sdist, inventory, tracked, problems, ctx.steps.build)
        done.append(f"{sdist.filename} {outcome}")
    return from_problems(problems, "; ".join(done))


def _tracked_sources(ctx: Context, packages: set[str]) -> list[str] | None:
    """The .py files git tracks in the wheel's top-level packages (or their src/ twins,
    or all of src/ when no wheel says which); None when git cannot tell."""
    if not ctx.is_git_repo:
        return None
    paths = [p for pkg in sorted(packages) for p in (pkg, f"src/{pkg}")] or ["src"]
    try:
        return [f for f in ctx.git.tracked_files(*paths) if f.endswith(".py")]
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
        return None


def dists_secrets(ctx: Context) -> Finding:
    if (absent := _nothing_to_look_at(ctx)) is not None:
        return absent
    problems = Problems()
    release = ctx.release_dists()
    leaked = False
    for dist in release:
        inventory = ctx.inventory(dist)
        if inventory.error:
            problems.add(inventory.error, f"delete it and rebuild: {ctx.steps.build}")
            continue
        # Never the secret itself: a finding names the member and what kind it holds.
        found = [(printable(item.name), item.secrets[0]) for item in inventory.files
                 if item.secrets]
        if found:
            leaked |= any(what.is_token for _, what in found)
            problems.add(f"{dist.filename}: "
                         f"{', '.join(f'{m} ({what.value})' for m, what in found)}",
                         "keep them out of the dists (exclude them in MANIFEST.in or the build "
                         f"backend's settings, or delete them), then {ctx.steps.build}")
    if leaked:
        host = ctx.target.token_host or "pypi.org"
        problems.hints.append(f"revoke that token at https://{host}/manage/account/token/ "
                              "if these files ever left this machine")
    return from_problems(problems, f"no credential files or tokens in {len(release)} dists")


def dists_size(ctx: Context) -> Finding:
    if (absent := _nothing_to_look_at(ctx)) is not None:
        return absent
    try:
        sizes = [(d, d.path.stat().st_size) for d in ctx.release_dists()]
    except OSError as e:
        return failed(f"cannot read {e.filename}: {e.strerror}",
                      f"rebuild: {ctx.steps.build}")
    listing = ", ".join(f"{d.filename} ({human_size(size)})" for d, size in sizes)
    limit = ctx.target.upload_limit
    if limit is None:
        return passed(f"{listing}; no upload limit is known for {ctx.target.name}")
    too_big = [f"{d.filename} is {human_size(size)}" for d, size in sizes if size > limit]
    if too_big:
        host = ctx.target.token_host or "the index"
        return failed(f"{', '.join(too_big)}: over {host}'s {limit // 2**20} MiB limit",
                      "leave large data out of the dists, or ask for a larger limit: "
                      "https://pypi.org/help/#file-size-limit")
    return passed(f"{listing}; all under the {limit // 2**20} MiB limit")

"""dists-*: dist/ holds exactly this release, well-formed, complete and free of secrets."""

from __future__ import annotations

import json
import shlex
from dataclasses import replace

from publish_checks._text import human_size, listing, printable
from publish_checks.checks.context import Context, InstallTrial
from publish_checks.checks.guards import failed_build
from publish_checks.checks.report import (
    Finding,
    Status,
    failed,
    from_problems,
    passed,
    skipped,
    warned,
)
from publish_checks.checks.version import untagged
from publish_checks.dists import (
    archive_rules,
    attestations,
    completeness,
    contents,
    entrypoints,
    freshness,
    readme,
    traced,
    verdicts,
)
from publish_checks.dists import metadata as pypi
from publish_checks.dists.archive_rules import Fix
from publish_checks.dists.scan import COMPANION_SUFFIXES, Dist, Problems, is_attestation
from publish_checks.project.trusted import plan_signing


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
    # A matrix of platform wheels can be dozens: the upload plan lists every file.
    return passed(f"sdist {sdists[0]} and {len(wheels)} wheel{'s' if len(wheels) > 1 else ''}: "
                  f"{listing(wheels, 8)}")


def dists_stale(ctx: Context) -> Finding:
    """dist/ holds only this release, built from HEAD by a build that succeeded."""
    last_build = failed_build(ctx)
    if last_build is not None and last_build.status is Status.FAIL:
        return last_build
    finding = _stale(ctx)
    if last_build is not None and finding.status is not Status.FAIL:
        return last_build  # the warning: dist/ changed by hand since that build failed
    return finding


def _stale(ctx: Context) -> Finding:
    scan = ctx.dists
    shown = ctx.shown(scan.directory)
    if not scan.exists or not (scan.dists or scan.others or scan.companions):
        return failed(f"no {'files in ' if scan.exists else ''}{shown}/ yet: nothing to check",
                      f"build the dists: {ctx.steps.build}")
    ours = {d.filename for d in ctx.release_dists()}
    stale = [d.path for d in scan.dists if d.filename not in ours] + list(scan.others)
    stale += [c for c in scan.companions if _companion_of(c.name, ours) not in ours]
    if stale:
        names = ", ".join(printable(p.name) for p in sorted(stale))
        rm = " ".join(shlex.quote(ctx.shown(p)) for p in sorted(stale))
        return failed(f"{shown}/ also holds {len(stale)} file{'s' if len(stale) > 1 else ''} "
                      f"that an upload of {shown}/* would send: {names}",
                      f"{ctx.steps.build} (it cleans {shown}/), or: rm {rm}")
    extra = f", {len(scan.companions)} signatures/attestations" if scan.companions else ""
    sdists = [ctx.inventory(d) for d in ctx.release_dists() if d.kind == "sdist"]
    changed = (freshness.outdated([i for i in sdists if not i.error], ctx.git, ctx.layout,
                                  ctx.root) if sdists and ctx.is_git_repo else None)
    if changed is not None and changed.paths:
        many = len(changed.paths) > 1
        return failed(f"the sdist was not built from HEAD: {len(changed.paths)} git-tracked "
                      f"file{'s' if many else ''} in it {'differ' if many else 'differs'} from "
                      f"the last commit: {listing([printable(p) for p in changed.paths], 5)}",
                      ("commit your changes (git-clean lists them), then rebuild: "
                       if changed.uncommitted else "rebuild from this commit: ")
                      + ctx.steps.build)
    if changed is not None and not changed.compared:
        return warned(f"{shown}/ holds only {_label(ctx)}, but its sdist holds none of the "
                      "files of the last commit: whether it was built from HEAD was not "
                      "checked", f"rebuild from this commit: {ctx.steps.build}")
    said = (", built from HEAD" if changed is not None
            else "; not compared with git" if sdists else "")
    return passed(f"{shown}/ holds only {_label(ctx)} ({len(ours)} files{extra}){said}")


def _companion_of(name: str, ours: set[str]) -> str:
    """The dist a signature or attestation goes with (twine pairs an attestation of any
    kind with each dist its name starts with)."""
    if is_attestation(name):
        return next((dist for dist in ours if name.startswith(dist + ".")), name)
    for suffix in COMPANION_SUFFIXES:
        if name.endswith(suffix):
            return name.removesuffix(suffix)
    return name


def dists_metadata(ctx: Context) -> Finding:
    if (absent := _nothing_to_look_at(ctx)) is not None:
        return absent
    problems = Problems()
    release = ctx.release_dists()
    uploads = [(dist, _upload(ctx, dist, problems)) for dist in release]
    # Each reason PyPI would give, with the files it would refuse for it.
    refused: dict[pypi.Refusal, list[str]] = {}
    for dist, upload in uploads:
        for refusal in pypi.refusals(dist, upload, ctx.project_name or dist.name,
                                     ctx.version or dist.version):
            refused.setdefault(refusal, []).append(dist.filename)
    no_release = untagged(ctx)  # a version from git tags: the fix is a tag, not an edit
    for refusal, files in refused.items():
        named = len(files) == 1 and files[0] in refusal.message
        hint = refusal.hint.replace(pypi.BUILD, ctx.steps.build)
        if refusal.hint == pypi.PUBLIC_VERSION and no_release is not None:
            hint = f"{no_release[0]}; {no_release[1]}"
        # Metadata and names come from anyone: control characters are shown escaped.
        problems.add(printable(refusal.message if named
                               else f"{', '.join(files)}: {refusal.message}"),
                     printable(hint))
    pending = [rst for dist, upload in uploads if upload is not None
               and (rst := readme.description_problems(dist, upload.raw, upload.metadata,
                                                       problems, ctx.steps.build))]
    if unchecked := readme.render_rst(ctx.rst_renderer, pending, problems, ctx.steps.build):
        problems.warn(f"the reST long description was not rendered: {unchecked}",
                      f"{ctx.steps('verify')} renders it with readme_renderer in a tool "
                      "environment")
    return from_problems(problems, f"{len(release)} dist{'s' if len(release) > 1 else ''}: "
                         "names and metadata of "
                         f"{_label(ctx)} as PyPI takes them, a long description that renders "
                         "on PyPI")


def _upload(ctx: Context, dist: Dist, problems: Problems) -> pypi.Upload | None:
    """The file's core metadata as an upload sends it; None (and why) when it has none."""
    inventory = ctx.inventory(dist)
    data = inventory.kept.get(dist.metadata_member)
    if data is None and inventory.error:
        problems.add(inventory.error, f"delete it and rebuild: {ctx.steps.build}")
        return None
    if data is None:
        problems.add(f"{dist.filename} has no {dist.metadata_member}", _rebuild(ctx))
        return None
    return pypi.Upload.parse(dist, data, inventory.names)


def dists_archive(ctx: Context) -> Finding:
    if (absent := _nothing_to_look_at(ctx)) is not None:
        return absent
    problems = Problems()
    release = ctx.release_dists()
    for dist in release:
        for refusal in archive_rules.refusals(dist, ctx.inventory(dist)):
            # Names inside archives come from anyone: control characters are shown escaped.
            problems.add(printable(refusal.problem), _archive_fix(ctx, refusal.fix))
    return from_problems(problems, f"{len(release)} dists open as PyPI opens them: plain zips "
                         "and gzip tarballs holding the files it requires, no decompression "
                         "bomb, no obfuscated code")


def _archive_fix(ctx: Context, fix: archive_rules.Fix) -> str:
    build = ctx.steps.build
    return {
        Fix.REBUILD: "rebuild with a current build backend, and leave the files as it wrote "
                     f"them: {build}",
        Fix.LICENSE_FILES: "list license files that exist ([project] license-files) and "
                           "build with a backend that supports PEP 639 (setuptools 77 or "
                           f"later, a current hatchling or flit-core): {build}",
        Fix.ENTRY_POINTS: "fix [project.scripts], [project.gui-scripts] and "
                          "[project.entry-points] in pyproject.toml (script names of letters, "
                          f"digits, '.', '-' and '_', each once), then {build}",
        Fix.SHRINK: "leave the large, highly compressible data out of the dists (ship it "
                    f"compressed, or generate or download it at run time), then {build}",
        Fix.PLAIN_SOURCE: "PyPI's acceptable use policy forbids obfuscated code "
                          "(https://pypi.org/policy/acceptable-use-policy/): ship the plain "
                          f"source, then {build}",
        Fix.SDIST_MEMBERS: "keep special files, links that point outside the project and "
                           "paths with '..' out of the sdist (MANIFEST.in, or the build "
                           f"backend's sdist excludes), then {build}",
    }[fix]


def dists_attestations(ctx: Context) -> Finding:
    found = [p for p in ctx.dists.companions if is_attestation(p.name)]
    where = ctx.shown(ctx.dists.directory)
    if not ctx.attestations:
        kept = (f"; the {len(found)} attestation file(s) in {where}/ are not uploaded"
                if found else "")
        return skipped(f"--no-attestations: nothing is signed{kept}")
    token = ctx.token_lookup.token
    signing = plan_signing(ctx.environ, ctx.target.token_host, token=token is not None,
                           enabled=True)
    if not found and not signing.will_sign:
        return skipped(f"no attestations in {where}/, and none will be made: {signing.reason}")
    if (absent := _nothing_to_look_at(ctx)) is not None:
        return absent
    release = ctx.release_dists()
    paired, unpaired = attestations.pair(found, ctx.dists.dists)
    problems = Problems()
    for path in unpaired:  # twine pairs it with no file and drops it; dists-stale fails on it
        problems.warn(f"{printable(path.name)} names no dist in {where}/: it goes with no "
                      "file and is not uploaded", f"delete it: rm {shlex.quote(ctx.shown(path))}")
    for dist in release:  # the sha256 the upload plan uses too (hashed once per run)
        for problem in attestations.refusals(dist, paired[dist.filename],
                                             ctx.dists.sha256(dist.path)):
            problems.add(problem, "delete the attestations that do not belong to these files "
                         "and sign again: publish signs in trusted-publishing CI, and "
                         "pypi-attestations sign <file> writes <file>.publish.attestation")
    bare = [d.filename for d in release if not paired[d.filename]]
    if found and bare and not signing.will_sign:
        problems.add(f"{listing(bare, 5)} {'have' if len(bare) > 1 else 'has'} no attestation "
                     f"while other files do: twine refuses that upload (\"Upload with "
                     f"attestations requested, but {bare[0]} has no associated "
                     "attestations\")",
                     "sign every file (publish does in trusted-publishing CI), or delete the "
                     f"attestations ({where}/*.attestation) or pass --no-attestations")
    if found and token is not None and ctx.target.token_host:
        problems.add(f"{len(found)} attestation(s) would go with an API token "
                     f"({token.variable} from {token.origin}): PyPI accepts attestations "
                     "only with Trusted Publishing (\"Attestations are only supported when "
                     "using Trusted Publishing\")",
                     f"in CI drop {token.variable} and publish with trusted publishing; else "
                     f"delete the attestations ({where}/*.attestation) or pass "
                     "--no-attestations")
    if found and ctx.target.token_host is None:
        problems.warn(f"{ctx.target.host} is not PyPI: twine sends the {len(found)} "
                      "attestation(s) there, but \"Only PyPI and TestPyPI support "
                      "attestations\" (twine)",
                      "pass --no-attestations if the index refuses them")
    signs = (f"; publish signs {len(bare)} file(s) in {signing.provider} (pypi-attestations) "
             "and uploads every attestation with --attestations"
             if signing.will_sign and bare else "")
    what = (f"{len(found)} attestation(s) cover {len(release) - len(bare)} of {len(release)} "
            "files, each naming its file and sha256 (structure and statement checked; the "
            "Sigstore signature is verified by the index on upload)" if found
            else f"no attestations in {where}/ yet")
    return from_problems(problems, what + signs)


def dists_contents(ctx: Context) -> Finding:
    if (absent := _nothing_to_look_at(ctx)) is not None:
        return absent
    problems = Problems()
    release = ctx.release_dists()
    build, exclude = ctx.steps.build, ctx.config.wheel_exclude
    tracked = completeness.tracked_files(ctx.git) if ctx.is_git_repo else None
    files = traced.ProjectFiles(tracked, ctx.layout) if tracked is not None else None
    sources: dict[str, str] = {}  # every wheel's files: path in the wheel → in the project
    wheels: dict[str, str] = {}  # file name → what was found, without the name
    said_nothing = False  # a wheel warned that nothing in it was compared: once is enough
    for wheel in (d for d in release if d.kind == "wheel"):
        inventory = ctx.inventory(wheel)
        if inventory.error:
            problems.add(inventory.error, f"delete it and rebuild: {build}")
            continue
        contents.check_wheel(wheel, inventory, problems, build)
        said = "matches its RECORD"
        if files is not None:
            found = files.trace(traced.wheel_units(inventory.names, wheel.stem))
            sources.update(found.files)
            warnings = len(problems.warnings)
            said += ", " + completeness.check_wheel_files(wheel, inventory.names, found,
                                                          exclude, problems, build)
            said_nothing |= len(problems.warnings) > warnings
        points = entrypoints.check_entry_points(
            wheel, inventory, contents.library_roots(wheel.stem), problems, build)
        plural = "s" if points > 1 else ""
        wheels[wheel.filename] = said + (f", checked {points} entry point{plural}"
                                         if points else "")
    # A matrix of platform wheels usually says the same of each: once, not once per wheel.
    done = ([f"each of the {len(wheels)} wheels {next(iter(wheels.values()))}"]
            if len(wheels) > 1 and len(set(wheels.values())) == 1
            else [f"{name} {said}" for name, said in wheels.items()])
    for sdist in (d for d in release if d.kind == "sdist"):
        inventory = ctx.inventory(sdist)
        if inventory.error:
            problems.add(inventory.error, f"delete it and rebuild: {build}")
            continue
        contents.check_sdist(sdist, inventory, problems, build)
        needed = completeness.project_files(ctx.root, ctx.layout, tracked,
                                            inventory.kept.get(sdist.metadata_member))
        outcome = completeness.check_sdist_files(
            sdist, inventory.names,
            completeness.sdist_sources(files, sources, exclude) if files is not None else None,
            needed, problems, build, warn_empty=not said_nothing)
        done.append(f"{sdist.filename} {outcome}")
    return from_problems(problems, "; ".join(done))


def dists_secrets(ctx: Context) -> Finding:
    if (absent := _nothing_to_look_at(ctx)) is not None:
        return absent
    problems = Problems()
    release = ctx.release_dists()
    read = []
    for dist in release:
        inventory = ctx.inventory(dist)
        if inventory.error:
            problems.add(inventory.error, f"delete it and rebuild: {ctx.steps.build}")
        else:
            read.append((dist, inventory))
    # Never the secret itself: a finding names the member and what kind it holds.
    outcome = verdicts.report(read, ctx.config.secrets_allow, ctx.layout, problems,
                              credentials_file=ctx.config.credentials_file,
                              build=ctx.steps.build)
    if outcome.leaked:
        host = ctx.target.token_host or "pypi.org"
        problems.hints.append(f"revoke that token at https://{host}/manage/account/token/ "
                              "if these files ever left this machine")
    if outcome.keys:
        problems.hints.append(f"rotate {', '.join(sorted(k.value for k in outcome.keys))} "
                              "where it was issued if these files ever left this machine")
    finding = from_problems(problems, f"no credential files or tokens in {len(release)} dists")
    if not outcome.allowed:
        return finding
    return replace(finding, summary=f"{finding.summary}; allowed by secrets-allow: "
                                    f"{outcome.allowed}")


def dists_size(ctx: Context) -> Finding:
    if (absent := _nothing_to_look_at(ctx)) is not None:
        return absent
    try:
        sizes = [(d, d.path.stat().st_size) for d in ctx.release_dists()]
    except OSError as e:
        return failed(f"cannot read {e.filename}: {e.strerror}",
                      f"rebuild: {ctx.steps.build}")
    listing = ", ".join(f"{d.filename} ({human_size(size)})" for d, size in sizes)
    # upload-limit: the limit PyPI (or another index) raised for this project.
    limit = ctx.config.upload_limit or ctx.target.upload_limit
    if limit is None:
        return passed(f"{listing}; no upload limit is known for {ctx.target.name}")
    shown = f"{limit / 2**20:g} MiB"
    too_big = [f"{d.filename} is {human_size(size)}" for d, size in sizes if size > limit]
    if too_big:
        host = ctx.target.token_host or "the index"
        whose = "upload-limit" if ctx.config.upload_limit else f"{host}'s"
        return failed(f"{', '.join(too_big)}: over {whose} {shown} limit",
                      "leave large data out of the dists, or ask for a larger limit "
                      "(https://pypi.org/help/#file-size-limit) and set upload-limit in "
                      "[tool.publish-checks] to it")
    return passed(f"{listing}; all under the {shown} limit")


def dists_install(ctx: Context) -> Finding:
    if (absent := _nothing_to_look_at(ctx)) is not None:
        return absent
    if ctx.installer is None:
        return skipped("this run cannot make virtualenvs (the nox sessions and the "
                       "publish-checks command can)")
    trial = ctx.installer([d.path for d in ctx.release_dists()])
    if not trial.problem:
        notes, hints = _install_notes(trial)
        if notes:
            return warned(f"{trial.file} installs into a fresh virtualenv: {trial.tried}; "
                          + "; ".join(notes), "; ".join(hints))
        return passed(f"{trial.file} installs into a fresh virtualenv: {trial.tried}")
    ending = "".join(f"\n  {line}" for line in trial.tail.splitlines())
    ending = f"\nthe error ends:{ending}" if ending else ""
    if not trial.installed:
        return failed(trial.problem,
                      "the release and its dependencies must install from your usual indexes: "
                      f"fix what the installer says, then {ctx.steps.build} (on a machine "
                      f"that cannot reach them: --skip dists-install){ending}")
    return failed(f"{trial.file} installs, but {trial.problem}",
                  "put every file and module the code needs into the wheel (package data, "
                  "modules an exclude left out, the function each entry point names), then "
                  f"{ctx.steps.build}; a module that must not be imported here goes in "
                  f"smoke-skip-modules{ending}")


def _install_notes(trial: InstallTrial) -> tuple[list[str], list[str]]:
    """What a working release's smoke test could not try, and what to do about it: what
    needs an uninstalled module (an extra), modules users do not import here (private
    ones that raise by themselves, ones guarded for another platform), and optional modules
    the release's own code imports under try/except ImportError."""
    notes, hints = [], []
    if trial.optional:
        things = "1 thing needs" if len(trial.optional) == 1 else \
            f"{len(trial.optional)} things need"
        notes.append(f"{things} what it does not install: {listing(list(trial.optional))}")
        hints.append("if these need an extra, that is fine (pip install 'name[extra]'); "
                     "otherwise declare the dependency, or list the module in "
                     "smoke-skip-modules")
    where = trial.platform or "this platform"
    others = [u for u in trial.unimportable if not u.guarded_by]
    if others:
        one = len(others) == 1
        notes.append(f"{'1 module' if one else f'{len(others)} modules'} users do "
                     f"not import on {where} {'raises' if one else 'raise'} on import: "
                     f"{listing([str(u) for u in others])}")
        hints.append(f"users do not import a private module, nor one guarded for another "
                     f"platform, on {where}: the release works; if {'it' if one else 'one'} "
                     f"should import there, fix it")
    optional = [u for u in trial.unimportable if u.guarded_by]
    if optional:
        one = len(optional) == 1
        notes.append(f"{'1 optional module' if one else f'{len(optional)} optional modules'} "
                     f"{'does' if one else 'do'} not import on {where}, and the release's own "
                     f"code goes on without {'it' if one else 'them'}: "
                     f"{listing([str(u) for u in optional])}")
        hints.append(f"the release works without {listing([u.module for u in optional])}; if "
                     f"{'it' if one else 'one'} should work in this wheel (an accelerator whose"
                     " C library was not there when the wheel was built), build where what it "
                     "needs is installed")
    if trial.unimportable:
        one = len(trial.unimportable) == 1
        hints.append(f"to stop trying {'it' if one else 'them'}, set smoke-skip-modules = "
                     f"{json.dumps([u.module for u in trial.unimportable])} in "
                     "[tool.publish-checks]")
    return notes, hints

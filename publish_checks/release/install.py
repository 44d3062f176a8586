"""Installing a release into a fresh virtualenv and smoke-testing it: before the upload
from dist/ (the dists-install check, through :func:`release_installer`), and after it from
the index it went to (the install proof, :func:`prove_installable`)."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.tags import sys_tags
from packaging.utils import (
    InvalidWheelFilename,
    NormalizedName,
    canonicalize_name,
    parse_wheel_filename,
)

from publish_checks._errors import ReleaseError
from publish_checks.checks.context import Context, Installer, InstallTrial
from publish_checks.dists.snapshot import IndexQueryError, Snapshot
from publish_checks.project.children import Role
from publish_checks.release.optional_imports import (
    Guard,
    installed_optional_imports,
    wheel_optional_imports,
)
from publish_checks.release.plan import Plan
from publish_checks.release.process import find_uv, tail, venv_python
from publish_checks.release.runner import Runner, bin_path
from publish_checks.release.smoke import (
    importable_modules,
    installed_paths,
    installed_record,
    module_paths,
    smoke_test,
    wheel_paths,
)

FIX_RELEASED = ("the files are on the index; fix the package, bump the version and release "
                "again (an index never takes a filename twice)")


def identity(path: Path) -> tuple[NormalizedName, str]:
    """The normalized project name and the version a release file's name gives."""
    if path.name.endswith(".whl"):
        try:
            parsed = parse_wheel_filename(path.name)
        except InvalidWheelFilename:
            first, _, rest = path.name.partition("-")
            return canonicalize_name(first), rest.split("-")[0]
        return parsed[0], str(parsed[1])
    name, _, version = path.name.removesuffix(".tar.gz").removesuffix(".zip").rpartition("-")
    return canonicalize_name(name), version


def installable(files: Sequence[Path]) -> list[Path]:
    """What to install on this interpreter: of a matrix of platform wheels, the one whose
    best tag comes first in ``sys_tags()`` (most specific first, as pip ranks them), else
    the sdist."""
    ranking = {tag: i for i, tag in enumerate(sys_tags())}
    best: tuple[int, str, Path] | None = None
    for path in files:
        if not path.name.endswith(".whl"):
            continue
        try:
            tags = parse_wheel_filename(path.name)[3]
        except InvalidWheelFilename:
            continue
        ranks = [ranking[t] for t in tags if t in ranking]
        # Ties (the same best tag) go to the name: the choice never depends on listing order.
        if ranks and (best is None or (min(ranks), path.name) < best[:2]):
            best = (min(ranks), path.name, path)
    if best is not None:
        return [best[2]]
    return [p for p in files if p.name.endswith((".tar.gz", ".zip"))][:1]


def fetch_from_index(snapshot: Snapshot, plan: Plan, dest: Path) -> list[Path]:
    """Download the release's files by their URLs in ``snapshot`` (the target's simple page,
    as the wait after the upload read it), each checked against the sha256 that was
    uploaded. The user's pip configuration (extra indexes, find-links) never gets a say in
    which files these are."""
    try:
        fetched = []
        for planned in plan.files:
            entry = snapshot.files.get(planned.dist.filename)
            if entry is None:
                raise ReleaseError(f"{snapshot.index_url} does not list "
                                   f"{planned.dist.filename}",
                                   "look at the index in a minute and publish again")
            fetched.append(snapshot.download(entry, dest, expected_sha256=planned.sha256,
                                             size_limit=planned.size))
    except IndexQueryError as e:
        raise ReleaseError(e.message, e.hint) from None
    return fetched


@dataclass(frozen=True)
class Trial:
    """What installing and smoke-testing a release needs of the project: the environment
    of the installer, the release and its commands (no upload secret: Role.SMOKE), and
    the smoke test's settings."""

    env: Mapping[str, str]
    skip_modules: tuple[str, ...] = ()  # smoke-skip-modules
    commands: tuple[tuple[str, ...], ...] = ()  # smoke-test


def trial_of(ctx: Context) -> Trial:
    return Trial(ctx.child_env(Role.SMOKE), ctx.config.smoke_skip_modules,
                 ctx.config.smoke_tests)


def try_release(runner: Runner, trial: Trial, files: Sequence[Path],
                label: str) -> InstallTrial:
    """Install ``files`` (the one that fits) into a fresh virtualenv, dependencies from the
    user's usual indexes, and run the smoke test there: what happened, failures included."""
    chosen = installable(files)
    if not chosen:
        return InstallTrial("", installed=False,
                            problem=f"no file of {label} installs on this interpreter")
    file = chosen[0]
    project = identity(file)[0]
    # The interpreter of a tool environment (under nox: the session's Python) makes the venv.
    base = bin_path(runner.provide(["pip"]), "python")
    env = dict(trial.env)  # the installer, the release and its commands
    with tempfile.TemporaryDirectory(prefix="publish-checks-install-") as tmp:
        work = Path(tmp)
        venv = work / "venv"
        python = venv_python(venv)
        runner.log(f"Installing {label} ({file.name}) into a fresh virtualenv")
        if (uv := find_uv()) is not None:
            # --refresh-package: a rebuilt file of the same name must not come from uv's cache.
            steps = [[uv, "venv", "--quiet", "--python", base, str(venv)],
                     [uv, "pip", "install", "--quiet", "--python", str(python),
                      "--refresh-package", project, str(file)]]
        else:
            steps = [[base, "-m", "venv", str(venv)],
                     [str(python), "-m", "pip", "install", "--quiet", "--no-cache-dir",
                      "--disable-pip-version-check", str(file)]]
        for argv in steps:
            done = runner.run(argv, env=env, cwd=work)
            if done.code != 0:
                return InstallTrial(file.name, installed=False,
                                    problem=f"installing {label} failed (exit status "
                                            f"{done.code})", tail=tail(done.output))
        try:
            paths, optional = _modules_of(file, venv, project)
        except (OSError, zipfile.BadZipFile):
            paths, optional = None, {}
        if paths is None:
            return InstallTrial(file.name, installed=True,
                                problem=f"{file.name} installed, but the list of the files "
                                        f"it installed (its RECORD) could not be read")
        smoke = smoke_test(runner, python, project=project,
                           modules=importable_modules(paths, trial.skip_modules),
                           commands=trial.commands, env=env, work=work,
                           optional=optional)
    return InstallTrial(file.name, installed=True, problem=smoke.problem, tail=smoke.tail,
                        tried=smoke.tried, output=smoke.output, optional=smoke.optional,
                        unimportable=smoke.unimportable, platform=smoke.platform)


def _modules_of(file: Path, venv: Path, project: NormalizedName
                ) -> tuple[list[str] | None, dict[str, Guard]]:
    """The paths the release installed (from the wheel, else from the RECORD the sdist's
    install wrote; None if unreadable), and the modules its code imports only under a guard."""
    if file.name.endswith(".whl"):
        listed = wheel_paths(file)
        return listed, wheel_optional_imports(file, module_paths(listed))
    record = installed_record(venv, project)
    paths = installed_paths(venv, project)
    if record is None or paths is None:
        return None, {}
    return paths, installed_optional_imports(record.parent.parent, module_paths(paths))


def prove_installable(runner: Runner, setup: Trial, files: Sequence[Path], label: str) -> str:
    """The install proof: :func:`try_release`, a ReleaseError if anything failed; returns
    what the configured smoke-test commands printed."""
    trial = try_release(runner, setup, files, label)
    if trial.problem:
        raise ReleaseError(trial.problem + (f"\n{trial.tail}" if trial.tail else ""),
                           FIX_RELEASED)
    runner.log(f"Smoke test: {trial.tried}")
    if trial.optional:
        runner.log(f"Not tried, they need what the release does not install: "
                   f"{', '.join(trial.optional)}")
    if trial.unimportable:
        runner.log(f"Not importable on {trial.platform or 'this platform'}, and not what users "
                   f"import here: {', '.join(map(str, trial.unimportable))}")
    return trial.output


def release_installer(runner: Runner, ctx: Context) -> Installer:
    """What dists-install calls: :func:`try_release` on the files in dist/. Files already
    tried in this run (a rehearsal checks after building and again before uploading) are
    not installed twice."""
    tried: dict[tuple[tuple[str, int, int], ...], InstallTrial] = {}
    setup = trial_of(ctx)

    def install(files: Sequence[Path]) -> InstallTrial:
        try:
            key = tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files)
        except OSError:
            key = ()
        if not key or key not in tried:
            chosen = installable(files)
            name, version = identity(chosen[0]) if chosen else ("the release", "")
            trial = try_release(runner, setup, files,
                                f"{name}=={version}" if version else name)
            if key:
                tried[key] = trial
            return trial
        return tried[key]

    return install

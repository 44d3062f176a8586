"""Installing a release into a fresh virtualenv and smoke-testing it: before the upload
from dist/ (the dists-install check, through :func:`release_installer`), and after it from
the index it went to (the install proof, :func:`prove_installable`)."""

from __future__ import annotations

import contextlib
import threading
import zipfile
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from packaging.tags import sys_tags
from packaging.utils import (
    InvalidWheelFilename,
    NormalizedName,
    canonicalize_name,
    parse_wheel_filename,
)

from publish_checks._errors import ReleaseError
from publish_checks.checks.context import Context, InstallTrial
from publish_checks.checks.registry import Need, ids_where
from publish_checks.dists.snapshot import IndexQueryError, Snapshot
from publish_checks.project.children import Role
from publish_checks.release.fresh import Fresh, base_python, fresh_virtualenv
from publish_checks.release.optional_imports import (
    Guard,
    installed_optional_imports,
    wheel_optional_imports,
)
from publish_checks.release.plan import Plan
from publish_checks.release.process import Ahead, Completed, find_uv, tail
from publish_checks.release.runner import Runner
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


def try_release(runner: Runner, trial: Trial, files: Sequence[Path], label: str, *,
                base: str | None = None, fresh: Fresh | None = None,
                sha256s: Mapping[Path, str] | None = None) -> InstallTrial:
    """Install ``files`` (the one that fits) into a fresh virtualenv, dependencies from the
    user's usual indexes, and run the smoke test there: what happened, failures included.
    ``base``: the interpreter that makes the virtualenv, when already provided; ``fresh``:
    the virtualenv, when made ahead (its folder is then the caller's to remove);
    ``sha256s``: the files' digests, when known already (not read again)."""
    chosen = installable(files)
    if not chosen:
        return InstallTrial("", installed=False,
                            problem=f"no file of {label} installs on this interpreter")
    file = chosen[0]
    project = identity(file)[0]
    env = dict(trial.env)  # the installer, the release and its commands
    with contextlib.ExitStack() as stack:
        runner.log(f"Installing {label} ({file.name}) into a fresh virtualenv")
        if fresh is None:
            fresh = stack.enter_context(
                fresh_virtualenv(runner, base or base_python(runner), env, find_uv()))
        work, venv, python = fresh.work, fresh.venv, fresh.python
        done = fresh.made
        if done.code == 0:
            try:
                staged = fresh.staged(file, (sha256s or {}).get(file))
            except OSError as e:
                return InstallTrial(file.name, installed=False,
                                    problem=f"{file.name} could not be copied into the "
                                            f"virtualenv's folder: {e.strerror or e}")
            done = runner.run(fresh.install_argv(staged), env=env, cwd=work)
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


def prove_installable(runner: Runner, setup: Trial, files: Sequence[Path], label: str, *,
                      fresh: Fresh | None = None,
                      sha256s: Mapping[Path, str] | None = None) -> str:
    """The install proof: :func:`try_release` (into ``fresh`` when it was made ahead), a
    ReleaseError if anything failed; returns what the configured smoke-test commands
    printed."""
    trial = try_release(runner, setup, files, label, fresh=fresh, sha256s=sha256s)
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


#: The checks that install the release (what a trial begun ahead is for).
INSTALL_CHECKS = ids_where(lambda needs: Need.INSTALL in needs)


def to_install(ctx: Context, skipped: Collection[str]) -> list[Path]:
    """The files the install check will try, read now (before a trial's thread starts);
    none when it will not run (skipped, not asked for, nothing built: it says why)."""
    if not ctx.install_release or any(cid in skipped for cid in INSTALL_CHECKS):
        return []
    try:
        return [d.path for d in ctx.release_dists()] if ctx.dists.exists else []
    except Exception:  # the check meets it again, and reports it as its crash
        return []


def release_installer(runner: Runner, ctx: Context) -> ReleaseInstaller:
    """What dists-install calls: :func:`try_release` on the files in dist/."""
    return ReleaseInstaller(runner, trial_of(ctx))


_Key = tuple[tuple[str, int, int], ...]


class ReleaseInstaller:
    """An :data:`~publish_checks.checks.context.Installer`: :func:`try_release` on the
    files given. Files already tried in this run (a rehearsal checks after building and
    again before uploading) are not installed twice, nor files changed since (their size or
    time is part of what was tried). :meth:`begin` starts a trial ahead, in a thread of its
    own, so that its waits for the installer overlap the other checks."""

    def __init__(self, runner: Runner, setup: Trial) -> None:
        self._runner, self._setup = runner, setup
        self._tried: dict[_Key, InstallTrial] = {}
        self._ahead: dict[_Key, Ahead[InstallTrial]] = {}
        self._stopped = threading.Event()

    def begin(self, files: Sequence[Path]) -> None:
        """Start the trial of ``files`` now; the call with them takes its result. Only
        child processes and their files are touched from the thread (the interpreter that
        makes the virtualenv is provided here, before it starts)."""
        key = _key(files)
        if not key or key in self._tried or key in self._ahead:
            return
        base = base_python(self._runner) if installable(files) else None
        runner = cast(Runner, _Stoppable(self._runner, self._stopped))
        setup, label = self._setup, _label(files)
        self._ahead[key] = Ahead(lambda: try_release(runner, setup, files, label, base=base))

    def settle(self, *, stop: bool = False) -> None:
        """Wait for the trials begun (their results kept): no child outlives the checks.
        ``stop`` (the checks were interrupted): they start no other command."""
        if stop:
            self._stopped.set()
        for ahead in self._ahead.values():
            ahead.wait()

    def __call__(self, files: Sequence[Path]) -> InstallTrial:
        key = _key(files)
        if key and key in self._tried:
            return self._tried[key]
        ahead = self._ahead.pop(key, None) if key else None
        trial = ahead.result() if ahead is not None else \
            try_release(self._runner, self._setup, files, _label(files))
        if key:
            self._tried[key] = trial
        return trial


class _Stoppable:
    """``runner`` for a trial's thread: once ``stopped`` is set, a command it would start
    is not started (the Ctrl-C that set it reached the one running)."""

    def __init__(self, runner: Runner, stopped: threading.Event) -> None:
        self._runner, self._stopped = runner, stopped

    def __getattr__(self, name: str) -> Any:
        return getattr(self._runner, name)

    def run(self, argv: Sequence[str], **options: Any) -> Completed:
        if self._stopped.is_set():
            return Completed(130, "interrupted: not started\n")
        return self._runner.run(argv, **options)


def _key(files: Sequence[Path]) -> _Key:
    try:
        return tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files)
    except OSError:
        return ()


def _label(files: Sequence[Path]) -> str:
    chosen = installable(files)
    name, version = identity(chosen[0]) if chosen else ("the release", "")
    return f"{name}=={version}" if version else name

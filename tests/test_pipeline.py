"""The release pipeline (publish_checks/release/pipeline.py) driven by a fake runner.

The fake stands in for the tools only (build, twine, uv/pip, the smoke script and commands):
a build writes a release into its --outdir, an upload copies the named files into a real
pypiserver's folder, as an upload does, and the smoke script answers for each module it is
given. The index (its listing, the wait for it, the downloads) and git (tag, push to a bare
remote) are real.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from secrets import token_hex

import pytest
from nox.command import CommandFailed

from publish_checks._errors import ReleaseError
from publish_checks._text import CLI_STEPS, NOX_STEPS, Steps
from publish_checks.checks.context import Context
from publish_checks.checks.report import Report, Status
from publish_checks.dists.failed_build import write_marker
from publish_checks.release import install
from publish_checks.release import tag as tagging
from publish_checks.release.build import BUILD_FAILED
from publish_checks.release.install import FIX_RELEASED
from publish_checks.release.pipeline import (
    ChecksFailed,
    Flags,
    build,
    open_project,
    publish,
    verify,
)
from publish_checks.release.process import STEP_TIMEOUT, Completed, venv_python
from publish_checks.release.smoke import SMOKE_SCRIPT, SMOKE_TIMEOUT
from publish_checks.release.uploaders.twine import TWINE
from publish_checks.release.uploaders.uv import UV
from tests.builders import SampleProject
from tests.distbuilders import make_release, make_sdist, make_wheel
from tests.faultproxy import Faults, fault_proxy
from tests.linkserver import link_server
from tests.pypiserver import PypiServer

# Not token-shaped on purpose: only never passing it on, not redaction, keeps it hidden.
TOKEN = "canary-" + token_hex(16)
WHEEL = "demo_pkg-1.2.0-py3-none-any.whl"
SDIST = "demo_pkg-1.2.0.tar.gz"
SMOKE_OUTPUT = "the smoke test ran"
RESUME = "Files that reached the index are skipped on the next run"
INDEX_OPTIONS = ("--index-url", "--extra-index-url", "--find-links", "-i", "-f")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class Call:
    """One command the pipeline ran, as the fake runner saw it when it ran."""

    kind: str  # build, upload, venv, install, smoke (the script) or command
    argv: tuple[str, ...]
    env: dict[str, str]
    cwd: Path | None
    secrets: tuple[str, ...]
    echo: bool
    cwd_entries: tuple[str, ...]  # what the working folder held
    files: dict[str, str]  # arguments that were existing files: path → sha256
    timeout: float = STEP_TIMEOUT


def kind_of(argv: Sequence[str]) -> str:
    if (Path(argv[0]).name, argv[1:2]) in (("twine", ["--no-color"]), ("uv", ["publish"])):
        return "upload"
    if argv[1:2] == ["venv"] or argv[1:3] == ["-m", "venv"]:
        return "venv"
    if argv[1:3] == ["pip", "install"] or argv[1:4] == ["-m", "pip", "install"]:
        return "install"
    if argv[1:3] == ["-m", "build"]:
        return "build"
    if argv[1:3] == ["-c", SMOKE_SCRIPT]:
        return "smoke"
    return "command"


class FakeRunner:
    """The Runner protocol, recording every call; the tools it runs are simulated."""

    def __init__(self, tools: Path, index: PypiServer, *, interactive: bool = False,
                 answer: bool = False, upload: Completed | None = None,
                 install: Completed | None = None, smoke: Completed | None = None,
                 broken: Mapping[str, str] | None = None, hang: str = "") -> None:
        self.interactive = interactive
        self.terminal = False  # echoed output goes to a log, as in CI
        self.tools = tools
        self.index = index
        self.answer = answer
        self.upload_result = upload  # None: the upload works
        self.install_result = install or Completed(0, "")
        self.smoke_result = smoke or Completed(0, SMOKE_OUTPUT + "\n")  # the commands'
        self.broken = dict(broken or {})  # module or entry point → the error it raises
        self.hang = hang  # the module the smoke script is stopped in, past its time
        self.plans: list[dict[str, object]] = []  # what the smoke script was given
        self.provided: list[tuple[str, ...]] = []
        self.calls: list[Call] = []
        self.logs: list[str] = []
        self.shown: list[str] = []
        self.reports: list[tuple[Report, str, bool]] = []
        self.questions: list[str] = []

    def provide(self, requirements: Sequence[str]) -> Path:
        self.provided.append(tuple(requirements))
        self.tools.mkdir(parents=True, exist_ok=True)
        return self.tools

    def run(self, argv: Sequence[str], *, env: Mapping[str, str], cwd: Path | None = None,
            secrets: Sequence[str] = (), echo: bool = False,
            timeout: float = STEP_TIMEOUT) -> Completed:
        args = tuple(str(a) for a in argv)
        kind = kind_of(list(args))
        files = {a: sha256(Path(a)) for a in args[1:] if "\n" not in a and Path(a).is_file()}
        entries = tuple(sorted(p.name for p in cwd.iterdir())) if cwd and cwd.is_dir() else ()
        self.calls.append(Call(kind, args, dict(env), cwd, tuple(secrets), echo, entries, files,
                               timeout))
        if kind == "upload":
            return self._upload([Path(a) for a in files])
        if kind == "venv":
            venv_python(Path(args[-1])).parent.mkdir(parents=True)
            return Completed(0, "")
        if kind == "install":
            return self.install_result
        if kind == "build":
            make_release(Path(args[args.index("--outdir") + 1]))
            return Completed(0, "Successfully built\n")
        if kind == "smoke":
            return self._smoke(Path(args[-2]), Path(args[-1]), timeout)
        if args[1:3] == ("release", "view"):  # gh's answer for a release not made yet
            return Completed(1, "release not found\n")
        return self.smoke_result

    def _smoke(self, plan: Path, report: Path, timeout: float) -> Completed:
        """What the smoke script writes: each module started, and failed if it is broken."""
        events: list[list[str]] = []
        self.plans.append(json.loads(plan.read_text("utf-8")))
        for module in json.loads(plan.read_text("utf-8"))["modules"]:
            events.append(["start", "module", module])
            if module == self.hang:
                report.write_text("".join(json.dumps(e) + "\n" for e in events), "utf-8")
                return Completed(-9, f"(stopped after {timeout:.0f} s)\n", timed_out=True)
            if module in self.broken:
                events.append(["fail", "module", module, self.broken[module],
                               f"Traceback (most recent call last):\n{self.broken[module]}"])
        events.append(["done"])
        report.write_text("".join(json.dumps(e) + "\n" for e in events), "utf-8")
        return Completed(0, "")

    def _upload(self, files: Sequence[Path]) -> Completed:
        if self.upload_result is not None:
            return self.upload_result
        for path in files:  # as the index does: never a filename twice
            target = self.index.packages_dir / path.name
            if target.exists() and target.read_bytes() != path.read_bytes():
                return Completed(1, f"HTTPError: 400 Bad Request from {self.index.url}\n"
                                    f"File already exists ('{path.name}').\n")
            target.write_bytes(path.read_bytes())
        return Completed(0, "".join(f"Uploading {p.name}\n" for p in files))

    def log(self, message: str) -> None:
        self.logs.append(message)

    def show(self, text: str) -> None:
        self.shown.append(text)

    def report(self, report: Report, title: str, *, primary: bool) -> None:
        self.reports.append((report, title, primary))

    def confirm(self, question: str) -> bool:
        self.questions.append(question)
        return self.answer

    def of_kind(self, kind: str) -> list[Call]:
        return [c for c in self.calls if c.kind == kind]


def fake(tmp_path: Path, index: PypiServer, *, interactive: bool = False, answer: bool = False,
         upload: Completed | None = None, install: Completed | None = None,
         smoke: Completed | None = None, broken: Mapping[str, str] | None = None,
         hang: str = "") -> FakeRunner:
    return FakeRunner(tmp_path / "tools" / "bin", index, interactive=interactive, answer=answer,
                      upload=upload, install=install, smoke=smoke, broken=broken, hang=hang)


def released(project: SampleProject) -> tuple[Path, Path]:
    """The sample project's sdist and wheel in dist/."""
    sdist, wheel = make_release(project.root / "dist")
    return sdist, wheel


def context(project: SampleProject, index: PypiServer, **env: str) -> Context:
    """The project aimed at the index, with the index's own password in TWINE_PASSWORD (a
    private index never gets PYPI_API_KEY)."""
    return project.context(index.url, offline=False, env={"TWINE_PASSWORD": TOKEN, **env})


def on_index(index: PypiServer) -> dict[str, str]:
    return {p.name: sha256(p) for p in index.packages_dir.iterdir()}


def tags(project: SampleProject) -> str:
    return project.git("tag", "-l")


TAG_BY_HAND = "git tag -a v1.2.0 -m 'Release 1.2.0'"
PUSH_BY_HAND = "git push --atomic origin HEAD:refs/heads/main refs/tags/v1.2.0"
NO_REMOTE_BY_HAND = f"add a remote (git remote add origin URL), then {PUSH_BY_HAND}"


def closing_lines(index: PypiServer, sdist: Path, wheel: Path, *todo: str, done: str = "",
                  warnings: Sequence[str] = ()) -> str:
    return "\n".join([
        f"\nReleased demo-pkg 1.2.0 to {index.url}:",
        f"  {WHEEL}  sha256 {sha256(wheel)}",
        f"  {SDIST:<{len(WHEEL)}}  sha256 {sha256(sdist)}",
        f"  {index.index_url}demo-pkg/", "",
        f"Install it with: pip install --index-url {index.index_url} demo-pkg==1.2.0",
        *(f"Warning: {w}" for w in warnings),
        *(["", f"Done: {done}"] if done else []), "", "Next steps:",
        *(f"  {step}" for step in todo),
        "  announce it: the release notes are in your changelog"])


def with_remote(project: SampleProject, tmp_path: Path) -> Path:
    """A bare remote 'origin' that main was pushed to and tracks; then a release commit that
    only the local branch has."""
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    project.git("remote", "add", "origin", str(remote))
    project.git("push", "-q", "-u", "origin", "main")
    project.commit("release 1.2.0")
    return remote


def refused(runner: FakeRunner, cid: str) -> tuple[str, str]:
    """(summary, hint) of ``cid`` in the report publish refused on, which must fail it."""
    ((report, _, _),) = runner.reports
    result = report.get(cid)
    assert result.status is Status.FAIL, result
    return result.summary, result.hint


def remote_refs(remote: Path) -> dict[str, str]:
    out = subprocess.run(["git", "ls-remote", str(remote)], check=True, capture_output=True,
                         text=True).stdout
    return {ref: sha for sha, ref in (line.split("\t") for line in out.splitlines())}


# The plan, resuming, conflicts.


def test_publish_uploads_every_planned_file_and_proves_the_release(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """With --yes the plan is shown, every file uploaded, served, installed and summed up."""
    sdist, wheel = released(project)
    runner = fake(tmp_path, pypiserver)
    outcome = publish(runner, context(project, pypiserver), Flags(yes=True))
    assert on_index(pypiserver) == {WHEEL: sha256(wheel), SDIST: sha256(sdist)}
    assert outcome.uploaded == (WHEEL, SDIST) and outcome.served
    assert not (outcome.tagged or outcome.pushed) and outcome.report.ok
    assert outcome.plan is not None and [f.on_index for f in outcome.plan.files] == [False] * 2
    plan = runner.shown[0].splitlines()
    assert plan[0] == f"Upload plan: demo-pkg 1.2.0 → {pypiserver.url}"
    assert [line.split()[0] for line in plan[1:]] == [WHEEL, SDIST]
    assert all(line.endswith(f"sha256 {sha256(p)}  to upload")
               for line, p in zip(plan[1:], (wheel, sdist), strict=True))
    assert [c.kind for c in runner.calls] == ["upload", "venv", "install", "smoke"]
    assert runner.shown[1:] == [closing_lines(pypiserver, sdist, wheel, TAG_BY_HAND,
                                              NO_REMOTE_BY_HAND)]
    assert runner.reports == [(outcome.report, "publish-checks verify", True)]
    assert runner.questions == []


def test_twine_gets_exactly_the_planned_files_and_the_upload_url(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """twine comes from its tool environment and is given the explicit paths, never a glob."""
    sdist, wheel = released(project)
    runner = fake(tmp_path, pypiserver)
    publish(runner, context(project, pypiserver), Flags(yes=True))
    (upload,) = runner.of_kind("upload")
    assert (TWINE,) in runner.provided
    assert upload.argv == (str(runner.tools / "twine"), "--no-color", "upload",
                           "--non-interactive", "--disable-progress-bar", "--repository-url",
                           pypiserver.url, str(wheel), str(sdist))
    assert upload.env["PATH"].split(os.pathsep)[0] == str(runner.tools) and upload.echo
    assert f"Uploading 2 file(s) to {pypiserver.url} with twine" in runner.logs


def test_publish_resumes_by_uploading_only_the_missing_files(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """A file the index already serves with the same sha256 is skipped; only the rest goes."""
    sdist, wheel = released(project)
    pypiserver.add(wheel)
    runner = fake(tmp_path, pypiserver, interactive=True, answer=True)
    outcome = publish(runner, context(project, pypiserver), Flags())
    (upload,) = runner.of_kind("upload")
    assert str(sdist) in upload.argv and str(wheel) not in upload.argv
    assert list(upload.files) == [str(sdist)]
    assert outcome.uploaded == (SDIST,) and outcome.served
    assert runner.questions == [f"Upload 1 file(s) to {pypiserver.url}? [y/N] "]
    plan = runner.shown[0]
    assert WHEEL in plan and plan.splitlines()[1].endswith("already on the index: skipped")
    assert plan.splitlines()[2].endswith("to upload")
    assert on_index(pypiserver) == {WHEEL: sha256(wheel), SDIST: sha256(sdist)}


def test_publish_with_every_file_on_the_index_uploads_nothing_and_still_proves_it(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """When the index has every file, nothing is uploaded nor asked, and the proof still runs."""
    sdist, wheel = released(project)
    pypiserver.add(sdist, wheel)
    runner = fake(tmp_path, pypiserver)  # headless and no --yes: nothing to confirm anyway
    outcome = publish(runner, context(project, pypiserver), Flags())
    assert outcome.uploaded == () and outcome.served
    assert [c.kind for c in runner.calls] == ["venv", "install", "smoke"]
    assert "Every file is already on the index: nothing to upload" in runner.logs
    assert runner.questions == []


def test_a_conflicting_file_on_the_index_is_refused_before_any_upload(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """The same filename with other bytes on the index fails the checks: nothing is uploaded."""
    released(project)
    other = make_wheel(tmp_path / "other", files={"demo_pkg/__init__.py": "# other\n"})
    pypiserver.add(other)
    runner = fake(tmp_path, pypiserver)
    with pytest.raises(ChecksFailed) as raised:
        publish(runner, context(project, pypiserver), Flags(yes=True))
    assert raised.value.message == "not publishing: 1 check(s) failed; nothing was uploaded"
    ((report, _, _),) = runner.reports
    result = report.get("index-version")
    assert result.status is Status.FAIL
    assert result.summary == (f"1 of 2 files already on {pypiserver.index_url} with other "
                              f"contents: {WHEEL}")
    assert runner.calls == [] and runner.shown == []
    assert on_index(pypiserver) == {WHEEL: sha256(other)}


def test_a_conflict_is_refused_before_upload_even_with_index_version_skipped(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """Skipping index-version cannot send half a release to an index that holds a conflict."""
    released(project)
    other = make_sdist(tmp_path / "other", files={"demo_pkg/__init__.py": "# other\n"})
    pypiserver.add(other)
    runner = fake(tmp_path, pypiserver)
    with pytest.raises(ReleaseError):
        publish(runner, context(project, pypiserver), Flags(skip=("index-version",), yes=True))
    assert on_index(pypiserver) == {SDIST: sha256(other)}
    assert runner.of_kind("upload") == []


# Nothing is uploaded without a yes.


@pytest.mark.parametrize("answer", [True, False])
def test_on_a_terminal_the_upload_waits_for_a_yes(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path, answer: bool) -> None:
    """Interactive: y uploads the files; n stops with 'not confirmed' and uploads nothing."""
    sdist, wheel = released(project)
    runner = fake(tmp_path, pypiserver, interactive=True, answer=answer)
    ctx = context(project, pypiserver)
    if answer:
        assert publish(runner, ctx, Flags()).uploaded == (WHEEL, SDIST)
        assert on_index(pypiserver) == {WHEEL: sha256(wheel), SDIST: sha256(sdist)}
    else:
        with pytest.raises(ReleaseError) as raised:
            publish(runner, ctx, Flags())
        assert (raised.value.message, raised.value.hint) == (
            "not confirmed: nothing was uploaded", "")
        assert runner.calls == [] and on_index(pypiserver) == {}
    assert runner.questions == [f"Upload 2 file(s) to {pypiserver.url}? [y/N] "]


@pytest.mark.parametrize(("interactive", "env", "steps", "hint"), [
    (False, {}, NOX_STEPS, "pass --yes (nox -s publish -- --yes)"),
    (True, {"CI": "true"}, NOX_STEPS, "pass --yes (nox -s publish -- --yes)"),
    (False, {}, CLI_STEPS, "pass --yes (publish-checks publish --yes)"),
], ids=["no-terminal", "ci", "no-terminal-cli"])
def test_headless_publish_without_yes_is_refused(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path, interactive: bool,
        env: dict[str, str], steps: Steps, hint: str) -> None:
    """No terminal, or CI set, and no --yes: refused without asking, nothing uploaded."""
    released(project)
    runner = fake(tmp_path, pypiserver, interactive=interactive, answer=True)
    ctx = dataclasses.replace(context(project, pypiserver, **env), steps=steps)
    with pytest.raises(ReleaseError) as raised:
        publish(runner, ctx, Flags(tag=True))
    assert (raised.value.message, raised.value.hint) == (
        "no terminal to confirm the upload on, so nothing was uploaded", hint)
    assert runner.questions == [] and runner.calls == []
    assert on_index(pypiserver) == {} and tags(project) == ""


def test_in_ci_yes_uploads_without_asking(project: SampleProject, pypiserver: PypiServer,
                                          tmp_path: Path) -> None:
    """--yes in CI is the confirmation: the files are uploaded and no question is asked."""
    released(project)
    runner = fake(tmp_path, pypiserver)
    outcome = publish(runner, context(project, pypiserver, CI="true"), Flags(yes=True))
    assert outcome.uploaded == (WHEEL, SDIST) and set(on_index(pypiserver)) == {WHEEL, SDIST}
    assert runner.questions == []


# Dry run.


def test_dry_run_asks_the_index_but_uploads_and_installs_nothing(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """--dry-run shows the plan with what the index has, then stops: no upload, no install."""
    _, wheel = released(project)
    pypiserver.add(wheel)
    runner = fake(tmp_path, pypiserver)
    outcome = publish(runner, context(project, pypiserver), Flags(dry_run=True, tag=True))
    plan = runner.shown[0].splitlines()
    assert plan[1].endswith("already on the index: skipped") and WHEEL in plan[1]
    assert plan[2].endswith("to upload") and SDIST in plan[2]
    assert runner.logs[-1] == "Dry run: stopping before the upload; nothing was uploaded"
    assert runner.calls == [] and runner.questions == [] and runner.shown == [runner.shown[0]]
    assert outcome.uploaded == () and not outcome.served and not outcome.tagged
    assert on_index(pypiserver) == {WHEEL: sha256(wheel)} and tags(project) == ""


def test_dry_run_with_every_file_on_the_index_does_not_install_tag_or_push(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """A dry run never installs, tags or pushes, even when there is nothing left to upload."""
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    project.git("remote", "add", "origin", str(remote))
    pypiserver.add(*released(project))
    runner = fake(tmp_path, pypiserver)
    outcome = publish(runner, context(project, pypiserver),
                      Flags(dry_run=True, tag=True, push=True))
    assert runner.calls == []
    assert not outcome.tagged and not outcome.pushed and tags(project) == ""
    assert project.git("ls-remote", "--tags", str(remote)) == ""


# What stops a publish before the upload.


@pytest.mark.parametrize("skip", [(), ("dists-present", "dists-stale", "index-version")])
def test_a_failed_build_marker_refuses_the_publish(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path,
        skip: tuple[str, ...]) -> None:
    """A failed build's record in dist/ fails dists-stale, even when it is skipped, so the
    report that refuses the publish names the build that failed."""
    released(project)
    write_marker(project.root / "dist", [("dists-metadata", f"{WHEEL}: a bad tag")], "")
    runner = fake(tmp_path, pypiserver)
    with pytest.raises(ChecksFailed) as raised:
        publish(runner, context(project, pypiserver), Flags(yes=True, skip=skip))
    assert raised.value.message == "not publishing: 1 check(s) failed; nothing was uploaded"
    ((report, _, _),) = runner.reports
    result = report.get("dists-stale")
    assert result.status is Status.FAIL
    assert result.summary.startswith(
        f"the last build into dist/ failed dists-metadata ({WHEEL}: a bad tag), and dist/ "
        "holds the files it left")
    assert runner.calls == [] and on_index(pypiserver) == {}


@pytest.mark.parametrize(("breakage", "failing"), [
    ("changelog", ["changelog-entry"]),
    ("dirty", ["git-clean"]),
])
def test_failing_checks_stop_publish_before_the_upload(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path, breakage: str,
        failing: list[str]) -> None:
    """A failed check raises ChecksFailed with the count; the report is shown, nothing sent."""
    if breakage == "changelog":
        project.write("CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n")
        project.commit("forget the entry")
    else:
        project.write("demo_pkg/core.py", "def answer() -> int:\n    return 43\n")
    released(project)
    runner = fake(tmp_path, pypiserver)
    with pytest.raises(ChecksFailed) as raised:
        publish(runner, context(project, pypiserver), Flags(yes=True, tag=True))
    assert raised.value.message == (
        f"not publishing: {len(failing)} check(s) failed; nothing was uploaded")
    ((report, title, primary),) = runner.reports
    assert [r.id for r in report.checks if r.status is Status.FAIL] == failing
    assert (title, primary) == ("publish-checks verify", True)
    assert runner.calls == [] and on_index(pypiserver) == {} and tags(project) == ""


class NoTwine(FakeRunner):
    """A runner that could start twine ahead (it stands by), where twine cannot be installed."""

    def provide(self, requirements: Sequence[str]) -> Path:
        if TWINE in requirements:
            raise ReleaseError("could not install twine>=7 into a virtualenv", "check your network")
        return super().provide(requirements)

    def standby(self, argv: Sequence[str], *, env: Mapping[str, str],
                cwd: Path | None = None) -> None:
        raise AssertionError("twine could not be installed: nothing can stand by")

    def go(self, *args: object, **kwargs: object) -> Completed:
        raise AssertionError("nothing stood by")


@pytest.mark.parametrize("checks_pass", [True, False], ids=["checks-pass", "checks-fail"])
def test_an_uploader_that_cannot_be_installed_is_said_after_the_checks_report(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path,
        checks_pass: bool) -> None:
    """Starting twine ahead of the checks never hides them: when twine cannot be installed
    the checks still run and are reported, and the install's failure is said at the upload."""
    if not checks_pass:
        project.write("CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n")
        project.commit("forget the entry")
    released(project)
    runner = NoTwine(tmp_path / "tools", pypiserver)
    expected = ReleaseError if checks_pass else ChecksFailed
    with pytest.raises(expected) as raised:
        publish(runner, context(project, pypiserver), Flags(yes=True))
    assert len(runner.reports) == 1 and runner.reports[0][0].ok is checks_pass
    if checks_pass:
        assert raised.value.message == "could not install twine>=7 into a virtualenv"
    assert on_index(pypiserver) == {}


class NoTwineInNox(NoTwine):
    """As NoTwine, where the install fails as a nox session's does (CommandFailed)."""

    def provide(self, requirements: Sequence[str]) -> Path:
        if TWINE in requirements:
            raise CommandFailed("Returned code 1")
        return FakeRunner.provide(self, requirements)


def test_an_uploader_nox_cannot_install_is_said_after_the_checks_report(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """Under nox too (its install fails with CommandFailed, not ReleaseError) the checks
    run and are reported before the upload says twine could not be installed."""
    released(project)
    runner = NoTwineInNox(tmp_path / "tools", pypiserver)
    with pytest.raises(CommandFailed):
        publish(runner, context(project, pypiserver), Flags(yes=True))
    assert len(runner.reports) == 1 and runner.reports[0][0].ok
    assert on_index(pypiserver) == {}


# Upload failures and their fixes.


@pytest.mark.parametrize(("output", "what", "fix"), [
    ("HTTPError: 403 Forbidden from {url}\nInvalid or non-existent authentication information.",
     "the index refused the credentials (403)",
     "check the username (__token__) and password for {netloc} (TWINE_PASSWORD from the "
     "environment)"),
    ("HTTPError: 400 Bad Request from {url}\nFile already exists ('demo_pkg-1.2.0.tar.gz', "
     "with blake2_256 hash 'ab').",
     "the index already has a file with this name and different contents",
     "an index never accepts a filename twice: bump the version (nox -s bump -- patch), "
     "rebuild (nox -s build) and publish again"),
    ("HTTPError: 405 Method Not Allowed from {url}simple/",
     "the index does not accept uploads at {url} (405)",
     "that looks like an index URL: give the upload URL (for PyPI "
     "https://upload.pypi.org/legacy/, for pypiserver its root URL)"),
    ("HTTPError: 502 Bad Gateway from {url}",
     "the index had a server error",
     "wait a minute and run the same command again: files already uploaded are skipped "
     "(status: https://status.python.org)"),
    ("HTTPError: 503 Service Unavailable from {url}",
     "the index had a server error",
     "wait a minute and run the same command again: files already uploaded are skipped "
     "(status: https://status.python.org)"),
    ("requests.exceptions.ConnectionError: HTTPConnectionPool(host='127.0.0.1'): Max retries "
     "exceeded with url: / (Caused by NewConnectionError('<urllib3.connection.HTTPConnection>: "
     "Failed to establish a new connection: [Errno 111] Connection refused'))",
     "could not connect to {url}",
     "check the URL and your network, then run the same command again"),
    ("something nobody expected",
     "twine upload failed",
     "read twine's message above; run the same command again to resume"),
], ids=["403", "file-exists", "405", "502", "503", "connection-refused", "unknown"])
def test_an_upload_failure_becomes_its_fix(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path, output: str, what: str,
        fix: str) -> None:
    """twine's failure is named with its fix; nothing is served, installed, tagged or summed up."""
    released(project)
    url, netloc = pypiserver.url, pypiserver.url.removeprefix("http://").rstrip("/")
    runner = fake(tmp_path, pypiserver, upload=Completed(1, output.format(url=url)))
    with pytest.raises(ReleaseError) as raised:
        publish(runner, context(project, pypiserver), Flags(yes=True, tag=True))
    assert raised.value.message == "upload failed: " + what.format(url=url)
    assert raised.value.hint == f"{fix.format(url=url, netloc=netloc)}. {RESUME}"
    assert [c.kind for c in runner.calls] == ["upload"]
    assert on_index(pypiserver) == {} and tags(project) == ""
    assert not any("Released" in text for text in runner.shown)


# The token.


@pytest.mark.parametrize("via", ["environment", "password"])
def test_the_token_reaches_twine_only_through_its_environment(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path, via: str) -> None:
    """The secret is on no command line, is TWINE_PASSWORD for twine, and no other tool gets it."""
    released(project)
    runner = fake(tmp_path, pypiserver)
    if via == "environment":
        publish(runner, context(project, pypiserver), Flags(yes=True))
    else:  # a rehearsal's generated password
        ctx = project.context(pypiserver.url, offline=False, env={"PYPI_API_KEY": ""})
        publish(runner, ctx, Flags(yes=True), password=TOKEN)
    (upload,) = runner.of_kind("upload")
    assert upload.env["TWINE_PASSWORD"] == TOKEN and upload.env["TWINE_USERNAME"] == "__token__"
    assert upload.env["PYTHON_KEYRING_BACKEND"] == "keyring.backends.null.Keyring"
    assert TOKEN in upload.secrets
    assert not any(TOKEN in arg for call in runner.calls for arg in call.argv)
    for call in runner.calls:
        if call.kind != "upload":
            assert TOKEN not in call.env.values(), call.argv
    assert not any(TOKEN in text for text in [*runner.logs, *runner.shown])


def test_twine_sees_the_token_under_twine_password_only(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """As docs/ci.md says, the token reaches twine through TWINE_PASSWORD and no other name."""
    released(project)
    runner = fake(tmp_path, pypiserver)
    publish(runner, context(project, pypiserver), Flags(yes=True))
    (upload,) = runner.of_kind("upload")
    assert [name for name, value in upload.env.items() if TOKEN in value] == ["TWINE_PASSWORD"]


def test_uv_gets_the_planned_files_and_the_token_as_uv_publish_password_only(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """uploader = "uv": uv comes from its tool environment, gets the files the index lacks
    and the URL on its command line, and the bound token (TWINE_PASSWORD here) under
    UV_PUBLISH_PASSWORD alone; the user's UV_PUBLISH_TOKEN never reaches it."""
    sdist, wheel = released(project)
    pypiserver.add(wheel)  # a half-finished upload: only the sdist is missing
    runner = fake(tmp_path, pypiserver)
    ctx = context(project, pypiserver, UV_PUBLISH_TOKEN="stray")
    ctx = dataclasses.replace(ctx, config=dataclasses.replace(ctx.config, uploader="uv"))
    publish(runner, ctx, Flags(yes=True))
    (upload,) = runner.of_kind("upload")
    assert (UV,) in runner.provided
    assert upload.argv == (str(runner.tools / "uv"), "publish", "--color", "never",
                           "--no-progress", "--publish-url", pypiserver.url,
                           "--no-attestations", str(sdist))
    assert [name for name, value in upload.env.items() if TOKEN in value] == [
        "UV_PUBLISH_PASSWORD"]
    assert upload.env["UV_PUBLISH_USERNAME"] == "__token__" and "UV_PUBLISH_TOKEN" not in upload.env
    assert f"Uploading 1 file(s) to {pypiserver.url} with uv" in runner.logs
    assert on_index(pypiserver) == {p.name: sha256(p) for p in (sdist, wheel)}


# The install proof.


@pytest.mark.parametrize("uv", [True, False], ids=["uv", "venv-and-pip"])
def test_the_install_proof_installs_the_files_fetched_from_the_index(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, uv: bool) -> None:
    """The wheel installed is the one downloaded from the index, by path, with no index option."""
    _, wheel = released(project)
    monkeypatch.setattr(install, "find_uv", lambda: "/opt/uv/bin/uv" if uv else None)
    runner = fake(tmp_path, pypiserver)
    publish(runner, context(project, pypiserver), Flags(yes=True))
    (venv,), (installing,) = runner.of_kind("venv"), runner.of_kind("install")
    assert venv.argv[0] == ("/opt/uv/bin/uv" if uv else str(runner.tools / "python"))
    assert installing.argv[0] == ("/opt/uv/bin/uv" if uv else str(venv_python(Path(venv.argv[-1]))))
    (downloaded,) = installing.files.items()  # the one file that fits this interpreter
    path = Path(downloaded[0])
    assert path.name == WHEEL and downloaded[1] == sha256(wheel)
    # Staged for the installer at a path named by the sha256 it was downloaded with (the
    # uploaded one), removed with the proof's folder.
    assert path.parent.name == sha256(wheel)[:32] and path.parent.parent.name == "release"
    assert not path.exists()
    assert installing.argv[-1] == str(path) and project.root not in path.parents
    for call in (venv, installing):
        assert not any(arg.startswith(INDEX_OPTIONS) for arg in call.argv), call.argv
    assert () in runner.provided  # the interpreter alone: nothing installed for it
    assert f"Installing demo-pkg==1.2.0 ({WHEEL}) into a fresh virtualenv" in runner.logs


def test_the_smoke_script_imports_every_module_of_the_wheel_in_an_empty_folder(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """The fresh venv's Python runs the smoke script on every module of the wheel, in a
    folder that holds none of the project's files, within the smoke test's time limit."""
    released(project)
    runner = fake(tmp_path, pypiserver)
    publish(runner, context(project, pypiserver), Flags(yes=True))
    (venv,), (smoke,) = runner.of_kind("venv"), runner.of_kind("smoke")
    fresh = Path(venv.argv[-1])
    work = fresh.parent
    assert smoke.argv == (str(venv_python(fresh)), "-c", SMOKE_SCRIPT,
                          str(work / "smoke-plan.json"), str(work / "smoke-report.jsonl"))
    assert runner.plans == [{"project": "demo-pkg", "modules": ["demo_pkg", "demo_pkg.core"],
                            "optional": {}}]
    assert smoke.cwd == work / "cwd" and smoke.cwd_entries == ()
    assert "Smoke test: importing 2 modules, loading the entry points" in runner.logs
    assert "Smoke test: 2 modules imported, 0 entry points loaded" in runner.logs
    assert runner.logs[-1] == "Smoke test passed: demo-pkg 1.2.0 installs from the index and runs"


def test_configured_smoke_commands_run_after_the_imports_with_the_fresh_venv_first_on_path(
        tmp_path: Path, pypiserver: PypiServer) -> None:
    """Each smoke-test command runs as well as the imports, in the empty folder, with the new
    venv's bin first on PATH; what they print is shown."""
    project = SampleProject.create(tmp_path / "p", extra_config=(
        '\n[tool.publish-checks]\nsmoke-test = [["demo", "--version"], ["demo", "--help"]]\n'))
    project.commit("initial")
    released(project)
    runner = fake(tmp_path, pypiserver)
    # dists-stale: the byte-built sdist holds the sample's pyproject.toml, not this one.
    publish(runner, context(project, pypiserver), Flags(yes=True, skip=("dists-stale",)))
    assert [c.kind for c in runner.calls] == ["upload", "venv", "install", "smoke", "command",
                                              "command"]
    (venv,), (smoke,) = runner.of_kind("venv"), runner.of_kind("smoke")
    fresh = Path(venv.argv[-1])
    for call, argv in zip(runner.of_kind("command"), [("demo", "--version"), ("demo", "--help")],
                          strict=True):
        assert call.argv == argv and call.cwd == smoke.cwd and call.cwd_entries == ()
        assert call.env["PATH"].split(os.pathsep)[0] == str(venv_python(fresh).parent)
        assert call.env["VIRTUAL_ENV"] == str(fresh)
    assert runner.shown[1] == f"{SMOKE_OUTPUT}\n{SMOKE_OUTPUT}"
    assert "Smoke test: 2 modules imported, 0 entry points loaded, 2 commands run" in runner.logs


@pytest.mark.parametrize(("step", "message"), [
    ("install", "installing demo-pkg==1.2.0 failed (exit status 1)\nERROR: no matching dist"),
    ("smoke", "the smoke test failed: import demo_pkg.core failed: ModuleNotFoundError: No "
              "module named 'yaml'\nTraceback (most recent call last):\n"
              "ModuleNotFoundError: No module named 'yaml'"),
], ids=["install", "smoke"])
def test_a_failed_install_proof_tags_nothing_but_says_what_is_left(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path, step: str,
        message: str) -> None:
    """The files are out, so the closing lines show; but no tag is made without the proof."""
    sdist, wheel = released(project)
    remote = with_remote(project, tmp_path)
    failure = Completed(1, message.splitlines()[-1] + "\n")
    runner = fake(tmp_path, pypiserver, install=failure if step == "install" else None,
                  broken={"demo_pkg.core": message.splitlines()[-1]} if step == "smoke" else None)
    with pytest.raises(ReleaseError) as raised:
        publish(runner, context(project, pypiserver), Flags(yes=True, tag=True, push=True))
    assert (raised.value.message, raised.value.hint) == (message, FIX_RELEASED)
    assert tags(project) == ""
    assert "refs/tags/v1.2.0" not in remote_refs(remote)
    assert runner.shown[-1] == closing_lines(pypiserver, sdist, wheel, TAG_BY_HAND, PUSH_BY_HAND)


# Tag and push.


def test_tag_is_made_only_after_the_verified_publish(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """--tag creates the annotated v1.2.0 on HEAD after the smoke test passed."""
    sdist, wheel = released(project)
    runner = fake(tmp_path, pypiserver)
    outcome = publish(runner, context(project, pypiserver), Flags(yes=True, tag=True))
    assert outcome.tagged and not outcome.pushed
    assert project.git("rev-parse", "v1.2.0^{commit}") == project.git("rev-parse", "HEAD")
    assert project.git("cat-file", "-t", "v1.2.0") == "tag"
    assert runner.logs.index("Tagged HEAD as v1.2.0") > runner.logs.index(
        "Smoke test passed: demo-pkg 1.2.0 installs from the index and runs")
    assert runner.shown[-1] == closing_lines(pypiserver, sdist, wheel, NO_REMOTE_BY_HAND,
                                             done="HEAD is tagged v1.2.0")


def test_push_sends_the_branch_and_the_tag_together(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """--push (which implies --tag) sends the release commit on main and the annotated
    v1.2.0 to a real bare remote, in one atomic push after the smoke test."""
    sdist, wheel = released(project)
    remote = with_remote(project, tmp_path)
    runner = fake(tmp_path, pypiserver)
    outcome = publish(runner, context(project, pypiserver), Flags(yes=True, push=True))
    assert outcome.tagged and outcome.pushed and not outcome.released
    assert remote_refs(remote) == {"refs/heads/main": project.git("rev-parse", "HEAD"),
                                   "refs/tags/v1.2.0": project.git("rev-parse", "v1.2.0"),
                                   "refs/tags/v1.2.0^{}": project.git("rev-parse", "HEAD")}
    assert runner.logs[-2:] == ["Tagged HEAD as v1.2.0",
                                "Pushed main and v1.2.0 to origin (git push --atomic)"]
    assert runner.shown[-1] == closing_lines(
        pypiserver, sdist, wheel, done="HEAD is tagged v1.2.0; pushed main and v1.2.0 to origin")


def test_push_goes_to_the_upstreams_branch_name(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """A main that tracks origin/stable is pushed to stable (HEAD:refs/heads/stable), not to a
    new main on the remote."""
    released(project)
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    project.git("remote", "add", "origin", str(remote))
    project.git("push", "-q", "-u", "origin", "main:stable")
    project.commit("release 1.2.0")
    runner = fake(tmp_path, pypiserver)
    publish(runner, context(project, pypiserver), Flags(yes=True, push=True))
    refs = remote_refs(remote)
    assert refs["refs/heads/stable"] == project.git("rev-parse", "HEAD")
    assert "refs/heads/main" not in refs and "refs/tags/v1.2.0" in refs
    assert "Pushed stable and v1.2.0 to origin (git push --atomic)" in runner.logs


def test_push_on_a_detached_head_is_refused_before_the_upload(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """A detached HEAD has no branch to push: git-upstream fails, so nothing is uploaded,
    with the tag-only alternative."""
    released(project)
    with_remote(project, tmp_path)
    head = project.git("rev-parse", "--short", "HEAD")
    project.git("switch", "-q", "--detach", "HEAD")
    runner = fake(tmp_path, pypiserver)
    with pytest.raises(ChecksFailed):
        publish(runner, context(project, pypiserver), Flags(yes=True, push=True))
    assert refused(runner, "git-upstream") == (
        f"--push sends the release branch with the tag, but HEAD is detached at {head}",
        "switch to the release branch first (git switch main), or use --tag and push the tag "
        "alone: git push origin refs/tags/v1.2.0")
    assert runner.calls == [] and on_index(pypiserver) == {} and tags(project) == ""


def test_on_a_tag_checkout_push_sends_the_tag_alone_and_the_github_release_follows(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """A CI tag checkout (detached HEAD, v1.2.0 already at HEAD): --github-release pushes the
    tag alone (no branch to send) and creates the release."""
    released(project)
    remote = with_remote(project, tmp_path)
    project.git("tag", "-a", "v1.2.0", "-m", "Release 1.2.0")
    project.git("switch", "-q", "--detach", "v1.2.0")
    gh = gh_on_path(tmp_path)
    runner = fake(tmp_path, pypiserver)
    outcome = publish(runner, context(project, pypiserver, PATH=str(gh)),
                      Flags(yes=True, github_release=True))
    assert outcome.pushed and outcome.released
    refs = remote_refs(remote)
    assert refs["refs/tags/v1.2.0"] == project.git("rev-parse", "v1.2.0")
    assert refs["refs/heads/main"] != project.git("rev-parse", "HEAD"), "no branch was pushed"
    assert "Pushed v1.2.0 to origin (HEAD is detached at the tag: the tag alone)" in runner.logs
    assert [c.argv[1:4] for c in runner.of_kind("command")] == [("release", "view", "v1.2.0"),
                                                                ("release", "create", "v1.2.0")]


def test_push_without_a_remote_is_refused_before_the_upload(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """No remote to push to: refused before anything is uploaded (--tag alone goes ahead)."""
    released(project)
    runner = fake(tmp_path, pypiserver)
    with pytest.raises(ChecksFailed):
        publish(runner, context(project, pypiserver), Flags(yes=True, tag=True, push=True))
    assert refused(runner, "git-upstream") == (
        "--push needs a remote to push to: this repository has none",
        "add one (git remote add origin URL), or use --tag and push later")
    assert runner.calls == [] and on_index(pypiserver) == {} and tags(project) == ""


def test_a_rejected_push_sends_nothing_and_gives_the_command(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """The remote takes the push's dry run before the upload but refuses the push itself
    (its pre-receive hook): the atomic push is refused whole (no tag there either), the error
    gives the command, the closing lines what is left."""
    sdist, wheel = released(project)
    remote = with_remote(project, tmp_path)
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'main is frozen' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    theirs = remote_refs(remote)["refs/heads/main"]
    runner = fake(tmp_path, pypiserver)
    with pytest.raises(ReleaseError) as raised:
        publish(runner, context(project, pypiserver), Flags(yes=True, push=True))
    assert raised.value.message.startswith(f"{PUSH_BY_HAND} failed: ")
    assert "rejected" in raised.value.message
    assert raised.value.hint == ("origin has commits you lack: merge them (git pull --no-rebase "
                                 f"keeps the released commit), then {PUSH_BY_HAND}; do what else "
                                 "the next steps above list by hand too (publish run again "
                                 "would rebuild from the merge, and stop)")
    assert remote_refs(remote)["refs/heads/main"] == theirs
    assert "refs/tags/v1.2.0" not in remote_refs(remote)
    assert runner.shown[-1] == closing_lines(pypiserver, sdist, wheel, PUSH_BY_HAND,
                                             done="HEAD is tagged v1.2.0")


def test_a_push_the_remote_would_refuse_is_refused_before_the_upload(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """The remote's main moved on since the last fetch (git-upstream cannot know): the push's
    dry run asks the remote first, so nothing is uploaded, tagged or pushed."""
    released(project)
    remote = with_remote(project, tmp_path)
    other = tmp_path / "other"
    subprocess.run(["git", "clone", "-q", "-b", "main", str(remote), str(other)], check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@e.invalid", "commit", "-q",
                    "--allow-empty", "-m", "theirs"], cwd=other, check=True)
    subprocess.run(["git", "push", "-q"], cwd=other, check=True)
    before = remote_refs(remote)
    runner = fake(tmp_path, pypiserver)
    with pytest.raises(ChecksFailed):
        publish(runner, context(project, pypiserver), Flags(yes=True, push=True))
    assert refused(runner, "git-upstream") == (
        "origin would refuse the push of main ([rejected] (fetch first)): it has commits HEAD "
        "lacks",
        "pull first (git pull --rebase origin main), rebuild and publish again; or publish "
        "without --push")
    assert runner.calls == [] and on_index(pypiserver) == {} and tags(project) == ""
    assert remote_refs(remote) == before


def test_a_remote_that_cannot_be_asked_lets_the_upload_go_ahead_with_a_warning(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """A remote the dry run cannot reach is no refusal (the network may be down for a moment):
    a warning, the upload, and the real push after the install proof tells."""
    released(project)
    remote = with_remote(project, tmp_path)
    remote.rename(tmp_path / "moved.git")
    runner = fake(tmp_path, pypiserver)
    with pytest.raises(ReleaseError) as raised:
        publish(runner, context(project, pypiserver), Flags(yes=True, push=True))
    assert raised.value.message.startswith(f"{PUSH_BY_HAND} failed: ")
    warning = [line for line in runner.logs if line.startswith("Warning: the push could not")]
    assert len(warning) == 1 and "origin could not be asked: " in warning[0]
    assert set(on_index(pypiserver)) == {SDIST, WHEEL}


# The GitHub release.

NOTES = "### Added\n\n- The first feature.\n"
GH_BY_HAND = ("publish-checks notes 1.2.0 | gh release create v1.2.0 --verify-tag --title 1.2.0 "
              f"--notes-file - dist/{WHEEL} dist/{SDIST}")


def gh_on_path(tmp_path: Path) -> Path:
    """A folder holding an executable named gh (never run: the fake runner records it)."""
    folder = tmp_path / "gh-bin"
    folder.mkdir()
    (folder / "gh").write_text("#!/bin/sh\nexit 3\n", encoding="utf-8")
    (folder / "gh").chmod(0o755)
    return folder


def test_github_release_creates_the_release_after_the_push(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """--github-release (which implies --push) runs gh release create v1.2.0 --verify-tag in
    the project, after the push, with the changelog's 1.2.0 section as the notes file, both
    dists attached and the token only in its environment."""
    sdist, wheel = released(project)
    remote = with_remote(project, tmp_path)
    gh = gh_on_path(tmp_path) / "gh"
    runner = fake(tmp_path, pypiserver)
    ctx = context(project, pypiserver, PATH=f"{gh.parent}{os.pathsep}{os.environ['PATH']}",
                  GH_TOKEN=TOKEN + "-gh")
    outcome = publish(runner, ctx, Flags(yes=True, github_release=True))
    assert outcome.pushed and outcome.released
    assert "refs/tags/v1.2.0" in remote_refs(remote)
    (view, call) = [c for c in runner.of_kind("command") if c.argv[0] == str(gh)]
    assert view.argv == (str(gh), "release", "view", "v1.2.0")
    notes_file = call.argv[8]
    assert call.argv == (str(gh), "release", "create", "v1.2.0", "--verify-tag", "--title",
                         "1.2.0", "--notes-file", notes_file, str(wheel), str(sdist))
    assert call.files[notes_file] == hashlib.sha256(NOTES.encode()).hexdigest()
    assert not Path(notes_file).exists(), "the notes file is temporary"
    assert call.cwd == project.root and call.env["GH_TOKEN"] == TOKEN + "-gh"
    assert TOKEN + "-gh" in call.secrets and call.echo
    assert runner.logs[-2:] == ["Pushed main and v1.2.0 to origin (git push --atomic)",
                                "Creating the GitHub release v1.2.0"]
    assert runner.shown[-1] == closing_lines(
        pypiserver, sdist, wheel, done="HEAD is tagged v1.2.0; pushed main and v1.2.0 to "
                                       "origin; the GitHub release v1.2.0 is up")


def test_without_gh_the_release_goes_out_and_the_step_fails_with_the_command(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """No gh on PATH: a warning before the upload, the upload, tag and push happen, then the
    GitHub release step fails with the command to run by hand, also in the closing lines."""
    sdist, wheel = released(project)
    remote = with_remote(project, tmp_path)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    runner = fake(tmp_path, pypiserver)
    with pytest.raises(ReleaseError) as raised:
        publish(runner, context(project, pypiserver, PATH=str(empty)),
                Flags(yes=True, github_release=True))
    assert raised.value.exit_code == 1
    assert (raised.value.message, raised.value.hint) == (
        "cannot create the GitHub release: gh (the GitHub CLI) is not on PATH",
        f"install it (https://cli.github.com), then: {GH_BY_HAND}")
    warning = next(line for line in runner.logs if line.startswith("Warning: gh"))
    assert runner.logs.index(warning) < runner.logs.index(
        "Uploading 2 file(s) to " + pypiserver.url + " with twine")
    assert warning.startswith("Warning: gh (the GitHub CLI) is not on PATH: the upload goes "
                              "ahead")
    assert set(on_index(pypiserver)) == {WHEEL, SDIST}
    assert "refs/tags/v1.2.0" in remote_refs(remote)
    assert runner.shown[-1] == closing_lines(
        pypiserver, sdist, wheel, f"create the GitHub release: {GH_BY_HAND}",
        done="HEAD is tagged v1.2.0; pushed main and v1.2.0 to origin")


def test_a_failing_gh_fails_the_step_with_its_words(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """gh answering an error (bad credentials) fails the step with gh's last lines and the
    command to run once logged in."""
    released(project)
    with_remote(project, tmp_path)
    gh = gh_on_path(tmp_path)
    runner = fake(tmp_path, pypiserver, smoke=Completed(1, "HTTP 401: Bad credentials\n"))
    with pytest.raises(ReleaseError) as raised:
        publish(runner, context(project, pypiserver, PATH=str(gh)),
                Flags(yes=True, github_release=True))
    assert (raised.value.message, raised.value.hint) == (
        "gh release create failed (exit status 1): HTTP 401: Bad credentials",
        f"check gh auth status (or GH_TOKEN/GITLAB_TOKEN), then: {GH_BY_HAND}")


def test_github_release_without_release_notes_is_refused_before_the_upload(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """No changelog section to use as notes: refused before anything is uploaded."""
    released(project)
    project.write("CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n")
    with_remote(project, tmp_path)
    runner = fake(tmp_path, pypiserver)
    with pytest.raises(ChecksFailed):
        publish(runner, context(project, pypiserver, PATH=str(gh_on_path(tmp_path))),
                Flags(yes=True, github_release=True, skip=("changelog-entry",)))
    summary, _ = refused(runner, "changelog-entry")
    assert summary == ("--github-release needs the release notes, but CHANGELOG.md has no "
                       "section for 1.2.0 (skipped, but publish refuses this whatever is "
                       "skipped)")
    assert runner.calls == [] and on_index(pypiserver) == {}


# The closing lines: the release's links.


def test_a_project_url_that_does_not_answer_is_a_warning_in_the_closing_lines(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """A Project-URL answering 404 is a warning line; the publish still succeeds; one that
    answers 200 is not mentioned."""
    with link_server() as base:
        extra = (f"Project-URL: Homepage, {base}/ok\n"
                 f"Project-URL: Documentation, {base}/missing\n")
        sdist = make_sdist(project.root / "dist")
        wheel = make_wheel(project.root / "dist", metadata_extra=extra)
        runner = fake(tmp_path, pypiserver)
        outcome = publish(runner, context(project, pypiserver), Flags(yes=True))
    assert outcome.served
    assert runner.shown[-1] == closing_lines(
        pypiserver, sdist, wheel, TAG_BY_HAND, NO_REMOTE_BY_HAND,
        warnings=[f"Project-URL 'Documentation' {base}/missing answered 404"])


# dists-install: the release works before it is uploaded.

MISSING_PAGE = "FileNotFoundError: [Errno 2] No such file or directory: 'page.html'"
INSTALL_FIX = ("put every file and module the code needs into the wheel (package data, modules "
               "an exclude left out, the function each entry point names), then nox -s build; "
               "a module that must not be imported here goes in smoke-skip-modules\n"
               "the error ends:\n  Traceback (most recent call last):\n  " + MISSING_PAGE)


def opened(project: SampleProject, index: PypiServer, runner: FakeRunner) -> Context:
    """The project as the front ends open it: the installer is the pipeline's own."""
    return open_project(runner, project.root, index.url,
                        environ={**os.environ, "TWINE_PASSWORD": TOKEN}, offline=False)


@pytest.mark.parametrize("broken", [True, False], ids=["broken", "correct"])
def test_publish_never_uploads_a_release_that_fails_dists_install(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path, broken: bool) -> None:
    """A wheel whose package fails to import fails dists-install and nothing is uploaded; a
    correct one is installed and smoke-tested from dist/ first, then uploaded and proved."""
    released(project)
    runner = fake(tmp_path, pypiserver, broken={"demo_pkg": MISSING_PAGE} if broken else None)
    ctx = opened(project, pypiserver, runner)
    if broken:
        with pytest.raises(ChecksFailed) as raised:
            publish(runner, ctx, Flags(yes=True))
        assert raised.value.message == "not publishing: 1 check(s) failed; nothing was uploaded"
        ((report, _, _),) = runner.reports
        result = report.get("dists-install")
        assert (result.status, result.summary, result.hint) == (
            Status.FAIL, f"{WHEEL} installs, but the smoke test failed: import demo_pkg failed: "
                         f"{MISSING_PAGE}", INSTALL_FIX)
        assert [c.kind for c in runner.calls] == ["venv", "install", "smoke"]
        assert on_index(pypiserver) == {}
    else:
        outcome = publish(runner, ctx, Flags(yes=True))
        assert outcome.report.get("dists-install").summary == (
            f"{WHEEL} installs into a fresh virtualenv: 2 modules imported, 0 entry points "
            "loaded")
        assert [c.kind for c in runner.calls] == ["venv", "install", "smoke", "upload", "venv",
                                                  "install", "smoke"]
        assert set(on_index(pypiserver)) == {WHEEL, SDIST}
    (first, *_) = runner.of_kind("install")  # the trial: dist/'s wheel, staged by its sha256
    wheel = project.root / "dist" / WHEEL
    assert [(Path(f).name, Path(f).parent.name, digest) for f, digest in first.files.items()] \
        == [(WHEEL, sha256(wheel)[:32], sha256(wheel))]


@pytest.mark.parametrize("broken", [True, False], ids=["broken", "correct"])
def test_build_fails_when_the_built_release_fails_dists_install(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path, broken: bool) -> None:
    """The build's dist checks install what was built: a broken package fails the build and
    leaves its marker (a chained publish refuses); a correct one passes."""
    runner = fake(tmp_path, pypiserver, broken={"demo_pkg.core": MISSING_PAGE} if broken
                  else None)
    ctx = opened(project, pypiserver, runner)
    if broken:
        with pytest.raises(ReleaseError) as raised:
            build(runner, ctx, Flags())
        assert raised.value.message == ("the built files failed a check: fix what is marked ✗ "
                                        "above, then build again")
        assert (project.root / "dist" / BUILD_FAILED).is_file()
    else:
        build(runner, ctx, Flags())
        assert not (project.root / "dist" / BUILD_FAILED).exists()
    ((report, title, _),) = runner.reports
    result = report.get("dists-install")
    assert title == "publish-checks build: dist checks"
    assert result.status is (Status.FAIL if broken else Status.PASS)
    assert result.summary == (
        f"{WHEEL} installs, but the smoke test failed: import demo_pkg.core failed: "
        f"{MISSING_PAGE}" if broken else
        f"{WHEEL} installs into a fresh virtualenv: 2 modules imported, 0 entry points loaded")
    assert [c.kind for c in runner.calls] == ["build", "venv", "install", "smoke"]


def test_skip_dists_install_builds_without_installing(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """--skip dists-install (a machine that cannot reach the indexes) builds and installs
    nothing."""
    runner = fake(tmp_path, pypiserver, broken={"demo_pkg": MISSING_PAGE})
    build(runner, opened(project, pypiserver, runner), Flags(skip=("dists-install",)))
    ((report, _, _),) = runner.reports
    assert report.get("dists-install").summary == "skipped by --skip"
    assert [c.kind for c in runner.calls] == ["build"]


@pytest.mark.parametrize(("steps", "hint"), [
    (NOX_STEPS, "nox -s verify -- --install"), (CLI_STEPS, "publish-checks verify --install")])
def test_verify_skips_dists_install_unless_given_install(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path, steps: Steps,
        hint: str) -> None:
    """A plain verify installs nothing and says how to ask; --install runs the check."""
    released(project)
    runner = fake(tmp_path, pypiserver)
    ctx = dataclasses.replace(opened(project, pypiserver, runner), steps=steps)
    result = verify(runner, ctx, Flags()).get("dists-install")
    assert (result.status, result.summary) == (
        Status.SKIP, f"installs the release only when asked: {hint} (build, publish and "
                     "rehearse always do)")
    assert runner.calls == []
    result = verify(runner, ctx, Flags(install=True)).get("dists-install")
    assert (result.status, result.summary) == (
        Status.PASS, f"{WHEEL} installs into a fresh virtualenv: 2 modules imported, 0 entry "
                     "points loaded")
    assert [c.kind for c in runner.calls] == ["venv", "install", "smoke"]


def test_the_same_files_are_installed_once_per_run(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """Build then publish in one run (as a rehearsal does) installs the built files once
    before the upload; the proof after it installs what the index serves."""
    runner = fake(tmp_path, pypiserver)
    built = build(runner, opened(project, pypiserver, runner), Flags())
    publish(runner, built, Flags(yes=True))
    assert [c.kind for c in runner.calls] == ["build", "venv", "install", "smoke", "upload",
                                              "venv", "install", "smoke"]


def test_a_smoke_test_past_its_time_fails_dists_install_naming_the_module(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """The smoke script runs under its own time limit; stopped, it names the module it was
    importing, and nothing is uploaded."""
    released(project)
    runner = fake(tmp_path, pypiserver, hang="demo_pkg.core")
    with pytest.raises(ChecksFailed):
        publish(runner, opened(project, pypiserver, runner), Flags(yes=True))
    ((report, _, _),) = runner.reports
    assert report.get("dists-install").summary == (
        f"{WHEEL} installs, but the smoke test failed: the import script failed: it stopped "
        f"after {SMOKE_TIMEOUT:.0f} s while trying to import demo_pkg.core")
    (smoke,) = runner.of_kind("smoke")
    assert smoke.timeout == SMOKE_TIMEOUT
    assert on_index(pypiserver) == {}


def test_a_release_that_does_not_install_fails_dists_install_with_the_installer_error(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """An unresolvable dependency: the installer's error ends the hint; nothing is uploaded."""
    released(project)
    error = "error: No solution found when resolving dependencies: no-such-dependency"
    runner = fake(tmp_path, pypiserver, install=Completed(1, f"{error}\n"))
    with pytest.raises(ChecksFailed):
        publish(runner, opened(project, pypiserver, runner), Flags(yes=True))
    ((report, _, _),) = runner.reports
    result = report.get("dists-install")
    assert (result.summary, result.hint) == (
        "installing demo-pkg==1.2.0 failed (exit status 1)",
        "the release and its dependencies must install from your usual indexes: fix what the "
        "installer says, then nox -s build (on a machine that cannot reach them: --skip "
        f"dists-install)\nthe error ends:\n  {error}")
    assert [c.kind for c in runner.calls] == ["venv", "install"] and on_index(pypiserver) == {}



def pre_push_hook(project: SampleProject, body: str) -> Path:
    """A pre-push hook in the project that appends a line to a log, then runs ``body``."""
    log = project.root.parent / "pre-push.log"
    hook = project.root / ".git" / "hooks" / "pre-push"
    hook.write_text(f"#!/bin/sh\necho ran >> '{log}'\n{body}\n", encoding="utf-8")
    hook.chmod(0o755)
    return log


def test_the_push_dry_run_does_not_run_the_pre_push_hook(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """Asking the remote before the upload runs no hook of the user's (it could run a test
    suite, with the environment): the hook runs once, for the real push."""
    released(project)
    remote = with_remote(project, tmp_path)
    log = pre_push_hook(project, "exit 0")
    publish(fake(tmp_path, pypiserver), context(project, pypiserver), Flags(yes=True, push=True))
    assert log.read_text("utf-8") == "ran\n"
    assert remote_refs(remote)["refs/tags/v1.2.0"]


def test_a_push_that_does_not_finish_is_an_error_with_the_command(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A pre-push hook that outlasts the push's time limit: a ReleaseError giving the command
    to push by hand (and the closing lines), never a traceback."""
    released(project)
    with_remote(project, tmp_path)
    pre_push_hook(project, "sleep 5")
    monkeypatch.setattr(tagging, "GIT_TIMEOUT", 1.0)
    runner = fake(tmp_path, pypiserver)
    with pytest.raises(ReleaseError) as raised:
        publish(runner, context(project, pypiserver), Flags(yes=True, push=True))
    assert (raised.value.message, raised.value.hint) == (
        f"{PUSH_BY_HAND} did not finish within 1 s", f"push them by hand: {PUSH_BY_HAND}")
    assert "Next steps:" in runner.shown[-1]


# The index's listing: read once before the upload, refreshed by the wait.


def test_publish_reads_the_listing_once_before_the_upload_and_refreshes_it_after(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """verify's index-version, its guard and the upload plan share one read of the project
    page; the wait after the upload reads it again, and the install proof downloads the
    files that fresh listing names."""
    released(project)
    faults = Faults()
    page = "/simple/demo-pkg/"

    class Counting(FakeRunner):
        reads_before_upload = -1

        def _upload(self, files: Sequence[Path]) -> Completed:
            self.reads_before_upload = faults.requests.count(("GET", page))
            return super()._upload(files)

    runner = Counting(tmp_path / "tools" / "bin", pypiserver)
    with fault_proxy(pypiserver.url, faults) as proxy:
        ctx = project.context(proxy, offline=False, env={"TWINE_PASSWORD": TOKEN})
        outcome = publish(runner, ctx, Flags(yes=True, skip=("index-version",)))
    assert outcome.served and outcome.uploaded == (WHEEL, SDIST)
    assert runner.reads_before_upload == 1  # the guard of the skipped check and the plan
    reads = [i for i, r in enumerate(faults.requests) if r == ("GET", page)]
    downloads = [i for i, (method, path) in enumerate(faults.requests)
                 if method == "GET" and path.endswith((WHEEL, SDIST))]
    assert len(reads) == 2 and len(downloads) == 2
    assert reads[1] < min(downloads)  # the proof reads the refreshed listing's URLs


def test_verify_and_publish_checks_share_one_listing(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """A dry run (checks and plan) asks the index for the project page exactly once."""
    released(project)
    faults = Faults()
    with fault_proxy(pypiserver.url, faults) as proxy:
        ctx = project.context(proxy, offline=False, env={"TWINE_PASSWORD": TOKEN})
        publish(fake(tmp_path, pypiserver), ctx, Flags(dry_run=True))
    assert faults.requests.count(("GET", "/simple/demo-pkg/")) == 1

"""One verdict (SPEC §5): whatever makes publish refuse, verify reports as a failing check
with the way out; a verify that passes means a ``publish --dry-run`` that passes.

Each refusal path of the pipeline is driven on a real git repository against a real
pypiserver (the tools are the fake runner's of tests/test_pipeline.py): verify fails with
the expected check, publish --dry-run refuses, and after the fix both pass.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from publish_checks._errors import ReleaseError
from publish_checks.checks.context import Context
from publish_checks.checks.report import Report, Status
from publish_checks.dists.failed_build import MARKER, read_marker, write_marker
from publish_checks.release.pipeline import (
    ChecksFailed,
    Flags,
    build,
    open_project,
    publish,
    verify,
)
from publish_checks.release.rehearse import LocalIndex, free_port
from tests.builders import CHANGELOG, SampleProject
from tests.distbuilders import make_wheel
from tests.e2e import NOXFILE, run_nox
from tests.pypiserver import PypiServer
from tests.test_pipeline import (
    SDIST,
    TOKEN,
    WHEEL,
    FakeRunner,
    fake,
    released,
    sha256,
    with_remote,
)
from tests.tokens import make_token

BROKEN = {"demo_pkg.core": "FileNotFoundError: [Errno 2] No such file or directory: 'x'"}


@dataclass
class World:
    """What a case sets up and its fix changes: the project, the index, the flags."""

    project: SampleProject
    index: PypiServer
    tmp_path: Path
    repository: str
    env: dict[str, str]
    skip: tuple[str, ...] = ()
    broken: bool = False  # the tools' smoke test fails on the release (a real bug in it)
    push: bool = False  # --push (verify takes it too)
    github_release: bool = False  # --github-release

    def flags(self, **more: bool) -> Flags:
        return Flags(skip=self.skip, push=self.push, github_release=self.github_release,
                     **more)

    def runner(self) -> FakeRunner:
        return fake(self.tmp_path, self.index, broken=BROKEN if self.broken else None)

    def context(self, runner: FakeRunner) -> Context:
        return open_project(runner, self.project.root, self.repository,
                            environ={**os.environ, **self.env}, offline=False)

    def verify(self) -> Report:
        """verify --install with the flags publish gets."""
        runner = self.runner()
        return verify(runner, self.context(runner), self.flags(install=True))

    def dry_run(self) -> list[str] | None:
        """The checks that failed in the report publish --dry-run refused on, or None when
        it went through. Any other refusal fails the test: it would be a second verdict."""
        runner = self.runner()
        try:
            publish(runner, self.context(runner), self.flags(dry_run=True))
        except ChecksFailed:
            ((report, _, _),) = runner.reports
            return [r.id for r in report.checks if r.status is Status.FAIL]
        assert runner.logs[-1] == "Dry run: stopping before the upload; nothing was uploaded"
        assert runner.of_kind("upload") == []
        return None

    def build(self, *, broken: bool = False) -> None:
        """The build step, its tools failing the smoke test when ``broken``."""
        runner = fake(self.tmp_path, self.index, broken=BROKEN if broken else None)
        ctx = dataclasses.replace(self.context(runner), offline=True)
        if broken:
            with pytest.raises(ReleaseError):
                build(runner, ctx, Flags(skip=self.skip))
        else:
            build(runner, ctx, Flags(skip=self.skip))


def failed_build(w: World) -> None:
    """The build failed dists-install (a smoke test that needed what was not there then)."""
    w.build(broken=True)


def failed_build_skipped(w: World) -> None:
    """The same, with dists-stale skipped: publish still refuses a failed build's files."""
    w.build(broken=True)
    w.skip = ("dists-stale",)


def rebuild(w: World) -> None:
    w.build()


def repair_by_hand(w: World) -> None:
    """The way out without a build: the failed wheel replaced by another (auditwheel repair
    -w dist/, then the original deleted)."""
    wheel = w.project.root / "dist" / WHEEL
    wheel.unlink()
    make_wheel(wheel.parent, files={"demo_pkg/__init__.py": '"""Demo."""\n\n__version__ = '
                                    '"1.2.0"\n', "demo_pkg/core.py":
                                    "def answer() -> int:\n    return 42\n\n# repaired\n"})


def conflict(w: World) -> None:
    """The index holds the wheel's filename with other bytes."""
    released(w.project)
    w.index.add(make_wheel(w.tmp_path / "other", files={"demo_pkg/__init__.py": "# other\n"}))


def conflict_skipped(w: World) -> None:
    conflict(w)
    w.skip = ("index-version",)


def drop_from_index(w: World) -> None:
    """A private index's admin deleted the wrong file (PyPI never would: bump instead)."""
    (w.index.packages_dir / WHEEL).unlink()


def unreachable_skipped(w: World) -> None:
    """Nothing answers at the index's address, and index-version is skipped: the upload
    plan cannot be made."""
    released(w.project)
    w.repository = f"http://127.0.0.1:{free_port()}/"
    w.skip = ("index-version",)


def reach(w: World) -> None:
    w.repository = w.index.url


def dirty(w: World) -> None:
    released(w.project)
    w.project.write("demo_pkg/core.py", "def answer() -> int:\n    return 43\n")


def restore(w: World) -> None:
    w.project.git("checkout", "--", "demo_pkg/core.py")


def broken_release(w: World) -> None:
    """The wheel's package fails its smoke test: dists-install (verify --install)."""
    released(w.project)
    w.broken = True


def fix_release(w: World) -> None:
    w.broken = False
    rebuild(w)


def pypi_token_to_private_index_skipped(w: World) -> None:
    """The private index's password is a PyPI token, and token-scope skipped: the upload
    refuses to send it there anyway."""
    released(w.project)
    w.env = {"TWINE_PASSWORD": make_token()}
    w.skip = ("token-scope",)


def own_password(w: World) -> None:
    w.env = {"TWINE_PASSWORD": TOKEN}


def push_without_a_remote(w: World) -> None:
    released(w.project)
    w.push = True


def add_a_remote(w: World) -> None:
    with_remote(w.project, w.tmp_path)


def push_the_remote_would_refuse(w: World) -> None:
    """The remote's main moved on since the last fetch: only asking it tells."""
    released(w.project)
    remote = with_remote(w.project, w.tmp_path)
    other = w.tmp_path / "other"
    w.project.git("clone", "-q", "-b", "main", str(remote), str(other))
    w.project.git("-C", str(other), "commit", "-q", "--allow-empty", "-m", "theirs")
    w.project.git("-C", str(other), "push", "-q")
    w.push = True


def pull(w: World) -> None:
    w.project.git("pull", "-q", "--rebase", "origin", "main")


def push_on_a_detached_head(w: World) -> None:
    released(w.project)
    with_remote(w.project, w.tmp_path)
    w.project.git("switch", "-q", "--detach", "HEAD")
    w.push = True


def switch_to_main(w: World) -> None:
    w.project.git("switch", "-q", "main")


def github_release_without_notes_skipped(w: World) -> None:
    """No section for 1.2.0 to use as the GitHub release's notes, changelog-entry skipped."""
    released(w.project)
    w.project.write("CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n")
    w.project.commit("forget the entry")
    with_remote(w.project, w.tmp_path)
    w.github_release = True
    w.skip = ("changelog-entry",)


def write_the_notes(w: World) -> None:
    w.project.write("CHANGELOG.md", CHANGELOG.format(version="1.2.0"))
    w.project.commit("the entry")
    w.project.git("push", "-q", "origin", "main")


Step = Callable[[World], None]
PATHS: dict[str, tuple[Step, str, Step]] = {
    "failed-build": (failed_build, "dists-stale", rebuild),
    "failed-build-skipped": (failed_build_skipped, "dists-stale", rebuild),
    "failed-build-repaired-by-hand": (failed_build, "dists-stale", repair_by_hand),
    "index-conflict": (conflict, "index-version", drop_from_index),
    "index-conflict-skipped": (conflict_skipped, "index-version", drop_from_index),
    "index-unreachable-skipped": (unreachable_skipped, "index-version", reach),
    "uncommitted-change": (dirty, "git-clean", restore),
    "release-fails-its-smoke-test": (broken_release, "dists-install", fix_release),
    "pypi-token-to-a-private-index-skipped": (pypi_token_to_private_index_skipped,
                                              "token-scope", own_password),
    "push-without-a-remote": (push_without_a_remote, "git-upstream", add_a_remote),
    "push-the-remote-would-refuse": (push_the_remote_would_refuse, "git-upstream", pull),
    "push-on-a-detached-head": (push_on_a_detached_head, "git-upstream", switch_to_main),
    "github-release-without-notes-skipped": (github_release_without_notes_skipped,
                                             "changelog-entry", write_the_notes),
}


@pytest.mark.parametrize("path", list(PATHS))
def test_verify_passing_means_publish_dry_run_passing(
        path: str, project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """On each refusal path, verify fails with the check that names it and publish --dry-run
    refuses; after the fix, verify passes and so does publish --dry-run."""
    setup, check, fix = PATHS[path]
    world = World(project, pypiserver, tmp_path, pypiserver.url, {"TWINE_PASSWORD": TOKEN})
    setup(world)
    report = world.verify()
    failing = [r.id for r in report.checks if r.status is Status.FAIL]
    assert failing == [check], [r for r in report.checks if r.status is Status.FAIL]
    assert report.get(check).hint
    assert world.dry_run() == [check]
    fix(world)
    report = world.verify()
    assert report.ok, [r for r in report.checks if r.status is Status.FAIL]
    assert world.dry_run() is None


def test_a_failed_build_names_what_failed_and_every_way_out(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """The record names the failed check and its summary; dists-stale's fix names the
    rebuild, the build that skips that check, and the hand repair."""
    world = World(project, pypiserver, tmp_path, pypiserver.url, {"TWINE_PASSWORD": TOKEN})
    world.build(broken=True)
    record = read_marker(project.root / "dist")
    assert record is not None and [cid for cid, _ in record.failed] == ["dists-install"]
    assert record.files == {name: sha256(project.root / "dist" / name)
                            for name in (SDIST, WHEEL)}
    result = world.verify().get("dists-stale")
    assert result.summary == (
        f"the last build into dist/ failed dists-install ({WHEEL} installs, but the smoke "
        f"test failed: import demo_pkg.core failed: {BROKEN['demo_pkg.core']}), and dist/ "
        "holds the files it left")
    assert result.hint == (
        "fix what it failed on, then build again: nox -s build; or to release without that "
        "check, build with nox -s build -- --skip dists-install and publish with the same "
        "--skip dists-install; or if you fixed the files in dist/ by hand (auditwheel repair "
        "-w dist/), delete the ones they replace: the checks then judge what it holds")
    repair_by_hand(world)
    result = world.verify().get("dists-stale")
    assert result.status is Status.WARN
    assert result.summary.endswith(f"; dist/ has changed since (changed: {WHEEL}), so the "
                                   "other checks judge the files it holds now")
    assert result.hint == (f"once they pass, delete the record: rm dist/{MARKER} (a build that "
                           "succeeds removes it too)")


def test_the_skip_the_hint_names_gets_past_the_failed_build(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """`build -- --skip dists-install` after the failure, and publish with the same skip,
    go through: the hint's second way out works."""
    world = World(project, pypiserver, tmp_path, pypiserver.url, {"TWINE_PASSWORD": TOKEN},
                  broken=True)
    world.build(broken=True)
    world.skip = ("dists-install",)
    world.build()
    assert not (project.root / "dist" / MARKER).exists()
    assert world.verify().ok and world.dry_run() is None


@pytest.mark.parametrize(("contents", "said"), [
    (b"the last build failed\n", "it is not a record this version of publish-checks wrote"),
    (b"\x00\xff" * 100, "it is not a record this version of publish-checks wrote"),
    (b'{"publish-checks": "build-failed", "format": 1, "failed": [{"id": 3}]}',
     "it is not a record this version of publish-checks wrote"),
    (b"[" * 100_000, "it is not a record this version of publish-checks wrote"),
    (b" " * (300 * 1024), "it is 307.2 kB, more than the 262.1 kB such a file can sensibly hold"),
    (None, "it is a directory, not a file"),
], ids=["older-text", "binary", "wrong-types", "deep-nesting", "huge", "directory"])
def test_a_garbled_record_still_fails_with_a_clear_message(
        project: SampleProject, contents: bytes | None, said: str) -> None:
    """Whatever the record holds, dists-stale fails saying it cannot be read and how to get
    past it, never with a traceback."""
    released(project)
    marker = project.root / "dist" / MARKER
    if contents is None:
        marker.mkdir()
    else:
        marker.write_bytes(contents)
    result = project.verify().get("dists-stale")
    assert (result.status, result.summary) == (
        Status.FAIL, f"the last build into dist/ failed (its record dist/{MARKER} cannot be "
                     f"read: {said}), and dist/ holds the files it left")
    assert result.hint.endswith(f"if you know the files in dist/ are good, delete the "
                                f"record: rm dist/{MARKER}")


def test_a_record_that_names_hostile_text_is_shown_escaped(project: SampleProject) -> None:
    """A record someone edited cannot put terminal escapes into the report."""
    released(project)
    (project.root / "dist" / MARKER).write_text(json.dumps({
        "publish-checks": "build-failed", "format": 1, "error": "",
        "failed": [{"id": "dists-metadata", "summary": "\x1b[2Jgone"}], "files": None}))
    result = project.verify().get("dists-stale")
    assert "\x1b" not in result.summary and "\\x1b[2Jgone" in result.summary


def test_a_build_that_fails_before_its_checks_records_why(project: SampleProject) -> None:
    """A build tool that exits non-zero leaves a record with its error line."""
    write_marker(project.root / "dist", [], "the build failed (exit status 1):\nmore")
    result = project.verify().get("dists-stale")
    assert result.summary == ("the last build into dist/ failed: the build failed (exit "
                              "status 1), and nothing was put in its place")
    assert result.hint.startswith("fix what it failed on, then build again: nox -s build; or "
                                  "if you fixed the files in dist/ by hand")


LONG_LABEL = "The documentation of every single release"  # over PyPI's 32 characters


@pytest.mark.e2e
def test_a_failed_build_through_real_nox_is_one_verdict_until_rebuilt(
        project: SampleProject, envdir: Path, index: LocalIndex) -> None:
    """nox -s build fails dists-metadata; verify then fails dists-stale naming that build
    and the ways out, and publish --dry-run refuses on the same line; after the fix and a
    build, verify and publish --dry-run both pass."""
    project.write("pyproject.toml", project.root.joinpath("pyproject.toml").read_text()
                  + f'\n[project.urls]\n"{LONG_LABEL}" = "https://example.com/docs"\n')
    project.write("noxfile.py", NOXFILE)
    project.commit("adopt the release sessions")
    target = ("--repository", index.url)
    built = run_nox(project.root, envdir, "-s", "build")
    assert built.code != 0 and "✗ dists-metadata" in built.output, built.output
    verified = run_nox(project.root, envdir, "-s", "verify", "--", *target, "--install")
    assert verified.code != 0, verified.output
    line = check_line(verified.output, "dists-stale")
    assert line.startswith("✗ dists-stale the last build into dist/ failed dists-metadata ("), line
    assert LONG_LABEL in line and line.endswith("and dist/ holds the files it left"), line
    assert "nox -s build -- --skip dists-metadata and publish with the same --skip " \
           "dists-metadata" in verified.output
    refused = run_nox(project.root, envdir, "-s", "publish", "--", *target, "--dry-run")
    assert refused.code != 0 and check_line(refused.output, "dists-stale") == line
    assert "not publishing: 2 check(s) failed; nothing was uploaded" in refused.output
    assert "Traceback" not in verified.output + refused.output

    project.write("pyproject.toml", project.root.joinpath("pyproject.toml").read_text()
                  .replace(LONG_LABEL, "Documentation"))
    project.commit("a label PyPI takes")
    assert run_nox(project.root, envdir, "-s", "build").code == 0
    verified = run_nox(project.root, envdir, "-s", "verify", "--", *target, "--install")
    assert verified.code == 0, verified.output
    assert check_line(verified.output, "dists-stale").startswith("✓ dists-stale")
    dry_run = run_nox(project.root, envdir, "-s", "publish", "--", *target, "--dry-run")
    assert dry_run.code == 0, dry_run.output
    assert "Dry run: stopping before the upload; nothing was uploaded" in dry_run.output
    assert not any(index.packages.iterdir())


def check_line(output: str, cid: str) -> str:
    """The report line of check ``cid`` (the last one, for a chained run)."""
    lines = [" ".join(line.split()) for line in output.splitlines()
             if line.strip()[2:].startswith(cid + " ")]
    assert lines, output
    return lines[-1]

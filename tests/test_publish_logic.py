"""The parts of publish that need no index: plan, twine's argv and environment, failures,
the smoke command, the reproducible sdist."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from publish_checks._errors import ReleaseError
from publish_checks._text import human_size
from publish_checks.release.build import clean_outputs, file_table, normalize_sdist
from publish_checks.release.install import identity
from publish_checks.release.plan import make_plan
from publish_checks.release.process import run_redacted
from publish_checks.release.smoke import importable_modules, wheel_paths
from publish_checks.release.summary import next_steps
from publish_checks.release.upload import explain_upload_failure
from publish_checks.release.uploaders.twine import NULL_KEYRING
from tests.builders import SampleProject
from tests.distbuilders import make_release, make_wheel
from tests.tokens import make_token
from tests.uploads import twine_argv, twine_env

URL = "https://upload.example.com/legacy/"


def released(project: SampleProject) -> list[Path]:
    return make_release(project.root / "dist")


def test_plan_skips_files_the_index_has_with_the_same_sha(project: SampleProject) -> None:
    """Only files missing from the index, or served with other bytes, are to upload."""
    sdist, wheel = released(project)
    ctx = project.context(URL)
    same = hashlib.sha256(wheel.read_bytes()).hexdigest()
    plan = make_plan(ctx, {wheel.name: same})
    assert [f.dist.filename for f in plan.to_upload] == [sdist.name]
    assert "already on the index: skipped" in plan.render()
    assert f"{plan.project} {plan.version} → {URL}" in plan.render()


def test_plan_refuses_a_file_the_index_has_with_other_bytes(project: SampleProject) -> None:
    """A filename the index already holds with another sha256 stops the plan, whatever
    checks were skipped: sending the other files would leave half a release."""
    sdist, _ = released(project)
    with pytest.raises(ReleaseError) as raised:
        make_plan(project.context(URL), {sdist.name: "0" * 64})
    assert raised.value.message == (f"the index already has {sdist.name} with other contents, "
                                    "so nothing was uploaded")
    assert "nox -s bump -- patch" in raised.value.hint


def test_twine_argv_names_explicit_files_and_never_a_credential(project: SampleProject) -> None:
    """twine gets the exact paths to send and the URL; the index's own password (here
    TWINE_PASSWORD) stays in the environment."""
    token = "private-index-" + make_token()[5:]
    sdist, wheel = released(project)
    ctx = project.context(URL, env={"TWINE_PASSWORD": token})
    plan = make_plan(ctx, {})
    argv = twine_argv(plan)
    assert argv[:3] == ["twine", "--no-color", "upload"]
    assert argv[argv.index("--repository-url") + 1] == URL
    assert set(argv) >= {str(sdist), str(wheel)} and "dist/*" not in " ".join(argv)
    assert not any(token in a for a in argv) and "-p" not in argv and "--password" not in argv
    env = twine_env(ctx)
    assert env == {"TWINE_NON_INTERACTIVE": "1", "TWINE_USERNAME": "__token__",
                   "TWINE_PASSWORD": token, "PYTHON_KEYRING_BACKEND": NULL_KEYRING}


def test_without_a_token_twine_uses_its_own_keyring_or_trusted_publishing(
        project: SampleProject) -> None:
    """No token: no credentials and no null keyring, so twine's own paths stay open."""
    released(project)
    assert twine_env(project.context(URL)) == {"TWINE_NON_INTERACTIVE": "1"}


def test_a_pypirc_section_password_reaches_twine_through_its_environment(
        project: SampleProject) -> None:
    """A ~/.pypirc section's URL, user and password are read once: twine gets the URL on its
    command line and the password only as TWINE_PASSWORD, like every other secret."""
    home = Path(os.environ["HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / ".pypirc").write_text("[corp]\nrepository = https://corp.example/\n"
                                  "username = me\npassword = secret-pw\n")
    released(project)
    ctx = project.context("corp")
    argv = twine_argv(make_plan(ctx, {}))
    assert argv[argv.index("--repository-url") + 1] == "https://corp.example/"
    assert "--repository" not in argv and not any("secret-pw" in a for a in argv)
    assert twine_env(ctx) == {"TWINE_NON_INTERACTIVE": "1", "TWINE_USERNAME": "me",
                              "TWINE_PASSWORD": "secret-pw",
                              "PYTHON_KEYRING_BACKEND": NULL_KEYRING}


def test_attestations_are_sent_with_their_files(project: SampleProject) -> None:
    """A <dist>.publish.attestation next to a file to upload adds --attestations and the file."""
    _, wheel = released(project)
    attestation = wheel.with_name(wheel.name + ".publish.attestation")
    attestation.write_text("{}")
    argv = twine_argv(make_plan(project.context(URL), {}))
    assert "--attestations" in argv and str(attestation) in argv


@pytest.mark.parametrize(("output", "what", "fix"), [
    ("ERROR    HTTPError: 403 Forbidden from https://upload.pypi.org/legacy/\n"
     "Invalid or non-existent authentication information.",
     "the index refused the credentials (403",
     "check the username (__token__) and password for upload.example.com"),
    ("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
     "File already exists ('demo_pkg-1.2.0.tar.gz', with blake2_256 hash 'ab').",
     "already has a file with this name", "nox -s bump -- patch"),
    ("HTTPError: 400 Bad Request: This filename has already been used, use a different version.",
     "already has a file with this name", "nox -s bump -- patch"),
    ("HTTPError: 400 Bad Request: The name 'demo-pkg' is too similar to an existing project.",
     "too similar to an existing project", "choose another [project].name"),
    ("HTTPError: 405 Method Not Allowed from https://pypi.org/simple/",
     "does not accept uploads", "give the upload URL"),
    ("HTTPError: 500 Internal Server Error from https://upload.pypi.org/legacy/",
     "the index had a server error", "run the same command again"),
    ("requests.exceptions.ConnectionError: HTTPSConnectionPool(host='x', port=443): Max retries "
     "exceeded (Caused by NewConnectionError('Failed to establish a new connection: "
     "[Errno 111] Connection refused'))", "could not connect to", "check the URL"),
    ("ReadTimeoutError: HTTPSConnectionPool(host='x', port=443): Read timed out.",
     "timed out", "run the same command again"),
    ("something nobody expected", "twine upload failed", "read twine's message above"),
])
def test_index_answers_become_the_fix(project: SampleProject, output: str, what: str,
                                      fix: str) -> None:
    """Each known twine/index failure is named and paired with what to do."""
    message, hint = explain_upload_failure(output, project.context(URL))
    assert what in message
    assert fix in hint


def test_a_403_from_pypi_is_about_the_token(project: SampleProject) -> None:
    """On PyPI a refusal names the token variable, the host, the project and where to mint one."""
    message, hint = explain_upload_failure("HTTPError: 403 Forbidden", project.context("pypi"))
    assert "refused the credentials" in message
    assert hint.startswith("check that PYPI_API_KEY holds a token for pypi.org, scoped to demo-pkg")
    assert "https://pypi.org/manage/account/token/" in hint


def test_the_smoke_test_imports_every_module_the_wheel_installs(tmp_path: Path) -> None:
    """Every module and extension module in an importable place, parents first; not test
    suites (tests, test and testing packages: twisted.test), __main__, stubs, data folders
    inside a package, or .dist-info."""
    wheel = make_wheel(tmp_path, files={
        "attr/__init__.py": "", "attr/_make.py": "", "attr/_make.pyi": "", "attr/py.typed": "",
        "attr/__main__.py": "", "attr/tests/__init__.py": "", "attr/tests/test_make.py": "",
        "attr/testing.py": "", "attr/templates/hook.py": "", "attr/class/x.py": "",
        "attr/test/__init__.py": "", "attr/test/process_tty.py": "", "attr/proto/test.py": "",
        "attr/proto/__init__.py": "",
        "attrs/__init__.py": "", "single.py": "", "speed.cpython-311-x86_64-linux-gnu.so": "",
        "demo_pkg-1.2.0.data/purelib/extra.py": "", "demo_pkg-1.2.0.data/scripts/tool.py": "",
        "google/cloud/storage/__init__.py": "", "docs-src/conf.py": ""})
    assert importable_modules(wheel_paths(wheel)) == [
        "attr", "attr._make", "attr.proto", "attr.proto.test", "attrs", "extra",
        "google.cloud.storage", "single", "speed"]


def test_smoke_skip_modules_leave_out_a_module_and_its_submodules() -> None:
    """A module named in smoke-skip-modules is not imported, nor is anything under it."""
    paths = ["pkg/__init__.py", "pkg/gui/__init__.py", "pkg/gui/qt.py", "pkg/guide.py",
             "pkg/core.py"]
    assert importable_modules(paths, ("pkg.gui",)) == ["pkg", "pkg.core", "pkg.guide"]
    assert importable_modules(paths, ("pkg",)) == []


@pytest.mark.parametrize(("filename", "expected"), [
    ("demo_pkg-1.2.0-py3-none-any.whl", ("demo-pkg", "1.2.0")),
    ("demo_pkg-1.2.0.tar.gz", ("demo-pkg", "1.2.0")),
    ("Demo.Pkg-1.2.0rc1.zip", ("demo-pkg", "1.2.0rc1")),
])
def test_a_release_file_names_its_project_and_version(filename: str,
                                                       expected: tuple[str, str]) -> None:
    """The smoke test looks for the distribution its file name gives, normalized."""
    assert identity(Path(filename)) == expected


def test_next_steps_print_only_what_was_not_done(project: SampleProject) -> None:
    """After --tag --push the summary no longer tells the user to tag or push."""
    released(project)
    ctx = project.context("pypi")
    plan = make_plan(ctx, {})
    todo = next_steps(ctx, plan, tagged=False, pushed=False)
    assert "git tag -a v1.2.0" in todo
    assert "git push --atomic origin HEAD:refs/heads/main refs/tags/v1.2.0" in todo
    assert "https://pypi.org/project/demo-pkg/1.2.0/" in todo
    done = next_steps(ctx, plan, tagged=True, pushed=True)
    assert "git tag" not in done and "git push" not in done


def test_normalized_sdist_depends_only_on_contents_and_epoch(tmp_path: Path) -> None:
    """Two sdists with other mtimes, owners and gzip stamps normalize to identical bytes."""
    def sdist(path: Path, mtime: float) -> Path:
        src = tmp_path / "src.txt"
        src.write_text("same contents\n")
        os.utime(src, (mtime, mtime))
        with tarfile.open(path, "w:gz") as tf:
            info = tf.gettarinfo(str(src), arcname="demo-1.0/src.txt")
            info.uid, info.uname = 1234, "someone"
            info.mode = 0o600 if mtime < 1_750_000_000 else 0o664  # two different umasks
            with src.open("rb") as f:
                tf.addfile(info, f)
        return path

    a = sdist(tmp_path / "a.tar.gz", 1_700_000_000.5)
    b = sdist(tmp_path / "b.tar.gz", 1_800_000_000.25)
    assert a.read_bytes() != b.read_bytes()
    for path in (a, b):
        normalize_sdist(path, 1_600_000_000)
    assert a.read_bytes() == b.read_bytes()
    with tarfile.open(a) as tf:
        (member,) = tf.getmembers()
        assert (member.mtime, member.uid, member.uname) == (1_600_000_000, 0, "")
        assert member.mode == 0o644
        assert tf.extractfile(member).read() == b"same contents\n"  # type: ignore[union-attr]


def test_clean_outputs_removes_build_leftovers_but_not_tracked_folders(
        project: SampleProject) -> None:
    """dist/, an untracked build/ and *.egg-info go; a build/ folder git tracks stays."""
    for folder in ("dist", "build", "demo_pkg.egg-info"):
        project.write(f"{folder}/x", "stale")
    assert sorted(clean_outputs(project.root, project.root / "dist", project.context().git)) == [
        "build", "demo_pkg.egg-info", "dist"]
    project.write("build/tracked.txt", "source")
    project.commit("a real build/ folder")
    assert clean_outputs(project.root, project.root / "dist", project.context().git) == []
    assert (project.root / "build" / "tracked.txt").exists()


def test_file_table_and_sizes_are_readable() -> None:
    """Sizes use kB/MB like PyPI; rows align."""
    assert [human_size(n) for n in (999, 1500, 2_500_000)] == ["999 B", "1.5 kB", "2.5 MB"]
    table = file_table([("a.whl", 1500, "ab" * 32, "to upload"), ("bb.tar.gz", 10, "cd" * 32, "")])
    assert table.splitlines()[0].index("sha256") == table.splitlines()[1].index("sha256")


def test_output_of_a_child_that_echoes_a_token_is_redacted(
        capsys: pytest.CaptureFixture[str]) -> None:
    """Whatever a child prints, the token (given or token-shaped) is replaced before it shows."""
    token = make_token()
    done = run_redacted(
        [sys.executable, "-c", f"print('using {token} and secret-pw'); raise SystemExit(3)"],
        env=dict(os.environ), secrets=("secret-pw",), echo=sys.stdout)
    output = done.output
    shown = capsys.readouterr().out
    assert done.code == 3
    for text in (output, shown):
        assert token not in text and "secret-pw" not in text
        assert "using pypi-******** and pypi-********" in text


def test_a_child_past_its_time_is_stopped() -> None:
    """A hanging child is killed at its timeout and says so; the release never hangs."""
    done = run_redacted([sys.executable, "-c", "import time; print('started', flush=True); "
                         "time.sleep(60)"], env=dict(os.environ), timeout=1)
    assert done.timed_out and done.code != 0
    assert "started" in done.output and "stopped after 1 s" in done.output


INTERRUPTED_WHILE_THE_TIMER_STARTS = """\
import os, sys, threading
start = threading.Timer.start
def interrupted(timer):
    start(timer)
    raise KeyboardInterrupt
threading.Timer.start = interrupted
from publish_checks.release.process import run_redacted
try:
    run_redacted([sys.executable, "-c", "pass"], env=dict(os.environ), timeout=600)
except KeyboardInterrupt:
    print("interrupted", flush=True)
"""


def test_a_ctrl_c_while_the_timeout_starts_does_not_keep_the_process_alive() -> None:
    """Interrupted as its child's timer starts, the process still exits at once, not after
    the child's timeout (a Ctrl-C mid-rehearsal under load hung nox for the step's 900 s)."""
    done = subprocess.run([sys.executable, "-c", INTERRUPTED_WHILE_THE_TIMER_STARTS],
                          capture_output=True, text=True, timeout=30, check=False,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.stdout == "interrupted\n", done.stderr
    assert done.returncode == 0, done.stderr

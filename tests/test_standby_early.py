"""The uploader started before the command's modules load (release/standby.py
``start_early``, the publish command's ``ahead``), and taken over by publish's own
``standing_by`` only when it is the uploader publish would start, started as publish would
start it; with a runner that notes what it starts (the real one runs in test_standby.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from publish_checks.checks.context import Context
from publish_checks.release import upload
from publish_checks.release.standby import start_early, waiting_environment
from publish_checks.release.uploaders import UPLOADERS
from tests.builders import SampleProject

SECRETS = {"TWINE_PASSWORD": "pw-1", "PYPI_API_KEY": "pypi-AgEIcHlwaS5vcmc-key",
           "MY_INDEX_SECRET_VALUE": "v-1", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "oidc-1"}
ENVIRON = {"PATH": "/usr/bin", "HOME": "/home/me", "LANG": "C.UTF-8", **SECRETS}


class Waiting:
    """What the runner started ahead: its command line and environment, and whether it was
    stopped."""

    def __init__(self, argv: Sequence[str], env: Mapping[str, str]) -> None:
        self.argv, self.env, self.closed = list(argv), dict(env), False

    def close(self) -> None:
        self.closed = True


class Runner:
    """Stands by (``standby``), and has made the uploader's tool environment when ``made``."""

    def __init__(self, bindir: Path, *, made: bool = True) -> None:
        self.bindir, self.made = bindir, made
        self.started: list[Waiting] = []
        self.installed: list[Sequence[str]] = []

    def provided(self, requirements: Sequence[str]) -> Path | None:
        return self.bindir if self.made else None

    def provide(self, requirements: Sequence[str]) -> Path:
        self.installed.append(requirements)
        return self.bindir

    def standby(self, argv: Sequence[str], *, env: Mapping[str, str],
                cwd: Path | None = None) -> Waiting:
        self.started.append(Waiting(argv, env))
        return self.started[-1]

    def go(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("nothing is sent in these tests")


def configured(project: SampleProject, config: str) -> SampleProject:
    text = (project.root / "pyproject.toml").read_text("utf-8")
    project.write("pyproject.toml", text + f"\n[tool.publish-checks]\n{config}\n")
    return project


def test_the_uploader_starts_before_the_checks_with_no_secret_and_is_stopped_unsent(
        project: SampleProject, tmp_path: Path) -> None:
    configured(project, 'token-variable = "MY_INDEX_SECRET_VALUE"')
    runner = Runner(tmp_path / "bin")
    with start_early(runner, project.root, ENVIRON) as early:  # type: ignore[arg-type]
        assert early is not None and runner.started == [early.waiting]
        waiting = runner.started[0]
        assert waiting.argv == [str(tmp_path / "bin" / "python"), "-c",
                                UPLOADERS["twine"].standby()]
        assert not set(SECRETS) & set(waiting.env)
        assert not any(v in "".join(waiting.env.values()) for v in SECRETS.values())
        assert waiting.env["PATH"] == f"{tmp_path / 'bin'}:/usr/bin"
        assert waiting.env["HOME"] == "/home/me"
        assert not waiting.closed
    assert waiting.closed and runner.installed == []  # made nothing: it was there


def test_nothing_starts_early_for_a_dry_run_an_unmade_environment_or_a_bad_config(
        project: SampleProject, tmp_path: Path) -> None:
    """A dry run uploads nothing; a tool environment not made yet is made in publish's
    turn, and says so there; a configuration that does not load is publish's to report."""
    runner = Runner(tmp_path / "bin")
    with start_early(runner, project.root, ENVIRON, dry_run=True) as early:  # type: ignore[arg-type]
        assert early is None
    unmade = Runner(tmp_path / "bin", made=False)
    with start_early(unmade, project.root, ENVIRON) as early:  # type: ignore[arg-type]
        assert early is None
    configured(project, 'uploader = "carrier-pigeon"')
    with start_early(runner, project.root, ENVIRON) as early:  # type: ignore[arg-type]
        assert early is None
    assert runner.started == unmade.started == [] and runner.installed == unmade.installed == []


def test_publish_takes_the_early_uploader_started_as_it_would_start_it(
        project: SampleProject, tmp_path: Path) -> None:
    runner = Runner(tmp_path / "bin")
    ctx = Context.load(project.root, None, environ=ENVIRON)
    with start_early(runner, project.root, ENVIRON) as early:  # type: ignore[arg-type]
        assert early is not None
        with upload.standing_by(runner, ctx, early) as warm:  # type: ignore[arg-type]
            assert warm is early and len(runner.started) == 1
            assert early.env == waiting_environment(ENVIRON, UPLOADERS["twine"],
                                                    tmp_path / "bin", hidden=ctx.secret_variables)
        assert early.waiting.closed  # stopped unsent at publish's end


def test_an_early_uploader_of_another_environment_or_uploader_is_stopped_for_a_new_one(
        project: SampleProject, tmp_path: Path) -> None:
    """Started for what publish then reads otherwise (here: its environment changed in
    between, and then the configured uploader): publish starts its own, and the early one
    is stopped, having done nothing."""
    runner = Runner(tmp_path / "bin")
    for change in ("environment", "uploader"):
        environ = {**ENVIRON, "LANG": "fr_FR.UTF-8"} if change == "environment" else ENVIRON
        with start_early(runner, project.root, environ) as early:  # type: ignore[arg-type]
            assert early is not None
            if change == "uploader":
                configured(project, 'uploader = "uv"')
            ctx = Context.load(project.root, None, environ=ENVIRON)
            with upload.standing_by(runner, ctx, early) as warm:  # type: ignore[arg-type]
                assert early.waiting.closed, change
                if change == "environment":
                    assert warm is not None and warm is not early
                    assert warm.waiting.env["LANG"] == "C.UTF-8"  # type: ignore[attr-defined]
                else:
                    assert warm is None  # uv publish starts when the upload does

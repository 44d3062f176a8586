"""The runner of a nox session (``frontend/sessions.py`` runs each command with it): loaded by
``frontend/commands.py`` with the command, so that a noxfile's ``import publish_checks.nox``
imports no report, check or release module."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import nox
from nox.command import CommandFailed

from publish_checks._text import NOX_STEPS, Steps
from publish_checks.frontend.console import Console, project_root
from publish_checks.frontend.options import Options
from publish_checks.frontend.sessions import STEP_ATTRIBUTE
from publish_checks.project.config import token_variables


class SessionRunner(Console):
    """The pipeline's runner inside a nox session: tools are installed into the session's
    virtualenv, progress goes to nox's log."""

    #: nox runs the gates that name sessions before build: they are its ``requires=``.
    session_gates_ran = True

    def __init__(self, session: nox.Session, environ: dict[str, str], as_json: bool,
                 hidden: Sequence[str] = (), steps: Steps = NOX_STEPS) -> None:
        super().__init__(environ, as_json=as_json, hidden=hidden)
        self.session = session
        self.steps = steps

    def provide(self, requirements: Sequence[str]) -> Path:
        if requirements:
            # nox adds the session's own variables (its virtualenv, PATH) to what it is
            # given; include_outer_env=False: nothing of ours it is not given.
            # The session's own variables last: a VIRTUAL_ENV or UV_PYTHON of the process
            # (nox's script-mode environment, the user's) must not take the install elsewhere.
            own = {k: v for k, v in self.session.virtualenv.env.items() if v is not None}
            self.session.install(*requirements, silent=True, env={**self.tool_env(), **own},
                                 include_outer_env=False)
        return Path(self.session.bin)

    def log(self, message: str) -> None:
        self.session.log(f"# {message}")

    def say(self, text: str) -> None:
        self.session.log(text)

    def run_gate(self, shown: str, argv: Sequence[str], cwd: Path,
                 env: Mapping[str, str]) -> int | None:
        """A command gate, as nox runs a command (it logs it, and says how it failed)."""
        try:
            with self.session.chdir(cwd):
                # no upload secret or CI identity for the project's own commands
                self.session.run(*argv, external=True, env=dict(env), include_outer_env=False)
        except CommandFailed:
            return None
        return 0

    def unsuccessful_build(self) -> str | None:
        """Why this nox run's build session did not succeed, if it ran before this session.

        nox goes on with a chain after a failed or aborted session (unless ``-x``): after a
        failed gate, ``nox -s build publish`` would publish the files an earlier build left
        in dist/. nox gives a session no public view of the run, so this reads its manifest;
        a nox that keeps it elsewhere leaves only the build's own marker in dist/ to stop a
        publish.
        """
        manifest = getattr(getattr(self.session, "_runner", None), "manifest", None)
        if manifest is None:
            return None
        for other, _ in manifest.list_all_sessions():
            result = getattr(other, "result", None)
            if getattr(other.func, STEP_ATTRIBUTE, None) == "build" and result is not None \
                    and not result:
                return f"{other.friendly_name}: {result.reason or result.status.name.lower()}"
        return None


def build_runner(name: str, options: Options, *, session: nox.Session,
                 environ: dict[str, str], steps: Steps) -> SessionRunner:
    """The runner of the session of the command ``name`` (``frontend.commands.run_command``
    builds it): the project's token-variables kept from the tool environments it makes."""
    return SessionRunner(session, environ, options.json, token_variables(project_root(options)),
                         steps)

"""The nox sessions: ``import publish_checks.nox`` in a noxfile registers them.

Sessions stay thin: they parse posargs with the one shared parser and call the package.
``[tool.publish-checks] gates`` that name sessions become the build session's
``requires=``: nox runs them first, and a failing one stops the build.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import nox

from publish_checks._errors import PublishChecksError
from publish_checks._text import Steps
from publish_checks.frontend import sessions
from publish_checks.project.children import Role, withheld
from publish_checks.project.config import load_config, token_variables

SessionFunc = Callable[[nox.Session], None]

#: step → session body, one per command of ``frontend/commands.py`` that has a session; its
#: docstring is what ``nox -l`` shows.
SESSIONS: dict[str, sessions.SessionBody] = sessions.BODIES

#: session name → step, of the sessions this module put into nox's registry.
_registered: dict[str, str] = {}
#: The gates that name sessions, for the stand-ins of those the noxfile lacks.
_gates: tuple[str, ...] = ()


def register(names: Sequence[str] | Mapping[str, str] | None = None) -> None:
    """Register the release sessions with nox, replacing those registered before.

    ``names`` picks which sessions and, as a mapping, renames them
    (``register({"publish": "release"})`` offers publish alone, as ``release``). Default:
    all five, under their own names. The gates of the pyproject.toml beside the noxfile
    (nox runs in the noxfile's folder) are the build session's ``requires=``.
    """
    if isinstance(names, str):  # register("build") would iterate its letters
        names = [names]
    if isinstance(names, Mapping):
        chosen = dict(names)
    else:
        chosen = {n: n for n in (SESSIONS if names is None else names)}
    # Everything is checked before the registry is touched: a bad call changes nothing.
    for step, name in chosen.items():
        if step not in SESSIONS:
            msg = f"publish_checks.nox.register: unknown session {step!r} (have {list(SESSIONS)})"
            raise ValueError(msg)
        if not isinstance(name, str) or not name.strip():
            msg = f"publish_checks.nox.register: the name for {step!r} must be a non-empty string"
            raise ValueError(msg)
    if len(set(chosen.values())) < len(chosen):
        msg = f"publish_checks.nox.register: two sessions under one name in {chosen!r}"
        raise ValueError(msg)
    registry = nox.registry._REGISTRY
    for name in _registered:
        if getattr(registry.get(name), sessions.STEP_ATTRIBUTE, None) is not None:
            del registry[name]
    _registered.clear()
    global _gates
    _gates = _session_gates() if "build" in chosen else ()
    steps = Steps(nox=True, renamed=tuple((s, n) for s, n in chosen.items() if s != n),
                  missing=tuple(s for s in SESSIONS if s not in chosen))
    for step, name in chosen.items():
        nox.session(name=name, venv_backend="uv|virtualenv", reuse_venv=True, tags=["release"],
                    default=False, requires=list(_gates) if step == "build" else None,
                    )(_session(step, name, steps))
        _registered[name] = step


def _session(step: str, name: str, steps: Steps) -> SessionFunc:
    """The session function nox registers: the step's body, told the noxfile's names."""
    body = SESSIONS[step]

    def session(session: nox.Session) -> None:
        body(session, steps)

    session.__name__ = session.__qualname__ = name
    session.__doc__ = body.__doc__
    setattr(session, sessions.STEP_ATTRIBUTE, step)
    return session


def _session_gates() -> tuple[str, ...]:
    """The gates that name sessions, from the pyproject.toml in the current folder: nox
    changes into the noxfile's folder before it loads the noxfile. A configuration that
    cannot be read gives none: the build session reports the error and builds nothing."""
    try:
        gates = load_config(Path.cwd()).gates
    except PublishChecksError:
        return ()
    return tuple(gate for gate in gates if isinstance(gate, str))


def _stand_in_for_missing_gates() -> None:
    """A gate that names no session of the noxfile gets a session that fails saying so
    (nox alone would say "Session not found", without naming the gates). Called when nox
    reads its registry, after the whole noxfile has run."""
    registry = nox.registry._REGISTRY
    for gate in _gates:
        # itself, or a parametrized one (tests-3.12, tests(django='5.0'))
        found = [name for name in registry
                 if gate == name or gate.startswith((f"{name}-", f"{name}("))]
        for name in found:
            _as_gate(registry[name])
        if found:
            continue

        def missing(session: nox.Session, gate: str = gate) -> None:
            session.error(f"usage error: [tool.publish-checks] gates names '{gate}', but the "
                          f"noxfile has no session '{gate}' — define it there, or remove it "
                          "from gates in pyproject.toml")

        missing.__doc__ = "Missing: named in [tool.publish-checks] gates, but no session here."
        nox.session(name=gate, venv_backend="none", default=False)(missing)


def _as_gate(func: Any) -> None:
    """Make session ``func`` a gate of the build session.

    - nox gives every session of a run the same posargs, so ``nox -s build publish --
      --yes`` would hand ``--yes`` to a gate's ``pytest *session.posargs``. A gate that nox
      runs because build requires it (not named on the command line) runs without them;
      ``nox -s tests -- -k slow`` still gets its own.
    - In a run that builds, the gate runs without the upload secrets and the CI identity
      (SPEC §6): they leave nox's environment while it runs and come back after it, for
      publish. ``nox -s tests`` alone is not a gate and keeps them.

    (The run's posargs, sessions and queue are on nox's private runner: the tests pin them
    for the nox installed.)"""
    original = func.func
    if getattr(original, "_publish_checks_gate", False):
        return

    def gate(session: nox.Session, *args: Any, **kwargs: Any) -> Any:
        runner = getattr(session, "_runner", None)
        named = getattr(getattr(runner, "global_config", None), "sessions", None) or ()
        if runner is not None and session.name not in named and func.name not in named:
            runner.posargs = []
        with _secrets_withheld(runner):
            return original(session, *args, **kwargs)

    gate._publish_checks_gate = True  # type: ignore[attr-defined]
    gate.__doc__, gate.__name__ = original.__doc__, original.__name__
    func.func = gate


def _builds(runner: Any) -> bool:
    """Whether nox's run of ``runner`` is to run the build session (whose gates run first).
    Iterating nox's manifest would consume its queue: ``list_all_sessions`` only reads it."""
    manifest = getattr(runner, "manifest", None)
    if manifest is None:  # a nox we do not know: hide the secrets all the same
        return True
    return any(queued and getattr(each.func, sessions.STEP_ATTRIBUTE, None) == "build"
               for each, queued in manifest.list_all_sessions())


@contextmanager
def _secrets_withheld(runner: Any) -> Iterator[None]:
    """In a run that builds, nox's environment without what a gate must not get
    (``project/children.py``: the upload secrets, the project's token-variables, the CI
    identity), put back afterwards; in any other run, as it is."""
    names = (withheld(os.environ, Role.GATE, hidden=token_variables(Path.cwd()))
             if _builds(runner) else ())
    kept = {name: os.environ.pop(name) for name in names}
    try:
        yield
    finally:
        os.environ.update(kept)


def _hook_registry() -> None:
    """Two hooks into nox's registry, installed once per process.

    - nox clears its registry and re-executes the noxfile on every run in one process, but a
      noxfile's ``import publish_checks.nox`` finds this module cached and registers nothing.
      So when nox resets, drop this module from sys.modules: the next import runs it again.
    - When nox reads the registry (after the noxfile ran), stand in for missing gates.
    """
    registry = nox.registry
    if getattr(registry.reset, "_publish_checks", False):
        return
    reset, get = registry.reset, registry.get

    def reset_and_forget() -> None:
        reset()
        sys.modules.pop(__name__, None)

    def get_with_gates() -> dict[str, Any]:
        plugin = sys.modules.get(__name__)
        if plugin is not None:
            plugin._stand_in_for_missing_gates()
        return get()

    reset_and_forget._publish_checks = True  # type: ignore[attr-defined]
    registry.reset = reset_and_forget
    registry.get = get_with_gates


_hook_registry()
register()

__all__ = ["SESSIONS", "register"]

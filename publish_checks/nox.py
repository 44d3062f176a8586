"""The nox sessions: ``import publish_checks.nox`` in a noxfile registers them.

Sessions stay thin: they parse posargs with the one shared parser and call the package.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence

import nox

from publish_checks.frontend import sessions

SessionFunc = Callable[[nox.Session], None]

#: name → session function; its docstring is what ``nox -l`` shows.
SESSIONS: dict[str, SessionFunc] = {
    "verify": sessions.verify,
    "build": sessions.build,
    "publish": sessions.publish,
    "rehearse": sessions.rehearse,
    "bump": sessions.bump,
}


def register(names: Sequence[str] | Mapping[str, str] | None = None) -> None:
    """Register the release sessions with nox; idempotent.

    ``names`` picks which sessions and, as a mapping, renames them
    (``register({"verify": "release-verify"})``). Default: all five, under their own names.
    """
    chosen = dict(names) if isinstance(names, Mapping) else {n: n for n in (names or SESSIONS)}
    for original, name in chosen.items():
        if original not in SESSIONS:
            msg = (f"publish_checks.nox.register: unknown session {original!r} "
                   f"(have {list(SESSIONS)})")
            raise ValueError(msg)
        func = SESSIONS[original]
        nox.session(name=name, venv_backend="uv|virtualenv", reuse_venv=True, tags=["release"],
                    default=False)(func)


def _forget_on_reset() -> None:
    """nox clears its registry and re-executes the noxfile on every run in one process, but a
    noxfile's ``import publish_checks.nox`` finds this module cached and registers nothing.
    So when nox resets, drop this module from sys.modules: the next import runs it again."""
    reset = nox.registry.reset
    if getattr(reset, "_publish_checks", False):
        return

    def reset_and_forget() -> None:
        reset()
        sys.modules.pop(__name__, None)

    reset_and_forget._publish_checks = True  # type: ignore[attr-defined]
    nox.registry.reset = reset_and_forget


_forget_on_reset()
register()

__all__ = ["SESSIONS", "register"]

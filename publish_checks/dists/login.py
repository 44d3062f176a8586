"""Which login, if any, reads a target's simple index and its files (SPEC §3 "A token goes
only where it belongs").

The same secret the upload gets (project/binding.py ``find_secret``), and only when the
upload would send it: a secret :func:`~publish_checks.project.binding.refusal` keeps from
the target is not sent to its index either. PyPI and TestPyPI list their files to anyone,
so nothing is sent there; nor over plain http:// beyond this machine.
"""

from __future__ import annotations

from publish_checks.dists.fetch import Login, login_for
from publish_checks.project.binding import refusal
from publish_checks.project.credentials import Token
from publish_checks.project.repository import Target


def index_login(target: Target, token: Token | None) -> Login | None:
    """The login for ``target``'s simple index, or None to read it anonymously."""
    if (target.index_url is None or target.token_host is not None or target.is_local
            or token is None or not token.value or refusal(target, token) is not None):
        return None
    return login_for(target.index_url, token.username or target.username, token.value,
                     f"{token.variable} from {token.origin}")

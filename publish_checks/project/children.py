"""What every child process gets from our environment (SPEC §6): :func:`child_environment`
builds it from the parent's environment and the child's :class:`Role`.

A child gets every variable except the secrets, and of those only what its role needs:
the uploader the CI identity (its own secret it gets from its adapter, never inherited),
the signer the identity Sigstore signs with, gh/glab their own token. git — its hooks,
often pre-commit's third-party ones, included — build backends, gates, tool environments
and the installed release get none.

Why not keep only listed variables: a build backend reads whatever its project needs
(SETUPTOOLS_SCM_PRETEND_VERSION, CFLAGS, MACOSX_DEPLOYMENT_TARGET, CMAKE_ARGS, MYPKG_NO_EXT),
a pre-commit hook its toolchain's (GOPATH, CARGO_HOME, NODE_OPTIONS, SKIP), a gate the test
suite's; no list names them all, and a missing one builds a different wheel without a word.
So the list is of what is withheld: the upload secrets by name (ours, the project's own
token-variables, the upload tools' settings), the CI identity, and whatever looks like a
secret by its name (…_TOKEN, …_PASSWORD, …SECRET…, …_API_KEY) or its value (a PyPI token).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from enum import Enum

from publish_checks._record import Record, record
from publish_checks.project import twine_conventions
from publish_checks.project.trusted import (
    GITHUB_OIDC,
    SIGSTORE_ID_TOKEN,
    gitlab_id_token_variable,
)


class Role(Enum):
    """Who a child process is: what it may get of our environment follows from it."""

    GIT = "git"  # git, and the hooks it runs
    BUILD = "build"  # python -m build and the project's build backend
    GATE = "gate"  # the project's quality gates
    TOOL = "tool"  # tool environments: installing them (pip or uv may run a backend), using them
    AUDIT = "audit"  # auditwheel show, abi3audit: tool environments whose words a check quotes
    SMOKE = "smoke"  # installing the release into a fresh virtualenv, and its smoke test
    FORGE = "forge"  # gh or glab: their own token
    SIGNER = "signer"  # pypi-attestations: the job's identity, for Sigstore
    UPLOADER = "uploader"  # the job's identity (trusted publishing)


#: The upload secrets every project may use, besides its own token-variables.
UPLOAD_SECRETS = ("PYPI_API_KEY", "TEST_PYPI_API_KEY", twine_conventions.PASSWORD)
#: Settings of the upload tools (a repository URL may hold a password): no child reads
#: them, but the uploader gets twine_conventions.UPLOADER_SETTINGS, harmless ones.
UPLOAD_SETTINGS = (twine_conventions.SETTINGS_PREFIX, "UV_PUBLISH_", "HATCH_INDEX_",
                   "PDM_PUBLISH_", "FLIT_")
#: Where the forge CLIs read their token: gh (GitHub, GitHub Enterprise), glab.
FORGE_TOKENS = ("GH_TOKEN", "GITHUB_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN",
                "GITLAB_TOKEN", "GITLAB_ACCESS_TOKEN", "OAUTH_TOKEN", "CI_JOB_TOKEN")
#: The job's identity, which mints a PyPI token in trusted-publishing CI: GitHub's OIDC
#: request pair, and GitLab's ID tokens (any audience: ``id_tokens`` names them freely).
IDENTITY_PREFIX = "ACTIONS_ID_TOKEN_"
IDENTITY_SUFFIX = "_ID_TOKEN"
PYPI_IDENTITY = (*GITHUB_OIDC, gitlab_id_token_variable("pypi.org"),
                 gitlab_id_token_variable("test.pypi.org"))
SIGSTORE_IDENTITY = (*GITHUB_OIDC, SIGSTORE_ID_TOKEN)

# A secret by its name: a TOKEN, PASSWORD, PASSWD or PASS part, SECRET anywhere, an API key.
_SECRET_NAME = re.compile(r"(?:^|_)(?:TOKENS?|PASSWORD|PASSWD|PASS|API_?KEY|PRIVATE_KEY)(?:_|$)"
                          r"|SECRET")
# uv's credentials for a named index it installs from (a company mirror): what reads the
# project's dependencies needs them; an upload through uv gets its own (UV_PUBLISH_…).
_INDEX_LOGIN = re.compile(r"UV_INDEX_[A-Z0-9_]+_(?:USERNAME|PASSWORD)")
# A PyPI token (a macaroon, base64url: "AgE…"), whatever variable holds it.
_PYPI_TOKEN = re.compile(r"pypi-AgE[A-Za-z0-9_\-]{40,}")


@record
class _Rules(Record):
    gets: tuple[str, ...] = ()  # secrets it needs, by name
    drops: tuple[str, ...] = ()  # variables that would make it run somewhere else
    sets: tuple[tuple[str, str], ...] = ()


_ROLES = {
    # LC_ALL=C: git's messages untranslated, whatever the user's language.
    Role.GIT: _Rules(sets=(("LC_ALL", "C"),)),
    Role.BUILD: _Rules(),
    Role.GATE: _Rules(),
    Role.TOOL: _Rules(drops=("VIRTUAL_ENV",)),
    # LC_ALL=C: what dists-abi quotes of them untranslated, whatever the user's language.
    Role.AUDIT: _Rules(drops=("VIRTUAL_ENV",), sets=(("LC_ALL", "C"),)),
    # The fresh virtualenv alone: no path of ours or of the project's shadows the release.
    Role.SMOKE: _Rules(drops=("PYTHONPATH", "VIRTUAL_ENV")),
    Role.FORGE: _Rules(gets=FORGE_TOKENS),
    # Of GitLab's ID tokens only Sigstore's: the PyPI ones mint upload tokens.
    Role.SIGNER: _Rules(gets=SIGSTORE_IDENTITY),
    Role.UPLOADER: _Rules(gets=(*PYPI_IDENTITY, *twine_conventions.UPLOADER_SETTINGS)),
}


def looks_secret(name: str, value: str = "") -> bool:
    """Whether variable ``name`` holding ``value`` looks like a secret: by its name
    (…_TOKEN, …_PASSWORD, …SECRET…, …_API_KEY), or a PyPI token whatever the name."""
    upper = name.upper()
    if _SECRET_NAME.search(upper) and not _INDEX_LOGIN.fullmatch(upper):
        return True
    return bool(_PYPI_TOKEN.fullmatch(value.strip()))


def withheld(environ: Mapping[str, str], role: Role, *,
             hidden: Iterable[str] = ()) -> list[str]:
    """The variables of ``environ`` that ``role`` does not get because they are secrets
    (``hidden``: the project's own secret variables, which no child inherits)."""
    rules = _ROLES[role]
    never = {name.upper() for name in (*UPLOAD_SECRETS, *hidden)}
    gets = {name.upper() for name in rules.gets}
    names = []
    for name, value in environ.items():
        upper = name.upper()  # Windows' names know no case
        if upper in never:
            names.append(name)  # the upload secret reaches the uploader from its adapter
        elif upper in gets:
            continue
        elif (looks_secret(name, value) or upper.startswith(IDENTITY_PREFIX)
              or upper.endswith(IDENTITY_SUFFIX) or upper.startswith(UPLOAD_SETTINGS)):
            names.append(name)
    return names


def child_environment(environ: Mapping[str, str], role: Role, *,
                      hidden: Iterable[str] = ()) -> dict[str, str]:
    """The whole environment of a child process in ``role``, from ``environ`` (ours):
    everything but the secrets it does not need. ``hidden``: the project's own secret
    variables (its token-variables), which no child inherits."""
    rules = _ROLES[role]
    dropped = {*withheld(environ, role, hidden=hidden), *rules.drops}
    env = {name: value for name, value in environ.items() if name not in dropped}
    env.update(rules.sets)
    return env

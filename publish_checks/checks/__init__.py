"""The registry: one function per check id of SPEC §4, in report order.

A check's id is its function's name with dashes (``dists_secrets`` → ``dists-secrets``);
its module is the id's prefix (``changelog-entry`` sits with the version checks, in
``version``). Each takes the run's :class:`Context` and returns a Finding.
"""

from __future__ import annotations

from collections.abc import Callable

from publish_checks._context import Context
from publish_checks._report import Finding
from publish_checks.checks import credentials, dists, git, index, token, tools, version

Check = Callable[[Context], Finding]

CHECKS: tuple[Check, ...] = (
    credentials.credentials_source,
    credentials.credentials_file_permissions,
    credentials.credentials_file_ignored,
    credentials.credentials_file_untracked,
    token.token_format,
    token.token_scope,
    version.version_file,
    version.version_consistent,
    version.changelog_entry,
    git.git_clean,
    git.git_branch,
    git.git_tag,
    dists.dists_present,
    dists.dists_stale,
    dists.dists_metadata,
    dists.dists_contents,
    dists.dists_secrets,
    dists.dists_size,
    index.index_version,
    tools.tools,
)


def check_id(check: Check) -> str:
    return check.__name__.replace("_", "-")


CHECK_IDS: tuple[str, ...] = tuple(check_id(c) for c in CHECKS)
DIST_CHECK_IDS: tuple[str, ...] = tuple(i for i in CHECK_IDS if i.startswith("dists-"))

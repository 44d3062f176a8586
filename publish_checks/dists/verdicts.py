"""How grave each secret found in a dist is (SPEC §4 ``dists-secrets``).

- A credential that works as it stands (a PyPI token that parses as a macaroon, a GitHub
  token whose checksum holds, an AWS key pair, a value of the credentials file, …) fails,
  wherever it is, even in a file ``secrets-allow`` names.
- A credential file found by its name (``.netrc``, ``.pypirc``, ``.env*``) or a private key
  fails, unless ``secrets-allow`` vouches for it (allowed), or it lies under a test or docs
  folder and holds nothing real-looking: a credential file whose values are evident
  placeholders, or a private key (a fixture's throwaway TLS key). Those warn.

``secrets-allow`` paths are written relative to the project folder, as in the repository:
an sdist member matches by its path below the sdist's top folder, a wheel member by its
path in the wheel or under any folder its top-level package may be built from (``src/``,
a ``package-dir``), so one entry covers a file in both dists.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from publish_checks.dists.contents import library_roots
from publish_checks.dists.inventory import Item
from publish_checks.dists.scan import Dist
from publish_checks.dists.secrets import Secret, fixture_folder
from publish_checks.project.config import SecretAllow
from publish_checks.project.layout import Layout, glob_match


class Outcome(enum.Enum):
    FAIL = "fail"
    WARN = "warn"
    ALLOWED = "allowed"


@dataclass(frozen=True)
class Verdict:
    """One member holding a secret, and what the check makes of it."""

    member: str  # its name in the archive
    outcome: Outcome
    secret: Secret  # what it is named by: the credential, else the file or key
    file: Secret | None = None  # the credential file (or key) that holds ``secret``
    placeholders: bool = False  # a credential file whose values are placeholders
    fixture: str = ""  # the test or docs folder it is under (inside the dist), if any
    entry: SecretAllow | None = None  # the secrets-allow entry that names it


def inside(dist: Dist, name: str) -> str:
    """A member's path inside the dist: below an sdist's top folder, below a wheel's
    purelib/platlib data folder."""
    if dist.kind == "sdist":
        return name.partition("/")[2]
    for root in library_roots(dist.stem):
        if root and name.startswith(root):
            return name[len(root):]
    return name


def project_paths(dist: Dist, name: str, layout: Layout) -> list[str]:
    """Where in the project a member may come from (most likely first)."""
    path = inside(dist, name)
    if dist.kind == "sdist":
        return [path]
    top, slash, rest = path.partition("/")
    found = [path]
    if slash:
        found += [f"{folder}/{rest}" for folder in layout.source_dirs(top)]
    else:  # a lone module, or a file at the top of the wheel
        found += [f"{root}/{path}" for root in (*layout.package_roots, "src") if root]
    return list(dict.fromkeys(found))


def covers(entry: SecretAllow, path: str) -> bool:
    """``entry`` names ``path``: the path itself, a glob matching it, or a folder it is in."""
    parts = path.split("/")
    return any(glob_match("/".join(parts[:n]), entry.path) for n in range(1, len(parts) + 1))


def entry_for(dist: Dist, name: str, allow: Sequence[SecretAllow],
              layout: Layout) -> SecretAllow | None:
    paths = project_paths(dist, name, layout)
    return next((e for e in allow if any(covers(e, p) for p in paths)), None)


def judge(dist: Dist, item: Item, allow: Sequence[SecretAllow],
          layout: Layout) -> Verdict | None:
    """What to make of ``item``'s secrets; None when it holds none."""
    if not item.secrets:
        return None
    entry = entry_for(dist, item.name, allow, layout)
    holders = [s for s in item.secrets if not s.is_credential]
    fixture = fixture_folder(inside(dist, item.name))
    credentials = [s for s in item.secrets if s.is_credential]
    if credentials:  # works as it stands: nothing excuses it
        return Verdict(item.name, Outcome.FAIL, credentials[0],
                       holders[0] if holders else None, fixture=fixture, entry=entry)
    file = holders[0]
    placeholders = item.placeholders and any(s.is_file for s in holders)
    if entry is not None:
        outcome = Outcome.ALLOWED
    elif fixture and all(s is Secret.PRIVATE_KEY or item.placeholders for s in holders):
        outcome = Outcome.WARN
    else:
        outcome = Outcome.FAIL
    return Verdict(item.name, outcome, file, None, placeholders, fixture, entry)


def unused(allow: Sequence[SecretAllow],
           members: Iterable[tuple[Dist, Iterable[str]]], layout: Layout) -> list[SecretAllow]:
    """The entries that name no file of any dist: stale, or a path written wrong."""
    left = list(allow)
    for dist, names in members:
        for name in names:
            if not left:
                return []
            paths = project_paths(dist, name, layout)
            left = [e for e in left if not any(covers(e, p) for p in paths)]
    return left

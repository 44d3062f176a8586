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

from publish_checks._record import Record, record
from publish_checks._text import listing, printable
from publish_checks.dists.contents import library_roots
from publish_checks.dists.inventory import Inventory, Item
from publish_checks.dists.scan import Dist, Problems
from publish_checks.dists.secrets import Secret, fixture_folder
from publish_checks.project.config import SecretAllow
from publish_checks.project.layout import Layout, glob_match


class Outcome(enum.Enum):
    FAIL = "fail"
    WARN = "warn"
    ALLOWED = "allowed"


@record
class Verdict(Record):
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
    found = []
    for source in layout.sources:  # as the backend maps project folders into the wheel
        if not source.wheel:  # a folder of top-level packages and modules
            found.append(f"{source.folder}/{path}" if source.folder else path)
        elif path == source.wheel or path.startswith(source.wheel + "/"):
            found.append(source.folder + path[len(source.wheel):])
    found += [path, f"src/{path}"]
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


# --- how the report words them ----------------------------------------------------------

def _label(what: Secret, credentials_file: str) -> str:
    if what is Secret.CREDENTIALS_VALUE:
        return f"a value from {credentials_file}"
    return str(what.value)


def _described(verdict: Verdict, credentials_file: str) -> str:
    """A member and what it holds, never the value; for a warning or a failure, why."""
    return f"{printable(verdict.member)} ({_holds(verdict, credentials_file)})"


def _grouped(verdicts: list[Verdict], credentials_file: str) -> str:
    """Members that hold the same kind of thing for the same reason, listed once with it:
    a project's tests may ship dozens of throwaway keys (paramiko: 21)."""
    groups: dict[str, list[str]] = {}
    for verdict in verdicts:
        groups.setdefault(_holds(verdict, credentials_file), []).append(
            printable(verdict.member))
    return ", ".join(f"{listing(members, 8)} ({what})" for what, members in groups.items())


def _holds(verdict: Verdict, credentials_file: str) -> str:
    what = _label(verdict.secret, credentials_file)
    if verdict.file is not None and verdict.file.is_file:
        what = f"{verdict.file.value} holding {what}"
    if verdict.outcome is Outcome.WARN:
        what += (f" with no real-looking value, under {verdict.fixture}/" if verdict.placeholders
                 else f" under {verdict.fixture}/, a throwaway for the tests?")
    elif verdict.entry is not None and verdict.secret.is_credential:
        what += ", which secrets-allow does not excuse"
    elif verdict.placeholders:
        what += " with no real-looking value, but not under a test or docs folder"
    return what


def _vouch(path: str) -> str:
    return (f'secrets-allow = [{{path = "{printable(path)}", reason = "…"}}] under '
            "[tool.publish-checks] in pyproject.toml")


@record
class Reported(Record):
    """What the check adds to the problems: the allowed files (summary text), and whether a
    token must be revoked or another service's key rotated."""

    allowed: str
    leaked: bool
    keys: frozenset[Secret]


def report(read: Sequence[tuple[Dist, Inventory]], allow: Sequence[SecretAllow],
           layout: Layout, problems: Problems, *, credentials_file: str,
           build: str) -> Reported:
    """Judge every member of every dist read, adding failures and warnings to ``problems``."""
    keys: set[Secret] = set()
    leaked = False
    allowed: dict[SecretAllow, list[str]] = {}
    keep_out = ("keep them out of the dists (exclude them in MANIFEST.in or the build "
                f"backend's settings, or delete them), then {build}")
    for dist, inventory in read:
        found = [v for item in inventory.files if (v := judge(dist, item, allow, layout))]
        failing = [v for v in found if v.outcome is Outcome.FAIL]
        warning = [v for v in found if v.outcome is Outcome.WARN]
        for verdict in found:
            if verdict.outcome is Outcome.ALLOWED and verdict.entry is not None:
                allowed.setdefault(verdict.entry, []).append(dist.filename)
        if failing:
            leaked |= any(v.secret.is_token for v in failing)
            keys |= {v.secret for v in failing if v.secret.is_key}
            problems.add(f"{dist.filename}: "
                         f"{', '.join(_described(v, credentials_file) for v in failing)}",
                         keep_out)
            vouchable = [v for v in failing if not v.secret.is_credential]
            if vouchable:
                problems.hints.append("if one is a fixture or an example meant to ship, vouch "
                                      "for it: " + _vouch(inside(dist, vouchable[0].member)))
        if warning:
            problems.warn(f"{dist.filename}: {_grouped(warning, credentials_file)}",
                          "if they are fixtures or examples meant to ship, vouch for them "
                          "(one entry per file, or a glob or folder): "
                          f"{_vouch(inside(dist, warning[0].member))}; otherwise {keep_out}")
    names = [(dist, [item.name for item in inventory.files]) for dist, inventory in read]
    for entry in unused(allow, names, layout):
        problems.warn(f"secrets-allow names {printable(entry.path)}, which is in no dist",
                      "remove that entry from secrets-allow, or correct its path (relative "
                      "to the project folder, e.g. tests/fixtures/.netrc)")
    vouched = ", ".join(f"{printable(e.path)} in {', '.join(dict.fromkeys(files))} "
                        f"({printable(e.reason)})" for e, files in allowed.items())
    return Reported(vouched, leaked, frozenset(keys))

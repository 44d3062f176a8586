"""What belongs inside a wheel and an sdist: one small function per rule, each returning
the member names that break it (after check-wheel-contents' W001, W002, W005)."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable

from publish_checks._text import listing, printable
from publish_checks.dists import archives
from publish_checks.dists.scan import METADATA_LIMIT, Dist, Problems, parse_record

# A hash the wheel spec accepts in RECORD: sha256 or stronger.
RECORD_ALGORITHMS = ("sha256", "sha384", "sha512")
STRAY_TOPLEVEL = ("tests", "test", "docs", "doc")
PRIVATE_KEY_FILES = frozenset(
    {"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk"})
ENV_TEMPLATES = frozenset({".env.example", ".env.sample", ".env.template"})


class Secret(enum.Enum):
    """A kind of secret found in a dist; its value is how a report names it (never the
    secret itself)."""

    PYPI_TOKEN = "a PyPI token"  # noqa: S105 (a label, not a password)
    UPLOAD_TOKEN = "your upload token"  # noqa: S105
    PRIVATE_KEY = "a private key"
    CREDENTIALS_FILE = "a credentials file"
    PASSWORD_FILE = "an index password file"  # noqa: S105

    @property
    def is_token(self) -> bool:
        """A token that may have to be revoked, not only a file to leave out."""
        return self in (Secret.PYPI_TOKEN, Secret.UPLOAD_TOKEN)


def credential_file(basename: str) -> Secret | None:
    """What a file of this name holds, if it is a credentials file; None otherwise.
    (``.pem``/``.key`` files count only if they hold a private key: the caller looks.)"""
    if basename == ".env" or (basename.startswith(".env.") and basename not in ENV_TEMPLATES):
        return Secret.CREDENTIALS_FILE
    if basename == ".pypirc":
        return Secret.PASSWORD_FILE
    if basename in PRIVATE_KEY_FILES:
        return Secret.PRIVATE_KEY
    return None


def unsafe_names(names: Iterable[str]) -> list[str]:
    """Members an installer would write outside its target: absolute or climbing out."""
    return [n for n in names
            if n.startswith(("/", "\\")) or ".." in n.replace("\\", "/").split("/")
            or (len(n) > 1 and n[1] == ":")]


def bytecode(names: Iterable[str]) -> list[str]:
    """Compiled files: installers compile for their own Python (W001)."""
    return [n for n in names if n.endswith((".pyc", ".pyo"))]


def duplicates(names: Iterable[str]) -> list[str]:
    """Names that appear twice in the zip: installers disagree on which one wins."""
    return sorted(n for n, count in Counter(names).items() if count > 1)


def _library_roots(stem: str) -> tuple[str, ...]:
    return ("", f"{stem}.data/purelib/", f"{stem}.data/platlib/")


def stray_toplevel(names: Iterable[str], stem: str) -> list[str]:
    """Top-level tests/docs packages: installed, they shadow every other project's (W005)."""
    found = set()
    for name in names:
        for root in _library_roots(stem):
            if name.startswith(root):
                top, slash, _ = name[len(root):].partition("/")
                if slash and top in STRAY_TOPLEVEL:
                    found.add(f"{root}{top}/")
    return sorted(found)


def top_level_packages(names: Iterable[str], stem: str) -> set[str]:
    """What the wheel installs at the top of site-packages: packages and lone modules."""
    tops = set()
    special = (f"{stem}.dist-info", f"{stem}.data")
    for name in names:
        for root in _library_roots(stem):
            if not name.startswith(root):
                continue
            top, slash, _ = name[len(root):].partition("/")
            if top and top not in special and (slash or top.endswith(".py")):
                tops.add(top)
    return tops


def record_mismatches(wheel: Dist) -> list[str]:
    """Files missing from RECORD, listed but absent, or whose hash or size differ."""
    record_name = f"{wheel.stem}.dist-info/RECORD"
    data = archives.read_member(wheel.path, record_name, METADATA_LIMIT)
    if data is None:
        return [f"no {record_name}"]
    rows, bad = parse_record(data)
    issues = [f"RECORD line {printable(line)!r} is not path,hash,size" for line in bad]
    listed = {row.path: row for row in rows}
    # RECORD cannot hash itself, nor the signatures made over it.
    exempt = {record_name, f"{record_name}.jws", f"{record_name}.p7s"}
    seen = set()
    for entry in archives.walk(wheel.path):
        member = entry.member
        if member.kind != "file" or member.name in exempt:
            continue
        seen.add(member.name)
        row = listed.get(member.name)
        if row is None:
            issues.append(f"{member.shown} is not in RECORD")
            continue
        algorithm = row.hash.partition("=")[0]
        if algorithm not in RECORD_ALGORITHMS:
            issues.append(f"{member.shown} has no sha256 hash in RECORD")
            continue
        digest, size = archives.record_digest(entry.chunks(), algorithm)
        if digest != row.hash:
            issues.append(f"{member.shown} does not match its RECORD hash")
        elif row.size != str(size):
            issues.append(f"{member.shown} is {size} bytes, RECORD says {row.size or 'nothing'}")
    issues += [f"RECORD lists {printable(path)}, which the wheel lacks"
               for path in listed if path not in seen and path not in exempt]
    return issues


def check_wheel(wheel: Dist, names: list[str], problems: Problems, build: str) -> None:
    """Every wheel rule; raises ArchiveError for a wheel that cannot be read."""
    rules = (
        (unsafe_names(names), "members with unsafe paths", f"fix the build, then {build}"),
        (duplicates(names), "duplicate zip entries", f"{build} (from a clean dist/)"),
        (bytecode(names), "compiled bytecode",
         f"leave *.pyc out of the package data, then {build}"),
        (stray_toplevel(names, wheel.stem), "top-level test/doc folders",
         "include only your package in the wheel (e.g. [tool.setuptools.packages.find] "
         f"include = [\"yourpkg*\"]), then {build}"),
    )
    for found, what, hint in rules:
        if found:
            shown = [printable(n) for n in found]
            problems.add(f"{wheel.filename} has {what}: {listing(shown)}", hint)
    if mismatches := record_mismatches(wheel):
        problems.add(f"{wheel.filename}'s RECORD is wrong: {listing(mismatches)}",
                     f"the wheel was altered after it was built: {build}")


def check_sdist(sdist: Dist, tracked: list[str] | None, problems: Problems,
                build: str) -> str:
    """Unsafe names and missing tracked sources; says what was compared. ArchiveError."""
    names = [m.name for m in archives.members(sdist.path) if m.kind == "file"]
    if unsafe := unsafe_names(names):
        problems.add(f"{sdist.filename} has members with unsafe paths: "
                     f"{listing([printable(n) for n in unsafe])}",
                     f"fix the build, then {build}")
    if tracked is None:
        return "was not compared with git (not a git repository)"
    present = set(names)
    missing = [path for path in tracked if f"{sdist.stem}/{path}" not in present]
    if missing:
        problems.add(f"{sdist.filename} lacks {len(missing)} git-tracked source file"
                     f"{'s' if len(missing) > 1 else ''}: {listing(missing)}",
                     "include them in the sdist (MANIFEST.in, or the build backend's sdist "
                     f"settings), then {build}")
    return f"holds the {len(tracked)} git-tracked source files"

"""What belongs inside a wheel and an sdist: one small function per rule, each returning
the member names that break it (after check-wheel-contents' W001, W002, W005)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from publish_checks._text import listing, printable
from publish_checks.dists import archives
from publish_checks.dists.inventory import KEEP_LIMIT, Inventory
from publish_checks.dists.scan import Dist, Problems, parse_record

# A hash the wheel spec accepts in RECORD: sha256 or stronger.
RECORD_ALGORITHMS = ("sha256", "sha384", "sha512")
STRAY_TOPLEVEL = ("tests", "test", "docs", "doc")


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


def library_roots(stem: str) -> tuple[str, ...]:
    """Where a wheel's importable files sit: its top, and its purelib/platlib data."""
    return ("", f"{stem}.data/purelib/", f"{stem}.data/platlib/")


def stray_toplevel(names: Iterable[str], stem: str) -> list[str]:
    """Top-level tests/docs packages: installed, they shadow every other project's (W005)."""
    found = set()
    for name in names:
        for root in library_roots(stem):
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
        for root in library_roots(stem):
            if not name.startswith(root):
                continue
            top, slash, _ = name[len(root):].partition("/")
            if top and top not in special and (slash or top.endswith(".py")):
                tops.add(top)
    return tops


def record_mismatches(wheel: Dist, inventory: Inventory) -> list[str]:
    """Files missing from RECORD, listed but absent, or whose hash or size differ."""
    record_name = f"{wheel.stem}.dist-info/RECORD"
    data = inventory.kept.get(record_name)
    if data is None:
        return [f"no {record_name}"]
    rows, bad = parse_record(data)
    issues = [f"RECORD line {printable(line)!r} is not path,hash,size" for line in bad]
    listed = {row.path: row for row in rows}
    # RECORD cannot hash itself, nor the signatures made over it.
    exempt = {record_name, f"{record_name}.jws", f"{record_name}.p7s"}
    seen = set()
    for item in inventory.files:
        if item.name in exempt:
            continue
        seen.add(item.name)
        shown = printable(item.name)
        row = listed.get(item.name)
        if row is None:
            issues.append(f"{shown} is not in RECORD")
            continue
        algorithm = row.hash.partition("=")[0]
        if algorithm not in RECORD_ALGORITHMS:
            issues.append(f"{shown} has no sha256 hash in RECORD")
            continue
        digest, size = item.digest, item.size
        if algorithm != "sha256":  # rare: the pass hashed with sha256, so read it again
            data = archives.read_member(wheel.path, item.name, KEEP_LIMIT) or b""
            digest, size = archives.record_digest([data], algorithm)
        if digest != row.hash:
            issues.append(f"{shown} does not match its RECORD hash")
        elif row.size != str(size):
            issues.append(f"{shown} is {size} bytes, RECORD says {row.size or 'nothing'}")
    issues += [f"RECORD lists {printable(path)}, which the wheel lacks"
               for path in listed if path not in seen and path not in exempt]
    return issues


def check_wheel(wheel: Dist, inventory: Inventory, problems: Problems, build: str) -> None:
    """Every wheel rule, on what the pass over the wheel saw."""
    names = inventory.names
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
    if mismatches := record_mismatches(wheel, inventory):
        problems.add(f"{wheel.filename}'s RECORD is wrong: {listing(mismatches)}",
                     f"the wheel was altered after it was built: {build}")


def check_sdist(sdist: Dist, inventory: Inventory, problems: Problems, build: str) -> None:
    """Unsafe member names (what it must hold is completeness.py's)."""
    names = [item.name for item in inventory.files]
    if unsafe := unsafe_names(names):
        problems.add(f"{sdist.filename} has members with unsafe paths: "
                     f"{listing([printable(n) for n in unsafe])}",
                     f"fix the build, then {build}")

"""What a compiled wheel's tags promise, and whether its binaries keep the promise
(dists-abi): the manylinux/musllinux policy its platform tag claims, judged on what
``auditwheel show`` reads of its ELF files, and the limited API its ``abi3`` tag claims,
judged on abi3audit's report. Facts and decisions only: the tools run in tool environments
behind an :class:`AbiAuditor` (release/abi.py), whose answers are parsed here.

auditwheel's policy logic (6.x, ``policy/__init__.py`` ``versioned_symbols_policy``): a
policy allows, per symbol-version prefix it lists (GLIBC, GLIBCXX, CXXABI, GCC, ZLIB…), the
versions it names; a prefix it does not list is not judged. ``show`` also reports, for every
policy more compatible than the wheel's best one, the libraries that keep it from that
policy (outside its whitelist and not in the wheel) and the symbols it forbids.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# The tools' interface, and what the filename's tags claim (re-exported: this module
# judges their answers).
from publish_checks.dists.abi_tools import AbiAuditor as AbiAuditor
from publish_checks.dists.abi_tools import AuditError as AuditError
from publish_checks.dists.abi_tools import ToolAnswer as ToolAnswer
from publish_checks.dists.wheel_tags import PEP600, claim_of
from publish_checks.dists.wheel_tags import Claim as Claim
from publish_checks.dists.wheel_tags import WheelKind as WheelKind
from publish_checks.dists.wheel_tags import wheel_kind as wheel_kind

_GLIBC = re.compile(r"GLIBC_(\d+)\.(\d+)(?:\.\d+)?")
#: The auditwheel show --json answer this code reads (auditwheel's own schema version).
SHOW_SCHEMA = 1


@dataclass(frozen=True)
class Policy:
    """One auditwheel policy for the wheel's libc and architecture."""

    name: str  # "manylinux_2_17_x86_64"
    aliases: tuple[str, ...]
    symbol_versions: Mapping[str, frozenset[str]]  # {"GLIBC": {"2.2.5", …, "2.17"}}

    @property
    def libc(self) -> tuple[int, int] | None:
        match = PEP600.fullmatch(self.name)
        return (int(match[2]), int(match[3])) if match else None


@dataclass(frozen=True)
class Upgrade:
    """What keeps a wheel from a policy more compatible than its best one."""

    libraries: tuple[str, ...] = ()  # outside the policy's whitelist and not in the wheel
    blacklisted: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # library → symbols


@dataclass(frozen=True)
class Shown:
    """What auditwheel show read of a wheel (its JSON, schema version 1)."""

    overall: str  # the most compatible tag the wheel is consistent with
    symbols_tag: str  # the most compatible tag its symbol versions allow
    pyfpe: bool
    ucs2: bool
    isa: bool  # it needs instruction-set extensions its architecture's baseline lacks
    versioned: Mapping[str, tuple[str, ...]]  # library → symbol versions it binds to
    external: Mapping[str, str | None]  # library → where it was found (None: nowhere)
    upgrades: Mapping[str, Upgrade]  # policy name → what keeps the wheel from it
    policies: tuple[Policy, ...]  # () when auditwheel's table could not be read


class Unreadable(ValueError):
    """A tool's report is not what this code reads; ``str()`` says how."""


def parse_show(report: str) -> Shown:
    """The release/abi.py show script's answer; Unreadable when it is not one."""
    data = _json(report)
    show, table = data.get("show"), data.get("policies")
    if not isinstance(show, dict):
        raise Unreadable("no auditwheel show report")
    if show.get("version") != SHOW_SCHEMA:
        raise Unreadable(f"auditwheel show --json schema {show.get('version')!r}, not "
                         f"{SHOW_SCHEMA}")
    if "error" in show:
        raise Unreadable(str(show["error"]))
    try:
        upgrades = {name: Upgrade(tuple(entry.get("libs_to_eliminate", ())),
                                  {lib: tuple(syms) for lib, syms
                                   in entry.get("blacklisted_symbols", {}).items()})
                    for name, entry in show["policy_upgrades"].items()}
        policies = tuple(Policy(p["name"], tuple(p["aliases"]),
                                {k: frozenset(v) for k, v in p["symbol_versions"].items()})
                         for p in table or ())
        return Shown(show["overall_tag"], show["sym_tag"], bool(show["pyfpe"]), bool(show["ucs2"]),
                     bool(show["unsupported_isa"]),
                     {lib: tuple(v) for lib, v in show["versioned_symbols"].items()},
                     dict(show["external_libs"]), upgrades, policies)
    except (KeyError, TypeError, AttributeError) as e:
        raise Unreadable(f"auditwheel show's report lacks {e}") from None


def _json(report: str) -> dict[str, Any]:
    try:
        data = json.loads(report)
    except ValueError:
        raise Unreadable("its report is not JSON") from None
    if not isinstance(data, dict):
        raise Unreadable("its report is not a JSON object")
    return data


def _known(claim: Claim, policies: Sequence[Policy]) -> Policy | None:
    return next((p for p in policies if claim.policy == p.name or claim.tag in p.aliases),
                None)


def _newer_or_same(claim: Claim, policies: Sequence[Policy]) -> Policy | None:
    """The claim's policy, else the most compatible known one no older than it: what a
    policy auditwheel does not list (manylinux_2_30) is judged by, so that nothing it
    allows is refused."""
    if (known := _known(claim, policies)) is not None:
        return known
    later = [p for p in policies if p.libc is not None and p.libc >= claim.libc]
    return min(later, key=lambda p: p.libc or (0, 0), default=None)


def too_new(claim: Claim, shown: Shown) -> list[tuple[str, str]]:
    """The (library, symbol version) pairs the wheel binds to that its claimed policy does
    not allow, as auditwheel judges a policy: per prefix the policy lists. A policy
    auditwheel does not know is judged on glibc's number for GLIBC, and for the rest by
    the nearest later policy it knows."""
    if claim.family != "manylinux":
        return []  # musl has no symbol versions: musllinux tags are judged on libraries
    policy = _newer_or_same(claim, shown.policies)
    exact = policy is not None and _known(claim, shown.policies) is policy
    found = []
    for library, versions in shown.versioned.items():
        for version in versions:
            prefix, _, number = version.partition("_")
            if prefix == "GLIBC" and not exact:
                match = _GLIBC.fullmatch(version)
                if match and (int(match[1]), int(match[2])) > claim.libc:
                    found.append((library, version))
            elif policy is not None and prefix in policy.symbol_versions \
                    and number not in policy.symbol_versions[prefix]:
                found.append((library, version))
    return found


def upgrade_for(claim: Claim, shown: Shown) -> Upgrade:
    """What keeps the wheel from its claimed policy: libraries and forbidden symbols (for a
    policy auditwheel does not list, the nearest later one's; for musllinux, the one musl
    policy auditwheel judges against)."""
    if claim.family == "musllinux":
        return next((u for name, u in shown.upgrades.items()
                     if name.startswith("musllinux_")), Upgrade())
    policy = _newer_or_same(claim, shown.policies)
    names = [claim.policy] + ([policy.name] if policy is not None else [])
    return next((shown.upgrades[n] for n in names if n in shown.upgrades), Upgrade())


@dataclass(frozen=True, order=True)
class Bound:
    """A symbol a wheel's binary takes from a library at one version."""

    file: str  # the ELF file inside the wheel
    symbol: str
    library: str
    version: str


def parse_symbols(report: str) -> list[Bound]:
    """The release/abi.py symbols script's answer, sorted; Unreadable when it is not one."""
    data = _json(report)
    try:
        return sorted(Bound(str(file), str(symbol), library, version)
                      for library, versions in data.items()
                      for version, pairs in versions.items() for file, symbol in pairs)
    except (TypeError, ValueError, AttributeError):
        raise Unreadable("the symbol list is not {library: {version: [[file, symbol]]}}"
                         ) from None


@dataclass(frozen=True)
class LimitedApi:
    """abi3audit's verdict on one extension module of an abi3 wheel."""

    module: str  # its file name
    baseline: str  # the version the wheel's tag claims ("3.8")
    computed: str  # the newest limited API version it uses
    outside: tuple[str, ...]  # symbols outside the limited API altogether
    newer: Mapping[str, str]  # symbol → the version that added it, above the baseline


def parse_limited_api(report: str) -> list[LimitedApi]:
    """abi3audit ``--report`` JSON of one wheel: one verdict per extension module."""
    data = _json(report)
    try:
        modules = [entry for spec in data["specs"].values() for entry in spec["wheel"]]
        return [LimitedApi(m["name"], m["result"]["baseline"], m["result"]["computed"],
                           tuple(sorted(m["result"]["non_abi3_symbols"])),
                           dict(sorted(m["result"]["future_abi3_objects"].items())))
                for m in modules]
    except (KeyError, TypeError, AttributeError) as e:
        raise Unreadable(f"abi3audit's report lacks {e}") from None


def short_of(claim: Claim, shown: Shown) -> bool:
    """Whether auditwheel finds the wheel less compatible than its tag claims: consistent
    with no policy but plain ``linux`` (a musllinux wheel: only that is judged, auditwheel
    knowing one musl version), or with a manylinux policy newer than one the claim names
    and auditwheel knows (for one it does not know, :func:`too_new` judges the symbols)."""
    if shown.overall.startswith("linux_"):
        return True
    overall = claim_of(shown.overall)
    return (claim.family == "manylinux" and overall is not None and overall.libc > claim.libc
            and _known(claim, shown.policies) is not None)


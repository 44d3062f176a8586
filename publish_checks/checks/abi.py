"""dists-abi: a compiled wheel keeps what its tags promise. Its manylinux/musllinux tag
claims no older policy than its symbols need and it bundles every library that policy does
not let it take from the system (``auditwheel show``); its abi3 tag claims no older limited
API than it uses (abi3audit). Both tools run in tool environments (release/abi.py); what
asks them is checks/abi_audit.py."""

from __future__ import annotations

from collections.abc import Callable

from publish_checks._lazy import load
from publish_checks._text import listing
from publish_checks.checks.context import Context
from publish_checks.checks.dists.common import nothing_to_look_at
from publish_checks.checks.report import Finding, skipped
from publish_checks.dists.elf import holds_elf
from publish_checks.dists.wheel_tags import wheel_kind

#: What asks the tools about the compiled wheels and judges their answers: loaded only when
#: a wheel holds a binary (a release of pure wheels is judged by its tags alone).
AUDIT = "publish_checks.checks.abi_audit:audited"


def dists_abi(ctx: Context) -> Finding:
    if (absent := nothing_to_look_at(ctx)) is not None:
        return absent
    wheels = [(d, kind) for d in ctx.release_dists() if d.kind == "wheel"
              and (kind := wheel_kind(d.filename)) is not None]
    claims = [(d, kind.claim) for d, kind in wheels if kind.claim is not None]
    # A platform tag over no binary (a wheel of platform-specific pure code): no symbol to
    # judge, so nothing to warn of.
    elf = [(d, claim) for d, claim in claims if holds_elf(d.path)]
    binaryless = [d.filename for d, _ in claims if (d, _) not in elf]
    abi3 = [d for d, kind in wheels if kind.abi3]
    if claims and not elf and not abi3:
        return skipped(f"{listing(binaryless)} hold{'s' * (len(binaryless) == 1)} no ELF "
                       "binary: nothing for auditwheel to judge")
    if not elf and not abi3:
        if all(kind.pure for _, kind in wheels):
            return skipped("every wheel is pure Python: no binary for auditwheel or abi3audit")
        return skipped(f"no manylinux, musllinux or abi3 wheel: "
                       f"{listing([d.filename for d, _ in wheels if not _.pure])} has no tag "
                       "auditwheel or abi3audit judges")
    if ctx.abi_auditor is None:
        return skipped("this run cannot make tool environments for auditwheel and abi3audit "
                       "(the nox sessions and the publish-checks command can)")
    audited: Callable[..., Finding] = load(AUDIT)
    return audited(ctx, ctx.abi_auditor, elf, abi3, binaryless)

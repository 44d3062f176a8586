"""What a wheel's filename tags say of its binaries: the policy its manylinux/musllinux tag
claims, an abi3 tag, or none (a pure wheel). dists-abi reads this first: a release of pure
wheels is judged without the auditing code (dists/abi.py, checks/abi_audit.py)."""

from __future__ import annotations

import re

from packaging.utils import InvalidWheelFilename, parse_wheel_filename

from publish_checks._record import Record, record

# PEP 600's legacy names (manylinux1, manylinux2010, manylinux2014) and the glibc they mean.
_LEGACY = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}
PEP600 = re.compile(r"(manylinux|musllinux)_(\d+)_(\d+)_(\w+)")


@record
class Claim(Record):
    """The policy a wheel's platform tags promise: the most compatible of its manylinux (or
    musllinux) tags, i.e. the oldest libc it says it runs on."""

    family: str  # "manylinux" | "musllinux"
    libc: tuple[int, int]  # (2, 17)
    arch: str  # "x86_64"
    tag: str  # as the filename spells it: "manylinux2014_x86_64"

    @property
    def policy(self) -> str:
        """auditwheel's name for it: ``manylinux_2_17_x86_64``."""
        return f"{self.family}_{self.libc[0]}_{self.libc[1]}_{self.arch}"


@record
class WheelKind(Record):
    """What dists-abi audits of one wheel, read from its filename's tags."""

    claim: Claim | None  # a manylinux/musllinux tag: auditwheel show
    abi3: bool  # an abi3 tag: abi3audit
    platforms: tuple[str, ...]  # every platform tag ("any" for a pure wheel)

    @property
    def pure(self) -> bool:
        return self.platforms == ("any",)


def wheel_kind(filename: str) -> WheelKind | None:
    """The tags of a wheel's filename (None when they do not parse: dists-metadata says)."""
    try:
        tags = parse_wheel_filename(filename)[3]
    except InvalidWheelFilename:
        return None
    claims = [c for c in map(claim_of, sorted({t.platform for t in tags})) if c is not None]
    # A wheel claims what its most compatible tag says (the oldest libc), per family.
    claim = min(claims, key=lambda c: (c.family != "manylinux", c.libc), default=None)
    return WheelKind(claim, any(t.abi == "abi3" for t in tags),
                     tuple(sorted({t.platform for t in tags})))


def claim_of(platform: str) -> Claim | None:
    """The policy one platform tag claims (manylinux2014_x86_64, musllinux_1_2_aarch64)."""
    for legacy, libc in _LEGACY.items():
        if platform.startswith(legacy + "_"):
            return Claim("manylinux", libc, platform[len(legacy) + 1:], platform)
    if match := PEP600.fullmatch(platform):
        return Claim(match[1], (int(match[2]), int(match[3])), match[4], platform)
    return None

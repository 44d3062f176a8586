"""Which machines a wheel tag serves, as installers judge it (packaging.tags): so that a
release "loses" a tag only where no wheel of the new one installs, not where a tag is
spelt differently (a universal2 wheel serves x86_64 Macs; a lower manylinux policy, a
newer glibc; abi3, later Pythons)."""

from __future__ import annotations

import re

from packaging.tags import compatible_tags, cpython_tags, mac_platforms

_LEGACY = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}
_LEGACY_TAG = re.compile(r"(manylinux1|manylinux2010|manylinux2014)_(.+)")
_POLICY = re.compile(r"(manylinux|musllinux)_(\d+)_(\d+)_(.+)")
_MAC = re.compile(r"macosx_(\d+)_(\d+)_(.+)")
_MAC_ARCHES = {"universal2": ("x86_64", "arm64"), "intel": ("x86_64", "i386")}


def _systems(platform: str) -> list[list[str]]:
    """The machines a wheel for ``platform`` installs on, each as the platforms its
    installer takes (newest first): a manylinux_2_28 machine takes 2_17 wheels, a macOS
    10.13 one takes 10.9 wheels and universal2 ones; a universal2 wheel serves two."""
    if match := _LEGACY_TAG.fullmatch(platform):
        family, (major, minor), arch = "manylinux", _LEGACY[match[1]], match[2]
    elif match := _POLICY.fullmatch(platform):
        family, major, minor, arch = match[1], int(match[2]), int(match[3]), match[4]
    elif match := _MAC.fullmatch(platform):
        version = (int(match[1]), int(match[2]))
        return [list(mac_platforms(version, arch))
                for arch in _MAC_ARCHES.get(match[3], (match[3],))]
    else:
        return [[platform]]
    found = [f"{family}_{major}_{m}_{arch}" for m in range(minor, -1, -1)]
    if family == "manylinux":
        found += [f"{alias}_{arch}" for alias, policy in _LEGACY.items()
                  if policy <= (major, minor)]
    return [found]


def _accepted(interpreter: str, abi: str, platforms: list[str]) -> set[str]:
    """The tags an installer on such a machine takes, for this interpreter (packaging's
    own order of compatible tags, for CPython)."""
    any_ = [] if platforms == ["any"] else platforms
    version = interpreter[2:]
    if interpreter.startswith("cp") and version.isdigit() and len(version) >= 2:
        python = (int(version[0]), int(version[1:]))
        abis = [] if abi in ("abi3", "none") else [abi]
        return {str(t) for t in (*cpython_tags(python, abis, any_),
                                 *compatible_tags(python, interpreter, any_))}
    return {f"{interpreter}-{abi}-{p}" for p in platforms} | {f"{interpreter}-none-any"}


def covered(tag: str, tags: frozenset[str]) -> bool:
    """Whether every machine a wheel tagged ``tag`` installs on takes one of ``tags``."""
    interpreter, abi, platform = tag.split("-")
    return all(_accepted(interpreter, abi, system) & tags for system in _systems(platform))

"""Which wheel platform tags PyPI takes (warehouse's ``_valid_platform_tag``), and how to
get a wheel with one."""

from __future__ import annotations

import re

# warehouse's _valid_platform_tag: a static list, then macOS, PEP 600/656 Linux, iOS, Android
# and PyEmscripten patterns with the architectures each may name.
PLATFORMS = {"any", "win32", "win_arm64", "win_amd64", "win_ia64", "manylinux1_x86_64",
             "manylinux1_i686", "manylinux2010_x86_64", "manylinux2010_i686",
             "manylinux2014_x86_64", "manylinux2014_i686", "manylinux2014_aarch64",
             "manylinux2014_armv7l", "manylinux2014_ppc64", "manylinux2014_ppc64le",
             "manylinux2014_s390x", "linux_armv6l", "linux_armv7l"}
_MACOS = re.compile(r"macosx_(?P<major>\d+)_(?P<minor>\d+)_(?P<arch>.*)")
MACOS_ARCHES = {"ppc", "ppc64", "i386", "x86_64", "arm64", "intel", "fat", "fat3", "fat64",
                "universal", "universal2"}
MACOS_MAJORS = {"11", "12", "13", "14", "15", "26"}  # minor 0 only; 10 takes any minor
_LINUX = re.compile(r"(?P<libc>many|musl)linux_\d+_\d+_(?P<arch>.*)")
LINUX_ARCHES = {"x86_64", "i686", "aarch64", "armv7l", "ppc64le", "s390x", "riscv64"}
_IOS = re.compile(r"ios_\d+_\d+_(?P<arch>.*)_(iphoneos|iphonesimulator)")
_ANDROID = re.compile(r"android_\d+_(?P<arch>.*)")
_PYEMSCRIPTEN = re.compile(r"pyemscripten_\d+_\d+_wasm32")


def pypi_takes(platform: str) -> bool:
    """Whether PyPI takes a wheel with this platform tag."""
    if platform in PLATFORMS:
        return True
    if (m := _MACOS.match(platform)) and m["arch"] in MACOS_ARCHES and (
            m["major"] == "10" or (m["major"] in MACOS_MAJORS and m["minor"] == "0")):
        return True
    if m := _LINUX.match(platform):
        return m["arch"] in LINUX_ARCHES | ({"ppc64"} if m["libc"] == "many" else set())
    return bool(((m := _IOS.match(platform)) and m["arch"] in {"arm64", "x86_64"})
                or ((m := _ANDROID.match(platform))
                    and m["arch"] in {"armeabi_v7a", "arm64_v8a", "x86", "x86_64"})
                or _PYEMSCRIPTEN.match(platform))


def fix(filename: str, platform: str, build: str) -> str:
    """How to get a wheel with a platform tag PyPI takes instead of ``platform``."""
    if platform.startswith("linux_"):
        return (f"repair it into a manylinux wheel, as cibuildwheel does: auditwheel repair "
                f"dist/{filename} -w dist/ (then delete dist/{filename})")
    if (m := _MACOS.match(platform)) and m["major"] in MACOS_MAJORS:
        return (f"macOS {m['major']} and later are tagged by major version: build with "
                f"MACOSX_DEPLOYMENT_TARGET={m['major']}.0 (the tag becomes "
                f"macosx_{m['major']}_0_{m['arch']}), then {build}")
    return ("build for a platform PyPI takes (manylinux/musllinux, macOS, Windows, iOS, "
            f"Android), e.g. with cibuildwheel, then {build}")

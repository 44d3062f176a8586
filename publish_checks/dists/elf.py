"""Whether a wheel holds an ELF binary at all: a platform-tagged wheel without one gives
auditwheel nothing to judge (dists-abi)."""

from __future__ import annotations

from pathlib import Path

from publish_checks.dists.archives import ArchiveError, walk

#: The ELF identification and the smallest header after it (32-bit: 52 bytes): anything
#: shorter is no binary auditwheel could read.
_ELF_MAGIC, _ELF_HEADER = b"\x7fELF", 52


def holds_elf(wheel: Path) -> bool:
    """Whether any member of ``wheel`` is an ELF file (its first bytes, read streaming): a
    platform-tagged wheel without one gives auditwheel nothing to judge."""
    try:
        for entry in walk(wheel):
            if entry.member.kind == "file" and entry.member.size >= _ELF_HEADER:
                first = next(entry.chunks(), b"")
                if first[:4] == _ELF_MAGIC:
                    return True
    except ArchiveError:  # dists-archive says what is wrong with it
        return False
    return False

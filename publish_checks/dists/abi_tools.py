"""The interface of the tools dists-abi asks (auditwheel and abi3audit, in tool
environments: release/abi.py): what an :class:`AbiAuditor` answers, and the error it
raises. Apart from their judgement (dists/abi.py), which loads only to audit a binary."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from publish_checks._record import Record, record


class AuditError(Exception):
    """A tool environment could not be made, or its tool not run; ``str()`` says why."""


@record
class ToolAnswer(Record):
    """What a tool run answered: its report (JSON text; '' when it wrote none), its exit
    status, and what it printed (its words when it fails)."""

    code: int
    report: str
    said: str = ""


class AbiAuditor(Protocol):
    """auditwheel and abi3audit in tool environments (release/abi.py); raise AuditError."""

    #: ``sys.platform`` where the tools run: auditwheel judges ELF wheels on Linux only.
    platform: str

    def show(self, wheel: Path) -> ToolAnswer:
        """``{"show": <auditwheel show --json>, "policies": [...]}`` for this wheel's libc
        and architecture (each policy's name, aliases and symbol versions)."""

    def symbols(self, wheel: Path, versions: Sequence[tuple[str, str]]) -> ToolAnswer:
        """``{library: {version: [[file, symbol], ...]}}``: the wheel's undefined symbols
        bound to those (library, version) pairs."""

    def limited_api(self, wheel: Path) -> ToolAnswer:
        """abi3audit's ``--report`` JSON for this wheel."""

"""The report: one result per check, rendered as text or as SPEC §2 JSON."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from publish_checks._record import Record, record

if TYPE_CHECKING:  # only from_problems' annotation: the report loads without packaging
    from publish_checks.dists.scan import Problems


class Status(str, enum.Enum):
    PASS = "pass"  # noqa: S105 (a status, not a password)
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"


@record
class Finding(Record):
    """What a check function returns; the runner adds the check id."""

    status: Status
    summary: str
    hint: str = ""


def passed(summary: str) -> Finding:
    return Finding(Status.PASS, summary)


def warned(summary: str, hint: str) -> Finding:
    return Finding(Status.WARN, summary, hint)


def failed(summary: str, hint: str) -> Finding:
    return Finding(Status.FAIL, summary, hint)


def skipped(why: str) -> Finding:
    """A skip always says why (SPEC §2)."""
    return Finding(Status.SKIP, why)


@record
class Result(Record):
    id: str
    status: Status
    summary: str
    hint: str = ""
    # The check raised instead of answering: a bug in publish-checks, not in the project.
    internal_error: bool = False

    def as_dict(self) -> dict[str, Any]:
        answer: dict[str, Any] = {"id": self.id, "status": self.status.value,
                                  "summary": self.summary, "hint": self.hint}
        if self.internal_error:
            answer["internal_error"] = True
        return answer


@dataclass
class Report:
    project: str | None
    version: str | None
    repository: str
    checks: list[Result] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no check failed (warnings and skips allowed)."""
        return all(r.status is not Status.FAIL for r in self.checks)

    def get(self, check_id: str) -> Result:
        for result in self.checks:
            if result.id == check_id:
                return result
        raise KeyError(check_id)

    def counts(self) -> dict[Status, int]:
        counts = dict.fromkeys(Status, 0)
        for result in self.checks:
            counts[result.status] += 1
        return counts

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "project": self.project,
            "version": self.version,
            "repository": self.repository,
            "checks": [r.as_dict() for r in self.checks],
        }


#: The mark of each status, in every rendering (text, Markdown, the step summary).
MARKS = {Status.PASS: "✓", Status.FAIL: "✗", Status.WARN: "!", Status.SKIP: "–"}


def from_problems(problems: Problems, ok: str) -> Finding:
    """One failure listing every problem (warnings after them) and each fix once; else a
    warning listing the warnings; else a pass saying ``ok``."""
    if problems:
        return failed("; ".join(problems.items + problems.warnings), "\n".join(problems.hints))
    if problems.warnings:
        return warned("; ".join(problems.warnings), "\n".join(problems.hints))
    return passed(ok)

"""The report: one result per check, rendered as text or as SPEC §2 JSON."""

from __future__ import annotations

import enum
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO


class Status(str, enum.Enum):
    PASS = "pass"  # noqa: S105 (a status, not a password)
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"


@dataclass(frozen=True)
class Finding:
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


@dataclass(frozen=True)
class Result:
    id: str
    status: Status
    summary: str
    hint: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "status": self.status.value, "summary": self.summary,
                "hint": self.hint}


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


MARKS = {Status.PASS: "✓", Status.FAIL: "✗", Status.WARN: "!", Status.SKIP: "–"}
_COLOURS = {Status.PASS: "32", Status.FAIL: "31", Status.WARN: "33", Status.SKIP: "2"}


def use_colour(stream: TextIO, environ: dict[str, str] | None = None) -> bool:
    """Colour only on a terminal and not in CI; ``NO_COLOR`` wins, then ``FORCE_COLOR``."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    if env.get("CI"):  # CI logs keep escape codes as noise even when they fake a terminal
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def paint(text: str, code: str, colour: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if colour else text


def render_text(report: Report, *, colour: bool = False,
                title: str = "publish-checks verify") -> str:
    """One line per check, an indented ``fix:`` for each fail/warn, a closing count line."""
    width = max((len(r.id) for r in report.checks), default=0)
    head = f"{report.project or '(unknown project)'} {report.version or '(unknown version)'}"
    lines = [f"{title} · {head} → {report.repository}", ""]
    for r in report.checks:
        mark = paint(MARKS[r.status], _COLOURS[r.status], colour)
        lines.append(f"{mark} {r.id:<{width}}  {r.summary}")
        if r.status in (Status.FAIL, Status.WARN) and r.hint:
            lines.extend(f"    fix: {line}" if i == 0 else f"         {line}"
                         for i, line in enumerate(r.hint.splitlines()))
    counts = report.counts()
    tally = ", ".join([
        f"{counts[Status.PASS]} passed",
        f"{counts[Status.WARN]} warning{'s' if counts[Status.WARN] != 1 else ''}",
        f"{counts[Status.FAIL]} failed",
        f"{counts[Status.SKIP]} skipped",
    ])
    verdict = (paint("ready to publish", "32", colour) if report.ok
               else paint("not ready: fix the failures above", "31", colour))
    lines += ["", f"{tally} — {verdict}"]
    return "\n".join(lines) + "\n"


def render_markdown(results: Iterable[Result]) -> str:
    """A Markdown table of results, for ``$GITHUB_STEP_SUMMARY``."""
    rows = ["| | check | result |", "|---|---|---|"]
    for r in results:
        summary = r.summary.replace("|", "\\|")
        rows.append(f"| {MARKS[r.status]} | `{r.id}` | {summary} |")
    return "\n".join(rows) + "\n"


# For a stdout that cannot encode the report's marks (a Windows pipe in cp1252, an
# ASCII-only locale): the nearest ASCII, so the report still prints instead of crashing.
_ASCII = str.maketrans({"✓": "+", "✗": "x", "–": "-", "—": "-", "·": "-", "→": "->",
                        "…": "..."})


def write_text(stream: TextIO, text: str) -> None:
    """Write ``text``; on a stream that cannot encode the marks, their ASCII stand-ins."""
    try:
        stream.write(text)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "ascii"
        stream.write(text.translate(_ASCII).encode(encoding, "replace").decode(encoding))
    stream.flush()

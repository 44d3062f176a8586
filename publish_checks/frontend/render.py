"""How a report looks to people: text with marks and colour, or SPEC §2 JSON."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from typing import TextIO

from publish_checks._text import printable, write_text
from publish_checks.checks.report import MARKS, Report, Status

COLOURS = {Status.PASS: "32", Status.FAIL: "31", Status.WARN: "33", Status.SKIP: "2"}


def use_colour(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
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
    # Names and values come from files and servers: an escape sequence in them is shown
    # escaped, never sent to the terminal.
    lines = [printable(f"{title} · {head} → {report.repository}"), ""]
    for r in report.checks:
        mark = paint(MARKS[r.status], COLOURS[r.status], colour)
        lines.append(f"{mark} {r.id:<{width}}  {printable(r.summary)}")
        if r.status in (Status.FAIL, Status.WARN) and r.hint:
            lines.extend(f"    fix: {printable(line)}" if i == 0 else f"         {printable(line)}"
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


def emit_report(report: Report, as_json: bool, stream: TextIO | None = None,
                title: str = "publish-checks verify") -> None:
    """The report on stdout: one JSON object, or the text rendering."""
    stream = stream or sys.stdout  # looked up now: tests and nox replace sys.stdout
    if as_json:
        try:
            stream.write(json.dumps(report.as_dict(), ensure_ascii=False) + "\n")
        except UnicodeEncodeError:  # \\u escapes are the same JSON, in any encoding
            stream.write(json.dumps(report.as_dict()) + "\n")
        stream.flush()
        return
    write_text(stream, render_text(report, colour=use_colour(stream), title=title))

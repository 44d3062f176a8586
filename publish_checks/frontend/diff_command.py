"""``diff``: two releases compared as index-diff compares them, on stdout. Loaded by
``frontend/commands.py`` when it runs."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TextIO

from publish_checks._text import printable, write_text
from publish_checks.checks.report import MARKS, Status
from publish_checks.frontend.front_end import FrontEnd
from publish_checks.frontend.options import Options
from publish_checks.frontend.render import COLOURS, paint, use_colour
from publish_checks.release.diff import Comparison, compare_releases, diff_context


def diff(options: Options, runner: FrontEnd) -> int:
    """Two releases compared as index-diff compares them, on stdout (exit status 0)."""
    ctx = diff_context(Path(options.project), options.repository, environ=runner.environ,
                       offline=options.offline, steps=runner.steps)
    emit_diff(compare_releases(ctx, options.old, options.new), options.json, runner.out)
    return 0


def render_diff(comparison: Comparison, *, colour: bool = False) -> str:
    """``publish-checks diff``: a line per difference (! changed, ✓ allowed by diff-allow),
    what could not be compared, and a closing count line."""
    old, new = comparison.old, comparison.new
    lines = [printable(f"publish-checks diff · {old.name} {old.version} ({old.source}) → "
                       f"{new.name} {new.version} ({new.source})"), ""]
    shown = [d for d in comparison.differences if not d.allowed]
    allowed = [d for d in comparison.differences if d.allowed]
    for difference in shown:
        lines.append(f"{paint(MARKS[Status.WARN], COLOURS[Status.WARN], colour)} "
                     f"{difference.kind:<15}  {printable(difference.text)}")
    for difference in allowed:
        lines.append(f"{paint(MARKS[Status.PASS], COLOURS[Status.PASS], colour)} "
                     f"{difference.kind:<15}  {printable(difference.text)} (diff-allow)")
    for note in comparison.notes:
        lines.append(f"{paint(MARKS[Status.SKIP], COLOURS[Status.SKIP], colour)} "
                     f"{'not compared':<15}  {printable(note)}")
    if not comparison.differences:
        lines.append(f"{paint(MARKS[Status.PASS], COLOURS[Status.PASS], colour)} no module, "
                     "entry point, wheel tag, dependency, Requires-Python, size, license or "
                     "name change")
    count = len(shown)
    lines += ["", f"{count} difference{'s' * (count != 1)}, {len(allowed)} allowed"]
    return "\n".join(lines) + "\n"


def emit_diff(comparison: Comparison, as_json: bool, stream: TextIO | None = None) -> None:
    """The comparison on stdout: one JSON object, or the text rendering."""
    stream = stream or sys.stdout
    if as_json:
        stream.write(json.dumps(comparison.as_dict()) + "\n")
        stream.flush()
        return
    write_text(stream, render_diff(comparison, colour=use_colour(stream)))

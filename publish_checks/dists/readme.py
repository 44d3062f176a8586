"""Will the long description render on PyPI? PyPI's rules, and `twine check --strict`'s.

PyPI renders every long description on upload and refuses one that does not render: reST
(also what a description without Description-Content-Type is taken as) that
``readme_renderer.rst`` cannot render; Markdown and plain text cannot fail. It refuses a
content type other than text/plain, text/x-rst or text/markdown (variant GFM or
CommonMark, charset UTF-8). twine (commands/check.py) fails under --strict when the
description is missing or ``UNKNOWN``, and when Description-Content-Type is missing: PyPI
accepts the latter, so it is only a warning here.
"""

from __future__ import annotations

import email.message
import importlib
import io
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from packaging.metadata import InvalidMetadata, Metadata

from publish_checks.dists.scan import Dist, Problems

Render = Callable[..., "str | None"]
#: Renders reST texts as PyPI does, where readme_renderer is installed (a tool environment):
#: for each text, None when it renders, else docutils' report. Raises RenderError.
RstRenderer = Callable[[Sequence[str]], Sequence["str | None"]]

README_HINT = ('give [project] a readme with its type, e.g. readme = {{file = "README.md", '
               'content-type = "text/markdown"}} (setup.py: long_description and '
               'long_description_content_type), then {build}')
RST_HINT = ("fix the reST in your readme (python -m readme_renderer README.rst shows the "
            "error), then {build}")
# docutils' report lines: "<string>:12: (WARNING/2) Inline emphasis start-string without …"
_REPORT = re.compile(r"^<string>:(?P<line>\d*): \((?P<level>[A-Z]+)/\d\) (?P<message>.*)$",
                     re.MULTILINE)


class Pending(NamedTuple):
    """A description PyPI renders as reST, still to be rendered here."""

    dist: Dist
    text: str
    content_type: str | None  # as declared; None when missing (PyPI's default is reST)


def description_problems(dist: Dist, raw: Mapping[str, Any], metadata: Metadata,
                         problems: Problems, build: str) -> Pending | None:
    """Add what PyPI or twine check --strict would fail on; returns reST still to render."""
    where = f"{dist.filename}'s long description"
    description = raw.get("description")
    if not description or description.rstrip() == "UNKNOWN":
        # PyPI takes it (legacy.py renders the description only ``if meta.description``)
        problems.warn(f"{dist.filename} has no long description: PyPI takes it and shows an "
                      "empty project page, twine check --strict fails",
                      README_HINT.format(build=build))
        return None
    try:
        declared = metadata.description_content_type
    except InvalidMetadata as e:
        problems.add(f"{where}: {e}", README_HINT.format(build=build))
        return None
    if declared is None:
        problems.warn(f"{where} has no Description-Content-Type: PyPI takes it as reST, "
                      "twine check --strict fails", README_HINT.format(build=build))
        return Pending(dist, description, None)
    message = email.message.EmailMessage()
    message["content-type"] = declared
    if message.get_content_type() != "text/x-rst":
        return None  # Markdown and plain text always render
    return Pending(dist, description, declared)


def _rst_renderer() -> Render | None:
    """readme_renderer's reST renderer, the one PyPI uses, when it is importable here."""
    try:
        module = importlib.import_module("readme_renderer.rst")
    except ImportError:
        return None
    render: Render = module.render
    return render


def render_here(texts: Sequence[str]) -> list[str | None] | None:
    """Render each text in this process: None per text that renders, else docutils' report.
    None overall when readme_renderer is not importable here."""
    render = _rst_renderer()
    if render is None:
        return None
    reports: list[str | None] = []
    for text in texts:
        stream = io.StringIO()
        reports.append(None if render(text, stream=stream) is not None else stream.getvalue())
    return reports


#: The same rendering, run by ``python -c SCRIPT IN OUT`` where readme_renderer is
#: installed: IN holds a JSON list of texts, OUT receives the JSON list of reports.
RENDER_SCRIPT = """\
import io, json, sys
from readme_renderer.rst import render
reports = []
with open(sys.argv[1], encoding="utf-8") as texts:
    for text in json.load(texts):
        stream = io.StringIO()
        reports.append(None if render(text, stream=stream) is not None else stream.getvalue())
with open(sys.argv[2], "w", encoding="utf-8") as out:
    json.dump(reports, out)
"""


def _first_report(text: str) -> str:
    if match := _REPORT.search(text):
        level = match["level"].capitalize()
        return f"line {match['line'] or '?'}: {level}: {match['message'].strip()}"
    return text.strip().splitlines()[0] if text.strip() else "no content rendered"


class RenderError(Exception):
    """The renderer outside this process could not run; ``str()`` says why."""


def render_failure(content_type: str | None) -> str:
    """PyPI's words when a description does not render."""
    if content_type is None:
        return ("The description failed to render in the default format of "
                "reStructuredText.")
    return f"The description failed to render for '{content_type}'."


def render_rst(renderer: RstRenderer | None, pending: list[Pending],
               problems: Problems, build: str) -> str:
    """Render each reST description, in-process or with ``renderer``; returns which dists
    could not be rendered either way ('' when all were)."""
    if not pending:
        return ""
    texts = [item.text for item in pending]
    names = ", ".join(item.dist.filename for item in pending)
    reports = render_here(texts)
    if reports is None:
        if renderer is None:
            return f"{names} (readme_renderer is not importable here)"
        try:
            reports = list(renderer(texts))
        except RenderError as e:
            return f"{names} (readme_renderer could not run: {e})"
    if len(reports) != len(pending):
        return f"{names} (the renderer gave {len(reports)} answers for {len(pending)} texts)"
    for item, report in zip(pending, reports, strict=True):
        if report is not None:
            problems.add(f"{item.dist.filename}'s reST long description does not render on "
                         f"PyPI ({_first_report(report)}): "
                         f"{render_failure(item.content_type)}", RST_HINT.format(build=build))
    return ""

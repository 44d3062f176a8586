"""Will the long description render on PyPI? The `twine check --strict` standard.

twine (commands/check.py) fails under --strict when the description is missing or
``UNKNOWN``, when Description-Content-Type is missing (it would guess reST), and when a
reST description does not render with ``readme_renderer.rst``; Markdown and plain text
cannot fail to render. PyPI itself refuses a content type other than text/plain,
text/x-rst or text/markdown (variant GFM or CommonMark, charset UTF-8).
"""

from __future__ import annotations

import email.message
import importlib
import io
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from packaging.metadata import InvalidMetadata, Metadata, RawMetadata

from publish_checks._dists import Dist, Problems

TwineCheck = Callable[[Sequence[Path]], Mapping[str, str]]
Render = Callable[..., "str | None"]

README_HINT = ('give [project] a readme with its type, e.g. readme = {file = "README.md", '
               'content-type = "text/markdown"} (setup.py: long_description and '
               'long_description_content_type), then nox -s build')
RST_HINT = ("fix the reST in your readme (python -m readme_renderer README.rst shows the "
            "error), then nox -s build")
# docutils' report lines: "<string>:12: (WARNING/2) Inline emphasis start-string without …"
_REPORT = re.compile(r"^<string>:(?P<line>\d*): \((?P<level>[A-Z]+)/\d\) (?P<message>.*)$",
                     re.MULTILINE)


def description_problems(dist: Dist, raw: RawMetadata, metadata: Metadata,
                         problems: Problems) -> str | None:
    """Add what twine check --strict would fail on; returns a reST description to render."""
    where = f"{dist.filename}'s long description"
    description = raw.get("description")
    if not description or description.rstrip() == "UNKNOWN":
        problems.add(f"{dist.filename} has no long description", README_HINT)
        return None
    try:
        declared = metadata.description_content_type
    except InvalidMetadata as e:
        problems.add(f"{where}: {e}", README_HINT)
        return None
    if declared is None:
        problems.add(f"{where} has no Description-Content-Type (twine check --strict fails: "
                     "PyPI would guess reST)", README_HINT)
        return None
    message = email.message.EmailMessage()
    message["content-type"] = declared
    return description if message.get_content_type() == "text/x-rst" else None


def _rst_renderer() -> Render | None:
    """readme_renderer's reST renderer, the one PyPI uses, when it is importable here."""
    try:
        module = importlib.import_module("readme_renderer.rst")
    except ImportError:
        return None
    render: Render = module.render
    return render


def _first_report(text: str) -> str:
    if match := _REPORT.search(text):
        level = match["level"].capitalize()
        return f"line {match['line'] or '?'}: {level}: {match['message'].strip()}"
    return text.strip().splitlines()[0] if text.strip() else "no content rendered"


def render_rst(twine_check: TwineCheck | None, pending: list[tuple[Dist, str]],
               problems: Problems) -> str:
    """Render each reST description, in-process or through the session's twine check;
    returns which dists could not be rendered either way ('' when all were)."""
    if not pending:
        return ""
    render = _rst_renderer()
    if render is not None:
        for dist, text in pending:
            stream = io.StringIO()
            if render(text, stream=stream) is None:
                problems.add(f"{dist.filename}'s reST long description does not render on "
                             f"PyPI ({_first_report(stream.getvalue())})", RST_HINT)
        return ""
    names = ", ".join(dist.filename for dist, _ in pending)
    if twine_check is None:
        return f"{names} (readme_renderer is not importable here)"
    try:
        answers = twine_check([dist.path for dist, _ in pending])
    except Exception as e:  # a failing nox session raises its own exception types
        return f"{names} (twine check --strict could not run: {e})"
    unchecked = []
    for dist, _ in pending:
        answer = answers.get(dist.filename)
        if answer is None:
            unchecked.append(dist.filename)
        elif answer:
            problems.add(f"{dist.filename}: twine check --strict: {answer}", RST_HINT)
    return f"{', '.join(unchecked)} (twine check gave no answer)" if unchecked else ""

"""Writing a changelog for ``bump``: the open section becomes the new release's, headed the
way the project's latest release is (its words, date format and date line, brackets, reST
adornment, Markdown level); a development version only keeps a section open.

click's ``## Version 8.5.1`` over ``Released 2025-…`` gives ``## Version 8.5.2`` over
``Released 2026-12-06``; pluggy's ``pluggy 1.7.0 (2026-10-14)`` over ``====`` gives
``pluggy 1.7.1 (2026-12-06)`` over as many ``=``; pyyaml's plain ``6.0.4 (2026-11-20)`` line
gives a plain line. ``lines`` keep their line endings throughout.
"""

from __future__ import annotations

import datetime
import re

from packaging.utils import canonicalize_name
from packaging.version import Version

from publish_checks._errors import PublishChecksError
from publish_checks.project.changelog import (
    Section,
    entries,
    find_section,
    has_content,
    is_open,
    unreleased_section,
    version_span,
)
from publish_checks.project.changelog_links import compare_link, compared_since, unreleased_link
from publish_checks.project.changelog_pointer import covers_newer
from publish_checks.project.changelog_style import (
    is_date_line,
    is_status_line,
    restyle,
    without_status,
)


def _head(lines: list[str], section: Section) -> list[str]:
    """A heading's lines without their endings."""
    return [line.rstrip("\r\n") for line in lines[section.start:section.body_start]]


def _render(like: list[str], section: Section, title: str) -> list[str]:
    """``title`` as a heading of ``section``'s kind (``like`` its lines): the same ``#``s,
    plain line, or reST adornment as long as the title."""
    if section.plain:
        return [title]
    if len(like) == 1:
        return [like[0][:len(like[0]) - len(like[0].lstrip("#"))] + " " + title]
    rule = like[-1].strip()[0] * len(title)
    return [rule, title, rule] if len(like) == 3 else [title, rule]


def _date_line(lines: list[str], section: Section) -> tuple[int, int, int] | None:
    """(index, blank lines before, blank lines after) of the line that dates ``section``
    under its heading (click's ``Released 2026-11-09``), if it has one."""
    body = lines[section.body_start:section.end]
    first = next((n for n, line in enumerate(body) if line.strip()), None)
    if first is None or not is_date_line(body[first]):
        return None
    after = next((n for n in range(first + 1, len(body)) if body[n].strip()), len(body))
    return section.body_start + first, first, max(1, after - first - 1)


def _written(section: Section, key: str | None) -> str:
    found = version_span(section.title, key)
    return "" if found is None else section.title.strip()[found[1]:found[2]]


def _releases(found: list[Section], lines: list[str], name: str | None,
              key: str | None) -> list[Section]:
    return [s for s in found if version_span(s.title, key) is not None
            and not is_open(s, lines, name) and not covers_newer(s.title, key)]


def _eol(line: str) -> str:
    return line[len(line.rstrip("\r\n")):]


def _released(lines: list[str], opened: Section, releases: list[Section], new: Version,
              day: datetime.date, key: str | None) -> tuple[list[str], list[str]]:
    """The new release's heading lines and the lines that date it, in the latest release's
    style (the first release below the open section, else any), or a default one."""
    below = [s for s in releases if s.start > opened.start] or releases
    iso = day.isoformat()
    if below:
        latest = below[0]
        written = _written(latest, key)
        swaps = {written: str(new)}
        # A compare link in the title moves on a release: …/compare/1.1.0...1.2.0 → 1.2.0...
        if (since := compared_since(latest.title)) and since != written:
            swaps[since] = written
        title = restyle(latest.title.strip(), day, swaps)
        like = latest if not (latest.plain and not opened.plain) else opened
        heading = _render(_head(lines, like), like, title)
        dated = _date_line(lines, latest)
        if dated is None:
            return heading, []
        at, before_gap, after_gap = dated
        return heading, [""] * before_gap + [restyle(lines[at], day, {})] + [""] * after_gap
    if version_span(opened.title, key) is not None:  # '1.0.0 (unreleased)', 'Version 1.0.0'
        title = without_status(restyle(opened.title.strip(), day,
                                       {_written(opened, key): str(new)}), day)
        body = lines[opened.body_start:opened.end]
        status = next((line for line in body if line.strip()), "")
        dating = ["", f"Released {iso}", ""] if is_status_line(status) else []
        return _render(_head(lines, opened), opened, title), dating
    atx = len(_head(lines, opened)) == 1 and not opened.plain
    title = (f"[{new}] - {iso}" if opened.title.startswith("[")
             else f"{new} - {iso}" if atx else f"{new} ({iso})")
    return _render(_head(lines, opened), opened, title), []


def release_heading(text: str, version: str, day: datetime.date,
                    name: str | None = None) -> str | None:
    """The first line of the heading bump would write for ``version``: the latest release's,
    with this version and ``day`` (None when the file has no release heading)."""
    plain = text.splitlines()
    key = canonicalize_name(name) if name else None
    releases = _releases(entries(text, name), plain, name, key)
    if not releases:
        return None
    latest = releases[0]
    title = restyle(latest.title.strip(), day, {_written(latest, key): version})
    if latest.lead:  # tabulate's '- 0.10.0: Add …': the bullet, its text to write
        return f"{plain[latest.start][:2]}{title}: …"
    return _render(_head(plain, latest), latest, title)[0]


def release_unreleased(lines: list[str], shown: str, new: Version, day: datetime.date,
                       name: str | None = None) -> tuple[list[str], list[str]]:
    """Turn the open section into ``new``'s, dated ``day`` in the latest release's style.
    A named one (``Unreleased``, ``dev``, ``main``, ``In development``) stays above it,
    empty; one that names a version (``1.3.0 (unreleased)``, ``1.3.0.dev0``, pallets'
    ``Version 1.3.0`` over ``Unreleased``) is retitled. A Keep a Changelog compare link moves on.

    Returns the new lines and notes for the user; PublishChecksError when there is nothing
    to release or the result would not be a valid section (nothing is changed then).
    """
    lines = list(lines)
    text = "".join(lines)
    plain = text.splitlines()
    key = canonicalize_name(name) if name else None
    opened, releases = _section_to_release(text, plain, shown, new, name, key)
    heading, dating = _released(plain, opened, releases, new, day, key)
    eol = _eol(lines[opened.body_start - 1]) or "\n"
    notes = []
    body = plain[opened.body_start:opened.end]
    content = next((n for n, line in enumerate(body) if line.strip()), len(body))
    named = version_span(opened.title, key) is None
    if not named and content < len(body) and is_status_line(body[content]):
        dating = dating or [""]  # the status line goes: its section is released now
        content = next((n for n in range(content + 1, len(body)) if body[n].strip()), len(body))
    elif not dating:
        content = 0  # the body keeps its own spacing under the new heading
    keep = [*lines[opened.start:opened.body_start], eol] if named else []
    if keep and "/compare/" in opened.title and releases:  # '[Unreleased](…/compare/…...HEAD)'
        keep = [restyle(line, day, {_written(releases[0], key): str(new)}) for line in keep]
    if not named and (was := _written(opened, key)) and Version(was).base_version != str(new):
        notes.append(f"the open section of {shown} was headed {was}: it is {new}'s now")
    edits = [(opened.start, opened.body_start - opened.start + content,
              [*keep, *(line + eol for line in heading + dating)])]
    link_edits, link_notes = _compare_link_edits(lines, shown, new, eol)
    edits += link_edits
    notes += link_notes
    for i, count, replacement in sorted(edits, reverse=True):
        lines[i:i + count] = replacement
    result = "".join(lines)
    section, result_lines = find_section(result, str(new), name)
    if (section is None or not has_content(section.body(result_lines))
            or is_open(section, result_lines, name)):
        raise PublishChecksError(f"bump could not rewrite {shown} safely; nothing was written",
                                 f"rename the Unreleased heading to {new} by hand")
    return lines, notes


def _section_to_release(text: str, plain: list[str], shown: str, new: Version,
                        name: str | None, key: str | None) -> tuple[Section, list[Section]]:
    """The open section release_unreleased turns into ``new``'s, and the releases below it;
    PublishChecksError when ``new`` has its own section already, or there is no open
    section, or it lists nothing."""
    found = entries(text, name)
    opened = unreleased_section(text, name)
    existing, _ = find_section(text, str(new), name)
    if existing is not None and (opened is None or existing.start != opened.start):
        raise PublishChecksError(f"{shown} already has a section for {new} "
                                 f"(line {existing.start + 1})",
                                 "move its entries under Unreleased and remove that heading, "
                                 "or bump to another version")
    releases = _releases(found, plain, name, key)
    if opened is None:
        wanted = ("## [Unreleased]" if not releases
                  else "\n".join(_unreleased_heading(plain, releases[0])))
        rules = wanted.splitlines()
        what = (f"a '{wanted}' heading" if len(rules) == 1 else
                f"an 'Unreleased' title {'over- and ' if len(rules) == 3 else ''}underlined "
                f"with '{rules[-1]}'")
        raise PublishChecksError(f"{shown} has no Unreleased section to turn into {new}",
                                 f"add {what} above the latest release and list the changes "
                                 "under it")
    if not has_content(opened.body(plain)):
        raise PublishChecksError(f"the {opened.title.strip('[] ')} section of {shown} (line "
                                 f"{opened.start + 1}) is empty: there is nothing to release",
                                 "list what changed under it, then bump again")
    return opened, releases


def _compare_link_edits(lines: list[str], shown: str, new: Version,
                        eol: str) -> tuple[list[tuple[int, int, list[str]]], list[str]]:
    """(edits, notes): the edit that moves a Keep a Changelog compare link on to ``new``
    (``[Unreleased]: …/compare/v1.2.0...HEAD``), or the note that the [Unreleased] link was
    left as it was (not a compare link)."""
    for i, line in enumerate(lines):
        if link := compare_link(line):
            label, base, since, until = link
            tag = re.sub(r"\d.*", "", since) + str(new)  # v1.2.0 → v1.3.0
            end = _eol(line)
            return [(i, 1, [f"[{label}]: {base}{tag}...{until}{end or eol}",
                            f"[{new}]: {base}{since}...{tag}{end}"])], []
        if line.lower().startswith("[unreleased]:"):
            return [], [f"left the [Unreleased] link of {shown} as it was (not a compare link)"]
    return [], []


def _unreleased_heading(lines: list[str], latest: Section) -> list[str]:
    """An Unreleased heading written as the release heading ``latest`` is (its level,
    brackets, reST adornment, or a plain line), as lines without their endings."""
    title = "[Unreleased]" if latest.title.startswith("[") and not latest.plain else "Unreleased"
    return _render(_head(lines, latest), latest, title)


def open_unreleased(lines: list[str], shown: str, name: str | None = None,
                    new: Version | None = None) -> tuple[list[str], list[str]]:
    """Keep a section open at the top for a development version ``new`` (which is no
    release: nothing is dated). One that is open already, empty or not, is left as it is.
    Otherwise one goes above the latest release, written as that heading is: where the
    release has a date line (click's ``Released …``), the next version's heading over
    ``Unreleased`` as pallets do; else an ``Unreleased`` heading (its level, brackets, reST
    adornment), with a Keep a Changelog ``[Unreleased]`` compare link when that release has
    a link to start from.

    Returns the lines and notes for the user.
    """
    text = "".join(lines)
    plain = text.splitlines()
    key = canonicalize_name(name) if name else None
    if unreleased_section(text, name) is not None:
        return lines, []
    releases = _releases(entries(text, name), plain, name, key)
    if not releases:
        return lines, [f"{shown} has no release heading to open an Unreleased section above: "
                       "add one at its top"]
    latest = releases[0]
    eol = _eol(lines[latest.body_start - 1]) or "\n"
    dated = _date_line(plain, latest)
    if dated is not None and new is not None:
        at, before_gap, after_gap = dated
        title = restyle(latest.title.strip(), datetime.date.today(),
                        {_written(latest, key): new.base_version})
        status = plain[at][:len(plain[at]) - len(plain[at].lstrip())] + "Unreleased"
        heading = [*_render(_head(plain, latest), latest, title), *[""] * before_gap, status,
                   *[""] * after_gap]
        opened = [line + eol for line in heading]
        return ([*lines[:latest.start], *opened, *lines[latest.start:]],
                [f"opened the {new.base_version} section, Unreleased, in {shown}"])
    bracketed = latest.title.startswith("[")
    opened = [line + eol for line in _unreleased_heading(plain, latest)]
    result = [*lines[:latest.start], *opened, eol, *lines[latest.start:]]
    label = latest.title[1:].split("]", 1)[0].strip()
    has_link = any(line.lower().startswith("[unreleased]:") for line in lines)
    if bracketed and not has_link and (link := unreleased_link(result, label)) is not None:
        at, url = link
        result.insert(at, f"[Unreleased]: {url}{_eol(result[at]) or eol}")
    return result, [f"opened an empty Unreleased section in {shown}"]

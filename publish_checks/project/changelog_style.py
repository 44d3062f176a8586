"""How a changelog writes its release headings: the date's format, a "Released …" line under
the heading, and a title rewritten for the next version in the same words.

Real changelogs date releases as ``2026-11-09`` (Keep a Changelog, towncrier), ``26 November,
2026`` or ``6th December, 2024`` (httpx), ``November 26, 2026``, ``March, 2024`` (pyparsing),
in the title or on a line of its own (click's ``Released 2026-11-09``, psutil's bare date).
"""

from __future__ import annotations

import datetime
import re

from publish_checks._record import Record, record

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
_MONTH = r"(?P<month>(?:" + "|".join(m[:3] for m in MONTHS) + r")[a-z]*\.?)"
_DAY = r"(?P<day>[0-3]?\d)(?P<ordinal>st|nd|rd|th)?"
# Each pattern is a row of single tokens: no two quantifiers can take the same characters,
# so a line is searched in time linear in its length.
_DATES = (
    # Not '.': 2026.10.18 is a CalVer version as often as a date.
    re.compile(r"(?<!\d)(?P<year>\d{4})(?P<sep>[-/])(?P<mon>[01]?\d)(?P=sep)(?P<dd>[0-3]?\d)"
               r"(?!\d)"),
    re.compile(rf"(?<!\d){_DAY} {_MONTH}(?P<comma>,?) (?P<year>\d{{4}})(?!\d)"),
    re.compile(rf"\b{_MONTH} {_DAY}(?P<comma>,?) (?P<year>\d{{4}})(?!\d)"),
    re.compile(rf"\b{_MONTH}(?P<comma>,?) (?P<year>\d{{4}})(?!\d)"),
)
_ORDINALS = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}
# A line that says the section is not released yet: pallets' 'Unreleased' under the
# heading, '(unreleased)' or '(in development)' after a version in it.
OPEN_WORDS = ("unreleased", "in development", "not released yet", "not yet released")
_STATUS = re.compile(r"\b(?:" + "|".join(OPEN_WORDS).replace(" ", r"\s") + r")\b", re.I)
_DECORATION = "*_()[]:.,`"  # '*Released 2026-01-01*', 'Released: 2026-01-01.'


@record
class DateText(Record):
    """A date as one changelog writes it: where it is in its text, and how to write another."""

    start: int
    end: int
    match: re.Match[str]

    def render(self, day: datetime.date) -> str:
        """``day`` in this one's format: separators, zero padding, month spelling, ordinal."""
        found = self.match.groupdict()
        if found.get("sep"):  # 2026-11-09, 2026/1/9
            mon = f"{day.month:02d}" if len(found["mon"]) == 2 else str(day.month)
            dd = f"{day.day:02d}" if len(found["dd"]) == 2 else str(day.day)
            return f"{day.year:04d}{found['sep']}{mon}{found['sep']}{dd}"
        month = MONTHS[day.month - 1]
        written = found["month"]
        if len(written.rstrip(".")) == 3:
            month = month[:3] + ("." if written.endswith(".") else "")
        month = month.upper() if written.isupper() and len(written) > 1 else month
        year = f"{found['comma']} {day.year}"
        if found.get("day") is None:  # 'March, 2024'
            return month + year
        dd = f"{day.day:02d}" if found["day"].startswith("0") else str(day.day)
        dd += (_ORDINALS.get(day.day, "th") if found["ordinal"] else "")
        first = self.match.re is _DATES[1]
        return f"{dd} {month}{year}" if first else f"{month} {dd}{year}"


def find_date(text: str) -> DateText | None:
    """The first date in ``text`` in one of the formats above; None when it has none."""
    found = [m for pattern in _DATES if (m := pattern.search(text)) is not None]
    if not found:
        return None
    # The earliest, and of those the longest: 'November 26, 2026' over 'November, …'.
    best = min(found, key=lambda m: (m.start(), -m.end()))
    return DateText(best.start(), best.end(), best)


def _words_around(text: str, start: int, end: int) -> list[str]:
    rest = (text[:start] + " " + text[end:]).translate(str.maketrans(_DECORATION,
                                                                      " " * len(_DECORATION)))
    return rest.split()


def is_date_line(line: str) -> bool:
    """A line that only dates its section: ``Released 2026-11-09``, ``2026-01-18``,
    ``*Released on 26 November, 2026*`` (at most three words beside the date)."""
    text = line.strip()
    if not text or len(text) > 80 or (date := find_date(text)) is None:
        return False
    return len(_words_around(text, date.start, date.end)) <= 3


def is_status_line(line: str) -> bool:
    """A line that says its section is not released yet: ``Unreleased``, ``*In development*``."""
    text = line.strip()
    if not text or len(text) > 40 or (found := _STATUS.search(text)) is None:
        return False
    return len(_words_around(text, found.start(), found.end())) <= 1


def has_open_words(text: str) -> bool:
    """``1.3.0 (unreleased)``, ``7.2.3 (IN DEVELOPMENT)``: a heading's own 'not yet'."""
    return _STATUS.search(text) is not None


def restyle(text: str, day: datetime.date, swaps: dict[str, str]) -> str:
    """``text`` with its date written as ``day`` in the same format, and each version of
    ``swaps`` replaced by its value, all at once (``…/compare/25.5.0...26.1.0`` →
    ``…/compare/26.1.0...26.1.1``). A version is replaced only whole: 1.2.0 is not in 11.2.0
    nor in 1.2.0.1; ``...1.2.0`` is."""
    date = find_date(text)
    pieces = [(text, True)] if date is None else [
        (text[:date.start], True), (date.render(day), False), (text[date.end:], True)]
    if swaps:
        alternatives = "|".join(re.escape(v) for v in sorted(swaps, key=len, reverse=True))
        token = re.compile(rf"(?<!\d)(?<!\d\.)(?:{alternatives})(?!\d|\.\d)")
        pieces = [(token.sub(lambda m: swaps[m[0]], piece) if free else piece, free)
                  for piece, free in pieces]
    return "".join(piece for piece, _ in pieces)


def without_status(text: str, day: datetime.date) -> str:
    """``1.3.0 (unreleased)`` → ``1.3.0 (2026-12-06)``: the 'not yet' words become the date."""
    return _STATUS.sub(day.isoformat(), text, count=1)

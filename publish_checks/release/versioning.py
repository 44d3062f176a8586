"""The version after the current one: a part (patch, minor, major; the number of parts is
kept, as hatch keeps it), a pre-release move, dev, post, today's CalVer date, or a version
given. Pure: bump writes it where the project declares its version."""

from __future__ import annotations

import datetime
import re

from packaging.version import Version

from publish_checks._errors import UsageError
from publish_checks._text import NOX_STEPS, Steps, suggest
from publish_checks.project.version import version_problem

PARTS = ("patch", "minor", "major", "dev", "post", "calver")


def _make(like: Version, release: tuple[int, ...], pre: tuple[str, int] | None = None,
          post: int | None = None, dev: int | None = None) -> Version:
    text = (f"{like.epoch}!" if like.epoch else "") + ".".join(map(str, release))
    text += f"{pre[0]}{pre[1]}" if pre else ""
    text += f".post{post}" if post is not None else ""
    return Version(text + (f".dev{dev}" if dev is not None else ""))


def _unfinished(version: Version) -> bool:
    """A pre-release or a dev release of one: it leads up to its own release number."""
    return version.pre is not None or (version.dev is not None and version.post is None)


def _bump_release(current: Version, part: str) -> tuple[int, ...]:
    """The release number after ``current``'s for ``part``, with as many parts as it has
    (as hatch does: 26.4 → minor 26.5, major 27.0), and at least up to that part (26.4 →
    patch 26.4.1)."""
    index = ("major", "minor", "patch").index(part)
    release = (*current.release, *(0,) * (index + 1 - len(current.release)))
    if _unfinished(current) and not any(release[index + 1:]):
        return release  # 1.3.0rc1 is on its way to 1.3.0: finish it
    return (*release[:index], release[index] + 1, *(0,) * (len(release) - index - 1))


def _is_calendar(version: Version) -> bool:
    """2026.10.18: a four-digit year, a month and a day (certifi's YYYY.MM.DD)."""
    year, month, day = (*version.release, 0, 0)[:3]
    return len(version.release) >= 3 and 1990 <= year <= 2200 and 1 <= month <= 12 \
        and 1 <= day <= 31


def _next_calver(current: Version, today: datetime.date) -> Version:
    """Today as YYYY.M.D (YYYY.M when the current version has two parts; PEP 440 writes no
    zero padding: 2026.01.05 is 2026.1.5 to pip and PyPI). A second release on the same day
    adds a counter, as bumpver's and certifi's do: 2026.12.6 → 2026.12.6.1 → 2026.12.6.2."""
    date = (today.year, today.month) if len(current.release) == 2 else (
        today.year, today.month, today.day)
    if current.release[:len(date)] == date and current.pre is None and current.dev is None:
        count = current.release[len(date)] + 1 if len(current.release) > len(date) else 1
        return _make(current, (*date, count))
    return _make(current, date)


def _next_pre(current: Version, phase: str, steps: Steps) -> Version:
    if not _unfinished(current):
        raise UsageError(f"--pre alone moves a pre-release on, and {current} is a final release",
                         f"name the part too, e.g. {steps('bump', 'minor', '--pre', phase)}")
    if current.pre is None:  # 1.3.0.dev2 → 1.3.0rc1
        return _make(current, current.release, (phase, 1))
    have, number = current.pre
    if have != phase:
        number = 1  # b2 → rc1; rc → b comes out smaller and is refused by the caller
    elif current.dev is None:
        number += 1  # rc1 → rc2; rc2.dev1 → rc2 finishes the dev release
    return _make(current, current.release, (phase, number))


def _next_dev(current: Version) -> Version:
    if current.dev is not None:
        return _make(current, current.release, current.pre, current.post, current.dev + 1)
    if current.pre is not None:  # 1.3.0rc1 → 1.3.0rc2.dev0
        return _make(current, current.release, (current.pre[0], current.pre[1] + 1), dev=0)
    return _make(current, _bump_release(current, "patch"), dev=0)  # 1.2.3 → 1.2.4.dev0


def _next_post(current: Version, steps: Steps) -> Version:
    if current.dev is not None and current.post is not None:  # 1.2.3.post1.dev0 → 1.2.3.post1
        return _make(current, current.release, current.pre, current.post)
    if current.dev is not None:
        release = _make(current, current.release, current.pre)
        raise UsageError(f"{current} leads up to {release}, which is not released yet: a post "
                         "release follows a release",
                         f"release {release} first: {steps('bump', 'patch')}")
    post = 1 if current.post is None else current.post + 1  # 1.2.3 → 1.2.3.post1 (PEP 440's)
    return _make(current, current.release, current.pre, post)


def _explicit(target: str, pre: str | None, steps: Steps) -> Version:
    """An explicit version to bump to: canonical PEP 440, no local part, no ``--pre``."""
    if pre is not None:
        raise UsageError("--pre goes with patch, minor or major, not an explicit version",
                         f"write the pre-release into the version, e.g. {target}rc1")
    if problem := version_problem(target):
        try:
            fix = steps("bump", str(Version(target)))
        except ValueError:  # InvalidVersion, or a number past int's digit limit
            fix = "use a version such as 1.3.0, 1.3.0rc1 or 1.3.0.post1"
        raise UsageError(problem, fix)
    if Version(target).local is not None:
        raise UsageError(f"{target} has a local part (+…), which indexes refuse",
                         steps("bump", Version(target).public))
    return Version(target)


def next_version(current: Version, target: str | None, pre: str | None = None,
                 steps: Steps = NOX_STEPS, today: datetime.date | None = None) -> Version:
    """The version after ``current`` for ``target`` and ``pre``.

    - ``patch``/``minor``/``major``: 1.2.3 → 1.2.4 / 1.3.0 / 2.0.0. From a pre-release the
      part first *finishes* it when that release is of the same part: 1.3.0rc1 → ``patch``
      or ``minor`` 1.3.0, ``major`` 2.0.0; 2.0.0b1 → ``major`` 2.0.0; 1.3.1rc1 → ``minor``
      1.4.0. With ``--pre X`` the result becomes its first X pre-release: 1.2.3 ``minor
      --pre rc`` → 1.3.0rc1.
    - ``--pre X`` alone moves a pre-release on: 1.3.0rc1 → 1.3.0rc2, 1.3.0b2 → 1.3.0rc1,
      1.3.0.dev1 → 1.3.0rc1. From a final release it needs a part.
    - ``dev``: the next .devN, numbered from 0 (as pip and numpy open a cycle): 1.2.3 →
      1.2.4.dev0, 1.2.4.dev0 → 1.2.4.dev1, 1.3.0rc1 → 1.3.0rc2.dev0.
    - ``post``: a post release of the current release, numbered from 1 (PEP 440's own
      example): 1.2.3 → 1.2.3.post1, 1.2.3.post1 → 1.2.3.post2; 1.2.3.post1.dev0 →
      1.2.3.post1. A dev version of an unreleased version has no release to follow.
    - ``calver``: today's date, YYYY.M.D (see _next_calver); ``patch``/``minor``/``major``
      on a YYYY.M.D version are refused, naming ``calver``: 2026.10.18 → 2026.10.19 is a
      wrong date, not a patch.
    - an explicit version, which must be canonical PEP 440 and have no local part.

    Release numbers keep their number of parts: 26.4 → ``minor`` 26.5, ``major`` 27.0.

    Raises UsageError for anything else (its hint names the command as ``steps`` types
    it); the caller refuses results not above ``current``.
    """
    if target is None:
        if pre is None:
            raise UsageError("say what to bump: patch, minor, major, dev, post, calver or a "
                             "version X.Y.Z",
                             f"e.g. {steps('bump', 'minor')}")
        return _next_pre(current, pre, steps)
    if re.match(r"[vV]?\d", target):
        return _explicit(target, pre, steps)
    if target not in PARTS:
        close = suggest(target, PARTS)
        raise UsageError(f"unknown version part '{target}'",
                         (f"{close} " if close else "")
                         + "use patch, minor, major, dev, post, calver or a version such as "
                           "1.3.0")
    if target == "calver":
        if pre is not None:
            raise UsageError("calver and --pre do not combine",
                             f"{steps('bump', 'calver')}, or write the version out with its "
                             "pre-release")
        return _next_calver(current, today or datetime.date.today())
    if target in ("dev", "post"):
        if pre is not None:
            raise UsageError(f"{target} and --pre do not combine",
                             f"{steps('bump', target)}, or {steps('bump', 'patch', '--pre', 'rc')}")
        return _next_dev(current) if target == "dev" else _next_post(current, steps)
    if _is_calendar(current):
        raise UsageError(f"{current} is a date (CalVer): {target} would make it "
                         f"{_make(current, _bump_release(current, target))}",
                         f"for today's date: {steps('bump', 'calver')}; or name the version: "
                         f"{steps('bump', 'X.Y.Z')}")
    return _make(current, _bump_release(current, target), (pre, 1) if pre else None)


def patch_of(current: Version) -> Version:
    """The next patch release of ``current``: the example a refusal's hint gives."""
    return _make(current, _bump_release(current, "patch"))

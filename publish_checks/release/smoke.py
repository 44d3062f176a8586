"""The smoke test of an installed release (SPEC §3 ``smoke-test``): in the fresh virtualenv
it was installed into, import every module it ships, load every console/GUI entry point
(release/smoke_script.py judges each failure), then run the configured commands. The
pre-upload check (dists-install) and the post-upload install proof both run it through
:func:`smoke_test`."""

from __future__ import annotations

import json
import os
import shlex
import zipfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from packaging.utils import canonicalize_name

from publish_checks.checks.context import Unimportable
from publish_checks.dists.modules import module_paths as module_paths  # re-exported
from publish_checks.dists.scan import parse_record
from publish_checks.release.optional_imports import Guard
from publish_checks.release.process import tail
from publish_checks.release.runner import Runner
from publish_checks.release.smoke_script import SMOKE_SCRIPT

SMOKE_TIMEOUT = 300.0  # seconds for importing every module and loading every entry point
_SHOWN_FAILURES = 3

@dataclass(frozen=True)
class Failure:
    """One thing the smoke test could not do: import a module, load an entry point, run a
    configured command."""

    what: str  # "import demo_pkg", "entry point demo = demo_pkg.cli:main", "`demo --version`"
    error: str  # the error's last line: "FileNotFoundError: [Errno 2] No such file …"
    tail: str = ""
    # The release's other modules it failed through, outermost first; the last one raised.
    through: tuple[str, ...] = ()

    @property
    def headline(self) -> str:
        raised = f" (raised in {self.through[-1]})" if self.through else ""
        return f"{self.what} failed: {self.error}{raised}"


@dataclass(frozen=True)
class Smoke:
    """What the smoke test did and what failed."""

    failures: tuple[Failure, ...]
    tried: str  # "3 modules imported, 1 entry point loaded, 1 command run"
    output: str = ""  # what the configured commands printed
    # What needs a module the release does not install ("import dotenv.cli (needs click)",
    # or in its own ImportError's words: "import docutils.parsers.commonmark_wrapper
    # (ImportError: Parsing "CommonMark" requires one of the packages …)"):
    # an extra or an optional integration, so a warning, not a failure.
    optional: tuple[str, ...] = ()
    # What users do not import here and did not import (click._winconsole on linux): a warning.
    unimportable: tuple[Unimportable, ...] = ()
    platform: str = ""  # sys.platform of the fresh virtualenv's Python, as it said

    @property
    def problem(self) -> str:
        """One line naming what failed ('' when nothing did)."""
        if not self.failures:
            return ""
        shown = "; ".join(f.headline for f in self.failures[:_SHOWN_FAILURES])
        more = len(self.failures) - _SHOWN_FAILURES
        where = f" on {self.platform}" if self.platform else ""
        return (f"the smoke test failed{where}: {shown}"
                + (f"; and {more} more" if more > 0 else ""))

    @property
    def tail(self) -> str:
        """The end of each failure's error (under its name when there are several)."""
        if len(self.failures) == 1:
            return tail(self.failures[0].tail, 8)
        return "\n".join(f"{f.what}:\n{tail(f.tail, 6)}"
                         for f in self.failures[:_SHOWN_FAILURES] if f.tail.strip())


def importable_modules(paths: Iterable[str], skip: Sequence[str] = ()) -> list[str]:
    """The modules among installed file paths (relative to site-packages, as in a wheel or
    its RECORD), parents first: every .py file and extension module in an importable place,
    except test suites (``tests``/``test``/``testing`` packages and their private
    ``_tests``/``_test``/``_testing`` twins), ``__main__`` and ``skip`` (with their
    submodules).
    A folder without ``__init__.py`` inside a package holds data (templates), not modules."""
    return sorted(m for m in module_paths(paths)
                  if not any(m == s or m.startswith(s + ".") for s in skip))


def wheel_paths(wheel: Path) -> list[str]:
    """The member names of a wheel (what it installs)."""
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def installed_record(venv: Path, project: str) -> Path | None:
    """The RECORD ``project`` installed into ``venv`` (in its site-packages); None if none."""
    for record in sorted([*venv.glob("lib/python*/site-packages/*.dist-info/RECORD"),
                          *venv.glob("Lib/site-packages/*.dist-info/RECORD")]):
        name = record.parent.name.removesuffix(".dist-info").rsplit("-", 1)[0]
        if canonicalize_name(name) == project:
            return record
    return None


def installed_paths(venv: Path, project: str) -> list[str] | None:
    """The files ``project`` installed into ``venv``, from its RECORD; None if none is found."""
    record = installed_record(venv, project)
    if record is None:
        return None
    rows, _ = parse_record(record.read_bytes())
    return [row.path for row in rows]


def smoke_test(runner: Runner, python: Path, *, project: str, modules: Sequence[str],
               commands: Sequence[Sequence[str]], env: Mapping[str, str], work: Path,
               optional: Mapping[str, Guard] | None = None) -> Smoke:
    """Import ``modules`` and load ``project``'s entry points with ``python`` (of the fresh
    virtualenv), then run ``commands`` with that virtualenv first on PATH; each runs in an
    empty folder, so that the project's sources cannot shadow what was installed.
    ``optional``: the modules the release's own code imports only under a guard (an
    ImportError of one is a warning naming that guard)."""
    optional = optional or {}
    empty = work / "cwd"
    empty.mkdir(exist_ok=True)
    plan, answer = work / "smoke-plan.json", work / "smoke-report.jsonl"
    plan.write_text(json.dumps({"project": project, "modules": list(modules),
                                "optional": {m: g.catches for m, g in optional.items()}}),
                    "utf-8")
    answer.write_text("", "utf-8")
    runner.log(f"Smoke test: importing {_count(len(modules), 'module')}, loading the entry "
               "points")
    done = runner.run([str(python), "-c", SMOKE_SCRIPT, str(plan), str(answer)], env=env,
                      cwd=empty, timeout=SMOKE_TIMEOUT)
    report = _read_report(answer, optional)
    failures = list(report.failures)
    if not report.finished or done.timed_out:
        why = (f"stopped after {SMOKE_TIMEOUT:.0f} s" if done.timed_out
               else f"ended early (exit status {done.code})")
        where = f" while trying {report.pending}" if report.pending else ""
        failures.append(Failure("the import script", f"it {why}{where}", done.output))
    outputs = []
    path_env = {**env, "PATH": os.pathsep.join([str(python.parent), env.get("PATH", "")]),
                "VIRTUAL_ENV": str(python.parent.parent)}
    for command in commands:
        runner.log(f"Smoke test: {shlex.join(command)}")
        ran = runner.run(command, env=path_env, cwd=empty)
        if ran.output.strip():
            outputs.append(ran.output.strip())
        if ran.code != 0:
            failures.append(Failure(f"`{shlex.join(command)}`", f"exit status {ran.code}",
                                    ran.output))
    tried = (f"{_count(report.started['module'], 'module')} imported, "
             f"{_count(report.started['entry point'], 'entry point')} loaded"
             + (f", {_count(len(commands), 'command')} run" if commands else ""))
    return Smoke(tuple(failures), tried, "\n".join(outputs), tuple(report.optional),
                 report.unimportable(), report.platform)


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


@dataclass
class _Report:
    failures: list[Failure] = field(default_factory=list)
    optional: list[str] = field(default_factory=list)
    # Each private or platform-guarded module that raised, with the modules it went through.
    guarded: list[tuple[Unimportable, tuple[str, ...]]] = field(default_factory=list)
    started: Counter[str] = field(default_factory=Counter)  # attempts, by kind
    pending: str = ""  # the last attempt that has no answer: where a cut-short run was
    finished: bool = False
    platform: str = ""

    def unimportable(self) -> tuple[Unimportable, ...]:
        """The guarded modules no failure went through: a public import that fails through
        one (or one that fails through a failing public module) is the failure's story."""
        failed = {f.what.removeprefix("import ") for f in self.failures}
        involved = {m for f in self.failures for m in f.through}
        return tuple(u for u, through in self.guarded
                     if u.module not in involved and not failed.intersection(through))


_WHAT = {"module": ("import", "to import"), "entry point": ("entry point", "to load entry point"),
         "distribution": ("finding the distribution", "to find the distribution")}


def _read_report(answer: Path, optional: Mapping[str, Guard]) -> _Report:
    """The smoke script's report: one JSON array of strings per line (a line cut off by a
    killed run is left out)."""
    report = _Report()
    try:
        lines = answer.read_text("utf-8", errors="replace").splitlines()
    except OSError:
        return report
    for line in lines:
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if not (isinstance(event, list) and event and all(isinstance(e, str) for e in event)):
            continue
        if event[0] == "platform" and len(event) == 2:
            report.platform = event[1]
        elif event[0] == "start" and len(event) == 3:
            report.started[event[1]] += 1
            report.pending = f"{_WHAT.get(event[1], ('', event[1]))[1]} {event[2]}"
        elif event[0] == "fail" and len(event) in (5, 6):
            kind, name, error, trace = event[1:5]
            through = tuple(filter(None, event[5].split(","))) if len(event) == 6 else ()
            what = f"{_WHAT.get(kind, (kind, ''))[0]} {name}"
            report.failures.append(Failure(what, error, trace, through))
            report.pending = ""
        elif event[0] == "guarded" and len(event) == 6:
            _, name, error, why, through = event[1:]
            guard = optional.get(name) if why == "optional" else None
            report.guarded.append((Unimportable(name, error, private=why == "private",
                                                template=why == "template",
                                                guarded_by=str(guard or "")),
                                   tuple(filter(None, through.split(",")))))
            report.pending = ""
        elif event[0] == "optional" and len(event) == 5:
            kind, name, missing, said = event[1:]
            why = f"needs {missing}" if missing else f"ImportError: {said}"
            report.optional.append(f"{_WHAT.get(kind, (kind, ''))[0]} {name} ({why})")
            report.pending = ""
        elif event[0] == "done":
            report.finished = True
    return report

"""The smoke test of an installed release (SPEC §3 ``smoke-test``): in the fresh virtualenv
it was installed into, import every module it ships, load every console/GUI entry point,
then run the configured commands. The pre-upload check (dists-install) and the post-upload
install proof both run it through :func:`smoke_test`."""

from __future__ import annotations

import json
import keyword
import os
import re
import shlex
import zipfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from packaging.utils import canonicalize_name

from publish_checks.dists.scan import parse_record
from publish_checks.release.process import tail
from publish_checks.release.runner import Runner

SMOKE_TIMEOUT = 300.0  # seconds for importing every module and loading every entry point
SKIPPED_PARTS = ("tests", "testing", "__main__")  # test suites' imports; a CLI run on import
_LIBRARY = re.compile(r"^[^/]+\.data/(?:purelib|platlib)/")
_SHOWN_FAILURES = 3

#: Run by the fresh virtualenv's Python as ``python -c SCRIPT PLAN REPORT``. PLAN is JSON
#: {"project": normalized name, "modules": [...]}; REPORT receives one JSON array per line
#: as it goes — ["start", kind, name], ["fail", kind, name, error, tail], ["optional", kind,
#: name, missing module], ["done"] — so that a run cut short by its time limit still says
#: what it was doing. Python 3.8 syntax: the release may support an old interpreter.
#:
#: "optional": a submodule or an entry point that needs a module neither the release nor
#: its required dependencies provide (an extra such as python-dotenv[cli], an integration
#: such as dotenv.ipython): the release works without it, so it is reported, not failed.
#: A top-level package that needs one is a missing dependency, and fails.
SMOKE_SCRIPT = """\
import importlib, json, os, re, sys, sysconfig, traceback
from importlib import metadata

STDLIB = sysconfig.get_paths()["stdlib"]  # not platstdlib: in a venv, site-packages is in it

def ours(filename):  # not the import machinery's frames, nor the standard library's
    return not filename.startswith("<") and not (
        filename.startswith(STDLIB) and "-packages" not in filename)

with open(sys.argv[1], encoding="utf-8") as given:
    plan = json.load(given)
report = open(sys.argv[2], "a", encoding="utf-8")

def note(*event):
    report.write(json.dumps(event) + "\\n")
    report.flush()

TOPS = {m.split(".")[0] for m in plan["modules"]}

def missing_module(error):  # the module whose absence caused error, if that is the cause
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, ModuleNotFoundError) and error.name:
            return error.name
        error = error.__cause__ or error.__context__
    return None

def attempt(kind, name, action):
    note("start", kind, name)
    try:
        action()
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # SystemExit at import time is a failure too
        missing = missing_module(error)
        top_level = kind == "module" and "." not in name
        if missing and missing.split(".")[0] not in TOPS and not top_level:
            note("optional", kind, name, missing)
            return missing
        frames = [f for f in traceback.extract_tb(error.__traceback__) if ours(f.filename)]
        lines = traceback.format_list(frames) + traceback.format_exception_only(type(error),
                                                                                error)
        first = (str(error).strip().splitlines() or [""])[0]
        note("fail", kind, name, type(error).__name__ + (": " + first if first else ""),
             "".join(lines).rstrip())
        return ""
    return None

failed = {}  # module → the missing module it needs ('' when it failed otherwise)

def under_failed(module):  # its package failed to import: that failure is the one to read
    return next((failed[f] for f in failed if module == f or module.startswith(f + ".")), None)

for module in plan["modules"]:
    if under_failed(module) is None:
        outcome = attempt("module", module, lambda: importlib.import_module(module))
        if outcome is not None:
            failed[module] = outcome

def canonical(name):
    return re.sub(r"[-_.]+", "-", name or "").lower()

found = [d for d in metadata.distributions()
         if canonical(d.metadata.get("Name")) == plan["project"]]
if not found:
    note("fail", "distribution", plan["project"], "PackageNotFoundError: not installed", "")
else:
    for ep in found[0].entry_points:
        module = ep.value.split(":")[0].strip()
        if ep.group not in ("console_scripts", "gui_scripts"):
            continue
        needs = under_failed(module)
        if needs is None:
            attempt("entry point", ep.name + " = " + ep.value, ep.load)
        elif needs:  # its module needs what is not installed: so does the entry point
            note("optional", "entry point", ep.name + " = " + ep.value, needs)
note("done")
# Threads or exit handlers an import started must not hold the interpreter open.
sys.stdout.flush()
sys.stderr.flush()
os._exit(0)
"""


@dataclass(frozen=True)
class Failure:
    """One thing the smoke test could not do: import a module, load an entry point, run a
    configured command."""

    what: str  # "import demo_pkg", "entry point demo = demo_pkg.cli:main", "`demo --version`"
    error: str  # the error's last line: "FileNotFoundError: [Errno 2] No such file …"
    tail: str = ""

    @property
    def headline(self) -> str:
        return f"{self.what} failed: {self.error}"


@dataclass(frozen=True)
class Smoke:
    """What the smoke test did and what failed."""

    failures: tuple[Failure, ...]
    tried: str  # "3 modules imported, 1 entry point loaded, 1 command run"
    output: str = ""  # what the configured commands printed
    # What needs a module the release does not install ("import dotenv.cli (needs click)"):
    # an extra or an optional integration, so a warning, not a failure.
    optional: tuple[str, ...] = ()

    @property
    def problem(self) -> str:
        """One line naming what failed ('' when nothing did)."""
        if not self.failures:
            return ""
        shown = "; ".join(f.headline for f in self.failures[:_SHOWN_FAILURES])
        more = len(self.failures) - _SHOWN_FAILURES
        return f"the smoke test failed: {shown}" + (f"; and {more} more" if more > 0 else "")

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
    except ``tests``/``testing`` packages, ``__main__`` and ``skip`` (with their submodules).
    A folder without ``__init__.py`` inside a package holds data (templates), not modules."""
    files = {_LIBRARY.sub("", p.replace("\\", "/")) for p in paths}
    packages = {f.rsplit("/", 1)[0] for f in files if f.endswith("/__init__.py")}
    modules = set()
    for path in files:
        *folders, filename = path.split("/")
        if not filename.endswith((".py", ".so", ".pyd")):
            continue
        stem = filename.split(".", 1)[0]
        names = folders if stem == "__init__" else [*folders, stem]
        if not names or not all(n.isidentifier() and not keyword.iskeyword(n) for n in names):
            continue
        if any("/".join(folders[:i]) in packages and "/".join(folders[:i + 1]) not in packages
               for i in range(1, len(folders))):
            continue
        if any(part in SKIPPED_PARTS for part in names):
            continue
        module = ".".join(names)
        if not any(module == s or module.startswith(s + ".") for s in skip):
            modules.add(module)
    return sorted(modules)


def wheel_paths(wheel: Path) -> list[str]:
    """The member names of a wheel (what it installs)."""
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def installed_paths(venv: Path, project: str) -> list[str] | None:
    """The files ``project`` installed into ``venv``, from its RECORD; None if none is found."""
    for record in sorted([*venv.glob("lib/python*/site-packages/*.dist-info/RECORD"),
                          *venv.glob("Lib/site-packages/*.dist-info/RECORD")]):
        name = record.parent.name.removesuffix(".dist-info").rsplit("-", 1)[0]
        if canonicalize_name(name) == project:
            rows, _ = parse_record(record.read_bytes())
            return [row.path for row in rows]
    return None


def smoke_test(runner: Runner, python: Path, *, project: str, modules: Sequence[str],
               commands: Sequence[Sequence[str]], env: Mapping[str, str], work: Path) -> Smoke:
    """Import ``modules`` and load ``project``'s entry points with ``python`` (of the fresh
    virtualenv), then run ``commands`` with that virtualenv first on PATH; each runs in an
    empty folder, so that the project's sources cannot shadow what was installed."""
    empty = work / "cwd"
    empty.mkdir(exist_ok=True)
    plan, answer = work / "smoke-plan.json", work / "smoke-report.jsonl"
    plan.write_text(json.dumps({"project": project, "modules": list(modules)}), "utf-8")
    answer.write_text("", "utf-8")
    runner.log(f"Smoke test: importing {_count(len(modules), 'module')}, loading the entry "
               "points")
    done = runner.run([str(python), "-c", SMOKE_SCRIPT, str(plan), str(answer)], env=env,
                      cwd=empty, timeout=SMOKE_TIMEOUT)
    report = _read_report(answer)
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
    return Smoke(tuple(failures), tried, "\n".join(outputs), tuple(report.optional))


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


@dataclass
class _Report:
    failures: list[Failure] = field(default_factory=list)
    optional: list[str] = field(default_factory=list)
    started: Counter[str] = field(default_factory=Counter)  # attempts, by kind
    pending: str = ""  # the last attempt that has no answer: where a cut-short run was
    finished: bool = False


_WHAT = {"module": ("import", "to import"), "entry point": ("entry point", "to load entry point"),
         "distribution": ("finding the distribution", "to find the distribution")}


def _read_report(answer: Path) -> _Report:
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
        if event[0] == "start" and len(event) == 3:
            report.started[event[1]] += 1
            report.pending = f"{_WHAT.get(event[1], ('', event[1]))[1]} {event[2]}"
        elif event[0] == "fail" and len(event) == 5:
            kind, name, error, trace = event[1:]
            what = f"{_WHAT.get(kind, (kind, ''))[0]} {name}"
            report.failures.append(Failure(what, error, trace))
            report.pending = ""
        elif event[0] == "optional" and len(event) == 4:
            kind, name, missing = event[1:]
            report.optional.append(f"{_WHAT.get(kind, (kind, ''))[0]} {name} (needs {missing})")
            report.pending = ""
        elif event[0] == "done":
            report.finished = True
    return report

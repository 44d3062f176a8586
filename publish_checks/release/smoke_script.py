"""The script the smoke test runs inside the fresh virtualenv (SPEC §3 ``smoke-test``): it
imports every module of the release, loads every console/GUI entry point, and judges each
failure the way users meet it.

- What users import must work: a top-level package or module, a public module (no part
  of its dotted path starts with ``_``), an entry point. A failure there is a ``fail``,
  also when it is raised in a private module that the public one imports.
- A private module that raises when imported by itself (``click._winconsole`` asserts
  ``sys.platform == "win32"``) is ``guarded``: a warning, unless a public import fails
  through it (the caller drops the warning then: the failure names the module).
- So is a public submodule guarded for another platform: an AssertionError, or an
  ImportError its own code raises (not the import system's: those name the module they
  could not find) unless it says what it needs (below), or an import of what only
  another platform's Python has (``msvcrt``, ``ctypes.windll``), or a module named for
  another platform (``paramiko.win_pageant``, ``watchdog.observers.kqueue``), whatever it
  raises. A public module failing through such a public module is guarded too. So is a
  template a tool fills in (virtualenv's ``activate_this.py``: a NameError for an
  upper-case dunder such as ``__BIN_NAME__``).
- So is a submodule that raises an ImportError when the release's own code imports it only
  inside a ``try:`` that catches that error and goes on (PLAN's "optional", found by
  release/optional_imports.py): pyyaml's ``yaml.cyaml`` without libyaml, whose
  ``yaml._yaml`` is not built; ``yaml/__init__.py`` imports it under try/except ImportError.
  Imported unguarded anywhere, it must import (a module the wheel left out still fails).
- A submodule or an entry point that needs a module neither the release nor its required
  dependencies provide (an extra such as python-dotenv[cli], an integration such as
  dotenv.ipython) is ``optional``: the release works without it. So is one whose own
  ImportError says what it needs, unless it names a platform (docutils'
  commonmark_wrapper: 'Parsing "CommonMark" requires one of the packages …'; IPython's
  qt_for_kernel: "Could not load requested Qt binding …"). A top-level module that needs
  one is a missing dependency, and a module of the release's own that is missing from the
  wheel is an incomplete wheel: both fail. So is a file missing from the release's own
  package folders (package data), wherever it is read, a private module too.
"""

from __future__ import annotations

from publish_checks.release.smoke_entry_points import ENTRY_POINT_READER
from publish_checks.release.smoke_platforms import PLATFORM_RULES

#: Run by the fresh virtualenv's Python as ``python -c SCRIPT PLAN REPORT``. PLAN is JSON
#: {"project": normalized name, "modules": [...], "optional": {module: "ImportError" or
#: "ModuleNotFoundError", what the guard around every import of it catches}}; REPORT
#: receives one JSON array of strings per line as it goes, so that a run cut short by its
#: time limit still says what it was doing:
#:   ["platform", sys.platform]
#:   ["start", kind, name]
#:   ["fail", kind, name, error, tail, through]  (through: the release's other modules in
#:       the traceback, outermost first, joined by commas; the last one raised)
#:   ["guarded", kind, name, error, why, through]  (why: "private", "platform",
#:       "template" or "optional")
#:   ["optional", kind, name, missing module, said]  (said: "", or the module's own
#:       ImportError about what it needs, on one line; the missing module is "" then)
#:   ["done"]
#: Python 3.8 syntax: the release may support an old interpreter.
SMOKE_SCRIPT = """\
import functools, importlib, json, linecache, os, re, sys, sysconfig, traceback

STDLIB = sysconfig.get_paths()["stdlib"]  # not platstdlib: in a venv, site-packages is in it
""" + PLATFORM_RULES + """\
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
OPTIONAL = plan.get("optional") or {}
CATCHES = {"ImportError": ImportError, "ModuleNotFoundError": ModuleNotFoundError}

def top(name):
    return (name or "").split(".")[0]

def private(module):
    return any(part.startswith("_") for part in module.split("."))

def missing_module(error):  # the module whose absence caused error, if that is the cause
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, ModuleNotFoundError) and error.name:
            return error.name
        error = error.__cause__ or error.__context__
    return None

def release_frames(error):  # (module, line) of each frame of the release's own code
    frames = []
    for frame, lineno in traceback.walk_tb(error.__traceback__):
        name = frame.f_globals.get("__name__")
        if isinstance(name, str) and top(name) in TOPS:
            frames.append((name, linecache.getline(frame.f_code.co_filename, lineno).strip()))
    return frames

def innermost(error):  # the frame that raised
    last = None
    for frame, _ in traceback.walk_tb(error.__traceback__):
        last = frame
    return last

def innermost_is_ours(error):
    last = innermost(error)
    return last is not None and top(last.f_globals.get("__name__")) in TOPS

def named_for_other_platform(module):
    return bool(OTHER_WORDS.intersection(re.split(r"[._\\d]+", module.lower())))

def platform_guard(error):  # raised by the release's code, or needs another platform
    missing = missing_module(error)
    if missing and top(missing) in PLATFORM_MODULES:
        return True
    if isinstance(error, ImportError) and error.name in ("ctypes", "ctypes.wintypes"):
        return True  # from ctypes import windll
    if isinstance(error, AttributeError) and CTYPES_MISSING.match(str(error)):
        return True  # ctypes.windll.kernel32
    if isinstance(error, OSError) and OTHER_LIBRARY.search(str(error)):
        last = innermost(error)  # ctypes.cdll.LoadLibrary("/System/Library/…/IOKit")
        return last is not None and last.f_code.co_filename.startswith(CTYPES)
    if isinstance(error, AssertionError) or (
            isinstance(error, ImportError) and getattr(error, "name", None) is None):
        return innermost_is_ours(error)
    return False

# An ImportError the release's code raises about what it needs, and one about a platform
# (that one is a platform guard).
NEEDS = re.compile(r"\\b(?:requir|install|depend|No module named\\b|(?:is|are|be) available\\b"
                   r"|please ensure\\b)", re.IGNORECASE)
PLATFORM_SAID = re.compile(r"\\b(?:windows|win32|win64|mac ?os|os ?x|darwin|linux|posix|unix"
                           r"|\\w*bsd|cygwin|platform|emscripten|pyodide|wasm|jython|java)\\b",
                           re.IGNORECASE)
NAMED = re.compile(r"No module named '?([A-Za-z_][\\w.]*)'?")

def own_needs(error):  # (missing module or "", what it said) of an ImportError like that
    if not (isinstance(error, ImportError) and getattr(error, "name", None) is None
            and innermost_is_ours(error)):
        return None
    said = " ".join(str(error).split())
    if not NEEDS.search(said) or PLATFORM_SAID.search(said):
        return None
    named = NAMED.search(said)
    if named and top(named.group(1)) in TOPS | PLATFORM_MODULES:
        return None  # its own module (an incomplete wheel), or another platform's
    if len(said) > 200:
        cut = said.rfind(". ", 0, 200)
        said = said[:cut + 1] if cut > 0 else said[:199] + "\u2026"
    return (named.group(1), "") if named else ("", said)

def described(error, line):
    first = (str(error).strip().splitlines() or [""])[0]
    if first:
        return type(error).__name__ + ": " + first
    if isinstance(error, AssertionError) and line.startswith("assert "):
        return "AssertionError: " + line
    return type(error).__name__

def incomplete(error):  # a module, a name or a file of the release's own is not there
    seen = set()
    while error is not None and id(error) not in seen:  # also under a friendlier ImportError
        seen.add(id(error))
        name = getattr(error, "name", None) if isinstance(error, ImportError) else None
        # "cannot import name X from M" names a missing file only when M is a package: from
        # a plain module, X is a name the code lacks (tqdm._utils, a deprecated private shim).
        if top(name) in TOPS and (isinstance(error, ModuleNotFoundError)
                                  or not hasattr(sys.modules.get(name), "__file__")
                                  or hasattr(sys.modules.get(name), "__path__")):
            return True
        if own_file_missing(error):
            return True
        error = error.__cause__ or error.__context__
    return False

# A placeholder a tool fills in when it writes the file out (virtualenv's activate_this.py
# holds __BIN_NAME__): real dunders are lower case.
PLACEHOLDER = re.compile(r"name '(__[A-Z][A-Z0-9_]*__)' is not defined")

def template(module, error):  # a file shipped to be filled in, not imported
    last = innermost(error)
    return isinstance(error, NameError) and PLACEHOLDER.match(str(error)) is not None and (
        last is not None and last.f_globals.get("__name__") == module)

def own_file_missing(error):  # a file of the release's own packages (its package data)
    if not isinstance(error, FileNotFoundError) or not isinstance(error.filename, str):
        return False
    path = os.path.abspath(error.filename)
    for name in TOPS:
        for folder in getattr(sys.modules.get(name), "__path__", None) or ():
            if path.startswith(os.path.join(os.path.abspath(folder), "")):
                return True
    return False

failed = {}  # module → "fail", "guarded" or "optional"
needs = {}  # an optional module → (the missing module, what it said)

def judge(kind, name, error):
    frames = release_frames(error)
    origin = frames[-1][0] if frames else name
    line = frames[-1][1] if frames else ""
    chain = []  # the release's other modules it went through, outermost first
    for module_name, _ in frames:
        if module_name != name and module_name not in chain:
            chain.append(module_name)
    through = ",".join(chain)
    missing = missing_module(error)
    own_missing = incomplete(error)
    module = kind == "module"
    top_level = module and "." not in name
    if missing and top(missing) not in TOPS and not top_level and not (
            module and top(missing) in PLATFORM_MODULES):
        return ("optional", missing, "")
    needs = None if top_level or own_missing else own_needs(error)
    if needs is not None:
        return ("optional", *needs)
    # The release's own code goes on without it: an optional accelerator, whatever is missing.
    if module and not top_level and name in OPTIONAL and isinstance(
            error, CATCHES.get(OPTIONAL[name], ImportError)):
        return ("guarded", described(error, line), "optional", through)
    # Through a private module, only another platform's missing module (twisted's
    # iocpreactor → _dumbwin32proc → pywintypes) makes a public one platform-only: as if
    # it imported that module itself. Any other guard raised there is the public one's bug.
    if module and not top_level and (platform_guard(error) and not own_missing and (
            origin == name or not private(origin) or top(missing) in PLATFORM_MODULES) or (
            named_for_other_platform(name) and not own_missing)):
        return ("guarded", described(error, line),
                "private" if private(name) else "platform", through)
    if module and private(name) and not own_missing:
        return ("guarded", described(error, line), "private", through)
    if module and not top_level and template(name, error):
        return ("guarded", described(error, line), "template", through)
    shown = [f for f in traceback.extract_tb(error.__traceback__) if ours(f.filename)]
    lines = traceback.format_list(shown) + traceback.format_exception_only(type(error), error)
    return ("fail", described(error, line), "".join(lines).rstrip(), through)

def attempt(kind, name, action):
    note("start", kind, name)
    try:
        action()
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # SystemExit at import time is a failure too
        verdict = judge(kind, name, error)
        note(verdict[0], kind, name, *verdict[1:])
        if verdict[0] == "optional":
            needs[name] = verdict[1:]
        return verdict[0]
    return None

def under_failed(module):  # its package that failed to import: the failure to read
    return next((f for f in failed if module == f or module.startswith(f + ".")), None)

note("platform", sys.platform)
for module in plan["modules"]:
    if under_failed(module) is None:
        outcome = attempt("module", module, lambda: importlib.import_module(module))
        if outcome is not None:
            failed[module] = outcome

def canonical(name):
    return re.sub(r"[-_.]+", "-", name or "").lower()

""" + ENTRY_POINT_READER + """\
found = release_entry_points()
if found is None:
    note("fail", "distribution", plan["project"], "PackageNotFoundError: not installed", "",
         "")
else:
    for ep in found:
        module = ep.value.split(":")[0].strip()
        if ep.group not in ("console_scripts", "gui_scripts"):
            continue
        where = under_failed(module)
        if where is None or failed[where] == "guarded":  # an entry point must load: try it
            attempt("entry point", ep.name + " = " + ep.value, ep.load)
        elif failed[where] == "optional":  # its module needs what is not installed: so does it
            note("optional", "entry point", ep.name + " = " + ep.value, *needs[where])
note("done")
# Threads or exit handlers an import started must not hold the interpreter open.
sys.stdout.flush()
sys.stderr.flush()
os._exit(0)
"""

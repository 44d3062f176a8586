"""Which files a build backend makes a wheel's import packages and modules from, read from
its own settings the way it reads them: setuptools (pyproject.toml, setup.cfg and a static
reading of setup.py), flit, hatch, pdm-backend, poetry-core, maturin and scikit-build-core.

Each answer is a :class:`Source`. A declared one the backend is told to ship, so the wheel
must hold it wherever git tracks it; the others only say where to look for what the wheel
turns out to hold. Settings not understood here are left out: the checks then look less
far, never fail more.
"""

from __future__ import annotations

import configparser
import posixpath
from typing import Any

from publish_checks._record import Record, record
from publish_checks.project.setup_py import Find, SetupPy

_GLOB = set("*?[")


@record
class Source(Record):
    """A part of the wheel and the project path it is built from."""

    wheel: str  # in the wheel: "pkg", "mod.py", "ns/pkg"; "" for a folder of top-level ones
    folder: str  # in the project, relative, with "/": a folder, or a file for a module
    declared: bool = False  # the backend is told to ship it (else: only where to look)


def family(backend: str) -> str:
    """The backend a ``build-backend`` names; setuptools for setup.py and in-tree wrappers."""
    name = backend.partition(":")[0]
    for prefix, which in (("flit", "flit"), ("hatchling", "hatch"), ("pdm", "pdm"),
                          ("poetry", "poetry"), ("maturin", "maturin"),
                          ("scikit_build_core", "scikit-build")):
        if name == prefix or name.startswith(prefix + ".") or name.startswith(prefix + "_"):
            return which
    return "setuptools"  # setuptools.build_meta, '' (setup.py), a wrapper like _pyyaml_pep517


def read_sources(pyproject: dict[str, Any], setup_cfg: configparser.ConfigParser,
                 setup_py: SetupPy, backend: str) -> tuple[Source, ...]:
    """Where the wheel's packages and modules come from, as ``backend`` builds them."""
    tool = get_in(pyproject, "tool")
    readers = {"flit": lambda: _flit(pyproject), "hatch": lambda: _hatch(tool),
               "pdm": lambda: _pdm(tool), "poetry": lambda: _poetry(tool),
               "maturin": lambda: _maturin(pyproject),
               "scikit-build": lambda: _scikit_build(tool),
               "setuptools": lambda: _setuptools(tool, setup_cfg, setup_py)}
    found = readers[family(backend)]()
    return tuple(dict.fromkeys(s for s in found if s.folder not in ("", ".")))


def excluded_packages(pyproject: dict[str, Any], setup_cfg: configparser.ConfigParser,
                      setup_py: SetupPy, backend: str) -> tuple[str, ...]:
    """setuptools' package-finding ``exclude`` patterns (``tests*``, ``*.tests``): dotted
    names of packages left out of the wheel on purpose."""
    if family(backend) != "setuptools":
        return ()
    found = [*strings(get_in(pyproject, "tool", "setuptools", "packages", "find", "exclude")),
             *_cfg_list(setup_cfg, "options.packages.find", "exclude")]
    if isinstance(setup_py.packages, Find):
        found += setup_py.packages.exclude
    return tuple(dict.fromkeys(p.strip() for p in found if p.strip()))


def get_in(table: Any, *keys: str) -> Any:
    """``table[k1][k2]…``, or None where a level is missing or not a table."""
    for key in keys:
        if not isinstance(table, dict):
            return None
        table = table.get(key)
    return table


def strings(value: Any) -> tuple[str, ...]:
    """A string or a list's strings, as a tuple; nothing for anything else."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def _clean(path: str) -> str:
    path = posixpath.normpath(path.replace("\\", "/").strip()).removeprefix("./").rstrip("/")
    return "" if path == "." else path


def _join(*parts: str) -> str:
    return _clean("/".join(p for p in parts if p not in ("", ".")) or ".")


def _literal(path: str) -> bool:
    """A plain path, not a glob nor one that climbs out of the project."""
    return bool(path) and not _GLOB & set(path) and not path.startswith(("..", "/"))


# --- setuptools --------------------------------------------------------------------------

def _cfg_list(parser: configparser.ConfigParser, section: str, key: str) -> tuple[str, ...]:
    """A setup.cfg list as setuptools splits it: by lines when there are several, else by
    commas."""
    raw = parser.get(section, key, fallback="")
    lines = raw.splitlines() if "\n" in raw.strip() else raw.split(",")
    return tuple(v.strip() for v in lines if v.strip())


def _setuptools(tool: Any, setup_cfg: configparser.ConfigParser, setup_py: SetupPy
                ) -> list[Source]:
    table = get_in(tool, "setuptools")
    package_dir: dict[str, str] = {}
    for line in _cfg_list(setup_cfg, "options", "package_dir"):
        name, _, folder = line.partition("=")
        package_dir[name.strip()] = folder.strip()
    mapping = get_in(table, "package-dir")
    if isinstance(mapping, dict):
        package_dir.update((k, v) for k, v in mapping.items() if isinstance(v, str))
    package_dir.update(setup_py.package_dir)  # setup() arguments win over setup.cfg
    package_dir = {k.strip(): _clean(v) for k, v in package_dir.items()}
    found = [Source(name.replace(".", "/"), folder) for name, folder in package_dir.items()]

    packages: list[str] = list(strings(get_in(table, "packages")))
    wheres: list[str] = []
    find = get_in(table, "packages", "find")
    if isinstance(get_in(table, "packages"), dict):
        wheres += strings(get_in(find, "where"))
    cfg_packages = _cfg_list(setup_cfg, "options", "packages")
    if cfg_packages and cfg_packages[0] in ("find:", "find_namespace:"):
        wheres += _cfg_list(setup_cfg, "options.packages.find", "where")
    else:
        packages += cfg_packages
    if isinstance(setup_py.packages, Find):
        wheres += setup_py.packages.where
    elif setup_py.packages is not None:
        packages += setup_py.packages
    modules = [*strings(get_in(table, "py-modules")),
               *_cfg_list(setup_cfg, "options", "py_modules"), *setup_py.py_modules]

    found += [Source("", _clean(where)) for where in wheres]
    found += [Source(name.replace(".", "/"), _package_folder(name, package_dir), True)
              for name in packages if name.strip()]
    found += [Source(name.replace(".", "/") + ".py", _package_folder(name, package_dir) + ".py",
                     True) for name in modules if name.strip()]
    return found


def _package_folder(name: str, package_dir: dict[str, str]) -> str:
    """The folder setuptools builds the dotted package ``name`` from: the longest prefix
    of it that ``package_dir`` maps ('' is the root of all of them)."""
    parts = name.strip().split(".")
    for n in range(len(parts), -1, -1):
        key = ".".join(parts[:n])
        if key in package_dir:
            return _join(package_dir[key], *parts[n:])
    return _join(*parts)


# --- flit ----------------------------------------------------------------------------------

def _flit(pyproject: dict[str, Any]) -> list[Source]:
    """flit ships one module, named in [tool.flit.module] or after the project: a package
    folder or a single file, at the top or under src/."""
    name = get_in(pyproject, "tool", "flit", "module", "name")
    name = name if isinstance(name, str) else get_in(pyproject, "tool", "flit", "metadata",
                                                   "module")
    if not isinstance(name, str):
        project = get_in(pyproject, "project", "name")
        if not isinstance(project, str):
            return []
        name = (project.removesuffix("-stubs").replace("-", "_") + "-stubs"
                if project.endswith("-stubs") else project.replace("-", "_"))
    path = name.strip().replace(".", "/")
    return [Source(wheel, _join(base, wheel), True) for base in ("", "src")
            for wheel in (path, f"{path}.py")]


# --- hatch -------------------------------------------------------------------------------

def _hatch(tool: Any) -> list[Source]:
    """hatch: ``packages`` (each folder shipped under its own name), ``only-include``
    (shipped at their paths, rewritten by ``sources``) and ``sources`` alone."""
    found: list[Source] = []
    for table in (get_in(tool, "hatch", "build"),
                  get_in(tool, "hatch", "build", "targets", "wheel")):
        rewrite: dict[str, str] = {}
        sources = get_in(table, "sources")
        if isinstance(sources, dict):
            rewrite.update((_clean(k), _clean(v)) for k, v in sources.items()
                           if isinstance(k, str) and isinstance(v, str))
        else:
            rewrite.update((_clean(s), "") for s in strings(sources))
        packages = [_clean(p) for p in strings(get_in(table, "packages")) if _literal(p)]
        only = [_clean(p) for p in strings(get_in(table, "only-include")) if _literal(p)]
        found += [Source(posixpath.basename(p), p, True) for p in packages]
        found += [Source(_rewrite(p, rewrite), p, True) for p in only]
        found += [Source(target, prefix) for prefix, target in rewrite.items() if prefix]
    return found


def _rewrite(path: str, rewrite: dict[str, str]) -> str:
    """``path`` as hatch places it in the wheel: its longest ``sources`` prefix replaced."""
    for prefix in sorted(rewrite, key=len, reverse=True):
        if prefix == "" or path == prefix or path.startswith(prefix + "/"):
            return _join(rewrite[prefix], path[len(prefix):].lstrip("/"))
    return path


# --- pdm-backend, poetry-core, maturin, scikit-build-core -----------------------------------

def _pdm(tool: Any) -> list[Source]:
    """pdm-backend: ``package-dir`` holds the packages; plain ``includes`` are shipped, at
    their paths inside it."""
    build = get_in(tool, "pdm", "build")
    package_dir = get_in(build, "package-dir")
    root = _clean(package_dir) if isinstance(package_dir, str) else ""
    found = [Source("", root)] if root else []
    for include in (_clean(i) for i in strings(get_in(build, "includes")) if _literal(i)):
        inside = ("" if include == root else include[len(root) + 1:]
                  if root and include.startswith(root + "/") else include)
        found.append(Source(inside, include, True))
    return found


def _poetry(tool: Any) -> list[Source]:
    """poetry-core: ``packages = [{include = "pkg", from = "src", to = "..."}]``, except
    those only for the sdist."""
    found = []
    packages = get_in(tool, "poetry", "packages")
    for entry in packages if isinstance(packages, list) else ():
        include, source, to = (get_in(entry, key) for key in ("include", "from", "to"))
        formats = strings(get_in(entry, "format"))
        if not isinstance(include, str) or not _literal(include) or (
                formats and "wheel" not in formats):
            continue
        include = _clean(include)
        folder = _join(source, include) if isinstance(source, str) else include
        found.append(Source(_join(to, include) if isinstance(to, str) else include, folder,
                            True))
    return found


def _maturin(pyproject: dict[str, Any]) -> list[Source]:
    """maturin with a ``python-source`` folder: the package named by ``module-name`` (or the
    project) and any ``python-packages`` are shipped from it."""
    table = get_in(pyproject, "tool", "maturin")
    source = get_in(table, "python-source")
    if not isinstance(source, str):
        return []
    module = get_in(table, "module-name")
    project = get_in(pyproject, "project", "name")
    name = (module.split(".")[0] if isinstance(module, str)
            else project.replace("-", "_") if isinstance(project, str) else "")
    names = [n for n in (name, *strings(get_in(table, "python-packages"))) if n]
    return [Source("", _clean(source))] + [
        Source(n.replace(".", "/"), _join(source, n.replace(".", "/")), True) for n in names]


def _scikit_build(tool: Any) -> list[Source]:
    """scikit-build-core: ``wheel.packages``, a list of folders or a table of wheel paths."""
    packages = get_in(tool, "scikit-build", "wheel", "packages")
    if isinstance(packages, dict):
        return [Source(_clean(k.replace(".", "/")), _clean(v), True)
                for k, v in packages.items() if isinstance(v, str) and _literal(v)]
    return [Source(posixpath.basename(_clean(p)), _clean(p), True)
            for p in strings(packages) if _literal(p)]

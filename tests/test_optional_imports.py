"""Which of a release's own modules its code imports only under a guard
(publish_checks/release/optional_imports.py), read statically from real files: a wheel's
members in memory, or an installed folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from publish_checks.release import optional_imports as oi
from publish_checks.release.optional_imports import (
    Guard,
    installed_optional_imports,
    optional_imports,
    wheel_optional_imports,
)
from publish_checks.release.smoke import module_paths
from tests.distbuilders import make_wheel

# pyyaml's way: the accelerator is tried, and the package goes on without it.
YAML_LIKE = ("try:\n    from .speedups import *\n    WITH_SPEEDUPS = True\n"
             "except ImportError:\n    WITH_SPEEDUPS = False\n")
# What the accelerator imports: a compiled module the wheel was built without.
SPEEDUPS = "from demo_pkg._native import fast\n"
DEMO = Guard("demo_pkg", "ImportError")


def guarded(files: dict[str, str]) -> dict[str, Guard]:
    """optional_imports of ``files`` (paths relative to site-packages, with their source)."""
    return optional_imports(module_paths(files),
                            lambda path: files[path].encode() if path in files else None)


def test_a_wheel_tells_a_guarded_import_of_a_missing_extension_from_an_unguarded_one(
        tmp_path: Path) -> None:
    """In a wheel without its compiled parts, the accelerator the package imports under
    try/except ImportError is optional; the module another one imports unguarded is not."""
    wheel = make_wheel(tmp_path, files={
        "demo_pkg/__init__.py": YAML_LIKE,
        "demo_pkg/speedups.py": SPEEDUPS,
        "demo_pkg/native_api.py": "from demo_pkg._native2 import fast\n",
        "demo_pkg/api.py": "from demo_pkg import native_api\n",
    })
    members = module_paths(["demo_pkg/__init__.py", "demo_pkg/speedups.py",
                            "demo_pkg/native_api.py", "demo_pkg/api.py"])
    assert wheel_optional_imports(wheel, members) == {"demo_pkg.speedups": DEMO}


def test_an_installed_folder_is_read_the_same_way(tmp_path: Path) -> None:
    """Installed from an sdist, the files under site-packages give the same answer; a file
    that is gone is not read."""
    files = {"demo_pkg/__init__.py": YAML_LIKE, "demo_pkg/speedups.py": SPEEDUPS}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, "utf-8")
    listed = module_paths([*files, "demo_pkg/gone.py"])
    assert installed_optional_imports(tmp_path, listed) == {"demo_pkg.speedups": DEMO}


def test_past_its_bounds_nothing_is_read_as_optional(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A file over the size limit is not read; past the total limit no module counts as
    optional (what was not read may import it unguarded)."""
    monkeypatch.setattr(oi, "MAX_FILE", len(YAML_LIKE) - 1)
    wheel = make_wheel(tmp_path, files={"demo_pkg/__init__.py": YAML_LIKE,
                                        "demo_pkg/speedups.py": SPEEDUPS})
    members = module_paths(["demo_pkg/__init__.py", "demo_pkg/speedups.py"])
    assert wheel_optional_imports(wheel, members) == {}
    monkeypatch.setattr(oi, "MAX_FILE", 10_000)
    monkeypatch.setattr(oi, "MAX_TOTAL", len(YAML_LIKE) + len(SPEEDUPS) - 1)
    assert guarded({"demo_pkg/__init__.py": YAML_LIKE, "demo_pkg/speedups.py": SPEEDUPS}) == {}


def guard_of(init: str, **others: str) -> dict[str, Guard]:
    """The guarded modules when demo_pkg/__init__.py holds ``init`` (and demo_pkg/NAME.py
    each of ``others``), beside demo_pkg.speedups and the subpackage demo_pkg.sub."""
    files = {"demo_pkg/__init__.py": init, "demo_pkg/speedups.py": SPEEDUPS,
             "demo_pkg/sub/__init__.py": "", "demo_pkg/sub/fast.py": SPEEDUPS,
             **{f"demo_pkg/{name}.py": text for name, text in others.items()}}
    return guarded(files)


@pytest.mark.parametrize(("init", "found"), [
    (YAML_LIKE, {"demo_pkg.speedups": DEMO}),
    ("try:\n    import demo_pkg.speedups\nexcept (ValueError, ImportError):\n    pass\n",
     {"demo_pkg.speedups": DEMO}),
    ("try:\n    from demo_pkg import speedups\nexcept ModuleNotFoundError:\n    speedups = None\n",
     {"demo_pkg.speedups": Guard("demo_pkg", "ModuleNotFoundError")}),
    ("try:\n    from . import speedups\nexcept Exception:\n    speedups = None\n",
     {"demo_pkg.speedups": DEMO}),
    ("try:\n    from . import speedups\nexcept:\n    speedups = None\n",
     {"demo_pkg.speedups": DEMO}),
    ("import builtins\ntry:\n    from . import speedups\nexcept builtins.ImportError:\n    pass\n",
     {"demo_pkg.speedups": DEMO}),
    ("try:\n    try:\n        from .sub import fast\n    except ValueError:\n        pass\n"
     "except ImportError:\n    pass\n", {"demo_pkg.sub": DEMO, "demo_pkg.sub.fast": DEMO}),
    ("import contextlib\nwith contextlib.suppress(ImportError):\n    from . import speedups\n",
     {"demo_pkg.speedups": DEMO}),
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import speedups\n"
     "else:\n    try:\n        from . import speedups\n    except ImportError:\n        pass\n",
     {"demo_pkg.speedups": DEMO}),
    ("try:\n    from . import speedups\nexcept ValueError:\n    pass\n", {}),
    ("try:\n    import json\nexcept ImportError:\n    from . import speedups\n", {}),
    ("try:\n    import json\nexcept ImportError:\n    pass\nelse:\n    from . import speedups\n",
     {}),
    ("try:\n    import json\nfinally:\n    from . import speedups\n", {}),
    ("try:\n    from . import speedups\nexcept ImportError as e:\n"
     "    raise ImportError('reinstall demo-pkg') from e\n", {}),
    ("try:\n    def load():\n        from . import speedups\nexcept ImportError:\n    pass\n", {}),
    ("from . import speedups\n", {}),
    ("", {}),
], ids=["pyyaml's try/except ImportError", "a tuple of exceptions",
        "ModuleNotFoundError only", "except Exception", "a bare except", "builtins.ImportError",
        "an inner try inside one that catches it", "contextlib.suppress(ImportError)",
        "TYPE_CHECKING imports do not run", "a handler for something else",
        "imported in the handler", "imported in else", "imported in finally",
        "a handler that raises", "a function defined under try runs outside it",
        "unguarded", "imported by nobody"])
def test_only_modules_every_import_of_which_is_guarded_are_optional(
        init: str, found: dict[str, Guard]) -> None:
    """A module imported under a try that catches ImportError and goes on is optional,
    with the narrowest handler that guards it; anywhere else an import is unguarded."""
    assert guard_of(init) == found


def test_one_unguarded_import_anywhere_makes_it_required() -> None:
    """Guarded in the package, but imported plainly by one public module (or relatively
    from a subpackage): it must import."""
    assert guard_of(YAML_LIKE, api="from .speedups import fast\n") == {}
    assert guard_of(YAML_LIKE, **{"sub/fast": "from .. import speedups\n"}) == {}
    assert guard_of(YAML_LIKE, tools="try:\n    import demo_pkg.speedups\nexcept ImportError:\n"
                                     "    pass\n") == {"demo_pkg.speedups": DEMO}


def test_a_file_that_does_not_parse_here_is_left_out() -> None:
    """Code this Python cannot parse (Python 2, a template) is skipped, and an invalid
    escape warns nobody; the rest is still read."""
    assert guard_of(YAML_LIKE, legacy="print 'hello'\nimport demo_pkg.speedups\n",
                    regex="import re\nDIGITS = re.compile('\\d+')\n") == {"demo_pkg.speedups": DEMO}

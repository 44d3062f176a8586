"""A rebuilt file of the same name is installed as it is now, never as uv's cache kept an
older one (release/fresh.py ``Fresh.staged``): real uv, a real virtualenv, a real smoke
test, uv's cache in a folder of the test's own."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest

from publish_checks.frontend.standalone import StandaloneRunner
from publish_checks.release.fresh import Fresh
from publish_checks.release.install import Trial, try_release
from publish_checks.release.process import Completed, find_uv
from tests.distbuilders import make_wheel

pytestmark = pytest.mark.skipif(find_uv() is None, reason="uv's cache is what is tested")

BROKEN = "raise RuntimeError('this build is broken')\n"


def trial(tmp_path: Path, wheel: Path) -> tuple[bool, str]:
    """Whether the install trial of ``wheel`` passed, and its problem."""
    env = {"PATH": os.environ.get("PATH", ""), "UV_CACHE_DIR": str(tmp_path / "uv-cache"),
           "HOME": str(tmp_path)}
    runner = StandaloneRunner(env, out=io.StringIO(), err=io.StringIO())
    result = try_release(runner, Trial(env), [wheel], "demo-pkg==1.2.0", base=sys.executable)
    return result.installed and not result.problem, result.problem


@pytest.mark.parametrize("mtime", ["kept", "new"])
def test_a_broken_rebuild_of_the_same_name_fails_after_a_good_one_passed(
        tmp_path: Path, mtime: str) -> None:
    """The good wheel passes (and is now in uv's cache); the broken one written over it, its
    modification time kept as a copy keeps it or new as a rebuild makes it, fails: the
    trial tried the file that is there, not the one uv saw before."""
    dist = tmp_path / "dist"
    good = make_wheel(dist, files={"demo_pkg/__init__.py": ""})
    assert trial(tmp_path, good) == (True, "")
    before = good.stat()
    broken = make_wheel(tmp_path / "rebuilt", files={"demo_pkg/__init__.py": BROKEN})
    broken.replace(good)
    if mtime == "kept":
        os.utime(good, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert good.stat().st_mtime_ns == before.st_mtime_ns or mtime == "new"
    passed, problem = trial(tmp_path, good)
    assert not passed
    assert "RuntimeError: this build is broken" in problem


def test_the_installer_gets_the_file_at_a_path_named_by_its_contents(tmp_path: Path) -> None:
    """Two files of one name and different bytes are staged at two paths, whatever their
    timestamps (uv's cache knows a file by its path and a timestamp, which a copy, or a
    filesystem with whole-second times, may keep); the same bytes at the same path."""
    fresh = Fresh(tmp_path / "work", Completed(0, ""), uv=find_uv())
    good = make_wheel(tmp_path / "a", files={"demo_pkg/__init__.py": ""})
    broken = make_wheel(tmp_path / "b", files={"demo_pkg/__init__.py": BROKEN})
    os.utime(broken, ns=(good.stat().st_atime_ns, good.stat().st_mtime_ns))
    first, second, again = fresh.staged(good), fresh.staged(broken), fresh.staged(good)
    assert first.name == second.name == good.name and first != second and again == first
    assert first.read_bytes() == good.read_bytes()
    assert second.read_bytes() == broken.read_bytes()
    assert str(second) in fresh.install_argv(second)

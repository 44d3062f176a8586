"""Two releases compared (dists/release_facts.py, dists/release_diff.py) on wheels and
sdists built here: each change named with both versions, nothing reported that users
cannot notice."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from publish_checks.dists.release_diff import allowed_by, compare
from publish_checks.dists.release_facts import ReleaseFacts, local_facts, wheel_tags
from publish_checks.dists.tag_coverage import covered
from tests.distbuilders import default_files, make_sdist, make_wheel

SUB = {"demo_pkg/sub/__init__.py": "", "demo_pkg/sub/parts.py": "X = 1\n"}
SCRIPTS = "[console_scripts]\ndemo = demo_pkg.core:answer\n[pytest11]\ndemo = demo_pkg.plugin\n"
META = "Requires-Python: >=3.10\nRequires-Dist: requests>=2\nLicense-Expression: MIT\n"


def release(directory: Path, version: str, *, files: dict[str, str] | None = None,
            extra: str = META, entry_points: str | None = SCRIPTS, tag: str = "py3-none-any",
            name: str = "demo-pkg", sdist: bool = True) -> ReleaseFacts:
    """The facts of a release of demo-pkg built here: wheel (and sdist)."""
    content: dict[str, str | bytes] = dict(files if files is not None
                                           else {**default_files(name, version), **SUB})
    if entry_points is not None:
        content[f"demo_pkg-{version}.dist-info/entry_points.txt"] = entry_points
    metadata = (f"Metadata-Version: 2.4\nName: {name}\nVersion: {version}\n"
                f"Summary: A demo.\n{extra}")
    paths = [make_wheel(directory, "demo-pkg", version, content, metadata=metadata, tag=tag)]
    if sdist:
        paths.append(make_sdist(directory, "demo-pkg", version))
    return local_facts(paths, version)


def texts(old: ReleaseFacts, new: ReleaseFacts, allow: tuple[str, ...] = ()) -> list[str]:
    return [d.text for d in compare(old, new, allow) if not d.allowed]


@pytest.fixture
def old(tmp_path: Path) -> ReleaseFacts:
    return release(tmp_path / "old", "1.2.0")


def test_an_unchanged_release_has_no_difference(old: ReleaseFacts, tmp_path: Path) -> None:
    """The same project one version on: nothing to say."""
    assert compare(old, release(tmp_path / "new", "1.2.1")) == []


def test_a_dropped_subpackage_is_named_once_with_both_versions(old: ReleaseFacts,
                                                               tmp_path: Path) -> None:
    """demo_pkg.sub and its module go: one difference, the package, in both versions."""
    new = release(tmp_path / "new", "1.2.1", files=default_files("demo-pkg", "1.2.1"))
    assert [(d.kind, d.name, d.lost) for d in compare(old, new)] == [
        ("module", "demo_pkg.sub", True)]
    assert texts(old, new) == ["module demo_pkg.sub is in 1.2.0, not in 1.2.1"]


def test_private_and_test_modules_may_go(tmp_path: Path) -> None:
    """A private submodule or a tests package leaving the wheel is no user's import; a
    top-level module is, private or not."""
    base = default_files("demo-pkg", "1.2.0")
    old = release(tmp_path / "old", "1.2.0", files={
        **base, "demo_pkg/_impl.py": "", "demo_pkg/tests/__init__.py": "", "_demo_speedups.py": ""})
    new = release(tmp_path / "new", "1.2.1", files=default_files("demo-pkg", "1.2.1"))
    assert texts(old, new) == ["module _demo_speedups is in 1.2.0, not in 1.2.1"]


def test_namespace_packages_count_as_modules(tmp_path: Path) -> None:
    """A PEP 420 namespace (no __init__.py) is importable: its portion going is a drop."""
    old = release(tmp_path / "old", "1.2.0", files={
        **default_files("demo-pkg", "1.2.0"), "demo_ns/plugin/__init__.py": ""})
    new = release(tmp_path / "new", "1.2.1", files=default_files("demo-pkg", "1.2.1"))
    assert texts(old, new) == ["module demo_ns is in 1.2.0, not in 1.2.1"]


def test_a_dropped_console_script_and_a_renamed_plugin(old: ReleaseFacts, tmp_path: Path) -> None:
    """A console script gone is named with its target; one under a new name says so."""
    new = release(tmp_path / "new", "1.2.1",
                  entry_points="[pytest11]\ndemo-plugin = demo_pkg.plugin\n")
    assert texts(old, new) == [
        "entry point demo (console_scripts, demo_pkg.core:answer) is in 1.2.0, not in 1.2.1",
        "entry point demo (pytest11, demo_pkg.plugin) of 1.2.0 is demo-plugin in 1.2.1"]


def test_dependencies_added_and_removed_extras_included(old: ReleaseFacts,
                                                         tmp_path: Path) -> None:
    """requests gone, rich new under the cli extra; a changed specifier or marker of the
    same dependency is neither."""
    old = release(tmp_path / "old2", "1.2.0", extra=META + "Requires-Dist: click; "
                  "python_version >= '3.9' and extra == 'cli'\n")
    new = release(tmp_path / "new", "1.2.1", extra=(
        "Requires-Python: >=3.10\nLicense-Expression: MIT\nRequires-Dist: Click>=8; "
        "python_version >= '3.10' and extra == \"cli\"\nRequires-Dist: rich ; extra == 'cli'\n"))
    assert texts(old, new) == ["Requires-Dist requests is in 1.2.0, not in 1.2.1",
                               "Requires-Dist rich (extra cli) is new in 1.2.1 (not in 1.2.0)"]


@pytest.mark.parametrize(("before", "after", "lost"), [
    (">=3.10", ">=3.11", "3.10"),
    (">=3.10", ">=3.10,<3.14", "3.14 and later"),
    (None, ">=3.9", "2.7, 3.0, 3.1, 3.2, 3.3, 3.4, 3.5, 3.6, 3.7, 3.8"),
    (">=3.8", ">=3.8.1", "3.8.0"),
])
def test_requires_python_narrowed_names_the_pythons_lost(
        tmp_path: Path, before: str | None, after: str, lost: str) -> None:
    """Each Python the old Requires-Python took and the new one does not, as people say it."""
    line = "License-Expression: MIT\n"
    old = release(tmp_path / "old", "1.2.0",
                  extra=line + (f"Requires-Python: {before}\n" if before else ""))
    new = release(tmp_path / "new", "1.2.1", extra=line + f"Requires-Python: {after}\n")
    assert texts(old, new) == [f"Requires-Python {before or '(none)'} in 1.2.0, {after} in "
                               f"1.2.1: Python {lost} dropped"]


def test_a_widened_requires_python_is_no_change(tmp_path: Path) -> None:
    old = release(tmp_path / "old", "1.2.0", extra="Requires-Python: >=3.11\n")
    assert compare(old, release(tmp_path / "new", "1.2.1", extra="Requires-Python: >=3.9\n")) == []


def test_lost_wheel_tags_come_from_the_expanded_tag_sets(tmp_path: Path) -> None:
    """py2.py3 → py3 loses py2; a manylinux policy's compressed aliases are each a tag."""
    assert wheel_tags("a-1-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl") == {
        "cp312-cp312-manylinux_2_17_x86_64", "cp312-cp312-manylinux2014_x86_64"}
    old = release(tmp_path / "old", "1.2.0", tag="py2.py3-none-any")
    new = release(tmp_path / "new", "1.2.1", tag="py3-none-any")
    assert [(d.kind, d.name) for d in compare(old, new)] == [("tag", "py2-none-any")]
    assert texts(old, new) == ["wheel tag py2-none-any is covered in 1.2.0, not in 1.2.1"]


def test_a_missing_platform_wheel_is_a_lost_tag(tmp_path: Path) -> None:
    """1.2.0 had a Linux and a Windows wheel, 1.2.1 only the Linux one."""
    linux, windows = "cp312-cp312-manylinux_2_28_x86_64", "cp312-cp312-win_amd64"
    files = default_files("demo-pkg", "1.2.0")
    paths = [make_wheel(tmp_path / "old", "demo-pkg", "1.2.0", files, tag=t)
             for t in (linux, windows)]
    old = local_facts(paths, "1.2.0")
    new = local_facts([make_wheel(tmp_path / "new", "demo-pkg", "1.2.1",
                                  default_files("demo-pkg", "1.2.1"), tag=linux)], "1.2.1")
    assert [(d.kind, d.name, d.lost) for d in compare(old, new)] == [("tag", windows, True)]


def test_a_dist_three_times_larger_is_named_with_both_sizes(old: ReleaseFacts,
                                                           tmp_path: Path) -> None:
    """A wheel grown past 3 times its predecessor (a data folder slipped in); the sdist did not."""
    files = {**default_files("demo-pkg", "1.2.1"), **SUB,
             "demo_pkg/data/blob.bin": os.urandom(60_000)}
    new = release(tmp_path / "new", "1.2.1", files=files)
    [size] = [d for d in compare(old, new)]
    assert (size.kind, size.name) == ("size", "demo_pkg-1.2.1-py3-none-any.whl")
    assert size.text.startswith("demo_pkg-1.2.1-py3-none-any.whl is ")
    assert " the size of demo_pkg-1.2.0-py3-none-any.whl (1.2.0: " in size.text
    assert not size.lost


def test_license_and_name_changes(old: ReleaseFacts, tmp_path: Path) -> None:
    """License-Expression changed and the Name's spelling changed are said; moving from
    License to License-Expression (PEP 639) is not a change."""
    new = release(tmp_path / "new", "1.2.1", name="Demo_Pkg",
                  files={**default_files("demo-pkg", "1.2.1"), **SUB},
                  extra="Requires-Python: >=3.10\nRequires-Dist: requests>=2\n"
                        "License-Expression: Apache-2.0\n")
    assert texts(old, new) == ["License-Expression MIT in 1.2.0, Apache-2.0 in 1.2.1",
                               "Name demo-pkg in 1.2.0, Demo_Pkg in 1.2.1"]
    before = release(tmp_path / "old2", "1.2.0", extra="License: MIT\n")
    after = release(tmp_path / "new2", "1.2.1", extra="License-Expression: MIT\n")
    assert compare(before, after) == []


def test_diff_allow_accepts_a_kind_or_a_named_change(old: ReleaseFacts, tmp_path: Path) -> None:
    """diff-allow entries: a kind alone, a name, an fnmatch glob; a requirement by its
    normalised name."""
    new = release(tmp_path / "new", "1.2.1", files=default_files("demo-pkg", "1.2.1"),
                  entry_points="", extra="Requires-Python: >=3.11\nLicense-Expression: MIT\n")
    found = compare(old, new, ("module:demo_pkg.s*", "entry-point:demo", "requires-dist:Requests",
                               "requires-python"))
    assert [(d.kind, d.allowed) for d in found] == [
        ("module", True), ("entry-point", True), ("entry-point", True), ("requires-dist", True),
        ("requires-python", True)]
    [module] = [d for d in found if d.kind == "module"]
    assert not allowed_by(module, ("module:other", "tag", "entry-point:demo_pkg.sub"))


def test_sdists_alone_compare_their_metadata(tmp_path: Path) -> None:
    """Two sdists (no wheel on either side): Requires-Python from PKG-INFO is compared;
    modules and entry points are not known."""
    old = local_facts([make_sdist(tmp_path / "old", "demo-pkg", "1.2.0",
                                  metadata_extra="Requires-Python: >=3.10\n")], "1.2.0")
    new = local_facts([make_sdist(tmp_path / "new", "demo-pkg", "1.2.1",
                                  metadata_extra="Requires-Python: >=3.12\n")], "1.2.1")
    assert old.modules is None
    assert texts(old, new) == ["Requires-Python >=3.10 in 1.2.0, >=3.12 in 1.2.1: Python "
                               "3.10, 3.11 dropped"]


@pytest.mark.parametrize(("tag", "now", "kept"), [
    ("cp312-cp312-macosx_10_9_x86_64", {"cp312-cp312-macosx_10_9_universal2"}, True),
    ("cp312-cp312-macosx_10_9_universal2", {"cp312-cp312-macosx_10_13_universal2"}, False),
    ("cp312-cp312-macosx_10_9_universal2", {"cp312-cp312-macosx_10_9_x86_64"}, False),
    ("cp312-cp312-manylinux_2_28_x86_64", {"cp312-cp312-manylinux2014_x86_64"}, True),
    ("cp312-cp312-manylinux2014_x86_64", {"cp312-cp312-manylinux_2_28_x86_64"}, False),
    ("cp39-cp39-musllinux_1_1_x86_64", {"cp39-cp39-musllinux_1_2_x86_64"}, False),
    ("cp311-cp311-win_amd64", {"cp38-abi3-win_amd64"}, True),
    ("cp38-abi3-win_amd64", {"cp39-abi3-win_amd64"}, False),
    ("cp310-cp310-manylinux_2_17_x86_64", {"py3-none-any"}, True),
    ("pp310-pypy310_pp73-win_amd64", {"pp310-pypy310_pp73-win_amd64", "py3-none-any"}, True),
], ids=["universal2-serves-x86_64", "macos-target-raised", "universal2-lost-arm64",
        "older-policy-serves-newer", "policy-raised", "musl-policy-raised", "abi3-serves-later",
        "abi3-floor-raised", "pure-serves-all", "pypy-literal"])
def test_a_tag_is_lost_only_where_no_new_wheel_installs(tag: str, now: set[str],
                                                        kept: bool) -> None:
    """Coverage is what installers take, not equal strings: a universal2 wheel serves
    x86_64 Macs, a lower manylinux policy newer glibc, abi3 later Pythons."""
    assert covered(tag, frozenset(now)) is kept


def test_an_extra_gone_whole_is_one_change(tmp_path: Path) -> None:
    """Every dependency of an extra going with it is said once, the extra named."""
    line = "License-Expression: MIT\nRequires-Python: >=3.10\n"
    old = release(tmp_path / "old", "1.2.0", extra=line + "".join(
        f"Requires-Dist: {n}; extra == 'integration'\n" for n in ("a", "b", "c", "d", "e")))
    new = release(tmp_path / "new", "1.2.1", extra=line)
    assert [(d.name, d.text) for d in compare(old, new)] == [
        ("[integration]", "extra integration (a, b, c, d and 1 more) is in 1.2.0, not in 1.2.1")]

"""The check registry covers exactly SPEC §4's ids, in order, each where its id says, each
declaring what it needs (the project, the dists, the index, an install).

Where a check lives, by its id's prefix (check-wheel-contents style: the id finds the code):

    credentials-*            publish_checks/checks/credentials.py
    token-*                  publish_checks/checks/token.py
    version-*, changelog-*   publish_checks/checks/version.py  (one version, said everywhere)
    git-*                    publish_checks/checks/git.py
    dists-*                  publish_checks/checks/dists/  (each exported by its __init__)
                             (dists-abi: publish_checks/checks/abi.py, the compiled wheels)
    index-*                  publish_checks/checks/index.py
    index-diff               publish_checks/checks/diff.py  (the release before, compared)
    tools                    publish_checks/checks/tools.py
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from publish_checks.checks import (
    CHECK_IDS,
    CHECKS,
    Check,
    Need,
    build_check_ids,
    builds,
    check_id,
    ids_where,
    needs,
)

SPEC = Path(__file__).resolve().parents[2] / "shared" / "SPEC.md"
# SPEC §4 as of this writing; used only where shared/SPEC.md is not checked out beside us.
SPEC_IDS = (
    "credentials-source", "credentials-file-permissions", "credentials-file-ignored",
    "credentials-file-untracked", "token-format", "token-scope", "version-file",
    "version-consistent", "changelog-entry", "git-clean", "git-branch", "git-upstream",
    "git-tag", "dists-present", "dists-stale", "dists-metadata", "dists-archive",
    "dists-abi", "dists-attestations", "dists-contents", "dists-secrets", "dists-size",
    "dists-install", "index-version", "index-diff", "tools",
)
# SPEC §4 ids whose checks later issues add: named here, never as stubs in the registry.
NOT_YET: dict[str, str] = {
}
MODULES = {"credentials": "credentials", "token": "token", "version": "version",
           "changelog": "version", "git": "git", "dists": "dists", "index": "index",
           "tools": "tools"}
# Checks whose module is not their prefix's, each for a reason of its own.
ELSEWHERE = {"dists-abi": "abi",  # the compiled wheels, with the tools that judge them
             "index-diff": "diff"}  # the release before, compared


def module_of(cid: str) -> str:
    """The module a check's code is in: its prefix's, unless :data:`ELSEWHERE` says."""
    return ELSEWHERE.get(cid) or MODULES[cid.split("-")[0]]


def spec_ids() -> tuple[str, ...]:
    """The ids in the first column of SPEC §4's table, in order."""
    if not SPEC.is_file():
        return SPEC_IDS
    text = SPEC.read_text(encoding="utf-8")
    section = re.search(r"^## 4\..*?$(.*?)(?=^## )", text, re.M | re.S)
    assert section is not None, "SPEC.md has no section 4"
    return tuple(re.findall(r"^\| `([a-z-]+)` \|", section[1], re.M))


def test_spec_table_is_parsed() -> None:
    """The SPEC §4 parser finds the table (a broken parser would make the next test vacuous)."""
    assert len(spec_ids()) >= 20
    assert spec_ids()[0] == "credentials-source"


def test_registry_is_exactly_the_spec_ids_in_order() -> None:
    """CHECK_IDS lists every SPEC §4 id that has landed, nothing else, in report order."""
    assert tuple(i for i in spec_ids() if i not in NOT_YET) == CHECK_IDS


def test_not_yet_lists_only_spec_ids_without_a_check() -> None:
    """Every id on the not-yet list is in SPEC §4 and has no function at all: a check lands
    whole, with its tests, or not at all."""
    assert set(NOT_YET) <= set(spec_ids())
    for cid in NOT_YET:
        assert cid not in CHECK_IDS
        module = importlib.import_module(f"publish_checks.checks.{module_of(cid)}")
        assert not hasattr(module, cid.replace("-", "_")), f"{cid} is a stub"


def test_literal_fallback_matches_the_spec() -> None:
    """The fallback list used without shared/ is still the SPEC's list."""
    if not SPEC.is_file():
        pytest.skip(f"{SPEC} is not checked out here")
    assert spec_ids() == SPEC_IDS


@pytest.mark.parametrize("check", [r.check for r in CHECKS], ids=CHECK_IDS)
def test_each_check_is_named_after_its_id_in_its_module(check: Check) -> None:
    """A check's function is its id with underscores, in the module its id's prefix names
    (where the code lives; what it needs is declared in the registry, not read from this)."""
    cid = check_id(check)
    name = cid.replace("-", "_")
    module = importlib.import_module(f"publish_checks.checks.{module_of(cid)}")
    assert getattr(check, "__name__", None) == name
    assert getattr(module, name) is check


def test_every_check_declares_what_it_needs() -> None:
    """Each registered check declares at least one need; the machine alone goes with nothing
    else, an install only with the dists it installs, and only a check that needs the index
    has an offline part."""
    for registered in CHECKS:
        needs = registered.needs
        assert needs, f"{registered.id} declares nothing"
        assert needs == Need.MACHINE or Need.MACHINE not in needs, registered.id
        assert Need.INSTALL not in needs or Need.DISTS in needs, registered.id
        assert registered.offline is None or Need.INDEX in needs, registered.id


def test_the_build_runs_the_checks_of_the_built_files_that_ask_no_index() -> None:
    """build_check_ids (what the build session runs) is every check that needs the dists and
    not the index, in report order: today the dists checks, dists-install included."""
    assert build_check_ids() == tuple(r.id for r in CHECKS if builds(r.needs))
    assert build_check_ids() == (
        "dists-present", "dists-stale", "dists-metadata", "dists-archive", "dists-abi",
        "dists-attestations", "dists-contents", "dists-secrets", "dists-size", "dists-install")
    assert not builds(needs("index-version"))


def test_what_needs_the_index_and_what_installs_is_declared() -> None:
    """index-version and index-diff need the index (index-version has an offline part: the
    standard-library names), dists-install an install; nothing else needs either, and tools
    needs only the machine."""
    assert ids_where(lambda n: Need.INDEX in n) == ("index-version", "index-diff")
    assert ids_where(lambda n: Need.INSTALL in n) == ("dists-install",)
    assert ids_where(lambda n: n == Need.MACHINE) == ("tools",)
    assert [r.id for r in CHECKS if r.offline is not None] == ["index-version"]
    with pytest.raises(KeyError):
        needs("no-such-check")

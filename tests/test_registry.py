"""The check registry covers exactly SPEC §4's ids, in order, each where its id says.

Where a check lives, by its id's prefix (check-wheel-contents style: the id finds the code):

    credentials-*            publish_checks/checks/credentials.py
    token-*                  publish_checks/checks/token.py
    version-*, changelog-*   publish_checks/checks/version.py  (one version, said everywhere)
    git-*                    publish_checks/checks/git.py
    dists-*                  publish_checks/checks/dists.py
    index-*                  publish_checks/checks/index.py
    tools                    publish_checks/checks/tools.py
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from publish_checks.checks import CHECK_IDS, CHECKS, DIST_CHECK_IDS, Check, check_id

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
    "dists-abi": "issue 17 (auditwheel show / abi3audit on compiled wheels)",
    "index-diff": "issue 17 (the release compared with the one before it on the index)",
}
MODULES = {"credentials": "credentials", "token": "token", "version": "version",
           "changelog": "version", "git": "git", "dists": "dists", "index": "index",
           "tools": "tools"}


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
        module = importlib.import_module(f"publish_checks.checks.{MODULES[cid.split('-')[0]]}")
        assert not hasattr(module, cid.replace("-", "_")), f"{cid} is a stub"


def test_literal_fallback_matches_the_spec() -> None:
    """The fallback list used without shared/ is still the SPEC's list."""
    if not SPEC.is_file():
        pytest.skip(f"{SPEC} is not checked out here")
    assert spec_ids() == SPEC_IDS


@pytest.mark.parametrize("check", CHECKS, ids=CHECK_IDS)
def test_each_check_is_named_after_its_id_in_its_module(check: Check) -> None:
    """A check's function is its id with underscores, in the module its id's prefix names."""
    cid = check_id(check)
    name = cid.replace("-", "_")
    module = importlib.import_module(f"publish_checks.checks.{MODULES[cid.split('-')[0]]}")
    assert getattr(check, "__name__", None) == name
    assert getattr(module, name) is check


def test_dist_check_ids_are_the_dists_checks() -> None:
    """DIST_CHECK_IDS (what the build session runs) is every dists-* id, in order."""
    assert tuple(i for i in spec_ids()
                 if i.startswith("dists-") and i not in NOT_YET) == DIST_CHECK_IDS

"""twine has a seam (issue 16 item 3): its command line, environment and output are its
adapter's, its names that SPEC §3 honours for every uploader are project/twine_conventions',
and only the modules listed here, each with why, name twine besides. A new mention fails."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "publish_checks"
# The word in any case ("twine", "Twine"), or one of its variables (TWINE_PASSWORD…);
# not a name that merely contains it (twine_conventions).
MENTION = re.compile(r"\b[Tt]wine\b|\bTWINE\b|TWINE_")

#: Where twine's knowledge lives.
HOMES = {
    "release/uploaders/twine.py": "the adapter: twine's argv, environment and output",
    "release/uploaders/__init__.py": "the uploaders by the name `uploader` gives them",
    "project/twine_conventions.py": "twine's variables SPEC §3 honours as sources for every "
                                    "uploader, and what twine sends of the metadata",
    "checks/tools.py": "the tools check: which twine each uploader needs",
}
#: Where a true fact about twine is what the user must see, or which config value names it.
FACTS = {
    "project/config.py": "`uploader = \"twine\"` is a value the configuration takes",
    "checks/credentials.py": "the warning says twine has a keyring to fall back on (uv has "
                             "none)",
    "checks/dists/attestations.py": "quotes twine's refusals of an attestation upload",
    "dists/metadata/form.py": "quotes twine's refusal of metadata that is not UTF-8 or has "
                              "malformed fields",
    "dists/readme.py": "`twine check --strict` refuses what PyPI takes (SPEC §4 "
                       "dists-metadata names it)",
    "dists/scan.py": "what an upload of dist/* takes is twine's rule (commands._split_inputs: "
                     "signatures, attestations of any kind), kept for every uploader",
    "dists/companions.py": "the files that go with a dist are twine's rule too "
                           "(commands._split_inputs), split from dists/scan.py",
}
#: Rewritten in another branch right now; the lead moves its mentions to a home at merge.
OTHER_BRANCHES = {
}


def mentioning() -> set[str]:
    return {path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")
            if MENTION.search(path.read_text("utf-8"))}


def test_twine_is_named_only_where_listed() -> None:
    """No module names twine or its variables but its homes and the listed facts."""
    unlisted = mentioning() - HOMES.keys() - FACTS.keys() - OTHER_BRANCHES.keys()
    assert not unlisted, (f"{sorted(unlisted)} name twine: move its knowledge to its adapter "
                          "or project/twine_conventions.py, or list the fact here with why")


def test_every_listed_module_still_names_it() -> None:
    """A module that no longer names twine leaves the lists (they stay the true map)."""
    listed = {*HOMES, *FACTS, *OTHER_BRANCHES}
    assert listed <= mentioning(), sorted(listed - mentioning())


def test_the_pattern_finds_each_kind_of_mention() -> None:
    """The pattern sees the word, the class and a variable, and not a module's name."""
    for text in ("twine upload", "Twine()", "TWINE_PASSWORD", "(twine)"):
        assert MENTION.search(text), text
    for text in ("twine_conventions.PASSWORD", "intertwined"):
        assert not MENTION.search(text), text

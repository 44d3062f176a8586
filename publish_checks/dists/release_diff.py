"""Two releases compared (SPEC §4 ``index-diff``, §2 ``publish-checks diff``): what the
newer one lost or changed of what the older one gave its users, each difference named
with both versions. Pure: it reads :class:`ReleaseFacts`, never a file or an index."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from publish_checks._text import printable
from publish_checks.dists.release_facts import FileFacts, ReleaseFacts
from publish_checks.dists.tag_coverage import covered

#: The kinds whose loss breaks users' installs or imports: ``diff = "fail"`` fails on them.
LOST_KINDS = ("module", "entry-point", "tag")
SIZE_RATIO = 3.0
# The Pythons a Requires-Python is judged over (a narrowing drops one of them).
_PYTHONS = [Version("2.7"), *(Version(f"3.{minor}") for minor in range(20))]
_PATCHES = range(0, 40)


@dataclass(frozen=True)
class Difference:
    """One change: its kind (config DIFF_KINDS), the name diff-allow matches it by, and
    what it says, both versions named."""

    kind: str
    name: str
    text: str
    allowed: bool = False

    @property
    def lost(self) -> bool:
        return self.kind in LOST_KINDS

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "name": self.name, "text": self.text,
                "allowed": self.allowed}


def _modules(old: ReleaseFacts, new: ReleaseFacts) -> Iterator[Difference]:
    """Importable modules dropped: every top-level one, and deeper ones without a private
    part (``pkg._impl`` moving is no user's import); a dropped package stands for its
    submodules."""
    if old.modules is None or new.modules is None:
        return
    gone = sorted(m for m in old.modules - new.modules
                  if "." not in m or not any(p.startswith("_") for p in m.split(".")))
    for module in gone:
        parent = module.rpartition(".")[0]
        if parent and parent in gone:
            continue
        yield Difference("module", module, f"module {module} is in {old.version}, not in "
                                           f"{new.version}")


def _entry_points(old: ReleaseFacts, new: ReleaseFacts) -> Iterator[Difference]:
    if old.entry_points is None or new.entry_points is None:
        return
    for key in sorted(set(old.entry_points) - set(new.entry_points)):
        group, _, name = key.partition(":")
        value = old.entry_points[key]
        renamed = [k.partition(":")[2] for k, v in new.entry_points.items()
                   if v == value and k.partition(":")[0] == group and k not in old.entry_points]
        if renamed:
            text = (f"entry point {name} ({group}, {value}) of {old.version} is "
                    f"{renamed[0]} in {new.version}")
        else:
            text = (f"entry point {name} ({group}, {value}) is in {old.version}, not in "
                    f"{new.version}")
        yield Difference("entry-point", name, printable(text))


def _extras_of(marker: object) -> set[str]:
    """The extras a marker names (``extra == "dev"``), in packaging's parsed marker."""
    found: set[str] = set()
    if isinstance(marker, (list, tuple)):
        if len(marker) == 3 and all(hasattr(part, "value") for part in marker):
            left, _, right = marker
            if getattr(left, "value", None) == "extra":
                found.add(canonicalize_name(str(getattr(right, "value", ""))))
            return found
        for part in marker:
            found |= _extras_of(part)
    return found


def _dependency(requirement: str) -> tuple[str, tuple[str, ...]]:
    """(canonical name, the extras it is under: () for a plain dependency)."""
    try:
        req = Requirement(requirement)
    except InvalidRequirement:
        return requirement, ()
    markers = getattr(req.marker, "_markers", []) if req.marker else []
    return canonicalize_name(req.name), tuple(sorted(_extras_of(markers)))


def _requires_dist(old: ReleaseFacts, new: ReleaseFacts) -> Iterator[Difference]:
    """Dependencies added or removed, an extra's included: by name and extra, so a changed
    specifier or environment marker (``foo>=1`` → ``foo>=2``) is neither."""
    if old.requires_dist is None or new.requires_dist is None:
        return

    def keyed(requirements: frozenset[str]) -> dict[tuple[str, str], list[str]]:
        found: dict[tuple[str, str], list[str]] = {}
        for req in sorted(requirements):
            name, extras = _dependency(req)
            for extra in extras or ("",):
                found.setdefault((name, extra), []).append(req)
        return found

    before, after = keyed(old.requires_dist), keyed(new.requires_dist)
    for gone, have, added in ((before, after, False), (after, before, True)):
        how = (f"is new in {new.version} (not in {old.version})" if added
               else f"is in {old.version}, not in {new.version}")
        # An extra that came or went whole is one change, its dependencies named.
        whole = sorted({e for _, e in gone if e} - {e for _, e in have if e})
        for extra in whole:
            names = sorted(n for n, e in gone if e == extra)
            shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4
                                            else "")
            yield Difference("requires-dist", f"[{extra}]", printable(
                f"extra {extra} ({shown}) {how}"))
        lost: dict[str, list[str]] = {}
        for name, extra in sorted(set(gone) - set(have)):
            if extra not in whole:
                lost.setdefault(name, []).append(extra)
        for name, extras in lost.items():
            named = [e for e in extras if e]
            s = "s" * (len(named) > 1)
            where = ("" if not named else f" (extra{s} {', '.join(named)})" if "" not in extras
                     else f" (also in extra{s} {', '.join(named)})")
            yield Difference("requires-dist", name,
                             printable(f"Requires-Dist {name}{where} {how}"))


def _allows(spec: str | None) -> set[Version] | None:
    try:
        specifier = SpecifierSet(spec or "")
    except InvalidSpecifier:
        return None
    return {v for v in _candidates() if specifier.contains(v, prereleases=True)}


@functools.cache
def _candidates() -> tuple[Version, ...]:
    """Every Python release _allows tries a Requires-Python with."""
    return tuple(Version(f"{p}.{patch}") for p in _PYTHONS for patch in _PATCHES)


def _pythons(lost: set[Version]) -> str:
    """The Pythons lost, as people say them: "3.10", "3.14 and later" (an upper bound),
    "3.8.0" where only some patch releases of a minor are."""
    minors = sorted({Version(f"{v.major}.{v.minor}") for v in lost})
    whole = {m for m in minors if all(Version(f"{m}.{patch}") in lost for patch in _PATCHES)}
    later = len(_PYTHONS)
    while later > 0 and _PYTHONS[later - 1] in whole:
        later -= 1
    shown = [str(m) for m in _PYTHONS[:later] if m in whole]
    if later < len(_PYTHONS):
        shown.append(f"{_PYTHONS[later]} and later" if later < len(_PYTHONS) - 1
                     else str(_PYTHONS[later]))
    shown += [str(min(v for v in lost if (v.major, v.minor) == (m.major, m.minor)))
              for m in minors if m not in whole]
    return ", ".join(shown)


def _requires_python(old: ReleaseFacts, new: ReleaseFacts) -> Iterator[Difference]:
    if old.name is None or new.name is None:  # no metadata read on one side
        return
    if old.requires_python == new.requires_python:  # the same Pythons (most releases)
        return
    before, after = _allows(old.requires_python), _allows(new.requires_python)
    if before is None or after is None or not (lost := before - after):
        return
    yield Difference("requires-python", "requires-python", printable(
        f"Requires-Python {old.requires_python or '(none)'} in {old.version}, "
        f"{new.requires_python or '(none)'} in {new.version}: Python {_pythons(lost)} "
        "dropped"))


def _tags(old: ReleaseFacts, new: ReleaseFacts) -> Iterator[Difference]:
    """Wheel tags of the old release that no new wheel serves: a lost platform, a lost
    Python; a new manylinux policy or macOS target drops the machines below it."""
    if not new.tags and not any(f.kind == "wheel" for f in new.files):
        if old.tags:
            yield Difference("tag", "*", f"{old.version} has wheels, {new.version} none: "
                                         "every install builds from the sdist")
        return
    for tag in sorted(old.tags - new.tags):
        if not covered(tag, new.tags):
            yield Difference("tag", tag, f"wheel tag {tag} is covered in {old.version}, not "
                                         f"in {new.version}")


def _size(value: int) -> str:
    for unit, scale in (("MiB", 2**20), ("KiB", 2**10)):
        if value >= scale:
            return f"{value / scale:.1f} {unit}"
    return f"{value} bytes"


def _predecessor(file: FileFacts, older: Sequence[FileFacts]) -> FileFacts | None:
    same = [f for f in older if f.kind == file.kind and f.tags == file.tags]
    return same[0] if same else None


def _sizes(old: ReleaseFacts, new: ReleaseFacts) -> Iterator[Difference]:
    for file in new.files:
        before = _predecessor(file, old.files)
        if before is None or not file.size or not before.size:
            continue
        ratio = file.size / before.size
        if 1 / SIZE_RATIO <= ratio <= SIZE_RATIO:
            continue
        how = f"{ratio:.1f}×" if ratio > 1 else f"1/{1 / ratio:.1f}"
        yield Difference("size", file.filename, printable(
            f"{file.filename} is {how} the size of {before.filename} ({old.version}: "
            f"{_size(before.size)}, {new.version}: {_size(file.size)})"))


def _same(a: str | None, b: str | None) -> bool:
    """The same license, however spelt: "Apache 2.0" is "Apache-2.0", "mit" is "MIT"."""
    def letters(text: str | None) -> str:
        return "".join(c for c in (text or "").casefold() if c.isalnum())
    return letters(a) == letters(b)


def _license(old: ReleaseFacts, new: ReleaseFacts) -> Iterator[Difference]:
    """License-Expression changed; License changed where neither has an expression and
    both are one line (moving to License-Expression is PEP 639's way, and a license's
    text in place of its name is no other license); a license file gone."""
    if old.name is None or new.name is None:
        return
    if old.license_expression and new.license_expression:
        if not _same(old.license_expression, new.license_expression):
            yield Difference("license", "License-Expression", printable(
                f"License-Expression {old.license_expression} in {old.version}, "
                f"{new.license_expression} in {new.version}"))
    elif (not old.license_expression and not new.license_expression and old.license
          and new.license and "\n" not in old.license.strip() + new.license.strip()
          and not _same(old.license, new.license)):
        yield Difference("license", "License", printable(
            f"License {old.license[:60]!r} in {old.version}, {new.license[:60]!r} in "
            f"{new.version}"))
    if new.license_files:
        for path in sorted(old.license_files - new.license_files):
            yield Difference("license", path, printable(
                f"license file {path} is in {old.version}, not in {new.version}"))


def _name(old: ReleaseFacts, new: ReleaseFacts) -> Iterator[Difference]:
    if old.name and new.name and old.name != new.name:
        how = ("" if canonicalize_name(old.name) == canonicalize_name(new.name)
               else " (another project's name)")
        yield Difference("name", new.name, printable(
            f"Name {old.name} in {old.version}, {new.name} in {new.version}{how}"))


_COMPARISONS = (_modules, _entry_points, _requires_dist, _requires_python, _tags, _sizes,
                _license, _name)


def allowed_by(difference: Difference, allow: Sequence[str]) -> bool:
    """Whether a ``diff-allow`` entry (``kind`` or ``kind:pattern``, an fnmatch glob)
    accepts ``difference``."""
    for entry in allow:
        kind, colon, pattern = entry.partition(":")
        if kind != difference.kind:
            continue
        if not colon:
            return True
        pattern, name = pattern.strip(), difference.name
        if kind == "requires-dist":
            pattern, name = canonicalize_name(pattern), canonicalize_name(name)
        if fnmatchcase(name, pattern) or fnmatchcase(name.lower(), pattern.lower()):
            return True
    return False


def compare(old: ReleaseFacts, new: ReleaseFacts,
            allow: Sequence[str] = ()) -> list[Difference]:
    """Every difference of ``new`` from ``old``, in DIFF_KINDS order; those ``allow``
    (diff-allow) accepts are marked allowed."""
    found = [d for compare_ in _COMPARISONS for d in compare_(old, new)]
    return [Difference(d.kind, d.name, d.text, allowed_by(d, allow)) for d in found]

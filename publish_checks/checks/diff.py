"""index-diff: this release compared with the latest earlier one on the target index, so
that what it drops (a module, an entry point, a platform's wheel) or changes (its
dependencies, Requires-Python, a file's size, its license, its name) is said before
upload, each change named with both versions."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from packaging.version import Version

from publish_checks._text import printable
from publish_checks.checks.context import Context
from publish_checks.checks.index import no_index
from publish_checks.checks.report import Finding, failed, passed, skipped, warned
from publish_checks.dists.index import IndexFile, IndexQueryError
from publish_checks.dists.release_diff import Difference, compare
from publish_checks.dists.release_facts import (
    FileFacts,
    ReleaseFacts,
    index_facts,
    local_facts,
    wheel_tags,
)
from publish_checks.dists.snapshot import Snapshot

_SHOWN_TAGS = 4


def earlier_release(snapshot: Snapshot, name: str,
                    version: str) -> tuple[Version, list[IndexFile]] | None:
    """The latest release of ``name`` before ``version`` that is not yanked (PEP 592: a
    release is yanked when all its files are), with its files not yanked; None when there
    is none."""
    earlier = snapshot.earlier_version(version, name)
    if earlier is None:
        return None
    return earlier, [f for f in snapshot.release_files(earlier, name) if not f.yanked]


def describe(differences: Sequence[Difference]) -> list[str]:
    """Each difference's words, a release's lost wheel tags said in one phrase."""
    tags = [d for d in differences if d.kind == "tag" and d.name != "*"]
    words = [d.text for d in differences if d not in tags]
    if tags:
        first = tags[0].text
        versions = first.partition(" is covered in ")[2]
        shown = ", ".join(d.name for d in tags[:_SHOWN_TAGS])
        more = len(tags) - _SHOWN_TAGS
        wheel_tag = "wheel tags" if len(tags) > 1 else "wheel tag"
        verb = "are" if len(tags) > 1 else "is"
        phrase = (f"{wheel_tag} {shown}{f' and {more} more' if more > 0 else ''} {verb} "
                  f"covered in {versions}")
        where = next(i for i, d in enumerate(differences) if d.kind == "tag")
        words.insert(min(where, len(words)), phrase)
    return words


def allow_entries(differences: Sequence[Difference]) -> list[str]:
    """The diff-allow entries that would accept these differences."""
    return list(dict.fromkeys(
        d.kind if d.kind in ("requires-python", "name") else f"{d.kind}:{d.name}"
        for d in differences))


def judge(ctx: Context, old: ReleaseFacts, new: ReleaseFacts, where: str) -> Finding:
    """The finding for two releases' differences (``where``: "on INDEX")."""
    differences = compare(old, new, ctx.config.diff_allow)
    allowed = [d for d in differences if d.allowed]
    shown = [d for d in differences if not d.allowed]
    notes = [*(f"{old.version}: {n}" for n in old.notes),
             *(f"{new.version}: {n}" for n in new.notes)]
    tail = "".join([f"; allowed by diff-allow: {'; '.join(describe(allowed))}" if allowed
                    else "", f" (not compared: {'; '.join(notes)})" if notes else ""])
    head = f"compared with {old.version} {where}"
    if not shown:
        what = ("no module, entry point, wheel tag, dependency, Requires-Python, size, "
                "license or name change" if not allowed else "nothing else changed")
        return passed(printable(f"{head}: {what}{tail}"))
    summary = printable(f"{head}: {'; '.join(describe(shown))}{tail}")
    entries = ", ".join(f'"{e}"' for e in allow_entries(shown))
    hint = (f"if it is meant, accept it with diff-allow = [{entries}] in "
            f"[tool.publish-checks]; if not, put it back and rebuild with `{ctx.steps.build}`")
    if ctx.config.diff == "fail" and any(d.lost for d in shown):
        return failed(summary + ' (diff = "fail")', hint)
    return warned(summary, hint)


def index_diff(ctx: Context) -> Finding:
    """Asks the index (offline, the registry skips it)."""
    if (none := no_index(ctx)) is not None:
        return none
    target = ctx.target
    dists = ctx.release_dists()
    if ctx.version is not None and ctx.parsed_version is None:
        return skipped(f"{printable(ctx.version)} is no version to compare (version-file "
                       "says why)")
    if not dists or ctx.version is None:
        release = " ".join(filter(None, (ctx.project_name, ctx.version))) or "this release"
        return failed(f"no dists of {release} in {ctx.shown(ctx.dists.directory)}/ to compare",
                      ctx.steps.build)
    name = ctx.project_name or dists[0].name
    index = target.index_url
    try:
        snapshot = ctx.snapshot()
        earlier = earlier_release(snapshot, name, ctx.version)
        if earlier is None:
            return passed(f"the first release of {name} on {index}: nothing to compare with")
        version, files = earlier
        new = local_facts([d.path for d in dists], ctx.version,
                          like={t for f in files for t in wheel_tags(f.filename)})
        old = index_facts(files, str(version), like=new.tags, login=ctx.index_login)
    except IndexQueryError as e:
        return warned(f"the release before {ctx.version} could not be read from {index}: "
                      f"{e.message}", e.hint or "retry")
    # Files of this release already on the index (an upload resumed, wheels from other
    # jobs) are covered too.
    current = snapshot.release_files(ctx.version, name)
    have = {f.filename for f in new.files}
    more = tuple(FileFacts(f.filename, "wheel", None, wheel_tags(f.filename))
                 for f in current if f.filename not in have and f.filename.endswith(".whl"))
    new = dataclasses.replace(new, files=new.files + more)
    return judge(ctx, old, new, f"on {index}")

"""The record a failed build leaves in its output folder: which checks it failed (or why it
stopped) and which files it left there, so that dists-stale can say what failed and tell
the files of that build from files put there since (a wheel repaired by hand).

The record is read as untrusted input: whatever it holds, reading it gives a FailedBuild
(with ``unreadable`` set when its contents cannot be used), never an exception.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from publish_checks._record import Record, record
from publish_checks._text import TextError, printable, read_bytes
from publish_checks.dists.scan import DistScan, file_sha256, scan

#: The record's name. A dot file: the shell's `dist/*` of an upload does not take it.
MARKER = ".publish-checks-build-failed"
#: What the record may weigh: a few failed checks and a few hundred file names.
MARKER_LIMIT = 256 * 1024
FORMAT = 1
_SHA256 = re.compile(r"[0-9a-f]{64}")
_SHOWN = 300  # characters of a check's summary the record keeps, and a report shows


@record
class FailedBuild(Record):
    """What a failed build's record says."""

    path: Path
    failed: tuple[tuple[str, str], ...] = ()  # (check id, its summary) of each failed check
    error: str = ""  # why the build stopped when no check failed (the build tool's exit)
    files: Mapping[str, str] | None = None  # file name → sha256; None: not recorded
    unreadable: str = ""  # why the record's contents cannot be used ("" when they can)


def upload_paths(found: DistScan) -> list[Path]:
    """Every file an upload of ``dist/*`` would take."""
    return [d.path for d in found.dists] + list(found.others) + list(found.companions)


def current_files(directory: Path) -> dict[str, str]:
    """Every file an upload of ``directory/*`` would take, with its sha256."""
    return {p.name: file_sha256(p) for p in upload_paths(scan(directory))}


def write_marker(directory: Path, failed: Sequence[tuple[str, str]], error: str) -> None:
    """Record a failed build in ``directory``; always leaves a marker, even when the
    files cannot all be hashed (then without them)."""
    directory.mkdir(parents=True, exist_ok=True)
    try:
        files: dict[str, str] | None = current_files(directory)
    except OSError:
        files = None
    record = {"publish-checks": "build-failed", "format": FORMAT,
              "failed": [{"id": cid, "summary": summary[:_SHOWN]} for cid, summary in failed],
              "error": error.splitlines()[0].rstrip(":")[:_SHOWN] if error else "",
              "files": files}
    (directory / MARKER).write_text(json.dumps(record, indent=1) + "\n", "utf-8")


def read_marker(directory: Path) -> FailedBuild | None:
    """The failed build recorded in ``directory``, or None when the last build did not fail."""
    path = directory / MARKER
    if not os.path.lexists(path):
        return None
    try:
        data = json.loads(read_bytes(path, limit=MARKER_LIMIT).decode("utf-8"))
    except TextError as e:
        return FailedBuild(path, unreadable=f"it {e.problem}")
    except (UnicodeDecodeError, ValueError, RecursionError):
        return FailedBuild(path, unreadable="it is not a record this version of "
                           "publish-checks wrote")
    return _parse(path, data)


def _parse(path: Path, data: object) -> FailedBuild:
    bad = FailedBuild(path, unreadable="it is not a record this version of publish-checks "
                      "wrote")
    if not isinstance(data, dict) or data.get("publish-checks") != "build-failed" \
            or data.get("format") != FORMAT:
        return bad
    failed, error, files = data.get("failed"), data.get("error", ""), data.get("files")
    if not (isinstance(failed, list) and isinstance(error, str)
            and all(isinstance(f, dict) and isinstance(f.get("id"), str)
                    and isinstance(f.get("summary"), str) for f in failed)):
        return bad
    if files is not None and not (isinstance(files, dict) and all(
            isinstance(k, str) and isinstance(v, str) and _SHA256.fullmatch(v)
            for k, v in files.items())):
        return bad
    # Written by us, but a file in a folder anyone may have edited: shown escaped, bounded.
    return FailedBuild(path, tuple((printable(f["id"][:60]), printable(f["summary"][:_SHOWN]))
                                   for f in failed[:20]),
                       printable(error[:_SHOWN]), files)


__all__ = ["MARKER", "FailedBuild", "current_files", "read_marker", "upload_paths",
           "write_marker"]

"""Text for people, and text from files: the helpers every layer shares.

- :func:`read_text` is the one way a project file is read: bounded, never blocking on a
  FIFO or a device, and every way it can fail is a :class:`TextError` whose ``problem``
  completes the sentence "<file> …".
- :func:`suggest` is the one "did you mean" of every option, key, id and repository name.
- :func:`shown`, :func:`listing`, :func:`printable` and :func:`human_size` say paths, lists,
  names from archives and sizes the same way everywhere.
"""

from __future__ import annotations

import codecs
import difflib
import enum
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

#: What a project file (pyproject.toml, VERSION, a changelog, .pypirc) may weigh; a larger
#: one is not what it claims to be, and reading it whole would cost unbounded memory.
TEXT_LIMIT = 8 * 1024 * 1024


class Unreadable(enum.Enum):
    """Why a file could not be read as text: the fix depends on it."""

    MISSING = "missing"
    NOT_A_FILE = "not a regular file"
    TOO_LARGE = "too large"
    OS_ERROR = "cannot be read"
    NOT_TEXT = "not UTF-8 text"  # binary, or another encoding: re-save it


class TextError(Exception):
    """A file that cannot be read as text; ``problem`` completes "<file> …"."""

    def __init__(self, problem: str, why: Unreadable) -> None:
        super().__init__(problem)
        self.problem = problem
        self.why = why


def read_bytes(path: Path, *, limit: int = TEXT_LIMIT) -> bytes:
    """The bytes of a regular file, at most ``limit`` of them; TextError otherwise.

    A FIFO, a device (``/dev/zero``) or a directory is refused before it is opened, so a
    read never blocks and never runs without end; links are followed.
    """
    try:
        st = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            raise TextError(f"is a link to {path.readlink()}, which does not exist",
                            Unreadable.MISSING) from None
        raise TextError("does not exist", Unreadable.MISSING) from None
    except OSError as e:  # a link loop, a name too long, no permission on a folder
        raise TextError(f"cannot be read: {e.strerror or e}", Unreadable.OS_ERROR) from None
    if stat.S_ISDIR(st.st_mode):
        raise TextError("is a directory, not a file", Unreadable.NOT_A_FILE)
    if not stat.S_ISREG(st.st_mode):
        raise TextError("is not a regular file (a FIFO, socket or device)",
                        Unreadable.NOT_A_FILE)
    if st.st_size > limit:
        raise TextError(f"is {human_size(st.st_size)}, more than the {human_size(limit)} "
                        "such a file can sensibly hold", Unreadable.TOO_LARGE)
    try:
        # O_NONBLOCK: should the file have been swapped for a FIFO since stat(), open()
        # returns at once instead of waiting for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:
        raise TextError(f"cannot be read: {e.strerror or e}", Unreadable.OS_ERROR) from None
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as e:
            raise TextError(f"cannot be read: {e.strerror or e}", Unreadable.OS_ERROR) from None
    if len(data) > limit:
        raise TextError(f"is more than the {human_size(limit)} such a file can sensibly hold",
                        Unreadable.TOO_LARGE)
    return data


def read_text(path: Path, *, limit: int = TEXT_LIMIT, keep_bom: bool = False) -> str:
    """A UTF-8 text file's contents; TextError for anything else.

    A byte-order mark is dropped unless ``keep_bom`` (VERSION must not have one; bump
    must write it back).
    """
    return decode_text(read_bytes(path, limit=limit), keep_bom=keep_bom)


def decode_text(data: bytes, *, keep_bom: bool = False) -> str:
    """``data`` as UTF-8 text (see :func:`read_text`); TextError for binary or other encodings."""
    if b"\0" in data:
        raise TextError("is not a text file", Unreadable.NOT_TEXT)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise TextError("is not UTF-8 text", Unreadable.NOT_TEXT) from None
    if not keep_bom and data.startswith(codecs.BOM_UTF8):
        text = text[1:]
    return text


def suggest(word: str, choices: Iterable[str]) -> str:
    """``did you mean 'X'?`` for the closest of ``choices``, or '' when none is close."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"did you mean '{close[0]}'?" if close else ""


def shown(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` with forward slashes when it is inside; absolute when
    it is not (``../../../tmp/x`` says less than ``/tmp/x``)."""
    try:
        relative = Path(os.path.relpath(path, root))
    except ValueError:  # another drive on Windows: no relative form exists
        return str(Path(path).absolute())
    if relative.parts[:1] == (os.pardir,):  # '..' taken out, symlinks left as named
        return os.path.normpath(Path(path).absolute())
    return relative.as_posix()


def listing(items: list[str], limit: int = 3) -> str:
    """The first few of a long list, and how many more there are."""
    text = ", ".join(items[:limit])
    return text + (f" and {len(items) - limit} more" if len(items) > limit else "")


def printable(name: str) -> str:
    """A name safe to put in a report: control characters (ANSI escapes included) are shown
    escaped, because names in archives and answers from servers come from anyone."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)


def human_size(size: int) -> str:
    """A file size the way PyPI shows it (decimal units: 85.3 kB)."""
    if size < 1000:
        return f"{size} B"
    value = float(size)
    for unit in ("kB", "MB"):
        value /= 1000
        if value < 1000:
            return f"{value:.1f} {unit}"
    return f"{value / 1000:.1f} GB"


@dataclass(frozen=True)
class Steps:
    """How the user runs a release step from the front end in use: every hint that names a
    command names the one this user types (``nox -s build`` or ``publish-checks build``)."""

    nox: bool = True
    #: (step, session name) for the sessions a noxfile registered under other names
    #: (``publish_checks.nox.register({"publish": "release"})``).
    renamed: tuple[tuple[str, str], ...] = ()
    #: The steps a noxfile registered no session for (``register(["verify", "build"])``):
    #: their hints name the ``publish-checks`` command, never a session nox cannot find.
    missing: tuple[str, ...] = ()

    def __call__(self, step: str, *args: str) -> str:
        if self.nox and step not in self.missing:
            return f"nox -s {self.session(step)}" + (f" -- {' '.join(args)}" if args else "")
        return " ".join(["publish-checks", step, *args])

    @property
    def build(self) -> str:
        return self("build")

    def session(self, step: str) -> str:
        """The name of the nox session that runs ``step`` (``publish-checks STEP`` when the
        noxfile has none)."""
        if step in self.missing:
            return f"publish-checks {step}"
        return dict(self.renamed).get(step, step)


NOX_STEPS = Steps(nox=True)
CLI_STEPS = Steps(nox=False)

"""Text for people, and text from files: the helpers every layer shares.

- :func:`read_text` is the one way a project file is read: bounded, never blocking on a
  FIFO or a device, and every way it can fail is a :class:`TextError` whose ``problem``
  completes the sentence "<file> …". A file in another encoding is named by it (UTF-16
  from PowerShell's ``>``, a byte that is not UTF-8 by its line), and :func:`resave_fix` is
  the fix.
- :func:`suggest` is the one "did you mean" of every option, key, id and repository name.
- :func:`shown`, :func:`listing`, :func:`printable` and :func:`human_size` say paths, lists,
  names from archives and sizes the same way everywhere.
"""

from __future__ import annotations

import codecs
import enum
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple, TextIO

from publish_checks._record import Record, record

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
    """A file that cannot be read as text; ``problem`` completes "<file> …". ``encoding`` is
    the codec it is in when that is known (``utf-16``), so the fix can convert it."""

    def __init__(self, problem: str, why: Unreadable, encoding: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.why = why
        self.encoding = encoding


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
    """``data`` as UTF-8 text (see :func:`read_text`); TextError for binary or other
    encodings, naming the encoding where it shows (see :func:`other_encoding`)."""
    if (other := other_encoding(data)) is not None:
        raise TextError(f"is {other.name} text, not UTF-8{other.note}", Unreadable.NOT_TEXT,
                        other.codec)
    if b"\0" in data:
        raise TextError("is not a text file (it holds NUL bytes)", Unreadable.NOT_TEXT)
    if (where := utf8_error(data)) is not None:
        raise TextError(f"is not UTF-8 text ({where})", Unreadable.NOT_TEXT)
    text = data.decode("utf-8")
    if not keep_bom and data.startswith(codecs.BOM_UTF8):
        text = text[1:]
    return text


class Encoding(NamedTuple):
    """A text encoding other than UTF-8: its name, Python's codec for it, and a note on
    where such files come from."""

    name: str
    codec: str
    note: str = ""


# Windows PowerShell 5's `>` and Out-File, and Notepad's "Unicode", write UTF-16 LE with a mark.
_POWERSHELL = " (Windows PowerShell's > and Out-File write it)"
# Longest first: UTF-32 LE's mark starts with UTF-16 LE's.
_BOMS = ((codecs.BOM_UTF32_LE, Encoding("UTF-32 LE", "utf-32")),
         (codecs.BOM_UTF32_BE, Encoding("UTF-32 BE", "utf-32")),
         (codecs.BOM_UTF16_LE, Encoding("UTF-16 LE", "utf-16", _POWERSHELL)),
         (codecs.BOM_UTF16_BE, Encoding("UTF-16 BE", "utf-16")))


def other_encoding(data: bytes) -> Encoding | None:
    """UTF-16 or UTF-32 text; None for anything else.

    A byte-order mark names it. Without one, UTF-16 is recognised only when most characters
    have a NUL high byte (ASCII text) and the whole decodes to printable text: binary files
    stay binary.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    if len(data) < 4 or len(data) % 2 or b"\0" not in data:
        return None
    even, odd = data[0::2], data[1::2]
    for name, high, low, codec in (("UTF-16 LE", odd, even, "utf-16-le"),
                                   ("UTF-16 BE", even, odd, "utf-16-be")):
        if high.count(0) * 10 >= len(high) * 9 and low.count(0) == 0:
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            if all(c.isprintable() or c in "\t\n\r\f" for c in text):
                return Encoding(name, codec, " (it has no byte-order mark)")
    return None


def utf8_error(data: bytes) -> str | None:
    """Where ``data`` stops being UTF-8 ("byte 0xe9 on line 3"), or None when it is UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        return f"byte 0x{data[e.start]:02x} on line {line}"
    return None


def resave_fix(label: str, error: TextError) -> str:
    """The fix for a file that is not UTF-8: re-save it as UTF-8, with the command that
    converts it when its encoding is known."""
    fix = f"re-save {label} as UTF-8"
    if error.encoding and re.fullmatch(r"[\w./-]+", label):
        fix += (f", e.g. python -c \"import pathlib; p = pathlib.Path('{label}'); "
                f"p.write_text(p.read_text('{error.encoding}'), 'utf-8')\"")
    return fix


def suggest(word: str, choices: Iterable[str]) -> str:
    """``did you mean 'X'?`` for the closest of ``choices``, or '' when none is close."""
    import difflib  # only a mistyped name needs it: off the path of every command's start

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


@record
class Steps(Record):
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


# For a stdout that cannot encode the report's marks (a Windows pipe in cp1252, an
# ASCII-only locale): the nearest ASCII, so the report still prints instead of crashing.
_ASCII = str.maketrans({"✓": "+", "✗": "x", "–": "-", "—": "-", "·": "-", "→": "->",
                        "…": "..."})


def write_text(stream: TextIO, text: str) -> None:
    """Write ``text``; on a stream that cannot encode the marks, their ASCII stand-ins (also
    where the stream would escape them instead of failing: stderr's backslashreplace)."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        text = text.translate(_ASCII)
    try:
        stream.write(text)
    except UnicodeEncodeError:
        stream.write(text.encode(encoding, "replace").decode(encoding, "replace"))
    stream.flush()


def write_verbatim(stream: TextIO, text: str) -> None:
    """Write ``text`` unchanged: as UTF-8 bytes where the stream's encoding cannot hold it.

    For words that are the user's, not ours (a changelog section: ``notes`` output pasted as
    release notes), where an ASCII stand-in would change what gets published."""
    try:
        stream.write(text)
    except UnicodeEncodeError:
        buffer = getattr(stream, "buffer", None)
        if buffer is None:
            write_text(stream, text)
            return
        stream.flush()
        buffer.write(text.encode("utf-8"))
        buffer.flush()
        return
    stream.flush()

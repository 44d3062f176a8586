"""Wheels and sdists built from text in tmp_path, so no binary blob is ever committed."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import tarfile
import warnings
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from packaging.tags import parse_tag

from tests.builders import PYPROJECT

Files = Mapping[str, str | bytes] | Sequence[tuple[str, str | bytes]]

README = "# demo-pkg\n\nA demo package.\n"


def escaped(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def default_files(name: str = "demo-pkg", version: str = "1.2.0") -> dict[str, str]:
    """The sample project's package, as tests/builders.py writes it."""
    module = name.replace("-", "_")
    return {f"{module}/__init__.py": f'"""Demo."""\n\n__version__ = "{version}"\n',
            f"{module}/core.py": "def answer() -> int:\n    return 42\n"}


def metadata_text(name: str = "demo-pkg", version: str = "1.2.0", *,
                  metadata_version: str = "2.4", content_type: str | None = "text/markdown",
                  description: str | None = README, extra: str = "") -> str:
    """Core metadata (METADATA / PKG-INFO) with the long description as its body."""
    lines = [f"Metadata-Version: {metadata_version}", f"Name: {name}", f"Version: {version}",
             "Summary: A demo package for publish-checks tests."]
    if content_type is not None:
        lines.append(f"Description-Content-Type: {content_type}")
    text = "\n".join(lines) + "\n" + extra
    return text + (f"\n{description}" if description is not None else "")


def _items(files: Files) -> list[tuple[str, bytes]]:
    pairs = files.items() if isinstance(files, Mapping) else files
    return [(n, c.encode() if isinstance(c, str) else c) for n, c in pairs]


def record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def _metadata_bytes(metadata: str | bytes | None, name: str, version: str, extra: str) -> bytes:
    """The core metadata file: as given (bytes as they are, in any encoding), else made."""
    if isinstance(metadata, bytes):
        return metadata
    return (metadata or metadata_text(name, version, extra=extra)).encode()


def make_wheel(directory: Path, name: str = "demo-pkg", version: str = "1.2.0",
               files: Files | None = None, metadata_extra: str = "", *,
               metadata: str | bytes | None = None, record: Mapping[str, str | None] | None = None,
               filename: str | None = None, tag: str = "py3-none-any") -> Path:
    """A wheel whose RECORD matches its files, except that ``record`` maps a path to the
    line that replaces its own (None drops it; new paths are added). Duplicates allowed.
    ``tag`` (compressed, as the filename spells it) gives WHEEL its Tag lines."""
    stem = f"{escaped(name)}-{version}"
    dist_info = f"{stem}.dist-info"
    members = _items(default_files(name, version) if files is None else files)
    members.append((f"{dist_info}/METADATA", _metadata_bytes(metadata, name, version,
                                                             metadata_extra)))
    purelib = "true" if tag.endswith("-none-any") else "false"
    tags = "".join(f"Tag: {t}\n" for t in sorted(str(t) for t in parse_tag(tag)))
    members.append((f"{dist_info}/WHEEL", f"Wheel-Version: 1.0\nGenerator: distbuilders\n"
                                          f"Root-Is-Purelib: {purelib}\n{tags}".encode()))
    lines: dict[str, str | None] = {n: record_line(n, d) for n, d in members}
    lines[f"{dist_info}/RECORD"] = f"{dist_info}/RECORD,,"
    lines.update(record or {})
    text = "".join(f"{line}\n" for line in lines.values() if line is not None)
    members.append((f"{dist_info}/RECORD", text.encode()))
    path = directory / (filename or f"{stem}-{tag}.whl")
    directory.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicates tests ask for
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for member, data in members:
                zf.writestr(member, data)
    return path


def make_sdist(directory: Path, name: str = "demo-pkg", version: str = "1.2.0",
               files: Files | None = None, metadata_extra: str = "", *,
               metadata: str | bytes | None = None, filename: str | None = None,
               top: str | None = None) -> Path:
    """A .tar.gz sdist: ``files``, PKG-INFO, and the sample project's pyproject.toml and
    README.md (unless ``files`` has its own) under ``<name>-<version>/``."""
    stem = f"{escaped(name)}-{version}"
    top = top or (filename.removesuffix(".tar.gz") if filename else stem)
    members = _items(default_files(name, version) if files is None else files)
    members.append(("PKG-INFO", _metadata_bytes(metadata, name, version, metadata_extra)))
    # The sample project's own pyproject.toml and README.md, as git has them: an sdist built
    # from that project holds them (dists-contents) with the same content (dists-stale).
    pyproject = PYPROJECT.format(name=name, module=escaped(name), extra="")
    given = {member for member, _ in members}
    members += [(member, text.encode()) for member, text in
                (("pyproject.toml", pyproject), ("README.md", f"# {name}\n\nA demo package.\n"))
                if member not in given]
    path = directory / (filename or f"{stem}.tar.gz")
    directory.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as tf:
        for member, data in members:
            info = tarfile.TarInfo(f"{top}/{member}")
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path


def make_release(directory: Path, name: str = "demo-pkg", version: str = "1.2.0") -> list[Path]:
    """A correct sdist and wheel of the sample project."""
    return [make_sdist(directory, name, version), make_wheel(directory, name, version)]


# --- Archives PyPI or pip refuse: the raw material of tests/test_archive_rules.py -----------

ZipEntries = Sequence[tuple[str | zipfile.ZipInfo, bytes]]
TarEntries = Sequence[tuple[tarfile.TarInfo, bytes]]


def zip_entries(path: Path) -> list[tuple[str | zipfile.ZipInfo, bytes]]:
    """The members of a small zip built here, in order, with their bytes."""
    with zipfile.ZipFile(path) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


class _Pipe(io.RawIOBase):
    """A file that cannot seek, as a pipe: zipfile then writes data descriptors."""

    def __init__(self, out: io.BufferedWriter) -> None:
        self.out = out

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        return self.out.write(data)


def write_zip(path: Path, entries: ZipEntries, compression: int = zipfile.ZIP_DEFLATED, *,
              streamed: bool = False) -> Path:
    """A zip of ``entries`` (duplicates allowed); ``streamed``: written to a pipe, so each
    member's sizes come after its data, in a data descriptor."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names
        with zipfile.ZipFile(_Pipe(out) if streamed else out, "w", compression) as zf:
            for name, data in entries:
                zf.writestr(name, data)
    return path


def tar_entries(path: Path) -> list[tuple[tarfile.TarInfo, bytes]]:
    """The members of a small tarball built here, in order, with their bytes."""
    with tarfile.open(path) as tf:
        return [(info, (tf.extractfile(info) or io.BytesIO()).read() if info.isreg() else b"")
                for info in tf.getmembers()]


def tar_member(name: str, data: bytes = b"", kind: bytes = tarfile.REGTYPE,
               link: str = "") -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, link
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    return info, data


def write_tar(path: Path, entries: TarEntries, mode: str = "w:gz") -> Path:
    """A tarball of ``entries`` (``mode`` "w" for a plain tar, "w:xz" for xz)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, mode) as tf:  # type: ignore[call-overload]
        for info, data in entries:
            tf.addfile(info, io.BytesIO(data) if info.isreg() else None)
    return path


class GnuSparseMember(tarfile.TarInfo):
    """A member in GNU's old sparse format (type 'S'), which tarfile reads but cannot write:
    one region holding all the data, at offset 0."""

    def tobuf(self, format: int | None = tarfile.GNU_FORMAT, encoding: str | None = "utf-8",
              errors: str = "surrogateescape") -> bytes:
        self.type = tarfile.GNUTYPE_SPARSE
        header = bytearray(super().tobuf(tarfile.GNU_FORMAT, encoding, errors))
        header[386:410] = b"%011o\0%011o\0" % (0, self.size)  # the region: offset, length
        header[483:495] = b"%011o\0" % self.size  # the file's real size
        header[148:156] = b" " * 8  # the checksum is summed over spaces in its own place
        header[148:155] = b"%06o\0" % sum(header)
        return bytes(header)

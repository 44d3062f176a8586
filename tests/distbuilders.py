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


def make_wheel(directory: Path, name: str = "demo-pkg", version: str = "1.2.0",
               files: Files | None = None, metadata_extra: str = "", *,
               metadata: str | None = None, record: Mapping[str, str | None] | None = None,
               filename: str | None = None) -> Path:
    """A wheel whose RECORD matches its files, except that ``record`` maps a path to the
    line that replaces its own (None drops it; new paths are added). Duplicates allowed."""
    stem = f"{escaped(name)}-{version}"
    dist_info = f"{stem}.dist-info"
    members = _items(default_files(name, version) if files is None else files)
    members.append((f"{dist_info}/METADATA",
                    (metadata or metadata_text(name, version, extra=metadata_extra)).encode()))
    members.append((f"{dist_info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: distbuilders\n"
                                          b"Root-Is-Purelib: true\nTag: py3-none-any\n"))
    lines: dict[str, str | None] = {n: record_line(n, d) for n, d in members}
    lines[f"{dist_info}/RECORD"] = f"{dist_info}/RECORD,,"
    lines.update(record or {})
    text = "".join(f"{line}\n" for line in lines.values() if line is not None)
    members.append((f"{dist_info}/RECORD", text.encode()))
    path = directory / (filename or f"{stem}-py3-none-any.whl")
    directory.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicates tests ask for
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for member, data in members:
                zf.writestr(member, data)
    return path


def make_sdist(directory: Path, name: str = "demo-pkg", version: str = "1.2.0",
               files: Files | None = None, metadata_extra: str = "", *,
               metadata: str | None = None, filename: str | None = None,
               top: str | None = None) -> Path:
    """A .tar.gz sdist: ``files`` and PKG-INFO under ``<name>-<version>/``."""
    stem = f"{escaped(name)}-{version}"
    top = top or (filename.removesuffix(".tar.gz") if filename else stem)
    members = _items(default_files(name, version) if files is None else files)
    members.append(("PKG-INFO",
                    (metadata or metadata_text(name, version, extra=metadata_extra)).encode()))
    members.append(("pyproject.toml", b"[project]\nname = 'demo-pkg'\n"))
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

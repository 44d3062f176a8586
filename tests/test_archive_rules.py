"""dists-archive: every archive PyPI refuses to open (or pip to unpack), built byte by byte,
fails in PyPI's words naming the member; each has a compliant twin that passes."""

from __future__ import annotations

import gc
import gzip
import io
import struct
import tarfile
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from publish_checks.checks import dists
from publish_checks.checks.report import Finding, Status
from publish_checks.dists.archives import CHUNK
from publish_checks.dists.inventory import PYARMOR_MARKS, SOURCEDEFENDER_MARKS
from tests.builders import SampleProject, python_build
from tests.distbuilders import (
    GnuSparseMember,
    default_files,
    make_sdist,
    make_wheel,
    tar_entries,
    tar_member,
    write_tar,
    write_zip,
    zip_entries,
)

WHEEL = "demo_pkg-1.2.0-py3-none-any.whl"
SDIST = "demo_pkg-1.2.0.tar.gz"
DIST_INFO = "demo_pkg-1.2.0.dist-info"
TOP = "demo_pkg-1.2.0"
FILES = default_files()
ZIP_DOCS = "See https://docs.pypi.org/archives for more information"
POLICY = "See https://pypi.org/policy/acceptable-use-policy/ for more information."


def check(project: SampleProject) -> Finding:
    return dists.dists_archive(project.context())


def assert_refused(finding: Finding, *fragments: str, fix: str = "nox -s build") -> None:
    assert finding.status is Status.FAIL, finding
    for fragment in fragments:
        assert fragment in finding.summary, finding
    assert fix in finding.hint, finding


def assert_passes(project: SampleProject) -> None:
    finding = check(project)
    assert finding.status is Status.PASS, finding
    assert finding.summary.startswith("2 dists open as PyPI opens them"), finding


def dist_dir(project: SampleProject) -> Path:
    return project.root / "dist"


def with_wheel(project: SampleProject, **changes: object) -> Path:
    """A correct sdist in dist/, and the wheel (``changes`` as make_wheel takes them)."""
    make_sdist(dist_dir(project))
    return make_wheel(dist_dir(project), **changes)  # type: ignore[arg-type]


def with_sdist(project: SampleProject, entries: list[tuple[tarfile.TarInfo, bytes]],
               mode: str = "w:gz") -> Path:
    """A correct wheel in dist/, and an sdist of ``entries``."""
    make_wheel(dist_dir(project))
    return write_tar(dist_dir(project) / SDIST, entries, mode)


def sample_sdist(tmp_path: Path) -> list[tuple[tarfile.TarInfo, bytes]]:
    return tar_entries(make_sdist(tmp_path / "sample"))


def patch(path: Path, old: bytes, new: bytes) -> None:
    """Replace bytes in the file, wherever they occur (names appear in two headers)."""
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new))


# --- compliant twins -------------------------------------------------------------------------

def test_the_sample_release_passes(project: SampleProject) -> None:
    """The wheel and sdist that tests/distbuilders.py writes open as PyPI opens them."""
    with_wheel(project)
    assert_passes(project)


@pytest.mark.slow
def test_a_real_build_with_a_license_file_passes(project: SampleProject) -> None:
    """`python -m build` of the sample project, with a LICENSE it declares, passes."""
    project.write("LICENSE", "MIT License\n")
    project.commit("license")
    python_build(project.root, project.root / "dist")
    with zipfile.ZipFile(dist_dir(project) / WHEEL) as zf:
        assert f"{DIST_INFO}/licenses/LICENSE" in zf.namelist()  # the twin of the test below
    assert_passes(project)


def test_nothing_built_fails_naming_the_build(project: SampleProject) -> None:
    """Before a build there is nothing to open: fail, and say how to build."""
    finding = check(project)
    assert finding.status is Status.FAIL and "no dist/ yet" in finding.summary
    assert "nox -s build" in finding.hint


# --- zip records (warehouse/utils/zipfiles.py) -----------------------------------------------

def zip_refusal(reason: str) -> str:
    return f'"Invalid distribution file. ZIP archive not accepted: {reason}. {ZIP_DOCS}")'


def test_a_streamed_zip_with_data_descriptors_fails(project: SampleProject) -> None:
    """A zip written to a pipe puts sizes in data descriptors: PyPI refuses it."""
    wheel = with_wheel(project)
    write_zip(wheel, zip_entries(wheel), streamed=True)
    assert_refused(check(project), f"{WHEEL}: the zip record of demo_pkg/__init__.py",
                   zip_refusal("ZIP contains a data descriptor"))


def test_data_after_the_end_of_the_zip_fails(project: SampleProject) -> None:
    """Bytes after the end-of-central-directory record are trailing data."""
    wheel = with_wheel(project)
    size = wheel.stat().st_size
    wheel.write_bytes(wheel.read_bytes() + b"\0" * 16)
    assert_refused(check(project), f"bytes after the end of the zip, from byte {size}",
                   zip_refusal("Trailing data"))


def test_an_archive_comment_passes(project: SampleProject) -> None:
    """An archive comment (in the end record) is not trailing data: PyPI accepts it."""
    wheel = with_wheel(project)
    with zipfile.ZipFile(wheel, "a") as zf:
        zf.comment = b"built by hand"
    assert_passes(project)


def test_data_before_the_first_record_fails(project: SampleProject) -> None:
    """A stub before the zip (a self-extractor's) is an unknown record at byte 0."""
    wheel = with_wheel(project)
    wheel.write_bytes(b"#!/bin/sh\nexit 0\n" + wheel.read_bytes())
    assert_refused(check(project), f"{WHEEL}: bytes before the first zip record",
                   zip_refusal("Unknown record signature"))


def test_a_local_header_that_disagrees_with_the_central_directory_fails(
        project: SampleProject) -> None:
    """A local header whose file size differs from the central directory's is refused."""
    wheel = with_wheel(project)
    data = bytearray(wheel.read_bytes())
    assert data[:4] == b"PK\x03\x04"
    (size,) = struct.unpack_from("<I", data, 22)  # the first member's uncompressed size
    struct.pack_into("<I", data, 22, size + 1)
    wheel.write_bytes(bytes(data))
    assert_refused(check(project), "the zip record of demo_pkg/__init__.py",
                   zip_refusal("Mis-matched file size"))


@pytest.mark.parametrize(("method", "shown"), [(zipfile.ZIP_BZIP2, "bzip2"),
                                               (zipfile.ZIP_LZMA, "lzma")])
def test_members_compressed_other_than_by_deflate_fail(
        project: SampleProject, method: int, shown: str) -> None:
    """bzip2 and lzma members are refused; the finding names each with its method."""
    wheel = with_wheel(project)
    write_zip(wheel, zip_entries(wheel), method)
    assert_refused(check(project), f"compressed other than by deflate: "
                   f"demo_pkg/__init__.py ({shown}), demo_pkg/core.py ({shown})",
                   '"Invalid distribution file. File does not use a supported compression '
                   'type")')


def test_stored_members_pass(project: SampleProject) -> None:
    """Stored (uncompressed) members are the other method PyPI takes."""
    wheel = with_wheel(project)
    write_zip(wheel, zip_entries(wheel), zipfile.ZIP_STORED)
    assert_passes(project)


def test_a_duplicate_name_fails(project: SampleProject) -> None:
    """A member stored twice (here with the same bytes, so only the name repeats)."""
    wheel = with_wheel(project)
    entries = zip_entries(wheel)
    write_zip(wheel, [*entries, *[e for e in entries if e[0] == "demo_pkg/core.py"]])
    assert_refused(check(project), "the zip record of demo_pkg/core.py",
                   zip_refusal("Duplicate filename in local headers"))


def test_a_name_that_is_not_utf8_fails(project: SampleProject) -> None:
    """A name in another encoding (here Latin-1 é) is not unicode to PyPI."""
    wheel = with_wheel(project, files={**FILES, "demo_pkg/cafX.py": "x = 1\n"})
    patch(wheel, b"demo_pkg/cafX.py", b"demo_pkg/caf\xe9.py")
    assert_refused(check(project), "the zip record of demo_pkg/caf\ufffd.py",
                   zip_refusal("Filename not unicode"))


def test_a_non_ascii_name_without_the_utf8_flag_fails(project: SampleProject) -> None:
    """UTF-8 bytes without flag bit 11 read as cp437 in the central directory: a mismatch."""
    wheel = with_wheel(project, files={**FILES, "demo_pkg/cafXX.py": "x = 1\n"})
    patch(wheel, b"demo_pkg/cafXX.py", "demo_pkg/café.py".encode())
    assert_refused(check(project), "the zip record of demo_pkg/café.py",
                   zip_refusal("Filename not in central directory"))


def test_a_flagged_utf8_name_passes(project: SampleProject) -> None:
    """The twin: zipfile writes a non-ASCII name as UTF-8 with bit 11 set, which PyPI takes."""
    with_wheel(project, files={**FILES, "demo_pkg/café.py": "x = 1\n"})
    assert_passes(project)


def test_a_control_character_in_a_name_fails(project: SampleProject) -> None:
    """A control character in a name is refused, and shown escaped in the report."""
    with_wheel(project, files={**FILES, "demo_pkg/a\x1b[2J.py": "x = 1\n"})
    finding = check(project)
    assert_refused(finding, "the zip record of demo_pkg/a\\x1b[2J.py",
                   zip_refusal("Invalid character in filename"))
    assert "\x1b" not in finding.summary


def test_a_member_comment_fails(project: SampleProject) -> None:
    """A comment on a member (in the central directory) is refused."""
    wheel = with_wheel(project)
    entries = zip_entries(wheel)
    info = zipfile.ZipInfo("demo_pkg/core.py")
    info.comment = b"hello"
    write_zip(wheel, [(info, data) if name == "demo_pkg/core.py" else (name, data)
                      for name, data in entries])
    assert_refused(check(project), "the zip record of demo_pkg/core.py",
                   zip_refusal("Comment in central directory"))


def test_a_zip_that_is_also_a_tar_fails(project: SampleProject) -> None:
    """A tar with a wheel appended reads as both: PyPI refuses such polyglots."""
    wheel = with_wheel(project)
    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w") as tf:
        info, data = tar_member("demo_pkg/core.py", b"print('tar')\n")
        tf.addfile(info, io.BytesIO(data))
    wheel.write_bytes(tar.getvalue() + wheel.read_bytes())
    assert_refused(check(project), f"{WHEEL}: it reads both as a zip and as a tar archive",
                   '"Invalid distribution file. File is both a zip and a tar file")')


def test_a_wheel_that_is_not_a_zip_fails(project: SampleProject) -> None:
    """Text named .whl is no zip: PyPI's message, not a traceback."""
    wheel = with_wheel(project)
    wheel.write_text("not a zip\n")
    assert_refused(check(project), f"{WHEEL}: it is not a zip archive",
                   '"Invalid distribution file. File is not a zipfile")')


# --- what a wheel must hold ------------------------------------------------------------------

@pytest.mark.parametrize(("missing", "message"), [
    ("WHEEL", f'"Invalid distribution file. WHEEL not found at {DIST_INFO}/WHEEL")'),
    ("METADATA", f"\"Wheel '{WHEEL}' does not contain the required METADATA file: "
                 f'{DIST_INFO}/METADATA")'),
    ("RECORD", f"\"Wheel '{WHEEL}' does not contain the required RECORD file: "
               f'{DIST_INFO}/RECORD")'),
])
def test_a_wheel_without_a_required_file_fails(project: SampleProject, missing: str,
                                               message: str) -> None:
    """WHEEL, METADATA and RECORD must be in the .dist-info the filename names."""
    wheel = with_wheel(project)
    write_zip(wheel, [(n, d) for n, d in zip_entries(wheel) if n != f"{DIST_INFO}/{missing}"])
    assert_refused(check(project), f"{WHEEL}: no {DIST_INFO}/{missing}", message)


def test_a_record_that_is_not_utf8_fails(project: SampleProject) -> None:
    """PyPI reads RECORD as UTF-8 CSV; bytes of another encoding count as no RECORD."""
    with_wheel(project, record={"demo_pkg/é.py": "demo_pkg/\xe9.py,,"})
    wheel = dist_dir(project) / WHEEL
    write_zip(wheel, [(n, d.replace("é".encode(), b"\xe9") if n.endswith("RECORD") else d)
                      for n, d in zip_entries(wheel)])
    assert_refused(check(project), f"{DIST_INFO}/RECORD is not UTF-8",
                   f"does not contain the required RECORD file: {DIST_INFO}/RECORD")


ENTRY_POINTS = f"{DIST_INFO}/entry_points.txt"


@pytest.mark.parametrize(("text", "why"), [
    ("demo = demo_pkg.core:answer\n", "is not a valid INI file: File contains no section "
                                      "headers."),
    ("[console_scripts]\ndemo = a:b\ndemo = c:d\n", "is not a valid INI file: While reading "
                                                    "from '<string>' [line  3]: option 'demo' "
                                                    "in section 'console_scripts' already "
                                                    "exists"),
    ("[console_scripts]\n../evil = demo_pkg.core:answer\n",
     "names scripts PyPI refuses in [console_scripts]: ../evil"),
    ("[gui_scripts]\nmy app = demo_pkg.core:answer\n",
     "names scripts PyPI refuses in [gui_scripts]: my app"),
    (b"[console_scripts]\ndemo = demo_pkg.caf\xe9:answer\n", "is not UTF-8"),
], ids=["no section", "repeated name", "path in a name", "space in a name", "latin-1"])
def test_a_malformed_entry_points_file_fails(project: SampleProject, text: str | bytes,
                                            why: str) -> None:
    """entry_points.txt is parsed as PyPI parses it; the finding says what is wrong."""
    with_wheel(project, files={**FILES, ENTRY_POINTS: text})
    assert_refused(check(project), f"{WHEEL}: entry_points.txt {why}",
                   f"\"Wheel '{WHEEL}' has invalid entry points defined in the "
                   'entry_points.txt file")', fix="[project.scripts]")


def test_valid_entry_points_pass(project: SampleProject) -> None:
    """The twin: names of letters, digits, '.', '-', '_', any case, and other groups pass."""
    text = ("[console_scripts]\nDemo-Tool.v2 = demo_pkg.core:answer\n\n"
            "[demo.plugins]\nany name at all = demo_pkg.core\n")
    with_wheel(project, files={**FILES, ENTRY_POINTS: text})
    assert_passes(project)


def test_a_license_file_outside_licenses_fails(project: SampleProject) -> None:
    """A License-File must be under .dist-info/licenses/ (PEP 639), not beside METADATA."""
    with_wheel(project, files={**FILES, f"{DIST_INFO}/LICENSE": "MIT\n"},
               metadata_extra="License-File: LICENSE\n")
    assert_refused(check(project),
                   f"{WHEEL}: License-File LICENSE is at {DIST_INFO}/LICENSE, not "
                   f"{DIST_INFO}/licenses/LICENSE",
                   f'(PyPI: "License-File LICENSE does not exist in distribution file {WHEEL} '
                   f'at {DIST_INFO}/licenses/LICENSE")', fix="PEP 639")


def test_a_license_file_under_licenses_passes(project: SampleProject) -> None:
    """The twin: the same license file where PEP 639 puts it."""
    with_wheel(project, files={**FILES, f"{DIST_INFO}/licenses/LICENSE": "MIT\n"},
               metadata_extra="License-File: LICENSE\n")
    assert_passes(project)


# --- sdists ------------------------------------------------------------------------------------

@pytest.mark.parametrize("form", ["gnu", "pax"])
def test_sparse_members_fail(project: SampleProject, tmp_path: Path, form: str) -> None:
    """GNU sparse members, in either form tar writes them, are refused."""
    data = b"sparse\n"
    if form == "gnu":
        info: tarfile.TarInfo = GnuSparseMember(f"{TOP}/data.bin")
    else:
        info = tarfile.TarInfo(f"{TOP}/data.bin")
        info.pax_headers = {"GNU.sparse.map": f"0,{len(data)}",
                            "GNU.sparse.size": str(len(data))}
    info.size = len(data)
    with_sdist(project, [*sample_sdist(tmp_path), (info, data)])
    assert_refused(check(project), f"{SDIST}: sparse members: {TOP}/data.bin",
                   '"Invalid distribution file. tar archive not accepted: Sparse members are '
                   f'not allowed. {ZIP_DOCS}")')


@pytest.mark.parametrize(("mode", "what"), [("w", "an uncompressed tar"),
                                            ("w:xz", "xz-compressed"),
                                            ("w:bz2", "bzip2-compressed")])
def test_a_tarball_that_is_not_gzip_fails(project: SampleProject, tmp_path: Path, mode: str,
                                          what: str) -> None:
    """A .tar.gz must be gzip: PyPI's reader fails on anything else and answers "None"."""
    with_sdist(project, sample_sdist(tmp_path), mode)
    assert_refused(check(project),
                   f"{SDIST}: it is {what}, not gzip-compressed as .tar.gz says "
                   '(PyPI: "Invalid distribution file. None")')


def test_gzip_that_holds_no_tar_fails(project: SampleProject) -> None:
    """Gzip of something that is not a tar: not a tarfile."""
    make_wheel(dist_dir(project))
    (dist_dir(project) / SDIST).write_bytes(gzip.compress(b"just text\n" * 100))
    assert_refused(check(project), f"{SDIST}: it is not a tar archive",
                   '"Invalid distribution file. File is not a tarfile")')


def test_a_truncated_tarball_fails_without_a_traceback(project: SampleProject) -> None:
    """A cut-off download is unreadable: PyPI answers "None", the check says why."""
    with_wheel(project)
    sdist = dist_dir(project) / SDIST
    sdist.write_bytes(sdist.read_bytes()[:-40])
    assert_refused(check(project), f"{SDIST} is not a readable gzipped tarball",
                   '(PyPI: "Invalid distribution file. None")')


def test_two_top_level_folders_fail(project: SampleProject, tmp_path: Path) -> None:
    """Everything must sit under one folder."""
    with_sdist(project, [*sample_sdist(tmp_path), tar_member("other/notes.txt", b"x")])
    assert_refused(check(project), f"its members are not under one folder ({TOP}, other)",
                   '"Invalid distribution file. Incorrect number of top-level directories in '
                   'sdist")')


def test_no_pkg_info_fails(project: SampleProject, tmp_path: Path) -> None:
    """The top folder must hold PKG-INFO."""
    entries = [(i, d) for i, d in sample_sdist(tmp_path) if not i.name.endswith("/PKG-INFO")]
    with_sdist(project, entries)
    assert_refused(check(project), f"no PKG-INFO in {TOP}/",
                   f'"Invalid distribution file. PKG-INFO not found at {TOP}/PKG-INFO")')


def test_a_top_folder_other_than_the_filename_fails(project: SampleProject) -> None:
    """SPEC: the one folder is {name}-{version}, as the filename says (PyPI does not ask)."""
    make_wheel(dist_dir(project))
    make_sdist(dist_dir(project), top="demo-pkg-1.2.0")
    assert_refused(check(project),
                   f"{SDIST}: its top-level folder is demo-pkg-1.2.0/, not {TOP}/")


def test_a_missing_sdist_license_file_fails(project: SampleProject) -> None:
    """Each License-File of PKG-INFO must be in the sdist, relative to its top folder."""
    make_wheel(dist_dir(project))
    make_sdist(dist_dir(project), metadata_extra="License-File: LICENSE\n")
    assert_refused(check(project), f"{SDIST}: License-File LICENSE is not in it",
                   f'(PyPI: "License-File LICENSE does not exist in distribution file {SDIST} '
                   f'at {TOP}/LICENSE")')


def test_a_present_sdist_license_file_passes(project: SampleProject) -> None:
    """The twin: the license file at the top of the sdist."""
    make_wheel(dist_dir(project))
    make_sdist(dist_dir(project), files={**FILES, "LICENSE": "MIT\n"},
               metadata_extra="License-File: LICENSE\n")
    assert_passes(project)


@pytest.mark.parametrize(("member", "why"), [
    (tar_member(f"{TOP}/passwd", kind=tarfile.SYMTYPE, link="/etc/passwd"),
     "a link to the absolute path /etc/passwd"),
    (tar_member(f"{TOP}/up", kind=tarfile.SYMTYPE, link="../../outside"),
     "a link to ../../outside, outside the archive"),
    (tar_member(f"{TOP}/hard", kind=tarfile.LNKTYPE, link="../outside"),
     "a link to ../outside, outside the archive"),
    (tar_member(f"{TOP}/pipe", kind=tarfile.FIFOTYPE), "a FIFO"),
    (tar_member(f"{TOP}/tty", kind=tarfile.CHRTYPE), "a character device"),
    (tar_member("..", kind=tarfile.DIRTYPE), None),
], ids=["absolute symlink", "symlink out", "hardlink out", "fifo", "device", "dot-dot"])
def test_members_pip_refuses_to_unpack_fail(project: SampleProject, tmp_path: Path,
                                            member: tuple[tarfile.TarInfo, bytes],
                                            why: str | None) -> None:
    """PyPI takes them, pip's tar filter does not: the finding names the member and why."""
    with_sdist(project, [*sample_sdist(tmp_path), member])
    name = member[0].name
    expected = f"{name} ({why or 'its path leaves the folder it is unpacked into'})"
    assert_refused(check(project), f"{SDIST}: pip refuses to unpack {expected}",
                   fix="MANIFEST.in")


def test_links_inside_the_sdist_pass(project: SampleProject, tmp_path: Path) -> None:
    """The twin: a symlink and a hardlink to members of the sdist unpack fine."""
    with_sdist(project, [*sample_sdist(tmp_path),
                         tar_member(f"{TOP}/README", kind=tarfile.SYMTYPE,
                                    link="demo_pkg/core.py"),
                         tar_member(f"{TOP}/core.py", kind=tarfile.LNKTYPE,
                                    link=f"{TOP}/demo_pkg/core.py")])
    assert_passes(project)


# --- decompression bombs and obfuscated code --------------------------------------------------

def add_zeros(wheel: Path, size: int) -> None:
    """A member of ``size`` zero bytes, deflated as it is written (never held in memory)."""
    with zipfile.ZipFile(wheel, "a", zipfile.ZIP_DEFLATED) as zf, \
            zf.open("demo_pkg/zeros.bin", "w") as out:
        for _ in range(size // CHUNK):
            out.write(bytes(CHUNK))


class Zeros(io.RawIOBase):
    def __init__(self, size: int) -> None:
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        count = min(len(buffer), self.left)
        buffer[:count] = bytes(count)
        self.left -= count
        return count


def test_a_zip_bomb_fails(project: SampleProject) -> None:
    """Over 64 MiB unpacked at more than 50 times the file's size: PyPI's bomb rule."""
    wheel = with_wheel(project)
    add_zeros(wheel, 65 * CHUNK)
    assert_refused(check(project), f"{WHEEL}: it unpacks to 68.2 MB from ",
                   '"Invalid distribution file. File exceeds compression ratio of 50")',
                   fix="highly compressible data")


def test_a_tarball_bomb_fails(project: SampleProject, tmp_path: Path) -> None:
    """SPEC applies the bomb rule to sdists too (PyPI has yet to)."""
    info = tarfile.TarInfo(f"{TOP}/zeros.bin")
    info.size = 65 * CHUNK
    make_wheel(dist_dir(project))
    with tarfile.open(dist_dir(project) / SDIST, "w:gz", compresslevel=1) as tf:
        for entry, data in sample_sdist(tmp_path):
            tf.addfile(entry, io.BytesIO(data))
        tf.addfile(info, io.BufferedReader(Zeros(info.size)))
    assert_refused(check(project), f"{SDIST}: it unpacks to 68.2 MB from ",
                   "a decompression bomb (PyPI refuses such zips", fix="compressible data")


def test_compressible_data_under_64_mib_passes(project: SampleProject) -> None:
    """The twin: the same ratio, under 64 MiB unpacked, is no bomb."""
    add_zeros(with_wheel(project), 8 * CHUNK)
    assert_passes(project)


# PyPI's marks, spelt in pieces here too: PyPI scans this file when publish-checks' sdist
# is uploaded, and would refuse it for the marks written whole.
EXECUTOR, ENTER = (m.decode() for m in PYARMOR_MARKS[:2])
BEGIN_PYE, END_PYE = (m.decode() for m in SOURCEDEFENDER_MARKS)


@pytest.mark.parametrize(("name", "text", "tool"), [
    ("demo_pkg/secret.py", f"{EXECUTOR} b'\\x50\\x59')\n", "PyArmor"),
    ("demo_pkg/hooks.py", f"def f():\n    {ENTER}()\n", "PyArmor"),
    ("demo_pkg/LOCKED.PYE", f"{BEGIN_PYE}\nQUJD\n{END_PYE}\n", "SourceDefender"),
])
def test_obfuscated_code_fails(project: SampleProject, name: str, text: str,
                               tool: str) -> None:
    """PyPI's scan of .py/.pye members refuses PyArmor's and SourceDefender's marks."""
    with_wheel(project, files={**FILES, name: text})
    assert_refused(check(project), f"{WHEEL}: {tool}-obfuscated code in {name}",
                   f'"Invalid distribution file. {tool}-encrypted content is not allowed. '
                   f'{POLICY}")', fix="acceptable-use-policy")


def test_a_mark_across_two_read_blocks_is_found(project: SampleProject,
                                                tmp_path: Path) -> None:
    """The pass reads 1 MiB at a time: a mark split between two blocks is still seen."""
    mark = PYARMOR_MARKS[1]
    text = b"#" * (CHUNK - 7) + b"\n" + mark + b"\n"
    entries = [*sample_sdist(tmp_path), tar_member(f"{TOP}/demo_pkg/big.py", text)]
    with_sdist(project, entries)
    assert_refused(check(project), f"{SDIST}: PyArmor-obfuscated code in "
                   f"{TOP}/demo_pkg/big.py")


@pytest.mark.parametrize(("name", "text"), [
    ("demo_pkg/notes.txt", f"{ENTER} is what PyArmor inserts\n"),
    ("demo_pkg/half.pye", f"{BEGIN_PYE}\nonly the first line\n"),
    ("demo_pkg/huge.py", f"{ENTER}\n" + "#" * (5 * CHUNK)),
], ids=["not python", "one sourcedefender mark", "over 5 MiB"])
def test_marks_pypi_does_not_scan_for_pass(project: SampleProject, name: str,
                                           text: str) -> None:
    """The twins: PyPI scans only .py/.pye up to 5 MiB, and needs both SourceDefender marks."""
    with_wheel(project, files={**FILES, name: text})
    assert_passes(project)


# --- streaming ---------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["wheel", "sdist"])
def test_memory_stays_flat_for_large_members(project: SampleProject, kind: str) -> None:
    """A 50 MB member and a 4 MB scanned .py never bring more than a few MB into memory."""
    size = 50 * 1024 * 1024
    files = {**FILES, "demo_pkg/big.dat": b"0123456789abcdef" * (size // 16),
             "demo_pkg/big.py": b"# " + b"x = 1\n" * (4 * CHUNK // 6)}
    make_wheel(dist_dir(project), **({"files": files} if kind == "wheel" else {}))
    make_sdist(dist_dir(project), **({"files": files} if kind == "sdist" else {}))
    del files
    context = project.context()
    context.release_dists()
    gc.collect()
    tracemalloc.start()
    try:
        finding = dists.dists_archive(context)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert finding.status is Status.PASS, finding
    assert peak < size // 6, f"peak {peak / 1024 / 1024:.1f} MB"


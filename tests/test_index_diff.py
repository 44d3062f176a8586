"""index-diff against a real pypiserver (PEP 503, no PEP 658 metadata: the files are read
by Range or whole) and a small server on 127.0.0.1 that serves PEP 691 JSON, PEP 658
metadata and Range as told; the listing's new fields (size, yanked, metadata)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from publish_checks import Status
from publish_checks.checks.diff import earlier_release, index_diff
from publish_checks.dists.html_listing import from_html as _from_html
from publish_checks.dists.index import IndexFile, IndexQueryError
from publish_checks.dists.listing import _from_json
from publish_checks.dists.release_facts import index_facts
from publish_checks.dists.snapshot import Snapshot
from publish_checks.frontend.cli import main
from tests.builders import PYPROJECT, SampleProject
from tests.distbuilders import default_files, make_sdist, make_wheel
from tests.pypiserver import PypiServer

SUB = {"demo_pkg/sub/__init__.py": "", "demo_pkg/sub/parts.py": "X = 1\n"}
NO_CHANGE = ("no module, entry point, wheel tag, dependency, Requires-Python, size, license "
             "or name change")


def dists(directory: Path, version: str, files: dict[str, str | bytes] | None = None,
          extra: str = "Requires-Python: >=3.10\n") -> list[Path]:
    """A wheel and sdist of demo-pkg ``version`` with the sample project's subpackage."""
    content = files if files is not None else {**default_files("demo-pkg", version), **SUB}
    return [make_wheel(directory, "demo-pkg", version, content, extra),
            make_sdist(directory, "demo-pkg", version, content, extra)]


def configure(project: SampleProject, tool: str) -> None:
    project.write("pyproject.toml", PYPROJECT.format(name="demo-pkg", module="demo_pkg",
                                                     extra=f"[tool.publish-checks]\n{tool}"))


def test_a_first_release_passes_saying_so(project: SampleProject, pypiserver: PypiServer) -> None:
    dists(project.root / "dist", "1.2.0")
    finding = index_diff(project.context(pypiserver.url, offline=False))
    assert (finding.status, finding.summary) == (
        Status.PASS, f"the first release of demo-pkg on {pypiserver.index_url}: nothing to "
                     "compare with")


def test_an_unchanged_release_passes(project: SampleProject, pypiserver: PypiServer,
                                     tmp_path: Path) -> None:
    """1.1.0 on the index, 1.2.0 with the same modules and metadata in dist/; a later
    release on the index (2.0.0) is not the one before."""
    pypiserver.add(*dists(tmp_path / "old", "1.1.0"), *dists(tmp_path / "later", "2.0.0", {}))
    dists(project.root / "dist", "1.2.0")
    finding = index_diff(project.context(pypiserver.url, offline=False))
    assert (finding.status, finding.summary) == (
        Status.PASS, f"compared with 1.1.0 on {pypiserver.index_url}: {NO_CHANGE}")


def test_a_dropped_subpackage_warns_and_fails_with_diff_fail(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path) -> None:
    """A warning naming it and both versions, with the diff-allow fix; diff = "fail" makes
    it a failure; diff-allow accepts it, reported as allowed."""
    pypiserver.add(*dists(tmp_path / "old", "1.1.0"))
    dists(project.root / "dist", "1.2.0", default_files("demo-pkg", "1.2.0"))
    summary = (f"compared with 1.1.0 on {pypiserver.index_url}: module demo_pkg.sub is in "
               "1.1.0, not in 1.2.0")
    finding = index_diff(project.context(pypiserver.url, offline=False))
    assert (finding.status, finding.summary) == (Status.WARN, summary)
    assert finding.hint == ('if it is meant, accept it with diff-allow = ["module:demo_pkg.sub"] '
                            "in [tool.publish-checks]; if not, put it back and rebuild with "
                            "`nox -s build`")
    configure(project, 'diff = "fail"\n')
    finding = index_diff(project.context(pypiserver.url, offline=False))
    assert (finding.status, finding.summary) == (Status.FAIL, summary + ' (diff = "fail")')
    configure(project, 'diff = "fail"\ndiff-allow = ["module:demo_pkg.sub"]\n')
    finding = index_diff(project.context(pypiserver.url, offline=False))
    assert (finding.status, finding.summary) == (
        Status.PASS, f"compared with 1.1.0 on {pypiserver.index_url}: nothing else changed; "
                     "allowed by diff-allow: module demo_pkg.sub is in 1.1.0, not in 1.2.0")


def test_other_changes_warn_even_with_diff_fail(project: SampleProject, pypiserver: PypiServer,
                                                tmp_path: Path) -> None:
    """A dependency added is a warning, whatever diff says."""
    configure(project, 'diff = "fail"\n')
    pypiserver.add(*dists(tmp_path / "old", "1.1.0"))
    dists(project.root / "dist", "1.2.0", extra="Requires-Python: >=3.10\nRequires-Dist: rich\n")
    finding = index_diff(project.context(pypiserver.url, offline=False))
    assert (finding.status, finding.summary) == (
        Status.WARN, f"compared with 1.1.0 on {pypiserver.index_url}: Requires-Dist rich is new "
                     "in 1.2.0 (not in 1.1.0)")


def test_offline_and_unreachable(project: SampleProject, tmp_path: Path) -> None:
    """--offline skips saying so (the registry's offline phase); an index that cannot be
    read is a warning naming it (index-version fails on it already)."""
    dists(project.root / "dist", "1.2.0")
    assert project.verify(offline=True).get("index-diff").summary == (
        "--offline: the index was not asked")
    finding = index_diff(project.context("http://127.0.0.1:9/", offline=False))
    assert finding.status is Status.WARN
    assert finding.summary.startswith("the release before 1.2.0 could not be read from "
                                      "http://127.0.0.1:9/simple/: cannot reach")


def file(name: str, version: str, *, yanked: bool = False) -> IndexFile:
    return IndexFile(name.format(v=version), f"http://x/{version}", None, yanked=yanked)


def test_the_release_before_is_the_latest_earlier_one_not_yanked() -> None:
    """Versions compare as versions (1.10 after 1.9); a release whose files are all yanked
    is passed over, a yanked file of a kept release left out."""
    listing = Snapshot("http://x/simple/", ("demo-pkg", "other"), {f.filename: f for f in [
        file("demo_pkg-{v}.tar.gz", "1.9"), file("demo_pkg-{v}-py3-none-any.whl", "1.9"),
        file("demo_pkg-{v}.tar.gz", "1.10", yanked=True),
        file("demo_pkg-{v}.tar.gz", "1.9.1"), file("demo_pkg-{v}-py3-none-any.whl", "1.9.1",
                                                   yanked=True),
        file("demo_pkg-{v}.tar.gz", "2.0"), file("other-{v}.tar.gz", "1.9.5")]})
    found = earlier_release(listing, "demo-pkg", "1.11")
    assert found is not None
    assert (str(found[0]), [f.filename for f in found[1]]) == ("1.9.1", ["demo_pkg-1.9.1.tar.gz"])
    assert earlier_release(listing, "demo-pkg", "1.9") is None


def test_the_listing_gives_size_yanked_and_metadata() -> None:
    """PEP 700 size, PEP 592 yanked, PEP 658/714 metadata from JSON and HTML."""
    body = json.dumps({"meta": {"api-version": "1.1"}, "files": [
        {"filename": "a-1.whl", "url": "a-1.whl", "hashes": {}, "size": 12, "yanked": "bad",
         "core-metadata": {"sha256": "AB"}},
        {"filename": "a-1.tar.gz", "url": "a-1.tar.gz", "hashes": {}, "yanked": False,
         "dist-info-metadata": True},
        {"filename": "a-2.tar.gz", "url": "a-2.tar.gz", "hashes": {}, "core-metadata": False}]})
    files = _from_json("https://i/simple/a/", body.encode())
    assert files["a-1.whl"] == IndexFile("a-1.whl", "https://i/simple/a/a-1.whl", None, size=12,
                                         yanked=True, metadata_sha256="ab",
                                         metadata_url="https://i/simple/a/a-1.whl.metadata")
    assert (files["a-1.tar.gz"].metadata_url, files["a-1.tar.gz"].metadata_sha256) == (
        "https://i/simple/a/a-1.tar.gz.metadata", None)
    assert (files["a-2.tar.gz"].metadata_url, files["a-2.tar.gz"].yanked) == (None, False)
    html = ('<a href="/f/a-1.whl#sha256=CD" data-core-metadata="sha256=EF" data-yanked="">'
            'a-1.whl</a><a href="/f/a-2.whl" data-dist-info-metadata="true">a-2.whl</a>')
    files = _from_html("https://i/simple/a/", html)
    assert files["a-1.whl"] == IndexFile("a-1.whl", "https://i/f/a-1.whl", "cd", yanked=True,
                                         metadata_sha256="ef",
                                         metadata_url="https://i/f/a-1.whl.metadata")
    assert (files["a-2.whl"].metadata_url, files["a-2.whl"].yanked) == (
        "https://i/f/a-2.whl.metadata", False)


@dataclass
class Files:
    """What the small server serves, and what it was asked."""

    served: dict[str, bytes]
    ranges: bool = True
    asked: list[tuple[str, str]] = field(default_factory=list)  # (path, Range header)
    sent: int = 0


@contextlib.contextmanager
def file_server(files: Files) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            wanted = self.headers.get("Range", "")
            files.asked.append((self.path, wanted))
            data = files.served.get(self.path.lstrip("/"))
            if data is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            match = re.fullmatch(r"bytes=(\d*)-(\d*)", wanted)
            if files.ranges and match:
                first, last = match.groups()
                start = len(data) - int(last) if not first else int(first)
                end = len(data) - 1 if not first or not last else int(last)
                start = max(start, 0)
                body = data[start:end + 1]
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{start + len(body) - 1}/"
                                                  f"{len(data)}")
            else:
                body = data
                self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            files.sent += len(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def big_release(tmp_path: Path) -> tuple[Path, Path]:
    """demo-pkg 1.1.0 whose wheel weighs 400 KiB of incompressible data."""
    files = {**default_files("demo-pkg", "1.1.0"), **SUB, "demo_pkg/blob.bin": os.urandom(400_000),
             "demo_pkg-1.1.0.dist-info/entry_points.txt": "[console_scripts]\ndemo = demo_pkg:x\n"}
    wheel = make_wheel(tmp_path, "demo-pkg", "1.1.0", files, "Requires-Python: >=3.9\n")
    return wheel, make_sdist(tmp_path, "demo-pkg", "1.1.0")


def listed(base: str, *paths: Path, metadata: bytes | None = None) -> list[IndexFile]:
    return [IndexFile(p.name, base + p.name, hashlib.sha256(p.read_bytes()).hexdigest(),
                      metadata_url=(base + p.name + ".metadata") if metadata and
                      p.name.endswith(".whl") else None,
                      metadata_sha256=hashlib.sha256(metadata).hexdigest() if metadata else None)
            for p in paths]


def test_a_wheel_is_read_by_range_where_the_server_serves_it(tmp_path: Path) -> None:
    """Its end and the members asked for, a fraction of the file; the sdist's size from
    its first byte."""
    wheel, sdist = big_release(tmp_path)
    files = Files({wheel.name: wheel.read_bytes(), sdist.name: sdist.read_bytes()})
    with file_server(files) as base:
        facts = index_facts(listed(base, wheel, sdist), "1.1.0")
    assert facts.modules == {"demo_pkg", "demo_pkg.core", "demo_pkg.sub", "demo_pkg.sub.parts"}
    assert facts.entry_points == {"console_scripts:demo": "demo_pkg:x"}
    assert facts.requires_python == ">=3.9"
    assert {f.filename: f.size for f in facts.files} == {wheel.name: wheel.stat().st_size,
                                                         sdist.name: sdist.stat().st_size}
    assert files.sent < wheel.stat().st_size / 4
    assert (f"/{sdist.name}", "bytes=0-0") in files.asked


def test_a_wheel_is_read_whole_where_the_server_ignores_range(tmp_path: Path) -> None:
    wheel, sdist = big_release(tmp_path)
    files = Files({wheel.name: wheel.read_bytes(), sdist.name: sdist.read_bytes()}, ranges=False)
    with file_server(files) as base:
        facts = index_facts(listed(base, wheel, sdist), "1.1.0")
    assert facts.entry_points == {"console_scripts:demo": "demo_pkg:x"}
    assert facts.requires_python == ">=3.9"


def test_pep_658_metadata_is_read_where_served_and_checked(tmp_path: Path) -> None:
    """The metadata comes from the .metadata file (its sha256 as listed); another sha256
    is an error naming the file."""
    wheel, sdist = big_release(tmp_path)
    metadata = b"Metadata-Version: 2.1\nName: demo-pkg\nVersion: 1.1.0\nRequires-Python: >=3.8\n"
    files = Files({wheel.name: wheel.read_bytes(), sdist.name: sdist.read_bytes(),
                   wheel.name + ".metadata": metadata})
    with file_server(files) as base:
        facts = index_facts(listed(base, wheel, sdist, metadata=metadata), "1.1.0")
        assert facts.requires_python == ">=3.8"
        files.served[wheel.name + ".metadata"] = metadata + b"Requires-Dist: evil\n"
        with pytest.raises(IndexQueryError) as raised:
            index_facts(listed(base, wheel, sdist, metadata=metadata), "1.1.0")
    assert raised.value.message == (f"the index served the metadata of {wheel.name} with "
                                    "another sha256 than it lists")


# publish-checks diff [OLD] [NEW] [--json]


def diff_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["diff", *argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_diff_defaults_to_the_release_before_on_the_target_against_dist(
        project: SampleProject, pypiserver: PypiServer, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """No OLD or NEW: the latest earlier release on --repository against dist/, as text
    and as one JSON object; name==version reads a release from the index."""
    pypiserver.add(*dists(tmp_path / "old", "1.1.0"))
    dists(project.root / "dist", "1.2.0", default_files("demo-pkg", "1.2.0"))
    code, out, _ = diff_cli(capsys, "--project", str(project.root), "-r", pypiserver.url)
    assert code == 0
    assert out.splitlines() == [
        f"publish-checks diff · demo-pkg 1.1.0 ({pypiserver.index_url}) → demo-pkg 1.2.0 "
        "(dist/)", "",
        "! module           module demo_pkg.sub is in 1.1.0, not in 1.2.0", "",
        "1 difference, 0 allowed"]
    code, out, _ = diff_cli(capsys, "--project", str(project.root), "-r", pypiserver.url,
                            "--json", "demo-pkg==1.1.0", str(project.root / "dist"))
    answer = json.loads(out)
    assert answer["old"] == {"name": "demo-pkg", "version": "1.1.0",
                             "from": pypiserver.index_url,
                             "files": ["demo_pkg-1.1.0-py3-none-any.whl",
                                       "demo_pkg-1.1.0.tar.gz"]}
    assert answer["differences"] == [
        {"kind": "module", "name": "demo_pkg.sub", "allowed": False,
         "text": "module demo_pkg.sub is in 1.1.0, not in 1.2.0"}]


def test_diff_of_two_folders_needs_no_project_nor_index(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Two dist folders compare anywhere, offline; a spec that is neither is a usage
    error (exit 2) saying what to give."""
    dists(tmp_path / "a", "1.1.0")
    new = dists(tmp_path / "b", "1.2.0")
    monkeypatch.chdir(tmp_path)
    code, out, _ = diff_cli(capsys, "--offline", "a", str(new[0]))
    assert code == 0
    assert out.splitlines()[-1] == "0 differences, 0 allowed"
    assert out.splitlines()[0] == ("publish-checks diff · demo-pkg 1.1.0 (a/) → demo-pkg "
                                   f"1.2.0 (b/{new[0].name})")
    code, out, err = diff_cli(capsys, "--offline", "demo-pkg>=1", "b")
    assert (code, out) == (2, "")
    assert err.splitlines() == ["error: demo-pkg>=1 does not exist",
                                "  fix: name a dist folder or file, or name==version on the "
                                "index"]
    code, _, err = diff_cli(capsys, "--offline", "demo-pkg==1.1.0", "b")
    assert code == 2 and "the index is needed to read a release from it (--offline)" in err
    code, _, err = diff_cli(capsys, "--offline")
    assert code == 2 and "does not exist" in err

"""A corpus of hostile and careless inputs (issue 9 item 5), each run through the real command.

Every case starts from the sample project with a correct release in dist/ (which verifies
clean against the embedded index), breaks one thing, and runs ``python -m publish_checks
verify --offline`` as a subprocess with stdin closed and a hard time bound. It asserts the
command ended in time without a traceback, with the exit status SPEC §2 gives (2 a usage or
configuration mistake, 1 a failing check, 0 a pass), that the output names the input, that no
canary secret shows in any form, and that no raw escape sequence from a file reaches it.
"""

from __future__ import annotations

import base64
import bz2
import gzip
import io
import json
import lzma
import os
import secrets
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.builders import SampleProject
from tests.distbuilders import (
    default_files,
    make_release,
    make_sdist,
    make_wheel,
    metadata_text,
    tar_entries,
    tar_member,
    write_tar,
    write_zip,
    zip_entries,
)
from tests.e2e import NOXFILE, run_nox
from tests.tokens import make_token

TIMEOUT = 20.0
TOKEN = make_token(caveats=[{"version": 1, "permissions": "user"}],
                   identifier="canary-" + secrets.token_hex(16))
PASSWORD = "canary-pw-" + secrets.token_hex(12)
ESC = "\x1b[31m"
WHEEL = "demo_pkg-1.2.0-py3-none-any.whl"
SDIST = "demo_pkg-1.2.0.tar.gz"
TOP = "demo_pkg-1.2.0"


@dataclass
class Setup:
    """What a case breaks: the sample project, a HOME of its own, the command's options."""

    project: SampleProject
    home: Path
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    repository: str | None = "local"

    @property
    def root(self) -> Path:
        return self.project.root

    def config(self, text: str) -> None:
        """Append ``text`` (TOML) to pyproject.toml, commit it, and put it in the sdist too."""
        path = self.root / "pyproject.toml"
        content = path.read_text(encoding="utf-8") + text
        path.write_text(content, encoding="utf-8")
        self.project.commit("config")
        make_sdist(self.root / "dist", files={**default_files(), "pyproject.toml": content})


@dataclass(frozen=True)
class Case:
    id: str
    build: Callable[[Setup], object]
    status: int
    names: tuple[str, ...] = ()
    checks: Mapping[str, str] = field(default_factory=dict)
    xfail: str = ""  # a known bug in a file another change owns: strict, so a fix shows


def leaked(output: str, secret: str) -> bool:
    """Whether ``secret`` shows in ``output`` whole, URL-quoted, base64-encoded, without its
    ``pypi-`` prefix, or as any 16-character piece of its random part."""
    forms = {secret, quote(secret, safe=""), secret.removeprefix("pypi-"),
             base64.b64encode(secret.encode()).decode()}
    if any(form in output for form in forms):
        return True
    tail = secret[-40:]
    return any(tail[i:i + 16] in output for i in range(len(tail) - 15))


# --- Builders -------------------------------------------------------------------------------

def fifo(relative: str) -> Callable[[Setup], object]:
    def build(s: Setup) -> None:
        path = s.root / relative
        path.unlink(missing_ok=True)
        os.mkfifo(path)
    return build


def symlink(relative: str, target: str) -> Callable[[Setup], object]:
    def build(s: Setup) -> None:
        path = s.root / relative
        path.unlink(missing_ok=True)
        path.symlink_to(target)
    return build


def loop(relative: str) -> Callable[[Setup], object]:
    def build(s: Setup) -> None:
        path = s.root / relative
        path.unlink(missing_ok=True)
        path.symlink_to(path.name + ".loop")
        (s.root / (relative + ".loop")).symlink_to(path.name)
    return build


def directory(relative: str) -> Callable[[Setup], object]:
    def build(s: Setup) -> None:
        path = s.root / relative
        path.unlink(missing_ok=True)
        path.mkdir()
    return build


def write(relative: str, data: str | bytes) -> Callable[[Setup], object]:
    def build(s: Setup) -> None:
        path = s.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
    return build


def committed(relative: str, data: str | bytes) -> Callable[[Setup], object]:
    def build(s: Setup) -> None:
        write(relative, data)(s)
        s.project.commit("hostile")
    return build


def config(text: str) -> Callable[[Setup], object]:
    return lambda s: s.config(text)


def steps(*builders: Callable[[Setup], object]) -> Callable[[Setup], object]:
    """The builders one after another."""
    def build(s: Setup) -> None:
        for builder in builders:
            builder(s)
    return build


def options(*args: str, repository: str | None = None,
            env: Mapping[str, str] | None = None) -> Callable[[Setup], object]:
    def build(s: Setup) -> None:
        s.args.extend(args)
        s.repository = repository
        s.env.update(env or {})
    return build


def pypirc(text: str, *args: str) -> Callable[[Setup], object]:
    def build(s: Setup) -> None:
        s.home.mkdir(parents=True, exist_ok=True)
        (s.home / ".pypirc").write_text(text, encoding="utf-8")
        options(*args)(s)
    return build


def home_special(kind: str) -> Callable[[Setup], object]:
    def build(s: Setup) -> None:
        s.home.mkdir(parents=True, exist_ok=True)
        path = s.home / ".pypirc"
        if kind == "fifo":
            os.mkfifo(path)
        elif kind == "zero":
            path.symlink_to("/dev/zero")
        else:
            with path.open("wb") as out:
                out.truncate(50 * 2**20)
        s.args += ["--repository", "corp"]
        s.repository = None
    return build


def credentials_special(kind: str) -> Callable[[Setup], object]:
    def build(s: Setup) -> None:
        path = s.root / ".env.local"
        if kind == "fifo":
            os.mkfifo(path, 0o600)
        elif kind == "zero":
            path.symlink_to("/dev/zero")
        elif kind == "loop":
            loop(".env.local")(s)
        else:
            with path.open("wb") as out:
                out.truncate(50 * 2**20)
                out.seek(0, io.SEEK_END)
                out.write(f"\nPYPI_API_KEY={TOKEN}\n".encode())
            path.chmod(0o600)
        s.repository = "pypi"
    return build


def secret_file(mode: int, track: bool) -> Callable[[Setup], object]:
    def build(s: Setup) -> None:
        path = s.root / ".env.local"
        path.write_text(f"PYPI_API_KEY={TOKEN}\n", encoding="utf-8")
        path.chmod(mode)
        if track:
            s.project.git("add", "-f", ".env.local")
            s.project.git("commit", "-q", "-m", "oops")
        s.repository = "pypi"
    return build


def dist(maker: Callable[[Path], object]) -> Callable[[Setup], object]:
    """Replace one file of the correct release in dist/ with what ``maker`` writes there."""
    return lambda s: maker(s.root / "dist")


def sdist_with(*members: tuple[tarfile.TarInfo, bytes], mode: str = "w:gz",
               ) -> Callable[[Path], object]:
    def make(folder: Path) -> None:
        path = folder / SDIST
        entries = tar_entries(path) + list(members)
        path.unlink()
        write_tar(path, entries, mode)
    return make


def device(name: str, kind: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info, data = tar_member(name, kind=kind)
    info.devmajor, info.devminor = 1, 3
    return info, data


def sdist_as(mode: str) -> Callable[[Path], object]:
    def make(folder: Path) -> None:
        path = folder / SDIST
        entries = tar_entries(path)
        path.unlink()
        write_tar(path, entries, mode)
    return make


def wheel_compressed(compression: int) -> Callable[[Path], object]:
    def make(folder: Path) -> None:
        path = folder / WHEEL
        entries = zip_entries(path)
        path.unlink()
        write_zip(path, entries, compression)
    return make


def wheel_metadata(data: bytes) -> Callable[[Path], object]:
    def make(folder: Path) -> None:
        path = folder / WHEEL
        entries = [(n, data if str(n).endswith("/METADATA") else d)
                   for n, d in zip_entries(path)]
        path.unlink()
        write_zip(path, entries)
    return make


def wheel_record(line: str) -> Callable[[Path], object]:
    return lambda folder: make_wheel(folder, record={"extra": line})


def wheel_record_bytes(data: bytes) -> Callable[[Path], object]:
    def make(folder: Path) -> None:
        path = folder / WHEEL
        entries = [(n, data if str(n).endswith("/RECORD") else d) for n, d in zip_entries(path)]
        path.unlink()
        write_zip(path, entries)
    return make


def sdist_pkg_info(data: bytes) -> Callable[[Path], object]:
    def make(folder: Path) -> None:
        path = folder / SDIST
        entries = []
        for info, content in tar_entries(path):
            if info.name == f"{TOP}/PKG-INFO":
                info.size, content = len(data), data
            entries.append((info, content))
        path.unlink()
        write_tar(path, entries)
    return make


def raw_file(name: str, data: bytes | Callable[[], bytes]) -> Callable[[Path], object]:
    """A file of these bytes (made when the case is built, for a callable: a 200 MiB bomb is
    not compressed at every collection)."""
    return lambda folder: (folder / name).write_bytes(data() if callable(data) else data)


def git_tag_object(kind: str) -> Callable[[Setup], object]:
    def build(s: Setup) -> None:
        target = {"tree": "HEAD^{tree}", "blob": "HEAD:VERSION", "other": "HEAD~1",
                  "head": "HEAD"}[kind]
        if kind == "other":
            s.project.commit("second")
        s.project.git("tag", "v1.2.0", s.project.git("rev-parse", target))
    return build


def dubious(s: Setup) -> None:
    """Another user's repository with an uncommitted change: git refuses to look at it."""
    (s.root / "demo_pkg" / "core.py").write_text("def answer() -> int:\n    return 41\n",
                                                 encoding="utf-8")
    empty = s.home.parent / "gitconfig"
    empty.write_text("", encoding="utf-8")
    s.env["GIT_CONFIG_GLOBAL"] = str(empty)
    for path in [s.root, *s.root.rglob("*")]:
        os.lchown(path, 1234, 1234)


def nested(depth: int, opening: str, closing: str) -> Callable[[Setup], object]:
    return write("pyproject.toml", "x = " + opening * depth + closing * depth + "\n")


def big_version(s: Setup) -> None:
    with (s.root / "VERSION").open("w", encoding="utf-8") as out:
        out.write("1." + "0123456789" * (2**20) + "\n")


def headings(count: int, matching: bool) -> Callable[[Setup], object]:
    lines = ["# Changelog", ""]
    if matching:
        lines += ["## [1.2.0] - 2026-01-01", "", "- The release.", ""]
    lines += [f"## [0.0.{n}] - 2020-01-01\n\n- x\n" for n in range(count)]
    return committed("CHANGELOG.md", "\n".join(lines) + "\n")


def spaces_heading(s: Setup) -> None:
    text = "# Changelog\n\n##" + " " * 100_000 + "x\n\n## [1.2.0] - 2026-01-01\n\n- It.\n"
    committed("CHANGELOG.md", text)(s)


def no_git(s: Setup) -> None:
    shutil.rmtree(s.root / ".git")


def untracked(name: str) -> Callable[[Setup], object]:
    return write(name, "x\n")


def changelog_config(name: str) -> Callable[[Setup], object]:
    def build(s: Setup) -> None:
        s.config(f'\n[tool.publish-checks]\nchangelog = "{name}"\n')
    return build


def pyproject_name(value: str) -> Callable[[Setup], object]:
    def build(s: Setup) -> None:
        path = s.root / "pyproject.toml"
        text = path.read_text(encoding="utf-8").replace('name = "demo-pkg"', f"name = {value}")
        committed("pyproject.toml", text)(s)
    return build


def pyproject_version(value: str) -> Callable[[Setup], object]:
    def build(s: Setup) -> None:
        path = s.root / "pyproject.toml"
        text = path.read_text(encoding="utf-8").replace('dynamic = ["version"]',
                                                        f"version = {value}")
        text = text.replace('version = { file = "VERSION" }', "")
        (s.root / "VERSION").unlink()
        committed("pyproject.toml", text)(s)
    return build


LONG = "1." + "9" * 5000
PW_URL = f"https://__token__:{PASSWORD}@upload.example.com/legacy/"
CORP = "\n[tool.publish-checks.repositories.corp]\nupload-url = \"{url}\"\n"
PYPIRC = "[distutils]\nindex-servers = corp\n\n[corp]\nrepository = {url}\nusername = u\n" \
         "password = {password}\n"


# --- The corpus -----------------------------------------------------------------------------

CASES = [
    # The compliant twin of every case below.
    Case("clean-release", lambda s: None, 0, ("ready to publish",)),
    Case("clean-release-json", options("--json", repository="local"), 0, ('"ok": true',)),
    # Malformed repository URLs.
    Case("url-unclosed-ipv6", options(repository="https://[::1/legacy/"), 2, ("[::1",)),
    Case("url-unclosed-ipv6-password",
         options(repository=f"https://u:{PASSWORD}@[::1/legacy/"), 2, ("[::1",)),
    Case("url-port-not-numeric", options(repository="https://example.com:abc/legacy/"), 2,
         ("--repository URL", "port")),
    Case("url-port-99999", options(repository="https://example.com:99999/legacy/"), 2,
         ("--repository URL", "65535")),
    Case("url-port-99999-password",
         options(repository=f"https://u:{PASSWORD}@example.com:99999/"), 2, ("65535",)),
    Case("url-ftp", options(repository="ftp://example.com/legacy/"), 2, ("ftp://",)),
    Case("url-javascript", options(repository="javascript:alert(1)"), 2, ("javascript",)),
    Case("url-no-host", options(repository="https:///legacy/"), 2, ("no host",)),
    Case("url-empty", options(repository=""), 2, ("--repository", "empty")),
    Case("url-escape-sequence", options(repository=f"{ESC}evil"), 2, ("evil",)),
    Case("url-upper-case-scheme-password", options(repository=PW_URL.replace("https", "HTTPS")),
         0, ("https://upload.example.com/legacy/",)),
    Case("url-password-plain-http",
         options(repository=f"http://u:{PASSWORD}@upload.example.com/legacy/"), 1,
         ("upload.example.com",)),
    Case("url-password-pypi", options(
        repository=f"HTTPS://__token__:{PASSWORD}@upload.pypi.org/legacy/"), 1,
         ("upload.pypi.org",)),
    Case("config-url-unclosed-ipv6", config(CORP.format(url="https://[::1/legacy/")
                                            + '[tool.publish-checks]\nrepository = "corp"\n'),
         2, ("[::1",)),
    Case("config-url-port-99999", config(CORP.format(url="https://example.com:99999/")),
         2, ("upload-url", "65535")),
    Case("config-url-password", steps(config(CORP.format(url=PW_URL)),
                                      options("-r", "corp")), 1,
         ("pyproject.toml", "upload.example.com"), {"credentials-file-untracked": "fail"}),
    Case("config-repository-url-ftp", steps(config(
        '\n[tool.publish-checks]\nrepository = "ftp://example.com/"\n'), options()), 2,
         ("ftp://",)),
    Case("pypirc-password", pypirc(PYPIRC.format(url="https://corp.example/legacy/",
                                                 password=PASSWORD), "-r", "corp"), 0,
         ("corp",)),
    Case("pypirc-url-password", pypirc(PYPIRC.format(url=PW_URL, password="x"), "-r", "corp"),
         0, ("corp",)),
    Case("pypirc-url-port-99999", pypirc(PYPIRC.format(url="https://corp.example:99999/",
                                                       password=PASSWORD), "-r", "corp"),
         2, (".pypirc", "65535")),
    Case("twine-repository-url-password",
         options(env={"TWINE_REPOSITORY_URL": PW_URL, "TWINE_PASSWORD": PASSWORD}), 0,
         ("upload.example.com",)),
    # Configuration values that are not what they claim.
    Case("nul-in-changelog", config('\n[tool.publish-checks]\nchangelog = "CHANGE\\u0000.md"\n'),
         2, ("changelog",)),
    Case("nul-in-credentials-file",
         config('\n[tool.publish-checks]\ncredentials-file = ".env\\u0000x"\n'), 2,
         ("credentials-file",)),
    Case("nul-in-version-file",
         config('\n[tool.publish-checks]\nversion-file = "VER\\u0000SION"\n'), 2,
         ("version-file",)),
    Case("nul-in-release-branch",
         config('\n[tool.publish-checks]\nrelease-branch = "ma\\u0000in"\n'), 2,
         ("release-branch",)),
    Case("nul-in-repository", steps(config(
        '\n[tool.publish-checks]\nrepository = "py\\u0000pi"\n'), options()), 2,
         ("repository",)),
    Case("nul-in-wheel-exclude",
         config('\n[tool.publish-checks]\nwheel-exclude = ["a\\u0000b"]\n'), 2,
         ("wheel-exclude",)),
    Case("nul-byte-in-pyproject", write("pyproject.toml", b'[project]\nname = "a\x00"\n'), 2,
         ("pyproject.toml",)),
    Case("toml-arrays-100000-deep", nested(100_000, "[", "]"), 2, ("pyproject.toml",)),
    Case("toml-tables-100000-deep", nested(100_000, "{a=", "}"), 2, ("pyproject.toml",)),
    Case("pyproject-not-utf8", write("pyproject.toml", b'[project]\nname = "d\xe9mo"\n'), 2,
         ("pyproject.toml",)),
    Case("pyproject-10mb-comment", config("#" + "x" * 10 * 2**20 + "\n"), 2,
         ("pyproject.toml", "MB")),
    Case("pyproject-1mb-comment", config("#" + "x" * 2**20 + "\n"), 0, ("ready to publish",)),
    Case("skip-not-a-list", config('\n[tool.publish-checks]\nskip = 5\n'), 2,
         ("skip",)),
    Case("skip-unknown-id", config('\n[tool.publish-checks]\nskip = ["no-such-check"]\n'), 2,
         ("no-such-check",)),
    Case("tool-table-is-number", config('\n[tool]\npublish-checks = 5\n'), 2,
         ("tool.publish-checks",)),
    Case("smoke-test-number", config('\n[tool.publish-checks]\nsmoke-test = 5\n'), 2,
         ("smoke-test",)),
    Case("escape-in-changelog-name",
         config('\n[tool.publish-checks]\nchangelog = "\\u001b[31mLOG.md"\n'), 2,
         ("changelog", "\\x1b[31mLOG.md")),
    Case("project-name-number", pyproject_name("5"), 2, ("name",)),
    Case("project-name-list", pyproject_name('["demo-pkg"]'), 2, ("name",)),
    Case("project-name-table", pyproject_name('{ a = 1 }'), 2, ("name",)),
    Case("project-name-escape", pyproject_name('"demo\\u001b[31m"'), 2, ("name",)),
    Case("project-is-string", write("pyproject.toml", 'project = "demo"\n'), 2, ("project",)),
    Case("project-version-float", pyproject_version("1.2"), 2, ("version",)),
    Case("project-version-5000-digits", pyproject_version(f'"{LONG}"'), 1, ("version",)),
    # The version file.
    Case("version-5000-digit-component", committed("VERSION", LONG + "\n"), 1, ("VERSION",)),
    Case("version-10mb-one-line", steps(big_version, lambda s: s.project.commit()), 1,
         ("VERSION",)),
    Case("version-escape-sequence", committed("VERSION", f"1.2.0{ESC}\n"), 1, ("VERSION",)),
    Case("version-empty", committed("VERSION", ""), 1, ("VERSION",)),
    Case("version-two-lines", committed("VERSION", "1.2.0\n1.3.0\n"), 1, ("VERSION",)),
    Case("version-not-utf8", committed("VERSION", b"1.2.0\xff\n"), 1, ("VERSION",)),
    Case("version-nul", committed("VERSION", b"1.2\x000\n"), 1, ("VERSION",)),
    Case("version-token", committed("VERSION", TOKEN + "\n"), 1, ("VERSION",)),
    Case("version-fifo", fifo("VERSION"), 1, ("VERSION",)),
    Case("version-dev-zero", symlink("VERSION", "/dev/zero"), 1, ("VERSION",)),
    Case("version-directory", directory("VERSION"), 1, ("VERSION",)),
    Case("version-dangling-symlink", symlink("VERSION", "nowhere"), 1, ("VERSION",)),
    Case("version-symlink-loop", loop("VERSION"), 1, ("VERSION",)),
    # pyproject.toml that is not a regular file.
    Case("pyproject-fifo", fifo("pyproject.toml"), 2, ("pyproject.toml",)),
    Case("pyproject-dev-zero", symlink("pyproject.toml", "/dev/zero"), 2, ("pyproject.toml",)),
    Case("pyproject-dangling-symlink", symlink("pyproject.toml", "gone.toml"), 2,
         ("pyproject.toml",)),
    Case("pyproject-symlink-loop", loop("pyproject.toml"), 2, ("pyproject.toml",)),
    Case("pyproject-directory", directory("pyproject.toml"), 2, ("pyproject.toml",)),
    Case("project-folder-missing", options("--project", "/nonexistent/demo", repository="local"),
         2, ("/nonexistent/demo",)),
    Case("project-folder-is-fifo", steps(
        lambda s: os.mkfifo(s.home.parent / "pipe"),
        lambda s: options("--project", str(s.home.parent / "pipe"), repository="local")(s)), 2,
         ("pipe",)),
    # The changelog.
    Case("changelog-fifo", fifo("CHANGELOG.md"), 1, ("CHANGELOG.md",)),
    Case("changelog-configured-fifo", steps(changelog_config("NEWS.rst"),
                                            fifo("NEWS.rst")), 1, ("NEWS.rst",)),
    Case("changelog-dev-zero", symlink("CHANGELOG.md", "/dev/zero"), 1, ("CHANGELOG.md",)),
    Case("changelog-symlink-loop", loop("CHANGELOG.md"), 1, ("CHANGELOG.md",)),
    Case("changelog-directory", directory("CHANGELOG.md"), 1, ("CHANGELOG.md",)),
    Case("changelog-not-utf8", committed("CHANGELOG.md", b"# C\n\n## 1.2.0\n\n- \xff\xfe\n"), 1,
         ("CHANGELOG.md",)),
    Case("changelog-20000-headings", headings(20_000, True), 0, ("CHANGELOG.md",)),
    Case("changelog-20000-headings-none-match", headings(20_000, False), 1, ("CHANGELOG.md",)),
    Case("changelog-heading-100000-spaces", spaces_heading, 0, ("CHANGELOG.md",)),
    Case("changelog-10mb-one-line", committed("CHANGELOG.md", "#" + "x" * 10 * 2**20 + "\n"), 1,
         ("CHANGELOG.md",)),
    Case("changelog-escape-heading",
         committed("CHANGELOG.md", f"# C\n\n## [1.2.0{ESC}] - 2026\n\n- x\n"), 1,
         ("CHANGELOG.md",)),
    Case("changelog-empty-section", committed("CHANGELOG.md", "# C\n\n## [1.2.0]\n\n## [1.1.0]\n"),
         1, ("CHANGELOG.md",)),
    # Credentials files and ~/.pypirc that are hostile.
    Case("pypirc-fifo", home_special("fifo"), 2, (".pypirc", "not a regular file")),
    Case("pypirc-dev-zero", home_special("zero"), 2, (".pypirc", "not a regular file")),
    Case("pypirc-50mb", home_special("big"), 2, (".pypirc", "MB")),
    Case("pypirc-not-ini", pypirc("[distutils\nindex-servers = \x1b[31m\n", "-r", "corp"), 2,
         (".pypirc",)),
    Case("credentials-fifo", credentials_special("fifo"), 1, (".env.local",)),
    Case("credentials-dev-zero", credentials_special("zero"), 1, (".env.local",)),
    Case("credentials-symlink-loop", credentials_special("loop"), 1, (".env.local",)),
    Case("credentials-50mb-sparse", credentials_special("big"), 1, (".env.local",)),
    Case("credentials-group-readable", secret_file(0o644, False), 1, (".env.local",),
         {"credentials-file-permissions": "fail"}),
    Case("credentials-committed", secret_file(0o600, True), 1, (".env.local",),
         {"credentials-file-untracked": "fail"}),
    Case("token-with-escape-in-environment",
         options(repository="pypi", env={"PYPI_API_KEY": TOKEN + ESC}), 1, ("PYPI_API_KEY",)),
    Case("token-in-environment", options(repository="pypi", env={"PYPI_API_KEY": TOKEN}), 0,
         ("PYPI_API_KEY",)),
    # Secrets pasted where they do not belong.
    Case("token-as-repository", options(repository=TOKEN), 2, ("repository",)),
    Case("token-as-skip", options("--skip", TOKEN, repository="local"), 2, ("--skip",)),
    Case("token-as-skip-equals", options(f"--skip={TOKEN}", repository="local"), 2, ("--skip",)),
    Case("token-as-stray-argument", options(TOKEN, repository="local"), 2, ("argument",)),
    Case("token-as-unknown-option", options(f"--token={TOKEN}", repository="local"), 2,
         ("--token",)),
    Case("token-as-project", options("--project", TOKEN, repository="local"), 2, ("--project",)),
    Case("token-in-config-repository", steps(config(
        f'\n[tool.publish-checks]\nrepository = "{TOKEN}"\n'), options()), 2,
         ("repository",)),
    Case("token-in-config-skip", config(f'\n[tool.publish-checks]\nskip = ["{TOKEN}"]\n'), 2,
         ("skip",)),
    Case("token-in-wheel", dist(lambda d: make_wheel(d, files={
        "demo_pkg/__init__.py": f'"""Demo."""\n\n__version__ = "1.2.0"\nKEY = "{TOKEN}"\n',
        "demo_pkg/core.py": "def answer() -> int:\n    return 42\n"})), 1, ("dists-secrets",),
         {"dists-secrets": "fail"}),
    # Archives that must not pass.
    Case("metadata-not-utf8", dist(wheel_metadata(
        metadata_text().replace("A demo package", "d\xe9mo").encode("latin-1"))), 1,
         (WHEEL,), {"dists-metadata": "fail"}),
    Case("pkg-info-not-utf8", dist(sdist_pkg_info(
        metadata_text().replace("A demo package", "d\xe9mo").encode("latin-1"))), 1,
         (SDIST,), {"dists-metadata": "fail"}),
    Case("metadata-version-5000-digits", dist(wheel_metadata(metadata_text(
        version=LONG).encode())), 1, (WHEEL,), {"dists-metadata": "fail"}),
    Case("metadata-escape-in-summary", dist(wheel_metadata(metadata_text().replace(
        "Summary: A", f"Summary: {ESC}A").encode())), 1, (WHEEL,)),
    Case("sdist-symlink-absolute", dist(sdist_with(tar_member(
        f"{TOP}/passwd", kind=tarfile.SYMTYPE, link="/etc/passwd"))), 1, (SDIST,),
         {"dists-archive": "fail"}),
    Case("sdist-hardlink-absolute", dist(sdist_with(tar_member(
        f"{TOP}/passwd", kind=tarfile.LNKTYPE, link="/etc/passwd"))), 1, (SDIST,),
         {"dists-archive": "fail"}),
    Case("sdist-symlink-dotdot-target", dist(sdist_with(tar_member(
        f"{TOP}/up", kind=tarfile.SYMTYPE, link="../../.."))), 1, (SDIST,),
         {"dists-archive": "fail"}),
    Case("sdist-symlink-named-dotdot", dist(sdist_with(tar_member(
        f"{TOP}/sub/..", kind=tarfile.SYMTYPE, link="/tmp"))), 1, (SDIST,),
         {"dists-archive": "fail"}),
    Case("sdist-directory-named-dotdot", dist(sdist_with(tar_member(
        f"{TOP}/..", kind=tarfile.DIRTYPE))), 1, (SDIST,), {"dists-archive": "fail"}),
    Case("sdist-member-dotdot-path", dist(sdist_with(tar_member(
        f"{TOP}/../evil.py", b"x = 1\n"))), 1, (SDIST,), {"dists-archive": "fail"}),
    Case("sdist-member-absolute-path", dist(sdist_with(tar_member(
        "/etc/evil.py", b"x = 1\n"))), 1, (SDIST,), {"dists-archive": "fail"}),
    Case("sdist-char-device", dist(sdist_with(device(f"{TOP}/null", tarfile.CHRTYPE))), 1,
         (SDIST,), {"dists-archive": "fail"}),
    Case("sdist-block-device", dist(sdist_with(device(f"{TOP}/disk", tarfile.BLKTYPE))), 1,
         (SDIST,), {"dists-archive": "fail"}),
    Case("sdist-fifo-member", dist(sdist_with(tar_member(f"{TOP}/pipe", kind=tarfile.FIFOTYPE))),
         1, (SDIST,), {"dists-archive": "fail"}),
    Case("sdist-member-escape-name", dist(sdist_with(tar_member(f"{TOP}/{ESC}x.py", b"x\n"))),
         0, ("ready to publish",)),
    Case("sdist-plain-tar", dist(sdist_as("w")), 1, (SDIST,), {"dists-archive": "fail"}),
    Case("sdist-xz", dist(sdist_as("w:xz")), 1, (SDIST,), {"dists-archive": "fail"}),
    Case("sdist-bzip2", dist(sdist_as("w:bz2")), 1, (SDIST,), {"dists-archive": "fail"}),
    Case("sdist-truncated", dist(lambda d: (d / SDIST).write_bytes(
        (d / SDIST).read_bytes()[:200])), 1, (SDIST,), {"dists-archive": "fail"}),
    Case("sdist-empty-file", dist(raw_file(SDIST, b"")), 1, (SDIST,)),
    Case("sdist-gzip-of-garbage", dist(raw_file(SDIST, gzip.compress(b"\x00garbage" * 99))), 1,
         (SDIST,)),
    Case("sdist-gzip-bomb", dist(raw_file(SDIST, lambda: gzip.compress(b"\x00" * 200 * 2**20))), 1,
         (SDIST,)),
    Case("wheel-bzip2-members", dist(wheel_compressed(zipfile.ZIP_BZIP2)), 1, (WHEEL,),
         {"dists-archive": "fail"}),
    Case("wheel-lzma-members", dist(wheel_compressed(zipfile.ZIP_LZMA)), 1, (WHEEL,),
         {"dists-archive": "fail"}),
    Case("wheel-truncated", dist(lambda d: (d / WHEEL).write_bytes(
        (d / WHEEL).read_bytes()[:300])), 1, (WHEEL,), {"dists-archive": "fail"}),
    Case("wheel-empty-file", dist(raw_file(WHEEL, b"")), 1, (WHEEL,)),
    Case("wheel-is-bzip2-stream", dist(raw_file(WHEEL, bz2.compress(b"PK" * 999))), 1,
         (WHEEL,)),
    Case("wheel-is-xz-stream", dist(raw_file(WHEEL, lzma.compress(b"PK" * 999))), 1, (WHEEL,)),
    Case("record-field-over-csv-limit", dist(wheel_record("x" * 200_000 + ",sha256=a,1")), 1,
         (WHEEL,), {"dists-contents": "fail"}),
    Case("record-nul-byte", dist(wheel_record("demo_pkg/\x00.py,sha256=a,1")), 1, (WHEEL,)),
    Case("record-not-utf8", dist(wheel_record_bytes(b"demo_pkg/\xff.py,sha256=a,1\n")), 1,
         (WHEEL,)),
    Case("record-unclosed-quote", dist(wheel_record('"demo_pkg/core.py,sha256=a,1')), 1,
         (WHEEL,)),
    Case("wheel-member-escape-name", dist(lambda d: make_wheel(d, files={
        "demo_pkg/__init__.py": '"""Demo."""\n\n__version__ = "1.2.0"\n',
        "demo_pkg/core.py": "def answer() -> int:\n    return 42\n",
        f"demo_pkg/{ESC}.py": ""})), 1, (WHEEL,), {"dists-archive": "fail"}),
    Case("sdist-wrong-top", dist(lambda d: make_sdist(d, top="other-1.2.0")), 1, (SDIST,),
         {"dists-archive": "fail"}),
    # git that says something unexpected.
    Case("tag-points-at-tree", git_tag_object("tree"), 1, ("v1.2.0",), {"git-tag": "fail"}),
    Case("tag-points-at-blob", git_tag_object("blob"), 1, ("v1.2.0",), {"git-tag": "fail"}),
    Case("tag-points-at-older-commit", git_tag_object("other"), 1, ("v1.2.0",),
         {"git-tag": "fail"}),
    Case("tag-points-at-head", git_tag_object("head"), 0, ("v1.2.0",), {"git-tag": "pass"}),
    Case("uncommitted-change", write("demo_pkg/core.py", "x = 1\n"), 1, ("demo_pkg/core.py",),
         {"git-clean": "fail"}),
    Case("git-dubious-ownership", dubious, 1, ("dubious ownership", "safe.directory"),
         {"git-clean": "fail", "git-tag": "fail", "credentials-file-untracked": "fail"}),
    Case("git-directory-missing", no_git, 0, ("not a git repository",)),
    Case("git-file-points-nowhere", steps(no_git, write(".git", "gitdir: /nowhere\n")), 1,
         ("/nowhere",), {"git-clean": "fail"}),
    Case("untracked-file-escape-name", untracked(f"{ESC}notes.txt"), 0, ("git-clean",),
         {"git-clean": "warn"}),
    Case("untracked-file-newline-name", untracked("a\nb.txt"), 0, ("git-clean",),
         {"git-clean": "warn"}),
]


def run_verify(setup: Setup, as_json: bool) -> tuple[int, str, str, float]:
    """The real command, stdin closed, killed after TIMEOUT seconds."""
    args = [sys.executable, "-m", "publish_checks", "verify", "--offline"]
    if "--project" not in setup.args:
        args += ["--project", str(setup.root)]
    if setup.repository is not None:
        args += ["--repository", setup.repository]
    if as_json and "--json" not in setup.args:
        args.append("--json")
    env = {**os.environ, "NO_COLOR": "1", "HOME": str(setup.home), **setup.env}
    started = time.monotonic()
    try:
        result = subprocess.run([*args, *setup.args], stdin=subprocess.DEVNULL,
                                capture_output=True, timeout=TIMEOUT, env=env, check=False,
                                cwd=setup.home.parent)
    except subprocess.TimeoutExpired:
        pytest.fail(f"verify did not end within {TIMEOUT:.0f} s")
    stdout = result.stdout.decode("utf-8", "backslashreplace")
    stderr = result.stderr.decode("utf-8", "backslashreplace")
    return result.returncode, stdout, stderr, time.monotonic() - started


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample project, committed, with a correct release of it in dist/ (made once)."""
    folder = tmp_path_factory.mktemp("template")
    with pytest.MonkeyPatch.context() as patch:  # before conftest's per-test environment
        for variable in ("GIT_AUTHOR", "GIT_COMMITTER"):
            patch.setenv(f"{variable}_NAME", "Test Author")
            patch.setenv(f"{variable}_EMAIL", "author@example.invalid")
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        patch.setenv("HOME", str(folder / "home"))
        project = SampleProject.create(folder / "demo")
        project.commit("initial")
    make_release(project.root / "dist")
    return project.root


@pytest.fixture
def released(template: Path, tmp_path: Path) -> SampleProject:
    """A copy of the template for one case to break."""
    shutil.copytree(template, tmp_path / "demo", symlinks=True)
    return SampleProject(tmp_path / "demo")


@pytest.mark.slow  # a command in a child process per case: about 150 of them
@pytest.mark.parametrize("case", [
    pytest.param(case, id=case.id, marks=[pytest.mark.xfail(strict=True, reason=case.xfail)]
                 if case.xfail else [])
    for case in CASES])
def test_hostile_input(case: Case, released: SampleProject, tmp_path: Path) -> None:
    """The command ends in time, without a traceback, a secret or an escape sequence, with the
    exit status and the message the input deserves."""
    setup = Setup(released, tmp_path / "home")
    setup.home.mkdir()
    case.build(setup)
    status, stdout, stderr, _ = run_verify(setup, as_json=bool(case.checks))
    output = stdout + stderr
    assert "Traceback" not in output, output[-3000:]
    assert status == case.status, output[-3000:]
    for name in case.names:
        assert name in output, output[-3000:]
    for secret in (TOKEN, PASSWORD):
        assert not leaked(output, secret), output[-3000:]
    assert "\x1b" not in output, output[-3000:]
    assert len(output) < 200_000, "the output echoes a large input"
    if case.checks:
        report = json.loads(stdout)
        found = {check["id"]: check["status"] for check in report["checks"]}
        assert {key: found[key] for key in case.checks} == dict(case.checks), stdout


NOX_CASES = [case for case in CASES if case.id in (
    "token-as-stray-argument", "url-unclosed-ipv6-password", "version-fifo",
    "changelog-escape-heading")]


@pytest.mark.slow
@pytest.mark.parametrize("case", NOX_CASES, ids=[case.id for case in NOX_CASES])
def test_hostile_input_through_nox(case: Case, released: SampleProject, tmp_path: Path) -> None:
    """``nox -s verify`` ends in time on the same inputs, without a traceback, a secret or an
    escape sequence; a usage mistake says so, as nox can only exit 1."""
    setup = Setup(released, tmp_path / "home")
    setup.home.mkdir()
    released.write("noxfile.py", NOXFILE)
    released.commit("noxfile")
    case.build(setup)
    args = [*(["--repository", setup.repository] if setup.repository is not None else []),
            *setup.args]
    run = run_nox(released.root, tmp_path / "envs", "-s", "verify", "--", "--offline", *args,
                  env={"HOME": str(setup.home), **setup.env}, timeout=TIMEOUT * 2)
    assert "Traceback" not in run.output, run.output[-3000:]
    assert run.code == (0 if case.status == 0 else 1), run.output[-3000:]
    if case.status == 2:
        assert "usage error: " in run.output, run.output[-3000:]
    for name in case.names:
        assert name in run.output, run.output[-3000:]
    for secret in (TOKEN, PASSWORD):
        assert not leaked(run.output, secret), run.output[-3000:]
    assert "\x1b" not in run.output, run.output[-3000:]

"""The embedded throwaway index of a rehearsal: pypiserver on 127.0.0.1, and what the
rehearsal cannot prove for the real index.

The index runs on a free port, from a temporary folder, with a user and password generated
for this one rehearsal, and is always stopped and removed — on success, failure or Ctrl-C.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from publish_checks._errors import PublishChecksError, ReleaseError
from publish_checks._text import Steps
from publish_checks.checks.diff import earlier_release
from publish_checks.checks.registry import Need, builds, ids_where, load_context, run_checks
from publish_checks.checks.report import Result, Status
from publish_checks.dists.index import IndexQueryError
from publish_checks.dists.snapshot import read_snapshot
from publish_checks.project.children import Role, child_environment

USERNAME = "publish-checks"
# The earlier release a rehearsal copies from the real index, at most (index-diff's seed).
SEED_LIMIT = 100 * 1024 * 1024
START_TIMEOUT = 30.0  # seconds for pypiserver to answer


def real_target_checks() -> tuple[str, ...]:
    """What a rehearsal cannot try for the real index, checked offline once it has passed,
    by what each check declares it needs: not the build's own checks (the rehearsal just
    built, checked and installed the dists), nor those of this machine alone (the tools
    ran). The rest: the credentials and token, the version and changelog, git, and
    index-version, which offline asks no index but warns of a name PyPI keeps for the
    standard library."""
    return ids_where(lambda needs: not builds(needs) and needs != Need.MACHINE)


@dataclass(frozen=True)
class LocalIndex:
    url: str  # upload URL (the server root), with a trailing slash
    username: str
    password: str
    workdir: Path  # temporary; holds packages/, htpasswd and the server log
    process: subprocess.Popen[bytes]

    @property
    def index_url(self) -> str:
        return self.url + "simple/"

    @property
    def packages(self) -> Path:
        return self.workdir / "packages"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def htpasswd_line(username: str, password: str) -> str:
    """An htpasswd entry in the ``{SHA}`` scheme, which passlib (and so pypiserver) reads.

    Salted schemes would need passlib or bcrypt here; a throwaway password for a server
    that lives minutes on 127.0.0.1 does not need them.
    """
    digest = base64.b64encode(hashlib.sha1(password.encode()).digest()).decode()  # noqa: S324
    return f"{username}:{{SHA}}{digest}\n"


def _log_tail(log: Path, lines: int = 15) -> str:
    text = log.read_text("utf-8", errors="replace") if log.exists() else ""
    return "\n".join(text.splitlines()[-lines:]) or "(the server wrote nothing)"


def _wait_until_up(url: str, process: subprocess.Popen[bytes], deadline: float,
                   log: Path) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ReleaseError(f"pypiserver exited at start (exit status {process.returncode}); "
                               f"its log:\n{_log_tail(log)}",
                               "is pypiserver[passlib] installed in the session's virtualenv?")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own http://127.0.0.1 URL)
                return
        except urllib.error.HTTPError as e:  # it answers (401 when listing needs a login)
            e.close()
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise ReleaseError(f"pypiserver did not answer at {url} within {START_TIMEOUT:.0f} s; "
                       f"its log:\n{_log_tail(log)}", "run the rehearsal again")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextmanager
def local_index(python: Path | str, *, username: str = USERNAME, password: str | None = None,
                fallback: bool = False, authenticate: str = "update",
                environ: Mapping[str, str] | None = None) -> Iterator[LocalIndex]:
    """Start pypiserver with ``python`` (a virtualenv that has ``pypiserver[passlib]``), in
    ``environ`` as a tool gets it (none given: an empty one, all pypiserver needs).

    ``password`` is generated unless given (tests give a canary to prove it never leaks).
    ``authenticate``: pypiserver's actions that need the login (tests of a private index
    pass "list,download,update").
    """
    workdir = Path(tempfile.mkdtemp(prefix="publish-checks-rehearse-"))
    process: subprocess.Popen[bytes] | None = None
    try:
        (workdir / "packages").mkdir()
        password = password or secrets.token_urlsafe(24)
        htpasswd = workdir / "htpasswd"
        htpasswd.write_text(htpasswd_line(username, password), "utf-8")
        htpasswd.chmod(0o600)
        port = free_port()
        argv = [str(python), "-m", "pypiserver", "run", "-i", "127.0.0.1", "--port", str(port),
                "--passwords", str(htpasswd), "-a", authenticate, "--hash-algo", "sha256",
                # simple-dir: list the folder on every request, never a stale cache
                "--backend", "simple-dir", "--server", "wsgiref"]
        if not fallback:
            argv.append("--disable-fallback")
        argv.append(str(workdir / "packages"))
        with (workdir / "server.log").open("wb") as log:
            process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL,
                                       env=child_environment(environ or {}, Role.TOOL))
        url = f"http://127.0.0.1:{port}/"
        _wait_until_up(url + "simple/", process, time.monotonic() + START_TIMEOUT,
                       workdir / "server.log")
        yield LocalIndex(url, username, password, workdir, process)
    finally:
        if process is not None:
            _stop(process)
        shutil.rmtree(workdir, ignore_errors=True)


def seed_previous(root: Path, environ: Mapping[str, str], steps: Steps, packages: Path,
                  project: str | None, version: str | None) -> str:
    """Put the release before ``version`` from the real target (the configured repository)
    into the embedded index's ``packages`` folder, so that index-diff is rehearsed against
    it; each file sha256-checked, at most SEED_LIMIT bytes in all (the sdist and the
    smallest wheels first). Returns what it did or why it did not, for the log: a
    rehearsal goes on either way."""
    if not project or not version:
        return "The embedded index holds no earlier release: the release's name or version " \
               "is unknown"
    try:
        real = load_context(root, None, environ=environ, steps=steps)
    except PublishChecksError as e:
        return f"The embedded index holds no earlier release: {e.message}"
    index = real.target.index_url
    if real.target.is_local or index is None:
        return ("The embedded index holds no earlier release: the configured repository "
                "has no index to read it from")
    try:
        snapshot = read_snapshot(index, [project], login=real.index_login)
        earlier = earlier_release(snapshot, project, version)
        if earlier is None:
            return (f"The embedded index holds no earlier release: {index} has none of "
                    f"{project} before {version} (a first release)")
        previous, files = earlier
        budget, seeded, left = SEED_LIMIT, 0, 0
        for file in sorted(files, key=lambda f: (not f.filename.endswith((".tar.gz", ".zip")),
                                                 f.size or 0, f.filename)):
            if file.sha256 is None or (file.size or 0) > budget:
                left += 1
                continue
            path = snapshot.download(file, packages, expected_sha256=file.sha256,
                                     size_limit=budget)
            budget -= path.stat().st_size
            seeded += 1
    except IndexQueryError as e:
        return (f"The embedded index holds no earlier release: it could not be read from "
                f"{index} ({e.message})")
    more = f"; {left} more left out (over {SEED_LIMIT // 2**20} MiB or unhashed)" if left else ""
    return (f"Seeded the embedded index with {project} {previous} from {index} ({seeded} "
            f"file{'s' * (seeded != 1)}{more}), so index-diff is rehearsed against it")


def _items(results: list[Result]) -> list[str]:
    return [f"  - {r.summary} ({r.id})" + (f": {r.hint}" if r.hint else "") for r in results]


def real_publish_gaps(root: Path, environ: Mapping[str, str], steps: Steps, *,
                      skip: Sequence[str] = (), dist_dir: Path | None = None) -> str:
    """The closing lines of a rehearsal that passed: what a real publish to the configured
    index (default pypi) still lacks, from :func:`real_target_checks` run offline against it
    (``dist_dir``: the rehearsal's own build, which a dynamic version is read from) — or
    that nothing does. No network, no build."""
    try:
        ctx = load_context(root, None, environ=environ, offline=True, steps=steps)
    except PublishChecksError as e:  # the configured repository cannot be used as it is
        return "\n".join(["A real publish still lacks an index it can use:",
                          f"  - {e.message}" + (f": {e.hint}" if e.hint else "")])
    if ctx.target.is_local:
        return ("A real publish still lacks a real index: the configured repository is "
                "local, the rehearsal's own\n  - set repository in [tool.publish-checks] to "
                "pypi, testpypi, a .pypirc section or an upload URL")
    report = run_checks(dataclasses.replace(ctx, dist_dir=dist_dir), skip=skip,
                        only=real_target_checks())
    failed = [r for r in report.checks if r.status is Status.FAIL]
    warned = [r for r in report.checks if r.status is Status.WARN]
    real = f"A real publish to {ctx.target.name}"
    lines = [f"{real} still lacks:", *_items(failed)] if failed else []
    if warned:
        lines += [f"{'It would also warn' if failed else real + ' would warn'}:",
                  *_items(warned)]
    if not failed:
        lines.append(f"Nothing else stands between this and a real publish: {steps.build} "
                     f"then {steps('publish')}")
    return "\n".join(lines)

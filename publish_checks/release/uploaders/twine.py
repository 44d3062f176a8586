"""twine, the default uploader: ``twine upload`` of explicit paths, its credentials in
TWINE_USERNAME / TWINE_PASSWORD, and what its output says when it fails."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from publish_checks.release.runner import bin_path
from publish_checks.release.uploader import Failure, Login, Upload

# 7 is the first that takes Metadata-Version 2.5 (and mints trusted-publishing tokens
# itself, as 6.1 did).
TWINE = "twine>=7"
NULL_KEYRING = "keyring.backends.null.Keyring"

# A status code where twine prints one (the match's "status"): "HTTPError: 403 Forbidden
# from URL", or --verbose's "Response from URL:" with the status on the next line, indented.
# Not any number: a path twine names ("…/pytest-403/dist/…", "/builds/app-401/…") has them.
_STATUS = r"(?:HTTPError: |^[ \t]+)"

#: (pattern in twine's output, what it means); the first match wins, each line read on its
#: own (re.MULTILINE). twine shows the index's status line and the index's reason.
FAILURES: tuple[tuple[str, Failure], ...] = (
    (rf"{_STATUS}(?P<status>40[13])\b|Invalid or non-existent authentication|Forbidden"
     r"|Unauthorized", Failure.CREDENTIALS),
    (r"File already exists|filename has already been used|already been used|already exists|"
     rf"{_STATUS}(?P<status>409)\b", Failure.FILE_EXISTS),
    (r"too similar to an existing project", Failure.NAME_TOO_SIMILAR),
    (rf"{_STATUS}(?P<status>405)\b|Method Not Allowed", Failure.NOT_UPLOAD_URL),
    (r"\b5\d\d\b.*(Server Error|Bad Gateway|Service Unavailable|Gateway Time)",
     Failure.SERVER_ERROR),
    (r"Connection ?refused|Failed to establish a new connection|Max retries exceeded",
     Failure.CONNECTION),
    (r"[Tt]imed? ?out", Failure.TIMEOUT),
    (rf"{_STATUS}(?P<status>400)\b", Failure.REJECTED),
)

#: twine loaded ahead of its turn (:meth:`Twine.standby`): what the ``twine`` script runs,
#: started with no secret, waiting on stdin for one JSON line, ``{"argv": the command line,
#: "env": the whole environment}`` (:meth:`Twine.go`). Until then Ctrl-C is its parent's to
#: handle (closing stdin stops it), as is the folder it runs in to shadow no module (the
#: script's own folder, not ours, leads sys.path when the ``twine`` script runs). Its stdin
#: at EOF, it exits having done nothing.
STANDBY_SCRIPT = """\
import json, os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)
if not getattr(sys.flags, "safe_path", False):
    del sys.path[0]
import twine.__main__, twine.commands.upload
line = sys.stdin.buffer.readline()
if not line.strip():
    sys.exit(0)
given = json.loads(line)
null = os.open(os.devnull, os.O_RDONLY)
os.dup2(null, 0)
os.close(null)
os.environ.clear()
os.environ.update(given["env"])
sys.argv = given["argv"]
signal.signal(signal.SIGINT, signal.default_int_handler)
sys.exit(twine.__main__.main())
"""


class Twine:
    """``twine upload``: the uploader when none is configured."""

    name = "twine"
    command = "twine upload"
    requirements: tuple[str, ...] = (TWINE,)
    fallback = "its keyring or ~/.pypirc (trusted publishing in CI)"

    def argv(self, bindir: Path, upload: Upload, *, verbose: bool = False,
             progress: bool = False) -> list[str]:
        """Explicit paths, never a glob; no credential ever goes on this line.

        ``progress``: twine's progress bar, only for a terminal. twine tells rich to draw as
        if on one wherever its output goes, so in a log every redraw would be one more line.
        """
        argv = [bin_path(bindir, "twine"), "--no-color", "upload", "--non-interactive",
                *([] if progress else ["--disable-progress-bar"]),
                *(["--verbose"] if verbose else []), "--repository-url", upload.upload_url]
        if upload.attestations:
            argv.append("--attestations")
        return argv + [str(p) for p in (*upload.files, *upload.companions)]

    def standby(self) -> str | None:
        """twine's upload path imported ahead of its turn (~0.25 s of a ~0.4 s upload), in
        the interpreter the ``twine`` script runs with; it uploads only on :meth:`go`."""
        return STANDBY_SCRIPT

    def go(self, argv: Sequence[str], env: Mapping[str, str]) -> str:
        """The line that sets :meth:`standby` going: exactly what ``argv`` with ``env`` does."""
        return json.dumps({"argv": list(argv), "env": dict(env)})

    def environment(self, login: Login | None) -> dict[str, str]:
        """TWINE_NON_INTERACTIVE always; with a secret, a null keyring so a headless
        machine never hangs on a keyring prompt (SPEC §5)."""
        env = {"TWINE_NON_INTERACTIVE": "1"}
        if login is not None:
            env["TWINE_USERNAME"] = login.username
            env["TWINE_PASSWORD"] = login.password
            env["PYTHON_KEYRING_BACKEND"] = NULL_KEYRING
        return env

    def own_variable(self, name: str) -> bool:
        # Its password is the binding's to give (a source it reads, project/binding.py);
        # the URL goes on the command line, which wins over TWINE_REPOSITORY_URL; its
        # other settings (TWINE_CERT for a private CA…) are the user's and stay.
        return name == "TWINE_PASSWORD"

    def failure(self, output: str) -> tuple[Failure, str] | None:
        for pattern, failure in FAILURES:
            if (match := re.search(pattern, output, re.MULTILINE)) is not None:
                return failure, match.groupdict().get("status") or match.group(0)
        return None

    def verbose_hint(self, output: str) -> bool:
        """twine ends a failure with "Retry with the --verbose option"."""
        return re.search(r"Retry with (the )?--verbose", output) is not None

    def skipped(self, upload: Upload) -> Sequence[Path]:
        return ()  # twine sends signatures and attestations with their files

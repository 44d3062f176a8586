"""twine, the default uploader: ``twine upload`` of explicit paths, its credentials in
TWINE_USERNAME / TWINE_PASSWORD, and what its output says when it fails."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from publish_checks.release.runner import bin_path
from publish_checks.release.uploader import Failure, Login, Upload

# 7 is the first that takes Metadata-Version 2.5 (and mints trusted-publishing tokens
# itself, as 6.1 did).
TWINE = "twine>=7"
NULL_KEYRING = "keyring.backends.null.Keyring"

#: (pattern in twine's output, what it means); the first match wins. twine shows the
#: index's status line ("HTTPError: 403 Forbidden from URL") and the index's reason.
FAILURES: tuple[tuple[str, Failure], ...] = (
    (r"\b40[13]\b|Invalid or non-existent authentication|Forbidden|Unauthorized",
     Failure.CREDENTIALS),
    (r"File already exists|filename has already been used|already been used|already exists|"
     r"\b409\b", Failure.FILE_EXISTS),
    (r"too similar to an existing project", Failure.NAME_TOO_SIMILAR),
    (r"\b405\b|Method Not Allowed", Failure.NOT_UPLOAD_URL),
    (r"\b5\d\d\b.*(Server Error|Bad Gateway|Service Unavailable|Gateway Time)",
     Failure.SERVER_ERROR),
    (r"Connection ?refused|Failed to establish a new connection|Max retries exceeded",
     Failure.CONNECTION),
    (r"[Tt]imed? ?out", Failure.TIMEOUT),
    (r"\b400\b", Failure.REJECTED),
)


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
            if (match := re.search(pattern, output)) is not None:
                return failure, match.group(0)
        return None

    def verbose_hint(self, output: str) -> bool:
        """twine ends a failure with "Retry with the --verbose option"."""
        return re.search(r"Retry with (the )?--verbose", output) is not None

    def skipped(self, upload: Upload) -> Sequence[Path]:
        return ()  # twine sends signatures and attestations with their files

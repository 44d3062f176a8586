"""``uv publish`` (``uploader = "uv"``): explicit paths (glob characters escaped: uv reads
each argument as a glob), the upload URL on its command line, the secret in
UV_PUBLISH_PASSWORD, and what its output says when it fails.

Its own resume (``--check-url``) is not used: the plan already holds only what the index
lacks, whichever uploader sends it (SPEC §5).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from publish_checks.dists.companions import is_attestation
from publish_checks.release.runner import bin_path
from publish_checks.release.uploader import Failure, Login, Upload

# 0.9.12: the first that sends the PEP 740 attestations given beside the files.
UV = "uv>=0.9.12"

#: (pattern in uv's output, what it means); the first match wins. uv says "Server returned
#: status code 403 Forbidden. Server says: …" with the index's body, and names a 405 itself.
FAILURES: tuple[tuple[str, Failure], ...] = (
    (r"status code 40[13]\b|Invalid or non-existent authentication|Missing credentials for",
     Failure.CREDENTIALS),
    (r"File already exists|filename has already been used|already exists|status code 409\b",
     Failure.FILE_EXISTS),
    (r"too similar to an existing project", Failure.NAME_TOO_SIMILAR),
    (r"status code 405\b|POST requests are not supported by the endpoint",
     Failure.NOT_UPLOAD_URL),
    (r"status code 5\d\d\b", Failure.SERVER_ERROR),
    # Not "timeout": uv --verbose logs its timeout settings.
    (r"Connection refused|tcp connect error|dns error|failed to lookup address",
     Failure.CONNECTION),
    (r"[Tt]imed out", Failure.TIMEOUT),
    (r"error sending request", Failure.CONNECTION),
    (r"status code 400\b", Failure.REJECTED),
)


def glob_escaped(path: Path) -> str:
    """``path`` as a glob that matches only itself: ``[``, ``*`` and ``?`` bracketed."""
    return re.sub(r"([\[*?])", r"[\1]", str(path))


class Uv:
    """``uv publish``."""

    name = "uv"
    command = "uv publish"
    requirements: tuple[str, ...] = (UV,)
    fallback = "trusted publishing (in CI)"

    def argv(self, bindir: Path, upload: Upload, *, verbose: bool = False,
             progress: bool = False) -> list[str]:
        """Explicit paths, never a glob; no credential ever goes on this line, nor the
        username. ``--no-attestations`` unless they are planned (``--no-attestations`` of
        ours, or none made). uv's configuration files are read: they hold the user's TLS
        settings (native-tls for a private CA), and the URL given here wins over theirs."""
        argv = [bin_path(bindir, "uv"), "publish", "--color", "never",
                *([] if progress else ["--no-progress"]), *(["--verbose"] if verbose else []),
                "--publish-url", upload.upload_url]
        if not upload.attestations:
            argv.append("--no-attestations")
        sent = [p for p in upload.companions if is_attestation(p.name)]
        return argv + [glob_escaped(p) for p in (*upload.files, *sent)]

    def standby(self) -> str | None:
        return None  # uv starts in milliseconds: nothing to load ahead of its turn

    def go(self, argv: Sequence[str], env: Mapping[str, str]) -> str:
        raise NotImplementedError("uv publish has no standby")

    def environment(self, login: Login | None) -> dict[str, str]:
        """With a secret: UV_PUBLISH_USERNAME and UV_PUBLISH_PASSWORD (uv then tries no
        trusted publishing); without one, uv tries trusted publishing (in CI)."""
        if login is None:
            return {}
        return {"UV_PUBLISH_USERNAME": login.username, "UV_PUBLISH_PASSWORD": login.password}

    def own_variable(self, name: str) -> bool:
        # UV_PUBLISH_TOKEN, _PASSWORD, _URL, _CHECK_URL…: only the bound secret goes.
        return name.startswith("UV_PUBLISH_")

    def failure(self, output: str) -> tuple[Failure, str] | None:
        for pattern, failure in FAILURES:
            if (match := re.search(pattern, output)) is not None:
                return failure, match.group(0).removeprefix("status code ")
        return None

    def verbose_hint(self, output: str) -> bool:
        return False  # uv shows the index's whole answer already

    def skipped(self, upload: Upload) -> Sequence[Path]:
        """uv sends no ``.asc`` signature (PyPI drops them since 2023)."""
        return [p for p in upload.companions if not is_attestation(p.name)]

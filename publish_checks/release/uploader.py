"""What the upload needs from the program that sends the files: the :class:`Uploader`.

It sits beside :class:`~publish_checks.release.runner.Runner`. The pipeline decides what to
send (the plan), where (the target's upload URL) and with which secret (the binding rules
of project/binding.py); an uploader only turns that into its own command line and
environment, and its output back into one of the :class:`Failure` kinds, for which
``release/upload.py`` holds the fixes. The adapters live in ``release/uploaders/``, one per
program ``[tool.publish-checks] uploader`` may name.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from publish_checks.dists.companions import is_attestation


class Failure(enum.Enum):
    """What an index's refusal means, whoever sent the files (SPEC §5)."""

    CREDENTIALS = "credentials"  # 401/403: wrong, expired or other-project token
    FILE_EXISTS = "file-exists"  # 400 "File already exists" / filename reused; 409
    NAME_TOO_SIMILAR = "name-too-similar"  # 400 "too similar to an existing project"
    NOT_UPLOAD_URL = "not-upload-url"  # 405: an index URL given where an upload URL belongs
    SERVER_ERROR = "server-error"  # 5xx
    CONNECTION = "connection"  # refused, no route, no such host
    TIMEOUT = "timeout"
    REJECTED = "rejected"  # any other 400: the index's reason is in the output


@dataclass(frozen=True)
class Login:
    """The one secret for this upload, already bound to the target (never on argv)."""

    username: str
    password: str


@dataclass(frozen=True)
class Upload:
    """Exactly what to send and where: explicit paths, never a glob."""

    files: tuple[Path, ...]  # the distributions to send
    companions: tuple[Path, ...]  # their .asc signatures and PEP 740 attestations
    upload_url: str

    @property
    def attestations(self) -> bool:
        return any(is_attestation(p.name) for p in self.companions)


class Uploader(Protocol):
    """One program that uploads distributions."""

    #: Its name in ``[tool.publish-checks] uploader`` and in messages.
    name: str
    #: The command it runs, for messages ("uv publish").
    command: str
    #: What :meth:`Runner.provide` installs for it.
    requirements: tuple[str, ...]
    #: Where its credentials come from when we give it none, for the log line.
    fallback: str

    def argv(self, bindir: Path, upload: Upload, *, verbose: bool = False,
             progress: bool = False) -> list[str]:
        """Its command line: the files and the URL, never a credential."""

    def standby(self) -> str | None:
        """Python code, for its tool environment's interpreter, that loads the uploader
        ahead of its turn and waits on its stdin for :meth:`go`'s line (at EOF it exits
        having done nothing); None: it starts when the upload does. It gets no secret."""

    def go(self, argv: Sequence[str], env: Mapping[str, str]) -> str:
        """The one line that makes :meth:`standby`'s process do what ``argv`` run with
        ``env`` does (its output and its exit status)."""

    def environment(self, login: Login | None) -> dict[str, str]:
        """The variables it needs: the secret, when there is one, goes only here."""

    def own_variable(self, name: str) -> bool:
        """Whether ``name`` is one of its variables (credentials, URLs, options): one from
        the user's environment is never passed on, so only the bound secret reaches it."""

    def failure(self, output: str) -> tuple[Failure, str] | None:
        """What its failed run's output means, and the words that say so (the status)."""

    def verbose_hint(self, output: str) -> bool:
        """Whether its output says more would be shown with ``--verbose``."""

    def skipped(self, upload: Upload) -> Sequence[Path]:
        """The files of ``upload`` it does not send (a warning names them)."""

"""Our exceptions: each message says what is wrong, each hint the exact fix."""

from __future__ import annotations


class PublishChecksError(Exception):
    """Base of every error publish-checks raises on purpose.

    The CLI prints ``error: <message>`` and, when there is one, ``fix: <hint>``,
    then exits with :attr:`exit_code`. Never a traceback.
    """

    exit_code = 1

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(PublishChecksError):
    """A command line we cannot act on (SPEC §2: exit status 2)."""

    exit_code = 2


class ConfigError(PublishChecksError):
    """pyproject.toml or ``[tool.publish-checks]`` is unreadable or invalid (exit status 2)."""

    exit_code = 2


class ReleaseError(PublishChecksError):
    """A release step failed after the checks passed (build, upload, install)."""

    exit_code = 1

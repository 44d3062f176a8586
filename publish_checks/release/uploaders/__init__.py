"""The programs that can send the files (SPEC §3 ``uploader``), one adapter each."""

from __future__ import annotations

from publish_checks.release.uploader import Uploader
from publish_checks.release.uploaders.twine import Twine
from publish_checks.release.uploaders.uv import Uv

#: By the name ``[tool.publish-checks] uploader`` gives (project/config.py UPLOADERS).
UPLOADERS: dict[str, Uploader] = {"twine": Twine(), "uv": Uv()}


def uploader_named(name: str) -> Uploader:
    """The adapter of a validated ``uploader`` setting."""
    return UPLOADERS[name]

"""twine's own conventions, which SPEC §3 honours whichever uploader sends the files.

The variables that name the target (``TWINE_REPOSITORY_URL``, then ``TWINE_REPOSITORY``) and
give its secret (``TWINE_USERNAME``, ``TWINE_PASSWORD``), twine's settings that reach the
uploader, and what twine sends of a file's metadata. The project, dists and checks layers
read twine's names here; twine's command line, environment and output are its adapter's
(release/uploaders/twine.py).
"""

from __future__ import annotations

USERNAME = "TWINE_USERNAME"
# A credential source after the token variable (SPEC §3): the name, not a password.
PASSWORD = "TWINE_PASSWORD"  # noqa: S105
REPOSITORY_URL = "TWINE_REPOSITORY_URL"
REPOSITORY = "TWINE_REPOSITORY"
#: The ways twine names the target, used when neither --repository nor the configuration
#: does; the URL first (twine too prefers the URL to the section name).
TARGET_VARIABLES = (REPOSITORY_URL, REPOSITORY)
#: Every twine setting starts so (TWINE_REPOSITORY_URL may hold a password).
SETTINGS_PREFIX = "TWINE_"
#: twine's harmless settings, which the uploader gets (the upload plan names the URL).
UPLOADER_SETTINGS = ("TWINE_CERT", "TWINE_CLIENT_CERT", USERNAME, "TWINE_NON_INTERACTIVE")
#: twine sends License-File only from this Metadata-Version on (old setuptools wrote it
#: with 2.1), so PyPI judges it only there.
LICENSE_FILE_SENT_FROM = (2, 4)

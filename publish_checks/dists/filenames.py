"""What PyPI's upload endpoint refuses in a file's name, in its own words (warehouse's
forklift/legacy.py: ``_validate_filename``, then the sdist and wheel name checks of
``file_upload``).

``_validate_filename``'s third rule, the extension (.tar.gz, .whl or .zip, and .whl only
for a wheel), always holds here: only such files are taken as dists (dists/scan.py), and
the upload plan sends nothing else.
"""

from __future__ import annotations

from packaging.utils import InvalidWheelFilename, parse_wheel_filename

from publish_checks._text import printable
from publish_checks.dists import platforms
from publish_checks.dists.refusal import BUILD, REBUILD, Refusal
from publish_checks.dists.scan import Dist, escaped_name, normalized_stem

# A wheel's name plus ".metadata", which PyPI writes beside it, must fit in NAME_MAX (255).
WHEEL_NAME_LIMIT = 246
PYPI_CONTROL_CHARACTERS = ("Cannot upload a file with non-printable characters (ordinals 0-31) "
                           "or the DEL character (ordinal 127) in the name.")
PYPI_PATH_SEPARATOR = "Cannot upload a file with '/' or '\\' in the name."


def wheel_name_parts(dist: Dist) -> tuple[str, str]:
    """The name and version segments exactly as the filename spells them."""
    name, version, _ = dist.filename.split("-", 2)
    return name, version


def filename_characters(dist: Dist) -> list[Refusal]:
    """Control characters and path separators (``_validate_filename``), and wheel names too
    long for PyPI to store."""
    found = []
    if any(ord(c) < 32 or ord(c) == 127 for c in dist.filename):
        found.append(Refusal(PYPI_CONTROL_CHARACTERS, REBUILD))
    # '/' cannot be in a file's name on POSIX; '\' can, where a Windows path became a name.
    if "/" in dist.filename or "\\" in dist.filename:
        found.append(Refusal(f"{PYPI_PATH_SEPARATOR} ({printable(dist.filename)})",
                             "no build backend writes a '\\' in a filename: delete this file "
                             f"and rebuild: {BUILD}"))
    if dist.kind == "wheel" and len(dist.filename.encode()) > WHEEL_NAME_LIMIT:
        found.append(Refusal(f"Filename is too long: '{printable(dist.filename)}' "
                             f"({len(dist.filename.encode())} bytes; PyPI takes "
                             f"{WHEEL_NAME_LIMIT})",
                             "shorten it: fewer platform tags per wheel (one wheel per "
                             f"platform) or no build tag, then {BUILD}"))
    return found


def filename_normalized(dist: Dist, project: str, version: str) -> list[Refusal]:
    """PEP 625 sdist names (.tar.gz only) and wheel names with the normalized project name."""
    expected = normalized_stem(project, version)
    if expected is None:
        return []  # version-file reports a bad declared version
    if dist.kind == "sdist":
        if dist.filename == f"{expected}.tar.gz":
            return []
        return [Refusal(f"Filename {dist.filename!r} is invalid, should be "
                        f"{expected + '.tar.gz'!r}.", REBUILD)]
    name, _ = wheel_name_parts(dist)
    if name != escaped_name(project):
        return [Refusal(f"Filename {dist.filename!r} should contain the normalized project "
                        f"name {escaped_name(project)!r}, not {name!r}.", REBUILD)]
    if dist.stem != expected:  # PyPI compares versions, the wheel spec wants them normalized
        return [Refusal(f"{dist.filename} is not a normalized name (the wheel spec wants "
                        f"{expected}-…)", REBUILD)]
    return []


def platform_tags(dist: Dist) -> list[Refusal]:
    """Every platform in the wheel's (expanded) tags is one PyPI takes."""
    if dist.kind != "wheel":
        return []
    try:
        tags = parse_wheel_filename(dist.filename)[3]
    except InvalidWheelFilename as e:
        return [Refusal(str(e), REBUILD)]
    return [Refusal(f"Binary wheel '{dist.filename}' has an unsupported platform tag "
                    f"'{platform}'.", platforms.fix(dist.filename, platform, BUILD))
            for platform in sorted({tag.platform for tag in tags})
            if not platforms.pypi_takes(platform)]


def filename_refusals(dist: Dist, project: str, version: str) -> list[Refusal]:
    """Every refusal of the name, in the order PyPI checks them."""
    return [*filename_characters(dist), *filename_normalized(dist, project, version),
            *platform_tags(dist)]

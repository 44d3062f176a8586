"""A tarball sdist: gzip-compressed, no sparse members, nothing pip refuses to unpack; and
the layout of any sdist (one top folder holding PKG-INFO and the license files)."""

from __future__ import annotations

import posixpath

from publish_checks._text import listing, printable
from publish_checks.dists.archive_rules.container import (
    bomb,
    compression_of,
    is_tar,
    license_files,
    obfuscated,
)
from publish_checks.dists.archive_rules.refusal import (
    ARCHIVES_DOCS,
    UNREADABLE,
    Fix,
    Refusal,
    pypi_refusal,
    shown_items,
)
from publish_checks.dists.inventory import Inventory, Item
from publish_checks.dists.scan import Dist


def tar_refusals(dist: Dist, inventory: Inventory) -> list[Refusal]:
    """What PyPI (and pip) refuse in a tarball, in the order PyPI looks."""
    found = []
    compression = compression_of(dist.path)
    if compression != "gzip":
        what = f"{compression}-compressed" if compression else "an uncompressed tar"
        found.append(pypi_refusal(dist, f"it is {what}, not gzip-compressed as .tar.gz says",
                                  UNREADABLE))
    if not is_tar(dist.path):
        return [pypi_refusal(dist, "it is not a tar archive", "File is not a tarfile")]
    if inventory.error:
        said = f"Invalid distribution file. {UNREADABLE}"
        return [*found, Refusal(f'{inventory.error} (PyPI: "{said}")', Fix.REBUILD)]
    if sparse := [item for item in inventory.items if item.tar_type == "sparse"]:
        found.append(pypi_refusal(dist, f"sparse members: {shown_items(sparse)}",
                                  f"tar archive not accepted: Sparse members are not allowed. "
                                  f"{ARCHIVES_DOCS}"))
    return [*found, *sdist_layout(dist, inventory), *obfuscated(dist, inventory),
            *bomb(dist, inventory), *unpackable(dist, inventory)]


def sdist_layout(dist: Dist, inventory: Inventory) -> list[Refusal]:
    """One top-level folder, ``{name}-{version}``, holding PKG-INFO and the license files."""
    names = inventory.names
    try:
        top = posixpath.commonpath(names) if names else ""
    except ValueError:  # absolute and relative names mixed
        top = ""
    if top in ("", ".", "/"):
        tops = sorted({next((p for p in n.split("/") if p not in ("", ".")), n)
                       for n in names})
        return [pypi_refusal(dist, f"its members are not under one folder ({shown_items(tops)})",
                             "Incorrect number of top-level directories in sdist")]
    if f"{top}/PKG-INFO" not in set(names):
        return [pypi_refusal(dist, f"no PKG-INFO in {printable(top)}/",
                             f"PKG-INFO not found at {top}/PKG-INFO")]
    found = []
    if top != dist.stem:
        found.append(Refusal(f"{dist.filename}: its top-level folder is {printable(top)}/, "
                             f"not {dist.stem}/ as its name says", Fix.REBUILD))
    return found + license_files(dist, inventory, f"{top}/PKG-INFO", top)


def unpackable(dist: Dist, inventory: Inventory) -> list[Refusal]:
    """Members pip refuses to unpack (tarfile's "data" filter): special files, links to
    absolute paths or out of the archive, paths that climb out of it. PyPI takes them."""
    why = [f"{printable(item.name)} ({reason})" for item in inventory.items
           if (reason := _unpack_refusal(item))]
    if not why:
        return []
    return [Refusal(f"{dist.filename}: pip refuses to unpack {listing(why)}",
                    Fix.SDIST_MEMBERS)]


def _unpack_refusal(item: Item) -> str:
    if _escapes(item.name.lstrip("/")):
        return "its path leaves the folder it is unpacked into"
    if ".." in item.name.split("/"):  # "top/..": the folder itself, or a link replacing it
        return "a '..' in its path, which names a folder it does not own"
    if item.kind == "other":
        return f"a {item.tar_type or 'special file'}"
    if item.kind != "link":
        return ""
    target = printable(item.link)
    if item.link.startswith("/"):
        return f"a link to the absolute path {target}"
    base = posixpath.dirname(item.name) if item.tar_type == "symlink" else ""
    if _escapes(posixpath.join(base, item.link)):
        return f"a link to {target}, outside the archive"
    return ""


def _escapes(path: str) -> bool:
    normal = posixpath.normpath(path)
    return normal == ".." or normal.startswith("../")

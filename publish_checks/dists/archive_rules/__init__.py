"""dists-archive: whether PyPI will open a wheel or an sdist at all (and pip unpack it).

One small function per rule, each returning the :class:`Refusal` s it finds, worded as
PyPI's upload endpoint words them (warehouse/forklift/legacy.py, utils/zipfiles.py,
utils/wheel.py and its scanner rules) and naming the member at fault. Whatever needs member
bytes reads the one streaming pass (:class:`Inventory`); the zip's records and the first
block of a tarball are read from the file itself, headers only.

By what they look at: ``container`` (any archive), ``zips`` (wheels and zipped sdists),
``sdists`` (tarballs and the sdist layout); ``refusal`` is what they return.
"""

from __future__ import annotations

from publish_checks.dists.archive_rules.container import polyglot
from publish_checks.dists.archive_rules.refusal import Fix, Refusal
from publish_checks.dists.archive_rules.sdists import tar_refusals
from publish_checks.dists.archive_rules.zips import entry_points_problem, zip_refusals
from publish_checks.dists.archives import archive_kind
from publish_checks.dists.inventory import Inventory
from publish_checks.dists.scan import Dist

__all__ = ["Fix", "Refusal", "entry_points_problem", "refusals"]


def refusals(dist: Dist, inventory: Inventory) -> list[Refusal]:
    """Everything PyPI would refuse in ``dist`` (and, in an sdist, what pip refuses to
    unpack), in the order PyPI looks."""
    found = polyglot(dist)
    if archive_kind(dist.path) == "zip":
        return found + zip_refusals(dist, inventory)
    return found + tar_refusals(dist, inventory)

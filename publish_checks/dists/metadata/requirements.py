"""Requires-Python, Requires-Dist, Provides-Extra, Provides-Dist and Obsoletes-Dist."""

from __future__ import annotations

from packaging.requirements import InvalidRequirement, Requirement

from publish_checks.dists.metadata.fields import HEADERS
from publish_checks.dists.metadata.upload import Upload
from publish_checks.dists.refusal import BUILD, REBUILD, Refusal


def dependencies(upload: Upload) -> list[Refusal]:
    """Requires-Python, Requires-Dist and Provides-Extra are valid, and no requirement is a
    direct URL reference (nor in Provides-Dist/Obsoletes-Dist)."""
    no_url = ("depend on a release from the index instead (e.g. 'name>=1.0'): PyPI takes "
              f"no direct URL references; then {BUILD}")
    found = []
    for field, where in (("requires_python", "requires-python"),
                         ("requires_dist", "dependencies / optional-dependencies"),
                         ("provides_extra", "optional-dependencies")):
        value, problem = upload.value(field)
        if problem:
            found.append(Refusal(problem, f"fix [project] {where} in pyproject.toml, "
                                          f"then {BUILD}"))
        elif field == "requires_dist":
            found += [Refusal(f"Requires-Dist: Can't have direct dependency: {req}", no_url)
                      for req in value or [] if req.url]
    for field in ("provides_dist", "obsoletes_dist"):
        for text in upload.raw.get(field) or []:
            try:
                requirement = Requirement(text)
            except InvalidRequirement as e:
                found.append(Refusal(f"{HEADERS[field]}: {text!r} is invalid: {e}", REBUILD))
                continue
            if requirement.url:
                found.append(Refusal(f"{HEADERS[field]}: Can't have direct dependency: "
                                     f"{text!r}", no_url))
    return found

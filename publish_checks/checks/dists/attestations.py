"""dists-attestations: the attestations in dist/ go with these files and this upload."""

from __future__ import annotations

import shlex

from publish_checks._text import listing, printable
from publish_checks.checks.context import Context
from publish_checks.checks.dists.common import nothing_to_look_at
from publish_checks.checks.report import Finding, from_problems, skipped
from publish_checks.dists import attestations
from publish_checks.dists.companions import is_attestation
from publish_checks.dists.scan import Problems
from publish_checks.project.trusted import plan_signing


def dists_attestations(ctx: Context) -> Finding:
    found = [p for p in ctx.dists.companions if is_attestation(p.name)]
    where = ctx.shown(ctx.dists.directory)
    if not ctx.attestations:
        kept = (f"; the {len(found)} attestation file(s) in {where}/ are not uploaded"
                if found else "")
        return skipped(f"--no-attestations: nothing is signed{kept}")
    token = ctx.token_lookup.token
    signing = plan_signing(ctx.environ, ctx.target.token_host, token=token is not None,
                           enabled=True)
    if not found and not signing.will_sign:
        return skipped(f"no attestations in {where}/, and none will be made: {signing.reason}")
    if (absent := nothing_to_look_at(ctx)) is not None:
        return absent
    release = ctx.release_dists()
    paired, unpaired = attestations.pair(found, ctx.dists.dists)
    problems = Problems()
    for path in unpaired:  # it goes with no file, so no upload sends it; dists-stale fails on it
        problems.warn(f"{printable(path.name)} names no dist in {where}/: it goes with no "
                      "file and is not uploaded", f"delete it: rm {shlex.quote(ctx.shown(path))}")
    for dist in release:  # the sha256 the upload plan uses too (hashed once per run)
        for problem in attestations.refusals(dist, paired[dist.filename],
                                             ctx.dists.sha256(dist.path)):
            problems.add(problem, "delete the attestations that do not belong to these files "
                         "and sign again: publish signs in trusted-publishing CI, and "
                         "pypi-attestations sign <file> writes <file>.publish.attestation")
    bare = [d.filename for d in release if not paired[d.filename]]
    if found and bare and not signing.will_sign:
        problems.add(f"{listing(bare, 5)} {'have' if len(bare) > 1 else 'has'} no attestation "
                     f"while other files do: twine refuses that upload (\"Upload with "
                     f"attestations requested, but {bare[0]} has no associated "
                     "attestations\")",
                     "sign every file (publish does in trusted-publishing CI), or delete the "
                     f"attestations ({where}/*.attestation) or pass --no-attestations")
    if found and token is not None and ctx.target.token_host:
        problems.add(f"{len(found)} attestation(s) would go with an API token "
                     f"({token.variable} from {token.origin}): PyPI accepts attestations "
                     "only with Trusted Publishing (\"Attestations are only supported when "
                     "using Trusted Publishing\")",
                     f"in CI drop {token.variable} and publish with trusted publishing; else "
                     f"delete the attestations ({where}/*.attestation) or pass "
                     "--no-attestations")
    if found and ctx.target.token_host is None:
        problems.warn(f"{ctx.target.host} is not PyPI: twine sends the {len(found)} "
                      "attestation(s) there, but \"Only PyPI and TestPyPI support "
                      "attestations\" (twine)",
                      "pass --no-attestations if the index refuses them")
    signs = (f"; publish signs {len(bare)} file(s) in {signing.provider} (pypi-attestations) "
             "and uploads every attestation with --attestations"
             if signing.will_sign and bare else "")
    what = (f"{len(found)} attestation(s) cover {len(release) - len(bare)} of {len(release)} "
            "files, each naming its file and sha256 (structure and statement checked; the "
            "Sigstore signature is verified by the index on upload)" if found
            else f"no attestations in {where}/ yet")
    return from_problems(problems, what + signs)

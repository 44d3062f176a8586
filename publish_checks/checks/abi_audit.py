"""dists-abi's audit of the compiled wheels (checks/abi.py loads it when a wheel holds a
binary): ``auditwheel show`` of each manylinux/musllinux wheel, abi3audit of each abi3 one,
in tool environments (release/abi.py), their answers judged by dists/abi.py."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from publish_checks._text import listing, printable
from publish_checks.checks.context import Context
from publish_checks.checks.report import Finding, from_problems
from publish_checks.dists.abi import (
    AbiAuditor,
    AuditError,
    Claim,
    ToolAnswer,
    Unreadable,
    parse_limited_api,
    parse_show,
    parse_symbols,
    short_of,
    too_new,
    upgrade_for,
)
from publish_checks.dists.scan import Dist, Problems

T = TypeVar("T")
NOT_AUDITED = ("run the same check where the tool can be installed (it needs the package "
               "index once), or --skip dists-abi")


def audited(ctx: Context, auditor: AbiAuditor, elf: Sequence[tuple[Dist, Claim]],
            abi3: Sequence[Dist], binaryless: list[str]) -> Finding:
    """dists-abi's finding on the wheels ``elf`` (holding binaries, with their claims) and
    ``abi3``, asked of the tools; ``binaryless`` hold no binary under a platform tag."""
    problems, kept = Problems(), []
    audit = _Audit(ctx, auditor, problems)
    for dist, claim in elf:
        if audit.policy(dist, claim):
            kept.append(f"{dist.filename} keeps {claim.tag}")
    for dist in abi3:
        if (keeps := audit.limited_api(dist)) is not None:
            kept.append(f"{dist.filename} {keeps}")
    if binaryless:
        kept.append(f"{listing(binaryless)} hold{'s' * (len(binaryless) == 1)} no ELF binary")
    return from_problems(problems, "; ".join(kept) + " (" + " and ".join(
        tool for tool, used in (("auditwheel show", elf), ("abi3audit", abi3)) if used) + ")")


class _Audit:
    """One run's questions to the tools; a tool that cannot run is asked no more."""

    def __init__(self, ctx: Context, auditor: AbiAuditor, problems: Problems) -> None:
        self.ctx, self.auditor, self.problems = ctx, auditor, problems
        self.broken: set[str] = set()

    def _ask(self, tool: str, command: str, dist: Dist, ask: Callable[[Path], ToolAnswer],
             parse: Callable[[str], T]) -> T | None:
        """The tool's answer for ``dist``, read; None (a warning said) when the tool cannot
        run or its answer cannot be read."""
        if tool in self.broken:
            return None
        try:
            answer = ask(dist.path)
        except AuditError as e:
            self._unavailable(tool, str(e))
            return None
        try:
            return parse(answer.report)
        except Unreadable as e:
            said = _last_words(answer.said) if not answer.report else str(e)
            reader = command.removesuffix(" --strict")  # the words "auditwheel show", "abi3audit"
            self.problems.warn(f"{dist.filename} not audited: {reader} could not read it "
                               f"(exit status {answer.code}: {said})",
                               f"{command} {self.ctx.shown(dist.path)} says why")
            return None

    def _unavailable(self, tool: str, why: str) -> None:
        self.broken.add(tool)
        self.problems.warn(f"not audited: {tool} could not run ({why})", NOT_AUDITED)

    def policy(self, dist: Dist, claim: Claim) -> bool:
        """Judge a manylinux/musllinux wheel; True when it keeps its tag."""
        if not self.auditor.platform.startswith("linux"):
            self.problems.warn(f"{dist.filename} not audited: auditwheel reads wheels on "
                               f"Linux only, this is {self.auditor.platform}",
                               "run the checks on Linux (the publish job in CI) to audit it")
            return False
        shown = self._ask("auditwheel", "auditwheel show", dist, self.auditor.show, parse_show)
        if shown is None:
            return False
        before = len(self.problems.items)
        name, where = dist.filename, self.ctx.shown(dist.path)
        for flag, what, fix in (
                (shown.pyfpe, "uses PyFPE_jbuf (a Python built --with-fpectl)",
                 "rebuild it with a Python built without --with-fpectl (python.org's and the "
                 "manylinux images' are)"),
                (shown.ucs2, "was compiled against a narrow-unicode (UCS2) Python",
                 "rebuild it with a wide-unicode Python (every Python 3.3+)"),
                (shown.isa, f"needs instruction-set extensions beyond {claim.arch}'s baseline",
                 "build without -march=native (or the flags that enable them); auditwheel "
                 f"show {where} names the file")):
            if flag:
                self.problems.add(f"{name} {what}: no {claim.family} policy allows it", fix)
        if pairs := too_new(claim, shown):
            self._symbols(dist, claim, shown.symbols_tag, shown.overall, pairs)
        upgrade = upgrade_for(claim, shown)
        if upgrade.libraries:
            them = "it" if len(upgrade.libraries) == 1 else "them"
            self.problems.add(
                f"{name} needs {listing(list(upgrade.libraries))} from the system, which "
                f"{claim.tag} does not let a wheel take from it: bundle {them}",
                f"auditwheel repair {where} -w {self.ctx.shown(dist.path.parent)}/ copies "
                f"{them} into the wheel ({self.ctx.steps.build} does it for a linux_* "
                f"wheel), then delete the original; or link {them} statically")
        for library, symbols in upgrade.blacklisted.items():
            self.problems.add(f"{name} uses {listing(list(symbols))} of {library}, which "
                              f"{claim.tag} forbids",
                              "rebuild it without those symbols (a manylinux image's "
                              "toolchain, as cibuildwheel uses)")
        if len(self.problems.items) == before and short_of(claim, shown):
            self.problems.add(f"{name} claims {claim.tag}, but auditwheel finds it consistent "
                              f"with {shown.overall} at best", f"auditwheel show {where} says why")
        return len(self.problems.items) == before

    def _symbols(self, dist: Dist, claim: Claim, needs: str, overall: str,
                 pairs: list[tuple[str, str]]) -> None:
        """The failure for symbol versions newer than the claim allows, naming the symbols
        (or, when they cannot be listed, the versions)."""
        try:
            bound = parse_symbols(self.auditor.symbols(dist.path, pairs).report)
        except (AuditError, Unreadable):
            bound = []
        files: dict[str, list[str]] = {}
        for b in bound:
            files.setdefault(b.file.rsplit("/", 1)[-1], []).append(f"{b.symbol}@{b.version}")
        named = [f"{listing(symbols)} ({file})" for file, symbols in files.items()] or [
            f"{version} of {library}" for library, version in pairs]
        retag = overall if not overall.startswith("linux_") else needs
        self.problems.add(
            printable(f"{dist.filename} claims {claim.tag}, but its symbols need {needs}: "
                      f"{listing(named)}"),
            f"rebuild it where glibc and the compilers' runtime are no newer than "
            f"{claim.tag} allows (a manylinux container image, as cibuildwheel does); or tag "
            f"it for what it needs: build it as linux_{claim.arch} (no platform tag set by "
            f"hand) and let {self.ctx.steps.build} repair it, or retag it: wheel tags --remove "
            f"--platform-tag {retag} {self.ctx.shown(dist.path)}")

    def limited_api(self, dist: Dist) -> str | None:
        """Judge an abi3 wheel: what it keeps to, None when it does not (or could not be
        audited)."""
        modules = self._ask("abi3audit", "abi3audit --strict", dist, self.auditor.limited_api,
                            parse_limited_api)
        if modules is None:
            return None
        before = len(self.problems.items)
        for module in modules:
            where = f"{dist.filename}: {module.module}"
            if module.outside:
                self.problems.add(
                    printable(f"{where} uses {listing(list(module.outside))}, outside the "
                              "limited API: it is not abi3"),
                    "build it against the limited API only: define Py_LIMITED_API "
                    "(setuptools: Extension(..., py_limited_api=True) and "
                    f"define_macros=[(\"Py_LIMITED_API\", \"{_hex(module.baseline)}\")]) and "
                    "replace those calls; or drop the abi3 tag and build a wheel for each "
                    "Python version")
            if module.newer:
                self.problems.add(
                    printable(f"{where} is tagged for the limited API of Python "
                              f"{module.baseline} but uses "
                              f"{listing([f'{s} ({v})' for s, v in module.newer.items()])}: "
                              f"it needs Python {module.computed}"),
                    f"define Py_LIMITED_API as {_hex(module.baseline)} so that the compiler "
                    f"refuses what Python {module.baseline} lacks, and replace those calls; "
                    f"or tag the wheel for Python {module.computed} (py_limited_api="
                    f"\"cp{module.computed.replace('.', '')}\")")
        if len(self.problems.items) != before:
            return None
        if not modules:
            return "has no extension module for abi3audit to read"
        return f"uses only the limited API of Python {modules[0].baseline}"


def _last_words(output: str) -> str:
    """What a tool said last, on one line: where its error is."""
    lines = [line.strip() for line in output.strip().splitlines() if line.strip()]
    return " ".join(lines[-3:]) or "it said nothing"


def _hex(version: str) -> str:
    """``Py_LIMITED_API`` for a Python version: "3.8" → 0x03080000."""
    major, _, minor = version.partition(".")
    try:
        return f"0x{int(major):02x}{int(minor or 0):02x}0000"
    except ValueError:
        return "0x03XX0000"

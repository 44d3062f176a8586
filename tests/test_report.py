"""The report model, the text and JSON renderers, colour rules, and the check runner."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from publish_checks import Context, Report, Result, Status, run_checks
from publish_checks.checks import CHECK_IDS, RAISE_VARIABLE, Need, Registered
from publish_checks.checks.report import Finding, failed, passed
from publish_checks.frontend.render import render_text, use_colour
from publish_checks.release.summary import render_markdown
from tests.builders import SampleProject

SAMPLE = Report("demo-pkg", "1.2.0", "pypi", [
    Result("credentials-source", Status.PASS, "token: PYPI_API_KEY from .env.local"),
    Result("credentials-file-permissions", Status.FAIL,
           ".env.local is readable by group and others (mode 0644)", "chmod 600 .env.local"),
    Result("git-branch", Status.WARN, "on branch topic, not on the release branch main",
           "git switch main\nor set release-branch"),
    Result("dists-present", Status.SKIP, "skipped by --skip"),
])


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_text_has_one_line_per_check_with_its_mark() -> None:
    """Each check is one line: mark, id, summary; marks differ for pass/fail/warn/skip."""
    lines = render_text(SAMPLE).splitlines()
    assert lines[0] == "publish-checks verify · demo-pkg 1.2.0 → pypi"
    assert "✓ credentials-source            token: PYPI_API_KEY from .env.local" in lines
    assert ("✗ credentials-file-permissions  .env.local is readable by group and others "
            "(mode 0644)") in lines
    assert ("! git-branch                    on branch topic, not on the release branch "
            "main") in lines
    assert "– dists-present                 skipped by --skip" in lines


def test_fix_lines_follow_failures_and_warnings_only() -> None:
    """fail and warn get an indented `fix:` line (multi-line hints stay aligned); pass/skip none."""
    lines = render_text(SAMPLE).splitlines()
    fail_at = lines.index(next(line for line in lines if line.startswith("✗")))
    assert lines[fail_at + 1] == "    fix: chmod 600 .env.local"
    warn_at = lines.index(next(line for line in lines if line.startswith("!")))
    assert lines[warn_at + 1:warn_at + 3] == ["    fix: git switch main",
                                              "         or set release-branch"]
    assert sum("fix:" in line for line in lines) == 2


def test_pass_with_a_hint_prints_no_fix_line() -> None:
    """A hint on a passing result is not shown: there is nothing to fix."""
    report = Report("demo-pkg", "1.2.0", "pypi", [Result("tools", Status.PASS, "ok", "unused")])
    assert "fix:" not in render_text(report)


def test_closing_line_counts_and_verdict() -> None:
    """The last line counts each status and says whether the release is ready."""
    assert render_text(SAMPLE).splitlines()[-1] == (
        "1 passed, 1 warning, 1 failed, 1 skipped — not ready: fix the failures above")
    ok = Report("demo-pkg", "1.2.0", "pypi", [Result("tools", Status.PASS, "ok")])
    assert render_text(ok).splitlines()[-1] == (
        "1 passed, 0 warnings, 0 failed, 0 skipped — ready to publish")


def test_unknown_project_and_version_are_said_so() -> None:
    """A report without a name or version says so in its heading."""
    report = Report(None, None, "local", [])
    assert render_text(report).splitlines()[0] == (
        "publish-checks verify · (unknown project) (unknown version) → local")


def test_colour_codes_only_when_asked() -> None:
    """Marks and verdict are painted with ANSI codes only when colour is on."""
    assert "\033[" not in render_text(SAMPLE, colour=False)
    coloured = render_text(SAMPLE, colour=True)
    assert "\033[31m✗\033[0m" in coloured
    assert "\033[32m✓\033[0m" in coloured


@pytest.mark.parametrize(("tty", "env", "expected"), [
    (False, {}, False),
    (True, {}, True),
    (False, {"FORCE_COLOR": "1"}, True),
    (True, {"NO_COLOR": "1"}, False),
    (False, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
    (True, {"NO_COLOR": ""}, True),
    (True, {"CI": "true"}, False),
    (True, {"CI": "true", "FORCE_COLOR": "1"}, True),
], ids=["pipe", "terminal", "forced", "no-color", "no-color-wins", "empty-no-color", "ci",
        "ci-forced"])
def test_use_colour(tty: bool, env: dict[str, str], expected: bool) -> None:
    """Colour on a terminal (not in CI) or with FORCE_COLOR; a non-empty NO_COLOR always wins."""
    stream = Terminal() if tty else io.StringIO()
    assert use_colour(stream, env) is expected


def test_json_has_exactly_the_spec_shape() -> None:
    """as_dict() is SPEC §2's object: ok, project, version, repository, checks[id,status,...]."""
    data = json.loads(json.dumps(SAMPLE.as_dict()))
    assert list(data) == ["ok", "project", "version", "repository", "checks"]
    assert (data["ok"], data["project"], data["version"], data["repository"]) == (
        False, "demo-pkg", "1.2.0", "pypi")
    assert data["checks"][1] == {
        "id": "credentials-file-permissions", "status": "fail",
        "summary": ".env.local is readable by group and others (mode 0644)",
        "hint": "chmod 600 .env.local"}
    assert all(list(c) == ["id", "status", "summary", "hint"] for c in data["checks"])
    assert {c["status"] for c in data["checks"]} == {"pass", "fail", "warn", "skip"}


@pytest.mark.parametrize(("statuses", "ok"), [
    ([], True), ([Status.PASS, Status.WARN, Status.SKIP], True),
    ([Status.PASS, Status.FAIL], False),
])
def test_ok_means_no_failure(statuses: list[Status], ok: bool) -> None:
    """A report is ok unless a check failed; warnings and skips are allowed."""
    report = Report("p", "1", "pypi", [Result(f"c{n}", s, "x") for n, s in enumerate(statuses)])
    assert report.ok is ok


def test_get_unknown_id_raises_key_error() -> None:
    """Report.get names the missing id."""
    with pytest.raises(KeyError, match="nope"):
        SAMPLE.get("nope")


def test_markdown_table_escapes_pipes() -> None:
    """The step-summary table keeps one row per check even when a summary has a pipe."""
    table = render_markdown([Result("git-clean", Status.FAIL, "a | b", "x")])
    assert table.splitlines()[2] == "| ✗ | `git-clean` | a \\| b |"


def test_every_spec_check_appears_in_order(project: SampleProject) -> None:
    """A verify report holds one result per registered check, in registry order."""
    report = project.verify()
    assert [r.id for r in report.checks] == list(CHECK_IDS)
    assert all(r.summary for r in report.checks)
    assert all(r.summary for r in report.checks if r.status is Status.SKIP)


def test_skip_argument_skips_and_says_why(project: SampleProject) -> None:
    """run_checks(skip=...) turns those checks into skips that say --skip."""
    report = run_checks(project.context(), skip=["git-clean", "tools"])
    for check_id in ("git-clean", "tools"):
        assert report.get(check_id).status is Status.SKIP
        assert report.get(check_id).summary == "skipped by --skip"
    assert report.get("git-branch").status is Status.PASS


def test_only_argument_skips_the_rest(project: SampleProject) -> None:
    """run_checks(only=...) runs just those checks; the rest say they are not in the session."""
    report = run_checks(project.context(), only=["version-file"])
    assert report.get("version-file").status is Status.PASS
    assert report.get("git-clean").summary == "not part of this session"


def test_a_crashing_check_is_an_internal_error_and_the_others_still_run(
        project: SampleProject, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in one check is reported as an internal error, naming where it happened; the
    others still run."""
    def git_clean(ctx: Context) -> Finding:
        raise RuntimeError("boom")

    def tools(ctx: Context) -> Finding:
        return passed("ok")

    monkeypatch.setattr("publish_checks.checks.registry.CHECKS",
                        (Registered(git_clean, Need.PROJECT), Registered(tools, Need.MACHINE)))
    monkeypatch.delenv(RAISE_VARIABLE)
    report = run_checks(project.context())
    assert [r.id for r in report.checks] == ["git-clean", "tools"]
    crashed = report.get("git-clean")
    assert crashed.status is Status.FAIL and crashed.internal_error
    assert crashed.summary.startswith("internal error: publish-checks crashed in this check "
                                      "(RuntimeError: boom, at ")
    assert "test_report.py:" in crashed.summary and "in git_clean)" in crashed.summary
    assert "bug in publish-checks" in crashed.hint and "--skip git-clean" in crashed.hint
    assert crashed.as_dict()["internal_error"] is True
    assert "internal_error" not in report.get("tools").as_dict()
    assert report.get("tools").status is Status.PASS


def test_a_check_whose_module_fails_to_import_is_its_internal_error(
        project: SampleProject, monkeypatch: pytest.MonkeyPatch) -> None:
    """A check whose module cannot be imported is that check's internal error; the others
    still run and the run does not crash."""
    def tools(ctx: Context) -> Finding:
        return passed("ok")

    monkeypatch.setattr("publish_checks.checks.registry.CHECKS",
                        (Registered("no_such_module:git_clean", Need.PROJECT),
                         Registered(tools, Need.MACHINE)))
    monkeypatch.delenv(RAISE_VARIABLE)
    report = run_checks(project.context())
    crashed = report.get("git-clean")
    assert crashed.status is Status.FAIL and crashed.internal_error
    assert "ModuleNotFoundError: No module named 'publish_checks.checks.no_such_module'" \
        in crashed.summary
    assert report.get("tools").status is Status.PASS


def test_under_the_test_suite_a_crash_raises(project: SampleProject,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """With RAISE_VARIABLE set (as conftest sets it for every test), a check that crashes
    makes the run raise: no test expecting a failure can pass on a crash."""
    def changelog_entry(ctx: Context) -> Finding:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("publish_checks.checks.registry.CHECKS",
                        (Registered(changelog_entry, Need.PROJECT),))
    with pytest.raises(ZeroDivisionError):
        run_checks(project.context())


def test_no_check_can_print_the_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The runner redacts the token, and anything token-shaped, from every summary and hint."""
    token = "A" * 60  # not even token-shaped: redacted because it is the token in use
    other = "pypi-" + "B" * 40

    def tools(ctx: Context) -> Finding:
        return failed(f"token {token} rejected, {other} too", f"try {token} again")

    project = SampleProject.create(tmp_path / "demo")
    monkeypatch.setattr("publish_checks.checks.registry.CHECKS", (Registered(tools, Need.MACHINE),))
    result = project.verify(env={"PYPI_API_KEY": token}).get("tools")
    assert result.summary == "token pypi-******** rejected, pypi-******** too"
    assert result.hint == "try pypi-******** again"

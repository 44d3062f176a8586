"""Running real nox on a sample project, for the end-to-end tests."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nox.__main__
import pytest

from tests.builders import SampleProject

REPO = Path(__file__).resolve().parents[1]
# Not token-shaped on purpose: only never passing it on, not the redaction regex, keeps
# it out of the output.
CANARY = "canary-" + secrets.token_hex(20)
NOXFILE = f"import sys\nsys.path.insert(0, {str(REPO)!r})\nimport publish_checks.nox\n"


@dataclass(frozen=True)
class Run:
    code: int
    output: str


def run_nox(root: Path, envdir: Path, *args: str, env: dict[str, str] | None = None,
            timeout: float = 600) -> Run:
    """``nox ARGS`` in ``root`` with no terminal; the canary is in its environment, as the PyPI
    token and as TWINE_PASSWORD (the local test index's own password: PYPI_API_KEY never goes
    to a private index)."""
    environ = {**os.environ, "NO_COLOR": "1", "PYPI_API_KEY": CANARY, "TWINE_PASSWORD": CANARY,
               **(env or {})}
    result = subprocess.run(
        [sys.executable, "-m", "nox", "--envdir", str(envdir), *args], cwd=root,
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout,
        env=environ, check=False,
    )
    output = result.stdout + result.stderr
    assert CANARY not in output, "the token leaked into the output"
    return Run(result.returncode, output)


def nox_in_process(monkeypatch: pytest.MonkeyPatch, root: Path, *args: str) -> int:
    """Run nox's real entry point in this process, as `nox ARGS` in ``root``."""
    monkeypatch.chdir(root)
    monkeypatch.setattr(sys, "argv", ["nox", "--noxfile", str(root / "noxfile.py"), *args])
    with pytest.raises(SystemExit) as exit_info:
        nox.__main__.main()
    code = exit_info.value.code
    return code if isinstance(code, int) else 1


def line_of(check: str, output: str) -> str:
    """The report line of ``check``, its spaces collapsed."""
    lines = [" ".join(line.split()) for line in output.splitlines() if f" {check} " in line]
    assert len(lines) == 1, output
    return lines[0]


@dataclass
class SampleBuild:
    """The sample project with the release sessions committed (the ``project`` fixture's
    repository and one commit of NOXFILE), made once per test process, and one ``nox -s
    build`` of a copy of it, made the first time a test asks for it: the tests of what comes
    after a build of that project copy it instead of building anew."""

    template: SampleProject
    envdir: Path
    _built: Path | None = field(default=None, init=False)

    def project(self, root: Path) -> SampleProject:
        """A copy of the template at ``root``, its repository its own."""
        return self.template.copy(root)

    def build(self, project: SampleProject) -> None:
        """Leave in ``project`` what ``nox -s build`` leaves (dist/ and whatever else git
        ignores): copied from the one build when ``project`` is at the template's commit
        with a clean working tree (the same commit gives byte-identical files: the build
        takes SOURCE_DATE_EPOCH from it), else a real build."""
        if project.git("status", "--porcelain", "--untracked-files=all") or (
                project.git("rev-parse", "HEAD") != self.template.git("rev-parse", "HEAD")):
            run = run_nox(project.root, self.envdir, "-s", "build")
            assert run.code == 0, run.output
            return
        built = self._build_once()
        for relative in _ignored(built):
            source, target = built / relative, project.root / relative
            if source.is_dir():
                shutil.copytree(source, target, symlinks=True, dirs_exist_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)

    def _build_once(self) -> Path:
        if self._built is None:
            sample = self.template.copy(self.template.root.parent / "built" / "demo")
            run = run_nox(sample.root, self.envdir, "-s", "build")
            assert run.code == 0, run.output
            self._built = sample.root
        return self._built


def _ignored(root: Path) -> list[str]:
    """What git ignores in ``root`` (a folder as one entry), as paths relative to it."""
    listed = subprocess.run(["git", "ls-files", "--others", "--ignored", "--exclude-standard",
                             "--directory", "-z"], cwd=root, check=True, capture_output=True,
                            text=True).stdout
    return [entry.rstrip("/") for entry in listed.split("\0") if entry]

"""The shipped GitHub workflow is valid and publishes with trusted publishing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

WORKFLOW = Path(__file__).resolve().parents[1] / ".github" / "workflows" / "release.yml"


def test_release_workflow_passes_actionlint() -> None:
    """actionlint finds nothing wrong in release.yml."""
    actionlint = shutil.which("actionlint")
    if actionlint is None:
        pytest.skip("actionlint is not installed (the tests session installs it)")
    result = subprocess.run([actionlint, str(WORKFLOW)], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_release_workflow_uses_trusted_publishing_and_the_chained_sessions() -> None:
    """The publish job runs in the pypi environment with id-token: write and no token secret."""
    text = WORKFLOW.read_text("utf-8")
    publish = text[text.index("  publish:"):]
    assert "name: pypi" in publish and "id-token: write" in publish
    assert "nox -s build publish -- --yes" in publish
    assert "secrets." not in text, "trusted publishing needs no token secret"

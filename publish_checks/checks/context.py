"""Everything the checks look at, gathered lazily and at most once per run."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.utils import canonicalize_name
from packaging.version import Version

from publish_checks._text import NOX_STEPS, Steps, shown

# What an install trial found (re-exported: the Context carries the installer).
from publish_checks.checks.trial import Installer as Installer
from publish_checks.checks.trial import InstallTrial as InstallTrial
from publish_checks.checks.trial import Unimportable as Unimportable
from publish_checks.dists import scan as dist_scan
from publish_checks.dists.fetch import IndexQueryError, Login
from publish_checks.dists.inventory import Inventory, take_all
from publish_checks.dists.login import index_login
from publish_checks.dists.readme import RstRenderer
from publish_checks.dists.secrets import Secret
from publish_checks.dists.snapshot import Snapshot, read_snapshot
from publish_checks.project.binding import find_secret, pypi_token_elsewhere
from publish_checks.project.children import Role, child_environment
from publish_checks.project.config import Config, load_config
from publish_checks.project.credentials import Token, TokenLookup, read_env_file
from publish_checks.project.git import Git
from publish_checks.project.git_questions import (
    BRANCHING,
    FACTS,
    STATUS,
    committed,
    config_value,
    ignore_rules,
    peeled,
)
from publish_checks.project.layout import Layout, load_layout
from publish_checks.project.repository import Target, choose_repository, resolve_target
from publish_checks.project.tags import LISTING, TagFormat, release_tag_format
from publish_checks.project.version import (
    VersionSource,
    declared_name,
    declared_version,
    version_problem,
)

if TYPE_CHECKING:  # the auditor's interface (its answers are judged by dists/abi.py)
    from publish_checks.dists.abi_tools import AbiAuditor


@dataclass
class Context:
    """One run's view of the project. ``environ`` is the process environment, passed in by
    the front end: nothing below the front ends reads ``os.environ``."""

    root: Path
    config: Config
    target: Target
    offline: bool = False
    environ: Mapping[str, str] = field(default_factory=dict)
    dist_dir: Path | None = None
    # Renders reST long descriptions where readme_renderer is installed (a tool environment
    # of the release runner); dists-metadata uses it when it cannot render in-process.
    rst_renderer: RstRenderer | None = None
    # Installs the release into a fresh virtualenv (release/install.py, set by the pipeline).
    # A check that declares Need.INSTALL runs only when this run wants the install
    # (install_release): build, publish, rehearse and verify --install do, a plain verify not.
    installer: Installer | None = None
    install_release: bool = False
    # auditwheel and abi3audit in tool environments (release/abi.py, set by the pipeline):
    # dists-abi asks them about the compiled wheels.
    abi_auditor: AbiAuditor | None = None
    # Whether this run signs the dists (PEP 740) in trusted-publishing CI and uploads
    # attestations at all: --no-attestations turns both off (dists-attestations, publish).
    attestations: bool = True
    # How the user runs each step (nox -s build / publish-checks build), for every hint.
    steps: Steps = NOX_STEPS
    # The time now, in UTC: index-version judges PyPI's 14-day window by it (tests set it).
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(timezone.utc))
    # How long credentials-file-untracked may search git history for the token (tests set it).
    history_seconds: float = 5.0
    _inventories: dict[Path, Inventory] = field(default_factory=dict, init=False, repr=False)
    # The index's listings read in this run (see snapshot()), or why one could not be: an
    # init field, so that the copies dataclasses.replace makes share it (verify's checks and
    # publish's plan read one listing).
    _snapshots: dict[tuple[str, tuple[str, ...]], Snapshot | IndexQueryError] = field(
        default_factory=dict, repr=False, compare=False)

    @classmethod
    def load(cls, root: Path, repository: str | None, *, environ: Mapping[str, str],
             offline: bool = False, steps: Steps = NOX_STEPS) -> Context:
        """Read the configuration and resolve the target; ConfigError/UsageError on bad input."""
        env = dict(environ)
        root = root.resolve()
        config = load_config(root)
        name, named_by = choose_repository(repository, config, env)
        target = resolve_target(name, config, env, named_by=named_by)
        return cls(root, config, target, offline=offline, environ=env, steps=steps)

    @cached_property
    def git(self) -> Git:
        return Git(self.root, self.child_env(Role.GIT))

    @property
    def secret_variables(self) -> tuple[str, ...]:
        """The variables that may hold this project's upload secret: the configured
        token-variables and the target's own (PyPI's, TestPyPI's when it is one of them)."""
        names = (self.target.token_variable, *self.config.token_variables)
        return tuple(dict.fromkeys(name for name in names if name))

    def child_env(self, role: Role) -> dict[str, str]:
        """The whole environment of a child process in ``role`` (project/children.py): no
        secret of this project unless the role needs it."""
        return child_environment(self.environ, role, hidden=self.secret_variables)

    def ask_git(self, *, skipping: Collection[str] = (),
                meanwhile: Callable[[], object] | None = None) -> None:
        """Ask git at once what the checks ask of the repository (Git.ask_all): the same
        questions and answers, in the time of the slowest rather than of all in turn, while
        ``meanwhile`` runs. Then what those answers say they ask next: the release tag,
        where a branch without an upstream would track one, whether an untracked
        credentials file was ever committed. What grows with the project (git-clean's
        status, that history walk) is left to its check when ``skipping`` names it."""
        git = self.git
        if not git.available:
            if meanwhile is not None:
                meanwhile()
            return
        path = str(self.credentials_path)
        git.ask_all(*FACTS, LISTING, *(BRANCHING if "git-clean" in skipping else [STATUS]),
                    ignore_rules(path), meanwhile=meanwhile)
        if not git.is_repo():
            return
        then = [peeled(self.tag_for(self.version))] if self.version else []
        if (branch := git.branch()) is not None and git.upstream() is None:
            then += [config_value(f"branch.{branch}.remote"),
                     config_value(f"branch.{branch}.merge")]
        if ("credentials-file-untracked" not in skipping and git.has_commits()
                and not git.tracks(self.credentials_path)):
            then.append(committed(path))
        git.ask_all(*then)

    @cached_property
    def is_git_repo(self) -> bool:
        return self.git.is_repo()

    @cached_property
    def layout(self) -> Layout:
        """Where the project's packages, readme and license files are, as its backend sees."""
        return load_layout(self.root)

    @cached_property
    def credentials_path(self) -> Path:
        return self.root / self.config.credentials_file

    @cached_property
    def token_lookup(self) -> TokenLookup:
        """The target's own secret, wherever it comes from (project/binding.py)."""
        return find_secret(self.target, self.credentials_path, self.environ, self.root)

    @cached_property
    def index_login(self) -> Login | None:
        """What reads the target's simple index and its files: the same secret the upload
        gets, sent to that index only; None (anonymous) for PyPI and TestPyPI."""
        return index_login(self.target, self.token_lookup.token)

    def snapshot(self) -> Snapshot:
        """The target index's listing of this release's project (its declared name and its
        dists' names), read at most once per run (dists/snapshot.py): index-version, its
        guard, index-diff and the upload plan all read this one. IndexQueryError (the same
        each time) when it cannot be read, offline, or when no simple index is known."""
        index = self.target.index_url
        if self.offline or index is None:
            why = ("--offline" if self.offline
                   else f"no simple index is known for {self.target.name}")
            raise IndexQueryError(f"the index was not asked ({why})",
                                  f"`{self.steps('verify')}` (not --offline) asks it")
        names = tuple(sorted({canonicalize_name(n) for n in (
            self.project_name, *(d.name for d in self.release_dists())) if n}))
        key = (index, names)
        if key not in self._snapshots:
            try:
                self._snapshots[key] = read_snapshot(index, names, login=self.index_login)
            except IndexQueryError as e:
                self._snapshots[key] = e
        read = self._snapshots[key]
        if isinstance(read, IndexQueryError):
            raise type(read)(read.message, read.hint)
        return read

    @cached_property
    def pypi_token_elsewhere(self) -> Token | None:
        """A PyPI token that exists while the target is a private index: never sent there."""
        return pypi_token_elsewhere(self.target, self.config.token_variable,
                                    self.credentials_path, self.environ, self.root)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every secret this run knows of, so that no message can ever show one."""
        found = (self.token_lookup.token, self.pypi_token_elsewhere)
        values = (*(t.value for t in found if t is not None), self.target.url_password,
                  self.target.pypirc_password)
        return tuple(dict.fromkeys(v for v in values if v))

    @cached_property
    def dists(self) -> dist_scan.DistScan:
        return dist_scan.scan(self.dist_dir or self.root / "dist")

    @cached_property
    def known_secrets(self) -> tuple[tuple[str, Secret], ...]:
        """The secret values dists-secrets looks for exactly, besides the known shapes:
        this run's own secret, and the credentials file's other values."""
        token = self.token_lookup.token
        values, _ = (read_env_file(self.credentials_path) if self.credentials_path.is_file()
                     else ({}, ""))
        others = [(v, Secret.CREDENTIALS_VALUE) for v in dict.fromkeys(values.values())
                  if token is None or v != token.value]
        return (*([(token.value, Secret.UPLOAD_TOKEN)] if token is not None else []), *others)

    def inventory(self, dist: dist_scan.Dist) -> Inventory:
        """The one pass over ``dist`` that every dist check reads from (made once).

        The first call reads every file of the release at once, each in its own worker
        (dists/inventory.py ``take_all``): a wheel and an sdist take the time of the larger
        one on two cores. Each pass still streams; memory stays flat.
        """
        if dist.path not in self._inventories:
            wanted = [d for d in {dist, *self.release_dists()}
                      if d.path not in self._inventories]
            passes = take_all([(d.path, d.kind == "sdist") for d in wanted], self.known_secrets)
            self._inventories.update(zip((d.path for d in wanted), passes, strict=True))
        return self._inventories[dist.path]

    @cached_property
    def version_source(self) -> VersionSource:
        return declared_version(self.config)

    @cached_property
    def project_name(self) -> str | None:
        if name := declared_name(self.config):  # [project], [tool.poetry] or setup.cfg
            return name
        names = {d.name for d in self.dists.dists}
        return names.pop() if len(names) == 1 else None

    @cached_property
    def version(self) -> str | None:
        """The version being released: the declared one, else the built dists' (dynamic)."""
        source = self.version_source
        if source.raw is not None and version_problem(source.raw) is None:
            return source.raw
        if source.dynamic:
            versions = {d.version for d in self.dists.of(self.project_name, None)}
            if len(versions) == 1:
                return versions.pop()
        return None

    @cached_property
    def parsed_version(self) -> Version | None:
        try:
            return Version(self.version) if self.version else None
        except ValueError:  # InvalidVersion, or a number past int's digit limit
            return None

    @cached_property
    def tag_format(self) -> TagFormat:
        """How this project names release tags: tag-format, else its existing tags' style."""
        return release_tag_format(self.config.tag_format, self.git, self.project_name)

    def tag_for(self, version: str) -> str:
        """The release tag of ``version`` (``X.Y.Z`` makes the one for hints)."""
        return self.tag_format.tag(version)

    @property
    def normalized_name(self) -> str | None:
        return canonicalize_name(self.project_name) if self.project_name else None

    def release_dists(self) -> list[dist_scan.Dist]:
        """The dists of this project and version: what publish would upload."""
        return self.dists.of(self.project_name, self.version)

    def shown(self, path: Path) -> str:
        """A path as the user would type it from the project root."""
        return shown(path, self.root)

"""Everything the checks look at, gathered lazily and at most once per run."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import Version

from publish_checks._text import NOX_STEPS, Steps, shown
from publish_checks.dists import scan as dist_scan
from publish_checks.dists.inventory import Inventory, take
from publish_checks.dists.readme import RstRenderer
from publish_checks.dists.secrets import PATTERNS, SecretPattern, exact
from publish_checks.project.config import Config, load_config
from publish_checks.project.credentials import Token, TokenLookup, find_token
from publish_checks.project.git import Git
from publish_checks.project.repository import Target, resolve_target
from publish_checks.project.version import VersionSource, declared_version, version_problem


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
    # How the user runs each step (nox -s build / publish-checks build), for every hint.
    steps: Steps = NOX_STEPS
    _inventories: dict[Path, Inventory] = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def load(cls, root: Path, repository: str | None, *, environ: Mapping[str, str],
             offline: bool = False, steps: Steps = NOX_STEPS) -> Context:
        """Read the configuration and resolve the target; ConfigError/UsageError on bad input."""
        env = dict(environ)
        root = root.resolve()
        config = load_config(root)
        target = resolve_target(repository or config.repository, config, env)
        return cls(root, config, target, offline=offline, environ=env, steps=steps)

    @cached_property
    def git(self) -> Git:
        return Git(self.root)

    @cached_property
    def is_git_repo(self) -> bool:
        return self.git.is_repo()

    @cached_property
    def credentials_path(self) -> Path:
        return self.root / self.config.credentials_file

    @cached_property
    def token_lookup(self) -> TokenLookup:
        lookup = find_token(self.target.token_variable, self.credentials_path, self.environ,
                            self.root)
        if self.target.url_password:  # written into --repository: the most explicit choice
            url_token = Token(self.target.url_password, "the password", "the repository URL")
            return dataclasses.replace(lookup, token=url_token, problem="")
        return lookup

    @cached_property
    def dists(self) -> dist_scan.DistScan:
        return dist_scan.scan(self.dist_dir or self.root / "dist")

    @cached_property
    def secret_patterns(self) -> tuple[SecretPattern, ...]:
        """What dists-secrets looks for: every known shape, and this run's own secret."""
        token = self.token_lookup.token
        own = exact(token.value) if token is not None else None
        return (*PATTERNS, *([own] if own is not None else []))

    def inventory(self, dist: dist_scan.Dist) -> Inventory:
        """The one pass over ``dist`` that every dist check reads from (made once)."""
        if dist.path not in self._inventories:
            self._inventories[dist.path] = take(dist.path, self.secret_patterns,
                                                blobs=dist.kind == "sdist")
        return self._inventories[dist.path]

    @cached_property
    def version_source(self) -> VersionSource:
        return declared_version(self.config)

    @cached_property
    def project_name(self) -> str | None:
        if self.config.project_name:
            return self.config.project_name
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

    @property
    def normalized_name(self) -> str | None:
        return canonicalize_name(self.project_name) if self.project_name else None

    def release_dists(self) -> list[dist_scan.Dist]:
        """The dists of this project and version: what publish would upload."""
        return self.dists.of(self.project_name, self.version)

    def shown(self, path: Path) -> str:
        """A path as the user would type it from the project root."""
        return shown(path, self.root)

"""Where a release goes: a named index, a .pypirc section, a declared repository or a URL."""

from __future__ import annotations

import configparser
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from publish_checks._errors import UsageError
from publish_checks._text import TextError, read_text, suggest
from publish_checks.project.config import Config

PYPI_UPLOAD_LIMIT = 100 * 1024 * 1024  # bytes; PyPI raises it per project on request
LOCAL_URL_VARIABLE = "PUBLISH_CHECKS_LOCAL_URL"  # set by the rehearse session for `local`


@dataclass(frozen=True)
class Target:
    """A resolved repository. ``index_url`` is its PEP 503 simple index, with a trailing slash."""

    name: str
    upload_url: str | None
    index_url: str | None
    username: str = "__token__"
    token_variable: str | None = None
    pypirc_password: bool = False
    # A password written into the URL (https://user:pw@host/). Kept out of the URL, out of
    # repr and out of every message; it reaches twine through its environment like a token.
    url_password: str = field(default="", repr=False, compare=False)

    @property
    def host(self) -> str:
        return urlsplit(self.upload_url or self.index_url or "").hostname or ""

    @property
    def token_host(self) -> str | None:
        """The host a ``pypi-`` token is minted for, or None for indexes that use passwords."""
        for host in ("test.pypi.org", "pypi.org"):
            if self.host in (host, f"upload.{host}") or self.host.endswith(f".{host}"):
                return host
        return None

    @property
    def is_local(self) -> bool:
        return self.name == "local"

    @property
    def upload_limit(self) -> int | None:
        return PYPI_UPLOAD_LIMIT if self.token_host else None

    def project_url(self, project: str, version: str) -> str | None:
        if self.token_host:
            return f"https://{self.token_host}/project/{project}/{version}/"
        return f"{self.index_url}{project}/" if self.index_url else None


def split_credentials(url: str) -> tuple[str, str | None, str]:
    """(the URL without user:password@, the user, the password) — secrets never stay in URLs."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url, None, ""
    netloc = parts.hostname or ""
    if parts.port is not None:
        netloc += f":{parts.port}"
    return parts._replace(netloc=netloc).geturl(), parts.username or None, parts.password or ""


def _default_variable(name: str, config: Config) -> str:
    if config.token_variable:
        return config.token_variable
    # A test.pypi.org URL takes a TestPyPI token, whatever the repository is called.
    testpypi = name == "testpypi" or urlsplit(name).hostname == "test.pypi.org"
    return "TEST_PYPI_API_KEY" if testpypi else "PYPI_API_KEY"


def index_url_for(upload_url: str) -> str:
    """Best guess at the simple index that serves what ``upload_url`` receives."""
    parts = urlsplit(upload_url)
    host = parts.hostname or ""
    if host == "upload.pypi.org":
        return "https://pypi.org/simple/"
    path = parts.path
    if path.rstrip("/").endswith("/legacy"):
        path = path.rstrip("/")[: -len("legacy")]
    if path.rstrip("/").endswith("/simple"):  # an index URL given: keep it, publish says 405
        path = path.rstrip("/")[: -len("simple")]
    base = parts._replace(path=path.rstrip("/") + "/", query="", fragment="").geturl()
    return base + "simple/"


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def pypirc_path(environ: Mapping[str, str]) -> Path:
    home = environ.get("HOME")
    return (Path(home) if home else Path.home()) / ".pypirc"


def _pypirc(environ: Mapping[str, str]) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser()
    path = pypirc_path(environ)
    if not path.exists() and not path.is_symlink():
        return parser
    hint = "fix or remove that file; publish-checks reads only its sections"
    try:
        parser.read_string(read_text(path, limit=1024 * 1024), str(path))
    except TextError as e:
        raise UsageError(f"{path} {e.problem}", hint) from None
    except configparser.Error as e:
        raise UsageError(f"cannot parse {path}: {e}", hint) from None
    return parser


def _pypirc_password(name: str, environ: Mapping[str, str]) -> bool:
    """Whether ~/.pypirc gives twine a password for the built-in index ``name``.

    Only a hint for credentials-source: a broken file is not our business for pypi.
    """
    try:
        return bool(_pypirc(environ).get(name, "password", fallback=""))
    except (UsageError, configparser.Error):
        return False


def resolve_target(name: str, config: Config, environ: Mapping[str, str]) -> Target:
    """Resolve a ``--repository`` value (SPEC §3); UsageError if nothing matches."""
    if name == "pypi":
        return Target("pypi", "https://upload.pypi.org/legacy/", "https://pypi.org/simple/",
                      token_variable=_default_variable(name, config),
                      pypirc_password=_pypirc_password(name, environ))
    if name == "testpypi":
        return Target("testpypi", "https://test.pypi.org/legacy/",
                      "https://test.pypi.org/simple/",
                      token_variable=_default_variable(name, config),
                      pypirc_password=_pypirc_password(name, environ))
    if name == "local":
        url = environ.get(LOCAL_URL_VARIABLE)
        if url:
            url = _with_slash(url)
            return Target("local", url, index_url_for(url), username="publish-checks")
        return Target("local", None, None, username="publish-checks")
    if name in config.repositories:
        repo = config.repositories[name]
        index_url = _with_slash(repo.index_url) if repo.index_url else None
        return Target(name, _with_slash(repo.upload_url),
                      index_url or index_url_for(repo.upload_url),
                      username=repo.username,
                      token_variable=repo.token_variable or _default_variable(name, config))
    if name.startswith(("https://", "http://")):
        clean, user, password = split_credentials(name)
        if not urlsplit(clean).hostname:
            raise UsageError(f"repository URL {clean!r} has no host",
                             "pass a full URL, e.g. https://host/legacy/")
        url = _with_slash(clean)
        return Target(url, url, index_url_for(url), username=user or "__token__",
                      token_variable=_default_variable(clean, config), url_password=password)
    pypirc = _pypirc(environ)
    if pypirc.has_section(name):
        url = pypirc.get(name, "repository", fallback=None)
        if not url:
            msg = f"section [{name}] of {pypirc_path(environ)} has no repository URL"
            raise UsageError(msg, f"add 'repository = https://…' to [{name}]")
        return Target(name, _with_slash(url), index_url_for(url),
                      username=pypirc.get(name, "username", fallback="__token__"),
                      token_variable=_default_variable(name, config),
                      pypirc_password=bool(pypirc.get(name, "password", fallback="")))
    known = ["pypi", "testpypi", "local", *config.repositories,
             *(s for s in pypirc.sections() if s != "distutils")]
    msg = f"unknown repository {name!r} (known: {', '.join(known)})"
    table = name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else "NAME"
    suggestion = f"{close} " if (close := suggest(name, known)) else ""
    hint = (f"{suggestion}pass an http(s) URL, or declare it as "
            f"[tool.publish-checks.repositories.{table}] with upload-url = \"...\" "
            "in pyproject.toml")
    raise UsageError(msg, hint)

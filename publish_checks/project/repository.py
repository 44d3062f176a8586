"""Where a release goes: a named index, a .pypirc section, a declared repository or a URL."""

from __future__ import annotations

import configparser
import re
from collections.abc import Mapping
from dataclasses import field
from pathlib import Path
from urllib.parse import urlsplit

from publish_checks._errors import UsageError
from publish_checks._record import Record, record
from publish_checks._text import TextError, read_text, suggest
from publish_checks.project import twine_conventions
from publish_checks.project.config import Config, RepositoryConfig
from publish_checks.project.credentials import redact
from publish_checks.project.urls import (
    EXAMPLE,
    ParsedUrl,
    UrlError,
    looks_like_url,
    parse_url,
    plain_http_elsewhere,
)

PYPI_UPLOAD_LIMIT = 100 * 1024 * 1024  # bytes; PyPI raises it per project on request
LOCAL_URL_VARIABLE = "PUBLISH_CHECKS_LOCAL_URL"  # set by the rehearse session for `local`
PYPI_INDEXES = {"pypi": ("pypi.org", "https://upload.pypi.org/legacy/"),
                "testpypi": ("test.pypi.org", "https://test.pypi.org/legacy/")}


@record
class Target(Record):
    """A resolved repository. ``index_url`` is its PEP 503 simple index, with a trailing slash.

    ``token_variable`` is the variable of its ``pypi-`` token (PyPI and TestPyPI), or the one
    declared for a private index; a private index never gets PyPI's. Its own passwords — one
    written into its URL (https://user:pw@host/), one in its ~/.pypirc section — are kept out
    of the URL, out of repr and out of every message; they reach the uploader through
    its environment like a token.
    """

    name: str
    upload_url: str | None
    index_url: str | None
    username: str = "__token__"
    token_variable: str | None = None
    pypirc_password: str = field(default="", repr=False, compare=False)
    url_password: str = field(default="", repr=False, compare=False)
    pypirc_section: str = ""  # the ~/.pypirc section its password comes from

    @property
    def host(self) -> str:
        return urlsplit(self.upload_url or self.index_url or "").hostname or ""

    @property
    def token_host(self) -> str | None:
        """The host a ``pypi-`` token is minted for, or None for indexes that use passwords."""
        return pypi_host(self.host)

    @property
    def plain_http(self) -> bool:
        """Whether its upload URL would carry credentials unencrypted beyond this machine."""
        return plain_http_elsewhere(self.upload_url)

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


def pypi_host(host: str) -> str | None:
    """pypi.org or test.pypi.org when ``host`` is one of theirs, else None."""
    for pypi in ("test.pypi.org", "pypi.org"):
        if host in (pypi, f"upload.{pypi}") or host.endswith(f".{pypi}"):
            return pypi
    return None


def _parsed(url: str, where: str) -> ParsedUrl:
    """``url`` parsed, or the usage error that says which part is wrong (never the URL)."""
    try:
        return parse_url(url)
    except UrlError as e:
        raise UsageError(f"{where} {e.problem}",
                         f"write the upload URL in full, e.g. {EXAMPLE}") from None


def _declared(upload_url: str, config: Config) -> RepositoryConfig | None:
    """The repository declared in pyproject.toml that uploads to ``upload_url``, if any: a
    URL or a ~/.pypirc section naming it gets its username and token-variable."""
    for repo in config.repositories.values():
        try:
            if _with_slash(parse_url(repo.upload_url).url) == upload_url:
                return repo
        except UrlError:  # reported when that repository is the target
            continue
    return None


def _variable(host: str, declared: RepositoryConfig | None, config: Config) -> str | None:
    """The variable of the target's own secret: its declared token-variable, else PyPI's
    for pypi.org and test.pypi.org, else none (a private index never gets PyPI's)."""
    if declared is not None and declared.token_variable:
        return declared.token_variable
    return _pypi_variable(pypi_host(host), config)


def _pypi_variable(host: str | None, config: Config) -> str | None:
    """The variable that holds the pypi- token for ``host``; None when it is not PyPI's."""
    if host is None:
        return None
    if config.token_variable:
        return config.token_variable
    return "TEST_PYPI_API_KEY" if host == "test.pypi.org" else "PYPI_API_KEY"


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
        raise UsageError(f"cannot parse {path}: {_parse_problem(e)}", hint) from None
    return parser


def _parse_problem(e: configparser.Error) -> str:
    """What is wrong in ~/.pypirc, by line number: the line itself may hold a password."""
    if isinstance(e, configparser.MissingSectionHeaderError):
        return f"line {e.lineno} comes before the first [section]"
    if isinstance(e, configparser.DuplicateSectionError):
        return f"line {e.lineno} repeats the section [{e.section}]"
    if isinstance(e, configparser.DuplicateOptionError):
        return f"line {e.lineno} repeats '{e.option}' in [{e.section}]"
    if isinstance(e, configparser.ParsingError) and e.errors:
        return f"line {e.errors[0][0]} is neither a [section] nor 'key = value'"
    return type(e).__name__


def _pypirc_password(name: str, environ: Mapping[str, str]) -> str:
    """The password ~/.pypirc gives the uploader for the built-in index ``name``, or ''.

    A broken file is not our business for pypi: it simply holds no password.
    """
    try:
        return _pypirc(environ).get(name, "password", fallback="")
    except (UsageError, configparser.Error):
        return ""


def choose_repository(given: str | None, config: Config,
                      environ: Mapping[str, str]) -> tuple[str, str]:
    """(the repository this run targets, what named it): ``--repository``, else the
    configuration's ``repository``, else twine_conventions.TARGET_VARIABLES (SPEC §3), else
    pypi."""
    if given:
        return given, "--repository"
    if config.repository:
        return config.repository, "[tool.publish-checks] repository"
    for variable in twine_conventions.TARGET_VARIABLES:
        if value := environ.get(variable, "").strip():
            return value, variable
    return "pypi", "the default"


def resolve_target(name: str, config: Config, environ: Mapping[str, str], *,
                   named_by: str = "--repository") -> Target:
    """Resolve a repository name or URL (SPEC §3); UsageError if nothing matches.

    ``named_by`` says where the name came from, for the error messages.
    """
    if name in PYPI_INDEXES:
        host, upload_url = PYPI_INDEXES[name]
        return Target(name, upload_url, f"https://{host}/simple/",
                      token_variable=_pypi_variable(host, config),
                      pypirc_password=_pypirc_password(name, environ), pypirc_section=name)
    if name == "local":
        url = environ.get(LOCAL_URL_VARIABLE)
        if url:
            url = _with_slash(url)
            return Target("local", url, index_url_for(url), username="publish-checks")
        return Target("local", None, None, username="publish-checks")
    if name in config.repositories:
        repo = config.repositories[name]
        where = f"upload-url of [tool.publish-checks.repositories.{name}]"
        upload = _parsed(repo.upload_url, where)
        index_url = _with_slash(repo.index_url) if repo.index_url else None
        return Target(name, _with_slash(upload.url), index_url or index_url_for(upload.url),
                      username=upload.user or repo.username,
                      token_variable=_variable(upload.host, repo, config),
                      url_password=upload.password)
    if looks_like_url(name):
        where = {"--repository": "the --repository URL",
                 twine_conventions.REPOSITORY_URL: twine_conventions.REPOSITORY_URL}.get(
                     named_by, f"the repository URL of {named_by}")
        parsed = _parsed(name, where)
        url = _with_slash(parsed.url)
        declared = _declared(url, config)
        return Target(url, url, index_url_for(url),
                      username=parsed.user or (declared.username if declared else "__token__"),
                      token_variable=_variable(parsed.host, declared, config),
                      url_password=parsed.password)
    if named_by == twine_conventions.REPOSITORY_URL:
        raise UsageError(f"{twine_conventions.REPOSITORY_URL} is not a URL",
                         f"set it to an upload URL such as {EXAMPLE}, or unset it")
    pypirc = _pypirc(environ)
    if pypirc.has_section(name):
        return _pypirc_target(name, pypirc, config, environ)
    raise _unknown(name, named_by, config, pypirc)


def _pypirc_target(name: str, pypirc: configparser.RawConfigParser, config: Config,
                   environ: Mapping[str, str]) -> Target:
    path = pypirc_path(environ)
    url = pypirc.get(name, "repository", fallback=None)
    if not url:
        msg = f"section [{name}] of {path} has no repository URL"
        raise UsageError(msg, f"add 'repository = https://…' to [{name}]")
    parsed = _parsed(url, f"the repository of [{name}] in {path}")
    upload = _with_slash(parsed.url)
    declared = _declared(upload, config)
    return Target(name, upload, index_url_for(upload),
                  username=(pypirc.get(name, "username", fallback="") or parsed.user
                            or (declared.username if declared else "__token__")),
                  token_variable=_variable(parsed.host, declared, config),
                  pypirc_password=pypirc.get(name, "password", fallback=""),
                  url_password=parsed.password, pypirc_section=name)


def _unknown(name: str, named_by: str, config: Config,
             pypirc: configparser.RawConfigParser) -> UsageError:
    known = ["pypi", "testpypi", "local", *config.repositories,
             *(s for s in pypirc.sections() if s != "distutils")]
    shown = redact(name)
    origin = "" if named_by == "--repository" else f" (from {named_by})"
    if "@" in name:  # user:password@host without its https://: never echoed
        return UsageError(f"{named_by} is neither a repository name nor a URL",
                          f"write the upload URL in full, e.g. {EXAMPLE}")
    msg = f"unknown repository {shown!r}{origin} (known: {', '.join(known)})"
    if shown != name:  # a token pasted into the wrong place
        return UsageError(msg, "that is an API token, not a repository: pass it in the token "
                          f"variable (PYPI_API_KEY) or {twine_conventions.PASSWORD}, never on a "
                          "command line; it may be in your shell history now, so consider "
                          "revoking it")
    table = name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else "NAME"
    suggestion = f"{close} " if (close := suggest(name, known)) else ""
    hint = (f"{suggestion}pass an http(s) URL, or declare it as "
            f"[tool.publish-checks.repositories.{table}] with upload-url = \"...\" "
            "in pyproject.toml")
    return UsageError(msg, hint)

"""The questions a run asks git, by name (project/git.py asks them; Context.ask_git asks
the checks' at once), and which git commands are questions at all: the answers of those
may be kept for a run, any other command drops them."""

from __future__ import annotations

#: The git commands that only read: :meth:`Git.ask` may keep their answers, and running one
#: keeps those kept. Any other command drops them all (``config`` and ``remote`` read only as
#: asked here: ``config --get``, ``remote``, ``remote get-url``; nor ``tag`` but as
#: ``tag --list`` and ``tag --points-at``; nor ``symbolic-ref`` but with one name, no -d:
#: :func:`reads`).
READING = frozenset({"rev-parse", "cat-file", "ls-files", "ls-tree", "log",
                     "diff", "status", "check-ignore", "for-each-ref", "rev-list", "describe",
                     "show", "--version"})


# The questions about the repository its methods ask, named: Context.ask_git asks them all
# at once before the checks run.
WORK_TREE = ("rev-parse", "--is-inside-work-tree", "--show-toplevel")
HEAD_COMMIT = ("rev-parse", "-q", "--verify", "HEAD")
BRANCH = ("symbolic-ref", "--short", "-q", "HEAD")
UPSTREAM = ("rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}")
REMOTES = ("remote",)
#: git-clean's: every change below the project folder, untracked files one by one; its
#: header lines (``--branch``) answer HEAD_COMMIT, BRANCH, UPSTREAM and the ahead/behind
#: counts too, so a run that asks it asks those in the same process (project/git.py).
STATUS = ("status", "--porcelain=v2", "--branch", "-z", "--untracked-files=all", "--", ".")
HEAD_TREE = ("ls-tree", "-r", "-z", "HEAD")
TRACKED = ("ls-files", "-z", "--")
TRACKED_IGNORED = ("ls-files", "-z", "--cached", "--ignored", "--exclude-standard")
VERSION = ("--version",)
#: What a run of the checks asks of the repository, asked at once: FACTS, and either
#: git-clean's STATUS or, when that check is skipped (its time grows with the untracked
#: files: --skip spares it), the BRANCHING questions its header lines would have answered.
FACTS = (WORK_TREE, REMOTES, HEAD_TREE, TRACKED, TRACKED_IGNORED, VERSION)
BRANCHING = (HEAD_COMMIT, BRANCH, UPSTREAM)


_HEADER = "# branch."


def status_headers(output: str) -> dict[str, str]:
    """STATUS's ``# branch.<key> <value>`` lines, by key: ``oid`` (HEAD's commit, or
    ``(initial)``), ``head`` (the branch, or ``(detached)``), ``upstream`` (when one is
    configured) and ``ab`` (``+ahead -behind``, only when that upstream was fetched)."""
    headers: dict[str, str] = {}
    start = 0
    while output.startswith(_HEADER, start):  # they come first: the entries are not read
        end = output.find("\0", start)
        end = len(output) if end < 0 else end
        key, _, value = output[start + len(_HEADER):end].partition(" ")
        headers[key] = value
        start = end + 1
    return headers


def ignore_rules(path: str) -> tuple[str, ...]:
    """Whether the ignore rules match ``path`` (status 0), tracked or not (--no-index)."""
    return ("check-ignore", "-q", "--no-index", "--", path)


def tracking(path: str) -> tuple[str, ...]:
    """Whether git tracks ``path`` (status 0), staged in a repository without commits too."""
    return ("ls-files", "--error-unmatch", "--", path)


def committed(path: str) -> tuple[str, ...]:
    """The latest commit, on any ref, that holds ``path`` (not the one deleting it)."""
    return ("log", "--all", "--format=%h", "--diff-filter=ACMRT", "-1", "--", path)


def peeled(tag: str) -> tuple[str, ...]:
    """The object ``tag`` names with every tag object peeled off (``^{}``)."""
    return ("rev-parse", "-q", "--verify", f"refs/tags/{tag}^{{}}")


def config_value(key: str) -> tuple[str, ...]:
    return ("config", "--get", key)


def destination_questions(branch: str) -> tuple[tuple[str, ...], ...]:
    """What Git.branch_destination asks to tell where a push of ``branch`` goes."""
    return (*(config_value(key) for key in (f"branch.{branch}.remote",
                                            f"branch.{branch}.pushRemote",
                                            "remote.pushDefault", f"branch.{branch}.merge")),
            REMOTES)


def reads(args: tuple[str, ...]) -> bool:
    """Whether ``git ARGS`` only reads the repository (it changes no answer of ask())."""
    return bool(args) and (args[0] in READING or args[:2] == ("config", "--get")
                           or (args[0] == "symbolic-ref" and _reads_ref(args[1:]))
                           or args == ("remote",) or args[:2] == ("remote", "get-url")
                           or args[:2] in (("tag", "--list"), ("tag", "--points-at")))


def _reads_ref(args: tuple[str, ...]) -> bool:
    """Whether ``git symbolic-ref ARGS`` reads the ref: one name, no -d/--delete (a second
    name, or -m's reason, sets it)."""
    names = [a for a in args if not a.startswith("-")]
    return len(names) <= 1 and not {"-d", "--delete"} & set(args)

"""The tag-format setting's rules (SPEC §3 ``tag-format``): its one placeholder, and the ref
names git takes. Read with the configuration (project/config.py checks a format once), so
it needs nothing else: project/tags.py reads the repository's tags with it.
"""

from __future__ import annotations

PLACEHOLDER = "{version}"
DEFAULT = "v{version}"
#: The version a format is tried with, for the ref-name rules and in hints.
SAMPLE = "1.2.0"

# What git refuses in a ref name (git check-ref-format), and '\\' which it refuses too.
_REFUSED = {" ": "a space", "~": "'~'", "^": "'^'", ":": "':'", "?": "'?'", "*": "'*'",
            "[": "'['", "\\": "a backslash"}


def format_problem(value: str) -> tuple[str, str] | None:
    """Why ``value`` cannot be a tag-format (what is wrong, the fix); None when it can."""
    fix = 'write it as tag-format = "v{version}" (or "{version}", "NAME-{version}")'
    count = value.count(PLACEHOLDER)
    if count != 1:
        return (f"must hold {PLACEHOLDER} exactly once, not {count} times: {value!r}", fix)
    rest = value.replace(PLACEHOLDER, "")
    if "{" in rest or "}" in rest:
        return (f"holds a brace besides {PLACEHOLDER}: {value!r} (the only placeholder is "
                f"{PLACEHOLDER})", fix)
    tag = value.replace(PLACEHOLDER, SAMPLE)
    why = ref_problem(tag)
    if why is not None:
        return f"makes tags git refuses ({tag!r} {why}): {value!r}", fix
    return None


def ref_problem(tag: str) -> str | None:
    """Why git would refuse ``tag`` as a tag name (git check-ref-format's rules, and
    ``git tag``'s own: no leading '-'); None when it takes it."""
    for char in tag:
        if char in _REFUSED:
            return f"holds {_REFUSED[char]}"
        if ord(char) < 0o40 or ord(char) == 0o177:
            return "holds a control character"
    if tag.startswith("-"):
        return "starts with '-'"
    if "@{" in tag or tag == "@":
        return "holds '@{'" if "@{" in tag else "is '@'"
    if ".." in tag or "//" in tag:
        return "holds '..'" if ".." in tag else "holds '//'"
    if tag.startswith("/") or tag.endswith(("/", ".")):
        return "starts with '/'" if tag.startswith("/") else f"ends with {tag[-1]!r}"
    for part in tag.split("/"):
        if part.startswith(".") or part.endswith(".lock"):
            return "has a part that starts with '.'" if part.startswith(".") else \
                "has a part that ends with '.lock'"
    return None

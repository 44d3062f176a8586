"""The part of the smoke script (release/smoke_script.py) that finds the release's console
and GUI entry points in the fresh virtualenv: read from its ``.dist-info`` as
importlib.metadata reads them, without importing importlib.metadata (and email with it),
which was half of the script's start; an ``.egg-info`` still goes through
importlib.metadata. It defines ``release_entry_points()`` (None: the release is not
installed), using the script's ``canonical`` and ``plan``. Python 3.8 syntax.
"""

from __future__ import annotations

ENTRY_POINT_READER = """\
# The release's entry points, read from its .dist-info as importlib.metadata reads them,
# without importing importlib.metadata (and email with it): that was half of this script's
# start. Anything else (an .egg-info) goes through importlib.metadata.
ENTRY_POINT = re.compile(r"(?P<module>[\\w.]+)\\s*(:\\s*(?P<attr>[\\w.]+)\\s*)?"
                         r"((?P<extras>\\[.*\\])\\s*)?$")

class EntryPoint:
    def __init__(self, group, name, value):
        self.group, self.name, self.value = group, name, value

    def load(self):
        match = ENTRY_POINT.match(self.value)
        module = importlib.import_module(match.group("module"))
        return functools.reduce(getattr, filter(None, (match.group("attr") or "").split(".")),
                                module)

def header_name(folder):  # the Name of a .dist-info's METADATA, "" if it has none
    try:
        with open(os.path.join(folder, "METADATA"), encoding="utf-8") as lines:
            for line in lines:
                if not line.strip():
                    break
                key, colon, value = line.partition(":")
                if colon and key.strip().lower() == "name":
                    return value.strip()
    except (OSError, UnicodeDecodeError):
        pass
    return ""

def entry_points(folder):  # its entry_points.txt: [EntryPoint], in the file's order
    found, group = [], None
    try:
        with open(os.path.join(folder, "entry_points.txt"), encoding="utf-8") as given:
            text = given.read()
    except OSError:
        return found
    for line in map(str.strip, text.splitlines()):
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            group = line.strip("[]")
        elif group is not None:
            name, _, value = line.partition("=")
            found.append(EntryPoint(group, name.strip(), value.strip()))
    return found

def release_entry_points():  # None: not installed
    for entry in sys.path:
        try:
            names = sorted(os.listdir(entry or "."))
        except OSError:
            continue
        for name in names:
            folder = os.path.join(entry or ".", name)
            if name.endswith(".dist-info") and canonical(header_name(folder)) == plan["project"]:
                return entry_points(folder)
    from importlib import metadata  # no .dist-info names it: an .egg-info, say
    found = [d for d in metadata.distributions()
             if canonical(d.metadata.get("Name")) == plan["project"]]
    return list(found[0].entry_points) if found else None

"""

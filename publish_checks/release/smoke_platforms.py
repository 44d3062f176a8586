"""The part of the smoke script (release/smoke_script.py) that knows other platforms: the
modules only some platforms' Python has, the system libraries ctypes names for another
platform, and the words of a module's name that name one. With them the script tells a
module guarded for another platform from a broken one. It uses the script's ``STDLIB``,
``re``, ``os`` and ``sys``. Python 3.8 syntax.
"""

from __future__ import annotations

PLATFORM_RULES = """\
# What only some platforms' Python has (or a Windows-only distribution provides).
PLATFORM_MODULES = {
    "msvcrt", "winreg", "_winreg", "_winapi", "winsound", "nt", "_overlapped", "_msi",
    "msilib", "_wmi", "fcntl", "termios", "tty", "pty", "grp", "pwd", "resource", "posix",
    "_posixsubprocess", "syslog", "crypt", "spwd", "nis", "ossaudiodev", "readline",
    "curses", "_curses", "win32api", "win32con", "win32file", "win32event", "win32process",
    "win32pipe", "win32security", "win32gui", "win32com", "pywintypes", "pythoncom",
    "winerror", "AppKit", "Foundation", "objc"}
CTYPES_MISSING = re.compile(r"module 'ctypes(\\.wintypes)?' has no attribute ")
# A system library of another platform, as ctypes names it when it cannot load one.
LIBRARIES = {"win32": r"\\.so\\b|\\.dylib\\b|\\.framework\\b|^/System/Library/",
             "darwin": r"\\.so\\b|\\.dll\\b"}
OTHER_LIBRARY = re.compile(LIBRARIES.get(sys.platform, r"\\.dll\\b|\\.dylib\\b|\\.framework\\b"
                                         r"|/System/Library/"), re.IGNORECASE)
CTYPES = os.path.join(STDLIB, "ctypes", "")
# A word of a module's name that names another platform (paramiko.win_pageant,
# watchdog.observers.kqueue, keyring.backends.macOS.api, send2trash.win): whatever such a
# module raises here, users of this platform do not import it.
PLATFORM_WORDS = {"windows": {"win", "windows", "winapi", "wintypes", "nt", "mswindows"},
                  "darwin": {"macos", "osx", "darwin", "cocoa", "fsevents"},
                  "bsd": {"kqueue", "bsd", "freebsd", "openbsd", "netbsd"},
                  "java": {"java", "jython"}, "emscripten": {"emscripten", "pyodide"}}
HERE = {"win32": "windows", "darwin": "darwin"}.get(
    sys.platform, "bsd" if "bsd" in sys.platform else sys.platform)
OTHER_WORDS = set().union(*(words for where, words in PLATFORM_WORDS.items()
                            if where != HERE and not (HERE == "darwin" and where == "bsd")))

"""

"""The comparison, hash and repr of a frozen dataclass, written once for all of them.

``@dataclass(frozen=True)`` makes each class's ``__eq__``, ``__hash__`` and ``__repr__`` by
compiling their source apart (Python 3.11: six ``exec`` calls a class); the ~60 records
``verify`` loads spent ~25 ms of its run so. A record declared
``@dataclass(frozen=True, eq=False, repr=False)`` on :class:`Record` gets the three from
here instead, with the same results: equal when of the same class with equal compared
fields, the hash of those fields' tuple, ``Name(field=value, ...)`` of the repr fields.
"""

from __future__ import annotations

import dataclasses
import reprlib

_COMPARED: dict[type, tuple[str, ...]] = {}
_HASHED: dict[type, tuple[str, ...]] = {}
_SHOWN: dict[type, tuple[str, ...]] = {}


def _names(cls: type, table: dict[type, tuple[str, ...]], kind: str) -> tuple[str, ...]:
    """The names of ``cls``'s fields that take part in ``kind``, worked out once a class."""
    names = table.get(cls)
    if names is None:
        fields = dataclasses.fields(cls)
        if kind == "hash":
            names = tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))
        else:
            names = tuple(f.name for f in fields if getattr(f, kind))
        table[cls] = names
    return names


class Record:
    """The base of a frozen dataclass made with ``eq=False, repr=False``: what
    ``dataclass`` would generate for them, the same for every record."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        names = _names(self.__class__, _COMPARED, "compare")
        return tuple(getattr(self, n) for n in names) == tuple(getattr(other, n) for n in names)

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, n) for n in _names(self.__class__, _HASHED, "hash")))

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        shown = _names(self.__class__, _SHOWN, "repr")
        values = ", ".join(f"{n}={getattr(self, n)!r}" for n in shown)
        return f"{self.__class__.__qualname__}({values})"

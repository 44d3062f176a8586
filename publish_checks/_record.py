"""Frozen records whose methods are written once for all of them, not compiled per class.

``@dataclass(frozen=True)`` makes each class's ``__init__``, ``__setattr__``,
``__delattr__``, ``__eq__``, ``__hash__`` and ``__repr__`` by compiling their source apart
(Python 3.11: one ``exec`` each); the ~60 records ``verify`` loads spent ~25 ms of its run
so. A class declared ``@record`` on :class:`Record` is a dataclass all the same (its
fields, ``dataclasses.fields``, ``replace`` and ``field(...)`` options are dataclass's), and
gets those six methods from here, with dataclass's results: built from its fields' values
positionally or by name, defaults and factories applied in field order; frozen
(``FrozenInstanceError``); equal when of the same class with equal compared fields; the
hash of those fields' tuple; ``Name(field=value, ...)`` of the repr fields.
"""

from __future__ import annotations

import dataclasses
import reprlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # Python 3.11's typing has it; the checker reads it from its stubs
    from typing_extensions import dataclass_transform
else:
    def dataclass_transform(**_: object) -> Callable[[Any], Any]:
        return lambda decorated: decorated

_Class = TypeVar("_Class", bound=type)
_UNSET = dataclasses.MISSING


class _Plan:
    """What a record class's ``__init__`` and comparisons read of its fields, worked out
    once a class: every field in order (name, default, factory, whether it is an argument),
    the names the positional arguments give in turn (kw_only fields last, as dataclass
    orders them), ``__post_init__``, and the compared, hashed and shown names."""

    __slots__ = ("by_name", "compared", "fields", "hashed", "positional", "post_init", "shown",
                 "simple")

    def __init__(self, cls: type) -> None:
        fields = dataclasses.fields(cls)
        self.fields = tuple((f.name, f.default, f.default_factory, f.init) for f in fields)
        self.positional = tuple(f.name for f in fields if f.init and not f.kw_only)
        self.by_name = frozenset(f.name for f in fields if f.init)
        self.post_init = getattr(cls, "__post_init__", None)
        # Every field a positional argument, nothing to run after: a call with all of them
        # in order is the whole of __init__.
        self.simple = len(self.positional) == len(fields) and self.post_init is None
        self.compared = tuple(f.name for f in fields if f.compare)
        self.hashed = tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))
        self.shown = tuple(f.name for f in fields if f.repr)


_PLANS: dict[type, _Plan] = {}


def _plan(cls: type) -> _Plan:
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = _Plan(cls)
    return plan


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def record(cls: _Class) -> _Class:
    """``cls`` (a :class:`Record`) made a dataclass with nothing compiled for it."""
    if not issubclass(cls, Record):
        raise TypeError(f"@record needs a Record: {cls.__qualname__} is not one")
    dataclasses.dataclass(cls, init=False, repr=False, eq=False)  # fields only: no exec
    return cls


class Record:
    """The base of a ``@record`` class: what ``@dataclass(frozen=True)`` would generate for
    it, the same for every record."""

    __slots__ = ()

    if not TYPE_CHECKING:  # the checker reads each record's own signature (@record)
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            plan = _plan(self.__class__)
            if plan.simple and not kwargs and len(args) == len(plan.positional):
                self.__dict__.update(zip(plan.positional, args, strict=True))
                return
            name_of = self.__class__.__qualname__
            if len(args) > len(plan.positional):
                raise TypeError(f"{name_of}() takes {len(plan.positional)} positional "
                                f"arguments but {len(args)} were given")
            given = dict(zip(plan.positional, args, strict=False))  # fewer args: the rest by name
            for name in kwargs:
                if name in given:
                    raise TypeError(f"{name_of}() got multiple values for argument {name!r}")
                if name not in plan.by_name:
                    raise TypeError(f"{name_of}() got an unexpected keyword argument {name!r}")
            given.update(kwargs)
            values = {}  # in field order, each factory called in turn, as dataclass does
            for name, default, factory, argument in plan.fields:
                if argument and name in given:
                    values[name] = given[name]
                elif factory is not _UNSET:
                    values[name] = factory()
                elif not argument:  # its plain default is read from the class, as dataclass
                    continue        # leaves it
                elif default is not _UNSET:
                    values[name] = default
                else:
                    raise TypeError(f"{name_of}() missing required argument: {name!r}")
            self.__dict__.update(values)
            if plan.post_init is not None:
                plan.post_init(self)

        def __setattr__(self, name: str, value: object) -> None:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")

        def __delattr__(self, name: str) -> None:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        names = _plan(self.__class__).compared
        return tuple(getattr(self, n) for n in names) == tuple(getattr(other, n) for n in names)

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, n) for n in _plan(self.__class__).hashed))

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        values = ", ".join(f"{n}={getattr(self, n)!r}" for n in _plan(self.__class__).shown)
        return f"{self.__class__.__qualname__}({values})"

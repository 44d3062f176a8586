"""publish_checks._record: a Record's comparison, hash and repr are those dataclass makes."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pytest

from publish_checks._record import Record


@dataclass(frozen=True)
class Made:
    name: str
    size: int = 0
    secret: str = field(default="", repr=False)
    note: str = field(default="", compare=False)
    parts: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False, repr=False)
class Kept(Record):
    name: str
    size: int = 0
    secret: str = field(default="", repr=False)
    note: str = field(default="", compare=False)
    parts: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False, repr=False)
class Other(Record):
    name: str
    size: int = 0
    secret: str = field(default="", repr=False)
    note: str = field(default="", compare=False)
    parts: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False, repr=False)
class Child(Kept):
    extra: str = "x"


CASES = [("a", 1, "tok", "n", ("p",)), ("a", 1, "tok", "other note", ("p",)),
         ("a", 2, "tok", "n", ()), ("b", 1, "", "", ("p", "q"))]


@pytest.mark.parametrize("one", CASES)
@pytest.mark.parametrize("two", CASES)
def test_equality_and_hash_are_the_dataclass_ones(one: tuple[object, ...],
                                                  two: tuple[object, ...]) -> None:
    """Two records are equal, and hash alike, exactly when dataclass's methods say so."""
    made = (Made(*one) == Made(*two), hash(Made(*one)) == hash(Made(*two)))  # type: ignore[arg-type]
    kept = (Kept(*one) == Kept(*two), hash(Kept(*one)) == hash(Kept(*two)))  # type: ignore[arg-type]
    assert kept == made
    assert hash(Kept(*one)) == hash(Made(*one))  # type: ignore[arg-type]


def test_records_of_other_classes_are_not_equal() -> None:
    """Equal fields of two classes do not make equal records, as in a dataclass."""
    assert Kept("a") != Other("a")
    assert Kept("a") != ("a", 0, "", "", ())
    assert Kept("a").__eq__(Other("a")) is NotImplemented


def test_repr_is_the_dataclass_one_and_hides_repr_false_fields() -> None:
    """The repr names the class and its repr fields: a repr=False field (a token) is not shown."""
    shown = repr(Kept("a", 1, "pypi-secret", "n", ("p",)))
    assert shown == repr(Made("a", 1, "pypi-secret", "n", ("p",))).replace("Made", "Kept")
    assert "pypi-secret" not in shown
    assert repr(Child("a")) == "Child(name='a', size=0, note='', parts=(), extra='x')"


def test_a_subclass_compares_its_own_fields_too() -> None:
    """A subclass's added fields take part in its comparison and hash."""
    assert Child("a", extra="x") != Child("a", extra="y")
    assert Child("a") == Child("a")
    assert hash(Child("a")) == hash(("a", 0, "", (), "x"))


def test_a_record_stays_frozen_and_replaceable() -> None:
    """Assigning a field still raises FrozenInstanceError; dataclasses.replace still works."""
    record = Kept("a")
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.name = "b"  # type: ignore[misc]
    assert dataclasses.replace(record, size=3) == Kept("a", 3)

"""publish_checks._record: a record is built, frozen, compared, hashed and shown as a
dataclass is."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pytest

from publish_checks._record import Record, record


@dataclass(frozen=True)
class Made:
    name: str
    size: int = 0
    secret: str = field(default="", repr=False)
    note: str = field(default="", compare=False)
    parts: tuple[str, ...] = ()


@record
class Kept(Record):
    name: str
    size: int = 0
    secret: str = field(default="", repr=False)
    note: str = field(default="", compare=False)
    parts: tuple[str, ...] = ()


@record
class Other(Record):
    name: str
    size: int = 0
    secret: str = field(default="", repr=False)
    note: str = field(default="", compare=False)
    parts: tuple[str, ...] = ()


@record
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


@dataclass(frozen=True)
class MadeFull:
    name: str
    size: int = 0
    tags: list[str] = field(default_factory=list)
    seen: list[str] = field(default_factory=lambda: ["x"], init=False)
    fixed: int = field(default=7, init=False)
    flag: bool = field(default=False, kw_only=True)


@record
class KeptFull(Record):
    name: str
    size: int = 0
    tags: list[str] = field(default_factory=list)
    seen: list[str] = field(default_factory=lambda: ["x"], init=False)
    fixed: int = field(default=7, init=False)
    flag: bool = field(default=False, kw_only=True)


CALLS: list[tuple[tuple[object, ...], dict[str, object]]] = [
    (("a",), {}), (("a", 2), {}), (("a", 2, ["t"]), {}), ((), {"name": "a", "size": 3}),
    (("a",), {"flag": True, "tags": ["u"]}),
]


@pytest.mark.parametrize(("args", "kwargs"), CALLS)
def test_a_record_is_built_as_dataclass_builds_it(args: tuple[object, ...],
                                                  kwargs: dict[str, object]) -> None:
    """Positional, keyword, default, factory, init=False and kw_only fields get the values
    dataclass's __init__ gives them."""
    made, kept = MadeFull(*args, **kwargs), KeptFull(*args, **kwargs)  # type: ignore[arg-type]
    assert vars(kept) == vars(made)
    assert list(vars(kept)) == list(vars(made))  # in field order
    assert KeptFull("a").tags is not KeptFull("a").tags  # a new list from each factory call


@pytest.mark.parametrize(("args", "kwargs", "said"), [
    (("a", 1, [], True), {}, "takes 3 positional arguments but 4 were given"),
    (("a",), {"colour": 1}, "unexpected keyword argument 'colour'"),
    (("a",), {"name": "b"}, "multiple values for argument 'name'"),
    ((), {"size": 1}, "missing required argument: 'name'"),
    (("a",), {"seen": []}, "unexpected keyword argument 'seen'"),
])
def test_a_wrong_call_raises_type_error_as_dataclass_does(
        args: tuple[object, ...], kwargs: dict[str, object], said: str) -> None:
    """A call dataclass's __init__ refuses, ours refuses too, with TypeError naming why."""
    with pytest.raises(TypeError):
        MadeFull(*args, **kwargs)  # type: ignore[arg-type, misc]
    with pytest.raises(TypeError, match=said):
        KeptFull(*args, **kwargs)  # type: ignore[arg-type, misc]


def test_a_record_is_a_frozen_dataclass_with_no_method_of_its_own() -> None:
    """fields() and replace() work, assigning or deleting any attribute raises
    FrozenInstanceError, and @record compiled no method into the class."""
    kept = KeptFull("a", 1)
    assert [f.name for f in dataclasses.fields(kept)] == [
        f.name for f in dataclasses.fields(MadeFull)]
    assert dataclasses.replace(kept, size=5) == KeptFull("a", 5)
    with pytest.raises(ValueError, match="init=False"):
        dataclasses.replace(kept, fixed=1)
    for attribute in ("name", "other"):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(kept, attribute, "b")
        with pytest.raises(dataclasses.FrozenInstanceError):
            delattr(kept, attribute)
    own = set(vars(KeptFull))
    assert not own & {"__init__", "__setattr__", "__delattr__", "__eq__", "__hash__",
                      "__repr__"}


def test_post_init_runs_after_the_fields_are_set() -> None:
    """A record's __post_init__ runs once, after every field has its value."""
    seen: list[tuple[str, int]] = []

    @record
    class Checked(Record):
        name: str
        size: int = 1

        def __post_init__(self) -> None:
            seen.append((self.name, self.size))

    Checked("a")
    Checked("b", size=2)
    assert seen == [("a", 1), ("b", 2)]


def test_record_refuses_a_class_that_is_not_a_record() -> None:
    """@record on a class without the Record base is a TypeError, not a half-made class."""
    with pytest.raises(TypeError, match="needs a Record"):
        @record
        class Plain:
            name: str

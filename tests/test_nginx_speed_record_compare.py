"""A record's `__eq__` and `__hash__` are compiled attribute reads (issue 21, s31).

They were `attrgetter(*compared)` wrapped in a closure (`__eq__`) and a lambda (`__hash__`); the
nginx flow hashes thousands of `Location`/`Part`/`Alt`/`Guard` values a run (``bounded``'s
dedupe, ``_combine``), and a call to the getter and one to the lambda were most of each hash.
Held here to that version (``_old_methods``, verbatim but for its names) for every record class
of the package, frozen or not, slotted or not: equal and unequal instances (each compared field
changed in turn, a `compare=False` field changed), another class, subclasses, and the lazy
compile (the first call installs the compiled method on the record class itself).
"""

from __future__ import annotations

import importlib
import pkgutil
import random
import sys
from operator import attrgetter
from typing import Any

import pytest

import origins_lint
from origins_lint.records import field, record


def _records() -> list[type]:
    for info in pkgutil.walk_packages(origins_lint.__path__, "origins_lint."):
        if info.name.endswith("__main__"):
            continue
        importlib.import_module(info.name)
    found: dict[type, None] = {}
    for name, module in list(sys.modules.items()):
        if not name.startswith("origins_lint"):
            continue
        for value in vars(module).values():
            if isinstance(value, type) and "__record_fields__" in value.__dict__:
                found.setdefault(value, None)
    return list(found)


def _old_methods(cls: type) -> tuple[Any, Any]:
    """``records._make``'s `__eq__` and `__hash__` before s31 (``_values`` inlined)."""
    fields = cls.__record_fields__  # type: ignore[attr-defined]
    names = tuple(name for name, spec in fields.items() if spec.compare)
    if len(names) > 1:
        values = attrgetter(*names)
    elif names:
        one = attrgetter(names[0])
        values = lambda obj: (one(obj),)  # noqa: E731
    else:
        values = lambda obj: ()  # noqa: E731

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return values(self) == values(other)
        return NotImplemented

    return __eq__, (lambda self: hash(values(self)))


def _made(cls: type, values: list[Any]) -> Any:
    made = object.__new__(cls)
    for name, value in zip(cls.__record_fields__, values, strict=True):  # type: ignore[attr-defined]
        object.__setattr__(made, name, value)
    return made


def test_every_record_of_the_package_compares_and_hashes_as_before() -> None:
    rng = random.Random(31)
    classes = _records()
    assert len(classes) > 60
    checked = hashed = 0
    pool: list[Any] = [0, 1, -1, "", "a", "b", (), (1, "a"), None, True, 2.5, frozenset({1})]
    for cls in classes:
        fields = list(cls.__record_fields__)  # type: ignore[attr-defined]
        old_eq, old_hash = _old_methods(cls)
        compares, hashes = _records_method(cls, "__eq__"), _records_method(cls, "__hash__")
        for _ in range(6):
            base = [rng.choice(pool) for _ in fields]
            left, same = _made(cls, base), _made(cls, list(base))
            others = [same]
            for index in range(len(fields)):
                changed = list(base)
                changed[index] = object()  # unequal to every value of the pool
                others.append(_made(cls, changed))
            for other in others:
                if compares:
                    assert cls.__eq__(left, other) == old_eq(left, other), (cls, base)
                    assert (left == other) == old_eq(left, other), (cls, base)
                    assert (left != other) == (not old_eq(left, other)), (cls, base)
                    assert cls.__eq__(left, 1) is NotImplemented
                    checked += 1
            if hashes:
                assert hash(left) == old_hash(left) == hash(same), cls
                hashed += 1
        # the first calls installed the compiled methods on the class
        if compares:
            assert cls.__dict__["__eq__"].__code__.co_filename == f"<record {cls.__name__}>"
        if hashes:
            assert cls.__dict__["__hash__"].__code__.co_filename == f"<record {cls.__name__}>"
    assert checked > 300 and hashed > 100


def _records_method(cls: type, name: str) -> bool:
    """Whether the class's ``name`` is `record`'s (not the class body's own, nor inherited)."""
    code = getattr(cls.__dict__.get(name), "__code__", None)
    return code is not None and (
        code.co_filename.startswith("<record") or code.co_filename.endswith("records.py")
    )


@record(frozen=True, slots=True)
class _Base:
    a: int
    b: str = "b"


@record(frozen=True, slots=True)
class _Child(_Base):
    c: int = 0


@record(frozen=True)
class _Plain:
    a: int
    note: str = field(default="", compare=False)


@record(slots=True)
class _Mutable:
    a: int


@record(frozen=True, slots=True)
class _Empty:
    pass


def test_record_comparison_rules_hold() -> None:
    # the first call compiles and installs the method on the record class itself
    fresh = _Base(1)
    assert "<record" not in _Base.__dict__["__hash__"].__code__.co_filename
    assert hash(fresh) == hash((1, "b"))
    assert _Base.__dict__["__hash__"].__code__.co_filename == "<record _Base>"
    assert _Base.__dict__["__hash__"].__qualname__ == "_Base.__hash__"
    assert _Base(1) == _Base(1) and _Base(1) != _Base(2) and _Base(1, "x") != _Base(1)
    assert _Base.__dict__["__eq__"].__qualname__ == "_Base.__eq__"
    # a subclass record compares its own fields, and never equals its base's instance
    assert _Child(1, "b", 2) == _Child(1, "b", 2) and _Child(1, "b", 2) != _Child(1, "b", 3)
    assert _Child(1) != _Base(1) and _Base(1) != _Child(1)
    assert hash(_Child(1, "b", 2)) == hash((1, "b", 2))
    # a `compare=False` field is neither compared nor hashed
    assert _Plain(1, "x") == _Plain(1, "y") and hash(_Plain(1, "x")) == hash(_Plain(1, "y")) == hash((1,))
    # not frozen: unhashable, as `@dataclass(eq=True)`
    assert _Mutable.__hash__ is None
    with pytest.raises(TypeError):
        hash(_Mutable(1))
    assert _Mutable(1) == _Mutable(1) and _Mutable(1) != _Mutable(2)
    # no fields: every instance is equal, the hash of ()
    assert _Empty() == _Empty() and hash(_Empty()) == hash(())

    # a plain subclass (not a record) inherits the compiled methods: same class required
    class Sub(_Base):
        __slots__ = ()

    assert Sub(1) == Sub(1) and Sub(1) != _Base(1) and hash(Sub(1)) == hash((1, "b"))
    assert _Base(1).__eq__(object()) is NotImplemented

"""A frozen record's ``__init__`` sets each slot field through the slot's own setter (issue 21, s30).

`object.__setattr__(obj, name, value)` finds the first data descriptor of ``name`` along the type's
MRO and calls its ``__set__``; the generated ``__init__`` now calls that ``__set__`` directly (about a
third cheaper a field: a `Location` is made for every word asked about). Held here to the
`object.__setattr__` version it replaces (``records._init`` without the class) for every frozen
record class of the package, and on hand-made classes: inherited slots, a field shadowed by a
property in a subclass, no slots (dataclasses' behaviour is held in ``test_cold_start.py``).
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import sys
from typing import Any

import pytest

import origins_lint
from origins_lint import records
from origins_lint.records import record


def _frozen_records() -> list[type]:
    for info in pkgutil.walk_packages(origins_lint.__path__, "origins_lint."):
        if info.name.endswith("__main__"):
            continue
        importlib.import_module(info.name)
    found: dict[type, None] = {}
    for name, module in list(sys.modules.items()):
        if not name.startswith("origins_lint"):
            continue
        for value in vars(module).values():
            if isinstance(value, type) and getattr(value, "__record_frozen__", False):
                found.setdefault(value, None)
    return list(found)


def _made_both_ways(cls: type) -> tuple[Any, Any]:
    fields = cls.__record_fields__  # type: ignore[attr-defined]
    post_init = hasattr(cls, "__post_init__")
    args = [object() for _ in fields]
    out = []
    for init in (
        records._init(cls.__name__, fields, True, post_init, cls),
        records._init(cls.__name__, fields, True, post_init),
    ):
        made = object.__new__(cls)
        try:
            init(made, *args)
        except Exception as error:  # a `__post_init__` that reads its fields: the same error both ways
            out.append(type(error))
            continue
        out.append(tuple(getattr(made, name) for name in fields))
    return out[0], out[1]


def test_every_frozen_record_of_the_package_is_made_as_before() -> None:
    classes = _frozen_records()
    assert len(classes) > 40
    slotted = 0
    for cls in classes:
        new, old = _made_both_ways(cls)
        assert new == old, cls
        slotted += "__slots__" in cls.__dict__
    assert slotted > 30


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


def test_inherited_slots_and_no_slots_are_set_as_before() -> None:
    source_child = records._init("_Child", _Child.__record_fields__, True, False, _Child)  # type: ignore[attr-defined]
    assert _Child(1, "x", 2) == _Child(1, "x", 2) and (_Child(1, "x", 2).a, _Child(1).b) == (1, "b")
    assert records._slot_setter(_Child, "a") is not None  # the base's slot, found along the MRO
    assert records._slot_setter(_Plain, "a") is None  # no slot: `object.__setattr__` as before
    made = object.__new__(_Child)
    source_child(made, 5, "y", 6)
    assert (made.a, made.b, made.c) == (5, "y", 6)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.a = 1  # type: ignore[misc]
    assert _Plain(3).a == 3

    class Shadowed(_Base):
        @property
        def a(self) -> int:  # type: ignore[override]
            return 0

    # the property is the first `a` along the MRO: no slot setter, and both ways fail alike
    assert records._slot_setter(Shadowed, "a") is None
    for init in (
        records._init("S", _Base.__record_fields__, True, False, Shadowed),  # type: ignore[attr-defined]
        records._init("S", _Base.__record_fields__, True, False),  # type: ignore[attr-defined]
    ):
        with pytest.raises(AttributeError):
            init(object.__new__(Shadowed), 1, "b")

"""Records: the classes of the start-up path, as `@dataclass` writes them, made at a tenth of its cost.

`@dataclass` compiles six functions per class (`exec` each), and for a class without a docstring
it asks `inspect.signature` for one; importing `dataclasses` itself loads `inspect`, `ast`, `dis`
and `tokenize`. On the path of a one-file check that was 49 classes and about 30 ms of a
100 ms run (issue 21's cold start). `record` gives the same class at a fraction of that: one
compiled `__init__` (the hot method, generated as `dataclasses` generates it, on the
first instance) and generic `__repr__`,
`__eq__`, `__hash__` and frozen `__setattr__`/`__delattr__` that give the same results:

- fields are the class's annotations in order, after its base records' (no `ClassVar`s here);
  a default is the class attribute, `field(default_factory=...)` a new value per instance;
- `__init__(self, *fields)` with the defaults, then `__post_init__()` when the class has one;
- `__eq__` compares the tuples of fields of two instances of the same class, else
  `NotImplemented`; `__hash__` is the hash of that tuple when frozen, `None` (unhashable)
  when not, as with `eq=True`; a method the class body defines is kept;
- frozen: assigning or deleting a field raises `dataclasses.FrozenInstanceError`;
- `slots=True` builds the class again with `__slots__` (the defaults leave the class), and a
  frozen one pickles through `__getstate__`/`__setstate__`, as `dataclasses` does;
- `__match_args__`, and `__dataclass_fields__` made on first use from a `dataclasses` twin of
  the class, so `dataclasses.fields`, `replace`, `asdict` and `is_dataclass` work on records.

mypy reads `record` as a dataclass (`typing.dataclass_transform`). `replace(obj, **changes)`
is `dataclasses.replace` for records, without importing `dataclasses`.
"""

from __future__ import annotations

import _thread
from collections.abc import Callable
from types import MemberDescriptorType
from typing import Any, TypeVar, dataclass_transform, overload

T = TypeVar("T")

_MISSING: Any = object()  # "no default", and the `__init__` default of a field with a factory


class _Field:
    __slots__ = ("compare", "default", "make")

    def __init__(
        self, default: Any = _MISSING, make: Callable[[], Any] | None = None, compare: bool = True
    ) -> None:
        self.default, self.make, self.compare = default, make, compare


@overload
def field(*, default: T, compare: bool = True) -> T: ...
@overload
def field(*, default_factory: Callable[[], T], compare: bool = True) -> T: ...
def field(*, default: Any = _MISSING, default_factory: Any = None, compare: bool = True) -> Any:
    """`dataclasses.field` with `default` or `default_factory` (a new value per instance), and `compare`."""
    return _Field(default, default_factory, compare)


@dataclass_transform(field_specifiers=(field,))
def record(*, frozen: bool = False, slots: bool = False) -> Callable[[type[T]], type[T]]:
    """`@dataclass(frozen=..., slots=...)`, with `eq=True` and `repr=True`, cheaply."""

    def make(cls: type[T]) -> type[T]:
        return _make(cls, frozen, slots)

    return make


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of the record `obj` with `changes`, as `dataclasses.replace`."""
    for name in type(obj).__record_fields__:  # type: ignore[attr-defined]
        if name not in changes:
            changes[name] = getattr(obj, name)
    return type(obj)(**changes)


def _fields_of(cls: type) -> dict[str, _Field]:
    """Each field by name, its bases' first, then the class's own in the order written."""
    fields: dict[str, _Field] = {}
    for base in reversed(cls.__mro__[1:]):
        fields.update(base.__dict__.get("__record_fields__", {}))
    own = cls.__dict__.get("__annotations__", {})  # noqa: RUF063 - `inspect` is what costs
    for name, annotation in own.items():
        if isinstance(annotation, str) and annotation.startswith(("ClassVar", "typing.ClassVar")):
            continue
        given = cls.__dict__.get(name, _MISSING)
        fields[name] = given if isinstance(given, _Field) else _Field(given)
    return fields


def _slot_setter(cls: type, name: str) -> Callable[[Any, Any], None] | None:
    """The `__set__` of the slot ``name`` of ``cls``: what `object.__setattr__(obj, name, value)`
    calls for it (the first data descriptor of that name along the MRO), without looking it up
    by name each time; None when the attribute is no slot."""
    for klass in cls.__mro__:
        found = klass.__dict__.get(name)
        if found is not None:
            return found.__set__ if isinstance(found, MemberDescriptorType) else None
    return None


def _init(
    cls_name: str, fields: dict[str, _Field], frozen: bool, post_init: bool, cls: type | None = None
) -> Callable[..., None]:
    """The `__init__` `dataclasses` would write, compiled once.

    A frozen record sets each field with `object.__setattr__`, as `dataclasses` does; for a field
    that is a slot (``cls`` given), through the slot's own setter, which that call comes down to.
    """
    params, body, scope = ["self"], [], {"_MISSING": _MISSING, "_object_setattr": object.__setattr__}
    for name, spec in fields.items():
        value = name
        if spec.make is not None:
            scope[f"_factory_{name}"] = spec.make
            params.append(f"{name}=_MISSING")
            value = f"_factory_{name}() if {name} is _MISSING else {name}"
        elif spec.default is not _MISSING:
            scope[f"_default_{name}"] = spec.default
            params.append(f"{name}=_default_{name}")
        else:
            params.append(name)
        setter = _slot_setter(cls, name) if frozen and cls is not None else None
        if setter is not None:
            scope[f"_set_{name}"] = setter
            body.append(f"    _set_{name}(self, {value})")
        else:
            body.append(
                f"    _object_setattr(self, {name!r}, {value})" if frozen else f"    self.{name} = {value}"
            )
    if post_init:
        body.append("    self.__post_init__()")
    source = f"def __init__({', '.join(params)}):\n" + ("\n".join(body) or "    pass") + "\n"
    exec(compile(source, f"<record {cls_name}>", "exec"), scope)
    init: Callable[..., None] = scope["__init__"]
    return init


def _lazy_init(cls: type, fields: dict[str, _Field], frozen: bool, post_init: bool) -> Callable[..., None]:
    """Compiles the real `__init__` on the first instance: about 0.1 ms a class, and many classes
    of the start-up path are never made in a given run."""

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        init = _init(cls.__name__, fields, frozen, post_init, cls)
        init.__qualname__ = f"{cls.__qualname__}.__init__"
        type.__setattr__(cls, "__init__", init)
        init(self, *args, **kwargs)

    return __init__


def _compare(cls_name: str, names: tuple[str, ...]) -> tuple[Callable[..., Any], Callable[..., int]]:
    """`__eq__` and `__hash__` as `dataclasses` writes them, compiled: the tuple of the compared
    fields, built by attribute reads (what an `attrgetter` of them did, without a call to it and to
    a lambda a hash: hashing a `Location` about 40% cheaper, and the flow hashes thousands)."""
    mine = "(" + "".join(f"self.{name}," for name in names) + ")"
    theirs = "(" + "".join(f"other.{name}," for name in names) + ")"
    source = (
        "def __eq__(self, other):\n"
        "    if other.__class__ is self.__class__:\n"
        f"        return {mine} == {theirs}\n"
        "    return NotImplemented\n"
        "def __hash__(self):\n"
        f"    return hash({mine})\n"
    )
    scope: dict[str, Any] = {}
    exec(compile(source, f"<record {cls_name}>", "exec"), scope)
    return scope["__eq__"], scope["__hash__"]


def _lazy_compare(cls: type, names: tuple[str, ...], which: str) -> Callable[..., Any]:
    """``_compare``'s ``which`` (`__eq__` or `__hash__`), compiled on its first call and set on the
    class in place of this one: most record classes are never compared in a given run."""

    def first_call(self: Any, *args: Any) -> Any:
        made = _compare(cls.__name__, names)[0 if which == "__eq__" else 1]
        made.__qualname__ = f"{cls.__qualname__}.{which}"
        type.__setattr__(cls, which, made)
        return made(self, *args)

    return first_call


def _repr(names: tuple[str, ...]) -> Callable[[Any], str]:
    running: set[tuple[int, int]] = set()

    def __repr__(self: Any) -> str:
        key = id(self), _thread.get_ident()
        if key in running:  # as `dataclasses` (`reprlib.recursive_repr`): a cycle shows as `...`
            return "..."
        running.add(key)
        try:
            inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        finally:
            running.discard(key)
        return f"{self.__class__.__qualname__}({inner})"

    return __repr__


def _frozen_error(name: str) -> AttributeError:
    from dataclasses import FrozenInstanceError  # only when a program breaks the rule

    return FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen(klass: type, names: frozenset[str]) -> tuple[Callable[..., None], Callable[..., None]]:
    cls: Any = klass

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise _frozen_error(name)
        super(cls, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise _frozen_error(name)
        super(cls, self).__delattr__(name)

    return __setattr__, __delattr__


class _LazyDataclassFields:
    """`__dataclass_fields__`, made on first use from a dataclass with the same fields."""

    def __get__(self, obj: object, owner: type) -> dict[str, Any]:
        import dataclasses

        annotations: dict[str, Any] = {}
        for klass in reversed(owner.__mro__):
            annotations.update(klass.__dict__.get("__annotations__", {}))  # noqa: RUF063
        spec: list[tuple[str, Any, Any]] = []
        for name, given in owner.__record_fields__.items():  # type: ignore[attr-defined]
            if given.make is not None:
                made = dataclasses.field(default_factory=given.make, compare=given.compare)
            elif given.default is _MISSING:
                made = dataclasses.field(compare=given.compare)
            else:
                made = dataclasses.field(default=given.default, compare=given.compare)
            spec.append((name, annotations[name], made))
        twin = dataclasses.make_dataclass(owner.__name__, spec, frozen=owner.__record_frozen__)  # type: ignore[attr-defined]
        fields: dict[str, Any] = getattr(twin, "__dataclass_fields__")  # noqa: B009
        type.__setattr__(owner, "__dataclass_fields__", fields)
        return fields


def _make(cls: type[T], frozen: bool, slots: bool) -> type[T]:
    fields = _fields_of(cls)
    names = tuple(fields)
    if slots:
        namespace = dict(cls.__dict__)
        inherited: set[str] = set()
        for base in cls.__mro__[1:-1]:
            declared = base.__dict__.get("__slots__", ())
            inherited.update((declared,) if isinstance(declared, str) else declared)
        namespace["__slots__"] = tuple(name for name in names if name not in inherited)
        for name in names:
            namespace.pop(name, None)
        namespace.pop("__dict__", None)
        namespace.pop("__weakref__", None)
        qualname = cls.__qualname__
        metaclass: Any = type(cls)
        cls = metaclass(cls.__name__, cls.__bases__, namespace)
        cls.__qualname__ = qualname
    else:  # the class attribute is the default, as `dataclasses` leaves it; none for a factory
        for name, spec in fields.items():
            if spec.make is not None or spec.default is _MISSING:
                if name in cls.__dict__:
                    delattr(cls, name)
            elif isinstance(cls.__dict__.get(name), _Field):
                type.__setattr__(cls, name, spec.default)
    own = cls.__dict__
    compared = tuple(name for name, spec in fields.items() if spec.compare)
    methods: dict[str, Any] = {
        "__init__": _lazy_init(cls, fields, frozen, hasattr(cls, "__post_init__")),
        "__repr__": _repr(names),
        "__eq__": _lazy_compare(cls, compared, "__eq__"),
    }
    explicit_hash = "__hash__" in own and not (own["__hash__"] is None and "__eq__" in own)
    if not explicit_hash:
        hashed = _lazy_compare(cls, compared, "__hash__") if frozen else None
        if hashed is not None:
            hashed.__qualname__ = f"{cls.__qualname__}.__hash__"
        type.__setattr__(cls, "__hash__", hashed)
    if frozen:
        methods["__setattr__"], methods["__delattr__"] = _frozen(cls, frozenset(names))
        if slots:
            methods["__getstate__"] = lambda self: [getattr(self, name) for name in names]
            methods["__setstate__"] = _setstate(names)
    for name, method in methods.items():
        if name not in own:
            method.__qualname__ = f"{cls.__qualname__}.{name}"
            type.__setattr__(cls, name, method)
    type.__setattr__(cls, "__match_args__", names)
    type.__setattr__(cls, "__record_fields__", fields)
    type.__setattr__(cls, "__record_frozen__", frozen)
    type.__setattr__(cls, "__dataclass_fields__", _LazyDataclassFields())
    return cls


def _setstate(names: tuple[str, ...]) -> Callable[[Any, list[Any]], None]:
    def __setstate__(self: Any, state: list[Any]) -> None:
        for name, value in zip(names, state, strict=True):
            object.__setattr__(self, name, value)

    return __setstate__

"""Issue 21's cold start: what was moved off the start-up path still gives the same answers."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from origins_lint.digest import sha256_hex

ROOT = Path(__file__).resolve().parent.parent


def test_sha256_hex_is_hashlibs() -> None:
    for data in (b"", b"x", "ü\0https://a.example".encode(), bytes(range(256)) * 300):
        assert sha256_hex(data) == hashlib.sha256(data).hexdigest()


def test_one_policy_check_loads_no_openssl_nor_secrets(tmp_path: Path) -> None:
    policy = tmp_path / "one.origins.yaml"
    policy.write_text("origins:\n  - origin: http://app.example.com\n", encoding="utf-8")
    probe = (
        "import sys\n"
        "from origins_lint.cli import run\n"
        f"code = run(['check', '-f', 'json', '--no-cache', {str(policy)!r}])\n"
        "print(code, sorted(m for m in ('_hashlib', 'hmac', 'secrets') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert done.stdout.splitlines()[-1] == "1 []"


# Records (origins_lint/records.py) against dataclasses: the same class written both ways.

import copy  # noqa: E402
import dataclasses  # noqa: E402
import pickle  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

from origins_lint.records import field, record, replace  # noqa: E402


def _both(frozen: bool, slots: bool) -> tuple[Any, Any]:
    made = []
    for decorate, make_field in (
        (dataclasses.dataclass(frozen=frozen, slots=slots), dataclasses.field),
        (record(frozen=frozen, slots=slots), field),
    ):

        class Point:
            """A point."""

            x: int
            label: str = "p"
            tags: Any = make_field(default_factory=list)
            note: Any = make_field(default=None, compare=False)

            def __post_init__(self) -> None:
                if self.x < 0:
                    object.__setattr__(self, "x", 0)

        made.append(decorate(Point))
    for cls, kind in zip(made, ("dc", "rec"), strict=True):  # pickle finds a class by its module's name
        cls.__qualname__ = cls.__name__ = name = f"Point_{kind}_{frozen:d}{slots:d}"
        globals()[name] = cls
    return made[0], made[1]


@pytest.mark.parametrize("frozen", [True, False])
@pytest.mark.parametrize("slots", [True, False])
def test_a_record_behaves_as_its_dataclass(frozen: bool, slots: bool) -> None:
    dc, rec = _both(frozen, slots)
    for args, kwargs in (
        ((1,), {}),
        ((-5, "q"), {}),
        ((2,), {"tags": ("a",)}),
        ((), {"x": 3, "label": "z"}),
        ((4,), {"note": 1}),
    ):
        a, b = dc(*args, **kwargs), rec(*args, **kwargs)
        assert repr(a).replace(dc.__qualname__, "P") == repr(b).replace(rec.__qualname__, "P")
        assert (a.x, a.label, a.tags) == (b.x, b.label, b.tags)
        assert b == rec(*args, **kwargs)
        assert not b.__ne__(rec(*args, **kwargs))
        assert (b == a) is False and b != 1
        if frozen:
            try:
                expected = hash(a)
            except TypeError:  # a list in it, in both
                with pytest.raises(TypeError, match="unhashable type: 'list'"):
                    hash(b)
            else:
                assert hash(b) == expected
            with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'x'"):
                b.x = 9
            with pytest.raises(dataclasses.FrozenInstanceError):
                del b.label
        else:
            assert rec.__hash__ is None
            changed = rec(*args, **kwargs)
            changed.x = 9
            assert changed.x == 9
        assert pickle.loads(pickle.dumps(b)) == b
        assert copy.deepcopy(b) == b and copy.copy(b) == b
        assert replace(b, label="r") == rec(b.x, "r", b.tags)
        assert dataclasses.replace(b, label="r") == replace(b, label="r")
        assert dataclasses.asdict(b) == dataclasses.asdict(a)
    assert rec(1).tags is not rec(1).tags
    assert rec(1, note="a") == rec(1, note="b") and dc(1, note="a") == dc(1, note="b")
    assert rec.__match_args__ == dc.__match_args__
    assert [(f.name, f.type) for f in dataclasses.fields(rec)] == [
        (f.name, f.type) for f in dataclasses.fields(dc)
    ]
    assert dataclasses.is_dataclass(rec(1))
    assert ("__slots__" in rec.__dict__) is slots and hasattr(rec(1), "__dict__") is not slots
    assert rec.__doc__ == "A point."
    with pytest.raises(TypeError):
        rec()


@record(frozen=True, slots=True)
class Base:
    a: int
    b: str = "b"


@record(frozen=True, slots=True)
class Child(Base):
    c: int = 0


def test_a_record_inherits_its_base_records_fields() -> None:
    child = Child(1, "x", 2)
    assert repr(child) == "Child(a=1, b='x', c=2)"
    assert Child.__dict__["__slots__"] == ("c",) and Child.__match_args__ == ("a", "b", "c")
    assert child != Base(1, "x") and pickle.loads(pickle.dumps(child)) == child

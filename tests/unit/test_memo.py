"""IdentityMemo: one derived value per live object and tag."""

from __future__ import annotations

import gc

from savantsdk._memo import IdentityMemo


class Obj:
    pass


def test_same_object_and_tag_is_made_once() -> None:
    memo: IdentityMemo[Obj, list[int]] = IdentityMemo()
    made: list[str] = []

    def make(label: str) -> list[int]:
        made.append(label)
        return [len(made)]

    a, b = Obj(), Obj()
    first = memo.get_or_make(a, lambda: make("a"), "x")
    assert memo.get_or_make(a, lambda: make("a again"), "x") is first
    assert memo.get_or_make(b, lambda: make("b"), "x") == [2]  # another object: its own value
    assert memo.get_or_make(a, lambda: make("a, tag y"), "y") == [3]  # another tag: made again
    assert made == ["a", "b", "a, tag y"]


def test_entry_goes_with_its_object() -> None:
    memo: IdentityMemo[Obj, int] = IdentityMemo()
    a = Obj()
    memo.get_or_make(a, lambda: 1)
    assert len(memo) == 1
    del a
    gc.collect()
    assert len(memo) == 0


def test_a_replaced_entry_is_not_dropped_by_the_old_reference() -> None:
    memo: IdentityMemo[Obj, int] = IdentityMemo()
    a = Obj()
    memo.get_or_make(a, lambda: 1, "x")
    memo.get_or_make(a, lambda: 2, "y")  # replaces the entry (and its weak reference)
    gc.collect()
    assert memo.get_or_make(a, lambda: 3, "y") == 2
    assert len(memo) == 1

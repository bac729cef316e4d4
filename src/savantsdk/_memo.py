"""Values derived from immutable objects, remembered per object.

The cache hands every reader of a key the same decoded object, so what is derived from it (an
event's prop quotes, its line rows) can be computed once per object and reused by every later
cycle.  Keyed by identity, not by value: hashing a large frozen object would cost more than the
work saved, and an equal object decoded again is simply another entry.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ("IdentityMemo",)

K = TypeVar("K")
V = TypeVar("V")


class IdentityMemo(Generic[K, V]):
    """One value per live object (and ``tag``: the arguments it was derived with); an entry is
    dropped when its object is collected, and replaced when asked with another tag."""

    __slots__ = ("_entries",)

    def __init__(self) -> None:
        self._entries: dict[int, tuple[weakref.ref[K], Hashable, V]] = {}

    def get_or_make(self, obj: K, make: Callable[[], V], tag: Hashable = None) -> V:
        key = id(obj)
        hit = self._entries.get(key)
        if hit is not None and hit[0]() is obj and hit[1] == tag:
            return hit[2]
        value = make()
        self._entries[key] = (weakref.ref(obj, self._dropper(key)), tag, value)
        return value

    def __len__(self) -> int:
        return len(self._entries)

    def _dropper(self, key: int) -> Callable[[object], None]:
        entries = self._entries

        def drop(ref: object) -> None:
            hit = entries.get(key)
            if hit is not None and hit[0] is ref:  # not an entry made since for a new object
                del entries[key]

        return drop

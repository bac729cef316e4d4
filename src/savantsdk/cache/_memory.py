"""MemoryCache: the embedded default backend.  LRU + per-entry TTL over bytes.

Bounded by entry count and by total bytes (values, keys and a per-entry bookkeeping estimate);
eviction pops the least-recently-used end of an ``OrderedDict`` (O(1)).  Expired entries are
never returned: a read that finds one drops it, and every write reclaims all entries whose TTL
has passed from an expiry heap (O(log n) per write, amortised).  One ``threading.Lock`` guards
the state, so the blocking client's portal thread and user threads can share an instance.
"""

from __future__ import annotations

import heapq
import itertools
import sys
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

from .._clock import SystemClock
from ..exceptions import ConfigurationError
from ..typing import Clock
from ._metrics import CacheStats, LayerMetrics
from ._protocols import BackendContext

__all__ = ("MemoryCache",)

# Bytes CPython spends per entry beyond the key and value objects: the _Entry (slots), its
# float expiry and the OrderedDict's hash slot and link node; plus the expiry-heap tuple for
# entries with a TTL.  Calibrated with tracemalloc (benchmarks/cache.py reports the residual).
ENTRY_OVERHEAD_BYTES: Final = 200
HEAP_OVERHEAD_BYTES: Final = 96
_NEVER: Final = float("inf")


class _Entry:
    __slots__ = ("expires_at", "seq", "size", "tags", "value")

    def __init__(
        self, value: bytes, expires_at: float, size: int, tags: tuple[str, ...], seq: int
    ) -> None:
        self.value = value
        self.expires_at = expires_at
        self.size = size
        self.tags = tags
        self.seq = seq


def _cost(key: str, value: bytes, *, expires: bool = True) -> int:
    extra = ENTRY_OVERHEAD_BYTES + (HEAP_OVERHEAD_BYTES if expires else 0)
    return sys.getsizeof(key) + sys.getsizeof(value) + extra


class MemoryCache(BackendContext):
    """In-process LRU byte store with per-entry TTL, bounded by ``max_entries`` and
    ``max_bytes``.  A single value bigger than ``max_bytes`` is not stored."""

    def __init__(
        self,
        *,
        max_entries: int = 10_000,
        max_bytes: int = 512 * 1024 * 1024,
        clock: Clock | None = None,
        name: str = "memory",
    ) -> None:
        if max_entries < 1:
            raise ConfigurationError("max_entries must be >= 1", setting="max_entries")
        if max_bytes < 1:
            raise ConfigurationError("max_bytes must be >= 1", setting="max_bytes")
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._data: OrderedDict[str, _Entry] = OrderedDict()
        self._heap: list[tuple[float, int, str]] = []
        self._tags: dict[str, set[str]] = {}
        self._bytes = 0
        self._seq = itertools.count()
        self._lock = threading.Lock()
        self._metrics = LayerMetrics(name)

    def __repr__(self) -> str:
        return (
            f"MemoryCache(entries={len(self._data)}, bytes={self._bytes}, "
            f"max_entries={self._max_entries}, max_bytes={self._max_bytes})"
        )

    def __len__(self) -> int:
        return len(self._data)

    @property
    def size_bytes(self) -> int:
        """Accounted bytes currently held (always <= ``max_bytes``)."""
        return self._bytes

    # -- reads ---------------------------------------------------------------------------

    def get_one(self, key: str) -> bytes | None:
        """Synchronous single-key read (the async API calls this)."""
        with self._lock:
            entry = self._data.get(key)
            if entry is None:
                self._metrics.misses += 1
                return None
            if entry.expires_at <= self._clock.monotonic():
                self._remove(key, entry)
                self._metrics.expirations += 1
                self._metrics.misses += 1
                return None
            self._data.move_to_end(key)
            self._metrics.hits += 1
            return entry.value

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        return [self.get_one(k) for k in keys]

    def remaining_ttl(self, key: str) -> float | None:
        """Seconds until ``key`` expires; ``inf`` if it never does; ``None`` if absent."""
        with self._lock:
            entry = self._data.get(key)
            if entry is None:
                return None
            left = entry.expires_at - self._clock.monotonic()
            return left if left > 0 else None

    # -- writes --------------------------------------------------------------------------

    async def set_many(
        self, items: Mapping[str, bytes], *, ttl_s: float | None, tags: Iterable[str] = ()
    ) -> None:
        self.set_many_sync(items, ttl_s=ttl_s, tags=tags)

    def set_many_sync(
        self, items: Mapping[str, bytes], *, ttl_s: float | None, tags: Iterable[str] = ()
    ) -> None:
        tag_tuple = tuple(dict.fromkeys(tags))
        with self._lock:
            now = self._clock.monotonic()
            self._reclaim_expired(now)
            if ttl_s is not None and ttl_s <= 0:
                for key in items:
                    self._discard(key)
                return
            expires_at = _NEVER if ttl_s is None else now + ttl_s
            for key, value in items.items():
                self._discard(key)
                size = _cost(key, value, expires=expires_at != _NEVER)
                if size > self._max_bytes:
                    continue
                seq = next(self._seq)
                self._data[key] = _Entry(value, expires_at, size, tag_tuple, seq)
                self._bytes += size
                self._metrics.sets += 1
                if expires_at != _NEVER:
                    heapq.heappush(self._heap, (expires_at, seq, key))
                for tag in tag_tuple:
                    self._tags.setdefault(tag, set()).add(key)
            while len(self._data) > self._max_entries or self._bytes > self._max_bytes:
                key, entry = self._data.popitem(last=False)
                self._forget(key, entry)
                self._metrics.evictions += 1
            if len(self._heap) > len(self._data) + len(self._data) // 4 + 64:
                # evicted/overwritten entries leave heap items behind: compact (amortised)
                self._heap = [h for h in self._heap if self._live(h)]
                heapq.heapify(self._heap)

    # -- invalidation --------------------------------------------------------------------

    async def delete(self, keys: Sequence[str]) -> int:
        with self._lock:
            return sum(self._discard(k) for k in keys)

    async def delete_prefix(self, prefix: str) -> int:
        with self._lock:
            doomed = [k for k in self._data if k.startswith(prefix)]
            for key in doomed:
                self._discard(key)
            return len(doomed)

    async def delete_tags(self, tags: Sequence[str]) -> int:
        with self._lock:
            doomed: set[str] = set()
            for tag in tags:
                doomed |= self._tags.get(tag, set())
            return sum(self._discard(k) for k in doomed)

    def purge_expired(self) -> int:
        """Reclaim every expired entry now; returns how many were dropped."""
        with self._lock:
            return self._reclaim_expired(self._clock.monotonic())

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._heap.clear()
            self._tags.clear()
            self._bytes = 0

    async def aclose(self) -> None:
        self.clear()

    def stats(self) -> CacheStats:
        return self._metrics.snapshot(bytes_=self._bytes, entries=len(self._data))

    # -- internals (lock held) -----------------------------------------------------------

    def _live(self, item: tuple[float, int, str]) -> bool:
        entry = self._data.get(item[2])
        return entry is not None and entry.seq == item[1]

    def _reclaim_expired(self, now: float) -> int:
        dropped = 0
        heap = self._heap
        while heap and heap[0][0] <= now:
            _, seq, key = heapq.heappop(heap)
            entry = self._data.get(key)
            if entry is not None and entry.seq == seq:
                self._remove(key, entry)
                self._metrics.expirations += 1
                dropped += 1
        return dropped

    def _discard(self, key: str) -> bool:
        entry = self._data.get(key)
        if entry is None:
            return False
        self._remove(key, entry)
        return True

    def _remove(self, key: str, entry: _Entry) -> None:
        del self._data[key]
        self._forget(key, entry)

    def _forget(self, key: str, entry: _Entry) -> None:
        self._bytes -= entry.size
        for tag in entry.tags:
            keys = self._tags.get(tag)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._tags[tag]

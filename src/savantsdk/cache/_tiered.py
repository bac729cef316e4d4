"""TieredCache: a short-TTL L1 (usually memory) in front of a shared L2 (usually Redis).

Reads try L1, then fetch every L1 miss from L2 in one call; an L2 hit fills L1 for
``min(l1_ttl_s, time left on the L2 entry)`` (read from the entry header), so an L1 copy never
outlives its L2 entry.  Writes and invalidations go to both.  Another process's invalidation
cannot reach this L1: a copy can be served for at most ``l1_ttl_s`` after it, which is why the
L1 TTL is short.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .._clock import SystemClock
from ..exceptions import ConfigurationError
from ..typing import AsyncCacheBackend, Clock
from ._codec import CorruptEntryError, peek_header
from ._metrics import CacheStats, LayerMetrics
from ._protocols import BackendContext, delete_prefix, delete_tags, set_items

__all__ = ("TieredCache",)


class TieredCache(BackendContext):
    """``l1`` (fast, private, short TTL) in front of ``l2`` (shared, authoritative)."""

    def __init__(
        self,
        l1: AsyncCacheBackend,
        l2: AsyncCacheBackend,
        *,
        l1_ttl_s: float = 5.0,
        clock: Clock | None = None,
        name: str = "tiered",
    ) -> None:
        if l1_ttl_s <= 0:
            raise ConfigurationError("l1_ttl_s must be > 0", setting="l1_ttl_s")
        self.l1 = l1
        self.l2 = l2
        self._l1_ttl_s = l1_ttl_s
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._metrics = LayerMetrics(name)

    def __repr__(self) -> str:
        return f"TieredCache(l1={self.l1!r}, l2={self.l2!r}, l1_ttl_s={self._l1_ttl_s})"

    def _l1_ttl(self, raw: bytes) -> float | None:
        """L1 lifetime for an L2 entry, or None to skip the fill (expired or unreadable)."""
        try:
            hard = peek_header(raw).hard_expires_at
        except CorruptEntryError:
            return None
        if hard == 0.0:
            return self._l1_ttl_s
        left = hard - self._clock.time()
        return min(self._l1_ttl_s, left) if left > 0 else None

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        values = await self.l1.get_many(keys)
        missing = [i for i, v in enumerate(values) if v is None]
        self._metrics.hits += len(keys) - len(missing)
        if not missing:
            return values
        found = await self.l2.get_many([keys[i] for i in missing])
        fills: dict[float, dict[str, bytes]] = {}
        for i, raw in zip(missing, found, strict=True):
            if raw is None:
                self._metrics.misses += 1
                continue
            self._metrics.hits += 1
            values[i] = raw
            ttl = self._l1_ttl(raw)
            if ttl is not None:
                fills.setdefault(ttl, {})[keys[i]] = raw
        for ttl, items in fills.items():
            await self.l1.set_many(items, ttl_s=ttl)
        return values

    async def set_many(
        self, items: Mapping[str, bytes], *, ttl_s: float | None, tags: Iterable[str] = ()
    ) -> None:
        tag_tuple = tuple(tags)
        l1_ttl = self._l1_ttl_s if ttl_s is None else min(self._l1_ttl_s, ttl_s)
        await set_items(self.l2, items, ttl_s=ttl_s, tags=tag_tuple)
        await set_items(self.l1, items, ttl_s=l1_ttl, tags=tag_tuple)
        self._metrics.sets += len(items)

    async def delete(self, keys: Sequence[str]) -> int:
        await self.l1.delete(keys)
        return await self.l2.delete(keys)

    async def delete_prefix(self, prefix: str) -> int:
        await delete_prefix(self.l1, prefix)
        return await delete_prefix(self.l2, prefix)

    async def delete_tags(self, tags: Sequence[str]) -> int:
        """Delete tagged keys in L2, and empty L1: copies filled from L2 carry no tags, so
        L1 cannot tell which of them a tag covers (it is a short-TTL layer; refills are cheap).
        """
        deleted = await delete_tags(self.l2, tags)
        clear = getattr(self.l1, "clear", None)
        if callable(clear):
            clear()
        else:
            await delete_tags(self.l1, tags)
        return deleted

    async def try_lock(self, key: str, token: str, *, ttl_s: float) -> bool | None:
        """Delegates to L2's cross-process lock; None (no lock) if L2 has none."""
        try_lock = getattr(self.l2, "try_lock", None)
        if try_lock is None:
            return None
        result = await try_lock(key, token, ttl_s=ttl_s)
        return None if result is None else bool(result)

    async def unlock(self, key: str, token: str) -> None:
        unlock = getattr(self.l2, "unlock", None)
        if unlock is not None:
            await unlock(key, token)

    async def aclose(self) -> None:
        """Close both layers (a TieredCache owns the layers it is built from)."""
        try:
            await self.l1.aclose()
        finally:
            await self.l2.aclose()

    def stats(self) -> CacheStats:
        return self._metrics.snapshot()

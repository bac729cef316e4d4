"""TieredCache: a short-TTL L1 (usually memory) in front of a shared L2 (usually Redis).

Reads try L1, then fetch every L1 miss from L2 in one call; an L2 hit fills L1 for
``min(l1_ttl_s, time left on the L2 entry)`` (read from the entry header), so an L1 copy never
outlives its L2 entry.  Writes and invalidations go to both.

Across processes (``broadcast=True``, the default, when L2 is an invalidation channel such as
``RedisCache``): every write and invalidation is published on L2's channel after L2 has it,
and a background listener (:meth:`TieredCache.run_background`, started by an entered
:class:`~savantsdk.cache.Cache`) evicts the named keys from this process's L1 when another
process publishes.  Guarantees:

* An L1 copy is served at most ``l1_ttl_s`` after the L2 entry it copied changed or went
  away, with or without the listener (it is only a copy, and it expires).
* With the listener subscribed, a peer's change evicts the copy as soon as the message
  arrives (about a millisecond on loopback).  A read that raced the change (L2 read before,
  message received before the L1 fill) does not fill L1.  Each (re)subscription empties L1,
  because messages sent while unsubscribed are lost.
"""

from __future__ import annotations

import logging
import uuid
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import anyio
import anyio.abc
import attrs

from .. import _serde
from .._clock import SystemClock
from ..exceptions import ConfigurationError
from ..typing import AsyncCacheBackend, Clock
from ._codec import CorruptEntryError, peek_header
from ._metrics import CacheStats, LayerMetrics
from ._protocols import (
    BackendContext,
    InvalidatingBackend,
    InvalidationChannel,
    delete_prefix,
    delete_tags,
    set_items,
)

__all__ = ("TieredCache",)

logger = logging.getLogger("savantsdk")
#: A write of more keys than this is announced as "drop everything" (keeps messages small).
MAX_KEYS_PER_MESSAGE: Final = 1000
# Per-key invalidation history kept for racing reads; beyond it, a message counts as a wipe.
_MAX_TRACKED_KEYS: Final = 4096


@attrs.frozen
class _Invalidation:
    """One message on the invalidation channel (JSON via the package converter, never
    pickle).  ``origin`` identifies the sending TieredCache, which ignores its own."""

    origin: str
    keys: tuple[str, ...] = ()
    prefix: str = ""
    clear: bool = False


class TieredCache(BackendContext):
    """``l1`` (fast, private, short TTL) in front of ``l2`` (shared, authoritative).

    ``broadcast``: publish this process's writes and invalidations on L2's invalidation
    channel and evict peers' changes from L1 (only when L2 offers a channel).
    """

    def __init__(
        self,
        l1: AsyncCacheBackend,
        l2: AsyncCacheBackend,
        *,
        l1_ttl_s: float = 5.0,
        broadcast: bool = True,
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
        self._channel: InvalidationChannel | None = (
            l2 if broadcast and isinstance(l2, InvalidationChannel) else None
        )
        unavailable = getattr(self._channel, "invalidation_unavailable", None)
        if isinstance(unavailable, str):
            # Said out loud: without the channel, a peer's L1 copy lives up to l1_ttl_s.
            warnings.warn(
                f"{unavailable}: peers' L1 copies are bounded by l1_ttl_s={l1_ttl_s:g} only "
                "(pass broadcast=False to acknowledge)",
                RuntimeWarning,
                stacklevel=2,
            )
            self._channel = None
        self._origin = uuid.uuid4().hex
        # Bumped by every peer invalidation (and resubscription).  A read or write that
        # overlapped an invalidation of a key (the key's generation, or the last wipe's, is
        # newer than the one it started at) does not copy that key into L1.
        self._generation = 0
        self._wiped_at = 0
        self._key_changed_at: dict[str, int] = {}
        self._listening = False
        self._peer_messages = 0

    def __repr__(self) -> str:
        return f"TieredCache(l1={self.l1!r}, l2={self.l2!r}, l1_ttl_s={self._l1_ttl_s})"

    @property
    def broadcasting(self) -> bool:
        """Whether writes and invalidations are published to other processes."""
        return self._channel is not None

    @property
    def listening(self) -> bool:
        """Whether the invalidation listener is running in this process."""
        return self._listening

    @property
    def peer_invalidations(self) -> int:
        """Invalidation messages received from other processes so far."""
        return self._peer_messages

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

    def _changed_since(self, key: str, generation: int) -> bool:
        """Whether a peer invalidated ``key`` after ``generation``: a copy read from L2
        since then may predate the peer's change."""
        if generation == self._generation:
            return False
        return self._wiped_at > generation or self._key_changed_at.get(key, -1) > generation

    async def _fill(
        self, keys: Sequence[str], found: Sequence[bytes | None], generation: int
    ) -> None:
        fills: dict[float, dict[str, bytes]] = {}
        for key, raw in zip(keys, found, strict=True):
            if raw is not None and not self._changed_since(key, generation):
                ttl = self._l1_ttl(raw)
                if ttl is not None:
                    fills.setdefault(ttl, {})[key] = raw
        for ttl, items in fills.items():
            await self.l1.set_many(items, ttl_s=ttl)

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        values = await self.l1.get_many(keys)
        missing = [i for i, v in enumerate(values) if v is None]
        self._metrics.hits += len(keys) - len(missing)
        if not missing:
            return values
        wanted = [keys[i] for i in missing]
        generation = self._generation
        found = await self.l2.get_many(wanted)
        for i, raw in zip(missing, found, strict=True):
            if raw is None:
                self._metrics.misses += 1
            else:
                self._metrics.hits += 1
                values[i] = raw
        await self._fill(wanted, found, generation)
        return values

    async def get_many_shared(self, keys: Sequence[str]) -> list[bytes | None]:
        """Read L2 directly (past L1) and refresh L1 with what it holds: a process waiting
        for another's load sees the result as soon as it is in L2."""
        generation = self._generation
        shared = getattr(self.l2, "get_many_shared", None)
        found: list[bytes | None] = await (shared or self.l2.get_many)(keys)
        await self._fill(keys, found, generation)
        return found

    async def set_many(
        self, items: Mapping[str, bytes], *, ttl_s: float | None, tags: Iterable[str] = ()
    ) -> None:
        tag_tuple = tuple(tags)
        l1_ttl = self._l1_ttl_s if ttl_s is None else min(self._l1_ttl_s, ttl_s)
        generation = self._generation
        await set_items(self.l2, items, ttl_s=ttl_s, tags=tag_tuple)
        if generation == self._generation:
            await set_items(self.l1, items, ttl_s=l1_ttl, tags=tag_tuple)
        else:  # a peer changed some of these meanwhile: which write L2 kept is unknown
            changed = [k for k in items if self._changed_since(k, generation)]
            skip = set(changed)
            keep = {k: v for k, v in items.items() if k not in skip}
            if keep:
                await set_items(self.l1, keep, ttl_s=l1_ttl, tags=tag_tuple)
            if changed:
                await self.l1.delete(changed)
        self._metrics.sets += len(items)
        await self._announce(_Invalidation(self._origin, keys=tuple(items)))

    async def delete(self, keys: Sequence[str]) -> int:
        await self.l1.delete(keys)
        deleted = await self.l2.delete(keys)
        await self._announce(_Invalidation(self._origin, keys=tuple(keys)))
        return deleted

    async def delete_prefix(self, prefix: str) -> int:
        await delete_prefix(self.l1, prefix)
        deleted = await delete_prefix(self.l2, prefix)
        await self._announce(_Invalidation(self._origin, prefix=prefix, clear=not prefix))
        return deleted

    async def delete_tags(self, tags: Sequence[str]) -> int:
        """Delete tagged keys in L2, and empty L1: copies filled from L2 carry no tags, so
        L1 cannot tell which of them a tag covers (it is a short-TTL layer; refills are cheap).
        Peers empty their L1 too."""
        deleted = await delete_tags(self.l2, tags)
        await self._clear_l1()
        await self._announce(_Invalidation(self._origin, clear=True))
        return deleted

    async def _clear_l1(self) -> None:
        clear = getattr(self.l1, "clear", None)
        if callable(clear):
            clear()
        elif isinstance(self.l1, InvalidatingBackend):
            await self.l1.delete_prefix("")

    # -- invalidation across processes ---------------------------------------------------

    async def _announce(self, message: _Invalidation) -> None:
        channel = self._channel
        if channel is None or not (message.keys or message.prefix or message.clear):
            return
        if len(message.keys) > MAX_KEYS_PER_MESSAGE:
            message = _Invalidation(self._origin, clear=True)
        await channel.publish_invalidation(_serde.dumps(message))

    async def _on_message(self, payload: bytes) -> None:
        try:
            message: _Invalidation | None = _serde.loads(payload, _Invalidation)
        except Exception:  # noqa: BLE001 - a foreign or newer message: drop every L1 copy
            logger.debug("cache: unreadable invalidation message; emptying L1")
            message = None
        if message is not None and message.origin == self._origin:
            return
        self._peer_messages += 1
        generation = self._generation = self._generation + 1
        if message is not None and message.keys and not message.prefix and not message.clear:
            changed = self._key_changed_at
            if len(changed) + len(message.keys) > _MAX_TRACKED_KEYS:
                changed.clear()  # forget per-key history: count it as a wipe instead
                self._wiped_at = generation
            for key in message.keys:
                changed[key] = generation
            await self.l1.delete(message.keys)
            return
        self._wiped_at = generation
        if message is not None and message.prefix and not message.clear:
            await delete_prefix(self.l1, message.prefix)
        else:
            await self._clear_l1()

    async def _on_subscribed(self) -> None:
        # Messages published while we were not subscribed are lost: drop every copy.
        self._generation += 1
        self._wiped_at = self._generation
        self._key_changed_at.clear()
        await self._clear_l1()

    async def run_background(
        self, *, task_status: anyio.abc.TaskStatus[None] = anyio.TASK_STATUS_IGNORED
    ) -> None:
        """Listen for other processes' invalidations until cancelled (an entered ``Cache``
        runs this in its task group; or ``await task_group.start(tiered.run_background)``).
        Returns at once when there is no channel or a listener already runs."""
        channel = self._channel
        if channel is None or self._listening:
            task_status.started()
            return
        self._listening = True
        try:
            await channel.listen_invalidations(
                self._on_message, on_subscribed=self._on_subscribed, task_status=task_status
            )
        finally:
            self._listening = False

    # -- cross-process load lock (delegated to L2) ---------------------------------------

    async def try_lock(self, key: str, token: str, *, ttl_s: float) -> bool | None:
        """Delegates to L2's cross-process lock; None (no lock) if L2 has none."""
        return await self._l2_lock("try_lock", key, token, ttl_s)

    async def extend_lock(self, key: str, token: str, *, ttl_s: float) -> bool | None:
        return await self._l2_lock("extend_lock", key, token, ttl_s)

    async def _l2_lock(self, method: str, key: str, token: str, ttl_s: float) -> bool | None:
        call = getattr(self.l2, method, None)
        if call is None:
            return None
        result = await call(key, token, ttl_s=ttl_s)
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

"""The richer backend seam the cache's own backends implement (tags, prefixes, stats)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Protocol, runtime_checkable

import anyio
import anyio.abc

from .._closing import AsyncClosing
from ..exceptions import CacheError
from ..typing import AsyncCacheBackend
from ._metrics import CacheStats

__all__ = (
    "BackendContext",
    "BackgroundBackend",
    "InvalidatingBackend",
    "InvalidationChannel",
    "LockingBackend",
    "delete_prefix",
    "delete_tags",
    "set_items",
    "supports",
)


@runtime_checkable
class InvalidatingBackend(AsyncCacheBackend, Protocol):
    """An :class:`~savantsdk.typing.AsyncCacheBackend` that also indexes tags, deletes by
    prefix and reports stats.  ``MemoryCache``, ``RedisCache`` and ``TieredCache`` are ones."""

    async def set_many(
        self, items: Mapping[str, bytes], *, ttl_s: float | None, tags: Iterable[str] = ()
    ) -> None: ...

    async def delete_prefix(self, prefix: str) -> int: ...

    async def delete_tags(self, tags: Sequence[str]) -> int: ...

    def stats(self) -> CacheStats: ...


@runtime_checkable
class LockingBackend(Protocol):
    """A backend shared by many processes that offers a short per-key load lock
    (``RedisCache``; ``TieredCache`` over one).  ``Cache(lock_ttl_s=...)`` uses it so that
    concurrent misses across processes run the loader once.

    ``try_lock``/``extend_lock`` answer True (held by ``token``), False (held by another
    token) or None (the lock store is unreachable: callers proceed without a lock, failing
    open).  ``unlock`` releases only if ``token`` still holds the lock.  ``get_many_shared``
    reads the shared layer itself, past any private copy (a tiered cache's L1), so a waiter
    sees another process's result as soon as it is written.
    """

    async def try_lock(self, key: str, token: str, *, ttl_s: float) -> bool | None: ...

    async def extend_lock(self, key: str, token: str, *, ttl_s: float) -> bool | None: ...

    async def unlock(self, key: str, token: str) -> None: ...

    async def get_many_shared(self, keys: Sequence[str]) -> list[bytes | None]: ...


@runtime_checkable
class InvalidationChannel(Protocol):
    """A shared backend that can tell every process about invalidations (``RedisCache``:
    pub/sub, one channel per namespace).  Payloads are opaque bytes to the channel.

    ``listen_invalidations`` runs until cancelled, awaiting ``on_message`` for every payload
    and ``on_subscribed`` after every (re)subscription (messages sent while it was not
    subscribed are lost); it calls ``task_status.started()`` after its first attempt.
    """

    async def publish_invalidation(self, payload: bytes) -> None: ...

    async def listen_invalidations(
        self,
        on_message: Callable[[bytes], Awaitable[None]],
        *,
        on_subscribed: Callable[[], Awaitable[None]],
        task_status: anyio.abc.TaskStatus[None] = anyio.TASK_STATUS_IGNORED,
    ) -> None: ...


@runtime_checkable
class BackgroundBackend(Protocol):
    """A backend with work to run for its lifetime (``TieredCache``: its invalidation
    listener).  An entered :class:`~savantsdk.cache.Cache` starts it in its task group."""

    async def run_background(
        self, *, task_status: anyio.abc.TaskStatus[None] = anyio.TASK_STATUS_IGNORED
    ) -> None: ...


def supports(backend: AsyncCacheBackend) -> bool:
    return isinstance(backend, InvalidatingBackend)


async def set_items(
    backend: AsyncCacheBackend,
    items: Mapping[str, bytes],
    *,
    ttl_s: float | None,
    tags: Sequence[str] = (),
) -> None:
    """Write through the plain seam, passing tags only to backends that index them."""
    if tags and isinstance(backend, InvalidatingBackend):
        await backend.set_many(items, ttl_s=ttl_s, tags=tags)
    else:
        await backend.set_many(items, ttl_s=ttl_s)


async def delete_prefix(backend: AsyncCacheBackend, prefix: str) -> int:
    if not isinstance(backend, InvalidatingBackend):
        raise CacheError(f"{type(backend).__name__} cannot delete by prefix")
    return await backend.delete_prefix(prefix)


async def delete_tags(backend: AsyncCacheBackend, tags: Sequence[str]) -> int:
    if not isinstance(backend, InvalidatingBackend):
        raise CacheError(f"{type(backend).__name__} cannot delete by tag")
    return await backend.delete_tags(tags)


class BackendContext(AsyncClosing):
    """``async with backend:`` closes it on exit."""

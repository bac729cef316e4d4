"""The richer backend seam the cache's own backends implement (tags, prefixes, stats)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

from ..exceptions import CacheError
from ..typing import AsyncCacheBackend
from ._metrics import CacheStats

__all__ = (
    "BackendContext",
    "InvalidatingBackend",
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


class BackendContext:
    """``async with backend:`` closes it on exit."""

    async def aclose(self) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

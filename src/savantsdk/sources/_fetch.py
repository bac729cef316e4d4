"""Shared plumbing of the source clients: cached, freshness-tagged loads.

A client method builds its canonical cache key (never containing a secret), then calls
:func:`cached_fetch` with a loader that does the network call and parses the payload.  The
result is a ``Fetched`` envelope: the value and its ``Freshness`` (when it was fetched, the
upstream's own timestamp, which source served it and whether it came from the cache).
Failures are never cached: the cache only stores what a loader returned.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from ._quality import Fetched, Freshness, utc_from_timestamp

if TYPE_CHECKING:
    from .._client import AsyncClient

__all__ = ("cached_fetch", "now_utc")

T = TypeVar("T")


def now_utc(client: AsyncClient) -> datetime:
    """The client's wall clock as an aware UTC datetime (a FakeClock in tests)."""
    return utc_from_timestamp(client.clock.time())


async def cached_fetch(
    client: AsyncClient,
    *,
    source: str,
    key: str,
    type_: Any,
    kind: str | Callable[[T], str],
    load: Callable[[], Awaitable[tuple[T, datetime | None]]],
    use_cache: bool = True,
) -> Fetched[T]:
    """``load()`` through the client's cache under ``key``.

    The one read-through helper of every source: single-flight per key (concurrent misses
    share one load), stale-while-revalidate and stale-if-error by the key's kind (see
    :meth:`~savantsdk.cache.Cache.get_or_load`).  ``load`` returns ``(value,
    upstream_timestamp)``.  ``kind`` is the cache TTL kind, or a function choosing it from the
    value (a finished game is ``immutable``, a live one ``live``).  ``from_cache`` is true
    when this call did not run the loader itself (a cache hit, or a result shared with a
    concurrent caller).
    """
    produced: list[Fetched[T]] = []

    async def loader() -> Fetched[T]:
        value, upstream = await load()
        fetched = Fetched(
            value,
            Freshness(
                fetched_at=now_utc(client),
                upstream_timestamp=upstream,
                source=source,
                from_cache=False,
            ),
        )
        produced.append(fetched)
        return fetched

    cache = client.cache
    if cache is None or not use_cache:
        return await loader()
    of_envelope: str | Callable[[Fetched[T]], str] = (
        (lambda fetched: kind(fetched.value)) if callable(kind) else kind
    )
    result: Fetched[T] = await cache.get_or_load(
        key, loader, type_=Fetched[type_], kind=of_envelope
    )
    if produced and result is produced[0]:
        return result
    return attrs.evolve(result, freshness=attrs.evolve(result.freshness, from_cache=True))

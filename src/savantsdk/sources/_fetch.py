"""Shared plumbing of the source clients: cached, freshness-tagged loads, one GET, the
health probe.

A client method builds its canonical cache key (never containing a secret), then calls
:func:`cached_fetch` with a loader that does the network call and parses the payload.  The
result is a ``Fetched`` envelope: the value and its ``Freshness`` (when it was fetched, the
upstream's own timestamp, which source served it and whether it came from the cache).
Failures are never cached: the cache only stores what a loader returned.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import attrs

from .._http import send
from ..exceptions import BadRequestError, NotFoundError, UnauthorizedError
from ..executor import Lane
from ._partial import describe_error
from ._quality import Fetched, Freshness, QuotaStatus, utc_from_timestamp

if TYPE_CHECKING:
    from collections.abc import Mapping

    import httpx

    from ..typing import SourceContext

__all__ = ("NoQuotaSource", "cached_fetch", "head_probe", "now_utc", "send_once")

T = TypeVar("T")


def now_utc(client: SourceContext) -> datetime:
    """The client's wall clock as an aware UTC datetime (a FakeClock in tests)."""
    return utc_from_timestamp(client.clock.time())


async def cached_fetch(
    client: SourceContext,
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
    concurrent caller); ``stale_error`` when this call's load failed and a stale copy was
    served in its place.
    """
    produced: list[Fetched[T]] = []
    failed: list[Exception] = []

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
        key, loader, type_=Fetched[type_], kind=of_envelope, on_stale_error=failed.append
    )
    if produced and result is produced[0]:
        return result
    stale_error = describe_error(failed[0]) if failed else None
    return attrs.evolve(
        result,
        freshness=attrs.evolve(result.freshness, from_cache=True, stale_error=stale_error),
    )


async def send_once(
    ctx: SourceContext,
    source: str,
    path: str,
    *,
    method: str = "GET",
    params: Mapping[str, Any] | list[tuple[str, Any]] | None = None,
) -> httpx.Response:
    """One attempt of ``method path`` on the source's pool, within the source's total
    deadline; raises typed errors.  Call it inside an executor call (which retries it)."""
    return await send(
        ctx.http(source),
        source,
        method,
        path,
        params=params,
        total_timeout_s=ctx.settings(source).timeout.total_s,
    )


async def head_probe(ctx: SourceContext, source: str, *, timeout_s: float) -> int:
    """The default health probe: ``HEAD /`` without credentials through the source's
    executor (LIVE lane).  Returns the status; an unauthenticated 400/401/404 is a coherent
    answer (the host is up), so it is returned, not raised."""
    http = ctx.http(source)

    async def attempt() -> int:
        try:
            response = await send(http, source, "HEAD", "/", total_timeout_s=timeout_s)
        except (NotFoundError, BadRequestError, UnauthorizedError) as exc:
            # an unauthenticated HEAD answered coherently: a success for the counters too
            return exc.status_code
        return response.status_code

    return await ctx.executor(source).call(
        attempt, key=f"HEAD / (health probe of {source})", lane=Lane.LIVE
    )


class NoQuotaSource:
    """``quota_status()`` and ``health_probe()`` of a source whose upstream publishes no
    quota (Savant, the Stats API, PrizePicks): nothing known, and the default ``HEAD /``."""

    __slots__ = ()
    _source_name: ClassVar[str]
    _client: SourceContext

    def quota_status(self) -> QuotaStatus:
        """This upstream publishes no quota: every field is None."""
        return QuotaStatus()

    async def health_probe(self, *, timeout_s: float) -> int:
        """``HEAD /`` without credentials through this source's executor (see
        ``client.health(probe=True)``); returns the HTTP status."""
        return await head_probe(self._client, self._source_name, timeout_s=timeout_s)

"""Build the backend a :class:`~savantsdk.CacheSettings` describes (for the client root)."""

from __future__ import annotations

from .._config import CacheSettings
from ..exceptions import ConfigurationError
from ..typing import AsyncCacheBackend, Clock
from ._memory import MemoryCache
from ._tiered import TieredCache

__all__ = ("backend_from_settings",)


def backend_from_settings(
    settings: CacheSettings, *, clock: Clock | None = None, l1_ttl_s: float = 5.0
) -> AsyncCacheBackend | None:
    """``memory`` -> MemoryCache, ``redis`` -> RedisCache, ``tiered`` -> TieredCache(memory,
    redis), ``none`` -> None.  The caller owns (and closes) what this returns."""
    if settings.backend == "none":
        return None
    memory = MemoryCache(
        max_entries=settings.max_entries, max_bytes=settings.max_bytes, clock=clock
    )
    if settings.backend == "memory":
        return memory
    if not settings.redis_url:
        raise ConfigurationError(
            f"cache backend {settings.backend!r} needs a redis_url", setting="redis_url"
        )
    from ._redis import RedisCache  # redis-py is imported only when a Redis backend is built

    redis = RedisCache(
        settings.redis_url,
        namespace=settings.namespace,
        timeout_s=settings.redis_timeout_s,
        clock=clock,
    )
    if settings.backend == "redis":
        return redis
    return TieredCache(memory, redis, l1_ttl_s=l1_ttl_s, clock=clock)

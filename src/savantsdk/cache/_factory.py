"""Build the backend a :class:`~savantsdk.CacheSettings` describes (for the client root)."""

from __future__ import annotations

from typing import Final

from .._config import CacheSettings
from ..exceptions import ConfigurationError
from ..typing import AsyncCacheBackend, Clock
from ._disk import DiskCache
from ._memory import MemoryCache
from ._tiered import TieredCache

__all__ = ("LOCAL_L1_TTL_S", "backend_from_settings", "uses_redis")

#: How long memory keeps a copy of a disk entry (memory+disk): the disk is this machine's,
#: so only another local process's write of the same key can outdate a copy meanwhile.
LOCAL_L1_TTL_S: Final = 300.0
#: How long the disk keeps a copy of a Redis entry (memory+disk+redis).
DISK_OVER_REDIS_TTL_S: Final = 300.0


def uses_redis(settings: CacheSettings) -> bool:
    """Whether the backend ``settings`` describes talks to Redis (and so offers a lock)."""
    return settings.backend in ("redis", "tiered", "memory+disk+redis")


def backend_from_settings(
    settings: CacheSettings, *, clock: Clock | None = None, l1_ttl_s: float = 5.0
) -> AsyncCacheBackend | None:
    """``memory`` -> MemoryCache, ``disk`` -> DiskCache, ``memory+disk`` ->
    TieredCache(memory, disk), ``redis`` -> RedisCache, ``tiered`` -> TieredCache(memory,
    redis), ``memory+disk+redis`` -> TieredCache(memory, TieredCache(disk, redis)), ``none``
    -> None.  The caller owns (and closes) what this returns."""
    backend = settings.backend
    if backend == "none":
        return None
    memory = MemoryCache(
        max_entries=settings.max_entries, max_bytes=settings.max_bytes, clock=clock
    )
    if backend == "memory":
        return memory
    if backend in ("disk", "memory+disk", "memory+disk+redis"):
        disk = DiskCache(settings.disk_dir, max_bytes=settings.disk_max_bytes, clock=clock)
        if backend == "disk":
            return disk
        if backend == "memory+disk":
            return TieredCache(memory, disk, l1_ttl_s=LOCAL_L1_TTL_S, broadcast=False, clock=clock)
        # No pub/sub invalidation through two tiers: a copy lives at most l1_ttl_s in memory
        # and DISK_OVER_REDIS_TTL_S on disk after the Redis entry it copied changed.
        lower = TieredCache(
            disk,
            _redis(settings, clock),
            l1_ttl_s=DISK_OVER_REDIS_TTL_S,
            broadcast=False,
            clock=clock,
            name="disk+redis",
        )
        return TieredCache(memory, lower, l1_ttl_s=l1_ttl_s, broadcast=False, clock=clock)
    redis = _redis(settings, clock)
    if backend == "redis":
        return redis
    return TieredCache(memory, redis, l1_ttl_s=l1_ttl_s, clock=clock)


def _redis(settings: CacheSettings, clock: Clock | None) -> AsyncCacheBackend:
    if not settings.redis_url:
        raise ConfigurationError(
            f"cache backend {settings.backend!r} needs a redis_url", setting="redis_url"
        )
    from ._redis import RedisCache  # redis-py is imported only when a Redis backend is built

    return RedisCache(
        settings.redis_url,
        namespace=settings.namespace,
        timeout_s=settings.redis_timeout_s,
        clock=clock,
    )

"""One way to open a standalone Redis: a blocking connection pool with one timeout for all.

Used by the Redis cache backend and the Redis coordination store (each passes its own retry
rule).  A burst beyond ``max_connections`` waits, up to ``timeout_s``, for a free connection
instead of failing with "Too many connections".  Needs the ``redis`` extra.
"""

from __future__ import annotations

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry

__all__ = ("blocking_redis",)


def blocking_redis(
    url: str, *, max_connections: int, timeout_s: float, retry: Retry
) -> aioredis.Redis:
    """A client on its own blocking pool (closing the client closes the pool)."""
    pool = aioredis.BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=timeout_s,
        socket_timeout=timeout_s,
        socket_connect_timeout=timeout_s,
        retry=retry,
    )
    return aioredis.Redis.from_pool(pool)

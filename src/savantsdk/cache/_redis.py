"""RedisCache: a shared byte store on redis.asyncio that fails open.

One blocking connection pool per instance (``redis://``, ``rediss://`` and ``unix://`` URLs;
``max_connections``, default 50).  Reads are
one ``MGET``; writes one non-transactional pipeline of ``SET .. PX`` (plus the tag index), so a
batch costs one round trip and TTLs are enforced by the server.

Failing open: a connection error or a reply slower than ``timeout_s`` turns a read into misses
and a write into a no-op, counts an error, and logs once per incident (one WARNING when Redis
goes away, one INFO when it is back).  For ``retry_interval_s`` after a failure calls skip Redis
entirely (no connect timeout paid per call); the next call after that probes it again, and
redis-py's pool reconnects by itself.  Explicit management calls (``delete``,
``delete_prefix``, ``delete_tags``, ``ping``) raise :class:`~savantsdk.CacheError` instead.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any, Final, TypeVar, cast
from urllib.parse import quote, urlsplit

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from .._clock import SystemClock
from .._redact import redact, register_secret
from ..exceptions import CacheError, ConfigurationError
from ..typing import Clock
from ._metrics import CacheStats, LayerMetrics
from ._protocols import BackendContext

__all__ = ("RedisCache",)

logger = logging.getLogger("savantsdk")
T = TypeVar("T")
_SCHEMES: Final = ("redis", "rediss", "unix")
_GLOB_SPECIAL = re.compile(r"([*?\[\]\\])")
_FAILURES: Final = (RedisError, OSError, TimeoutError)
# Delete the lock only if we still own it (compare-and-delete).
_UNLOCK_LUA: Final = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) "
    "else return 0 end"
)


def _glob_escape(text: str) -> str:
    return _GLOB_SPECIAL.sub(r"\\\1", text)


class RedisCache(BackendContext):
    """Redis-backed byte store.  ``namespace`` prefixes the tag-index and lock keys (cache
    keys arrive already namespaced from :func:`~savantsdk.cache.cache_key`)."""

    def __init__(
        self,
        url: str | None = None,
        *,
        client: aioredis.Redis | None = None,
        namespace: str = "savantsdk",
        timeout_s: float = 0.5,
        retry_interval_s: float = 1.0,
        max_connections: int = 50,
        clock: Clock | None = None,
        name: str = "redis",
    ) -> None:
        if (url is None) == (client is None):
            raise ConfigurationError("pass exactly one of url= or client=", setting="url")
        if timeout_s <= 0:
            raise ConfigurationError("timeout_s must be > 0", setting="timeout_s")
        self._url = url or ""
        if url is not None:
            try:
                parts = urlsplit(url)
            except ValueError as exc:
                raise ConfigurationError(f"bad Redis URL: {redact(url)}", setting="url") from exc
            if parts.scheme not in _SCHEMES:
                raise ConfigurationError(
                    f"Redis URL must start with redis://, rediss:// or unix://: {redact(url)}",
                    setting="url",
                )
            register_secret(parts.password)
            # A blocking pool: a burst beyond max_connections waits (up to timeout_s) for a
            # free connection instead of failing with "Too many connections".
            pool = aioredis.BlockingConnectionPool.from_url(
                url,
                max_connections=max_connections,
                timeout=timeout_s,
                socket_timeout=timeout_s,
                socket_connect_timeout=timeout_s,
                retry=Retry(NoBackoff(), 1),
            )
            client = aioredis.Redis.from_pool(pool)
            self._owns_client = True
        else:
            self._owns_client = False
        assert client is not None
        self._client: aioredis.Redis = client
        self._namespace = namespace
        self._retry_interval_s = retry_interval_s
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._metrics = LayerMetrics(name)
        self._down_since: float | None = None
        self._skip_until = 0.0
        self._incident_errors = 0
        self._unlock_script = self._client.register_script(_UNLOCK_LUA)

    def __repr__(self) -> str:
        where = redact(self._url) if self._url else "<client>"
        return f"RedisCache(url={where!r}, namespace={self._namespace!r})"

    @property
    def available(self) -> bool:
        """False while an outage incident is open (calls fail open)."""
        return self._down_since is None

    # -- fail-open plumbing --------------------------------------------------------------

    def _tag_key(self, tag: str) -> str:
        return f"{self._namespace}:tag:{quote(tag, safe='-._~')}"

    def _lock_key(self, key: str) -> str:
        return f"{self._namespace}:lock:{key}"

    def _on_failure(self, exc: BaseException, op: str) -> None:
        self._metrics.errors += 1
        self._incident_errors += 1
        self._skip_until = self._clock.monotonic() + self._retry_interval_s
        if self._down_since is None:
            self._down_since = self._clock.monotonic()
            logger.warning(
                "cache: Redis %s unavailable during %s (%s: %s); failing open",
                redact(self._url) or "<client>",
                op,
                type(exc).__name__,
                redact(str(exc)),
            )

    def _on_success(self) -> None:
        if self._down_since is not None:
            logger.info(
                "cache: Redis %s is back after %.1fs (%d calls failed open)",
                redact(self._url) or "<client>",
                self._clock.monotonic() - self._down_since,
                self._incident_errors,
            )
            self._down_since = None
            self._incident_errors = 0

    async def _guarded(self, op: str, call: Callable[[], Awaitable[T]], fallback: T) -> T:
        if self._down_since is not None and self._clock.monotonic() < self._skip_until:
            self._metrics.errors += 1
            self._incident_errors += 1
            return fallback
        try:
            result = await call()
        except _FAILURES as exc:
            self._on_failure(exc, op)
            return fallback
        self._on_success()
        return result

    async def _explicit(self, op: str, call: Callable[[], Awaitable[T]]) -> T:
        try:
            result = await call()
        except _FAILURES as exc:
            self._on_failure(exc, op)
            raise CacheError(f"Redis {op} failed: {type(exc).__name__}: {exc}") from exc
        self._on_success()
        return result

    # -- AsyncCacheBackend ---------------------------------------------------------------

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        if not keys:
            return []
        misses: list[bytes | None] = [None] * len(keys)

        async def call() -> list[bytes | None]:
            return cast(list[bytes | None], await self._client.mget(list(keys)))

        values = await self._guarded("MGET", call, misses)
        if values is misses:
            self._metrics.misses += len(keys)
            return values
        hits = sum(v is not None for v in values)
        self._metrics.hits += hits
        self._metrics.misses += len(keys) - hits
        return values

    async def set_many(
        self, items: Mapping[str, bytes], *, ttl_s: float | None, tags: Iterable[str] = ()
    ) -> None:
        if not items:
            return
        tag_list = list(dict.fromkeys(tags))
        if ttl_s is not None and ttl_s <= 0:
            await self._guarded("DEL", lambda: self._client.unlink(*items), 0)
            return
        px = None if ttl_s is None else max(1, round(ttl_s * 1000))

        async def call() -> None:
            pipe = self._client.pipeline(transaction=False)
            for key, value in items.items():
                pipe.set(key, value, px=px)
            for tag in tag_list:
                tkey = self._tag_key(tag)
                pipe.sadd(tkey, *items)
                if px is not None:
                    # NX gives a new index a TTL; GT only ever extends it.
                    pipe.pexpire(tkey, px, nx=True)
                    pipe.pexpire(tkey, px, gt=True)
                else:
                    pipe.persist(tkey)
            await pipe.execute()
            self._metrics.sets += len(items)

        await self._guarded("SET", call, None)

    async def delete(self, keys: Sequence[str]) -> int:
        if not keys:
            return 0
        return int(await self._explicit("UNLINK", lambda: self._client.unlink(*keys)))

    async def delete_prefix(self, prefix: str) -> int:
        """Delete every key starting with ``prefix`` (SCAN in pages, never KEYS)."""

        async def call() -> int:
            deleted = 0
            batch: list[Any] = []
            async for key in self._client.scan_iter(match=_glob_escape(prefix) + "*", count=1000):
                batch.append(key)
                if len(batch) >= 500:
                    deleted += int(await self._client.unlink(*batch))
                    batch.clear()
            if batch:
                deleted += int(await self._client.unlink(*batch))
            return deleted

        return await self._explicit("SCAN/UNLINK", call)

    async def delete_tags(self, tags: Sequence[str]) -> int:
        """Delete every key written with any of ``tags``, and the tag indexes."""

        async def call() -> int:
            deleted = 0
            for tag in tags:
                tkey = self._tag_key(tag)
                members = list(await self._client.smembers(tkey))
                for start in range(0, len(members), 500):
                    deleted += int(await self._client.unlink(*members[start : start + 500]))
                await self._client.unlink(tkey)
            return deleted

        return await self._explicit("SMEMBERS/UNLINK", call)

    async def ping(self) -> bool:
        """Round-trip to Redis; raises :class:`CacheError` when it is unreachable."""
        return bool(await self._explicit("PING", self._client.ping))

    # -- cross-process stampede lock (short, best effort) --------------------------------

    async def try_lock(self, key: str, token: str, *, ttl_s: float) -> bool | None:
        """``SET lock NX PX``: True if acquired, False if held elsewhere, None if Redis is
        unavailable (callers then proceed without the lock: failing open)."""

        async def call() -> bool | None:
            return bool(
                await self._client.set(
                    self._lock_key(key), token, nx=True, px=max(1, round(ttl_s * 1000))
                )
            )

        return await self._guarded("LOCK", call, None)

    async def unlock(self, key: str, token: str) -> None:
        """Release the lock if this token still holds it."""

        async def call() -> None:
            await self._unlock_script(keys=[self._lock_key(key)], args=[token])

        await self._guarded("UNLOCK", call, None)

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    def stats(self) -> CacheStats:
        return self._metrics.snapshot()

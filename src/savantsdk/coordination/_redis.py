"""RedisCoordination: fleet-wide limits through one Redis, opt-in with one setting.

::

    async with RedisCoordination("redis://:password@redis:6379/0") as coordination:
        async with AsyncClient(coordination=coordination) as client:
            ...  # every worker process shares each source's rate, breaker, pause and credits

See ``docs/coordination.md``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

from .._redact import redact, register_secret
from .._redis_pool import blocking_redis
from ..exceptions import ConfigurationError
from ._core import DEFAULT_HORIZONS_S, Coordinator
from ._store import RedisStore

if TYPE_CHECKING:
    from ..typing import Clock
    from ._adaptive import AdaptiveConcurrency

__all__ = ("RedisCoordination",)

_SCHEMES: Final = ("redis", "rediss", "unix")


class RedisCoordination(Coordinator):
    """Shares every source's rate limit (with lanes), circuit breaker, 429 pause and credit
    account across the processes that use the same Redis and ``namespace``.

    ``url``: ``redis://``, ``rediss://`` or ``unix://`` (its password never appears in a repr,
    log or error); or ``client=``: your own ``redis.asyncio.Redis`` (not closed by
    :meth:`aclose`).  One blocking connection pool of ``max_connections``; every call is bounded
    by ``timeout_s``.

    ``fallback_share``: while Redis is unreachable each process limits each source locally to
    this share of its rate (``1 / number of workers`` keeps the fleet at the limit).
    ``lane_horizons_s``: how far ahead (LIVE, PROPS, HISTORICAL) a lane may book slots.
    ``credit_floor``: credits the fleet leaves in the account.  ``adaptive_concurrency``:
    per-source AIMD of the concurrency limit (off unless listed).
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        client: aioredis.Redis | None = None,
        namespace: str = "savantsdk",
        fallback_share: float = 0.25,
        timeout_s: float = 0.5,
        retry_interval_s: float = 1.0,
        max_connections: int = 20,
        lane_horizons_s: Sequence[float] = DEFAULT_HORIZONS_S,
        sync_interval_s: float = 0.1,
        max_batch: int = 64,
        credit_floor: float = 0.0,
        credit_reservation_ttl_s: float = 120.0,
        adaptive_concurrency: Mapping[str, AdaptiveConcurrency] | None = None,
        clock: Clock | None = None,
    ) -> None:
        if (url is None) == (client is None):
            raise ConfigurationError("pass exactly one of url= or client=", setting="url")
        raw_ns: object = namespace
        if not isinstance(raw_ns, str) or not namespace or any(c in namespace for c in "{} "):
            raise ConfigurationError(
                f"namespace must be a non-empty string without braces or spaces, got {namespace!r}",
                setting="namespace",
            )
        raw_max: object = max_connections
        if isinstance(raw_max, bool) or not isinstance(raw_max, int) or max_connections < 1:
            raise ConfigurationError(
                f"max_connections must be an int >= 1, got {max_connections!r}",
                setting="max_connections",
            )
        self._url = url or ""
        self._namespace = namespace
        owns = url is not None
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
            raw_timeout: object = timeout_s
            pool_timeout = 0.5  # a bad timeout_s is rejected by Coordinator.__init__ below
            if isinstance(raw_timeout, int | float) and not isinstance(raw_timeout, bool):
                pool_timeout = max(0.001, float(raw_timeout))
            client = blocking_redis(
                url,
                max_connections=max_connections,
                timeout_s=pool_timeout,
                # One immediate retry on a dropped connection (a restarted server), none on a
                # timeout: a hung server costs one timeout, then the incident starts.
                retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
            )
        assert client is not None
        self._client = client
        super().__init__(
            RedisStore(client, namespace=namespace, owns_client=owns),
            label=f"Redis {redact(self._url) or '<client>'}",
            clock=clock,
            fallback_share=fallback_share,
            timeout_s=timeout_s,
            retry_interval_s=retry_interval_s,
            lane_horizons_s=lane_horizons_s,
            sync_interval_s=sync_interval_s,
            max_batch=max_batch,
            credit_floor=credit_floor,
            credit_reservation_ttl_s=credit_reservation_ttl_s,
            adaptive_concurrency=adaptive_concurrency,
        )
        self._owns_client = owns

    def __repr__(self) -> str:
        where = redact(self._url) if self._url else "<client>"
        state = "closed" if self.closed else ("ok" if self.available else "fallback")
        return f"RedisCoordination(url={where!r}, namespace={self._namespace!r}, state={state!r})"

    @property
    def namespace(self) -> str:
        return self._namespace

    def __del__(self) -> None:
        if getattr(self, "_owns_client", False) and not self.closed:
            warnings.warn(
                f"unclosed {self!r}: use 'async with RedisCoordination(...)' or "
                "'await coordination.aclose()'",
                ResourceWarning,
                stacklevel=2,
            )

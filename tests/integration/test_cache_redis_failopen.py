"""Fail-open: a Redis that dies mid-run and comes back on the same port.

Starts its own redis-server (the shared one must not be killed), stops it mid-run, and
restarts it: no user-visible failure, data served from the loader meanwhile, one log line per
incident, and no lost write after recovery.
"""

from __future__ import annotations

import logging
import time

import anyio
import pytest
import redis.asyncio as aioredis

from redis_server_support import RedisProcess, free_port
from savantsdk.cache import Cache, RedisCache, cache_key

pytestmark = [pytest.mark.anyio, pytest.mark.redis]


async def test_redis_outage_is_invisible_and_recovery_loses_no_write(
    own_redis: RedisProcess, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="savantsdk")
    url = f"redis://127.0.0.1:{own_redis.port}/0"
    loads: list[str] = []

    def loader_for(key: str, value: int):  # type: ignore[no-untyped-def]
        async def load() -> dict[str, int]:
            loads.append(key)
            return {"v": value}

        return load

    key = [cache_key("outage", i) for i in range(90)]
    async with RedisCache(url, timeout_s=0.2, retry_interval_s=0.05) as backend:
        async with Cache(backend) as cache:
            # 1. healthy: loads once, then hits
            for i in range(10):
                assert await cache.get_or_load(key[i], loader_for(key[i], i)) == {"v": i}
            assert await cache.get_or_load(key[0], loader_for(key[0], -1)) == {"v": 0}
            assert len(loads) == 10

            # 2. Redis dies: every call still answers, from the loader
            own_redis.stop()
            for i in range(10, 40):
                assert await cache.get_or_load(key[i], loader_for(key[i], i)) == {"v": i}
                await cache.set(key[i] + ":extra", i)
                assert await cache.get(key[0]) is None  # a miss, not an exception
                await anyio.sleep(0.005)
            assert await cache.get_or_load(key[0], loader_for(key[0], 0)) == {"v": 0}
            assert len(loads) == 41
            assert not backend.available
            outage_errors = backend.stats().errors
            assert outage_errors >= 60
            warnings = [r for r in caplog.records if "failing open" in r.getMessage()]
            assert len(warnings) == 1  # once per incident, not per call

            # 3. Redis returns on the same port (empty: no persistence)
            own_redis.start()
            await anyio.sleep(0.06)  # past retry_interval_s: the next call probes again
            for i in range(40, 90):
                assert await cache.get_or_load(key[i], loader_for(key[i], i)) == {"v": i}
            assert backend.available
            assert backend.stats().errors == outage_errors  # no failure after recovery
            assert [r for r in caplog.records if "is back" in r.getMessage()]
            # every write after recovery is in Redis, readable by another client
            raw = aioredis.Redis.from_url(url)
            try:
                stored = await raw.mget(key[40:90])
            finally:
                await raw.aclose()
            assert all(v is not None for v in stored)
            for i in range(40, 90):
                assert await cache.get(key[i]) == {"v": i}


async def test_a_hung_redis_costs_one_timeout_then_is_skipped(own_redis: RedisProcess) -> None:
    import signal

    url = f"redis://127.0.0.1:{own_redis.port}/0"
    key = cache_key("hung")
    async with RedisCache(url, timeout_s=0.2, retry_interval_s=5.0) as backend:
        cache = Cache(backend)
        await cache.set(key, 1)
        assert own_redis.proc is not None
        own_redis.proc.send_signal(signal.SIGSTOP)
        try:
            started = time.monotonic()
            assert await cache.get(key) is None  # times out after ~0.2 s, fails open
            first = time.monotonic() - started
            started = time.monotonic()
            for _ in range(20):
                assert await cache.get(key) is None  # inside retry_interval_s: skipped
            rest = time.monotonic() - started
        finally:
            own_redis.proc.send_signal(signal.SIGCONT)
        assert 0.15 < first < 2.0
        assert rest < 1.0  # 20 calls x 0.2 s timeout would take 4 s
        assert backend.stats().errors == 21


async def test_nothing_listening_fails_open_with_a_redacted_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = f"redis://:hunter2-secret@127.0.0.1:{free_port()}/0"
    async with RedisCache(url, timeout_s=0.2, retry_interval_s=0.0) as backend:
        cache = Cache(backend)
        assert await cache.get_or_load(cache_key("x"), _const(5)) == 5
        assert await backend.get_many(["a", "b"]) == [None, None]
    text = "\n".join(r.getMessage() for r in caplog.records) + repr(backend)
    assert "failing open" in text
    assert "hunter2-secret" not in text
    assert backend.stats().errors >= 2


async def test_tiered_l1_keeps_serving_while_redis_is_down(own_redis: RedisProcess) -> None:
    from savantsdk.cache import MemoryCache, TieredCache

    url = f"redis://127.0.0.1:{own_redis.port}/0"
    tiered = TieredCache(
        MemoryCache(), RedisCache(url, timeout_s=0.2, retry_interval_s=0.05), l1_ttl_s=30
    )
    async with tiered:
        cache = Cache(tiered)
        key = cache_key("tiered", "down")
        await cache.set(key, {"v": 1})
        own_redis.stop()
        assert await cache.get(key) == {"v": 1}  # L1 hit, Redis never asked
        assert await cache.get(cache_key("other")) is None  # L2 miss fails open
        assert await cache.get_or_load(cache_key("new"), _const(3)) == 3
        assert await cache.get(cache_key("new")) == 3  # the write reached L1 at least


def _const(value: object):  # type: ignore[no-untyped-def]
    async def load() -> object:
        return value

    return load

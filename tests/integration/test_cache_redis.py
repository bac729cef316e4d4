"""RedisCache and TieredCache against the real Redis started by scripts/test."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import anyio
import pytest
import redis.asyncio as aioredis

from savantsdk.cache import (
    Cache,
    MemoryCache,
    RedisCache,
    TieredCache,
    Ttl,
    TtlPolicy,
    cache_key,
    key_prefix,
)
from savantsdk.exceptions import ConfigurationError

pytestmark = [pytest.mark.anyio, pytest.mark.redis]


@pytest.fixture
def namespace() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def backend(redis_url: str, namespace: str) -> AsyncIterator[RedisCache]:
    # A generous pool wait: 200 concurrent callers share 50 connections, and on a loaded box
    # (the lowest-versions run beside other jobs) the default 0.5 s wait made a read fail
    # open, so the stampede test saw a second load.  Failing open: test_cache_redis_failopen.
    cache = RedisCache(redis_url, namespace=namespace, timeout_s=10.0)
    try:
        yield cache
    finally:
        await cache.delete_prefix(namespace + ":")
        await cache.aclose()


async def raw_keys(redis_url: str, namespace: str) -> list[bytes]:
    client = aioredis.Redis.from_url(redis_url)
    try:
        return sorted([k async for k in client.scan_iter(match=f"{namespace}:*")])
    finally:
        await client.aclose()


async def test_get_many_set_many_one_round_trip_and_server_ttl(
    backend: RedisCache, namespace: str, redis_url: str
) -> None:
    keys = [cache_key("t", i, namespace=namespace) for i in range(50)]
    await backend.set_many({k: f"v{i}".encode() for i, k in enumerate(keys)}, ttl_s=30)
    got = await backend.get_many([*keys, cache_key("missing", namespace=namespace)])
    assert got == [*(f"v{i}".encode() for i in range(50)), None]
    client = aioredis.Redis.from_url(redis_url)
    try:
        ttl_ms = await client.pttl(keys[0])
    finally:
        await client.aclose()
    assert 29_000 < ttl_ms <= 30_000
    stats = backend.stats()
    assert (stats.hits, stats.misses, stats.sets, stats.errors) == (50, 1, 50, 0)


async def test_short_ttl_expires_on_the_server(backend: RedisCache, namespace: str) -> None:
    key = cache_key("short", namespace=namespace)
    await backend.set_many({key: b"x"}, ttl_s=0.05)
    await anyio.sleep(0.12)
    assert await backend.get_many([key]) == [None]


async def test_prefix_and_tag_invalidation_with_scan(
    backend: RedisCache, namespace: str, redis_url: str
) -> None:
    cache = Cache(backend)
    day = [cache_key("statcast", "day", d, namespace=namespace) for d in range(600)]
    await cache.set_many({k: {"d": i} for i, k in enumerate(day)}, kind="immutable")
    sched = cache_key("schedule", 1, namespace=namespace)
    await cache.set(sched, [1], kind="schedule", tags=["date:2024-06-10"])
    odd = cache_key("odd[*]?", namespace=namespace)  # glob characters are escaped
    await cache.set(odd, 1)
    assert await cache.invalidate_prefix(key_prefix("statcast", namespace=namespace)) == 600
    assert await cache.get(day[0]) is None
    assert await cache.get(sched) == [1]
    assert await cache.invalidate_tags("date:2024-06-10") == 1
    assert await cache.get(sched) is None
    assert await cache.get(odd) == 1
    assert [k.decode() for k in await raw_keys(redis_url, namespace)] == [odd]


async def test_cache_front_round_trip_compression_and_stampede(
    backend: RedisCache, namespace: str
) -> None:
    big = {"rows": [{"pitch_type": "FF", "release_speed": 95.0 + i % 7} for i in range(5000)]}
    key = cache_key("big", namespace=namespace)
    calls = 0
    gate = anyio.Event()

    async def loader() -> dict[str, object]:
        nonlocal calls
        calls += 1
        await gate.wait()
        return big

    results: list[object] = []
    async with Cache(backend) as cache:

        async def one() -> None:
            results.append(await cache.get_or_load(key, loader, kind="immutable"))

        async with anyio.create_task_group() as tg:
            for _ in range(200):
                tg.start_soon(one)
            await anyio.wait_all_tasks_blocked()
            gate.set()
        assert calls == 1
        assert len(results) == 200
        raw = (await backend.get_many([key]))[0]
        assert raw is not None
        assert raw[4] == 1  # zlib codec recorded in the header
        assert await Cache(backend).get(key) == big  # a second reader decodes it


async def test_tiered_l1_in_front_of_redis(redis_url: str, namespace: str) -> None:
    l2 = RedisCache(redis_url, namespace=namespace)
    l1 = MemoryCache(name="l1")
    ttls = TtlPolicy({"k": Ttl(fresh_s=60)})
    tiered = TieredCache(l1, l2, l1_ttl_s=2)
    async with tiered, Cache(tiered, ttls=ttls) as cache:
        key = cache_key("tier", namespace=namespace)
        await cache.set(key, {"v": 1}, kind="k")
        l1.clear()
        assert await cache.get(key) == {"v": 1}  # from L2, fills L1
        remaining = l1.remaining_ttl(key)
        assert remaining is not None
        assert 1.5 < remaining <= 2
        await l2.delete([key])
        assert await cache.get(key) == {"v": 1}  # L1 still serves within its short TTL
        stats = cache.stats()
        assert stats["l1"].hits == 1
        assert stats["redis"].hits == 1
        await l2.delete_prefix(namespace + ":")


async def test_cross_process_lock(backend: RedisCache, namespace: str) -> None:
    key = cache_key("locked", namespace=namespace)
    assert await backend.try_lock(key, "a", ttl_s=5) is True
    assert await backend.try_lock(key, "b", ttl_s=5) is False
    await backend.unlock(key, "b")  # not the owner: no effect
    assert await backend.try_lock(key, "c", ttl_s=5) is False
    await backend.unlock(key, "a")
    assert await backend.try_lock(key, "c", ttl_s=5) is True
    await backend.unlock(key, "c")
    # two "processes" (two Cache objects, two pools) racing on one key load once
    other = RedisCache(backend._url, namespace=namespace)
    calls = 0

    async def slow_loader() -> int:
        nonlocal calls
        calls += 1
        await anyio.sleep(0.1)
        return 7

    results: list[int] = []
    try:
        a = Cache(backend, lock_ttl_s=2, lock_poll_s=0.02)
        b = Cache(other, lock_ttl_s=2, lock_poll_s=0.02)
        async with anyio.create_task_group() as tg:

            async def run(c: Cache) -> None:
                results.append(await c.get_or_load(key + ":v", slow_loader))

            tg.start_soon(run, a)
            await anyio.sleep(0.02)
            tg.start_soon(run, b)
    finally:
        await other.aclose()
    assert results == [7, 7]
    assert calls == 1


def test_urls_and_redacted_repr() -> None:
    cache = RedisCache("redis://user:s3cretpass@127.0.0.1:6399/2")
    assert "s3cretpass" not in repr(cache)
    assert "***" in repr(cache)
    assert "rediss" in repr(RedisCache("rediss://127.0.0.1:6399/0"))
    assert "unix" in repr(RedisCache("unix:///tmp/nonexistent.sock"))
    with pytest.raises(ConfigurationError):
        RedisCache("http://127.0.0.1:6379")
    with pytest.raises(ConfigurationError):
        RedisCache()

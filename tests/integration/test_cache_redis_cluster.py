"""RedisCache (and the lock and invalidation channel) against a real Redis Cluster.

The shared cluster comes from scripts/test (``SAVANTSDK_TEST_REDIS_CLUSTER_URL``); tests that
stop nodes start a private one with scripts/redis-cluster.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest
import redis.asyncio as aioredis
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

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


def plain(url: str) -> str:
    return url.replace("+cluster", "", 1)


@pytest.fixture
def namespace() -> str:
    return f"test-cl-{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def inspector(redis_cluster_url: str) -> AsyncIterator[RedisCluster]:
    """A plain redis-py cluster client, to look behind RedisCache's back."""
    client = RedisCluster.from_url(plain(redis_cluster_url))
    await client.initialize()
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
async def backend(redis_cluster_url: str, namespace: str) -> AsyncIterator[RedisCache]:
    cache = RedisCache(redis_cluster_url, namespace=namespace)
    try:
        yield cache
    finally:
        await cache.delete_prefix(namespace)
        await cache.aclose()


async def test_get_many_and_set_many_across_slots_and_nodes(
    backend: RedisCache, namespace: str, inspector: RedisCluster
) -> None:
    assert backend.is_cluster
    keys = [cache_key("t", i, namespace=namespace) for i in range(500)]
    nodes = {inspector.get_node_from_key(k).name for k in keys}
    assert len(nodes) == 3  # the batch really spans every master
    assert len({inspector.keyslot(k) for k in keys}) > 400  # and hundreds of slots
    await backend.set_many({k: f"v{i}".encode() for i, k in enumerate(keys)}, ttl_s=30)
    missing = cache_key("missing", namespace=namespace)
    got = await backend.get_many([*reversed(keys), missing])
    assert got == [*(f"v{i}".encode() for i in reversed(range(500))), None]
    ttls = [await inspector.pttl(k) for k in keys[:20]]
    assert all(29_000 < t <= 30_000 for t in ttls), ttls
    stats = backend.stats()
    assert (stats.hits, stats.misses, stats.sets, stats.errors) == (500, 1, 500, 0)


async def test_short_ttl_expires_on_the_cluster(backend: RedisCache, namespace: str) -> None:
    keys = [cache_key("short", i, namespace=namespace) for i in range(30)]
    await backend.set_many(dict.fromkeys(keys, b"x"), ttl_s=0.05)
    assert await backend.get_many(keys) == [b"x"] * 30
    await anyio.sleep(0.15)
    assert await backend.get_many(keys) == [None] * 30


async def test_cache_front_tags_prefixes_and_kinds_on_a_cluster(
    backend: RedisCache, namespace: str, inspector: RedisCluster
) -> None:
    cache = Cache(backend, ttls=TtlPolicy({"k": Ttl(fresh_s=60)}))
    day = [cache_key("statcast", "day", d, namespace=namespace) for d in range(300)]
    await cache.set_many({k: {"d": i} for i, k in enumerate(day)}, kind="k", tags=["season"])
    other = cache_key("schedule", 1, namespace=namespace)
    await cache.set(other, [1], kind="schedule", tags=["date:2024-06-10"])
    assert await cache.get_many(day[:3]) == [{"d": 0}, {"d": 1}, {"d": 2}]
    # the tag index is one key, on one node, listing members on every node
    assert await cache.invalidate_tags("date:2024-06-10") == 1
    assert await cache.get(other) is None
    assert await cache.invalidate_prefix(key_prefix("statcast", namespace=namespace)) == 300
    assert await cache.get_many(day[:3]) == [None, None, None]
    assert await cache.invalidate_tags("season") == 0  # members already gone
    left = [k async for k in inspector.scan_iter(match=f"{namespace}*")]
    assert left == []


async def test_lock_and_cross_process_coalescing_on_a_cluster(
    redis_cluster_url: str, backend: RedisCache, namespace: str
) -> None:
    key = cache_key("locked", namespace=namespace)
    assert await backend.try_lock(key, "a", ttl_s=5) is True
    assert await backend.try_lock(key, "b", ttl_s=5) is False
    assert await backend.extend_lock(key, "b", ttl_s=5) is False
    assert await backend.extend_lock(key, "a", ttl_s=5) is True
    await backend.unlock(key, "b")  # not the owner: no effect
    assert await backend.try_lock(key, "c", ttl_s=5) is False
    await backend.unlock(key, "a")
    assert await backend.try_lock(key, "c", ttl_s=5) is True
    await backend.unlock(key, "c")

    calls = 0

    async def slow_loader() -> int:
        nonlocal calls
        calls += 1
        await anyio.sleep(0.2)
        return 7

    other = RedisCache(redis_cluster_url, namespace=namespace)
    results: list[int] = []
    async with other:
        caches = [Cache(b, lock_ttl_s=2, lock_poll_s=0.02) for b in (backend, other)]
        async with anyio.create_task_group() as tg:

            async def run(c: Cache) -> None:
                results.append(await c.get_or_load(key + ":v", slow_loader))

            for c in caches:
                tg.start_soon(run, c)
    assert results == [7, 7]
    assert calls == 1


@pytest.mark.skipif(
    not hasattr(RedisCluster, "pubsub"), reason="asyncio RedisCluster pub/sub needs redis-py >= 8"
)
async def test_invalidations_reach_a_peer_l1_over_cluster_pubsub(
    redis_cluster_url: str, namespace: str
) -> None:
    def layer() -> tuple[TieredCache, MemoryCache]:
        l1 = MemoryCache()
        return TieredCache(l1, RedisCache(redis_cluster_url, namespace=namespace), l1_ttl_s=60), l1

    (writer_t, _), (reader_t, reader_l1) = layer(), layer()
    key = cache_key("peer", namespace=namespace)
    async with writer_t, reader_t, Cache(writer_t) as writer, Cache(reader_t) as reader:
        assert writer_t.listening
        assert reader_t.listening
        await writer.set(key, 1)
        await _until(lambda: reader_t.peer_invalidations >= 1)
        assert await reader.get(key) == 1
        assert reader_l1.get_one(key) is not None
        await writer.invalidate(key)
        await _until(lambda: reader_l1.get_one(key) is None)
        assert await reader.get(key) is None
        await writer.invalidate_prefix(namespace)


async def _until(predicate: Any, timeout_s: float = 10.0) -> None:
    with anyio.fail_after(timeout_s):
        while not predicate():
            await anyio.sleep(0.01)


def test_cluster_urls_options_and_redaction() -> None:
    secret = "cl-s3cret-pass"
    cache = RedisCache(f"redis+cluster://:{secret}@127.0.0.1:7999")
    assert cache.is_cluster
    assert secret not in repr(cache)
    assert "cluster=True" in repr(cache)
    assert RedisCache("redis://127.0.0.1:7999", cluster=True).is_cluster
    assert RedisCache("rediss+cluster://127.0.0.1:7999").is_cluster
    assert not RedisCache("redis://127.0.0.1:7999").is_cluster
    assert RedisCache("redis://127.0.0.1:7999").channel == "savantsdk:invalidate"
    for bad, kwargs in [
        ("redis+cluster://127.0.0.1:7999", {"cluster": False}),
        ("redis+cluster://127.0.0.1:7999/1", {}),
        ("unix:///tmp/x.sock", {"cluster": True}),
        ("http+cluster://127.0.0.1:7999", {}),
    ]:
        with pytest.raises(ConfigurationError) as info:
            RedisCache(bad, **kwargs)
        assert secret not in str(info.value)
    with pytest.raises(ConfigurationError):
        RedisCache(client=RedisCluster(host="127.0.0.1", port=7999), cluster=False)
    assert RedisCache(client=RedisCluster(host="127.0.0.1", port=7999)).is_cluster


async def test_a_stopped_node_fails_open_for_its_own_keys_only(
    own_redis_cluster: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="savantsdk")
    password = "node-down-s3cret"
    cluster = own_redis_cluster(password=password)
    assert password in cluster.url
    keys = [cache_key("down", i) for i in range(300)]
    port_of = await _ports_of(cluster, keys)
    victim = cluster.ports[-1]  # not the seed
    on_victim = [k for k in keys if port_of[k] == victim]
    elsewhere = [k for k in keys if port_of[k] != victim]
    assert on_victim
    assert elsewhere

    async with RedisCache(cluster.url, timeout_s=0.3, retry_interval_s=30) as backend:
        cache = Cache(backend)
        await cache.set_many({k: i for i, k in enumerate(keys)})
        cluster.stop_node(victim)
        got = await cache.get_many(keys)  # no exception
        assert [got[i] for i, k in enumerate(keys) if k in set(elsewhere)] == [
            keys.index(k) for k in elsewhere
        ]
        assert all(got[keys.index(k)] is None for k in on_victim)
        errors = backend.stats().errors
        assert errors >= 1
        assert not backend.available

        async def load() -> str:
            return "from the loader"

        assert await cache.get_or_load(on_victim[0], load) == "from the loader"
        await cache.set(on_victim[1], "dropped")  # no exception, nothing written
        # within retry_interval_s the dead node is skipped; the others keep serving
        assert await cache.get(elsewhere[0]) == keys.index(elsewhere[0])
        assert await cache.get(on_victim[1]) is None
        assert backend.stats().errors > errors
    text = "\n".join(r.getMessage() for r in caplog.records) + repr(backend)
    assert password not in text
    warnings = [r for r in caplog.records if "failing open" in r.getMessage()]
    assert len(warnings) == 1  # one incident, one warning


async def test_the_listener_moves_to_another_master_when_its_node_stops(
    own_redis_cluster: Any,
) -> None:
    cluster = own_redis_cluster()
    channel = "savantsdk:invalidate"

    async def subscribed_ports() -> list[int]:
        """The nodes on which some listener is subscribed (PUBSUB NUMSUB is per node)."""
        out = []
        for port in cluster.ports:
            node = aioredis.Redis(
                host="127.0.0.1",
                port=port,
                socket_timeout=0.5,
                socket_connect_timeout=0.5,
                retry=Retry(NoBackoff(), 0),
            )
            try:
                if (await node.pubsub_numsub(channel))[0][1]:
                    out.append(port)
            except (OSError, aioredis.ConnectionError):
                pass  # the stopped node
            finally:
                await node.aclose()
        return out

    def layer() -> tuple[TieredCache, MemoryCache]:
        l1 = MemoryCache()
        redis = RedisCache(cluster.url, timeout_s=0.3, retry_interval_s=0.05)
        return TieredCache(l1, redis, l1_ttl_s=60), l1

    (writer_t, _), (reader_t, reader_l1) = layer(), layer()
    async with writer_t, reader_t, Cache(writer_t) as writer, Cache(reader_t) as reader:
        ports = await subscribed_ports()
        assert ports
        # stop a node a listener is subscribed on (even the seed: redis-py knows all nodes)
        victim = next((p for p in ports if p != cluster.ports[0]), ports[0])
        candidates = [cache_key("moved", i) for i in range(20)]
        port_of = await _ports_of(cluster, candidates)
        alive_key = next(k for k in candidates if port_of[k] != victim)
        cluster.stop_node(victim)

        async def resubscribed() -> bool:
            live = await subscribed_ports()
            return victim not in live and len(live) >= 1

        with anyio.fail_after(20):
            while not await resubscribed():
                await anyio.sleep(0.1)
        # a key whose node is alive: the write, the message and the eviction all work
        await writer.set(alive_key, 1)
        await _until(lambda: reader_t.peer_invalidations >= 1)
        assert await reader.get(alive_key) == 1
        assert reader_l1.get_one(alive_key) is not None
        await writer.set(alive_key, 2)
        await _until(lambda: reader_l1.get_one(alive_key) is None)
        assert await reader.get(alive_key) == 2


async def _ports_of(cluster: Any, keys: list[str]) -> dict[str, int]:
    client = RedisCluster.from_url(plain(cluster.url))
    try:
        await client.initialize()
        return {k: int(client.get_node_from_key(k).port) for k in keys}
    finally:
        await client.aclose()

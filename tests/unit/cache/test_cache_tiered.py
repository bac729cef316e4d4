"""TieredCache over two memory layers on one fake clock."""

from __future__ import annotations

import pytest

import savantsdk.cache as cache_pkg
from savantsdk._clock import FakeClock
from savantsdk.cache import Cache, MemoryCache, TieredCache, Ttl, TtlPolicy
from savantsdk.exceptions import ConfigurationError

pytestmark = pytest.mark.anyio


def layers(l1_ttl_s: float = 5.0) -> tuple[TieredCache, MemoryCache, MemoryCache, FakeClock]:
    clock = FakeClock()
    l1, l2 = MemoryCache(clock=clock, name="l1"), MemoryCache(clock=clock, name="l2")
    return TieredCache(l1, l2, l1_ttl_s=l1_ttl_s, clock=clock), l1, l2, clock


async def test_l2_hit_fills_l1_for_at_most_the_l2_remaining_ttl() -> None:
    tiered, l1, l2, clock = layers(l1_ttl_s=5)
    cache = Cache(l2, clock=clock, ttls=TtlPolicy({"k": Ttl(fresh_s=3)}))
    await cache.set("short", {"v": 1}, kind="k")  # written to L2 only, lives 3 s
    await cache.set("long", {"v": 2}, kind="immutable")
    clock.advance(1)
    assert await tiered.get_many(["short", "long", "none"]) == [
        *(await l2.get_many(["short", "long"])),
        None,
    ]
    assert l1.remaining_ttl("short") == pytest.approx(2)  # min(5, 3 - 1)
    assert l1.remaining_ttl("long") == pytest.approx(5)
    stats = tiered.stats()
    assert (stats.hits, stats.misses) == (2, 1)


async def test_writes_and_invalidations_reach_both_layers() -> None:
    tiered, l1, l2, clock = layers(l1_ttl_s=5)
    cache = Cache(tiered, clock=clock)
    await cache.set("a:1", [1], kind="immutable", tags=["t"])
    await cache.set("a:2", [2], kind="immutable")
    assert l1.remaining_ttl("a:1") == pytest.approx(5)
    assert l2.remaining_ttl("a:1") is not None
    assert await cache.get("a:1") == [1]
    clock.advance(6)  # L1 copies expired, L2 still serves (and refills L1)
    assert l1.purge_expired() == 2
    assert await cache.get("a:1") == [1]
    assert len(l1) == 1
    assert await cache.invalidate_tags("t") == 1  # also drops L1's untagged refill of a:1
    assert (len(l1), len(l2)) == (0, 1)
    assert await cache.get("a:1") is None
    assert await cache.invalidate_prefix("a:") == 1
    assert len(l2) == 0
    await cache.set("b", 1)
    assert await cache.invalidate("b") == 1
    assert await l1.get_many(["b"]) == [None]
    assert set(cache.stats()) == {"policy", "tiered", "l1", "l2"}


async def test_corrupt_l2_entries_are_not_copied_into_l1() -> None:
    tiered, l1, l2, _ = layers()
    await l2.set_many({"bad": b"junk"}, ttl_s=None)
    assert await tiered.get_many(["bad"]) == [b"junk"]
    assert len(l1) == 0
    with pytest.raises(ConfigurationError):
        TieredCache(l1, l2, l1_ttl_s=0)
    await tiered.aclose()
    assert len(l2) == 0


def test_exports_sorted_and_complete() -> None:
    names = cache_pkg.__all__
    assert list(names) == sorted(names)
    public = {n for n in dir(cache_pkg) if not n.startswith("_")} - {"annotations"}
    assert public == set(names)
    assert isinstance(names, tuple)


async def test_backend_from_settings(clean_env: pytest.MonkeyPatch) -> None:
    from savantsdk import CacheSettings
    from savantsdk.cache import RedisCache, backend_from_settings

    assert backend_from_settings(CacheSettings(backend="none")) is None
    memory = backend_from_settings(CacheSettings(backend="memory", max_entries=7))
    assert isinstance(memory, MemoryCache)
    assert "max_entries=7" in repr(memory)
    url = "redis://:pw-secret-1@127.0.0.1:6399/0"
    redis = backend_from_settings(CacheSettings(backend="redis", redis_url=url))
    assert isinstance(redis, RedisCache)
    assert "pw-secret-1" not in repr(redis)
    tiered = backend_from_settings(CacheSettings(backend="tiered", redis_url=url))
    assert isinstance(tiered, TieredCache)
    assert isinstance(tiered.l2, RedisCache)
    for backend in (redis, tiered):
        await backend.aclose()


@pytest.mark.parametrize("has_pubsub", [True, False])
def test_a_cluster_l2_without_pubsub_warns_and_does_not_broadcast(
    monkeypatch: pytest.MonkeyPatch, has_pubsub: bool
) -> None:
    # redis-py < 8 has no pub/sub on the asyncio RedisCluster: say so, do not loop on it.
    from savantsdk.cache import RedisCache, _redis

    monkeypatch.setattr(_redis, "_CLUSTER_PUBSUB", has_pubsub)
    l2 = RedisCache("redis+cluster://127.0.0.1:7999")
    plain_l2 = RedisCache("redis://127.0.0.1:7999/0")
    assert plain_l2.invalidation_unavailable is None
    if has_pubsub:
        assert l2.invalidation_unavailable is None
        assert TieredCache(MemoryCache(), l2).broadcasting
        return
    assert l2.invalidation_unavailable is not None
    assert "redis-py >= 8.0" in l2.invalidation_unavailable
    with pytest.warns(RuntimeWarning, match=r"redis-py >= 8\.0.*l1_ttl_s=5"):
        tiered = TieredCache(MemoryCache(), l2)
    assert not tiered.broadcasting
    assert TieredCache(MemoryCache(), l2, broadcast=False).broadcasting is False

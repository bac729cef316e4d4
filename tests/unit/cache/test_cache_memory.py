"""MemoryCache on a fake clock: LRU order, TTL, bounds, reclaim, tags, prefixes."""

from __future__ import annotations

import threading

import pytest

from savantsdk._clock import FakeClock
from savantsdk.cache import MemoryCache
from savantsdk.cache._memory import ENTRY_OVERHEAD_BYTES
from savantsdk.exceptions import ConfigurationError

pytestmark = pytest.mark.anyio


async def test_get_set_and_ttl_expiry_without_sleeping() -> None:
    clock = FakeClock()
    cache = MemoryCache(clock=clock)
    await cache.set_many({"a": b"1", "b": b"2"}, ttl_s=10)
    await cache.set_many({"forever": b"3"}, ttl_s=None)
    assert await cache.get_many(["a", "b", "zz"]) == [b"1", b"2", None]
    clock.advance(9.999)
    assert await cache.get_many(["a"]) == [b"1"]
    clock.advance(0.001)
    assert await cache.get_many(["a", "b", "forever"]) == [None, None, b"3"]
    assert len(cache) == 1  # the two expired entries were dropped on read
    stats = cache.stats()
    assert (stats.hits, stats.misses, stats.expirations) == (4, 3, 2)


async def test_expired_entries_are_reclaimed_on_write_without_reads() -> None:
    clock = FakeClock()
    cache = MemoryCache(clock=clock)
    await cache.set_many({f"k{i}": b"x" * 100 for i in range(50)}, ttl_s=5)
    used = cache.size_bytes
    assert used > 50 * 100
    clock.advance(6)
    await cache.set_many({"new": b"y"}, ttl_s=5)
    assert len(cache) == 1
    assert cache.size_bytes < used / 40
    assert cache.stats().expirations == 50


async def test_purge_expired_and_zero_ttl_deletes() -> None:
    clock = FakeClock()
    cache = MemoryCache(clock=clock)
    await cache.set_many({"a": b"1"}, ttl_s=1)
    await cache.set_many({"b": b"2"}, ttl_s=100)
    clock.advance(2)
    assert cache.purge_expired() == 1
    await cache.set_many({"b": b"ignored"}, ttl_s=0)
    assert len(cache) == 0


async def test_lru_eviction_by_count_respects_recent_reads() -> None:
    cache = MemoryCache(max_entries=3, clock=FakeClock())
    await cache.set_many({"a": b"1", "b": b"2", "c": b"3"}, ttl_s=None)
    await cache.get_many(["a"])  # a is now most recent; b is the LRU
    await cache.set_many({"d": b"4"}, ttl_s=None)
    assert await cache.get_many(["a", "b", "c", "d"]) == [b"1", None, b"3", b"4"]
    assert cache.stats().evictions == 1


async def test_byte_budget_is_never_exceeded() -> None:
    budget = 20 * (ENTRY_OVERHEAD_BYTES + 1_100)
    cache = MemoryCache(max_bytes=budget, clock=FakeClock())
    for i in range(200):
        await cache.set_many({f"key{i:04d}": bytes(1_000)}, ttl_s=None)
        assert cache.size_bytes <= budget
    assert 15 <= len(cache) <= 20
    assert await cache.get_many(["key0199"]) == [bytes(1_000)]
    assert await cache.get_many(["key0000"]) == [None]
    # a single value bigger than the whole budget is refused, not stored
    await cache.set_many({"huge": bytes(budget)}, ttl_s=None)
    assert await cache.get_many(["huge"]) == [None]


async def test_overwrite_replaces_size_and_ttl() -> None:
    clock = FakeClock()
    cache = MemoryCache(clock=clock)
    await cache.set_many({"a": bytes(1000)}, ttl_s=1)
    big = cache.size_bytes
    await cache.set_many({"a": b"1"}, ttl_s=100)
    assert cache.size_bytes < big
    clock.advance(50)
    assert await cache.get_many(["a"]) == [b"1"]
    assert cache.remaining_ttl("a") == pytest.approx(50)


async def test_delete_prefix_and_tags() -> None:
    cache = MemoryCache(clock=FakeClock())
    await cache.set_many({"ns:a:1": b"1", "ns:a:2": b"2", "ns:b:1": b"3"}, ttl_s=None)
    await cache.set_many({"t1": b"x", "t2": b"y"}, ttl_s=None, tags=["game:1", "day"])
    await cache.set_many({"t3": b"z"}, ttl_s=None, tags=["day"])
    assert await cache.delete_prefix("ns:a:") == 2
    assert await cache.get_many(["ns:a:1", "ns:b:1"]) == [None, b"3"]
    assert await cache.delete_tags(["game:1"]) == 2
    assert await cache.get_many(["t1", "t2", "t3"]) == [None, None, b"z"]
    # re-writing a key without the tag drops it from the tag index
    await cache.set_many({"t3": b"z2"}, ttl_s=None)
    assert await cache.delete_tags(["day"]) == 0
    assert await cache.delete(["t3", "missing"]) == 1


def test_bad_bounds() -> None:
    with pytest.raises(ConfigurationError):
        MemoryCache(max_entries=0)
    with pytest.raises(ConfigurationError):
        MemoryCache(max_bytes=0)


def test_threads_share_one_instance_safely() -> None:
    cache = MemoryCache(max_entries=50)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(2_000):
                cache.set_many_sync({f"{n}-{i % 80}": b"v" * (i % 7)}, ttl_s=60)
                cache.get_one(f"{(n + 1) % 4}-{i % 80}")
        except BaseException as exc:  # pragma: no cover - surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(cache) == 50
    assert cache.size_bytes == sum(
        e.size for e in cache._data.values()
    )  # accounting survived the races

"""The cache across real OS processes (multiprocessing "spawn") on the real Redis.

* Coalescing: 4 processes x 250 concurrent ``get_or_load`` of one key -> one loader call,
  through ``RedisCache`` and through ``TieredCache(MemoryCache, RedisCache)``.
* A lock holder killed mid-load: the waiters go on after the lock TTL, and exactly one of
  them loads.
* L1 invalidation: a write, ``invalidate``, ``invalidate_prefix`` and ``invalidate_tags`` in
  one process evict the key from another process's L1 (TTL 60 s, so only pub/sub can do it);
  the listener reconnects after Redis restarts.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import _cache_procs as procs
import anyio
import pytest
import redis.asyncio as aioredis

from redis_server_support import RedisProcess
from savantsdk.cache import Cache, MemoryCache, RedisCache, TieredCache, cache_key, key_prefix

pytestmark = [pytest.mark.anyio, pytest.mark.redis]

SPAWN = multiprocessing.get_context("spawn")
START_TIMEOUT_S = 60.0


@pytest.fixture
def namespace() -> str:
    return f"test-mp-{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def raw(redis_url: str, namespace: str) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(redis_url)
    try:
        yield client
    finally:
        keys = [k async for k in client.scan_iter(match=f"{namespace}*")]
        if keys:
            await client.unlink(*keys)
        await client.aclose()


class Processes:
    def __init__(self) -> None:
        self.started: list[Any] = []

    def start(self, target: Any, *args: Any) -> Any:
        proc = SPAWN.Process(target=target, args=args, daemon=True)
        proc.start()
        self.started.append(proc)
        return proc

    def join_all(self, timeout_s: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout_s
        for proc in self.started:
            proc.join(max(0.0, deadline - time.monotonic()))
        alive = [p.pid for p in self.started if p.is_alive()]
        assert not alive, f"worker processes still running: {alive}"
        assert all(p.exitcode == 0 for p in self.started if p.exitcode != -signal.SIGKILL), [
            p.exitcode for p in self.started
        ]

    def kill_all(self) -> None:
        for proc in self.started:
            if proc.is_alive():
                proc.kill()
                proc.join(10)


@pytest.fixture
def processes() -> Iterator[Processes]:
    group = Processes()
    try:
        yield group
    finally:
        group.kill_all()


def wait_set(event: Any, what: str) -> None:
    assert event.wait(START_TIMEOUT_S), f"{what} did not happen within {START_TIMEOUT_S}s"


def collect(results: Any, n: int) -> list[dict[str, Any]]:
    out = []
    for _ in range(n):
        try:
            out.append(results.get(timeout=START_TIMEOUT_S))
        except queue.Empty:
            pytest.fail(f"only {len(out)} of {n} workers reported")
    return out


@pytest.mark.parametrize("tiered", [False, True], ids=["redis", "tiered"])
async def test_four_processes_x_250_concurrent_misses_load_once(
    redis_url: str,
    namespace: str,
    raw: aioredis.Redis,
    processes: Processes,
    tiered: bool,
) -> None:
    key = cache_key("mp", "coalesce", namespace=namespace)
    go, results = SPAWN.Event(), SPAWN.Queue()
    readies = [SPAWN.Event() for _ in range(4)]
    for ready in readies:
        processes.start(
            procs.coalesce, redis_url, namespace, key, tiered, 250, 0.3, ready, go, results
        )
    for ready in readies:
        wait_set(ready, "a worker start")
    go.set()
    reports = collect(results, 4)
    processes.join_all()

    assert int(await raw.get(f"{namespace}:loads") or 0) == 1  # one loader call in total
    assert sum(r["count"] for r in reports) == 1000
    assert {v for r in reports for v in r["values"]} == {reports[0]["values"][0]}
    assert all(len(r["values"]) == 1 for r in reports)
    assert sorted(r["loads"] for r in reports) == [0, 0, 0, 1]


async def test_a_holder_killed_mid_load_delays_the_others_only_by_the_lock_ttl(
    redis_url: str, namespace: str, raw: aioredis.Redis, processes: Processes
) -> None:
    key = cache_key("mp", "killed", namespace=namespace)
    lock_ttl_s = 1.0
    loading = SPAWN.Event()
    holder = processes.start(
        procs.hang_holding_the_lock, redis_url, namespace, key, lock_ttl_s, loading
    )
    wait_set(loading, "the holder's load")
    go, results = SPAWN.Event(), SPAWN.Queue()
    readies = [SPAWN.Event() for _ in range(3)]
    for ready in readies:
        processes.start(
            procs.wait_behind_a_holder, redis_url, namespace, key, lock_ttl_s, ready, go, results
        )
    for ready in readies:
        wait_set(ready, "a waiter start")
    go.set()
    # The waiters find the lock held (renewed by the live holder) and wait: nobody loads.
    lock_key = f"{namespace}:lock:{key}"
    deadline = time.monotonic() + 2 * lock_ttl_s
    while time.monotonic() < deadline:
        assert await raw.exists(lock_key)
        await anyio.sleep(0.05)
    assert int(await raw.get(f"{namespace}:loads") or 0) == 1
    assert results.empty()

    killed_at = time.monotonic()
    os.kill(holder.pid, signal.SIGKILL)
    reports = collect(results, 3)
    done_after_kill = time.monotonic() - killed_at
    processes.join_all()

    assert int(await raw.get(f"{namespace}:loads") or 0) == 2  # the dead one, then ONE waiter
    assert len({r["value"] for r in reports}) == 1
    assert reports[0]["value"].startswith("loaded-by-")
    # they went on after the lock expired (<= lock TTL after the kill, plus the 0.2 s load),
    # far before lock_wait_s (30 s) would have let each load on its own
    assert done_after_kill < 10 * lock_ttl_s


async def test_invalidations_in_one_process_evict_another_process_l1(
    redis_url: str, namespace: str, raw: aioredis.Redis, processes: Processes
) -> None:
    commands, replies = SPAWN.Queue(), SPAWN.Queue()
    processes.start(procs.l1_peer, redis_url, namespace, commands, replies)
    assert replies.get(timeout=START_TIMEOUT_S) == ("ready", True)

    def ask(*command: Any) -> Any:
        commands.put(command)
        return replies.get(timeout=START_TIMEOUT_S)

    keys = {
        name: cache_key("mp", "l1", name, namespace=namespace)
        for name in ("overwrite", "exact", "tagged", "other")
    }
    prefixed = cache_key("mp", "pfx", 1, namespace=namespace)
    tiered = TieredCache(MemoryCache(), RedisCache(redis_url, namespace=namespace), l1_ttl_s=60)
    async with tiered, Cache(tiered) as cache:
        for name, key in keys.items():
            await cache.set(key, {"v": name}, kind="immutable", tags=[name])
        await cache.set(prefixed, {"v": "pfx"}, kind="immutable")
        everything = [*keys.values(), prefixed]
        _, values, held = ask("read", everything)
        assert values == [{"v": n} for n in keys] + [{"v": "pfx"}]
        assert all(held)  # the peer now serves all of them from its L1 (for up to 60 s)

        async def evicted(key: str) -> Any:
            _, after_s, value = await anyio.to_thread.run_sync(ask, "wait_evicted", key, 10.0)
            assert after_s is not None, f"{key} stayed in the peer's L1"
            return value

        await cache.set(keys["overwrite"], {"v": "new"}, kind="immutable")
        assert await evicted(keys["overwrite"]) == {"v": "new"}

        await cache.invalidate(keys["exact"])
        assert await evicted(keys["exact"]) is None

        await cache.invalidate_prefix(key_prefix("mp", "pfx", namespace=namespace))
        assert await evicted(prefixed) is None

        await cache.invalidate_tags("tagged")
        assert await evicted(keys["tagged"]) is None
        # a tag invalidation empties the peer's whole L1 (its copies carry no tags), but
        # "other" is still in Redis and comes back from there
        _, values, held = ask("read", [keys["other"]])
        assert values == [{"v": "other"}]
        assert tiered.peer_invalidations == 0  # our own messages are not applied to us
    commands.put(("stop",))
    processes.join_all()


async def _subscribers(url: str, channel: str) -> int:
    client = aioredis.Redis.from_url(url)
    try:
        return int((await client.pubsub_numsub(channel))[0][1])
    except OSError:
        return 0
    finally:
        await client.aclose()


async def _until(predicate: Any, what: str, timeout_s: float = 15.0) -> None:
    with anyio.fail_after(timeout_s):
        while not await predicate():
            await anyio.sleep(0.02)


async def test_the_listener_resubscribes_after_redis_restarts(own_redis: RedisProcess) -> None:
    url = f"redis://127.0.0.1:{own_redis.port}/0"
    key = cache_key("restart", "k")

    def layer() -> tuple[TieredCache, MemoryCache]:
        l1 = MemoryCache()
        redis = RedisCache(url, timeout_s=0.3, retry_interval_s=0.05)
        return TieredCache(l1, redis, l1_ttl_s=60), l1

    writer_tiered, _ = layer()
    reader_tiered, reader_l1 = layer()
    channel = "savantsdk:invalidate"
    async with writer_tiered, reader_tiered:
        async with Cache(writer_tiered) as writer, Cache(reader_tiered) as reader:
            assert await _subscribers(url, channel) == 2
            await writer.set(key, 1)
            await _until(lambda: _heard(reader_tiered, 1), "the reader hearing the write")
            assert await reader.get(key) == 1
            assert reader_l1.get_one(key) is not None

            own_redis.stop()
            await writer.set(key, 2)  # Redis is down: fails open, nothing published
            own_redis.start()  # empty (no persistence), same port
            await _until(lambda: _both(url, channel), "both listeners resubscribed")
            # resubscribing dropped the reader's L1 copy: messages may have been lost
            assert reader_l1.get_one(key) is None

            # The writer fails open for retry_interval_s (0.05 s) after the failed SET; with
            # redis-py 8 the listeners resubscribe faster than that, so wait it out, or the
            # next SET (and its PUBLISH) is skipped by design.
            await anyio.sleep(0.2)
            heard = reader_tiered.peer_invalidations
            await writer.set(key, 3)
            assert writer_tiered.l2.stats().sets == 2
            await _until(lambda: _heard(reader_tiered, heard + 1), "the reader hearing the write")
            assert await reader.get(key) == 3
            assert reader_l1.get_one(key) is not None
            await writer.set(key, 4)
            await _until(lambda: _gone(reader_l1, key), "the reader's L1 eviction")
            assert await reader.get(key) == 4


async def _both(url: str, channel: str) -> bool:
    return await _subscribers(url, channel) == 2


async def _heard(tiered: TieredCache, count: int) -> bool:
    return tiered.peer_invalidations >= count


async def _gone(l1: MemoryCache, key: str) -> bool:
    return l1.get_one(key) is None

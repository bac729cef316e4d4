"""Worker processes for the cross-process cache tests (run with multiprocessing "spawn").

Each function is a process entry point: it builds its own cache over the real Redis, waits
for the parent's signal, does its part and reports through a queue.  Loads are counted in
Redis (``INCR <namespace>:loads``), so the count covers every process.
"""

from __future__ import annotations

import os
import time
from typing import Any

import anyio
import redis.asyncio as aioredis

from savantsdk.cache import Cache, MemoryCache, RedisCache, TieredCache

READY_TIMEOUT_S = 60.0


def build(redis_url: str, namespace: str, *, tiered: bool, l1_ttl_s: float = 60.0) -> Any:
    redis = RedisCache(redis_url, namespace=namespace, timeout_s=2.0)
    if not tiered:
        return redis
    return TieredCache(MemoryCache(name="l1"), redis, l1_ttl_s=l1_ttl_s)


async def count_load(redis_url: str, namespace: str) -> int:
    raw = aioredis.Redis.from_url(redis_url)
    try:
        return int(await raw.incr(f"{namespace}:loads"))
    finally:
        await raw.aclose()


def coalesce(
    redis_url: str,
    namespace: str,
    key: str,
    tiered: bool,
    calls: int,
    load_s: float,
    ready: Any,
    go: Any,
    results: Any,
) -> None:
    """``calls`` concurrent ``get_or_load`` of one key once ``go`` is set."""

    async def main() -> None:
        backend = build(redis_url, namespace, tiered=tiered)
        async with backend, Cache(backend, lock_ttl_s=5.0, lock_wait_s=30.0) as cache:

            async def loader() -> dict[str, Any]:
                n = await count_load(redis_url, namespace)
                await anyio.sleep(load_s)
                return {"loaded_by": os.getpid(), "n": n}

            got: list[Any] = []

            async def one() -> None:
                got.append(await cache.get_or_load(key, loader, kind="default"))

            ready.set()
            await anyio.to_thread.run_sync(go.wait, READY_TIMEOUT_S)
            async with anyio.create_task_group() as tg:
                for _ in range(calls):
                    tg.start_soon(one)
            policy = cache.stats()["policy"]
            results.put(
                {
                    "pid": os.getpid(),
                    "values": [repr(v) for v in {repr(v): v for v in got}.values()],
                    "count": len(got),
                    "loads": policy.loads,
                    "coalesced": policy.coalesced,
                }
            )

    anyio.run(main)


def hang_holding_the_lock(
    redis_url: str, namespace: str, key: str, lock_ttl_s: float, loading: Any
) -> None:
    """Take the key's lock, start loading and never finish (the parent kills us)."""

    async def main() -> None:
        backend = build(redis_url, namespace, tiered=False)
        async with backend, Cache(backend, lock_ttl_s=lock_ttl_s) as cache:

            async def loader() -> str:
                await count_load(redis_url, namespace)
                loading.set()
                await anyio.sleep(3600)
                return "never"

            await cache.get_or_load(key, loader)

    anyio.run(main)


def wait_behind_a_holder(
    redis_url: str,
    namespace: str,
    key: str,
    lock_ttl_s: float,
    ready: Any,
    go: Any,
    results: Any,
) -> None:
    """``get_or_load`` a key whose lock another process holds; report what happened."""

    async def main() -> None:
        backend = build(redis_url, namespace, tiered=True)
        async with (
            backend,
            Cache(backend, lock_ttl_s=lock_ttl_s, lock_wait_s=30.0, lock_poll_s=0.02) as cache,
        ):

            async def loader() -> str:
                await count_load(redis_url, namespace)
                await anyio.sleep(0.2)
                return f"loaded-by-{os.getpid()}"

            ready.set()
            await anyio.to_thread.run_sync(go.wait, READY_TIMEOUT_S)
            started = time.monotonic()
            value = await cache.get_or_load(key, loader)
            results.put(
                {"pid": os.getpid(), "value": value, "elapsed_s": time.monotonic() - started}
            )

    anyio.run(main)


def l1_peer(redis_url: str, namespace: str, commands: Any, replies: Any) -> None:
    """A process with a TieredCache (L1 TTL 60 s) that answers the parent's questions:

    ``("read", keys)`` -> values through the cache (fills L1) and whether L1 holds each;
    ``("wait_evicted", key, timeout_s)`` -> seconds until L1 lost ``key`` (None: it did not);
    ``("stop",)``.
    """

    async def main() -> None:
        l1 = MemoryCache(name="l1")
        tiered = TieredCache(l1, RedisCache(redis_url, namespace=namespace), l1_ttl_s=60.0)
        async with tiered, Cache(tiered) as cache:
            replies.put(("ready", tiered.listening))
            while True:
                command = await anyio.to_thread.run_sync(commands.get)
                if command[0] == "stop":
                    return
                if command[0] == "read":
                    values = await cache.get_many(command[1])
                    held = [l1.get_one(k) is not None for k in command[1]]
                    replies.put(("read", values, held))
                elif command[0] == "wait_evicted":
                    _, key, timeout_s = command
                    started = time.monotonic()
                    gone: float | None = None
                    while time.monotonic() - started < timeout_s:
                        if l1.get_one(key) is None:
                            gone = time.monotonic() - started
                            break
                        await anyio.sleep(0.001)
                    replies.put(("wait_evicted", gone, await cache.get(key)))

    anyio.run(main)

"""The cache across processes: coalescing, L1 invalidation latency, Redis Cluster batches.

    python benchmarks/cache_multiprocess.py --json --redis-url redis://127.0.0.1:6379/0 \\
        [--cluster-url redis+cluster://127.0.0.1:7000]

Prints ONE JSON object.  Worker processes are started with multiprocessing "spawn" and each
runs its own event loop and its own ``TieredCache(MemoryCache, RedisCache)``.  What is
measured, exactly:

* ``coalesce``: ``processes`` x ``calls_per_process`` concurrent ``get_or_load`` of one key
  (the loader sleeps ``load_s``), released together; ``loader_calls`` counts loader runs in
  all processes (``INCR`` in Redis); ``wall_s`` is from the release to the last answer.
  ``with_lock`` uses ``Cache(lock_ttl_s=5)``, ``without_lock`` the same setup without it;
  ``rounds`` fresh keys each; ``loader_calls`` totals every round, ``wall_s`` is the median
  over the rounds after the first (a warm-up: connections are opened there).
* ``invalidation``: process A overwrites a key that process B holds in its L1 (TTL 60 s);
  B polls its L1 every 0.2 ms.  Latency is from just before A's ``Cache.set`` to B seeing the
  copy gone (``time.monotonic`` is system-wide on Linux), ``samples`` times; p50/p95/max ms.
* ``tiered_set_s`` / ``tiered_set_no_broadcast_s``: mean seconds of one ``Cache.set`` through
  ``TieredCache`` with and without publishing the invalidation (the cost of the PUBLISH).
* ``cluster`` (with ``--cluster-url``): ``get_many_1000_s`` is ``RedisCache.get_many`` of
  1,000 keys on the cluster (grouped by slot and node, one pipeline per node, in parallel);
  ``sequential_get_1000_s`` 1,000 awaited one-key calls; ``single_node_get_many_1000_s`` the
  same batch on the single Redis of ``--redis-url``; medians.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import time
import uuid
from typing import Any

import anyio
import redis.asyncio as aioredis

from savantsdk.cache import Cache, MemoryCache, RedisCache, TieredCache, cache_key, key_prefix

SPAWN = multiprocessing.get_context("spawn")
TIMEOUT_S = 120.0


def _tiered(url: str, namespace: str) -> TieredCache:
    return TieredCache(
        MemoryCache(name="l1"), RedisCache(url, namespace=namespace, timeout_s=2.0), l1_ttl_s=60
    )


# -- workers (module level: spawn imports them) ------------------------------------------


def coalesce_worker(
    url: str, namespace: str, keys: list[str], calls: int, load_s: float, lock: bool, pipe: Any
) -> None:
    async def main() -> None:
        tiered = _tiered(url, namespace)
        raw = aioredis.Redis.from_url(url)
        lock_ttl_s = 5.0 if lock else None
        async with tiered, Cache(tiered, lock_ttl_s=lock_ttl_s) as cache:
            pipe.send("ready")
            for key in keys:
                await anyio.to_thread.run_sync(pipe.recv)  # "go"

                async def loader() -> dict[str, int]:
                    await raw.incr(f"{namespace}:loads")
                    await anyio.sleep(load_s)
                    return {"pid": os.getpid()}

                async def one(key: str = key) -> None:
                    await cache.get_or_load(key, loader)

                async with anyio.create_task_group() as tg:
                    for _ in range(calls):
                        tg.start_soon(one)
                pipe.send(time.monotonic())
        await raw.aclose()

    anyio.run(main)


def reader_worker(url: str, namespace: str, key: str, samples: int, pipe: Any) -> None:
    async def main() -> None:
        tiered = _tiered(url, namespace)
        l1 = tiered.l1
        assert isinstance(l1, MemoryCache)
        async with tiered, Cache(tiered) as cache:
            pipe.send("ready")
            for _ in range(samples):
                await cache.get(key)  # fill L1 from Redis
                assert l1.get_one(key) is not None
                pipe.send("filled")
                while l1.get_one(key) is not None:
                    await anyio.sleep(0.0002)
                pipe.send(time.monotonic())

    anyio.run(main)


# -- measurements ------------------------------------------------------------------------


def bench_coalesce(url: str, *, lock: bool, rounds: int) -> dict[str, Any]:
    processes, calls, load_s = 4, 250, 0.1
    namespace = f"bench-mp-{uuid.uuid4().hex[:8]}"
    keys = [cache_key("coalesce", i, namespace=namespace) for i in range(rounds + 1)]
    pipes, procs = [], []
    for _ in range(processes):
        parent, child = SPAWN.Pipe()
        proc = SPAWN.Process(
            target=coalesce_worker, args=(url, namespace, keys, calls, load_s, lock, child)
        )
        proc.start()
        pipes.append(parent)
        procs.append(proc)
    for p in pipes:
        assert p.poll(TIMEOUT_S)
        assert p.recv() == "ready"
    walls = []
    for _ in keys:
        released = time.monotonic()
        for p in pipes:
            p.send("go")
        finished = []
        for p in pipes:
            assert p.poll(TIMEOUT_S)
            finished.append(p.recv())
        walls.append(max(finished) - released)
    walls = walls[1:]  # the first round is a warm-up (connections, imports)
    for proc in procs:
        proc.join(TIMEOUT_S)
    loads = anyio.run(_get_int, url, f"{namespace}:loads")
    anyio.run(_cleanup, url, namespace)
    return {
        "processes": processes,
        "calls_per_process": calls,
        "load_s": load_s,
        "rounds": rounds + 1,
        "loader_calls": loads,
        "loader_calls_per_round": round(loads / (rounds + 1), 2),
        "wall_s": round(statistics.median(walls), 4),
    }


def bench_invalidation(url: str, samples: int) -> dict[str, Any]:
    namespace = f"bench-inv-{uuid.uuid4().hex[:8]}"
    key = cache_key("inv", namespace=namespace)
    parent, child = SPAWN.Pipe()
    proc = SPAWN.Process(target=reader_worker, args=(url, namespace, key, samples, child))

    async def run() -> list[float]:
        latencies = []
        tiered = _tiered(url, namespace)
        async with tiered, Cache(tiered) as cache:
            await cache.set(key, 0, kind="immutable")
            proc.start()
            assert await anyio.to_thread.run_sync(parent.poll, TIMEOUT_S)
            assert parent.recv() == "ready"
            for i in range(samples):
                assert parent.recv() == "filled"
                await anyio.sleep(0.002)
                sent = time.monotonic()
                await cache.set(key, i + 1, kind="immutable")
                gone = await anyio.to_thread.run_sync(parent.recv)
                latencies.append(gone - sent)
        return latencies

    latencies = sorted(anyio.run(run))
    proc.join(TIMEOUT_S)
    anyio.run(_cleanup, url, namespace)
    ms = [x * 1000 for x in latencies]
    return {
        "samples": samples,
        "p50_ms": round(statistics.median(ms), 3),
        "p95_ms": round(ms[int(len(ms) * 0.95) - 1], 3),
        "max_ms": round(ms[-1], 3),
    }


async def bench_set_cost(url: str, n: int) -> dict[str, float]:
    out = {}
    for name, broadcast in (("tiered_set_s", True), ("tiered_set_no_broadcast_s", False)):
        namespace = f"bench-set-{uuid.uuid4().hex[:8]}"
        tiered = TieredCache(
            MemoryCache(), RedisCache(url, namespace=namespace), broadcast=broadcast
        )
        async with tiered:
            cache = Cache(tiered)
            keys = [cache_key("set", i, namespace=namespace) for i in range(n)]
            await cache.set(keys[0], 0)
            started = time.perf_counter()
            for i, key in enumerate(keys):
                await cache.set(key, {"line": i})
            out[name] = round((time.perf_counter() - started) / n, 7)
            await tiered.delete_prefix(key_prefix(namespace=namespace))
    return out


async def bench_cluster(cluster_url: str, url: str, rounds: int) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, where in (("", cluster_url), ("single_node_", url)):
        namespace = f"bench-cl-{uuid.uuid4().hex[:8]}"
        async with RedisCache(where, namespace=namespace) as backend:
            keys = [cache_key("k", i, namespace=namespace) for i in range(1000)]
            await backend.set_many(dict.fromkeys(keys, b"x" * 200), ttl_s=300)
            batch, sequential = [], []
            for _ in range(rounds):
                started = time.perf_counter()
                got = await backend.get_many(keys)
                batch.append(time.perf_counter() - started)
                assert all(v is not None for v in got)
                if not name:
                    started = time.perf_counter()
                    for key in keys:
                        await backend.get_many([key])
                    sequential.append(time.perf_counter() - started)
            out[f"{name}get_many_1000_s"] = round(statistics.median(batch), 6)
            if sequential:
                out["sequential_get_1000_s"] = round(statistics.median(sequential), 6)
            await backend.delete_prefix(namespace)
    out["batch_speedup"] = round(out["sequential_get_1000_s"] / out["get_many_1000_s"], 1)
    return out


async def _get_int(url: str, key: str) -> int:
    raw = aioredis.Redis.from_url(url)
    try:
        return int(await raw.get(key) or 0)
    finally:
        await raw.aclose()


async def _cleanup(url: str, namespace: str) -> None:
    raw = aioredis.Redis.from_url(url)
    try:
        keys = [k async for k in raw.scan_iter(match=f"{namespace}*")]
        if keys:
            await raw.unlink(*keys)
    finally:
        await raw.aclose()


def main(args: argparse.Namespace) -> dict[str, Any]:
    rounds = 3 if args.quick else 7
    result: dict[str, Any] = {
        "coalesce": {
            "with_lock": bench_coalesce(args.redis_url, lock=True, rounds=rounds),
            "without_lock": bench_coalesce(args.redis_url, lock=False, rounds=rounds),
        },
        "invalidation": bench_invalidation(args.redis_url, 50 if args.quick else 200),
    }
    result.update(anyio.run(bench_set_cost, args.redis_url, 200 if args.quick else 1000))
    if args.cluster_url:
        result["cluster"] = anyio.run(bench_cluster, args.cluster_url, args.redis_url, rounds)
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--redis-url", required=True, help="a single Redis to measure against")
    parser.add_argument("--cluster-url", default=None, help="a Redis Cluster seed URL")
    parser.add_argument("--quick", action="store_true", help="fewer rounds (for development)")
    ns = parser.parse_args()
    figures = main(ns)
    if ns.json:
        print(json.dumps(figures))
    else:
        print(json.dumps(figures, indent=2))
    sys.exit(0)

"""Cache benchmark: savantsdk.cache vs aiocache and cashews, measured side by side in one run.

    python benchmarks/cache.py --json --redis-url redis://127.0.0.1:6379/0

Prints ONE JSON object with the issue's keys (``--details`` adds a ``details`` object with the
supporting figures).  What is measured, exactly:

* ``*_memory_get_hit_ops_per_s``: ``await <cache>.get(key)`` through each library's public async
  API, on the same 1,000 keys holding the same small dict (a prop line), cycled in the same
  loop; every key already stored.  aiocache: ``SimpleMemoryCache(timeout=None)`` (its default
  NullSerializer stores the object); cashews: ``cache.setup("mem://")`` (stores the object);
  ours: ``Cache(MemoryCache()).get(key)`` (stores bytes; a hot entry's decoded value is reused
  while its bytes are unchanged).  Rounds are interleaved; the best round of each is reported.
  ``details.memory_get_hit_decode_ops_per_s`` is ours with that reuse off (decode every get).
* ``memory_set_ops_per_s``: ``Cache.set`` (serialize + header + store) on the same data.
* ``memory_bytes_budget_error``: |traced bytes - budget| / budget after writing 3x the
  budget of ~1 KiB values into ``MemoryCache(max_bytes=budget)`` (tracemalloc, after GC).
* ``redis_get_many_1000_s``: ``RedisCache.get_many`` of 1,000 keys (the backend: one MGET,
  bytes out); ``redis_sequential_get_1000_s``: 1,000 awaited one-key ``get_many`` calls;
  medians.  ``aiocache_redis_multi_get_1000_s``: aiocache ``RedisCache.multi_get`` of the same
  1,000 keys and values, which also JSON-decodes them: compare it with
  ``details.cache_redis_get_many_1000_s`` (``Cache.get_many``: MGET + our decode).
* ``tiered_l1_hit_s`` / ``redis_single_get_s``: mean seconds of one ``Cache.get`` hit through
  ``TieredCache(MemoryCache, RedisCache)`` (served by L1) and through ``RedisCache`` alone.
* ``stampede``: 1,000 concurrent ``get_or_load`` misses on one key over the tiered cache; the
  loader sleeps 20 ms; ``loader_calls`` counts how often it ran.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import sys
import time
import tracemalloc
import uuid
from typing import Any
from urllib.parse import urlsplit

import anyio

from savantsdk.cache import Cache, MemoryCache, RedisCache, TieredCache, cache_key, key_prefix

VALUE = {
    "player_id": 592450,
    "name": "Aaron Judge",
    "stat": "hits",
    "line": 1.5,
    "over_odds": -115,
    "under_odds": -105,
    "game_pk": 745632,
    "projection": 1.23,
}
N_KEYS = 1_000


async def _timed_gets(get: Any, keys: list[str], rounds: int) -> float:
    n = 0
    started = time.perf_counter()
    for _ in range(rounds):
        for key in keys:
            await get(key)
        n += len(keys)
    return n / (time.perf_counter() - started)


async def bench_memory(quick: bool, details: dict[str, Any]) -> dict[str, Any]:
    from aiocache import SimpleMemoryCache
    from cashews import Cache as CashewsCache

    keys = [cache_key("bench", "mem", i) for i in range(N_KEYS)]
    ours = Cache(MemoryCache())
    plain = Cache(MemoryCache(), memo_entries=0)
    aio = SimpleMemoryCache(timeout=None)
    cashews = CashewsCache()
    cashews.setup("mem://")
    for key in keys:
        await ours.set(key, VALUE)
        await plain.set(key, VALUE)
        await aio.set(key, VALUE)
        await cashews.set(key, VALUE)
    assert await ours.get(keys[0]) == VALUE == await aio.get(keys[0]) == await cashews.get(keys[0])
    rounds, repeats = (20, 3) if quick else (100, 5)
    best: dict[str, float] = {"ours": 0.0, "plain": 0.0, "aiocache": 0.0, "cashews": 0.0}
    getters = {"ours": ours.get, "plain": plain.get, "aiocache": aio.get, "cashews": cashews.get}
    for _ in range(repeats):
        for name, get in getters.items():
            best[name] = max(best[name], await _timed_gets(get, keys, rounds))
    # set
    setter = Cache(MemoryCache())
    n = 0
    started = time.perf_counter()
    for _ in range(rounds // 4 or 1):
        for key in keys:
            await setter.set(key, VALUE)
        n += len(keys)
    set_ops = n / (time.perf_counter() - started)
    await cashews.close()
    details["memory_get_hit_decode_ops_per_s"] = round(best["plain"])
    return {
        "memory_get_hit_ops_per_s": round(best["ours"]),
        "aiocache_memory_get_hit_ops_per_s": round(best["aiocache"]),
        "cashews_memory_get_hit_ops_per_s": round(best["cashews"]),
        "memory_set_ops_per_s": round(set_ops),
    }


async def bench_budget() -> float:
    budget = 16 * 1024 * 1024
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    mem = MemoryCache(max_bytes=budget, max_entries=10_000_000)
    i = 0
    while i * 1100 < 3 * budget:
        mem.set_many_sync({f"savantsdk:v1:bench:budget:{i}": b"x" * (900 + i % 200)}, ttl_s=600)
        i += 1
    gc.collect()
    observed = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    assert mem.size_bytes <= budget
    del mem
    return abs(observed - budget) / budget


async def _median_time(fn: Any, repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        await fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


async def bench_redis(url: str, quick: bool, details: dict[str, Any]) -> dict[str, Any]:
    ns = f"bench-{uuid.uuid4().hex[:8]}"
    keys = [cache_key("bench", "redis", i, namespace=ns) for i in range(N_KEYS)]
    repeats = 3 if quick else 7
    out: dict[str, Any] = {}
    async with RedisCache(url, namespace=ns) as backend:
        cache = Cache(backend)
        await cache.set_many(dict.fromkeys(keys, VALUE))
        assert (await cache.get_many(keys))[-1] == VALUE

        async def batch() -> None:
            assert len(await backend.get_many(keys)) == N_KEYS

        async def sequential() -> None:
            for key in keys:
                await backend.get_many([key])

        async def cache_batch() -> None:
            assert len(await cache.get_many(keys)) == N_KEYS

        async def cache_sequential() -> None:
            for key in keys:
                await cache.get(key)

        await batch()
        out["redis_get_many_1000_s"] = await _median_time(batch, repeats)
        out["redis_sequential_get_1000_s"] = await _median_time(sequential, repeats)
        out["redis_batch_speedup"] = round(
            out["redis_sequential_get_1000_s"] / out["redis_get_many_1000_s"], 1
        )
        details["cache_redis_get_many_1000_s"] = await _median_time(cache_batch, repeats)
        details["cache_redis_sequential_get_1000_s"] = await _median_time(cache_sequential, repeats)
        details["cache_redis_batch_speedup"] = round(
            details["cache_redis_sequential_get_1000_s"] / details["cache_redis_get_many_1000_s"],
            1,
        )
        out["aiocache_redis_multi_get_1000_s"] = await _aiocache_redis(url, ns, repeats)
        # aiocache's clear() would FLUSHDB a shared Redis: remove its keys by prefix instead
        await backend.delete_prefix(f"{ns}-aiocache")

        # single-key latency: Redis alone vs an L1 hit in front of it
        hot = keys[0]
        m = 2_000 if quick else 10_000
        out["redis_single_get_s"] = 1 / await _timed_gets(cache.get, [hot], m // 10)
        tiered = TieredCache(MemoryCache(), backend, l1_ttl_s=5)
        tcache = Cache(tiered)
        assert await tcache.get(hot) == VALUE
        out["tiered_l1_hit_s"] = 1 / await _timed_gets(tcache.get, [hot], m)
        details["tiered_speedup"] = round(out["redis_single_get_s"] / out["tiered_l1_hit_s"], 1)

        # stampede: 1000 concurrent misses on one key
        calls = 0

        async def loader() -> dict[str, Any]:
            nonlocal calls
            calls += 1
            await anyio.sleep(0.02)
            return VALUE

        results: list[Any] = []
        skey = cache_key("bench", "stampede", namespace=ns)
        async with Cache(tiered) as scache:

            async def one() -> None:
                results.append(await scache.get_or_load(skey, loader, kind="lines"))

            async with anyio.create_task_group() as tg:
                for _ in range(1000):
                    tg.start_soon(one)
        assert results == [VALUE] * 1000
        out["stampede"] = {"concurrent": 1000, "loader_calls": calls}
        await backend.delete_prefix(key_prefix(namespace=ns))
    for k in ("redis_get_many_1000_s", "redis_sequential_get_1000_s", "redis_single_get_s"):
        out[k] = round(out[k], 6)
    for k in ("cache_redis_get_many_1000_s", "cache_redis_sequential_get_1000_s"):
        details[k] = round(details[k], 6)
    out["tiered_l1_hit_s"] = round(out["tiered_l1_hit_s"], 9)
    return out


async def _aiocache_redis(url: str, ns: str, repeats: int) -> float | None:
    try:
        from aiocache import RedisCache as AioRedisCache
    except ImportError:  # pragma: no cover - aiocache without redis support
        return None
    parts = urlsplit(url)
    db = int((parts.path or "/0").lstrip("/") or 0)
    aio = AioRedisCache(
        endpoint=parts.hostname or "127.0.0.1",
        port=parts.port or 6379,
        db=db,
        password=parts.password,
        namespace=f"{ns}-aiocache",
        timeout=None,
    )
    keys = [f"k{i}" for i in range(N_KEYS)]
    try:
        await aio.multi_set([(k, VALUE) for k in keys])

        async def multi() -> None:
            got = await aio.multi_get(keys)
            assert got[-1] == VALUE

        await multi()
        result = await _median_time(multi, repeats)
    finally:
        await aio.close()
    return round(result, 6)


def bench_codecs() -> dict[str, Any]:
    """Compression of one real Statcast day as the cache stores it (JSON rows): zlib level 1
    (stdlib, what the cache uses) against zstandard and lz4 when installed."""
    import csv
    import gzip
    import io
    import os
    import zlib
    from pathlib import Path

    import orjson

    root = Path(
        os.environ.get("SAVANTSDK_SHARED_DATA")
        or Path(__file__).resolve().parents[2] / "shared/data"
    )
    day = root / "statcast/2024/sc_2024-06-10.csv.gz"
    if not day.exists():
        return {"codec_note": f"{day} not found"}
    rows = list(csv.DictReader(io.StringIO(gzip.decompress(day.read_bytes()).decode())))
    payload = orjson.dumps(rows)
    codecs: dict[str, tuple[Any, Any]] = {"zlib1": (lambda b: zlib.compress(b, 1), zlib.decompress)}
    try:
        import zstandard

        zc, zd = zstandard.ZstdCompressor(level=1), zstandard.ZstdDecompressor()
        codecs["zstd1"] = (zc.compress, zd.decompress)
    except ImportError:
        pass
    try:
        import lz4.frame

        codecs["lz4"] = (lz4.frame.compress, lz4.frame.decompress)
    except ImportError:
        pass
    out: dict[str, Any] = {"codec_payload_bytes": len(payload)}
    for name, (comp, decomp) in codecs.items():
        packed = comp(payload)
        started = time.perf_counter()
        for _ in range(3):
            comp(payload)
        c_s = (time.perf_counter() - started) / 3
        started = time.perf_counter()
        for _ in range(3):
            decomp(packed)
        d_s = (time.perf_counter() - started) / 3
        out[f"codec_{name}"] = {
            "ratio": round(len(payload) / len(packed), 2),
            "compress_s": round(c_s, 4),
            "decompress_s": round(d_s, 4),
        }
    started = time.perf_counter()
    orjson.loads(payload)
    out["codec_json_parse_s"] = round(time.perf_counter() - started, 4)
    return out


async def main(args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, Any]]:
    result: dict[str, Any] = {}
    details: dict[str, Any] = {}
    result.update(await bench_memory(args.quick, details))
    result["memory_bytes_budget_error"] = round(await bench_budget(), 4)
    if args.redis_url:
        result.update(await bench_redis(args.redis_url, args.quick, details))
    if args.details:
        details.update(bench_codecs())
    return result, details


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--redis-url", default=None, help="Redis to measure against")
    parser.add_argument("--quick", action="store_true", help="fewer rounds (for development)")
    parser.add_argument(
        "--details", action="store_true", help="add the supporting figures (see the docstring)"
    )
    ns = parser.parse_args()
    figures, extra = asyncio.run(main(ns))
    if ns.details:
        figures["details"] = extra
    if ns.json:
        print(json.dumps(figures))
    else:
        for name, value in figures.items():
            print(f"{name:40s} {value}")
    sys.exit(0)

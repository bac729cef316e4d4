"""Fleet-wide limits: N worker processes sharing one upstream quota through Redis.

    python benchmarks/distributed.py --json --redis-url redis://127.0.0.1:6379/0

Prints ONE JSON object (without ``--json``, a summary).  Not a test: timings depend on the
machine.  What is measured, exactly:

* One FakeUpstream (a real loopback HTTP server, in this process) limits ``statsapi``
  server-side with ``fake.rate_limit("statsapi", LIMIT)`` (a token bucket, burst = LIMIT):
  excess requests get 429 + Retry-After.
* ``coordinated``: ``--workers`` processes (multiprocessing "spawn"), each with its own event
  loop, ``AsyncClient`` and ``RedisCoordination`` (own pool), its limiter set to LIMIT per
  second, hammer ``GET /api/v1/teams`` with ``--tasks`` concurrent loops for ``--seconds``,
  released together at one instant (``time.monotonic`` is system-wide on Linux).  From the
  server's own request log: ``max_window_rate`` = the most requests (any status) whose arrival
  falls in any 1-second window; ``served`` = 200s that arrived inside the run;
  ``utilization = served / (LIMIT x seconds)``; ``upstream_429s``.  No retries
  (``max_attempts=1``), so every request the upstream saw is counted once.
* ``per_process_baseline``: the same workers, same settings, without coordination: each
  process's own local limiter at LIMIT per second (what every process did before this
  feature).  A 429 with Retry-After pauses that process's source, as always.  Measured in
  the same run, right after.
* ``coalescing``: ``--workers`` x ``--coalesce-calls`` concurrent identical requests across
  the processes, through the public cache API: ``Cache(RedisCache(url), lock_ttl_s=5)`` and
  ``cache.get_or_load(key, loader)`` where the loader is the upstream request;
  ``coalescing_upstream_calls`` = requests the upstream saw (target 1).
"""

from __future__ import annotations

import argparse
import bisect
import json
import multiprocessing
import os
import platform
import queue
import sys
import time
import uuid
from typing import Any

import anyio
import redis.asyncio as aioredis

from savantsdk import AsyncClient, BreakerPolicy, RateLimit, RetryPolicy, SourceSettings
from savantsdk.cache import Cache, RedisCache, cache_key
from savantsdk.coordination import RedisCoordination
from savantsdk.exceptions import RateLimitedError, SavantError
from savantsdk.testing import FakeUpstream, SimulatedLeague

SPAWN = multiprocessing.get_context("spawn")
TIMEOUT_S = 120.0
PATH = "/api/v1/teams"


def _settings(base_url: str, rate: float, tasks: int) -> dict[str, SourceSettings]:
    return {
        "statsapi": SourceSettings(
            name="statsapi",
            base_url=base_url,
            rate_limit=RateLimit(rate_per_s=rate, concurrency=tasks),
            retry=RetryPolicy(max_attempts=1, max_retry_after_s=30),
            breaker=BreakerPolicy(fail_max=10_000),
        )
    }


# -- workers (module level: spawn imports them) ------------------------------------------


def hammer_worker(
    redis_url: str | None,
    namespace: str,
    base_url: str,
    rate: float,
    tasks: int,
    seconds: float,
    ready: Any,
    go: Any,
    start_at: Any,
    results: Any,
) -> None:
    async def main() -> None:
        coordination = (
            RedisCoordination(redis_url, namespace=namespace) if redis_url is not None else None
        )
        async with AsyncClient(
            sources=_settings(base_url, rate, tasks), cache=None, coordination=coordination
        ) as client:
            await client.request("statsapi", "GET", "/api/v1/teams", params={"warm": 1})
            ready.set()
            await anyio.to_thread.run_sync(go.wait, TIMEOUT_S)
            begin = start_at.value
            end = begin + seconds
            await anyio.sleep(max(0.0, begin - time.monotonic()))
            ok = limited = errors = 0

            async def loop() -> None:
                nonlocal ok, limited, errors
                while time.monotonic() < end:
                    try:
                        await client.request("statsapi", "GET", PATH)
                        ok += 1
                    except RateLimitedError:
                        limited += 1
                    except SavantError:
                        errors += 1

            with anyio.move_on_after(end - time.monotonic() + 0.5):  # stop what is still queued
                async with anyio.create_task_group() as tg:
                    for _ in range(tasks):
                        tg.start_soon(loop)
            report: dict[str, Any] = {"ok": ok, "rate_limited": limited, "errors": errors}
            if coordination is not None:
                m = coordination.metrics()
                report |= {
                    "reservations": m.reservations,
                    "refusals": m.refusals,
                    "fallback_grants": m.fallback_grants,
                    "errors_redis": m.errors,
                }
        if coordination is not None:
            await coordination.aclose()
        results.put(report)

    anyio.run(main)


def coalesce_worker(
    redis_url: str,
    namespace: str,
    base_url: str,
    key: str,
    calls: int,
    ready: Any,
    go: Any,
    results: Any,
) -> None:
    async def main() -> None:
        async with (
            RedisCache(redis_url, namespace=namespace, timeout_s=2.0) as backend,
            Cache(backend, lock_ttl_s=5.0) as cache,
            RedisCoordination(redis_url, namespace=namespace) as coordination,
            AsyncClient(
                sources=_settings(base_url, 100.0, 10),
                cache=cache,
                coordination=coordination,
            ) as client,
        ):
            await client.request("statsapi", "GET", "/api/v1/teams", params={"warm": 1})
            ready.set()
            await anyio.to_thread.run_sync(go.wait, TIMEOUT_S)

            async def loader() -> Any:
                response = await client.request("statsapi", "GET", PATH, params={"c": 1})
                return response.json()

            got: list[int] = []

            async def one() -> None:
                value = await cache.get_or_load(key, loader, kind="reference")
                got.append(len(value["teams"]))

            async with anyio.create_task_group() as tg:
                for _ in range(calls):
                    tg.start_soon(one)
        results.put({"answers": len(got), "distinct": len(set(got))})

    anyio.run(main)


# -- parent --------------------------------------------------------------------------------


def _run_workers(target: Any, n: int, *args: Any, start_at: Any | None = None) -> list[Any]:
    ready = [SPAWN.Event() for _ in range(n)]
    go, results = SPAWN.Event(), SPAWN.Queue()
    procs = []
    for event in ready:
        extra = (event, go, start_at) if start_at is not None else (event, go)
        proc = SPAWN.Process(target=target, args=(*args, *extra, results), daemon=True)
        proc.start()
        procs.append(proc)
    try:
        for event in ready:
            if not event.wait(TIMEOUT_S):
                raise RuntimeError("a worker did not start")
        if start_at is not None:
            start_at.value = time.monotonic() + 0.5
        go.set()
        out = [results.get(timeout=TIMEOUT_S) for _ in range(n)]
        for proc in procs:
            proc.join(TIMEOUT_S)
        return out
    except queue.Empty:
        raise RuntimeError("a worker did not report") from None
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.kill()


def _max_window(times: list[float], window: float = 1.0) -> int:
    times = sorted(times)
    return max(
        (bisect.bisect_right(times, t + window - 1e-9) - i for i, t in enumerate(times)), default=0
    )


def hammer(
    fake: FakeUpstream, redis_url: str | None, rate: float, workers: int, tasks: int, seconds: float
) -> dict[str, Any]:
    namespace = f"bench-dist-{uuid.uuid4().hex[:10]}"
    fake.rate_limit("statsapi", rate)  # a fresh, full bucket for each run
    start_at = SPAWN.Value("d", 0.0)
    fake.reset_counts()
    reports = _run_workers(
        hammer_worker,
        workers,
        redis_url,
        namespace,
        fake.base_urls["statsapi"],
        rate,
        tasks,
        seconds,
        start_at=start_at,
    )
    begin = start_at.value
    end = begin + seconds
    seen = [r for r in fake.requests("statsapi") if r.path == PATH and "warm" not in r.query]
    inside = [r for r in seen if begin <= r.time < end]
    served = sum(r.status == 200 for r in inside)
    out: dict[str, Any] = {
        "workers": workers,
        "tasks_per_worker": tasks,
        "limit_per_s": rate,
        "per_worker_limiter_per_s": rate,
        "duration_s": seconds,
        "requests_seen": len(seen),
        "served": served,
        "max_window_rate": _max_window([r.time for r in seen]),
        "utilization": round(served / (rate * seconds), 4),
        "upstream_429s": sum(r.status == 429 for r in seen),
        "served_per_worker": sorted(r["ok"] for r in reports),
        "client_errors": sum(r["errors"] for r in reports),
    }
    if redis_url is not None:
        out["redis_reservations"] = sum(r["reservations"] for r in reports)
        out["redis_refusals"] = sum(r["refusals"] for r in reports)
        out["fallback_grants"] = sum(r["fallback_grants"] for r in reports)
        out["redis_errors"] = sum(r["errors_redis"] for r in reports)
    return out


def coalescing(fake: FakeUpstream, redis_url: str, workers: int, calls: int) -> dict[str, Any]:
    fake.rate_limit("statsapi", None)
    namespace = f"bench-coal-{uuid.uuid4().hex[:10]}"
    key = cache_key("bench", "distributed", namespace, "teams")
    fake.reset_counts()
    reports = _run_workers(
        coalesce_worker, workers, redis_url, namespace, fake.base_urls["statsapi"], key, calls
    )
    upstream = sum(1 for r in fake.requests("statsapi") if "c=1" in r.query)

    async def cleanup() -> None:
        raw = aioredis.Redis.from_url(redis_url)
        keys = [k async for k in raw.scan_iter(match=f"*{namespace}*")]
        if keys:
            await raw.unlink(*keys)
        await raw.aclose()

    anyio.run(cleanup)
    return {
        "requests": workers * calls,
        "answered": sum(r["answers"] for r in reports),
        "distinct_values": max(r["distinct"] for r in reports),
        "upstream_calls": upstream,
    }


def machine() -> dict[str, Any]:
    return {
        "cpu_count": os.cpu_count(),
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--redis-url", required=True, help="a Redis the benchmark may write to")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--tasks", type=int, default=25, help="concurrent loops per worker")
    parser.add_argument("--rate", type=float, default=100.0, help="the upstream's limit (/s)")
    parser.add_argument("--seconds", type=float, default=12.0)
    parser.add_argument("--coalesce-calls", type=int, default=250)
    args = parser.parse_args(argv)
    if args.seconds < 10:
        parser.error("--seconds must be >= 10")
    with FakeUpstream(SimulatedLeague(seed=7, days=1)) as fake:
        coordinated = hammer(
            fake, args.redis_url, args.rate, args.workers, args.tasks, args.seconds
        )
        baseline = hammer(fake, None, args.rate, args.workers, args.tasks, args.seconds)
        coalesce = coalescing(fake, args.redis_url, args.workers, args.coalesce_calls)
        saturation = fake.saturation()
    out = {
        "limit_per_s": args.rate,
        "max_window_rate": coordinated["max_window_rate"],
        "utilization": coordinated["utilization"],
        "upstream_429s": coordinated["upstream_429s"],
        "coalescing_upstream_calls": coalesce["upstream_calls"],
        "coordinated": coordinated,
        "per_process_baseline": baseline,
        "coalescing": coalesce,
        "upstream_saturated": saturation.saturated,
        "machine": machine(),
    }
    if args.json:
        print(json.dumps(out))
        return 0
    for name, run in (("coordinated", coordinated), ("per-process", baseline)):
        print(
            f"{name:12} {run['workers']} workers: max 1-s window {run['max_window_rate']}/s "
            f"(limit {run['limit_per_s']:g}), utilization {run['utilization']}, "
            f"429s {run['upstream_429s']}, served per worker {run['served_per_worker']}"
        )
    print(
        f"coalescing   {coalesce['requests']} identical requests in {args.workers} processes -> "
        f"{coalesce['upstream_calls']} upstream call(s) (target 1)"
    )
    print(f"machine      {out['machine']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

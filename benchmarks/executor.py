"""Benchmark of savantsdk.executor (not a test: timings depend on the machine).

    python benchmarks/executor.py            # readable summary
    python benchmarks/executor.py --json     # one JSON object

Sections (all measured in the same run): latency_bound, rate_bound, overhead, coalescing,
priority, machine.  Upstream calls are simulated in-process with ``asyncio.sleep``.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import math
import os
import platform
import sys
import time
from typing import Any

from savantsdk._config import BreakerPolicy, RateLimit, RetryPolicy, SourceSettings
from savantsdk.executor import Executor, Lane


def _settings(rate: float | None, concurrency: int) -> SourceSettings:
    return SourceSettings(
        name="bench",
        base_url="http://127.0.0.1",
        rate_limit=RateLimit(rate_per_s=rate, concurrency=concurrency),
        retry=RetryPolicy(max_attempts=4, initial_backoff_s=0.01),
        breaker=BreakerPolicy(fail_max=5, reset_timeout_s=30.0),
    )


async def latency_bound(n: int = 3564, concurrency: int = 25, latency_s: float = 0.020) -> dict:
    async def upstream(i: int) -> int:
        await asyncio.sleep(latency_s)
        return i

    async with Executor(_settings(None, concurrency)) as ex:
        t0 = time.perf_counter()
        result = await ex.map(upstream, range(n))
        measured = time.perf_counter() - t0
    assert result.ok_count == n
    ideal = math.ceil(n / concurrency) * latency_s
    # Reference: bare asyncio.gather + Semaphore over the same sleeps (event-loop timer
    # granularity and machine noise cost this much without any executor at all).
    sem = asyncio.Semaphore(concurrency)

    async def bare(i: int) -> int:
        async with sem:
            return await upstream(i)

    t0 = time.perf_counter()
    await asyncio.gather(*(bare(i) for i in range(n)))
    bare_s = time.perf_counter() - t0
    return {
        "n": n,
        "concurrency": concurrency,
        "latency_s": latency_s,
        "ideal_s": round(ideal, 4),
        "measured_s": round(measured, 4),
        "efficiency": round(ideal / measured, 4),
        "baseline_measured_s": round(bare_s, 4),
        "baseline_efficiency": round(ideal / bare_s, 4),
    }


def _max_window_rate(starts: list[float], window_s: float = 1.0) -> float:
    """The most call starts in any window of ``window_s`` (a window starts at each call)."""
    starts = sorted(starts)
    best = 0
    for i, t in enumerate(starts):
        j = bisect.bisect_left(starts, t + window_s)
        best = max(best, j - i)
    return best / window_s


async def _aiolimiter_naive(n: int, rate: float, concurrency: int, latency_s: float) -> float:
    from aiolimiter import AsyncLimiter

    limiter = AsyncLimiter(1, 1 / rate)
    sem = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with limiter, sem:
            await asyncio.sleep(latency_s)

    t0 = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(n)))
    return time.perf_counter() - t0


async def rate_bound(
    n: int = 1000, rate: float = 250.0, concurrency: int = 50, latency_s: float = 0.005
) -> dict:
    starts: list[float] = []

    async def upstream(i: int) -> int:
        starts.append(time.perf_counter())
        await asyncio.sleep(latency_s)
        return i

    async with Executor(_settings(rate, concurrency)) as ex:
        t0 = time.perf_counter()
        result = await ex.map(upstream, range(n), batch_size=concurrency)
        measured = time.perf_counter() - t0
    assert result.ok_count == n
    ideal = n / rate
    naive = await _aiolimiter_naive(n, rate, concurrency, latency_s)
    return {
        "n": n,
        "rate_per_s": rate,
        "concurrency": concurrency,
        "latency_s": latency_s,
        "ideal_s": round(ideal, 4),
        "measured_s": round(measured, 4),
        "efficiency": round(ideal / measured, 4),
        "max_window_rate": _max_window_rate(starts),
        "aiolimiter_naive_measured_s": round(naive, 4),
        "aiolimiter_naive_efficiency": round(ideal / naive, 4),
    }


async def overhead(n: int = 20_000, concurrency: int = 50) -> dict:
    async def noop(i: int) -> int:
        return i

    # Baseline: bare gather + Semaphore over the same calls.
    sem = asyncio.Semaphore(concurrency)

    async def guarded(i: int) -> int:
        async with sem:
            return await noop(i)

    t0 = time.perf_counter()
    await asyncio.gather(*(guarded(i) for i in range(n)))
    baseline = time.perf_counter() - t0

    # Executor with everything on: a rate limit far above what the run reaches, breaker,
    # retries armed, a coalescing key per item, a lane, metrics.
    lanes = (Lane.LIVE, Lane.PROPS, Lane.HISTORICAL)
    async with Executor(_settings(100_000.0, concurrency)) as ex:
        t0 = time.perf_counter()
        results = []
        for lane in lanes:  # one third of the items in each lane
            part = range(lanes.index(lane), n, 3)
            results.append(
                await ex.map(noop, part, key=lambda i: f"noop:{i}", lane=lane, batch_size=50)
            )
        measured = time.perf_counter() - t0
        snap = ex.metrics()
    assert sum(r.ok_count for r in results) == n
    assert snap.attempts == n
    return {
        "n": n,
        "concurrency": concurrency,
        "items_per_s": round(n / measured),
        "baseline_items_per_s": round(n / baseline),
        "ratio": round(baseline / measured, 4),
    }


async def coalescing(requests: int = 1000, latency_s: float = 0.010) -> dict:
    calls = 0

    async def upstream() -> str:
        nonlocal calls
        calls += 1
        await asyncio.sleep(latency_s)
        return "value"

    async with Executor(_settings(None, 10)) as ex:
        values = await asyncio.gather(
            *(ex.call(upstream, key="GET /same") for _ in range(requests))
        )
        coalesced = ex.metrics().coalesced
    assert all(v == "value" for v in values)
    return {"requests": requests, "upstream_calls": calls, "coalesced": coalesced}


async def priority(
    rate: float = 200.0,
    historical: int = 800,
    live: int = 40,
    live_every_s: float = 0.05,
    latency_s: float = 0.002,
) -> dict:
    async def upstream(i: int) -> int:
        await asyncio.sleep(latency_s)
        return i

    async with Executor(_settings(rate, 20)) as ex:

        async def live_arrivals() -> None:
            await asyncio.sleep(0.25)  # let HISTORICAL saturate the limiter first
            tasks = []
            for i in range(live):
                tasks.append(
                    asyncio.ensure_future(ex.call(lambda i=i: upstream(i), lane=Lane.LIVE))
                )
                await asyncio.sleep(live_every_s)
            await asyncio.gather(*tasks)

        await asyncio.gather(
            ex.map(upstream, range(historical), lane=Lane.HISTORICAL, batch_size=historical),
            live_arrivals(),
        )
        snap = ex.metrics()
    lw = snap.limiter_wait[Lane.LIVE]
    hw = snap.limiter_wait[Lane.HISTORICAL]
    return {
        "rate_per_s": rate,
        "historical_calls": historical,
        "live_calls": live,
        "live_wait_p50_s": round(lw.p50_s, 5),
        "live_wait_p95_s": round(lw.p95_s, 5),
        "historical_wait_p50_s": round(hw.p50_s, 5),
        "historical_wait_p95_s": round(hw.p95_s, 5),
        "ratio": round(lw.p95_s / hw.p95_s, 5) if hw.p95_s else None,
    }


def machine() -> dict:
    return {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
    }


async def run_all() -> dict[str, Any]:
    return {
        "latency_bound": await latency_bound(),
        "rate_bound": await rate_bound(),
        "overhead": await overhead(),
        "coalescing": await coalescing(),
        "priority": await priority(),
        "machine": machine(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    out = asyncio.run(run_all())
    if args.json:
        import json

        print(json.dumps(out))
        return 0
    lb, rb, ov, co, pr = (
        out[k] for k in ("latency_bound", "rate_bound", "overhead", "coalescing", "priority")
    )
    print(
        f"latency_bound  N={lb['n']} conc={lb['concurrency']}: ideal {lb['ideal_s']} s, "
        f"measured {lb['measured_s']} s, efficiency {lb['efficiency']} (target >= 0.95; "
        f"bare gather+Semaphore {lb['baseline_efficiency']})"
    )
    print(
        f"rate_bound     N={rb['n']} {rb['rate_per_s']}/s: ideal {rb['ideal_s']} s, measured "
        f"{rb['measured_s']} s, efficiency {rb['efficiency']} (target >= 0.97); max 1-s "
        f"window {rb['max_window_rate']}/s (limit x1.05 = {rb['rate_per_s'] * 1.05}); naive "
        f"aiolimiter efficiency {rb['aiolimiter_naive_efficiency']}"
    )
    print(
        f"overhead       N={ov['n']}: executor {ov['items_per_s']} items/s, baseline "
        f"{ov['baseline_items_per_s']} items/s, ratio {ov['ratio']} (targets >= 25000, >= 0.4)"
    )
    print(
        f"coalescing     {co['requests']} identical requests -> {co['upstream_calls']} "
        "upstream call(s) (target 1)"
    )
    print(
        f"priority       live p95 wait {pr['live_wait_p95_s']} s, historical p95 wait "
        f"{pr['historical_wait_p95_s']} s, ratio {pr['ratio']} (target <= 0.1)"
    )
    print(f"machine        {out['machine']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

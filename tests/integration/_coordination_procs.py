"""Worker processes for the coordination tests (multiprocessing "spawn"), and the helpers
the single-server and cluster coordination tests share.

Each function is a process entry point: it builds its own ``AsyncClient`` coordinated through
its own ``RedisCoordination`` (its own pool) against the parent's FakeUpstream, waits for the
parent's signal, does its part and reports through a queue.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Sequence
from typing import Any

import anyio

from savantsdk import AsyncClient, BreakerPolicy, RateLimit, RetryPolicy, SourceSettings
from savantsdk.coordination import RedisCoordination
from savantsdk.exceptions import CircuitOpenError, SavantError
from savantsdk.executor import Lane

READY_TIMEOUT_S = 60.0


def settings(base_url: str, rate: float | None, *, fail_max: int = 5) -> SourceSettings:
    return SourceSettings(
        name="statsapi",
        base_url=base_url,
        rate_limit=RateLimit(rate_per_s=rate, concurrency=50),
        retry=RetryPolicy(max_attempts=1),
        breaker=BreakerPolicy(fail_max=fail_max, reset_timeout_s=30.0),
    )


def hammer(
    redis_url: str,
    namespace: str,
    base_url: str,
    rate: float,
    seconds: float,
    tasks: int,
    lane: int,
    ready: Any,
    go: Any,
    results: Any,
) -> None:
    """``tasks`` loops of requests for ``seconds`` once ``go`` is set; report the counts."""

    async def main() -> None:
        async with (
            RedisCoordination(redis_url, namespace=namespace) as coordination,
            AsyncClient(
                sources={"statsapi": settings(base_url, rate)},
                cache=None,
                coordination=coordination,
            ) as client,
        ):
            ready.set()
            await anyio.to_thread.run_sync(go.wait, READY_TIMEOUT_S)
            ok = errors = 0
            deadline = time.monotonic() + seconds

            async def loop() -> None:
                nonlocal ok, errors
                while time.monotonic() < deadline:
                    try:
                        await client.request("statsapi", "GET", "/api/v1/teams", lane=Lane(lane))
                        ok += 1
                    except SavantError:
                        errors += 1

            with anyio.move_on_after(seconds + 5):
                async with anyio.create_task_group() as tg:
                    for _ in range(tasks):
                        tg.start_soon(loop)
            m = client.executor("statsapi").metrics()
            results.put(
                {
                    "ok": ok,
                    "errors": errors,
                    "wait_p95_s": m.limiter_wait[Lane(lane)].p95_s,
                    "fallback": coordination.metrics().fallback_active,
                }
            )

    anyio.run(main)


def break_then_report(
    redis_url: str, namespace: str, base_url: str, ready: Any, go: Any, results: Any
) -> None:
    """Call a failing route until the breaker opens (fail_max=3), then report."""

    async def main() -> None:
        async with (
            RedisCoordination(redis_url, namespace=namespace) as coordination,
            AsyncClient(
                sources={"statsapi": settings(base_url, None, fail_max=3)},
                cache=None,
                coordination=coordination,
            ) as client,
        ):
            ready.set()
            await anyio.to_thread.run_sync(go.wait, READY_TIMEOUT_S)
            outcomes = []
            for _ in range(5):
                try:
                    await client.request("statsapi", "GET", "/api/v1/teams")
                    outcomes.append("ok")
                except CircuitOpenError:
                    outcomes.append("open")
                except SavantError as exc:
                    outcomes.append(type(exc).__name__)
            await anyio.sleep(0.2)  # let the outbox report the failures
            results.put({"outcomes": outcomes, "state": client.metrics()["statsapi"].breaker_state})

    anyio.run(main)


def max_window(times: list[float], window: float = 1.0) -> int:
    """The most requests in any ``window`` seconds of ``times``."""
    times = sorted(times)
    return max(
        (bisect.bisect_right(times, t + window - 1e-9) - i for i, t in enumerate(times)), default=0
    )


async def drive(clients: Sequence[AsyncClient], seconds: float, tasks_each: int) -> None:
    """``tasks_each`` tasks per client send Stats API requests back to back for ``seconds``."""
    deadline = time.monotonic() + seconds

    async def loop(client: AsyncClient) -> None:
        while time.monotonic() < deadline:
            await client.request("statsapi", "GET", "/api/v1/teams")

    async with anyio.create_task_group() as tg:
        for client in clients:
            for _ in range(tasks_each):
                tg.start_soon(loop, client)

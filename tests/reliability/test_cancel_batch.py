"""Cancelling a large batch half-way: no task keeps running, every rate-limiter place and
concurrency slot is given back, and the same client keeps working.

2,000 items through ``client.map`` against a slow loopback upstream (50 ms a request); the
rate limit (250/s) binds before the concurrency limit (16 x 50 ms = 320/s), so at the moment
of cancellation there are attempts inside the upstream call, callers queued in the limiter
(or, on a loaded machine, for a concurrency slot) and items not started yet.
"""

from __future__ import annotations

from collections.abc import Iterator

import anyio
import pytest
from reliability_support import Probes

from savantsdk import AsyncClient, RateLimit, RetryPolicy, SourceSettings, Timeout
from savantsdk._http import send
from savantsdk.executor import BatchResult, Lane
from savantsdk.sources import parse_people
from savantsdk.testing import FakeUpstream, Latency, SimulatedLeague

pytestmark = pytest.mark.anyio

SOURCE = "statsapi"
ITEMS = 2_000
CONCURRENCY = 16
RATE_PER_S = 250.0


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeUpstream]:
    with FakeUpstream(SimulatedLeague(seed=5, days=1)) as server:
        server.faults(SOURCE, "/api/v1/people/*", latency=Latency.fixed(0.05))
        yield server


async def test_cancelling_a_batch_half_way_frees_everything_and_the_client_still_works(
    fake: FakeUpstream, probes: Probes
) -> None:
    players = sorted(fake.league.players)
    items = [players[i % len(players)] for i in range(ITEMS)]
    settings = SourceSettings(
        name=SOURCE,
        base_url=fake.base_urls[SOURCE],
        timeout=Timeout(total_s=10.0),
        retry=RetryPolicy(max_attempts=3),
        rate_limit=RateLimit(rate_per_s=RATE_PER_S, concurrency=CONCURRENCY),
    )
    tasks_before = probes.other_tasks()
    fds_before = probes.open_fds()
    client = AsyncClient(sources={SOURCE: settings}, cache=None)
    http = client.http(SOURCE)
    executor = client.executor(SOURCE)
    started = 0

    async def fetch(pid: int) -> int:
        nonlocal started
        started += 1
        response = await send(http, SOURCE, "GET", f"/api/v1/people/{pid}")
        return parse_people(response.content)[0].id

    half_way = anyio.Event()
    at_cancel: dict[str, int] = {}
    result: BatchResult[int, int] | None = None

    def progress(done: int, total: int) -> None:
        if done >= total // 2 and not half_way.is_set():
            m = executor.metrics()
            slots = executor.capacity.statistics()
            at_cancel.update(
                done=done,
                started=started,
                in_flight=m.in_flight,
                limiter_waiting=m.limiter_waiting,
                borrowed=slots.borrowed,
                slot_waiting=slots.waiting,
            )
            half_way.set()

    async def run_batch() -> None:
        nonlocal result
        result = await client.map(
            SOURCE, fetch, items, lane=Lane.HISTORICAL, batch_size=200, on_progress=progress
        )

    try:
        with anyio.fail_after(60):
            async with anyio.create_task_group() as tg:
                tg.start_soon(run_batch)
                await half_way.wait()
                tg.cancel_scope.cancel()

        # it was cancelled in the middle of real work, in every stage
        assert result is None
        assert at_cancel["done"] == ITEMS // 2
        assert at_cancel["in_flight"] > 0  # attempts inside the upstream call
        assert at_cancel["borrowed"] > 0  # concurrency slots held
        # callers queued for a slot: in the rate limiter (where they are as long as the
        # limit binds), or for a concurrency slot (if a loaded machine makes those scarcer)
        assert at_cancel["limiter_waiting"] + at_cancel["slot_waiting"] > 0
        assert at_cancel["started"] < ITEMS  # items not started yet

        # ... and nothing of it is left: no task, no slot, no queued caller
        assert probes.other_tasks() <= tasks_before
        m = executor.metrics()
        assert (m.in_flight, m.limiter_waiting) == (0, 0)
        slots = executor.capacity.statistics()
        assert (slots.borrowed, slots.waiting) == (0, 0)
        assert executor.rate_limiter.statistics().waiting == 0
        stopped_at = started

        # the same client still works: a new batch, a source-client call
        again = await client.map(SOURCE, fetch, items[:100], batch_size=50)
        assert again.ok
        assert again.values == items[:100]
        assert started == stopped_at + 100  # cancelled items stayed cancelled
        person = await client.statsapi.person(items[0])
        assert person.id == items[0]
        m = client.metrics()[SOURCE]
        assert (m.in_flight, m.limiter_waiting) == (0, 0)
    finally:
        await client.aclose()
    assert probes.other_tasks() <= tasks_before
    assert await probes.wait_until(lambda: probes.sockets_to(fake.port) == 0)
    assert await probes.wait_until(lambda: probes.open_fds() <= fds_before)

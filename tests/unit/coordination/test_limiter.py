"""The fleet rate limiter on the fake store and clock: spacing across processes, no burst,
lanes within and across processes, horizons, cancellation, fallback and recovery."""

from __future__ import annotations

import bisect
import logging
import math
from collections.abc import Callable

import anyio
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from savantsdk._clock import FakeClock
from savantsdk.coordination._core import Coordinator
from savantsdk.coordination._limiter import CoordinatedRateLimiter
from savantsdk.executor import Lane
from savantsdk.executor._limiter import LaneRateLimiter

from .conftest import make_settings, settle
from .fakes import FakeStore

pytestmark = pytest.mark.anyio


def limiter(
    core: Coordinator, clock: FakeClock, rate: float | None = 10.0
) -> CoordinatedRateLimiter:
    parts = core.executor_parts(make_settings(rate=rate), clock=clock)
    assert isinstance(parts.rate_limiter, CoordinatedRateLimiter)
    return parts.rate_limiter


def max_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    return max(bisect.bisect_right(times, t + window - 1e-9) - i for i, t in enumerate(times))


async def grant_times(
    lim: CoordinatedRateLimiter, clock: FakeClock, n: int, lane: Lane = Lane.PROPS
) -> list[float]:
    out: list[float] = []

    async def one() -> None:
        await lim.acquire(lane)
        out.append(clock.monotonic())

    async with anyio.create_task_group() as tg:
        for _ in range(n):
            tg.start_soon(one)
    return out


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    rate=st.sampled_from([2.0, 10.0, 37.0, 100.0, 250.0]),
    counts=st.lists(st.integers(min_value=1, max_value=40), min_size=2, max_size=4),
)
async def test_processes_share_one_rate_exactly(rate: float, counts: list[int]) -> None:
    clock = FakeClock(autojump=True)
    store = FakeStore(clock, latency_s=0.0007)
    cores = [Coordinator(store, clock=clock) for _ in counts]
    try:
        lims = [limiter(core, clock, rate) for core in cores]
        times: list[float] = []
        start = clock.monotonic()

        async def run(lim: CoordinatedRateLimiter, n: int) -> None:
            times.extend(await grant_times(lim, clock, n))

        async with anyio.create_task_group() as tg:
            for lim, n in zip(lims, counts, strict=True):
                tg.start_soon(run, lim, n)
        total = sum(counts)
        assert len(times) == total
        # Any 1-second window holds at most rate + 1 grants (the slots are one interval apart on
        # the store's clock; each process adds the same half round trip here).
        assert max_in_window(times, 1.0) <= math.floor(rate) + 1
        # Locally a slot is sent when its reply arrives if that is later than the slot: so two
        # grants can be closer than one interval by at most one round trip (0.7 ms here).
        gaps = [b - a for a, b in zip(sorted(times), sorted(times)[1:], strict=False)]
        assert min(gaps, default=1.0) >= 1 / rate - store.latency_s
        # ...and nothing is wasted: the last grant comes (total - 1) intervals after the first,
        # plus at most the round trips of the first booking.
        assert max(times) - start <= (total - 1) / rate + 0.01
        assert sum(core.metrics().redis_grants for core in cores) == total
    finally:
        for core in cores:
            await core.aclose()


async def test_no_start_burst_and_idle_restart(
    processes: Callable[..., Coordinator], clock: FakeClock
) -> None:
    lim = limiter(processes(), clock, rate=4.0)
    t0 = clock.monotonic()
    first = await grant_times(lim, clock, 3)
    assert sorted(t - t0 for t in first) == pytest.approx([0.0, 0.25, 0.5], abs=0.001)
    await clock.sleep(10)  # idle: the next slot is "now" again, not a burst of saved slots
    t1 = clock.monotonic()
    again = await grant_times(lim, clock, 2)
    assert sorted(t - t1 for t in again) == pytest.approx([0.0, 0.25], abs=0.001)


async def test_lanes_within_a_process(
    processes: Callable[..., Coordinator], clock: FakeClock
) -> None:
    lim = limiter(processes(), clock, rate=10.0)
    order: list[str] = []

    async def one(lane: Lane, name: str) -> None:
        await lim.acquire(lane)
        order.append(name)

    async with anyio.create_task_group() as tg:
        for i in range(20):
            tg.start_soon(one, Lane.HISTORICAL, f"h{i}")
        await clock.sleep(0.3)  # historical callers are being served, one every 100 ms
        for i in range(3):
            tg.start_soon(one, Lane.LIVE, f"l{i}")
    live_at = [order.index(f"l{i}") for i in range(3)]
    # The horizon of HISTORICAL (50 ms) is under one interval: at most one historical slot is
    # booked ahead when LIVE arrives, so LIVE is served within two grants.
    assert max(live_at) <= live_at[0] + 2
    assert live_at[0] <= order.index("h3") + 2
    assert order.index("h19") > max(live_at)


async def test_live_waits_at_most_a_horizon_behind_another_process(
    processes: Callable[..., Coordinator], clock: FakeClock, store: FakeStore
) -> None:
    horizons = (2.0, 0.5, 0.2)
    hist = limiter(processes(lane_horizons_s=horizons), clock, rate=50.0)
    live = limiter(processes(lane_horizons_s=horizons), clock, rate=50.0)
    waits: list[float] = []
    booked: list[float] = []

    async def flood() -> None:
        await grant_times(hist, clock, 400, Lane.HISTORICAL)

    async def watch() -> None:
        for _ in range(200):
            booked.append(store.booked_ahead_s("src"))
            await clock.sleep(0.013)

    async with anyio.create_task_group() as tg:
        tg.start_soon(flood)
        tg.start_soon(watch)
        await clock.sleep(1.0)
        for _ in range(10):
            waits.append(await live.acquire(Lane.LIVE))
            await clock.sleep(0.1)
    # Historical never books more than its horizon (+ one interval) ahead of the store's now.
    assert max(booked) <= 0.2 + 1 / 50 + 1e-6
    # A LIVE caller in the other process waits behind at most that much.
    assert max(waits) <= 0.2 + 2 / 50 + 0.005


async def test_aging_lets_historical_book_further_ahead(
    processes: Callable[..., Coordinator], clock: FakeClock, store: FakeStore
) -> None:
    lim = limiter(processes(), clock, rate=1.0)
    lim._aging_s = 0.5  # aged by two lanes after a second
    async with anyio.create_task_group() as tg:
        for _ in range(3):
            tg.start_soon(lim.acquire, Lane.HISTORICAL)
        await clock.sleep(1.2)
        # A historical caller that has waited > 2 x aging books with LIVE's 1 s horizon.
        assert store.booked_ahead_s("src") > 0.05


async def test_cancelled_waiter_leaves_and_the_others_proceed(
    processes: Callable[..., Coordinator], clock: FakeClock
) -> None:
    lim = limiter(processes(), clock, rate=5.0)
    served: list[int] = []

    async def one(i: int) -> None:
        await lim.acquire(Lane.PROPS)
        served.append(i)

    async with anyio.create_task_group() as tg:
        scopes = []
        for i in range(6):
            scope = anyio.CancelScope()
            scopes.append(scope)

            async def run(i: int = i, scope: anyio.CancelScope = scope) -> None:
                with scope:
                    await one(i)

            tg.start_soon(run)
        await settle()
        scopes[0].cancel()  # the first waiter drives: the role passes on
        scopes[4].cancel()
    assert sorted(served) == [1, 2, 3, 5] or sorted(served) == [0, 1, 2, 3, 5]
    assert lim.statistics().waiting == 0


async def test_unlimited_source_asks_the_store_only_when_its_mirror_is_stale(
    processes: Callable[..., Coordinator], clock: FakeClock, store: FakeStore
) -> None:
    lim = limiter(processes(sync_interval_s=0.5), clock, rate=None)
    for _ in range(20):
        assert await lim.acquire(Lane.PROPS) < 0.01
    assert store.calls.count("reserve") == 1
    await clock.sleep(0.6)
    await lim.acquire(Lane.PROPS)
    assert store.calls.count("reserve") == 2


async def test_store_down_falls_back_at_a_share_logs_once_and_recovers(
    processes: Callable[..., Coordinator],
    clock: FakeClock,
    store: FakeStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="savantsdk")
    core = processes(fallback_share=0.5, retry_interval_s=1.0)
    lim = limiter(core, clock, rate=10.0)
    await grant_times(lim, clock, 3)
    store.down = True
    t0 = clock.monotonic()
    times = await grant_times(lim, clock, 11)  # no error: a local limiter at 5/s
    assert core.metrics().fallback_active
    assert core.metrics().incidents == 1
    assert max_in_window(times, 1.0) <= 6
    assert max(times) - t0 >= 1.9  # 11 slots at 5/s
    assert isinstance(lim.fallback, LaneRateLimiter)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "unavailable" in warnings[0].getMessage()
    # Only one store call per retry interval (plus the first failure): not one per acquire.
    assert store.calls.count("reserve") <= 3 + 1 + math.ceil(clock.monotonic() - t0)
    store.down = False
    await clock.sleep(1.1)
    before = core.metrics().redis_grants
    await grant_times(lim, clock, 4)
    m = core.metrics()
    assert m.available
    assert not m.fallback_active
    assert m.redis_grants == before + 4
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.INFO][-1].startswith(
        "savantsdk coordination: store is back"
    )
    assert m.fallback_grants >= 11


async def test_fallback_starts_after_the_slots_already_booked(
    processes: Callable[..., Coordinator], clock: FakeClock, store: FakeStore
) -> None:
    lim = limiter(processes(fallback_share=1.0), clock, rate=10.0)
    times: list[float] = []

    async def one() -> None:
        await lim.acquire(Lane.LIVE)  # LIVE books up to 1 s ahead: ~10 slots
        times.append(clock.monotonic())

    async with anyio.create_task_group() as tg:
        for _ in range(10):
            tg.start_soon(one)
        await settle()
        store.down = True
        for _ in range(5):
            tg.start_soon(one)
    assert max_in_window(times, 1.0) <= 11

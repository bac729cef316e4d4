"""The GCRA limiter with lanes, on a fake clock: rate, no start burst, priority, aging,
cancellation."""

from __future__ import annotations

import itertools

import anyio
import pytest
from hypothesis import given, settings, strategies as st

from savantsdk.executor import Lane
from savantsdk.executor._limiter import LaneRateLimiter
from savantsdk.typing import Clock

from .conftest import FakeClock, settle


async def _grant_times(limiter: LaneRateLimiter, clock: Clock, n: int) -> list[float]:
    times: list[float] = []

    async def one() -> None:
        await limiter.acquire(Lane.PROPS)
        times.append(clock.monotonic())

    async with anyio.create_task_group() as tg:
        for _ in range(n):
            tg.start_soon(one)
    return sorted(times)


@pytest.mark.anyio
async def test_no_burst_at_start() -> None:
    clock = FakeClock()
    limiter = LaneRateLimiter(10.0, clock)
    start = clock.monotonic()
    times = await _grant_times(limiter, clock, 5)
    assert [round(t - start, 9) for t in times] == [0.0, 0.1, 0.2, 0.3, 0.4]


@given(rate=st.floats(0.5, 2000), n=st.integers(2, 120))
@settings(max_examples=40, deadline=None)
def test_rate_on_a_fake_clock(rate: float, n: int) -> None:
    async def main() -> None:
        clock = FakeClock()
        limiter = LaneRateLimiter(rate, clock)
        start = clock.monotonic()
        times = await _grant_times(limiter, clock, n)
        interval = 1.0 / rate
        # Exactly one slot per interval: total span (n-1)/rate, never two closer than interval.
        assert times[-1] - start == pytest.approx((n - 1) * interval, rel=1e-9, abs=1e-9)
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert min(gaps) >= interval * (1 - 1e-9)
        # Any 1-second window holds at most rate + 1 grants.
        for i, t in enumerate(times):
            in_window = sum(1 for u in times[i:] if u < t + 1.0)
            assert in_window <= rate + 1

    anyio.run(main, backend="asyncio")


@pytest.mark.anyio
async def test_late_wakeups_are_caught_up_without_exceeding_the_rate() -> None:
    clock = FakeClock(autojump=False)  # manual: we decide how late the driver wakes
    limiter = LaneRateLimiter(1000.0, clock)  # 1 ms interval, catch-up window 2 ms
    granted: list[float] = []

    async def one() -> None:
        await limiter.acquire(Lane.PROPS)
        granted.append(clock.monotonic())

    async with anyio.create_task_group() as tg:
        for _ in range(10):
            tg.start_soon(one)
        await settle()
        assert len(granted) == 1
        clock.advance(0.0025)  # the driver wakes 1.5 ms late: the 2 due slots are granted
        await settle()
        assert len(granted) == 3
        for _ in range(20):
            clock.advance(0.001)
            await settle()
    assert len(granted) == 10
    # Slots stay on the 1 ms grid (the 10th is due at 9 ms, seen at the 9.5 ms tick): the late
    # wake-up cost nothing.  Restarting from "now" instead would put the 10th at 10.5 ms.
    assert granted[-1] - granted[0] == pytest.approx(0.0095)


@pytest.mark.anyio
async def test_higher_lane_is_served_first_when_saturated() -> None:
    clock = FakeClock()
    limiter = LaneRateLimiter(10.0, clock)
    order: list[str] = []

    async def one(lane: Lane, tag: str) -> None:
        await limiter.acquire(lane)
        order.append(tag)

    async with anyio.create_task_group() as tg:
        for i in range(4):
            tg.start_soon(one, Lane.HISTORICAL, f"h{i}")
        await settle()
        tg.start_soon(one, Lane.PROPS, "p0")
        tg.start_soon(one, Lane.LIVE, "l0")
        await settle()
        assert limiter.statistics().waiting == 5
        for _ in range(10):
            clock.advance(0.1)
            await settle()
    assert order == ["h0", "l0", "p0", "h1", "h2", "h3"]


@pytest.mark.anyio
async def test_aging_prevents_starvation() -> None:
    clock = FakeClock()
    limiter = LaneRateLimiter(1.0, clock, aging_s=2.0)
    order: list[str] = []

    async def one(lane: Lane, tag: str) -> None:
        await limiter.acquire(lane)
        order.append(tag)

    async with anyio.create_task_group() as tg:
        tg.start_soon(one, Lane.PROPS, "first")  # takes the free slot at t=0
        await settle()
        tg.start_soon(one, Lane.HISTORICAL, "old")
        await settle()
        # A steady stream of LIVE work: a new LIVE waiter each second.
        for i in range(8):
            tg.start_soon(one, Lane.LIVE, f"l{i}")
            await settle()
            clock.advance(1.0)
            await settle()
        for _ in range(10):
            clock.advance(1.0)
            await settle()
    # HISTORICAL (lane 2) with aging 2 s: nothing enqueued more than 4 s after it overtakes it.
    assert order.index("old") <= 5
    assert order.index("old") > 1  # but fresh LIVE work did go first at the start
    assert sorted(order) == sorted(["first", "old", *(f"l{i}" for i in range(8))])


@pytest.mark.anyio
async def test_cancelled_waiters_leave_the_queue_and_the_driver_role_moves_on() -> None:
    clock = FakeClock()
    limiter = LaneRateLimiter(1.0, clock)
    done: list[int] = []

    async def one(i: int) -> None:
        await limiter.acquire(Lane.PROPS)
        done.append(i)

    async with anyio.create_task_group() as tg:
        await limiter.acquire(Lane.PROPS)  # slot at t=0
        with anyio.CancelScope() as scope:
            async with anyio.create_task_group() as doomed:
                for i in range(5):
                    doomed.start_soon(one, i)  # the first of these becomes the driver
                await settle()
                assert limiter.statistics().waiting == 5
                scope.cancel()
        assert limiter.statistics().waiting == 0
        tg.start_soon(one, 99)
        await settle()
        clock.advance(1.0)
        await settle()
    assert done == [99]


@pytest.mark.anyio
async def test_defer_until_holds_every_lane() -> None:
    clock = FakeClock()
    limiter = LaneRateLimiter(100.0, clock)
    start = clock.monotonic()
    limiter.defer_until(start + 5.0)
    waited = await limiter.acquire(Lane.LIVE)
    assert waited == pytest.approx(5.0)
    assert clock.monotonic() - start == pytest.approx(5.0)


def test_invalid_rate() -> None:
    with pytest.raises(ValueError, match="rate_per_s"):
        LaneRateLimiter(0.0, FakeClock())

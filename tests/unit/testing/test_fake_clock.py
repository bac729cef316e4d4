"""``FakeClock(autojump=True)``: sleeps finish at once and in order, with any number of clocks
on one event loop."""

from __future__ import annotations

import asyncio

import pytest

from savantsdk.testing import FakeClock


def test_one_clock_wakes_in_deadline_order() -> None:
    async def main() -> list[tuple[str, float]]:
        clock = FakeClock(autojump=True)
        woke: list[tuple[str, float]] = []

        async def nap(name: str, s: float) -> None:
            await clock.sleep(s)
            woke.append((name, clock.monotonic()))

        await asyncio.gather(nap("late", 5.0), nap("early", 0.5), nap("mid", 2.0))
        return woke

    assert asyncio.run(asyncio.wait_for(main(), 10)) == [
        ("early", 1_000.5),
        ("mid", 1_002.0),
        ("late", 1_005.0),
    ]


def test_a_second_clock_while_the_first_helper_winds_down() -> None:
    # The hang this guards against: clock A's helper is still spinning (no sleeper left, not yet
    # idle long enough to end) when clock B starts sleeping.  With one helper per clock each
    # saw the other in the run queue, never found the loop idle, and spun forever.
    async def main() -> tuple[float, float]:
        a = FakeClock(autojump=True)
        await a.sleep(1.0)
        b = FakeClock(start=0.0, autojump=True)
        await b.sleep(0.5)
        await b.sleep(1.0)
        return a.monotonic(), b.monotonic()

    assert asyncio.run(asyncio.wait_for(main(), 10)) == (1_001.0, 1.5)


def test_clocks_sleeping_at_the_same_time() -> None:
    async def main() -> tuple[float, float]:
        a = FakeClock(autojump=True)
        b = FakeClock(start=0.0, autojump=True)
        await asyncio.gather(a.sleep(3.0), b.sleep(7.0), a.sleep(1.0))
        return a.monotonic(), b.monotonic()

    assert asyncio.run(asyncio.wait_for(main(), 10)) == (1_003.0, 7.0)


def test_cancelled_sleeper_does_not_hold_the_helper() -> None:
    async def main() -> float:
        clock = FakeClock(autojump=True)
        task = asyncio.create_task(clock.sleep(100.0))
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await clock.sleep(1.0)
        return clock.monotonic()

    assert asyncio.run(asyncio.wait_for(main(), 10)) == 1_001.0

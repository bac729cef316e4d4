"""Clocks: the real one, and a fake one for tests that must never sleep for real."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
import weakref
from collections.abc import Callable
from datetime import datetime

__all__ = ("FakeClock", "SimulatedWallClock", "SystemClock")


class SystemClock:
    """Real time: ``monotonic()`` for intervals, ``time()`` for wall-clock stamps."""

    __slots__ = ()

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class SimulatedWallClock:
    """Real monotonic time and sleeps, wall-clock stamps from ``now()`` (a simulated world's
    instant), so "is this day settled" and cache stamps agree with a fake season."""

    __slots__ = ("_now", "_real")

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now
        self._real = SystemClock()

    def monotonic(self) -> float:
        return self._real.monotonic()

    def time(self) -> float:
        return float(self._now().timestamp())

    async def sleep(self, seconds: float) -> None:
        await self._real.sleep(seconds)


# One autojump helper per event loop, shared by every autojump clock on it.  Two helpers on one
# loop would each see the other in the run queue, never find the loop idle, and spin forever
# (a test that made a second client while the first one's helper was winding down hung).
_JUMPERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Jumper] = (
    weakref.WeakKeyDictionary()
)


class _Jumper:
    """Watches one event loop; when nothing else has been runnable for a few iterations, moves
    each autojump clock that has sleepers to its earliest deadline.  Ends when no clock on the
    loop has a sleeper left."""

    __slots__ = ("clocks", "task")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.clocks: weakref.WeakSet[FakeClock] = weakref.WeakSet()
        self.task = loop.create_task(self._run(loop))

    async def _run(self, loop: asyncio.AbstractEventLoop) -> None:
        idle = 0
        while True:
            await asyncio.sleep(0)
            if loop._ready:  # type: ignore[attr-defined]  # asyncio's run queue: busy?
                idle = 0
                continue
            idle += 1
            if idle < 3:
                continue
            idle = 0
            waiting = [clock for clock in list(self.clocks) if clock._drop_cancelled()]
            if not waiting:
                if _JUMPERS.get(loop) is self:
                    del _JUMPERS[loop]
                return
            for clock in waiting:
                clock._jump_to_next()


class FakeClock:
    """A clock that only moves when told, or (``autojump=True``) when the loop is idle.

    Manual mode: ``sleep()`` blocks until ``advance()`` moves time past its deadline.

    Autojump mode: a helper task watches the event loop; once nothing else has been runnable
    for a few consecutive iterations, time jumps to the earliest sleeper's deadline and that
    sleeper wakes.  Code full of sleeps then runs instantly, wake-ups keep their order, and
    waits measured against the clock are exact (time never runs ahead of tasks that were
    already woken).  Works on the asyncio backend (the one savantsdk uses); any number of
    autojump clocks may share one loop (one helper serves them all).
    """

    __slots__ = ("__weakref__", "_autojump", "_heap", "_now", "_seq", "_wall_offset")

    def __init__(
        self, start: float = 1_000.0, *, wall_start: float = 1.7e9, autojump: bool = False
    ) -> None:
        self._now = start
        self._wall_offset = wall_start - start
        self._autojump = autojump
        self._heap: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def monotonic(self) -> float:
        return self._now

    def time(self) -> float:
        return self._now + self._wall_offset

    def advance(self, seconds: float) -> None:
        """Move time forward and wake every sleeper whose deadline has passed."""
        if seconds < 0:
            raise ValueError("time only moves forward")
        self._now += seconds
        self._wake_due()

    def _wake_due(self) -> None:
        while self._heap and self._heap[0][0] <= self._now:
            fut = heapq.heappop(self._heap)[2]
            if not fut.done():
                fut.set_result(None)

    def _drop_cancelled(self) -> bool:
        """Forget sleepers that were cancelled; True while a live one is left."""
        while self._heap and self._heap[0][2].done():
            heapq.heappop(self._heap)
        return bool(self._heap)

    def _jump_to_next(self) -> None:
        self._now = max(self._now, self._heap[0][0])
        self._wake_due()

    async def sleep(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        fut: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self._heap, (self._now + seconds, next(self._seq), fut))
        if self._autojump:
            jumper = _JUMPERS.get(loop)
            if jumper is None or jumper.task.done():
                # A test-only helper task; it ends by itself once no sleeper is left.
                jumper = _JUMPERS[loop] = _Jumper(loop)
            jumper.clocks.add(self)
        await fut

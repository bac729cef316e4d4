"""Clocks: the real one, and a fake one for tests that must never sleep for real."""

from __future__ import annotations

import heapq
import itertools
import time

import anyio

__all__ = ("FakeClock", "SystemClock")


class SystemClock:
    """Real time: ``monotonic()`` for intervals, ``time()`` for wall-clock stamps."""

    __slots__ = ()

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await anyio.sleep(max(0.0, seconds))


class FakeClock:
    """A clock that only moves when told, or (``autojump=True``) jumps to the next sleeper.

    Manual mode: ``sleep()`` blocks until ``advance()`` moves time past the deadline.
    Autojump mode: a sleeper lets every other ready task run first; the earliest deadline
    then becomes "now" and its sleeper returns, so code with sleeps runs instantly while
    keeping the order of wake-ups.
    """

    def __init__(
        self, start: float = 1_000.0, *, wall_start: float = 1.7e9, autojump: bool = False
    ):
        self._now = start
        self._wall_offset = wall_start - start
        self._autojump = autojump
        self._heap: list[tuple[float, int, anyio.Event]] = []
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
            _, _, event = heapq.heappop(self._heap)
            event.set()

    async def sleep(self, seconds: float) -> None:
        deadline = self._now + max(0.0, seconds)
        if deadline <= self._now and not self._autojump:
            await anyio.lowlevel.checkpoint()
            return
        event = anyio.Event()
        heapq.heappush(self._heap, (deadline, next(self._seq), event))
        if self._autojump:
            # Let every ready task run (and register its own sleep) before time jumps.
            for _ in range(8):
                await anyio.lowlevel.checkpoint()
            if not event.is_set() and self._heap and self._heap[0][2] is event:
                self._now = max(self._now, deadline)
                self._wake_due()
            while not event.is_set():
                # Someone earlier is due: let them run, then jump to the next deadline.
                await anyio.lowlevel.checkpoint()
                if self._heap and not event.is_set():
                    self._now = max(self._now, self._heap[0][0])
                    self._wake_due()
        await event.wait()

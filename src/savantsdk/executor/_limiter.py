"""The rate limiter seam and its in-process implementation (GCRA + priority lanes).

:class:`LaneRateLimiter` hands out *slots* at most ``rate_per_s`` per second, with no burst at
start (the first slot is "now", the second ``1/rate`` later).  It is the virtual-scheduling form
of GCRA: one number, the theoretical arrival time ``tat``, says when the next slot is free.

When a caller finds the limiter saturated it joins the queue of its :class:`Lane`.  One waiter
(the *driver*) sleeps on the injected clock until ``tat`` and then grants the slot to the best
waiter, chosen at grant time:

    effective lane = lane - floor(waited_s / aging_s);  smallest effective lane wins,
    ties go to the earliest enqueued.

So a higher lane is served first, and a waiter is never overtaken by anything enqueued more than
``lane * aging_s`` seconds after it (no starvation).  Wake-up lateness of the event loop is
absorbed (``tat`` advances by exactly one interval while the limiter stays busy), so the
long-run rate is the configured one and not a few percent less.

A later issue replaces this class with a Redis-coordinated one; the executor only needs the
:class:`RateLimiter` protocol.
"""

from __future__ import annotations

import collections
import math
from typing import Generic, Protocol, TypeVar

import anyio

from ..typing import Clock
from ._lanes import Lane

__all__ = ("LaneRateLimiter", "LimiterStatistics", "RateLimiter", "UnlimitedRateLimiter")

_LANES = tuple(Lane)
#: A driver that wakes late grants the slots that fell due meanwhile, up to this much lateness
#: (and at least one interval).  Bounds any window's count to rate * (window + this) + 1.
_CATCH_UP_S = 0.002


class LimiterStatistics:
    """Counters of a limiter (plain object; the executor copies them into its snapshot)."""

    __slots__ = ("granted", "waiting")

    def __init__(self, granted: int, waiting: int) -> None:
        self.granted: int = granted
        self.waiting: int = waiting

    def __repr__(self) -> str:
        return f"LimiterStatistics(granted={self.granted}, waiting={self.waiting})"


class RateLimiter(Protocol):
    """What the executor needs from a rate limiter."""

    async def acquire(self, lane: Lane) -> float:
        """Wait for one slot; return the seconds waited."""
        ...

    def defer_until(self, monotonic_deadline: float) -> None:
        """Grant no slot before ``monotonic_deadline`` (used by the source-wide pause)."""
        ...

    def statistics(self) -> LimiterStatistics: ...


class UnlimitedRateLimiter:
    """No rate limit (``RateLimit.rate_per_s=None``): every acquire returns at once."""

    __slots__ = ("_granted",)

    def __init__(self) -> None:
        self._granted = 0

    async def acquire(self, lane: Lane) -> float:
        self._granted += 1
        return 0.0

    def defer_until(self, monotonic_deadline: float) -> None:
        return None

    def statistics(self) -> LimiterStatistics:
        return LimiterStatistics(self._granted, 0)

    def __repr__(self) -> str:
        return "UnlimitedRateLimiter()"


class _QueuedWaiter(Protocol):
    event: anyio.Event

    @property
    def done(self) -> bool: ...


_W = TypeVar("_W", bound=_QueuedWaiter)


class DrivenQueue(Generic[_W]):
    """The driver election both lane limiters share (this one and the coordinated one).

    A queued waiter either *drives* (runs :meth:`_drive`, which hands out slots, maybe to
    itself) or waits for its event; when the driver leaves (served or cancelled) it wakes one
    queued waiter to take over.  Subclasses say what one drive step is, how a cancelled waiter
    leaves the queue and whom to wake next.
    """

    _driver: _W | None

    async def _drive(self) -> None:
        raise NotImplementedError

    def _abandon(self, waiter: _W) -> None:
        """Take a cancelled, not yet served ``waiter`` out of its queue."""
        raise NotImplementedError

    def _wake_next_driver(self) -> None:
        raise NotImplementedError

    async def _serve(self, me: _W) -> None:
        try:
            while not me.done:
                if self._driver is None:
                    self._driver = me
                if self._driver is me:
                    await self._drive()
                else:
                    await me.event.wait()
                    if not me.done:
                        me.event = anyio.Event()  # woken to take over driving
        except BaseException:
            self._abandon(me)
            raise
        finally:
            if self._driver is me:
                self._driver = None
                self._wake_next_driver()


class _Waiter:
    __slots__ = ("done", "enqueued", "event", "lane")

    def __init__(self, lane: Lane, enqueued: float) -> None:
        self.lane = lane
        self.enqueued = enqueued
        self.done = False  # granted
        self.event = anyio.Event()


class LaneRateLimiter(DrivenQueue[_Waiter]):
    """GCRA slot allocator with priority lanes above it, on an injectable clock."""

    def __init__(self, rate_per_s: float, clock: Clock, *, aging_s: float = 5.0) -> None:
        if not (rate_per_s > 0 and math.isfinite(rate_per_s)):
            raise ValueError("rate_per_s must be > 0")
        if not (aging_s > 0 and math.isfinite(aging_s)):
            raise ValueError("aging_s must be > 0")
        self._interval = 1.0 / rate_per_s
        # Late wake-ups of up to this much are caught up (slots granted back to back).
        self._catch_up = max(self._interval, _CATCH_UP_S)
        self._rate = rate_per_s
        self._clock = clock
        self._aging_s = aging_s
        self._tat = -math.inf
        self._queues: tuple[collections.deque[_Waiter], ...] = tuple(
            collections.deque() for _ in _LANES
        )
        self._waiting = 0
        self._driver: _Waiter | None = None
        self._granted = 0

    @property
    def rate_per_s(self) -> float:
        return self._rate

    def __repr__(self) -> str:
        return (
            f"LaneRateLimiter(rate_per_s={self._rate:g}, aging_s={self._aging_s:g}, "
            f"waiting={self._waiting})"
        )

    def statistics(self) -> LimiterStatistics:
        return LimiterStatistics(self._granted, self._waiting)

    def defer_until(self, monotonic_deadline: float) -> None:
        # The first slot after the pause is at the deadline; later ones follow at the rate.
        self._tat = max(self._tat, monotonic_deadline)

    def _take_slot(self, now: float) -> None:
        # Busy (now at most `catch_up` past tat): advance by exactly one interval, so event-loop
        # wake-up lateness does not lower the long-run rate.  Idle longer: restart from now
        # (no burst after an idle period).
        tat = self._tat
        self._tat = (tat if now - tat <= self._catch_up else now) + self._interval
        self._granted += 1

    async def acquire(self, lane: Lane) -> float:
        now = self._clock.monotonic()
        if not self._waiting and now >= self._tat:
            self._take_slot(now)
            return 0.0
        me = _Waiter(lane, now)
        self._queues[lane].append(me)
        self._waiting += 1
        await self._serve(me)
        return self._clock.monotonic() - me.enqueued

    async def _drive(self) -> None:
        """Sleep until the next slot, then grant it to the best waiter (maybe ourselves)."""
        while True:
            delay = self._tat - self._clock.monotonic()
            if delay <= 0:
                break
            await self._clock.sleep(delay)
        now = self._clock.monotonic()
        # Grant every slot that is due now (more than one when the loop woke us late).
        while self._waiting and self._tat <= now:
            best = self._pick(now)
            self._queues[best.lane].popleft()
            self._waiting -= 1
            best.done = True
            self._take_slot(now)
            best.event.set()

    def _pick(self, now: float) -> _Waiter:
        best: _Waiter | None = None
        best_rank: tuple[float, float] = (math.inf, math.inf)
        aging = self._aging_s
        for queue in self._queues:
            if queue:
                head = queue[0]
                rank = (head.lane - math.floor((now - head.enqueued) / aging), head.enqueued)
                if rank < best_rank:
                    best, best_rank = head, rank
        assert best is not None  # the driver itself is always queued
        return best

    def _abandon(self, waiter: _Waiter) -> None:
        if waiter.done:
            return
        queue = self._queues[waiter.lane]
        try:
            queue.remove(waiter)
        except ValueError:  # pragma: no cover - only granted waiters leave the queue
            return
        self._waiting -= 1

    def _wake_next_driver(self) -> None:
        if not self._waiting:
            return
        # Any queued waiter can drive; the one that will likely be served soonest is a fine pick.
        now = self._clock.monotonic()
        self._pick(now).event.set()

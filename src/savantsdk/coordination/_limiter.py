"""The fleet-wide rate limiter: priority lanes in each process, slots booked in the store.

:class:`CoordinatedRateLimiter` implements the executor's ``RateLimiter`` seam.  Two layers:

**In the store: GCRA with a horizon per lane.**  One number per source, the theoretical arrival
time ``tat`` on the store's clock (Redis ``TIME``), says when the next slot is free; booking a
slot returns its offset from the store's now and advances ``tat`` by ``1 / rate``.  After an
idle period ``tat`` restarts from now (no burst).  A caller of effective lane ``L`` may book only
while ``tat - now <= horizon[L]`` (defaults: LIVE 1 s, PROPS 0.25 s, HISTORICAL 0.05 s);
otherwise the store answers "retry in ``tat - now - horizon[L]``" without booking.  So low lanes
never hold more than their horizon of future slots, and a higher lane, allowed further ahead,
books the slots right after them.

**In each process: a local lane queue in front of the store.**  Callers queue by lane (same
aging rule as the local limiter: ``effective lane = lane - floor(waited / aging_s)``, so nothing
starves).  One queued caller, the *driver*, books for everyone: it sends the best
``max_batch`` waiters' horizons in one script call, hands the granted slots out in priority
order, and, when a horizon stopped the batch, sleeps until the store said to retry (a waiter of
a better lane arriving meanwhile wakes it at once).  Every caller then sleeps on its own until
its slot: the waits are the store's offsets added to this process's monotonic clock at the
midpoint of the round trip, so no wall clocks are compared.

**Bounds.**  The fleet never books more than one slot per interval of the store's clock, so any
window of ``w`` seconds on the store's clock holds at most ``rate * w + 1`` slots; what the
upstream sees adds the spread of the fleet's round-trip and wake-up delays (a few ms on one
host).  Across processes, a LIVE caller waits behind at most ``horizon[PROPS]`` (+ one
interval) of lower-lane slots, a PROPS caller behind at most ``horizon[HISTORICAL]``; within a
process the local queue orders them strictly.  Slots booked by a caller that is then cancelled
are wasted (never reused), which lowers throughput slightly but never exceeds the rate.

**Fallback.**  When the store is unreachable (or skipped during an incident) every caller goes
through a local :class:`~savantsdk.executor._limiter.LaneRateLimiter` at
``fallback_share * rate`` (with ``N`` workers, ``fallback_share = 1 / N`` keeps the fleet at
the limit), which starts after the last slot already booked in the store.  When the store
answers again, new callers book there; those already queued locally drain at the local pace.
"""

from __future__ import annotations

import collections
import heapq
import itertools
import math
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Final

import anyio

from ..exceptions import ConfigurationError, RateLimitedError, SavantError
from ..executor._lanes import Lane
from ..executor._limiter import (
    DrivenQueue,
    LaneRateLimiter,
    LimiterStatistics,
    RateLimiter,
    UnlimitedRateLimiter,
)
from ._store import Reservation, StoreUnavailableError

if TYPE_CHECKING:
    from ._breaker import ProbeClaim, SharedBreakerGate
    from ._core import Coordinator
    from ._shared import SourceShared

__all__ = ("CoordinatedRateLimiter",)

#: A driver stopped by a horizon polls the store again no sooner than this.
_MIN_POLL_S: Final = 0.002

_Rank = tuple[int, float]  # (effective lane, enqueued at)


class _Waiter:
    __slots__ = (
        "claim",
        "confirmed",
        "enqueued",
        "error",
        "event",
        "fallback",
        "lane",
        "queued",
        "slot_at",
    )

    def __init__(self, lane: Lane, enqueued: float, claim: ProbeClaim | None) -> None:
        self.lane = lane
        self.enqueued = enqueued
        self.claim = claim
        self.confirmed = False  # the store granted this waiter's probe claim
        self.event = anyio.Event()
        self.queued = False
        self.slot_at: float | None = None
        self.error: SavantError | None = None
        self.fallback = False

    @property
    def done(self) -> bool:
        return self.slot_at is not None or self.error is not None or self.fallback

    def reset(self) -> None:
        self.slot_at = None
        self.error = None
        self.fallback = False
        self.event = anyio.Event()


class CoordinatedRateLimiter(DrivenQueue[_Waiter]):
    """``RateLimiter`` sharing one source's rate across processes (see the module docstring).

    ``rate_per_s=None`` books nothing but still serves as the attempt's asynchronous step:
    it claims the breaker's probe and refreshes the shared state when it is older than the
    coordinator's ``sync_interval_s``.
    """

    def __init__(
        self,
        core: Coordinator,
        shared: SourceShared,
        gate: SharedBreakerGate | None,
        *,
        rate_per_s: float | None,
        aging_s: float = 5.0,
        max_retry_after_s: float = 60.0,
    ) -> None:
        raw: object = aging_s
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not 0 < raw < math.inf:
            raise ConfigurationError(
                f"lane_aging_s must be > 0, got {aging_s!r}", setting="lane_aging_s"
            )
        self._core = core
        self._shared = shared
        self._gate = gate
        self._clock = shared.clock
        self._source = shared.source
        self._rate = rate_per_s
        self._interval = 0.0 if rate_per_s is None else 1.0 / rate_per_s
        self._fallback: RateLimiter = (
            UnlimitedRateLimiter()
            if rate_per_s is None
            else LaneRateLimiter(rate_per_s * core.fallback_share, self._clock, aging_s=aging_s)
        )
        self._aging_s = float(aging_s)
        self._horizons = core.lane_horizons_s
        self._max_retry_after_s = max_retry_after_s
        self._queues: tuple[collections.deque[_Waiter], ...] = tuple(
            collections.deque() for _ in Lane
        )
        self._waiting = 0
        self._driver: _Waiter | None = None
        self._claimant: _Waiter | None = None
        self._arrival: anyio.Event | None = None
        self._retry_at = -math.inf
        self._refused_rank = math.inf
        self._booked_until = -math.inf
        self._granted = 0

    def __repr__(self) -> str:
        rate = "None" if self._rate is None else f"{self._rate:g}"
        return (
            f"CoordinatedRateLimiter(source={self._source!r}, rate_per_s={rate}, "
            f"waiting={self._waiting})"
        )

    @property
    def rate_per_s(self) -> float | None:
        return self._rate

    @property
    def fallback(self) -> RateLimiter:
        """The local limiter used while the store is unreachable."""
        return self._fallback

    # ------------------------------------------------------------------ RateLimiter

    def statistics(self) -> LimiterStatistics:
        return LimiterStatistics(self._granted, self._waiting + self._fallback.statistics().waiting)

    def defer_until(self, monotonic_deadline: float) -> None:
        # The store enforces the shared pause for bookings; the fallback needs it locally.
        self._fallback.defer_until(monotonic_deadline)

    async def acquire(self, lane: Lane) -> float:
        clock = self._clock
        start = clock.monotonic()
        gate = self._gate
        claim = gate.take_claim() if gate is not None else None
        if self._core.skipping():
            if claim is not None and gate is not None:
                gate.claim_result(claim, won=None)
            return await self._via_fallback(lane, start)
        if (
            self._interval == 0.0
            and claim is None
            and start - self._shared.synced_at < self._core.sync_interval_s
        ):
            self._granted += 1  # unlimited, and the mirror is fresh: nothing to ask
            return 0.0
        me = _Waiter(lane, start, claim)
        while True:
            self._enqueue(me)
            await self._serve(me)
            if me.error is not None:
                raise me.error
            if me.fallback:
                return await self._via_fallback(lane, start)
            assert me.slot_at is not None
            delay = me.slot_at - clock.monotonic()
            if delay > 0:
                await clock.sleep(delay)
            paused = self._shared.pause_until - clock.monotonic()
            if paused > 0:
                # A pause began after this slot was booked: wait it out, then book again
                # (the store places the next slots after the pause, at the rate).
                await clock.sleep(paused)
                me.reset()
                continue
            self._granted += 1
            return clock.monotonic() - start

    # ------------------------------------------------------------------ queue

    def _enqueue(self, me: _Waiter) -> None:
        me.queued = True
        self._queues[me.lane].append(me)
        self._waiting += 1
        if me.claim is not None:
            self._claimant = me
        if self._arrival is not None and (me.claim is not None or me.lane < self._refused_rank):
            self._arrival.set()  # may be admitted where the last batch was refused

    def _take(self, waiter: _Waiter) -> None:
        queue = self._queues[waiter.lane]
        if queue and queue[0] is waiter:
            queue.popleft()
        else:
            queue.remove(waiter)
        waiter.queued = False
        self._waiting -= 1
        if self._claimant is waiter:
            self._claimant = None

    def _rank(self, waiter: _Waiter, now: float) -> int:
        return max(0, waiter.lane - math.floor((now - waiter.enqueued) / self._aging_s))

    def _ordered(self, now: float, n: int) -> list[_Waiter]:
        """The first ``n`` queued waiters in service order (aged lane, then arrival)."""

        def ranked(
            queue: collections.deque[_Waiter],
        ) -> Iterator[tuple[tuple[int, float], _Waiter]]:
            for w in queue:  # within a lane, rank never decreases along the queue
                yield (self._rank(w, now), w.enqueued), w

        merged = heapq.merge(*(ranked(q) for q in self._queues if q), key=lambda t: t[0])
        return [w for _, w in itertools.islice(merged, n)]

    def _abandon(self, waiter: _Waiter) -> None:
        if waiter.queued:
            self._take(waiter)

    def _wake_next_driver(self) -> None:
        if self._waiting:
            self._ordered(self._clock.monotonic(), 1)[0].event.set()

    # ------------------------------------------------------------------ driving

    async def _drive(self) -> None:
        """One step of the driver: wait out a refusal, or book slots for the best waiters."""
        clock = self._clock
        wait = self._retry_at - clock.monotonic()
        if wait > 0:
            await self._sleep_or_arrival(wait)
            self._retry_at = -math.inf
            self._refused_rank = math.inf
            return
        core = self._core
        gate = self._gate
        sent = clock.monotonic()
        claimant = self._claimant if self._claimant is not None and self._claimant.queued else None
        batch = [claimant] if claimant is not None else self._ordered(sent, core.max_batch)
        claim = claimant.claim if claimant is not None else None
        horizons = [self._horizons[self._rank(w, sent)] for w in batch]
        core.counters.reservations += 1

        try:
            res: Reservation = await core.call(
                "reserve",
                lambda: core.store.reserve(
                    self._source,
                    interval_s=self._interval,
                    horizons_s=horizons,
                    probe_token=claim.token if claim is not None else None,
                    probe_ttl_s=gate.probe_ttl_s if gate is not None else 1.0,
                    obey_breaker=gate is not None,
                ),
            )
        except StoreUnavailableError:
            self._all_to_fallback()  # the claimant (still queued) becomes a local probe there
            return
        at = (sent + clock.monotonic()) / 2
        self._shared.apply(res.state, at)
        if claim is not None and gate is not None and claimant is not None:
            if not res.probe:
                claimant.claim = None  # lost (or no longer needed: closed meanwhile)
                self._claimant = None
                gate.claim_result(claim, won=False)
            elif not claimant.confirmed:
                claimant.confirmed = True  # keep the token until its slot is booked
                gate.claim_result(claim, won=True)
        if gate is not None and res.state.breaker != "closed" and not res.probe:
            core.counters.shared_open_rejections += self._waiting
            self._fail_queued(gate.open_error)
            return
        pause_left = res.state.pause_left_s or 0.0
        if pause_left > self._max_retry_after_s:
            self._fail_queued(lambda: self._pause_error(pause_left))
            return
        if res.granted:
            core.counters.redis_grants += res.granted
            now = clock.monotonic()
            takers = [claimant] if claimant is not None else self._ordered(now, res.granted)
            for i, waiter in enumerate(takers[: res.granted]):
                if not waiter.queued:
                    continue
                self._take(waiter)
                waiter.slot_at = at + res.first_s + i * self._interval
                waiter.event.set()
            self._booked_until = max(
                self._booked_until, at + res.first_s + (res.granted - 1) * self._interval
            )
        if res.granted < len(batch):
            core.counters.refusals += 1
            self._retry_at = at + max(res.retry_s, _MIN_POLL_S)
            self._refused_rank = self._rank(batch[res.granted], sent)

    async def _sleep_or_arrival(self, seconds: float) -> None:
        arrival = self._arrival = anyio.Event()
        clock = self._clock
        try:
            async with anyio.create_task_group() as tg:

                async def timer() -> None:
                    await clock.sleep(seconds)
                    tg.cancel_scope.cancel()

                tg.start_soon(timer)
                await arrival.wait()
                tg.cancel_scope.cancel()
        finally:
            self._arrival = None

    def _fail_queued(self, make_error: Callable[[], SavantError]) -> None:
        for queue in self._queues:
            while queue:
                waiter = queue[0]
                self._take(waiter)
                waiter.error = make_error()
                waiter.event.set()
        self._retry_at = -math.inf

    def _all_to_fallback(self) -> None:
        # No local slot before the last one already booked in the store.
        self._fallback.defer_until(self._booked_until)
        for queue in self._queues:
            while queue:
                waiter = queue[0]
                self._take(waiter)
                if waiter.claim is not None and self._gate is not None and not waiter.confirmed:
                    self._gate.claim_result(waiter.claim, won=None)  # a local probe now
                waiter.claim = None
                waiter.fallback = True
                waiter.event.set()
        self._retry_at = -math.inf

    async def _via_fallback(self, lane: Lane, start: float) -> float:
        await self._fallback.acquire(lane)
        self._core.counters.fallback_grants += 1
        self._granted += 1
        return self._clock.monotonic() - start

    def _pause_error(self, left: float) -> RateLimitedError:
        return RateLimitedError(
            f"source {self._source!r} is paused for another {left:.1f} s after a 429 seen by "
            f"the fleet, longer than RetryPolicy.max_retry_after_s={self._max_retry_after_s:g}",
            retry_after=left,
            source=self._source,
            status_code=429,
        )

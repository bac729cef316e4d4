"""The executor: every upstream call of one source goes through it."""

from __future__ import annotations

import contextvars
import functools
import logging
import math
import random
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

import anyio

from .._clock import SystemClock
from .._config import SourceSettings
from .._http import is_retryable
from ..exceptions import (
    CircuitOpenError,
    ConfigurationError,
    RateLimitedError,
    SavantError,
    SourceStatusError,
)
from ..typing import Clock, MetricsHook
from ._backoff import compute_backoff
from ._batch import BatchResult, Outcome
from ._breaker import BreakerGate, NullBreakerGate, Outcome3, PyBreakerGate
from ._coalesce import Coalescer
from ._lanes import Lane
from ._limiter import LaneRateLimiter, RateLimiter, UnlimitedRateLimiter
from ._loader import Loader
from ._metrics import ExecutorMetrics, MetricsRecorder
from ._pause import LocalPause, SourcePause
from ._slots import ConcurrencyController, ConcurrencySlots
from ._tasks import TaskSet

__all__ = ("Executor", "classify_outcome")

log = logging.getLogger("savantsdk")

T = TypeVar("T")
I = TypeVar("I")  # noqa: E741
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_SUCCESS = Outcome3.SUCCESS
_FAILURE = Outcome3.FAILURE
_NEUTRAL = Outcome3.NEUTRAL


def classify_outcome(exc: BaseException) -> Outcome3:
    """How an attempt that raised ``exc`` counts for the circuit breaker.

    - FAILURE: the upstream is unhealthy: connection errors, timeouts, 408/425, 5xx
      (everything :func:`~savantsdk._http.is_retryable` accepts, except 429).
    - SUCCESS: the upstream answered coherently with a client error (400, 401, 403, 404,
      quota): it is alive, and counting these would let bad input open the breaker.
    - NEUTRAL: 429 (handled by the source-wide pause), cancellation, decode errors, open
      breaker, and anything that is not a :class:`~savantsdk.exceptions.SavantError`.
    """
    if isinstance(exc, RateLimitedError) or not isinstance(exc, SavantError):
        return _NEUTRAL
    if is_retryable(exc):
        return _FAILURE
    if isinstance(exc, SourceStatusError):
        return _SUCCESS
    return _NEUTRAL


def _check_lane(lane: Lane | int) -> Lane:
    if type(lane) is Lane:
        return lane
    try:
        return Lane(lane)
    except ValueError:
        raise ConfigurationError(
            f"lane must be one of {[m.name for m in Lane]}, got {lane!r}", setting="lane"
        ) from None


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_int(name: str, value: object, lo: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < lo:
        raise ConfigurationError(f"{name} must be an int >= {lo}, got {value!r}", setting=name)
    return value


class _HeldSlot:
    """A slot held by a running attempt; ``lock`` (made on first use) orders its nested calls."""

    __slots__ = ("lock",)

    def __init__(self) -> None:
        self.lock: anyio.Lock | None = None


#: The executors whose concurrency slot the running code holds (see ``Executor._attempt``).
#: Tasks an attempt starts copy it, so a task group inside a mapped function borrows too.
_HELD_SLOTS: contextvars.ContextVar[dict[Executor, _HeldSlot] | None] = contextvars.ContextVar(
    "savantsdk_held_slots", default=None
)


class Executor:
    """Runs the upstream calls of one source: breaker, pause, lane-priority rate limit,
    bounded concurrency, retries with backoff, coalescing, batching and metrics.

    One executor per upstream source; it knows nothing about what the calls fetch.  Every
    *attempt* goes: breaker check (fail fast with :class:`CircuitOpenError`) -> source-wide
    pause -> rate limiter (by lane) -> concurrency slot -> ``fn()``.

    Errors: :class:`~savantsdk.exceptions.SavantError` subclasses that
    :func:`~savantsdk._http.is_retryable` accepts are retried per ``settings.retry``;
    everything else propagates at once.  Exceptions that are not ``SavantError`` (bugs in
    ``fn``, ``KeyError`` from a parser, ...) are never retried and propagate unchanged.
    """

    def __init__(
        self,
        settings: SourceSettings,
        *,
        clock: Clock | None = None,
        hooks: Sequence[MetricsHook] = (),
        lane_aging_s: float = 5.0,
        rate_limiter: RateLimiter | None = None,
        breaker: BreakerGate | None = None,
        pause: SourcePause | None = None,
        rand: Callable[[], float] = random.random,
        concurrency_controller: ConcurrencyController | None = None,
    ) -> None:
        if not isinstance(settings, SourceSettings):
            raise ConfigurationError(
                f"Executor needs SourceSettings, got {type(settings).__name__}",
                setting="settings",
            )
        rate = settings.rate_limit.rate_per_s
        concurrency = settings.rate_limit.concurrency
        _check_int("RateLimit.concurrency", concurrency, 1)
        if rate is not None and not (rate > 0 and math.isfinite(rate)):
            raise ConfigurationError(
                f"RateLimit.rate_per_s must be > 0 (or None), got {rate!r}",
                setting="RateLimit.rate_per_s",
            )
        if not _finite(lane_aging_s) or lane_aging_s <= 0:
            raise ConfigurationError(
                f"lane_aging_s must be > 0, got {lane_aging_s!r}", setting="lane_aging_s"
            )
        self.name: str = settings.name
        self._settings = settings
        self._retry = settings.retry
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._rand = rand
        self._m = MetricsRecorder(settings.name, hooks)
        self._limiter: RateLimiter
        if rate_limiter is not None:
            self._limiter = rate_limiter
        elif rate is None:
            self._limiter = UnlimitedRateLimiter()
        else:
            self._limiter = LaneRateLimiter(rate, self._clock, aging_s=lane_aging_s)
        # The unlimited limiter is skipped on the hot path (a custom one is always awaited).
        self._limited = not isinstance(self._limiter, UnlimitedRateLimiter)
        self._capacity = ConcurrencySlots(concurrency)
        # Adaptive concurrency (off by default): sees each attempt, resizes the slots.
        self._controller = concurrency_controller
        policy = settings.breaker
        self._breaker: BreakerGate
        if breaker is not None:
            self._breaker = breaker
        elif policy.enabled:
            self._breaker = PyBreakerGate(
                source=settings.name,
                fail_max=policy.fail_max,
                reset_timeout_s=policy.reset_timeout_s,
                success_threshold=policy.success_threshold,
                clock=self._clock,
                on_transition=self._on_transition,
            )
        else:
            self._breaker = NullBreakerGate()
        self._pause: SourcePause = pause if pause is not None else LocalPause(self._clock)
        self._tasks = TaskSet()
        self._coalescer = Coalescer(self._tasks)
        self._closed = False

    # ------------------------------------------------------------------ plumbing

    def __repr__(self) -> str:
        rl = self._settings.rate_limit
        return (
            f"Executor(source={self.name!r}, rate_per_s={rl.rate_per_s!r}, "
            f"concurrency={rl.concurrency}, breaker={self._breaker.state!r}"
            f"{', closed' if self._closed else ''})"
        )

    async def __aenter__(self) -> Executor:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    @property
    def settings(self) -> SourceSettings:
        return self._settings

    @property
    def capacity(self) -> ConcurrencySlots:
        """The concurrency slots (``statistics()`` shows borrowed and waiting)."""
        return self._capacity

    @property
    def rate_limiter(self) -> RateLimiter:
        return self._limiter

    def _check_open(self) -> None:
        if self._closed:
            raise SavantError(f"executor for {self.name!r} is closed")

    def _on_transition(self, old: str, new: str) -> None:
        level = logging.WARNING if new == "open" else logging.INFO
        log.log(level, "savantsdk %s circuit breaker: %s -> %s", self.name, old, new)
        self._m.event("executor.breaker_transition", from_state=old, to_state=new)

    # ------------------------------------------------------------------ one attempt

    async def _wait_pause(self) -> None:
        left = self._pause.remaining()
        cap = self._retry.max_retry_after_s
        if left > cap:
            raise RateLimitedError(
                f"source {self.name!r} is paused for another {left:.1f} s after a 429, "
                f"longer than RetryPolicy.max_retry_after_s={cap:g}",
                retry_after=left,
                source=self.name,
                status_code=429,
            )
        await self._pause.wait()

    async def _attempt(self, fn: Callable[[], Awaitable[T]], lane: Lane) -> T:
        m = self._m
        try:
            permit = self._breaker.acquire()
        except CircuitOpenError:
            m.circuit_open_rejections += 1
            raise
        outcome = _NEUTRAL
        error: BaseException | None = None
        try:
            if self._pause.remaining() > 0:
                await self._wait_pause()
            if self._limited:
                m.waits[lane].add(await self._limiter.acquire(lane))
            else:
                m.waits[lane].add(0.0)
            slots = self._capacity
            held = _HELD_SLOTS.get()
            caller = held.get(self) if held else None
            if caller is not None:
                # A nested call from inside one of this executor's own attempts (a mapped
                # function calling the same source): it runs in the caller's slot, one such
                # call at a time, instead of waiting for a slot its caller may be holding.
                lock = caller.lock
                if lock is None:
                    lock = caller.lock = anyio.Lock()
                await lock.acquire()
                release = lock.release
            else:
                if not slots.try_acquire():
                    await slots.acquire()
                release = slots.release
            mine = _HeldSlot()
            token = _HELD_SLOTS.set({**held, self: mine} if held else {self: mine})
            try:
                m.attempts += 1
                m.in_flight += 1
                clock = self._clock
                start = clock.monotonic()
                try:
                    result = await fn()
                except BaseException as exc:
                    if self._controller is not None:
                        slots.resize(self._controller.on_attempt(start, clock.monotonic(), exc))
                    raise
                finally:
                    m.in_flight -= 1
                    m.latency.add(clock.monotonic() - start)
                if self._controller is not None:
                    slots.resize(self._controller.on_attempt(start, clock.monotonic(), None))
            finally:
                _HELD_SLOTS.reset(token)
                release()
            outcome = _SUCCESS
            return result
        except Exception as exc:
            outcome = classify_outcome(exc)
            error = exc
            raise
        finally:
            self._breaker.release(permit, outcome, error)

    async def _run(self, fn: Callable[[], Awaitable[T]], lane: Lane) -> T:
        policy = self._retry
        m = self._m
        retry_number = 0
        while True:
            try:
                result = await self._attempt(fn, lane)
            except SavantError as exc:
                m.saw_error(exc, self._clock.time())
                retry_after: float | None = None
                if isinstance(exc, RateLimitedError):
                    m.rate_limited += 1
                    m.event("executor.rate_limited", lane=lane.name)
                    retry_after = exc.retry_after
                    if retry_after is not None and retry_after > 0:
                        self.pause(retry_after, reason="429 Retry-After")
                retry_number += 1
                delay = None
                if retry_number < policy.max_attempts and is_retryable(exc):
                    delay = compute_backoff(
                        retry_number, policy, retry_after=retry_after, rand=self._rand
                    )
                if delay is None:
                    m.failures += 1
                    raise
                m.retries += 1
                m.event("executor.retry", lane=lane.name, error=type(exc).__name__)
                log.debug(
                    "savantsdk %s: retry %d in %.3f s after %s",
                    self.name,
                    retry_number,
                    delay,
                    type(exc).__name__,
                )
                await self._clock.sleep(delay)
            except Exception:
                m.failures += 1
                raise
            else:
                m.last_success_at = self._clock.time()
                return result

    # ------------------------------------------------------------------ public API

    async def call(
        self,
        fn: Callable[[], Awaitable[T]],
        *,
        key: str | None = None,
        lane: Lane = Lane.PROPS,
    ) -> T:
        """Run ``fn()`` through the executor and return its result.

        ``key`` (a canonical request key) coalesces identical in-flight calls into one
        upstream call; a caller that is cancelled does not cancel it for the others.
        """
        self._check_open()
        if type(lane) is not Lane:
            lane = _check_lane(lane)
        self._m.requests += 1
        if key is None:
            return await self._run(fn, lane)
        return await self._coalescer.run(key, lambda: self._run(fn, lane), self._joined)

    def _joined(self) -> None:
        self._m.coalesced += 1

    async def map(
        self,
        fn: Callable[[I], Awaitable[T]],
        items: Iterable[I],
        *,
        key: Callable[[I], str | None] | None = None,
        lane: Lane = Lane.PROPS,
        batch_size: int = 50,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> BatchResult[I, T]:
        """``fn(item)`` for every item; exactly one :class:`Outcome` per item, in input order.

        Items are worked through as a sliding window of ``batch_size`` (a new item starts as
        soon as one finishes; the source's concurrency limit applies on top).  An item whose
        call raises an ``Exception`` gets it as its outcome; cancellation propagates and
        leaves nothing running.  ``on_progress(done, total)`` is called every ``batch_size``
        completed items and at the end.
        """
        self._check_open()
        _check_int("batch_size", batch_size, 1)
        lane = _check_lane(lane)
        item_list = tuple(items)
        total = len(item_list)
        outcomes: list[Outcome[T] | None] = [None] * total
        indices = iter(range(total))
        done = 0
        call = self.call

        async def worker() -> None:
            nonlocal done
            for i in indices:
                item = item_list[i]
                try:
                    k = key(item) if key is not None else None
                    value = await call(functools.partial(fn, item), key=k, lane=lane)
                except Exception as exc:  # noqa: BLE001 - partial failure is data
                    outcomes[i] = Outcome(error=exc)
                else:
                    outcomes[i] = Outcome(value=value)
                done += 1
                if on_progress is not None and (done % batch_size == 0 or done == total):
                    on_progress(done, total)

        if total:
            async with anyio.create_task_group() as tg:
                for _ in range(min(batch_size, total)):
                    tg.start_soon(worker)
        final: list[Outcome[T]] = []
        for o in outcomes:
            if o is None:  # pragma: no cover - would be a bug: every index is visited once
                raise AssertionError("map() lost an item")
            final.append(o)
        return BatchResult(items=item_list, outcomes=tuple(final))

    def loader(
        self,
        batch_fn: Callable[[Sequence[K]], Awaitable[Mapping[K, V]]],
        *,
        max_batch: int = 100,
        window_s: float = 0.1,
        lane: Lane = Lane.PROPS,
    ) -> Loader[K, V]:
        """A :class:`Loader` (DataLoader pattern) whose batches go through :meth:`call`."""
        _check_int("max_batch", max_batch, 1)
        if not _finite(window_s) or window_s < 0:
            raise ConfigurationError(
                f"window_s must be a finite number >= 0, got {window_s!r}", setting="window_s"
            )
        return Loader(
            self, batch_fn, max_batch=max_batch, window_s=float(window_s), lane=_check_lane(lane)
        )

    def pause(self, seconds: float, *, reason: str = "") -> None:
        """Send nothing from this source (any lane) for ``seconds``; pauses only extend."""
        if not _finite(seconds) or seconds < 0:
            raise ConfigurationError(
                f"pause seconds must be a finite number >= 0, got {seconds!r}", setting="seconds"
            )
        deadline = self._pause.pause(seconds)
        self._limiter.defer_until(deadline)
        self._m.pauses += 1
        self._m.event("executor.pause", reason=reason, seconds=f"{seconds:g}")
        log.info("savantsdk %s paused for %.1f s (%s)", self.name, seconds, reason or "manual")

    def metrics(self) -> ExecutorMetrics:
        """A frozen snapshot of this source's counters and quantiles."""
        return self._m.snapshot(
            breaker_state=self._breaker.state,
            breaker_transitions=self._breaker.transitions,
            paused_for_s=self._pause.remaining(),
            limiter_waiting=self._limiter.statistics().waiting,
        )

    def publish_metrics(self) -> ExecutorMetrics:
        """Take a snapshot and hand it to every hook's ``on_snapshot``; return it."""
        snap = self.metrics()
        for hook in self._m.hooks:
            try:
                hook.on_snapshot(self.name, snap)
            except Exception:
                log.exception("savantsdk metrics hook %r failed on_snapshot", hook)
        return snap

    async def aclose(self) -> None:
        """Cancel shared work still running (coalesced calls, loader batches); idempotent."""
        self._closed = True
        await self._tasks.aclose()

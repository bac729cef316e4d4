"""The coordination engine, independent of Redis: health, fallback, background writes, parts.

:class:`Coordinator` holds the policy; a :class:`~._store.CoordinationStore` performs the
atomic steps.  :class:`~._redis.RedisCoordination` is this class on a Redis store.

**Health.**  Every store call goes through :meth:`Coordinator.call`, bounded by a deadline.  A
failure (connection error, timeout, any Redis error) opens an *incident*: one WARNING, the
``fallback_active`` flag, and for ``retry_interval_s`` no store call at all (everyone runs on
local fallbacks without paying a timeout each).  After that one call probes the store; its
success closes the incident (one INFO line) and everything is shared again.

**Background writes.**  The executor reports breaker outcomes and pauses through synchronous
methods, and credit settlements happen in ``finally`` blocks; none of them may wait for Redis.
They are queued in an *outbox* drained by one background task (tracked, its errors logged,
flushed for a moment and then cancelled by :meth:`Coordinator.aclose`), in order.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import math
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Final, TypeGuard, TypeVar

import anyio
from redis.exceptions import RedisError

from .._clock import SystemClock
from .._closing import AsyncClosing
from ..exceptions import ConfigurationError
from ..executor._tasks import TaskSet
from ._adaptive import AdaptiveConcurrency, AimdController
from ._breaker import SharedBreakerGate
from ._credits import SharedCreditLedger
from ._limiter import CoordinatedRateLimiter
from ._metrics import CoordinationMetrics, Counters
from ._pause import SharedPause
from ._protocols import ExecutorParts
from ._shared import SourceShared
from ._store import CoordinationStore, StoreUnavailableError

if TYPE_CHECKING:
    from .._config import SourceSettings
    from ..typing import Clock, MetricsHook

__all__ = ("Coordinator", "StoreUnavailableError")

log = logging.getLogger("savantsdk")
T = TypeVar("T")

_FAILURES: Final = (RedisError, OSError, TimeoutError)
#: Default lane horizons (s): how far ahead of the store's clock LIVE, PROPS and HISTORICAL
#: callers may book slots.
DEFAULT_HORIZONS_S: Final = (1.0, 0.25, 0.05)


def _number(value: object) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _positive(name: str, value: object, *, hi: float = math.inf) -> float:
    if not _number(value) or not (0 < value <= hi):
        raise ConfigurationError(
            f"{name} must be a number in (0, {hi:g}], got {value!r}", setting=name
        )
    return float(value)


def _int_in(name: str, value: object, lo: int, hi: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        raise ConfigurationError(
            f"{name} must be an int in [{lo}, {hi}], got {value!r}", setting=name
        )
    return value


class Coordinator(AsyncClosing):
    """Fleet coordination on a store: shared rate limits with lanes, breaker, pause, credits.

    Use it as an async context manager (or call :meth:`aclose`); hand it to
    ``AsyncClient(coordination=...)``, which never closes it.  One coordinator serves one event
    loop.
    """

    def __init__(
        self,
        store: CoordinationStore,
        *,
        label: str = "store",
        clock: Clock | None = None,
        fallback_share: float = 0.25,
        timeout_s: float = 0.5,
        retry_interval_s: float = 1.0,
        lane_horizons_s: Sequence[float] = DEFAULT_HORIZONS_S,
        sync_interval_s: float = 0.1,
        max_batch: int = 64,
        credit_floor: float = 0.0,
        credit_reservation_ttl_s: float = 120.0,
        adaptive_concurrency: Mapping[str, AdaptiveConcurrency] | None = None,
    ) -> None:
        self._store = store
        self._label = label
        self._clock: Clock = clock if clock is not None else SystemClock()
        self.fallback_share: float = _positive("fallback_share", fallback_share, hi=1.0)
        self.timeout_s: float = _positive("timeout_s", timeout_s, hi=60.0)
        self.retry_interval_s: float = _positive("retry_interval_s", retry_interval_s, hi=3600.0)
        self.sync_interval_s: float = _positive("sync_interval_s", sync_interval_s, hi=60.0)
        raw: tuple[object, ...] = tuple(lane_horizons_s)
        horizons = [h for h in raw if _number(h) and 0 <= h < 3600]
        if len(raw) != 3 or len(horizons) != 3:
            raise ConfigurationError(
                "lane_horizons_s must be three numbers in [0, 3600) s (LIVE, PROPS, HISTORICAL), "
                f"got {lane_horizons_s!r}",
                setting="lane_horizons_s",
            )
        live, props, historical = (float(h) for h in horizons)
        if not live >= props >= historical:
            raise ConfigurationError(
                "lane_horizons_s must not increase from LIVE to HISTORICAL (a higher lane may "
                f"book at least as far ahead as a lower one), got {lane_horizons_s!r}",
                setting="lane_horizons_s",
            )
        self.lane_horizons_s: tuple[float, float, float] = (live, props, historical)
        self.max_batch: int = _int_in("max_batch", max_batch, 1, 10_000)
        if not _number(credit_floor) or credit_floor < 0:
            raise ConfigurationError(
                f"credit_floor must be a finite number >= 0, got {credit_floor!r}",
                setting="credit_floor",
            )
        self.credit_floor: float = float(credit_floor)
        self.credit_reservation_ttl_s: float = _positive(
            "credit_reservation_ttl_s", credit_reservation_ttl_s, hi=86_400.0
        )
        adaptive = dict(adaptive_concurrency or {})
        for name, policy in adaptive.items():
            if not isinstance(policy, AdaptiveConcurrency):
                raise ConfigurationError(
                    f"adaptive_concurrency[{name!r}] must be an AdaptiveConcurrency, "
                    f"got {type(policy).__name__}",
                    setting="adaptive_concurrency",
                )
        self._adaptive = adaptive
        self.counters: Counters = Counters()
        self._down_since: float | None = None
        self._skip_until = 0.0
        self._probing = False
        self._outbox: collections.deque[Callable[[], Awaitable[None]]] = collections.deque()
        self._drainer: asyncio.Task[None] | None = None
        self._tasks = TaskSet()
        self._closed = False  # no new work accepted
        self._store_closed = False

    # ------------------------------------------------------------------ plumbing

    @property
    def store(self) -> CoordinationStore:
        return self._store

    @property
    def clock(self) -> Clock:
        return self._clock

    @property
    def closed(self) -> bool:
        return self._closed

    def __repr__(self) -> str:
        state = "closed" if self._closed else ("fallback" if self._down_since else "ok")
        return f"<{type(self).__name__} {self._label} {state}>"

    async def aclose(self) -> None:
        """Flush queued background writes for up to ``timeout_s``, then stop and close the
        store (a Redis pool is closed only if this object created it).  Idempotent."""
        if self._closed:
            return
        self._closed = True
        drainer = self._drainer
        if drainer is not None and not drainer.done():
            await asyncio.wait([drainer], timeout=self.timeout_s)
        self._outbox.clear()
        await self._tasks.aclose()
        self._store_closed = True
        await self._store.aclose()

    # ------------------------------------------------------------------ health

    def usable(self) -> bool:
        """Whether the next store call is made (no incident open, or time for its probe)."""
        if self._down_since is None:
            return True
        return not self._probing and self._clock.monotonic() >= self._skip_until

    def skipping(self) -> bool:
        """Inside an incident's retry interval: no store call is made, use the fallbacks."""
        return self._down_since is not None and self._clock.monotonic() < self._skip_until

    @property
    def available(self) -> bool:
        return self._down_since is None

    async def call(self, op: str, fn: Callable[[], Awaitable[T]]) -> T:
        """One store call under the health policy; :class:`StoreUnavailableError` instead of
        the store's error (already counted and logged)."""
        if self._store_closed or not self.usable():
            self.counters.errors += 1
            raise StoreUnavailableError(op)
        probing = self._down_since is not None
        if probing:
            self._probing = True
        try:
            with anyio.fail_after(self.timeout_s * 2):
                result = await fn()
        except _FAILURES as exc:
            self._on_failure(exc, op)
            raise StoreUnavailableError(op) from exc
        finally:
            if probing:
                self._probing = False
        self._on_success()
        return result

    def _on_failure(self, exc: BaseException, op: str) -> None:
        self.counters.errors += 1
        now = self._clock.monotonic()
        self._skip_until = now + self.retry_interval_s
        if self._down_since is None:
            self._down_since = now
            self.counters.incidents += 1
            log.warning(
                "savantsdk coordination: %s unavailable during %s (%s); running on local "
                "fallbacks (rate limits at %g of their rate) until it answers again",
                self._label,
                op,
                type(exc).__name__,
                self.fallback_share,
            )

    def _on_success(self) -> None:
        if self._down_since is not None:
            log.info(
                "savantsdk coordination: %s is back after %.1f s; limits are shared again",
                self._label,
                self._clock.monotonic() - self._down_since,
            )
            self._down_since = None

    # ------------------------------------------------------------------ outbox

    def submit(self, job: Callable[[], Awaitable[None]]) -> None:
        """Queue a background write (from synchronous code running on the event loop)."""
        if self._closed:
            return
        self._outbox.append(job)
        if self._drainer is None:
            try:
                asyncio.get_running_loop()
            except RuntimeError:  # called outside the loop: nothing can send it
                self._outbox.clear()
                return
            self._drainer = self._tasks.spawn(self._drain())

    async def _drain(self) -> None:
        try:
            while self._outbox:
                job = self._outbox.popleft()
                try:
                    await job()
                except Exception:
                    log.exception("savantsdk coordination: a background write failed")
        finally:
            self._drainer = None

    # ------------------------------------------------------------------ parts

    def executor_parts(
        self,
        settings: SourceSettings,
        *,
        clock: Clock | None = None,
        hooks: Sequence[MetricsHook] = (),
        lane_aging_s: float = 5.0,
    ) -> ExecutorParts:
        """The shared limiter, breaker and pause for one source's executor (and its adaptive
        concurrency controller, when configured for that source)."""
        clock = clock if clock is not None else self._clock
        shared = SourceShared(settings.name, clock)
        policy = settings.breaker
        gate = (
            SharedBreakerGate(
                self,
                shared,
                fail_max=policy.fail_max,
                reset_timeout_s=policy.reset_timeout_s,
                success_threshold=policy.success_threshold,
                probe_ttl_s=settings.timeout.total_s + 1.0,
                hooks=hooks,
            )
            if policy.enabled
            else None
        )
        limiter = CoordinatedRateLimiter(
            self,
            shared,
            gate,
            rate_per_s=settings.rate_limit.rate_per_s,
            aging_s=lane_aging_s,
            max_retry_after_s=settings.retry.max_retry_after_s,
        )
        adaptive = self._adaptive.get(settings.name)
        controller = (
            AimdController(adaptive, max_limit=settings.rate_limit.concurrency, clock=clock)
            if adaptive is not None
            else None
        )
        return ExecutorParts(
            rate_limiter=limiter,
            breaker=gate,
            pause=SharedPause(self, shared),
            concurrency_controller=controller,
        )

    def credit_ledger(self, source: str) -> SharedCreditLedger:
        """The fleet's credit account of ``source`` (The Odds API: ``"odds_api"``)."""
        return SharedCreditLedger(self, source)

    # ------------------------------------------------------------------ metrics

    def metrics(self) -> CoordinationMetrics:
        c = self.counters
        reloads = getattr(self._store, "script_reloads", 0)
        return CoordinationMetrics(
            available=self._down_since is None,
            fallback_active=self._down_since is not None,
            incidents=c.incidents,
            errors=c.errors,
            reservations=c.reservations,
            redis_grants=c.redis_grants,
            fallback_grants=c.fallback_grants,
            refusals=c.refusals,
            probe_claims=c.probe_claims,
            probe_denials=c.probe_denials,
            shared_open_rejections=c.shared_open_rejections,
            shared_pauses=c.shared_pauses,
            credit_refusals=c.credit_refusals,
            credit_fail_open=c.credit_fail_open,
            script_reloads=int(reloads),
            outbox_pending=len(self._outbox),
        )

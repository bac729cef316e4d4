"""Per-source metrics: cheap counters and bounded reservoirs on the hot path, a frozen
snapshot (:class:`ExecutorMetrics`) on demand, and discrete events sent to hooks."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence

import attrs

from .._redact import redact
from ..exceptions import BadRequestError, CircuitOpenError, NotFoundError, SavantError
from ..typing import MetricsHook
from ._lanes import Lane

__all__ = ("ExecutorMetrics", "LaneWait", "Reservoir")

log = logging.getLogger("savantsdk")

_MAX_ERROR = 300


class Reservoir:
    """The last ``size`` samples in a ring buffer: O(1) to add, quantiles at snapshot time."""

    __slots__ = ("_buf", "_i", "_n", "_size", "count")

    def __init__(self, size: int = 2048) -> None:
        self._size = size
        self._buf = [0.0] * size
        self._i = 0
        self._n = 0
        self.count = 0

    def add(self, value: float) -> None:
        self._buf[self._i] = value
        self._i = (self._i + 1) % self._size
        if self._n < self._size:
            self._n += 1
        self.count += 1

    def quantile(self, q: float) -> float:
        """The nearest-rank ``q`` quantile of the retained samples (0.0 when empty)."""
        if not self._n:
            return 0.0
        data = sorted(self._buf[: self._n])
        rank = max(1, math.ceil(q * len(data)))
        return data[rank - 1]


@attrs.frozen(kw_only=True)
class LaneWait:
    """Rate-limiter wait of one lane, over the retained samples."""

    count: int
    p50_s: float
    p95_s: float


@attrs.frozen(kw_only=True)
class ExecutorMetrics:
    """A frozen snapshot of one source's executor.

    Latency and waits are quantiles over the most recent samples (a bounded reservoir);
    counters are totals since the executor was built.
    """

    source: str
    requests: int
    """``call()`` invocations (coalesced followers included)."""
    attempts: int
    """Upstream attempts (each went through breaker, limiter and concurrency slot)."""
    retries: int
    coalesced: int
    """Calls that shared another in-flight call instead of their own."""
    rate_limited: int
    """429 responses (:class:`~savantsdk.exceptions.RateLimitedError`) seen."""
    failures: int
    """Calls that ended with an error (after retries)."""
    circuit_open_rejections: int
    breaker_state: str
    breaker_transitions: int
    pauses: int
    paused_for_s: float
    """Seconds left of the current source-wide pause (0.0 when not paused)."""
    limiter_wait: Mapping[Lane, LaneWait]
    latency_p50_s: float
    latency_p95_s: float
    """Attempt latency (time inside the upstream callable)."""
    batch_calls: int
    batch_keys: int
    batch_efficiency: float
    """Loader keys per upstream batch call (0.0 before the first batch)."""
    in_flight: int
    """Attempts inside the upstream callable right now."""
    limiter_waiting: int
    """Calls queued in the rate limiter right now."""
    last_success_at: float | None = None
    """Wall-clock time (``clock.time()``) of the last call that returned a value."""
    last_error: str | None = None
    """``"ErrorClass: message"`` (redacted, truncated) of the last attempt that failed for a
    reason that says something about the source (retried or not; not 400/404, an open
    breaker or a bug)."""
    last_error_at: float | None = None
    """Wall-clock time of :attr:`last_error`."""


class MetricsRecorder:
    """Mutable counters behind :class:`ExecutorMetrics`; hooks get discrete events."""

    __slots__ = (
        "attempts",
        "batch_calls",
        "batch_keys",
        "circuit_open_rejections",
        "coalesced",
        "failures",
        "hooks",
        "in_flight",
        "last_error",
        "last_error_at",
        "last_success_at",
        "latency",
        "pauses",
        "rate_limited",
        "requests",
        "retries",
        "source",
        "waits",
    )

    def __init__(self, source: str, hooks: Sequence[MetricsHook]) -> None:
        self.source = source
        self.hooks = tuple(hooks)
        self.requests = 0
        self.attempts = 0
        self.retries = 0
        self.coalesced = 0
        self.rate_limited = 0
        self.failures = 0
        self.circuit_open_rejections = 0
        self.pauses = 0
        self.batch_calls = 0
        self.batch_keys = 0
        self.in_flight = 0
        self.latency = Reservoir()
        self.waits = tuple(Reservoir() for _ in Lane)
        self.last_success_at: float | None = None
        self.last_error: str | None = None
        self.last_error_at: float | None = None

    def saw_error(self, exc: BaseException, now: float) -> None:
        """Remember an attempt's error as the last error when it is about the source: not the
        caller's input (400, 404), a fail-fast open breaker or a non-SDK bug."""
        if not isinstance(exc, SavantError) or isinstance(
            exc, NotFoundError | BadRequestError | CircuitOpenError
        ):
            return
        text = f"{type(exc).__name__}: {redact(str(exc))}"
        self.last_error = text if len(text) <= _MAX_ERROR else text[: _MAX_ERROR - 3] + "..."
        self.last_error_at = now

    def event(self, name: str, **labels: str) -> None:
        """Send a discrete event to every hook; a failing hook is logged, never raised."""
        if not self.hooks:
            return
        clean = {"source": self.source, **{k: redact(v) for k, v in labels.items()}}
        for hook in self.hooks:
            try:
                hook.on_event(name, clean)
            except Exception:
                log.exception("savantsdk metrics hook %r failed on %s", hook, name)

    def snapshot(
        self,
        *,
        breaker_state: str,
        breaker_transitions: int,
        paused_for_s: float,
        limiter_waiting: int,
    ) -> ExecutorMetrics:
        return ExecutorMetrics(
            source=self.source,
            requests=self.requests,
            attempts=self.attempts,
            retries=self.retries,
            coalesced=self.coalesced,
            rate_limited=self.rate_limited,
            failures=self.failures,
            circuit_open_rejections=self.circuit_open_rejections,
            breaker_state=breaker_state,
            breaker_transitions=breaker_transitions,
            pauses=self.pauses,
            paused_for_s=paused_for_s,
            limiter_wait={
                lane: LaneWait(count=r.count, p50_s=r.quantile(0.5), p95_s=r.quantile(0.95))
                for lane, r in zip(Lane, self.waits, strict=True)
            },
            latency_p50_s=self.latency.quantile(0.5),
            latency_p95_s=self.latency.quantile(0.95),
            batch_calls=self.batch_calls,
            batch_keys=self.batch_keys,
            batch_efficiency=self.batch_keys / self.batch_calls if self.batch_calls else 0.0,
            in_flight=self.in_flight,
            limiter_waiting=limiter_waiting,
            last_success_at=self.last_success_at,
            last_error=self.last_error,
            last_error_at=self.last_error_at,
        )

"""Adaptive concurrency: AIMD of one source's in-flight limit, per process (off by default).

TCP's congestion rule applied to attempts: every success adds ``increase / limit`` (so about
``increase`` per round of ``limit`` attempts), every congestion signal multiplies the limit by
``decrease_factor``.  Signals: a 429 (:class:`~savantsdk.exceptions.RateLimitedError`), a timeout
(:class:`~savantsdk.exceptions.SourceTimeoutError`), or an attempt slower than
``latency_threshold_s``.  Only one cut per round: a signal from an attempt that started before
the last cut does not cut again (the attempts in flight at that moment all see the same
congestion).  The limit stays within ``[min_limit, RateLimit.concurrency]``; other errors and
cancellations leave it alone.

Enable it per source with ``RedisCoordination(url, adaptive_concurrency={"odds_api":
AdaptiveConcurrency()})``, or give an :class:`AimdController` to ``Executor(...,
concurrency=...)`` directly.  The executor applies the returned limit to its concurrency slots
(lowering it revokes no slot in flight; releases stop handing slots on until fewer are in use).
"""

from __future__ import annotations

import math
from typing import Any

import attrs

from ..exceptions import ConfigurationError, RateLimitedError, SourceTimeoutError
from ..typing import Clock

__all__ = ("AdaptiveConcurrency", "AimdController")


def _check(lo: float, hi: float, *, lo_open: bool = False, optional: bool = False) -> Any:
    def check(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and optional:
            return
        ok = (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(value)
            and (value > lo if lo_open else value >= lo)
            and value <= hi
        )
        if not ok:
            bracket = "(" if lo_open else "["
            raise ConfigurationError(
                f"AdaptiveConcurrency.{attribute.name} must be in {bracket}{lo:g}, {hi:g}]"
                f"{' or None' if optional else ''}, got {value!r}",
                setting=f"AdaptiveConcurrency.{attribute.name}",
            )

    return check


@attrs.frozen(kw_only=True)
class AdaptiveConcurrency:
    """AIMD settings for one source's concurrency (see the module docstring)."""

    min_limit: int = attrs.field(default=1, validator=_check(1, 10_000))
    initial_limit: int | None = attrs.field(
        default=None, validator=_check(1, 10_000, optional=True)
    )
    """Where to start (``None``: the configured ``RateLimit.concurrency``)."""
    increase: float = attrs.field(default=1.0, validator=_check(0, 1000, lo_open=True))
    decrease_factor: float = attrs.field(default=0.5, validator=_check(0, 1, lo_open=True))
    latency_threshold_s: float | None = attrs.field(
        default=None, validator=_check(0, 3600, lo_open=True, optional=True)
    )
    """An attempt slower than this counts as congestion (``None``: latency is ignored)."""

    def __attrs_post_init__(self) -> None:
        if isinstance(self.min_limit, float) or isinstance(self.initial_limit, float):
            raise ConfigurationError(
                "AdaptiveConcurrency.min_limit and initial_limit must be ints",
                setting="AdaptiveConcurrency.min_limit",
            )
        if self.decrease_factor >= 1:
            raise ConfigurationError(
                "AdaptiveConcurrency.decrease_factor must be < 1",
                setting="AdaptiveConcurrency.decrease_factor",
            )


class AimdController:
    """The executor's ``ConcurrencyController``: AIMD between ``min_limit`` and ``max_limit``."""

    __slots__ = ("_last_cut", "_limit", "_max", "_min", "_policy", "cuts")

    def __init__(
        self, policy: AdaptiveConcurrency, *, max_limit: int, clock: Clock | None = None
    ) -> None:
        del clock  # attempts carry their own timestamps (from the executor's clock)
        self._policy = policy
        self._max = max(1, max_limit)
        self._min = min(policy.min_limit, self._max)
        start = policy.initial_limit if policy.initial_limit is not None else self._max
        self._limit = float(min(self._max, max(self._min, start)))
        self._last_cut = -math.inf
        self.cuts: int = 0

    def __repr__(self) -> str:
        return f"AimdController(limit={self.limit}, min={self._min}, max={self._max})"

    @property
    def limit(self) -> int:
        return max(self._min, min(self._max, math.floor(self._limit)))

    def on_attempt(self, start: float, end: float, error: BaseException | None) -> int:
        """Feed one finished attempt (monotonic ``start``/``end``); return the new limit."""
        policy = self._policy
        slow = policy.latency_threshold_s is not None and end - start > policy.latency_threshold_s
        if isinstance(error, RateLimitedError | SourceTimeoutError) or (error is None and slow):
            if start >= self._last_cut:
                self._limit = max(float(self._min), self._limit * policy.decrease_factor)
                self._last_cut = end
                self.cuts += 1
        elif error is None:
            self._limit = min(float(self._max), self._limit + policy.increase / self._limit)
        return self.limit

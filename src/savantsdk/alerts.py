"""Alerts: user-set thresholds evaluated from metric snapshots, once per incident.

::

    from savantsdk.alerts import (
        AlertMonitor, BreakerOpen, CacheHitRateBelow, LatencyP95Above, OddsApiCreditsBelow,
    )

    monitor = AlertMonitor(
        client,
        [
            CacheHitRateBelow(0.5, recover_at=0.6),
            LatencyP95Above(2.0, source="savant"),
            BreakerOpen(),
            OddsApiCreditsBelow(500),
        ],
        hook=lambda alert: log.warning("%s", alert.message),
    )
    monitor.check()                          # on demand: the transitions it produced
    async with anyio.create_task_group() as tg:
        tg.start_soon(monitor.run)           # or every interval_s, until cancelled

Each rule reads an :class:`AlertSnapshot` (and the previous one, for windowed rates) and
returns one :class:`Reading` per subject (a source, a cache layer): the condition holds, has
cleared, or no decision (no data, or inside the hysteresis band between ``threshold`` and
``recover_at``).  The monitor keeps one incident per rule and subject: the hook is called
once when it starts firing (after the condition held for ``for_s``) and once when it
resolves; never again while the condition persists.
"""

from __future__ import annotations

import enum
import logging
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final, Protocol, runtime_checkable

import attrs

from ._clock import SystemClock
from .cache import CacheStats
from .exceptions import ConfigurationError
from .executor import ExecutorMetrics

if TYPE_CHECKING:
    from . import AsyncClient
    from .typing import Clock

__all__ = (
    "Alert",
    "AlertMonitor",
    "AlertRule",
    "AlertSnapshot",
    "AlertState",
    "BreakerOpen",
    "CacheHitRateBelow",
    "LatencyP95Above",
    "OddsApiCreditsBelow",
    "Reading",
)

log: logging.Logger = logging.getLogger("savantsdk")

_DEFAULT_INTERVAL_S: Final = 30.0


class AlertState(enum.StrEnum):
    """Whether an alert rule is ``firing`` or has ``resolved`` (what a hook receives)."""

    FIRING = "firing"
    RESOLVED = "resolved"


@attrs.frozen(kw_only=True)
class AlertSnapshot:
    """What the rules read: executor snapshots by source, cache stats by layer, and The Odds
    API credits left (None until a response carried the quota headers).  ``at``: wall time."""

    at: float
    executors: Mapping[str, ExecutorMetrics] = attrs.field(factory=dict)
    cache: Mapping[str, CacheStats] = attrs.field(factory=dict)
    odds_api_credits: float | None = None

    @classmethod
    def of(cls, client: AsyncClient) -> AlertSnapshot:
        """The snapshot of a client now (no I/O)."""
        cache = client.cache
        quota = client.odds_api.quota
        return cls(
            at=client.clock.time(),
            executors=client.metrics(),
            cache={} if cache is None else cache.stats(),
            odds_api_credits=None if quota is None else quota.remaining,
        )


@attrs.frozen
class Reading:
    """One rule's verdict on one subject: ``breached`` True (the condition holds), False
    (cleared) or None (no decision: no data, or inside the hysteresis band)."""

    subject: str | None
    value: float | None
    breached: bool | None


@runtime_checkable
class AlertRule(Protocol):
    """A threshold.  ``evaluate`` must be pure: the monitor keeps the incident state."""

    @property
    def name(self) -> str: ...

    @property
    def for_s(self) -> float: ...

    @property
    def threshold(self) -> float | None: ...

    def evaluate(
        self, previous: AlertSnapshot | None, current: AlertSnapshot
    ) -> Iterable[Reading]: ...

    def describe(self, reading: Reading) -> str: ...


@attrs.frozen(kw_only=True)
class Alert:
    """One transition of an incident, handed to the hook.  ``started_at``: when it began
    firing; ``at``: this transition (equal for ``firing``)."""

    rule: str
    subject: str | None
    state: AlertState
    value: float | None
    threshold: float | None
    message: str
    started_at: datetime
    at: datetime

    @property
    def key(self) -> str:
        return self.rule if self.subject is None else f"{self.rule}:{self.subject}"

    @property
    def duration_s(self) -> float:
        return (self.at - self.started_at).total_seconds()


# -- validation helpers ----------------------------------------------------------------------


def _number(name: str, lo: float = -math.inf, hi: float = math.inf) -> Callable[..., None]:
    def check(_: object, attribute: attrs.Attribute[object], value: object) -> None:
        if value is None and attribute.default is None:
            return
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not lo <= value <= hi
        ):
            raise ConfigurationError(
                f"{name}.{attribute.name} must be a number in [{lo:g}, {hi:g}], got {value!r}",
                setting=f"{name}.{attribute.name}",
            )

    return check


def _band(value: float, threshold: float, recover: float, *, above: bool) -> bool | None:
    """True beyond the threshold, False back past ``recover``, None in between."""
    if above:
        if value > threshold:
            return True
        return False if value <= recover else None
    if value < threshold:
        return True
    return False if value >= recover else None


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4g}"


def _check_recovery(
    rule: object,
    recover: float | None,
    threshold: float,
    *,
    falling: bool,
    names: tuple[str, str] = ("recover_at", "threshold"),
) -> None:
    """The hysteresis check of every built-in rule: a rule firing below its threshold recovers
    at or above it (``falling``), one firing above recovers at or below it."""
    if recover is None or not (recover < threshold if falling else recover > threshold):
        return
    setting, limit = names
    raise ConfigurationError(
        f"{type(rule).__name__}.{setting} must be {'>=' if falling else '<='} {limit}",
        setting=setting,
    )


# -- built-in rules --------------------------------------------------------------------------


@attrs.frozen
class CacheHitRateBelow:
    """The cache's hit rate since the previous check is below ``threshold`` (0..1).

    Windows with fewer than ``min_lookups`` lookups decide nothing.  ``recover_at`` (default
    ``threshold``) is the rate the window must reach again to resolve.  ``layer``: the
    :meth:`Cache.stats` layer (``policy`` counts the typed front's lookups).
    """

    threshold: float = attrs.field(validator=_number("CacheHitRateBelow", 0, 1))
    recover_at: float | None = attrs.field(
        kw_only=True, default=None, validator=_number("CacheHitRateBelow", 0, 1)
    )
    min_lookups: int = attrs.field(
        kw_only=True, default=100, validator=_number("CacheHitRateBelow", 1)
    )
    layer: str = attrs.field(kw_only=True, default="policy")
    for_s: float = attrs.field(kw_only=True, default=0.0, validator=_number("CacheHitRateBelow", 0))
    name: str = attrs.field(kw_only=True, default="cache_hit_rate_below")

    def __attrs_post_init__(self) -> None:
        _check_recovery(self, self.recover_at, self.threshold, falling=True)

    def evaluate(self, previous: AlertSnapshot | None, current: AlertSnapshot) -> list[Reading]:
        cur = current.cache.get(self.layer)
        if cur is None:
            return []
        served, missed = cur.hits + cur.stale_serves, cur.misses
        old = None if previous is None else previous.cache.get(self.layer)
        if old is not None:
            d_served = served - (old.hits + old.stale_serves)
            d_missed = missed - old.misses
            if d_served >= 0 and d_missed >= 0:  # else the counters restarted: use totals
                served, missed = d_served, d_missed
        lookups = served + missed
        if lookups < self.min_lookups:
            return [Reading(self.layer, None, None)]
        rate = served / lookups
        recover = self.threshold if self.recover_at is None else self.recover_at
        return [Reading(self.layer, rate, _band(rate, self.threshold, recover, above=False))]

    def describe(self, reading: Reading) -> str:
        return (
            f"cache hit rate ({reading.subject}) {_fmt(reading.value)} below {self.threshold:.4g}"
        )


@attrs.frozen
class LatencyP95Above:
    """A source's p95 attempt latency (its last 2048 attempts) is above ``threshold_s``.

    ``source``: one source, or None for every source (one incident each).  A source with
    fewer than ``min_attempts`` attempts, or none since the previous check, decides nothing.
    ``recover_at_s`` (default ``threshold_s``) is the p95 it must fall to again to resolve.
    """

    threshold_s: float = attrs.field(validator=_number("LatencyP95Above", 0))
    source: str | None = attrs.field(kw_only=True, default=None)
    recover_at_s: float | None = attrs.field(
        kw_only=True, default=None, validator=_number("LatencyP95Above", 0)
    )
    min_attempts: int = attrs.field(
        kw_only=True, default=20, validator=_number("LatencyP95Above", 1)
    )
    for_s: float = attrs.field(kw_only=True, default=0.0, validator=_number("LatencyP95Above", 0))
    name: str = attrs.field(kw_only=True, default="latency_p95_above")

    def __attrs_post_init__(self) -> None:
        _check_recovery(
            self,
            self.recover_at_s,
            self.threshold_s,
            falling=False,
            names=("recover_at_s", "threshold_s"),
        )

    @property
    def threshold(self) -> float:
        return self.threshold_s

    def evaluate(self, previous: AlertSnapshot | None, current: AlertSnapshot) -> list[Reading]:
        out: list[Reading] = []
        recover = self.threshold_s if self.recover_at_s is None else self.recover_at_s
        for name, snap in sorted(current.executors.items()):
            if self.source is not None and name != self.source:
                continue
            old = None if previous is None else previous.executors.get(name)
            fresh = old is None or snap.attempts != old.attempts
            if snap.attempts < self.min_attempts or not fresh:
                out.append(Reading(name, snap.latency_p95_s, None))
                continue
            p95 = snap.latency_p95_s
            out.append(Reading(name, p95, _band(p95, self.threshold_s, recover, above=True)))
        return out

    def describe(self, reading: Reading) -> str:
        return (
            f"{reading.subject} p95 latency {_fmt(reading.value)} s above {self.threshold_s:.4g} s"
        )


@attrs.frozen
class BreakerOpen:
    """A source's circuit breaker is not closed (open, or half-open while it probes): one
    incident from opening until it closes again.  ``source``: one, or None for every one."""

    source: str | None = attrs.field(kw_only=True, default=None)
    for_s: float = attrs.field(kw_only=True, default=0.0, validator=_number("BreakerOpen", 0))
    name: str = attrs.field(kw_only=True, default="breaker_open")

    @property
    def threshold(self) -> float | None:
        return None

    def evaluate(self, previous: AlertSnapshot | None, current: AlertSnapshot) -> list[Reading]:
        return [
            Reading(
                name,
                0.0 if snap.breaker_state == "closed" else 1.0,
                snap.breaker_state != "closed",
            )
            for name, snap in sorted(current.executors.items())
            if self.source is None or name == self.source
        ]

    def describe(self, reading: Reading) -> str:
        return f"{reading.subject} circuit breaker open"


@attrs.frozen
class OddsApiCreditsBelow:
    """The Odds API credits left (its last ``x-requests-remaining``) are below ``threshold``.
    ``recover_at`` (default ``threshold``): credits needed to resolve (a plan renewal)."""

    threshold: float = attrs.field(validator=_number("OddsApiCreditsBelow", 0))
    recover_at: float | None = attrs.field(
        kw_only=True, default=None, validator=_number("OddsApiCreditsBelow", 0)
    )
    for_s: float = attrs.field(
        kw_only=True, default=0.0, validator=_number("OddsApiCreditsBelow", 0)
    )
    name: str = attrs.field(kw_only=True, default="odds_api_credits_below")

    def __attrs_post_init__(self) -> None:
        _check_recovery(self, self.recover_at, self.threshold, falling=True)

    def evaluate(self, previous: AlertSnapshot | None, current: AlertSnapshot) -> list[Reading]:
        left = current.odds_api_credits
        if left is None:
            return [Reading("odds_api", None, None)]
        recover = self.threshold if self.recover_at is None else self.recover_at
        return [Reading("odds_api", left, _band(left, self.threshold, recover, above=False))]

    def describe(self, reading: Reading) -> str:
        return f"The Odds API credits left {_fmt(reading.value)} below {self.threshold:.4g}"


# -- the monitor -----------------------------------------------------------------------------


@attrs.define
class _Incident:
    pending_since: float | None = None
    firing: Alert | None = None


class AlertMonitor:
    """Evaluates ``rules`` on snapshots of ``client`` (or of any callable returning an
    :class:`AlertSnapshot`) and calls ``hook(alert)`` once per incident and once on recovery.

    ``check()`` evaluates now; ``await run()`` checks every ``interval_s`` on ``clock`` until
    cancelled (start it in your task group).  A hook that raises is logged and never stops
    the monitor.  For an async notifier, have the hook send to an anyio memory stream that a
    task of yours drains.
    """

    def __init__(
        self,
        client: AsyncClient | Callable[[], AlertSnapshot],
        rules: Sequence[AlertRule],
        hook: Callable[[Alert], object],
        *,
        clock: Clock | None = None,
        interval_s: float = _DEFAULT_INTERVAL_S,
    ) -> None:
        from . import AsyncClient

        if isinstance(client, AsyncClient):
            bound = client
            self._snapshot: Callable[[], AlertSnapshot] = lambda: AlertSnapshot.of(bound)
            default_clock: Clock = client.clock
        elif callable(client):
            self._snapshot = client
            default_clock = SystemClock()
        else:
            raise ConfigurationError(
                f"AlertMonitor needs an AsyncClient or a snapshot callable, got "
                f"{type(client).__name__}",
                setting="client",
            )
        rules = tuple(rules)
        for rule in rules:
            if not isinstance(rule, AlertRule):
                raise ConfigurationError(
                    f"{rule!r} is not an AlertRule (name, for_s, threshold, evaluate, describe)",
                    setting="rules",
                )
        raw: object = interval_s
        if not (isinstance(raw, int | float) and 0 < raw < math.inf):
            raise ConfigurationError(
                f"interval_s must be > 0, got {interval_s!r}", setting="interval_s"
            )
        self._rules = rules
        self._hook = hook
        self._clock: Clock = clock if clock is not None else default_clock
        self._interval_s = float(interval_s)
        self._previous: AlertSnapshot | None = None
        # by rule position: two rules of one kind (a warning and a critical threshold) are
        # separate incidents even with the same name and subject
        self._incidents: dict[tuple[int, str | None], _Incident] = {}

    def __repr__(self) -> str:
        return f"<AlertMonitor rules={[r.name for r in self._rules]} firing={len(self.active)}>"

    @property
    def rules(self) -> tuple[AlertRule, ...]:
        return self._rules

    @property
    def active(self) -> tuple[Alert, ...]:
        """The incidents firing now."""
        return tuple(i.firing for i in self._incidents.values() if i.firing is not None)

    def check(self) -> list[Alert]:
        """Evaluate every rule on a fresh snapshot; call the hook for each transition and
        return the transitions (firing or resolved) in rule order."""
        current = self._snapshot()
        now_mono = self._clock.monotonic()
        now = datetime.fromtimestamp(self._clock.time(), tz=UTC)
        transitions: list[Alert] = []
        for index, rule in enumerate(self._rules):
            try:
                readings = list(rule.evaluate(self._previous, current))
            except Exception:
                log.exception("savantsdk alerts: rule %s failed", rule.name)
                continue
            for reading in readings:
                alert = self._step(index, rule, reading, now_mono, now)
                if alert is not None:
                    transitions.append(alert)
        self._previous = current
        for alert in transitions:
            try:
                self._hook(alert)
            except Exception:
                log.exception("savantsdk alerts: hook failed on %s", alert.key)
        return transitions

    def _step(
        self, index: int, rule: AlertRule, reading: Reading, now_mono: float, now: datetime
    ) -> Alert | None:
        incident = self._incidents.setdefault((index, reading.subject), _Incident())
        if reading.breached is None:
            return None
        if not reading.breached:
            incident.pending_since = None
            firing, incident.firing = incident.firing, None
            if firing is None:
                return None
            return attrs.evolve(
                firing,
                state=AlertState.RESOLVED,
                value=reading.value,
                message=f"resolved: {rule.describe(reading)}",
                at=now,
            )
        if incident.firing is not None:
            return None  # still firing: once per incident
        if incident.pending_since is None:
            incident.pending_since = now_mono
        if now_mono - incident.pending_since < rule.for_s:
            return None
        incident.firing = Alert(
            rule=rule.name,
            subject=reading.subject,
            state=AlertState.FIRING,
            value=reading.value,
            threshold=rule.threshold,
            message=rule.describe(reading),
            started_at=now,
            at=now,
        )
        return incident.firing

    async def run(self, *, interval_s: float | None = None) -> None:
        """``check()`` now and then every ``interval_s`` (the monitor's default) until
        cancelled."""
        every = self._interval_s if interval_s is None else float(interval_s)
        if not 0 < every < math.inf:
            raise ConfigurationError(f"interval_s must be > 0, got {every!r}", setting="interval_s")
        while True:
            self.check()
            await self._clock.sleep(every)

"""``savantsdk.alerts``: thresholds on fake snapshots and a fake clock; hysteresis."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import anyio
import attrs
import pytest

from savantsdk import AsyncClient, ConfigurationError, Lane
from savantsdk._clock import FakeClock
from savantsdk.alerts import (
    Alert,
    AlertMonitor,
    AlertSnapshot,
    AlertState,
    BreakerOpen,
    CacheHitRateBelow,
    LatencyP95Above,
    OddsApiCreditsBelow,
    Reading,
)
from savantsdk.cache import CacheStats
from savantsdk.executor import ExecutorMetrics, LaneWait


def ex(source: str, **fields: Any) -> ExecutorMetrics:
    base: dict[str, Any] = {
        "source": source,
        "requests": 0,
        "attempts": 0,
        "retries": 0,
        "coalesced": 0,
        "rate_limited": 0,
        "failures": 0,
        "circuit_open_rejections": 0,
        "breaker_state": "closed",
        "breaker_transitions": 0,
        "pauses": 0,
        "paused_for_s": 0.0,
        "limiter_wait": {lane: LaneWait(count=0, p50_s=0.0, p95_s=0.0) for lane in Lane},
        "latency_p50_s": 0.0,
        "latency_p95_s": 0.0,
        "batch_calls": 0,
        "batch_keys": 0,
        "batch_efficiency": 0.0,
        "in_flight": 0,
        "limiter_waiting": 0,
    }
    base.update(fields)
    return ExecutorMetrics(**base)


class Feed:
    """A snapshot callable fed by the test; the monitor's clock stamps the checks."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.executors: dict[str, ExecutorMetrics] = {}
        self.cache: dict[str, CacheStats] = {}
        self.credits: float | None = None
        self.calls = 0

    def __call__(self) -> AlertSnapshot:
        self.calls += 1
        return AlertSnapshot(
            at=self.clock.time(),
            executors=dict(self.executors),
            cache=dict(self.cache),
            odds_api_credits=self.credits,
        )


def monitor_for(
    rules: list[Any], clock: FakeClock | None = None
) -> tuple[AlertMonitor, Feed, list[Alert]]:
    clock = clock or FakeClock()
    feed = Feed(clock)
    got: list[Alert] = []
    return AlertMonitor(feed, rules, got.append, clock=clock), feed, got


def test_latency_fires_once_and_resolves_once_across_the_band() -> None:
    rule = LatencyP95Above(2.0, recover_at_s=1.5, min_attempts=10)
    monitor, feed, got = monitor_for([rule])
    states: list[list[tuple[str, AlertState]]] = []
    for i, p95 in enumerate([0.5, 2.5, 3.0, 2.5, 1.8, 1.6, 1.2, 1.9, 2.1]):
        feed.executors["savant"] = ex("savant", attempts=100 + i, latency_p95_s=p95)
        states.append([(a.subject or "", a.state) for a in monitor.check()])
        feed.clock.advance(30)
    firing, resolved = ("savant", AlertState.FIRING), ("savant", AlertState.RESOLVED)
    #             0.5  2.5       3.0 2.5 1.8 1.6 1.2        1.9 2.1
    assert states == [[], [firing], [], [], [], [], [resolved], [], [firing]]
    assert [a.state for a in got] == [AlertState.FIRING, AlertState.RESOLVED, AlertState.FIRING]
    first, end = got[0], got[1]
    assert (first.rule, first.value, first.threshold) == ("latency_p95_above", 2.5, 2.0)
    assert first.key == "latency_p95_above:savant"
    assert "savant p95 latency 2.5 s above 2 s" in first.message
    assert end.started_at == first.started_at
    assert end.duration_s == pytest.approx(5 * 30)
    assert end.message.startswith("resolved: ")
    assert len(monitor.active) == 1
    assert monitor.active[0].value == 2.1


def test_latency_is_per_source_and_ignores_stale_or_thin_samples() -> None:
    monitor, feed, got = monitor_for([LatencyP95Above(1.0, min_attempts=20)])
    feed.executors = {
        "savant": ex("savant", attempts=50, latency_p95_s=3.0),
        "statsapi": ex("statsapi", attempts=5, latency_p95_s=9.0),  # too few attempts
    }
    assert [a.subject for a in monitor.check()] == ["savant"]
    # no new attempts since the last check: the old p95 decides nothing (stays firing)
    feed.executors["savant"] = ex("savant", attempts=50, latency_p95_s=0.1)
    assert monitor.check() == []
    feed.executors["savant"] = ex("savant", attempts=51, latency_p95_s=0.1)
    assert [(a.subject, a.state) for a in monitor.check()] == [("savant", AlertState.RESOLVED)]
    assert [a.state for a in got] == [AlertState.FIRING, AlertState.RESOLVED]
    only = LatencyP95Above(1.0, source="statsapi", min_attempts=1)
    monitor, feed, _ = monitor_for([only])
    feed.executors = {
        "savant": ex("savant", attempts=50, latency_p95_s=3.0),
        "statsapi": ex("statsapi", attempts=5, latency_p95_s=9.0),
    }
    assert [a.subject for a in monitor.check()] == ["statsapi"]


def test_two_thresholds_of_one_kind_are_separate_incidents() -> None:
    warn = LatencyP95Above(1.0, min_attempts=1)
    page = LatencyP95Above(3.0, min_attempts=1, name="latency_critical")
    monitor, feed, got = monitor_for([warn, page])
    for i, p95 in enumerate([2.0, 4.0, 2.0, 0.5]):
        feed.executors["savant"] = ex("savant", attempts=i + 1, latency_p95_s=p95)
        monitor.check()
    assert [(a.rule, a.state.value) for a in got] == [
        ("latency_p95_above", "firing"),
        ("latency_critical", "firing"),
        ("latency_critical", "resolved"),
        ("latency_p95_above", "resolved"),
    ]


def test_breaker_open_waits_for_s_on_the_clock() -> None:
    clock = FakeClock()
    monitor, feed, got = monitor_for([BreakerOpen(for_s=10)], clock)
    feed.executors["odds_api"] = ex("odds_api", breaker_state="open")
    assert monitor.check() == []
    clock.advance(5)
    feed.executors["odds_api"] = ex("odds_api", breaker_state="half-open")
    assert monitor.check() == []  # still the same incident, not yet 10 s
    clock.advance(5)
    fired = monitor.check()
    assert [(a.subject, a.state) for a in fired] == [("odds_api", AlertState.FIRING)]
    assert fired[0].message == "odds_api circuit breaker open"
    clock.advance(60)
    assert monitor.check() == []  # never again while it persists
    feed.executors["odds_api"] = ex("odds_api", breaker_state="closed")
    assert [a.state for a in monitor.check()] == [AlertState.RESOLVED]
    # a short blip below for_s never fires
    feed.executors["odds_api"] = ex("odds_api", breaker_state="open")
    monitor.check()
    clock.advance(9)
    feed.executors["odds_api"] = ex("odds_api", breaker_state="closed")
    monitor.check()
    assert len(got) == 2


def test_cache_hit_rate_is_windowed_between_checks() -> None:
    rule = CacheHitRateBelow(0.5, recover_at=0.7, min_lookups=100)
    monitor, feed, got = monitor_for([rule])

    def totals(hits: int, misses: int, stale: int = 0) -> None:
        feed.cache["policy"] = CacheStats(
            layer="policy", hits=hits, misses=misses, stale_serves=stale
        )

    totals(900, 100)  # first check: totals, 0.9
    assert monitor.check() == []
    totals(920, 180)  # window: 20 hits / 100 lookups = 0.2
    fired = monitor.check()
    assert [a.state for a in fired] == [AlertState.FIRING]
    assert fired[0].value == pytest.approx(0.2)
    assert fired[0].subject == "policy"
    totals(940, 190)  # 30 lookups: too few to decide
    assert monitor.check() == []
    totals(1000, 230)  # 60 / 100 = 0.6: inside the band, still firing
    assert monitor.check() == []
    totals(1070, 240, stale=10)  # (70 + 10) / 90 ... below min_lookups
    assert monitor.check() == []
    totals(1150, 260, stale=20)  # (80 + 10) / 120 = 0.75
    assert [a.state for a in monitor.check()] == [AlertState.RESOLVED]
    totals(10, 200)  # counters restarted (a new client): totals 10 / 210
    assert [a.state for a in monitor.check()] == [AlertState.FIRING]
    assert len(got) == 3
    feed.cache.clear()  # no cache at all: nothing to say
    assert monitor.check() == []


def test_odds_api_credits_with_renewal() -> None:
    monitor, feed, got = monitor_for([OddsApiCreditsBelow(500, recover_at=1000)])
    assert monitor.check() == []  # unknown until a response carried the headers
    feed.credits = 800
    assert monitor.check() == []
    feed.credits = 400
    assert [a.state for a in monitor.check()] == [AlertState.FIRING]
    feed.credits = 900  # spent down further or topped up a little: still the incident
    assert monitor.check() == []
    feed.credits = None
    assert monitor.check() == []
    feed.credits = 20_000
    resolved = monitor.check()
    assert [a.state for a in resolved] == [AlertState.RESOLVED]
    assert resolved[0].value == 20_000
    assert [a.rule for a in got] == ["odds_api_credits_below"] * 2


def test_a_failing_hook_or_rule_never_stops_the_monitor(caplog: pytest.LogCaptureFixture) -> None:
    @attrs.frozen
    class Broken:
        name: str = "broken"
        for_s: float = 0.0
        threshold: float | None = None

        def evaluate(self, previous: AlertSnapshot | None, current: AlertSnapshot) -> list[Reading]:
            raise RuntimeError("bug in a user rule")

        def describe(self, reading: Reading) -> str:
            return "never"

    clock = FakeClock()
    feed = Feed(clock)
    seen: list[Alert] = []

    def hook(alert: Alert) -> None:
        seen.append(alert)
        raise RuntimeError("notifier down")

    monitor = AlertMonitor(feed, [Broken(), BreakerOpen()], hook, clock=clock)
    feed.executors["savant"] = ex("savant", breaker_state="open")
    with caplog.at_level(logging.ERROR, logger="savantsdk"):
        fired = monitor.check()
    assert [a.rule for a in fired] == ["breaker_open"]
    assert len(seen) == 1
    assert "rule broken failed" in caplog.text
    assert "hook failed on breaker_open:savant" in caplog.text
    assert monitor.check() == []  # the incident was recorded despite the hook failing


@pytest.mark.anyio
async def test_run_checks_every_interval_in_a_task_group() -> None:
    clock = FakeClock(autojump=True)
    feed = Feed(clock)
    feed.executors["savant"] = ex("savant", breaker_state="open")
    got: list[Alert] = []
    monitor = AlertMonitor(feed, [BreakerOpen()], got.append, clock=clock, interval_s=30)
    stamps: list[float] = []
    enough = anyio.Event()

    def snapshot() -> AlertSnapshot:
        stamps.append(clock.monotonic())
        if len(stamps) == 4:
            enough.set()
        return feed()

    monitor._snapshot = snapshot  # observe the check times
    start = clock.monotonic()
    async with anyio.create_task_group() as tg:
        tg.start_soon(monitor.run)
        await enough.wait()
        tg.cancel_scope.cancel()
    assert [t - start for t in stamps] == [0, 30, 60, 90]
    assert len(got) == 1  # fired once, not once per check


@pytest.mark.anyio
async def test_snapshot_of_a_real_client(clean_env: pytest.MonkeyPatch) -> None:
    clock = FakeClock(autojump=True)
    async with AsyncClient(clock=clock) as client:
        got: list[Alert] = []
        monitor = AlertMonitor(client, [CacheHitRateBelow(0.5, min_lookups=1)], got.append)
        assert client.cache is not None
        await client.cache.get("nothing-here")
        snap = AlertSnapshot.of(client)
        assert snap.at == clock.time()
        assert snap.executors == {}
        assert snap.odds_api_credits is None
        assert snap.cache["policy"].misses == 1
        assert [a.state for a in monitor.check()] == [AlertState.FIRING]


@pytest.mark.parametrize(
    "build",
    [
        lambda: CacheHitRateBelow(0.5, recover_at=0.4),
        lambda: CacheHitRateBelow(1.5),
        lambda: CacheHitRateBelow(float("nan")),
        lambda: LatencyP95Above(1.0, recover_at_s=2.0),
        lambda: LatencyP95Above(-1.0),
        lambda: OddsApiCreditsBelow(100, recover_at=50),
        lambda: BreakerOpen(for_s=-1),
        lambda: AlertMonitor(lambda: AlertSnapshot(at=0), [object()], print),  # type: ignore[list-item]
        lambda: AlertMonitor(lambda: AlertSnapshot(at=0), [], print, interval_s=0),
        lambda: AlertMonitor(42, [], print),  # type: ignore[arg-type]
    ],
)
def test_bad_configuration(build: Callable[[], object]) -> None:
    with pytest.raises(ConfigurationError):
        build()

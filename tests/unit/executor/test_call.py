"""Executor.call: retries, Retry-After and the source-wide pause, errors, metrics, hooks."""

from __future__ import annotations

import itertools

import anyio
import pytest

from savantsdk._config import RateLimit
from savantsdk.exceptions import (
    BadRequestError,
    ConfigurationError,
    RateLimitedError,
    SavantError,
    SourceServerError,
    SourceTimeoutError,
)
from savantsdk.executor import Executor, Lane

from .conftest import FakeClock, RecordingHook, make_settings, settle


@pytest.mark.anyio
async def test_retryable_errors_are_retried_with_backoff() -> None:
    clock = FakeClock()
    hook = RecordingHook()
    ex = Executor(
        make_settings(attempts=4, initial_backoff_s=1.0),
        clock=clock,
        hooks=[hook],
        rand=lambda: 1.0,
    )
    times: list[float] = []

    async def fn() -> str:
        times.append(clock.monotonic())
        if len(times) <= 3:
            raise SourceTimeoutError("slow", source="test")
        return "ok"

    assert await ex.call(fn) == "ok"
    gaps = [round(b - a, 6) for a, b in itertools.pairwise(times)]
    assert gaps == [1.0, 2.0, 2.0]  # 1, 2, 4 capped at max_backoff_s=2
    snap = ex.metrics()
    assert (snap.requests, snap.attempts, snap.retries, snap.failures) == (1, 4, 3, 0)
    assert hook.names().count("executor.retry") == 3
    assert all(
        lab["error"] == "SourceTimeoutError" for n, lab in hook.events if n.endswith("retry")
    )


@pytest.mark.anyio
async def test_attempts_stop_at_max_attempts() -> None:
    ex = Executor(make_settings(attempts=3), clock=FakeClock())
    calls = 0

    async def fn() -> None:
        nonlocal calls
        calls += 1
        raise SourceServerError("boom", source="test", status_code=502)

    with pytest.raises(SourceServerError):
        await ex.call(fn)
    assert calls == 3
    assert ex.metrics().failures == 1


@pytest.mark.anyio
async def test_non_retryable_errors_fail_at_once() -> None:
    ex = Executor(make_settings(attempts=5), clock=FakeClock())
    calls = 0

    async def fn() -> None:
        nonlocal calls
        calls += 1
        raise BadRequestError("bad", source="test", status_code=400)

    with pytest.raises(BadRequestError):
        await ex.call(fn)
    assert calls == 1


@pytest.mark.anyio
async def test_foreign_exceptions_propagate_unchanged_and_are_not_retried() -> None:
    ex = Executor(make_settings(attempts=5), clock=FakeClock())
    calls = 0
    bug = KeyError("column")

    async def fn() -> None:
        nonlocal calls
        calls += 1
        raise bug

    with pytest.raises(KeyError) as info:
        await ex.call(fn)
    assert info.value is bug
    assert calls == 1


@pytest.mark.anyio
async def test_429_retry_after_pauses_the_whole_source() -> None:
    clock = FakeClock()
    hook = RecordingHook()
    ex = Executor(make_settings(attempts=3), clock=clock, hooks=[hook], rand=lambda: 0.0)
    start = clock.monotonic()
    seen: dict[str, list[float]] = {"a": [], "b": []}

    async def limited() -> str:
        seen["a"].append(clock.monotonic() - start)
        if len(seen["a"]) == 1:
            raise RateLimitedError("slow down", retry_after=7.0, source="test", status_code=429)
        return "a"

    async def other() -> str:
        seen["b"].append(clock.monotonic() - start)
        return "b"

    async with anyio.create_task_group() as tg:
        tg.start_soon(ex.call, limited)
        await settle()
        assert ex.metrics().paused_for_s == pytest.approx(7.0)
        # Another lane, another request: it waits for the pause too.
        tg.start_soon(lambda: ex.call(other, lane=Lane.LIVE))
    assert seen["a"] == [0.0, pytest.approx(7.0)]
    assert seen["b"] == [pytest.approx(7.0)]
    snap = ex.metrics()
    assert (snap.rate_limited, snap.retries, snap.pauses) == (1, 1, 1)
    assert {"executor.rate_limited", "executor.pause", "executor.retry"} <= set(hook.names())


@pytest.mark.anyio
async def test_retry_after_longer_than_the_cap_fails_instead_of_waiting() -> None:
    clock = FakeClock()
    ex = Executor(make_settings(attempts=5, max_retry_after_s=10.0), clock=clock)
    start = clock.monotonic()
    calls = 0

    async def limited() -> None:
        nonlocal calls
        calls += 1
        raise RateLimitedError("later", retry_after=3600.0, source="test", status_code=429)

    with pytest.raises(RateLimitedError):
        await ex.call(limited)
    assert calls == 1
    assert clock.monotonic() == start  # no waiting at all

    async def fine() -> str:
        return "x"

    # The source is paused for an hour: other calls fail fast instead of waiting past the cap.
    with pytest.raises(RateLimitedError, match="paused"):
        await ex.call(fine)
    assert clock.monotonic() == start


@pytest.mark.anyio
async def test_manual_pause_holds_calls() -> None:
    clock = FakeClock()
    ex = Executor(make_settings(rate=50.0), clock=clock)
    start = clock.monotonic()
    ex.pause(4.0, reason="maintenance")

    async def fn() -> float:
        return clock.monotonic() - start

    assert await ex.call(fn, lane=Lane.LIVE) == pytest.approx(4.0)
    with pytest.raises(ConfigurationError):
        ex.pause(-1)


@pytest.mark.anyio
async def test_concurrency_is_bounded() -> None:
    clock = FakeClock()
    ex = Executor(make_settings(concurrency=3), clock=clock)
    active = peak = 0

    async def fn() -> None:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await clock.sleep(1.0)
        active -= 1

    async with anyio.create_task_group() as tg:
        for _ in range(20):
            tg.start_soon(ex.call, fn)
        await settle()
        assert ex.metrics().in_flight == 3
        assert ex.capacity.statistics().waiting == 17
    assert peak == 3
    assert ex.capacity.statistics().borrowed == 0


@pytest.mark.anyio
async def test_metrics_snapshot_latency_and_waits() -> None:
    clock = FakeClock()
    ex = Executor(make_settings(rate=10.0, concurrency=50), clock=clock)

    async def fn(i: int) -> int:
        await clock.sleep(0.5 if i % 2 else 1.5)
        return i

    result = await ex.map(fn, range(20), lane=Lane.HISTORICAL)
    assert result.ok_count == 20
    snap = ex.metrics()
    assert snap.latency_p50_s == pytest.approx(0.5)
    assert snap.latency_p95_s == pytest.approx(1.5)
    hist = snap.limiter_wait[Lane.HISTORICAL]
    assert hist.count == 20
    # 20 requests at 10/s: waits 0, 0.1, ..., 1.9 s
    assert hist.p50_s == pytest.approx(0.9)
    assert hist.p95_s == pytest.approx(1.8)
    assert snap.limiter_wait[Lane.LIVE].count == 0
    assert snap.in_flight == 0


def test_invalid_arguments_raise_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="concurrency"):
        RateLimit(concurrency=-1)
    with pytest.raises(ConfigurationError, match="rate_per_s"):
        RateLimit(rate_per_s=0)
    with pytest.raises(ConfigurationError):
        Executor(make_settings(), lane_aging_s=0)
    ex = Executor(make_settings())
    with pytest.raises(ConfigurationError, match="max_batch"):
        ex.loader(lambda ks: None, max_batch=0)  # type: ignore[arg-type,return-value]
    with pytest.raises(ConfigurationError, match="window_s"):
        ex.loader(lambda ks: None, window_s=-1)  # type: ignore[arg-type,return-value]


@pytest.mark.anyio
async def test_bad_lane_and_batch_size() -> None:
    ex = Executor(make_settings())

    async def fn(i: int) -> int:
        return i

    for bad in (0, -1, 1.5, True):
        with pytest.raises(ConfigurationError, match="batch_size"):
            await ex.map(fn, [1], batch_size=bad)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="lane"):
        await ex.call(lambda: fn(1), lane=7)  # type: ignore[arg-type]
    assert await ex.call(lambda: fn(1), lane=0) == 1  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_closed_executor_refuses_calls() -> None:
    ex = Executor(make_settings())
    await ex.aclose()

    async def fn() -> int:
        return 1

    with pytest.raises(SavantError, match="closed"):
        await ex.call(fn)


@pytest.mark.anyio
async def test_hook_labels_never_carry_secrets_and_hook_errors_are_contained(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from savantsdk._config import Secret

    secret = Secret("sk-live-abcdef123456")

    class Broken(RecordingHook):
        def on_event(self, name: str, labels: object, value: float = 1.0) -> None:  # type: ignore[override]
            raise RuntimeError("exporter down")

    good = RecordingHook()
    ex = Executor(make_settings(attempts=2), clock=FakeClock(), hooks=[Broken(), good])
    key = secret.get_secret_value()
    ex.pause(0.0, reason=f"apiKey={key}")

    async def fn() -> None:
        raise SourceServerError(f"boom apiKey={key}", source="test", status_code=500)

    with pytest.raises(SourceServerError) as info:
        await ex.call(fn)
    assert key not in str(info.value)
    assert good.events
    for _, labels in good.events:
        assert all(key not in v for v in labels.values())
    assert key not in caplog.text
    assert "exporter down" in caplog.text
    snap = ex.publish_metrics()
    assert good.snapshots == [("test", snap)]

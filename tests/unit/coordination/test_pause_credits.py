"""Shared 429 pause and the shared credit account, on the fake store."""

from __future__ import annotations

import logging
from collections.abc import Callable

import anyio
import pytest

from savantsdk._clock import FakeClock
from savantsdk.coordination import CreditTicket
from savantsdk.coordination._core import Coordinator
from savantsdk.exceptions import QuotaExceededError, RateLimitedError

from .conftest import executor, make_settings, settle
from .fakes import FakeStore

pytestmark = pytest.mark.anyio


async def ok() -> str:
    return "ok"


async def test_retry_after_seen_by_one_process_pauses_the_other(
    processes: Callable[..., Coordinator], clock: FakeClock, store: FakeStore
) -> None:
    s = make_settings(rate=10.0, attempts=1)
    a, b = executor(processes(), s, clock), executor(processes(), s, clock)
    assert await b.call(ok) == "ok"

    async def limited() -> None:
        raise RateLimitedError("slow down", source="src", status_code=429, retry_after=3.0)

    with pytest.raises(RateLimitedError):
        await a.call(limited)  # A sees the 429 and pauses the source (for 3 s)
    t0 = clock.monotonic()
    await settle(clock)
    sent: list[float] = []

    async def record() -> None:
        sent.append(clock.monotonic())

    async with anyio.create_task_group() as tg:
        for _ in range(5):
            tg.start_soon(b.call, record)
    # B never saw a 429, yet sent nothing before the pause ended, then paced at the rate.
    assert min(sent) >= t0 + 3.0 - 0.002
    gaps = [y - x for x, y in zip(sorted(sent), sorted(sent)[1:], strict=False)]
    assert min(gaps) >= 0.1 - 0.002
    assert b.metrics().paused_for_s == 0.0
    assert store.calls.count("pause") == 1


async def test_a_shared_pause_longer_than_the_cap_fails_fast(
    processes: Callable[..., Coordinator], clock: FakeClock
) -> None:
    s = make_settings(rate=10.0, attempts=1, max_retry_after_s=5.0)
    a, b = executor(processes(), s, clock), executor(processes(), s, clock)
    a.pause(30.0, reason="test")
    await settle(clock)
    t0 = clock.monotonic()
    with pytest.raises(RateLimitedError) as info:
        await b.call(ok)
    assert clock.monotonic() - t0 < 0.1  # no waiting
    assert info.value.retry_after is not None
    assert info.value.retry_after > 25
    with pytest.raises(RateLimitedError):
        await b.call(ok)  # now from B's own mirror, before the limiter
    assert b.metrics().paused_for_s > 25


async def test_credits_are_shared_and_the_fleet_stops_before_the_account_runs_dry(
    processes: Callable[..., Coordinator], clock: FakeClock, store: FakeStore
) -> None:
    a = processes(credit_floor=5.0).credit_ledger("odds_api")
    b = processes(credit_floor=5.0).credit_ledger("odds_api")
    assert await a.reserve(0, what="free") is None
    first = await a.reserve(10, what="GET /odds")  # nothing known yet: allowed
    assert isinstance(first, CreditTicket)
    a.settle(first, charged=10, remaining=40, used=60)
    await settle(clock)
    held = await b.reserve(20, what="GET /odds")  # 40 left, 20 in flight
    assert held is not None
    with pytest.raises(QuotaExceededError) as info:
        await a.reserve(20, what="GET /event odds")  # 40 - 20 - 20 < floor 5
    assert info.value.error_code == "FLEET_CREDITS_EXHAUSTED"
    assert info.value.status_code == 0
    assert "no request was sent" in str(info.value)
    b.settle(held, charged=20, remaining=20, used=80)
    await settle(clock)
    totals = await a.totals()
    assert (totals.remaining, totals.used, totals.spent, totals.reserved) == (20, 80, 30, 0)
    assert await a.reserve(15, what="GET /odds") is not None  # 20 - 15 >= 5


async def test_out_of_order_headers_and_expired_reservations(
    processes: Callable[..., Coordinator], clock: FakeClock
) -> None:
    core = processes(credit_reservation_ttl_s=30.0)
    ledger = core.credit_ledger("odds_api")
    ledger.settle(None, charged=1, remaining=50, used=50)
    ledger.settle(None, charged=1, remaining=70, used=30)  # an older reply arriving late
    await settle(clock)
    totals = await ledger.totals()
    assert (totals.remaining, totals.used) == (50, 50)
    await ledger.reserve(40, what="x")  # its worker dies: never settled
    with pytest.raises(QuotaExceededError):
        await ledger.reserve(20, what="y")
    await clock.sleep(31)  # the reservation expires; 31 s also passed the stale window
    assert await ledger.reserve(20, what="y") is not None
    ledger.settle(None, charged=0, remaining=500, used=0)  # a new billing period
    await settle(clock)
    assert (await ledger.totals()).remaining == 500


async def test_credit_checks_fail_open_when_the_store_is_down(
    processes: Callable[..., Coordinator],
    clock: FakeClock,
    store: FakeStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="savantsdk")
    core = processes()
    ledger = core.credit_ledger("odds_api")
    ledger.settle(None, charged=0, remaining=1, used=99)
    await settle(clock)
    store.down = True
    assert await ledger.reserve(50, what="x") is None  # allowed: the upstream has the last word
    assert core.metrics().credit_fail_open == 1
    assert core.metrics().fallback_active
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1

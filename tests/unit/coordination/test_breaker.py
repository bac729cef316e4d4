"""The shared breaker on the fake store: opened by one process, seen by another; one probe for
the fleet; stale outcomes ignored; local transitions while the store is down."""

from __future__ import annotations

from collections.abc import Callable

import anyio
import pytest

from savantsdk._clock import FakeClock
from savantsdk.coordination._breaker import SharedBreakerGate
from savantsdk.coordination._core import Coordinator
from savantsdk.exceptions import CircuitOpenError, NotFoundError, SourceServerError
from savantsdk.executor import Executor
from savantsdk.executor._breaker import Outcome3

from .conftest import executor, make_settings, settle
from .fakes import FakeStore

pytestmark = pytest.mark.anyio


async def fail() -> None:
    raise SourceServerError("boom", source="src", status_code=503)


async def ok() -> str:
    return "ok"


def pair(
    processes: Callable[..., Coordinator], clock: FakeClock, **kw: object
) -> tuple[Executor, Executor]:
    s = make_settings(**kw)  # type: ignore[arg-type]
    return executor(processes(), s, clock), executor(processes(), s, clock)


async def test_opened_in_one_process_fails_fast_in_the_other(
    processes: Callable[..., Coordinator], clock: FakeClock, store: FakeStore
) -> None:
    a, b = pair(processes, clock, fail_max=3, reset_timeout_s=10.0)
    assert await b.call(ok) == "ok"
    for _ in range(3):
        with pytest.raises(SourceServerError):
            await a.call(fail)
    await settle(clock)
    assert a.metrics().breaker_state == "open"
    assert b.metrics().breaker_state == "closed"  # B has not heard yet
    with pytest.raises(CircuitOpenError) as info:
        await b.call(ok)  # its slot booking says "open": fail fast, nothing sent
    assert info.value.source == "src"
    assert b.metrics().breaker_state == "open"
    calls = len(store.calls)
    with pytest.raises(CircuitOpenError):
        await b.call(ok)  # now the mirror fails it without asking the store
    assert len(store.calls) == calls
    assert b.metrics().circuit_open_rejections == 1


@pytest.mark.parametrize("rate", [10.0, None], ids=["rate-limited", "unlimited"])
async def test_exactly_one_probe_for_the_fleet_then_closed_everywhere(
    processes: Callable[..., Coordinator], clock: FakeClock, store: FakeStore, rate: float | None
) -> None:
    a, b = pair(processes, clock, fail_max=1, reset_timeout_s=5.0, rate=rate)
    with pytest.raises(SourceServerError):
        await a.call(fail)
    await settle(clock)
    with pytest.raises(CircuitOpenError):
        await b.call(ok)
    await clock.sleep(5.1)
    calls = 0
    outcomes: list[str] = []

    async def probe_like() -> str:
        nonlocal calls
        calls += 1
        await clock.sleep(0.2)
        return "ok"

    async def one(ex: Executor) -> None:
        try:
            outcomes.append(await ex.call(probe_like))
        except CircuitOpenError:
            outcomes.append("fail-fast")

    async with anyio.create_task_group() as tg:
        for ex in (a, b, a, b, a, b):
            tg.start_soon(one, ex)
    assert calls == 1
    assert sorted(outcomes) == ["fail-fast"] * 5 + ["ok"]
    await settle(clock)
    assert sum(c.metrics().probe_claims for c in (a._breaker._core, b._breaker._core)) == 1  # type: ignore[attr-defined]
    assert await a.call(ok) == "ok"
    assert await b.call(ok) == "ok"
    assert a.metrics().breaker_state == b.metrics().breaker_state == "closed"


async def test_failed_probe_reopens_for_everyone(
    processes: Callable[..., Coordinator], clock: FakeClock
) -> None:
    a, b = pair(processes, clock, fail_max=1, reset_timeout_s=5.0)
    with pytest.raises(SourceServerError):
        await a.call(fail)
    await clock.sleep(5.1)
    # B has never heard of the breaker: its first booking learns it is half-open (and fails
    # fast, as its permit predates that); its next call may probe.
    with pytest.raises(CircuitOpenError, match="half-open"):
        await b.call(ok)
    with pytest.raises(SourceServerError):
        await b.call(fail)  # B wins the probe, and it fails
    await settle(clock)
    with pytest.raises(CircuitOpenError) as info:
        await a.call(ok)
    assert "open" in str(info.value)
    assert b.metrics().breaker_state == "open"


async def test_success_threshold_needs_that_many_probes(
    processes: Callable[..., Coordinator], clock: FakeClock
) -> None:
    a, b = pair(processes, clock, fail_max=1, reset_timeout_s=1.0, success_threshold=2)
    with pytest.raises(SourceServerError):
        await a.call(fail)
    await settle(clock)
    with pytest.raises(CircuitOpenError):
        await b.call(ok)
    await clock.sleep(1.1)
    assert await a.call(ok) == "ok"
    await settle(clock)
    assert a.metrics().breaker_state == "half-open"
    assert await b.call(ok) == "ok"  # the second probe, from the other process
    await settle(clock)
    assert await a.call(ok) == "ok"
    assert a.metrics().breaker_state == b.metrics().breaker_state == "closed"


async def test_client_errors_reset_and_stale_outcomes_are_ignored(
    processes: Callable[..., Coordinator], clock: FakeClock, store: FakeStore
) -> None:
    a, _ = pair(processes, clock, fail_max=2, reset_timeout_s=5.0)

    async def not_found() -> None:
        raise NotFoundError("no such player", source="src", status_code=404)

    with pytest.raises(SourceServerError):
        await a.call(fail)
    await settle(clock)
    assert store.breakers["src"].fails == 1
    with pytest.raises(NotFoundError):
        await a.call(not_found)  # the upstream answered: a success, resets the count
    await settle(clock)
    assert store.breakers["src"].fails == 0
    gate = a._breaker
    assert isinstance(gate, SharedBreakerGate)
    old = gate.acquire()
    for _ in range(2):
        with pytest.raises(SourceServerError):
            await a.call(fail)
    await settle(clock)
    assert gate.state == "open"
    gate.release(old, Outcome3.SUCCESS)  # a slow call from before the transition
    await settle(clock)
    assert store.breakers["src"].st == 1


async def test_store_down_runs_the_same_transitions_locally(
    processes: Callable[..., Coordinator], clock: FakeClock, store: FakeStore
) -> None:
    core = processes(retry_interval_s=100.0)
    ex = executor(core, make_settings(fail_max=2, reset_timeout_s=3.0), clock)
    store.down = True
    for _ in range(2):
        with pytest.raises(SourceServerError):
            await ex.call(fail)
    await settle(clock)
    assert ex.metrics().breaker_state == "open"
    with pytest.raises(CircuitOpenError):
        await ex.call(ok)
    await clock.sleep(3.1)
    probe_started = anyio.Event()
    release = anyio.Event()

    async def slow_ok() -> str:
        probe_started.set()
        await release.wait()
        return "ok"

    async with anyio.create_task_group() as tg:
        tg.start_soon(ex.call, slow_ok)
        await probe_started.wait()
        with pytest.raises(CircuitOpenError):
            await ex.call(ok)  # one local probe at a time
        release.set()
    assert ex.metrics().breaker_state == "closed"
    assert core.metrics().fallback_active


async def test_lost_claim_when_already_closed_is_an_ordinary_attempt(
    processes: Callable[..., Coordinator], clock: FakeClock, store: FakeStore
) -> None:
    a, b = pair(processes, clock, fail_max=1, reset_timeout_s=2.0)
    with pytest.raises(SourceServerError):
        await a.call(fail)
    await settle(clock)
    with pytest.raises(CircuitOpenError):
        await b.call(ok)  # B's mirror: open until the same moment
    await clock.sleep(2.1)
    assert await a.call(ok) == "ok"  # A probes and closes it
    await settle(clock)
    assert await b.call(ok) == "ok"  # B's tentative probe finds it closed: just a call
    with pytest.raises(SourceServerError):
        await b.call(fail)  # ...and its failures count as ordinary failures again
    await settle(clock)
    assert store.breakers["src"].st == 1


async def test_a_probe_claimed_while_the_store_goes_away_becomes_a_local_probe(
    processes: Callable[..., Coordinator], clock: FakeClock, store: FakeStore
) -> None:
    core = processes(retry_interval_s=100.0)
    ex = executor(core, make_settings(fail_max=1, reset_timeout_s=2.0), clock)
    with pytest.raises(SourceServerError):
        await ex.call(fail)
    await settle(clock)
    assert ex.metrics().breaker_state == "open"
    await clock.sleep(2.1)
    store.down = True  # the gate hands out a fleet claim; the limiter cannot reach the store
    assert await ex.call(ok) == "ok"  # ...so the claim runs as this process's local probe
    assert ex.metrics().breaker_state == "closed"
    assert core.metrics().fallback_grants == 1


async def test_a_probe_whose_slot_a_horizon_defers_keeps_its_claim(
    processes: Callable[..., Coordinator], clock: FakeClock, store: FakeStore
) -> None:
    a, b = pair(processes, clock, fail_max=1, reset_timeout_s=2.0)
    with pytest.raises(SourceServerError):
        await a.call(fail)
    await clock.sleep(2.1)
    b.pause(1.5, reason="test")  # the first slot is 1.5 s away: beyond PROPS' 0.25 s horizon
    await settle(clock)
    t0 = clock.monotonic()
    assert await a.call(ok) == "ok"  # wins the probe, waits for its slot, still the probe
    assert clock.monotonic() - t0 >= 1.4
    await settle(clock)
    assert store.breakers["src"].st == 0
    assert a._breaker._core.metrics().probe_claims == 1  # type: ignore[attr-defined]

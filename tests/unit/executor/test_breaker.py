"""The breaker: a Hypothesis state machine over PyBreakerGate on a fake clock, and the
executor-level behaviour (fail fast without the limiter, one probe, cancellation is neutral,
client errors are not upstream failures)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import anyio
import pytest
from hypothesis import settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from savantsdk.exceptions import (
    CircuitOpenError,
    NotFoundError,
    SourceConnectionError,
    SourceServerError,
)
from savantsdk.executor import Executor
from savantsdk.executor._breaker import Outcome3, Permit, PyBreakerGate
from savantsdk.executor._executor import classify_outcome

from .conftest import FakeClock, RecordingHook, make_settings, settle

FAIL_MAX = 3
RESET_S = 10.0
SUCCESSES = 2


class BreakerMachine(RuleBasedStateMachine):
    """Model: closed(failures) -> open(opened_at) -> half-open(successes) -> closed/open."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = FakeClock()
        self.transitions: list[tuple[str, str]] = []
        self.gate = PyBreakerGate(
            source="m",
            fail_max=FAIL_MAX,
            reset_timeout_s=RESET_S,
            success_threshold=SUCCESSES,
            clock=self.clock,
            on_transition=lambda a, b: self.transitions.append((a, b)),
        )
        self.state = "closed"
        self.failures = 0
        self.successes = 0
        self.opened_at = 0.0
        self.probe: Permit | None = None
        self.stale: list[Permit] = []

    def _model_acquire_allowed(self) -> bool:
        if self.state == "closed":
            return True
        if self.state == "open":
            return self.clock.monotonic() >= self.opened_at + RESET_S
        return self.probe is None

    def _open(self) -> None:
        self.state = "open"
        self.opened_at = self.clock.monotonic()
        self.failures = 0
        self.probe = None

    @rule(outcome=st.sampled_from([Outcome3.SUCCESS, Outcome3.FAILURE, Outcome3.NEUTRAL]))
    def attempt(self, outcome: Outcome3) -> None:
        allowed = self._model_acquire_allowed()
        try:
            permit = self.gate.acquire()
        except CircuitOpenError as exc:
            assert not allowed
            assert exc.source == "m"  # noqa: PT017
            if self.state == "open":
                expected = self.clock.time() + (self.opened_at + RESET_S - self.clock.monotonic())
                assert exc.retry_at == datetime.fromtimestamp(expected, tz=UTC)  # noqa: PT017
            return
        assert allowed
        if self.state == "open":
            self.state, self.successes = "half-open", 0
        if self.state == "half-open":
            assert permit.probe
            self.probe = permit
        self.gate.release(permit, outcome)
        self._model_release(permit, outcome)

    def _model_release(self, permit: Permit, outcome: Outcome3) -> None:
        if permit.probe:
            self.probe = None
        if outcome is Outcome3.NEUTRAL:
            return
        if self.state == "closed":
            if outcome is Outcome3.FAILURE:
                self.failures += 1
                if self.failures >= FAIL_MAX:
                    self._open()
            else:
                self.failures = 0
        elif self.state == "half-open":
            if outcome is Outcome3.FAILURE:
                self._open()
            else:
                self.successes += 1
                if self.successes >= SUCCESSES:
                    self.state, self.failures = "closed", 0

    @rule()
    def start_a_slow_attempt(self) -> None:
        """An attempt that will report only later (maybe after the state changed)."""
        if self._model_acquire_allowed():
            permit = self.gate.acquire()
            if self.state == "open":
                self.state, self.successes = "half-open", 0
            if permit.probe:
                self.probe = permit
            self.stale.append(permit)

    @precondition(lambda self: bool(self.stale))
    @rule(outcome=st.sampled_from([Outcome3.SUCCESS, Outcome3.FAILURE, Outcome3.NEUTRAL]))
    def finish_the_oldest_slow_attempt(self, outcome: Outcome3) -> None:
        permit = self.stale.pop(0)
        before = len(self.transitions)
        generation_matches = permit.generation == self.gate._generation
        self.gate.release(permit, outcome)
        if generation_matches:
            self._model_release(permit, outcome)
        else:
            # An outcome from before a state change never moves the breaker.
            assert len(self.transitions) == before
            if permit.probe and self.probe is permit:
                self.probe = None

    @rule(seconds=st.sampled_from([0.5, 3.0, RESET_S, RESET_S + 1]))
    def time_passes(self, seconds: float) -> None:
        self.clock.advance(seconds)

    @invariant()
    def state_matches_the_model(self) -> None:
        assert self.gate.state == self.state
        assert self.gate.transitions == len(self.transitions)
        if self.state == "closed":
            assert self.gate.fail_counter == self.failures


TestBreakerStateMachine = BreakerMachine.TestCase
TestBreakerStateMachine.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)


def _gate(clock: FakeClock, **kw: int | float) -> PyBreakerGate:
    return PyBreakerGate(
        source="s",
        fail_max=int(kw.get("fail_max", 2)),
        reset_timeout_s=float(kw.get("reset_timeout_s", 5.0)),
        success_threshold=int(kw.get("success_threshold", 1)),
        clock=clock,
    )


def test_explicit_lifecycle() -> None:
    clock = FakeClock()
    gate = _gate(clock)
    for _ in range(2):
        gate.release(gate.acquire(), Outcome3.FAILURE)
    assert gate.state == "open"
    with pytest.raises(CircuitOpenError) as info:
        gate.acquire()
    assert info.value.retry_at == datetime.fromtimestamp(clock.time() + 5.0, tz=UTC)
    clock.advance(5.0)
    probe = gate.acquire()
    assert gate.state == "half-open"
    assert probe.probe
    with pytest.raises(CircuitOpenError, match="probe in flight"):
        gate.acquire()  # exactly one probe
    gate.release(probe, Outcome3.FAILURE)
    assert gate.state == "open"  # reopened on probe failure
    clock.advance(5.0)
    probe = gate.acquire()
    gate.release(probe, Outcome3.NEUTRAL)  # a cancelled probe frees the permit, no transition
    assert gate.state == "half-open"
    probe = gate.acquire()
    gate.release(probe, Outcome3.SUCCESS)
    assert gate.state == "closed"


def test_circuit_open_error_names_the_failure_that_opened_it() -> None:
    clock = FakeClock()
    gate = _gate(clock)
    first = SourceServerError("HTTP 503: down", source="savant", status_code=503)
    opener = SourceConnectionError(
        "ConnectError: connection refused to 127.0.0.1:9 key=abcd1234secret",
        source="savant",
        request="GET http://127.0.0.1:9/statcast_search/csv?apiKey=abcd1234secret",
    )
    gate.release(gate.acquire(), Outcome3.FAILURE, first)
    gate.release(gate.acquire(), Outcome3.FAILURE, opener)
    assert gate.state == "open"
    clock.advance(1.5)
    with pytest.raises(CircuitOpenError) as info:
        gate.acquire()
    err = info.value
    assert err.opened_by is opener
    assert gate.opened_by is opener
    assert str(err).startswith(
        "circuit breaker for 's' is open (opened by SourceConnectionError: [savant] "
        "ConnectError: connection refused to 127.0.0.1:9 key=***); retry after 3.5s (at "
    )
    assert "abcd1234secret" not in str(err)
    # a probe that fails re-opens it, and then it is the probe's error that is named
    clock.advance(5.0)
    probe_error = SourceServerError("HTTP 502: Bad Gateway", source="savant", status_code=502)
    gate.release(gate.acquire(), Outcome3.FAILURE, probe_error)
    with pytest.raises(CircuitOpenError, match=r"opened by SourceServerError: \[savant\] HTTP 502"):
        gate.acquire()


def test_classification() -> None:
    nf = NotFoundError("x", source="s", status_code=404)
    srv = SourceServerError("x", source="s", status_code=503)
    assert classify_outcome(nf) is Outcome3.SUCCESS
    assert classify_outcome(srv) is Outcome3.FAILURE
    assert classify_outcome(SourceConnectionError("x", source="s")) is Outcome3.FAILURE
    assert classify_outcome(KeyError("bug")) is Outcome3.NEUTRAL
    assert classify_outcome(asyncio.CancelledError()) is Outcome3.NEUTRAL


@pytest.mark.anyio
async def test_executor_opens_fails_fast_without_the_limiter_and_recovers() -> None:
    clock = FakeClock()
    hook = RecordingHook()
    ex = Executor(
        make_settings(rate=100.0, attempts=1, fail_max=3, reset_timeout_s=30.0),
        clock=clock,
        hooks=[hook],
    )
    upstream_ok = False
    calls = 0

    async def flaky() -> str:
        nonlocal calls
        calls += 1
        if not upstream_ok:
            raise SourceServerError("down", source="test", status_code=503)
        return "up"

    for _ in range(3):
        with pytest.raises(SourceServerError):
            await ex.call(flaky)
    assert ex.metrics().breaker_state == "open"
    granted = ex.rate_limiter.statistics().granted
    with pytest.raises(CircuitOpenError) as info:
        await ex.call(flaky)
    assert info.value.source == "test"
    assert info.value.retry_at == datetime.fromtimestamp(clock.time() + 30.0, tz=UTC)
    assert ex.rate_limiter.statistics().granted == granted  # the limiter was not touched
    assert calls == 3
    await clock.sleep(30.0)
    upstream_ok = True
    assert await ex.call(flaky) == "up"
    snap = ex.metrics()
    assert snap.breaker_state == "closed"
    assert snap.breaker_transitions == 3
    assert snap.circuit_open_rejections == 1
    transitions = [
        (lab["from_state"], lab["to_state"])
        for name, lab in hook.events
        if name == "executor.breaker_transition"
    ]
    assert transitions == [("closed", "open"), ("open", "half-open"), ("half-open", "closed")]
    await ex.aclose()


@pytest.mark.anyio
async def test_half_open_admits_one_probe_among_concurrent_callers() -> None:
    clock = FakeClock()
    ex = Executor(make_settings(attempts=1, fail_max=1, reset_timeout_s=5.0), clock=clock)

    async def boom() -> None:
        raise SourceServerError("down", source="test", status_code=500)

    with pytest.raises(SourceServerError):
        await ex.call(boom)
    await clock.sleep(5.0)
    entered = 0
    release = anyio.Event()

    async def probe() -> str:
        nonlocal entered
        entered += 1
        await release.wait()
        return "ok"

    results: list[object] = []

    async def caller() -> None:
        try:
            results.append(await ex.call(probe))
        except CircuitOpenError as exc:
            results.append(exc)

    async with anyio.create_task_group() as tg:
        for _ in range(10):
            tg.start_soon(caller)
        await settle()
        assert entered == 1
        release.set()
    assert results.count("ok") == 1
    assert sum(isinstance(r, CircuitOpenError) for r in results) == 9
    assert ex.metrics().breaker_state == "closed"


@pytest.mark.anyio
async def test_cancellation_is_neither_success_nor_failure() -> None:
    clock = FakeClock()
    ex = Executor(make_settings(attempts=1, fail_max=2), clock=clock)

    async def boom() -> None:
        raise SourceServerError("down", source="test", status_code=500)

    with pytest.raises(SourceServerError):
        await ex.call(boom)
    gate = ex._breaker
    assert isinstance(gate, PyBreakerGate)
    assert gate.fail_counter == 1

    async def hang() -> None:
        await anyio.sleep_forever()

    for _ in range(5):
        with anyio.CancelScope() as scope:
            scope.cancel()
            await ex.call(hang)
        async with anyio.create_task_group() as tg:
            tg.start_soon(ex.call, hang)
            await settle()
            tg.cancel_scope.cancel()
    assert gate.fail_counter == 1  # not reset (success) and not increased (failure)
    assert gate.state == "closed"


@pytest.mark.anyio
async def test_client_errors_do_not_open_the_breaker() -> None:
    ex = Executor(make_settings(attempts=1, fail_max=2), clock=FakeClock())

    async def missing() -> None:
        raise NotFoundError("no such game", source="test", status_code=404)

    for _ in range(10):
        with pytest.raises(NotFoundError):
            await ex.call(missing)
    assert ex.metrics().breaker_state == "closed"

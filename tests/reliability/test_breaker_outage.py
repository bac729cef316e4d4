"""An upstream that goes fully down: the breaker opens, fails fast without touching the
upstream, probes once per recovery window, and closes again once the upstream is back.

The client runs on a manual FakeClock (no retry backoff, no rate limit: nothing ever sleeps
on it), so the breaker's recovery window passes exactly when the test advances the clock;
HTTP is real loopback against FakeUpstream, whose request log is the proof that an open
breaker sends nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import anyio
import pytest

from savantsdk import (
    AsyncClient,
    BreakerPolicy,
    CircuitOpenError,
    RateLimit,
    SourceServerError,
    SourceSettings,
    Timeout,
)
from savantsdk.executor import Lane
from savantsdk.testing import FakeClock, FakeUpstream, Latency, SimulatedLeague, no_backoff

pytestmark = pytest.mark.anyio

SOURCE = "statsapi"
FAIL_MAX = 3
RESET_S = 30.0


@pytest.fixture(scope="module")
def server() -> Iterator[FakeUpstream]:
    with FakeUpstream(SimulatedLeague(seed=3, days=1)) as fake:
        yield fake


@pytest.fixture
def fake(server: FakeUpstream) -> Iterator[FakeUpstream]:
    server.clear_faults()
    server.reset_counts()
    yield server
    server.clear_faults()


def make_client(fake: FakeUpstream, clock: FakeClock) -> AsyncClient:
    settings = SourceSettings(
        name=SOURCE,
        base_url=fake.base_urls[SOURCE],
        timeout=Timeout(total_s=5.0),
        # two attempts, no backoff: a retry never sleeps on the manual clock
        retry=no_backoff(2),
        rate_limit=RateLimit(rate_per_s=None, concurrency=8),
        breaker=BreakerPolicy(fail_max=FAIL_MAX, reset_timeout_s=RESET_S, success_threshold=1),
    )
    return AsyncClient(sources={SOURCE: settings}, cache=None, clock=clock)


async def test_breaker_opens_fails_fast_and_closes_after_the_upstream_returns(
    fake: FakeUpstream,
) -> None:
    clock = FakeClock()
    client = make_client(fake, clock)
    path = f"/api/v1/people/{min(fake.league.players)}"

    def count() -> int:
        """Requests that reached the upstream."""
        return fake.count(SOURCE)

    def state() -> str:
        return client.metrics()[SOURCE].breaker_state

    async def get() -> int:
        response = await client.request(SOURCE, "GET", path, lane=Lane.LIVE)
        return response.status_code

    async def many(n: int) -> list[int | CircuitOpenError]:
        """``n`` concurrent calls; what each ended with (any other error fails the test)."""
        outcomes: list[int | CircuitOpenError] = []

        async def one() -> None:
            try:
                outcomes.append(await get())
            except CircuitOpenError as exc:
                outcomes.append(exc)

        async with anyio.create_task_group() as tg:
            for _ in range(n):
                tg.start_soon(one)
        return outcomes

    with anyio.fail_after(30):  # a sleep on the manual clock would hang: fail instead
        async with client:
            assert await get() == 200
            assert state() == "closed"

            # 1. the upstream goes fully down: each failed attempt reaches it until the
            #    breaker has seen FAIL_MAX consecutive failures
            fake.faults(SOURCE, "*", server_error=1.0)
            fake.reset_counts()
            with pytest.raises(SourceServerError):
                await get()  # attempts 1 and 2
            assert state() == "closed"
            with pytest.raises(CircuitOpenError) as opened:
                await get()  # attempt 3 opens it; the retry is refused at once
            assert count() == FAIL_MAX
            assert state() == "open"
            assert opened.value.source == SOURCE
            opened_at = clock.time()
            assert opened.value.retry_at == datetime.fromtimestamp(opened_at + RESET_S, tz=UTC)

            # 2. open: every call fails fast with CircuitOpenError, nothing is sent
            for _ in range(20):
                with pytest.raises(CircuitOpenError):
                    await get()
            rejected = await many(200)
            assert len(rejected) == 200
            assert all(isinstance(o, CircuitOpenError) for o in rejected)
            assert count() == FAIL_MAX

            # 3. the window passes while the upstream is still down: ONE probe, it fails,
            #    and the breaker reopens for a new window
            clock.advance(RESET_S + 0.001)
            with pytest.raises(CircuitOpenError):
                await get()  # the probe fails (503); its retry is refused
            assert count() == FAIL_MAX + 1
            assert state() == "open"
            with pytest.raises(CircuitOpenError):
                await get()
            assert count() == FAIL_MAX + 1

            # 4. the upstream comes back mid-window: still open, still nothing sent
            fake.clear_faults()
            clock.advance(RESET_S / 2)
            with pytest.raises(CircuitOpenError):
                await get()
            assert count() == FAIL_MAX + 1

            # 5. the window ends: concurrent callers race for the half-open probe; exactly
            #    one request goes upstream, it succeeds and the breaker closes
            fake.faults(SOURCE, "*", latency=Latency.fixed(0.2))  # the probe stays in flight
            clock.advance(RESET_S / 2 + 0.001)
            outcomes = await many(10)
            assert outcomes.count(200) == 1
            assert sum(isinstance(o, CircuitOpenError) for o in outcomes) == 9
            assert count() == FAIL_MAX + 2
            assert state() == "closed"

            # 6. closed again: calls flow to the upstream
            fake.clear_faults()
            assert await many(20) == [200] * 20
            assert count() == FAIL_MAX + 2 + 20
            m = client.metrics()[SOURCE]
            assert m.breaker_transitions == 5  # closed>open>half-open>open>half-open>closed
            assert m.circuit_open_rejections >= 20 + 200 + 1 + 1 + 9
            assert m.in_flight == 0

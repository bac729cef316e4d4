"""A full cycle against a faulty upstream: every item ends with exactly one typed outcome.

The scaled-down twin of ``benchmarks/faults.py``: 1,000 items through a real AsyncClient
over loopback HTTP against FakeUpstream with 20% 503s, 5% 429 + ``Retry-After: 1``, 5% hangs
past the client timeout and 2% truncated bodies (seeded).  The client's clock runs 20x fast,
so the 429 pauses and backoffs of the policy cost 1/20 of their real time; HTTP timeouts stay
real.
"""

from __future__ import annotations

import collections
from collections.abc import Iterator
from urllib.parse import parse_qs

import pytest
from reliability_support import FastClock, Probes

from savantsdk import (
    AsyncClient,
    BreakerPolicy,
    RateLimit,
    RateLimitedError,
    RetryPolicy,
    SavantError,
    SourceDecodeError,
    SourceServerError,
    SourceSettings,
    SourceTimeoutError,
    Timeout,
)
from savantsdk._http import describe_request, is_retryable, send
from savantsdk.executor import Lane
from savantsdk.sources import Person, parse_people
from savantsdk.testing import FakeUpstream, SimulatedLeague

pytestmark = pytest.mark.anyio

SOURCE = "statsapi"
ITEMS = 1_000
MAX_ATTEMPTS = 4
TIMEOUT_S = 0.3
HANG_S = 0.6


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeUpstream]:
    with FakeUpstream(SimulatedLeague(seed=11, days=1), fault_seed=11) as server:
        yield server


def settings(base_url: str) -> SourceSettings:
    t = TIMEOUT_S
    return SourceSettings(
        name=SOURCE,
        base_url=base_url,
        timeout=Timeout(connect_s=t, read_s=t, write_s=t, pool_s=5.0, total_s=t),
        retry=RetryPolicy(
            max_attempts=MAX_ATTEMPTS,
            initial_backoff_s=0.05,
            max_backoff_s=1.0,
            max_retry_after_s=5.0,
        ),
        rate_limit=RateLimit(rate_per_s=None, concurrency=16),
        # Armed but out of reach: 27% random failures never give 1,000 in a row.  The breaker
        # has its own test (test_breaker_outage.py).
        breaker=BreakerPolicy(fail_max=1_000, reset_timeout_s=1.0),
    )


async def test_every_item_ends_with_exactly_one_outcome_and_nothing_leaks(
    fake: FakeUpstream, fast_clock: FastClock, probes: Probes
) -> None:
    fake.faults(
        SOURCE,
        "/api/v1/people/*",
        server_error=0.20,
        rate_limited=0.05,
        retry_after_s=1,
        timeout=0.05,
        hang_s=HANG_S,
        malformed=0.02,
    )
    fake.reset_counts()
    players = sorted(fake.league.players)
    items = [(i, players[i % len(players)]) for i in range(ITEMS)]
    attempts = [0] * ITEMS
    successes = [0] * ITEMS
    timeouts = [0] * ITEMS
    tasks_before = probes.other_tasks()
    fds_before = probes.open_fds()

    client = AsyncClient(
        sources={SOURCE: settings(fake.base_urls[SOURCE])}, cache=None, clock=fast_clock
    )
    http = client.http(SOURCE)

    async def fetch(item: tuple[int, int]) -> Person:
        """One attempt: GET through the HTTP seam, then parse (as the source clients do)."""
        i, pid = item
        attempts[i] += 1
        try:
            response = await send(
                http,
                SOURCE,
                "GET",
                f"/api/v1/people/{pid}",
                params={"item": i},
                total_timeout_s=TIMEOUT_S,
            )
            people = parse_people(response.content, request=describe_request(response.request))
        except SourceTimeoutError:
            timeouts[i] += 1
            raise
        successes[i] += 1
        return people[0]

    try:
        result = await client.map(SOURCE, fetch, items, lane=Lane.HISTORICAL, batch_size=200)
        metrics = client.metrics()[SOURCE]
        executor = client.executor(SOURCE)
    finally:
        await client.aclose()

    # exactly one outcome per input, in input order, each the input's own
    assert len(result) == ITEMS
    assert list(result.items) == items
    kinds: collections.Counter[type] = collections.Counter()
    for (i, pid), outcome in result:
        if outcome.error is None:
            assert isinstance(outcome.value, Person)
            assert outcome.value.id == pid  # nothing misdelivered: not lost
            assert successes[i] == 1  # one success, and no attempt after it: no duplicate
        else:
            assert outcome.value is None
            assert successes[i] == 0  # an item that failed never returned a value
            assert isinstance(outcome.error, SavantError), repr(outcome.error)  # typed
            kinds[type(outcome.error)] += 1
            if is_retryable(outcome.error):
                # 5xx, timeouts and 429 (Retry-After 1 s <= cap) use the whole budget
                assert attempts[i] == MAX_ATTEMPTS
    assert set(kinds) <= {
        SourceServerError,
        SourceTimeoutError,
        RateLimitedError,
        SourceDecodeError,
    }
    assert kinds[SourceDecodeError] > 0  # the truncated bodies were parsed and caught
    assert result.ok_count + result.error_count == ITEMS
    assert result.ok_count > ITEMS // 2  # about 96%; far fewer would mean a broken setup

    # retries within the policy, and every counted attempt really ran
    assert max(attempts) <= MAX_ATTEMPTS
    assert metrics.attempts == sum(attempts)
    assert metrics.requests == ITEMS
    assert metrics.retries == metrics.attempts - ITEMS
    assert 0 < metrics.retries <= ITEMS * (MAX_ATTEMPTS - 1)
    assert metrics.rate_limited > 0
    assert metrics.pauses > 0  # 429 + Retry-After paused the source
    assert metrics.breaker_state == "closed"

    # the fake's log agrees: never more requests than attempts for an item; an attempt it
    # never saw is one the client gave up on (timeout) before the request arrived
    # (a hung request is logged when its hang ends: give those HANG_S to arrive)
    await probes.wait_until(lambda: fake.count(SOURCE) >= metrics.attempts, timeout_s=HANG_S + 1)
    logged: collections.Counter[int] = collections.Counter()
    hangs: collections.Counter[int] = collections.Counter()
    faults: collections.Counter[str | None] = collections.Counter()
    for rec in fake.requests(SOURCE):
        i = int(parse_qs(rec.query)["item"][0])
        logged[i] += 1
        hangs[i] += rec.fault == "timeout"
        faults[rec.fault] += 1
    for i in range(ITEMS):
        assert 0 <= attempts[i] - logged[i] <= timeouts[i] - hangs[i], i
    assert {"server_error", "rate_limited", "timeout", "malformed", None} <= set(faults)

    # nothing left behind once the client is closed
    assert metrics.in_flight == 0
    stats = executor.capacity.statistics()
    assert (stats.borrowed, stats.waiting) == (0, 0)
    assert executor.metrics().limiter_waiting == 0
    assert probes.other_tasks() <= tasks_before
    assert await probes.wait_until(lambda: probes.sockets_to(fake.port) == 0)
    # the fake's side of the sockets (same process) closes as it sees the client's FIN
    assert await probes.wait_until(lambda: probes.open_fds() <= fds_before)
    assert probes.open_fds() == fds_before

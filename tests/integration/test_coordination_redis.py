"""Fleet coordination on the real Redis, against a real loopback upstream (FakeUpstream).

* The Lua scripts: GCRA spacing on the server's clock, lane horizons, breaker transitions and
  the single probe, pauses, credits (out-of-order replies), NOSCRIPT reload.
* Two independent AsyncClients, each with its own RedisCoordination (own pool): one shared
  rate at the upstream, lanes across clients, a Retry-After shared, credits shared.
* Real OS processes (multiprocessing "spawn"): the rate held across processes with no 429,
  and a breaker opened in one process failing fast in another.
* A Redis of this test's own, stopped mid-run and restarted: local fallback at
  ``fallback_share``, no crash, one log line per incident, recovery.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import _coordination_procs as procs
import anyio
import pytest
import redis.asyncio as aioredis

from redis_server_support import RedisProcess
from savantsdk import ApiKeys, AsyncClient, BreakerPolicy, RateLimit, RetryPolicy, SourceSettings
from savantsdk.coordination import RedisCoordination
from savantsdk.coordination._store import RedisStore
from savantsdk.exceptions import CircuitOpenError, QuotaExceededError, RateLimitedError
from savantsdk.executor import Lane
from savantsdk.testing import FakeUpstream, SimulatedLeague

pytestmark = [pytest.mark.anyio, pytest.mark.redis]

SPAWN = multiprocessing.get_context("spawn")
START_TIMEOUT_S = 60.0


@pytest.fixture
def namespace() -> str:
    return f"test-coord-{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def raw(redis_url: str, namespace: str) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(redis_url)
    try:
        yield client
    finally:
        keys = [k async for k in client.scan_iter(match=f"{namespace}:*")]
        if keys:
            await client.unlink(*keys)
        await client.aclose()


@pytest.fixture(scope="module")
def league() -> SimulatedLeague:
    return SimulatedLeague(seed=11, days=1)


@pytest.fixture
async def fake(league: SimulatedLeague) -> AsyncIterator[FakeUpstream]:
    async with FakeUpstream(league) as server:
        yield server


def statsapi(fake: FakeUpstream, rate: float | None, **kw: Any) -> dict[str, SourceSettings]:
    return {
        "statsapi": SourceSettings(
            name="statsapi",
            base_url=fake.base_urls["statsapi"],
            rate_limit=RateLimit(rate_per_s=rate, concurrency=kw.pop("concurrency", 20)),
            retry=kw.pop("retry", RetryPolicy(max_attempts=1)),
            breaker=kw.pop("breaker", BreakerPolicy(fail_max=50)),
        )
    }


max_window = procs.max_window


# ---------------------------------------------------------------------------- the scripts


async def test_gcra_spaces_slots_on_the_server_clock_and_lanes_stop_at_their_horizon(
    raw: aioredis.Redis, namespace: str
) -> None:
    store = RedisStore(raw, namespace=namespace, owns_client=False)
    common = {"interval_s": 0.01, "probe_token": None, "probe_ttl_s": 1.0}
    first = await store.reserve("s", horizons_s=[0.05] * 10, **common)
    assert first.granted == 6  # slots at +0, +10, ... +50 ms: the 7th would be 60 ms ahead
    assert first.first_s == pytest.approx(0.0, abs=0.002)
    assert first.retry_s == pytest.approx(0.01, abs=0.002)
    live = await store.reserve("s", horizons_s=[1.0] * 3, **common)
    assert live.granted == 3  # LIVE may book further ahead: right after them
    assert 0.04 < live.first_s <= 0.0601  # 60 ms after the first slot, less the time since
    tat = int(await raw.get(store.key("s", "tat")))
    secs, micros = await raw.time()
    assert tat - (secs * 1_000_000 + micros) == pytest.approx(90_000, abs=3_000)
    assert await raw.pttl(store.key("s", "tat")) > 0  # never a key that lives forever


async def test_breaker_script_transitions_and_one_probe(
    raw: aioredis.Redis, namespace: str
) -> None:
    store = RedisStore(raw, namespace=namespace, owns_client=False)
    policy = {"fail_max": 2, "reset_timeout_s": 0.2, "success_threshold": 1}
    state = await store.report("s", kind="failure", generation=0, probe_token=None, **policy)
    assert (state.breaker, state.failures) == ("closed", 1)
    state = await store.report("s", kind="failure", generation=0, probe_token=None, **policy)
    assert (state.breaker, state.generation) == ("open", 1)
    assert 0.15 < state.open_left_s <= 0.2
    stale = await store.report("s", kind="failure", generation=0, probe_token=None, **policy)
    assert stale.generation == 1  # an outcome from before the transition changes nothing
    common = {"interval_s": 0.01, "horizons_s": [1.0], "probe_ttl_s": 5.0}
    denied = await store.reserve("s", probe_token="a", **common)
    assert (denied.granted, denied.probe, denied.state.breaker) == (0, False, "open")
    await anyio.sleep(0.25)
    won = await store.reserve("s", probe_token="a", **common)
    lost = await store.reserve("s", probe_token="b", **common)
    assert (won.probe, won.granted, won.state.breaker, won.state.generation) == (
        True,
        1,
        "half-open",
        2,
    )
    assert (lost.probe, lost.granted) == (False, 0)
    again = await store.reserve("s", probe_token="a", **common)
    assert again.probe  # the holder asking again (its slot was deferred) is still the probe
    state = await store.report("s", kind="probe_success", generation=2, probe_token="a", **policy)
    assert (state.breaker, state.generation) == ("closed", 3)
    assert await raw.exists(store.key("s", "probe")) == 0


async def test_pause_and_credits_scripts(raw: aioredis.Redis, namespace: str) -> None:
    store = RedisStore(raw, namespace=namespace, owns_client=False)
    assert await store.pause("s", 0.5) == pytest.approx(0.5, abs=0.01)
    assert await store.pause("s", 0.1) == pytest.approx(0.5, abs=0.01)  # only ever extends
    booked = await store.reserve(
        "s", interval_s=0.01, horizons_s=[1.0], probe_token=None, probe_ttl_s=1
    )
    assert booked.first_s == pytest.approx(0.5, abs=0.01)  # the first slot after the pause
    assert booked.state.pause_left_s == pytest.approx(0.5, abs=0.01)
    ok = await store.credits_reserve("o", member="t1|3.0", cost=3, ttl_s=10, floor=0)
    assert ok.ok
    assert ok.remaining is None
    await store.credits_settle(
        "o", member="t1|3.0", charged=3, remaining=10, used=90, stale_window_s=60
    )
    await store.credits_settle(
        "o", member=None, charged=0, remaining=13, used=87, stale_window_s=60
    )
    totals = await store.credits_totals("o")
    assert (totals.remaining, totals.used, totals.spent, totals.reserved) == (10, 90, 3, 0)
    assert (await store.credits_reserve("o", member="t2|8.0", cost=8, ttl_s=10, floor=0)).ok
    refused = await store.credits_reserve("o", member="t3|3.0", cost=3, ttl_s=10, floor=0)
    assert (refused.ok, refused.remaining, refused.reserved) == (False, 10, 8)


async def test_scripts_reload_after_the_server_forgets_them(
    raw: aioredis.Redis, namespace: str
) -> None:
    store = RedisStore(raw, namespace=namespace, owns_client=False)
    await store.pause("s", 0.1)
    await raw.script_flush()
    assert await store.pause("s", 0.2) > 0.1
    assert store.script_reloads == 1


# ---------------------------------------------------------------------------- two clients


async def test_two_clients_share_one_rate_at_the_upstream(
    redis_url: str, namespace: str, raw: aioredis.Redis, fake: FakeUpstream
) -> None:
    rate = 40.0
    fake.rate_limit("statsapi", rate, burst=rate / 2)  # tolerates a 0.5 s stall
    async with (
        RedisCoordination(redis_url, namespace=namespace) as c1,
        RedisCoordination(redis_url, namespace=namespace) as c2,
        AsyncClient(sources=statsapi(fake, rate), cache=None, coordination=c1) as a,
        AsyncClient(sources=statsapi(fake, rate), cache=None, coordination=c2) as b,
    ):
        fake.reset_counts()
        await procs.drive((a, b), 2.0, 15)
        assert c1.metrics().redis_grants > 10
        assert c2.metrics().redis_grants > 10
    seen = fake.requests("statsapi")
    assert all(r.status == 200 for r in seen)  # no 429: never over the server's bucket
    assert max_window([r.time for r in seen]) <= rate * 1.1 + 1  # 2x without coordination
    assert len(seen) >= rate * 2 * 0.8


async def test_lanes_hold_across_clients(
    redis_url: str, namespace: str, raw: aioredis.Redis, fake: FakeUpstream
) -> None:
    rate = 50.0
    async with (
        RedisCoordination(redis_url, namespace=namespace) as c1,
        RedisCoordination(redis_url, namespace=namespace) as c2,
        AsyncClient(
            sources=statsapi(fake, rate, concurrency=50), cache=None, coordination=c1
        ) as hist,
        AsyncClient(sources=statsapi(fake, rate), cache=None, coordination=c2) as live,
    ):

        async def one() -> None:
            await hist.request("statsapi", "GET", "/api/v1/teams", lane=Lane.HISTORICAL)

        async with anyio.create_task_group() as tg:
            for _ in range(150):
                tg.start_soon(one)
            await anyio.sleep(0.5)  # HISTORICAL saturates the shared rate
            for _ in range(8):
                await live.request("statsapi", "GET", "/api/v1/teams", lane=Lane.LIVE)
                await anyio.sleep(0.05)
        live_wait = live.metrics()["statsapi"].limiter_wait[Lane.LIVE]
        hist_wait = hist.metrics()["statsapi"].limiter_wait[Lane.HISTORICAL]
    # LIVE waits behind at most HISTORICAL's horizon (50 ms) + an interval (20 ms) + round trips;
    # the flood's callers wait seconds.
    assert live_wait.count == 8
    assert live_wait.p95_s < 0.25  # (slack for a loaded machine)
    assert hist_wait.p95_s > 1.0


async def test_retry_after_seen_by_one_client_pauses_the_other(
    redis_url: str, namespace: str, raw: aioredis.Redis, fake: FakeUpstream
) -> None:
    retry = RetryPolicy(max_attempts=1, max_retry_after_s=10)
    async with (
        RedisCoordination(redis_url, namespace=namespace) as c1,
        RedisCoordination(redis_url, namespace=namespace) as c2,
        AsyncClient(sources=statsapi(fake, 20.0, retry=retry), cache=None, coordination=c1) as a,
        AsyncClient(sources=statsapi(fake, 20.0, retry=retry), cache=None, coordination=c2) as b,
    ):
        fake.faults("statsapi", "/api/v1/teams", rate_limited=1.0, retry_after_s=2)
        with pytest.raises(RateLimitedError):
            await a.request("statsapi", "GET", "/api/v1/teams")
        paused_at = time.monotonic()
        fake.clear_faults()
        await anyio.sleep(0.1)  # a's outbox publishes the pause
        await b.request("statsapi", "GET", "/api/v1/teams", params={"season": 2024})
        assert time.monotonic() - paused_at >= 1.9  # b waited for the pause it never saw
        assert c2.metrics().shared_pauses == 0
        assert c1.metrics().shared_pauses == 1
    seen = fake.requests("statsapi")
    assert [r.status for r in seen] == [429, 200]  # a's 429, then b's request after the pause
    assert "season=2024" in seen[1].query
    assert seen[1].time - seen[0].time >= 1.9


async def test_odds_api_credits_are_shared(
    redis_url: str, namespace: str, raw: aioredis.Redis, fake: FakeUpstream
) -> None:
    fake.set_odds_api_credits(5)

    def client(coordination: RedisCoordination) -> AsyncClient:
        return AsyncClient(
            api_keys=ApiKeys(odds_api=fake.api_keys["odds_api"]),
            base_urls={"odds_api": fake.base_urls["odds_api"]},
            cache=None,
            coordination=coordination,
            retry=RetryPolicy(max_attempts=1),
        )

    async with (
        RedisCoordination(redis_url, namespace=namespace) as c1,
        RedisCoordination(redis_url, namespace=namespace) as c2,
        client(c1) as a,
        client(c2) as b,
    ):
        await a.odds_api.odds(markets=("h2h", "totals"))  # 2 credits, 3 left
        await anyio.sleep(0.1)  # the settlement is written in the background
        await b.odds_api.odds(markets=("h2h", "totals"))  # 2 more: 1 left
        await anyio.sleep(0.1)
        with pytest.raises(QuotaExceededError) as info:
            await a.odds_api.odds(markets=("h2h", "totals"))  # would overdraw: refused here
        assert info.value.error_code == "FLEET_CREDITS_EXHAUSTED"
        totals = await c1.credit_ledger("odds_api").totals()
        assert (totals.remaining, totals.spent, totals.reserved) == (1, 4, 0)
    assert fake.count("odds_api", "/v4/sports/baseball_mlb/odds") == 2  # the third never left
    assert fake.odds_api_credits_used == 4


# ---------------------------------------------------------------------------- processes


class Processes:
    def __init__(self) -> None:
        self.started: list[Any] = []

    def start(self, target: Any, *args: Any) -> Any:
        proc = SPAWN.Process(target=target, args=args, daemon=True)
        proc.start()
        self.started.append(proc)
        return proc

    def join_all(self, timeout_s: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout_s
        for proc in self.started:
            proc.join(max(0.0, deadline - time.monotonic()))
        assert [p.exitcode for p in self.started] == [0] * len(self.started)

    def kill_all(self) -> None:
        for proc in self.started:
            if proc.is_alive():
                proc.kill()
                proc.join(10)


@pytest.fixture
def processes() -> Iterator[Processes]:
    group = Processes()
    try:
        yield group
    finally:
        group.kill_all()


def collect(results: Any, n: int) -> list[dict[str, Any]]:
    out = []
    for _ in range(n):
        try:
            out.append(results.get(timeout=START_TIMEOUT_S))
        except queue.Empty:
            pytest.fail(f"only {len(out)} of {n} workers reported")
    return out


def start_workers(processes: Processes, n: int, target: Any, *args: Any) -> tuple[Any, Any]:
    go, results = SPAWN.Event(), SPAWN.Queue()
    readies = [SPAWN.Event() for _ in range(n)]
    for ready in readies:
        processes.start(target, *args, ready, go, results)
    for ready in readies:
        assert ready.wait(START_TIMEOUT_S), "a worker did not start"
    return go, results


async def test_separate_processes_share_the_rate_with_no_429(
    redis_url: str, namespace: str, raw: aioredis.Redis, fake: FakeUpstream, processes: Processes
) -> None:
    rate, seconds = 50.0, 3.0
    fake.rate_limit("statsapi", rate, burst=rate / 2)  # tolerates a 0.5 s stall
    go, results = start_workers(
        processes,
        3,
        procs.hammer,
        redis_url,
        namespace,
        fake.base_urls["statsapi"],
        rate,
        seconds,
        10,
        int(Lane.PROPS),
    )
    fake.reset_counts()
    go.set()
    reports = collect(results, 3)
    processes.join_all()
    seen = fake.requests("statsapi")
    assert sum(r["errors"] for r in reports) == 0
    assert all(r["ok"] > 0 for r in reports)  # every process got its share
    assert all(r.status == 200 for r in seen)
    assert max_window([r.time for r in seen]) <= rate * 1.1 + 1  # 2x without coordination
    assert len(seen) >= rate * seconds * 0.8


async def test_breaker_opened_in_one_process_fails_fast_in_another(
    redis_url: str, namespace: str, raw: aioredis.Redis, fake: FakeUpstream, processes: Processes
) -> None:
    fake.faults("statsapi", "/api/v1/teams", server_error=1.0)
    go, results = start_workers(
        processes, 1, procs.break_then_report, redis_url, namespace, fake.base_urls["statsapi"]
    )
    go.set()
    (report,) = collect(results, 1)
    processes.join_all()
    assert report["state"] == "open"
    assert report["outcomes"][:3] == ["SourceServerError"] * 3
    fake.clear_faults()
    fake.reset_counts()
    # This process never saw a failure: its first call learns "open" and fails fast.
    async with (
        RedisCoordination(redis_url, namespace=namespace) as coordination,
        AsyncClient(
            sources=statsapi(fake, None, breaker=BreakerPolicy(fail_max=3, reset_timeout_s=30)),
            cache=None,
            coordination=coordination,
        ) as client,
    ):
        for _ in range(3):
            with pytest.raises(CircuitOpenError):
                await client.request("statsapi", "GET", "/api/v1/teams")
        assert client.metrics()["statsapi"].breaker_state == "open"
    assert fake.count("statsapi") == 0


# ---------------------------------------------------------------------------- Redis down


async def test_redis_down_falls_back_locally_and_recovers(
    own_redis: RedisProcess, fake: FakeUpstream, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="savantsdk")
    rate = 20.0
    url = f"redis://127.0.0.1:{own_redis.port}/0"
    async with (
        RedisCoordination(url, fallback_share=0.5, timeout_s=0.3, retry_interval_s=0.5) as coord,
        AsyncClient(sources=statsapi(fake, rate), cache=None, coordination=coord) as client,
    ):

        async def burst(n: int) -> list[float]:
            times: list[float] = []

            async def one() -> None:
                await client.request("statsapi", "GET", "/api/v1/teams")
                times.append(time.monotonic())

            async with anyio.create_task_group() as tg:
                for _ in range(n):
                    tg.start_soon(one)
            return times

        await burst(10)
        assert coord.metrics().redis_grants == 10
        own_redis.stop()
        t0 = time.monotonic()
        down = await burst(20)  # no error: a local limiter at 10/s
        assert coord.metrics().fallback_active
        assert coord.metrics().fallback_grants >= 15
        assert max_window(down) <= rate * 0.5 + 1
        assert max(down) - t0 >= 1.4
        own_redis.start()
        await anyio.sleep(0.6)
        before = coord.metrics().redis_grants
        await burst(10)
        m = coord.metrics()
        assert not m.fallback_active
        assert m.redis_grants >= before + 9
        assert m.incidents == 1
    messages = [r.getMessage() for r in caplog.records if "coordination" in r.getMessage()]
    assert len([m for m in messages if "unavailable" in m]) == 1
    assert len([m for m in messages if "is back" in m]) == 1

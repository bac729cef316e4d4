"""``await client.health()``: passive state, probes on the fake clock, cache, redaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

import anyio
import httpx
import orjson
import pytest

from savantsdk import (
    ApiKeys,
    AsyncClient,
    BreakerPolicy,
    CacheError,
    Client,
    ConfigurationError,
    NotFoundError,
    SourceServerError,
)
from savantsdk._clock import FakeClock
from savantsdk._health import Health, HealthStatus
from savantsdk.cache import Cache
from savantsdk.testing import no_backoff

pytestmark = pytest.mark.anyio

ODDS_KEY = "odds-key-0123456789abcdef"
NO_RETRY = no_backoff(1)
URLS = {
    "savant": "https://savant.test",
    "statsapi": "https://stats.test",
    "prizepicks": "https://pp.test",
    "odds_api": "https://odds.test",
    "sportradar": "https://sr.test",
    "chadwick": "https://register.test",
}
HOSTS = {v.removeprefix("https://"): k for k, v in URLS.items()}

Handler = Callable[[httpx.Request], httpx.Response]


class Upstream:
    """A MockTransport whose answer per source can be swapped mid-test; records requests."""

    def __init__(self) -> None:
        self.answers: dict[str, Handler] = {}
        self.seen: list[tuple[str, str, str]] = []
        self.hang = anyio.Event()

    def transport(self) -> httpx.MockTransport:
        async def handle(request: httpx.Request) -> httpx.Response:
            source = HOSTS[request.url.host]
            self.seen.append((source, request.method, str(request.url)))
            answer = self.answers.get(source)
            if answer is None:
                return httpx.Response(200, json={})
            if answer is HANG:
                await self.hang.wait()
            return answer(request)

        return httpx.MockTransport(handle)


def HANG(request: httpx.Request) -> httpx.Response:  # a sentinel handler
    return httpx.Response(200)


def status(code: int, body: object = None, headers: Mapping[str, str] | None = None) -> Handler:
    return lambda request: httpx.Response(code, json={} if body is None else body, headers=headers)


def make_client(up: Upstream, clock: FakeClock | None = None, **kw: object) -> AsyncClient:
    return AsyncClient(
        base_urls=URLS,
        http_transport=up.transport(),
        clock=clock or FakeClock(autojump=True),
        retry=NO_RETRY,
        **kw,  # type: ignore[arg-type]
    )


async def test_a_fresh_client_is_ok_and_sends_nothing(clean_env: pytest.MonkeyPatch) -> None:
    up = Upstream()
    async with make_client(up) as client:
        health = await client.health()
    assert isinstance(health, Health)
    assert health.status is HealthStatus.OK
    assert health.http_status == 200
    assert up.seen == []
    assert set(health.sources) == set(URLS)
    assert not any(s.used for s in health.sources.values())
    assert health.sources["odds_api"].configured is False  # no key given
    assert health.sources["savant"].configured is True
    assert health.cache.enabled
    assert health.cache.backend == "MemoryCache"
    assert health.cache.reachable is True
    assert health.checked_at == datetime.fromtimestamp(client.clock.time(), tz=UTC)


async def test_a_failed_call_degrades_its_source_until_a_success(
    clean_env: pytest.MonkeyPatch,
) -> None:
    up = Upstream()
    clock = FakeClock(autojump=True)
    up.answers["statsapi"] = status(503, {"message": f"upstream saw apiKey={ODDS_KEY}"})
    async with make_client(up, clock, api_keys=ApiKeys(odds_api=ODDS_KEY)) as client:
        with pytest.raises(SourceServerError):
            await client.request("statsapi", "GET", "/api/v1/schedule")
        failed_at = clock.time()
        health = await client.health()
        stats = health.sources["statsapi"]
        assert stats.status is HealthStatus.DEGRADED
        assert stats.reasons == ("the last call failed",)
        assert stats.used
        assert (stats.requests, stats.failures) == (1, 1)
        assert stats.last_error is not None
        assert stats.last_error.startswith("SourceServerError: ")
        assert "503" in stats.last_error
        assert stats.last_error_at == datetime.fromtimestamp(failed_at, tz=UTC)
        assert stats.last_success_at is None
        assert health.status is HealthStatus.DEGRADED
        assert health.http_status == 200
        assert ODDS_KEY not in orjson.dumps(health.to_dict()).decode()

        clock.advance(5)
        up.answers["statsapi"] = status(200, {"dates": []})
        await client.request("statsapi", "GET", "/api/v1/schedule")
        health = await client.health()
        stats = health.sources["statsapi"]
        assert stats.status is HealthStatus.OK
        assert stats.reasons == ()
        assert stats.last_success_at == datetime.fromtimestamp(failed_at + 5, tz=UTC)
        assert stats.last_error is not None  # kept, but older than the success
        assert health.status is HealthStatus.OK


async def test_caller_errors_and_fail_fast_do_not_replace_the_last_error(
    clean_env: pytest.MonkeyPatch,
) -> None:
    up = Upstream()
    up.answers["statsapi"] = status(503)
    breaker = BreakerPolicy(fail_max=1, reset_timeout_s=60)
    async with make_client(up, breaker=breaker) as client:
        with pytest.raises(SourceServerError):
            await client.request("statsapi", "GET", "/a")
        with pytest.raises(Exception, match="circuit"):
            await client.request("statsapi", "GET", "/b")  # breaker open: fail fast
        up.answers["savant"] = status(404)
        with pytest.raises(NotFoundError):
            await client.request("savant", "GET", "/missing")
        snaps = client.metrics()
    assert snaps["statsapi"].failures == 2
    assert snaps["statsapi"].last_error is not None
    assert snaps["statsapi"].last_error.startswith("SourceServerError")
    assert snaps["savant"].failures == 1
    assert snaps["savant"].last_error is None  # a 404 is the caller's input, not the source


async def test_open_breaker_is_down_and_critical_sources_decide_overall(
    clean_env: pytest.MonkeyPatch,
) -> None:
    up = Upstream()
    up.answers["statsapi"] = status(503)
    breaker = BreakerPolicy(fail_max=1, reset_timeout_s=60)
    async with make_client(up, breaker=breaker) as client:
        with pytest.raises(SourceServerError):
            await client.request("statsapi", "GET", "/api/v1/schedule")
        health = await client.health()
        assert health.sources["statsapi"].status is HealthStatus.DOWN
        assert health.sources["statsapi"].breaker_state == "open"
        assert "circuit breaker open" in health.sources["statsapi"].reasons
        # the only source used is down: the whole client is down
        assert health.status is HealthStatus.DOWN
        assert health.http_status == 503

        await client.request("savant", "GET", "/")
        health = await client.health()
        assert health.status is HealthStatus.DEGRADED  # savant still serves
        health = await client.health(critical=["statsapi"])
        assert health.status is HealthStatus.DOWN
        health = await client.health(critical=["savant"])
        assert health.status is HealthStatus.DEGRADED
        with pytest.raises(ConfigurationError):
            await client.health(critical=["espn"])


@pytest.mark.parametrize(
    ("remaining", "expected"), [("0", HealthStatus.DOWN), ("42", HealthStatus.OK)]
)
async def test_odds_api_credits_come_from_the_quota_headers(
    clean_env: pytest.MonkeyPatch, remaining: str, expected: HealthStatus
) -> None:
    up = Upstream()
    headers = {"x-requests-remaining": remaining, "x-requests-used": "458", "x-requests-last": "0"}
    up.answers["odds_api"] = status(200, [], headers)
    async with make_client(up, api_keys=ApiKeys(odds_api=ODDS_KEY)) as client:
        await client.odds_api.refresh_quota()
        odds = (await client.health()).sources["odds_api"]
    assert odds.configured
    assert odds.quota_remaining == float(remaining)
    assert odds.quota_used == 458.0
    assert odds.status is expected
    assert ("quota exhausted" in odds.reasons) is (expected is HealthStatus.DOWN)


async def test_probe_sends_one_cheap_request_per_source(clean_env: pytest.MonkeyPatch) -> None:
    up = Upstream()
    up.answers["savant"] = status(404)
    up.answers["statsapi"] = status(503)

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    up.answers["prizepicks"] = refuse
    up.answers["sportradar"] = status(403)
    up.answers["odds_api"] = status(200, [], {"x-requests-remaining": "100"})
    async with make_client(up, api_keys=ApiKeys(odds_api=ODDS_KEY)) as client:
        health = await client.health(probe=True)
    by_source = {s: (m, url) for s, m, url in up.seen}
    assert len(up.seen) == 6  # one each, no retry
    assert by_source["savant"] == ("HEAD", "https://savant.test/")
    assert by_source["chadwick"] == ("HEAD", "https://register.test/")
    assert by_source["sportradar"] == ("HEAD", "https://sr.test/")  # no key: no quota spent
    method, url = by_source["odds_api"]
    assert method == "GET"
    assert url.startswith("https://odds.test/v4/sports")  # free, and refreshes the credits
    s = health.sources
    probe = s["savant"].probe
    assert probe is not None
    assert (probe.reachable, probe.ok, probe.status_code) == (True, True, 404)
    assert s["savant"].status is HealthStatus.OK
    assert s["savant"].failures == 0  # an answered HEAD is a success for the executor
    assert s["sportradar"].status is HealthStatus.OK  # 403 to a keyless HEAD: host is up
    assert s["statsapi"].status is HealthStatus.DOWN
    probe = s["statsapi"].probe
    assert probe is not None
    assert (probe.reachable, probe.ok, probe.status_code) == (False, False, 503)
    assert "unreachable" in s["statsapi"].reasons
    probe = s["prizepicks"].probe
    assert probe is not None
    assert probe.error is not None
    assert probe.error.startswith("SourceConnectionError")
    assert s["prizepicks"].status is HealthStatus.DOWN
    assert s["odds_api"].status is HealthStatus.OK
    assert s["odds_api"].quota_remaining == 100.0
    assert health.status is HealthStatus.DEGRADED
    assert ODDS_KEY not in orjson.dumps(health.to_dict()).decode()


async def test_probe_gives_up_after_timeout_s_on_the_clock(clean_env: pytest.MonkeyPatch) -> None:
    up = Upstream()
    up.answers["savant"] = HANG
    clock = FakeClock(autojump=True)
    async with make_client(up, clock) as client:
        start = clock.monotonic()
        health = await client.health(probe=["savant"], timeout_s=1.5)
        assert clock.monotonic() - start == pytest.approx(1.5)
    savant = health.sources["savant"]
    assert savant.probe is not None
    assert savant.probe.reachable is False
    assert savant.probe.error == "no answer within 1.5 s"
    assert savant.probe.latency_s == pytest.approx(1.5)
    assert savant.status is HealthStatus.DOWN
    assert [s for s, _, _ in up.seen] == ["savant"]  # only the source named
    assert health.status is HealthStatus.DOWN  # the only source probed is down


async def test_bad_arguments(clean_env: pytest.MonkeyPatch) -> None:
    async with make_client(Upstream()) as client:
        with pytest.raises(ConfigurationError):
            await client.health(probe=["espn"])
        for bad in (0, -1, float("nan"), 61, True):
            with pytest.raises(ConfigurationError):
                await client.health(timeout_s=bad)


class _Backend:
    """A byte store that reports itself unavailable, like RedisCache during an outage."""

    def __init__(self, *, available: bool, ping_fails: bool = False) -> None:
        self.available = available
        self.ping_fails = ping_fails

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        return [None] * len(keys)

    async def set_many(self, items: Mapping[str, bytes], *, ttl_s: float | None) -> None:
        return None

    async def delete(self, keys: Sequence[str]) -> int:
        return 0

    async def aclose(self) -> None:
        return None

    async def ping(self) -> bool:
        if self.ping_fails:
            raise CacheError("Redis PING failed: ConnectionError: refused")
        return True


async def test_an_unreachable_cache_degrades_but_never_downs(
    clean_env: pytest.MonkeyPatch,
) -> None:
    up = Upstream()
    clock = FakeClock(autojump=True)
    cache = Cache(_Backend(available=False), clock=clock)
    async with make_client(up, clock, cache=cache) as client:
        health = await client.health()
    assert health.cache.reachable is False
    assert health.cache.backend == "_Backend"
    assert health.cache.status is HealthStatus.DEGRADED
    assert health.status is HealthStatus.DEGRADED

    cache = Cache(_Backend(available=True, ping_fails=True), clock=clock)
    async with make_client(up, clock, cache=cache) as client:
        passive = await client.health()
        probed = await client.health(probe=["savant"])
    assert passive.cache.reachable is True
    assert probed.cache.reachable is False
    assert probed.cache.error is not None
    assert "PING failed" in probed.cache.error


async def test_cache_hit_rate_and_disabled_cache(clean_env: pytest.MonkeyPatch) -> None:
    up = Upstream()
    async with make_client(up) as client:
        assert client.cache is not None
        await client.cache.set("k", 1, kind="reference")
        for _ in range(3):
            await client.cache.get("k")
        await client.cache.get("missing")
        health = await client.health()
    assert health.cache.lookups == 4
    assert health.cache.hit_rate == pytest.approx(0.75)
    async with make_client(up, cache=None) as client:
        health = await client.health()
    assert not health.cache.enabled
    assert health.cache.backend is None
    assert health.cache.status is HealthStatus.OK


def test_the_blocking_client_has_health_too(clean_env: pytest.MonkeyPatch) -> None:
    up = Upstream()
    up.answers["statsapi"] = status(503)
    with Client(base_urls=URLS, http_transport=up.transport(), retry=NO_RETRY, cache=None) as c:
        with pytest.raises(SourceServerError):
            c.request("statsapi", "GET", "/x")
        health = c.health()
    assert isinstance(health, Health)
    assert health.sources["statsapi"].status is HealthStatus.DEGRADED

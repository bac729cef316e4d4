"""OddsApiClient over httpx.MockTransport serving the real recorded payloads."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from hypothesis import given, settings, strategies as st

from savantsdk import ApiKeys, BreakerPolicy
from savantsdk._client import AsyncClient
from savantsdk._clock import FakeClock
from savantsdk.cache import Cache, MemoryCache
from savantsdk.exceptions import (
    BadRequestError,
    ConfigurationError,
    QuotaExceededError,
    RateLimitedError,
    SourceDecodeError,
    SourceServerError,
    SourceTimeoutError,
    UnauthorizedError,
)
from savantsdk.sources import MLB_PLAYER_PROP_MARKETS, OddsFormat, Quota
from savantsdk.sources._odds_api import OddsApiClient
from savantsdk.testing import no_backoff

DataFile = Callable[[str], Path]
Handler = Callable[[httpx.Request], httpx.Response]
BASE = "https://odds.test"
KEY = "0dd5a91c0ffee5ecret7e57ab1e0dd5a9"  # looks like a real 32-char key
SPORTS = "markets/the_odds_api/v4_sports_2025-05-16_bellanov.json"
ODDS_2024 = (
    "markets/the_odds_api/v4_odds_baseball_mlb_2024-05-24_h2h_us-eu_american_mgilbertsonund.json"
)
ODDS_2023 = "markets/the_odds_api/v4_odds_baseball_mlb_2023-08-23_h2h_decimal_freegroceries.json"
EVENTS = "markets/the_odds_api/v4_events_soccer_germany_bundesliga_2025-11_ynnickw.json"
PROPS = "markets/the_odds_api/v4_event_odds_soccer_player_props_2025-11_ynnickw.json"
PROPS_EVENT = "5a2fa066190fb45e3934bbe943d5f56e"
QUOTA_HEADERS = {"x-requests-remaining": "19432", "x-requests-used": "568", "x-requests-last": "1"}


class Recorder:
    """A MockTransport handler: serves ``responses`` in order (the last one repeats)."""

    def __init__(self, *responses: httpx.Response | Callable[[httpx.Request], httpx.Response]):
        self.responses = list(responses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        item = self.responses.pop(0) if len(self.responses) > 1 else self.responses[0]
        return item(request) if callable(item) else item


def ok(body: bytes, headers: Mapping[str, str] | None = None) -> httpx.Response:
    return httpx.Response(200, content=body, headers=dict(headers or QUOTA_HEADERS))


def error(status: int, code: str, message: str) -> httpx.Response:
    return httpx.Response(
        status,
        json={
            "message": message,
            "error_code": code,
            "details_url": f"https://the-odds-api.com/liveapi/guides/v4/api-error-codes.html#{code}",
        },
    )


def make_client(
    handler: Handler,
    *,
    key: str | None = KEY,
    attempts: int = 3,
    cache: Any = None,
    hooks: tuple[Any, ...] = (),
) -> AsyncClient:
    kw: dict[str, Any] = {} if cache is None else {"cache": cache}
    return AsyncClient(
        api_keys=ApiKeys(odds_api=key),
        base_urls={"odds_api": BASE},
        http_transport=httpx.MockTransport(handler),
        retry=no_backoff(attempts),
        breaker=BreakerPolicy(fail_max=50),
        clock=FakeClock(autojump=True),
        hooks=hooks,
        **kw,
    )


@pytest.mark.anyio
async def test_missing_key_fails_before_any_request(clean_env: pytest.MonkeyPatch) -> None:
    rec = Recorder(ok(b"[]"))
    async with make_client(rec, key=None) as client:
        odds = OddsApiClient(client)
        for call in (odds.sports(), odds.events(), odds.event_odds(PROPS_EVENT)):
            with pytest.raises(ConfigurationError, match="SAVANTSDK_ODDS_API_KEY") as info:
                await call
            assert info.value.setting == "ApiKeys.odds_api"
    assert rec.requests == []


@pytest.mark.anyio
async def test_sports_is_free_and_reads_the_quota(
    clean_env: pytest.MonkeyPatch, data_file: DataFile
) -> None:
    headers = {"x-requests-remaining": "480", "x-requests-used": "20", "x-requests-last": "0"}
    rec = Recorder(ok(data_file(SPORTS).read_bytes(), headers))
    async with make_client(rec) as client:
        odds = OddsApiClient(client, budget=0)  # a zero budget still allows free calls
        sports = (await odds.sports()).value
        assert odds.quota == Quota(remaining=480, used=20, last=0)
        assert odds.usage.spent == 0
        assert await odds.refresh_quota() == Quota(remaining=480, used=20, last=0)
    assert len(sports) == 80
    mlb = next(s for s in sports if s.key == "baseball_mlb")
    assert (mlb.title, mlb.active) == ("MLB", True)
    assert len(rec.requests) == 2  # refresh_quota bypasses the cache
    assert rec.requests[0].url.path == "/v4/sports"
    assert rec.requests[0].url.params["apiKey"] == KEY


@pytest.mark.anyio
async def test_bulk_odds_real_payload_quota_and_cache(
    clean_env: pytest.MonkeyPatch, data_file: DataFile
) -> None:
    rec = Recorder(ok(data_file(ODDS_2024).read_bytes(), {**QUOTA_HEADERS, "x-requests-last": "2"}))
    async with make_client(rec) as client:
        odds = OddsApiClient(client, budget=10)
        fetched = await odds.odds(regions=("us", "eu"))
        again = await odds.odds(regions=["us", "eu"])  # same request: a cache hit
        assert odds.usage.spent == 2  # the upstream's x-requests-last, not the estimate
        assert odds.quota == Quota(remaining=19432, used=568, last=2)
    assert len(rec.requests) == 1
    params = rec.requests[0].url.params
    assert rec.requests[0].url.path == "/v4/sports/baseball_mlb/odds"
    assert (params["markets"], params["regions"], params["oddsFormat"]) == (
        "h2h",
        "us,eu",
        "american",
    )
    events = fetched.value
    assert len(events) == 9
    first = events[0]
    assert first.id == "8c2b639e6aa80a53f165c03dab273d8c"
    assert (first.home_team, first.away_team) == ("Pittsburgh Pirates", "Atlanta Braves")
    assert first.odds_format is OddsFormat.AMERICAN
    fanduel = first.bookmaker("fanduel")
    assert fanduel is not None
    h2h = fanduel.market("h2h")
    assert h2h is not None
    assert [(o.name, o.price) for o in h2h.outcomes] == [
        ("Atlanta Braves", -164.0),
        ("Pittsburgh Pirates", 138.0),
    ]
    assert fetched.freshness.upstream_timestamp == datetime(2024, 5, 24, 16, 31, 47, tzinfo=UTC)
    assert again.freshness.from_cache is True
    assert again.value == events


@pytest.mark.anyio
async def test_decimal_odds_request(clean_env: pytest.MonkeyPatch, data_file: DataFile) -> None:
    rec = Recorder(ok(data_file(ODDS_2023).read_bytes()))
    async with make_client(rec) as client:
        events = (await OddsApiClient(client).odds(odds_format="decimal")).value
    assert rec.requests[0].url.params["oddsFormat"] == "decimal"
    assert events[0].odds_format is OddsFormat.DECIMAL
    dk = events[0].bookmaker("draftkings")
    assert dk is not None
    h2h = dk.market("h2h")
    assert h2h is not None
    assert [(o.name, o.price) for o in h2h.outcomes] == [
        ("Pittsburgh Pirates", 2.02),
        ("St. Louis Cardinals", 1.82),
    ]


@pytest.mark.anyio
async def test_events_and_event_odds_player_props(
    clean_env: pytest.MonkeyPatch, data_file: DataFile
) -> None:
    events_body = data_file(EVENTS).read_bytes()
    props_body = data_file(PROPS).read_bytes()

    def route(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/events"):
            return ok(events_body, {**QUOTA_HEADERS, "x-requests-last": "0"})
        return ok(props_body, {**QUOTA_HEADERS, "x-requests-last": "3"})

    rec = Recorder(route)
    async with make_client(rec) as client:
        odds = OddsApiClient(client, budget=5)
        events = (
            await odds.events(
                "soccer_germany_bundesliga",
                commence_time_from=datetime(2025, 11, 28, tzinfo=UTC),
            )
        ).value
        event = (
            await odds.event_odds(
                events[0].id,
                "soccer_germany_bundesliga",
                markets=("player_shots", "h2h", "h2h_lay"),
                odds_format="decimal",
            )
        ).value
        assert odds.usage.spent == 3
        assert odds.usage.budget_left == 2
    assert len(events) == 18
    assert rec.requests[0].url.params["commenceTimeFrom"] == "2025-11-28T00:00:00Z"
    props_request = rec.requests[1]
    assert (
        props_request.url.path == f"/v4/sports/soccer_germany_bundesliga/events/{PROPS_EVENT}/odds"
    )
    assert props_request.url.params["markets"] == "player_shots,h2h,h2h_lay"
    quotes = event.prop_quotes("player_shots")
    assert len(quotes) == 253
    kleindienst = [(q.point, q.price) for q in quotes if q.player == "Tim Kleindienst"]
    assert kleindienst[:3] == [(0.5, 1.01), (1.5, 1.08), (2.5, 1.29)]


@pytest.mark.anyio
async def test_budget_refusal_makes_zero_requests(clean_env: pytest.MonkeyPatch) -> None:
    rec = Recorder(ok(b"[]"))
    async with make_client(rec) as client:
        odds = OddsApiClient(client, budget=10)
        assert odds.estimate("event_odds", markets=MLB_PLAYER_PROP_MARKETS, regions=["us"]) == 20
        with pytest.raises(QuotaExceededError, match="no request was sent") as info:
            await odds.event_odds(PROPS_EVENT)  # 20 MLB prop markets x 1 region = 20 > 10
        assert info.value.status_code == 0
        assert info.value.error_code == "BUDGET_EXCEEDED"
        # 10 bookmakers count as one region: 3 markets x 2 region-equivalents = 6 credits.
        books = [f"book{i}" for i in range(11)]
        assert odds.estimate("odds", markets=3, bookmakers=books) == 6
        with pytest.raises(QuotaExceededError):
            await odds.event_odds(
                PROPS_EVENT,
                markets=(
                    "batter_hits",
                    "batter_total_bases",
                    "batter_hits_runs_rbis",
                    "batter_rbis",
                    "batter_runs_scored",
                    "batter_walks",
                ),
                bookmakers=books,
            )  # 6 x 2 = 12 > 10
    assert rec.requests == []


@pytest.mark.anyio
async def test_budget_accounts_for_spent_credits(
    clean_env: pytest.MonkeyPatch, data_file: DataFile
) -> None:
    body = data_file(ODDS_2024).read_bytes()
    rec = Recorder(ok(body, {**QUOTA_HEADERS, "x-requests-last": "3"}))
    async with make_client(rec) as client:
        odds = OddsApiClient(client, budget=5)
        await odds.odds(markets=("h2h", "spreads", "totals"))  # estimate 3 <= 5: sent
        assert odds.usage.spent == 3
        with pytest.raises(QuotaExceededError):
            await odds.odds(markets=("h2h", "spreads", "totals"), regions="uk")  # 3 more > 2 left
        await odds.odds(markets="h2h,spreads,totals")  # cached: costs nothing
    assert len(rec.requests) == 1


@pytest.mark.anyio
async def test_featured_markets_only_on_bulk_endpoint(clean_env: pytest.MonkeyPatch) -> None:
    rec = Recorder(ok(b"[]"))
    async with make_client(rec) as client:
        odds = OddsApiClient(client)
        with pytest.raises(ConfigurationError, match="event_odds"):
            await odds.odds(markets=("h2h", "batter_hits"))
        with pytest.raises(ConfigurationError, match="32 lowercase hex"):
            await odds.event_odds("not-an-id")
        with pytest.raises(ConfigurationError, match="regions"):
            await odds.odds(regions=None)
        with pytest.raises(ConfigurationError, match="timezone-aware"):
            await odds.events(commence_time_from=datetime(2024, 6, 10))
    with pytest.raises(ConfigurationError, match="budget"):
        OddsApiClient(client, budget=-1)
    assert rec.requests == []


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("response", "error", "code", "attempts"),
    [
        (error(401, "INVALID_KEY", "API key is not valid."), UnauthorizedError, "INVALID_KEY", 1),
        (
            error(401, "OUT_OF_USAGE_CREDITS", "Usage quota has been reached."),
            QuotaExceededError,
            "OUT_OF_USAGE_CREDITS",
            1,
        ),
        (
            error(422, "INVALID_MARKET", "Invalid markets: batter_aces"),
            BadRequestError,
            "INVALID_MARKET",
            1,
        ),
        (
            error(429, "EXCEEDED_FREQ_LIMIT", "Too many requests"),
            RateLimitedError,
            "EXCEEDED_FREQ_LIMIT",
            3,
        ),
        (httpx.Response(500, text="Internal Server Error"), SourceServerError, None, 3),
        (
            httpx.Response(200, text="<html><body>maintenance</body></html>"),
            SourceDecodeError,
            None,
            1,
        ),
        (
            httpx.Response(200, content=b'{"id": "5a2fa066190fb45e3934bbe943d5f56e", "bookm'),
            SourceDecodeError,
            None,
            1,
        ),
    ],
    ids=["invalid-key", "out-of-credits", "invalid-market", "429", "500", "html", "truncated"],
)
async def test_error_bodies_are_typed_and_retried_only_when_retryable(
    clean_env: pytest.MonkeyPatch,
    response: httpx.Response,
    error: type[Exception],
    code: str | None,
    attempts: int,
) -> None:
    rec = Recorder(response)
    async with make_client(rec) as client:
        odds = OddsApiClient(client, budget=100)
        with pytest.raises(error) as info:
            await odds.event_odds(PROPS_EVENT, markets=("batter_hits",))
        if code is not None:
            assert getattr(info.value, "error_code", None) == code
        assert len(rec.requests) == attempts
        # Error statuses are not billed; a 200 without quota headers is charged the estimate
        # (the budget errs on the safe side when the upstream does not say).
        assert odds.usage.spent == (1 if response.status_code == 200 else 0)
        assert odds.usage.reserved == 0
        if code == "OUT_OF_USAGE_CREDITS":
            assert odds.quota is not None
            assert odds.quota.remaining == 0
        # Nothing was cached: the same call goes upstream again.
        with pytest.raises(error):
            await odds.event_odds(PROPS_EVENT, markets=("batter_hits",))
        assert len(rec.requests) == 2 * attempts


@pytest.mark.anyio
async def test_timeouts_are_retried(clean_env: pytest.MonkeyPatch, data_file: DataFile) -> None:
    body = data_file(PROPS).read_bytes()
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls <= 2:
            raise httpx.ConnectTimeout("connect timed out", request=request)
        return ok(body)

    async with make_client(handler) as client:
        event = (
            await OddsApiClient(client).event_odds(PROPS_EVENT, "soccer_germany_bundesliga")
        ).value
    assert calls == 3
    assert event.id == PROPS_EVENT


@pytest.mark.anyio
async def test_timeouts_exhaust_retries(clean_env: pytest.MonkeyPatch) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        raise httpx.ReadTimeout("read timed out", request=request)

    async with make_client(handler, attempts=2) as client:
        with pytest.raises(SourceTimeoutError):
            await OddsApiClient(client).event_odds(PROPS_EVENT)
    assert calls == 2


class RecordingHook:
    def __init__(self) -> None:
        self.labels: list[str] = []

    def on_event(self, name: str, labels: Mapping[str, str], value: float = 1.0) -> None:
        self.labels.append(f"{name} {dict(labels)!r}")

    def on_snapshot(self, source: str, snapshot: Any) -> None:
        self.labels.append(f"{source} {snapshot!r}")


@pytest.mark.anyio
async def test_api_key_never_leaks(
    clean_env: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, data_file: DataFile
) -> None:
    """Real calls through MockTransport: the key is sent, and appears nowhere else."""
    caplog.set_level(logging.DEBUG)
    body = data_file(ODDS_2024).read_bytes()
    responses = [
        ok(body),
        error(500, "INTERNAL", f"boom for key {KEY}"),  # an upstream that echoes the key
        error(500, "INTERNAL", "boom"),
        error(401, "INVALID_KEY", "API key is not valid."),
    ]
    rec = Recorder(*responses)
    hook = RecordingHook()
    backend = MemoryCache()
    texts: list[str] = []
    async with make_client(rec, cache=Cache(backend), hooks=(hook,), attempts=2) as client:
        odds = OddsApiClient(client, budget=50)
        await odds.odds()
        for _ in range(2):
            try:
                await odds.event_odds(PROPS_EVENT, markets=("batter_hits",))
            except Exception as exc:  # collect everything an exception exposes
                chain: BaseException | None = exc
                while chain is not None:
                    texts += [str(chain), repr(chain), *map(str, getattr(chain, "args", ()))]
                    texts += [str(getattr(chain, a, "")) for a in ("body", "request", "message")]
                    chain = chain.__cause__ or chain.__context__
        for executor in client.metrics().values():
            texts.append(repr(executor))
        client.executor("odds_api").publish_metrics()
        texts += [repr(odds), repr(client), repr(odds.usage), repr(client.api_keys)]
        cache_keys = list(backend._data)
    assert len(rec.requests) == 4
    assert all(r.url.params["apiKey"] == KEY for r in rec.requests)  # the key was really sent
    assert cache_keys  # something was cached, under keys without the key
    texts += cache_keys + hook.labels + [caplog.text] + [r.getMessage() for r in caplog.records]
    assert any("HTTP Request" in t for t in texts)  # httpx's own log lines were captured
    assert any("apiKey=***" in t for t in texts)
    leaks = [t for t in texts if KEY in t]
    assert leaks == []


@pytest.mark.anyio
async def test_historical_odds_cost_ten_times_and_carry_the_snapshot_time(
    clean_env: pytest.MonkeyPatch, data_file: DataFile
) -> None:
    # The historical endpoints wrap the live payload in a snapshot envelope.
    data = orjson.loads(data_file(ODDS_2024).read_bytes())
    envelope = {
        "timestamp": "2024-05-24T16:35:00Z",
        "previous_timestamp": "2024-05-24T16:30:00Z",
        "next_timestamp": "2024-05-24T16:40:00Z",
        "data": data,
    }
    rec = Recorder(ok(orjson.dumps(envelope), {**QUOTA_HEADERS, "x-requests-last": "10"}))
    async with make_client(rec) as client:
        odds = OddsApiClient(client, budget=15)
        assert odds.estimate("historical_odds", markets=1, regions=1) == 10
        fetched = await odds.historical_odds(datetime(2024, 5, 24, 16, 36, tzinfo=UTC))
        assert odds.usage.spent == 10
        with pytest.raises(QuotaExceededError, match="no request was sent"):
            await odds.historical_odds(datetime(2024, 5, 24, 18, 0, tzinfo=UTC))
        with pytest.raises(QuotaExceededError):
            await odds.historical_event_odds(
                PROPS_EVENT, datetime(2024, 5, 24, 18, 0, tzinfo=UTC), markets="batter_hits"
            )
    assert len(rec.requests) == 1
    request = rec.requests[0]
    assert request.url.path == "/v4/historical/sports/baseball_mlb/odds"
    assert request.url.params["date"] == "2024-05-24T16:36:00Z"
    assert len(fetched.value) == 9
    assert fetched.value[0].id == "8c2b639e6aa80a53f165c03dab273d8c"
    assert fetched.freshness.upstream_timestamp == datetime(2024, 5, 24, 16, 35, tzinfo=UTC)


@pytest.mark.anyio
async def test_a_payload_for_another_event_is_rejected(
    clean_env: pytest.MonkeyPatch, data_file: DataFile
) -> None:
    rec = Recorder(ok(data_file(PROPS).read_bytes()))
    other = "0123456789abcdef0123456789abcdef"
    async with make_client(rec) as client:
        with pytest.raises(SourceDecodeError, match="asked for event"):
            await OddsApiClient(client).event_odds(other, markets="player_shots")
    assert len(rec.requests) == 1


@given(
    budget=st.integers(min_value=0, max_value=200),
    calls=st.lists(
        st.tuples(st.integers(min_value=0, max_value=60), st.floats(min_value=0, max_value=1)),
        max_size=30,
    ),
)
@settings(max_examples=200, deadline=None)
def test_budget_is_never_exceeded_when_the_upstream_bills_at_most_the_estimate(
    budget: int, calls: list[tuple[int, float]]
) -> None:
    odds = OddsApiClient(AsyncClient(cache=None), budget=budget)
    for estimate, share in calls:
        committed = odds.usage.spent + odds.usage.reserved
        try:
            odds._reserve(estimate, "GET /x")
        except QuotaExceededError:
            assert estimate > 0
            assert committed + estimate > budget  # refused only when it could not fit
            continue
        charged = int(estimate * share)  # the upstream bills at most the estimate
        response = httpx.Response(200, headers={"x-requests-last": str(charged)})
        odds._settle(estimate, response)
        assert odds.usage.reserved == 0
        assert odds.usage.spent <= budget
        budget_left = odds.usage.budget_left
        assert budget_left is not None
        assert budget_left >= 0

"""MarketLines: The Odds API first, PrizePicks when it is out of credits or unavailable."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from savantsdk import ApiKeys, BreakerPolicy
from savantsdk._client import AsyncClient
from savantsdk._clock import FakeClock
from savantsdk.exceptions import BadRequestError, QuotaExceededError, UnauthorizedError
from savantsdk.ids import PlayerResolver
from savantsdk.sources import OddsType, parse_projections
from savantsdk.sources._lines import PRIZEPICKS_STAT_MARKETS, MarketLines, _day_window
from savantsdk.sources._odds_api import OddsApiClient
from savantsdk.sources._sportradar import mlb_day
from savantsdk.testing import no_backoff

DataFile = Callable[[str], Path]
KEY = "11112222333344445555666677778888"
PP_BOARD = "markets/prizepicks/projections_all_leagues_2024-06-10.json"
PROPS = "markets/the_odds_api/v4_event_odds_soccer_player_props_2025-11_ynnickw.json"
PROPS_EVENT = "5a2fa066190fb45e3934bbe943d5f56e"
OTHER_EVENT = "0123456789abcdef0123456789abcdef"
SUBSET = "chadwick/people_mlbam_mlb2015plus.csv"
DAY = date(2024, 6, 10)
QUOTA = {"x-requests-remaining": "100", "x-requests-used": "400", "x-requests-last": "1"}
OUT_OF_CREDITS = {
    "message": "Usage quota has been reached.",
    "error_code": "OUT_OF_USAGE_CREDITS",
    "details_url": "https://the-odds-api.com/liveapi/guides/v4/api-error-codes.html",
}


class Upstreams:
    """Routes by host: odds.test (a queue of responses per path kind) and pp.test."""

    def __init__(self, data_file: DataFile, *, odds: list[Any], pp: Any = None) -> None:
        self.board = data_file(PP_BOARD).read_bytes()
        self.props = data_file(PROPS).read_bytes()
        self.odds = odds
        self.pp = pp
        self.odds_calls: list[str] = []
        self.pp_calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "pp.test":
            self.pp_calls += 1
            if self.pp is not None:
                response: httpx.Response = self.pp
                return response
            return httpx.Response(200, content=self.board)
        self.odds_calls.append(request.url.path)
        item = self.odds.pop(0) if len(self.odds) > 1 else self.odds[0]
        if callable(item):
            item = item(request)
        if item == "props":
            return httpx.Response(200, content=self.props, headers=QUOTA)
        result: httpx.Response = item
        return result


def make_client(up: Upstreams, *, key: str | None = KEY, **kw: Any) -> AsyncClient:
    return AsyncClient(
        api_keys=ApiKeys(odds_api=key),
        base_urls={"odds_api": "https://odds.test", "prizepicks": "https://pp.test"},
        http_transport=httpx.MockTransport(up),
        retry=kw.pop("retry", no_backoff(2)),
        clock=FakeClock(autojump=True),
        **kw,
    )


def expected_pp_lines(data_file: DataFile, markets: frozenset[str]) -> int:
    """Count from the recording itself: standard, mapped, non-combo MLB rows of the day."""
    board = parse_projections(data_file(PP_BOARD).read_bytes(), league_id=2)
    return sum(
        1
        for p in board.projections
        if p.odds_type is OddsType.STANDARD
        and not p.is_combo
        and PRIZEPICKS_STAT_MARKETS.get(p.stat_type or "") in markets
        and p.start_time is not None
        and mlb_day(p.start_time) == DAY
    )


@pytest.mark.anyio
async def test_odds_api_serves_when_healthy(
    clean_env: pytest.MonkeyPatch, data_file: DataFile
) -> None:
    up = Upstreams(data_file, odds=["props"])
    async with make_client(up) as client:
        result = await MarketLines(client).player_lines(
            event_ids=[PROPS_EVENT], markets=("player_shots",), sport="soccer_germany_bundesliga"
        )
    assert result.served_by == ("odds_api",)
    assert result.fallback_reason is None
    assert up.pp_calls == 0
    assert len(result.lines) == 253
    first = next(line for line in result.lines if line.player == "Tim Kleindienst")
    assert (first.bookmaker, first.side, first.point, first.price) == ("onexbet", "Over", 0.5, 1.01)
    assert first.event_id == PROPS_EVENT
    assert result.quota is not None
    assert result.quota.remaining == 100
    assert [f.source for f in result.freshness] == ["odds_api"]


@pytest.mark.anyio
async def test_out_of_credits_falls_back_to_prizepicks(
    clean_env: pytest.MonkeyPatch, data_file: DataFile
) -> None:
    up = Upstreams(data_file, odds=[httpx.Response(401, json=OUT_OF_CREDITS)])
    async with make_client(up) as client:
        result = await MarketLines(client).player_lines(day=DAY)
    assert up.odds_calls == ["/v4/sports/baseball_mlb/events"]  # not retried: quota is final
    assert up.pp_calls == 1
    assert result.served_by == ("prizepicks",)
    assert result.fallback_reason is not None
    assert "QuotaExceededError" in result.fallback_reason
    assert len(result.lines) == expected_pp_lines(
        data_file, frozenset(PRIZEPICKS_STAT_MARKETS.values())
    )
    assert len(result.lines) > 50
    burnes = [line for line in result.lines if line.player == "Corbin Burnes"]
    hits_allowed = next(line for line in burnes if line.market == "pitcher_hits_allowed")
    assert (hits_allowed.point, hits_allowed.team, hits_allowed.bookmaker) == (
        4.5,
        "BAL",
        "prizepicks",
    )
    assert hits_allowed.odds_type is OddsType.STANDARD
    assert hits_allowed.price is None
    assert {line.served_by for line in result.lines} == {"prizepicks"}
    assert [f.source for f in result.freshness] == ["prizepicks"]


@pytest.mark.anyio
async def test_no_key_falls_back_without_calling_the_odds_api(
    clean_env: pytest.MonkeyPatch, data_file: DataFile
) -> None:
    up = Upstreams(data_file, odds=["props"])
    async with make_client(up, key=None) as client:
        result = await MarketLines(client).player_lines(day=DAY, markets=("pitcher_strikeouts",))
        single = await MarketLines(client).player_lines(day=DAY, markets="pitcher_strikeouts")
    assert single.lines == result.lines  # one market given as a plain string
    assert up.odds_calls == []
    assert result.served_by == ("prizepicks",)
    assert result.fallback_reason is not None
    assert "SAVANTSDK_ODDS_API_KEY" in result.fallback_reason
    assert {line.market for line in result.lines} == {"pitcher_strikeouts"}
    assert len(result.lines) == expected_pp_lines(data_file, frozenset({"pitcher_strikeouts"}))


@pytest.mark.anyio
async def test_budget_refusal_falls_back_with_zero_odds_requests(
    clean_env: pytest.MonkeyPatch, data_file: DataFile
) -> None:
    up = Upstreams(data_file, odds=["props"])
    async with make_client(up) as client:
        odds = OddsApiClient(client, budget=5)  # 20 prop markets x 1 region = 20 > 5
        result = await MarketLines(client, odds_api=odds).player_lines(event_ids=[PROPS_EVENT])
    assert up.odds_calls == []
    assert result.served_by == ("prizepicks",)
    assert result.fallback_reason is not None
    assert "budget" in result.fallback_reason


@pytest.mark.anyio
async def test_partial_failure_keeps_odds_lines_and_fills_the_rest(
    clean_env: pytest.MonkeyPatch, data_file: DataFile
) -> None:
    def by_event(request: httpx.Request) -> Any:
        if PROPS_EVENT in request.url.path:
            return "props"
        return httpx.Response(401, json=OUT_OF_CREDITS)

    up = Upstreams(data_file, odds=[by_event])
    async with make_client(up) as client:
        result = await MarketLines(client).player_lines(
            event_ids=[PROPS_EVENT, OTHER_EVENT],
            markets=("player_shots", "batter_total_bases"),
            sport="soccer_germany_bundesliga",
        )
    assert result.served_by == ("odds_api", "prizepicks")
    assert len(result.by_source("odds_api")) == 253
    pp = result.by_source("prizepicks")
    assert pp
    assert {line.market for line in pp} == {"batter_total_bases"}
    assert len(pp) == 15  # standard Total Bases lines on the recorded board (no date filter)
    assert [f.source for f in result.freshness] == ["odds_api", "prizepicks"]


@pytest.mark.anyio
async def test_server_errors_then_open_circuit_fall_back(
    clean_env: pytest.MonkeyPatch, data_file: DataFile
) -> None:
    up = Upstreams(data_file, odds=[httpx.Response(503, text="unavailable")])
    async with make_client(up, breaker=BreakerPolicy(fail_max=2)) as client:
        lines = MarketLines(client)
        first = await lines.player_lines(day=DAY, markets=("batter_total_bases",))
        assert len(up.odds_calls) == 2  # retried once, then the breaker opened
        assert first.fallback_reason is not None
        assert "SourceServerError" in first.fallback_reason
        second = await lines.player_lines(day=date(2024, 6, 11), markets=("batter_total_bases",))
        assert len(up.odds_calls) == 2  # fails fast: no request
        assert second.fallback_reason is not None
        assert "CircuitOpenError" in second.fallback_reason
    assert first.served_by == ("prizepicks",)
    assert len(first.lines) == expected_pp_lines(data_file, frozenset({"batter_total_bases"}))
    assert second.lines == ()  # the recorded board has no 2024-06-11 games
    assert second.served_by == ()


@pytest.mark.anyio
async def test_other_errors_are_raised_not_hidden(
    clean_env: pytest.MonkeyPatch, data_file: DataFile
) -> None:
    bad = httpx.Response(422, json={"message": "Invalid markets", "error_code": "INVALID_MARKET"})
    up = Upstreams(data_file, odds=[bad])
    async with make_client(up) as client:
        with pytest.raises(BadRequestError):
            await MarketLines(client).player_lines(event_ids=[PROPS_EVENT])
    assert up.pp_calls == 0


@pytest.mark.anyio
async def test_both_sources_failing_raises_with_the_primary_as_cause(
    clean_env: pytest.MonkeyPatch, data_file: DataFile
) -> None:
    up = Upstreams(
        data_file,
        odds=[httpx.Response(401, json=OUT_OF_CREDITS)],
        pp=httpx.Response(403, text="<html>blocked</html>"),
    )
    async with make_client(up) as client:
        with pytest.raises(UnauthorizedError, match="bot protection") as info:
            await MarketLines(client).player_lines(day=DAY)
    assert isinstance(info.value.__cause__, QuotaExceededError)


@pytest.mark.anyio
async def test_resolver_attaches_mlbam_ids(
    clean_env: pytest.MonkeyPatch, data_file: DataFile
) -> None:
    resolver = PlayerResolver.from_chadwick(data_file(SUBSET))
    up = Upstreams(data_file, odds=["props"])
    async with make_client(up, key=None) as client:
        result = await MarketLines(client, resolver=resolver).player_lines(
            day=DAY, markets=("pitcher_strikeouts", "batter_total_bases")
        )
    ids = {line.player: line.mlbam_id for line in result.lines}
    assert ids["Corbin Burnes"] == 669203
    assert ids["Aaron Judge"] == 592450
    assert ids["Bobby Witt Jr."] == 677951
    assert sum(v is None for v in ids.values()) == 0


@pytest.mark.anyio
async def test_arguments(clean_env: pytest.MonkeyPatch, data_file: DataFile) -> None:
    up = Upstreams(data_file, odds=["props"])
    async with make_client(up) as client:
        lines = MarketLines(client)
        with pytest.raises(ValueError, match="exactly one"):
            await lines.player_lines()
        with pytest.raises(ValueError, match="exactly one"):
            await lines.player_lines(day=DAY, event_ids=[PROPS_EVENT])
        with pytest.raises(ValueError, match="markets"):
            await lines.player_lines(day=DAY, markets=())
    assert up.odds_calls == []
    assert up.pp_calls == 0


@pytest.mark.anyio
async def test_a_day_of_events_in_event_order(
    clean_env: pytest.MonkeyPatch, data_file: DataFile
) -> None:
    events_body = data_file(
        "markets/the_odds_api/v4_events_soccer_germany_bundesliga_2025-11_ynnickw.json"
    ).read_bytes()
    props = orjson.loads(data_file(PROPS).read_bytes())

    def route(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/events"):
            return httpx.Response(200, content=events_body, headers=QUOTA)
        event_id = request.url.path.split("/")[-2]
        # The one recorded prop payload, served as if it were each event's own.
        return httpx.Response(200, content=orjson.dumps({**props, "id": event_id}), headers=QUOTA)

    up = Upstreams(data_file, odds=[route])
    async with make_client(up) as client:
        result = await MarketLines(client, concurrency=3).player_lines(
            day=date(2025, 11, 28), markets=("player_shots",), sport="soccer_germany_bundesliga"
        )
    listing = up.odds_calls[0]
    assert listing == "/v4/sports/soccer_germany_bundesliga/events"
    event_ids = [orjson.loads(events_body)[i]["id"] for i in range(18)]
    assert len(up.odds_calls) == 1 + 18
    assert result.served_by == ("odds_api",)
    assert len(result.lines) == 18 * 253
    assert list(dict.fromkeys(line.event_id for line in result.lines)) == event_ids
    assert len(result.freshness) == 19


def test_day_window_is_the_mlb_day_in_utc() -> None:
    assert _day_window(DAY) == (
        datetime(2024, 6, 10, 8, 0, tzinfo=UTC),  # 4:00 am EDT
        datetime(2024, 6, 11, 8, 0, tzinfo=UTC),
    )
    assert _day_window(date(2025, 11, 28))[0] == datetime(2025, 11, 28, 9, 0, tzinfo=UTC)  # EST

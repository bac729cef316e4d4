"""``FakeUpstream.transport()`` against the loopback server: the same bytes and the same log."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from savantsdk.testing import FakeUpstream, SimulatedLeague

pytestmark = pytest.mark.anyio


async def test_the_transport_serves_the_same_bytes_as_the_loopback_server() -> None:
    league = SimulatedLeague(seed=3, days=2)
    last = league.dates[-1]
    now = datetime(last.year, last.month, last.day, 23, 30, tzinfo=UTC)
    pk = league.games_on(last)[0].game_pk
    paths = [
        f"/statsapi/api/v1.1/game/{pk}/feed/live",
        f"/statsapi/api/v1/schedule?date={last}&hydrate=probablePitcher,lineups",
        f"/savant/statcast_search/csv?game_pk={pk}&player_type=batter",
        "/prizepicks/projections?league_id=2",
        "/oddsapi/v4/sports/baseball_mlb/events?apiKey=fake-odds-api-key",
        f"/sportradar/mlb/trial/v8/en/games/{last.year}/{last.month}/{last.day}/schedule.json"
        "?api_key=fake-sportradar-key",
    ]
    in_process = FakeUpstream(league, now=now, speed=0.0)
    async with httpx.AsyncClient(transport=in_process.transport(), base_url="http://fake") as c:
        bodies = [(await c.get(p)).content for p in paths]
    async with FakeUpstream(league, now=now, speed=0.0) as server, httpx.AsyncClient() as c:
        served = [(await c.get(server.base_url + p)).content for p in paths]
    assert bodies == served
    assert [r.source for r in in_process.requests()] == [
        "statsapi",
        "statsapi",
        "savant",
        "prizepicks",
        "odds_api",
        "sportradar",
    ]
    assert in_process.requests()[0].path == f"/api/v1.1/game/{pk}/feed/live"

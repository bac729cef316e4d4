"""FakeUpstream's season routes (season stats, team stats, standings, leaders, linescore, game
content) have the recorded shapes: every key the fake sends is one the real upstream sends, and
the keys the SDK reads are all there.  In process (``transport()``), no socket."""

from __future__ import annotations

import gzip
import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from savantsdk.testing import FakeUpstream, SimulatedLeague

pytestmark = [pytest.mark.anyio, pytest.mark.shared_data]

DataFile = Callable[[str], Path]
PYD = "statsapi/mlb-statsapi-pydantic"
TEAM_HITTING = (
    "statsapi/pymlb_statsapi_stubs/team/stats/"
    "stats_group=hitting_season=2024_sportId=1_d406fa4cf9b2.json.gz"
)
#: counting keys the fake's lines carry (from box score counting) that a season line omits
BOX_ONLY = {"flyOuts", "lineOuts", "popOuts", "groundIntoTriplePlay", "pickoffs"}


def real(data_file: DataFile, rel: str) -> Any:
    path = data_file(rel)
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8") as f:
            return json.load(f)["response"]
    return json.loads(path.read_text(encoding="utf-8-sig"))


@pytest.fixture
def fake() -> FakeUpstream:
    league = SimulatedLeague(seed=3, days=2)
    last = league.dates[-1]
    return FakeUpstream(league, now=datetime(last.year, last.month, last.day, 23, 59, tzinfo=UTC))


@pytest.fixture
async def http(fake: FakeUpstream) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=fake.transport(), base_url=fake.base_urls["statsapi"]
    ) as c:
        yield c


async def get(http: httpx.AsyncClient, path: str, **params: Any) -> Any:
    r = await http.get(path, params=params)
    assert r.status_code == 200, r.text[:300]
    return r.json()


async def test_standings_shape(http: httpx.AsyncClient, data_file: DataFile) -> None:
    recorded = real(data_file, f"{PYD}/standings.json")["records"][0]
    served = (await get(http, "/api/v1/standings", leagueId="103,104", season=2024))["records"]
    assert len(served) == 6
    assert set(served[0]) == set(recorded)
    team, real_team = served[0]["teamRecords"][0], recorded["teamRecords"][0]
    assert set(team) <= set(real_team)
    assert set(real_team) - set(team) == {"clinchIndicator"}  # sent only once clinched
    assert {r["type"] for r in team["records"]["splitRecords"]} <= {
        r["type"] for r in real_team["records"]["splitRecords"]
    }


async def test_standings_need_a_league(http: httpx.AsyncClient) -> None:
    r = await http.get("/api/v1/standings", params={"season": 2024})
    assert r.status_code == 400


async def test_team_and_player_stats_shape(http: httpx.AsyncClient, data_file: DataFile) -> None:
    recorded = real(data_file, TEAM_HITTING)["stats"][0]
    served = (await get(http, "/api/v1/teams/stats", stats="season", group="hitting"))["stats"][0]
    assert set(served) == set(recorded)
    split, real_split = served["splits"][0], recorded["splits"][0]
    assert set(split) == set(real_split)
    assert set(split["stat"]) - BOX_ONLY <= set(real_split["stat"])
    assert set(real_split["stat"]) - set(split["stat"]) == {"numberOfPitches"}
    assert served["totalSplits"] == 30
    page = (
        await get(
            http,
            "/api/v1/stats",
            stats="season",
            group="hitting",
            playerPool="all",
            season=2024,
            limit=7,
            offset=7,
        )
    )["stats"][0]
    assert [s["rank"] for s in page["splits"]] == list(range(8, 15))
    assert page["totalSplits"] > 14
    assert {"season", "stat", "team", "player", "league", "sport", "gameType"} <= set(
        page["splits"][0]
    )


async def test_leaders_linescore_and_content_shapes(
    http: httpx.AsyncClient, fake: FakeUpstream, data_file: DataFile
) -> None:
    recorded = real(data_file, f"{PYD}/stats_leaders.json")["leagueLeaders"][0]
    served = (await get(http, "/api/v1/stats/leaders", leaderCategories="homeRuns"))[
        "leagueLeaders"
    ]
    assert [c["statGroup"] for c in served] == ["hitting", "pitching"]
    assert set(served[0]) == set(recorded)
    assert set(served[0]["leaders"][0]) == set(recorded["leaders"][0])
    pk = fake.league.games_on(fake.league.dates[-1])[0].game_pk
    linescore = await get(http, f"/api/v1/game/{pk}/linescore")
    assert set(linescore) == set(real(data_file, f"{PYD}/linescore.json"))
    real_content = real(data_file, f"{PYD}/game_content.json")
    real_item = real_content["highlights"]["highlights"]["items"][0]
    items: list[Any] = []
    for game in fake.league.games_on(fake.league.dates[-1]):  # the first game with a homer
        content = await get(http, f"/api/v1/game/{game.game_pk}/content")
        assert set(content) == set(real_content)
        items = content["highlights"]["highlights"]["items"]
        if items:
            break
    assert items
    assert all(set(item) <= set(real_item) for item in items)
    r = await http.get("/api/v1/game/1/linescore")
    assert r.status_code == 404

"""StatsApiClient's season calls (season stats, team stats, standings, leaders, linescore,
game content) through ``FakeUpstream.transport()``: the SDK's whole path (executor, cache,
validation) against the simulated league, in process and without a socket.

The fake counts every number from the league's Final games, so the checks are consistency
between endpoints (a team's season home runs are its players'; the standings' wins are the
Final games; the linescore's runs are the boxscore's).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from savantsdk import Client
from savantsdk._client import AsyncClient
from savantsdk._clock import FakeClock
from savantsdk.exceptions import ConfigurationError
from savantsdk.testing import FakeUpstream, SimulatedLeague

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def league() -> SimulatedLeague:
    return SimulatedLeague(seed=7, days=3)


@pytest.fixture
def fake(league: SimulatedLeague) -> FakeUpstream:
    last = league.dates[-1]
    return FakeUpstream(league, now=datetime(last.year, last.month, last.day, 23, 59, tzinfo=UTC))


@pytest.fixture
async def client(fake: FakeUpstream) -> AsyncIterator[AsyncClient]:
    clock = FakeClock(wall_start=fake.now().timestamp(), autojump=True)
    async with AsyncClient(
        base_urls=fake.base_urls, http_transport=fake.transport(), clock=clock
    ) as c:
        yield c


def _finals(fake: FakeUpstream) -> list[int]:
    return [
        g.game_pk
        for g in fake.league.schedule
        if g.start < fake.now() and fake.league.state(g.game_pk, fake.now()).is_final
    ]


async def test_season_stats_gathers_every_page_then_serves_the_cache(
    client: AsyncClient, fake: FakeUpstream
) -> None:
    result = await client.statsapi.season_stats(2024, page_size=50)
    stats = result.value
    assert stats.total is not None
    assert stats.total > 100
    assert len(stats.rows) == stats.total
    assert fake.count("statsapi", "/api/v1/stats") == math.ceil(stats.total / 50)
    assert [r.rank for r in stats.rows] == list(range(1, stats.total + 1))
    assert len({r.player_id for r in stats.rows}) == stats.total
    # a second ask is a cache hit
    again = await client.statsapi.season_stats(2024, page_size=50)
    assert again.value == stats
    assert fake.count("statsapi", "/api/v1/stats") == math.ceil(stats.total / 50)
    # per team, the players' home runs are the team's
    teams = (await client.statsapi.team_stats(2024)).value
    by_team: Counter[int] = Counter()
    for row in stats.rows:
        assert row.team_id is not None
        by_team[row.team_id] += row.stat.home_runs or 0
    assert {r.team_id: r.stat.home_runs for r in teams.rows} == {
        tid: by_team[tid] for tid in (r.team_id for r in teams.rows) if tid is not None
    }
    df = result.to_pandas()  # Fetched forwards to the value's frame
    assert df.shape[0] == stats.total
    assert int(df["home_runs"].sum()) == sum(by_team.values())


async def test_standings_count_the_final_games(client: AsyncClient, fake: FakeUpstream) -> None:
    standings = (await client.statsapi.standings(2024)).value
    teams = [t for table in standings.records for t in table.team_records]
    assert len(teams) == len(fake.league.teams)
    finals = len(_finals(fake))
    assert sum(t.wins or 0 for t in teams) == finals
    assert sum(t.losses or 0 for t in teams) == finals
    assert all(table.team_records[0].games_back == "-" for table in standings.records)
    frame = standings.to_pandas()
    assert set(frame["division"]) == {
        "American League West",
        "American League East",
        "American League Central",
        "National League West",
        "National League East",
        "National League Central",
    }


async def test_leaders_agree_with_season_stats(client: AsyncClient) -> None:
    leaders = await client.statsapi.leaders("homeRuns", 2024, stat_group="hitting", limit=5)
    category = leaders.value.category("homeRuns", "hitting")
    assert category is not None
    assert category.leaders
    stats = (await client.statsapi.season_stats(2024)).value
    most = max(r.stat.home_runs or 0 for r in stats.rows)
    assert category.leaders[0].value == most
    assert category.leaders[0].rank == 1
    assert leaders.to_pandas()["category"].tolist() == ["homeRuns"] * len(category.leaders)


async def test_linescore_and_content_of_a_final_game(
    client: AsyncClient, fake: FakeUpstream
) -> None:
    pk = _finals(fake)[-1]
    linescore = (await client.statsapi.linescore(pk)).value
    box = (await client.statsapi.boxscore(pk)).value
    assert linescore.teams is not None
    for side in ("away", "home"):
        totals = getattr(linescore.teams, side)
        team = getattr(box.teams, side)
        assert team.team_stats is not None
        assert totals.runs == team.team_stats.batting.runs
        assert totals.hits == team.team_stats.batting.hits
    text = str(linescore).splitlines()
    assert len(text) == 3
    assert text[1].startswith(box.teams.away.team.name or "?")
    assert text[2].startswith(box.teams.home.team.name or "?")
    content = (await client.statsapi.game_content(pk)).value
    homers = sum(
        (getattr(box.teams, side).team_stats.batting.home_runs or 0) for side in ("away", "home")
    )
    assert len(content.highlights) == homers
    assert content.summary.has_recap_article is True
    # a Final game's linescore is cached for good
    n = fake.count("statsapi", f"/api/v1/game/{pk}/linescore")
    await client.statsapi.linescore(pk)
    assert fake.count("statsapi", f"/api/v1/game/{pk}/linescore") == n == 1


@pytest.mark.parametrize(
    ("call", "setting", "valid"),
    [
        (lambda api: api.season_stats(2024, stats="seasn"), "stats", "sabermetrics"),
        (lambda api: api.season_stats(2024, group="hiting"), "group", "pitching"),
        (lambda api: api.season_stats(2024, player_pool="everyone"), "player_pool", "qualified"),
        (lambda api: api.season_stats(1800), "season", "1876"),
        (lambda api: api.season_stats(2024, page_size=0), "page_size", "1..5000"),
        (lambda api: api.team_stats(2024, stats="sesaon"), "stats", "season"),
        (lambda api: api.standings(2024, standings_type="regular"), "standings_type", "wildCard"),
        (lambda api: api.leaders("homers", 2024), "categories", "homeRuns"),
        (lambda api: api.leaders("hits", 2024, stat_group="bats"), "stat_group", "hitting"),
        (lambda api: api.player_stats(592450, stats="seasn"), "stats", "gameLog"),
        (lambda api: api.player_stats(592450, group="hiting"), "group", "fielding"),  # type: ignore[arg-type]
        (lambda api: api.linescore(0), "game_pk", "positive"),
    ],
)
async def test_bad_input_names_the_valid_values_before_any_request(
    client: AsyncClient, fake: FakeUpstream, call: object, setting: str, valid: str
) -> None:
    with pytest.raises(ConfigurationError) as info:
        await call(client.statsapi)  # type: ignore[operator]
    assert info.value.setting == setting
    assert valid in str(info.value)
    assert fake.requests() == []


async def test_a_value_that_is_not_a_table_says_so(client: AsyncClient, fake: FakeUpstream) -> None:
    teams = await client.statsapi.teams()
    with pytest.raises(ConfigurationError, match="not a table"):
        teams.to_pandas()
    players = fake.league.teams[0].players[:2]
    found = await client.statsapi.search_people(players[0].full_name)
    assert players[0].id in found.to_pandas()["id"].tolist()
    again = await client.statsapi.search_people(players[0].full_name)  # from the cache
    assert again.value == found.value
    assert type(again.value).__name__ == "People"


def test_the_blocking_client_has_the_season_calls(fake: FakeUpstream) -> None:
    with Client(base_urls=fake.base_urls, http_transport=fake.transport()) as client:
        standings = client.statsapi.standings(2024)
        leaders = client.statsapi.leaders(["hits", "strikeouts"], 2024, limit=3)
    assert len(standings.value.records) == 6
    assert {c.leader_category for c in leaders.value.categories} == {"hits", "strikeouts"}

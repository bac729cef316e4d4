"""FakeUpstream over loopback HTTP: recorded shapes, faults, limits and live games."""

from __future__ import annotations

import copy
import csv
import gzip
import io
import json
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import httpx
import pytest

from savantsdk._config import SOURCE_NAMES
from savantsdk.testing import FakeClock, FakeUpstream, FaultConfig, Latency, SimulatedLeague

pytestmark = pytest.mark.anyio

ODDS_KEY = "fake-odds-api-key"
SR_KEY = "fake-sportradar-key"


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="module")
def server(clock: FakeClock) -> Iterator[FakeUpstream]:
    league = SimulatedLeague(seed=42, days=3)
    with FakeUpstream(league, clock=clock) as fake:
        yield fake


@pytest.fixture
def fake(server: FakeUpstream, clock: FakeClock) -> Iterator[FakeUpstream]:
    """The shared server, reset to a clean state for each test."""
    start = datetime.combine(server.league.dates[-1], time(21, 0), tzinfo=UTC)
    server.set_now(start)
    yield server
    server.clear_faults()
    for source in SOURCE_NAMES:
        server.rate_limit(source, None)
    server.set_odds_api_credits(500)
    server.reset_counts()
    server.set_now(start)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as c:
        yield c


def load(path: Path) -> Any:
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8") as f:
            data = json.load(f)
    else:
        data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and "response" in data and "url" in data:
        return data["response"]  # pymlb_statsapi_stubs wrap the response with its request
    return data


STUBS = "statsapi/pymlb_statsapi_stubs"


async def get_json(client: httpx.AsyncClient, url: str, **params: Any) -> Any:
    r = await client.get(url, params=params)
    assert r.status_code == 200, r.text[:300]
    return r.json()


def today(fake: FakeUpstream) -> str:
    return fake.league.dates[-1].isoformat()


# ---------------------------------------------------------------------------------- addresses


async def test_base_urls_cover_every_sdk_source(fake: FakeUpstream) -> None:
    assert set(fake.base_urls) == set(SOURCE_NAMES)
    assert fake.base_urls["odds_api"] == f"http://127.0.0.1:{fake.port}/oddsapi"


# ------------------------------------------------------------------------- shapes vs. recorded


@pytest.mark.shared_data
async def test_schedule_has_the_recorded_keys(fake, client, data_file) -> None:  # type: ignore[no-untyped-def]
    real = load(
        data_file(
            f"{STUBS}/schedule/schedule/schedule_date=2024-10-26_sportId=1_3150c7552667.json.gz"
        )
    )
    ours = await get_json(
        client,
        fake.base_urls["statsapi"] + "/api/v1/schedule",
        sportId=1,
        date=today(fake),
        hydrate="probablePitcher,lineups",
    )
    assert set(real) <= set(ours)
    real_game, game = real["dates"][0]["games"][0], ours["dates"][0]["games"][0]
    assert set(real_game) - {"description"} <= set(game)
    assert set(real_game["status"]) == set(game["status"])
    assert set(real_game["teams"]["home"]) - {"score", "isWinner"} <= set(game["teams"]["home"])
    assert ours["totalGames"] == len(fake.league.games_on(fake.league.dates[-1]))
    states = Counter(g["status"]["abstractGameState"] for g in ours["dates"][0]["games"])
    assert states["Final"]
    assert states["Live"]
    assert states["Preview"]
    home = game["teams"]["home"]
    assert home["probablePitcher"]["id"] == fake.league.game_by_pk[game["gamePk"]].home_starter
    assert [p["id"] for p in game["lineups"]["homePlayers"]] == [
        p for p, _ in fake.league.game_by_pk[game["gamePk"]].home_lineup
    ]


@pytest.mark.shared_data
async def test_feed_and_boxscore_have_the_recorded_keys(fake, client, data_file) -> None:  # type: ignore[no-untyped-def]
    real_feed = load(
        data_file(f"{STUBS}/game/liveGameV1/liveGameV1_game_pk=747175_4240fc08a038.json.gz")
    )
    real_box = load(
        data_file(f"{STUBS}/game/boxscore/boxscore_game_pk=747175_4240fc08a038.json.gz")
    )
    game = fake.league.games_on(fake.league.dates[0])[0]
    base = fake.base_urls["statsapi"]
    feed = await get_json(client, f"{base}/api/v1.1/game/{game.game_pk}/feed/live")
    box = await get_json(client, f"{base}/api/v1/game/{game.game_pk}/boxscore")
    assert set(real_feed) <= set(feed)
    assert set(real_feed["gameData"]) <= set(feed["gameData"])
    assert set(real_feed["liveData"]) <= set(feed["liveData"])
    assert set(real_feed["liveData"]["plays"]) <= set(feed["liveData"]["plays"])
    real_play, play = (
        real_feed["liveData"]["plays"]["allPlays"][3],
        feed["liveData"]["plays"]["allPlays"][3],
    )
    assert set(real_play) <= set(play)
    for key in ("result", "about", "count", "matchup"):
        assert set(real_play[key]) <= set(play[key]), key
    real_pitch = next(e for e in real_play["playEvents"] if e.get("isPitch"))
    pitch = play["playEvents"][0]
    assert set(real_pitch) <= set(pitch)
    assert set(real_pitch["details"]) - {"ballColor", "trailColor"} <= set(pitch["details"])
    real_person = next(iter(real_feed["gameData"]["players"].values()))
    person = next(iter(feed["gameData"]["players"].values()))
    assert set(real_person) - {"middleName", "birthStateProvince", "nameMatrilineal"} <= set(person)
    assert set(real_box) <= set(box)
    real_team, team = real_box["teams"]["away"], box["teams"]["away"]
    assert set(real_team) == set(team)
    real_p = real_team["players"][f"ID{real_team['pitchers'][0]}"]
    p = team["players"][f"ID{team['pitchers'][0]}"]
    assert set(real_p) == set(p)
    assert set(real_p["stats"]["pitching"]) <= set(p["stats"]["pitching"])
    real_b = real_team["players"][f"ID{real_team['battingOrder'][0]}"]["stats"]["batting"]
    b = team["players"][f"ID{team['battingOrder'][0]}"]["stats"]["batting"]
    assert set(real_b) <= set(b)
    assert set(real_box["teams"]["away"]["team"]) - {
        "springLeague",
        "springVenue",
        "record",
    } <= set(team["team"])


@pytest.mark.shared_data
async def test_people_roster_teams_and_game_log(fake, client, data_file) -> None:  # type: ignore[no-untyped-def]
    base = fake.base_urls["statsapi"]
    real_roster = load(
        data_file(
            f"{STUBS}/team/roster/roster_rosterType=active_teamId=147_season=2024_cdb942e44562.json.gz"
        )
    )
    roster = await get_json(client, f"{base}/api/v1/teams/147/roster", rosterType="active")
    assert set(real_roster) - {"copyright"} <= set(roster)
    assert set(real_roster["roster"][0]) <= set(roster["roster"][0])
    assert len(roster["roster"]) == 26
    real_teams = load(
        data_file(f"{STUBS}/team/teams/teams_season=2024_sportId=1_a5c3f17672c0.json.gz")
    )
    teams = await get_json(client, f"{base}/api/v1/teams", sportId=1, season=2024)
    assert len(teams["teams"]) == 30
    assert set(real_teams["teams"][0]) - {"springLeague", "springVenue"} <= set(teams["teams"][0])
    ids = [e["person"]["id"] for e in roster["roster"][:3]]
    people = await get_json(client, f"{base}/api/v1/people", personIds=",".join(map(str, ids)))
    assert [p["id"] for p in people["people"]] == ids
    one = await get_json(client, f"{base}/api/v1/people/{ids[0]}")
    assert one["people"][0] == people["people"][0]
    # Accent-insensitive search finds the player by his plain-ASCII name.
    accented = next(p for p in fake.league.iter_players() if "í" in p.full_name)
    plain = accented.full_name.replace("í", "i")
    found = await get_json(client, f"{base}/api/v1/people/search", names=plain)
    assert accented.id in [p["id"] for p in found["people"]]
    batter = fake.league.schedule[0].home_lineup[0][0]
    log = await get_json(
        client,
        f"{base}/api/v1/people/{batter}/stats",
        stats="gameLog",
        group="hitting",
        season=2024,
    )
    splits = log["stats"][0]["splits"]
    assert splits
    assert {
        "season",
        "stat",
        "team",
        "opponent",
        "date",
        "isHome",
        "isWin",
        "game",
        "positionsPlayed",
    } <= set(splits[0])
    assert splits[0]["game"]["gamePk"] == fake.league.schedule[0].game_pk
    r = await client.get(f"{base}/api/v1/people/1")
    assert r.status_code == 404
    assert r.json()["message"] == "Object not found"


@pytest.mark.shared_data
async def test_statcast_csv_layout_and_filters(fake, client, data_file) -> None:  # type: ignore[no-untyped-def]
    raw = data_file("statcast/raw/savant_data_cease_nohitter_2024-07-25.csv").read_bytes()
    url = fake.base_urls["savant"] + "/statcast_search/csv"
    day = fake.league.dates[0].isoformat()
    r = await client.get(
        url, params={"all": "true", "type": "details", "game_date_gt": day, "game_date_lt": day}
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith(b"\xef\xbb\xbf")
    assert raw.startswith(b"\xef\xbb\xbf")
    assert r.content.split(b"\n", 1)[0] == raw.split(b"\n", 1)[0]  # the 118-column header
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    games = fake.league.games_on(fake.league.dates[0])
    assert {int(x["game_pk"]) for x in rows} == {g.game_pk for g in games}
    assert 3000 < len(rows) < 6000
    pa_rows = [x for x in rows if x["events"]]
    assert len(pa_rows) == sum(len(fake.league.plate_appearances(g.game_pk)) for g in games)
    # Newest first, like Savant.
    first = rows[0]
    assert int(first["at_bat_number"]) == len(fake.league.plate_appearances(int(first["game_pk"])))
    pitcher = games[0].home_starter
    r = await client.get(
        url,
        params={
            "game_date_gt": day,
            "game_date_lt": day,
            "pitchers_lookup[]": pitcher,
            "player_type": "pitcher",
        },
    )
    prow = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert prow
    assert {int(x["pitcher"]) for x in prow} == {pitcher}
    name = fake.league.players[pitcher].last_first
    assert {x["player_name"] for x in prow} == {name}
    r = await client.get(url, params={"game_pk": games[1].game_pk})
    assert {int(x["game_pk"]) for x in csv.DictReader(io.StringIO(r.text.lstrip("\ufeff")))} == {
        games[1].game_pk
    }
    team = fake.league.team_by_id[games[2].home_id].abbrev
    r = await client.get(url, params={"game_date_gt": day, "game_date_lt": day, "team": team})
    t_rows = list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert {x["home_team"] == team or x["away_team"] == team for x in t_rows} == {True}


async def test_statcast_rows_agree_with_the_boxscore_over_http(fake, client) -> None:  # type: ignore[no-untyped-def]
    game = fake.league.games_on(fake.league.dates[0])[4]
    r = await client.get(
        fake.base_urls["savant"] + "/statcast_search/csv",
        params={"game_pk": game.game_pk, "player_type": "batter"},
    )
    rows = [x for x in csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))) if x["events"]]
    box = await get_json(
        client, fake.base_urls["statsapi"] + f"/api/v1/game/{game.game_pk}/boxscore"
    )
    players = {**box["teams"]["away"]["players"], **box["teams"]["home"]["players"]}
    per = Counter()  # type: ignore[var-annotated]
    for x in rows:
        per[(int(x["batter"]), x["events"])] += 1
    for pid, _ in game.home_lineup + game.away_lineup:
        b = players[f"ID{pid}"]["stats"]["batting"]
        hits = sum(per[(pid, e)] for e in ("single", "double", "triple", "home_run"))
        assert (b["hits"], b["homeRuns"], b["strikeOuts"], b["baseOnBalls"]) == (
            hits,
            per[(pid, "home_run")],
            per[(pid, "strikeout")],
            per[(pid, "walk")],
        )
    pitcher_bf = Counter(int(x["pitcher"]) for x in rows)
    for side in ("away", "home"):
        for pid in box["teams"][side]["pitchers"]:
            line = box["teams"][side]["players"][f"ID{pid}"]["stats"]["pitching"]
            assert line["battersFaced"] == pitcher_bf[pid]


@pytest.mark.shared_data
async def test_leaderboards_match_recorded_headers(fake, client, data_file) -> None:  # type: ignore[no-untyped-def]
    base = fake.base_urls["savant"] + "/leaderboard"
    exp_real = data_file("savant_leaderboards/expected_statistics_batter_2023__tnestico-xwoba.csv")
    pct_real = data_file("savant_leaderboards/percentile_rankings_batter_2025__ytpatel3.csv")
    r = await client.get(
        f"{base}/expected_statistics",
        params={"type": "batter", "year": 2024, "csv": "true", "min": "q"},
    )
    assert r.content.startswith(b"\xef\xbb\xbf")
    assert r.content.split(b"\n", 1)[0] == exp_real.read_bytes().split(b"\n", 1)[0]
    rows = list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert rows
    assert all(int(x["player_id"]) in fake.league.players for x in rows)
    r = await client.get(
        f"{base}/percentile-rankings", params={"type": "batter", "year": 2024, "csv": "true"}
    )
    assert r.content.split(b"\n", 1)[0].rstrip(b"\r") == pct_real.read_bytes().split(b"\n", 1)[
        0
    ].rstrip(b"\r")
    r = await client.get(f"{base}/statcast", params={"type": "batter", "year": 2024, "csv": "true"})
    real_ev = data_file("savant_leaderboards/exit_velocity_barrels_batter_2020__mjorisch.csv")
    real_cols = set(
        real_ev.read_text().splitlines()[0].replace("last_name, first_name", "name").split(",")
    )
    ours = set(next(csv.reader(io.StringIO(r.text.lstrip("\ufeff")))))
    ours = {c if c != "last_name, first_name" else "name" for c in ours}
    assert ours <= real_cols


@pytest.mark.shared_data
async def test_prizepicks_has_the_recorded_shape(fake, client, data_file) -> None:  # type: ignore[no-untyped-def]
    real = load(data_file("markets/prizepicks/projections_mlb_subset_2024-06-10.derived.json"))
    ours = await get_json(
        client,
        fake.base_urls["prizepicks"] + "/projections",
        league_id=2,
        per_page=250,
        single_stat="true",
    )
    assert set(real) - {"_derived_note"} == set(ours)
    assert set(real["data"][0]["attributes"]) == set(ours["data"][0]["attributes"])
    assert set(real["data"][0]["relationships"]) == set(ours["data"][0]["relationships"])
    real_inc = {i["type"]: i for i in real["included"]}
    inc = {i["type"]: i for i in ours["included"]}
    assert set(real_inc) == set(inc)
    for kind in real_inc:
        assert set(real_inc[kind]["attributes"]) == set(inc[kind]["attributes"]), kind
    kinds = Counter(d["attributes"]["odds_type"] for d in ours["data"])
    assert kinds["standard"] > kinds["demon"] > 0
    assert kinds["goblin"] > 0
    # Demons above and goblins below the standard line of the same player and stat.
    std = {
        (d["relationships"]["new_player"]["data"]["id"], d["attributes"]["stat_type"]): d[
            "attributes"
        ]["line_score"]
        for d in ours["data"]
        if d["attributes"]["odds_type"] == "standard"
    }
    for d in ours["data"]:
        key = (d["relationships"]["new_player"]["data"]["id"], d["attributes"]["stat_type"])
        if d["attributes"]["odds_type"] == "demon":
            assert d["attributes"]["line_score"] > std[key]
        if d["attributes"]["odds_type"] == "goblin":
            assert d["attributes"]["line_score"] < std[key]
    other = await get_json(client, fake.base_urls["prizepicks"] + "/projections", league_id=7)
    assert other["data"] == []


@pytest.mark.shared_data
async def test_odds_api_shapes_headers_and_errors(fake, client, data_file) -> None:  # type: ignore[no-untyped-def]
    base = fake.base_urls["odds_api"] + "/v4"
    real_sports = load(data_file("markets/the_odds_api/v4_sports_2025-05-16_bellanov.json"))
    r = await client.get(f"{base}/sports", params={"apiKey": ODDS_KEY})
    assert set(real_sports[0]) == set(r.json()[0])
    assert r.headers["x-requests-last"] == "0"
    assert r.headers["x-requests-remaining"] == "500"
    real_events = load(
        data_file("markets/the_odds_api/v4_events_soccer_germany_bundesliga_2025-11_ynnickw.json")
    )
    r = await client.get(f"{base}/sports/baseball_mlb/events", params={"apiKey": ODDS_KEY})
    events = r.json()
    assert events
    assert set(real_events[0]) == set(events[0])
    real_bulk = load(
        data_file(
            "markets/the_odds_api/v4_odds_baseball_mlb_2024-05-24_h2h_us-eu_american_mgilbertsonund.json"
        )
    )
    r = await client.get(
        f"{base}/sports/baseball_mlb/odds",
        params={
            "apiKey": ODDS_KEY,
            "regions": "us",
            "markets": "h2h,totals",
            "oddsFormat": "american",
        },
    )
    bulk = r.json()
    assert set(real_bulk[0]) == set(bulk[0])
    assert set(real_bulk[0]["bookmakers"][0]) == set(bulk[0]["bookmakers"][0])
    assert r.headers["x-requests-last"] == "2"
    assert r.headers["x-requests-used"] == "2"
    assert all(
        isinstance(o["price"], int) for o in bulk[0]["bookmakers"][0]["markets"][0]["outcomes"]
    )
    real_ev_odds = load(
        data_file("markets/the_odds_api/v4_event_odds_soccer_player_props_2025-11_ynnickw.json")
    )
    eid = events[-1]["id"]
    r = await client.get(
        f"{base}/sports/baseball_mlb/events/{eid}/odds",
        params={
            "apiKey": ODDS_KEY,
            "regions": "us",
            "oddsFormat": "decimal",
            "markets": "batter_hits,batter_total_bases,pitcher_strikeouts",
        },
    )
    ev = r.json()
    assert isinstance(ev, dict)
    assert set(real_ev_odds) == set(ev)
    real_prop = next(
        m for b in real_ev_odds["bookmakers"] for m in b["markets"] if m["key"] == "player_shots"
    )
    market = ev["bookmakers"][0]["markets"][0]
    assert set(real_prop) == set(market)
    assert set(real_prop["outcomes"][0]) == set(market["outcomes"][0])
    assert r.headers["x-requests-last"] == "3"
    assert r.headers["x-requests-remaining"] == str(500 - 5)
    outcomes = market["outcomes"]
    for over, under in zip(outcomes[::2], outcomes[1::2], strict=True):
        assert (over["name"], under["name"]) == ("Over", "Under")
        assert over["description"] == under["description"]
        assert over["point"] == under["point"]
        assert 1.0 / over["price"] + 1.0 / under["price"] > 1.0  # the book's margin
    r = await client.get(
        f"{base}/sports/baseball_mlb/odds",
        params={"apiKey": ODDS_KEY, "regions": "us", "markets": "batter_hits"},
    )
    assert r.status_code == 422
    assert r.json()["error_code"] == "INVALID_MARKET"
    r = await client.get(f"{base}/sports/baseball_mlb/odds", params={"apiKey": ODDS_KEY})
    assert r.status_code == 422
    assert r.json()["error_code"] == "MISSING_REGION"
    r = await client.get(f"{base}/sports", params={"apiKey": "wrong"})
    assert r.status_code == 401
    assert r.json()["error_code"] == "INVALID_KEY"
    assert r.json()["message"] == "API key is not valid. Get an API key at https://the-odds-api.com"
    r = await client.get(
        f"{base}/sports/baseball_mlb/events/{'0' * 32}/odds",
        params={"apiKey": ODDS_KEY, "regions": "us", "markets": "batter_hits"},
    )
    assert r.status_code == 404
    assert r.json()["error_code"] == "EVENT_NOT_FOUND"


async def test_odds_api_credit_budget(fake, client) -> None:  # type: ignore[no-untyped-def]
    fake.set_odds_api_credits(3)
    base = fake.base_urls["odds_api"] + "/v4/sports/baseball_mlb"
    events = (await client.get(f"{base}/events", params={"apiKey": ODDS_KEY})).json()
    params = {"apiKey": ODDS_KEY, "regions": "us", "markets": "batter_hits,pitcher_strikeouts"}
    r = await client.get(f"{base}/events/{events[-1]['id']}/odds", params=params)
    assert r.status_code == 200
    assert r.headers["x-requests-remaining"] == "1"
    r = await client.get(f"{base}/events/{events[-1]['id']}/odds", params=params)
    assert r.status_code == 401
    assert r.json()["error_code"] == "OUT_OF_USAGE_CREDITS"
    assert r.headers["x-requests-remaining"] == "1"
    assert r.headers["x-requests-used"] == "2"
    assert fake.odds_api_credits_used == 2


@pytest.mark.shared_data
async def test_sportradar_auth_and_shapes(fake, client, data_file) -> None:  # type: ignore[no-untyped-def]
    real = load(data_file("markets/sportradar/mlb_v6_game_summary_9d0fe41c.json"))
    real_pbp = load(data_file("markets/sportradar/mlb_v6_game_pbp_9d0fe41c.json"))
    day = fake.league.dates[0]
    url = fake.base_urls["sportradar"] + f"/mlb/trial/v8/en/games/{day:%Y/%m/%d}/schedule.json"
    r = await client.get(url)
    assert r.status_code == 401
    r = await client.get(url, headers={"x-api-key": "nope"})
    assert r.status_code == 401
    r = await client.get(url, headers={"x-api-key": SR_KEY})
    sched = r.json()["league"]
    assert len(sched["games"]) == len(fake.league.games_on(day))
    gid = sched["games"][0]["id"]
    summary = (
        await client.get(
            fake.base_urls["sportradar"] + f"/mlb/trial/v8/en/games/{gid}/summary.json",
            headers={"x-api-key": SR_KEY},
        )
    ).json()
    wanted = set(real["game"]) - {"attendance", "duration", "final", "pitching", "officials"}
    assert wanted <= set(summary["game"])
    assert set(real["game"]["home"]) - {"win", "loss", "scoring", "statistics"} <= set(
        summary["game"]["home"]
    )
    assert set(real["game"]["home"]["players"][0]) <= set(summary["game"]["home"]["players"][0])
    pbp = (
        await client.get(
            fake.base_urls["sportradar"] + f"/mlb/trial/v8/en/games/{gid}/pbp.json",
            headers={"x-api-key": SR_KEY},
        )
    ).json()
    ab = pbp["game"]["innings"][0]["halfs"][0]["events"][0]["at_bat"]
    real_ab = real_pbp["game"]["innings"][1]["halfs"][0]["events"][0]["at_bat"]
    assert set(real_ab) <= set(ab)


# ------------------------------------------------------------------------- recording, faults


async def test_requests_are_recorded_with_api_key_redacted(fake, client) -> None:  # type: ignore[no-untyped-def]
    base = fake.base_urls["odds_api"] + "/v4/sports"
    await client.get(base, params={"apiKey": ODDS_KEY, "all": "true"})
    await client.get(fake.base_urls["statsapi"] + "/api/v1/teams")
    await client.get(fake.base_urls["statsapi"] + "/api/v1/teams/147/roster")
    recs = fake.requests(source="odds_api")
    assert len(recs) == 1
    assert recs[0].query == "apiKey=REDACTED&all=true"
    assert ODDS_KEY not in repr(fake.requests())
    assert (recs[0].method, recs[0].path, recs[0].status) == ("GET", "/v4/sports", 200)
    assert fake.count("statsapi") == 2
    assert fake.count("statsapi", "/api/v1/teams/147") == 1
    r = await client.get(fake.base_urls["statsapi"] + "/api/v1/no/such/route")
    assert r.status_code == 404
    assert fake.requests("statsapi")[-1].path == "/api/v1/no/such/route"
    assert fake.requests("statsapi")[-1].status == 404
    fake.reset_counts()
    assert fake.count() == 0


@pytest.mark.parametrize(
    ("kind", "source", "path"),
    [
        ("server_error", "statsapi", "/api/v1/teams"),
        ("rate_limited", "odds_api", "/v4/sports"),
        ("malformed", "statsapi", "/api/v1/teams"),
        ("html", "prizepicks", "/projections"),
        ("error_csv", "savant", "/statcast_search/csv"),
    ],
)
async def test_each_fault_kind(fake, client, kind, source, path) -> None:  # type: ignore[no-untyped-def]
    fake.faults(source, "*", **{kind: 1.0, "retry_after_s": 7})
    params = {"apiKey": ODDS_KEY} if source == "odds_api" else {}
    if source == "savant":
        params = {"game_date_gt": today(fake), "game_date_lt": today(fake)}
    r = await client.get(fake.base_urls[source] + path, params=params)
    if kind == "server_error":
        assert r.status_code == 503
    elif kind == "rate_limited":
        assert r.status_code == 429
        assert r.headers["retry-after"] == "7"
        assert r.json()["error_code"] == "EXCEEDED_FREQ_LIMIT"
    elif kind == "malformed":
        assert r.status_code == 200
        with pytest.raises(json.JSONDecodeError):
            json.loads(r.content)
    elif kind == "html":
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/html")
        assert r.content.lstrip().startswith(b"<!DOCTYPE html>")
    else:
        assert r.status_code == 200
        assert r.content.decode("utf-8-sig").splitlines() == [
            '"error"',
            '"Error: Query Timeout. Please try to limit your query to less data."',
        ]
    assert fake.requests(source)[-1].fault == kind
    fake.clear_faults(source)
    r = await client.get(fake.base_urls[source] + path, params=params)
    assert r.status_code == 200
    assert fake.requests(source)[-1].fault is None


async def test_timeout_fault_hangs_past_the_client_timeout(fake) -> None:  # type: ignore[no-untyped-def]
    fake.faults("statsapi", "/api/v1/teams", timeout=1.0, hang_s=2.0)
    async with httpx.AsyncClient(timeout=0.2) as c:
        with pytest.raises(httpx.ReadTimeout):
            await c.get(fake.base_urls["statsapi"] + "/api/v1/teams")
        # Other routes of the source are unaffected.
        r = await c.get(fake.base_urls["statsapi"] + "/api/v1/teams/147/roster")
        assert r.status_code == 200


async def test_fault_rates_and_latency_are_seeded_and_per_route(fake, client) -> None:  # type: ignore[no-untyped-def]
    fake.faults("statsapi", "/api/v1/teams", server_error=0.3, latency=Latency.fixed(0.01))
    statuses = []
    for _ in range(60):
        r = await client.get(fake.base_urls["statsapi"] + "/api/v1/teams")
        statuses.append(r.status_code)
    assert 8 <= statuses.count(503) <= 32
    recs = fake.requests("statsapi")
    assert all(r.duration_s >= 0.01 for r in recs)
    with pytest.raises(ValueError, match="sum to at most 1"):
        FaultConfig(server_error=0.7, timeout=0.5)


async def test_server_side_rate_limit_returns_429_with_retry_after(fake, client, clock) -> None:  # type: ignore[no-untyped-def]
    fake.rate_limit("savant", 2.0, burst=2)
    url = fake.base_urls["savant"] + "/leaderboard/expected_statistics"
    params = {"type": "batter", "year": 2024, "csv": "true"}
    codes = [(await client.get(url, params=params)).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    r = await client.get(url, params=params)
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) >= 1
    clock.advance(1.0)  # the bucket refills on the injected clock
    assert (await client.get(url, params=params)).status_code == 200


# --------------------------------------------------------------------------------- live games


def apply_patch(doc: Any, ops: list[dict[str, Any]]) -> Any:
    doc = copy.deepcopy(doc)
    for op in ops:
        parts = [p.replace("~1", "/").replace("~0", "~") for p in op["path"].split("/")[1:]]
        parent = doc
        for p in parts[:-1]:
            parent = parent[int(p)] if isinstance(parent, list) else parent[p]
        last = parts[-1]
        if isinstance(parent, list):
            i = int(last)
            if op["op"] == "add":
                parent.insert(i, op["value"])
            elif op["op"] == "remove":
                del parent[i]
            else:
                parent[i] = op["value"]
        elif op["op"] == "remove":
            del parent[last]
        else:
            parent[last] = op["value"]
    return doc


async def test_live_game_advances_with_the_clock(fake, client, clock) -> None:  # type: ignore[no-untyped-def]
    base = fake.base_urls["statsapi"]
    sched = await get_json(client, f"{base}/api/v1/schedule", sportId=1, date=today(fake))
    live = next(g for g in sched["dates"][0]["games"] if g["status"]["abstractGameState"] == "Live")
    pk = live["gamePk"]
    feed1 = await get_json(client, f"{base}/api/v1.1/game/{pk}/feed/live")
    n1 = len(feed1["liveData"]["plays"]["allPlays"])
    stamps1 = await get_json(client, f"{base}/api/v1.1/game/{pk}/feed/live/timestamps")
    assert len(stamps1) == n1
    assert stamps1[-1] == feed1["metaData"]["timeStamp"]
    nothing = await get_json(
        client,
        f"{base}/api/v1.1/game/{pk}/feed/live/diffPatch",
        startTimecode=feed1["metaData"]["timeStamp"],
    )
    assert nothing == []
    clock.advance(900)
    feed2 = await get_json(client, f"{base}/api/v1.1/game/{pk}/feed/live")
    n2 = len(feed2["liveData"]["plays"]["allPlays"])
    assert n2 > n1
    assert feed2["liveData"]["plays"]["allPlays"][:n1] == feed1["liveData"]["plays"]["allPlays"]
    patch = await get_json(
        client,
        f"{base}/api/v1.1/game/{pk}/feed/live/diffPatch",
        startTimecode=feed1["metaData"]["timeStamp"],
    )
    assert apply_patch(feed1, patch[0]["diff"]) == feed2
    # the linescore says who bats, who is on base and who pitches in the PA under way
    pas = fake.league.plate_appearances(pk)
    up = pas[n2]
    offense = feed2["liveData"]["linescore"]["offense"]
    assert offense["batter"]["id"] == up.batter
    assert offense["battingOrder"] == up.bat_order_slot
    on_base = tuple(offense.get(b, {}).get("id") for b in ("first", "second", "third"))
    assert on_base == up.runners_before
    if up.inning == pas[n2 - 1].inning and up.top == pas[n2 - 1].top:
        assert on_base == pas[n2 - 1].runners_after  # the same half: the last PA's runners
    assert feed2["liveData"]["linescore"]["defense"]["pitcher"]["id"] == up.pitcher
    # timecode gives the historic state.
    old = await get_json(
        client, f"{base}/api/v1.1/game/{pk}/feed/live", timecode=feed1["metaData"]["timeStamp"]
    )
    assert len(old["liveData"]["plays"]["allPlays"]) == n1
    clock.advance(6 * 3600)
    final = await get_json(client, f"{base}/api/v1/game/{pk}/boxscore")
    sched = await get_json(client, f"{base}/api/v1/schedule", sportId=1, date=today(fake))
    g = next(g for g in sched["dates"][0]["games"] if g["gamePk"] == pk)
    assert g["status"]["abstractGameState"] == "Final"
    runs = final["teams"]["home"]["teamStats"]["batting"]["runs"]
    assert runs == g["teams"]["home"]["score"]


# ------------------------------------------------------------------------- determinism, parsers


async def test_same_seed_serves_identical_bytes(client) -> None:  # type: ignore[no-untyped-def]
    bodies = []
    for _ in range(2):
        async with FakeUpstream(SimulatedLeague(seed=9, days=2), clock=FakeClock()) as fake:
            day = fake.league.dates[0].isoformat()
            sc = await client.get(
                fake.base_urls["savant"] + "/statcast_search/csv",
                params={"game_date_gt": day, "game_date_lt": day},
            )
            pp = await client.get(fake.base_urls["prizepicks"] + "/projections")
            sch = await client.get(
                fake.base_urls["statsapi"] + "/api/v1/schedule",
                params={"date": day, "hydrate": "probablePitcher"},
            )
            bodies.append((sc.content, pp.content, sch.content))
    assert bodies[0] == bodies[1]


async def test_the_sdk_parsers_read_the_fake_payloads(fake, client) -> None:  # type: ignore[no-untyped-def]
    from savantsdk.sources import _markets_models as mm, _statcast_csv as sc, statsapi as sm

    st = fake.base_urls["statsapi"]
    game = fake.league.games_on(fake.league.dates[0])[0]
    sched = sm.parse_schedule(
        (await client.get(f"{st}/api/v1/schedule", params={"date": today(fake)})).content
    )
    assert len(sched.dates[0].games) == len(fake.league.games_on(fake.league.dates[-1]))
    feed = sm.parse_game_feed(
        (await client.get(f"{st}/api/v1.1/game/{game.game_pk}/feed/live")).content
    )
    assert feed.is_final
    box = sm.parse_boxscore((await client.get(f"{st}/api/v1/game/{game.game_pk}/boxscore")).content)
    assert box.teams.home.starting_pitcher is not None
    assert box.teams.home.starting_pitcher.person.id == game.home_starter
    people = sm.parse_people((await client.get(f"{st}/api/v1/people/{game.home_starter}")).content)
    assert people[0].id == game.home_starter
    log = sm.parse_player_stats(
        (
            await client.get(
                f"{st}/api/v1/people/{game.home_starter}/stats",
                params={"stats": "gameLog", "group": "pitching"},
            )
        ).content
    )
    assert log
    sm.parse_roster((await client.get(f"{st}/api/v1/teams/147/roster")).content)
    assert len(sm.parse_teams((await client.get(f"{st}/api/v1/teams")).content)) == 30
    stamps = sm.parse_timestamps(
        (await client.get(f"{st}/api/v1.1/game/{game.game_pk}/feed/live/timestamps")).content
    )
    assert len(stamps) == len(fake.league.plate_appearances(game.game_pk))
    day = fake.league.dates[0].isoformat()
    csv_body = (
        await client.get(
            fake.base_urls["savant"] + "/statcast_search/csv",
            params={"game_date_gt": day, "game_date_lt": day},
        )
    ).content
    table = sc.parse_statcast_csv(csv_body)
    assert len(table) == csv_body.count(b"\n") - 1
    board = mm.parse_projections(
        (await client.get(fake.base_urls["prizepicks"] + "/projections")).content
    )
    assert board
    events = mm.parse_events(
        (
            await client.get(
                fake.base_urls["odds_api"] + "/v4/sports/baseball_mlb/events",
                params={"apiKey": ODDS_KEY},
            )
        ).content
    )
    odds = mm.parse_event_odds(
        (
            await client.get(
                fake.base_urls["odds_api"] + f"/v4/sports/baseball_mlb/events/{events[-1].id}/odds",
                params={
                    "apiKey": ODDS_KEY,
                    "regions": "us",
                    "markets": "batter_hits",
                    "oddsFormat": "american",
                },
            )
        ).content
    )
    assert odds


async def test_the_leaderboard_and_sportradar_parsers_read_the_fake_payloads(fake, client) -> None:  # type: ignore[no-untyped-def]
    from savantsdk.sources import _leaderboards as lb, _sportradar_models as srm

    base = fake.base_urls["savant"] + "/leaderboard"
    params = {"type": "batter", "year": 2024, "csv": "true"}
    exp = lb.parse_expected_statistics(
        (await client.get(f"{base}/expected_statistics", params=params)).content
    )
    assert exp
    assert all(row.player_id in fake.league.players for row in exp)
    ev = lb.parse_exit_velocity_barrels(
        (await client.get(f"{base}/statcast", params=params)).content
    )
    assert len(ev) == len(exp)
    pct = lb.parse_percentile_rankings(
        (await client.get(f"{base}/percentile-rankings", params=params)).content
    )
    assert len(pct) == len(exp)
    day = fake.league.dates[0]
    headers = {"x-api-key": SR_KEY}
    sr = fake.base_urls["sportradar"] + "/mlb/trial/v8/en/games"
    sched = srm.parse_sportradar_schedule(
        (await client.get(f"{sr}/{day:%Y/%m/%d}/schedule.json", headers=headers)).content
    )
    assert len(sched.games) == len(fake.league.games_on(day))
    gid = sched.games[0].id
    summary = srm.parse_sportradar_game_summary(
        (await client.get(f"{sr}/{gid}/summary.json", headers=headers)).content
    )
    assert summary.id == gid
    pbp = srm.parse_sportradar_play_by_play(
        (await client.get(f"{sr}/{gid}/pbp.json", headers=headers)).content
    )
    assert pbp.id == gid

"""SportRadar MLB parsers on the v6 recordings in ../shared/data/markets/sportradar."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from savantsdk.exceptions import SourceDecodeError
from savantsdk.sources import (
    SportradarQuota,
    parse_sportradar_game_summary,
    parse_sportradar_play_by_play,
    parse_sportradar_schedule,
    sportradar_quota_from_headers,
)

DataFile = Callable[[str], Path]
D = "markets/sportradar/"
SCHEDULE = D + "mlb_v6_trial_2017_reg_schedule.json"
SUMMARY = D + "mlb_v6_game_summary_9d0fe41c.json"
PBP = D + "mlb_v6_game_pbp_9d0fe41c.json"
GAME_ID = "9d0fe41c-4e6b-4433-b376-2d09ed39d184"
BOS = "93941372-eb4c-4c40-aced-fe3267174393"
TB = "bdc11650-6f74-49c4-875e-778aeb7632d9"


def test_season_schedule(data_file: DataFile) -> None:
    schedule = parse_sportradar_schedule(data_file(SCHEDULE).read_bytes())
    assert (schedule.season_year, schedule.season_type) == (2017, "REG")
    assert len(schedule.games) == 2431
    assert Counter(g.status for g in schedule.games) == {
        "scheduled": 2050,
        "closed": 380,
        "postponed": 1,
    }
    first = schedule.games[0]
    assert first.id == "00404c04-9cbc-423f-ac20-0b6127998052"
    assert first.scheduled == datetime(2017, 4, 6, 17, 10, tzinfo=UTC)
    assert first.home is not None
    assert first.away is not None
    assert (first.home.abbr, first.home.market, first.home.name) == ("MIN", "Minnesota", "Twins")
    assert (first.away.abbr, first.away.name) == ("KC", "Royals")
    assert first.home_team_id == first.home_team == "aa34e0ed-f342-4ec6-b774-c79b47b60e2d"
    assert first.venue is not None
    assert first.venue.name == "Target Field"
    assert first.attendance == 16078
    assert first.is_closed
    assert GAME_ID in schedule.by_id()
    summary_game = schedule.by_id()[GAME_ID]
    assert summary_game.home is not None
    assert summary_game.home.abbr == "BOS"


def test_game_summary_teams_scores_and_players(data_file: DataFile) -> None:
    game = parse_sportradar_game_summary(data_file(SUMMARY).read_bytes())
    assert game.id == GAME_ID
    assert game.status == "closed"
    assert game.scheduled == datetime(2017, 4, 17, 15, 5, tzinfo=UTC)
    assert game.home is not None
    assert game.away is not None
    assert (game.home.id, game.home.abbr, game.home.runs, game.home.hits) == (BOS, "BOS", 4, 9)
    assert (game.away.id, game.away.abbr, game.away.runs, game.away.hits) == (TB, "TB", 3, 11)
    assert game.final is not None
    assert (game.final.inning, game.final.inning_half) == (9, "T")
    assert game.home.starting_pitcher is not None
    assert game.home.starting_pitcher.last_name == "Wright"
    assert [game.home.player(e.id).name for e in game.home.starting_lineup] == [  # type: ignore[union-attr]
        "Dustin Pedroia",
        "Andrew Benintendi",
        "Mookie Betts",
        "Hanley Ramírez",
        "Xander Bogaerts",
        "Mitch Moreland",
        "Chris Young",
        "Sandy León",
        "Marco Hernández",
    ]
    wright = game.home.player("02a38fcb-3bdc-4e2f-be10-0cdd5e0a6f88")
    assert wright is not None
    pitching = wright.pitching
    assert pitching is not None
    assert (pitching.outs_recorded, pitching.ip_2, pitching.bf) == (18, 6.0, 27)
    assert (pitching.hits_allowed, pitching.earned_runs, pitching.strikeouts) == (9, 1, 4)
    assert pitching.walks == 1
    betts = next(p for p in game.home.players if p.name == "Mookie Betts")
    assert betts.hitting is not None
    assert betts.hitting.hits == 2
    team_hitting = game.home.statistics
    assert team_hitting is not None
    assert team_hitting.hitting is not None
    assert team_hitting.hitting.overall is not None
    assert team_hitting.hitting.overall.ab == 32
    assert team_hitting.hitting.overall.avg == pytest.approx(0.281)
    assert team_hitting.hitting.overall.hits == 9


def test_play_by_play(data_file: DataFile) -> None:
    game = parse_sportradar_play_by_play(data_file(PBP).read_bytes())
    assert game.id == GAME_ID
    assert len(game.innings) == 10
    at_bats = game.at_bats()
    assert len(at_bats) == 74
    first = at_bats[0]
    assert first.description == "Corey Dickerson singles to left field."
    assert first.hitter_id == "21e3d551-a8b8-4f6b-9d06-6832e527ddc1"
    assert first.pitcher_id == "02a38fcb-3bdc-4e2f-be10-0cdd5e0a6f88"
    assert first.pitch_count == 3
    pitch = first.events[0]
    assert pitch.pitcher is not None
    assert (pitch.pitcher.pitch_type, pitch.pitcher.pitch_speed) == ("KN", 73.0)
    assert pitch.count is not None
    assert (pitch.count.balls, pitch.count.strikes) == (1, 0)
    # the pbp agrees with the summary: at-bats against each staff == its batters faced
    summary = parse_sportradar_game_summary(data_file(SUMMARY).read_bytes())
    for team, expected in ((summary.home, 39), (summary.away, 35)):
        assert team is not None
        staff = [p for p in team.players if p.pitching is not None]
        faced = sum(1 for ab in at_bats if ab.pitcher_id in {p.id for p in staff})
        assert faced == sum(p.pitching.bf or 0 for p in staff if p.pitching) == expected


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        (SCHEDULE, SportradarQuota(1, 1, 1000, 422)),
        (D + "mlb_v6_trial_league_hierarchy.meta.json", SportradarQuota(1, 1, 1000, 421)),
        (D + "mlb_v6_trial_2017_reg_standings.meta.json", SportradarQuota(1, 1, 1000, 430)),
        (SUMMARY, SportradarQuota(25, 1, 2000000, 68193)),
        (PBP, SportradarQuota(25, 1, 2000000, 98011)),
    ],
)
def test_recorded_quota_headers(data_file: DataFile, rel: str, expected: SportradarQuota) -> None:
    meta_rel = rel if rel.endswith(".meta.json") else rel.removesuffix(".json") + ".meta.json"
    meta = json.loads(data_file(meta_rel).read_text())
    assert meta["status"]["code"] == 200
    assert "<MLB_API_KEY>" in meta["request_uri"]
    assert sportradar_quota_from_headers(meta["response_headers"]) == expected


def test_quota_remaining_and_absent_headers() -> None:
    assert SportradarQuota(quota_allotted=1000, quota_current=422).remaining == 578
    assert sportradar_quota_from_headers({"Content-Type": "application/json"}) == SportradarQuota()
    assert SportradarQuota().remaining is None


# ---------------------------------------------------------------------------- v7/v8 drift


def test_daily_schedule_v7_shape_under_league(data_file: DataFile) -> None:
    # No v7/v8 recording exists; reshape real v6 games into the daily layout
    # {league: {date, games: [...]}} with extra fields newer versions add.
    raw = orjson.loads(data_file(SCHEDULE).read_bytes())
    games: list[dict[str, Any]] = raw["games"][:3]
    for game in games:
        game["double_header"] = False
        game["entry_mode"] = "INGEST"
        game["home"]["sr_id"] = "sr:competitor:1"
        del game["broadcast"]
    daily = {"league": {"id": raw["league"]["id"], "date": "2017-04-06", "games": games}}
    schedule = parse_sportradar_schedule(orjson.dumps(daily))
    assert schedule.day == date(2017, 4, 6)
    assert [g.id for g in schedule.games] == [g["id"] for g in games]
    assert schedule.games[0].double_header is False


def test_summary_drift_missing_and_unknown(data_file: DataFile) -> None:
    raw = orjson.loads(data_file(SUMMARY).read_bytes())
    raw["game"]["new_field"] = {"x": 1}
    del raw["game"]["home"]["players"][0]["statistics"]
    del raw["game"]["away"]["lineup"]
    raw["game"]["home"]["players"][1]["statistics"]["hitting"]["overall"]["avg"] = ".---"
    game = parse_sportradar_game_summary(orjson.dumps(raw))
    assert game.home is not None
    assert game.away is not None
    assert game.home.players[0].statistics is None
    assert game.home.players[0].pitching is None
    assert game.away.lineup == ()
    betts = game.home.players[1]
    assert betts.name == "Mookie Betts"
    assert betts.hitting is not None
    assert (betts.hitting.avg, betts.hitting.hits) == (None, 2)


# ------------------------------------------------------------------------------------ faults


@pytest.mark.parametrize(
    "parser",
    [parse_sportradar_schedule, parse_sportradar_game_summary, parse_sportradar_play_by_play],
)
def test_html_and_truncated(parser: Callable[[bytes], object], data_file: DataFile) -> None:
    with pytest.raises(SourceDecodeError) as info:
        parser(b"<h1>Developer Inactive</h1>")
    assert info.value.source == "sportradar"
    with pytest.raises(SourceDecodeError, match="truncated"):
        parser(data_file(SUMMARY).read_bytes()[:1000])


@pytest.mark.parametrize(
    ("parser", "payload", "where"),
    [
        (parse_sportradar_schedule, b"[]", "$"),
        (parse_sportradar_schedule, b'{"league": {"id": "x"}}', "$.games"),
        (parse_sportradar_schedule, b'{"games": [{"status": "closed"}]}', "id"),
        (parse_sportradar_game_summary, b'{"games": []}', "$.game"),
        (parse_sportradar_play_by_play, b'{"game": {"id": "x", "innings": {}}}', "$.game.innings"),
    ],
)
def test_structurally_wrong(parser: Callable[[bytes], object], payload: bytes, where: str) -> None:
    with pytest.raises(SourceDecodeError) as info:
        parser(payload)
    assert where in str(info.value)
    assert info.value.source == "sportradar"

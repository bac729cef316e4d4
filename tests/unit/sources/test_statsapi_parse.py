"""MLB Stats API parsers on the real recordings in ../shared/data/statsapi.

Values asserted here were read from the files themselves (see PROVENANCE-savant-statsapi-chadwick).
"""

from __future__ import annotations

import copy
import csv
import gzip
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from savantsdk.exceptions import SourceDecodeError
from savantsdk.sources import (
    Boxscore,
    GameFeed,
    Schedule,
    apply_json_patch,
    parse_boxscore,
    parse_diff_patch,
    parse_game_feed,
    parse_linescore,
    parse_people,
    parse_play_by_play,
    parse_player_stats,
    parse_roster,
    parse_schedule,
    parse_teams,
    parse_timestamps,
)

DataFile = Callable[[str], Path]

STUBS = "statsapi/pymlb_statsapi_stubs"
BOX_747175 = f"{STUBS}/game/boxscore/boxscore_game_pk=747175_4240fc08a038.json.gz"
FEED_747175 = f"{STUBS}/game/liveGameV1/liveGameV1_game_pk=747175_4240fc08a038.json.gz"


def body(path: Path) -> bytes:
    """Raw response bytes: unwrap pymlb capture wrappers, strip the ``// URL`` comment line."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        wrapper = orjson.loads(gzip.decompress(raw))
        assert wrapper["status_code"] == 200
        return orjson.dumps(wrapper["response"])
    text = raw.decode("utf-8-sig")
    if text.startswith("//"):
        text = text.split("\n", 1)[1].lstrip("\ufeff")
    return text.encode()


def load(data_file: DataFile, rel: str) -> bytes:
    return body(data_file(rel))


def as_obj(data: bytes) -> Any:
    return orjson.loads(data)


# ------------------------------------------------------------------------------------ schedule


def test_schedule_2024_07_01_games_keyed_by_game_pk(data_file: DataFile) -> None:
    schedule = parse_schedule(load(data_file, "statsapi/mlb-statsapi-pydantic/schedule.json"))
    assert [g.game_pk for g in schedule.games] == [744914, 744840, 746535]
    game = schedule.by_game_pk()[744914]
    assert game.official_date == date(2024, 7, 1)
    assert game.game_date == datetime(2024, 7, 1, 19, 7, tzinfo=UTC)
    assert game.status.abstract_game_state == "Final"
    assert game.status.is_final
    assert game.status.detailed_state == "Final"
    assert game.teams.away is not None
    assert game.teams.home is not None
    assert game.teams.away.team is not None
    assert game.teams.home.team is not None
    assert (game.teams.away.team.name, game.teams.away.score) == ("Houston Astros", 3)
    assert (game.teams.home.team.name, game.teams.home.score) == ("Toronto Blue Jays", 1)
    assert game.teams.away.is_winner is True
    assert game.venue is not None
    assert (game.venue.id, game.venue.name) == (14, "Rogers Centre")
    assert game.game_number == 1
    assert game.double_header == "N"
    assert not game.is_doubleheader
    assert game.status.start_time_tbd is False


def test_schedule_hydrate_team_and_game_changes(data_file: DataFile) -> None:
    rel = "statsapi/mlb-statsapi-pydantic/schedule_hydrated_team.json"
    (game,) = parse_schedule(load(data_file, rel)).games
    assert game.teams.away is not None
    assert game.teams.away.team is not None
    assert game.teams.home is not None
    assert game.teams.home.team is not None
    assert (game.teams.away.team.abbreviation, game.teams.home.team.abbreviation) == ("HOU", "TOR")
    changes = parse_schedule(load(data_file, "statsapi/mlb-statsapi-pydantic/game_changes.json"))
    assert [(g.game_pk, g.status.start_time_tbd) for g in changes.games] == [
        (187527, True),
        (215861, False),
    ]
    assert changes.games[0].official_date == date(1984, 8, 5)


def test_schedule_postponed_game_keeps_its_own_official_date(data_file: DataFile) -> None:
    rel = "statsapi/python-mlb-statsapi/mock_json/schedule/schedule_date.json"
    schedule = parse_schedule(load(data_file, rel))
    assert len(schedule.games) == 9
    postponed = schedule.by_game_pk()[661333]
    assert schedule.dates[0].day == date(2022, 4, 7)
    assert postponed.official_date == date(2022, 4, 8)
    assert postponed.status.detailed_state == "Postponed"
    assert postponed.teams.home is not None
    assert postponed.teams.home.score is None


def test_schedule_with_trimmed_empty_teams_still_parses(data_file: DataFile) -> None:
    rel = "statsapi/python-mlb-statsapi/mock_json/schedule/schedule_start_end_date.json"
    schedule = parse_schedule(load(data_file, rel))
    assert [len(d.games) for d in schedule.dates] == [4, 2, 2]
    trimmed = schedule.by_game_pk()[715753]
    assert trimmed.teams.away is None
    assert trimmed.teams.home is None
    rained = schedule.by_game_pk()[715752]
    assert rained.status.reason == "Inclement Weather"
    assert rained.description is None or isinstance(rained.description, str)
    assert schedule.by_game_pk()[715743].series_description == "Division Series"


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        ("schedule_date=2024-10-25_sportId=1_6e063b339560.json.gz", [(775300, 3, 6)]),
        ("schedule_date=2024-10-26_sportId=1_3150c7552667.json.gz", [(775294, 2, 4)]),
        ("schedule_date=2024-10-27_sportId=1_ab2abcb7110d.json.gz", []),
        ("schedule_date=2024-10-27_gameType=P_sportId=1_688105966ef0.json.gz", []),
        ("schedule_date=2024-10-27_sportId=1_teamId=147_b45787976c51.json.gz", []),
        (
            "schedule_endDate=2024-10-22_sportId=1_startDate=2024-10-20_57a3094d70f0.json.gz",
            [(775302, 5, 10)],
        ),
    ],
)
def test_every_recorded_schedule_stub(
    data_file: DataFile, rel: str, expected: list[tuple[int, int, int]]
) -> None:
    schedule = parse_schedule(load(data_file, f"{STUBS}/schedule/schedule/{rel}"))
    got = []
    for game in schedule.games:
        assert game.teams.away is not None
        assert game.teams.home is not None
        got.append((game.game_pk, game.teams.away.score, game.teams.home.score))
    assert got == expected


@pytest.mark.parametrize(
    "rel",
    [
        "statsapi/mlb-statsapi-pydantic/schedule_hydrated_team.json",
        "statsapi/mlb-statsapi-pydantic/game_changes.json",
    ],
)
def test_other_schedule_shaped_files(data_file: DataFile, rel: str) -> None:
    schedule = parse_schedule(load(data_file, rel))
    raw = as_obj(load(data_file, rel))
    assert [g.game_pk for g in schedule.games] == [
        g["gamePk"] for d in raw["dates"] for g in d["games"]
    ]


def test_doubleheader_games_stay_distinct(data_file: DataFile) -> None:
    # No recorded schedule contains a doubleheader: derive one from a real game by adding the
    # second game the way the API lists it (same date, new gamePk, gameNumber 2, doubleHeader S).
    raw = as_obj(load(data_file, "statsapi/mlb-statsapi-pydantic/schedule.json"))
    first = raw["dates"][0]["games"][0]
    second = copy.deepcopy(first)
    first.update(doubleHeader="S")
    second.update(gamePk=744999, gameNumber=2, doubleHeader="S")
    raw["dates"][0]["games"].insert(1, second)
    schedule = parse_schedule(orjson.dumps(raw))
    games = schedule.by_game_pk()
    assert games[744914].game_number == 1
    assert games[744999].game_number == 2
    assert games[744914].is_doubleheader
    assert games[744999].is_doubleheader
    assert games[744914].official_date == games[744999].official_date
    assert len(games) == 4


def test_schedule_probable_pitchers_and_lineups_when_hydrated(data_file: DataFile) -> None:
    # hydrate=probablePitcher / hydrate=lineups are not in the recordings: add them in the
    # documented shape to a real game (ids from the 744914 feed's probablePitchers).
    raw = as_obj(load(data_file, "statsapi/mlb-statsapi-pydantic/schedule.json"))
    game = raw["dates"][0]["games"][0]
    game["teams"]["away"]["probablePitcher"] = {"id": 686613, "fullName": "Hunter Brown"}
    game["teams"]["home"]["probablePitcher"] = {"id": 684320, "fullName": "Yariel Rodríguez"}
    game["lineups"] = {
        "homePlayers": [{"id": 543807, "fullName": "George Springer", "primaryPosition": {}}],
        "awayPlayers": [],
    }
    parsed = parse_schedule(orjson.dumps(raw)).by_game_pk()[744914]
    assert parsed.teams.away is not None
    assert parsed.teams.away.probable_pitcher is not None
    assert parsed.teams.away.probable_pitcher.id == 686613
    assert parsed.lineups is not None
    assert [p.id for p in parsed.lineups.home_players] == [543807]


# ------------------------------------------------------------------------------------ boxscore

AWAY_STARTERS_747175 = [543807, 687462, 665489, 457759, 662139, 672386, 676391, 595281, 677870]
HOME_STARTERS_747175 = [682998, 672515, 592626, 572233, 672695, 545341, 553993, 677950, 621028]


def test_boxscore_747175_starting_nine_and_starters(data_file: DataFile) -> None:
    box = parse_boxscore(load(data_file, BOX_747175))
    away, home = box.teams.away, box.teams.home
    assert (away.team.id, away.team.abbreviation) == (141, "TOR")
    assert (home.team.id, home.team.abbreviation) == (109, "AZ")
    assert [p.id for p in away.starting_lineup] == AWAY_STARTERS_747175
    assert [p.id for p in home.starting_lineup] == HOME_STARTERS_747175
    assert [p.lineup_slot for p in away.starting_lineup] == list(range(1, 10))
    # the team's battingOrder list is the *final* lineup: Schneider (401) replaced Turner
    assert away.batting_order[3] == 676914
    assert [(p.id, p.batting_order) for p in away.substitutes] == [(676914, "401")]
    assert [(p.id, p.batting_order) for p in home.substitutes] == [(606466, "301")]
    assert away.starting_pitcher is not None
    assert home.starting_pitcher is not None
    assert away.starting_pitcher.person.full_name == "Yariel Rodríguez"
    assert home.starting_pitcher.person.full_name == "Ryne Nelson"
    assert [p.id for p in away.pitchers_used] == [684320, 650893, 621114, 663893, 670950, 643338]
    nelson = home.starting_pitcher.stats.pitching
    assert (nelson.innings_pitched, nelson.outs, nelson.batters_faced) == (7.0, 21, 26)
    assert nelson.strike_outs == 5
    rodriguez = away.starting_pitcher.stats.pitching
    assert (rodriguez.outs, rodriguez.batters_faced, rodriguez.strike_outs) == (12, 19, 7)
    green = away.player(643338)
    assert green is not None
    assert green.stats.pitching.outs == 2
    assert green.stats.pitching.innings_pitched == pytest.approx(2 / 3)


def test_boxscore_batting_lines_and_bench_players(data_file: DataFile) -> None:
    box = parse_boxscore(load(data_file, BOX_747175))
    raw = as_obj(load(data_file, BOX_747175))
    for side in ("away", "home"):
        team = getattr(box.teams, side)
        for key, player in raw["teams"][side]["players"].items():
            line = team.players[key].stats.batting
            src = player["stats"]["batting"]
            assert line.hits == src.get("hits")
            assert line.total_bases == src.get("totalBases")
            assert line.home_runs == src.get("homeRuns")
            assert line.strike_outs == src.get("strikeOuts")
            assert line.base_on_balls == src.get("baseOnBalls")
            assert line.is_empty == (src == {})
    assert box.teams.home.team_stats is not None
    assert box.teams.home.team_stats.batting.hits == 6
    assert box.teams.away.team_stats is not None
    assert box.teams.away.team_stats.batting.hits == 8


def test_boxscore_744914_innings_in_thirds(data_file: DataFile) -> None:
    box = parse_boxscore(load(data_file, "statsapi/mlb-statsapi-pydantic/boxscore.json"))
    starter = box.teams.home.starting_pitcher
    assert starter is not None
    assert starter.person.id == 684320
    line = starter.stats.pitching
    assert line.innings_pitched == pytest.approx(6 + 2 / 3)  # "6.2"
    assert line.outs == 20
    assert line.earned_runs == 1
    assert line.home_runs == 1
    assert line.strike_percentage == pytest.approx(0.61)
    reliever = box.teams.home.player(670950)
    assert reliever is not None
    assert reliever.stats.pitching.outs == 4  # "1.1"
    assert box.teams.away.starting_pitcher is not None
    assert box.teams.away.starting_pitcher.person.id == 686613


# ---------------------------------------------------------------------------------- feed/live

FEEDS = [
    ("statsapi/mlb-statsapi-pydantic/livefeed.json", 744914, 68, "Final", ("HOU", "TOR")),
    ("statsapi/mlb-gameday-bot/feed_live_746215.json", 746215, 68, "Final", ("MIL", "LAA")),
    (
        "statsapi/mlb-gameday-bot/feed_live_746139_no-move.json",
        746139,
        62,
        "In Progress",
        ("TEX", "LAD"),
    ),
    (
        "statsapi/mlb-gameday-bot/feed_live_746139_with-move.json",
        746139,
        68,
        "In Progress",
        ("TEX", "LAD"),
    ),
    ("statsapi/python-mlb-statsapi/mock_json/games/game.json", 715720, 2, "Final", ("HOU", "PHI")),
    (FEED_747175, 747175, 75, "Final", ("TOR", "AZ")),
    (
        f"{STUBS}/game/liveGameV1/liveGameV1_game_pk=747175_timecode=20241027_000000_d2e3f141153b.json.gz",
        747175,
        75,
        "Final",
        ("TOR", "AZ"),
    ),
]


@pytest.mark.parametrize(("rel", "game_pk", "plays", "state", "abbrevs"), FEEDS)
def test_every_recorded_feed(
    data_file: DataFile, rel: str, game_pk: int, plays: int, state: str, abbrevs: tuple[str, str]
) -> None:
    feed = parse_game_feed(load(data_file, rel))
    assert feed.game_pk == game_pk
    assert feed.game_data.game.pk == game_pk
    assert len(feed.live_data.plays.all_plays) == plays
    assert feed.game_data.status.detailed_state == state
    teams = feed.game_data.teams
    assert teams.away is not None
    assert teams.home is not None
    assert (teams.away.abbreviation, teams.home.abbreviation) == abbrevs
    assert feed.timestamp is not None
    indexes = [p.about.at_bat_index for p in feed.live_data.plays.all_plays]
    assert indexes == list(range(plays))  # 0-based, contiguous, in order


def test_feed_747175_details(data_file: DataFile) -> None:
    feed = parse_game_feed(load(data_file, FEED_747175))
    assert feed.timestamp == datetime(2024, 7, 13, 4, 19, 9, tzinfo=UTC)
    assert feed.meta_data is not None
    assert feed.meta_data.time_stamp == "20240713_041909"
    assert feed.is_final
    assert feed.game_data.date_time.official_date == date(2024, 7, 12)
    assert feed.game_data.date_time.date_time == datetime(2024, 7, 13, 1, 40, tzinfo=UTC)
    assert feed.game_data.game.double_header == "N"
    pp = feed.game_data.probable_pitchers
    assert pp is not None
    assert pp.away is not None
    assert pp.home is not None
    assert (pp.away.id, pp.away.full_name) == (684320, "Yariel Rodríguez")
    assert (pp.home.id, pp.home.full_name) == (669194, "Ryne Nelson")
    first = feed.live_data.plays.all_plays[0]
    assert first.result.event_type == "field_out"
    assert first.about.at_bat_index == 0
    assert first.about.inning == 1
    assert first.about.is_top_inning is True
    assert first.matchup.batter is not None
    assert first.matchup.pitcher is not None
    assert (first.matchup.batter.id, first.matchup.pitcher.id) == (543807, 669194)
    assert first.pitch_count == 3
    linescore = feed.live_data.linescore
    assert linescore is not None
    assert linescore.teams is not None
    assert linescore.teams.home is not None
    assert linescore.teams.away is not None
    assert (linescore.teams.away.runs, linescore.teams.home.runs) == (4, 5)
    assert len(linescore.innings) == 9
    assert feed.live_data.decisions is not None
    assert feed.live_data.decisions.winner is not None
    assert feed.live_data.decisions.winner.id == 679885
    person = feed.game_data.player(669194)
    assert person is not None
    assert person.full_name == "Ryne Nelson"
    assert feed.game_data.player(1) is None
    # the boxscore inside the feed agrees with the standalone boxscore endpoint
    box = feed.live_data.boxscore
    assert box is not None
    assert [p.id for p in box.teams.away.starting_lineup] == AWAY_STARTERS_747175
    assert [p.id for p in box.teams.home.starting_lineup] == HOME_STARTERS_747175
    # the game-ending sac fly is the last play
    assert feed.live_data.plays.all_plays[-1].result.event_type == "sac_fly"


def test_trimmed_feed_missing_players_does_not_crash(data_file: DataFile) -> None:
    feed = parse_game_feed(
        load(data_file, "statsapi/python-mlb-statsapi/mock_json/games/game.json")
    )
    box = feed.live_data.boxscore
    assert box is not None
    # pitchers lists ids whose player entries were trimmed away: lookups give None, not KeyError
    assert box.teams.away.pitchers[0] == 434378
    assert box.teams.away.starting_pitcher is None
    assert box.teams.away.pitchers_used == ()


def test_feed_746215_starter_innings(data_file: DataFile) -> None:
    feed = parse_game_feed(load(data_file, "statsapi/mlb-gameday-bot/feed_live_746215.json"))
    box = feed.live_data.boxscore
    assert box is not None
    starter = box.teams.away.starting_pitcher
    assert starter is not None
    assert starter.id == 692230
    assert starter.stats.pitching.outs == 14  # "4.2"
    assert starter.stats.pitching.innings_pitched == pytest.approx(14 / 3)


def test_cross_check_feed_746215_against_savant(data_file: DataFile) -> None:
    """Savant pitch rows of game 746215 (2024-06-17) agree with the Stats API feed/boxscore."""
    with gzip.open(data_file("statcast/2024/sc_2024-06-17.csv.gz"), "rt", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["game_pk"] == "746215"]
    feed = parse_game_feed(load(data_file, "statsapi/mlb-gameday-bot/feed_live_746215.json"))
    plays = feed.live_data.plays.all_plays
    # PAs: Savant at_bat_number = atBatIndex + 1; same event and pitch count for each
    savant_pitches = Counter(int(r["at_bat_number"]) for r in rows)
    savant_events = {
        int(r["at_bat_number"]): r["events"] for r in rows if r["events"] not in {"", "NA"}
    }
    assert (len(plays), len(savant_events), len(rows)) == (68, 67, 280)
    missing = [p for p in plays if (p.about.at_bat_index or 0) + 1 not in savant_pitches]
    assert [(p.about.at_bat_index, p.result.event_type) for p in missing] == [(25, "pickoff_1b")]
    for play in plays:
        number = (play.about.at_bat_index or 0) + 1
        if number in savant_events:
            assert savant_events[number] == play.result.event_type, number
            assert savant_pitches[number] == play.pitch_count, number
    # per-batter H, TB, HR, K from Savant events == the boxscore batting lines
    bases = {"single": 1, "double": 2, "triple": 3, "home_run": 4}
    totals: defaultdict[int, Counter[str]] = defaultdict(Counter)
    for number, event in savant_events.items():
        batter = next(int(r["batter"]) for r in rows if int(r["at_bat_number"]) == number)
        totals[batter].update(
            h=event in bases,
            tb=bases.get(event, 0),
            hr=event == "home_run",
            k=event.startswith("strikeout"),
        )
    box = feed.live_data.boxscore
    assert box is not None
    checked = 0
    for team in (box.teams.away, box.teams.home):
        for player in team.players.values():
            line = player.stats.batting
            if not line.plate_appearances:
                continue
            got = totals[player.id]
            assert (got["h"], got["tb"], got["hr"], got["k"]) == (
                line.hits,
                line.total_bases,
                line.home_runs,
                line.strike_outs,
            ), player.person.full_name
            checked += 1
        for pitcher in team.pitchers_used:
            ks = sum(
                1
                for r in rows
                if r["events"].startswith("strikeout") and int(r["pitcher"]) == pitcher.id
            )
            assert ks == pitcher.stats.pitching.strike_outs
    assert checked == 20


# ------------------------------------------------------------------------ playByPlay / linescore


def test_play_by_play_endpoint_files(data_file: DataFile) -> None:
    plays = parse_play_by_play(load(data_file, "statsapi/mlb-statsapi-pydantic/play_by_play.json"))
    assert len(plays.all_plays) == 62
    assert plays.scoring_plays == (35,)
    assert plays.current_play is not None
    assert plays.current_play.about.at_bat_index == 61
    assert plays.all_plays[0].matchup.batter is not None
    assert plays.all_plays[0].matchup.batter.full_name == "Brice Turang"
    rel = f"{STUBS}/game/playByPlay/playByPlay_game_pk=747175_4240fc08a038.json.gz"
    plays_747175 = parse_play_by_play(load(data_file, rel))
    assert plays_747175.scoring_plays == (19, 30, 35, 43, 51, 59, 65, 74)
    feed = parse_game_feed(load(data_file, FEED_747175))
    assert [p.result.event_type for p in plays_747175.all_plays] == [
        p.result.event_type for p in feed.live_data.plays.all_plays
    ]


def test_linescore_endpoint_files(data_file: DataFile) -> None:
    rel = f"{STUBS}/game/linescore/linescore_game_pk=747175_4240fc08a038.json.gz"
    linescore = parse_linescore(load(data_file, rel))
    assert linescore.note == "Two out when winning run scored."
    assert linescore.teams is not None
    assert linescore.teams.home is not None
    assert linescore.teams.away is not None
    assert (linescore.teams.away.runs, linescore.teams.home.runs) == (4, 5)
    assert (linescore.teams.away.hits, linescore.teams.home.hits) == (8, 6)
    runs_by_inning = [i.home.runs if i.home else None for i in linescore.innings]
    assert sum(r or 0 for r in runs_by_inning) == 5
    other = parse_linescore(load(data_file, "statsapi/mlb-statsapi-pydantic/linescore.json"))
    assert other.teams is not None
    assert other.teams.away is not None
    assert (other.teams.away.runs, len(other.innings)) == (3, 9)


def test_malformed_play_events_recording(data_file: DataFile) -> None:
    # A real 2026 play whose second pitch has a type without a code (an "Unknown" pitch).
    play = as_obj(load(data_file, "statsapi/mlb-statsapi-pydantic/malformed_play_events.json"))
    (parsed,) = parse_play_by_play(orjson.dumps({"allPlays": [play]})).all_plays
    assert (parsed.result.event_type, parsed.about.at_bat_index) == ("force_out", 83)
    first, second = parsed.play_events
    assert first.details is not None
    assert first.details.pitch_type is not None
    assert (first.details.pitch_type.code, first.details.pitch_type.description) == ("EP", "Eephus")
    assert first.pitch_data is not None
    assert first.pitch_data.start_speed == 34.9
    assert second.details is not None
    assert second.details.pitch_type is not None
    assert second.details.pitch_type.code is None
    assert second.details.pitch_type.description == "Unknown"
    assert parsed.pitch_count == 2


# ------------------------------------------------------------------------------ people / stats

PEOPLE = [
    ("person_personIds=545361_484004149834.json.gz", 545361, "Mike Trout"),
    ("person_personIds=592450_5b1a998d2ad1.json.gz", 592450, "Aaron Judge"),
    ("person_personIds=660271_0b4b9732e3b9.json.gz", 660271, "Shohei Ohtani"),
]


@pytest.mark.parametrize(("rel", "person_id", "name"), PEOPLE)
def test_people_by_person_ids(data_file: DataFile, rel: str, person_id: int, name: str) -> None:
    (person,) = parse_people(load(data_file, f"{STUBS}/person/person/{rel}"))
    assert (person.id, person.full_name) == (person_id, name)


@pytest.mark.parametrize(
    "rel",
    [
        "person_personIds=608070_9f6a0e3cdb1e.json.gz",
        "person_personIds=665487_3367d8cd4f14.json.gz",
    ],
)
def test_other_people_files(data_file: DataFile, rel: str) -> None:
    people = parse_people(load(data_file, f"{STUBS}/person/person/{rel}"))
    raw = as_obj(load(data_file, f"{STUBS}/person/person/{rel}"))
    assert [p.id for p in people] == [p["id"] for p in raw["people"]]
    assert all(p.full_name for p in people)


def test_ohtani_person_fields(data_file: DataFile) -> None:
    (ohtani,) = parse_people(load(data_file, f"{STUBS}/person/person/{PEOPLE[2][0]}"))
    assert ohtani.birth_date == date(1994, 7, 5)
    assert ohtani.bat_side is not None
    assert ohtani.pitch_hand is not None
    assert (ohtani.bat_side.code, ohtani.pitch_hand.code) == ("L", "R")
    assert ohtani.primary_position is not None
    assert ohtani.primary_position.abbreviation == "TWP"
    assert ohtani.mlb_debut_date == date(2018, 3, 29)
    assert ohtani.name_slug == "shohei-ohtani-660271"
    assert ohtani.strike_zone_top == pytest.approx(3.53)


def test_people_batch_file_and_pydantic_person(data_file: DataFile) -> None:
    people = parse_people(
        load(data_file, "statsapi/python-mlb-statsapi/mock_json/people/players.json")
    )
    assert len(people) == 11
    assert (people[0].id, people[0].full_name) == (676265, "Cory Abbott")
    (ohtani,) = parse_people(load(data_file, "statsapi/mlb-statsapi-pydantic/people_660271.json"))
    assert ohtani.id == 660271


@pytest.mark.parametrize(
    ("name", "person_id", "groups"),
    [
        ("pitching_player_AL_TWP_all_stats.json", 660271, 23),
        ("pitching_player_AL_TWP_hitting_stats.json", 660271, 10),
        ("position_player_RF_hitting_no_stats.json", 665742, 0),
        ("position_player_RF_hitting_stats.json", 665742, 1),
        ("position_player_RF_hitting_stats_all.json", 665742, 13),
    ],
)
def test_every_hydrated_people_file(
    data_file: DataFile, name: str, person_id: int, groups: int
) -> None:
    raw = load(data_file, f"statsapi/python-mlb-statsapi/statsapi_json/{name}")
    (person,) = parse_people(raw)
    assert person.id == person_id
    assert len(person.stats) == groups
    splits = [len(g.splits) for g in person.stats]
    assert splits == [len(g.get("splits", [])) for g in as_obj(raw)["people"][0].get("stats", [])]


def test_hydrated_person_stats_juan_soto(data_file: DataFile) -> None:
    rel = "statsapi/python-mlb-statsapi/statsapi_json/position_player_RF_hitting_stats_all.json"
    (soto,) = parse_people(load(data_file, rel))
    assert (soto.id, soto.full_name) == (665742, "Juan Soto")
    season = soto.stat_group("season", "hitting")
    assert season is not None
    got = [(s.season, s.stat.avg, s.stat.home_runs) for s in season.splits]
    assert got == [("2022", 0.242, 25), ("2022", 0.246, 21), ("2022", 0.231, 4)]
    assert season.splits[1].team is not None
    assert season.splits[1].team.name == "Washington Nationals"


def test_player_stats_season_kwan(data_file: DataFile) -> None:
    groups = parse_player_stats(
        load(data_file, "statsapi/mlb-gameday-bot/people_stats_steven-kwan-happy-path.json")
    )
    assert (groups[0].type_name, groups[0].group_name) == ("season", "hitting")
    line = groups[0].splits[0].stat
    assert (line.avg, line.obp, line.slg, line.ops) == (0.387, 0.448, 0.545, 0.993)
    assert (line.hits, line.home_runs, line.total_bases, line.plate_appearances) == (
        74,
        5,
        104,
        213,
    )
    assert line.singles == 74 - 11 - 2 - 5


def test_player_stats_pitching_innings_and_rates(data_file: DataFile) -> None:
    rel = "statsapi/python-mlb-statsapi/mock_json/stats/person/pitching_player_stats.json"
    groups = parse_player_stats(load(data_file, rel))
    season = next(g for g in groups if g.type_name == "season")
    line = season.splits[0].stat
    assert season.splits[0].player is not None
    assert season.splits[0].player.id == 660271
    assert (line.era, line.whip, line.innings_pitched, line.outs) == (2.33, 1.01, 166.0, 498)


def test_game_log_shaped_splits(data_file: DataFile) -> None:
    # No gameLog body is recorded; playLog splits carry the same per-game keys
    # (date, game.gamePk, opponent, isHome), which is what the game-log model reads.
    rel = (
        "statsapi/python-mlb-statsapi/mock_json/stats/person/hitting_playlog_stats_for_player.json"
    )
    (group,) = parse_player_stats(load(data_file, rel))
    split = group.splits[0]
    assert group.type_name == "playLog"
    assert split.game_date == date(2018, 3, 30)
    assert split.game_pk == 529424
    assert split.opponent is not None
    assert (split.opponent.id, split.opponent.name) == (140, "Texas Rangers")
    assert split.is_home is False


def test_every_recorded_stats_file_parses(data_file: DataFile, shared_data: Path) -> None:
    files = sorted((shared_data / "statsapi/python-mlb-statsapi/mock_json/stats").rglob("*.json"))
    files += sorted((shared_data / "statsapi/mlb-gameday-bot").glob("people_stats_*.json"))
    assert len(files) == 18
    for path in files:
        groups = parse_player_stats(body(path))
        raw = as_obj(body(path))
        assert [len(g.splits) for g in groups] == [len(g.get("splits", [])) for g in raw["stats"]]


# ------------------------------------------------------------------------------ rosters / teams


def test_roster_147(data_file: DataFile) -> None:
    rel = (
        f"{STUBS}/team/roster/roster_rosterType=active_teamId=147_season=2024_cdb942e44562.json.gz"
    )
    roster = parse_roster(load(data_file, rel))
    assert roster.team_id == 147
    assert len(roster.roster) == 54
    codes = Counter(e.status.code for e in roster.roster if e.status)
    assert codes == {"A": 26, "40M": 12, "MIN": 9, "CL": 4, "RL": 1, "TR": 1, "D60": 1}
    assert len(roster.active()) == 26
    cole = next(e for e in roster.active() if e.person.full_name == "Gerrit Cole")
    assert cole.jersey_number == "45"
    assert cole.position is not None
    assert cole.position.abbreviation == "P"


def test_roster_mock_file(data_file: DataFile) -> None:
    rel = "statsapi/python-mlb-statsapi/mock_json/teams/team_roster_players.json"
    roster = parse_roster(load(data_file, rel))
    assert len(roster.roster) == 37
    assert len(roster.active()) == 37


@pytest.mark.parametrize(
    ("rel", "team_id", "first"),
    [
        ("statsapi/python-mlb-statsapi/mock_json/teams/team_coaches.json", 133, "Mark Kotsay"),
        (
            "statsapi/python-mlb-statsapi/mock_json/teams/team_roster_coaches.json",
            133,
            "Mark Kotsay",
        ),
        (
            f"{STUBS}/team/coaches/coaches_teamId=147_season=2024_56102b1e8577.json.gz",
            147,
            "Aaron Boone",
        ),
    ],
)
def test_coach_rosters(data_file: DataFile, rel: str, team_id: int, first: str) -> None:
    roster = parse_roster(load(data_file, rel))
    assert (roster.team_id, roster.roster_type) == (team_id, "coach")
    assert roster.roster[0].person.full_name == first
    assert roster.roster[0].job == "Manager"
    assert roster.active() == ()  # coaches carry no player status


def test_teams_2024_abbreviations(data_file: DataFile) -> None:
    rel = f"{STUBS}/team/teams/teams_season=2024_sportId=1_a5c3f17672c0.json.gz"
    teams = {t.id: t for t in parse_teams(load(data_file, rel))}
    assert len(teams) == 30
    assert teams[109].abbreviation == "AZ"
    assert teams[147].abbreviation == "NYY"
    assert teams[133].abbreviation == "OAK"
    assert teams[133].division is not None
    assert teams[133].division.name == "American League West"


@pytest.mark.parametrize("team_id", [111, 112, 117, 121, 147])
def test_single_team_files(data_file: DataFile, shared_data: Path, team_id: int) -> None:
    (path,) = (shared_data / STUBS / "team/teams").glob(f"teams_teamId={team_id}_*.json.gz")
    (team,) = parse_teams(body(path))
    assert team.id == team_id
    assert team.abbreviation


def test_other_team_files(data_file: DataFile) -> None:
    for rel in (
        "statsapi/mlb-statsapi-pydantic/teams.json",
        "statsapi/python-mlb-statsapi/mock_json/teams/teams.json",
        "statsapi/python-mlb-statsapi/mlb_json_data/teams.json",
    ):
        teams = parse_teams(load(data_file, rel))
        assert len(teams) == len(as_obj(load(data_file, rel))["teams"])
        assert all(t.id > 0 for t in teams)


# ----------------------------------------------------------------------------- schema drift


def _feed_raw(data_file: DataFile) -> dict[str, Any]:
    result: dict[str, Any] = as_obj(load(data_file, FEED_747175))
    return result


def test_drift_unknown_fields_everywhere_are_ignored(data_file: DataFile) -> None:
    raw = _feed_raw(data_file)
    raw["brandNewTopLevel"] = {"x": 1}
    raw["gameData"]["absChallenges"] = [{"team": 1}]
    raw["liveData"]["plays"]["allPlays"][0]["result"]["newFlag"] = True
    box_player = raw["liveData"]["boxscore"]["teams"]["home"]["players"]["ID669194"]
    box_player["stats"]["pitching"]["stuffPlus"] = "112"
    feed = parse_game_feed(orjson.dumps(raw))
    assert feed == parse_game_feed(load(data_file, FEED_747175))


def test_drift_missing_optional_fields_default(data_file: DataFile) -> None:
    raw = _feed_raw(data_file)
    del raw["metaData"]
    del raw["gameData"]["probablePitchers"]
    del raw["gameData"]["datetime"]
    del raw["liveData"]["linescore"]
    del raw["liveData"]["plays"]["allPlays"][0]["matchup"]
    players = raw["liveData"]["boxscore"]["teams"]["home"]["players"]
    del players["ID669194"]["stats"]["pitching"]["outs"]
    feed = parse_game_feed(orjson.dumps(raw))
    assert feed.timestamp is None
    assert feed.game_data.probable_pitchers is None
    assert feed.game_data.date_time.official_date is None
    assert feed.live_data.linescore is None
    assert feed.live_data.plays.all_plays[0].matchup.batter is None
    box = feed.live_data.boxscore
    assert box is not None
    nelson = box.teams.home.player(669194)
    assert nelson is not None
    assert nelson.stats.pitching.outs == 21  # derived from inningsPitched "7.0"


def test_drift_renamed_stat_and_odd_values(data_file: DataFile) -> None:
    raw = as_obj(load(data_file, BOX_747175))
    line = raw["teams"]["home"]["players"]["ID669194"]["stats"]["pitching"]
    line["strikeouts"] = line.pop("strikeOuts")  # renamed upstream
    line["earnedRuns"] = "2"  # number sent as text
    line["inningsPitched"] = "6.1"
    del line["outs"]
    line["era"] = "-.--"
    box = parse_boxscore(orjson.dumps(raw))
    nelson = box.teams.home.player(669194)
    assert nelson is not None
    parsed = nelson.stats.pitching
    assert parsed.strike_outs is None
    assert parsed.earned_runs == 2
    assert parsed.outs == 19
    assert parsed.innings_pitched == pytest.approx(19 / 3)
    assert parsed.era is None
    assert parsed.batters_faced == 26


def test_drift_pitch_count_under_either_name(data_file: DataFile) -> None:
    # MLB-StatsAPI #66/#70: pitchesThrown vs numberOfPitches broke peers with KeyErrors.
    raw = as_obj(load(data_file, BOX_747175))
    players = raw["teams"]["home"]["players"]
    del players["ID669194"]["stats"]["pitching"]["numberOfPitches"]
    del players["ID686826"]["stats"]["pitching"]["pitchesThrown"]
    box = parse_boxscore(orjson.dumps(raw))
    original = parse_boxscore(load(data_file, BOX_747175))
    for pid in (669194, 686826):
        now, before = box.teams.home.player(pid), original.teams.home.player(pid)
        assert now is not None
        assert before is not None
        assert now.stats.pitching.pitch_count == before.stats.pitching.pitch_count
        assert now.stats.pitching.pitch_count is not None
        assert now.stats.pitching.pitch_count > 0


def test_drift_schedule_extra_and_missing(data_file: DataFile) -> None:
    raw = as_obj(load(data_file, "statsapi/mlb-statsapi-pydantic/schedule.json"))
    game = raw["dates"][0]["games"][0]
    game["newThing"] = [1, 2]
    del game["status"]
    del game["venue"]
    game["officialDate"] = "not a date"
    parsed = parse_schedule(orjson.dumps(raw)).by_game_pk()[744914]
    assert parsed.status.abstract_game_state is None
    assert parsed.venue is None
    assert parsed.official_date is None


# ------------------------------------------------------------------------------------- faults


HTML = b"<!DOCTYPE html><html><head><title>Access denied</title></head><body>blocked</body></html>"


@pytest.mark.parametrize(
    "parser",
    [
        parse_schedule,
        parse_game_feed,
        parse_boxscore,
        parse_people,
        parse_player_stats,
        parse_roster,
        parse_teams,
        parse_timestamps,
        parse_diff_patch,
        parse_play_by_play,
        parse_linescore,
    ],
)
def test_html_and_empty_bodies(parser: Callable[[bytes], object]) -> None:
    with pytest.raises(SourceDecodeError) as info:
        parser(HTML)
    assert info.value.source == "statsapi"
    assert "HTML" in str(info.value)
    with pytest.raises(SourceDecodeError, match="empty body"):
        parser(b"  ")


def test_truncated_feed(data_file: DataFile) -> None:
    data = load(data_file, FEED_747175)
    with pytest.raises(SourceDecodeError, match=r"invalid or truncated JSON") as info:
        parse_game_feed(data[: len(data) // 2])
    assert info.value.source == "statsapi"
    assert "feed/live" in str(info.value)


@pytest.mark.parametrize(
    ("parser", "payload", "where"),
    [
        (parse_schedule, b"[]", "$"),
        (parse_schedule, b'{"copyright": "x", "totalGames": 0}', "$.dates"),
        (parse_schedule, b'{"dates": {"date": "2024-07-01"}}', "$.dates"),
        (parse_schedule, b'{"dates": [{"games": [{"gameGuid": "x"}]}]}', "game_pk"),
        (parse_boxscore, b'{"teams": {"away": {}}}', "$.teams.home"),
        (parse_boxscore, b'"boxscore"', "$"),
        (parse_game_feed, b'{"gamePk": 1}', "$.gameData"),
        (parse_game_feed, b'{"gamePk": "abc", "gameData": {}}', "game_pk"),
        (parse_people, b'{"people": null}', "$.people"),
        (parse_people, b'{"people": [{"fullName": "No Id"}]}', "$.people[0].id"),
        (parse_roster, b"{}", "$.roster"),
        (parse_teams, b'{"teams": [1, 2]}', "$.teams"),
        (parse_player_stats, b"{}", "$.stats"),
        (parse_timestamps, b'{"a": 1}', "$"),
        (parse_timestamps, b'["20240713_041909", 5]', "$[1]"),
        (parse_diff_patch, b'[{"diff": "nope"}]', "$[0].diff"),
        (parse_play_by_play, b'{"currentPlay": {}}', "$.allPlays"),
        (parse_linescore, b'{"innings": {}}', "$.innings"),
    ],
)
def test_structurally_wrong_payloads_name_the_path(
    parser: Callable[[bytes], object], payload: bytes, where: str
) -> None:
    with pytest.raises(SourceDecodeError) as info:
        parser(payload)
    assert info.value.source == "statsapi"
    assert where in str(info.value)


# ----------------------------------------------------------------- timestamps / diffPatch
# No recorded /feed/live/timestamps or /diffPatch body exists in the shared data; these tests
# use the documented shapes.


def test_timestamps_sorted() -> None:
    payload = b'["20240713_041909", "20240713_014016", "20240713_023000"]'
    assert parse_timestamps(payload) == ("20240713_014016", "20240713_023000", "20240713_041909")


def test_diff_patch_operations_and_full_feed(data_file: DataFile) -> None:
    ops = [
        {"op": "replace", "path": "/metaData/timeStamp", "value": "20240713_041800"},
        {"op": "replace", "path": "/liveData/linescore/outs", "value": 2},
    ]
    later = [{"op": "replace", "path": "/metaData/timeStamp", "value": "20240713_041909"}]
    patch = parse_diff_patch(orjson.dumps([{"diff": ops}, {"diff": later}]))
    assert patch.full_feed is None
    assert len(patch.operations) == 3
    assert patch.latest_timestamp == "20240713_041909"
    full = parse_diff_patch(load(data_file, FEED_747175))
    assert full.full_feed is not None
    assert full.full_feed.game_pk == 747175
    assert full.latest_timestamp == "20240713_041909"


def test_apply_patch_to_real_feed(data_file: DataFile) -> None:
    raw = _feed_raw(data_file)
    before = orjson.dumps(raw)
    patch = parse_diff_patch(
        orjson.dumps(
            [
                {
                    "diff": [
                        {
                            "op": "replace",
                            "path": "/metaData/timeStamp",
                            "value": "20240713_050000",
                        },
                        {"op": "test", "path": "/liveData/linescore/teams/home/runs", "value": 5},
                        {
                            "op": "replace",
                            "path": "/liveData/linescore/teams/home/runs",
                            "value": 6,
                        },
                        {"op": "add", "path": "/liveData/plays/scoringPlays/-", "value": 74},
                        {"op": "remove", "path": "/gameData/probablePitchers/away"},
                    ]
                }
            ]
        )
    )
    patched = apply_json_patch(raw, patch.operations)
    assert orjson.dumps(raw) == before  # not in place by default
    feed = parse_game_feed(orjson.dumps(patched))
    assert feed.timestamp == datetime(2024, 7, 13, 5, 0, tzinfo=UTC)
    assert feed.live_data.linescore is not None
    assert feed.live_data.linescore.teams is not None
    assert feed.live_data.linescore.teams.home is not None
    assert feed.live_data.linescore.teams.home.runs == 6
    assert feed.live_data.plays.scoring_plays[-1] == 74
    assert feed.game_data.probable_pitchers is not None
    assert feed.game_data.probable_pitchers.away is None


@pytest.mark.parametrize(
    ("doc", "ops", "expected"),
    [  # RFC 6902 appendix A examples
        (
            {"foo": "bar"},
            [{"op": "add", "path": "/baz", "value": "qux"}],
            {"foo": "bar", "baz": "qux"},
        ),
        (
            {"foo": ["bar", "baz"]},
            [{"op": "add", "path": "/foo/1", "value": "qux"}],
            {"foo": ["bar", "qux", "baz"]},
        ),
        ({"baz": "qux", "foo": "bar"}, [{"op": "remove", "path": "/baz"}], {"foo": "bar"}),
        (
            {"foo": ["bar", "qux", "baz"]},
            [{"op": "remove", "path": "/foo/1"}],
            {"foo": ["bar", "baz"]},
        ),
        (
            {"baz": "qux", "foo": "bar"},
            [{"op": "replace", "path": "/baz", "value": "boo"}],
            {"baz": "boo", "foo": "bar"},
        ),
        (
            {"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}},
            [{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}],
            {"foo": {"bar": "baz"}, "qux": {"corge": "grault", "thud": "fred"}},
        ),
        (
            {"foo": ["all", "grass", "cows", "eat"]},
            [{"op": "move", "from": "/foo/1", "path": "/foo/3"}],
            {"foo": ["all", "cows", "eat", "grass"]},
        ),
        (
            {"foo": ["bar"]},
            [{"op": "add", "path": "/foo/-", "value": ["abc", "def"]}],
            {"foo": ["bar", ["abc", "def"]]},
        ),
        ({"/": 9, "~1": 10}, [{"op": "test", "path": "/~01", "value": 10}], {"/": 9, "~1": 10}),
        (
            {"a": {"b": 1}},
            [{"op": "copy", "from": "/a", "path": "/c"}],
            {"a": {"b": 1}, "c": {"b": 1}},
        ),
        ({"a": 1}, [{"op": "replace", "path": "", "value": [1]}], [1]),
    ],
)
def test_json_patch_rfc6902_examples(doc: Any, ops: list[dict[str, Any]], expected: Any) -> None:
    assert apply_json_patch(doc, ops) == expected


@pytest.mark.parametrize(
    ("doc", "ops", "match"),
    [
        ({"foo": "bar"}, [{"op": "test", "path": "/foo", "value": "baz"}], "test failed"),
        ({"foo": "bar"}, [{"op": "replace", "path": "/nope", "value": 1}], "not found"),
        ({"foo": "bar"}, [{"op": "remove", "path": "/nope"}], "not found"),
        ({"foo": [1]}, [{"op": "add", "path": "/foo/5", "value": 1}], "out of range"),
        ({"foo": [1]}, [{"op": "add", "path": "/foo/01", "value": 1}], "invalid array index"),
        ({"foo": [1]}, [{"op": "add", "path": "/foo/\u00b2", "value": 1}], "invalid array index"),
        ({"foo": 1}, [{"op": "jump", "path": "/foo"}], "unknown diffPatch op"),
        ({"foo": 1}, [{"op": "add", "path": "foo", "value": 1}], "invalid JSON pointer"),
        ({"foo": 1}, [{"op": "add", "path": "/bar"}], "without value"),
    ],
)
def test_json_patch_that_does_not_fit_raises(
    doc: Any, ops: list[dict[str, Any]], match: str
) -> None:
    with pytest.raises(SourceDecodeError, match=match) as info:
        apply_json_patch(doc, ops)
    assert info.value.source == "statsapi"


def test_request_is_named_in_errors() -> None:
    with pytest.raises(SourceDecodeError) as info:
        parse_schedule(HTML, request="GET /api/v1/schedule?date=2024-07-01")
    assert info.value.request == "GET /api/v1/schedule?date=2024-07-01"


def test_models_are_frozen(data_file: DataFile) -> None:
    schedule = parse_schedule(load(data_file, "statsapi/mlb-statsapi-pydantic/schedule.json"))
    with pytest.raises(AttributeError):
        schedule.dates = ()  # type: ignore[misc]
    assert isinstance(schedule, Schedule)
    assert Boxscore.__name__ == "Boxscore"
    assert GameFeed.__name__ == "GameFeed"

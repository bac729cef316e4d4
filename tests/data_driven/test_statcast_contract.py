"""Contract tests over every recorded Statcast file and Savant leaderboard in ../shared/data.

Values asserted here were read from the files by hand; the Stats API cross-checks use the
recorded feed/live of the same game (boxscore per player and per pitcher).
"""

from __future__ import annotations

import collections
import csv
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from savantsdk.sources._leaderboards import (
    parse_custom_leaderboard,
    parse_exit_velocity_barrels,
    parse_expected_statistics,
    parse_percentile_rankings,
)
from savantsdk.sources._plate_appearances import (
    PAOutcome,
    PlateAppearances,
    game_starts,
    ingest_statcast,
)
from savantsdk.sources._statcast_csv import parse_statcast_csv, read_statcast_csv

pytestmark = pytest.mark.shared_data

DataFile = Callable[[str], Path]
RAW = "statcast/raw/"


def _manifest(shared_data: Path) -> list[dict[str, str]]:
    with (shared_data / "statcast/2024/MANIFEST.csv").open(newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def day_pas(shared_data: Path) -> dict[str, PlateAppearances]:
    return {
        r["file"]: ingest_statcast(shared_data / "statcast/2024" / r["file"])
        for r in _manifest(shared_data)
    }


# ----------------------------------------------------------------- 2024 daily files (94 cols)


def test_manifest_lists_every_daily_file(shared_data: Path) -> None:
    rows = _manifest(shared_data)
    files = sorted(p.name for p in (shared_data / "statcast/2024").glob("sc_*.csv.gz"))
    assert sorted(r["file"] for r in rows) == files
    assert len(files) == 95  # 2024-03-28 .. 2024-06-30 game days


def test_every_day_matches_manifest_rows_and_games(
    shared_data: Path, day_pas: dict[str, PlateAppearances]
) -> None:
    for r in _manifest(shared_data):
        path = shared_data / "statcast/2024" / r["file"]
        table = parse_statcast_csv(path.read_bytes(), columns=["game_pk", "game_date"])
        assert table.rows == int(r["rows"]), r["file"]
        assert len(table.game_pks()) == int(r["games"]), r["file"]
        day = dt.date.fromisoformat(r["game_dates_in_file"])
        assert table.date_range() == (day, day), r["file"]
        pas = day_pas[r["file"]]
        assert pas.rows_read == int(r["rows"]), r["file"]
        assert len(pas.game_pks()) == int(r["games"]), r["file"]


def test_every_day_gives_nine_man_lineups_and_whole_innings(
    day_pas: dict[str, PlateAppearances],
) -> None:
    season = PlateAppearances.concat(list(day_pas.values()))
    starts = game_starts(season)
    assert len(starts) == len(season.game_pks()) == 1258
    assert all(len(s.home_lineup) == len(s.away_lineup) == 9 for s in starts)
    assert all(len(set(s.home_lineup)) == 9 for s in starts)
    outs_per_game: collections.Counter[int] = collections.Counter()
    for (game, _), outs in season.pitcher_outs().items():
        outs_per_game[game] += outs
    dist = collections.Counter(outs_per_game.values())
    # 8.5 innings (home team ahead) and 9 full innings dominate; extra-inning and walk-off
    # games take other values; a handful of rain-shortened games end below 51.
    assert dist[51] == 578
    assert dist[54] == 523
    assert sum(n for outs, n in dist.items() if outs < 51) == 4
    starters = {(s.game_pk, s.home_starter) for s in starts}
    starters |= {(s.game_pk, s.away_starter) for s in starts}
    starter_outs = [outs for key, outs in season.pitcher_outs().items() if key in starters]
    # the "a quarter of 2024 starts ended at exactly 18 outs"
    assert 0.22 < starter_outs.count(18) / len(starter_outs) < 0.26
    counts = collections.Counter(PAOutcome(o).label for o in season.outcome)
    assert counts == {
        "OUT": 44032, "K": 20951, "1B": 13362, "BB": 7482, "2B": 4016, "HR": 2683,
        "HBP": 1077, "3B": 375, "OTHER": 59,
    }  # fmt: skip


def test_known_pitches_2024_03_28(data_file: DataFile) -> None:
    table = read_statcast_csv(data_file("statcast/2024/sc_2024-03-28.csv.gz"))
    assert len(table.columns) == 94
    assert table.rows == 3790
    first = table.row(0)
    assert first["pitch_type"] == "SI"
    assert first["release_speed"] == 93.0
    assert (first["batter"], first["pitcher"], first["game_pk"]) == (640492, 657277, 745445)
    assert (first["events"], first["at_bat_number"], first["pitch_number"]) == ("strikeout", 48, 4)
    assert first["pitcher_1"] == 657277  # baseballr's renamed duplicate
    assert first["fielder_2_1"] == 672275
    assert first["spin_dir"] is None  # "NA"
    assert first["bat_speed"] is None
    assert first["delta_run_exp"] == -0.323
    second = table.row(1)
    assert second["player_name"] == "Castro, Willi"
    assert second["des"].startswith("Willi Castro grounds into a force out, shortstop Bobby")
    assert (second["release_speed"], second["launch_speed"], second["launch_angle"]) == (
        87.6,
        100.2,
        -22.0,
    )
    game = table.filter_games([745445])
    assert game.rows == 271
    assert game.filter_events().rows == 69


# ----------------------------------------------------------------- raw Savant layouts


def test_118_column_bom_file(data_file: DataFile) -> None:
    table = read_statcast_csv(data_file(RAW + "savant_data_cease_nohitter_2024-07-25.csv"))
    assert len(table.columns) == 118
    assert table.columns[0] == "pitch_type"  # BOM removed
    assert "pitcher_1" not in table.columns  # this layout has no duplicates
    assert table.rows == 114
    first = table.row(0)
    assert (first["release_speed"], first["batter"], first["game_pk"]) == (91.4, 682928, 744827)
    assert first["player_name"] == "Cease, Dylan"
    assert first["arm_angle"] == 49.8
    assert first["age_pit"] == 29
    assert first["intercept_ball_minus_batter_pos_y_inches"] == 38.63137967465542
    assert first["on_1b"] is None  # empty field


@pytest.mark.parametrize(
    ("name", "ncols", "rows", "games"),
    [
        ("raw_darvish_data.csv", 89, 438, 5),
        ("single_game_request_raw.csv", 89, 336, 1),
        ("small_request_raw.csv", 89, 2507, 8),
        ("statcast_batter_raw.csv", 92, 6, 1),
        ("savant_data_cease_nohitter_2024-07-25.csv", 118, 114, 1),
    ],
)
def test_raw_layout_shapes(
    data_file: DataFile, name: str, ncols: int, rows: int, games: int
) -> None:
    table = read_statcast_csv(data_file(RAW + name))
    assert (len(table.columns), table.rows, len(table.game_pks())) == (ncols, rows, games)
    if ncols < 118:  # duplicate headers normalised to the canonical names
        assert {"pitcher", "pitcher_1", "fielder_2", "fielder_2_1"} <= set(table.columns)
        np.testing.assert_array_equal(
            table.column("pitcher").values, table.column("pitcher_1").values
        )


def test_old_layout_null_literals(data_file: DataFile) -> None:
    table = read_statcast_csv(data_file(RAW + "raw_darvish_data.csv"))
    first = table.row(0)
    assert first["release_speed"] == 97.3
    assert first["events"] == "field_out"
    assert first["on_3b"] is None  # "null"
    assert first["on_1b"] == 543939
    assert first["sv_id"] == "190731_023005"
    assert first["fielder_2"] == first["fielder_2_1"] == 605170
    assert first["hit_distance_sc"] == 159.0
    assert collections.Counter(table.column("game_pk").values.tolist()) == {
        566619: 98, 565169: 94, 566218: 86, 565174: 83, 566522: 77,
    }  # fmt: skip
    assert int(table.column("events").missing.sum()) == 318  # quoted "null" events

    small = read_statcast_csv(data_file(RAW + "small_request_raw.csv")).row(0)
    assert (small["player_name"], small["release_speed"], small["hc_x"]) == (
        "Albert Abreu",
        97.5,
        10.5,
    )
    assert (small["hit_location"], small["on_2b"], small["launch_speed_angle"]) == (None, 642086, 6)

    jeter = read_statcast_csv(data_file(RAW + "statcast_batter_raw.csv")).row(0)
    assert (jeter["player_name"], jeter["on_3b"], jeter["delta_run_exp"]) == (
        "Jeter, Derek",
        400085,
        0.69,
    )
    assert jeter["spin_axis"] is None


def test_raw_games_plate_appearances(data_file: DataFile) -> None:
    cease = ingest_statcast(data_file(RAW + "savant_data_cease_nohitter_2024-07-25.csv"))
    assert len(cease) == 28
    assert cease.count(PAOutcome.STRIKEOUT) == 9
    assert cease.count(PAOutcome.WALK) == 3
    hits = sum(
        cease.count(o)
        for o in (PAOutcome.SINGLE, PAOutcome.DOUBLE, PAOutcome.TRIPLE, PAOutcome.HOME_RUN)
    )
    assert hits == 0  # the no-hitter
    assert cease.pitcher_outs() == {(744827, 656302): 27}

    game = ingest_statcast(data_file(RAW + "single_game_request_raw.csv"))
    assert len(game) == 87
    assert collections.Counter(PAOutcome(o).label for o in game.outcome) == {
        "OUT": 36, "K": 22, "BB": 12, "1B": 11, "HR": 3, "2B": 2, "HBP": 1,
    }  # fmt: skip
    (start,) = game_starts(game)
    assert (start.home_team, start.away_team) == ("BOS", "TOR")
    assert (start.home_starter, start.away_starter) == (527048, 592836)


# ----------------------------------------------------------------- Stats API cross-checks


def _feed(shared_data: Path, name: str) -> dict[str, object]:
    return json.loads((shared_data / "statsapi/mlb-gameday-bot" / name).read_text())  # type: ignore[no-any-return]


def _starting_nine(team: dict[str, object]) -> tuple[int, ...]:
    players = team["players"].values()  # type: ignore[attr-defined]
    slots = sorted(
        (int(p["battingOrder"]), p["person"]["id"])
        for p in players
        if str(p.get("battingOrder", "")).endswith("00")
    )
    return tuple(pid for _, pid in slots)


def test_game_746215_matches_stats_api_boxscore(
    shared_data: Path, day_pas: dict[str, PlateAppearances]
) -> None:
    box = _feed(shared_data, "feed_live_746215.json")["liveData"]["boxscore"]  # type: ignore[index]
    pas = day_pas["sc_2024-06-17.csv.gz"].game(746215)
    (start,) = game_starts(pas)
    outs = pas.pitcher_outs()
    tb_of = {PAOutcome.SINGLE: 1, PAOutcome.DOUBLE: 2, PAOutcome.TRIPLE: 3, PAOutcome.HOME_RUN: 4}
    checked = 0
    for side, code in (("away", "MIL"), ("home", "LAA")):
        team = box["teams"][side]
        assert (
            int(np.count_nonzero(pas.bat_team == code))
            == team["teamStats"]["batting"]["plateAppearances"]
        )
        lineup = start.away_lineup if side == "away" else start.home_lineup
        assert lineup == _starting_nine(team)
        starter = start.away_starter if side == "away" else start.home_starter
        assert starter == team["pitchers"][0]
        for player in team["players"].values():
            pid = player["person"]["id"]
            bat = player["stats"]["batting"]
            if bat.get("plateAppearances"):
                mine = pas.outcome[pas.batter == pid]
                hits = sum(int(np.count_nonzero(mine == o)) for o in tb_of)
                assert hits == bat["hits"], pid
                assert (
                    sum(n * int(np.count_nonzero(mine == o)) for o, n in tb_of.items())
                    == bat["totalBases"]
                ), pid
                assert int(np.count_nonzero(mine == PAOutcome.HOME_RUN)) == bat["homeRuns"], pid
                assert int(np.count_nonzero(mine == PAOutcome.STRIKEOUT)) == bat["strikeOuts"], pid
                assert int(np.count_nonzero(mine == PAOutcome.WALK)) == bat["baseOnBalls"], pid
                assert mine.size == bat["plateAppearances"], pid
                checked += 1
            pit = player["stats"]["pitching"]
            if pit.get("battersFaced"):
                assert outs[(746215, pid)] == pit["outs"], pid
                assert int(np.count_nonzero(pas.pitcher == pid)) == pit["battersFaced"], pid
                assert (
                    int(
                        np.count_nonzero(
                            (pas.pitcher == pid) & (pas.outcome == PAOutcome.STRIKEOUT)
                        )
                    )
                    == pit["strikeOuts"]
                ), pid
                checked += 1
    assert checked == 8 + 20  # pitchers + batters with a PA


def test_game_746139_lineups_and_starters(
    shared_data: Path, day_pas: dict[str, PlateAppearances]
) -> None:
    box = _feed(shared_data, "feed_live_746139_no-move.json")["liveData"]["boxscore"]  # type: ignore[index]
    (start,) = game_starts(day_pas["sc_2024-06-11.csv.gz"].game(746139))
    assert (start.home_team, start.away_team) == ("LAD", "TEX")
    assert start.away_lineup == _starting_nine(box["teams"]["away"])
    assert start.home_lineup == _starting_nine(box["teams"]["home"])
    assert (start.away_starter, start.home_starter) == (641540, 572020)  # Dunning, Paxton


# ----------------------------------------------------------------- leaderboards


def test_expected_statistics(data_file: DataFile) -> None:
    rows = parse_expected_statistics(
        data_file(
            "savant_leaderboards/expected_statistics_batter_2023__tnestico-xwoba.csv"
        ).read_bytes()
    )
    assert len(rows) == 258
    semien = rows[0]
    assert (semien.player_id, semien.last_name, semien.first_name) == (543760, "Semien", "Marcus")
    assert (semien.year, semien.pa, semien.bip, semien.ba, semien.est_woba) == (
        2023,
        753,
        565,
        0.276,
        0.333,
    )
    acuna = rows[1]
    assert (acuna.last_name, acuna.first_name) == ("Acuña Jr.", "Ronald")
    old = parse_expected_statistics(
        data_file("savant_leaderboards/expected_statistics_batter_2020__mjorisch.csv").read_bytes()
    )
    assert len(old) == 267
    assert (old[0].player_id, old[0].last_name, old[0].ba, old[0].est_slg) == (
        665487,
        "Tatis Jr.",
        0.317,
        0.689,
    )
    assert all(r.extra == {} for r in old)


def test_exit_velocity_barrels(data_file: DataFile) -> None:
    rows = parse_exit_velocity_barrels(
        data_file(
            "savant_leaderboards/exit_velocity_barrels_batter_2020__mjorisch.csv"
        ).read_bytes()
    )
    assert len(rows) == 267
    first = rows[0]
    assert (first.player_id, first.last_name, first.first_name) == (664058, "Fletcher", "David")
    assert (first.attempts, first.max_hit_speed, first.barrels, first.brl_pa) == (91, 107.0, 1, 0.9)
    assert first.extra == {"ev95per-swing": "12.5"}  # a column the model does not name


def test_percentile_rankings(data_file: DataFile) -> None:
    rows = parse_percentile_rankings(
        data_file("savant_leaderboards/percentile_rankings_batter_2025__ytpatel3.csv").read_bytes()
    )
    assert len(rows) == 617
    moore, walker = rows[0], rows[1]
    assert (moore.player_id, moore.xwoba, moore.max_ev, moore.sprint_speed) == (
        695681,
        None,
        80,
        78,
    )
    assert (walker.last_name, walker.xwoba, walker.squared_up_rate) == ("Walker", 7, 2)


def test_custom_leaderboard(data_file: DataFile) -> None:
    rows = parse_custom_leaderboard(
        data_file(
            "savant_leaderboards/custom_leaderboard_batter_2024__DjNastySteve.csv"
        ).read_bytes()
    )
    assert len(rows) == 129
    hoskins = rows[0]
    assert (hoskins.player_id, hoskins.year) == (656555, 2024)
    assert hoskins.stats["woba"] == 0.313
    assert hoskins.stats["avg_best_speed"] == 99.737434248

"""Live checkpoints cut from real Statcast games, checked against the raw CSV rows read with the
standard library (an independent count), and the live backtest's baselines on real days."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from savantsdk.exceptions import PropGenerationError
from savantsdk.props import Stat
from savantsdk.props._live_eval import (
    LIVE_CHECKPOINTS,
    LIVE_FAMILIES,
    LiveContext,
    backtest_live,
    checkpoints_of_game,
    naive_live,
    pregame_live,
)
from savantsdk.props._live_state import so_far
from savantsdk.props._slate import slate_from_statcast
from savantsdk.sources import PlateAppearances, ingest_statcast

DAY = dt.date(2024, 5, 1)
_STRIKEOUTS = {"strikeout", "strikeout_double_play"}
_HITS = {"single": 1, "double": 2, "triple": 3, "home_run": 4}


def _path(shared_data: Path, day: dt.date) -> Path:
    p = shared_data / f"statcast/2024/sc_{day.isoformat()}.csv.gz"
    if not p.exists():
        pytest.fail(f"missing {p}")
    return p


def _raw_pas(path: Path, game_pk: int) -> list[dict[str, str]]:
    """The game's PA-ending rows (``events`` set), in at-bat order, from the CSV itself."""
    with gzip.open(path, "rt", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["game_pk"] == str(game_pk) and r["events"]]
    by_ab: dict[int, dict[str, str]] = {}
    for r in rows:  # one row per pitch: keep the PA's last pitch (its events are the PA's)
        ab = int(r["at_bat_number"])
        if ab not in by_ab or int(r["pitch_number"]) > int(by_ab[ab]["pitch_number"]):
            by_ab[ab] = r
    return [by_ab[k] for k in sorted(by_ab)]


@pytest.fixture(scope="module")
def day_pas(shared_data: Path) -> PlateAppearances:
    return ingest_statcast(_path(shared_data, DAY))


def test_checkpoints_agree_with_the_raw_rows(day_pas: PlateAppearances, shared_data: Path) -> None:
    slate = slate_from_statcast(day_pas, DAY)
    assert len(slate) >= 10
    checked = 0
    for game in slate.games[:4]:
        raw = _raw_pas(_path(shared_data, DAY), game.game_pk)
        cps = checkpoints_of_game(day_pas.game(game.game_pk), game)
        assert [c.inning for c in cps] == list(LIVE_CHECKPOINTS)  # every game went 7+ innings
        for cp in cps:
            before = [r for r in raw if int(r["inning"]) < cp.inning]
            away_pa = sum(r["inning_topbot"] == "Top" for r in before)
            home_pa = len(before) - away_pa
            assert cp.team_pa == (away_pa, home_pa)
            assert cp.next_slot == (away_pa % 9, home_pa % 9)
            # pitcher of record: the last pitcher of each defence before the checkpoint
            last_home_def = [r for r in before if r["inning_topbot"] == "Top"][-1]["pitcher"]
            last_away_def = [r for r in before if r["inning_topbot"] == "Bot"][-1]["pitcher"]
            assert cp.pitcher == (int(last_away_def), int(last_home_def))
            for starter in (game.away_starter, game.home_starter):
                faced = [r for r in before if int(r["pitcher"]) == starter]
                assert cp.pitching[starter].batters_faced == len(faced)
                assert cp.pitching[starter].pitches == sum(int(r["pitch_number"]) for r in faced)
                ks = sum(r["events"] in _STRIKEOUTS for r in faced)
                assert so_far(cp, Stat.PITCHER_STRIKEOUTS, starter) == ks
                assert so_far(cp, Stat.HITS_ALLOWED, starter) == sum(
                    r["events"] in _HITS for r in faced
                )
            tb = Counter[int]()
            for r in before:
                tb[int(r["batter"])] += _HITS.get(r["events"], 0)
            for b in game.away_lineup[:3]:
                assert so_far(cp, Stat.TOTAL_BASES, b) == tb[b]
            assert cp.pitchers[0][0] == game.away_starter
            assert cp.pitchers[1][0] == game.home_starter
            # a relieved starter is out of the game
            for side, starter in ((0, game.away_starter), (1, game.home_starter)):
                assert (starter in cp.removed) == (cp.pitcher[side] != starter)
            checked += 1
    assert checked == 4 * len(LIVE_CHECKPOINTS)


def test_baselines_condition_on_the_count_so_far(day_pas: PlateAppearances) -> None:
    slate = slate_from_statcast(day_pas, DAY)
    game = slate.games[0]
    cp = checkpoints_of_game(day_pas.game(game.game_pk), game, innings=(5,))[0]
    starter = game.away_starter
    c = so_far(cp, Stat.PITCHER_STRIKEOUTS, starter)
    pmf = np.full(15, 1.0 / 15)
    ctx = LiveContext(DAY, game, None, None, {Stat.PITCHER_STRIKEOUTS: {starter: pmf}})  # type: ignore[arg-type]
    got = pregame_live(cp, ctx, {Stat.PITCHER_STRIKEOUTS: [starter]})[Stat.PITCHER_STRIKEOUTS]
    assert got[starter][:c].sum() == 0.0
    assert got[starter][c:] == pytest.approx(np.full(15 - c, 1.0 / (15 - c)))
    naive = naive_live(cp, ctx, {Stat.PITCHER_STRIKEOUTS: [starter]})[Stat.PITCHER_STRIKEOUTS]
    mean = float(naive[starter] @ np.arange(naive[starter].size))
    assert mean == pytest.approx(c + (c + 0.5) * 5 / 4, rel=1e-6)  # 4 innings played, 5 left
    assert naive[starter].sum() == pytest.approx(1.0)


def test_live_backtest_shape_on_real_days(shared_data: Path) -> None:
    days = [DAY - dt.timedelta(days=k) for k in range(6, -1, -1)]
    pas = PlateAppearances.concat([ingest_statcast(_path(shared_data, d)) for d in days])
    report = backtest_live(pas, DAY, DAY, live_model=pregame_live, model_name="copy")
    out = report.to_json()
    assert out["days"] == 1
    assert out["games"] == len(slate_from_statcast(pas, DAY))
    assert list(out["checkpoints"]) == [f"inning_{k}" for k in LIVE_CHECKPOINTS]
    for fams in out["checkpoints"].values():
        assert list(fams) == [s.value for s in LIVE_FAMILIES]
        for fam in fams.values():
            assert fam["n"] > 0
            # the model under test is the pregame baseline itself: the same scores
            assert fam["log_loss"] == fam["log_loss_pregame"]
            assert math.isfinite(fam["log_loss_naive"])
    # fewer starters are still pitching at the 7th than at the 2nd
    k2 = out["checkpoints"]["inning_2"]["pitcher_strikeouts"]["n"]
    k7 = out["checkpoints"]["inning_7"]["pitcher_strikeouts"]["n"]
    assert k2 == 2 * out["games"]
    assert k7 < k2
    with pytest.raises(PropGenerationError, match=r"innings must be in 2\.\.9"):
        backtest_live(pas, DAY, DAY, live_model=pregame_live, model_name="x", innings=(1,))


def test_the_simulator_scores_at_every_checkpoint(shared_data: Path) -> None:
    from savantsdk.props._live_eval import SimulatorLive, runs_by_at_bat
    from savantsdk.props._sim_tables import read_base_out_files

    days = [DAY - dt.timedelta(days=k) for k in range(6, -1, -1)]
    paths = [_path(shared_data, d) for d in days]
    pas = PlateAppearances.concat([ingest_statcast(p) for p in paths])
    records = read_base_out_files(paths)
    runs = runs_by_at_bat(records)
    report = backtest_live(
        pas, DAY, DAY, live_model=SimulatorLive(records, n=500, seed=1), model_name="sim", runs=runs
    ).to_json()
    for k in (5, 6, 7):
        hits = report["checkpoints"][f"inning_{k}"]["hits"]
        # what is left of a batter's game is fewer PAs than the pre-game pmf assumes
        assert hits["log_loss"] < hits["log_loss_pregame"]
        assert hits["log_loss"] < hits["log_loss_naive"]
    # the checkpoints' score is the runs of the PAs before the checkpoint
    game = slate_from_statcast(pas, DAY).games[0]
    game_pas = pas.on(DAY).game(game.game_pk)
    cp = checkpoints_of_game(game_pas, game, (7,), runs=runs[game.game_pk])[0]
    first_of_7th = int(game_pas.at_bat_number[game_pas.inning >= 7].min())
    assert sum(cp.score) == sum(v for ab, v in runs[game.game_pk].items() if ab < first_of_7th)
    assert sum(cp.score) > 0

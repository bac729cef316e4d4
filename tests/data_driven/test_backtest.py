"""Walk-forward backtest and offline props on real 2024 Statcast days (a few days: fast).

Concrete values are read from the files themselves (games, lineup sizes) or were counted on
them once (the 2024-06-10 PrizePicks board: 1,232 MLB projections, 906 on supported stats).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import attrs
import numpy as np
import pytest

from savantsdk.exceptions import PropGenerationError
from savantsdk.props import Stat
from savantsdk.props._backtest import BACKTEST_FAMILIES, actual_counts, backtest
from savantsdk.props._generate import generate_from_statcast
from savantsdk.props._markets import read_lines_file
from savantsdk.props._names import load_people
from savantsdk.sources import PAOutcome, PlateAppearances, game_starts, ingest_statcast

DataFile = Callable[[str], Path]


def _load(data_file: DataFile, first: dt.date, last: dt.date) -> PlateAppearances:
    parts = []
    d = first
    while d <= last:
        parts.append(ingest_statcast(data_file(f"statcast/2024/sc_{d.isoformat()}.csv.gz")))
        d += dt.timedelta(days=1)
    return PlateAppearances.concat(parts)


@pytest.fixture(scope="module")
def april(shared_data: Path) -> PlateAppearances:
    def data_file(rel: str) -> Path:
        p = shared_data / rel
        if not p.exists():
            pytest.fail(f"missing {rel}")
        return p

    return _load(data_file, dt.date(2024, 4, 5), dt.date(2024, 4, 13))


def test_backtest_json_shape_and_counts(april: PlateAppearances) -> None:
    start, end = dt.date(2024, 4, 12), dt.date(2024, 4, 13)
    report = backtest(april, start, end, models=["default", "naive"])
    out = report.to_json()
    assert set(out) == {"default", "naive"}
    days = april.take(
        (april.game_date >= np.datetime64(start)) & (april.game_date <= np.datetime64(end))
    )
    starts = game_starts(days)
    lineup_batters = sum(len(g.home_lineup) + len(g.away_lineup) for g in starts)
    for name in ("default", "naive"):
        obj = out[name]
        assert obj["days"] == 2
        assert obj["games"] == len(starts) == len(np.unique(days.game_pk))
        assert obj["wall_s"] >= 0
        fams = obj["families"]
        assert set(fams) == {f.value for f in BACKTEST_FAMILIES}
        assert fams["hits"]["n"] == lineup_batters
        assert fams["pitcher_strikeouts"]["n"] == 2 * len(starts)
        for fam in fams.values():
            for key in ("n", "log_loss", "log_loss_league", "log_loss_naive", "lines"):
                assert key in fam
            assert math.isfinite(fam["log_loss"])
            for metrics in fam["lines"].values():
                assert 0.0 <= metrics["brier"] <= 1.0
                assert 0.0 <= metrics["ece"] <= 1.0
        assert set(fams["hits"]["lines"]) == {"0.5", "1.5"}
        assert set(fams["pitcher_strikeouts"]["lines"]) == {"4.5", "5.5"}
    # the naive model's own log loss is the naive baseline
    assert (
        out["naive"]["families"]["hits"]["log_loss"]
        == (out["naive"]["families"]["hits"]["log_loss_naive"])
    )
    single = backtest(april, end, end).to_json()
    assert set(single) >= {"days", "games", "props", "wall_s", "families"}


def test_actual_counts_match_the_rows(april: PlateAppearances) -> None:
    day = april.on(dt.date(2024, 4, 13))
    counts = actual_counts(day)
    g = int(day.game_pk[0])
    b = int(day.batter[0])
    mask = (day.game_pk == g) & (day.batter == b)
    assert counts[Stat.HITS][(g, b)] == int(
        np.count_nonzero(day.outcome[mask] <= PAOutcome.HOME_RUN)
    )
    assert counts[Stat.WALKS][(g, b)] == int(np.count_nonzero(day.outcome[mask] == PAOutcome.WALK))
    start = game_starts(day.game(g))[0]
    assert (
        counts[Stat.PITCHER_OUTS][(g, start.home_starter)]
        == (day.game(g).pitcher_outs()[(g, start.home_starter)])
    )


def test_no_lookahead_poisoning_the_day_changes_nothing(april: PlateAppearances) -> None:
    day = dt.date(2024, 4, 12)
    clean = generate_from_statcast(april, day)
    on_or_after = april.game_date >= np.datetime64(day)
    poisoned = attrs.evolve(
        april,
        outcome=np.where(on_or_after, np.uint8(PAOutcome.HOME_RUN), april.outcome).astype(np.uint8),
    )
    dirty = generate_from_statcast(poisoned, day)
    assert len(clean) == len(dirty) > 0
    for a, b in zip(clean, dirty, strict=True):
        assert (a.player_id, a.stat) == (b.player_id, b.stat)
        np.testing.assert_array_equal(a.distribution.pmf, b.distribution.pmf)


def test_doubleheader_game_two_cannot_see_game_one(april: PlateAppearances) -> None:
    day = dt.date(2024, 4, 13)
    starts = game_starts(april.on(day))
    homes = Counter(g.home_team for g in starts)
    team = next(t for t, n in homes.items() if n == 2)
    g1, g2 = sorted(g.game_pk for g in starts if g.home_team == team)
    with_both = generate_from_statcast(april, day, games=[g2])
    without_g1 = generate_from_statcast(april.take(april.game_pk != g1), day, games=[g2])
    assert len(with_both) == len(without_g1) > 0
    for a, b in zip(with_both, without_g1, strict=True):
        np.testing.assert_array_equal(a.distribution.pmf, b.distribution.pmf)


def test_prizepicks_board_prices_and_match_rate(data_file: DataFile) -> None:
    board = read_lines_file(data_file("markets/prizepicks/projections_all_leagues_2024-06-10.json"))
    assert board.kind == "prizepicks"
    assert len(board.lines) == 906
    assert board.skipped == {"unsupported_stat": 318, "combo": 8, "no_line": 0}
    standard = [
        ln for ln in board.lines if ln.odds_type is not None and ln.odds_type.value == "standard"
    ]
    assert len(standard) == 92
    pas = _load(data_file, dt.date(2024, 6, 7), dt.date(2024, 6, 10))
    names = load_people(data_file("chadwick/people_mlbam_mlb2015plus.csv"))
    result = generate_from_statcast(
        pas, dt.date(2024, 6, 10), lines=board.lines, player_names=names
    )
    report = result.line_report
    assert report["total"] == 906
    assert report["matched"] + report["unmatched_player"] + report["not_in_slate"] == 906
    assert report["matched"] / report["total"] > 0.8
    assert report["unknown_name"] == 0  # every unmatched name is a known player not starting
    std_result = generate_from_statcast(
        pas, dt.date(2024, 6, 10), lines=standard, player_names=names
    )
    assert std_result.line_report["matched"] == 78
    assert std_result.line_report["not_in_lineup"] == 14
    priced = [
        m
        for p in result
        for ln in p.lines
        for m in ln.markets
        if m.comparable and m.odds_type is not None and m.odds_type.value == "standard"
    ]
    assert priced
    assert all(m.breakeven == pytest.approx(0.5774, abs=1e-4) for m in priced)
    flagged = [m for p in result for ln in p.lines for m in ln.markets if not m.comparable]
    assert flagged
    assert all(
        m.odds_type is not None and m.odds_type.value in ("demon", "goblin") for m in flagged
    )


def test_real_odds_api_files(data_file: DataFile) -> None:
    """Recorded Odds API files: MLB h2h odds and soccer player props carry no MLB prop lines;
    a sports list is not a line file (a typed error naming the file)."""
    h2h = read_lines_file(
        data_file(
            "markets/the_odds_api/v4_odds_baseball_mlb_2024-05-24_h2h_us-eu_american_mgilbertsonund.json"
        )
    )
    assert (h2h.kind, h2h.lines) == ("odds_api_list", ())
    soccer = read_lines_file(
        data_file("markets/the_odds_api/v4_event_odds_soccer_player_props_2025-11_ynnickw.json")
    )
    assert (soccer.kind, soccer.lines) == ("odds_api_event", ())
    with pytest.raises(
        PropGenerationError, match=r"v4_sports_2025-05-16_bellanov\.json: field '\$'"
    ):
        read_lines_file(data_file("markets/the_odds_api/v4_sports_2025-05-16_bellanov.json"))

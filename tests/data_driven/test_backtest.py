"""Walk-forward backtest and offline props on real 2024 Statcast days (a few days: fast).

Concrete values are read from the files themselves (games, lineup sizes) or were counted on
them once (the 2024-06-10 PrizePicks board: 1,232 MLB projections, 906 on supported stats).
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import attrs
import numpy as np
import pytest

from savantsdk.exceptions import OtherDayLinesWarning, PropGenerationError
from savantsdk.ids import load_people
from savantsdk.props import LINE_REASONS, MarketLine, Stat
from savantsdk.props._backtest import BACKTEST_FAMILIES, actual_counts, backtest
from savantsdk.props._generate import generate_from_statcast
from savantsdk.props._markets import read_lines_file
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
    burnes = board.lines[0]  # the real first projection: its id, game and start time
    assert (burnes.player_name, burnes.line_id, burnes.opponent) == (
        "Corbin Burnes",
        "2594812",
        "TB",
    )
    assert burnes.game_id == "64176bf9-9c35-498a-814c-f920e2351a3e"
    assert burnes.start_time == dt.datetime(2024, 6, 10, 22, 50, tzinfo=dt.UTC)
    assert {ln.game_day for ln in board.lines} == {dt.date(2024, 6, 10)}
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
    assert report["matched"] + sum(report[r] for r in LINE_REASONS) == 906
    assert report["matched"] == 756
    assert report["not_in_lineup"] == 150  # every unmatched name is a known player not starting
    assert len(result.unmatched) == len(result.unmatched_reasons) == 150
    # each projection priced once, under its PrizePicks id
    ids = [m.line_id for p in result for ln in p.lines for m in ln.markets]
    assert len(ids) == len(set(ids)) == 756
    # Yainer Diaz (HOU) did not start; his 5 lines were once priced as Yandy Díaz's (TB)
    yainer = [r for ml, r in zip(result.unmatched, result.unmatched_reasons, strict=True)
              if ml.player_name == "Yainer Diaz"]  # fmt: skip
    assert yainer == ["not_in_lineup"] * 5
    yandy = {
        m.line_id for p in result if p.player_id == 650490 for ln in p.lines for m in ln.markets
    }
    assert len(yandy) == 7
    assert all(i is not None and i.isdigit() for i in ids)
    assert {p.line_source for p in result} >= {"prizepicks", "model"}
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


def test_a_board_of_another_day_is_refused_naming_both_dates(data_file: DataFile) -> None:
    """The June 10 board against the May 20 slate: refused, not priced; on request priced
    with a warning, and the report still adds up."""
    board = read_lines_file(data_file("markets/prizepicks/projections_all_leagues_2024-06-10.json"))
    pas = _load(data_file, dt.date(2024, 5, 17), dt.date(2024, 5, 20))
    names = load_people(data_file("chadwick/people_mlbam_mlb2015plus.csv"))
    day = dt.date(2024, 5, 20)
    with pytest.raises(PropGenerationError, match=r"2024-06-10 \(906 lines\).*2024-05-20"):
        generate_from_statcast(pas, day, lines=board.lines, player_names=names)
    with pytest.warns(OtherDayLinesWarning, match="906 market lines of other days"):
        forced = generate_from_statcast(
            pas, day, lines=board.lines, player_names=names, allow_other_day_lines=True
        )
    report = forced.line_report
    assert report["matched"] + sum(report[r] for r in LINE_REASONS) == 906
    assert all(v >= 0 for v in report.values())
    # the June 10 SD lines all start at one time: for a player in both games of May 20's
    # doubleheader, which game they are for cannot be told, so they are not priced (they were
    # priced against both games); a player in one of the two games is priced against it
    assert report["ambiguous_game"] == 43
    sd = Counter((p.player_id, p.stat) for p in forced if p.team == "SD" and p.market_priced)
    assert sd
    assert set(sd.values()) == {1}


def _dh_line(name: str, stat: Stat, line: float, start: dt.datetime, k: int) -> MarketLine:
    return MarketLine(name, stat, line, "prizepicks", team="SD", start_time=start, line_id=f"dh{k}")


def test_doubleheader_lines_price_once_against_their_own_game(data_file: DataFile) -> None:
    """2024-05-20, San Diego's doubleheader (747119, 747121), real Statcast rows: a line per
    batter and game, told apart by start time, each priced once against its own game."""
    day = dt.date(2024, 5, 20)
    pas = _load(data_file, dt.date(2024, 5, 10), day)
    names = load_people(data_file("chadwick/people_mlbam_mlb2015plus.csv"))
    starts = {g.game_pk: g for g in game_starts(pas.on(day)) if "SD" in (g.home_team, g.away_team)}
    assert sorted(starts) == [747119, 747121]
    first = dt.datetime(2024, 5, 20, 19, 10, tzinfo=dt.UTC)  # 3:10 pm ET
    second = dt.datetime(2024, 5, 21, 0, 40, tzinfo=dt.UTC)  # 8:40 pm ET, same game day
    lines: list[MarketLine] = []
    for pk, start in ((747119, first), (747121, second)):
        g = starts[pk]
        lineup = g.home_lineup if g.home_team == "SD" else g.away_lineup
        for pid in lineup:
            lines.append(_dh_line(names[pid], Stat.HITS, 0.5, start, len(lines)))
    lines.append(attrs.evolve(lines[0]))  # the same projection twice
    lines.append(_dh_line(names[lineup[0]], Stat.HITS, 0.5, first, 999))  # no time: ambiguous
    lines[-1] = attrs.evolve(lines[-1], start_time=None)
    result = generate_from_statcast(pas, day, lines=lines, player_names=names)
    report = result.line_report
    assert report["total"] == 20
    assert report["matched"] == 18
    assert report["duplicate"] == 1
    assert report["ambiguous_game"] == 1
    assert report["matched"] + sum(report[r] for r in LINE_REASONS) == 20
    hits = [p for p in result if p.stat is Stat.HITS and p.market_priced]
    assert len(hits) == 18
    by_game = Counter(p.game_pk for p in hits)
    assert by_game == {747119: 9, 747121: 9}
    ids = [m.line_id for p in hits for ln in p.lines for m in ln.markets]
    assert sorted(ids) == sorted(f"dh{k}" for k in range(18))  # each line priced once
    for p in hits:
        (m,) = p.lines[0].markets
        assert m.start_time == (first if p.game_pk == 747119 else second)
    # a player in both games has a prop per game, not one priced twice
    both = {p.player_id for p in hits if p.game_pk == 747119} & {
        p.player_id for p in hits if p.game_pk == 747121
    }
    assert both
    # only market-priced props when asked
    only = generate_from_statcast(
        pas, day, lines=lines, player_names=names, include_model_lines=False
    )
    assert len(only) == only.market_priced == 18
    assert {r["line_source"] for r in only.rows()} == {"prizepicks"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a same-day board warns nothing
        generate_from_statcast(pas, day, lines=lines[:3], player_names=names)


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

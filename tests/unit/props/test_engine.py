"""The slate engine: shapes, full support, history facts, starter share, vectorisation."""

from __future__ import annotations

import datetime as dt

import attrs
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from props_synthetic import LEAGUE, days, season

from savantsdk.props import BATTER_STATS, PITCHER_STATS, PACategory, Stat
from savantsdk.props._backtest import expected_calibration_error
from savantsdk.props._engine import history_facts, run_engine, tilt_pmf
from savantsdk.props._rates import LeagueModel, ShrinkageRateModel
from savantsdk.props._slate import Slate, SlateGame, slate_from_statcast

START = dt.date(2024, 4, 1)
N_DAYS = 30
K_HEAVY = LEAGUE * np.array([1, 1, 1, 1, 1, 1, 2.0, 0.6])
K_HEAVY = K_HEAVY / K_HEAVY.sum()


@pytest.fixture(scope="module")
def history():  # type: ignore[no-untyped-def]
    return season(
        days(START, N_DAYS + 1),
        batter_rates={101: K_HEAVY},
        pitcher_rates={211: K_HEAVY},
        starter_bf=24,
    )


def _day() -> dt.date:
    return START + dt.timedelta(days=N_DAYS)


def test_history_facts_counts_starts_and_slot_pa(history) -> None:  # type: ignore[no-untyped-def]
    facts = history_facts(history, _day())
    assert facts.games == N_DAYS
    assert facts.starts[211] == [24] * N_DAYS
    assert facts.starts[201] == [24] * N_DAYS
    assert 298 not in facts.starts  # relievers are not starters
    np.testing.assert_allclose(facts.slot_pa.sum(axis=2), 1.0)
    # synthetic teams bat 38 PAs: slots 1-2 get 5, slots 3-9 get 4; the measured pmf moves there
    means = facts.slot_pa @ np.arange(10)
    assert means[0, 0] > means[0, 8]
    assert facts.slot_pa[0, 2, 4] > 0.5
    assert facts.outs_pmf is not None
    assert facts.outs_pmf.sum() == pytest.approx(1.0)


def test_history_facts_never_use_the_day(history) -> None:  # type: ignore[no-untyped-def]
    a = history_facts(history, _day())
    b = history_facts(history.before(_day()), _day())
    np.testing.assert_array_equal(a.slot_pa, b.slot_pa)
    assert a.starts == b.starts


def test_engine_shapes_and_full_support(history) -> None:  # type: ignore[no-untyped-def]
    slate = slate_from_statcast(history, _day())
    assert len(slate) == 1
    fitted = ShrinkageRateModel().fit(history, _day())
    res = run_engine(fitted, history_facts(history, _day()), slate)
    assert len(res.batters) == 18
    assert len(res.pitchers) == 2
    assert set(res.batters.pmfs) == set(BATTER_STATS)
    assert set(res.pitchers.pmfs) == set(PITCHER_STATS)
    for block in (res.batters, res.pitchers):
        for pmf in block.pmfs.values():
            assert pmf.shape[0] == len(block)
            np.testing.assert_allclose(pmf.sum(axis=1), 1.0, atol=1e-9)
            assert np.all(pmf > 0.0)
    assert res.batters.slot.tolist() == list(range(1, 10)) * 2
    assert set(res.pitchers.player.tolist()) == {201, 211}
    assert not res.batters.league_only.any()
    assert (res.model_name, res.model_version) == ("default", "1.0")


def test_player_skill_moves_the_distribution(history) -> None:  # type: ignore[no-untyped-def]
    slate = slate_from_statcast(history, _day())
    facts = history_facts(history, _day())
    res = run_engine(ShrinkageRateModel().fit(history, _day()), facts, slate)
    k = res.batters.pmfs[Stat.BATTER_STRIKEOUTS] @ np.arange(10)
    players = res.batters.player.tolist()
    # 101 strikes out twice as often; the away nine (101..109) face the K-heavy starter 211
    assert k[players.index(101)] > k[players.index(102)] + 0.2
    assert k[players.index(102)] > k[players.index(112)] + 0.1
    pk = res.pitchers.pmfs[Stat.PITCHER_STRIKEOUTS] @ np.arange(46)
    pitchers = res.pitchers.player.tolist()
    assert pk[pitchers.index(211)] > pk[pitchers.index(201)] + 1.0


def test_league_model_gives_everyone_the_same_rates(history) -> None:  # type: ignore[no-untyped-def]
    slate = slate_from_statcast(history, _day())
    res = run_engine(LeagueModel().fit(history, _day()), history_facts(history, _day()), slate)
    hits = res.batters.pmfs[Stat.HITS]
    slots = res.batters.slot
    # same slot, same home/away -> the same distribution whoever the batter is
    home = res.batters.team == "HOM"
    np.testing.assert_allclose(hits[home & (slots == 3)], hits[~home & (slots == 3)], atol=0.02)
    assert res.batters.league_only.all()
    assert not np.allclose(hits[slots == 1][0], hits[slots == 9][0])


def test_starter_share_follows_his_batters_faced(history) -> None:  # type: ignore[no-untyped-def]
    """A K-heavy starter who goes deep raises the lineup's K more than one who leaves early."""
    facts = history_facts(history, _day())
    fitted = ShrinkageRateModel().fit(history, _day())
    slate = slate_from_statcast(history, _day())
    deep = run_engine(fitted, facts, slate).batters
    short_facts = type(facts)(
        as_of=facts.as_of,
        slot_pa=facts.slot_pa,
        starts={**facts.starts, 211: [6] * N_DAYS},
        league_bf=facts.league_bf,
        games=facts.games,
        outs_pmf=facts.outs_pmf,
        outs_starts=facts.outs_starts,
    )
    short = run_engine(fitted, short_facts, slate).batters
    away = deep.team == "AWY"  # they face 211
    k = np.arange(10)
    assert (deep.pmfs[Stat.BATTER_STRIKEOUTS][away] @ k).sum() > (
        short.pmfs[Stat.BATTER_STRIKEOUTS][away] @ k
    ).sum() + 0.3
    home = ~away
    np.testing.assert_allclose(
        deep.pmfs[Stat.BATTER_STRIKEOUTS][home], short.pmfs[Stat.BATTER_STRIKEOUTS][home]
    )


def test_unknown_players_and_short_lineups() -> None:
    history = season(days(START, 3))
    game = SlateGame(
        game_pk=1,
        home_team="HOM",
        away_team="NEW",
        home_lineup=[111, 112, 113, 114, 115, 116, 117, 118, 119],
        away_lineup=[900_001, 900_002, 900_003],  # rookies with no history, partial lineup
        home_starter=211,
        away_starter=900_100,
    )
    slate = Slate(date=START + dt.timedelta(days=3), games=(game,))
    fitted = ShrinkageRateModel().fit(history, slate.date)
    res = run_engine(
        fitted, history_facts(history, slate.date), slate, stats=["hits", "pitcher_strikeouts"]
    )
    assert len(res.batters) == 12
    rookies = res.batters.player >= 900_000
    assert res.batters.league_only[rookies].all()
    assert not res.batters.league_only[~rookies].any()
    assert res.pitchers.league_only.tolist() == [False, True]  # 211 known, 900100 not
    assert set(res.batters.pmfs) == {Stat.HITS}


def test_tilt_matches_requested_means() -> None:
    shape = np.array([0.05, 0.1, 0.2, 0.3, 0.2, 0.1, 0.05])
    tilted = tilt_pmf(shape, np.array([1.5, 3.0, 4.5]))
    np.testing.assert_allclose(tilted.sum(axis=1), 1.0)
    np.testing.assert_allclose(tilted @ np.arange(7), [1.5, 3.0, 4.5], atol=1e-6)
    assert tilted[1, 3] == pytest.approx(0.3 / 1.0, rel=0.05)  # mean 3 ~ untilted shape


def test_batter_rates_rows_are_probabilities(history) -> None:  # type: ignore[no-untyped-def]
    fitted = ShrinkageRateModel().fit(history, _day())
    r = fitted.matchup_rates(np.arange(101, 110), np.full(9, 211))
    np.testing.assert_allclose(r.sum(axis=1), 1.0)
    assert np.all(r[:, PACategory.STRIKEOUT] > 0.1)


@settings(max_examples=40, deadline=None)
@given(
    shape=st.lists(st.floats(0.01, 1.0), min_size=5, max_size=28),
    frac=st.floats(0.1, 0.9),
)
def test_tilt_property(shape: list[float], frac: float) -> None:
    q = np.asarray(shape) / np.sum(shape)
    target = frac * (len(shape) - 1)
    out = tilt_pmf(q, np.array([target]))[0]
    assert out.sum() == pytest.approx(1.0)
    assert out @ np.arange(len(shape)) == pytest.approx(target, abs=1e-4)
    assert np.all(out > 0)


def test_expected_calibration_error_by_hand() -> None:
    p = np.array([0.05, 0.05, 0.95, 0.95, 0.55])
    y = np.array([0.0, 1.0, 1.0, 1.0, 0.0])
    # bins: 0 -> mean p .05, mean y .5 (n 2); 9 -> .95 vs 1 (n 2); 5 -> .55 vs 0 (n 1)
    expected = (2 * 0.45 + 2 * 0.05 + 1 * 0.55) / 5
    assert expected_calibration_error(p, y) == pytest.approx(expected)
    assert expected_calibration_error(np.full(100, 0.3), np.r_[np.ones(30), np.zeros(70)]) == (
        pytest.approx(0.0)
    )


def test_a_reliever_starting_is_treated_as_an_opener(history) -> None:  # type: ignore[no-untyped-def]
    """298 relieved in every game of the history; as a starter his BF prior is an opener's."""
    facts = history_facts(history, _day())
    assert facts.relief_apps[298] == N_DAYS
    assert 211 not in facts.relief_apps
    base = slate_from_statcast(history, _day())
    game = base.games[0]
    opener = Slate(date=base.date, games=(attrs.evolve(game, home_starter=298),))
    fitted = ShrinkageRateModel().fit(history, _day())
    normal = run_engine(fitted, facts, base, stats=["pitcher_outs"]).pitchers
    short = run_engine(fitted, facts, opener, stats=["pitcher_outs"]).pitchers
    assert short.player.tolist() == [298, 201]  # the home starter faces the away nine first
    assert short.expected_pa[0] < 14.0 < normal.expected_pa[0]
    outs = np.arange(28)
    assert short.pmfs[Stat.PITCHER_OUTS][0] @ outs < normal.pmfs[Stat.PITCHER_OUTS][0] @ outs - 5

"""Rate models: shrinkage limits, no look-ahead, drift, platoon, priors, baselines, registry."""

from __future__ import annotations

import datetime as dt
import itertools

import attrs
import numpy as np
import pytest
from props_synthetic import LEAGUE, days, make_pas, season

from savantsdk.exceptions import PropGenerationError
from savantsdk.props import PACategory
from savantsdk.props._rates import (
    BULLPEN,
    RATE_MODELS,
    FittedRates,
    LeagueModel,
    NaiveModel,
    RateModel,
    ShrinkageRateModel,
    get_rate_model,
    outcome_index,
    register_rate_model,
)
from savantsdk.sources import PAOutcome

K = PACategory.STRIKEOUT
START = dt.date(2024, 4, 1)


def _pa_rows(
    batter: int, n: int, k_share: float, day: dt.date, game: int
) -> list[dict[str, object]]:
    n_k = round(n * k_share)
    return [
        {
            "game_pk": game,
            "date": day,
            "batter": batter,
            "pitcher": 500,
            "at_bat_number": i + 1,
            "outcome": PAOutcome.STRIKEOUT if i < n_k else PAOutcome.OUT_IN_PLAY,
        }
        for i in range(n)
    ]


def _league_history(n_days: int = 20, seed: int = 3) -> object:
    return season(days(START, n_days), seed=seed)


def test_models_implement_the_protocol() -> None:
    for m in (ShrinkageRateModel(), LeagueModel(), NaiveModel()):
        assert isinstance(m, RateModel)
    fitted = ShrinkageRateModel().fit(season(days(START, 2)), START + dt.timedelta(days=2))
    assert isinstance(fitted, FittedRates)
    assert (fitted.model_name, fitted.model_version) == ("default", "1.0")


def test_no_history_gets_league_rates_and_is_league_only() -> None:
    history = season(days(START, 15))
    fitted = ShrinkageRateModel(league_half_life_days=None, drift_window_days=None).fit(
        history, START + dt.timedelta(days=15)
    )
    stranger = 999_999
    assert fitted.history_pa([stranger], role="batter")[0] == 0
    assert fitted.history_pa([101], role="batter")[0] == 15 * 5  # slot 1: 5 of 38 PAs
    r = fitted.matchup_rates([stranger], [BULLPEN])[0]
    np.testing.assert_allclose(r.sum(), 1.0)
    # an unknown batter against the bullpen is the bullpen's rate (league-like, within noise)
    assert abs(r[K] - fitted.league[K]) < 0.03


def test_lots_of_history_gives_own_rate_little_gives_league() -> None:
    rows: list[dict[str, object]] = []
    rows += _pa_rows(1, 20_000, 0.6, START, 1)  # extreme K hitter, huge sample
    rows += _pa_rows(2, 10, 0.6, START, 2)  # same rate, tiny sample
    rows += _pa_rows(3, 20_000, 0.2, START, 3)  # a league
    pas = make_pas(rows)
    fitted = ShrinkageRateModel(league_half_life_days=None, drift_window_days=None).fit(
        pas, START + dt.timedelta(days=1)
    )
    b_rates = fitted.batter_rates
    big = b_rates[np.searchsorted(fitted.batter_ids, 1), 1, K]
    small = b_rates[np.searchsorted(fitted.batter_ids, 2), 1, K]
    league_k = fitted.league[K]
    assert abs(big - 0.6) < 0.01
    assert abs(small - league_k) < abs(0.6 - league_k) * 0.15  # mostly league
    assert small > league_k  # but moved toward his own rate


def test_shrinkage_is_monotone_in_sample_size() -> None:
    ks = []
    for n in (10, 50, 200, 1000, 5000):
        rows = _pa_rows(1, n, 0.5, START, 1) + _pa_rows(3, 20_000, 0.2, START, 3)
        fitted = ShrinkageRateModel(drift_window_days=None).fit(
            make_pas(rows), START + dt.timedelta(days=1)
        )
        ks.append(fitted.batter_rates[np.searchsorted(fitted.batter_ids, 1), 1, K])
    assert all(a < b for a, b in itertools.pairwise(ks))


@pytest.mark.parametrize("model", [ShrinkageRateModel(), LeagueModel(), NaiveModel()])
def test_fit_never_sees_the_day_itself(model: RateModel) -> None:
    """Poisoning the day's rows (and later ones) does not change the fitted rates."""
    d = days(START, 12)
    history = season(d, seed=11)
    poisoned_rows = season(d[-2:], seed=99)  # days 11 and 12 replaced by other outcomes
    poisoned = make_pas([])
    del poisoned
    as_of = d[-2]
    before = history.before(as_of)
    mixed = type(history).concat([before, poisoned_rows])
    a = model.fit(history, as_of)
    b = model.fit(mixed, as_of)
    ids = np.array([101, 105, 113, 999])
    pit = np.array([211, 201, BULLPEN, 211])
    np.testing.assert_array_equal(a.matchup_rates(ids, pit), b.matchup_rates(ids, pit))


def test_league_rates_follow_in_season_drift() -> None:
    old = [{**r, "date": START} for r in _pa_rows(3, 5000, 0.10, START, 1)]
    new = _pa_rows(4, 5000, 0.40, START + dt.timedelta(days=60), 2)
    pas = make_pas(old + new)
    as_of = START + dt.timedelta(days=61)
    drifting = ShrinkageRateModel(league_half_life_days=7.0).fit(pas, as_of)
    flat = ShrinkageRateModel(league_half_life_days=None).fit(pas, as_of)
    assert flat.league[K] == pytest.approx(0.25, abs=0.01)
    assert drifting.league[K] > 0.39


def test_drift_adjustment_re_expresses_old_pas_in_todays_league() -> None:
    """A hitter who struck out at the league rate back when the league K% was low is a
    league-average hitter today, not a below-average one."""
    rows = [{**r, "date": START} for r in _pa_rows(3, 5000, 0.10, START, 1)]
    rows += _pa_rows(7, 400, 0.10, START, 2)  # our hitter: league-average back then
    rows += _pa_rows(4, 5000, 0.30, START + dt.timedelta(days=60), 3)
    pas = make_pas(rows)
    as_of = START + dt.timedelta(days=61)
    adj = ShrinkageRateModel(drift_window_days=7.0).fit(pas, as_of)
    raw = ShrinkageRateModel(drift_window_days=None).fit(pas, as_of)
    row = np.searchsorted(adj.batter_ids, 7)
    assert adj.batter_rates[row, 1, K] > raw.batter_rates[row, 1, K] + 0.05


def test_platoon_split_is_regressed_toward_league_split() -> None:
    rows: list[dict[str, object]] = []
    for i in range(4000):  # league: right-handed batters strike out more vs RHP
        hand = "L" if i % 2 else "R"
        k = (i % 10) < (3 if hand == "R" else 1)
        rows.append(
            {
                "game_pk": 1,
                "date": START,
                "batter": 10 + i % 50,
                "pitcher": 600 if hand == "L" else 601,
                "p_throws": hand,
                "at_bat_number": i + 1,
                "outcome": PAOutcome.STRIKEOUT if k else PAOutcome.OUT_IN_PLAY,
            }
        )
    pas = make_pas(rows)
    fitted = ShrinkageRateModel(league_half_life_days=None, drift_window_days=None).fit(
        pas, START + dt.timedelta(days=1)
    )
    vs_l = fitted.matchup_rates([999], [600])[0, K]
    vs_r = fitted.matchup_rates([999], [601])[0, K]
    assert vs_r > vs_l  # a new batter inherits the league platoon split
    assert fitted.league_grid[1, 1, K] > fitted.league_grid[1, 0, K]


def test_prior_extension_point_moves_new_players() -> None:
    prior_hist = make_pas(_pa_rows(1, 3000, 0.45, START, 1) + _pa_rows(3, 20_000, 0.2, START, 2))
    prior = ShrinkageRateModel.prior_from_history(prior_hist, weight=1.0)
    season_hist = make_pas(_pa_rows(3, 20_000, 0.2, START + dt.timedelta(days=200), 3))
    as_of = START + dt.timedelta(days=201)
    with_prior = ShrinkageRateModel(prior=prior).fit(season_hist, as_of)
    without = ShrinkageRateModel().fit(season_hist, as_of)
    a = with_prior.matchup_rates([1], [BULLPEN])[0, K]
    b = without.matchup_rates([1], [BULLPEN])[0, K]
    assert a > b + 0.1


def test_league_model_is_the_same_for_everyone() -> None:
    history = season(days(START, 10), batter_rates={101: LEAGUE * [1, 1, 1, 1, 1, 1, 3, 0.5]})
    fitted = LeagueModel().fit(history, START + dt.timedelta(days=10))
    r = fitted.matchup_rates([101, 102, 999], [211, BULLPEN, 201])
    np.testing.assert_allclose(r[0], r[1])
    np.testing.assert_allclose(r[0], r[2])
    np.testing.assert_allclose(r[0], fitted.league)


def test_naive_model_uses_raw_rates() -> None:
    rows = _pa_rows(1, 10, 0.7, START, 1) + _pa_rows(3, 20_000, 0.2, START, 2)
    fitted = NaiveModel().fit(make_pas(rows), START + dt.timedelta(days=1))
    row = np.searchsorted(fitted.batter_ids, 1)
    assert fitted.batter_rates[row, 0, K] == pytest.approx(0.7, abs=1e-5)


def test_outcome_index_drops_ibb_and_other() -> None:
    codes = [PAOutcome.SINGLE, PAOutcome.INTENT_WALK, PAOutcome.WALK, PAOutcome.OTHER]
    assert outcome_index(codes).tolist() == [PACategory.SINGLE, -1, PACategory.WALK, -1]


def test_registry() -> None:
    assert get_rate_model("naive").name == "naive"
    assert get_rate_model("league").name == "league"
    assert isinstance(get_rate_model("default"), ShrinkageRateModel)
    with pytest.raises(PropGenerationError, match="unknown rate model 'gbm'"):
        get_rate_model("gbm")
    custom = attrs.evolve(ShrinkageRateModel(), name="shrink3", hitter_m_scale=3.0)
    register_rate_model("shrink3", lambda: custom)
    try:
        assert get_rate_model("shrink3") is custom
    finally:
        RATE_MODELS.pop("shrink3")
    with pytest.raises(PropGenerationError, match="alphanumeric"):
        register_rate_model("bad name!", LeagueModel)
    with pytest.raises(PropGenerationError, match="does not implement RateModel"):
        get_rate_model(object())  # type: ignore[arg-type]

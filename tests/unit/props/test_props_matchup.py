"""PACategory categories, shrinkage, platoon regression and the multinomial log5 matchup."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from savantsdk.exceptions import PropGenerationError
from savantsdk.props import (
    EXAMPLE_LEAGUE_RATES,
    HITTER_STABILIZATION,
    N_OUTCOMES,
    PITCHER_STABILIZATION,
    PACategory,
    matchup,
    regress_platoon,
    shrink,
)

LEAGUE = np.asarray(EXAMPLE_LEAGUE_RATES)


@st.composite
def rate_vectors(draw: st.DrawFn, rows: int = 1) -> np.ndarray:
    """Rows of strictly positive rates summing to 1, near a league profile."""
    seed = draw(st.integers(0, 2**32 - 1))
    conc = draw(st.floats(20.0, 2000.0))
    return np.random.default_rng(seed).dirichlet(LEAGUE * conc, size=rows) + 0.0


def test_outcome_order_is_fixed() -> None:
    assert [o.name for o in PACategory] == [
        "SINGLE",
        "DOUBLE",
        "TRIPLE",
        "HOME_RUN",
        "WALK",
        "HIT_BY_PITCH",
        "STRIKEOUT",
        "OUT_IN_PLAY",
    ]
    assert [int(o) for o in PACategory] == list(range(8))
    assert N_OUTCOMES == 8
    assert sum(EXAMPLE_LEAGUE_RATES) == pytest.approx(1.0, abs=1e-12)
    assert len(HITTER_STABILIZATION) == len(PITCHER_STABILIZATION) == 8
    # K stabilises fastest for both, HR much slower for pitchers (MODEL-research §1).
    assert HITTER_STABILIZATION[PACategory.STRIKEOUT] == 53
    assert PITCHER_STABILIZATION[PACategory.STRIKEOUT] == 78
    assert PITCHER_STABILIZATION[PACategory.HOME_RUN] == 943


def test_log5_reduces_to_the_classic_two_outcome_formula() -> None:
    """With mass only on K and OUT, the multinomial form is James's log5."""
    tiny = 1e-12
    b, p, lg = 0.30, 0.25, 0.22
    vec = np.full(8, tiny)

    def two(k: float) -> np.ndarray:
        v = vec.copy()
        v[PACategory.STRIKEOUT] = k
        v[PACategory.OUT_IN_PLAY] = 1 - k - 6 * tiny
        return v

    got = matchup(two(b), two(p), two(lg))[PACategory.STRIKEOUT]

    def odds(x: float) -> float:
        return x / (1 - x)

    m = odds(b) * odds(p) / odds(lg)
    assert got == pytest.approx(m / (1 + m), abs=1e-9)


@given(rate_vectors(rows=5), rate_vectors(rows=5))
@settings(deadline=None, max_examples=50)
def test_matchup_is_a_distribution_and_league_is_neutral(b: np.ndarray, p: np.ndarray) -> None:
    out = matchup(b, p, LEAGUE)
    assert out.shape == (5, 8)
    assert np.all(out > 0)
    assert np.allclose(out.sum(axis=1), 1.0, atol=1e-12)
    # a league-average batter against pitcher p gets p's rates, and vice versa
    assert np.allclose(matchup(LEAGUE, p, LEAGUE), p / p.sum(axis=1, keepdims=True), atol=1e-12)
    assert np.allclose(matchup(b, LEAGUE, LEAGUE), b / b.sum(axis=1, keepdims=True), atol=1e-12)
    # symmetric in batter and pitcher
    assert np.allclose(matchup(b, p, LEAGUE), matchup(p, b, LEAGUE), atol=1e-15)


def test_matchup_broadcasts_a_lineup_against_one_pitcher() -> None:
    rng = np.random.default_rng(1)
    lineup = rng.dirichlet(LEAGUE * 300, size=9)
    pitcher = rng.dirichlet(LEAGUE * 300)
    out = matchup(lineup, pitcher, LEAGUE)
    assert out.shape == (9, 8)
    for i in range(9):
        assert np.allclose(out[i], matchup(lineup[i], pitcher, LEAGUE), atol=1e-15)


def test_matchup_park_and_weights() -> None:
    b = np.asarray([0.15, 0.05, 0.005, 0.04, 0.09, 0.01, 0.20, 0.455])
    neutral = matchup(b, LEAGUE, LEAGUE, park=np.ones(8))
    assert np.allclose(neutral, b / b.sum())
    park = np.ones(8)
    park[PACategory.HOME_RUN] = 1.2
    hr_park = matchup(b, LEAGUE, LEAGUE, park=park)
    assert hr_park[PACategory.HOME_RUN] > neutral[PACategory.HOME_RUN]
    odds_ratio = (hr_park[3] / hr_park[0]) / (neutral[3] / neutral[0])
    assert odds_ratio == pytest.approx(1.2)
    # weights 0 ignore the batter entirely
    assert np.allclose(matchup(b, LEAGUE, LEAGUE, batter_weight=0.0), LEAGUE)


def test_matchup_rejects_bad_shapes_and_rates() -> None:
    with pytest.raises(PropGenerationError, match="8 outcome rates"):
        matchup(np.ones(7) / 7, LEAGUE, LEAGUE)
    with pytest.raises(PropGenerationError, match="negative"):
        matchup(-LEAGUE, LEAGUE, LEAGUE)
    zero_league = LEAGUE.copy()
    zero_league[2] = 0
    with pytest.raises(PropGenerationError, match="strictly positive"):
        matchup(LEAGUE, LEAGUE, zero_league)


def test_shrink_formula() -> None:
    counts = np.array([30.0, 10, 1, 8, 20, 2, 50, 79])  # 200 PA
    n = counts.sum()
    m = 100.0
    got = shrink(counts, n, LEAGUE, m)
    # with one M for all outcomes the components already sum to 1: exact beta-binomial mean
    assert np.allclose(got, (counts + m * LEAGUE) / (n + m), atol=1e-15)
    # reliability 0.5 at n = M: halfway between observed and league
    half = shrink(counts, n, LEAGUE, n)
    assert np.allclose(half, 0.5 * counts / n + 0.5 * LEAGUE, atol=1e-15)


@given(
    st.lists(st.integers(0, 300), min_size=8, max_size=8),
    st.sampled_from([HITTER_STABILIZATION, PITCHER_STABILIZATION]),
)
@settings(deadline=None)
def test_shrink_is_a_distribution_between_player_and_league(
    counts: list[int], m: tuple[float, ...]
) -> None:
    c = np.asarray(counts, dtype=float)
    out = shrink(c, c.sum(), LEAGUE, m)
    assert out.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(out > 0)
    if c.sum() == 0:
        assert np.allclose(out, LEAGUE)


def test_shrink_moves_toward_observed_with_sample_size() -> None:
    k_rate = 0.35
    gaps = []
    for n in (0, 50, 500, 5000, 500_000):
        counts = LEAGUE * n
        counts = counts * (1 - k_rate) / (1 - LEAGUE[PACategory.STRIKEOUT])
        counts[PACategory.STRIKEOUT] = k_rate * n
        gaps.append(abs(shrink(counts, n, LEAGUE)[PACategory.STRIKEOUT] - k_rate))
    assert gaps == sorted(gaps, reverse=True)
    assert gaps[0] == pytest.approx(k_rate - LEAGUE[PACategory.STRIKEOUT])
    assert gaps[-1] < 1e-3


def test_shrink_batched_rows() -> None:
    counts = np.array([[0.0] * 8, [10, 3, 0, 2, 5, 1, 12, 20]])
    out = shrink(counts, counts.sum(axis=1), LEAGUE)
    assert out.shape == (2, 8)
    assert np.allclose(out[0], LEAGUE)


def _side(rng: np.random.Generator) -> np.ndarray:
    return rng.dirichlet(LEAGUE * 500)


def test_platoon_with_no_pa_vs_lhp_takes_the_league_split() -> None:
    rng = np.random.default_rng(7)
    obs_l, obs_r, lg_l, lg_r = (_side(rng) for _ in range(4))
    new_l, new_r = regress_platoon(
        obs_l,
        obs_r,
        pa_vs_lhp=0,
        pa_vs_rhp=400,
        league_vs_lhp=lg_l,
        league_vs_rhp=lg_r,
        bats="R",
    )
    # log split equals the league's up to one constant (the renormalisation)
    offset = np.log(new_l / new_r) - np.log(lg_l / lg_r)
    assert np.ptp(offset) < 1e-12
    # with no PA vs LHP the vs-RHP rates are the hitter's own
    assert np.allclose(new_r, obs_r, atol=1e-12)


def test_platoon_regression_weights() -> None:
    rng = np.random.default_rng(8)
    obs_l, obs_r, lg_l, lg_r = (_side(rng) for _ in range(4))

    def split_weight(bats: str, pa_l: float) -> float:
        new_l, new_r = regress_platoon(
            obs_l,
            obs_r,
            pa_vs_lhp=pa_l,
            pa_vs_rhp=3 * pa_l,
            league_vs_lhp=lg_l,
            league_vs_rhp=lg_r,
            bats=bats,  # type: ignore[arg-type]
        )
        s_new = np.log(new_l / new_r)
        s_obs, s_lg = np.log(obs_l / obs_r), np.log(lg_l / lg_r)
        # s_new = w s_obs + (1 - w) s_lg + const: least squares on centred values
        x = (s_obs - s_lg) - (s_obs - s_lg).mean()
        y = (s_new - s_lg) - (s_new - s_lg).mean()
        return float(np.dot(x, y) / np.dot(x, x))

    assert split_weight("L", 1000) == pytest.approx(0.5, abs=1e-9)
    assert split_weight("R", 2200) == pytest.approx(0.5, abs=1e-9)
    assert split_weight("R", 1000) == pytest.approx(1000 / 3200, abs=1e-9)


def test_platoon_errors() -> None:
    with pytest.raises(PropGenerationError, match="bats"):
        regress_platoon(
            LEAGUE,
            LEAGUE,
            pa_vs_lhp=1,
            pa_vs_rhp=1,
            league_vs_lhp=LEAGUE,
            league_vs_rhp=LEAGUE,
            bats="S",  # type: ignore[arg-type]
        )

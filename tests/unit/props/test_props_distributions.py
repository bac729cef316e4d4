"""Count distributions: full support, sums, analytic and Monte-Carlo means, lines, DPs, errors.

Monte-Carlo checks use a fixed numpy seed (so they are deterministic) AND tolerances of 6
standard errors, so that even with another seed a false failure has probability < 1e-8 per
check: the tests cannot flake and still catch any bias larger than a few hundredths.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from savantsdk.exceptions import PropGenerationError
from savantsdk.props import (
    BATTER_STATS,
    DEFAULT_EXTRA_OUT_RATE,
    EXAMPLE_LEAGUE_RATES,
    PITCHER_STATS,
    PMF_FLOOR,
    SLOT_PA_TABLE,
    BattersFaced,
    CountDistribution,
    PACategory,
    Stat,
    batter_distribution,
    batter_pmfs,
    batters_faced_from_history,
    bf_pmf,
    check_line,
    compound_pmf,
    discrete_normal_pmf,
    line_probabilities,
    parse_stat,
    pitcher_distribution,
    pitcher_pmfs,
    poisson_binomial_mixture,
    poisson_binomial_pmf,
    slot_pa_pmf,
    slot_pa_pmfs_from_team_pa,
    team_pa_pmf,
    with_early_exit,
)

LEAGUE = np.asarray(EXAMPLE_LEAGUE_RATES)
SEED = 20240610


@st.composite
def rates(draw: st.DrawFn, rows: int = 1) -> np.ndarray:
    seed = draw(st.integers(0, 2**32 - 1))
    conc = draw(st.floats(5.0, 3000.0))
    return np.random.default_rng(seed).dirichlet(LEAGUE * conc, size=rows)


def assert_full_support(pmf: np.ndarray) -> None:
    pmf = np.atleast_2d(pmf)
    assert np.all(np.abs(pmf.sum(axis=1) - 1.0) <= 1e-12)
    assert np.all(pmf >= PMF_FLOOR * (1 - 1e-6))


def mean(pmf: np.ndarray) -> np.ndarray:
    return np.asarray(np.atleast_2d(pmf) @ np.arange(np.shape(pmf)[-1]))


# ---------------------------------------------------------------- CountDistribution


def test_count_distribution_floors_and_renormalises() -> None:
    d = CountDistribution([0.5, 0.5, 0.0, 0.0])
    assert_full_support(d.pmf)
    assert d.pmf[3] == pytest.approx(PMF_FLOOR, rel=1e-9)
    assert d.max_value == 3
    assert d.mean == pytest.approx(0.5, abs=1e-10)
    assert d.var == pytest.approx(0.25, abs=1e-10)
    assert not d.pmf.flags.writeable
    assert "mean=0.5000" in repr(d)
    with pytest.raises(PropGenerationError, match="non-negative"):
        CountDistribution([0.5, -0.1])
    with pytest.raises(PropGenerationError, match="1-d"):
        CountDistribution([[0.5, 0.5]])


def test_lines_half_point_and_integer() -> None:
    d = CountDistribution([0.2, 0.3, 0.4, 0.1])
    assert d.p_over(1.5) == pytest.approx(0.5)
    assert d.p_under(1.5) == pytest.approx(0.5)
    assert d.p_push(1.5) == 0.0
    lp = d.probabilities(2)
    assert (lp.p_under, lp.p_push, lp.p_over) == pytest.approx((0.5, 0.4, 0.1))
    assert d.p_over(3) == 0.0
    assert d.p_over(7.5) == 0.0
    assert d.p_under(7.5) == pytest.approx(1.0)
    assert d.p_over(0.5) == pytest.approx(0.8)
    assert d.quantile(0.5) == 1
    assert d.quantile(0.51) == 2
    assert d.quantile(1.0) == 3
    assert np.allclose(d.cdf(), [0.2, 0.5, 0.9, 1.0])
    assert np.allclose(d.sf(), [1.0, 0.8, 0.5, 0.1])


@pytest.mark.parametrize("line", [0, -0.5, math.nan, math.inf])
def test_bad_line_is_named(line: float) -> None:
    d = CountDistribution([0.5, 0.5])
    with pytest.raises(PropGenerationError, match=f"line {line!r}"):
        d.p_over(line)
    with pytest.raises(PropGenerationError, match=f"line {line!r}"):
        check_line(line)


def test_check_line_names_stat() -> None:
    assert check_line("1.5") == 1.5  # type: ignore[arg-type]
    with pytest.raises(PropGenerationError, match=r"line -1 for stat 'hits'"):
        check_line(-1, stat="hits")


def test_unknown_stat_is_named() -> None:
    assert parse_stat("hits") is Stat.HITS
    with pytest.raises(PropGenerationError, match="unknown stat 'rbis_allowed'"):
        parse_stat("rbis_allowed")
    with pytest.raises(PropGenerationError, match="unknown stat 'doubles'"):
        batter_distribution(LEAGUE, "doubles", slot=1)
    with pytest.raises(PropGenerationError, match="'pitcher_outs' is not a batter stat"):
        batter_distribution(LEAGUE, "pitcher_outs", slot=1)
    with pytest.raises(PropGenerationError, match="'hits' is not a pitcher stat"):
        pitcher_distribution(np.tile(LEAGUE, (9, 1)), "hits", bf=bf_pmf(22, 4)[0])


def test_bad_inputs() -> None:
    with pytest.raises(PropGenerationError, match="slot"):
        batter_pmfs(LEAGUE[None], slots=[10])
    with pytest.raises(PropGenerationError, match="exactly one"):
        batter_pmfs(LEAGUE[None])
    with pytest.raises(PropGenerationError, match="sum to 1"):
        batter_pmfs(LEAGUE[None] * 2, slots=[1])
    with pytest.raises(PropGenerationError, match="8 outcome rates"):
        batter_pmfs(np.ones((1, 7)) / 7, slots=[1])
    with pytest.raises(PropGenerationError, match="inning_end_weight"):
        pitcher_pmfs(np.tile(LEAGUE, (1, 9, 1)), bf_pmf(22, 4), inning_end_weight=1.5)
    with pytest.raises(PropGenerationError, match=r"quantile level"):
        CountDistribution([1.0]).quantile(0)


@given(
    st.lists(st.floats(0.0, 1.0), min_size=2, max_size=12),
    st.lists(st.floats(0.01, 20.0), min_size=1, max_size=6),
)
@settings(deadline=None)
def test_line_probabilities_partition_and_are_monotone(
    pmf: list[float], lines: list[float]
) -> None:
    if sum(pmf) == 0:
        pmf[0] = 1.0
    d = CountDistribution(pmf)
    lines_sorted = sorted(lines)
    over, under, push = line_probabilities(d.pmf, lines_sorted)
    assert np.allclose(over + under + push, 1.0, atol=1e-12)
    assert np.all(np.diff(over[0]) <= 1e-15)
    assert np.all(np.diff(under[0]) >= -1e-15)


# ---------------------------------------------------------------- plate appearances


def test_slot_pa_table_pmfs() -> None:
    for slot, (pa_mean, *_rest) in enumerate(SLOT_PA_TABLE, start=1):
        pmf = slot_pa_pmf(slot)
        assert_full_support(pmf)
        assert mean(pmf)[0] == pytest.approx(pa_mean, abs=0.02)
    with pytest.raises(PropGenerationError, match="slot 0"):
        slot_pa_pmf(0)


def test_slot_pa_from_team_pa_matches_the_simulated_table() -> None:
    """Two independent [computed] figures agree: the structural slot rule applied to team PA
    ~ N(38.25, 4.49) reproduces the per-slot PA means of the game simulation."""
    team = team_pa_pmf()
    slots = slot_pa_pmfs_from_team_pa(team)
    assert_full_support(slots)
    means = mean(slots)
    for slot in range(9):
        assert means[slot] == pytest.approx(SLOT_PA_TABLE[slot][0], abs=0.03)
    # slot PAs add up to team PA
    assert means.sum() == pytest.approx(mean(team)[0], abs=1e-6)


def test_slot_rule_on_a_fixed_team_total() -> None:
    team = np.zeros(60)
    team[40] = 1.0  # 40 PA: slots 1-4 get 5, slots 5-9 get 4
    slots = slot_pa_pmfs_from_team_pa(team)
    assert [int(np.argmax(row)) for row in slots] == [5, 5, 5, 5, 4, 4, 4, 4, 4]


def test_early_exit_left_tail() -> None:
    base = slot_pa_pmf(1)
    assert np.allclose(with_early_exit(base, 0.0), base, atol=1e-15)
    tail = with_early_exit(base, 0.1)
    assert_full_support(tail)
    # 10% lose on average half their scheduled PAs minus a bit: mean drops, mass moves to 1..3
    k = np.arange(base.size)
    sched = base @ k
    removed_mean = sum(base[n] * (n / 2 if n >= 2 else n) for n in range(base.size))
    assert tail @ k == pytest.approx(0.9 * sched + 0.1 * removed_mean, abs=1e-9)
    assert tail[1:3].sum() > 0.01
    batch = with_early_exit(np.stack([base, slot_pa_pmf(9)]), [0.0, 0.2])
    assert batch.shape == (2, base.size)
    assert np.allclose(batch[0], base, atol=1e-15)
    with pytest.raises(PropGenerationError, match="exit_prob"):
        with_early_exit(base, 1.5)


# ---------------------------------------------------------------- batter props


@given(rates(rows=4), st.lists(st.integers(1, 9), min_size=4, max_size=4))
@settings(max_examples=40, deadline=None)
def test_batter_pmfs_full_support_and_analytic_means(r: np.ndarray, slots: list[int]) -> None:
    pmfs = batter_pmfs(r, slots=slots)
    assert list(pmfs) == list(BATTER_STATS)
    pa_mean = np.array([mean(slot_pa_pmf(s))[0] for s in slots])
    hit = r[:, :4].sum(axis=1)
    expected = {
        Stat.HITS: pa_mean * hit,
        Stat.SINGLES: pa_mean * r[:, PACategory.SINGLE],
        Stat.HOME_RUNS: pa_mean * r[:, PACategory.HOME_RUN],
        Stat.WALKS: pa_mean * r[:, PACategory.WALK],
        Stat.BATTER_STRIKEOUTS: pa_mean * r[:, PACategory.STRIKEOUT],
        Stat.TOTAL_BASES: pa_mean * (r[:, :4] @ np.array([1.0, 2, 3, 4])),
    }
    for stat, pmf in pmfs.items():
        assert_full_support(pmf)
        if stat in expected:
            # flooring moves at most K * 1e-12 of mass
            assert np.allclose(mean(pmf), expected[stat], atol=1e-9)


def _simulate_batters(
    rng: np.random.Generator, r: np.ndarray, slot: int, games: int
) -> dict[str, np.ndarray]:
    pa = rng.choice(np.arange(10), size=games, p=slot_pa_pmf(slot))
    outcomes = rng.choice(8, size=(games, 9), p=r)
    alive = np.arange(9)[None, :] < pa[:, None]
    tb_of = np.array([1, 2, 3, 4, 0, 0, 0, 0])
    return {
        "hits": ((outcomes <= 3) & alive).sum(axis=1),
        "total_bases": (tb_of[outcomes] * alive).sum(axis=1),
        "batter_strikeouts": ((outcomes == 6) & alive).sum(axis=1),
        "walks": ((outcomes == 4) & alive).sum(axis=1),
    }


@pytest.mark.parametrize("slot", [1, 5, 9])
def test_batter_pmfs_match_simulation(slot: int) -> None:
    rng = np.random.default_rng(SEED + slot)
    r = rng.dirichlet(LEAGUE * 200)
    games = 200_000
    sims = _simulate_batters(rng, r, slot, games)
    pmfs = batter_pmfs(r[None], slots=[slot])
    for name, draws in sims.items():
        pmf = pmfs[Stat(name)][0]
        se = draws.std() / math.sqrt(games)
        assert abs(draws.mean() - mean(pmf)[0]) < 6 * se + 1e-9, name
        for k in (1, 2):  # P(X >= k): binomial proportions
            p_model = pmf[k:].sum()
            p_sim = (draws >= k).mean()
            se_p = math.sqrt(p_model * (1 - p_model) / games)
            assert abs(p_sim - p_model) < 6 * se_p + 1e-9, (name, k)


def test_hits_runs_rbis_reproduces_research_figures() -> None:
    """League-average lineup: E[H+R+RBI] slot 1 2.05 .. slot 9 1.71, P(H>=1) .678 .. .602,
    H+R+RBI var/mean 1.9-2.0 ([computed], MODEL-research §3)."""
    pmfs = batter_pmfs(np.tile(LEAGUE, (9, 1)), slots=np.arange(1, 10))
    hrr = pmfs[Stat.HITS_RUNS_RBIS]
    m = mean(hrr)
    assert m[0] == pytest.approx(2.05, abs=0.05)
    assert m[8] == pytest.approx(1.71, abs=0.05)
    assert np.all(np.diff(m) < 0)
    var = (hrr @ np.arange(hrr.shape[1]) ** 2) - m**2
    assert np.all((var / m > 1.75) & (var / m < 2.05))
    p_hit = 1 - pmfs[Stat.HITS][:, 0]
    assert p_hit[0] == pytest.approx(0.678, abs=0.015)
    assert p_hit[8] == pytest.approx(0.602, abs=0.015)
    # hits are under-dispersed (var/mean about 0.8)
    hits = pmfs[Stat.HITS]
    hm = mean(hits)
    hv = (hits @ np.arange(hits.shape[1]) ** 2) - hm**2
    assert np.all(np.abs(hv / hm - 0.8) < 0.03)


def test_batter_distribution_single_and_pa_pmf() -> None:
    d = batter_distribution(LEAGUE, "total_bases", slot=3)
    assert d.max_value == 36
    fixed = np.zeros(5)
    fixed[4] = 1.0
    exact = batter_distribution(LEAGUE, Stat.HITS, pa_pmf=fixed)
    h = LEAGUE[:4].sum()
    binom = [math.comb(4, k) * h**k * (1 - h) ** (4 - k) for k in range(5)]
    assert np.allclose(exact.pmf, binom, atol=1e-11)


@given(rates(), st.integers(1, 9), st.sampled_from(BATTER_STATS))
@settings(max_examples=40, deadline=None)
def test_p_over_is_monotone_in_the_line(r: np.ndarray, slot: int, stat: Stat) -> None:
    d = batter_distribution(r[0], stat, slot=slot)
    lines = np.arange(0.5, d.max_value + 2, 0.5)
    over, under, push = line_probabilities(d.pmf, lines)
    assert np.all(np.diff(over[0]) <= 1e-15)
    assert np.allclose(over + under + push, 1.0, atol=1e-12)


# ---------------------------------------------------------------- convolution and DP


@given(
    st.lists(st.floats(0.0, 1.0), min_size=2, max_size=4),
    st.lists(st.floats(0.0, 1.0), min_size=1, max_size=4),
)
@settings(deadline=None)
def test_compound_matches_enumeration(kernel: list[float], counts: list[float]) -> None:
    if sum(kernel) == 0:
        kernel[0] = 1.0
    if sum(counts) == 0:
        counts[0] = 1.0
    q = np.asarray(kernel) / sum(kernel)
    c = np.asarray(counts) / sum(counts)
    m = len(q)
    brute = np.zeros((m - 1) * (len(c) - 1) + 1)
    for n, pn in enumerate(c):
        for draw in itertools.product(range(m), repeat=n):
            brute[sum(draw)] += pn * math.prod(q[v] for v in draw)
    got = compound_pmf(q[None], c)[0]
    assert_full_support(got)
    assert np.allclose(got, brute, atol=1e-10)


@given(st.lists(st.floats(0.0, 1.0), min_size=0, max_size=8))
@settings(deadline=None)
def test_poisson_binomial_matches_enumeration(ps: list[float]) -> None:
    brute = np.zeros(len(ps) + 1)
    for outcome in itertools.product((0, 1), repeat=len(ps)):
        brute[sum(outcome)] += math.prod(
            p if o else 1 - p for p, o in zip(ps, outcome, strict=True)
        )
    got = poisson_binomial_pmf(np.asarray(ps, dtype=float))
    assert got.shape == (len(ps) + 1,)
    assert_full_support(got)
    assert np.allclose(got, brute, atol=1e-10)


@given(
    st.lists(st.floats(0.0, 1.0), min_size=1, max_size=3),
    st.lists(st.floats(0.0, 1.0), min_size=1, max_size=7),
)
@settings(deadline=None)
def test_cyclic_mixture_matches_enumeration(cycle: list[float], counts: list[float]) -> None:
    if sum(counts) == 0:
        counts[0] = 1.0
    c = np.asarray(counts) / sum(counts)
    brute = np.zeros(len(c))
    for b, pb in enumerate(c):
        ps = [cycle[j % len(cycle)] for j in range(b)]
        for outcome in itertools.product((0, 1), repeat=b):
            brute[sum(outcome)] += pb * math.prod(
                p if o else 1 - p for p, o in zip(ps, outcome, strict=True)
            )
    got = poisson_binomial_mixture(np.asarray([cycle]), c[None])[0]
    assert np.allclose(got, brute, atol=1e-10)


# ---------------------------------------------------------------- pitcher props


def test_discrete_normal_moments() -> None:
    pmf = discrete_normal_pmf(22.6, 4.0, 45)[0]
    k = np.arange(46)
    mu = pmf @ k
    assert mu == pytest.approx(22.6, abs=1e-6)
    assert math.sqrt(pmf @ (k - mu) ** 2) == pytest.approx(4.0, abs=1e-6)
    assert_full_support(pmf)
    with pytest.raises(PropGenerationError, match="sd > 0"):
        discrete_normal_pmf(20, 0, 40)


def test_batters_faced_from_history() -> None:
    league = batters_faced_from_history([])
    assert league == BattersFaced(mean=22.3, sd=math.sqrt(3.1**2 + 2.1**2), starts=0)
    short = batters_faced_from_history([18, 19, 17, 18])
    many = batters_faced_from_history([18, 19, 17, 18] * 25)
    assert 18 < many.mean < short.mean < 22.6
    assert many.mean == pytest.approx(18.0, abs=0.1)
    assert short.sd > many.sd  # less parameter uncertainty with more starts
    pmf = many.pmf()
    assert pmf.shape == (46,)
    assert_full_support(pmf)
    with pytest.raises(PropGenerationError, match="batters faced"):
        batters_faced_from_history([20, -1])


@st.composite
def lineups(draw: st.DrawFn, pitchers: int = 2) -> np.ndarray:
    seed = draw(st.integers(0, 2**32 - 1))
    conc = draw(st.floats(20.0, 2000.0))
    return np.random.default_rng(seed).dirichlet(LEAGUE * conc, size=(pitchers, 9))


@given(lineups(), st.floats(15.0, 28.0), st.floats(1.5, 6.0))
@settings(max_examples=30, deadline=None)
def test_pitcher_pmfs_full_support_and_analytic_means(
    lr: np.ndarray, bf_mean: float, bf_sd: float
) -> None:
    bf = bf_pmf(bf_mean, bf_sd)[0]
    pmfs = pitcher_pmfs(lr, bf, inning_end_weight=0.0)
    assert list(pmfs) == list(PITCHER_STATS)
    # E[count] = sum_b P(BF=b) sum_{j<b} p_{j mod 9}
    cum = np.zeros((lr.shape[0], bf.size))
    per = {
        Stat.PITCHER_STRIKEOUTS: lr[:, :, PACategory.STRIKEOUT],
        Stat.WALKS_ALLOWED: lr[:, :, PACategory.WALK],
        Stat.HITS_ALLOWED: lr[:, :, :4].sum(axis=2),
    }
    for stat, pmf in pmfs.items():
        assert_full_support(pmf)
        if stat in per:
            p = per[stat]
            cum[:, 1:] = np.cumsum(p[:, np.arange(bf.size - 1) % 9], axis=1)
            assert np.allclose(mean(pmf), cum @ bf, atol=1e-9)


@given(lineups(pitchers=1), st.floats(0.0, 0.05))
@settings(max_examples=30, deadline=None)
def test_pitcher_outs_match_enumeration(lr: np.ndarray, extra: float) -> None:
    """Outs: per batter 0 (reached), 1 or 2 (extra_out_rate) outs, cyclic over a short lineup."""
    lineup = lr[:, :2, :]  # two batters alternate
    bf = np.array([0.1, 0.2, 0.3, 0.25, 0.15])
    outs = lineup[0, :, PACategory.STRIKEOUT] + lineup[0, :, PACategory.OUT_IN_PLAY]
    kernels = [np.array([1 - o, o - min(extra, o), min(extra, o)]) for o in outs]
    brute = np.zeros(9)
    for b, pb in enumerate(bf):
        for draw in itertools.product(range(3), repeat=b):
            brute[sum(draw)] += pb * math.prod(kernels[j % 2][v] for j, v in enumerate(draw))
    got = pitcher_pmfs(
        lineup, bf, stats=["pitcher_outs"], inning_end_weight=0.0, extra_out_rate=extra
    )[Stat.PITCHER_OUTS][0]
    assert got.shape == (28,)
    assert_full_support(got)
    assert np.allclose(got[:9], brute, atol=1e-10)


def test_pitcher_outs_mean() -> None:
    rng = np.random.default_rng(SEED)
    lr = rng.dirichlet(LEAGUE * 300, size=(3, 9))
    bf = bf_pmf(20.0, 3.0)[0]
    got = pitcher_pmfs(lr, bf, stats=["pitcher_outs"], inning_end_weight=0.0)
    per_bf = (
        lr[:, :, PACategory.STRIKEOUT] + lr[:, :, PACategory.OUT_IN_PLAY] + DEFAULT_EXTRA_OUT_RATE
    )
    cum = np.zeros((3, bf.size))
    cum[:, 1:] = np.cumsum(per_bf[:, np.arange(bf.size - 1) % 9], axis=1)
    assert np.allclose(mean(got[Stat.PITCHER_OUTS]), cum @ bf, atol=1e-6)


def test_pitcher_strikeouts_match_simulation_with_lineup_order() -> None:
    rng = np.random.default_rng(SEED)
    k_rates = np.linspace(0.10, 0.40, 9)  # order matters: top of the order strikes out least
    lr = np.tile(LEAGUE, (9, 1))
    lr[:, PACategory.STRIKEOUT] = k_rates
    lr[:, PACategory.OUT_IN_PLAY] = 1 - (lr.sum(axis=1) - lr[:, PACategory.OUT_IN_PLAY])
    bf = bf_pmf(22.0, 4.0)[0]
    d = pitcher_distribution(lr, "pitcher_strikeouts", bf=bf)
    starts = 200_000
    n_bf = rng.choice(bf.size, size=starts, p=bf)
    p_j = k_rates[np.arange(bf.size) % 9]
    ks = ((rng.random((starts, bf.size)) < p_j) & (np.arange(bf.size) < n_bf[:, None])).sum(1)
    se = ks.std() / math.sqrt(starts)
    assert abs(ks.mean() - d.mean) < 6 * se
    for line in (3.5, 4.5, 5.5, 6.5):
        p = d.p_over(line)
        assert abs((ks > line).mean() - p) < 6 * math.sqrt(p * (1 - p) / starts)
    # the lineup order matters: reversing it changes the mean (fewer Ks from the top)
    reversed_mean = pitcher_distribution(lr[::-1], "pitcher_strikeouts", bf=bf).mean
    assert reversed_mean > d.mean + 0.05


def test_pitcher_strikeout_dispersion_matches_research() -> None:
    """K% .23 and BF sd 4 give var/mean about 0.93 (MODEL-research §3)."""
    lr = np.tile(LEAGUE, (9, 1))
    d = pitcher_distribution(lr, "pitcher_strikeouts", bf=BattersFaced(22.6, 4.0, 0))
    assert d.var / d.mean == pytest.approx(0.93, abs=0.02)


def test_inning_end_mixture() -> None:
    lr = np.tile(LEAGUE, (1, 9, 1))
    bf = bf_pmf(23.0, 4.0)
    plain = pitcher_pmfs(lr, bf, stats=["pitcher_outs"], inning_end_weight=0.0)
    outs0 = plain[Stat.PITCHER_OUTS][0]
    full = pitcher_pmfs(lr, bf, stats=["pitcher_outs"], inning_end_weight=1.0)
    outs1 = full[Stat.PITCHER_OUTS][0]
    half = pitcher_pmfs(lr, bf, stats=["pitcher_outs"], inning_end_weight=0.5)
    outs_half = half[Stat.PITCHER_OUTS][0]
    assert_full_support(outs1)
    k = np.arange(outs1.size)
    assert outs1[k % 3 == 0].sum() > 1 - 1e-9
    assert outs1[18] > 2 * outs0[18]
    assert outs_half[18] == pytest.approx(0.5 * (outs0[18] + outs1[18]), abs=1e-10)
    assert outs1 @ k == pytest.approx(outs0 @ k, abs=0.05)  # mean preserved to first order


def test_earned_runs_level() -> None:
    """League rates, 22.6 BF: about 2.3 ER per start (ERA near 4 over ~5.1 innings)."""
    d = pitcher_distribution(np.tile(LEAGUE, (9, 1)), "earned_runs", bf=bf_pmf(22.6, 4.0)[0])
    assert 2.0 < d.mean < 2.7
    assert_full_support(d.pmf)

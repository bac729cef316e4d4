"""Pitcher props: strikeouts, outs, hits/walks/earned runs allowed as exact Poisson-binomial
mixtures over the batters-faced distribution, the lineup cycling every nine (``docs/model.md``).

Built on the count-distribution plumbing of :mod:`savantsdk.props._distributions`.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from ..exceptions import PropGenerationError
from ._arrays import FloatArray
from ._distributions import (
    _EARNED_SHARE,
    DEFAULT_EXTRA_OUT_RATE,
    DEFAULT_INNING_END_WEIGHT,
    HRR_SCORE_PROBABILITY,
    MAX_OUTS,
    PITCHER_STATS,
    BattersFaced,
    CountDistribution,
    Stat,
    _check_rates,
    _finalise,
    _stats,
    parse_stat,
    pmf_rows,
    poisson_binomial_mixture,
)
from ._matchup import PACategory

__all__ = ("pitcher_distribution", "pitcher_pmfs")


def _round_to_inning_end(pmf: FloatArray, weight: float) -> FloatArray:
    """Mixture ``(1 - w) P + w R(P)``, ``R`` moving outs ``o`` to the nearest multiple of 3
    (``3m+1 -> 3m``, ``3m+2 -> 3m+3``; mean-preserving to first order)."""
    if weight == 0.0:
        return pmf
    k = pmf.shape[1]
    target = np.arange(k)
    rem = target % 3
    target = np.where(rem == 1, target - 1, np.where(rem == 2, target + 1, target))
    target = np.minimum(target, k - 1)
    rounded = np.zeros_like(pmf)
    for src in range(k):
        rounded[:, target[src]] += pmf[:, src]
    return _finalise((1.0 - weight) * pmf + weight * rounded)


def _cyclic_kernel_mixture(
    kernels: FloatArray, count_pmf: FloatArray, max_value: int
) -> FloatArray:
    """Like :func:`poisson_binomial_mixture` for per-trial kernels over ``0..m-1``.

    ``kernels`` is ``(r, c, m)`` (trial ``j`` uses ``kernels[:, j mod c]``); the running sum is
    kept on ``0..max_value`` with any overflow folded into ``max_value``.
    """
    rows, cycle, m = kernels.shape
    b_max = count_pmf.shape[1] - 1
    size = max_value + 1
    k_t = np.ascontiguousarray(kernels.transpose(1, 2, 0))  # (c, m, rows)
    c_t = np.ascontiguousarray(count_pmf.T)
    cur = np.zeros((size, rows))
    cur[0] = 1.0
    nxt = np.zeros((size, rows))
    tmp = np.empty((size, rows))
    out = np.zeros((size, rows))
    out[0] = c_t[0]
    width = 1  # cur is zero beyond its first `width` entries
    for j in range(b_max):
        q = k_t[j % cycle]
        new_width = min(width + m - 1, size)
        nxt[:new_width] = 0.0
        for t in range(m):
            n_in = min(width, size - t)  # cur[:n_in] lands inside; the rest overflows
            if n_in > 0:
                np.multiply(cur[:n_in], q[t], out=tmp[:n_in])
                nxt[t : t + n_in] += tmp[:n_in]
            if n_in < width:
                nxt[size - 1] += cur[n_in:width].sum(axis=0) * q[t]
        cur, nxt = nxt, cur
        width = new_width
        np.multiply(cur[:width], c_t[j + 1], out=tmp[:width])
        out[:width] += tmp[:width]
    return _finalise(np.ascontiguousarray(out.T))


def pitcher_pmfs(
    lineup_rates: npt.ArrayLike,
    bf: npt.ArrayLike,
    *,
    stats: Iterable[str | Stat] | None = None,
    inning_end_weight: float = DEFAULT_INNING_END_WEIGHT,
    extra_out_rate: float = DEFAULT_EXTRA_OUT_RATE,
) -> dict[Stat, FloatArray]:
    """Game pmfs for many starters at once: ``{stat: (n, K)}``.

    ``lineup_rates`` is ``(n, c, 8)`` (``c`` = 9): the matchup rates of each starter against the
    opposing batters in batting order (batter ``i`` is faced at BF ``i, i+c, ...``); ``bf`` is
    ``(n, BFmax+1)`` batters-faced pmfs (or a shared 1-d pmf).  Counts are exact
    Poisson-binomial mixtures over BF (support ``0..BFmax``) of the per-batter probabilities:
    strikeouts K; walks allowed BB; hits allowed 1B+2B+3B+HR; earned runs: the batter scores an
    earned run with probability ``0.92 (HR + sum_k reach_k s_k)`` (approximation, docs/model.md).
    Outs recorded (support ``0..27``): per batter 0 outs (reached), 1 (K + OUT -
    ``extra_out_rate``) or 2 (``extra_out_rate``: double plays and outs on the bases), mixed
    with the inning-end rounding of weight ``inning_end_weight``.
    """
    lr = _check_rates(lineup_rates, "lineup_rates")
    if lr.ndim != 3:
        raise PropGenerationError(f"lineup_rates must be (n, batters, 8), got shape {lr.shape}")
    if not 0.0 <= inning_end_weight <= 1.0:
        raise PropGenerationError(f"inning_end_weight {inning_end_weight!r} must be in [0, 1]")
    if not 0.0 <= extra_out_rate <= 0.2:
        raise PropGenerationError(f"extra_out_rate {extra_out_rate!r} must be in [0, 0.2]")
    n = lr.shape[0]
    counts = pmf_rows(bf, n, "bf must have one row per pitcher")
    wanted = _stats(stats, PITCHER_STATS, "pitcher")
    probs: dict[Stat, FloatArray] = {}
    for st in wanted:
        if st is Stat.PITCHER_STRIKEOUTS:
            probs[st] = lr[:, :, PACategory.STRIKEOUT]
        elif st is Stat.WALKS_ALLOWED:
            probs[st] = lr[:, :, PACategory.WALK]
        elif st is Stat.HITS_ALLOWED:
            probs[st] = lr[:, :, : PACategory.HOME_RUN + 1].sum(axis=2)
        elif st is Stat.EARNED_RUNS:
            score = lr[:, :, PACategory.HOME_RUN].copy()
            for outcome, s in HRR_SCORE_PROBABILITY.items():
                score += lr[:, :, outcome] * s
            probs[st] = np.minimum(_EARNED_SHARE * score, 1.0)
    out: dict[Stat, FloatArray] = {}
    bern = [s for s in wanted if s in probs]
    if bern:
        stacked = poisson_binomial_mixture(
            np.concatenate([probs[s] for s in bern]), np.tile(counts, (len(bern), 1))
        )
        out.update({s: stacked[i * n : (i + 1) * n] for i, s in enumerate(bern)})
    if Stat.PITCHER_OUTS in wanted:
        outs = lr[:, :, PACategory.STRIKEOUT] + lr[:, :, PACategory.OUT_IN_PLAY]
        double = np.minimum(extra_out_rate, outs)
        kernel = np.stack([1.0 - outs, outs - double, double], axis=2)
        pmf = _cyclic_kernel_mixture(kernel, counts, MAX_OUTS)
        out[Stat.PITCHER_OUTS] = _round_to_inning_end(pmf, inning_end_weight)
    return {s: out[s] for s in wanted}


def pitcher_distribution(
    lineup_rates: npt.ArrayLike,
    stat: str | Stat,
    *,
    bf: npt.ArrayLike | BattersFaced,
    inning_end_weight: float = DEFAULT_INNING_END_WEIGHT,
    extra_out_rate: float = DEFAULT_EXTRA_OUT_RATE,
) -> CountDistribution:
    """One starter's game distribution for ``stat`` against a ``(9, 8)`` lineup in order."""
    st = parse_stat(stat)
    if st not in PITCHER_STATS:
        raise PropGenerationError(f"stat {st.value!r} is not a pitcher stat")
    bf_arr = bf.pmf() if isinstance(bf, BattersFaced) else np.asarray(bf, dtype=np.float64)
    lr = np.asarray(lineup_rates, dtype=np.float64)[None, :, :]
    pmfs = pitcher_pmfs(
        lr,
        bf_arr.reshape(1, -1),
        stats=[st],
        inning_end_weight=inning_end_weight,
        extra_out_rate=extra_out_rate,
    )
    return CountDistribution(pmfs[st][0])

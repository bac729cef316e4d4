"""Per-game count distributions for batter and pitcher props, vectorised over many players.

Conventions (see ``docs/model.md`` for formulas and sources):

* A pmf is a float64 array over ``0..max``; batch functions return ``(n, max + 1)`` arrays, one
  row per player.  Every pmf the module returns has FULL SUPPORT: masses below
  :data:`PMF_FLOOR` (1e-12) are raised to it and the row is renormalised, so no count in
  ``0..max`` has probability zero (a log loss is always finite) and rows sum to 1 within 1e-12.
* Rates are ``(..., 8)`` per-PA outcome vectors in :class:`~savantsdk.props.PACategory` order.
* Batter stats: ``X = sum_{i<=N} Y_i``, ``N`` the plate appearances of his lineup slot, ``Y_i``
  i.i.d. per-PA increments; the pmf is ``sum_n P(N=n) q^{*n}``, computed by shifted adds of the
  per-PA kernel ``q`` while accumulating the partial powers ``q^{*n}`` once.
* Pitcher stats: he faces the lineup in order (batter ``i`` of 9 on BF index ``i, i+9, ...``);
  counts are exact Poisson-binomial DPs over the BF sequence, mixed over the BF distribution in
  the same pass.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Sequence
from typing import Final

import attrs
import numpy as np
import numpy.typing as npt

from ..exceptions import PropGenerationError
from ._arrays import FloatArray
from ._matchup import N_OUTCOMES, PACategory

__all__ = (
    "BATTER_STATS",
    "DEFAULT_BF_MAX",
    "DEFAULT_EXTRA_OUT_RATE",
    "DEFAULT_INNING_END_WEIGHT",
    "HRR_RBI_PROBABILITY",
    "HRR_SCORE_PROBABILITY",
    "PITCHER_STATS",
    "PMF_FLOOR",
    "SLOT_PA_TABLE",
    "BattersFaced",
    "CountDistribution",
    "LineProbabilities",
    "Stat",
    "batter_distribution",
    "batter_pmfs",
    "batters_faced_from_history",
    "bf_pmf",
    "check_line",
    "compound_pmf",
    "discrete_normal_pmf",
    "line_probabilities",
    "parse_stat",
    "poisson_binomial_mixture",
    "poisson_binomial_pmf",
    "slot_pa_pmf",
    "slot_pa_pmfs_from_team_pa",
    "team_pa_pmf",
    "with_early_exit",
)


#: Smallest probability any count in a distribution's support gets (then renormalised).
PMF_FLOOR: Final = 1e-12

#: Largest plate-appearance count a batter pmf carries (slot 1 reaches 9 PA only in long games).
MAX_PA: Final = 9

#: Largest batters-faced count of a starter's BF distribution by default.
DEFAULT_BF_MAX: Final = 45

#: Default weight of the "leaves at an inning end" component of pitcher outs: fit so that the
#: share of starts ending on a multiple of 3 outs is 2024's (65.5% of 2,516 starts, 2024-03-28 ..
#: 2024-06-30 Statcast; see ``docs/model.md``).
DEFAULT_INNING_END_WEIGHT: Final = 0.5

#: Extra outs per batter faced beyond K + out in play (double plays, outs on the bases): 2024
#: starters recorded 0.711 outs per BF against a K + out-in-play share of 0.690.
DEFAULT_EXTRA_OUT_RATE: Final = 0.021

#: Largest outs-recorded count (a complete game).
MAX_OUTS: Final = 27

#: **[computed]** game simulation (MODEL-research §3, pa_sim2.py, 2023-like rates): for lineup
#: slots 1..9, ``(mean PA, P(3), P(4), P(5), P(6+))``.
SLOT_PA_TABLE: Final[tuple[tuple[float, float, float, float, float], ...]] = (
    (4.69, 0.000, 0.378, 0.556, 0.065),
    (4.57, 0.002, 0.472, 0.479, 0.047),
    (4.46, 0.007, 0.559, 0.400, 0.034),
    (4.36, 0.018, 0.632, 0.326, 0.024),
    (4.25, 0.041, 0.683, 0.259, 0.017),
    (4.15, 0.078, 0.709, 0.201, 0.012),
    (4.04, 0.132, 0.706, 0.154, 0.008),
    (3.93, 0.201, 0.677, 0.116, 0.006),
    (3.81, 0.286, 0.625, 0.085, 0.004),
)

#: Hits+runs+RBIs approximation: probability that the batter, having reached on this outcome,
#: later scores (1B, 2B, 3B, BB, HBP; a HR always scores).  Assumed values of the size of the
#: "runner on 1st/2nd/3rd eventually scores" probabilities, then scaled so a league-average
#: lineup reproduces the [computed] E[H+R+RBI] by slot (2.05 slot 1 .. 1.71 slot 9).
HRR_SCORE_PROBABILITY: Final[dict[PACategory, float]] = {
    PACategory.SINGLE: 0.25,
    PACategory.DOUBLE: 0.42,
    PACategory.TRIPLE: 0.62,
    PACategory.WALK: 0.25,
    PACategory.HIT_BY_PITCH: 0.25,
}
#: Probability of driving in one run on a non-HR outcome (same calibration as above).  A HR
#: drives in ``1 + B`` runs, ``B`` the runners on base: P(B = 0, 1, 2, 3) = .57, .29, .11, .03.
HRR_RBI_PROBABILITY: Final[dict[PACategory, float]] = {
    PACategory.SINGLE: 0.20,
    PACategory.DOUBLE: 0.38,
    PACategory.TRIPLE: 0.55,
    PACategory.WALK: 0.03,
    PACategory.HIT_BY_PITCH: 0.03,
    PACategory.OUT_IN_PLAY: 0.02,
}
_HR_RUNNERS_ON: Final = (0.57, 0.29, 0.11, 0.03)
#: Share of runs that are earned (MLB ER/R is about 0.92), for the earned-runs approximation.
_EARNED_SHARE: Final = 0.92


class Stat(enum.StrEnum):
    """Prop families.  Names match ``savantsdk backtest``'s ``families``."""

    HITS = "hits"
    SINGLES = "singles"
    TOTAL_BASES = "total_bases"
    HOME_RUNS = "home_runs"
    WALKS = "walks"
    BATTER_STRIKEOUTS = "batter_strikeouts"
    HITS_RUNS_RBIS = "hits_runs_rbis"
    PITCHER_STRIKEOUTS = "pitcher_strikeouts"
    PITCHER_OUTS = "pitcher_outs"
    HITS_ALLOWED = "hits_allowed"
    WALKS_ALLOWED = "walks_allowed"
    EARNED_RUNS = "earned_runs"


BATTER_STATS: Final = (
    Stat.HITS,
    Stat.SINGLES,
    Stat.TOTAL_BASES,
    Stat.HOME_RUNS,
    Stat.WALKS,
    Stat.BATTER_STRIKEOUTS,
    Stat.HITS_RUNS_RBIS,
)
PITCHER_STATS: Final = (
    Stat.PITCHER_STRIKEOUTS,
    Stat.PITCHER_OUTS,
    Stat.HITS_ALLOWED,
    Stat.WALKS_ALLOWED,
    Stat.EARNED_RUNS,
)


def parse_stat(name: str | Stat) -> Stat:
    """The :class:`Stat` called ``name``; :class:`PropGenerationError` naming it if unknown."""
    try:
        return Stat(name)
    except ValueError as exc:
        known = ", ".join(s.value for s in Stat)
        raise PropGenerationError(f"unknown stat {name!r}; known stats: {known}") from exc


def check_line(line: float, *, stat: str | None = None) -> float:
    """``line`` as a float if it is finite and > 0, else :class:`PropGenerationError` naming it."""
    try:
        value = float(line)
    except (TypeError, ValueError) as exc:
        raise PropGenerationError(f"line {line!r} is not a number") from exc
    if not math.isfinite(value) or value <= 0.0:
        where = f" for stat {stat!r}" if stat else ""
        raise PropGenerationError(f"line {line!r}{where} must be a finite number > 0")
    return value


# --------------------------------------------------------------------------------------------
# pmf plumbing


def _finalise(pmf: FloatArray) -> FloatArray:
    """Floor every mass at PMF_FLOOR and renormalise each row (in place when possible)."""
    out = np.maximum(pmf, PMF_FLOOR)
    out /= out.sum(axis=-1, keepdims=True)
    return out


def _to_pmf(values: npt.ArrayLike) -> FloatArray:
    arr = np.array(values, dtype=np.float64)
    if arr.ndim != 1 or arr.size == 0:
        raise PropGenerationError(f"a pmf must be a non-empty 1-d array, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0.0) or arr.sum() <= 0.0:
        raise PropGenerationError("a pmf must be finite, non-negative and not all zero")
    arr = _finalise(arr / arr.sum())
    arr.setflags(write=False)
    return arr


@attrs.frozen
class LineProbabilities:
    """``P(X > line)``, ``P(X < line)``, ``P(X == line)`` (push; 0 for half-point lines)."""

    line: float
    p_over: float
    p_under: float
    p_push: float


@attrs.frozen(eq=False)
class CountDistribution:
    """A count's pmf over ``0..max_value`` with full support (every mass >= ~1e-12).

    The constructor copies, validates, floors at :data:`PMF_FLOOR` and renormalises, so any
    non-negative array is accepted and the result always sums to 1.
    """

    pmf: FloatArray = attrs.field(converter=_to_pmf, repr=False)

    @property
    def max_value(self) -> int:
        return int(self.pmf.size - 1)

    @property
    def mean(self) -> float:
        return float(np.dot(self.pmf, np.arange(self.pmf.size, dtype=np.float64)))

    @property
    def var(self) -> float:
        k = np.arange(self.pmf.size, dtype=np.float64)
        return float(np.dot(self.pmf, (k - self.mean) ** 2))

    @property
    def sd(self) -> float:
        return math.sqrt(self.var)

    def cdf(self) -> FloatArray:
        """``P(X <= k)`` for ``k = 0..max``."""
        out: FloatArray = np.cumsum(self.pmf)
        return out

    def sf(self) -> FloatArray:
        """``P(X >= k)`` for ``k = 0..max`` (summed from the tail, so tiny tails keep precision)."""
        out: FloatArray = np.cumsum(self.pmf[::-1])[::-1]
        return out

    def prob(self, k: int) -> float:
        """``P(X == k)`` (0 outside ``0..max``)."""
        return float(self.pmf[k]) if 0 <= k <= self.max_value else 0.0

    def p_over(self, line: float) -> float:
        return self.probabilities(line).p_over

    def p_under(self, line: float) -> float:
        return self.probabilities(line).p_under

    def p_push(self, line: float) -> float:
        return self.probabilities(line).p_push

    def probabilities(self, line: float) -> LineProbabilities:
        """Over/under/push at ``line`` (> 0; an integer line can push)."""
        value = check_line(line)
        over, under, push = line_probabilities(self.pmf[None, :], [value])
        return LineProbabilities(
            line=value,
            p_over=float(over[0, 0]),
            p_under=float(under[0, 0]),
            p_push=float(push[0, 0]),
        )

    def quantile(self, q: float) -> int:
        """Smallest ``k`` with ``P(X <= k) >= q``, for ``0 < q <= 1``."""
        if not 0.0 < q <= 1.0:
            raise PropGenerationError(f"quantile level {q!r} must be in (0, 1]")
        cdf = self.cdf()
        idx = int(np.searchsorted(cdf, q - 1e-15, side="left"))
        return min(idx, self.max_value)

    def __repr__(self) -> str:
        return f"CountDistribution(max={self.max_value}, mean={self.mean:.4f}, sd={self.sd:.4f})"


def line_probabilities(
    pmfs: npt.ArrayLike, lines: npt.ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Over/under/push for every row of ``pmfs`` (``(n, K)``) at every line (``(L,)``).

    One forward and one backward cumulative sum per row give all lines; returns three
    ``(n, L)`` arrays.  Lines must be finite and > 0 (else :class:`PropGenerationError`).
    """
    p = np.asarray(pmfs, dtype=np.float64)
    if p.ndim == 1:
        p = p[None, :]
    line_arr = np.atleast_1d(np.asarray(lines, dtype=np.float64))
    if line_arr.ndim != 1:
        raise PropGenerationError("lines must be a 1-d sequence")
    bad = ~(np.isfinite(line_arr) & (line_arr > 0.0))
    if np.any(bad):
        raise PropGenerationError(f"line {float(line_arr[bad][0])!r} must be a finite number > 0")
    n, k = p.shape
    # below[j] = P(X <= j - 1) (below[0] = 0); atleast[j] = P(X >= j) (atleast[K] = 0).
    below = np.zeros((n, k + 1))
    np.cumsum(p, axis=1, out=below[:, 1:])
    atleast = np.zeros((n, k + 1))
    atleast[:, :k] = np.cumsum(p[:, ::-1], axis=1)[:, ::-1]
    fl = np.floor(line_arr).astype(np.int64)
    ce = np.ceil(line_arr).astype(np.int64)
    over = atleast[:, np.minimum(fl + 1, k)]
    under = below[:, np.minimum(ce, k)]
    is_int = fl == ce
    push_idx = np.minimum(fl, k - 1)
    push = np.where(is_int & (fl <= k - 1), p[:, push_idx], 0.0)
    return over, under, push


def compound_pmf(kernel: npt.ArrayLike, count_pmf: npt.ArrayLike) -> FloatArray:
    """``sum_n P(N = n) q^{*n}`` for each row: the sum of ``N`` i.i.d. draws from ``q``.

    ``kernel`` is ``(r, m)`` per-draw pmfs over ``0..m-1``; ``count_pmf`` is ``(r, N+1)`` or a
    shared ``(N+1,)``.  The partial powers ``q^{*n}`` are built once by ``m`` shifted adds per
    step and accumulated as they appear.  Returns ``(r, (m-1) N + 1)``, floored and renormalised.
    """
    q = np.asarray(kernel, dtype=np.float64)
    c = np.asarray(count_pmf, dtype=np.float64)
    if q.ndim != 2:
        raise PropGenerationError(f"kernel must be 2-d (rows, values), got shape {q.shape}")
    rows, m = q.shape
    if c.ndim == 1:
        c = np.broadcast_to(c, (rows, c.size))
    n_max = c.shape[1] - 1
    size = (m - 1) * n_max + 1
    # Work on (value, row) arrays: every slice below is one contiguous block.
    q_t = np.ascontiguousarray(q.T)
    c_t = np.ascontiguousarray(c.T)
    cur = np.zeros((size, rows))
    cur[0] = 1.0
    nxt = np.empty_like(cur)
    tmp = np.empty_like(cur)
    out = np.zeros((size, rows))
    out[0] = c_t[0]
    width = 1
    for n in range(1, n_max + 1):
        new_width = width + m - 1
        nxt[:new_width] = 0.0
        for t in range(m):
            np.multiply(cur[:width], q_t[t], out=tmp[:width])
            nxt[t : t + width] += tmp[:width]
        cur, nxt = nxt, cur
        width = new_width
        np.multiply(cur[:width], c_t[n], out=tmp[:width])
        out[:width] += tmp[:width]
    return _finalise(np.ascontiguousarray(out.T))


def poisson_binomial_pmf(p: npt.ArrayLike) -> FloatArray:
    """Exact pmf of the number of successes in independent Bernoulli(p_j) trials, per row.

    ``p`` is ``(r, n)`` (or ``(n,)``); returns ``(r, n+1)`` (or ``(n+1,)``) by the O(n^2) DP
    ``f_{j+1}(k) = f_j(k) (1 - p_j) + f_j(k-1) p_j``, floored and renormalised.
    """
    arr = np.asarray(p, dtype=np.float64)
    single = arr.ndim == 1
    arr2 = arr[None, :] if single else arr
    n = arr2.shape[1]
    count = np.zeros(n + 1)
    count[n] = 1.0
    out = poisson_binomial_mixture(arr2, np.broadcast_to(count, (arr2.shape[0], n + 1)))
    return out[0] if single else out


def poisson_binomial_mixture(p_cycle: npt.ArrayLike, count_pmf: npt.ArrayLike) -> FloatArray:
    """``sum_b P(B = b) PoissonBinomial(p_0, ..., p_{b-1})`` with ``p_j = p_cycle[j mod c]``.

    The pitcher DP: trial ``j`` is the ``j``-th batter faced, who is lineup batter ``j mod c``
    (``c`` = 9 for a lineup; ``c`` = 1 gives a binomial mixture).  ``p_cycle`` is ``(r, c)``,
    ``count_pmf`` ``(r, B+1)``; one pass over ``j`` updates the success pmf and accumulates
    ``P(B = j + 1)`` times it, so the whole mixture costs one DP.  Returns ``(r, B+1)``, floored
    and renormalised.
    """
    pc = np.asarray(p_cycle, dtype=np.float64)
    c = np.asarray(count_pmf, dtype=np.float64)
    if pc.ndim != 2 or c.ndim != 2 or pc.shape[0] != c.shape[0]:
        raise PropGenerationError(
            f"p_cycle (rows, cycle) and count_pmf (rows, B+1) disagree: {pc.shape}, {c.shape}"
        )
    if np.any(pc < 0.0) or np.any(pc > 1.0):
        raise PropGenerationError("success probabilities must lie in [0, 1]")
    rows, cycle = pc.shape
    b_max = c.shape[1] - 1
    # Work on (count, row) arrays: every slice below is one contiguous block.
    p_t = np.ascontiguousarray(pc.T)
    q_t = 1.0 - p_t
    c_t = np.ascontiguousarray(c.T)
    cur = np.zeros((b_max + 1, rows))
    cur[0] = 1.0
    tmp = np.empty((b_max + 1, rows))
    out = np.zeros((b_max + 1, rows))
    out[0] = c_t[0]
    for j in range(b_max):
        k = j % cycle
        shifted = tmp[: j + 1]
        np.multiply(cur[: j + 1], p_t[k], out=shifted)
        cur[: j + 1] *= q_t[k]
        cur[1 : j + 2] += shifted
        np.multiply(cur[: j + 2], c_t[j + 1], out=tmp[: j + 2])
        out[: j + 2] += tmp[: j + 2]
    return _finalise(np.ascontiguousarray(out.T))


# --------------------------------------------------------------------------------------------
# plate appearances and batters faced


def discrete_normal_pmf(mean: npt.ArrayLike, sd: npt.ArrayLike, max_value: int) -> FloatArray:
    """Discrete normal on ``0..max_value``: ``P(k) ∝ exp(-(k - mean)^2 / (2 sd^2))``.

    Vectorised over ``mean``/``sd`` (broadcast to ``(r,)``); returns ``(r, max_value + 1)``.
    For ``sd >= 1`` its mean and sd equal the parameters to within 1e-6 away from the bounds.
    """
    mu = np.atleast_1d(np.asarray(mean, dtype=np.float64))
    sig = np.atleast_1d(np.asarray(sd, dtype=np.float64))
    mu, sig = np.broadcast_arrays(mu, sig)
    if not (np.all(np.isfinite(mu)) and np.all(sig > 0.0) and np.all(np.isfinite(sig))):
        raise PropGenerationError("discrete normal needs finite means and sd > 0")
    k = np.arange(max_value + 1, dtype=np.float64)
    z = (k[None, :] - mu[:, None]) / sig[:, None]
    logw = -0.5 * z * z
    logw -= logw.max(axis=1, keepdims=True)
    w = np.exp(logw)
    return _finalise(w / w.sum(axis=1, keepdims=True))


def team_pa_pmf(mean: float = 38.25, sd: float = 4.49, *, max_value: int = 80) -> FloatArray:
    """Team plate appearances per game, discrete normal; defaults from the [computed] game sim."""
    out: FloatArray = discrete_normal_pmf(mean, sd, max_value)[0]
    return out


def slot_pa_pmfs_from_team_pa(team_pa: npt.ArrayLike, *, max_pa: int = MAX_PA) -> FloatArray:
    """``(9, max_pa + 1)`` PA pmfs by slot from a team-PA pmf: slot ``k`` gets
    ``#{j >= 0 : k + 9 j <= T}`` PA (PAs cycle through the order), counts above ``max_pa``
    folded into ``max_pa``."""
    t = np.asarray(team_pa, dtype=np.float64)
    total = np.arange(t.size)
    out = np.zeros((9, max_pa + 1))
    for slot in range(1, 10):
        pa = np.where(total >= slot, (total - slot) // 9 + 1, 0)
        out[slot - 1] = np.bincount(np.minimum(pa, max_pa), weights=t, minlength=max_pa + 1)
    return _finalise(out)


def _table_slot_pmfs() -> FloatArray:
    out = np.zeros((9, MAX_PA + 1))
    for i, (_, p3, p4, p5, p6) in enumerate(SLOT_PA_TABLE):
        out[i, 3:7] = (p3, p4, p5, p6)
    out /= out.sum(axis=1, keepdims=True)
    return _finalise(out)


_SLOT_PMFS: Final = _table_slot_pmfs()
_SLOT_PMFS.setflags(write=False)


def slot_pa_pmf(slot: int) -> FloatArray:
    """PA pmf (``0..9``) of lineup slot ``1..9`` from :data:`SLOT_PA_TABLE` (6+ taken as 6)."""
    if not 1 <= int(slot) <= 9:
        raise PropGenerationError(f"lineup slot {slot!r} must be 1..9")
    out: FloatArray = _SLOT_PMFS[int(slot) - 1].copy()
    return out


def with_early_exit(pa_pmf: npt.ArrayLike, exit_prob: npt.ArrayLike) -> FloatArray:
    """Add a left tail for batters who leave early (pinch hitter, injury, blowout).

    With probability ``exit_prob`` the batter is removed before his last scheduled PA; given
    removal, the PAs he takes are uniform on ``1..n-1`` (``n`` scheduled, ``n >= 2``).  So
    ``P' = (1 - e) P + e P R`` with ``R`` that transition matrix.  ``pa_pmf`` is ``(K,)`` or
    ``(r, K)``; ``exit_prob`` a scalar or ``(r,)`` in [0, 1].  Returns the same shape.
    """
    p = np.asarray(pa_pmf, dtype=np.float64)
    single = p.ndim == 1
    p2 = p[None, :] if single else p
    e = np.broadcast_to(np.asarray(exit_prob, dtype=np.float64), (p2.shape[0],))[:, None]
    if np.any(e < 0.0) or np.any(e > 1.0):
        raise PropGenerationError("exit_prob must be in [0, 1]")
    k = p2.shape[1]
    trans = np.eye(k)
    for n in range(2, k):
        trans[n, :] = 0.0
        trans[n, 1:n] = 1.0 / (n - 1)
    out = _finalise((1.0 - e) * p2 + e * (p2 @ trans))
    return out[0] if single else out


def bf_pmf(mean: npt.ArrayLike, sd: npt.ArrayLike, *, max_bf: int = DEFAULT_BF_MAX) -> FloatArray:
    """Batters-faced pmf(s) of a starter on ``0..max_bf``: a discrete normal (see
    :func:`discrete_normal_pmf`).  BF is under-dispersed (sd about 4 around a mean of 22), so a
    negative binomial (variance >= mean) cannot fit it."""
    return discrete_normal_pmf(mean, sd, max_bf)


@attrs.frozen
class BattersFaced:
    """A starter's predictive BF distribution (see :func:`batters_faced_from_history`)."""

    mean: float
    sd: float
    starts: int

    def pmf(self, *, max_bf: int = DEFAULT_BF_MAX) -> FloatArray:
        out: FloatArray = bf_pmf(self.mean, self.sd, max_bf=max_bf)[0]
        return out


def batters_faced_from_history(
    bf_per_start: Sequence[int] | npt.ArrayLike,
    *,
    league_mean: float = 22.3,
    between_sd: float = 2.1,
    within_sd: float = 3.1,
    within_prior_starts: float = 10.0,
) -> BattersFaced:
    """Regress a starter's mean BF per start toward the league (normal-normal empirical Bayes).

    Pitcher means are spread with sd ``between_sd`` around ``league_mean``; a start varies around
    his mean with sd ``sigma_w``, pooled from his own starts with ``within_prior_starts``
    pseudo-starts at ``within_sd``.  Defaults measured on 2,516 starts of 2024-03-28 ..
    2024-06-30 (Statcast): mean BF 22.3; sd of pitcher means 2.09 (2.1 in the research notes'
    2021/22 figures) and pooled within-pitcher sd 3.14 (149 pitchers with >= 8 starts; the
    notes had no public figure and assumed 4).  Posterior mean
    ``(n xbar / sigma_w^2 + mu / tau^2) / (n / sigma_w^2 + 1 / tau^2)``; predictive sd
    ``sqrt(sigma_w^2 + posterior variance)``.  No starts gives the league distribution.
    """
    x = np.asarray(bf_per_start, dtype=np.float64).ravel()
    if np.any(~np.isfinite(x)) or np.any(x < 0):
        raise PropGenerationError("batters faced per start must be finite and >= 0")
    n = int(x.size)
    if n >= 2:
        ss = float(np.sum((x - x.mean()) ** 2))
        var_w = (ss + within_prior_starts * within_sd**2) / (n - 1 + within_prior_starts)
    else:
        var_w = within_sd**2
    tau2 = between_sd**2
    if n == 0:
        post_mean, post_var = league_mean, tau2
    else:
        prec = n / var_w + 1.0 / tau2
        post_mean = (n * float(x.mean()) / var_w + league_mean / tau2) / prec
        post_var = 1.0 / prec
    return BattersFaced(mean=post_mean, sd=math.sqrt(var_w + post_var), starts=n)


# --------------------------------------------------------------------------------------------
# batter props


def _hrr_matrix(scale: float) -> FloatArray:
    """``(8, 8)``: per outcome, the pmf of H + R + RBI in that PA over ``0..7``."""
    mat = np.zeros((N_OUTCOMES, 8))
    for outcome in PACategory:
        hit = 1 if outcome <= PACategory.HOME_RUN else 0
        if outcome is PACategory.HOME_RUN:
            # 1 hit + 1 run + (1 + B) RBI, B = runners on base.
            for b, pb in enumerate(_HR_RUNNERS_ON):
                mat[outcome, 3 + b] += pb
            continue
        s = min(1.0, scale * HRR_SCORE_PROBABILITY.get(outcome, 0.0))
        r = min(1.0, scale * HRR_RBI_PROBABILITY.get(outcome, 0.0))
        # runs and RBI independent Bernoullis given the outcome.
        mat[outcome, hit] += (1 - s) * (1 - r)
        mat[outcome, hit + 1] += s * (1 - r) + (1 - s) * r
        mat[outcome, hit + 2] += s * r
    return mat


_HRR: Final = _hrr_matrix(1.0)


def _check_rates(rates: npt.ArrayLike, name: str) -> FloatArray:
    arr = np.asarray(rates, dtype=np.float64)
    if arr.ndim == 0 or arr.shape[-1] != N_OUTCOMES:
        raise PropGenerationError(
            f"{name} must have {N_OUTCOMES} outcome rates on its last axis, got shape {arr.shape}"
        )
    if not np.all(np.isfinite(arr)) or np.any(arr < 0.0):
        raise PropGenerationError(f"{name} must be finite and non-negative")
    sums = arr.sum(axis=-1)
    if np.any(np.abs(sums - 1.0) > 1e-6):
        raise PropGenerationError(f"{name} rows must sum to 1 (got e.g. {float(sums.flat[0])!r})")
    return arr


def pmf_rows(pmf: npt.ArrayLike, n: int, mismatch: str) -> FloatArray:
    """``n`` rows of a count pmf: one pmf for all (broadcast, no copy) or one row each;
    another row count raises :class:`PropGenerationError` with ``mismatch``."""
    p = np.asarray(pmf, dtype=np.float64)
    rows = np.broadcast_to(p, (n, p.shape[-1])) if p.ndim == 1 else p
    if rows.shape[0] != n:
        raise PropGenerationError(mismatch)
    return rows


def _stats(stats: Iterable[str | Stat] | None, allowed: tuple[Stat, ...], who: str) -> list[Stat]:
    out = []
    for s in allowed if stats is None else stats:
        stat = parse_stat(s)
        if stat not in allowed:
            raise PropGenerationError(f"stat {stat.value!r} is not a {who} stat")
        out.append(stat)
    return out


def batter_pmfs(
    rates: npt.ArrayLike,
    *,
    slots: npt.ArrayLike | None = None,
    pa_pmf: npt.ArrayLike | None = None,
    stats: Iterable[str | Stat] | None = None,
) -> dict[Stat, FloatArray]:
    """Game pmfs for many batters at once: ``{stat: (n, K)}``.

    ``rates`` is ``(n, 8)`` per-PA matchup rates.  The PA count is given by ``slots`` (``(n,)``
    lineup slots 1..9, using :data:`SLOT_PA_TABLE`) or ``pa_pmf`` (``(n, N+1)`` or a shared
    ``(N+1,)``).  Stats default to :data:`BATTER_STATS`.  Per-PA increments: hits (1B+2B+3B+HR),
    singles, home runs, walks (BB only), batter strikeouts: Bernoulli; total bases: kernel
    ``(1-H, 1B, 2B, 3B, HR)`` on 0..4; hits+runs+RBIs: the approximation in ``docs/model.md``.
    """
    r = _check_rates(rates, "rates")
    if r.ndim != 2:
        raise PropGenerationError(f"rates must be (n, 8), got shape {r.shape}")
    n = r.shape[0]
    if (slots is None) == (pa_pmf is None):
        raise PropGenerationError("give exactly one of slots= or pa_pmf=")
    if slots is not None:
        s = np.asarray(slots, dtype=np.int64).reshape(-1)
        if s.shape[0] != n or np.any((s < 1) | (s > 9)):
            raise PropGenerationError("slots must be one lineup slot 1..9 per rates row")
        counts = _SLOT_PMFS[s - 1]
    else:
        assert pa_pmf is not None  # exactly one of the two was given (checked above)
        counts = pmf_rows(pa_pmf, n, "pa_pmf must have one row per rates row")
    wanted = _stats(stats, BATTER_STATS, "batter")
    out: dict[Stat, FloatArray] = {}
    bern = {
        Stat.HITS: r[:, : PACategory.HOME_RUN + 1].sum(axis=1),
        Stat.SINGLES: r[:, PACategory.SINGLE],
        Stat.HOME_RUNS: r[:, PACategory.HOME_RUN],
        Stat.WALKS: r[:, PACategory.WALK],
        Stat.BATTER_STRIKEOUTS: r[:, PACategory.STRIKEOUT],
    }
    bern_wanted = [s for s in wanted if s in bern]
    if bern_wanted:
        # One stacked DP for all Bernoulli families.
        p = np.concatenate([bern[s] for s in bern_wanted])
        stacked = poisson_binomial_mixture(p[:, None], np.tile(counts, (len(bern_wanted), 1)))
        for i, st in enumerate(bern_wanted):
            out[st] = stacked[i * n : (i + 1) * n]
    if Stat.TOTAL_BASES in wanted:
        kernel = np.empty((n, 5))
        kernel[:, 1:] = r[:, : PACategory.HOME_RUN + 1]
        kernel[:, 0] = 1.0 - kernel[:, 1:].sum(axis=1)
        out[Stat.TOTAL_BASES] = compound_pmf(kernel, counts)
    if Stat.HITS_RUNS_RBIS in wanted:
        out[Stat.HITS_RUNS_RBIS] = compound_pmf(r @ _HRR, counts)
    return {s: out[s] for s in wanted}


def batter_distribution(
    rates: npt.ArrayLike,
    stat: str | Stat,
    *,
    slot: int | None = None,
    pa_pmf: npt.ArrayLike | None = None,
) -> CountDistribution:
    """One batter's game distribution for ``stat`` (see :func:`batter_pmfs`)."""
    st = parse_stat(stat)
    if st not in BATTER_STATS:
        raise PropGenerationError(f"stat {st.value!r} is not a batter stat")
    r = np.asarray(rates, dtype=np.float64)[None, :]
    if slot is not None:
        pmfs = batter_pmfs(r, slots=[slot], stats=[st])
    else:
        pmfs = batter_pmfs(r, pa_pmf=pa_pmf, stats=[st])
    return CountDistribution(pmfs[st][0])

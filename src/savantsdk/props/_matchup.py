"""Per-PA outcome rates: categories, empirical-Bayes shrinkage, platoon regression, log5 matchup.

Every rate vector in :mod:`savantsdk.props` is a float64 array whose LAST axis has length 8, in
the fixed order of :class:`PACategory`: ``1B, 2B, 3B, HR, BB, HBP, K, OUT`` (OUT = out in play,
including sacrifices, fielder's choices and reached-on-error).  Leading axes are batch axes:
``(n, 8)`` holds ``n`` players or ``n`` batter-pitcher pairs.  Formulas and sources are in
``docs/model.md``.
"""

from __future__ import annotations

import enum
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

from ..exceptions import PropGenerationError
from ._arrays import FloatArray

__all__ = (
    "EXAMPLE_LEAGUE_RATES",
    "HITTER_STABILIZATION",
    "N_OUTCOMES",
    "PITCHER_STABILIZATION",
    "PLATOON_REGRESSION_PA",
    "PACategory",
    "matchup",
    "regress_platoon",
    "shrink",
)


class PACategory(enum.IntEnum):
    """Plate-appearance outcome categories; the value is the index on a rate vector's last axis."""

    SINGLE = 0
    DOUBLE = 1
    TRIPLE = 2
    HOME_RUN = 3
    WALK = 4
    HIT_BY_PITCH = 5
    STRIKEOUT = 6
    OUT_IN_PLAY = 7


N_OUTCOMES: Final = len(PACategory)

#: Approximate 2023 MLB per-PA rates (rounded season totals: K 22.7%, BB 8.6%, HBP 1.1%, HR 3.2%,
#: 2B 4.5%, 3B 0.4%, H/PA .221), in :class:`PACategory` order.  For examples, tests and benchmarks;
#: the engine uses league rates computed from the Statcast rows before the game date.
EXAMPLE_LEAGUE_RATES: Final[tuple[float, ...]] = (
    0.1406,
    0.0447,
    0.0038,
    0.0319,
    0.0860,
    0.0110,
    0.2270,
    0.4550,
)

#: Regression constants ``M`` (PA of league average added) for hitters, in :class:`PACategory`
#: order.
#: 1B..K: beta-binomial MLE on FanGraphs 2017-22 hitter-seasons (MODEL-research §1, computed on the
#: Probabilaball data set).  OUT has no published constant; it is the complement of the hit and
#: on-base events, so it takes H/PA's constant (397).
HITTER_STABILIZATION: Final[tuple[float, ...]] = (
    197.0,
    1189.0,
    634.0,
    157.0,
    107.0,
    256.0,
    53.0,
    397.0,
)

#: Regression constants ``M`` (batters faced) for pitchers, in :class:`PACategory` order.  HR, BB,
#: HBP, K and OUT (= H/TBF's 415) are beta-binomial MLEs (MODEL-research §1); 1B (670) and 2B/3B
#: (XBH, 1450) have no MLE and take Carleton's split-half stabilisation points, which are the same
#: quantity (reliability 0.5 at n = M).
PITCHER_STABILIZATION: Final[tuple[float, ...]] = (
    670.0,
    1450.0,
    1450.0,
    943.0,
    259.0,
    766.0,
    78.0,
    415.0,
)

#: The Book's platoon-split regression: PA vs LHP of league-average split added (FanGraphs,
#: "Estimating Hitter Platoon Skill").
PLATOON_REGRESSION_PA: Final[dict[str, float]] = {"L": 1000.0, "R": 2200.0}


def _as_rates(name: str, value: npt.ArrayLike, *, positive: bool = False) -> FloatArray:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0 or arr.shape[-1] != N_OUTCOMES:
        raise PropGenerationError(
            f"{name} must have {N_OUTCOMES} outcome rates on its last axis "
            f"(1B, 2B, 3B, HR, BB, HBP, K, OUT), got shape {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        raise PropGenerationError(f"{name} contains a non-finite rate")
    if positive and not np.all(arr > 0.0):
        raise PropGenerationError(f"{name} must be strictly positive in every outcome")
    if not positive and not np.all(arr >= 0.0):
        raise PropGenerationError(f"{name} contains a negative rate")
    return arr


def _normalise(rates: FloatArray) -> FloatArray:
    total = rates.sum(axis=-1, keepdims=True)
    if not np.all(total > 0.0):
        raise PropGenerationError("a rate vector sums to zero")
    out: FloatArray = rates / total
    return out


def shrink(
    counts: npt.ArrayLike,
    n: npt.ArrayLike,
    league_rates: npt.ArrayLike,
    m: npt.ArrayLike = HITTER_STABILIZATION,
) -> FloatArray:
    """Empirical-Bayes rates ``(x_k + M_k mu_k) / (n + M_k)``, renormalised to sum to 1.

    ``counts`` is ``(..., 8)`` outcome counts, ``n`` the PA (or BF) per row (``...``), usually
    ``counts.sum(-1)``; ``league_rates`` the prior mean ``mu`` (broadcastable to ``counts``);
    ``m`` the per-outcome regression constants (:data:`HITTER_STABILIZATION` or
    :data:`PITCHER_STABILIZATION`, or a scalar).  Because each outcome has its own ``M`` the
    shrunk components do not sum to exactly 1; they are divided by their sum (a change of a few
    parts in a thousand).  A row with ``n = 0`` returns the league rates.
    """
    x = _as_rates("counts", counts)
    mu = _normalise(_as_rates("league_rates", league_rates, positive=True))
    n_arr = np.asarray(n, dtype=np.float64)[..., None]
    m_arr = np.broadcast_to(np.asarray(m, dtype=np.float64), (N_OUTCOMES,))
    if not np.all(m_arr > 0.0):
        raise PropGenerationError("regression constants M must be > 0")
    if not np.all(n_arr >= 0.0):
        raise PropGenerationError("n (plate appearances) must be >= 0")
    return _normalise((x + m_arr * mu) / (n_arr + m_arr))


def regress_platoon(
    vs_lhp: npt.ArrayLike,
    vs_rhp: npt.ArrayLike,
    *,
    pa_vs_lhp: npt.ArrayLike,
    pa_vs_rhp: npt.ArrayLike,
    league_vs_lhp: npt.ArrayLike,
    league_vs_rhp: npt.ArrayLike,
    bats: Literal["L", "R"],
    regression_pa: float | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Regress a hitter's platoon split toward the league split; return ``(vs_lhp, vs_rhp)``.

    Per outcome ``k`` the split is the log ratio ``s_k = log(r_k^L / r_k^R)``.  The observed split
    is regressed toward the league's with weight ``w = n_L / (n_L + M)`` (``n_L`` = PA vs LHP,
    ``M`` = 1000 for LHB, 2200 for RHB, The Book): ``s = w s_obs + (1 - w) s_lg``.  The hitter's
    overall level ``r = f_L r^L + f_R r^R`` (``f`` his own PA shares) is kept, so
    ``r^R = r / (f_L e^s + f_R)``, ``r^L = e^s r^R``, each then renormalised.  The per-side input
    rates must be positive (shrink each side first, e.g. with :func:`shrink`).
    """
    if bats not in PLATOON_REGRESSION_PA:
        raise PropGenerationError(f"bats must be 'L' or 'R', got {bats!r}")
    big_m = PLATOON_REGRESSION_PA[bats] if regression_pa is None else float(regression_pa)
    r_l = _as_rates("vs_lhp", vs_lhp, positive=True)
    r_r = _as_rates("vs_rhp", vs_rhp, positive=True)
    lg_l = _as_rates("league_vs_lhp", league_vs_lhp, positive=True)
    lg_r = _as_rates("league_vs_rhp", league_vs_rhp, positive=True)
    n_l = np.asarray(pa_vs_lhp, dtype=np.float64)[..., None]
    n_r = np.asarray(pa_vs_rhp, dtype=np.float64)[..., None]
    if not (np.all(n_l >= 0.0) and np.all(n_r >= 0.0)):
        raise PropGenerationError("platoon PA counts must be >= 0")
    w = n_l / (n_l + big_m)
    split = w * np.log(r_l / r_r) + (1.0 - w) * np.log(lg_l / lg_r)
    total = n_l + n_r
    f_l = np.where(total > 0.0, n_l / np.where(total > 0.0, total, 1.0), 0.5)
    level = f_l * r_l + (1.0 - f_l) * r_r
    ratio = np.exp(split)
    new_r = level / (f_l * ratio + (1.0 - f_l))
    new_l = ratio * new_r
    return _normalise(new_l), _normalise(new_r)


def matchup(
    batter_rates: npt.ArrayLike,
    pitcher_rates: npt.ArrayLike,
    league_rates: npt.ArrayLike,
    *,
    park: npt.ArrayLike | None = None,
    batter_weight: float = 1.0,
    pitcher_weight: float = 1.0,
) -> FloatArray:
    """Multinomial odds-ratio (log5) matchup rates, batched over leading axes.

    ``P(k) = l_k (b_k/l_k)^a (p_k/l_k)^c f_k / sum_j (...)`` (Haechrel, SABR BRJ 2014;
    ``a = c = 1`` is the classic ``b_k p_k / l_k`` form).  ``park`` is a per-outcome multiplier
    (1.0 = neutral; a full, un-halved park effect, i.e. ``index / 100``).  All inputs broadcast:
    ``(n, 8)`` batters against ``(n, 8)`` pitchers, or ``(9, 8)`` lineup against ``(8,)`` one
    pitcher.  ``league_rates`` must be strictly positive.
    """
    b = _as_rates("batter_rates", batter_rates)
    p = _as_rates("pitcher_rates", pitcher_rates)
    lg = _as_rates("league_rates", league_rates, positive=True)
    if batter_weight == 1.0 and pitcher_weight == 1.0:
        score = b * p / lg
    else:
        score = lg * (b / lg) ** batter_weight * (p / lg) ** pitcher_weight
    if park is not None:
        score = score * _as_rates("park", park, positive=True)
    return _normalise(score)

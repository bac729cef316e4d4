"""Per-PA outcome rates from Statcast history: the pluggable :class:`RateModel` seam and models.

A rate model is fitted on the plate appearances strictly before a date and answers, batched,
"what are the per-PA outcome rates of batter ``b`` against pitcher ``p``" (log5 matchup,
handedness included).  Pitcher id ``0`` (:data:`BULLPEN`) stands for the opposing bullpen.

Models (registered by name, see :func:`get_rate_model`):

* ``default`` -- :class:`ShrinkageRateModel`: empirical-Bayes shrinkage per outcome toward a
  recency-weighted league, handedness splits regressed toward the league platoon split.
* ``league`` -- :class:`LeagueModel`: league-average rates for everyone (a baseline).
* ``naive`` -- :class:`NaiveModel`: each player's raw, unshrunk rates to date (a baseline).

Formulas, tuned constants and backtest evidence are in ``docs/model.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Final, Literal, Protocol, runtime_checkable

import attrs
import numpy as np
import numpy.typing as npt

from ..exceptions import PropGenerationError
from ..sources import PAOutcome, PlateAppearances
from ._arrays import BoolArray, FloatArray, IntArray
from ._matchup import (
    HITTER_STABILIZATION,
    N_OUTCOMES,
    PITCHER_STABILIZATION,
    PACategory,
    matchup,
    regress_platoon,
    shrink,
)

__all__ = (
    "BULLPEN",
    "CountsPrior",
    "RATE_MODELS",
    "FittedRates",
    "LeagueModel",
    "NaiveModel",
    "PlayerPrior",
    "RateModel",
    "RateTable",
    "ShrinkageRateModel",
    "get_rate_model",
    "outcome_index",
    "register_rate_model",
)


#: Pitcher id meaning "the opposing bullpen" in :meth:`FittedRates.matchup_rates`.
BULLPEN: Final = 0

_HANDS: Final = ("L", "R")

#: :class:`PAOutcome` code -> :class:`PACategory` index; -1 drops the PA from rate estimation
#: (intentional walks, catcher's interference and unknown events).
_OUTCOME_MAP: Final = np.array(
    [
        PACategory.SINGLE,
        PACategory.DOUBLE,
        PACategory.TRIPLE,
        PACategory.HOME_RUN,
        PACategory.WALK,
        -1,  # INTENT_WALK
        PACategory.HIT_BY_PITCH,
        PACategory.STRIKEOUT,
        PACategory.OUT_IN_PLAY,
        -1,  # OTHER
    ],
    dtype=np.int64,
)
assert len(_OUTCOME_MAP) == len(PAOutcome)


def outcome_index(codes: npt.ArrayLike) -> IntArray:
    """Map :class:`~savantsdk.sources.PAOutcome` codes to :class:`PACategory` indices (-1: not
    used for rates: intentional walks, catcher's interference, unknown events)."""
    out: IntArray = _OUTCOME_MAP[np.asarray(codes, dtype=np.int64)]
    return out


# --------------------------------------------------------------------------------------------
# Protocols


@runtime_checkable
class FittedRates(Protocol):
    """Rates fitted on a history, answering batched matchup queries."""

    @property
    def model_name(self) -> str: ...

    @property
    def model_version(self) -> str: ...

    @property
    def as_of(self) -> dt.date: ...

    @property
    def league(self) -> FloatArray:
        """League per-PA rates ``(8,)`` the model uses as the baseline."""
        ...

    def matchup_rates(
        self,
        batters: npt.ArrayLike,
        pitchers: npt.ArrayLike,
        *,
        throws: npt.ArrayLike | None = None,
    ) -> FloatArray:
        """``(n, 8)`` per-PA outcome rates of ``batters[i]`` against ``pitchers[i]`` (MLBAM
        ids; pitcher :data:`BULLPEN` = the opposing bullpen).  ``throws`` optionally gives each
        pitcher's hand (``"L"``/``"R"``/``""`` unknown) when the caller knows it."""
        ...

    def history_pa(self, ids: npt.ArrayLike, *, role: Literal["batter", "pitcher"]) -> IntArray:
        """PAs (batters) or BF (pitchers) of each id in the fitted history; 0 means the
        player was given league rates (``league_only``)."""
        ...


@runtime_checkable
class RateModel(Protocol):
    """A per-PA rate model: ``fit`` sees only PAs strictly before ``as_of``.

    Implement this to plug your own model (gradient boosting, a neural net, ...) into the prop
    generator and the backtest; ``name`` and ``version`` are recorded on every ``Prop``.
    """

    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str: ...

    def fit(self, history: PlateAppearances, as_of: dt.date) -> FittedRates: ...


@runtime_checkable
class PlayerPrior(Protocol):
    """Extension point: per-player prior means for the default model.

    ``prior_rates(ids, role)`` returns ``(rates (n, 8), weight (n,))``: a prior mean per
    player (rows sum to 1) and how much it counts, as a fraction in ``[0, 1]`` of the move from
    the league rate to it (0: no prior).  Built e.g. from a previous season's plate appearances
    (:meth:`ShrinkageRateModel.prior_from_history`) or from Savant expected-stats leaderboards.
    """

    def prior_rates(
        self, ids: IntArray, role: Literal["batter", "pitcher"]
    ) -> tuple[FloatArray, FloatArray]: ...

    def known_ids(self, role: Literal["batter", "pitcher"]) -> IntArray:
        """Ids the prior knows (so players without current history still get their prior)."""
        ...


# --------------------------------------------------------------------------------------------
# the fitted table shared by the built-in models


def _lookup(sorted_ids: IntArray, ids: IntArray) -> IntArray:
    """Row of each id in ``sorted_ids``; ``len(sorted_ids)`` (the league row) if absent."""
    n = sorted_ids.size
    if n == 0:
        return np.zeros(ids.shape, dtype=np.int64)
    pos = np.searchsorted(sorted_ids, ids)
    pos_c = np.minimum(pos, n - 1)
    found = sorted_ids[pos_c] == ids
    return np.where(found, pos_c, n).astype(np.int64)


@attrs.frozen(eq=False)
class RateTable:
    """Fitted rates of the built-in models (implements :class:`FittedRates`).

    Arrays carry one extra last row for unknown players (league rates).  Hand axes: index 0 =
    left, 1 = right.  ``batter_rates[i, h]`` are batter ``i``'s rates against pitchers
    throwing ``h``; ``batter_side[i, h]`` the side he bats from against them (0 L / 1 R);
    ``pitcher_rates[j, s]`` pitcher ``j``'s rates against batters standing ``s``;
    ``league_grid[s, h]`` league rates of batters standing ``s`` against pitchers throwing
    ``h``; ``bullpen_grid[s, h]`` the relievers' rates; ``bullpen_left_share`` the share of
    relief BF thrown left-handed.
    """

    model_name: str
    model_version: str
    as_of: dt.date
    league: FloatArray
    league_grid: FloatArray
    bullpen_grid: FloatArray
    bullpen_left_share: float
    batter_ids: IntArray
    batter_rates: FloatArray
    batter_side: IntArray
    batter_pa: IntArray
    pitcher_ids: IntArray
    pitcher_rates: FloatArray
    pitcher_hand: IntArray
    pitcher_bf: IntArray
    batter_weight: float = 1.0
    pitcher_weight: float = 1.0

    def matchup_rates(
        self,
        batters: npt.ArrayLike,
        pitchers: npt.ArrayLike,
        *,
        throws: npt.ArrayLike | None = None,
    ) -> FloatArray:
        b_ids = np.atleast_1d(np.asarray(batters, dtype=np.int64))
        p_ids = np.atleast_1d(np.asarray(pitchers, dtype=np.int64))
        if b_ids.shape != p_ids.shape:
            raise PropGenerationError("batters and pitchers must have the same length")
        bi = _lookup(self.batter_ids, b_ids)
        pj = _lookup(self.pitcher_ids, p_ids)
        hand = self.pitcher_hand[pj].copy()
        if throws is not None:
            t = np.atleast_1d(np.asarray(throws, dtype=str))
            hand = np.where(t == "L", 0, np.where(t == "R", 1, hand))
        pen = p_ids == BULLPEN
        out = np.empty((b_ids.size, N_OUTCOMES))
        starters = ~pen
        if np.any(starters):
            h = hand[starters]
            b_i = bi[starters]
            side = self.batter_side[b_i, h]
            out[starters] = matchup(
                self.batter_rates[b_i, h],
                self.pitcher_rates[pj[starters], side],
                self.league_grid[side, h],
                batter_weight=self.batter_weight,
                pitcher_weight=self.pitcher_weight,
            )
        if np.any(pen):
            b_i = bi[pen]
            mix = np.zeros((b_i.size, N_OUTCOMES))
            for h, share in ((0, self.bullpen_left_share), (1, 1.0 - self.bullpen_left_share)):
                side = self.batter_side[b_i, h]
                mix += share * matchup(
                    self.batter_rates[b_i, h],
                    self.bullpen_grid[side, h],
                    self.league_grid[side, h],
                    batter_weight=self.batter_weight,
                )
            out[pen] = mix
        return out

    def history_pa(self, ids: npt.ArrayLike, *, role: Literal["batter", "pitcher"]) -> IntArray:
        arr = np.atleast_1d(np.asarray(ids, dtype=np.int64))
        if role == "batter":
            out: IntArray = self.batter_pa[_lookup(self.batter_ids, arr)]
        else:
            out = self.pitcher_bf[_lookup(self.pitcher_ids, arr)]
        return out


# --------------------------------------------------------------------------------------------
# aggregation helpers


@attrs.frozen(eq=False)
class _History:
    """The rate-relevant columns of a history, filtered to usable PAs."""

    batter: IntArray
    pitcher: IntArray
    stand: IntArray  # 0 L, 1 R
    throws: IntArray  # 0 L, 1 R
    outcome: IntArray  # PACategory index
    age_days: FloatArray
    relief: BoolArray


def _prepare(history: PlateAppearances, as_of: dt.date) -> _History:
    pas = history.before(as_of)  # never look at the day itself, whatever the caller passed
    oc = outcome_index(pas.outcome)
    keep = oc >= 0
    day = np.datetime64(as_of, "D")
    age = (day - pas.game_date).astype("timedelta64[D]").astype(np.float64)
    # Starter of each (game, half) = pitcher of its first PA; every other pitcher is relief.
    relief = np.ones(len(pas), dtype=bool)
    if len(pas):
        key = pas.game_pk * 2 + pas.is_top.astype(np.int64)
        order = np.lexsort((pas.at_bat_number, key))
        first = np.ones(order.size, dtype=bool)
        first[1:] = key[order][1:] != key[order][:-1]
        starter_of = {
            int(k): int(p)
            for k, p in zip(
                key[order][first].tolist(), pas.pitcher[order][first].tolist(), strict=True
            )
        }
        st = np.array([starter_of[int(k)] for k in key.tolist()], dtype=np.int64)
        relief = pas.pitcher != st
    return _History(
        batter=pas.batter[keep],
        pitcher=pas.pitcher[keep],
        stand=(pas.stand[keep] != "L").astype(np.int64),
        throws=(pas.p_throws[keep] != "L").astype(np.int64),
        outcome=oc[keep],
        age_days=age[keep],
        relief=relief[keep],
    )


def _weights(age_days: FloatArray, half_life_days: float | None) -> FloatArray:
    if half_life_days is None:
        return np.ones_like(age_days)
    return np.power(0.5, age_days / half_life_days)


def _grid(h: _History, w: FloatArray, mask: BoolArray | None = None) -> FloatArray:
    """``(2, 2, 8)`` counts by (stand, throws, outcome)."""
    idx = (h.stand * 2 + h.throws) * N_OUTCOMES + h.outcome
    ww = w if mask is None else np.where(mask, w, 0.0)
    out: FloatArray = np.bincount(idx, weights=ww, minlength=4 * N_OUTCOMES).astype(np.float64)
    return out.reshape(2, 2, N_OUTCOMES)


def _rates_from_counts(counts: FloatArray, fallback: FloatArray) -> FloatArray:
    tot = counts.sum(axis=-1, keepdims=True)
    safe = np.where(tot > 0, tot, 1.0)
    out: FloatArray = np.where(tot > 0, counts / safe, fallback)
    return out


def _floor_rates(r: FloatArray, floor: float = 1e-6) -> FloatArray:
    out = np.maximum(r, floor)
    res: FloatArray = out / out.sum(axis=-1, keepdims=True)
    return res


def _player_counts(
    ids: IntArray, hand: IntArray, outcome: IntArray, w: FloatArray
) -> tuple[IntArray, FloatArray, IntArray]:
    """Unique ids, ``(n, 2, 8)`` weighted counts by opposing hand, unweighted PA per id."""
    uniq, inv = np.unique(ids, return_inverse=True)
    idx = (inv * 2 + hand) * N_OUTCOMES + outcome
    counts: FloatArray = np.bincount(idx, weights=w, minlength=uniq.size * 2 * N_OUTCOMES).astype(
        np.float64
    )
    pa = np.bincount(inv, minlength=uniq.size).astype(np.int64)
    return uniq.astype(np.int64), counts.reshape(uniq.size, 2, N_OUTCOMES), pa


def _sides(ids: IntArray, uniq: IntArray, own: IntArray, opp: IntArray) -> IntArray:
    """``(n+1, 2)``: the side a batter uses against each pitcher hand (majority of his PAs;
    a switch hitter seen only against one hand bats opposite the other; unknown: right)."""
    inv = np.searchsorted(uniq, ids)
    cnt = np.bincount((inv * 2 + opp) * 2 + own, minlength=uniq.size * 4).reshape(-1, 2, 2)
    seen = cnt.sum(axis=2) > 0  # (n, hand)
    side = (cnt[:, :, 1] >= cnt[:, :, 0]).astype(np.int64)  # majority, ties right
    both = (cnt.sum(axis=1) > 0).all(axis=1)  # batted from both sides
    for h in (0, 1):
        other = 1 - h
        unseen = ~seen[:, h]
        fill = np.where(both, 1 - h, side[:, other])  # switch: opposite the pitcher's hand
        side[:, h] = np.where(unseen & seen[:, other], fill, side[:, h])
        side[:, h] = np.where(unseen & ~seen[:, other], 1, side[:, h])
    return np.vstack([side, np.ones((1, 2), dtype=np.int64)])


def _hands(ids: IntArray, uniq: IntArray, hand: IntArray) -> IntArray:
    inv = np.searchsorted(uniq, ids)
    cnt = np.bincount(inv * 2 + hand, minlength=uniq.size * 2).reshape(-1, 2)
    out = (cnt[:, 1] >= cnt[:, 0]).astype(np.int64)
    return np.concatenate([out, [1]])


def _league_parts(
    h: _History, half_life_days: float | None, fallback: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, float]:
    w = _weights(h.age_days, half_life_days)
    grid_c = _grid(h, w)
    total = grid_c.sum(axis=(0, 1))
    league = _rates_from_counts(total, fallback)
    league_grid = _floor_rates(_rates_from_counts(grid_c, league))
    pen_c = _grid(h, w, h.relief)
    bullpen_grid = _floor_rates(_rates_from_counts(pen_c, league_grid))
    pen_bf = pen_c.sum(axis=(0, 2))
    left = float(pen_bf[0] / pen_bf.sum()) if pen_bf.sum() > 0 else 0.3
    return _floor_rates(league), league_grid, bullpen_grid, left


def _starter_grid(h: _History, half_life_days: float | None, fallback: FloatArray) -> FloatArray:
    """``(2, 2, 8)`` league rates of starting pitchers (they walk and strike out fewer)."""
    w = _weights(h.age_days, half_life_days)
    return _floor_rates(_rates_from_counts(_grid(h, w, ~h.relief), fallback))


def _drift_factors(h: _History, league_now: FloatArray, half_width_days: float) -> FloatArray:
    """Per-PA weight ``L_now[k] / L_then[k]``: a PA's outcome ``k`` re-expressed in today's
    league environment, ``L_then`` the league rates around that PA's day (two-sided
    exponential kernel of half-life ``half_width_days`` over the history's days)."""
    if h.outcome.size == 0:
        return np.ones(0)
    day = h.age_days.astype(np.int64)
    n_days = int(day.max()) + 1
    counts = np.bincount(day * N_OUTCOMES + h.outcome, minlength=n_days * N_OUTCOMES)
    counts = counts.reshape(n_days, N_OUTCOMES).astype(np.float64)
    dist = np.abs(np.arange(n_days)[:, None] - np.arange(n_days)[None, :])
    kernel = np.power(0.5, dist / half_width_days)
    smooth = kernel @ counts
    then = _floor_rates(_rates_from_counts(smooth, league_now))
    factor: FloatArray = league_now[h.outcome] / then[day, h.outcome]
    return factor


# --------------------------------------------------------------------------------------------
# models


_FALLBACK_LEAGUE: Final = np.array(
    [0.1406, 0.0447, 0.0038, 0.0319, 0.0860, 0.0110, 0.2270, 0.4550], dtype=np.float64
)


@attrs.frozen
class ShrinkageRateModel:
    """The default model (``name="default"``).

    For each player and outcome ``k`` (counts weighted by recency with ``player_half_life_days``):

    1. league rates ``mu`` from the history weighted by ``0.5 ** (age / league_half_life_days)``
       (in-season drift), by batter side and pitcher hand;
    2. overall rate ``r_k = (x_k + M_k m_k) / (n + M_k)`` (:func:`shrink`), ``M`` =
       stabilisation constants times ``hitter_m_scale`` / ``pitcher_m_scale``, ``m`` = the
       league rate at the player's own hand mix, or the :class:`PlayerPrior` blend;
    3. per opposing hand: side rates smoothed toward ``r`` (``M_k`` pseudo-PA), then
       :func:`regress_platoon` toward the league split (hitters 1000 PA L / 2200 PA R, The
       Book, times ``platoon_m_scale``; pitchers ``pitcher_platoon_bf``).

    ``drift_window_days``: each PA's outcome is re-weighted by ``L_now[k] / L_then[k]`` (league
    rates now vs around that day), None to disable.  ``role_prior``: outcomes whose pitcher
    prior mean is the league of his role (starters / relievers) instead of all pitchers.
    ``batter_weight`` / ``pitcher_weight``: the log5 exponents of :func:`matchup`.  Defaults
    were tuned on 2024-03-28 .. 2024-04-30 (``docs/model.md`` §12).
    """

    name: str = "default"
    version: str = "1.0"
    league_half_life_days: float | None = 21.0
    player_half_life_days: float | None = None
    hitter_m_scale: float = 2.0
    pitcher_m_scale: float = 2.0
    hitter_m: tuple[float, ...] = HITTER_STABILIZATION
    pitcher_m: tuple[float, ...] = PITCHER_STABILIZATION
    pitcher_platoon_bf: float = 2000.0
    platoon_m_scale: float = 1.0
    drift_window_days: float | None = 7.0
    role_prior: tuple[int, ...] = ()
    batter_weight: float = 1.0
    pitcher_weight: float = 1.0
    prior: PlayerPrior | None = None

    def fit(self, history: PlateAppearances, as_of: dt.date) -> RateTable:
        h = _prepare(history, as_of)
        league, league_grid, bullpen_grid, left = _league_parts(
            h, self.league_half_life_days, _FALLBACK_LEAGUE
        )
        w = _weights(h.age_days, self.player_half_life_days)
        if self.drift_window_days is not None:
            w = w * _drift_factors(h, league, self.drift_window_days)
        hm = np.asarray(self.hitter_m, dtype=np.float64) * self.hitter_m_scale
        pm = np.asarray(self.pitcher_m, dtype=np.float64) * self.pitcher_m_scale

        # batters: rows by pitcher hand; league reference at the side used against that hand.
        b_ids, b_counts, b_pa = _player_counts(h.batter, h.throws, h.outcome, w)
        b_side = _sides(h.batter, b_ids, h.stand, h.throws)
        if self.prior is not None:
            b_ids, b_counts, b_pa, b_side = _with_prior_ids(
                self.prior.known_ids("batter"), b_ids, b_counts, b_pa, b_side
            )
        b_lg = league_grid[b_side[:-1], np.array([0, 1])]  # (n, 2, 8)
        # The Book: 1000 PA for hitters batting left against RHP, 2200 for right.
        b_platoon = np.where(b_side[:-1, 1] == 0, 1000.0, 2200.0) * self.platoon_m_scale
        b_rates = self._player_rates(
            ids=b_ids, counts=b_counts, lg=b_lg, m=hm, role="batter", platoon_m=b_platoon
        )
        b_all = np.vstack([b_rates, league_grid[b_side[-1], np.array([0, 1])][None]])

        # pitchers: rows by batter side.
        p_ids, p_counts, p_bf = _player_counts(h.pitcher, h.stand, h.outcome, w)
        p_hand = _hands(h.pitcher, p_ids, h.throws)
        if self.prior is not None:
            p_ids, p_counts, p_bf, hand2 = _with_prior_ids(
                self.prior.known_ids("pitcher"), p_ids, p_counts, p_bf, p_hand[:, None]
            )
            p_hand = hand2[:, 0]
        # Prior by role: a starter's league is the starters', a reliever's the relievers'.
        start_grid = _starter_grid(h, self.league_half_life_days, league_grid)
        inv = np.searchsorted(p_ids, h.pitcher)
        relief = np.bincount(inv, weights=h.relief.astype(np.float64), minlength=p_ids.size)
        r_share = (relief / np.maximum(p_bf, 1))[:, None, None]
        role_cols = np.zeros(N_OUTCOMES, dtype=bool)
        role_cols[list(self.role_prior)] = True
        # outcomes outside role_prior keep the all-pitcher league as the prior mean
        start_grid = _floor_rates(np.where(role_cols, start_grid, league_grid))
        pen_prior = _floor_rates(np.where(role_cols, bullpen_grid, league_grid))
        stands = np.array([0, 1])[None, :]
        p_lg = (1.0 - r_share) * start_grid[stands, p_hand[:-1, None]] + r_share * pen_prior[
            stands, p_hand[:-1, None]
        ]  # (n, 2, 8)
        p_rates = self._player_rates(
            ids=p_ids,
            counts=p_counts,
            lg=p_lg,
            m=pm,
            role="pitcher",
            platoon_m=np.full(p_ids.size, self.pitcher_platoon_bf),
        )
        p_all = np.vstack([p_rates, start_grid[np.array([0, 1]), 1][None]])
        return RateTable(
            model_name=self.name,
            model_version=self.version,
            as_of=as_of,
            league=league,
            league_grid=league_grid,
            bullpen_grid=bullpen_grid,
            bullpen_left_share=left,
            batter_ids=b_ids,
            batter_rates=b_all,
            batter_side=b_side,
            batter_pa=np.concatenate([b_pa, [0]]),
            pitcher_ids=p_ids,
            pitcher_rates=p_all,
            pitcher_hand=p_hand,
            pitcher_bf=np.concatenate([p_bf, [0]]),
            batter_weight=self.batter_weight,
            pitcher_weight=self.pitcher_weight,
        )

    def _player_rates(
        self,
        *,
        ids: IntArray,
        counts: FloatArray,
        lg: FloatArray,
        m: FloatArray,
        role: Literal["batter", "pitcher"],
        platoon_m: FloatArray,
    ) -> FloatArray:
        """``(n, 2, 8)`` shrunk, platoon-regressed rates from ``(n, 2, 8)`` counts."""
        if ids.size == 0:
            return np.zeros((0, 2, N_OUTCOMES))
        n_side = counts.sum(axis=2)  # (n, 2)
        n_all = n_side.sum(axis=1)
        share = np.where(n_all[:, None] > 0, n_side / np.maximum(n_all, 1e-12)[:, None], 0.5)
        mu = (share[:, :, None] * lg).sum(axis=1)
        if self.prior is not None:
            p_rates, p_w = self.prior.prior_rates(ids, role)
            wgt = np.clip(np.asarray(p_w, dtype=np.float64), 0.0, 1.0)[:, None]
            mu = _floor_rates((1.0 - wgt) * mu + wgt * np.asarray(p_rates, dtype=np.float64))
        overall = shrink(counts.sum(axis=1), n_all, mu, m)
        side_l = shrink(counts[:, 0], n_side[:, 0], overall, m)
        side_r = shrink(counts[:, 1], n_side[:, 1], overall, m)
        out = np.empty((ids.size, 2, N_OUTCOMES))
        for big_m in np.unique(platoon_m).tolist():
            mask = platoon_m == big_m
            vs_l, vs_r = regress_platoon(
                side_l[mask],
                side_r[mask],
                pa_vs_lhp=n_side[mask, 0],
                pa_vs_rhp=n_side[mask, 1],
                league_vs_lhp=lg[mask, 0],
                league_vs_rhp=lg[mask, 1],
                bats="R",
                regression_pa=float(big_m),
            )
            out[mask, 0] = vs_l
            out[mask, 1] = vs_r
        return out

    @staticmethod
    def prior_from_history(
        history: PlateAppearances, *, weight: float = 0.5, as_of: dt.date | None = None
    ) -> CountsPrior:
        """A :class:`PlayerPrior` from another history (e.g. the previous season): each
        player's shrunk overall rates there, counting ``weight * n / (n + M_K)``."""
        day = as_of or (_last_day(history) + dt.timedelta(days=1))
        table = ShrinkageRateModel(league_half_life_days=None).fit(history, day)
        return CountsPrior(table=table, weight=weight)


def _with_prior_ids(
    extra: IntArray, ids: IntArray, counts: FloatArray, pa: IntArray, side: IntArray
) -> tuple[IntArray, FloatArray, IntArray, IntArray]:
    """Add the prior's ids without current history (zero counts, default hand), re-sorted.
    ``side`` has the extra league row last; it is kept last."""
    new = np.setdiff1d(np.asarray(extra, dtype=np.int64), ids)
    if new.size == 0:
        return ids, counts, pa, side
    all_ids = np.concatenate([ids, new])
    order = np.argsort(all_ids, kind="stable")
    all_counts = np.concatenate([counts, np.zeros((new.size, *counts.shape[1:]))])[order]
    all_pa = np.concatenate([pa, np.zeros(new.size, dtype=np.int64)])[order]
    default = np.ones((new.size, *side.shape[1:]), dtype=np.int64)
    all_side = np.concatenate([side[:-1], default])[order]
    return all_ids[order], all_counts, all_pa, np.concatenate([all_side, side[-1:]])


def _last_day(pas: PlateAppearances) -> dt.date:
    if len(pas) == 0:
        raise PropGenerationError("a prior history has no plate appearances")
    last = pas.game_date.max().astype("datetime64[D]").astype(np.int64)
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(last))


@attrs.frozen(eq=False)
class CountsPrior:
    """:class:`PlayerPrior` from a fitted :class:`RateTable` (see
    :meth:`ShrinkageRateModel.prior_from_history`): prior mean = the player's hand-averaged
    rates there; weight = ``weight * n / (n + M_K)`` (``M_K`` the K constant)."""

    table: RateTable
    weight: float = 0.5

    def prior_rates(
        self, ids: IntArray, role: Literal["batter", "pitcher"]
    ) -> tuple[FloatArray, FloatArray]:
        arr = np.asarray(ids, dtype=np.int64)
        if role == "batter":
            rows = self.table.batter_rates[_lookup(self.table.batter_ids, arr)]
            m_k = HITTER_STABILIZATION[PACategory.STRIKEOUT]
        else:
            rows = self.table.pitcher_rates[_lookup(self.table.pitcher_ids, arr)]
            m_k = PITCHER_STABILIZATION[PACategory.STRIKEOUT]
        n = self.table.history_pa(arr, role=role).astype(np.float64)
        rates = _floor_rates(0.3 * rows[:, 0] + 0.7 * rows[:, 1])
        return rates, self.weight * n / (n + m_k)

    def known_ids(self, role: Literal["batter", "pitcher"]) -> IntArray:
        return self.table.batter_ids if role == "batter" else self.table.pitcher_ids


def _league_table(
    name: str,
    version: str,
    as_of: dt.date,
    *,
    league: FloatArray,
    batter: tuple[IntArray, FloatArray, IntArray] | None = None,
    pitcher: tuple[IntArray, FloatArray, IntArray] | None = None,
    bullpen: FloatArray | None = None,
) -> RateTable:
    """A table whose league grid is flat (no platoon): ``(ids, (n, 8) rates, pa)``."""
    grid = np.broadcast_to(league, (2, 2, N_OUTCOMES)).copy()
    b_ids, b_r, b_pa = batter or (
        np.zeros(0, np.int64),
        np.zeros((0, N_OUTCOMES)),
        np.zeros(0, np.int64),
    )
    p_ids, p_r, p_bf = pitcher or (
        np.zeros(0, np.int64),
        np.zeros((0, N_OUTCOMES)),
        np.zeros(0, np.int64),
    )
    b_rates = np.repeat(np.vstack([b_r, league[None]])[:, None, :], 2, axis=1)
    p_rates = np.repeat(np.vstack([p_r, league[None]])[:, None, :], 2, axis=1)
    return RateTable(
        model_name=name,
        model_version=version,
        as_of=as_of,
        league=league,
        league_grid=grid,
        bullpen_grid=grid if bullpen is None else bullpen,
        bullpen_left_share=0.3,
        batter_ids=b_ids,
        batter_rates=b_rates,
        batter_side=np.ones((b_ids.size + 1, 2), dtype=np.int64),
        batter_pa=np.concatenate([b_pa, [0]]).astype(np.int64),
        pitcher_ids=p_ids,
        pitcher_rates=p_rates,
        pitcher_hand=np.ones(p_ids.size + 1, dtype=np.int64),
        pitcher_bf=np.concatenate([p_bf, [0]]).astype(np.int64),
    )


@attrs.frozen
class LeagueModel:
    """Baseline ``league``: the plain (unweighted) league rates of the history for every batter,
    pitcher and the bullpen; no handedness.  Every player is ``league_only``."""

    name: str = "league"
    version: str = "1.0"

    def fit(self, history: PlateAppearances, as_of: dt.date) -> RateTable:
        h = _prepare(history, as_of)
        counts = np.bincount(h.outcome, minlength=N_OUTCOMES).astype(np.float64)
        league = _floor_rates(_rates_from_counts(counts, _FALLBACK_LEAGUE))
        return _league_table(self.name, self.version, as_of, league=league)


@attrs.frozen
class NaiveModel:
    """Baseline ``naive``: each player's raw per-PA rates to date (no shrinkage, no
    handedness), log5 against the plain league; players without history and the bullpen get
    league rates.  Zero counts get a 1e-6 floor (so a log5 product never vanishes)."""

    name: str = "naive"
    version: str = "1.0"

    def fit(self, history: PlateAppearances, as_of: dt.date) -> RateTable:
        h = _prepare(history, as_of)
        counts = np.bincount(h.outcome, minlength=N_OUTCOMES).astype(np.float64)
        league = _floor_rates(_rates_from_counts(counts, _FALLBACK_LEAGUE))
        ones = np.ones(h.outcome.size)
        zeros = np.zeros(h.outcome.size, dtype=np.int64)
        b_ids, b_c, b_pa = _player_counts(h.batter, zeros, h.outcome, ones)
        p_ids, p_c, p_bf = _player_counts(h.pitcher, zeros, h.outcome, ones)
        return _league_table(
            self.name,
            self.version,
            as_of,
            league=league,
            batter=(b_ids, _floor_rates(_rates_from_counts(b_c[:, 0], league)), b_pa),
            pitcher=(p_ids, _floor_rates(_rates_from_counts(p_c[:, 0], league)), p_bf),
        )


# --------------------------------------------------------------------------------------------
# registry

RATE_MODELS: dict[str, Callable[[], RateModel]] = {
    "default": ShrinkageRateModel,
    "league": LeagueModel,
    "naive": NaiveModel,
}


def register_rate_model(name: str, factory: Callable[[], RateModel]) -> None:
    """Make ``factory()`` available as ``--model name`` (CLI) and ``get_rate_model(name)``."""
    if not name or not name.replace("_", "").replace("-", "").isalnum():
        raise PropGenerationError(f"rate model name {name!r} must be alphanumeric")
    RATE_MODELS[name] = factory


def get_rate_model(model: str | RateModel) -> RateModel:
    """A registered model by name (a :class:`RateModel` instance is returned unchanged)."""
    if not isinstance(model, str):
        if not isinstance(model, RateModel):
            raise PropGenerationError(
                f"{model!r} does not implement RateModel (name, version, fit)"
            )
        return model
    try:
        factory = RATE_MODELS[model]
    except KeyError as exc:
        known = ", ".join(sorted(RATE_MODELS))
        raise PropGenerationError(f"unknown rate model {model!r}; known: {known}") from exc
    return factory()

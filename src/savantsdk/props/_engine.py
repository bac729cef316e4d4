"""The slate engine: fitted rates + a slate -> pmfs for every batter and starter, vectorised.

Per batter (lineup slot ``k``, opposing starter ``S``): his PA count ``N`` has the pmf of his
slot (home/away), measured on the history and regressed to :data:`SLOT_PA_TABLE`; the share of
his PAs against ``S`` is ``f = sum_j P(N >= j) P(BF_S >= k + 9 (j - 1)) / E[N]`` (his ``j``-th PA
is his team's ``k + 9 (j-1)``-th), and his per-PA rates are ``f r(b, S) + (1 - f) r(b, bullpen)``.

Per starter: BF from his own starts in the history (normal-normal EB), the opposing lineup in
order, exact Poisson-binomial mixtures (:func:`pitcher_pmfs`).  See ``docs/model.md``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Final

import attrs
import numpy as np
import numpy.typing as npt

from .._dates import to_date
from ..sources import PlateAppearances
from ..typing import DateLike
from ._arrays import BoolArray, FloatArray, IntArray
from ._distributions import (
    BATTER_STATS,
    DEFAULT_BF_MAX,
    DEFAULT_INNING_END_WEIGHT,
    MAX_PA,
    PITCHER_STATS,
    PMF_FLOOR,
    SLOT_PA_TABLE,
    Stat,
    batter_pmfs,
    batters_faced_from_history,
    bf_pmf,
    parse_stat,
)
from ._matchup import PACategory
from ._pitcher_pmfs import pitcher_pmfs
from ._rates import BULLPEN, FittedRates
from ._slate import Slate

__all__ = (
    "EngineResult",
    "HistoryFacts",
    "PlayerBlock",
    "history_facts",
    "run_engine",
)


#: Games of the research notes' slot-PA table the measured slot PA pmfs are regressed toward.
SLOT_PRIOR_GAMES: Final = 30.0
#: Starts of the measured league BF mean's prior (the 22.3 of docs/model.md §5.3).
BF_PRIOR_STARTS: Final = 200.0
#: Half-life (days) of the recency weights of the league BF mean.
BF_HALF_LIFE_DAYS: Final = 30.0
#: Half-life (days) of the league outs-per-start shape used by the exponential tilt.
OUTS_HALF_LIFE_DAYS: Final = 60.0
#: Openers: a starter with at most OPENER_MAX_STARTS starts and at least OPENER_MIN_RELIEF
#: relief appearances in the history gets a BF prior of mean OPENER_BF_MEAN, between-pitcher sd
#: OPENER_BF_SD (measured on 2024-03-28 .. 04-30: 11 such starts, BF 13.0, sd 4.1).
OPENER_MAX_STARTS: Final = 1
OPENER_MIN_RELIEF: Final = 5
OPENER_BF_MEAN: Final = 13.0
OPENER_BF_SD: Final = 5.0
#: Weight of the tilted league shape in the pitcher-outs pmf (the rest: the BF model's).
OUTS_TILT_WEIGHT: Final = 0.8
#: Pseudo-starts added to every outs count of the league shape (full support).
OUTS_SMOOTHING: Final = 2.0
#: Starts of history needed before pitcher outs use the tilted league shape.
OUTS_MIN_STARTS: Final = 60
#: Game-level dispersion (lognormal sd of a per-game multiplier on the BB rate): walks
#: cluster by game (a starter's control varies day to day), so P(BB >= 1) is below the
#: binomial's at the same mean.
DEFAULT_DISPERSION: Final[dict[Stat, float]] = {
    Stat.WALKS: 0.6,
    Stat.WALKS_ALLOWED: 0.2,
    Stat.BATTER_STRIKEOUTS: 0.15,
    Stat.PITCHER_STRIKEOUTS: 0.15,
}
_GH_Z: Final = np.array([-np.sqrt(3.0), 0.0, np.sqrt(3.0)])
_GH_W: Final = np.array([1.0 / 6.0, 2.0 / 3.0, 1.0 / 6.0])


def tilt_pmf(shape: FloatArray, means: FloatArray, *, iterations: int = 60) -> FloatArray:
    """Exponential tilts ``q(o) e^{theta o} / Z`` of one pmf ``shape`` with the given means
    (one row per mean).  The tilted mean is increasing in ``theta``, so ``theta`` is found by
    vectorised bisection on ``[-30, 30]`` (robust where Newton steps overshoot)."""
    k = np.arange(shape.size, dtype=np.float64)
    target = np.clip(np.asarray(means, dtype=np.float64), k[-1] * 0.01, k[-1] * 0.99)
    logq = np.log(np.maximum(shape, 1e-300))

    def tilted(theta: FloatArray) -> FloatArray:
        logw = logq[None, :] + theta[:, None] * k[None, :]
        logw -= logw.max(axis=1, keepdims=True)
        w = np.exp(logw)
        out: FloatArray = w / w.sum(axis=1, keepdims=True)
        return out

    lo = np.full(target.size, -30.0)
    hi = np.full(target.size, 30.0)
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        above = tilted(mid) @ k > target
        hi = np.where(above, mid, hi)
        lo = np.where(above, lo, mid)
    return tilted(0.5 * (lo + hi))


def _dispersed(
    rates: FloatArray, outcome: int, sigma: float, compute: Callable[[FloatArray], FloatArray]
) -> FloatArray:
    """Average ``compute(rates')`` over a 3-point lognormal quadrature of a multiplier on
    ``rates[..., outcome]`` (mean 1, log-sd ``sigma``); outs in play absorb the change."""
    acc: FloatArray | None = None
    for z, wgt in zip(_GH_Z.tolist(), _GH_W.tolist(), strict=True):
        mult = float(np.exp(sigma * z - 0.5 * sigma * sigma))
        r = rates.copy()
        new = np.minimum(r[..., outcome] * mult, 0.9)
        r[..., PACategory.OUT_IN_PLAY] += r[..., outcome] - new
        r[..., outcome] = new
        r = np.maximum(r, 0.0)
        r /= r.sum(axis=-1, keepdims=True)
        pmf = compute(r)
        acc = wgt * pmf if acc is None else acc + wgt * pmf
    assert acc is not None
    return acc


def _table_slot_counts() -> FloatArray:
    out = np.zeros((9, MAX_PA + 1))
    for i, (_, p3, p4, p5, p6) in enumerate(SLOT_PA_TABLE):
        out[i, 3:7] = (p3, p4, p5, p6)
    res: FloatArray = out / out.sum(axis=1, keepdims=True)
    return res


_TABLE_SLOTS: Final = _table_slot_counts()


@attrs.frozen(eq=False)
class HistoryFacts:
    """What the engine takes from the history besides rates (no look-ahead: built from PAs
    strictly before ``as_of``).

    ``slot_pa[h, k]``: PA pmf (0..9) of lineup slot ``k+1`` for the away (``h=0``) and home
    (``h=1``) team; ``starts``: BF of each pitcher's starts, oldest first; ``league_bf``: the
    recency-weighted league mean BF per start.
    """

    as_of: dt.date
    slot_pa: FloatArray
    starts: dict[int, list[int]]
    league_bf: float
    games: int
    outs_pmf: FloatArray | None = None
    outs_starts: int = 0
    relief_apps: dict[int, int] = attrs.field(factory=dict)


def _group_starts(key: IntArray) -> BoolArray:
    first = np.ones(key.size, dtype=bool)
    first[1:] = key[1:] != key[:-1]
    return first


def history_facts(history: PlateAppearances, as_of: DateLike) -> HistoryFacts:
    """Slot PA pmfs and starters' BF per start from the PAs strictly before ``as_of``
    (:data:`~savantsdk.typing.DateLike`)."""
    as_of = to_date(as_of, "as_of")
    pas = history.before(as_of)
    slot_counts = np.zeros((2, 9, MAX_PA + 1))
    starts: dict[int, list[int]] = {}
    league_bf = 22.3
    n_games = 0
    outs_pmf: FloatArray | None = None
    outs_starts = 0
    relief_apps: dict[int, int] = {}
    if len(pas):
        key = pas.game_pk * 2 + pas.is_top.astype(np.int64)  # (game, batting side) group
        order = np.lexsort((pas.at_bat_number, key))
        k_s = key[order]
        bat = pas.batter[order]
        pit = pas.pitcher[order]
        first = _group_starts(k_s)
        gid = np.cumsum(first) - 1  # group index per PA
        n_groups = int(gid[-1]) + 1
        n_games = int(np.unique(pas.game_pk).size)
        # starter of the group (the fielding team's) and his BF
        starter = pit[first][gid]
        bf = np.bincount(gid, weights=(pit == starter).astype(np.float64), minlength=n_groups)
        g_starter = pit[first]
        g_day = pas.game_date[order][first]
        # relief appearances per pitcher: distinct (group, pitcher) pairs that are not the starter
        rel = pit != starter
        if np.any(rel):
            app = np.unique(np.stack([gid[rel], pit[rel]], axis=1), axis=0)
            ids, cnt = np.unique(app[:, 1], return_counts=True)
            relief_apps = dict(zip(ids.tolist(), cnt.tolist(), strict=True))
        # outs recorded by each starter (PAs + runner outs), recency weighted pmf over 0..27
        g_game = pas.game_pk[order][first]
        po = pas.pitcher_outs()
        outs = np.array(
            [
                po.get((int(g), int(p)), 0)
                for g, p in zip(g_game.tolist(), g_starter.tolist(), strict=True)
            ],
            dtype=np.int64,
        )
        age_g = (np.datetime64(as_of, "D") - g_day).astype("timedelta64[D]").astype(np.float64)
        w_o = np.power(0.5, age_g / OUTS_HALF_LIFE_DAYS)
        hist: FloatArray = np.bincount(np.minimum(outs, 27), weights=w_o, minlength=28).astype(
            np.float64
        )
        hist += OUTS_SMOOTHING  # no count of outs is impossible
        outs_pmf = hist / hist.sum()
        outs_starts = n_groups
        chrono = np.lexsort((np.arange(n_groups), g_day))
        for gi in chrono.tolist():
            starts.setdefault(int(g_starter[gi]), []).append(int(bf[gi]))
        age = (np.datetime64(as_of, "D") - g_day).astype("timedelta64[D]").astype(np.float64)
        w = np.power(0.5, age / BF_HALF_LIFE_DAYS)
        league_bf = float((np.sum(w * bf) + BF_PRIOR_STARTS * 22.3) / (np.sum(w) + BF_PRIOR_STARTS))
        # slot PA: first nine distinct batters per group, PAs per (group, batter)
        pair = gid * (10**7) + bat
        uniq, first_idx, counts = np.unique(pair, return_index=True, return_counts=True)
        by_pos = np.argsort(first_idx)
        u_gid = (uniq // (10**7))[by_pos]
        u_cnt = counts[by_pos]
        u_first = _group_starts(u_gid)
        start_pos = np.flatnonzero(u_first)
        rank = np.arange(u_gid.size) - start_pos[np.cumsum(u_first) - 1]
        keep = rank < 9
        is_home = (~pas.is_top[order][first]).astype(np.int64)[u_gid]
        np.add.at(
            slot_counts,
            (is_home[keep], rank[keep], np.minimum(u_cnt[keep], MAX_PA)),
            1.0,
        )
    slot_pa = (slot_counts + SLOT_PRIOR_GAMES * _TABLE_SLOTS[None]) / (
        slot_counts.sum(axis=2, keepdims=True) + SLOT_PRIOR_GAMES
    )
    return HistoryFacts(
        as_of=as_of,
        slot_pa=slot_pa,
        starts=starts,
        league_bf=league_bf,
        games=n_games,
        outs_pmf=outs_pmf,
        outs_starts=outs_starts,
        relief_apps=relief_apps,
    )


@attrs.frozen(eq=False)
class PlayerBlock:
    """Engine output for one role: parallel arrays, one row per player, plus pmfs per stat."""

    game_pk: IntArray
    player: IntArray
    team: npt.NDArray[np.str_]
    opponent: npt.NDArray[np.str_]
    slot: IntArray  # batting slot 1..9 (0 for pitchers)
    league_only: BoolArray
    pmfs: dict[Stat, FloatArray]
    expected_pa: FloatArray  # E[PA] (batters) or E[BF] (pitchers)

    def __len__(self) -> int:
        return int(self.player.shape[0])


@attrs.frozen(eq=False)
class EngineResult:
    """The engine's output for a slate: per-batter and per-pitcher distributions, with the rate
    model's name and version that produced them."""

    batters: PlayerBlock
    pitchers: PlayerBlock
    model_name: str
    model_version: str


_BERNOULLI_OUTCOME: Final = {
    Stat.WALKS: int(PACategory.WALK),
    Stat.WALKS_ALLOWED: int(PACategory.WALK),
    Stat.BATTER_STRIKEOUTS: int(PACategory.STRIKEOUT),
    Stat.PITCHER_STRIKEOUTS: int(PACategory.STRIKEOUT),
    Stat.HOME_RUNS: int(PACategory.HOME_RUN),
    Stat.SINGLES: int(PACategory.SINGLE),
}


def _batter_one(rates: FloatArray, *, pa_pmf: FloatArray, stat: Stat) -> FloatArray:
    return batter_pmfs(rates, pa_pmf=pa_pmf, stats=[stat])[stat]


def _pitcher_one(rates: FloatArray, *, bf: FloatArray, stat: Stat) -> FloatArray:
    return pitcher_pmfs(rates, bf, stats=[stat])[stat]


def _floor(pmf: FloatArray) -> FloatArray:
    out = np.maximum(pmf, PMF_FLOOR)
    res: FloatArray = out / out.sum(axis=1, keepdims=True)
    return res


def _wanted(stats: Iterable[str | Stat] | None) -> tuple[list[Stat], list[Stat]]:
    if stats is None:
        return list(BATTER_STATS), list(PITCHER_STATS)
    parsed = [parse_stat(s) for s in stats]
    return [s for s in BATTER_STATS if s in parsed], [s for s in PITCHER_STATS if s in parsed]


def _bf_pmfs(facts: HistoryFacts, starters: Sequence[int]) -> tuple[FloatArray, FloatArray]:
    means = np.empty(len(starters))
    sds = np.empty(len(starters))
    for i, p in enumerate(starters):
        own = facts.starts.get(int(p), [])
        if len(own) <= OPENER_MAX_STARTS and facts.relief_apps.get(int(p), 0) >= OPENER_MIN_RELIEF:
            # a reliever "starting": an opener or bulk man, not a league-average starter
            bf = batters_faced_from_history(
                own, league_mean=OPENER_BF_MEAN, between_sd=OPENER_BF_SD
            )
        else:
            bf = batters_faced_from_history(own, league_mean=facts.league_bf)
        means[i], sds[i] = bf.mean, bf.sd
    if not len(starters):
        return np.zeros((0, DEFAULT_BF_MAX + 1)), means
    return bf_pmf(means, sds), means


def run_engine(
    rates: FittedRates,
    facts: HistoryFacts,
    slate: Slate,
    *,
    stats: Iterable[str | Stat] | None = None,
    inning_end_weight: float = DEFAULT_INNING_END_WEIGHT,
    dispersion: dict[Stat, float] | None = None,
) -> EngineResult:
    """Pmfs for every starting-lineup batter and every starter of ``slate`` (all at once)."""
    b_stats, p_stats = _wanted(stats)
    # one row per (game, side): side 0 = away batting (vs home starter), 1 = home batting
    sides = [(g, home) for g in slate.games for home in (False, True)]
    opp_starter = [g.away_starter if home else g.home_starter for g, home in sides]
    opp_throws = [g.away_starter_throws if home else g.home_starter_throws for g, home in sides]
    bf, bf_mean = _bf_pmfs(facts, opp_starter)
    survival = np.cumsum(bf[:, ::-1], axis=1)[:, ::-1]  # P(BF >= t), t = 0..BFmax

    # pitcher lineups: 9 ids per side, unknown batters (-1) padded
    lineups = np.full((len(sides), 9), -1, dtype=np.int64)
    for i, (g, home) in enumerate(sides):
        lu = g.home_lineup if home else g.away_lineup
        lineups[i, : len(lu)] = lu
    flat_b = lineups.ravel()
    flat_sp = np.repeat(np.asarray(opp_starter, dtype=np.int64), 9)
    flat_t = np.repeat(np.asarray(opp_throws, dtype=str), 9)
    r_sp = rates.matchup_rates(flat_b, flat_sp, throws=flat_t)
    r_bp = rates.matchup_rates(flat_b, np.full(flat_b.size, BULLPEN, dtype=np.int64))

    # batter rows: real lineup entries only
    real = flat_b > 0
    side_idx = np.repeat(np.arange(len(sides)), 9)
    slot = np.tile(np.arange(1, 10), len(sides))
    is_home = np.repeat(np.array([h for _, h in sides], dtype=np.int64), 9)
    pa_pmf = facts.slot_pa[is_home, slot - 1]  # (n, 10)
    at_least = np.cumsum(pa_pmf[:, ::-1], axis=1)[:, ::-1]  # P(N >= j), j = 0..9
    j = np.arange(1, MAX_PA + 1)
    t = slot[:, None] + 9 * (j[None, :] - 1)  # team PA index of his j-th PA
    t = np.minimum(t, survival.shape[1] - 1)
    vs_sp = (at_least[:, 1:] * survival[side_idx[:, None], t]).sum(axis=1)
    e_pa = (at_least[:, 1:]).sum(axis=1)
    frac = np.clip(vs_sp / np.maximum(e_pa, 1e-12), 0.0, 1.0)[:, None]
    r_bat = frac * r_sp + (1.0 - frac) * r_bp
    disp = DEFAULT_DISPERSION if dispersion is None else dispersion
    plain_b = [st for st in b_stats if not disp.get(st)]
    b_pmfs = batter_pmfs(r_bat[real], pa_pmf=pa_pmf[real], stats=plain_b) if plain_b else {}
    for st in b_stats:
        if disp.get(st):
            b_pmfs[st] = _dispersed(
                r_bat[real],
                _BERNOULLI_OUTCOME[st],
                disp[st],
                functools.partial(_batter_one, pa_pmf=pa_pmf[real], stat=st),
            )
    b_pmfs = {st: b_pmfs[st] for st in b_stats}
    team_b = np.array([g.home_team if h else g.away_team for g, h in sides], dtype=str)[side_idx]
    opp_b = np.array([g.away_team if h else g.home_team for g, h in sides], dtype=str)[side_idx]
    game_b = np.array([g.game_pk for g, _ in sides], dtype=np.int64)[side_idx]
    b_hist = rates.history_pa(flat_b[real], role="batter")
    batters = PlayerBlock(
        game_pk=game_b[real],
        player=flat_b[real],
        team=team_b[real],
        opponent=opp_b[real],
        slot=slot[real],
        league_only=b_hist == 0,
        pmfs=b_pmfs,
        expected_pa=e_pa[real],
    )

    # pitcher rows: the starter of each side's opponent, facing that side's lineup
    has_sp = np.asarray(opp_starter, dtype=np.int64) > 0
    lr = r_sp.reshape(len(sides), 9, -1)[has_sp]
    p_pmfs: dict[Stat, FloatArray] = {}
    if p_stats and lr.shape[0]:
        bf_sp = bf[has_sp]
        plain_p = [st for st in p_stats if not disp.get(st)]
        if plain_p:
            p_pmfs = pitcher_pmfs(lr, bf_sp, stats=plain_p, inning_end_weight=inning_end_weight)
        for st in p_stats:
            if disp.get(st):
                p_pmfs[st] = _dispersed(
                    lr,
                    _BERNOULLI_OUTCOME[st],
                    disp[st],
                    functools.partial(_pitcher_one, bf=bf_sp, stat=st),
                )
        if (
            Stat.PITCHER_OUTS in p_pmfs
            and facts.outs_pmf is not None
            and facts.outs_starts >= OUTS_MIN_STARTS
        ):
            model_outs = p_pmfs[Stat.PITCHER_OUTS]
            means = model_outs @ np.arange(model_outs.shape[1], dtype=np.float64)
            tilted = tilt_pmf(facts.outs_pmf, means)
            p_pmfs[Stat.PITCHER_OUTS] = _floor(
                OUTS_TILT_WEIGHT * tilted + (1.0 - OUTS_TILT_WEIGHT) * model_outs
            )
        p_pmfs = {st: p_pmfs[st] for st in p_stats}
    else:
        p_pmfs = {st: np.zeros((0, 1)) for st in p_stats}
    sp_ids = np.asarray(opp_starter, dtype=np.int64)[has_sp]
    pitchers = PlayerBlock(
        game_pk=np.array([g.game_pk for g, _ in sides], dtype=np.int64)[has_sp],
        player=sp_ids,
        team=np.array([g.away_team if h else g.home_team for g, h in sides], dtype=str)[has_sp],
        opponent=np.array([g.home_team if h else g.away_team for g, h in sides], dtype=str)[has_sp],
        slot=np.zeros(sp_ids.size, dtype=np.int64),
        league_only=rates.history_pa(sp_ids, role="pitcher") == 0,
        pmfs=p_pmfs,
        expected_pa=bf_mean[has_sp],
    )
    return EngineResult(
        batters=batters,
        pitchers=pitchers,
        model_name=rates.model_name,
        model_version=rates.model_version,
    )

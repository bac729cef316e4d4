"""A plate-appearance game simulator, vectorised over simulations (numpy).

Every simulated game walks the two lineups in order, one PA per step for all simulations at
once: the outcome is drawn from the batter's matchup rates against the pitcher on the mound
(the starter until his exit, then the bullpen), the base-out transition from the empirical
:class:`~savantsdk.props._sim_tables.TransitionTable` of that outcome and state.  Runs, RBIs,
who scored and which pitcher is charged follow from the drawn runner fates.  Rules: nine
innings; no bottom of the 9th (or later) when the home team leads; a walk-off ends the game
(only the winning run counts unless it is a home run); from the 10th inning every half starts
with the automatic runner on 2nd (the batter before the leadoff man; his run is unearned).

Inputs are :class:`SimGame` (built from the engine's rate model by :func:`sim_games`); the
output is a :class:`SimulationResult` per game with the per-simulation counts of every player.
Formulas and sources are in ``docs/model.md`` §15.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from .._frames import require
from ..exceptions import PropGenerationError
from ._arrays import BoolArray, FloatArray, IntArray
from ._distributions import CountDistribution, Stat, check_line
from ._matchup import N_OUTCOMES, PACategory
from ._sim_tables import TransitionTable, alias_tables

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped,import-not-found,unused-ignore]

__all__ = (
    "DEFAULT_MAX_INNINGS",
    "FantasyScoring",
    "SimGame",
    "SimStat",
    "SimulationResult",
    "simulate_game",
    "simulate_games",
)

#: A game still tied after this many innings is stopped (a 26-inning game has happened once).
DEFAULT_MAX_INNINGS: Final = 25


class SimStat(enum.StrEnum):
    """Families the simulator produces (names shared with :class:`Stat` where it has them)."""

    HITS = "hits"
    SINGLES = "singles"
    DOUBLES = "doubles"
    TRIPLES = "triples"
    TOTAL_BASES = "total_bases"
    HOME_RUNS = "home_runs"
    RUNS = "runs"
    RBIS = "rbis"
    HITS_RUNS_RBIS = "hits_runs_rbis"
    WALKS = "walks"
    HIT_BY_PITCH = "hit_by_pitch"
    BATTER_STRIKEOUTS = "batter_strikeouts"
    PLATE_APPEARANCES = "plate_appearances"
    HITTER_FANTASY_SCORE = "hitter_fantasy_score"
    PITCHER_STRIKEOUTS = "pitcher_strikeouts"
    PITCHER_OUTS = "pitcher_outs"
    HITS_ALLOWED = "hits_allowed"
    WALKS_ALLOWED = "walks_allowed"
    HOME_RUNS_ALLOWED = "home_runs_allowed"
    RUNS_ALLOWED = "runs_allowed"
    EARNED_RUNS = "earned_runs"
    BATTERS_FACED = "batters_faced"
    PITCHER_WIN = "pitcher_win"
    QUALITY_START = "quality_start"
    PITCHER_FANTASY_SCORE = "pitcher_fantasy_score"


BATTER_SIM_STATS: Final = tuple(SimStat)[:14]
PITCHER_SIM_STATS: Final = tuple(SimStat)[14:]


def parse_sim_stat(name: str | SimStat | Stat) -> SimStat:
    try:
        return SimStat(str(name))
    except ValueError as exc:
        known = ", ".join(s.value for s in SimStat)
        raise PropGenerationError(f"unknown simulated stat {name!r}; known: {known}") from exc


@attrs.frozen
class FantasyScoring:
    """PrizePicks MLB fantasy points (defaults: PrizePicks' published scoring as recorded in
    ``docs/model.md`` §15.4, which says where each value comes from and which must be checked
    against the current PrizePicks rules page).  Stolen bases are not simulated (0 in every
    game), so ``stolen_base`` has no effect yet."""

    single: float = 3.0
    double: float = 5.0
    triple: float = 8.0
    home_run: float = 10.0
    run: float = 2.0
    rbi: float = 2.0
    walk: float = 2.0
    hit_by_pitch: float = 2.0
    stolen_base: float = 5.0
    pitcher_out: float = 1.0
    pitcher_strikeout: float = 3.0
    pitcher_win: float = 6.0
    quality_start: float = 4.0
    earned_run: float = -3.0


@attrs.frozen(eq=False)
class SimGame:
    """One game's inputs.  Side 0 is the away team, 1 the home team (the batting side).

    ``lineups[t]``: batting order of side ``t`` (9 MLBAM ids; 0 = unknown batter, league
    rates, no output row).  ``starters[t]``: the starting pitcher who faces side ``t`` (the
    *other* team's starter; 0 unknown).  ``rates[t, 0, i]`` / ``rates[t, 1, i]``: per-PA
    outcome rates of batter ``i`` of side ``t`` against that starter / the bullpen.
    ``exit_outs[t]``: pmf over 0..27 of the outs after which that starter leaves.
    ``bench_rates[t, 0 or 1]``: rates of a substitute batter (pinch hitter or defensive
    replacement) of side ``t`` against the starter / the bullpen (default: the lineup's mean).
    ``sub_hazard[t, i, j]``: probability that batter ``i`` of side ``t``, having taken his
    slot's PAs ``0..j-1``, is replaced before its PA ``j`` (default 0: nobody is replaced).
    """

    game_pk: int
    lineups: IntArray
    starters: IntArray
    rates: FloatArray
    exit_outs: FloatArray
    home_team: str = ""
    away_team: str = ""
    bench_rates: FloatArray | None = None
    sub_hazard: FloatArray | None = None

    def __attrs_post_init__(self) -> None:
        lu = np.asarray(self.lineups, dtype=np.int64)
        if lu.shape != (2, 9):
            raise PropGenerationError(
                f"game {self.game_pk}: lineups must be (2, 9), got {lu.shape}"
            )
        r = np.asarray(self.rates, dtype=np.float64)
        if r.shape != (2, 2, 9, N_OUTCOMES):
            raise PropGenerationError(
                f"game {self.game_pk}: rates must be (2, 2, 9, 8), got {r.shape}"
            )
        if not np.all(np.isfinite(r)) or np.any(r < 0) or np.any(np.abs(r.sum(-1) - 1) > 1e-6):
            raise PropGenerationError(f"game {self.game_pk}: rates rows must be pmfs")
        e = np.asarray(self.exit_outs, dtype=np.float64)
        if e.shape != (2, 28) or np.any(e < 0) or np.any(e.sum(-1) <= 0):
            raise PropGenerationError(f"game {self.game_pk}: exit_outs must be (2, 28) pmfs")
        object.__setattr__(self, "lineups", lu)
        object.__setattr__(self, "starters", np.asarray(self.starters, dtype=np.int64))
        r = r / r.sum(-1, keepdims=True)
        object.__setattr__(self, "rates", r)
        object.__setattr__(self, "exit_outs", e / e.sum(-1, keepdims=True))
        bench = r.mean(axis=2) if self.bench_rates is None else np.asarray(self.bench_rates)
        if bench.shape != (2, 2, N_OUTCOMES) or np.any(np.abs(bench.sum(-1) - 1) > 1e-6):
            raise PropGenerationError(f"game {self.game_pk}: bench_rates must be (2, 2, 8) pmfs")
        object.__setattr__(self, "bench_rates", np.asarray(bench, dtype=np.float64))
        hz = np.zeros((2, 9, 9)) if self.sub_hazard is None else np.asarray(self.sub_hazard)
        if hz.shape != (2, 9, 9) or np.any((hz < 0) | (hz > 1)):
            raise PropGenerationError(
                f"game {self.game_pk}: sub_hazard must be (2, 9, 9) in [0, 1]"
            )
        object.__setattr__(self, "sub_hazard", np.asarray(hz, dtype=np.float64))

    def all_rates(self) -> FloatArray:
        """``(2, 2, 10, 8)``: the lineup's rates with the bench as a tenth batter."""
        assert self.bench_rates is not None
        return np.concatenate([self.rates, self.bench_rates[:, :, None, :]], axis=2)


# --------------------------------------------------------------------------------------------
# state

# accumulator columns: batters (m, 2, 9, 10): outcome counts 0..7 (PACategory), runs, RBI;
# pitchers (m, 2, 2, 11) (side faced, 0 starter / 1 bullpen): outcome counts, outs, runs, ER.
_R: Final = 8
_RBI: Final = 9
_NB: Final = 10
_OUTS: Final = 8
_RUNS: Final = 9
_ER: Final = 10
_NP: Final = 11
# a runner on base is coded slot + 1 + 16 * (responsible pitcher is the bullpen)
# + 32 * (unearned: the automatic runner); 0 = empty.  The three bases are one word (6 bits
# each, 1st lowest), the batter is put in bits 18-23 while a play is resolved.
_PEN: Final = 16
_UNEARNED: Final = 32


@attrs.define(eq=False)
class _State:
    """Per-simulation state of the games still being played (rows compacted as games end;
    ``rid`` is the row of the accumulators and of the final arrays)."""

    rid: IntArray
    g: IntArray
    inning: IntArray
    half: IntArray
    outs: IntArray
    bases: IntArray  # bit mask 1st=1, 2nd=2, 3rd=4
    occ: IntArray  # runner codes on 1st/2nd/3rd in bits 0-5 / 6-11 / 12-17
    score: IntArray  # (k, 2)
    tpa: IntArray  # (k, 2) each team's PAs so far (the next batter's slot is tpa % 9)
    sub_at: IntArray  # (k, 2, 9) the slot PA index from which a substitute bats
    sp_in: BoolArray  # (k, 2) the starter facing side t is still in
    sp_outs: IntArray  # (k, 2) his outs so far
    target: IntArray  # (k, 2) his exit outs
    exit_lead: IntArray  # (k, 2) his team's lead when he left
    kept: BoolArray  # (k, 2) his team has not lost that lead since

    @classmethod
    def fresh(cls, g: IntArray) -> _State:
        m = g.size
        z = np.zeros(m, dtype=np.int64)
        z2 = np.zeros((m, 2), dtype=np.int64)
        return cls(
            rid=np.arange(m),
            g=g,
            inning=z + 1,
            half=z.copy(),
            outs=z.copy(),
            bases=z.copy(),
            occ=z.copy(),
            score=z2.copy(),
            tpa=z2.copy(),
            sub_at=np.full((m, 2, 9), 99, dtype=np.int64),
            sp_in=np.ones((m, 2), dtype=bool),
            sp_outs=z2.copy(),
            target=z2.copy(),
            exit_lead=z2.copy(),
            kept=np.ones((m, 2), dtype=bool),
        )

    def take(self, keep: IntArray) -> _State:
        return _State(**{f.name: getattr(self, f.name)[keep] for f in attrs.fields(_State)})


@attrs.define(eq=False)
class _Final:
    """Accumulators and end-of-game values, by original row.

    While playing: ``pa[m, t, pk, b, o]`` PA outcomes of batter ``b`` of side ``t`` against
    pitcher ``pk`` (0 the starter, 1 the bullpen), ``rr[m, t, b]`` his runs and RBI,
    ``px[m, t, pk]`` the pitcher's outs, runs and earned runs; :meth:`finish` folds them into
    ``bat`` ``(m, 2, 10, 10)`` and ``pit`` ``(m, 2, 2, 11)``.
    """

    pa: npt.NDArray[np.int16]
    rr: npt.NDArray[np.int16]
    px: npt.NDArray[np.int16]
    score: IntArray
    inning: IntArray
    sp_in: BoolArray
    exit_lead: IntArray
    kept: BoolArray

    bat: npt.NDArray[np.int16] = attrs.field(factory=lambda: np.zeros((0, 2, 10, _NB), np.int16))
    pit: npt.NDArray[np.int16] = attrs.field(factory=lambda: np.zeros((0, 2, 2, _NP), np.int16))

    @classmethod
    def empty(cls, m: int) -> _Final:
        return cls(
            pa=np.zeros((m, 2, 2, 10, N_OUTCOMES), dtype=np.int16),
            rr=np.zeros((m, 2, 10, 2), dtype=np.int16),
            px=np.zeros((m, 2, 2, 3), dtype=np.int16),
            score=np.zeros((m, 2), dtype=np.int64),
            inning=np.zeros(m, dtype=np.int64),
            sp_in=np.zeros((m, 2), dtype=bool),
            exit_lead=np.zeros((m, 2), dtype=np.int64),
            kept=np.zeros((m, 2), dtype=bool),
        )

    def finish(self) -> None:
        """Fold the playing accumulators into ``bat`` and ``pit``."""
        m = self.pa.shape[0]
        self.bat = np.empty((m, 2, 10, _NB), dtype=np.int16)
        np.add(self.pa[:, :, 0], self.pa[:, :, 1], out=self.bat[..., :N_OUTCOMES])
        self.bat[..., N_OUTCOMES:] = self.rr
        self.pit = np.empty((m, 2, 2, _NP), dtype=np.int16)
        acc = self.pit[..., :N_OUTCOMES]
        acc[...] = self.pa[:, :, :, 0]
        for b in range(1, 10):
            acc += self.pa[:, :, :, b]
        self.pit[..., N_OUTCOMES:] = self.px

    def store(self, st: _State, rows: IntArray) -> None:
        """Record the end-of-game values of ``rows`` of ``st``."""
        r = st.rid[rows]
        self.score[r] = st.score[rows]
        self.inning[r] = st.inning[rows]
        self.sp_in[r] = st.sp_in[rows]
        self.exit_lead[r] = st.exit_lead[rows]
        self.kept[r] = st.kept[rows]


def _draw_targets(
    exit_outs: FloatArray, g: IntArray, side: int, rng: np.random.Generator, floor: IntArray
) -> IntArray:
    """Exit outs of the starter facing ``side`` in each row, conditioned on ``>= floor`` (his
    outs so far: leaving right now, at his current outs, is one of the outcomes; when no mass
    is left he leaves at his current outs).  ``floor`` is the
    same for all rows of a game (pre-game -1, live his outs so far)."""
    u = rng.random(g.size)
    out: IntArray = np.empty(g.size, dtype=np.int64)
    k = np.arange(28)
    for gi in range(exit_outs.shape[0]):
        rows = np.flatnonzero(g == gi)
        if not rows.size:
            continue
        fl = int(floor[rows[0]])
        pmf = np.where(k >= fl, exit_outs[gi, side], 0.0)
        tot = float(pmf.sum())
        if tot <= 0.0:
            out[rows] = fl
            continue
        cdf = np.cumsum(pmf)
        out[rows] = np.minimum(np.searchsorted(cdf, u[rows] * tot, side="right"), 27)
    return out


def _draw_subs(
    games: Sequence[SimGame],
    g: IntArray,
    rng: np.random.Generator,
    *,
    taken: IntArray | None = None,
) -> IntArray:
    """``(m, 2, 9)``: for each batter, the first PA index of his slot taken by a substitute
    (99: none), from the per-PA replacement hazards; ``taken`` ``(2, 9)``: PAs of each slot
    already played by its starter (he can be replaced only before a later one).

    Inverse-cdf draw: with survival ``S_j = prod_{1 <= i <= j} (1 - h_i)`` (hazards before
    ``taken`` set to 0), the first replaced index is the first ``j`` with ``S_j < v``,
    ``v`` uniform."""
    hz = np.stack([gm.sub_hazard for gm in games if gm.sub_hazard is not None])  # (G, 2, 9, 9)
    hz = hz.copy()
    hz[..., 0] = 0.0  # a starter takes his first PA
    if taken is not None:
        hz = np.where(np.arange(9)[None, None, None, :] >= taken[None, :, :, None], hz, 0.0)
    surv = np.cumprod(1.0 - hz, axis=-1)  # (G, 2, 9, 9), non-increasing in j
    v = rng.random((g.size, 2, 9))
    out: IntArray = np.full((g.size, 2, 9), 99, dtype=np.int64)
    for gi in range(surv.shape[0]):
        rows = np.flatnonzero(g == gi)
        for t in range(2):
            for i in range(9):
                sv = surv[gi, t, i]
                if sv[-1] >= 1.0:  # never replaced
                    continue
                j = np.searchsorted(-sv, -v[rows, t, i], side="right")
                out[rows, t, i] = np.where(j < 9, j, 99)
    return out


_ORDER: Final = np.array([2, 1, 0, 3])  # advancement order of the (1st, 2nd, 3rd, batter) columns


def _run(
    *,
    games: Sequence[SimGame],
    st: _State,
    fin: _Final,
    table: TransitionTable,
    rng: np.random.Generator,
    max_innings: int,
) -> None:
    """Play every row of ``st`` to its end, accumulating into ``fin``.

    Rows whose game is over keep being stepped (their writes go to the scratch row
    ``fin``'s last) until they are more than a quarter of the rows; then the state is
    compacted.
    """
    scratch = fin.score.shape[0] - 1
    rates = np.stack([gm.all_rates() for gm in games]).reshape(-1, N_OUTCOMES)  # (G*2*2*10, 8)
    rq, ralt = alias_tables(rates)
    r_q = rq.ravel()
    r_alt = ralt.ravel()
    pa_flat = fin.pa.reshape(-1)
    rr_flat = fin.rr.reshape(-1)
    px_flat = fin.px.reshape(-1)
    max_steps = 60 * 2 * max_innings  # a team batting around 6 times an inning, every inning
    mod9 = np.arange(max_steps + 400) % 9  # team PAs (a live state may start late)
    div9 = np.arange(max_steps + 400) // 9
    shifts = np.array([0, 6, 12, 18])
    t_sc, t_runs, t_oa, t_rbi, t_post = (
        table.scorers, table.runs, table.outs_added, table.rbi, table.post_bases
    )  # fmt: skip
    # shift that brings the code of whoever ends on base b to the low bits (24: nobody)
    t_shift = [np.ascontiguousarray(6 * table.source[:, b]) for b in range(3)]
    live = np.ones(st.g.size, dtype=bool)
    n_live = st.g.size
    steps = 0
    while n_live:
        k = st.g.size
        ar = np.arange(k)
        ar2 = 2 * ar
        tpa_f = st.tpa.reshape(-1)
        sub_f = st.sub_at.reshape(-1)
        sp_f = st.sp_in.reshape(-1)
        spo_f = st.sp_outs.reshape(-1)
        tgt_f = st.target.reshape(-1)
        sc_f = st.score.reshape(-1)
        rbase = ((st.g * 2) * 2) * 10  # row of (game, side 0, starter, batter 0)
        while True:
            steps += 1
            if steps > max_steps:
                raise PropGenerationError(
                    f"a simulated game did not end after {max_steps} plate appearances: the "
                    "rates make (almost) no outs"
                )
            t = st.half
            i2 = ar2 + t
            n_pa = tpa_f[i2]
            slot = mod9[n_pa]
            # the batter: 0..8 the starting nine, 9 a substitute
            slot = np.where(div9[n_pa] < sub_f[i2 * 9 + slot], slot, 9)
            sp = sp_f[i2]
            pk = (~sp).astype(np.int64)
            u = rng.random((2, k))
            # outcome: alias draw in the batter's rate row
            row = rbase + (t * 2 + pk) * 10 + slot
            x = u[0] * N_OUTCOMES
            col = x.astype(np.int64)
            idx = row * N_OUTCOMES + col
            o = np.where(x - col < r_q[idx], col, r_alt[idx])
            r = table.sample(o * 24 + st.bases + 8 * st.outs, u[1])
            who = st.occ | ((slot + 1 + _PEN * pk) << 18)
            occ = (who >> t_shift[0][r]) & 63
            occ |= ((who >> t_shift[1][r]) & 63) << 6
            occ |= ((who >> t_shift[2][r]) & 63) << 12
            st.occ = occ
            oa = t_oa[r]
            runs = t_runs[r]
            rid2 = st.rid * 2 + t
            ptp = rid2 * 2 + pk  # (row, side faced, pitcher)
            pa_flat[(ptp * 10 + slot) * N_OUTCOMES + o] += 1
            px_flat[ptp * 3] += oa.astype(np.int16)
            spo_f[i2] += oa * sp
            # runs: only the rows where somebody scored
            w = np.flatnonzero(runs)
            if w.size:
                sc = t_sc[r[w]]
                tw = t[w]
                late = (tw == 1) & (st.inning[w] >= 9) & (o[w] != PACategory.HOME_RUN)
                if late.any():  # walk-off: only the runs needed to win count (not on a HR)
                    need = np.where(late, sc_f[2 * w] - sc_f[2 * w + 1] + 1, 99)
                    ranked = np.cumsum(sc[:, _ORDER], axis=1)
                    ok = np.empty_like(sc)
                    ok[:, _ORDER] = ranked <= np.maximum(need, 1)[:, None]
                    sc &= ok
                n_runs = sc.sum(axis=1)
                rid2w = rid2[w]
                rbi = np.minimum(t_rbi[r[w]], n_runs)
                rr_flat[(rid2w * 10 + slot[w]) * 2 + 1] += rbi.astype(np.int16)
                codes = (who[w][:, None] >> shifts) & 63  # (w, 4)
                pen = (codes & _PEN) > 0
                earned = sc & ((codes & _UNEARNED) == 0)
                for p_i, mask in ((0, ~pen), (1, pen)):  # runs charged to each pitcher
                    base = (rid2w * 2 + p_i) * 3
                    px_flat[base + 1] += (sc & mask).sum(axis=1, dtype=np.int16)
                    px_flat[base + 2] += (earned & mask).sum(axis=1, dtype=np.int16)
                # runs scored: one per scorer (two substitutes can score on one play)
                rows, js = np.nonzero(sc)
                who_i = (codes[rows, js] & 15) - 1
                ridx = (rid2w[rows] * 10 + who_i) * 2
                subs = who_i == 9
                rr_flat[ridx[~subs]] += 1
                if subs.any():
                    np.add.at(rr_flat, ridx[subs], 1)
                iw = 2 * w + tw
                sc_f[iw] += n_runs
                lead = sc_f[2 * w + 1 - tw] - sc_f[iw]
                st.kept.reshape(-1)[iw] &= sp_f[iw] | (lead > 0)
            tpa_f[i2] = n_pa + 1
            # the starter's exit (after the PA that brings him to his exit outs)
            leave = np.flatnonzero(sp & (spo_f[i2] >= tgt_f[i2]))
            if leave.size:
                il = i2[leave]
                sp_f[il] = False
                st.exit_lead.reshape(-1)[il] = sc_f[ar2[leave] + 1 - t[leave]] - sc_f[il]
            st.outs = st.outs + oa
            post = t_post[r]
            st.bases = post
            # walk-offs and half-inning ends
            over = np.zeros(k, dtype=bool)
            if w.size:
                home = sc_f[2 * w + 1]
                wo = w[(t[w] == 1) & (st.inning[w] >= 9) & (home > sc_f[2 * w])]
                over[wo] = True
            e = np.flatnonzero((post == 8) & ~over)
            if e.size:
                te = t[e]
                inn = st.inning[e]
                away, home = sc_f[2 * e], sc_f[2 * e + 1]
                ends = (te == 0) & (inn >= 9) & (home > away)
                ends |= (te == 1) & (inn >= 9) & (home != away)
                ends |= (te == 1) & (inn >= max_innings)
                over[e[ends]] = True
                go = e[~ends]
                tg = te[~ends]
                st.half[go] = 1 - tg
                st.inning[go] += tg  # after the bottom half
                st.outs[go] = 0
                st.bases[go] = 0
                st.occ[go] = 0
                ghost = go[st.inning[go] >= 10]
                if ghost.size:  # the automatic runner: the batter before the leadoff man
                    ig = 2 * ghost + st.half[ghost]
                    last = tpa_f[ig] - 1
                    prev = mod9[last]
                    prev = np.where(div9[last] < sub_f[ig * 9 + prev], prev, 9)
                    st.occ[ghost] = (prev + 1 + _PEN * (~sp_f[ig]) + _UNEARNED) << 6
                    st.bases[ghost] = 2
            if over.any():
                ov = np.flatnonzero(over)
                st.bases[ov] = 0  # a finished row keeps stepping harmlessly until compacted
                st.outs[ov] = 0
                done = ov[live[ov]]
                if done.size:
                    fin.store(st, done)
                    st.rid[done] = scratch
                    live[done] = False
                    n_live -= done.size
                    if n_live == 0 or (k - n_live) > 0.25 * k:
                        keep = np.flatnonzero(live)
                        st = st.take(keep)
                        live = np.ones(keep.size, dtype=bool)
                        break


# --------------------------------------------------------------------------------------------
# results


def _as_float(x: npt.NDArray[Any]) -> FloatArray:
    out: FloatArray = x.astype(np.float64)
    return out


def _weighted(cols: npt.NDArray[np.int16], weights: Sequence[float]) -> FloatArray:
    """``sum_i weights[i] * cols[i]`` over the leading (column) axis, in float64."""
    out = np.zeros(cols.shape[1:])
    for i, wgt in enumerate(weights):
        if wgt:
            out += wgt * cols[i] if wgt != 1 else cols[i]
    return out


@attrs.frozen(eq=False)
class SimulationResult:
    """Per-simulation counts of one game (``n`` simulations).

    ``batting[s, t, i, c]`` and ``pitching[s, t, p, c]`` are the raw accumulators (side ``t``
    batting / faced; ``p`` 0 the starter, 1 the bullpen); use :meth:`samples` for a player's
    family, :meth:`distribution` / :meth:`p_over` to price a line and :meth:`to_pandas` for
    the means.  ``score[s]`` is (away, home) runs.
    """

    game: SimGame
    batting: npt.NDArray[np.int16]
    pitching: npt.NDArray[np.int16]
    score: IntArray
    innings: IntArray
    win: BoolArray  # (n, 2): the starter facing side t got the win
    scoring: FantasyScoring
    _cache: dict[SimStat, FloatArray] = attrs.field(factory=dict, init=False, repr=False)
    _cols: dict[str, npt.NDArray[np.int16]] = attrs.field(factory=dict, init=False, repr=False)

    @property
    def n(self) -> int:
        return int(self.score.shape[0])

    def _batter(self, player_id: int) -> tuple[int, int]:
        hits = np.argwhere(self.game.lineups == int(player_id))
        if hits.size == 0:
            raise PropGenerationError(f"player {player_id} is not in game {self.game.game_pk}")
        return int(hits[0, 0]), int(hits[0, 1])

    def _pitcher(self, player_id: int) -> int:
        hits = np.flatnonzero(self.game.starters == int(player_id))
        if hits.size == 0:
            raise PropGenerationError(
                f"pitcher {player_id} is not a starter of game {self.game.game_pk}"
            )
        return int(hits[0])

    def players(self) -> list[tuple[int, str]]:
        """``(player_id, role)`` of every known batter and starter."""
        out = [(int(p), "batter") for p in self.game.lineups.ravel().tolist() if p > 0]
        out += [(int(p), "pitcher") for p in self.game.starters.tolist() if p > 0]
        return out

    def team_runs(self, side: int) -> IntArray:
        """Runs of side 0 (away) or 1 (home) per simulation."""
        out: IntArray = self.score[:, side]
        return out

    def game_total(self) -> IntArray:
        out: IntArray = self.score.sum(axis=1)
        return out

    def family(self, stat: str | SimStat) -> FloatArray:
        """Every player's ``stat`` at once, simulations last: ``(2, 10, n)`` for a batter
        family (side, lineup index; 9 = the side's substitutes together), ``(2, 2, n)`` for a
        pitcher family (side faced; 0 the starter, 1 the bullpen).  Computed once, cached,
        read-only."""
        st = parse_sim_stat(stat)
        hit = self._cache.get(st)
        if hit is not None:
            return hit
        out = self._family(st)
        out.setflags(write=False)
        self._cache[st] = out
        return out

    def _columns(self, role: str) -> npt.NDArray[np.int16]:
        """The accumulators with columns first and simulations last (contiguous rows)."""
        key = "_bat" if role == "batter" else "_pit"
        got = self._cols.get(key)
        if got is None:
            src = self.batting if role == "batter" else self.pitching
            got = np.ascontiguousarray(np.moveaxis(src, (0, 3), (3, 0)))
            self._cols[key] = got
        return got

    def _family(self, st: SimStat) -> FloatArray:
        sc = self.scoring
        if st in BATTER_SIM_STATS:
            c = self._columns("batter")  # (10, 2, 10, n)
            col: dict[SimStat, int] = {
                SimStat.SINGLES: 0, SimStat.DOUBLES: 1, SimStat.TRIPLES: 2,
                SimStat.HOME_RUNS: 3, SimStat.WALKS: 4, SimStat.HIT_BY_PITCH: 5,
                SimStat.BATTER_STRIKEOUTS: 6, SimStat.RUNS: _R, SimStat.RBIS: _RBI,
            }  # fmt: skip
            if st in col:
                return _as_float(c[col[st]])
            weights: dict[SimStat, tuple[float, ...]] = {
                SimStat.PLATE_APPEARANCES: (1, 1, 1, 1, 1, 1, 1, 1, 0, 0),
                SimStat.HITS: (1, 1, 1, 1, 0, 0, 0, 0, 0, 0),
                SimStat.TOTAL_BASES: (1, 2, 3, 4, 0, 0, 0, 0, 0, 0),
                SimStat.HITS_RUNS_RBIS: (1, 1, 1, 1, 0, 0, 0, 0, 1, 1),
                SimStat.HITTER_FANTASY_SCORE: (
                    sc.single, sc.double, sc.triple, sc.home_run, sc.walk, sc.hit_by_pitch,
                    0.0, 0.0, sc.run, sc.rbi,
                ),
            }  # fmt: skip
            return _weighted(c, weights[st])
        p = self._columns("pitcher")  # (11, 2, 2, n)
        pcol: dict[SimStat, int] = {
            SimStat.PITCHER_STRIKEOUTS: 6, SimStat.WALKS_ALLOWED: 4,
            SimStat.HOME_RUNS_ALLOWED: 3, SimStat.PITCHER_OUTS: _OUTS,
            SimStat.RUNS_ALLOWED: _RUNS, SimStat.EARNED_RUNS: _ER,
        }  # fmt: skip
        if st in pcol:
            return _as_float(p[pcol[st]])
        if st is SimStat.HITS_ALLOWED:
            return _weighted(p, (1, 1, 1, 1))
        if st is SimStat.BATTERS_FACED:
            return _weighted(p, (1,) * 8)
        er = p[_ER].astype(np.float64)
        qs = _as_float((p[_OUTS] >= 18) & (er <= 3))
        qs[:, 1] = 0.0  # the bullpen has no quality start
        if st is SimStat.QUALITY_START:
            return qs
        win = np.zeros(p.shape[1:])
        win[:, 0] = self.win.T
        if st is SimStat.PITCHER_WIN:
            return win
        fantasy: FloatArray = (
            sc.pitcher_out * p[_OUTS]
            + sc.pitcher_strikeout * p[6]
            + sc.pitcher_win * win
            + sc.quality_start * qs
            + sc.earned_run * er
        )
        return fantasy

    def batter_samples(self, side: int, slot: int, stat: str | SimStat) -> FloatArray:
        """Batter ``slot`` (0-8; 9 = the substitutes) of ``side``: ``stat`` per simulation."""
        st = parse_sim_stat(stat)
        if st not in BATTER_SIM_STATS:
            raise PropGenerationError(f"stat {st.value!r} is not a batter stat")
        out: FloatArray = self.family(st)[side, slot]
        return out

    def pitcher_samples(
        self, side: int, stat: str | SimStat, *, bullpen: bool = False
    ) -> FloatArray:
        """Counts of the starter facing ``side`` (``bullpen=True``: the relievers together)."""
        st = parse_sim_stat(stat)
        if st not in PITCHER_SIM_STATS:
            raise PropGenerationError(f"stat {st.value!r} is not a pitcher stat")
        out: FloatArray = self.family(st)[side, 1 if bullpen else 0]
        return out

    def samples(self, player_id: int, stat: str | SimStat) -> FloatArray:
        """The player's ``stat`` in each simulation (batters by lineup, starters by id)."""
        st = parse_sim_stat(stat)
        if st in PITCHER_SIM_STATS:
            return self.pitcher_samples(self._pitcher(player_id), st)
        side, slot = self._batter(player_id)
        return self.batter_samples(side, slot, st)

    def mean(self, player_id: int, stat: str | SimStat) -> float:
        return float(self.samples(player_id, stat).mean())

    def distribution(self, player_id: int, stat: str | SimStat) -> CountDistribution:
        """Empirical pmf over 0..max of a count family (not the fantasy scores; floored to
        full support like every engine pmf)."""
        x = self.samples(player_id, stat)
        if np.any(x < 0) or np.any(x != np.round(x)):
            raise PropGenerationError(f"stat {stat!r} is not a count; use p_over")
        counts = np.bincount(x.astype(np.int64), minlength=2).astype(np.float64)
        return CountDistribution(counts / counts.sum())

    def p_over(self, player_id: int, stat: str | SimStat, line: float) -> float:
        value = check_line(line, stat=str(stat))
        return float(np.mean(self.samples(player_id, stat) > value))

    def p_under(self, player_id: int, stat: str | SimStat, line: float) -> float:
        value = check_line(line, stat=str(stat))
        return float(np.mean(self.samples(player_id, stat) < value))

    def to_pandas(self) -> pd.DataFrame:
        """One row per (player, stat): ``game_pk, player_id, role, side, slot, stat, mean``;
        team runs as ``player_id`` 0 (``away_runs`` / ``home_runs`` / ``game_total``)."""
        pd = require("pandas", purpose="SimulationResult.to_pandas()")
        rows: list[dict[str, Any]] = []
        for t in range(2):
            for i in range(9):
                pid = int(self.game.lineups[t, i])
                if pid <= 0:
                    continue
                rows.extend(
                    {"game_pk": self.game.game_pk, "player_id": pid, "role": "batter",
                     "side": t, "slot": i + 1, "stat": st.value,
                     "mean": float(self.batter_samples(t, i, st).mean())}
                    for st in BATTER_SIM_STATS
                )  # fmt: skip
            pid = int(self.game.starters[t])
            if pid > 0:
                rows.extend(
                    {"game_pk": self.game.game_pk, "player_id": pid, "role": "pitcher",
                     "side": t, "slot": 0, "stat": st.value,
                     "mean": float(self.pitcher_samples(t, st).mean())}
                    for st in PITCHER_SIM_STATS
                )  # fmt: skip
        for name, v in (
            ("away_runs", self.score[:, 0]),
            ("home_runs", self.score[:, 1]),
            ("game_total", self.score.sum(axis=1)),
        ):
            rows.append(
                {"game_pk": self.game.game_pk, "player_id": 0, "role": "team", "side": -1,
                 "slot": 0, "stat": name, "mean": float(v.mean())}
            )  # fmt: skip
        return pd.DataFrame(rows)


def _as_rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


def _results(
    games: Sequence[SimGame], fin: _Final, n: int, scoring: FantasyScoring
) -> list[SimulationResult]:
    out = []
    for i, gm in enumerate(games):
        sl = slice(i * n, (i + 1) * n)
        score = fin.score[sl]
        win = np.zeros((n, 2), dtype=bool)
        for t in range(2):
            team_won = score[:, 1 - t] > score[:, t]
            outs = fin.pit[sl, t, 0, _OUTS]
            still = fin.sp_in[sl, t]
            ok = np.where(still, True, (fin.exit_lead[sl, t] > 0) & fin.kept[sl, t])
            win[:, t] = team_won & (outs >= 15) & ok
        out.append(
            SimulationResult(
                game=gm,
                batting=fin.bat[sl],
                pitching=fin.pit[sl],
                score=score,
                innings=fin.inning[sl],
                win=win,
                scoring=scoring,
            )
        )
    return out


def simulate_games(
    games: Sequence[SimGame],
    table: TransitionTable,
    *,
    n: int = 10_000,
    seed: int | np.random.Generator | None = None,
    scoring: FantasyScoring | None = None,
    max_innings: int = DEFAULT_MAX_INNINGS,
) -> list[SimulationResult]:
    """``n`` simulations of each game, all games in one vectorised pass (independent games;
    the same seed gives the same results)."""
    if n < 1:
        raise PropGenerationError(f"n {n!r} must be >= 1 simulation")
    if not games:
        return []
    rng = _as_rng(seed)
    g = np.repeat(np.arange(len(games)), n)
    state = _State.fresh(g)
    exit_outs = np.stack([gm.exit_outs for gm in games])
    none = np.full(g.size, -1, dtype=np.int64)
    for t in range(2):
        state.target[:, t] = _draw_targets(exit_outs, g, t, rng, none)
    state.sub_at = _draw_subs(games, g, rng)
    fin = _Final.empty(g.size + 1)  # the last row is scratch for finished games
    _run(games=games, st=state, fin=fin, table=table, rng=rng, max_innings=max_innings)
    fin.finish()
    return _results(games, fin, n, scoring or FantasyScoring())


def simulate_game(
    game: SimGame,
    table: TransitionTable,
    *,
    n: int = 10_000,
    seed: int | np.random.Generator | None = None,
    scoring: FantasyScoring | None = None,
) -> SimulationResult:
    """``n`` simulations of one game (see :func:`simulate_games`)."""
    return simulate_games([game], table, n=n, seed=seed, scoring=scoring)[0]


def sim_stats_of(stats: Iterable[str | SimStat] | None) -> list[SimStat]:
    return list(SimStat) if stats is None else [parse_sim_stat(s) for s in stats]

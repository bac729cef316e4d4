"""Simulator inputs from the engine's fitted rates and history facts (the same parts the
closed-form engine uses): :func:`sim_games` turns a :class:`Slate` into :class:`SimGame` s."""

from __future__ import annotations

import datetime as dt
from typing import Final

import numpy as np

from ..sources import PlateAppearances
from ._arrays import FloatArray
from ._distributions import Stat, discrete_normal_pmf
from ._engine import HistoryFacts, run_engine
from ._matchup import N_OUTCOMES
from ._rates import BULLPEN, FittedRates
from ._simulate import SimGame
from ._slate import Slate

__all__ = ("FALLBACK_EXIT_OUTS", "SUB_PRIOR_GAMES", "sim_games", "substitution_hazard")

#: Pseudo team-games of the hazard pooled over the nine slots added to each slot's own.
SUB_PRIOR_GAMES: Final = 50.0

#: Exit outs of a starter the engine has no pmf for (no starter announced): a discrete normal
#: with the 2024 league mean (15.9 outs) and sd (4.6) of starters' outs recorded (measured on
#: 2,516 starts, docs/model.md §7).
FALLBACK_EXIT_OUTS: Final = discrete_normal_pmf(15.9, 4.6, 27)[0]


def substitution_hazard(history: PlateAppearances, as_of: dt.date) -> FloatArray:
    """``(2, 9, 9)`` replacement hazards from the PAs before ``as_of``: ``h[side, i, j]`` =
    P(the starting batter of slot ``i`` does not take his slot's PA ``j`` | he took PA
    ``j - 1`` and the slot has a PA ``j``); side 0 away, 1 home.

    The starting nine are each team-game's first nine distinct batters (slot = order of first
    PA, as the engine's slot PA pmfs); a team's PAs cycle through the order, so slot ``i`` has
    ``ceil((T - i) / 9)`` PAs in a game of ``T`` team PAs, and a starter with ``c`` PAs was
    replaced before PA ``c`` when the slot had more.  Counts, not identities, so a double
    switch that moves a starter to another slot does not count as his removal.  Each slot's
    rate is smoothed with :data:`SUB_PRIOR_GAMES` at risk of the nine slots' pooled rate at
    the same ``j``."""
    pas = history.before(as_of)
    at_risk = np.zeros((2, 9, 9))
    events = np.zeros((2, 9, 9))
    if len(pas):
        key = pas.game_pk * 2 + pas.is_top.astype(np.int64)
        order = np.lexsort((pas.at_bat_number, key))
        k = key[order]
        first = np.ones(k.size, dtype=bool)
        first[1:] = k[1:] != k[:-1]
        gid = np.cumsum(first) - 1
        size = np.bincount(gid)
        side_g = (~pas.is_top[order][first]).astype(np.int64)
        # the starting nine: first nine distinct batters of each group, their PA counts
        pair = gid * (10**7) + pas.batter[order]
        uniq, first_idx, counts = np.unique(pair, return_index=True, return_counts=True)
        by_pos = np.argsort(first_idx)
        u_gid = (uniq // (10**7))[by_pos]
        u_cnt = counts[by_pos]
        u_first = np.ones(u_gid.size, dtype=bool)
        u_first[1:] = u_gid[1:] != u_gid[:-1]
        rank = np.arange(u_gid.size) - np.flatnonzero(u_first)[np.cumsum(u_first) - 1]
        keep = rank < 9
        g_i, s_i, c_i = u_gid[keep], rank[keep], u_cnt[keep]
        slot_pa = (size[g_i] - s_i + 8) // 9  # the slot's PAs: team PAs n with n % 9 == slot
        side = side_g[g_i]
        for j in range(1, 9):
            risk = (c_i >= j) & (slot_pa > j)
            np.add.at(at_risk, (side[risk], s_i[risk], j), 1.0)
            np.add.at(events, (side[risk], s_i[risk], j), (c_i[risk] == j).astype(np.float64))
    pooled = events.sum(axis=1, keepdims=True) / np.maximum(at_risk.sum(axis=1, keepdims=True), 1)
    hz: FloatArray = (events + SUB_PRIOR_GAMES * pooled) / (at_risk + SUB_PRIOR_GAMES)
    hz[:, :, 0] = 0.0
    return hz


def sim_games(
    rates: FittedRates,
    facts: HistoryFacts,
    slate: Slate,
    *,
    sub_hazard: FloatArray | None = None,
) -> list[SimGame]:
    """One :class:`SimGame` per game of ``slate``.

    Per-PA rates: ``rates.matchup_rates`` of each lineup batter against the opposing starter
    (with his hand from the slate) and against :data:`BULLPEN` (the league relievers' rates,
    per batter through the matchup; the rate model has no per-team bullpen).  The starter's
    exit: the engine's pitcher-outs pmf (``run_engine``: the batters-faced model with openers,
    tilted to the league's outs-per-start shape with its 18-out spike), used as the outs after
    which he leaves.  Unknown batters (lineup shorter than nine) get league rates and id 0.
    Substitutes (``sub_hazard``, from :func:`substitution_hazard`; default none) bat with a
    league-average hitter's rates (``matchup_rates`` of an unknown id).
    """
    res = run_engine(rates, facts, slate, stats=[Stat.PITCHER_OUTS])
    outs_pmf = res.pitchers.pmfs[Stat.PITCHER_OUTS]
    exit_by: dict[tuple[int, int], FloatArray] = {
        (int(g), int(p)): outs_pmf[i]
        for i, (g, p) in enumerate(
            zip(res.pitchers.game_pk.tolist(), res.pitchers.player.tolist(), strict=True)
        )
    }
    out = []
    for game in slate.games:
        lineups = np.zeros((2, 9), dtype=np.int64)
        lineups[0, : len(game.away_lineup)] = game.away_lineup
        lineups[1, : len(game.home_lineup)] = game.home_lineup
        starters = np.array([game.home_starter, game.away_starter], dtype=np.int64)
        throws = (game.home_starter_throws, game.away_starter_throws)
        r = np.empty((2, 2, 9, N_OUTCOMES))
        bench = np.empty((2, 2, N_OUTCOMES))
        exit_outs = np.empty((2, 28))
        for t in range(2):
            ids = np.where(lineups[t] > 0, lineups[t], -1)
            sp = np.full(9, starters[t] if starters[t] > 0 else -1, dtype=np.int64)
            r[t, 0] = rates.matchup_rates(ids, sp, throws=np.full(9, throws[t]))
            r[t, 1] = rates.matchup_rates(ids, np.full(9, BULLPEN, dtype=np.int64))
            bench[t] = rates.matchup_rates(
                [-1, -1], [sp[0], BULLPEN], throws=np.array([throws[t], ""])
            )
            pmf = exit_by.get((game.game_pk, int(starters[t])))
            exit_outs[t] = FALLBACK_EXIT_OUTS if pmf is None else pmf
        out.append(
            SimGame(
                game_pk=game.game_pk,
                lineups=lineups,
                starters=starters,
                rates=r,
                exit_outs=exit_outs,
                home_team=game.home_team,
                away_team=game.away_team,
                bench_rates=bench,
                sub_hazard=sub_hazard,
            )
        )
    return out

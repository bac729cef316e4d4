"""PrizePicks entries priced on simulated games: legs of one game read the same simulated
games, so their correlation is in the joint probability; games are simulated independently.

:func:`entry_probability` returns the joint figure beside the independence one (the product of
the legs' marginals), both paid by the entry's payout table (``props/_pricing.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import attrs
import numpy as np

from ..exceptions import PropGenerationError
from ._arrays import FloatArray
from ._distributions import check_line
from ._pricing import POWER_PAYOUTS, EntryKind, EntryType
from ._simulate import SimStat, SimulationResult, parse_sim_stat

__all__ = ("EntryEvaluation", "Leg", "entry_probability")


def _side(value: str) -> Literal["over", "under"]:
    v = str(value).lower()
    if v == "over":
        return "over"
    if v == "under":
        return "under"
    raise PropGenerationError(f"side {value!r} must be 'over' or 'under'")


def _stat(value: str | SimStat) -> SimStat:
    return parse_sim_stat(value)


def _line(value: float) -> float:
    return check_line(value)


@attrs.frozen
class Leg:
    """One pick: ``player_id``'s ``stat`` over or under ``line`` in game ``game_pk``."""

    game_pk: int
    player_id: int
    stat: SimStat = attrs.field(converter=_stat)
    line: float = attrs.field(converter=_line)
    side: Literal["over", "under"] = attrs.field(default="over", converter=_side)


@attrs.frozen
class EntryEvaluation:
    """An entry priced on ``n`` simulated slates.

    ``expected_return``: expected payout multiple of the stake from the joint samples (1.0 is
    break-even; ``ev`` = it minus 1); ``p_all_hit``: every leg hits; ``p_paid``: the entry
    returns more than nothing; ``miss_pmf[m]``: P(m legs miss, no pushes).  The
    ``independent_*`` figures are the same quantities if the legs were independent (the
    product of their marginal probabilities); ``leg_probabilities``: each leg's P(hit).
    """

    entry: EntryType
    legs: tuple[Leg, ...]
    n: int
    expected_return: float
    p_all_hit: float
    p_paid: float
    miss_pmf: tuple[float, ...]
    independent_expected_return: float
    independent_p_all_hit: float
    leg_probabilities: tuple[float, ...]
    push_probability: float

    @property
    def ev(self) -> float:
        return self.expected_return - 1.0

    @property
    def independent_ev(self) -> float:
        return self.independent_expected_return - 1.0


def _payout_table(entry: EntryType) -> FloatArray:
    """``pay[live_legs, misses]``: payout multiple when ``live_legs`` legs did not push.

    A pushed leg is removed and the entry is paid as the same kind with the legs left
    (PrizePicks' stated rule for a tie or a player who does not play; a flex left with too few
    legs for a flex table is paid as a power play of those legs); one leg or none left
    returns the stake (1.0).
    """
    legs = entry.legs
    pay = np.zeros((legs + 1, legs + 1))
    pay[:2, 0] = 1.0
    for live in range(2, legs + 1):
        if live == legs:
            mults: Sequence[float] = entry.payouts
        elif entry.kind is EntryKind.FLEX:
            try:
                mults = EntryType(EntryKind.FLEX, live).payouts
            except PropGenerationError:
                mults = POWER_PAYOUTS[live]
        else:
            mults = POWER_PAYOUTS[live]
        for m, mult in enumerate(mults):
            pay[live, m] = mult
    return pay


def _leg_outcomes(leg: Leg, res: SimulationResult) -> tuple[FloatArray, FloatArray]:
    """``(hit, push)`` indicator arrays over the simulations."""
    x = res.samples(leg.player_id, leg.stat)
    over = x > leg.line
    under = x < leg.line
    hit = over if leg.side == "over" else under
    push = ~(over | under)
    return hit.astype(np.float64), push.astype(np.float64)


def entry_probability(
    entry: EntryType,
    legs: Sequence[Leg],
    results: Mapping[int, SimulationResult] | Iterable[SimulationResult],
) -> EntryEvaluation:
    """Joint probability and expected return of a PrizePicks ``entry`` (power or flex, 2-6
    legs) from simulated games (``results`` by ``game_pk``, each with the same ``n``), beside
    the independence figures; payouts from ``entry.payouts`` (:data:`POWER_PAYOUTS` /
    :data:`FLEX_PAYOUTS` by default)."""
    by_game = (
        dict(results) if isinstance(results, Mapping) else {r.game.game_pk: r for r in results}
    )
    legs = tuple(legs)
    if len(legs) != entry.legs:
        raise PropGenerationError(f"legs: {entry} needs {entry.legs} legs, got {len(legs)}")
    if len({(lg.game_pk, lg.player_id, lg.stat) for lg in legs}) != len(legs):
        raise PropGenerationError("legs: the same player and stat twice in one entry")
    ns = {r.n for r in by_game.values()}
    if len(ns) != 1:
        raise PropGenerationError(f"results: every game needs the same n, got {sorted(ns)}")
    n = ns.pop()
    hits = np.empty((len(legs), n))
    pushes = np.empty((len(legs), n))
    for i, leg in enumerate(legs):
        res = by_game.get(leg.game_pk)
        if res is None:
            raise PropGenerationError(f"legs: game {leg.game_pk} was not simulated")
        hits[i], pushes[i] = _leg_outcomes(leg, res)
    pay = _payout_table(entry)
    live = (len(legs) - pushes.sum(axis=0)).astype(np.int64)
    misses = (len(legs) - hits.sum(axis=0) - pushes.sum(axis=0)).astype(np.int64)
    payout = pay[live, misses]
    p_leg = hits.mean(axis=1)
    q_push = pushes.mean(axis=1)
    # independence: a DP over legs of (pushes, misses)
    dist = np.zeros((len(legs) + 1, len(legs) + 1))
    dist[0, 0] = 1.0
    for p_hit, p_push in zip(p_leg.tolist(), q_push.tolist(), strict=True):
        p_miss = max(0.0, 1.0 - p_hit - p_push)
        nxt = dist * p_hit
        nxt[1:, :] += dist[:-1, :] * p_push
        nxt[:, 1:] += dist[:, :-1] * p_miss
        dist = nxt
    legs_n = len(legs)
    ind = sum(
        dist[k, m] * pay[legs_n - k, m] for k in range(legs_n + 1) for m in range(legs_n + 1 - k)
    )
    no_push = live == legs_n
    miss_pmf = tuple(float(np.mean(no_push & (misses == m))) for m in range(legs_n + 1))
    return EntryEvaluation(
        entry=entry,
        legs=legs,
        n=n,
        expected_return=float(payout.mean()),
        p_all_hit=float(np.mean(hits.sum(axis=0) == legs_n)),
        p_paid=float(np.mean(payout > 0)),
        miss_pmf=miss_pmf,
        independent_expected_return=float(ind),
        independent_p_all_hit=float(np.prod(p_leg)),
        leg_probabilities=tuple(float(p) for p in p_leg),
        push_probability=float(np.mean(~no_push)),
    )

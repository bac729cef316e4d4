"""The true-line oracle: the fair lines and true probabilities the simulated books price from.

For each player market (:data:`BATTER_MARKETS`, :data:`PITCHER_MARKETS`) a count distribution
from pre-game information only (matchup rates, lineup slot, the starter's batters-faced
tendency), its most balanced half point and true P(over) (:class:`TrueLine`); then
:func:`book_prices` adds margin and noise, and the American/decimal conversions render them.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Final

import attrs

from ._world import OUTCOMES, Game

if TYPE_CHECKING:
    from ._league import SimulatedLeague

__all__ = (
    "BATTER_MARKETS",
    "PITCHER_MARKETS",
    "TrueLine",
    "american_from_prob",
    "book_prices",
    "decimal_from_prob",
    "prop_line",
)


def american_from_prob(q: float) -> int:
    q = min(max(q, 0.01), 0.99)
    if q >= 0.5:
        return -round(100 * q / (1 - q))
    return round(100 * (1 - q) / q)


def decimal_from_prob(q: float) -> float:
    q = min(max(q, 0.01), 0.99)
    return round(1.0 / q, 2)


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


# Prop distributions and lines (true probabilities; books add margin and noise)
# --------------------------------------------------------------------------------------------

BATTER_MARKETS: Final[Mapping[str, tuple[str, ...]]] = {
    "batter_hits": ("1B", "2B", "3B", "HR"),
    "batter_total_bases": ("1B", "2B", "3B", "HR"),
    "batter_home_runs": ("HR",),
    "batter_singles": ("1B",),
    "batter_doubles": ("2B",),
    "batter_walks": ("BB",),
    "batter_strikeouts": ("K",),
}
PITCHER_MARKETS: Final[Mapping[str, tuple[str, ...]]] = {
    "pitcher_strikeouts": ("K",),
    "pitcher_hits_allowed": ("1B", "2B", "3B", "HR"),
    "pitcher_walks": ("BB",),
    "pitcher_outs": ("K", "OIP"),
}
_TB: Final = {"1B": 1, "2B": 2, "3B": 3, "HR": 4}
_BF_OVERSHOOT: Final = 2.2
_BF_SD: Final = 3.2


@attrs.frozen
class TrueLine:
    """A player's true line for one market: ``point`` and the true P(over)."""

    game_pk: int
    player_id: int
    market: str
    point: float
    p_over: float
    expected: float


def _convolve(a: Sequence[float], b: Sequence[float]) -> list[float]:
    out = [0.0] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        if x:
            for j, y in enumerate(b):
                out[i + j] += x * y
    return out


def _power(dist: Sequence[float], n: int) -> list[float]:
    out = [1.0]
    for _ in range(n):
        out = _convolve(out, dist)
    return out


def _mixture(parts: Iterable[tuple[float, Sequence[float]]]) -> list[float]:
    out: list[float] = []
    for w, d in parts:
        if len(d) > len(out):
            out += [0.0] * (len(d) - len(out))
        for i, x in enumerate(d):
            out[i] += w * x
    return out


def _per_event_dist(probs: Mapping[str, float], market: str, events: Sequence[str]) -> list[float]:
    if market == "batter_total_bases":
        dist = [0.0] * 5
        for k, v in probs.items():
            dist[_TB.get(k, 0)] += v
        return dist
    p = sum(probs[e] for e in events)
    return [1.0 - p, p]


def _line_from_dist(dist: Sequence[float]) -> tuple[float, float, float]:
    exp = sum(i * p for i, p in enumerate(dist))
    best: tuple[float, float] | None = None
    tail = 1.0
    for k in range(len(dist)):
        tail -= dist[k]  # P(X >= k+1)
        if best is None or abs(tail - 0.5) < abs(best[1] - 0.5):
            best = (k + 0.5, tail)
        if tail < 0.2:
            break
    assert best is not None
    return best[0], max(0.0, min(1.0, best[1])), exp


def prop_line(league: SimulatedLeague, game: Game, player_id: int, market: str) -> TrueLine:
    """The TRUE line for a player's market in a game (pre-game information only).  Cached."""
    key = (game.game_pk, player_id, market)
    cached = league._props.get(key)
    if cached is None:
        cached = league._props[key] = _prop_line(league, game, player_id, market)
    return cached


def _prop_line(league: SimulatedLeague, game: Game, player_id: int, market: str) -> TrueLine:
    player = league.players[player_id]
    home = player.team_id == game.home_id
    if market in BATTER_MARKETS:
        lineup = [p for p, _ in (game.home_lineup if home else game.away_lineup)]
        slot = lineup.index(player_id)
        opp_sp = league.players[game.away_starter if home else game.home_starter]
        vs_sp = league.matchup_rates(player, opp_sp)
        vs_pen = dict(player.rates)
        probs = {k: 0.65 * vs_sp[k] + 0.35 * vs_pen[k] for k in OUTCOMES}
        per = _per_event_dist(probs, market, BATTER_MARKETS[market])
        exp_pa = 4.65 - 0.105 * slot
        lo = math.floor(exp_pa)
        frac = exp_pa - lo
        dist = _mixture(((1 - frac, _power(per, lo)), (frac, _power(per, lo + 1))))
    elif market in PITCHER_MARKETS:
        lineup = [p for p, _ in (game.away_lineup if home else game.home_lineup)]
        rates = [league.matchup_rates(league.players[b], player) for b in lineup]
        probs = {k: mean([r[k] for r in rates]) for k in OUTCOMES}
        per = _per_event_dist(probs, market, PITCHER_MARKETS[market])
        # A starter leaves at the end of the inning in which he passes his target (drawn
        # around his tendency with sd 3), so he faces ~2.2 batters more than the tendency
        # (measured over 246 simulated starts) with a spread of ~3.2.
        t = (player.bf_tendency or 4.5) + _BF_OVERSHOOT
        parts = []
        for d in range(-7, 8):
            n = max(1, round(t) + d)
            parts.append((math.exp(-d * d / (2 * _BF_SD**2)), _power(per, n)))
        total_w = sum(w for w, _ in parts)
        dist = _mixture((w / total_w, d) for w, d in parts)
    else:
        raise KeyError(market)
    point, p_over, exp = _line_from_dist(dist)
    return TrueLine(game.game_pk, player_id, market, point, p_over, exp)


def book_prices(
    p_over: float, *, rng: random.Random, margin: float = 0.045, noise_sd: float = 0.08
) -> tuple[float, float]:
    """Implied (over, under) probabilities with margin and logit noise; they sum to 1+margin."""
    p = min(max(p_over, 0.02), 0.98)
    logit = math.log(p / (1 - p)) + rng.gauss(0.0, noise_sd)
    q = 1.0 / (1.0 + math.exp(-logit))
    return q * (1 + margin), (1 - q) * (1 + margin)

"""The Odds API v4 payloads: events, bulk featured-market odds and per-event player-prop odds,
priced by the simulated books from the true lines of :mod:`savantsdk.testing._oracle`.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Final

from .._league import SimulatedLeague
from .._oracle import (
    BATTER_MARKETS,
    PITCHER_MARKETS,
    american_from_prob,
    book_prices,
    decimal_from_prob,
    prop_line,
)
from .._world import (
    LEAGUE_RATES_2024,
    Game,
)
from .common import iso_z, prop_players

BOOKMAKERS: Final = (
    ("draftkings", "DraftKings", 0.045),
    ("fanduel", "FanDuel", 0.05),
    ("betmgm", "BetMGM", 0.06),
    ("williamhill_us", "Caesars", 0.055),
)
FEATURED_MARKETS: Final = frozenset(
    {"h2h", "spreads", "totals", "outrights", "h2h_lay", "outrights_lay"}
)
PROP_MARKETS: Final = frozenset(BATTER_MARKETS) | frozenset(PITCHER_MARKETS)


def event_id(league: SimulatedLeague, game: Game) -> str:
    return hashlib.md5(f"{league.seed}:{game.game_pk}".encode(), usedforsecurity=False).hexdigest()


def odds_event(league: SimulatedLeague, game: Game) -> dict[str, Any]:
    return {
        "id": event_id(league, game),
        "sport_key": "baseball_mlb",
        "sport_title": "MLB",
        "commence_time": iso_z(game.start),
        "home_team": league.team_by_id[game.home_id].name,
        "away_team": league.team_by_id[game.away_id].name,
    }


def _woba_rate(r: Mapping[str, float]) -> float:
    return (
        0.69 * r["BB"]
        + 0.72 * r["HBP"]
        + 0.89 * r["1B"]
        + 1.27 * r["2B"]
        + 1.62 * r["3B"]
        + 2.1 * r["HR"]
    )


def expected_runs(league: SimulatedLeague, game: Game) -> tuple[float, float]:
    """(away, home) expected runs from lineup and starter true talent."""
    lw = _woba_rate(LEAGUE_RATES_2024)
    out = []
    for lineup, opp_sp in (
        (game.away_lineup, game.home_starter),
        (game.home_lineup, game.away_starter),
    ):
        off = sum(_woba_rate(league.players[p].rates) for p, _ in lineup) / 9 / lw
        pit = 0.6 * _woba_rate(league.players[opp_sp].rates) / lw + 0.4
        out.append(4.4 * off**1.8 * pit**1.8)
    return out[0], out[1]


def _price(q: float, fmt: str) -> float | int:
    return american_from_prob(q) if fmt == "american" else decimal_from_prob(q)


def _norm_sf(x: float) -> float:
    return 0.5 * math.erfc(x / math.sqrt(2))


def bulk_odds_event(
    league: SimulatedLeague, game: Game, markets: Sequence[str], fmt: str, now: datetime
) -> dict[str, Any]:
    ev = odds_event(league, game)
    ra, rh = expected_runs(league, game)
    p_home = rh**1.83 / (rh**1.83 + ra**1.83) + 0.02
    total = ra + rh
    point = math.floor(total) + 0.5
    p_over = _norm_sf((point - total) / 4.3)
    home, away = ev["home_team"], ev["away_team"]
    books = []
    stamp = iso_z(min(now, game.start) - timedelta(minutes=3))
    for key, title, margin in BOOKMAKERS:
        rng = random.Random(f"odds:{league.seed}:{game.game_pk}:{key}")  # noqa: S311
        mk = []
        for m in markets:
            if m == "h2h":
                qh, qa = book_prices(p_home, rng=rng, margin=margin, noise_sd=0.05)
                outcomes = [
                    {"name": away, "price": _price(qa, fmt)},
                    {"name": home, "price": _price(qh, fmt)},
                ]
            elif m == "spreads":
                p_cover = min(0.9, max(0.1, p_home - 0.17))
                qh, qa = book_prices(p_cover, rng=rng, margin=margin, noise_sd=0.05)
                outcomes = [
                    {"name": away, "price": _price(qa, fmt), "point": 1.5},
                    {"name": home, "price": _price(qh, fmt), "point": -1.5},
                ]
            elif m == "totals":
                qo, qu = book_prices(p_over, rng=rng, margin=margin, noise_sd=0.05)
                outcomes = [
                    {"name": "Over", "price": _price(qo, fmt), "point": point},
                    {"name": "Under", "price": _price(qu, fmt), "point": point},
                ]
            else:
                continue
            mk.append({"key": m, "last_update": stamp, "outcomes": outcomes})
        books.append({"key": key, "title": title, "last_update": stamp, "markets": mk})
    return {**ev, "bookmakers": books}


def event_odds_json(
    league: SimulatedLeague,
    game: Game,
    markets: Sequence[str],
    fmt: str,
    now: datetime,
    *,
    bookmakers: Sequence[str] | None = None,
) -> tuple[dict[str, Any], int]:
    """The single-event odds object and the number of unique markets returned."""
    ev = odds_event(league, game)
    stamp = iso_z(min(now, game.start) - timedelta(minutes=2))
    returned: set[str] = set()
    books = []
    for key, title, margin in BOOKMAKERS:
        if bookmakers and key not in bookmakers:
            continue
        mk = []
        for m in markets:
            if m not in PROP_MARKETS:
                continue
            rng = random.Random(f"prop:{league.seed}:{game.game_pk}:{key}:{m}")  # noqa: S311
            outcomes = []
            for pid in prop_players(game, m):
                line = prop_line(league, game, pid, m)
                qo, qu = book_prices(line.p_over, rng=rng, margin=margin)
                name = league.players[pid].full_name
                outcomes.append(
                    {
                        "name": "Over",
                        "description": name,
                        "price": _price(qo, fmt),
                        "point": line.point,
                    }
                )
                outcomes.append(
                    {
                        "name": "Under",
                        "description": name,
                        "price": _price(qu, fmt),
                        "point": line.point,
                    }
                )
            mk.append({"key": m, "last_update": stamp, "outcomes": outcomes})
            returned.add(m)
        books.append({"key": key, "title": title, "markets": mk})
    return {**ev, "bookmakers": books}, len(returned)

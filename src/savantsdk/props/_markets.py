"""Market lines in one shape: :class:`MarketLine`, from PrizePicks boards and Odds API odds.

``source`` is ``"prizepicks"`` or ``"odds_api:<bookmaker>"``.  A sportsbook line carries both
prices of the same book at the same point (Over and Under are only paired within one book,
market and point); a PrizePicks line carries its ``odds_type`` (standard / demon / goblin).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

import attrs
import orjson

from ..exceptions import PropGenerationError, SavantError
from ..sources import EventOdds, ProjectionBoard, parse_event_odds, parse_odds, parse_projections
from ._distributions import Stat, check_line
from ._pricing import OddsType

__all__ = (
    "ODDS_API_MARKETS",
    "PRIZEPICKS_STATS",
    "LinesFile",
    "MarketLine",
    "lines_from_event_odds",
    "lines_from_prizepicks",
    "read_lines_file",
)

#: PrizePicks ``stat_type`` -> family.  Other MLB stat types (Runs, RBIs, Doubles, Stolen
#: Bases, Fantasy Score, combos, 1st-inning props) are not modelled and are skipped.
PRIZEPICKS_STATS: Final[dict[str, Stat]] = {
    "Hits": Stat.HITS,
    "Singles": Stat.SINGLES,
    "Total Bases": Stat.TOTAL_BASES,
    "Home Runs": Stat.HOME_RUNS,
    "Walks": Stat.WALKS,
    "Hitter Strikeouts": Stat.BATTER_STRIKEOUTS,
    "Hits+Runs+RBIs": Stat.HITS_RUNS_RBIS,
    "Pitcher Strikeouts": Stat.PITCHER_STRIKEOUTS,
    "Pitching Outs": Stat.PITCHER_OUTS,
    "Hits Allowed": Stat.HITS_ALLOWED,
    "Walks Allowed": Stat.WALKS_ALLOWED,
    "Earned Runs Allowed": Stat.EARNED_RUNS,
}

#: The Odds API MLB player-prop market keys -> family (``_alternate`` variants map the same).
ODDS_API_MARKETS: Final[dict[str, Stat]] = {
    "batter_hits": Stat.HITS,
    "batter_singles": Stat.SINGLES,
    "batter_total_bases": Stat.TOTAL_BASES,
    "batter_home_runs": Stat.HOME_RUNS,
    "batter_walks": Stat.WALKS,
    "batter_strikeouts": Stat.BATTER_STRIKEOUTS,
    "batter_hits_runs_rbis": Stat.HITS_RUNS_RBIS,
    "pitcher_strikeouts": Stat.PITCHER_STRIKEOUTS,
    "pitcher_outs": Stat.PITCHER_OUTS,
    "pitcher_hits_allowed": Stat.HITS_ALLOWED,
    "pitcher_walks": Stat.WALKS_ALLOWED,
    "pitcher_earned_runs": Stat.EARNED_RUNS,
}


@attrs.frozen
class MarketLine:
    """One market line for one player and stat.

    ``over_price``/``under_price`` are in ``odds_format`` (``"american"`` or ``"decimal"``),
    present for sportsbooks; PrizePicks lines have ``odds_type`` instead.  ``player_id`` is the
    MLBAM id when known (resolved by name otherwise); ``team`` helps that match.
    """

    player_name: str
    stat: Stat
    line: float
    source: str
    player_id: int | None = None
    team: str | None = None
    over_price: float | None = None
    under_price: float | None = None
    odds_format: str = "american"
    odds_type: OddsType | None = None
    updated_at: dt.datetime | None = None

    def __attrs_post_init__(self) -> None:
        check_line(self.line, stat=self.stat.value)


def lines_from_prizepicks(
    board: ProjectionBoard, *, league: str = "MLB"
) -> tuple[tuple[MarketLine, ...], dict[str, int]]:
    """MarketLines for ``league``'s supported projections, and counts of what was skipped
    (``{"unsupported_stat": n, "combo": n, "no_line": n}``)."""
    out: list[MarketLine] = []
    skipped = {"unsupported_stat": 0, "combo": 0, "no_line": 0}
    for proj in board.projections:
        if proj.league != league:
            continue
        if proj.is_combo:
            skipped["combo"] += 1
            continue
        stat = PRIZEPICKS_STATS.get(proj.stat_type or "")
        if stat is None:
            skipped["unsupported_stat"] += 1
            continue
        if proj.line_score is None or not proj.line_score > 0:
            skipped["no_line"] += 1
            continue
        out.append(
            MarketLine(
                player_name=proj.player_name or "",
                stat=stat,
                line=float(proj.line_score),
                source="prizepicks",
                team=proj.team,
                odds_type=OddsType(proj.odds_type.value) if proj.odds_type else OddsType.STANDARD,
                updated_at=proj.updated_at,
            )
        )
    return tuple(out), skipped


def lines_from_event_odds(events: Iterable[EventOdds]) -> tuple[MarketLine, ...]:
    """Pair Over/Under outcomes of the same book, market, player and point into MarketLines
    (one side alone is kept with the other price None).  Unknown markets are skipped."""
    out: list[MarketLine] = []
    for ev in events:
        fmt = (ev.odds_format.value if ev.odds_format else None) or "american"
        pairs: dict[tuple[str, str, str, float], dict[str, Any]] = {}
        for q in ev.prop_quotes():
            base = q.market.removesuffix("_alternate")
            stat = ODDS_API_MARKETS.get(base)
            if stat is None or q.player is None or q.point is None or q.price is None:
                continue
            if not q.point > 0:
                continue
            key = (q.bookmaker, base, q.player, float(q.point))
            slot = pairs.setdefault(key, {"stat": stat, "updated": q.last_update})
            side = (q.side or "").lower()
            if side in ("over", "under"):
                slot[side] = float(q.price)
        for (book, _, player, point), d in pairs.items():
            if "over" not in d and "under" not in d:
                continue
            out.append(
                MarketLine(
                    player_name=player,
                    stat=d["stat"],
                    line=point,
                    source=f"odds_api:{book}",
                    over_price=d.get("over"),
                    under_price=d.get("under"),
                    odds_format=fmt,
                    updated_at=d["updated"],
                )
            )
    return tuple(out)


def _detect(raw: Any) -> str:
    if isinstance(raw, dict) and "data" in raw and isinstance(raw["data"], list):
        first = raw["data"][0] if raw["data"] else {}
        if isinstance(first, dict) and first.get("type") == "projection":
            return "prizepicks"
        if isinstance(first, dict) and "bookmakers" in first:
            return "odds_api_list"
        if isinstance(raw.get("data"), list) and "included" in raw:
            return "prizepicks"
    if isinstance(raw, dict) and "bookmakers" in raw:
        return "odds_api_event"
    if isinstance(raw, dict) and isinstance(raw.get("data"), dict) and "bookmakers" in raw["data"]:
        return "odds_api_event"
    if isinstance(raw, list) and (
        not raw
        or (isinstance(raw[0], dict) and ("bookmakers" in raw[0] or "commence_time" in raw[0]))
    ):
        return "odds_api_list"
    return "unknown"


@attrs.frozen
class LinesFile:
    """A parsed line file: its lines, kind and what was skipped."""

    path: str
    kind: str
    lines: tuple[MarketLine, ...]
    skipped: dict[str, int]


def read_lines_file(path: str | Path) -> LinesFile:
    """Read a recorded PrizePicks board or Odds API odds JSON (auto-detected).

    Malformed files raise :class:`PropGenerationError` naming the file and the field.
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise PropGenerationError(f"{p}: cannot read line file: {exc}") from exc
    try:
        raw = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise PropGenerationError(f"{p}: not JSON ({exc})") from exc
    kind = _detect(raw)
    try:
        if kind == "prizepicks":
            lines, skipped = lines_from_prizepicks(parse_projections(data))
        elif kind == "odds_api_event":
            lines, skipped = lines_from_event_odds([parse_event_odds(data)]), {}
        elif kind == "odds_api_list":
            lines, skipped = lines_from_event_odds(parse_odds(data)), {}
        else:
            raise PropGenerationError(
                f"{p}: field '$': not a PrizePicks projections board or an Odds API odds payload"
            )
    except PropGenerationError:
        raise
    except SavantError as exc:
        raise PropGenerationError(f"{p}: malformed {kind} line file: {exc}") from exc
    return LinesFile(path=str(p), kind=kind, lines=lines, skipped=skipped)

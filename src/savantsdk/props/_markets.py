"""Market lines in one shape: :class:`MarketLine`, from PrizePicks boards and Odds API odds.

``source`` is ``"prizepicks"`` or ``"odds_api:<bookmaker>"``.  A sportsbook line carries both
prices of the same book at the same point (Over and Under are only paired within one book,
market and point); a PrizePicks line carries its ``odds_type`` (standard / demon / goblin).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Iterator
from pathlib import Path
from typing import Any, Final, TypeVar

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
    "line_game_day",
    "lines_from_event_odds",
    "lines_from_prizepicks",
    "odds_api_line",
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


#: A line's game day is its start time in UTC minus this: US Eastern minus a margin, so that
#: a 10:40 pm ET start (02:40 UTC) stays on its own day, and a 7 pm start in Tokyo (10:00 UTC)
#: on the day MLB lists it.
_GAME_DAY_SHIFT: Final = dt.timedelta(hours=6)


def line_game_day(start_time: dt.datetime) -> dt.date:
    """The MLB game day of a line whose game starts at ``start_time`` (timezone-aware; a naive
    time is taken as UTC): the UTC date of ``start_time - 6 h``."""
    if start_time.tzinfo is not None:
        start_time = start_time.astimezone(dt.UTC).replace(tzinfo=None)
    return (start_time - _GAME_DAY_SHIFT).date()


@attrs.frozen
class MarketLine:
    """One market line for one player and stat.

    ``over_price``/``under_price`` are in ``odds_format`` (``"american"`` or ``"decimal"``),
    present for sportsbooks; PrizePicks lines have ``odds_type`` instead.  ``player_id`` is the
    MLBAM id when known (resolved by name otherwise); ``team`` helps that match.

    ``start_time`` is the start of the line's game (PrizePicks ``start_time``, Odds API
    ``commence_time``): a line is only priced against a game of its own day, and a team's two
    games of a doubleheader are told apart by it.  ``line_id`` names the line at its source
    (the PrizePicks projection id; for the Odds API ``<event>:<book>:<market>:<player>:<point>``)
    and ``game_id`` the source's game (PrizePicks game id, Odds API event id).
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
    start_time: dt.datetime | None = None
    line_id: str | None = None
    game_id: str | None = None
    opponent: str | None = None

    def __attrs_post_init__(self) -> None:
        check_line(self.line, stat=self.stat.value)

    @property
    def game_day(self) -> dt.date | None:
        """:func:`line_game_day` of ``start_time`` (None without a start time)."""
        return None if self.start_time is None else line_game_day(self.start_time)


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
                odds_type=proj.odds_type or OddsType.STANDARD,
                updated_at=proj.updated_at,
                start_time=proj.start_time,
                line_id=proj.id,
                game_id=proj.game_id,
                opponent=proj.opponent,
            )
        )
    return tuple(out), skipped


K = TypeVar("K", bound=Hashable)
Q = TypeVar("Q")


def pair_over_under(
    quotes: Iterable[tuple[K, str | None, float, Q]],
) -> Iterator[tuple[K, Q, float | None, float | None]]:
    """The one Over/Under pairing: ``(key, side, price, quote)`` in, per key (in first-seen
    order) the first quote and the last Over and Under prices out.  A side other than
    over/under (any case) only opens its key; a key with neither price is dropped, a lone side
    keeps the other price ``None``."""
    slots: dict[K, list[Any]] = {}
    for key, side, price, quote in quotes:
        slot = slots.get(key)
        if slot is None:
            slot = slots[key] = [quote, None, None]
        which = (side or "").lower()
        if which == "over":
            slot[1] = price
        elif which == "under":
            slot[2] = price
    for key, (first, over, under) in slots.items():
        if over is not None or under is not None:
            yield key, first, over, under


def lines_from_event_odds(events: Iterable[EventOdds]) -> tuple[MarketLine, ...]:
    """Pair Over/Under outcomes of the same book, market, player and point into MarketLines
    (one side alone is kept with the other price None).  Unknown markets are skipped."""
    out: list[MarketLine] = []
    for ev in events:
        fmt = (ev.odds_format.value if ev.odds_format else None) or "american"
        quotes: list[tuple[tuple[str, str, str, float], str | None, float, Any]] = []
        for q in ev.prop_quotes():
            base = q.market.removesuffix("_alternate")
            stat = ODDS_API_MARKETS.get(base)
            if stat is None or q.player is None or q.point is None or q.price is None:
                continue
            if not q.point > 0:
                continue
            key = (q.bookmaker, base, q.player, float(q.point))
            quotes.append((key, q.side, float(q.price), (stat, q.last_update)))
        for (book, market, player, point), (stat, updated), over, under in pair_over_under(quotes):
            line_key = (ev.id, book, market, player, point)
            line = odds_api_line(
                line_key, stat, (over, under), fmt, updated_at=updated, start_time=ev.commence_time
            )
            out.append(line)
    return tuple(out)


def odds_api_line(
    key: tuple[str | None, str, str, str, float],
    stat: Stat,
    prices: tuple[float | None, float | None],
    odds_format: str,
    *,
    updated_at: dt.datetime | None,
    start_time: dt.datetime | None,
    player_id: int | None = None,
    team: str | None = None,
) -> MarketLine:
    """One sportsbook's paired Over/Under from the Odds API (``key`` is ``(event, bookmaker,
    market, player, point)``, ``prices`` is ``(over, under)``): the one place its ``source``
    (``odds_api:<book>``) and ``line_id`` (``event:book:market:player:point``) are spelled."""
    event, book, market, player, point = key
    over, under = prices
    return MarketLine(
        player_name=player,
        stat=stat,
        line=point,
        source=f"odds_api:{book}",
        player_id=player_id,
        team=team,
        over_price=over,
        under_price=under,
        odds_format=odds_format,
        updated_at=updated_at,
        start_time=start_time,
        line_id=f"{event}:{book}:{market}:{player}:{point:g}",
        game_id=event,
    )


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

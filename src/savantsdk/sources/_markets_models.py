# ruff: noqa: RUF009  (attrs fields built by small factories: converters + defaults)
"""Typed models and pure payload parsers for PrizePicks and The Odds API v4.

PrizePicks (unofficial JSON:API ``/projections``)::

    board = parse_projections(body, league_id=MLB_LEAGUE_ID)   # data[] joined with included[]
    standard = [p for p in board.projections if p.odds_type is OddsType.STANDARD]

The Odds API v4::

    sports = parse_sports(body)                  # /v4/sports
    events = parse_events(body)                  # /v4/sports/{sport}/events
    odds = parse_odds(body, odds_format="american")   # /v4/sports/{sport}/odds (array)
    event = parse_event_odds(body)               # /v4/sports/{sport}/events/{id}/odds (object)
    quota = quota_from_headers(response.headers) # x-requests-remaining/used/last
    cost = estimate_cost("event_odds", markets=["batter_hits"], regions=["us"])

Prices are kept exactly as the API sent them, with the odds format next to them (the payload
itself does not say which format it is in; pass the ``oddsFormat`` you requested, or let the
parser infer it from the prices).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final, Literal

import attrs

from .._memo import IdentityMemo
from ..exceptions import ConfigurationError, SourceDecodeError
from ._parse import (
    as_dict,
    bool_field as _bool,
    datetime_field as _dt,
    decode_json,
    expect_dict,
    expect_list,
    float_field as _float,
    int_field as _int,
    str_field as _str,
    structure_payload,
    to_bool,
    to_float,
    to_int,
    to_str,
)

# The public names are listed once: ``__all__`` of ``savantsdk.sources.odds_api`` and
# ``savantsdk.sources.prizepicks``.

PRIZEPICKS: Final = "prizepicks"
ODDS_API: Final = "odds_api"

#: PrizePicks ``league_id`` of MLB (231 is the live-game board "MLBLIVE").
MLB_LEAGUE_ID: Final = 2


# =========================================================================== PrizePicks


class OddsType(enum.StrEnum):
    """PrizePicks line kind (``odds_type``): only ``STANDARD`` lines are comparable to a ~50/50
    market line and pay the entry table.

    ``DEMON`` lines are set higher (harder, boosted payout), ``GOBLIN`` lines lower (easier,
    reduced payout).
    """

    STANDARD = "standard"
    DEMON = "demon"
    GOBLIN = "goblin"


def _flag(value: Any) -> bool:
    return bool(to_bool(value))


def _odds_type(value: Any) -> OddsType | None:
    if isinstance(value, OddsType):
        return value
    try:
        return OddsType(str(value).strip().lower()) if value is not None else None
    except ValueError:
        return None


@attrs.frozen
class PrizePicksPlayer:
    """An ``included[]`` ``new_player``; ``combo`` players are two players summed."""

    id: str
    name: str | None = _str()
    display_name: str | None = _str()
    team: str | None = _str()
    team_name: str | None = _str()
    market: str | None = _str()
    position: str | None = _str()
    league: str | None = _str()
    league_id: int | None = _int()
    combo: bool = attrs.field(default=False, converter=_flag)


@attrs.frozen
class Projection:
    """One PrizePicks line, joined with its player.

    ``description`` is the opponent (team abbreviation); ``odds_type`` is ``None`` for a kind
    this SDK does not know yet (the raw value stays in ``odds_type_raw``).
    """

    id: str
    line_score: float | None = _float()
    stat_type: str | None = _str()
    odds_type: OddsType | None = attrs.field(default=None, converter=_odds_type)
    odds_type_raw: str | None = _str()
    player_id: str | None = _str()
    player_name: str | None = _str()
    team: str | None = _str()
    position: str | None = _str()
    league: str | None = _str()
    league_id: int | None = _int()
    start_time: datetime | None = _dt()
    board_time: datetime | None = _dt()
    updated_at: datetime | None = _dt()
    game_id: str | None = _str()
    description: str | None = _str()
    status: str | None = _str()
    is_promo: bool | None = _bool()
    adjusted_odds: bool | None = _bool()
    is_combo: bool = attrs.field(default=False, converter=_flag)
    flash_sale_line_score: float | None = _float()
    projection_type: str | None = _str()
    duration: str | None = _str()

    @property
    def opponent(self) -> str | None:
        return self.description


@attrs.frozen
class ProjectionBoard:
    """A ``/projections`` page: the joined rows, their players, and the pagination meta.

    With a ``league_id`` filter, ``players`` keeps only the players of the kept rows.
    """

    projections: tuple[Projection, ...] = ()
    players: dict[str, PrizePicksPlayer] = attrs.field(factory=dict)
    current_page: int | None = _int()
    total_pages: int | None = _int()


def _rel_id(relationships: Mapping[str, Any], name: str) -> str | None:
    rel = relationships.get(name)
    data = rel.get("data") if isinstance(rel, dict) else None
    return to_str(data.get("id")) if isinstance(data, dict) else None


def parse_projections(
    data: bytes | str, *, league_id: int | None = None, request: str | None = None
) -> ProjectionBoard:
    """Parse a PrizePicks ``/projections`` response, joining ``data[]`` with ``included[]``.

    ``league_id`` keeps only that league's rows (``MLB_LEAGUE_ID`` = 2); rows whose player is
    missing from ``included[]`` are kept with ``player_name=None``.
    """
    raw = decode_json(
        data, source=PRIZEPICKS, expected="projections JSON:API object", request=request
    )
    body = expect_dict(raw, source=PRIZEPICKS, path="$", expected="projections JSON:API object")
    items = expect_list(body.get("data"), source=PRIZEPICKS, path="$.data")
    included = expect_list(body.get("included", []), source=PRIZEPICKS, path="$.included")

    names: dict[tuple[str, str], dict[str, Any]] = {}
    player_rows: list[dict[str, Any]] = []
    for index, item in enumerate(included):
        obj = expect_dict(item, source=PRIZEPICKS, path=f"$.included[{index}]")
        kind, ident = to_str(obj.get("type")), to_str(obj.get("id"))
        if kind is None or ident is None:
            continue
        attributes = as_dict(obj.get("attributes"))
        names[(kind, ident)] = attributes
        if kind == "new_player":
            player_rows.append({**attributes, "id": ident})
    players = {
        p.id: p
        for p in structure_payload(
            player_rows, tuple[PrizePicksPlayer, ...], source=PRIZEPICKS, path="$.included"
        )
    }

    rows: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        obj = expect_dict(item, source=PRIZEPICKS, path=f"$.data[{index}]")
        if obj.get("type", "projection") != "projection":
            continue
        ident = to_str(obj.get("id"))
        if ident is None:
            raise SourceDecodeError(f"projection without id at $.data[{index}]", source=PRIZEPICKS)
        attributes = as_dict(obj.get("attributes"))
        rels = as_dict(obj.get("relationships"))
        player_id = _rel_id(rels, "new_player")
        player = players.get(player_id) if player_id else None
        row_league = to_int(_rel_id(rels, "league"))
        if row_league is None and player is not None:
            row_league = player.league_id
        if league_id is not None and row_league != league_id:
            continue
        stat_type_id = _rel_id(rels, "stat_type")
        duration_id = _rel_id(rels, "duration")
        rows.append(
            {
                "id": ident,
                "line_score": attributes.get("line_score"),
                "stat_type": attributes.get("stat_type")
                or names.get(("stat_type", stat_type_id or ""), {}).get("name"),
                "odds_type": attributes.get("odds_type"),
                "odds_type_raw": attributes.get("odds_type"),
                "player_id": player_id,
                "player_name": player.name if player else None,
                "team": player.team if player else None,
                "position": player.position if player else None,
                "league": player.league if player else None,
                "league_id": row_league,
                "start_time": attributes.get("start_time"),
                "board_time": attributes.get("board_time"),
                "updated_at": attributes.get("updated_at"),
                "game_id": attributes.get("game_id"),
                "description": attributes.get("description"),
                "status": attributes.get("status"),
                "is_promo": attributes.get("is_promo"),
                "adjusted_odds": attributes.get("adjusted_odds"),
                "is_combo": player.combo if player else False,
                "flash_sale_line_score": attributes.get("flash_sale_line_score"),
                "projection_type": attributes.get("projection_type"),
                "duration": names.get(("duration", duration_id), {}).get("name")
                if duration_id
                else None,
            }
        )
    projections = structure_payload(rows, tuple[Projection, ...], source=PRIZEPICKS, path="$.data")
    if league_id is not None:
        referenced = {p.player_id for p in projections}
        players = {key: player for key, player in players.items() if key in referenced}
    meta = as_dict(body.get("meta"))
    return ProjectionBoard(
        projections=projections,
        players=players,
        current_page=meta.get("current_page"),
        total_pages=meta.get("total_pages"),
    )


# ======================================================================== The Odds API v4


class OddsFormat(enum.StrEnum):
    """How a price is written: ``american`` (+150 / -120) or ``decimal`` (2.50); The Odds
    API's ``oddsFormat`` (the payload does not repeat it)."""

    AMERICAN = "american"
    DECIMAL = "decimal"


#: An odds format argument: the enum or its string value.
OddsFormatArg = OddsFormat | Literal["american", "decimal"]


def _odds_format(value: Any) -> OddsFormat | None:
    if value is None or isinstance(value, OddsFormat):
        return value
    try:
        return OddsFormat(str(value).strip().lower())
    except ValueError as exc:
        raise ConfigurationError(
            f"odds_format must be 'american' or 'decimal', got {value!r}", setting="odds_format"
        ) from exc


#: Markets the bulk ``/odds`` endpoint accepts; everything else needs event odds.
FEATURED_MARKETS: Final = ("h2h", "spreads", "totals", "outrights", "h2h_lay", "outrights_lay")

#: MLB batter prop keys (event-odds endpoint only; ``batter_fantasy_score`` is ``us_dfs`` only).
MLB_BATTER_PROP_MARKETS: Final = (
    "batter_home_runs",
    "batter_first_home_run",
    "batter_hits",
    "batter_total_bases",
    "batter_rbis",
    "batter_runs_scored",
    "batter_hits_runs_rbis",
    "batter_singles",
    "batter_doubles",
    "batter_triples",
    "batter_walks",
    "batter_strikeouts",
    "batter_stolen_bases",
    "batter_fantasy_score",
)

#: MLB pitcher prop keys (event-odds endpoint only).
MLB_PITCHER_PROP_MARKETS: Final = (
    "pitcher_strikeouts",
    "pitcher_record_a_win",
    "pitcher_hits_allowed",
    "pitcher_walks",
    "pitcher_earned_runs",
    "pitcher_outs",
)

#: All MLB player-prop keys (batter then pitcher).
MLB_PLAYER_PROP_MARKETS: Final = MLB_BATTER_PROP_MARKETS + MLB_PITCHER_PROP_MARKETS

#: Alternate-line prop keys named in the market docs (``<key>_alternate``; the upstream offers
#: more for "most" keys, so treat this list as known-good, not complete).
MLB_ALTERNATE_PROP_MARKETS: Final = (
    "batter_total_bases_alternate",
    "pitcher_strikeouts_alternate",
    "batter_hits_runs_rbis_alternate",
    "batter_fantasy_score_alternate",
)

#: MLB period game markets (first 1/3/5/7 innings).
MLB_PERIOD_MARKETS: Final = tuple(
    f"{market}_1st_{innings}_innings"
    for innings in (1, 3, 5, 7)
    for market in ("h2h", "spreads", "totals")
)


@attrs.frozen
class Sport:
    """``/v4/sports`` entry."""

    key: str
    group: str | None = _str()
    title: str | None = _str()
    description: str | None = _str()
    active: bool | None = _bool()
    has_outrights: bool | None = _bool()


@attrs.frozen
class OddsApiEvent:
    """``/v4/sports/{sport}/events`` entry (free endpoint)."""

    id: str
    sport_key: str | None = _str()
    sport_title: str | None = _str()
    commence_time: datetime | None = _dt()
    home_team: str | None = _str()
    away_team: str | None = _str()
    home_rotation: int | None = _int()
    away_rotation: int | None = _int()


@attrs.frozen
class OddsOutcome:
    """A priced outcome.  Player props: ``name`` Over/Under or Yes/No, ``description`` player."""

    name: str | None = _str()
    price: float | None = _float()
    point: float | None = _float()
    description: str | None = _str()
    bet_limit: float | None = _float()  # only with includeBetLimits=true


@attrs.frozen
class Market:
    """``last_update`` is absent in older (2022) responses."""

    key: str
    last_update: datetime | None = _dt()
    outcomes: tuple[OddsOutcome, ...] = ()


@attrs.frozen
class Bookmaker:
    """One sportsbook's markets for an event (``key`` like ``draftkings``, ``last_update``)."""

    key: str
    title: str | None = _str()
    last_update: datetime | None = _dt()
    markets: tuple[Market, ...] = ()

    def market(self, key: str) -> Market | None:
        return next((m for m in self.markets if m.key == key), None)


@attrs.frozen
class PropQuote:
    """One bookmaker's price on one side of a player prop (flattened for analysis)."""

    bookmaker: str
    market: str
    player: str | None
    side: str | None
    point: float | None
    price: float | None
    odds_format: OddsFormat | None
    last_update: datetime | None


_QUOTES: IdentityMemo[EventOdds, tuple[PropQuote, ...]] = IdentityMemo()


@attrs.frozen
class EventOdds:
    """An event with bookmaker odds, from ``/odds`` (one per event) or ``/events/{id}/odds``."""

    id: str
    sport_key: str | None = _str()
    sport_title: str | None = _str()
    commence_time: datetime | None = _dt()
    home_team: str | None = _str()
    away_team: str | None = _str()
    bookmakers: tuple[Bookmaker, ...] = ()
    odds_format: OddsFormat | None = attrs.field(default=None, converter=_odds_format)

    def bookmaker(self, key: str) -> Bookmaker | None:
        return next((b for b in self.bookmakers if b.key == key), None)

    def prop_quotes(self, market: str | None = None) -> tuple[PropQuote, ...]:
        """Player-prop outcomes (those with a ``description``), optionally for one market.

        The full list is computed once per object (cached values are shared, so a warm
        cycle reuses it)."""
        if market is None:
            return _QUOTES.get_or_make(self, lambda: self._prop_quotes(None))
        return self._prop_quotes(market)

    def _prop_quotes(self, market: str | None) -> tuple[PropQuote, ...]:
        return tuple(
            PropQuote(
                bookmaker=book.key,
                market=mkt.key,
                player=outcome.description,
                side=outcome.name,
                point=outcome.point,
                price=outcome.price,
                odds_format=self.odds_format,
                last_update=mkt.last_update or book.last_update,
            )
            for book in self.bookmakers
            for mkt in book.markets
            if market is None or mkt.key == market
            for outcome in mkt.outcomes
            if outcome.description is not None
        )


@attrs.frozen
class Quota:
    """Credits from ``x-requests-remaining`` / ``x-requests-used`` / ``x-requests-last``."""

    remaining: float | None = _float()
    used: float | None = _float()
    last: float | None = _float()


@attrs.frozen
class OddsApiErrorBody:
    """``{"message", "error_code", "details_url"}`` error bodies (branch on ``error_code``)."""

    message: str | None = _str()
    error_code: str | None = _str()
    details_url: str | None = _str()


def quota_from_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> Quota:
    """Read the quota headers (case-insensitive); missing or garbled values are ``None``."""
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    lowered = {str(k).lower(): v for k, v in pairs}
    return Quota(
        remaining=to_float(lowered.get("x-requests-remaining")),
        used=to_float(lowered.get("x-requests-used")),
        last=to_float(lowered.get("x-requests-last")),
    )


def parse_odds_api_error(data: bytes | str) -> OddsApiErrorBody | None:
    """The error body, or ``None`` unless ``data`` is a JSON object with message/error_code."""
    try:
        raw = decode_json(data, source=ODDS_API, expected="error JSON object")
    except SourceDecodeError:
        return None
    if not isinstance(raw, dict) or not ({"message", "error_code"} & raw.keys()):
        return None
    return structure_payload(raw, OddsApiErrorBody, source=ODDS_API)


def infer_odds_format(prices: Iterable[float]) -> OddsFormat | None:
    """Guess the format from prices: negatives or all >= 100 -> American, fractions -> decimal."""
    values = [p for p in prices if math.isfinite(p)]
    if not values:
        return None
    if any(p < 0 for p in values):
        return OddsFormat.AMERICAN
    if any(not float(p).is_integer() for p in values):
        return OddsFormat.DECIMAL
    if all(p >= 100 for p in values):
        return OddsFormat.AMERICAN
    return None


def _prices(events: Iterable[dict[str, Any]]) -> Iterable[float]:
    # Only for inferring the odds format: a malformed branch is skipped here and reported by
    # the structuring that follows, with its path.
    def dicts(value: Any) -> Iterable[dict[str, Any]]:
        return (v for v in value if isinstance(v, dict)) if isinstance(value, list) else ()

    for event in events:
        for book in dicts(event.get("bookmakers")):
            for market in dicts(book.get("markets")):
                for outcome in dicts(market.get("outcomes")):
                    price = to_float(outcome.get("price"))
                    if price is not None:
                        yield price


def _events_with_format(
    events: list[dict[str, Any]], odds_format: OddsFormat | str | None
) -> list[dict[str, Any]]:
    fmt = (
        _odds_format(odds_format) if odds_format is not None else infer_odds_format(_prices(events))
    )
    return [{**event, "odds_format": fmt} for event in events]


def _unwrap_historical(raw: Any) -> Any:
    # Historical endpoints wrap the payload: {timestamp, previous_timestamp, next_timestamp, data}.
    if isinstance(raw, dict) and "data" in raw and "timestamp" in raw:
        return raw["data"]
    return raw


def parse_sports(data: bytes | str, *, request: str | None = None) -> tuple[Sport, ...]:
    """Parse ``/v4/sports``."""
    raw = decode_json(data, source=ODDS_API, expected="array of sports", request=request)
    items = expect_list(raw, source=ODDS_API, path="$", expected="array of sports")
    return structure_payload(items, tuple[Sport, ...], source=ODDS_API)


def parse_events(data: bytes | str, *, request: str | None = None) -> tuple[OddsApiEvent, ...]:
    """Parse ``/v4/sports/{sport}/events`` (or its historical envelope)."""
    raw = decode_json(data, source=ODDS_API, expected="array of events", request=request)
    items = expect_list(
        _unwrap_historical(raw), source=ODDS_API, path="$", expected="array of events"
    )
    return structure_payload(items, tuple[OddsApiEvent, ...], source=ODDS_API)


def parse_odds(
    data: bytes | str,
    *,
    odds_format: OddsFormat | Literal["american", "decimal"] | None = None,
    request: str | None = None,
) -> tuple[EventOdds, ...]:
    """Parse bulk ``/v4/sports/{sport}/odds`` (an array of events, or the historical envelope).

    ``odds_format`` is the ``oddsFormat`` you requested; when ``None`` it is inferred.
    """
    raw = decode_json(data, source=ODDS_API, expected="array of events with odds", request=request)
    items = expect_list(
        _unwrap_historical(raw), source=ODDS_API, path="$", expected="array of events with odds"
    )
    events = [expect_dict(e, source=ODDS_API, path=f"$[{i}]") for i, e in enumerate(items)]
    return structure_payload(
        _events_with_format(events, odds_format), tuple[EventOdds, ...], source=ODDS_API
    )


def parse_event_odds(
    data: bytes | str,
    *,
    odds_format: OddsFormat | Literal["american", "decimal"] | None = None,
    request: str | None = None,
) -> EventOdds:
    """Parse ``/v4/sports/{sport}/events/{eventId}/odds`` (a single event object)."""
    raw = decode_json(data, source=ODDS_API, expected="event odds JSON object", request=request)
    event = expect_dict(
        _unwrap_historical(raw), source=ODDS_API, path="$", expected="event odds JSON object"
    )
    (shaped,) = _events_with_format([event], odds_format)
    return structure_payload(shaped, EventOdds, source=ODDS_API)


CostEndpoint = Literal[
    "sports",
    "events",
    "odds",
    "event_odds",
    "event_markets",
    "scores",
    "participants",
    "historical_odds",
    "historical_events",
    "historical_event_odds",
]


def _count(value: Sequence[str] | str | int | None) -> int:
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return len([part for part in value.split(",") if part.strip()])
    return len(set(value))


def estimate_cost(
    endpoint: CostEndpoint,
    *,
    markets: Sequence[str] | str | int = 1,
    regions: Sequence[str] | str | int = 1,
    bookmakers: Sequence[str] | str | int | None = None,
    days_from: int | None = None,
) -> int:
    """Upper-bound credit cost of one call, per SOURCES-markets §1.2.

    - ``sports`` and ``events``: free.
    - ``odds`` / ``event_odds``: markets x region-equivalents; ``historical_*`` odds x10.
      ``bookmakers`` takes precedence over ``regions``: every started 10 bookmakers = 1 region.
      For event odds the upstream bills the markets *returned*, so this is an upper bound.
    - ``event_markets``, ``participants``, ``historical_events``: 1; ``scores``: 1, or 2 with
      ``days_from``.  Empty responses are not billed upstream (not modelled here).
    """
    if endpoint in {"sports", "events"}:
        return 0
    if endpoint in {"event_markets", "participants", "historical_events"}:
        return 1
    if endpoint == "scores":
        return 2 if days_from else 1
    n_markets = max(_count(markets), 1)
    n_books = _count(bookmakers)
    region_equiv = math.ceil(n_books / 10) if n_books else max(_count(regions), 1)
    cost = n_markets * region_equiv
    return cost * 10 if endpoint.startswith("historical") else cost

"""The Odds API v4 client: sports, events, bulk odds, event (player-prop) odds, quota, budget.

::

    odds = OddsApiClient(client, budget=200)         # spend at most 200 credits
    events = (await odds.events()).value            # free
    game = (await odds.odds(markets=("h2h", "totals"))).value  # bulk, featured markets only
    props = (await odds.event_odds(events[0].id)).value        # every MLB player-prop key
    odds.quota                                       # x-requests-remaining/used/last

Cost is estimated *before* a call (markets x region-equivalents, 10 bookmakers = 1 region,
historical x10) and a call that would take this client past its ``budget`` raises
:class:`~savantsdk.exceptions.QuotaExceededError` (``status_code=0``,
``error_code="BUDGET_EXCEEDED"``) without any network I/O.  A cache hit costs nothing.

With a fleet :class:`~savantsdk.coordination.CreditLedger` (``credit_ledger=``, or the client's
``coordination``), the estimate is also reserved in the fleet's shared account, which refuses
(``error_code="FLEET_CREDITS_EXHAUSTED"``) a call that could overdraw the account given every
call in flight; each response's quota headers update it.  Without one, nothing changes.

The API key travels in the ``apiKey`` query parameter (the only auth the API has).  It never
enters a cache key, a coalescing key, a log line, an exception or a repr: keys are built from
the other parameters, and every URL the SDK prints passes through the redactor.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs
import httpx
import orjson

from ..cache import cache_key
from ..exceptions import ConfigurationError, QuotaExceededError
from ..executor import Lane
from ._fetch import cached_fetch, head_probe
from ._markets_models import (
    FEATURED_MARKETS,
    MLB_PLAYER_PROP_MARKETS,
    CostEndpoint,
    EventOdds,
    OddsApiEvent,
    OddsFormat,
    OddsFormatArg,
    Quota,
    Sport,
    estimate_cost,
    parse_event_odds,
    parse_events,
    parse_odds,
    parse_sports,
    quota_from_headers,
)
from ._parse import to_datetime
from ._quality import Fetched, QuotaStatus, check_required

if TYPE_CHECKING:
    from ..coordination import CreditLedger, CreditTicket
    from ..typing import SourceContext

__all__ = ("MLB_SPORT_KEY", "OddsApiClient", "OddsUsage")

log = logging.getLogger("savantsdk")

SOURCE: Final = "odds_api"
#: The Odds API's sport key for Major League Baseball.
MLB_SPORT_KEY: Final = "baseball_mlb"
_EVENT_ID: Final = re.compile(r"^[0-9a-f]{32}$")
_SPORT_KEY: Final = re.compile(r"^[a-z0-9_]+$")

T = TypeVar("T")


@attrs.frozen
class OddsUsage:
    """What this client knows about credits: the last quota headers seen, what it spent, and
    the user's budget (``None``: no budget)."""

    quota: Quota | None
    spent: float
    reserved: float
    budget: float | None

    @property
    def budget_left(self) -> float | None:
        if self.budget is None:
            return None
        return max(0.0, self.budget - self.spent - self.reserved)


def _names(value: Sequence[str] | str | None, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else list(value)
    out: list[str] = []
    for item in items:
        for piece in str(item).split(","):
            part = piece.strip()
            if not part:
                continue
            if not _SPORT_KEY.match(part):
                raise ConfigurationError(
                    f"{what} entries must be lowercase keys like 'batter_hits', got {part!r}",
                    setting=what,
                )
            if part not in out:
                out.append(part)
    return tuple(out)


def _event_id(event_id: str) -> str:
    raw: object = event_id
    if not isinstance(raw, str) or not _EVENT_ID.match(raw):
        raise ConfigurationError(
            f"The Odds API event ids are 32 lowercase hex characters, got {event_id!r}",
            setting="event_id",
        )
    return event_id


def _iso(value: datetime | None, what: str) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ConfigurationError(f"{what} must be timezone-aware", setting=what)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _fmt(value: OddsFormatArg) -> OddsFormat:
    try:
        return OddsFormat(value)
    except ValueError:
        raise ConfigurationError(
            f"odds_format must be 'american' or 'decimal', got {value!r}", setting="odds_format"
        ) from None


def _latest_update(events: Sequence[EventOdds]) -> datetime | None:
    stamps = [
        stamp
        for event in events
        for book in event.bookmakers
        for stamp in (book.last_update, *(m.last_update for m in book.markets))
        if stamp is not None
    ]
    return max(stamps) if stamps else None


def _markets(markets: Sequence[str] | str) -> tuple[str, ...]:
    mkts = _names(markets, "markets")
    if not mkts:
        raise ConfigurationError("markets must name at least one market", setting="markets")
    return mkts


def _odds_query(
    markets: Sequence[str], regions: Sequence[str], books: Sequence[str], fmt: OddsFormat
) -> dict[str, str | None]:
    """The query every odds endpoint shares (``None`` values are left out of the URL)."""
    return {
        "markets": ",".join(markets),
        "regions": ",".join(regions) or None,
        "bookmakers": ",".join(books) or None,
        "oddsFormat": fmt.value,
        "dateFormat": "iso",
    }


class OddsApiClient:
    """The Odds API v4 through ``client``'s executor (25 requests/s by default) and cache.

    ``budget``: the most credits this client may spend (``None``: no limit); calls whose
    estimated cost would pass it are refused before any network I/O.  ``credit_ledger``: a fleet
    credit account (default: the client's ``coordination``'s, if any).  Use as
    ``client.odds_api``.
    """

    def __init__(
        self,
        client: SourceContext,
        *,
        budget: float | None = None,
        credit_ledger: CreditLedger | None = None,
    ) -> None:
        raw: object = budget
        if raw is not None and (
            isinstance(raw, bool)
            or not isinstance(raw, int | float)
            or not math.isfinite(raw)
            or raw < 0
        ):
            raise ConfigurationError(
                f"budget must be a finite number of credits >= 0 (or None), got {budget!r}",
                setting="budget",
            )
        self._client = client
        self._budget = None if budget is None else float(budget)
        self._spent = 0.0
        self._reserved = 0.0
        self._quota: Quota | None = None
        if credit_ledger is None:
            coordination = getattr(client, "coordination", None)
            if coordination is not None:
                credit_ledger = coordination.credit_ledger(SOURCE)
        self._credits = credit_ledger

    def __repr__(self) -> str:
        return (
            f"<OddsApiClient spent={self._spent:g} budget={self._budget!r} "
            f"remaining={self._quota.remaining if self._quota else None!r}>"
        )

    # ------------------------------------------------------------------ health

    def quota_status(self) -> QuotaStatus:
        """Credits left and used (the last response's headers) and this client's budget."""
        usage = self.usage
        quota = usage.quota
        return QuotaStatus(
            remaining=None if quota is None else quota.remaining,
            used=None if quota is None else quota.used,
            budget_left=usage.budget_left,
        )

    async def health_probe(self, *, timeout_s: float) -> int:
        """With a key: ``GET /v4/sports`` (free; refreshes the credit count), 200 on success.
        Without one: ``HEAD /`` like every other source."""
        if self._client.api_keys.odds_api is None:
            return await head_probe(self._client, SOURCE, timeout_s=timeout_s)
        await self.refresh_quota()
        return 200

    # ------------------------------------------------------------------ quota and budget

    @property
    def quota(self) -> Quota | None:
        """The quota headers of the last response (``None`` before the first call)."""
        return self._quota

    @property
    def usage(self) -> OddsUsage:
        return OddsUsage(
            quota=self._quota, spent=self._spent, reserved=self._reserved, budget=self._budget
        )

    def estimate(
        self,
        endpoint: CostEndpoint,
        *,
        markets: Sequence[str] | str | int = 1,
        regions: Sequence[str] | str | int = 1,
        bookmakers: Sequence[str] | str | int | None = None,
    ) -> int:
        """The upper-bound credit cost of a call (see :func:`estimate_cost`)."""
        return estimate_cost(endpoint, markets=markets, regions=regions, bookmakers=bookmakers)

    def _reserve(self, cost: float, what: str) -> None:
        if self._budget is None or cost <= 0:
            self._reserved += cost
            return
        committed = self._spent + self._reserved
        if committed + cost > self._budget:
            raise QuotaExceededError(
                f"refused {what}: it may cost up to {cost:g} credits and this client has "
                f"{max(0.0, self._budget - committed):g} of its budget of {self._budget:g} left "
                "(no request was sent)",
                source=SOURCE,
                status_code=0,
                error_code="BUDGET_EXCEEDED",
            )
        self._reserved += cost

    def _settle(self, reserved: float, response: httpx.Response | None) -> None:
        self._reserved = max(0.0, self._reserved - reserved)
        if response is None:
            return
        quota = quota_from_headers(response.headers)
        if quota != Quota():
            self._quota = quota
        charged = quota.last if quota.last is not None else reserved
        self._spent += charged

    # ------------------------------------------------------------------ plumbing

    async def _call(
        self,
        path: str,
        params: Mapping[str, Any],
        *,
        cost: float,
        what: str,
        lane: Lane,
    ) -> httpx.Response:
        """One priced request: reserve the estimate, send (key in the query), settle."""
        api_key = self._client.api_keys.require("odds_api")
        self._reserve(cost, what)
        ticket: CreditTicket | None = None
        if self._credits is not None:
            try:
                ticket = await self._credits.reserve(cost, what=what)
            except BaseException:
                self._settle(cost, None)
                raise
        public = {k: v for k, v in params.items() if v is not None}
        response: httpx.Response | None = None
        exhausted = False
        try:
            response = await self._client.request(
                SOURCE,
                "GET",
                path,
                params={**public, "apiKey": api_key},
                lane=lane,
                key=cache_key("odds_api", "request", path, params=public),
            )
        except QuotaExceededError:
            old = self._quota or Quota()
            self._quota = Quota(remaining=0, used=old.used, last=old.last)
            exhausted = True
            raise
        finally:
            self._settle(cost, response)
            if self._credits is not None:
                self._settle_fleet(ticket, cost, response, exhausted=exhausted)
        return response

    def _settle_fleet(
        self,
        ticket: CreditTicket | None,
        cost: float,
        response: httpx.Response | None,
        *,
        exhausted: bool,
    ) -> None:
        assert self._credits is not None
        if response is None:  # failed: nothing charged; an exhausted account has 0 left
            self._credits.settle(
                ticket, charged=0.0, remaining=0.0 if exhausted else None, used=None
            )
            return
        quota = quota_from_headers(response.headers)
        charged = quota.last if quota.last is not None else cost
        self._credits.settle(ticket, charged=charged, remaining=quota.remaining, used=quota.used)

    async def _fetch(
        self,
        path: str,
        params: Mapping[str, Any],
        *,
        type_: Any,
        kind: str,
        cost: float,
        parse: Callable[[bytes, str], tuple[T, datetime | None]],
        use_cache: bool,
        lane: Lane,
    ) -> Fetched[T]:
        self._client.api_keys.require("odds_api")  # a missing key fails before anything else
        public = {k: v for k, v in params.items() if v is not None}
        key = cache_key("odds_api", path, params=public)

        async def load() -> tuple[T, datetime | None]:
            response = await self._call(path, public, cost=cost, what=f"GET {path}", lane=lane)
            return parse(response.content, f"GET {path}")

        return await cached_fetch(
            self._client,
            source=SOURCE,
            key=key,
            type_=type_,
            kind=kind,
            load=load,
            use_cache=use_cache,
        )

    # ------------------------------------------------------------------ endpoints

    async def sports(
        self, *, all_sports: bool = False, use_cache: bool = True
    ) -> Fetched[tuple[Sport, ...]]:
        """``/v4/sports`` (free; also refreshes :attr:`quota`)."""
        return await self._fetch(
            "/v4/sports",
            {"all": "true" if all_sports else None},
            type_=tuple[Sport, ...],
            kind="reference",
            cost=0,
            parse=lambda body, req: (parse_sports(body, request=req), None),
            use_cache=use_cache,
            lane=Lane.PROPS,
        )

    async def refresh_quota(self) -> Quota:
        """Read the quota headers with a free ``/v4/sports`` call (never cached)."""
        await self.sports(use_cache=False)
        return self._quota or Quota()

    async def events(
        self,
        sport: str = MLB_SPORT_KEY,
        *,
        commence_time_from: datetime | None = None,
        commence_time_to: datetime | None = None,
        event_ids: Sequence[str] | None = None,
        use_cache: bool = True,
    ) -> Fetched[tuple[OddsApiEvent, ...]]:
        """``/v4/sports/{sport}/events`` (free): upcoming and live events."""
        (sport,) = _names(sport, "sport")
        ids = tuple(_event_id(e) for e in event_ids or ())
        return await self._fetch(
            f"/v4/sports/{sport}/events",
            {
                "dateFormat": "iso",
                "commenceTimeFrom": _iso(commence_time_from, "commence_time_from"),
                "commenceTimeTo": _iso(commence_time_to, "commence_time_to"),
                "eventIds": ",".join(ids) or None,
            },
            type_=tuple[OddsApiEvent, ...],
            kind="schedule",
            cost=0,
            parse=lambda body, req: (_valid_events(parse_events(body, request=req)), None),
            use_cache=use_cache,
            lane=Lane.PROPS,
        )

    async def odds(
        self,
        sport: str = MLB_SPORT_KEY,
        *,
        markets: Sequence[str] | str = ("h2h",),
        regions: Sequence[str] | str | None = ("us",),
        bookmakers: Sequence[str] | str | None = None,
        odds_format: OddsFormatArg = OddsFormat.AMERICAN,
        event_ids: Sequence[str] | None = None,
        commence_time_from: datetime | None = None,
        commence_time_to: datetime | None = None,
        use_cache: bool = True,
    ) -> Fetched[tuple[EventOdds, ...]]:
        """Bulk ``/v4/sports/{sport}/odds`` for featured markets (h2h, spreads, totals, ...).

        Costs markets x regions credits (``bookmakers`` instead: every 10 books = 1 region).
        Player props are not served here: use :meth:`event_odds`.
        """
        (sport,) = _names(sport, "sport")
        query, fmt, cost = self._odds_request(
            "odds", markets, regions, bookmakers, odds_format, featured=True
        )
        ids = tuple(_event_id(e) for e in event_ids or ())
        return await self._fetch(
            f"/v4/sports/{sport}/odds",
            {
                **query,
                "eventIds": ",".join(ids) or None,
                "commenceTimeFrom": _iso(commence_time_from, "commence_time_from"),
                "commenceTimeTo": _iso(commence_time_to, "commence_time_to"),
            },
            type_=tuple[EventOdds, ...],
            kind="lines",
            cost=cost,
            parse=lambda body, req: _stamped(
                _valid_odds(parse_odds(body, odds_format=fmt, request=req))
            ),
            use_cache=use_cache,
            lane=Lane.PROPS,
        )

    async def event_odds(
        self,
        event_id: str,
        sport: str = MLB_SPORT_KEY,
        *,
        markets: Sequence[str] | str = MLB_PLAYER_PROP_MARKETS,
        regions: Sequence[str] | str | None = ("us",),
        bookmakers: Sequence[str] | str | None = None,
        odds_format: OddsFormatArg = OddsFormat.AMERICAN,
        use_cache: bool = True,
    ) -> Fetched[EventOdds]:
        """``/v4/sports/{sport}/events/{eventId}/odds``: any market key, player props included
        (default: every MLB player-prop key).  Costs at most markets x regions credits (the
        upstream bills the markets it returns)."""
        (sport,) = _names(sport, "sport")
        event_id = _event_id(event_id)
        query, fmt, cost = self._odds_request(
            "event_odds", markets, regions, bookmakers, odds_format, featured=False
        )
        return await self._fetch(
            f"/v4/sports/{sport}/events/{event_id}/odds",
            query,
            type_=EventOdds,
            kind="lines",
            cost=cost,
            parse=lambda body, req: _stamped_one(
                _same_event(parse_event_odds(body, odds_format=fmt, request=req), event_id, req)
            ),
            use_cache=use_cache,
            lane=Lane.PROPS,
        )

    async def historical_odds(
        self,
        at: datetime,
        sport: str = MLB_SPORT_KEY,
        *,
        markets: Sequence[str] | str = ("h2h",),
        regions: Sequence[str] | str | None = ("us",),
        bookmakers: Sequence[str] | str | None = None,
        odds_format: OddsFormatArg = OddsFormat.AMERICAN,
        use_cache: bool = True,
    ) -> Fetched[tuple[EventOdds, ...]]:
        """``/v4/historical/sports/{sport}/odds``: the snapshot at or before ``at`` (paid
        plans only).  Costs 10 x markets x regions; the snapshot's ``timestamp`` becomes the
        freshness' upstream timestamp.  Snapshots never change: cached as immutable."""
        (sport,) = _names(sport, "sport")
        query, fmt, cost = self._odds_request(
            "historical_odds", markets, regions, bookmakers, odds_format, featured=True
        )
        return await self._fetch(
            f"/v4/historical/sports/{sport}/odds",
            {"date": _iso(at, "at"), **query},
            type_=tuple[EventOdds, ...],
            kind="immutable",
            cost=cost,
            parse=lambda body, req: (
                _valid_odds(parse_odds(body, odds_format=fmt, request=req)),
                _snapshot_time(body),
            ),
            use_cache=use_cache,
            lane=Lane.HISTORICAL,
        )

    async def historical_event_odds(
        self,
        event_id: str,
        at: datetime,
        sport: str = MLB_SPORT_KEY,
        *,
        markets: Sequence[str] | str = MLB_PLAYER_PROP_MARKETS,
        regions: Sequence[str] | str | None = ("us",),
        bookmakers: Sequence[str] | str | None = None,
        odds_format: OddsFormatArg = OddsFormat.AMERICAN,
        use_cache: bool = True,
    ) -> Fetched[EventOdds]:
        """``/v4/historical/sports/{sport}/events/{eventId}/odds`` (props from 2023-05-03).
        Costs at most 10 x markets x regions."""
        (sport,) = _names(sport, "sport")
        event_id = _event_id(event_id)
        query, fmt, cost = self._odds_request(
            "historical_event_odds", markets, regions, bookmakers, odds_format, featured=False
        )
        return await self._fetch(
            f"/v4/historical/sports/{sport}/events/{event_id}/odds",
            {"date": _iso(at, "at"), **query},
            type_=EventOdds,
            kind="immutable",
            cost=cost,
            parse=lambda body, req: (
                parse_event_odds(body, odds_format=fmt, request=req),
                _snapshot_time(body),
            ),
            use_cache=use_cache,
            lane=Lane.HISTORICAL,
        )

    def _odds_request(
        self,
        endpoint: CostEndpoint,
        markets: Sequence[str] | str,
        regions: Sequence[str] | str | None,
        bookmakers: Sequence[str] | str | None,
        odds_format: OddsFormatArg,
        *,
        featured: bool,
    ) -> tuple[dict[str, str | None], OddsFormat, int]:
        """The one builder of the four odds endpoints: checked query, format and credit cost.

        ``featured``: the bulk endpoints serve only the featured markets.
        """
        mkts = self._featured(markets) if featured else _markets(markets)
        regs, books = self._where(regions, bookmakers)
        fmt = _fmt(odds_format)
        cost = self.estimate(endpoint, markets=mkts, regions=regs, bookmakers=books or None)
        return _odds_query(mkts, regs, books, fmt), fmt, cost

    @staticmethod
    def _featured(markets: Sequence[str] | str) -> tuple[str, ...]:
        mkts = _markets(markets)
        unsupported = [m for m in mkts if m not in FEATURED_MARKETS]
        if unsupported:
            raise ConfigurationError(
                f"the bulk odds endpoint serves only featured markets "
                f"({', '.join(FEATURED_MARKETS)}); use event_odds() for {', '.join(unsupported)}",
                setting="markets",
            )
        return mkts

    @staticmethod
    def _where(
        regions: Sequence[str] | str | None, bookmakers: Sequence[str] | str | None
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        books = _names(bookmakers, "bookmakers")
        regs = () if books else _names(regions, "regions")
        if not books and not regs:
            raise ConfigurationError(
                "give regions (e.g. 'us') or bookmakers; The Odds API needs one of them",
                setting="regions",
            )
        return regs, books


def _stamped(events: tuple[EventOdds, ...]) -> tuple[tuple[EventOdds, ...], datetime | None]:
    return events, _latest_update(events)


def _same_event(event: EventOdds, event_id: str, request: str) -> EventOdds:
    check_required(
        event.id == event_id,
        f"asked for event {event_id}, the payload is event {event.id}",
        source=SOURCE,
        request=request,
    )
    return event


def _stamped_one(event: EventOdds) -> tuple[EventOdds, datetime | None]:
    return event, _latest_update((event,))


def _snapshot_time(body: bytes) -> datetime | None:
    """The ``timestamp`` of a historical envelope (the snapshot's time)."""
    try:
        raw = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    return to_datetime(raw.get("timestamp")) if isinstance(raw, dict) else None


def _valid_events(events: tuple[OddsApiEvent, ...]) -> tuple[OddsApiEvent, ...]:
    """Drop (and log) events whose id is malformed or that have no start time."""
    good = tuple(e for e in events if _EVENT_ID.match(e.id) and e.commence_time is not None)
    if len(good) != len(events):
        log.warning("savantsdk odds_api: dropped %d malformed event(s)", len(events) - len(good))
    return good


def _valid_odds(events: tuple[EventOdds, ...]) -> tuple[EventOdds, ...]:
    good = tuple(e for e in events if _EVENT_ID.match(e.id) and e.commence_time is not None)
    if len(good) != len(events):
        log.warning("savantsdk odds_api: dropped %d malformed event(s)", len(events) - len(good))
    return good

"""Player-prop market lines with a documented fallback, each line saying who served it.

::

    lines = await MarketLines(client).player_lines(day=date(2024, 6, 10))
    lines.served_by          # ("odds_api",) or ("prizepicks",) or both, in that order
    lines.fallback_reason    # None, or why The Odds API was not (fully) used

Primary: The Odds API (event odds for every event of the day, all requested prop markets,
priced by each bookmaker).  Fallback: the PrizePicks board, used when The Odds API

- has no key configured (``ApiKeys.odds_api`` / ``SAVANTSDK_ODDS_API_KEY``),
- is out of credits or the call would pass the client's budget (``QuotaExceededError``),
- refuses the key (``UnauthorizedError``), has its circuit open (``CircuitOpenError``),
- or keeps failing after retries (``RateLimitedError``, ``SourceServerError``,
  ``SourceConnectionError`` including timeouts).

An event whose own answer fails (``EVENT_ERRORS``: a body that does not decode, an event
that is gone) costs only that event: the others are kept, PrizePicks fills in its players,
and :attr:`LineSet.errors` names it.  Other errors (bad arguments) are raised, not papered
over.  When The Odds API fails part-way, the lines it already served are kept and
PrizePicks fills in only the (player, market) pairs still missing.  PrizePicks lines carry
``point`` (the line) but no price; by default only ``standard`` lines are used
(demon/goblin lines are not ~50/50).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Final, Literal
from zoneinfo import ZoneInfo

import anyio
import attrs

from .._dates import to_optional_date
from .._frames import FrameColumn, FrameExport, lineset_columns
from .._memo import IdentityMemo
from ..exceptions import (
    CircuitOpenError,
    ConfigurationError,
    NotFoundError,
    QuotaExceededError,
    RateLimitedError,
    SavantError,
    SourceConnectionError,
    SourceDecodeError,
    SourceServerError,
    UnauthorizedError,
)
from ..ids._names import normalize_name
from ._markets_models import (
    MLB_LEAGUE_ID,
    MLB_PLAYER_PROP_MARKETS,
    EventOdds,
    OddsFormat,
    OddsFormatArg,
    OddsType,
    Projection,
    Quota,
)
from ._odds_api import MLB_SPORT_KEY, OddsApiClient
from ._partial import describe_error
from ._prizepicks import PrizePicksClient
from ._quality import Fetched, Freshness
from ._sportradar import mlb_day

if TYPE_CHECKING:
    from ..ids import PlayerResolver
    from ..typing import DateLike, SourceContext

__all__ = (
    "EVENT_ERRORS",
    "FALLBACK_ERRORS",
    "PRIZEPICKS_STAT_MARKETS",
    "LineSet",
    "MarketLines",
    "PlayerLine",
)

log = logging.getLogger("savantsdk")

#: Errors of The Odds API that send :class:`MarketLines` to PrizePicks.
FALLBACK_ERRORS: Final = (
    QuotaExceededError,
    UnauthorizedError,
    CircuitOpenError,
    RateLimitedError,
    SourceServerError,
    SourceConnectionError,
)

#: Errors of one Odds API event that cost only that event (its players' lines then come
#: from PrizePicks): a body that does not decode, an event that is gone.
EVENT_ERRORS: Final = (SourceDecodeError, NotFoundError)

#: PrizePicks ``stat_type`` -> The Odds API market key (stats without a sportsbook
#: equivalent, such as fantasy score, combos and 1st-inning runs, are not mapped).
PRIZEPICKS_STAT_MARKETS: Final = {
    "Hits": "batter_hits",
    "Total Bases": "batter_total_bases",
    "Home Runs": "batter_home_runs",
    "RBIs": "batter_rbis",
    "Runs": "batter_runs_scored",
    "Hits+Runs+RBIs": "batter_hits_runs_rbis",
    "Singles": "batter_singles",
    "Doubles": "batter_doubles",
    "Triples": "batter_triples",
    "Walks": "batter_walks",
    "Hitter Strikeouts": "batter_strikeouts",
    "Stolen Bases": "batter_stolen_bases",
    "Pitcher Strikeouts": "pitcher_strikeouts",
    "Pitching Outs": "pitcher_outs",
    "Hits Allowed": "pitcher_hits_allowed",
    "Walks Allowed": "pitcher_walks",
    "Earned Runs Allowed": "pitcher_earned_runs",
}

_EASTERN: Final = ZoneInfo("America/New_York")
Source = Literal["odds_api", "prizepicks"]


@attrs.frozen
class PlayerLine:
    """One line for one player and market.

    From The Odds API: one bookmaker's price on one side (``side`` Over/Under or Yes/No).
    From PrizePicks: ``bookmaker="prizepicks"``, ``side``/``price`` ``None``, ``odds_type``
    set.  ``mlbam_id`` is filled when :class:`MarketLines` has a resolver and the name
    resolved unambiguously.  ``line_id`` is the PrizePicks projection id (None for The Odds
    API, whose lines are named by event, book, market, player and point).
    """

    player: str
    market: str
    point: float | None
    side: str | None
    price: float | None
    odds_format: OddsFormat | None
    bookmaker: str
    served_by: Source
    event_id: str | None = None
    commence_time: datetime | None = None
    last_update: datetime | None = None
    odds_type: OddsType | None = None
    team: str | None = None
    mlbam_id: int | None = None
    line_id: str | None = None


@attrs.frozen
class LineSet(FrameExport):
    """The lines, which sources served them, why the fallback ran, and freshness per fetch.

    ``errors``: each fetch that failed (``"odds_api event <id>: SourceDecodeError: ..."``,
    ``"odds_api: ..."``, ``"prizepicks: ..."``); empty when every fetch answered.

    ``to_pandas()`` / ``to_polars()`` / ``to_arrow()``: one row per :class:`PlayerLine`.
    """

    lines: tuple[PlayerLine, ...]
    served_by: tuple[Source, ...]
    fallback_reason: str | None = None
    freshness: tuple[Freshness, ...] = ()
    quota: Quota | None = None
    errors: tuple[str, ...] = ()

    def by_source(self, source: Source) -> tuple[PlayerLine, ...]:
        return tuple(line for line in self.lines if line.served_by == source)

    def _frame_columns(self) -> list[FrameColumn]:
        return lineset_columns(self)


def _day_window(day: date) -> tuple[datetime, datetime]:
    """An MLB day (4:00 am to 3:59 am Eastern) as a UTC window."""
    start = datetime.combine(day, time(4, 0), tzinfo=_EASTERN).astimezone(UTC)
    return start, start + timedelta(days=1)


# The lines of one decoded event, per market set: built once per cached object (see _memo).
_EVENT_LINES: IdentityMemo[EventOdds, tuple[PlayerLine, ...]] = IdentityMemo()


def _odds_lines(event: EventOdds, markets: frozenset[str]) -> tuple[PlayerLine, ...]:
    return _EVENT_LINES.get_or_make(event, lambda: _build_odds_lines(event, markets), markets)


def _build_odds_lines(event: EventOdds, markets: frozenset[str]) -> tuple[PlayerLine, ...]:
    return tuple(
        PlayerLine(
            player=q.player,
            market=q.market,
            point=q.point,
            side=q.side,
            price=q.price,
            odds_format=q.odds_format,
            bookmaker=q.bookmaker,
            served_by="odds_api",
            event_id=event.id,
            commence_time=event.commence_time,
            last_update=q.last_update,
        )
        for q in event.prop_quotes()
        if q.market in markets and q.player
    )


def _pp_line(p: Projection, market: str) -> PlayerLine:
    return PlayerLine(
        player=p.player_name or "",
        market=market,
        point=p.line_score,
        side=None,
        price=None,
        odds_format=None,
        bookmaker="prizepicks",
        served_by="prizepicks",
        event_id=p.game_id,
        commence_time=p.start_time,
        last_update=p.updated_at,
        odds_type=p.odds_type,
        team=p.team,
        line_id=p.id,
    )


class MarketLines:
    """Player-prop lines from The Odds API, falling back to PrizePicks (module docs)."""

    def __init__(
        self,
        client: SourceContext,
        *,
        odds_api: OddsApiClient | None = None,
        prizepicks: PrizePicksClient | None = None,
        resolver: PlayerResolver | None = None,
        concurrency: int = 4,
    ) -> None:
        probe: object = concurrency
        if not isinstance(probe, int) or isinstance(probe, bool) or probe < 1:
            raise ConfigurationError(
                f"concurrency must be an int >= 1, got {concurrency!r}", setting="concurrency"
            )
        self._concurrency = concurrency
        self._client = client
        self._odds = odds_api if odds_api is not None else OddsApiClient(client)
        self._pp = prizepicks if prizepicks is not None else PrizePicksClient(client)
        self._resolver = resolver

    def __repr__(self) -> str:
        return f"<MarketLines odds_api={self._odds!r} prizepicks={self._pp!r}>"

    async def player_lines(
        self,
        *,
        day: DateLike | None = None,
        event_ids: Sequence[str] | None = None,
        markets: Sequence[str] | str = MLB_PLAYER_PROP_MARKETS,
        regions: Sequence[str] | str | None = ("us",),
        bookmakers: Sequence[str] | str | None = None,
        odds_format: OddsFormatArg = OddsFormat.AMERICAN,
        sport: str = MLB_SPORT_KEY,
        prizepicks_odds_types: Sequence[OddsType] = (OddsType.STANDARD,),
    ) -> LineSet:
        """Lines for the events of ``day`` (an MLB day, Eastern;
        :data:`~savantsdk.typing.DateLike`) or for ``event_ids``.

        PrizePicks fallback lines are filtered to ``day`` when given (``event_ids`` cannot be
        mapped onto PrizePicks games: with ids only, the whole MLB board is used).
        """
        if (day is None) == (event_ids is None):
            raise ConfigurationError("give exactly one of day= or event_ids=", setting="day")
        day = to_optional_date(day, "day")
        wanted = frozenset((markets,) if isinstance(markets, str) else markets)
        if not wanted:
            raise ConfigurationError("markets must name at least one market", setting="markets")
        lines: list[PlayerLine] = []
        freshness: list[Freshness] = []
        reason: str | None = None
        primary_error: SavantError | None = None
        errors: list[str] = []  # each fetch that failed, for LineSet.errors

        if self._client.api_keys.odds_api is None:
            reason = "no The Odds API key (ApiKeys.odds_api / SAVANTSDK_ODDS_API_KEY)"
        else:
            try:
                ids: Sequence[str]
                if event_ids is not None:
                    ids = list(event_ids)
                else:
                    assert day is not None
                    start, end = _day_window(day)
                    listed = await self._odds.events(
                        sport, commence_time_from=start, commence_time_to=end
                    )
                    freshness.append(listed.freshness)
                    ids = [e.id for e in listed.value]
                results, failed, event_errors = await self._all_event_odds(
                    ids,
                    sport,
                    markets=tuple(sorted(wanted)),
                    regions=regions,
                    bookmakers=bookmakers,
                    odds_format=odds_format,
                )
                freshness.extend(fetched.freshness for fetched in results)

                def flatten() -> list[PlayerLine]:  # thousands of rows: off the event loop
                    return [ln for f in results for ln in _odds_lines(f.value, wanted)]

                lines.extend(await anyio.to_thread.run_sync(flatten))
                if failed is not None:
                    raise failed
                if event_errors:  # those events' players come from PrizePicks below
                    first_id, first = next(iter(event_errors.items()))
                    reason = (
                        f"odds_api failed for {len(event_errors)} of {len(ids)} events "
                        f"({first_id}: {describe_error(first)})"
                    )
                    errors.extend(
                        f"odds_api event {eid}: {describe_error(exc)}"
                        for eid, exc in event_errors.items()
                    )
                    log.warning("savantsdk lines: %s; PrizePicks fills in", reason)
            except FALLBACK_ERRORS as exc:
                primary_error = exc
                reason = f"odds_api failed: {type(exc).__name__}: {exc}"
                errors.append(f"odds_api: {describe_error(exc)}")
                log.warning("savantsdk lines: falling back to PrizePicks (%s)", reason)

        if reason is not None:
            try:
                board = await self._pp.projections(MLB_LEAGUE_ID)
            except SavantError as exc:
                if primary_error is not None and not lines:
                    raise exc from primary_error
                if not lines:
                    raise
                log.warning("savantsdk lines: PrizePicks fallback failed too (%s)", exc)
                errors.append(f"prizepicks: {describe_error(exc)}")
                reason = f"{reason}; prizepicks failed: {type(exc).__name__}: {exc}"
            else:
                freshness.append(board.freshness)
                # Names differ in accents and punctuation across sources: compare normalized.
                covered = {(normalize_name(line.player), line.market) for line in lines}
                kinds = frozenset(prizepicks_odds_types)
                for p in board.value.projections:
                    market = PRIZEPICKS_STAT_MARKETS.get(p.stat_type or "")
                    if market is None or market not in wanted or p.odds_type not in kinds:
                        continue
                    if p.is_combo or not p.player_name:
                        continue
                    if day is not None and (p.start_time is None or mlb_day(p.start_time) != day):
                        continue
                    if (normalize_name(p.player_name), market) in covered:
                        continue
                    lines.append(_pp_line(p, market))

        if self._resolver is not None:
            lines = [self._resolve(line, day) for line in lines]
        served: list[Source] = []
        for line in lines:
            if line.served_by not in served:
                served.append(line.served_by)
        return LineSet(
            lines=tuple(lines),
            served_by=tuple(served),
            fallback_reason=reason,
            freshness=tuple(freshness),
            quota=self._odds.quota,
            errors=tuple(errors),
        )

    async def _all_event_odds(
        self,
        ids: Sequence[str],
        sport: str,
        *,
        markets: tuple[str, ...],
        regions: Sequence[str] | str | None,
        bookmakers: Sequence[str] | str | None,
        odds_format: OddsFormatArg,
    ) -> tuple[list[Fetched[EventOdds]], Exception | None, dict[str, SavantError]]:
        """Event odds for ``ids``, ``concurrency`` at a time, in input order; the first
        fallback error (events that failed are left out; once one failed, no new call
        starts); and the events that failed alone (:data:`EVENT_ERRORS`: a truncated body,
        an event gone), which cost only themselves.  Any other error is raised once the calls
        in flight have finished."""
        results: dict[str, Fetched[EventOdds]] = {}
        fallback: list[Exception] = []
        alone: dict[str, SavantError] = {}
        fatal: list[SavantError] = []
        limiter = anyio.CapacityLimiter(self._concurrency)

        async def one(event_id: str) -> None:
            async with limiter:
                if fallback or fatal:
                    return  # the source is failing: do not spend more calls on it
                try:
                    results[event_id] = await self._odds.event_odds(
                        event_id,
                        sport,
                        markets=markets,
                        regions=regions,
                        bookmakers=bookmakers,
                        odds_format=odds_format,
                    )
                except FALLBACK_ERRORS as exc:
                    fallback.append(exc)
                except EVENT_ERRORS as exc:
                    alone[event_id] = exc
                except SavantError as exc:
                    fatal.append(exc)

        async with anyio.create_task_group() as tg:
            for event_id in dict.fromkeys(ids):
                tg.start_soon(one, event_id)
        if fatal:
            raise fatal[0]
        ordered = [results[i] for i in dict.fromkeys(ids) if i in results]
        failed_alone = {i: alone[i] for i in dict.fromkeys(ids) if i in alone}
        return ordered, (fallback[0] if fallback else None), failed_alone

    def _resolve(self, line: PlayerLine, day: date | None) -> PlayerLine:
        # deferred: savantsdk.ids loads its resolver, which reads the Stats API models here
        from ..ids import Resolved

        assert self._resolver is not None
        on = day or (line.commence_time and mlb_day(line.commence_time))
        result = self._resolver.resolve(line.player, team=line.team, on=on or None)
        if isinstance(result, Resolved):
            return attrs.evolve(line, mlbam_id=result.mlbam_id)
        return line

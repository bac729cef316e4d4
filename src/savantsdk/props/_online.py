"""``client.props``: the online prop pipeline over the source clients.

::

    async with savantsdk.AsyncClient() as client:
        props = await client.props.generate(date(2024, 6, 10))

One call does, for a date:

1. **Slate** from the Stats API schedule (probable starters) and posted lineups
   (``StatsApiClient.lineups``, with its boxscore fallback).  A game whose lineup is not
   posted yet gets a *projected* lineup: that team's most recent starting nine in the Statcast
   history (recorded in :attr:`OnlineReport.projected_lineups`).  Games already final, games
   without both probable starters and games with no lineup at all are skipped, each with the
   reason in :attr:`OnlineReport.skipped_games`.
2. **History**: Statcast plate appearances for ``history_days`` days before the date through
   ``SavantClient`` (one request per day, concurrent, each finished day cached as immutable).
   A day that fails is left out and named in :attr:`OnlineReport.history_errors`; the props
   are still produced from the rest, with a :class:`~savantsdk.exceptions.PartialResultWarning`
   naming the days.  If *every* day failed there is nothing to fit on: ``generate`` raises
   :class:`~savantsdk.exceptions.AllFailedError` naming the cause.
3. **Lines** from :class:`~savantsdk.sources.MarketLines` (The Odds API, falling back to
   PrizePicks), paired into :class:`MarketLine` objects by bookmaker, market, player and line.
   A lines failure is recorded in the report and the props are priced at the default lines.
4. **Engine**: the rate model is fitted on the history and the slate is priced
   (:func:`generate_from_statcast`), in a worker thread so the event loop stays responsive.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import anyio
import attrs
import numpy as np

from .._dates import to_date
from .._progress import progress_bar
from ..exceptions import ConfigurationError, SavantError
from ..ids import canonical_team
from ..sources import PlateAppearances, ingest_statcast
from ..sources._partial import check_errors, describe_error
from ..sources._plate_appearances import game_bounds, game_start
from ..sources._savant_results import savant_team
from ._distributions import Stat
from ._generate import generate_from_statcast
from ._markets import ODDS_API_MARKETS, MarketLine
from ._pricing import OddsType
from ._slate import Slate, SlateGame

if TYPE_CHECKING:
    from ..sources import (
        GameLineups,
        LineSet,
        MarketLines,
        PlayerLine,
        SavantClient,
        Schedule,
        StatsApiClient,
    )
    from ..typing import DateLike
    from ._generate import PropSet
    from ._rates import RateModel

__all__ = ("OnlineReport", "PropsClient", "lines_from_lineset")

log = logging.getLogger("savantsdk")

DEFAULT_HISTORY_DAYS = 45
_HISTORY_MEMO = 4


class PropsContext(Protocol):
    """The source clients the online pipeline reads (an :class:`~savantsdk.AsyncClient`)."""

    @property
    def savant(self) -> SavantClient: ...

    @property
    def statsapi(self) -> StatsApiClient: ...

    @property
    def lines(self) -> MarketLines: ...


@attrs.frozen
class OnlineReport:
    """What the online pipeline used and what it had to leave out, for one date."""

    date: dt.date
    games_scheduled: int
    games_priced: tuple[int, ...]
    projected_lineups: tuple[int, ...] = ()
    skipped_games: dict[int, str] = attrs.field(factory=dict)
    history_days: int = 0
    history_pas: int = 0
    history_errors: dict[dt.date, str] = attrs.field(factory=dict)
    lines_served_by: tuple[str, ...] = ()
    lines_fallback_reason: str | None = None
    lines_error: str | None = None
    lines_total: int = 0
    props_memoized: bool = False


def lines_from_lineset(lineset: LineSet) -> tuple[MarketLine, ...]:
    """Turn :class:`~savantsdk.sources.PlayerLine` rows (one side per row for sportsbooks)
    into :class:`MarketLine` objects: Over and Under of the same event, bookmaker, market,
    player and point are paired (a doubleheader's two games stay two lines); unknown markets
    and lines without a point are skipped."""
    out: list[MarketLine] = []
    # (event, book, stat, player, point) -> [first line, market without "_alternate",
    # over price, under price]
    pairs: dict[tuple[str | None, str, Stat, str, float], list[Any]] = {}
    markets: dict[str, tuple[Stat | None, str]] = {}  # this call's market-name lookups
    for line in lineset.lines:
        known = markets.get(line.market)
        if known is None:
            base = line.market.removesuffix("_alternate")
            known = markets[line.market] = (ODDS_API_MARKETS.get(base), base)
        stat = known[0]
        point = line.point
        if stat is None or point is None or not point > 0:
            continue
        if line.served_by == "prizepicks":
            out.append(_prizepicks_line(line, stat))
            continue
        side, price = line.side, line.price
        if side is None or price is None:
            continue
        side = side.lower()
        if side == "over":
            index = 2
        elif side == "under":
            index = 3
        else:
            continue
        key = (line.event_id, line.bookmaker, stat, line.player, float(point))
        slot = pairs.get(key)
        if slot is None:
            slot = pairs[key] = [line, known[1], None, None]
        slot[index] = float(price)
    for (event, book, stat, player, point), (first, market, over, under) in pairs.items():
        fmt = first.odds_format.value if first.odds_format is not None else "american"
        out.append(
            MarketLine(
                player_name=player,
                stat=stat,
                line=point,
                source=f"odds_api:{book}",
                player_id=first.mlbam_id,
                team=first.team,
                over_price=over,
                under_price=under,
                odds_format=fmt,
                updated_at=first.last_update,
                start_time=first.commence_time,
                line_id=f"{event}:{book}:{market}:{player}:{point:g}",
                game_id=event,
            )
        )
    return tuple(out)


def _prizepicks_line(line: PlayerLine, stat: Stat) -> MarketLine:
    assert line.point is not None
    return MarketLine(
        player_name=line.player,
        stat=stat,
        line=float(line.point),
        source="prizepicks",
        player_id=line.mlbam_id,
        team=line.team,
        odds_type=line.odds_type or OddsType.STANDARD,
        updated_at=line.last_update,
        start_time=line.commence_time,
        line_id=line.line_id,
        game_id=line.event_id,
    )


def _last_lineups(history: PlateAppearances, day: dt.date) -> dict[str, tuple[int, ...]]:
    """Each team's starting nine in its most recent game of ``history`` (by date, game_pk),
    keyed by the team's Savant code on ``day`` (:func:`savant_team`)."""
    # Games from the most recent back (by date, then game_pk); a game is read only while one
    # of its teams still has no full nine, so a 45-day history reads about a day's games.
    games = game_bounds(history)
    first_rows = np.array([a for a, _ in games], dtype=np.int64)
    order = np.lexsort((history.game_pk[first_rows], history.game_date[first_rows]))[::-1]
    latest: dict[str, tuple[int, ...]] = {}
    done: set[str] = set()  # raw codes that have their most recent full nine
    for i in order.tolist():
        a, _ = games[i]
        home, away = str(history.home_team[a]), str(history.away_team[a])
        if home in done and away in done:
            continue
        st = game_start(history, *games[i])
        for raw, lineup in ((home, st.home_lineup), (away, st.away_lineup)):
            if raw in done or len(lineup) != 9:
                continue
            done.add(raw)
            team = savant_team(raw, day)  # Savant wrote OAK until 2024, ATH after
            latest.setdefault(team, lineup)
    return latest


@attrs.frozen
class _SlateInputs:
    schedule: Schedule
    lineups: dict[int, GameLineups]
    teams: dict[int, str]


class PropsClient:
    """The prop engine on live sources.  Reach it as ``client.props``.

    ``history_days``: how many days of Statcast before the date the rate model is fitted on
    (default 45; the backtest in docs/model.md uses everything since opening day).
    """

    #: What the last ``generate()`` used and had to leave out (None before the first).
    last_report: OnlineReport | None

    def __init__(self, client: PropsContext, *, history_days: int = DEFAULT_HISTORY_DAYS) -> None:
        _check_days(history_days)
        self._client = client
        self._history_days = history_days
        self.last_report = None
        # (start, end) -> ingested history, kept only when every day was complete and settled
        # (immutable upstream), so a second cycle for the same date skips the re-ingest.
        self._histories: dict[tuple[dt.date, dt.date], PlateAppearances] = {}
        # input fingerprint -> PropSet, only over memoized (immutable) histories
        self._props_memo: dict[Hashable, PropSet] = {}
        self._lines_memo: tuple[Hashable, tuple[MarketLine, ...]] | None = None

    def __repr__(self) -> str:
        return f"<PropsClient history_days={self._history_days}>"

    async def history(
        self,
        date: DateLike,
        *,
        days: int | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        on_day: Callable[[dt.date, PlateAppearances], None] | None = None,
        progress: bool | None = None,
    ) -> tuple[PlateAppearances, dict[dt.date, str]]:
        """Statcast plate appearances of the ``days`` days before ``date`` and the error of
        each day that could not be fetched.

        Each day is its own pull (cached as its own entry) and is read into plate appearances
        in a worker thread as soon as it arrives, so reading overlaps the rate-limited wait for
        the other days.  Days are requested most recent first; ``on_day(day, pas)`` is called
        as each day is read.  ``progress``: a progress bar over the days (tqdm, extra
        ``progress``; ``None`` shows it in a terminal or notebook only).  A failed day never
        raises or warns here: it is in the returned errors (``"Type: message"``).
        """
        history, errors = await self._history(
            _check_date(date), days=days, on_progress=on_progress, on_day=on_day, progress=progress
        )
        return history, {d: describe_error(e) for d, e in errors.items()}

    async def _history(
        self,
        date: dt.date,
        *,
        days: int | None,
        on_progress: Callable[[int, int], None] | None,
        on_day: Callable[[dt.date, PlateAppearances], None] | None,
        progress: bool | None,
    ) -> tuple[PlateAppearances, dict[dt.date, Exception]]:
        """:meth:`history` with the typed error of each failed day."""
        n = _check_days(self._history_days if days is None else days)
        start = date - dt.timedelta(days=n)
        end = date - dt.timedelta(days=1)
        memo = self._histories.get((start, end))
        if memo is not None:
            if on_progress is not None:
                on_progress(n, n)
            return memo, {}
        savant = self._client.savant
        wanted = [start + dt.timedelta(days=i) for i in range(n)]
        parts: dict[dt.date, PlateAppearances] = {}
        errors: dict[dt.date, Exception] = {}
        from_cache: set[dt.date] = set()
        finished = 0
        # One Statcast pull for the whole range (one cache read, one executor batch for the
        # misses); each day is read into plate appearances as it is served, one day at a time
        # in one worker thread (45 concurrent readers only fight over the GIL), while the
        # misses are still in flight.
        send, receive = anyio.create_memory_object_stream[tuple[dt.date, tuple[str, ...]]](math.inf)
        one_reader = anyio.CapacityLimiter(1)

        def ingest(texts: tuple[str, ...]) -> PlateAppearances:
            if len(texts) == 1:
                return ingest_statcast(texts[0].encode("utf-8"))
            return PlateAppearances.concat([ingest_statcast(t.encode("utf-8")) for t in texts])

        def tick() -> None:
            nonlocal finished
            finished += 1
            if on_progress is not None:
                try:
                    on_progress(min(finished, n), n)
                except Exception:
                    log.exception("savantsdk: props on_progress callback failed")

        async def reader() -> None:
            async with receive:
                async for day, texts in receive:
                    try:
                        parts[day] = await anyio.to_thread.run_sync(
                            ingest, texts, limiter=one_reader
                        )
                    except SavantError as exc:  # a day's text the reader rejects: that day failed
                        errors[day] = exc
                    else:
                        if on_day is not None:
                            on_day(day, parts[day])
                    tick()

        def served(day: dt.date, texts: tuple[str, ...]) -> None:
            send.send_nowait((day, texts))

        with progress_bar("history", unit="day", progress=progress) as bar:
            on_progress = bar.chain(on_progress)
            async with anyio.create_task_group() as tg:
                tg.start_soon(reader)
                async with send:
                    # The failed days are this pipeline's to report (history_errors).
                    result, _ = await savant.statcast_raw(
                        start, end, on_day=served, errors="return"
                    )
            for _failed in result.errors:
                tick()
        from_cache.update(result.cached_days)
        errors.update(result.errors)
        bad_cached = [d for d in from_cache if d in errors]
        if bad_cached:  # stored before a stricter reader: drop them so the next pull refetches
            await savant.forget_days(bad_cached)
        complete = result.ok
        history = PlateAppearances.concat([parts[d] for d in wanted if d in parts])
        if complete and not errors and savant.is_settled(end):
            if len(self._histories) >= _HISTORY_MEMO:
                self._histories.pop(next(iter(self._histories)))
            self._histories[(start, end)] = history
        return history, errors

    async def slate(
        self, date: DateLike, history: PlateAppearances | None = None
    ) -> tuple[Slate, OnlineReport]:
        """The date's slate from the Stats API (see the module docs for projected lineups)."""
        date = _check_date(date)
        return self._build_slate(date, await self._slate_inputs(date), history)

    async def _slate_inputs(self, date: dt.date) -> _SlateInputs:
        statsapi = self._client.statsapi

        async def lineups() -> dict[int, GameLineups]:
            return {gl.game_pk: gl for gl in await statsapi.lineups(date)}

        got = await _gather(
            {
                "schedule": lambda: statsapi.schedule(date),
                "lineups": lineups,
                "teams": self._team_abbreviations,
            }
        )
        _raise_first(got)
        got["schedule"] = got["schedule"].value
        return _SlateInputs(got["schedule"], got["lineups"], got["teams"])

    def _build_slate(
        self, date: dt.date, inputs: _SlateInputs, history: PlateAppearances | None
    ) -> tuple[Slate, OnlineReport]:
        schedule, lineups, abbrev = inputs.schedule, inputs.lineups, inputs.teams
        recent = _last_lineups(history, date) if history is not None else {}
        games: list[SlateGame] = []
        projected: list[int] = []
        skipped: dict[int, str] = {}
        scheduled = 0
        for game in schedule.games:
            scheduled += 1
            pk = game.game_pk
            state = (game.status.abstract_game_state or "").lower()
            if state == "final":
                skipped[pk] = "final"
                continue
            home, away = game.teams.home, game.teams.away
            if home is None or away is None or home.team is None or away.team is None:
                skipped[pk] = "teams missing from the schedule"
                continue
            hs, as_ = home.probable_pitcher, away.probable_pitcher
            if hs is None or as_ is None:
                skipped[pk] = "probable starters not announced"
                continue
            # the code of the history's rows for this date (the Athletics: OAK before 2025)
            h_abbr = savant_team(abbrev.get(home.team.id, str(home.team.id)), date)
            a_abbr = savant_team(abbrev.get(away.team.id, str(away.team.id)), date)
            gl = lineups.get(pk)
            h_line = tuple(p.id for p in gl.home) if gl is not None else ()
            a_line = tuple(p.id for p in gl.away) if gl is not None else ()
            was_projected = False
            if len(h_line) < 9:
                h_line, was_projected = recent.get(h_abbr, ()), True
            if len(a_line) < 9:
                a_line, was_projected = recent.get(a_abbr, ()), True
            if len(h_line) < 9 or len(a_line) < 9:
                skipped[pk] = "no posted lineup and no recent lineup in the history"
                continue
            if was_projected:
                projected.append(pk)
            games.append(
                SlateGame(
                    game_pk=pk,
                    home_team=h_abbr,
                    away_team=a_abbr,
                    home_lineup=h_line[:9],
                    away_lineup=a_line[:9],
                    home_starter=hs.id,
                    away_starter=as_.id,
                    game_date=date,
                    start_time=game.game_date,
                    game_number=game.game_number,
                )
            )
        reason = None if games else f"no game on {date.isoformat()} could be priced"
        slate = Slate(date=date, games=tuple(games), reason=reason)
        report = OnlineReport(
            date=date,
            games_scheduled=scheduled,
            games_priced=tuple(g.game_pk for g in games),
            projected_lineups=tuple(projected),
            skipped_games=skipped,
        )
        return slate, report

    async def _team_abbreviations(self) -> dict[int, str]:
        try:
            teams = (await self._client.statsapi.teams()).value
        except SavantError as exc:  # names fall back to team ids; props are still produced
            log.warning("savantsdk props: team list unavailable (%s)", exc)
            return {}
        out: dict[int, str] = {}
        for t in teams:
            abbr = getattr(t, "abbreviation", None)
            if abbr:
                out[t.id] = canonical_team(str(abbr)) or str(abbr)  # savantsdk.ids' code
        return out

    async def lines(self, date: DateLike) -> tuple[tuple[MarketLine, ...], LineSet]:
        """Market lines for ``date`` (The Odds API, falling back to PrizePicks)."""
        date = _check_date(date)
        lineset = await self._client.lines.player_lines(day=date)
        # Every fetch behind the set is named by (source, fetched_at): the same fetches (all
        # served from the cache) mean the same lines, so the conversion is reused.
        key = (
            date,
            tuple((f.source, f.fetched_at) for f in lineset.freshness),
            lineset.fallback_reason,
            len(lineset.lines),
        )
        memo = self._lines_memo
        if memo is not None and memo[0] == key:
            return memo[1], lineset
        # thousands of objects: built off the event loop so rate-limited pulls keep their pace
        converted = await anyio.to_thread.run_sync(lines_from_lineset, lineset)
        self._lines_memo = (key, converted)
        return converted, lineset

    async def generate(
        self,
        date: DateLike,
        *,
        markets: Iterable[str | Stat] | None = None,
        games: Iterable[int] | None = None,
        players: Iterable[int] | None = None,
        max_players: int | None = None,
        min_edge: float | None = None,
        lines: bool | Sequence[MarketLine] = True,
        model: str | RateModel = "default",
        history_days: int | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        progress: bool | None = None,
        include_model_lines: bool = True,
        allow_other_day_lines: bool = False,
    ) -> PropSet:
        """Props for every starting batter and probable starter of ``date``
        (:data:`~savantsdk.typing.DateLike`: a ``date``, ``datetime``, ``Timestamp`` or
        ``"2024-06-10"``).

        ``lines``: True fetches market lines, False prices at the default lines only, or give
        your own :class:`MarketLine` objects.  ``include_model_lines=False`` keeps only the
        props priced against a market line; ``allow_other_day_lines``: see
        :func:`~savantsdk.props.generate` (lines of another day are refused by default).
        ``on_progress(done, total)`` follows the Statcast history pull and ``progress`` shows a
        bar for it (``None``: only in a terminal or notebook).  The last run's
        :class:`OnlineReport` is in ``last_report``.
        """
        date = _check_date(date)
        # The three pulls overlap.  A fourth task warms the people cache for the players'
        # names as soon as the slate and the most recent history day are in, so the names
        # are not one more round trip after the (rate-limited) history pull.
        slate_done, recent_done = anyio.Event(), anyio.Event()
        recent: list[PlateAppearances] = []
        inputs: list[_SlateInputs] = []

        def on_day(_: dt.date, pas: PlateAppearances) -> None:
            recent.append(pas)
            recent_done.set()

        async def pull_history() -> tuple[PlateAppearances, dict[dt.date, Exception]]:
            try:
                return await self._history(
                    date,
                    days=history_days,
                    on_progress=on_progress,
                    on_day=on_day,
                    progress=progress,
                )
            finally:
                recent_done.set()

        async def pull_slate() -> _SlateInputs:
            try:
                inputs.append(await self._slate_inputs(date))
                return inputs[0]
            finally:
                slate_done.set()

        async def prefetch_names() -> None:
            await slate_done.wait()
            await recent_done.wait()
            if inputs:
                partial = PlateAppearances.concat(list(recent))
                provisional, _ = self._build_slate(date, inputs[0], partial)
                await self._names(provisional)

        calls: dict[str, Callable[[], Awaitable[Any]]] = {
            "history": pull_history,
            "slate": pull_slate,
            "names": prefetch_names,
        }
        if lines is True:
            calls["lines"] = lambda: self.lines(date)
        got = await _gather(calls)
        if isinstance(got.pop("names", None), Exception):  # only a warm-up: names come below
            log.debug("savantsdk props: names prefetch failed")
        lines_error: str | None = None
        if isinstance(got.get("lines"), SavantError):  # priced at the default lines; reported
            exc = got.pop("lines")
            lines_error = f"{type(exc).__name__}: {exc}"
            log.warning("savantsdk props: no market lines for %s (%s)", date, lines_error)
        _raise_first(got)
        history_pas, history_errors = got["history"]
        n_days = _check_days(self._history_days if history_days is None else history_days)

        def check_history() -> None:
            # The rule of every multi-part call: no day at all -> raise; some days -> warn.
            check_errors(
                "warn",
                source="savant",
                what="history day",
                total=n_days,
                errors=history_errors,
                result=None,
                label=dt.date.isoformat,
                span=f"{date - dt.timedelta(days=n_days)}..{date - dt.timedelta(days=1)}",
                detail="props were fitted on the other days; see last_report.history_errors",
            )

        if len(history_errors) >= n_days:
            check_history()  # raises AllFailedError: no props from an empty history
        errors = {d: describe_error(e) for d, e in history_errors.items()}
        slate, report = self._build_slate(date, got["slate"], history_pas)
        market_lines: tuple[MarketLine, ...] = ()
        served: tuple[str, ...] = ()
        fallback = None
        if "lines" in got:
            market_lines, lineset = got["lines"]
            served, fallback = lineset.served_by, lineset.fallback_reason
        elif lines is not True and lines is not False:
            market_lines = tuple(lines)
        names = await self._names(slate)

        def run() -> PropSet:
            return generate_from_statcast(
                history_pas,
                date,
                slate=slate,
                lines=market_lines,
                model=model,
                games=games,
                players=players,
                max_players=max_players,
                markets=markets,
                min_edge=min_edge,
                player_names=names,
                include_model_lines=include_model_lines,
                allow_other_day_lines=allow_other_day_lines,
            )

        lines_key: Hashable = market_lines
        if "lines" in got and self._lines_memo is not None and self._lines_memo[1] is market_lines:
            lines_key = ("fetched", self._lines_memo[0])  # cheap to hash; names the fetches
        settled = (date - dt.timedelta(days=n_days), date - dt.timedelta(days=1))
        fingerprint: Hashable | None = None
        if settled in self._histories and isinstance(model, str):
            # Same immutable history, same slate, lines, names and arguments: same props.
            fingerprint = (
                date,
                settled,
                slate.games,
                lines_key,
                tuple(sorted(names.items())),
                model,
                None if markets is None else tuple(markets),
                None if games is None else tuple(games),
                None if players is None else tuple(players),
                max_players,
                min_edge,
                include_model_lines,
                allow_other_day_lines,
            )
        props = self._props_memo.get(fingerprint) if fingerprint is not None else None
        memoized = props is not None
        if props is None:
            props = await anyio.to_thread.run_sync(run)
            if fingerprint is not None:
                if len(self._props_memo) >= _HISTORY_MEMO:
                    self._props_memo.pop(next(iter(self._props_memo)))
                self._props_memo[fingerprint] = props
        self.last_report = attrs.evolve(
            report,
            history_days=n_days,
            history_pas=len(history_pas),
            history_errors=errors,
            lines_served_by=served,
            lines_fallback_reason=fallback,
            lines_error=lines_error,
            lines_total=len(market_lines),
            props_memoized=memoized,
        )
        check_history()  # warns after last_report is set, so the report survives an error filter
        return props

    async def _names(self, slate: Slate) -> dict[int, str]:
        ids = sorted(
            {
                pid
                for g in slate.games
                for pid in (*g.home_lineup, *g.away_lineup, g.home_starter, g.away_starter)
            }
        )
        if not ids:
            return {}
        # Names are optional (props fall back to ids): a failed lookup is not the user's news.
        batch = await self._client.statsapi.people(ids, errors="return")
        names: dict[int, str] = {}
        for pid, outcome in batch:
            if outcome.error is None:
                person = outcome.unwrap()
                if person.full_name:
                    names[pid] = person.full_name
        return names


async def _gather(calls: Mapping[str, Callable[[], Awaitable[Any]]]) -> dict[str, Any]:
    """Run ``calls`` concurrently; each name maps to its result or the exception it raised
    (so one failure neither cancels the others nor surfaces as an ExceptionGroup)."""
    out: dict[str, Any] = {}

    async def run(name: str, fn: Callable[[], Awaitable[Any]]) -> None:
        try:
            out[name] = await fn()
        except Exception as exc:  # noqa: BLE001  # handed back to the caller, raised there
            out[name] = exc

    async with anyio.create_task_group() as tg:
        for name, fn in calls.items():
            tg.start_soon(run, name, fn)
    return out


def _raise_first(results: Mapping[str, Any]) -> None:
    for value in results.values():
        if isinstance(value, Exception):
            raise value


def _check_date(value: object) -> dt.date:
    return to_date(value, "date")


def _check_days(value: object) -> int:
    days = value
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 400:
        raise ConfigurationError(
            f"history_days must be an int in 1..400, got {days!r}", setting="history_days"
        )
    return days

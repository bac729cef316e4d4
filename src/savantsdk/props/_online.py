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
import warnings
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Hashable,
    Iterable,
    Mapping,
    Sequence,
)
from typing import TYPE_CHECKING, Any, Protocol

import anyio
import attrs

from .._dates import to_date
from .._http import is_retryable
from .._progress import progress_bar
from ..exceptions import (
    CircuitOpenError,
    ConfigurationError,
    PartialResultWarning,
    SavantError,
    SourceDecodeError,
)
from ..sources import PlateAppearances, ingest_statcast
from ..sources._partial import check_errors, describe_error
from ._distributions import Stat
from ._generate import generate_from_statcast
from ._live import DEFAULT_STALE_AFTER_S, LivePropsUpdate, live_props
from ._markets import ODDS_API_MARKETS, MarketLine, odds_api_line, pair_over_under
from ._online_slate import (
    OnlineReport,
    SlateInputs,
    build_slate,
    probable_starters,
    team_codes,
)
from ._pricing import OddsType
from ._slate import Slate

if TYPE_CHECKING:
    from ..sources import (
        Fetched,
        Freshness,
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
#: How long ``generate`` keeps asking for a schedule that fails transiently with no cached
#: copy to stand in (past a breaker's 30 s reset, so its probe gets a chance).
DEFAULT_SLATE_WAIT_S = 45.0
_HISTORY_MEMO = 4


class PropsContext(Protocol):
    """The source clients the online pipeline reads (an :class:`~savantsdk.AsyncClient`)."""

    @property
    def savant(self) -> SavantClient: ...

    @property
    def statsapi(self) -> StatsApiClient: ...

    @property
    def lines(self) -> MarketLines: ...


def lines_from_lineset(lineset: LineSet) -> tuple[MarketLine, ...]:
    """Turn :class:`~savantsdk.sources.PlayerLine` rows (one side per row for sportsbooks)
    into :class:`MarketLine` objects: Over and Under of the same event, bookmaker, market,
    player and point are paired (a doubleheader's two games stay two lines); unknown markets
    and lines without a point are skipped."""
    out: list[MarketLine] = []
    # (event, book, stat, player, point), side, price, (the line, market without "_alternate")
    quotes: list[tuple[tuple[str | None, str, Stat, str, float], str, float, Any]] = []
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
        if side.lower() not in ("over", "under"):
            continue  # only an Over or an Under opens a pair here
        key = (line.event_id, line.bookmaker, stat, line.player, float(point))
        quotes.append((key, side, float(price), (line, known[1])))
    for (event, book, stat, player, point), (first, market), over, under in pair_over_under(quotes):
        fmt = first.odds_format.value if first.odds_format is not None else "american"
        line_key = (event, book, market, player, point)
        paired = odds_api_line(
            line_key,
            stat,
            (over, under),
            fmt,
            updated_at=first.last_update,
            start_time=first.commence_time,
            player_id=first.mlbam_id,
            team=first.team,
        )
        out.append(paired)
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


class PropsClient:
    """The prop engine on live sources.  Reach it as ``client.props``.

    ``history_days``: how many days of Statcast before the date the rate model is fitted on
    (default 45; the backtest in docs/model.md uses everything since opening day).
    ``slate_wait_s``: how long a run keeps asking for a schedule that fails transiently when
    no cached copy can stand in (default 45 s; 0 fails at once).
    """

    #: What the last ``generate()`` used and had to leave out (None before the first).
    last_report: OnlineReport | None

    def __init__(
        self,
        client: PropsContext,
        *,
        history_days: int = DEFAULT_HISTORY_DAYS,
        slate_wait_s: float = DEFAULT_SLATE_WAIT_S,
    ) -> None:
        _check_days(history_days)
        self._client = client
        self._history_days = history_days
        self._slate_wait_s = _check_wait(slate_wait_s)
        self.last_report = None
        # (start, end) -> ingested history, kept only when every day was complete and settled
        # (immutable upstream), so a second cycle for the same date skips the re-ingest.
        self._histories: dict[tuple[dt.date, dt.date], PlateAppearances] = {}
        # input fingerprint -> PropSet, only over memoized (immutable) histories
        self._props_memo: dict[Hashable, PropSet] = {}
        self._lines_memo: tuple[Hashable, tuple[MarketLine, ...]] | None = None

    def __repr__(self) -> str:
        return f"<PropsClient history_days={self._history_days}>"

    @property
    def history_days(self) -> int:
        """Days of Statcast history the rate model is fitted on by default."""
        return self._history_days

    @property
    def context(self) -> PropsContext:
        """The source clients this pipeline reads."""
        return self._client

    async def live(
        self,
        game_pk: int,
        *,
        interval_s: float = 10.0,
        n: int = 10_000,
        seed: int | None = None,
        stale_after_s: float = DEFAULT_STALE_AFTER_S,
        lines: bool | Sequence[MarketLine] = True,
        model: str | RateModel = "default",
        history_days: int | None = None,
    ) -> AsyncIterator[LivePropsUpdate]:
        """``async for update in client.props.live(pk)``: live props of one game, re-priced
        on every feed change from a rest-of-game simulation (:mod:`savantsdk.props._live`):
        ``n`` simulations per update, feed polled every ``interval_s``, ``stale=True`` after
        ``stale_after_s`` without a change; ends after a Final, suspended or postponed game's
        last update (its ``reason``).  An async generator function, so the blocking
        ``Client`` turns it into an iterator."""
        updates = live_props(
            self,
            game_pk,
            interval_s=interval_s,
            n=n,
            seed=seed,
            stale_after_s=stale_after_s,
            lines=lines,
            model=model,
            history_days=history_days,
        )
        try:
            async for update in updates:
                yield update
        finally:
            await updates.aclose()

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
                    except Exception as exc:  # a reader bug: still a typed error, for that day only
                        log.exception("savantsdk props: Statcast day %s could not be read", day)
                        errors[day] = SourceDecodeError(
                            f"Statcast day {day} could not be read ({type(exc).__name__}: {exc})",
                            source="savant",
                        )
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

    async def _slate_inputs(self, date: dt.date, wait_s: float | None = None) -> SlateInputs:
        statsapi = self._client.statsapi
        waits: list[str] = []
        budget = self._slate_wait_s if wait_s is None else _check_wait(wait_s)
        got = await _gather(
            {"schedule": lambda: self._schedule(date, waits, budget), "teams": self._team_codes}
        )
        _raise_first(got)
        codes, team_error = got["teams"]
        errors = {"teams": team_error} if team_error else {}
        schedule_stale = _stale_note(got["schedule"].freshness)
        if schedule_stale or waits:
            errors["schedule"] = "; ".join(filter(None, [*waits, schedule_stale]))
        # after the schedule, so its (cached) copy serves the lineups call too
        try:
            lineups = {gl.game_pk: gl for gl in await statsapi.lineups(date)}
        except SavantError as exc:  # every team then gets a projected lineup
            lineups = {}
            errors["lineups"] = f"{describe_error(exc)} (lineups projected from the history)"
        return SlateInputs(got["schedule"].value, lineups, codes, errors)

    async def _schedule(
        self, date: dt.date, waits: list[str], budget_s: float
    ) -> Fetched[Schedule]:
        """The date's schedule: the one input without which nothing can be priced.  When it
        fails transiently and no cached copy can stand in (a cold start in an outage, or a
        breaker opened by one), it is asked again every second for up to ``slate_wait_s``
        (long enough for an open breaker's probe); the wait is reported."""
        statsapi = self._client.statsapi
        waited = 0
        while True:
            try:
                return await statsapi.schedule(date)
            except SavantError as exc:
                if not (is_retryable(exc) or isinstance(exc, CircuitOpenError)):
                    raise
                if waited + 1 > budget_s:
                    raise  # the last error, typed; the wait was logged
                if not waited:
                    log.warning(
                        "savantsdk props: no schedule for %s (%s); asking again for up to %g s",
                        date,
                        describe_error(exc),
                        budget_s,
                    )
                await anyio.sleep(1.0)
                waited += 1
                waits[:] = [f"waited {waited} s for the schedule ({describe_error(exc)})"]

    def _build_slate(
        self,
        date: dt.date,
        inputs: SlateInputs,
        history: PlateAppearances | None,
        days: int | None = None,
        starter_hands: Mapping[int, str] | None = None,
    ) -> tuple[Slate, OnlineReport]:
        return build_slate(date, inputs, history, days or self._history_days, starter_hands)

    async def _starter_hands(self, inputs: SlateInputs) -> dict[int, str]:
        """Probable starter -> throwing hand from the Stats API (people, cached; the names
        prefetch has usually loaded them).  Only chooses projected lineups: a failed lookup
        leaves the hands seen in the history."""
        ids = sorted(set(probable_starters(inputs.schedule)))
        if not ids:
            return {}
        batch = await self._client.statsapi.people(ids, errors="return")
        hands: dict[int, str] = {}
        for pid, outcome in batch:
            if outcome.error is None:
                hand = outcome.unwrap().pitch_hand
                if hand is not None and hand.code in ("L", "R"):
                    hands[pid] = hand.code
        return hands

    async def _team_codes(self) -> tuple[dict[int, str], str | None]:
        """Team id -> code from the team list, and the list's error (codes then come from
        :mod:`savantsdk.ids`, see :mod:`._online_slate`)."""
        try:
            fetched = await self._client.statsapi.teams()
        except SavantError as exc:
            log.warning("savantsdk props: team list unavailable (%s); codes from ids", exc)
            return {}, f"{describe_error(exc)} (team codes from savantsdk.ids)"
        return team_codes(fetched.value), _stale_note(fetched.freshness)

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
        slate_wait_s: float | None = None,
    ) -> PropSet:
        """Props for every starting batter and probable starter of ``date``
        (:data:`~savantsdk.typing.DateLike`: a ``date``, ``datetime``, ``Timestamp`` or
        ``"2024-06-10"``).

        ``lines``: True fetches market lines, False prices at the default lines only, or give
        your own :class:`MarketLine` objects.  ``include_model_lines=False`` keeps only the
        props priced against a market line; ``allow_other_day_lines``: see
        :func:`~savantsdk.props.generate` (lines of another day are refused by default).
        ``on_progress(done, total)`` follows the Statcast history pull and ``progress`` shows a
        bar for it (``None``: only in a terminal or notebook).  ``slate_wait_s``: how long to
        keep asking for a schedule that fails transiently with no cached copy (default: the
        client's, 45 s; 0 raises at once).  The last run's :class:`OnlineReport` is in
        ``last_report``.
        """
        date = _check_date(date)
        # The three pulls overlap.  A fourth task warms the people cache for the players'
        # names as soon as the slate and the most recent history day are in, so the names
        # are not one more round trip after the (rate-limited) history pull.
        slate_done, recent_done = anyio.Event(), anyio.Event()
        recent: list[PlateAppearances] = []
        inputs: list[SlateInputs] = []

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

        async def pull_slate() -> SlateInputs:
            try:
                inputs.append(await self._slate_inputs(date, slate_wait_s))
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
        hands = await self._starter_hands(got["slate"])
        slate, report = self._build_slate(date, got["slate"], history_pas, n_days, hands)
        market_lines: tuple[MarketLine, ...] = ()
        served: tuple[str, ...] = ()
        fallback = None
        if "lines" in got:
            market_lines, lineset = got["lines"]
            served, fallback = lineset.served_by, lineset.fallback_reason
        elif lines is not True and lines is not False:
            market_lines = tuple(lines)
        names, names_error = await self._names(slate)

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
            lines_errors=lineset.errors if "lines" in got else (),
            input_errors={
                **report.input_errors,
                **({"names": names_error} if names_error else {}),
            },
        )
        check_history()  # warns after last_report is set, so the report survives an error filter
        self._warn_degraded(self.last_report)
        return props

    @staticmethod
    def _warn_degraded(report: OnlineReport) -> None:
        """One :class:`PartialResultWarning` when games were skipped or an input failed (a
        history-only failure has had its own warning from ``check_history``)."""
        if report.games_failed or report.lines_error or report.lines_errors or report.input_errors:
            summary = report.degraded_summary()
            log.warning("savantsdk props %s: degraded: %s", report.date, summary)
            warnings.warn(
                f"props for {report.date} degraded: {summary} (see last_report)",
                PartialResultWarning,
                stacklevel=3,
            )

    async def _names(self, slate: Slate) -> tuple[dict[int, str], str | None]:
        ids = sorted(
            {
                pid
                for g in slate.games
                for pid in (*g.home_lineup, *g.away_lineup, g.home_starter, g.away_starter)
            }
        )
        if not ids:
            return {}, None
        # Names are optional (props fall back to ids): a failed lookup is reported, not raised.
        batch = await self._client.statsapi.people(ids, errors="return")
        names: dict[int, str] = {}
        failed: list[Exception] = []
        for pid, outcome in batch:
            if outcome.error is None:
                person = outcome.unwrap()
                if person.full_name:
                    names[pid] = person.full_name
            else:
                failed.append(outcome.error)
        if not failed:
            return names, None
        why = describe_error(failed[0])
        return names, f"{len(failed)} of {len(ids)} players' names failed ({why}); ids shown"


def _stale_note(freshness: Freshness) -> str | None:
    """What to report for a value served stale after its refresh failed (else None)."""
    if freshness.stale_error is None:
        return None
    when = f"{freshness.fetched_at:%Y-%m-%d %H:%M}"
    return f"{freshness.stale_error} (served the copy fetched {when} UTC)"


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


def _check_wait(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 600:
        raise ConfigurationError(
            f"slate_wait_s must be a number of seconds in 0..600, got {value!r}",
            setting="slate_wait_s",
        )
    return float(value)


def _check_days(value: object) -> int:
    days = value
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 400:
        raise ConfigurationError(
            f"history_days must be an int in 1..400, got {days!r}", setting="history_days"
        )
    return days

"""Baseball Savant client: Statcast pitch-level search and leaderboards.

Every request goes through the ``savant`` executor (rate limit, retries, breaker, coalescing);
each attempt sends *and parses*, so Savant's HTTP-200 error CSV ("Query Timeout") raises a
retryable :class:`~savantsdk.exceptions.SourceServerError` inside the attempt and is retried,
while an HTML page (:class:`~savantsdk.exceptions.SourceDecodeError`) is not.

A Statcast pull asks for one day per request (a day is ~3,900 pitches, far under any row cap),
runs the days concurrently through :meth:`Executor.map`, and returns a :class:`StatcastResult`
that carries the rows of every day that worked and a typed error for every day that did not.
A day that still looks truncated (``rows >= row_cap`` or its first ``game_date`` after the day)
is split by team and deduplicated on ``(game_pk, at_bat_number, pitch_number)``.

Caching: the raw CSV text of each finished day is cached with the ``immutable`` kind; a day
that is not yet settled (see :attr:`SavantClient.immutable_after_s`) uses the ``schedule`` kind
(minutes).  Nothing that failed is cached.  A settled day read through :meth:`statcast` also
gets its parsed table cached, in the binary columnar form of ``_statcast_store`` under its own
key (``savant:statcast:table:<day>``), so a hit skips the CSV parse; the text entry stays (the
``statcast_raw`` readers use it, and a table written by an older parser is rebuilt from it).
Text entries written before the table form existed are read as before, and their settled days
get a table entry on that read.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar, Final, TypeVar

import anyio
import attrs

from .._dates import to_date, to_dates
from .._progress import progress_bar
from ..cache import cache_key
from ..exceptions import ConfigurationError, SavantError, SourceDecodeError
from ..executor import Lane
from ..typing import DateLike, SourceContext
from ._fetch import NoQuotaSource, send_once
from ._leaderboards import (
    ExitVelocityRow,
    ExpectedStatsRow,
    Leaderboard,
    PercentileRankingsRow,
    parse_exit_velocity_barrels,
    parse_expected_statistics,
    parse_percentile_rankings,
)
from ._partial import ErrorMode, check_mode
from ._quality import Fetched, Freshness, check_day_arg, utc_from_timestamp
from ._savant_results import (
    SAVANT_TEAMS,
    SOURCE,
    PlayerType,
    StatcastResult,
    _check_days_failed,
    _check_id_arg,
    _check_team,
    _game_result,
    _player_type,
    _teams_in,
    _validate_day,
    _validate_ids,
    _year,
    dedupe_pitches,
    savant_team,
)
from ._statcast_csv import decompress, parse_statcast_csv
from ._statcast_models import StatcastTable, looks_truncated
from ._statcast_store import cached_tables, store_tables

__all__ = ("SavantClient",)

log = logging.getLogger("savantsdk")

T = TypeVar("T")
X = TypeVar("X")

_CSV_PATH: Final = "/statcast_search/csv"


#: At most this many days (or team slices) of one pull wait at the rate limiter at once.
_MAX_QUEUED = 512


@attrs.frozen
class _RawPayload:
    """What the cache keeps for a Statcast day, game or leaderboard: the CSV text(s) and when
    they were fetched (parsed again on a hit, so parser fixes apply to cached data too; the raw
    path hands them to its reader as stored)."""

    payloads: tuple[str, ...]
    fetched_at: float


def _positive(_: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ConfigurationError(
            f"{attribute.name} must be > 0, got {value!r}", setting=attribute.name
        )


@attrs.define(repr=False)
class SavantClient(NoQuotaSource):
    """Baseball Savant: Statcast search (one day per request) and leaderboards.

    ``SavantClient(ctx)`` where ``ctx`` is a :class:`~savantsdk.typing.SourceContext` (an
    :class:`~savantsdk.AsyncClient`, usually).
    ``row_cap``: the row count at which a pull is treated as truncated (Savant's cap is
    undocumented and has changed: 30k, 40k, 25k).  ``immutable_after_s``: a day is cached as
    immutable once the client clock is this far past the day's 00:00 UTC (36 h = 12:00 UTC the
    next day, after every game of the day has ended and Savant's overnight reprocessing);
    earlier it is cached for minutes only.  ``game_types``: Savant ``hfGT`` codes (``R``
    regular season, ``PO`` postseason, ``S`` spring, ``E`` exhibition).
    """

    _source_name: ClassVar[str] = SOURCE

    _client: SourceContext  # an AsyncClient, or any object of that shape
    row_cap: int = attrs.field(default=25_000, validator=_positive)
    immutable_after_s: float = attrs.field(default=36 * 3600.0, validator=_positive)
    game_types: tuple[str, ...] = attrs.field(default=("R", "PO"), converter=tuple)
    split_teams: tuple[str, ...] = attrs.field(default=SAVANT_TEAMS, converter=tuple)

    def __repr__(self) -> str:
        return f"SavantClient(row_cap={self.row_cap}, game_types={self.game_types!r})"

    # ------------------------------------------------------------------ plumbing

    def _now(self) -> datetime:
        return utc_from_timestamp(self._client.clock.time())

    def is_settled(self, day: DateLike) -> bool:
        """Whether ``day``'s data is final enough to cache as immutable (by the client clock)."""
        day = to_date(day, "day")
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        return self._now() >= start + timedelta(seconds=self.immutable_after_s)

    def _kind(self, day: date) -> str:
        return "immutable" if self.is_settled(day) else "schedule"

    def _window(self) -> int:
        return max(1, int(self._client.settings(SOURCE).rate_limit.concurrency))

    def _queue_depth(self, n: int) -> int:
        return max(self._window(), min(n, _MAX_QUEUED))

    def search_params(
        self,
        day: DateLike,
        *,
        team: str | None = None,
        batter: int | None = None,
        pitcher: int | None = None,
    ) -> list[tuple[str, str]]:
        """The ``/statcast_search/csv`` query for one day (SOURCES-savant-statsapi §1.1)."""
        day = to_date(day, "day")
        d = day.isoformat()
        player_type = "batter" if batter is not None and pitcher is None else "pitcher"
        params: list[tuple[str, str]] = [
            ("all", "true"),
            ("hfPT", ""),
            ("hfAB", ""),
            ("hfBBT", ""),
            ("hfPR", ""),
            ("hfZ", ""),
            ("hfC", ""),
            ("stadium", ""),
            ("hfBBL", ""),
            ("hfNewZones", ""),
            ("hfGT", "".join(f"{g}|" for g in self.game_types)),
            ("hfSea", ""),
            ("hfSit", ""),
            ("player_type", player_type),
            ("hfOuts", ""),
            ("opponent", ""),
            ("pitcher_throws", ""),
            ("batter_stands", ""),
            ("hfSA", ""),
            ("game_date_gt", d),
            ("game_date_lt", d),
            ("team", savant_team(team, day) if team else ""),
            ("position", ""),
            ("hfRO", ""),
            ("home_road", ""),
            ("hfFlag", ""),
            ("metric_1", ""),
            ("hfInn", ""),
            ("min_pitches", "0"),
            ("min_results", "0"),
            ("group_by", "name"),
            ("sort_col", "pitches"),
            ("player_event_sort", "h_launch_speed"),
            ("sort_order", "desc"),
            ("min_abs", "0"),
            ("type", "details"),
        ]
        if batter is not None:
            params.append(("batters_lookup[]", str(batter)))
        if pitcher is not None:
            params.append(("pitchers_lookup[]", str(pitcher)))
        return params

    def _day_key(self, day: date, team: str | None, batter: int | None, pitcher: int | None) -> str:
        """The key of a day's CSV text."""
        return self._statcast_key("day", day, team, batter, pitcher)

    def _table_key(
        self, day: date, team: str | None, batter: int | None, pitcher: int | None
    ) -> str:
        """The key of a settled day's parsed table (beside its text, :meth:`_day_key`)."""
        return self._statcast_key("table", day, team, batter, pitcher)

    def _statcast_key(
        self, what: str, day: date, team: str | None, batter: int | None, pitcher: int | None
    ) -> str:
        params = {"gt": list(self.game_types), "team": team, "batter": batter, "pitcher": pitcher}
        return cache_key(SOURCE, "statcast", what, day, params=params)

    @staticmethod
    def _request_key(params: Sequence[tuple[str, str]]) -> str:
        return cache_key(SOURCE, "request", _CSV_PATH, params={k: v for k, v in params if v})

    async def _fetch_table(
        self, params: Sequence[tuple[str, str]], *, day: date | None, lazy: bool = False
    ) -> tuple[StatcastTable, str]:
        """One attempt: GET + parse (+ validate).  Raises typed errors; the error CSV is a
        retryable ``SourceServerError``, so the executor retries this whole attempt."""
        response = await send_once(self._client, SOURCE, _CSV_PATH, params=list(params))

        def parse() -> tuple[StatcastTable, str]:
            raw = decompress(response.content)
            table = parse_statcast_csv(raw, source_day=day, lazy=lazy)
            if day is not None:
                _validate_day(table, day)
            _validate_ids(table)
            return table, raw.decode("utf-8", "replace")

        # A day is megabytes of CSV: parse it in a worker thread so the event loop keeps
        # granting rate-limit slots and reading other responses meanwhile.
        return await anyio.to_thread.run_sync(parse)

    def _from_payload(
        self, payload: _RawPayload, day: date | None, *, lazy: bool = False
    ) -> StatcastTable:
        tables = [
            parse_statcast_csv(text.encode("utf-8"), source_day=day, lazy=lazy)
            for text in payload.payloads
        ]
        table = StatcastTable.concat(tables) if len(tables) > 1 else tables[0]
        return dedupe_pitches(table) if len(tables) > 1 else table

    # ------------------------------------------------------------------ statcast search

    async def statcast(
        self,
        start: DateLike,
        end: DateLike | None = None,
        *,
        team: str | None = None,
        batter: int | None = None,
        pitcher: int | None = None,
        lane: Lane = Lane.HISTORICAL,
        on_progress: Callable[[int, int], None] | None = None,
        progress: bool | None = None,
        errors: ErrorMode = "warn",
    ) -> StatcastResult:
        """Statcast pitches from ``start`` to ``end`` (inclusive; one day when ``end`` is None).
        Dates are :data:`~savantsdk.typing.DateLike` (``date``, ``datetime``, ``Timestamp`` or
        ``"2024-06-01"``).

        Optional filters: ``team`` (any code or name the identity module knows: ``"SEA"``,
        ``"Seattle Mariners"``, ``"ANA"``; unknown teams raise ``ConfigurationError``),
        ``batter`` or ``pitcher`` (MLBAM ids).  Days run concurrently through the executor.
        ``errors="warn"`` (default): if every day failed, raise
        :class:`~savantsdk.exceptions.AllFailedError` naming the cause; if some days failed,
        emit a :class:`~savantsdk.exceptions.PartialResultWarning` naming them and return the
        rest.  ``errors="return"``: return the result with its ``errors``, silently.
        ``on_progress(done, total)`` counts finished days (cached, fetched or failed), ends
        with ``(total, total)``.  ``progress``: a progress bar over the days (tqdm, extra
        ``progress``); ``None`` shows it in Jupyter or on a terminal unless
        ``SAVANTSDK_PROGRESS=0``.
        """
        mode = check_mode(errors)
        with progress_bar("statcast", unit="day", progress=progress) as bar:
            result = await self._statcast(
                start,
                end,
                team=team,
                batter=batter,
                pitcher=pitcher,
                lane=lane,
                on_progress=bar.chain(on_progress),
                raw_sink=None,
            )
        _check_days_failed(mode, result)
        return result

    async def statcast_raw(
        self,
        start: DateLike,
        end: DateLike | None = None,
        *,
        lane: Lane = Lane.HISTORICAL,
        on_progress: Callable[[int, int], None] | None = None,
        on_day: Callable[[date, tuple[str, ...]], None] | None = None,
        errors: ErrorMode = "warn",
    ) -> tuple[StatcastResult, dict[date, tuple[str, ...]]]:
        """Like :meth:`statcast`, also returning each served day's CSV text(s) exactly as
        Savant sent them, for fast column-subset readers such as
        :func:`~savantsdk.sources.ingest_statcast`.  Nothing is parsed twice: a cached day is
        handed over as stored (it was validated when it was fetched; the reader checks its
        structure again), a fetched day is parsed once for validation; the result's ``table``
        is empty (the rows are in the texts).  One cache read for all days, one executor batch
        for the misses.  ``on_day(day, texts)`` is called as each day is served: the cached
        days at once (most recent first), then each fetched day as it arrives, so a caller can
        read days while the others are still in flight.  ``errors``: as for :meth:`statcast`."""
        mode = check_mode(errors)
        sink: dict[date, list[str]] = {}
        result = await self._statcast(
            start,
            end,
            team=None,
            batter=None,
            pitcher=None,
            lane=lane,
            on_progress=on_progress,
            raw_sink=sink,
            on_raw=on_day,
        )
        raw = {d: tuple(sink[d]) for d in result.days if d in sink and d not in result.errors}
        _check_days_failed(mode, result)
        return result, raw

    async def forget_days(self, days: Iterable[DateLike] | DateLike) -> int:
        """Drop the cached Statcast of these days (unfiltered pulls), so the next pull fetches
        them again; returns how many entries were removed (0 without a cache)."""
        wanted = to_dates(days, "days")
        cache = self._client.cache
        if cache is None:
            return 0
        keys = [k(d, None, None, None) for d in wanted for k in (self._day_key, self._table_key)]
        removed: int = await cache.invalidate(*keys)
        return removed

    async def _statcast(
        self,
        start: DateLike,
        end: DateLike | None,
        *,
        team: str | None,
        batter: int | None,
        pitcher: int | None,
        lane: Lane,
        on_progress: Callable[[int, int], None] | None,
        raw_sink: dict[date, list[str]] | None,
        on_raw: Callable[[date, tuple[str, ...]], None] | None = None,
    ) -> StatcastResult:
        """The body of :meth:`statcast`; ``raw_sink`` collects the served CSV texts (and then
        cached days are not parsed at all), ``on_raw`` is told of each as it is served."""
        first = check_day_arg(start, "start")
        last = check_day_arg(end, "end") if end is not None else first
        if last < first:
            raise ConfigurationError(f"end {last} is before start {first}", setting="end")
        batter = _check_id_arg(batter, "batter")
        pitcher = _check_id_arg(pitcher, "pitcher")
        team = _check_team(team)
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        total = len(days)
        reported = 0

        def report(done: int) -> None:
            nonlocal reported
            if on_progress is None or done <= reported:
                return
            reported = done
            try:
                on_progress(done, total)
            except Exception:
                log.exception("savantsdk: statcast on_progress callback failed")

        keys = {d: self._day_key(d, team, batter, pitcher) for d in days}
        emitted: set[date] = set()

        def emit(day: date, parts: Sequence[str]) -> None:
            if on_raw is None or day in emitted:
                return
            emitted.add(day)
            try:
                on_raw(day, tuple(parts))
            except Exception:
                log.exception("savantsdk: statcast on_day callback failed")

        tables: dict[date, StatcastTable] = {}
        fetched_at: dict[date, float] = {}
        cached: list[date] = []
        cache = self._client.cache
        # settled days whose parsed table goes to the cache (after a fetch or a text hit)
        tabled = raw_sink is None and cache is not None
        table_keys = {d: self._table_key(d, team, batter, pitcher) for d in days} if tabled else {}
        to_table: dict[date, StatcastTable] = {}
        whole: StatcastTable | None = None  # every day from its cached table, stacked
        if cache is not None and tabled:
            whole = await cached_tables(
                cache, table_keys, days, tables=tables, fetched_at=fetched_at, cached=cached
            )
        if cache is not None:
            rest = [d for d in days if d not in tables]
            hits = await cache.get_many([keys[d] for d in rest], _RawPayload) if rest else []
            for d, hit in zip(rest, hits, strict=True):
                if hit is None:
                    continue
                if raw_sink is not None:  # handed over as stored: the caller's reader parses
                    tables[d] = StatcastTable({}, 0, d)
                    fetched_at[d] = hit.fetched_at
                    cached.append(d)
                    raw_sink[d] = list(hit.payloads)
                    continue
                try:
                    tables[d] = self._from_payload(hit, d)
                except SavantError as exc:  # a cached payload the parser now rejects: refetch
                    log.warning("savantsdk: cached Statcast day %s unreadable (%s)", d, exc)
                    continue
                fetched_at[d] = hit.fetched_at
                cached.append(d)
                if tabled and self.is_settled(d):
                    to_table[d] = tables[d]  # a text-only entry (older, or statcast_raw's)
            cached.sort()
        for d in reversed(cached):
            if raw_sink is not None:
                emit(d, raw_sink[d])
        report(len(cached))

        # most recent first: the props pipeline reads lineups and names off the latest days
        todo = [d for d in reversed(days) if d not in tables]
        errors: dict[date, Exception] = {}
        texts: dict[date, list[str]] = {}
        incomplete: set[date] = set()
        split: list[date] = []
        executor = self._client.executor(SOURCE)
        clock = self._client.clock
        if todo:
            succeeded = 0

            stored: set[date] = set()

            async def store_day(
                day: date, text: str, at: float, table: StatcastTable | None
            ) -> None:
                if cache is not None:
                    payload = _RawPayload((text,), at)
                    await cache.set(keys[day], payload, kind=self._kind(day), type_=_RawPayload)
                    if table is not None and tabled and self.is_settled(day):
                        await store_tables(cache, table_keys, {day: table}, {day: at})

            async def fetch_day(day: date) -> tuple[StatcastTable, str]:
                nonlocal succeeded
                params = self.search_params(day, team=team, batter=batter, pitcher=pitcher)
                out = await self._fetch_table(params, day=day, lazy=raw_sink is not None)
                succeeded += 1
                if not looks_truncated(out[0], day, self.row_cap):  # else: after the split
                    emit(day, (out[1],))
                    # cached as it lands, outside the executor slot, while the others are in
                    # flight (encoding 45 days after the last one cost a second of wall time)
                    stored.add(day)
                    storing.start_soon(store_day, day, out[1], clock.time(), out[0])
                report(len(cached) + succeeded)
                return out

            async with anyio.create_task_group() as storing:
                batch = await executor.map(
                    fetch_day,
                    todo,
                    key=lambda d: self._request_key(
                        self.search_params(d, team=team, batter=batter, pitcher=pitcher)
                    ),
                    lane=lane,
                    # every day queued at the rate limiter at once (the executor still bounds
                    # what is in flight): a window of `concurrency` would keep a slot idle while
                    # its day is parsed, and the pull would run slower than the rate allows
                    batch_size=self._queue_depth(len(todo)),
                    on_progress=lambda done, _total: report(len(cached) + done),
                )
            now = clock.time()
            for day, outcome in batch:
                if outcome.error is not None:
                    errors[day] = outcome.error
                    continue
                table, text = outcome.unwrap()
                tables[day], texts[day], fetched_at[day] = table, [text], now
            truncated = [
                d for d in todo if d in texts and looks_truncated(tables[d], d, self.row_cap)
            ]
            if truncated and (team is not None or batter is not None or pitcher is not None):
                incomplete.update(truncated)  # a filtered query cannot be split further
            elif truncated:
                split = truncated
                await self._split(
                    split, tables, texts=texts, errors=errors, incomplete=incomplete, lane=lane
                )
            store: dict[str, dict[str, _RawPayload]] = {}
            for d, parts in texts.items():
                if d in errors or d in incomplete or d in stored:
                    continue
                payload = _RawPayload(tuple(parts), fetched_at[d])
                store.setdefault(self._kind(d), {})[keys[d]] = payload
                if tabled and self.is_settled(d):
                    to_table[d] = tables[d]
            if cache is not None:
                for kind, items in store.items():
                    await cache.set_many(items, kind=kind, type_=_RawPayload)
        if cache is not None and to_table:
            await store_tables(cache, table_keys, to_table, fetched_at)
        report(total)
        if raw_sink is not None:
            raw_sink.update({d: parts for d, parts in texts.items() if d not in errors})
            for d in days:
                if d in texts and d not in errors:
                    emit(d, texts[d])
        ordered = [tables[d] for d in days if d in tables and d not in errors]
        if raw_sink is not None:
            table = StatcastTable({}, 0)  # the caller reads the raw texts instead
        elif whole is not None and len(ordered) == len(cached) == len(days):
            table = whole
        else:
            table = StatcastTable.concat(ordered) if len(ordered) != 1 else ordered[0]
        oldest = min(fetched_at.values()) if fetched_at else clock.time()
        freshness = Freshness(
            source=SOURCE,
            fetched_at=utc_from_timestamp(oldest),
            from_cache=bool(days) and len(cached) == len(days),
        )
        return StatcastResult(
            table=table,
            days=tuple(days),
            errors={d: errors[d] for d in days if d in errors},
            cached_days=tuple(cached),
            split_days=tuple(split),
            incomplete_days=tuple(d for d in days if d in incomplete),
            freshness=freshness,
        )

    async def _split(
        self,
        days: Sequence[date],
        tables: dict[date, StatcastTable],
        *,
        texts: dict[date, list[str]],
        errors: dict[date, Exception],
        incomplete: set[date],
        lane: Lane,
    ) -> None:
        """Re-query capped days team by team; merge and deduplicate each day's slices."""
        pairs: list[tuple[date, str]] = []
        for day in days:
            log.warning(
                "savantsdk: Statcast day %s looks truncated (%d rows, cap %d); splitting by team",
                day,
                tables[day].rows,
                self.row_cap,
            )
            teams = sorted(
                {savant_team(t, day) for t in (*self.split_teams, *_teams_in(tables[day]))}
            )
            pairs.extend((day, t) for t in teams)

        async def fetch_slice(pair: tuple[date, str]) -> tuple[StatcastTable, str]:
            return await self._fetch_table(self.search_params(pair[0], team=pair[1]), day=pair[0])

        batch = await self._client.executor(SOURCE).map(
            fetch_slice,
            pairs,
            key=lambda p: self._request_key(self.search_params(p[0], team=p[1])),
            lane=lane,
            batch_size=self._queue_depth(len(pairs)),
        )
        slices: dict[date, list[tuple[StatcastTable, str]]] = {d: [] for d in days}
        for (day, team), outcome in batch:
            if day in errors:
                continue
            if outcome.error is not None:
                log.warning(
                    "savantsdk: Statcast day %s team %s failed: %s", day, team, outcome.error
                )
                errors[day] = outcome.error
                continue
            slices[day].append(outcome.unwrap())
        for day in days:
            if day in errors:
                continue
            parts = slices[day]
            if any(looks_truncated(t, day, self.row_cap) for t, _ in parts):
                incomplete.add(day)
            tables[day] = dedupe_pitches(
                StatcastTable.concat([tables[day], *(t for t, _ in parts)])
            )
            texts[day].extend(text for _, text in parts)

    async def statcast_game(self, game_pk: int, *, lane: Lane = Lane.HISTORICAL) -> StatcastResult:
        """Every pitch of one game (one request).  Raises the typed error if it fails.

        Cached as immutable once the game's date is settled (see ``immutable_after_s``).
        """
        pk = _check_id_arg(game_pk, "game_pk")
        params = [("all", "true"), ("type", "details"), ("game_pk", str(pk))]
        key = cache_key(SOURCE, "statcast", "game", pk)

        async def attempt() -> tuple[StatcastTable, str]:
            table, text = await self._fetch_table(params, day=None)
            if table.rows and set(table.game_pks()) != {pk}:
                raise SourceDecodeError(
                    f"invalid payload: game {pk} query returned games {table.game_pks()[:5]}",
                    source=SOURCE,
                )
            return table, text

        async def load() -> tuple[StatcastTable, str]:
            got: tuple[StatcastTable, str] = await self._client.executor(SOURCE).call(
                attempt, key=self._request_key(params), lane=lane
            )
            return got

        def kind(table: StatcastTable) -> str:
            span = table.date_range()
            return self._kind(span[1]) if span is not None else "live"  # no rows (yet)

        table, fetched_at, from_cache = await self._read_through(
            key, load, kind=kind, decode=lambda hit: self._from_payload(hit, None), what="game"
        )
        return _game_result(table, fetched_at, from_cache=from_cache)

    async def _read_through(
        self,
        key: str,
        load: Callable[[], Awaitable[tuple[X, str]]],
        *,
        kind: Callable[[X], str],
        decode: Callable[[_RawPayload], X] | Callable[[_RawPayload], Awaitable[X]],
        what: str,
    ) -> tuple[X, float, bool]:
        """``(value, fetched_at, from_cache)`` through the cache's ``get_or_load`` (single
        flight per key, stale-while-revalidate), which stores the raw text: a hit is decoded
        again (so parser fixes apply to cached data), a value this call loaded is not.  A
        cached entry the decoder now rejects is dropped and loaded once more."""
        cache = self._client.cache
        mine: list[tuple[X, _RawPayload]] = []
        kinds: dict[int, str] = {}

        async def loader() -> _RawPayload:
            value, text = await load()
            payload = _RawPayload((text,), self._client.clock.time())
            mine.append((value, payload))
            kinds[id(payload)] = kind(value)
            return payload

        if cache is None:
            payload = await loader()
            return mine[0][0], payload.fetched_at, False
        for _ in range(2):
            payload = await cache.get_or_load(
                key,
                loader,
                type_=_RawPayload,
                # the loaded value's kind; a stored one is judged "schedule" for staleness
                kind=lambda p: kinds.get(id(p), "schedule"),
            )
            if mine and mine[-1][1] is payload:
                return mine[-1][0], payload.fetched_at, False
            try:
                out = decode(payload)
                value = await out if inspect.isawaitable(out) else out
            except SavantError as exc:
                log.warning("savantsdk: cached Statcast %s unreadable (%s)", what, exc)
                await cache.invalidate(key)
                continue
            return value, payload.fetched_at, True
        raise SourceDecodeError(  # pragma: no cover - a fresh load is never decoded
            f"cached Statcast {what} unreadable twice", source=SOURCE
        )

    # ------------------------------------------------------------------ leaderboards

    async def _leaderboard(
        self,
        path: str,
        params: dict[str, str],
        parse: Callable[[bytes], Leaderboard[T]],
        year: int,
        lane: Lane,
    ) -> Fetched[Leaderboard[T]]:
        key = cache_key(SOURCE, "leaderboard", path, params=params)
        client = self._client

        async def attempt() -> tuple[Leaderboard[T], str]:
            response = await send_once(client, SOURCE, path, params=params)
            raw = decompress(response.content)
            rows = parse(raw)
            for i, row in enumerate(rows):
                pid = getattr(row, "player_id", None)
                if isinstance(pid, bool) or not isinstance(pid, int) or pid <= 0:
                    raise SourceDecodeError(
                        f"invalid payload: row {i} player_id {pid!r} is not an MLBAM id",
                        source=SOURCE,
                    )
            return rows, raw.decode("utf-8", "replace")

        async def load() -> tuple[Leaderboard[T], str]:
            got: tuple[Leaderboard[T], str] = await client.executor(SOURCE).call(
                attempt, key=cache_key(SOURCE, "request", path, params=params), lane=lane
            )
            return got

        kind = "immutable" if year < self._now().year else "reference"
        rows, fetched_at, from_cache = await self._read_through(
            key,
            load,
            kind=lambda _rows: kind,
            decode=lambda hit: self._reparse(hit, parse),
            what=f"leaderboard {path}",
        )
        fresh = Freshness(
            source=SOURCE, fetched_at=utc_from_timestamp(fetched_at), from_cache=from_cache
        )
        return Fetched(rows, fresh)

    @staticmethod
    async def _reparse(hit: Any, parse: Callable[[bytes], Leaderboard[T]]) -> Leaderboard[T]:
        if not isinstance(hit, _RawPayload) or not hit.payloads:
            raise SourceDecodeError("cached leaderboard entry has no payload", source=SOURCE)
        return parse(hit.payloads[0].encode("utf-8"))

    async def expected_statistics(
        self,
        year: int,
        *,
        player_type: PlayerType = "batter",
        min_pa: int | str = "q",
        lane: Lane = Lane.HISTORICAL,
    ) -> Fetched[Leaderboard[ExpectedStatsRow]]:
        """``/leaderboard/expected_statistics``: xBA, xSLG, xwOBA per player (``min_pa``:
        minimum PA, or ``"q"`` for qualified)."""
        params = _board_params(year, player_type, filterType="pa", min=str(min_pa), csv="true")
        return await self._leaderboard(
            "/leaderboard/expected_statistics", params, parse_expected_statistics, year, lane
        )

    async def exit_velocity_barrels(
        self,
        year: int,
        *,
        player_type: PlayerType = "batter",
        min_bbe: int | str = "q",
        lane: Lane = Lane.HISTORICAL,
    ) -> Fetched[Leaderboard[ExitVelocityRow]]:
        """``/leaderboard/statcast``: exit velocity and barrels per player."""
        params = _board_params(year, player_type, min=str(min_bbe), csv="true")
        return await self._leaderboard(
            "/leaderboard/statcast", params, parse_exit_velocity_barrels, year, lane
        )

    async def percentile_rankings(
        self,
        year: int,
        *,
        player_type: PlayerType = "batter",
        min_pa: int | str | None = None,
        lane: Lane = Lane.HISTORICAL,
    ) -> Fetched[Leaderboard[PercentileRankingsRow]]:
        """``/leaderboard/percentile-rankings``: percentiles 0-100 (``None`` = not qualified)."""
        params = _board_params(
            year, player_type, csv="true", min=None if min_pa is None else str(min_pa)
        )
        return await self._leaderboard(
            "/leaderboard/percentile-rankings", params, parse_percentile_rankings, year, lane
        )


def _board_params(year: int, player_type: PlayerType, **rest: str | None) -> dict[str, str]:
    """A leaderboard's query: player type, year, every position and team, then ``rest`` in
    order (``None`` values left out)."""
    params = {
        "type": _player_type(player_type),
        "year": str(_year(year)),
        "position": "",
        "team": "",
    }
    params.update({k: v for k, v in rest.items() if v is not None})
    return params

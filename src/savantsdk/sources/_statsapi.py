"""MLB Stats API client: schedule, feeds, boxscores, people, stats, rosters, teams, lineups;
season stats, standings, leaders, linescores and game content (the mixin
:mod:`._statsapi_season`).

Every request goes through the ``statsapi`` executor (rate limit, retries, breaker; identical
in-flight requests are coalesced on their :func:`~savantsdk.cache.cache_key`).  People by id go
through the executor's micro-batching loader: concurrent ``person(id)`` calls become one
``/api/v1/people?personIds=a,b,...`` request per ``people_batch_size`` ids.

Results come as :class:`~savantsdk.sources.Fetched` (value + :class:`Freshness`), validated
(ids well formed, dates in the requested range, the game asked for).  Cache kinds: finished
games' feeds and boxscores ``immutable``; in-progress ones ``live``; schedules ``schedule``;
people, rosters and teams ``reference``; a past season's stats ``immutable``, the current
season's ``schedule``.  Nothing that failed is cached.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import date, datetime
from typing import Any, ClassVar, Final, Literal, overload

import anyio
import attrs

from .._dates import to_optional_date
from .._http import describe_request
from ..cache import cache_key
from ..exceptions import ConfigurationError
from ..executor import BatchResult, Lane, Loader, Outcome
from ..typing import DateLike, SourceContext
from ._fetch import NoQuotaSource, send_once
from ._live import LiveUpdate, live_updates
from ._partial import ErrorMode, check_errors, check_mode
from ._quality import (
    Fetched,
    Freshness,
    check_date_in_range,
    check_day_arg,
    check_id,
    check_required,
    utc_from_timestamp,
)
from ._statsapi_base import SOURCE, arg_id
from ._statsapi_feed import (
    GameFeed,
    parse_game_feed,
    validate_feed,
)
from ._statsapi_models import (
    Boxscore,
    LineupPlayer,
    People,
    Person,
    Roster,
    Schedule,
    ScheduleGame,
    StatGroup,
    Team,
    parse_boxscore,
    parse_people,
    parse_player_stats,
    parse_roster,
    parse_schedule,
    parse_teams,
)
from ._statsapi_season import StatsApiSeasonCalls
from ._statsapi_stats import STAT_GROUPS, STAT_TYPES, check_choices

__all__ = ("GameLineups", "LineupSource", "StatsApiClient")

log = logging.getLogger("savantsdk")

LineupSource = Literal["schedule", "boxscore"]
_DEFAULT_HYDRATE: Final = ("probablePitcher", "lineups")


@attrs.frozen(eq=False)
class GameLineups:
    """Starting lineups of one game, in batting order, and which source served them.

    ``source`` is ``"schedule"`` (``hydrate=lineups``), ``"boxscore"`` (the fallback: the
    boxscore's ``battingOrder`` once the lineup card is in), or ``None`` when neither has a
    lineup yet.  ``error`` is set when the fallback failed (the lineups are then empty).
    """

    game_pk: int
    away: tuple[LineupPlayer, ...] = ()
    home: tuple[LineupPlayer, ...] = ()
    source: LineupSource | None = None
    freshness: Freshness | None = None
    error: Exception | None = None

    @property
    def posted(self) -> bool:
        return bool(self.away) and bool(self.home)


def _positive_int(_: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(
            f"{attribute.name} must be an int >= 1, got {value!r}", setting=attribute.name
        )


def _non_negative(_: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise ConfigurationError(
            f"{attribute.name} must be >= 0, got {value!r}", setting=attribute.name
        )


@attrs.define(repr=False)
class StatsApiClient(StatsApiSeasonCalls, NoQuotaSource):
    """The MLB Stats API (``statsapi.mlb.com``).  ``StatsApiClient(ctx)`` on a
    :class:`~savantsdk.typing.SourceContext`.

    ``people_batch_size`` / ``people_window_s``: the person loader's batch size and gathering
    window (concurrent ``person()`` calls within the window share one request).
    """

    _source_name: ClassVar[str] = SOURCE

    _client: SourceContext  # an AsyncClient, or any object of that shape
    people_batch_size: int = attrs.field(default=100, validator=_positive_int)
    people_window_s: float = attrs.field(default=0.01, validator=_non_negative)
    _loader: Loader[int, Person] | None = attrs.field(default=None, init=False)
    _final_games: set[int] = attrs.field(factory=set, init=False)
    _starts: dict[int, datetime] = attrs.field(factory=dict, init=False)  # pre-game first pitch

    def __repr__(self) -> str:
        return f"StatsApiClient(people_batch_size={self.people_batch_size})"

    @property
    def client(self) -> SourceContext:
        """The context (an :class:`~savantsdk.AsyncClient`, usually) this source client runs on."""
        return self._client

    # ------------------------------------------------------------------ schedule

    async def schedule(
        self,
        start: DateLike | None = None,
        end: DateLike | None = None,
        *,
        game_pk: int | None = None,
        team_id: int | None = None,
        game_types: Sequence[str] | None = None,
        hydrate: Sequence[str] = _DEFAULT_HYDRATE,
        lane: Lane = Lane.PROPS,
    ) -> Fetched[Schedule]:
        """``/api/v1/schedule`` for a date, a date range (``end``) or one ``game_pk``
        (dates: :data:`~savantsdk.typing.DateLike`).

        Hydrates probable pitchers and posted lineups by default.  Doubleheader games are
        separate games: use ``.value.by_game_pk()``, never the date, as the key.
        """
        params: dict[str, Any] = {"sportId": 1}
        first = last = None
        if game_pk is not None:
            params["gamePk"] = arg_id(game_pk, "game_pk")
        if start is None and game_pk is None:
            raise ConfigurationError("schedule needs a start date or a game_pk", setting="start")
        if start is not None:
            first = check_day_arg(start, "start")
            last = check_day_arg(end, "end") if end is not None else first
            if last < first:
                raise ConfigurationError(f"end {last} is before start {first}", setting="end")
            if last == first:
                params["date"] = first.isoformat()
            else:
                params["startDate"], params["endDate"] = first.isoformat(), last.isoformat()
        if team_id is not None:
            params["teamId"] = arg_id(team_id, "team_id")
        if game_types:
            params["gameType"] = ",".join(game_types)
        if hydrate:
            params["hydrate"] = ",".join(hydrate)

        async def load() -> Schedule:
            body, request = await self.get_bytes("/api/v1/schedule", params, lane=lane)
            schedule = parse_schedule(body, request=request)
            for day in schedule.dates:
                if first is not None and last is not None:
                    check_date_in_range(
                        day.day, first, last, "schedule date", source=SOURCE, request=request
                    )
            for game in schedule.games:
                check_id(game.game_pk, "gamePk", source=SOURCE, request=request)
                if game_pk is not None:
                    check_required(
                        game.game_pk == game_pk,
                        f"asked for game {game_pk}, got game {game.game_pk}",
                        source=SOURCE,
                        request=request,
                    )
            return schedule

        result = await self._cached(
            cache_key(SOURCE, "schedule", params=params), Schedule, load, kind="schedule"
        )
        self._note_finals(result.value.games)
        return result

    def _note_finals(self, games: Iterable[ScheduleGame]) -> None:
        for game in games:
            if game.status.is_final:
                self._final_games.add(game.game_pk)
                self._starts.pop(game.game_pk, None)
            elif (game.status.abstract_game_state or "").lower() == "preview" and game.game_date:
                self._starts[game.game_pk] = game.game_date
            else:
                self._starts.pop(game.game_pk, None)

    def _box_kind(self, game_pk: int, final: bool) -> str:
        """Cache kind of a boxscore: immutable once Final; ``schedule`` (minutes) while the
        game is more than that TTL from its first pitch; ``live`` (seconds) otherwise."""
        if final:
            return "immutable"
        start = self._starts.get(game_pk)
        if start is not None and (start - utc_from_timestamp(self._now())).total_seconds() > 600:
            return "schedule"
        return "live"

    async def is_final(self, game_pk: int, *, lane: Lane = Lane.PROPS) -> bool:
        """Whether the game is Final (remembered once seen; else asks the schedule)."""
        if game_pk in self._final_games:
            return True
        await self.schedule(game_pk=game_pk, hydrate=(), lane=lane)
        return game_pk in self._final_games

    # ------------------------------------------------------------------ games

    async def game_feed(self, game_pk: int, *, lane: Lane = Lane.PROPS) -> Fetched[GameFeed]:
        """``/api/v1.1/game/{pk}/feed/live``: immutable once Final, ``live`` TTL before."""
        pk = arg_id(game_pk, "game_pk")
        path = f"/api/v1.1/game/{pk}/feed/live"

        async def load() -> GameFeed:
            body, request = await self.get_bytes(path, lane=lane)
            return validate_feed(parse_game_feed(body, request=request), pk, request=request)

        result = await self._cached(
            cache_key(SOURCE, "feed", pk),
            GameFeed,
            load,
            kind=lambda f: "immutable" if f.is_final else "live",
            upstream=lambda f: f.timestamp,
        )
        if result.value.is_final:
            self._final_games.add(pk)
        return result

    async def boxscore(self, game_pk: int, *, lane: Lane = Lane.PROPS) -> Fetched[Boxscore]:
        """``/api/v1/game/{pk}/boxscore`` (lineup slots from ``battingOrder``).

        The boxscore does not say whether the game is over, so the client asks the schedule
        (cached, small) once per game it has not seen Final: immutable if Final, else ``live``.
        """
        return await self._game_part(
            arg_id(game_pk, "game_pk"), "boxscore", Boxscore, _checked_boxscore, lane
        )

    # ------------------------------------------------------------------ people

    def _people_loader(self) -> Loader[int, Person]:
        if self._loader is None:
            self._loader = self._client.executor(SOURCE).loader(
                self._load_people,
                max_batch=self.people_batch_size,
                window_s=self.people_window_s,
                lane=Lane.PROPS,
            )
        return self._loader

    async def _load_people(self, ids: Sequence[int]) -> dict[int, Person]:
        """The loader's batch: one attempt of ``/api/v1/people?personIds=...``."""
        params = {"personIds": ",".join(str(i) for i in ids)}
        response = await send_once(self._client, SOURCE, "/api/v1/people", params=params)
        request = describe_request(response.request)
        people = parse_people(response.content, request=request)
        wanted = set(ids)
        out: dict[int, Person] = {}
        for person in people:
            check_id(person.id, "person id", source=SOURCE, request=request)
            if person.id in wanted:
                out[person.id] = person
        return out

    async def person(self, person_id: int) -> Person:
        """One person by MLBAM id (batched with concurrent calls; ``NotFoundError`` if the
        upstream does not return that id).  Cached as ``reference``."""
        pid = arg_id(person_id, "person_id")
        key = cache_key(SOURCE, "person", pid)
        cache = self._client.cache
        if cache is not None:
            hit = await cache.get(key, Person)
            if hit is not None:
                return hit
        person = await self._people_loader().load(pid)
        if cache is not None:
            await cache.set(key, person, kind="reference", type_=Person)
        return person

    async def people(
        self, person_ids: Iterable[int], *, errors: ErrorMode = "warn"
    ) -> BatchResult[int, Person]:
        """Many people: one outcome per id, in order (a missing id is a ``NotFoundError``).

        ``errors="warn"`` (default): if every id failed, raise
        :class:`~savantsdk.exceptions.AllFailedError` (``.result`` is the batch); if some
        failed, emit a :class:`~savantsdk.exceptions.PartialResultWarning` naming them.
        ``errors="return"``: return the batch with its failed outcomes, silently."""
        mode = check_mode(errors)
        ids = tuple(person_ids)
        outcomes: list[Outcome[Person] | None] = [None] * len(ids)
        checked: dict[int, int] = {}
        for i, raw in enumerate(ids):
            try:
                checked[i] = arg_id(raw, "person_id")
            except ConfigurationError as exc:
                outcomes[i] = Outcome(error=exc)
        cache = self._client.cache
        keys = {i: cache_key(SOURCE, "person", pid) for i, pid in checked.items()}
        if cache is not None and keys:  # one round trip for every cached person
            hits = await cache.get_many(list(keys.values()), Person)
            for i, hit in zip(keys, hits, strict=True):
                if hit is not None:
                    outcomes[i] = Outcome(value=hit)
        missing = [i for i in checked if outcomes[i] is None]
        loaded: dict[str, Person] = {}
        loader = self._people_loader()

        async def one(i: int) -> None:
            try:
                person = await loader.load(checked[i])
            except Exception as exc:  # noqa: BLE001 - partial failure is data
                outcomes[i] = Outcome(error=exc)
            else:
                outcomes[i] = Outcome(value=person)
                loaded[keys[i]] = person

        if missing:
            async with anyio.create_task_group() as tg:
                for i in missing:
                    tg.start_soon(one, i)
            if cache is not None and loaded:
                await cache.set_many(loaded, kind="reference", type_=Person)
        batch = BatchResult(items=ids, outcomes=tuple(o for o in outcomes if o is not None))
        failed = {i: o.error for i, o in enumerate(batch.outcomes) if o.error is not None}
        check_errors(
            mode,
            source=SOURCE,
            what="id",
            total=len(ids),
            errors=failed,
            result=batch,
            label=lambda i: str(ids[i]),
        )
        return batch

    async def search_people(
        self, names: str, *, sport_id: int = 1, lane: Lane = Lane.PROPS
    ) -> Fetched[People]:
        """``/api/v1/people/search?names=...`` (accent- and case-insensitive upstream); a
        :class:`People` tuple (``.to_pandas()``: one row per person)."""
        text: object = names
        if not isinstance(text, str) or not text.strip():
            raise ConfigurationError("names must be a non-empty string", setting="names")
        params = {"names": names.strip(), "sportIds": sport_id}

        async def load() -> People:
            body, request = await self.get_bytes("/api/v1/people/search", params, lane=lane)
            people = parse_people(body, request=request)
            for person in people:
                check_id(person.id, "person id", source=SOURCE, request=request)
            return People(people)

        return await self._cached(
            cache_key(SOURCE, "people_search", params=params),
            People,
            load,
            kind="reference",
        )

    async def player_stats(
        self,
        person_id: int,
        *,
        stats: str = "season",
        group: Literal["hitting", "pitching", "fielding"] = "hitting",
        season: int | None = None,
        lane: Lane = Lane.PROPS,
    ) -> Fetched[tuple[StatGroup, ...]]:
        """``/api/v1/people/{id}/stats?stats=...&group=...&season=...``.

        ``stats="gameLog"`` gives one split per game (``game_date``, ``game_pk``, opponent).
        An unknown ``stats`` type or ``group`` raises :class:`ConfigurationError` naming the
        valid ones.  A past ``season`` is cached as immutable; the current one for minutes.
        Each group has ``.to_pandas()`` (one row per split).
        """
        pid = arg_id(person_id, "person_id")
        params: dict[str, Any] = {
            "stats": check_choices(stats, STAT_TYPES, setting="stats", what="stat type"),
            "group": check_choices(group, STAT_GROUPS, setting="group", what="stat group"),
            "season": season,
        }
        path = f"/api/v1/people/{pid}/stats"

        async def load() -> tuple[StatGroup, ...]:
            body, request = await self.get_bytes(path, params, lane=lane)
            groups = parse_player_stats(body, request=request)
            for g in groups:
                for split in g.splits:
                    if season is not None and split.game_date is not None:
                        check_date_in_range(
                            split.game_date,
                            date(season, 1, 1),
                            date(season, 12, 31),
                            "game log date",
                            source=SOURCE,
                            request=request,
                        )
            return groups

        this_year = utc_from_timestamp(self._now()).year
        kind = "immutable" if season is not None and season < this_year else "schedule"
        return await self._cached(
            cache_key(SOURCE, "stats", pid, params=params),
            tuple[StatGroup, ...],
            load,
            kind=kind,
        )

    async def game_log(
        self,
        person_id: int,
        season: int,
        *,
        group: Literal["hitting", "pitching", "fielding"] = "hitting",
        lane: Lane = Lane.PROPS,
    ) -> Fetched[tuple[StatGroup, ...]]:
        """A player's game log for ``season`` (``player_stats(stats="gameLog")``)."""
        return await self.player_stats(
            person_id, stats="gameLog", group=group, season=season, lane=lane
        )

    # ------------------------------------------------------------------ teams

    async def roster(
        self,
        team_id: int,
        *,
        roster_type: str = "active",
        season: int | None = None,
        on_date: DateLike | None = None,
        lane: Lane = Lane.PROPS,
    ) -> Fetched[Roster]:
        """``/api/v1/teams/{id}/roster/{roster_type}`` (``.value.active()`` keeps status A)."""
        tid = arg_id(team_id, "team_id")
        day = to_optional_date(on_date, "on_date")
        params: dict[str, Any] = {
            "season": season,
            "date": day.isoformat() if day is not None else None,
        }
        path = f"/api/v1/teams/{tid}/roster/{roster_type}"

        async def load() -> Roster:
            body, request = await self.get_bytes(path, params, lane=lane)
            roster = parse_roster(body, request=request)
            for entry in roster.roster:
                check_id(entry.person.id, "roster person id", source=SOURCE, request=request)
            return roster

        return await self._cached(
            cache_key(SOURCE, "roster", tid, roster_type, params=params),
            Roster,
            load,
            kind="reference",
        )

    async def teams(
        self, *, season: int | None = None, sport_id: int = 1, lane: Lane = Lane.PROPS
    ) -> Fetched[tuple[Team, ...]]:
        """``/api/v1/teams?sportId=1[&season=]``."""
        params: dict[str, Any] = {"sportId": sport_id, "season": season}

        async def load() -> tuple[Team, ...]:
            body, request = await self.get_bytes("/api/v1/teams", params, lane=lane)
            teams = parse_teams(body, request=request)
            for team in teams:
                check_id(team.id, "team id", source=SOURCE, request=request)
            return teams

        return await self._cached(
            cache_key(SOURCE, "teams", params=params), tuple[Team, ...], load, kind="reference"
        )

    # ------------------------------------------------------------------ lineups (with fallback)

    @overload
    async def lineups(self, game: int, *, lane: Lane = ...) -> GameLineups: ...

    @overload
    async def lineups(self, game: DateLike, *, lane: Lane = ...) -> tuple[GameLineups, ...]: ...

    async def lineups(
        self, game: int | DateLike, *, lane: Lane = Lane.PROPS
    ) -> GameLineups | tuple[GameLineups, ...]:
        """Starting lineups for one game (``game_pk``) or every game of a date
        (:data:`~savantsdk.typing.DateLike`).

        Primary source: the schedule's ``hydrate=lineups``.  Fallback when the schedule has
        none: the boxscore's ``battingOrder``.  Each result says which source served it.
        """
        if isinstance(game, date | str):
            day = check_day_arg(game, "game")
            sched = await self.schedule(day, lane=lane)
            games = sched.value.games
            results: list[GameLineups | None] = [None] * len(games)

            async def one(i: int, g: ScheduleGame) -> None:
                results[i] = await self._game_lineups(g, sched.freshness, lane)

            async with anyio.create_task_group() as tg:
                for i, g in enumerate(games):
                    tg.start_soon(one, i, g)
            return tuple(r for r in results if r is not None)
        pk = arg_id(game, "game")
        sched = await self.schedule(game_pk=pk, lane=lane)
        found = sched.value.by_game_pk().get(pk)
        if found is None:
            return await self._from_boxscore(pk, lane)
        return await self._game_lineups(found, sched.freshness, lane)

    async def _game_lineups(
        self, game: ScheduleGame, freshness: Freshness, lane: Lane
    ) -> GameLineups:
        lineups = game.lineups
        if lineups is not None and lineups.away_players and lineups.home_players:
            return GameLineups(
                game_pk=game.game_pk,
                away=lineups.away_players,
                home=lineups.home_players,
                source="schedule",
                freshness=freshness,
            )
        return await self._from_boxscore(game.game_pk, lane)

    async def _from_boxscore(self, game_pk: int, lane: Lane) -> GameLineups:
        try:
            box = await self.boxscore(game_pk, lane=lane)
        except Exception as exc:  # noqa: BLE001 - the fallback failing is data, not a crash
            log.warning("savantsdk: lineup fallback for game %s failed: %s", game_pk, exc)
            return GameLineups(game_pk=game_pk, error=exc)
        away = _lineup(box.value.teams.away.starting_lineup)
        home = _lineup(box.value.teams.home.starting_lineup)
        if not away and not home:
            return GameLineups(game_pk=game_pk, freshness=box.freshness)
        return GameLineups(
            game_pk=game_pk, away=away, home=home, source="boxscore", freshness=box.freshness
        )

    # ------------------------------------------------------------------ live

    async def live(
        self,
        game_pk: int,
        *,
        interval_s: float = 10.0,
        lane: Lane = Lane.LIVE,
        max_consecutive_errors: int = 3,
        heartbeat: bool = False,
    ) -> AsyncIterator[LiveUpdate]:
        """``async for update in statsapi.live(pk)``: a :class:`LiveUpdate` now and after
        every change, polling every ``interval_s`` (client clock) in the LIVE lane with
        timecodes, until the game is Final (``heartbeat=True``: also after every poll that
        found nothing new, ``via="unchanged"``).  See :mod:`savantsdk.sources._live`.

        An async generator function, so the blocking ``Client`` turns it into an iterator.
        """
        updates = live_updates(
            self,
            game_pk,
            interval_s=interval_s,
            lane=lane,
            max_consecutive_errors=max_consecutive_errors,
            heartbeat=heartbeat,
        )
        try:
            async for update in updates:
                yield update
        finally:
            await updates.aclose()


def _checked_boxscore(data: bytes, *, request: str) -> Boxscore:
    box = parse_boxscore(data, request=request)
    for side in (box.teams.away, box.teams.home):
        check_id(side.team.id, "boxscore team id", source=SOURCE, request=request)
    return box


def _lineup(players: Iterable[Any]) -> tuple[LineupPlayer, ...]:
    return tuple(
        LineupPlayer(id=p.id, full_name=p.person.full_name, primary_position=p.position)
        for p in players
    )

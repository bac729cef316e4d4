"""SportRadar MLB client: daily schedule, game summary/boxscore, play-by-play.

::

    sr = SportradarClient(client)                    # access_level="trial", v8, English
    day = (await sr.schedule(date(2024, 6, 10))).value
    game = (await sr.game_summary(day.games[0].id)).value
    pbp = (await sr.play_by_play(day.games[0].id)).value

Paths (v8): ``/mlb/{access_level}/v8/{lang}/games/{yyyy}/{mm}/{dd}/schedule.json``,
``/games/{id}/summary.json``, ``/games/{id}/boxscore.json``, ``/games/{id}/pbp.json``.
The key goes in the ``x-api-key`` header (never in the URL, a cache key or a log line).  The
trial limit of 1 query per second is the source's default rate.  Finished games (``closed``
or ``complete``) are cached as immutable, games in progress for seconds.
"""

from __future__ import annotations

import email.utils
import logging
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar
from zoneinfo import ZoneInfo

import attrs
import httpx

from .._dates import to_date
from ..cache import cache_key
from ..exceptions import ConfigurationError
from ..executor import Lane
from ._fetch import cached_fetch, head_probe
from ._quality import Fetched, QuotaStatus, check_required
from ._sportradar_models import (
    SportradarGame,
    SportradarQuota,
    SportradarSchedule,
    parse_sportradar_game_summary,
    parse_sportradar_play_by_play,
    parse_sportradar_schedule,
    sportradar_quota_from_headers,
)

if TYPE_CHECKING:
    from ..typing import DateLike, SourceContext

__all__ = ("SportradarClient",)

log = logging.getLogger("savantsdk")

SOURCE: Final = "sportradar"
_GUID: Final = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_LANG: Final = re.compile(r"^[a-z]{2}$")
_VERSION: Final = re.compile(r"^v\d+$")
_EASTERN: Final = ZoneInfo("America/New_York")
#: An MLB "day" at SportRadar runs 4:00 am to 3:59:59 am Eastern.
_DAY_START: Final = timedelta(hours=4)
_FINAL: Final = frozenset({"closed", "complete"})
_NOT_STARTED: Final = frozenset({"scheduled", "created", "postponed", "canceled", "cancelled"})

T = TypeVar("T")
AccessLevel = Literal["trial", "production"]


def _game_id(game_id: str) -> str:
    raw: object = game_id
    if not isinstance(raw, str) or not _GUID.match(raw.lower()):
        raise ConfigurationError(
            f"SportRadar game ids are GUIDs (8-4-4-4-12 hex), got {game_id!r}",
            setting="game_id",
        )
    return game_id.lower()


def _game_kind(game: SportradarGame) -> str:
    status = (game.status or "").lower()
    if status in _FINAL:
        return "immutable"
    if status in _NOT_STARTED:
        return "schedule"
    return "live"


def mlb_day(moment: datetime) -> date:
    """The SportRadar MLB day a start time belongs to (4 am to 3:59 am Eastern)."""
    return (moment.astimezone(_EASTERN) - _DAY_START).date()


def _last_modified(response: httpx.Response) -> datetime | None:
    raw = response.headers.get("last-modified")
    if not raw:
        return None
    try:
        return email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None


class SportradarClient:
    """SportRadar MLB through ``client``'s executor (1 request/s by default) and cache.
    Use as ``client.sportradar``."""

    def __init__(
        self,
        client: SourceContext,
        *,
        access_level: AccessLevel = "trial",
        language: str = "en",
        version: str = "v8",
    ) -> None:
        if access_level not in ("trial", "production"):
            raise ConfigurationError(
                f"access_level must be 'trial' or 'production', got {access_level!r}",
                setting="access_level",
            )
        if not _LANG.match(str(language)):
            raise ConfigurationError(
                f"language must be a 2-letter code like 'en', got {language!r}",
                setting="language",
            )
        if not _VERSION.match(str(version)):
            raise ConfigurationError(
                f"version must look like 'v8', got {version!r}", setting="version"
            )
        self._client = client
        self._prefix = f"/mlb/{access_level}/{version}/{language}"
        self._quota: SportradarQuota | None = None

    def __repr__(self) -> str:
        return f"<SportradarClient {self._prefix}>"

    # ------------------------------------------------------------------ health

    def quota_status(self) -> QuotaStatus:
        """The quota headers of the last response (empty before one carried them)."""
        sr = self._quota
        if sr is None:
            return QuotaStatus()
        left = sr.remaining
        return QuotaStatus(
            remaining=None if left is None else float(left),
            used=None if sr.quota_current is None else float(sr.quota_current),
        )

    async def health_probe(self, *, timeout_s: float) -> int:
        """``HEAD /`` without credentials (it spends no quota); returns the HTTP status."""
        return await head_probe(self._client, SOURCE, timeout_s=timeout_s)

    @property
    def quota(self) -> SportradarQuota | None:
        """QPS/quota headers of the last response, when the gateway sends them."""
        return self._quota

    async def _fetch(
        self,
        path: str,
        *,
        type_: Any,
        kind: str | Callable[[T], str],
        parse: Callable[[bytes, str], T],
        use_cache: bool,
        lane: Lane,
    ) -> Fetched[T]:
        api_key = self._client.api_keys.require("sportradar")
        full = self._prefix + path
        key = cache_key("sportradar", full)

        async def load() -> tuple[T, datetime | None]:
            response = await self._client.request(
                SOURCE,
                "GET",
                full,
                headers={"x-api-key": api_key, "Accept": "application/json"},
                lane=lane,
                key=cache_key("sportradar", "request", full),
            )
            quota = sportradar_quota_from_headers(response.headers)
            if quota != SportradarQuota():
                self._quota = quota
            return parse(response.content, f"GET {full}"), _last_modified(response)

        return await cached_fetch(
            self._client,
            source=SOURCE,
            key=key,
            type_=type_,
            kind=kind,
            load=load,
            use_cache=use_cache,
        )

    async def schedule(
        self, day: DateLike, *, use_cache: bool = True
    ) -> Fetched[SportradarSchedule]:
        """The daily schedule (``games/{yyyy}/{mm}/{dd}/schedule.json``); ``day`` is
        :data:`~savantsdk.typing.DateLike`."""
        day = to_date(day, "day")

        def parse(body: bytes, request: str) -> SportradarSchedule:
            return _only_day(parse_sportradar_schedule(body, request=request), day)

        return await self._fetch(
            f"/games/{day.year:04d}/{day.month:02d}/{day.day:02d}/schedule.json",
            type_=SportradarSchedule,
            kind="schedule",
            parse=parse,
            use_cache=use_cache,
            lane=Lane.PROPS,
        )

    async def game_summary(
        self, game_id: str, *, use_cache: bool = True
    ) -> Fetched[SportradarGame]:
        """``games/{id}/summary.json``: teams, lineups, players with game statistics."""
        return await self._game(game_id, "summary.json", parse_sportradar_game_summary, use_cache)

    async def boxscore(self, game_id: str, *, use_cache: bool = True) -> Fetched[SportradarGame]:
        """``games/{id}/boxscore.json`` (lighter than the summary)."""
        return await self._game(game_id, "boxscore.json", parse_sportradar_game_summary, use_cache)

    async def play_by_play(
        self, game_id: str, *, use_cache: bool = True
    ) -> Fetched[SportradarGame]:
        """``games/{id}/pbp.json``: innings -> halves -> at-bats -> pitches."""
        return await self._game(game_id, "pbp.json", parse_sportradar_play_by_play, use_cache)

    async def _game(
        self,
        game_id: str,
        feed: str,
        parser: Callable[..., SportradarGame],
        use_cache: bool,
    ) -> Fetched[SportradarGame]:
        gid = _game_id(game_id)

        def parse(body: bytes, request: str) -> SportradarGame:
            game = parser(body, request=request)
            check_required(
                game.id.lower() == gid,
                f"asked for game {gid}, the payload is game {game.id}",
                source=SOURCE,
                request=request,
            )
            return game

        return await self._fetch(
            f"/games/{gid}/{feed}",
            type_=SportradarGame,
            kind=_game_kind,
            parse=parse,
            use_cache=use_cache,
            lane=Lane.LIVE,
        )


def _only_day(schedule: SportradarSchedule, day: date) -> SportradarSchedule:
    """Keep the games of ``day`` (a season file or a neighbouring day's game is dropped)."""
    games = tuple(g for g in schedule.games if g.scheduled is None or mlb_day(g.scheduled) == day)
    if len(games) != len(schedule.games):
        log.debug(
            "savantsdk sportradar: kept %d of %d games for %s", len(games), len(schedule.games), day
        )
    return attrs.evolve(schedule, games=games, day=schedule.day or day)

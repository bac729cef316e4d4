"""PrizePicks projections client (unofficial, undocumented ``/projections`` JSON:API).

::

    pp = PrizePicksClient(client)
    board = (await pp.projections()).value          # MLB (league 2), every page, cached
    standard = [p for p in board.projections if p.odds_type is OddsType.STANDARD]

The API sits behind bot protection.  Requests carry JSON ``Accept`` and the app's
``Referer``/``Origin`` (what the web app sends); the User-Agent stays the SDK's own unless you
pass ``headers=``.  A 403 becomes an :class:`~savantsdk.exceptions.UnauthorizedError` that
says the request was blocked, it is never retried, and further calls fail fast without any
network I/O for ``block_cooldown_s`` (no retry storms against a block).  PrizePicks' terms
likely prohibit scraping: The Odds API's ``us_dfs`` region (``bookmakers=prizepicks``) is a
sanctioned route to the same lines.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Final

import attrs

from ..cache import cache_key
from ..exceptions import ConfigurationError, UnauthorizedError
from ..executor import Lane
from ._fetch import NoQuotaSource, cached_fetch
from ._markets_models import (
    MLB_LEAGUE_ID,
    PrizePicksPlayer,
    Projection,
    ProjectionBoard,
    parse_projections,
)
from ._quality import Fetched

if TYPE_CHECKING:
    from ..typing import SourceContext

__all__ = ("PRIZEPICKS_HEADERS", "PrizePicksClient")

log = logging.getLogger("savantsdk")

SOURCE: Final = "prizepicks"

#: Headers the PrizePicks web app sends with its API calls.
PRIZEPICKS_HEADERS: Final[Mapping[str, str]] = {
    "Accept": "application/json; charset=UTF-8",
    "Referer": "https://app.prizepicks.com/",
    "Origin": "https://app.prizepicks.com",
}

_BLOCKED_HINT: Final = (
    "PrizePicks refused the request (HTTP {status}): its bot protection blocks automated "
    "clients. The SDK will not retry; further PrizePicks calls fail fast for {cooldown:g} s. "
    "The Odds API's us_dfs region (bookmakers=prizepicks) serves the same lines without "
    "scraping."
)


def _valid(p: Projection) -> bool:
    """Required fields of a usable line: id, stat, a finite line and a named player."""
    return (
        bool(p.id)
        and bool(p.stat_type)
        and p.line_score is not None
        and math.isfinite(p.line_score)
        and p.line_score >= 0
        and bool(p.player_name)
    )


def _latest(board: ProjectionBoard) -> datetime | None:
    stamps = [p.updated_at for p in board.projections if p.updated_at is not None]
    return max(stamps) if stamps else None


class PrizePicksClient(NoQuotaSource):
    """Projections for a league, through ``client``'s executor (1 request/s by default) and
    cache (kind ``lines``).  Use as ``client.prizepicks``."""

    _source_name: ClassVar[str] = SOURCE

    def __init__(
        self,
        client: SourceContext,
        *,
        per_page: int = 250,
        max_pages: int = 20,
        headers: Mapping[str, str] | None = None,
        block_cooldown_s: float = 300.0,
    ) -> None:
        pages: object = per_page
        if not isinstance(pages, int) or not 1 <= pages <= 1000:
            raise ConfigurationError(
                f"per_page must be an int in 1..1000, got {per_page!r}", setting="per_page"
            )
        most: object = max_pages
        if not isinstance(most, int) or most < 1:
            raise ConfigurationError(
                f"max_pages must be an int >= 1, got {max_pages!r}", setting="max_pages"
            )
        if not (block_cooldown_s >= 0 and math.isfinite(block_cooldown_s)):
            raise ConfigurationError(
                f"block_cooldown_s must be a finite number >= 0, got {block_cooldown_s!r}",
                setting="block_cooldown_s",
            )
        self._client = client
        self._per_page = per_page
        self._max_pages = max_pages
        self._headers = {**PRIZEPICKS_HEADERS, **(headers or {})}
        self._cooldown_s = float(block_cooldown_s)
        self._blocked_until: float | None = None

    def __repr__(self) -> str:
        state = "blocked" if self._blocked_remaining() > 0 else "ok"
        return f"<PrizePicksClient per_page={self._per_page} state={state}>"

    def _blocked_remaining(self) -> float:
        if self._blocked_until is None:
            return 0.0
        return max(0.0, self._blocked_until - self._client.clock.monotonic())

    async def projections(
        self,
        league_id: int | None = MLB_LEAGUE_ID,
        *,
        single_stat: bool | None = None,
        game_mode: str | None = None,
        state_code: str | None = None,
        use_cache: bool = True,
        lane: Lane = Lane.PROPS,
    ) -> Fetched[ProjectionBoard]:
        """Every page of the board for ``league_id`` (``None``: all leagues), joined with its
        players, with its freshness (upstream timestamp = the newest ``updated_at``).

        Standard, demon and goblin lines are all kept (see ``OddsType``); rows missing a stat,
        a finite line or a player are dropped and logged.
        """
        params: dict[str, Any] = {
            "league_id": league_id,
            "per_page": self._per_page,
            "single_stat": None if single_stat is None else str(single_stat).lower(),
            "game_mode": game_mode,
            "state_code": state_code,
        }
        params = {k: v for k, v in params.items() if v is not None}
        key = cache_key("prizepicks", "projections", params=params)

        async def load() -> tuple[ProjectionBoard, datetime | None]:
            board = await self._all_pages(params, league_id, key, lane)
            return board, _latest(board)

        return await cached_fetch(
            self._client,
            source=SOURCE,
            key=key,
            type_=ProjectionBoard,
            kind="lines",
            load=load,
            use_cache=use_cache,
        )

    async def _page(
        self, params: Mapping[str, Any], league_id: int | None, key: str, lane: Lane
    ) -> ProjectionBoard:
        left = self._blocked_remaining()
        if left > 0:
            raise UnauthorizedError(
                f"PrizePicks blocked an earlier request (HTTP 403); not calling it again for "
                f"another {left:.0f} s",
                source=SOURCE,
                status_code=403,
            )
        try:
            response = await self._client.request(
                SOURCE,
                "GET",
                "/projections",
                params=params,
                headers=self._headers,
                lane=lane,
                key=cache_key("prizepicks", "request", key),
            )
        except UnauthorizedError as exc:
            if exc.status_code == 403:
                self._blocked_until = self._client.clock.monotonic() + self._cooldown_s
                log.warning("savantsdk prizepicks: HTTP 403 (bot protection); backing off")
                raise UnauthorizedError(
                    _BLOCKED_HINT.format(status=403, cooldown=self._cooldown_s),
                    source=SOURCE,
                    status_code=403,
                    body=exc.body,
                    request=exc.request,
                    error_code=exc.error_code,
                ) from exc
            raise
        return parse_projections(
            response.content, league_id=league_id, request=f"GET {response.request.url}"
        )

    async def _all_pages(
        self, params: Mapping[str, Any], league_id: int | None, key: str, lane: Lane
    ) -> ProjectionBoard:
        first = await self._page(params, league_id, key, lane)
        boards = [first]
        total = min(first.total_pages or 1, self._max_pages)
        if (first.total_pages or 1) > self._max_pages:
            log.warning(
                "savantsdk prizepicks: board has %s pages; reading the first %d (max_pages)",
                first.total_pages,
                self._max_pages,
            )
        for page in range(2, total + 1):
            board = await self._page(
                {**params, "page": page}, league_id, cache_key(key, "page", page), lane
            )
            boards.append(board)
        return _merge(boards)


def _merge(boards: list[ProjectionBoard]) -> ProjectionBoard:
    seen: set[str] = set()
    rows: list[Projection] = []
    players: dict[str, PrizePicksPlayer] = {}
    dropped = 0
    for board in boards:
        players.update(board.players)
        for p in board.projections:
            if p.id in seen:
                continue
            seen.add(p.id)
            if _valid(p):
                rows.append(p)
            else:
                dropped += 1
    if dropped:
        log.warning(
            "savantsdk prizepicks: dropped %d projection(s) missing a stat, line or player",
            dropped,
        )
    last = boards[-1]
    return attrs.evolve(
        boards[0],
        projections=tuple(rows),
        players=players,
        current_page=last.current_page,
        total_pages=boards[0].total_pages,
    )

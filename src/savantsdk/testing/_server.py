"""``FakeUpstream``: a real HTTP server on loopback speaking all five upstreams' wire formats.

Starlette routes served by uvicorn on a free ``127.0.0.1`` port, in a background thread with its
own event loop.  One server hosts every source under its own prefix::

    with FakeUpstream(seed=7) as fake:
        fake.base_urls["statsapi"]   # "http://127.0.0.1:PORT/statsapi"

so the SDK's ``base_urls`` setting can point each client at it.  uvicorn and starlette are the
``savantsdk[testing]`` extra and are imported only when a server is built.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import math
import random
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, date, datetime, time as dtime, timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Self

import attrs
import httpx
import orjson

from .._clock import SystemClock
from ..typing import Clock
from . import _payloads as _p
from ._faults import FaultConfig, FaultKind, RecordedRequest, RouteFaults, TokenBucket
from ._league import SimulatedLeague
from ._world import Game, GameState

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

__all__ = ("SOURCES", "FakeUpstream", "Saturation")

logger = logging.getLogger("savantsdk")

#: SDK source name -> URL prefix on the fake server.
SOURCES: Final[Mapping[str, str]] = {
    "savant": "/savant",
    "statsapi": "/statsapi",
    "prizepicks": "/prizepicks",
    "odds_api": "/oddsapi",
    "sportradar": "/sportradar",
}
_PREFIX_TO_SOURCE: Final = {v: k for k, v in SOURCES.items()}
_REDACT: Final = frozenset({"apikey", "api_key"})
_ODDS_DETAILS: Final = "https://the-odds-api.com/liveapi/guides/v4/api-error-codes.html#"
_HTML_PAGE: Final = (
    b"<!DOCTYPE html>\n<html><head><title>Just a moment...</title></head>"
    b"<body><h1>Checking your browser before accessing the site.</h1></body></html>\n"
)
_SPORTS: Final = (
    {
        "key": "baseball_kbo",
        "group": "Baseball",
        "title": "KBO",
        "description": "KBO League",
        "active": True,
        "has_outrights": False,
    },
    {
        "key": "baseball_mlb",
        "group": "Baseball",
        "title": "MLB",
        "description": "Major League Baseball",
        "active": True,
        "has_outrights": False,
    },
    {
        "key": "baseball_mlb_world_series_winner",
        "group": "Baseball",
        "title": "MLB World Series Winner",
        "description": "World Series Winner 2024",
        "active": True,
        "has_outrights": True,
    },
    {
        "key": "baseball_npb",
        "group": "Baseball",
        "title": "NPB",
        "description": "Nippon Professional Baseball",
        "active": True,
        "has_outrights": False,
    },
    {
        "key": "basketball_nba",
        "group": "Basketball",
        "title": "NBA",
        "description": "US Basketball",
        "active": True,
        "has_outrights": False,
    },
)
#: The keys FakeUpstream accepts unless told otherwise.
DEFAULT_API_KEYS: Final[Mapping[str, str]] = {
    "odds_api": "fake-odds-api-key",
    "sportradar": "fake-sportradar-key",
}


@attrs.frozen
class Saturation:
    """Whether the fake server itself was the bottleneck since the last reset.

    ``saturated`` is true when the p99 event-loop lag exceeded ``lag_threshold_s`` (the loop
    could not keep up) or the in-flight count reached ``in_flight_threshold``.
    """

    saturated: bool
    p99_loop_lag_s: float
    max_loop_lag_s: float
    peak_in_flight: int
    requests: int
    lag_threshold_s: float
    in_flight_threshold: int


def _json(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    from starlette.responses import Response

    return Response(
        orjson.dumps(body),
        status_code=status,
        headers=dict(headers or {}),
        media_type="application/json",
    )


def _parse_day(text: str) -> date:
    if "/" in text:
        m, d, y = text.split("/")
        return date(int(y), int(m), int(d))
    return date.fromisoformat(text)


class FakeUpstream:
    """A loopback HTTP server for Savant, the Stats API, PrizePicks, The Odds API and SportRadar.

    ``now`` is the simulated instant when the server starts (default: 21:00 UTC on the league's
    last day, so that day has games final, live and not yet started); simulated time then moves
    with ``clock`` (``SystemClock`` by default; pass a ``FakeClock`` and ``advance()`` it) times
    ``speed``.
    """

    def __init__(
        self,
        league: SimulatedLeague | None = None,
        *,
        seed: int = 0,
        now: datetime | None = None,
        clock: Clock | None = None,
        speed: float = 1.0,
        host: str = "127.0.0.1",
        port: int = 0,
        api_keys: Mapping[str, str] | None = None,
        odds_api_credits: int | None = 500,
        fault_seed: int = 0,
        savant_row_cap: int = 25_000,
        lag_threshold_s: float = 0.05,
        in_flight_threshold: int = 10_000,
    ) -> None:
        self.league = league if league is not None else SimulatedLeague(seed=seed)
        last = self.league.dates[-1]
        self._now0 = now or datetime.combine(last, dtime(21, 0), tzinfo=UTC)
        if self._now0.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        self._clock: Clock = clock or SystemClock()
        self._clock0 = self._clock.time()
        self._speed = speed
        self._host = host
        self._port = port
        self._api_keys = dict(DEFAULT_API_KEYS if api_keys is None else api_keys)
        self._credits_total = odds_api_credits
        self._credits_used = 0
        self._rng = random.Random(fault_seed)  # noqa: S311 - fault injection, not crypto
        self._row_cap = savant_row_cap
        self._faults: list[RouteFaults] = []
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()
        self._records: list[RecordedRequest] = []
        self._sc_cache: dict[int, _p.StatcastGame] = {}
        self._body_cache: collections.OrderedDict[tuple[Any, ...], bytes] = (
            collections.OrderedDict()
        )
        self._sr_games: dict[str, int] = {}
        self._lag_threshold = lag_threshold_s
        self._in_flight_threshold = in_flight_threshold
        self._lags: collections.deque[float] = collections.deque(maxlen=200_000)
        self._in_flight = 0
        self._peak_in_flight = 0
        self._thread: threading.Thread | None = None
        self._server: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._error: BaseException | None = None

    def __repr__(self) -> str:
        state = f"{self.base_url}" if self._thread else "stopped"
        return f"<FakeUpstream {state} {self.league!r}>"

    # ---- lifecycle ------------------------------------------------------------------------

    def start(self) -> Self:
        """Start serving (idempotent); returns once the socket accepts connections."""
        if self._thread is not None:
            return self
        import uvicorn

        # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose
        # proto is TCP, and without it h11's header/body writes hit Nagle + delayed ACK (40 ms).
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self._host, self._port))
        self._port = sock.getsockname()[1]
        config = uvicorn.Config(
            self._build_app(),
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=1,
            backlog=4096,
            ws="none",
        )
        server = uvicorn.Server(config)
        self._server = server
        ready = threading.Event()

        def run() -> None:
            try:
                asyncio.run(self._serve(server, sock, ready))
            except BaseException as exc:  # noqa: BLE001  # pragma: no cover - re-raised by start()
                self._error = exc
                ready.set()

        self._thread = threading.Thread(target=run, name="savantsdk-fake-upstream", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not server.started and self._error is None:
            if time.monotonic() > deadline:  # pragma: no cover
                raise RuntimeError("FakeUpstream did not start within 10 s")
            ready.wait(0.01)
        if self._error is not None:  # pragma: no cover
            raise RuntimeError("FakeUpstream failed to start") from self._error
        logger.debug("FakeUpstream listening on %s", self.base_url)
        return self

    async def _serve(self, server: Any, sock: socket.socket, ready: threading.Event) -> None:
        import anyio

        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        async with anyio.create_task_group() as tg:
            tg.start_soon(self._monitor)
            ready.set()
            await server.serve(sockets=[sock])
            tg.cancel_scope.cancel()

    async def _monitor(self) -> None:
        interval = 0.01
        while True:
            t0 = time.perf_counter()
            await asyncio.sleep(interval)
            self._lags.append(max(0.0, time.perf_counter() - t0 - interval))

    def stop(self) -> None:
        """Stop serving and join the thread; hanging requests are released first."""
        thread, server = self._thread, self._server
        if thread is None or server is None:
            return
        loop, stopping = self._loop, self._stopping
        if loop is not None and stopping is not None and not loop.is_closed():
            loop.call_soon_threadsafe(stopping.set)
        server.should_exit = True
        thread.join(5)
        if thread.is_alive():  # pragma: no cover - a handler refused to finish
            server.force_exit = True
            thread.join(5)
        self._thread = None
        self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        import anyio.to_thread

        return await anyio.to_thread.run_sync(self.start)

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        import anyio.to_thread

        await anyio.to_thread.run_sync(self.stop)

    # ---- addresses and time ---------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://{self._host}:{self._port}"

    @property
    def base_urls(self) -> dict[str, str]:
        """SDK source name -> base URL (``savant``, ``statsapi``, ``prizepicks``, ``odds_api``,
        ``sportradar``)."""
        return {name: self.base_url + prefix for name, prefix in SOURCES.items()}

    @property
    def api_keys(self) -> dict[str, str]:
        return dict(self._api_keys)

    def now(self) -> datetime:
        """The simulated instant (UTC)."""
        elapsed = (self._clock.time() - self._clock0) * self._speed
        return self._now0 + timedelta(seconds=elapsed)

    def set_now(self, now: datetime) -> None:
        """Jump the simulated clock to ``now`` (it keeps moving with the clock from there)."""
        self._now0 = now
        self._clock0 = self._clock.time()

    # ---- faults, limits, credits ----------------------------------------------------------

    def faults(
        self, source: str, path: str = "*", config: FaultConfig | None = None, **kwargs: Any
    ) -> RouteFaults:
        """Install faults on ``source`` routes matching the ``path`` glob (newest rule wins).

        ``fake.faults("odds_api", server_error=0.2, latency=Latency.fixed(0.05))``.
        """
        if source not in SOURCES:
            raise ValueError(f"unknown source {source!r}; expected one of {sorted(SOURCES)}")
        cfg = config if config is not None else FaultConfig(**kwargs)
        rule = RouteFaults(source, path, cfg)
        with self._lock:
            self._faults.insert(0, rule)
        return rule

    def clear_faults(self, source: str | None = None) -> None:
        with self._lock:
            self._faults = [f for f in self._faults if source is not None and f.source != source]

    def rate_limit(self, source: str, rate_per_s: float | None, burst: float | None = None) -> None:
        """A server-side token bucket for ``source`` (``None`` removes it); excess -> 429."""
        with self._lock:
            if rate_per_s is None:
                self._buckets.pop(source, None)
            else:
                self._buckets[source] = TokenBucket(
                    rate_per_s,
                    burst if burst is not None else max(1.0, rate_per_s),
                    self._clock.monotonic,
                )

    def set_odds_api_credits(self, total: int | None, *, used: int = 0) -> None:
        """Reset the Odds API credit budget (``None`` = unlimited)."""
        with self._lock:
            self._credits_total = total
            self._credits_used = used

    @property
    def odds_api_credits_used(self) -> int:
        return self._credits_used

    # ---- request log ----------------------------------------------------------------------

    def requests(self, source: str | None = None) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self._records if source is None or r.source == source]

    def count(self, source: str | None = None, path_prefix: str = "") -> int:
        """How many requests reached ``source`` under ``path_prefix`` (prefix-stripped path)."""
        with self._lock:
            return sum(
                1
                for r in self._records
                if (source is None or r.source == source) and r.path.startswith(path_prefix)
            )

    def reset_counts(self) -> None:
        with self._lock:
            self._records.clear()

    def saturation(self) -> Saturation:
        lags = sorted(self._lags)
        p99 = lags[min(len(lags) - 1, math.ceil(0.99 * len(lags)) - 1)] if lags else 0.0
        with self._lock:
            n = len(self._records)
        return Saturation(
            saturated=p99 > self._lag_threshold
            or self._peak_in_flight >= self._in_flight_threshold,
            p99_loop_lag_s=p99,
            max_loop_lag_s=lags[-1] if lags else 0.0,
            peak_in_flight=self._peak_in_flight,
            requests=n,
            lag_threshold_s=self._lag_threshold,
            in_flight_threshold=self._in_flight_threshold,
        )

    def warm(self, days: Sequence[date] | None = None) -> None:
        """Simulate and pre-render the given days (default: all) so first requests are cheap.

        Call before a benchmark, then :meth:`reset_saturation`, so the one-off simulation cost
        does not count as server saturation.
        """
        wanted = set(days) if days is not None else set(self.league.dates)
        for game in self.league.schedule:
            if game.official_date in wanted:
                self._sc_game(game)

    def reset_saturation(self) -> None:
        self._lags.clear()
        self._peak_in_flight = self._in_flight

    # ---- in-process transport -------------------------------------------------------------

    def transport(self) -> httpx.AsyncBaseTransport:
        """The same routes, request log and faults as the server, in process and without a socket.

        ``AsyncClient(base_urls=fake.base_urls, http_transport=fake.transport())``: requests go
        straight into this fake's ASGI app (``httpx.ASGITransport``) on the caller's event loop,
        are counted in :meth:`requests` and get the faults, rate limits and credits of
        :meth:`faults`, :meth:`rate_limit` and :meth:`set_odds_api_credits`.  The server need not
        be started.  Client timeouts do not apply in process, so a ``timeout`` fault hangs for
        its full ``hang_s``.
        """
        return httpx.ASGITransport(app=self._build_app())

    # ---- app ------------------------------------------------------------------------------

    def _build_app(self) -> Any:
        from starlette.applications import Starlette
        from starlette.routing import Mount, Route

        def r(source: str, path: str, fn: Callable[[Request], Awaitable[Response]]) -> Route:
            return Route(path, self._wrap(source, fn), methods=["GET"])

        sa, st, pp, oa, sr = "savant", "statsapi", "prizepicks", "odds_api", "sportradar"
        routes = [
            Mount(
                SOURCES[sa],
                routes=[
                    r(sa, "/statcast_search/csv", self._statcast),
                    r(sa, "/leaderboard/{kind}", self._leaderboard),
                ],
            ),
            Mount(
                SOURCES[st],
                routes=[
                    r(st, "/api/v1/schedule", self._schedule),
                    r(st, "/api/v1.1/game/{pk:int}/feed/live", self._feed),
                    r(st, "/api/v1.1/game/{pk:int}/feed/live/timestamps", self._timestamps),
                    r(st, "/api/v1.1/game/{pk:int}/feed/live/diffPatch", self._diff_patch),
                    r(st, "/api/v1/game/{pk:int}/boxscore", self._boxscore),
                    r(st, "/api/v1/people", self._people),
                    r(st, "/api/v1/people/search", self._people_search),
                    r(st, "/api/v1/people/{pid:int}", self._person),
                    r(st, "/api/v1/people/{pid:int}/stats", self._person_stats),
                    r(st, "/api/v1/teams", self._teams),
                    r(st, "/api/v1/teams/{tid:int}/roster", self._roster),
                    r(st, "/api/v1/teams/{tid:int}/roster/{kind}", self._roster),
                ],
            ),
            Mount(SOURCES[pp], routes=[r(pp, "/projections", self._projections)]),
            Mount(
                SOURCES[oa],
                routes=[
                    r(oa, "/v4/sports", self._odds_sports),
                    r(oa, "/v4/sports/{sport}/events", self._odds_events),
                    r(oa, "/v4/sports/{sport}/odds", self._odds_bulk),
                    r(oa, "/v4/sports/{sport}/events/{event_id}/odds", self._odds_event),
                ],
            ),
            Mount(
                SOURCES[sr],
                routes=[
                    r(
                        sr,
                        "/mlb/{access}/v8/{lang}/games/{y:int}/{m:int}/{d:int}/schedule.json",
                        self._sr_schedule,
                    ),
                    r(sr, "/mlb/{access}/v8/{lang}/games/{gid}/summary.json", self._sr_summary),
                    r(sr, "/mlb/{access}/v8/{lang}/games/{gid}/pbp.json", self._sr_pbp),
                ],
            ),
        ]
        for mount in routes:
            # Unknown paths under a source prefix are answered (404) and recorded too.
            source = _PREFIX_TO_SOURCE[mount.path]
            mount.routes.append(r(source, "/{rest:path}", self._unknown_route))
        return Starlette(routes=routes)

    async def _unknown_route(self, request: Request) -> Response:
        from starlette.responses import Response

        return Response(b"Not Found", status_code=404, media_type="text/plain")

    def _wrap(
        self, source: str, fn: Callable[[Request], Awaitable[Response]]
    ) -> Callable[[Request], Awaitable[Response]]:
        prefix = SOURCES[source]

        async def endpoint(request: Request) -> Response:
            arrival = self._clock.monotonic()
            t0 = time.perf_counter()
            self._in_flight += 1
            self._peak_in_flight = max(self._peak_in_flight, self._in_flight)
            path = request.url.path.removeprefix(prefix)
            status = 500
            fault: FaultKind | None = None
            try:
                response, fault = await self._handle(source, path, request, fn)
                status = response.status_code
                return response
            finally:
                self._in_flight -= 1
                query = "&".join(
                    f"{k}={'REDACTED' if k.lower() in _REDACT else v}"
                    for k, v in request.query_params.multi_items()
                )
                rec = RecordedRequest(
                    source,
                    request.method,
                    path,
                    query,
                    status,
                    arrival,
                    time.perf_counter() - t0,
                    fault,
                )
                with self._lock:
                    self._records.append(rec)

        return endpoint

    async def _handle(
        self,
        source: str,
        path: str,
        request: Request,
        fn: Callable[[Request], Awaitable[Response]],
    ) -> tuple[Response, FaultKind | None]:
        from starlette.responses import Response

        with self._lock:
            bucket = self._buckets.get(source)
            rule = next((f for f in self._faults if f.matches(source, path)), None)
            kind = rule.config.draw(self._rng) if rule else None
            latency = rule.config.latency.sample(self._rng) if rule and rule.config.latency else 0.0
        if bucket is not None:
            wait = bucket.take()
            if wait is not None:
                return self._too_many(source, max(1, math.ceil(wait))), "rate_limited"
        if latency > 0:
            await asyncio.sleep(latency)
        if rule is None or kind is None:
            return await fn(request), None
        cfg = rule.config
        if kind == "server_error":
            code = cfg.server_error_status
            page = f"<html><head><title>{code} Service Unavailable</title></head></html>\n"
            return Response(page, status_code=code, media_type="text/html"), kind
        if kind == "rate_limited":
            return self._too_many(source, max(1, math.ceil(cfg.retry_after_s))), kind
        if kind == "timeout":
            stopping = self._stopping
            if stopping is not None and self._loop is asyncio.get_running_loop():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stopping.wait(), cfg.hang_s)
            else:  # in process (transport()): not on the server's loop, nothing to release it
                await asyncio.sleep(cfg.hang_s)
            return Response(
                b"<html>504 Gateway Time-out</html>", status_code=504, media_type="text/html"
            ), kind
        if kind == "html":
            return Response(_HTML_PAGE, media_type="text/html"), kind
        if kind == "error_csv":
            if source == "savant":
                return Response(_p.SAVANT_ERROR_CSV.encode(), media_type="text/csv"), kind
            return await fn(request), None
        # malformed: the real body, cut in half (truncated JSON / CSV).
        real = await fn(request)
        body = bytes(real.body)
        cut = body[: max(1, len(body) // 2)]
        headers = {k: v for k, v in real.headers.items() if k.lower() != "content-length"}
        return Response(cut, status_code=real.status_code, headers=headers), kind

    def _too_many(self, source: str, retry_after: int) -> Response:
        from starlette.responses import Response

        headers = {"Retry-After": str(retry_after)}
        if source == "odds_api":
            return _json(
                {
                    "message": "You have exceeded the frequency limit. Please retry.",
                    "error_code": "EXCEEDED_FREQ_LIMIT",
                    "details_url": _ODDS_DETAILS + "exceeded-freq-limit",
                },
                429,
                {**headers, **self._quota_headers(0)},
            )
        if source == "sportradar":
            return _json({"message": "API rate limit exceeded"}, 429, headers)
        return Response(
            b"Too Many Requests", status_code=429, headers=headers, media_type="text/plain"
        )

    # ---- Savant ---------------------------------------------------------------------------

    def _sc_game(self, game: Game) -> _p.StatcastGame:
        sc = self._sc_cache.get(game.game_pk)
        if sc is None:
            sc = self._sc_cache[game.game_pk] = _p.StatcastGame(self.league, game)
        return sc

    async def _statcast(self, request: Request) -> Response:
        from starlette.responses import Response

        q = request.query_params
        lg = self.league
        now = self.now()
        try:
            if q.get("game_pk"):
                game = lg.game_by_pk.get(int(q["game_pk"]))
                games: Sequence[Game] = (game,) if game else ()
            else:
                first = _parse_day(q["game_date_gt"]) if q.get("game_date_gt") else lg.dates[0]
                last = _parse_day(q["game_date_lt"]) if q.get("game_date_lt") else lg.dates[-1]
                games = lg.games_between(first, last)
        except ValueError:
            return Response(_p.SAVANT_ERROR_CSV.encode(), media_type="text/csv")
        team = q.get("team") or ""
        if team:
            t = lg.team_by_abbrev.get(team)
            games = [g for g in games if t is not None and t.id in (g.home_id, g.away_id)]
        batters = {int(x) for v in q.getlist("batters_lookup[]") for x in v.split(",") if x}
        pitchers = {int(x) for v in q.getlist("pitchers_lookup[]") for x in v.split(",") if x}
        persp = "batter" if q.get("player_type") == "batter" else "pitcher"
        ordered = sorted(games, key=lambda g: (g.start, g.game_pk), reverse=True)
        done_by_game = {
            g.game_pk: len(lg.state(g.game_pk, now).pas) for g in ordered if g.start <= now
        }
        key = (
            "sc",
            persp,
            tuple(sorted(batters)),
            tuple(sorted(pitchers)),
            tuple(done_by_game.items()),
        )
        cached = self._cached(key)
        if cached is not None:
            return Response(cached, media_type="text/csv; charset=utf-8")
        out: list[str] = []
        for game in ordered:
            if game.game_pk not in done_by_game:
                continue
            done = done_by_game[game.game_pk]
            for pa_index, b, p, line in self._sc_game(game).lines[persp]:
                if pa_index >= done:
                    continue
                if batters and b not in batters:
                    continue
                if pitchers and p not in pitchers:
                    continue
                out.append(line)
                if len(out) >= self._row_cap:
                    break
            if len(out) >= self._row_cap:
                break
        body = "\ufeff" + _p.STATCAST_HEADER + "\n" + "".join(line + "\n" for line in out)
        data = self._store(key, body.encode())
        return Response(data, media_type="text/csv; charset=utf-8")

    async def _leaderboard(self, request: Request) -> Response:
        from starlette.responses import Response

        kind = request.path_params["kind"]
        q = request.query_params
        if kind not in {"expected_statistics", "statcast", "percentile-rankings"}:
            return Response(b"<html>Not Found</html>", status_code=404, media_type="text/html")
        if (q.get("csv") or "").lower() != "true":
            return Response(_HTML_PAGE, media_type="text/html")
        ptype = q.get("type") or "batter"
        year = int(q.get("year") or self.league.season)
        pas = _p.season_pas(self.league, self.now()) if year == self.league.season else []
        text = _p.leaderboard_csv(self.league, pas, kind, ptype, year)
        minimum = q.get("min") or "0"
        if minimum.isdecimal() and int(minimum) > 0 and kind != "percentile-rankings":
            lines = text.splitlines()
            keep = [lines[0]] + [ln for ln in lines[1:] if _pa_of(kind, ln) >= int(minimum)]
            text = "\n".join(keep) + "\n"
        return Response(("\ufeff" + text).encode(), media_type="text/csv; charset=utf-8")

    # ---- Stats API ------------------------------------------------------------------------

    def _cached(self, key: tuple[Any, ...]) -> bytes | None:
        with self._lock:
            data = self._body_cache.get(key)
            if data is not None:
                self._body_cache.move_to_end(key)
            return data

    def _store(self, key: tuple[Any, ...], data: bytes) -> bytes:
        with self._lock:
            self._body_cache[key] = data
            while len(self._body_cache) > 256:
                self._body_cache.popitem(last=False)
        return data

    def _state_json(
        self,
        kind: str,
        game: Game,
        at: datetime,
        render: Callable[[SimulatedLeague, GameState, datetime], Any],
    ) -> Response:
        """Render (or reuse) a game-state payload: it depends only on the PAs done so far."""
        from starlette.responses import Response

        state = self.league.state(game.game_pk, at)
        if state.status == "Preview":  # depends on `at` (lineups posted, timestamps)
            return _json(render(self.league, state, at))
        key = (kind, game.game_pk, len(state.pas), state.status)
        data = self._cached(key) or self._store(key, orjson.dumps(render(self.league, state, at)))
        return Response(data, media_type="application/json")

    def _not_found(self) -> Response:
        return _json(
            {
                "messageNumber": 11,
                "message": "Object not found",
                "timestamp": _p.iso_z(datetime.now(UTC)),
                "traceId": None,
            },
            404,
        )

    def _as_of(self, request: Request) -> datetime:
        now = self.now()
        tc = request.query_params.get("timecode")
        if tc:
            try:
                return min(now, _p.parse_timecode(tc))
            except ValueError:
                return now
        return now

    def _today(self) -> date:
        return (self.now() - timedelta(hours=4)).date()

    async def _schedule(self, request: Request) -> Response:
        q = request.query_params
        lg = self.league
        try:
            if q.get("date"):
                first = last = _parse_day(q["date"])
            elif q.get("startDate") or q.get("endDate"):
                first = _parse_day(q.get("startDate") or q["endDate"])
                last = _parse_day(q.get("endDate") or q["startDate"])
            else:
                first = last = self._today()
        except ValueError:
            return _json({"messageNumber": 1, "message": "Invalid date"}, 400)
        games = list(lg.games_between(first, last))
        if q.get("teamId"):
            tids = {int(t) for t in q["teamId"].split(",") if t}
            games = [g for g in games if g.home_id in tids or g.away_id in tids]
        if q.get("gamePk") or q.get("gamePks"):
            pks = {int(p) for p in (q.get("gamePk") or q.get("gamePks") or "").split(",") if p}
            games = [g for g in games if g.game_pk in pks]
        return _json(_p.schedule_json(lg, games, self.now(), q.get("hydrate") or ""))

    def _game(self, request: Request) -> Game | None:
        return self.league.game_by_pk.get(int(request.path_params["pk"]))

    async def _feed(self, request: Request) -> Response:
        game = self._game(request)
        if game is None:
            return self._not_found()
        at = self._as_of(request)
        return self._state_json("feed", game, at, _p.feed_json)

    async def _timestamps(self, request: Request) -> Response:
        game = self._game(request)
        if game is None:
            return self._not_found()
        st = self.league.state(game.game_pk, self.now())
        return _json(_p.timestamps_json(self.league, st))

    async def _diff_patch(self, request: Request) -> Response:
        game = self._game(request)
        if game is None:
            return self._not_found()
        now = self.now()
        new_state = self.league.state(game.game_pk, now)
        new = _p.feed_json(self.league, new_state, now)
        start = request.query_params.get("startTimecode")
        if not start:
            return _json(new)
        try:
            then = min(now, _p.parse_timecode(start))
        except ValueError:
            return _json(new)
        old_state = self.league.state(game.game_pk, then)
        if len(old_state.pas) == len(new_state.pas) and old_state.status == new_state.status:
            return _json([])
        old = _p.feed_json(self.league, old_state, now)
        return _json([{"diff": _p.json_diff(old, new)}])

    async def _boxscore(self, request: Request) -> Response:
        game = self._game(request)
        if game is None:
            return self._not_found()
        at = self._as_of(request)
        return self._state_json("box", game, at, _p.boxscore_json)

    async def _people(self, request: Request) -> Response:
        ids = [
            int(x)
            for x in (request.query_params.get("personIds") or "").split(",")
            if x.strip().isdecimal()
        ]
        people = [
            _p.person_json(self.league, self.league.players[i], at=self._today())
            for i in ids
            if i in self.league.players
        ]
        return _json({"copyright": _p.COPYRIGHT, "people": people})

    async def _person(self, request: Request) -> Response:
        pid = int(request.path_params["pid"])
        if pid not in self.league.players:
            return self._not_found()
        return _json(
            {
                "copyright": _p.COPYRIGHT,
                "people": [_p.person_json(self.league, self.league.players[pid], at=self._today())],
            }
        )

    async def _people_search(self, request: Request) -> Response:
        names = request.query_params.get("names") or request.query_params.get("name") or ""
        people = [
            _p.person_json(self.league, p, at=self._today()) for p in self.league.search(names)
        ]
        return _json({"copyright": _p.COPYRIGHT, "people": people})

    async def _person_stats(self, request: Request) -> Response:
        pid = int(request.path_params["pid"])
        if pid not in self.league.players:
            return self._not_found()
        q = request.query_params
        if (q.get("stats") or "gameLog") != "gameLog":
            return _json({"copyright": _p.COPYRIGHT, "stats": []})
        player = self.league.players[pid]
        default = "pitching" if player.is_pitcher else "hitting"
        groups = [
            g.strip() for g in (q.get("group") or default).strip("[]").split(",") if g.strip()
        ]
        season = int(q.get("season") or self.league.season)
        if season != self.league.season:
            return _json({"copyright": _p.COPYRIGHT, "stats": []})
        return _json(_p.game_log_json(self.league, player, groups, self.now(), season))

    async def _teams(self, request: Request) -> Response:
        return _json(_p.teams_json(self.league))

    async def _roster(self, request: Request) -> Response:
        team = self.league.team_by_id.get(int(request.path_params["tid"]))
        if team is None:
            return self._not_found()
        kind = (
            request.path_params.get("kind") or request.query_params.get("rosterType") or ("active")
        )
        return _json(_p.roster_json(self.league, team, kind))

    # ---- PrizePicks -----------------------------------------------------------------------

    async def _projections(self, request: Request) -> Response:
        league_id = request.query_params.get("league_id")
        now = self.now()
        if league_id not in (None, "", "2"):
            return _json(
                {
                    "data": [],
                    "included": [],
                    "links": {"self": "api.prizepicks.com/projections"},
                    "meta": {"current_page": 1, "total_pages": 1},
                }
            )
        today = self._today()
        games = [
            g for g in self.league.games_between(today, today + timedelta(days=1)) if g.start > now
        ]
        return _json(_p.prizepicks_json(self.league, games, now))

    # ---- The Odds API ---------------------------------------------------------------------

    def _quota_headers(self, last: int) -> dict[str, str]:
        remaining = (
            self._credits_total - self._credits_used if self._credits_total is not None else 10**9
        )
        return {
            "x-requests-remaining": str(max(0, remaining)),
            "x-requests-used": str(self._credits_used),
            "x-requests-last": str(last),
        }

    def _odds_error(self, status: int, code: str, message: str) -> Response:
        slug = code.lower().replace("_", "-")
        return _json(
            {"message": message, "error_code": code, "details_url": _ODDS_DETAILS + slug},
            status,
            self._quota_headers(0),
        )

    def _odds_auth(self, request: Request) -> Response | None:
        key = request.query_params.get("apiKey")
        if not key:
            return self._odds_error(
                401, "MISSING_KEY", "API key is missing. Get an API key at https://the-odds-api.com"
            )
        if key != self._api_keys.get("odds_api"):
            return self._odds_error(
                401,
                "INVALID_KEY",
                "API key is not valid. Get an API key at https://the-odds-api.com",
            )
        return None

    def _charge(self, cost: int) -> bool:
        """Spend ``cost`` credits; False (nothing spent) when the budget cannot cover it."""
        with self._lock:
            if (
                self._credits_total is not None
                and cost > 0
                and (self._credits_used + cost > self._credits_total)
            ):
                return False
            self._credits_used += cost
        return True

    def _regions(self, request: Request) -> int | Response:
        q = request.query_params
        if q.get("bookmakers"):
            return math.ceil(len([b for b in q["bookmakers"].split(",") if b]) / 10)
        if not q.get("regions"):
            return self._odds_error(422, "MISSING_REGION", "Missing regions or bookmakers key")
        return len([r for r in q["regions"].split(",") if r])

    def _open_games(self) -> list[Game]:
        now = self.now()
        return [
            g
            for g in self.league.schedule
            if g.start > now - timedelta(hours=5) and not self.league.state(g.game_pk, now).is_final
        ]

    async def _odds_sports(self, request: Request) -> Response:
        if (err := self._odds_auth(request)) is not None:
            return err
        return _json(list(_SPORTS), headers=self._quota_headers(0))

    def _sport_check(self, request: Request) -> Response | None:
        sport = request.path_params["sport"]
        if sport not in {s["key"] for s in _SPORTS}:
            return self._odds_error(404, "UNKNOWN_SPORT", f"Unknown sport: {sport}")
        return None

    async def _odds_events(self, request: Request) -> Response:
        if (err := self._odds_auth(request) or self._sport_check(request)) is not None:
            return err
        if request.path_params["sport"] != "baseball_mlb":
            return _json([], headers=self._quota_headers(0))
        games = self._filter_commence(request, self._open_games())
        return _json([_p.odds_event(self.league, g) for g in games], headers=self._quota_headers(0))

    def _filter_commence(self, request: Request, games: list[Game]) -> list[Game]:
        q = request.query_params
        lo, hi = q.get("commenceTimeFrom"), q.get("commenceTimeTo")
        if lo:
            t = datetime.fromisoformat(lo)
            games = [g for g in games if g.start >= t]
        if hi:
            t = datetime.fromisoformat(hi)
            games = [g for g in games if g.start <= t]
        if q.get("eventIds"):
            wanted = set(q["eventIds"].split(","))
            games = [g for g in games if _p.event_id(self.league, g) in wanted]
        return games

    def _markets(self, request: Request) -> list[str]:
        raw = request.query_params.get("markets") or "h2h"
        return list(dict.fromkeys(m.strip() for m in raw.split(",") if m.strip()))

    async def _odds_bulk(self, request: Request) -> Response:
        if (err := self._odds_auth(request) or self._sport_check(request)) is not None:
            return err
        regions = self._regions(request)
        if not isinstance(regions, int):
            return regions
        markets = self._markets(request)
        bad = [m for m in markets if m not in _p.FEATURED_MARKETS]
        if bad:
            return self._odds_error(
                422, "INVALID_MARKET", "Markets not supported by this endpoint: " + ", ".join(bad)
            )
        fmt = request.query_params.get("oddsFormat") or "decimal"
        games = self._filter_commence(request, self._open_games())
        if request.path_params["sport"] != "baseball_mlb":
            games = []
        cost = len(markets) * regions if games else 0
        if not self._charge(cost):
            return self._odds_error(
                401,
                "OUT_OF_USAGE_CREDITS",
                "Usage quota has been reached. See usage plans at https://the-odds-api.com",
            )
        now = self.now()
        body = [_p.bulk_odds_event(self.league, g, markets, fmt, now) for g in games]
        return _json(body, headers=self._quota_headers(cost))

    async def _odds_event(self, request: Request) -> Response:
        if (err := self._odds_auth(request) or self._sport_check(request)) is not None:
            return err
        regions = self._regions(request)
        if not isinstance(regions, int):
            return regions
        event = request.path_params["event_id"]
        game = next((g for g in self._open_games() if _p.event_id(self.league, g) == event), None)
        if game is None:
            return self._odds_error(
                404,
                "EVENT_NOT_FOUND",
                "Event not found. The event may have expired or the event id is invalid.",
            )
        markets = self._markets(request)
        fmt = request.query_params.get("oddsFormat") or "decimal"
        now = self.now()
        books = request.query_params.get("bookmakers")
        body, n_props = _p.event_odds_json(
            self.league, game, markets, fmt, now, bookmakers=books.split(",") if books else None
        )
        featured = [m for m in markets if m in _p.FEATURED_MARKETS]
        if featured:
            bulk = _p.bulk_odds_event(self.league, game, featured, fmt, now)
            extra = {b["key"]: b["markets"] for b in bulk["bookmakers"]}
            for b in body["bookmakers"]:
                b["markets"] = extra.get(b["key"], []) + b["markets"]
        cost = (n_props + len({m for m in featured if m in {"h2h", "spreads", "totals"}})) * (
            regions
        )
        if not self._charge(cost):
            return self._odds_error(
                401,
                "OUT_OF_USAGE_CREDITS",
                "Usage quota has been reached. See usage plans at https://the-odds-api.com",
            )
        return _json(body, headers=self._quota_headers(cost))

    # ---- SportRadar -----------------------------------------------------------------------

    def _sr_auth(self, request: Request) -> Response | None:
        key = request.headers.get("x-api-key") or request.query_params.get("api_key")
        if not key:
            return _json({"message": "No API key found in request"}, 401)
        if key != self._api_keys.get("sportradar"):
            return _json({"message": "Invalid authentication credentials"}, 401)
        return None

    def _sr_headers(self) -> dict[str, str]:
        return {
            "Cache-Control": "public, must-revalidate, max-age=2",
            "X-Plan-Qps-Allotted": "1",
            "X-Plan-Quota-Allotted": "1000",
        }

    async def _sr_schedule(self, request: Request) -> Response:
        if (err := self._sr_auth(request)) is not None:
            return err
        pp = request.path_params
        try:
            day = date(pp["y"], pp["m"], pp["d"])
        except ValueError:
            return _json({"message": "Not Found"}, 404)
        return _json(_p.sr_schedule_json(self.league, day, self.now()), headers=self._sr_headers())

    def _sr_game(self, gid: str) -> Game | None:
        if not self._sr_games:
            self._sr_games = {_p.sr_id("game", g.game_pk): g.game_pk for g in self.league.schedule}
        pk = self._sr_games.get(gid)
        return self.league.game_by_pk[pk] if pk is not None else None

    async def _sr_summary(self, request: Request) -> Response:
        if (err := self._sr_auth(request)) is not None:
            return err
        game = self._sr_game(request.path_params["gid"])
        if game is None:
            return _json({"message": "Not Found"}, 404)
        st = self.league.state(game.game_pk, self.now())
        return _json(_p.sr_summary_json(self.league, st), headers=self._sr_headers())

    async def _sr_pbp(self, request: Request) -> Response:
        if (err := self._sr_auth(request)) is not None:
            return err
        game = self._sr_game(request.path_params["gid"])
        if game is None:
            return _json({"message": "Not Found"}, 404)
        st = self.league.state(game.game_pk, self.now())
        return _json(_p.sr_pbp_json(self.league, st), headers=self._sr_headers())


def _pa_of(kind: str, line: str) -> int:
    """The PA (or attempts) column of a leaderboard line, for ``min=`` filtering."""
    import csv

    row = next(csv.reader([line]))
    try:
        return int(row[3] if kind == "expected_statistics" else row[2].strip('"'))
    except (IndexError, ValueError):
        return 0

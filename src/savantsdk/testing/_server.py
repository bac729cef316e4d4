"""``FakeUpstream``: a real HTTP server on loopback speaking every upstream's wire format.

Starlette routes served by uvicorn on a free ``127.0.0.1`` port, in a background thread with its
own event loop.  One server hosts every source under its own prefix::

    with FakeUpstream(seed=7) as fake:
        fake.base_urls["statsapi"]   # "http://127.0.0.1:PORT/statsapi"

so the SDK's ``base_urls`` setting can point each client at it.  uvicorn and starlette are the
``savantsdk[testing]`` extra and are imported only when a server is built.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import date
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Self

import attrs
import httpx

from . import _payloads as _p
from ._faults import FaultConfig, FaultKind, RecordedRequest, RouteFaults, TokenBucket
from ._routes import (
    ChadwickRoutes,
    OddsApiRoutes,
    PrizePicksRoutes,
    SavantRoutes,
    SportRadarRoutes,
    StatsApiRoutes,
    StatsApiSeasonRoutes,
)
from ._routes.core import _HTML_PAGE, _json
from ._routes.odds_api import _ODDS_DETAILS

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
    "chadwick": "/chadwick",
}
_PREFIX_TO_SOURCE: Final = {v: k for k, v in SOURCES.items()}
_REDACT: Final = frozenset({"apikey", "api_key"})
#: The keys FakeUpstream accepts unless told otherwise.


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


class FakeUpstream(
    SavantRoutes,
    StatsApiRoutes,
    StatsApiSeasonRoutes,
    PrizePicksRoutes,
    OddsApiRoutes,
    SportRadarRoutes,
    ChadwickRoutes,
):
    """A loopback HTTP server for Savant, the Stats API, PrizePicks, The Odds API, SportRadar
    and the Chadwick register (the league's players with MLBAM, FanGraphs, Baseball Reference
    and Retrosheet ids).

    ``now`` is the simulated instant when the server starts (default: 21:00 UTC on the league's
    last day, so that day has games final, live and not yet started); simulated time then moves
    with ``clock`` (``SystemClock`` by default; pass a ``FakeClock`` and ``advance()`` it) times
    ``speed``.
    """

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
        ``sportradar``, ``chadwick``)."""
        return {name: self.base_url + prefix for name, prefix in SOURCES.items()}

    @property
    def api_keys(self) -> dict[str, str]:
        return dict(self._api_keys)

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
                    r(st, "/api/v1/game/{pk:int}/linescore", self._linescore),
                    r(st, "/api/v1/game/{pk:int}/content", self._content),
                    r(st, "/api/v1/stats", self._season_stats),
                    r(st, "/api/v1/stats/leaders", self._leaders),
                    r(st, "/api/v1/standings", self._standings),
                    r(st, "/api/v1/teams/stats", self._team_stats),
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
            Mount(
                SOURCES["chadwick"],
                routes=[r("chadwick", "/data/people-{shard}.csv", self._register_shard)],
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

    # ---- Stats API ------------------------------------------------------------------------

    # ---- PrizePicks -----------------------------------------------------------------------

    # ---- The Odds API ---------------------------------------------------------------------

    # ---- SportRadar -----------------------------------------------------------------------

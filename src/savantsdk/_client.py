"""AsyncClient: the composition root.

It owns one :class:`~savantsdk.executor.Executor` and one ``httpx.AsyncClient`` per source
(both created lazily, on the event loop that uses them), the cache, the clock and the metric
hooks.  Source clients and the prop engine hang off it.  Dependencies enter through the
constructor; it closes only what it created.
"""

from __future__ import annotations

import logging
import ssl
import warnings
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs
import httpx

from ._clock import SystemClock
from ._closing import AsyncClosing
from ._config import (
    SOURCE_NAMES,
    ApiKeys,
    BreakerPolicy,
    CacheSettings,
    RetryPolicy,
    SourceSettings,
    Timeout,
    default_source_settings,
)
from ._http import build_async_client, send, tls_context
from .cache import Cache, backend_from_settings
from .cache._factory import uses_redis
from .exceptions import ConfigurationError
from .executor import BatchResult, Executor, ExecutorMetrics, Lane
from .typing import NOT_GIVEN, NotGiven

if TYPE_CHECKING:
    from ._health import Health
    from .coordination import Coordination
    from .ids import PlayersClient
    from .props import PropsClient
    from .sources import (
        ChadwickClient,
        MarketLines,
        OddsApiClient,
        PrizePicksClient,
        SavantClient,
        SportradarClient,
        StatsApiClient,
    )
    from .typing import AsyncCacheBackend, Clock, MetricsHook, SourceClient

__all__ = ("AsyncClient",)

log = logging.getLogger("savantsdk")

T = TypeVar("T")
I = TypeVar("I")  # noqa: E741


@attrs.frozen(kw_only=True)
class _Options:
    """Everything ``with_options`` can override; kept so copies rebuild faithfully."""

    api_keys: ApiKeys
    timeout: Timeout | NotGiven
    retry: RetryPolicy | NotGiven | None
    breaker: BreakerPolicy | NotGiven | None
    sources: Mapping[str, SourceSettings]
    base_urls: Mapping[str, str]
    cache_settings: CacheSettings | NotGiven
    http_transport: httpx.AsyncBaseTransport | None


class AsyncClient(AsyncClosing):
    """The async savantsdk client.  Use it as an async context manager, or call ``aclose()``.

    Every option defaults to :data:`~savantsdk.NOT_GIVEN` ("use the default"); ``None``
    always means "off":

    ``cache``: NOT_GIVEN builds the cache from ``cache_settings`` (memory by default); ``None``
    disables caching; any cache object is used as given and not closed by the client.
    ``retry``: NOT_GIVEN keeps each source's default policy; ``None`` turns retries off
    (``RetryPolicy.none()``).  ``breaker``: ``None`` turns the circuit breakers off.
    ``timeout`` cannot be off (no deadline may be infinite): ``None`` is refused.
    ``coordination``: share every source's rate limit, breaker, 429 pause and credits with other
    processes (e.g. ``savantsdk.coordination.RedisCoordination(url)``); never closed by the
    client.  Without it every limit is this process's own.
    ``sources``: full per-source settings; ``base_urls``: just the base URL per source (point a
    source at a local server).  ``timeout``/``retry``/``breaker`` apply to every source whose
    settings were not given explicitly.
    """

    def __init__(
        self,
        *,
        api_keys: ApiKeys | NotGiven | None = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        retry: RetryPolicy | NotGiven | None = NOT_GIVEN,
        breaker: BreakerPolicy | NotGiven | None = NOT_GIVEN,
        sources: Mapping[str, SourceSettings] | NotGiven | None = NOT_GIVEN,
        base_urls: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        cache: Cache | NotGiven | None = NOT_GIVEN,
        cache_settings: CacheSettings | NotGiven = NOT_GIVEN,
        http_transport: httpx.AsyncBaseTransport | NotGiven | None = NOT_GIVEN,
        clock: Clock | NotGiven = NOT_GIVEN,
        hooks: Sequence[MetricsHook] = (),
        coordination: Coordination | NotGiven | None = NOT_GIVEN,
    ) -> None:
        for name, value in (
            ("timeout", timeout),
            ("cache_settings", cache_settings),
            ("clock", clock),
        ):
            if value is None:
                raise ConfigurationError(
                    f"{name}=None: {name} cannot be turned off; leave it out (NOT_GIVEN) "
                    "for the default or pass a value",
                    setting=name,
                )
        sources = _given(sources, {})
        base_urls = _given(base_urls, {})
        unknown = set(sources) | set(base_urls)
        unknown -= set(SOURCE_NAMES)
        if unknown:
            raise ConfigurationError(
                f"unknown source(s) {sorted(unknown)}; known: {', '.join(SOURCE_NAMES)}",
                setting="sources",
            )
        self._options = _Options(
            api_keys=_given(api_keys, None) or ApiKeys(),
            timeout=timeout,
            retry=retry,
            breaker=breaker,
            sources=dict(sources),
            base_urls=dict(base_urls),
            cache_settings=cache_settings,
            http_transport=_given(http_transport, None),
        )
        self._clock: Clock = SystemClock() if isinstance(clock, NotGiven) else clock
        self._hooks = tuple(hooks)
        self._coordination: Coordination | None = _given(coordination, None)
        self._settings: dict[str, SourceSettings] = {
            name: self._build_settings(name) for name in SOURCE_NAMES
        }
        self._executors: dict[str, Executor] = {}
        self._http: dict[str, httpx.AsyncClient] = {}
        self._tls: ssl.SSLContext | None = None  # one CA-bundle load, shared by sources
        self._owns_cache = isinstance(cache, NotGiven)
        self._cache_backend: AsyncCacheBackend | None = None
        self._cache: Cache | None
        if isinstance(cache, NotGiven):
            settings = _given(cache_settings, None) or CacheSettings()
            self._cache_backend = backend_from_settings(settings, clock=self._clock)
            self._cache = (
                None
                if self._cache_backend is None
                else Cache(
                    self._cache_backend,
                    clock=self._clock,
                    metrics_hook=_first(hooks),
                    # a shared Redis: identical misses across processes load once
                    lock_ttl_s=5.0 if uses_redis(settings) else None,
                    namespace=settings.namespace,
                )
            )
        else:
            self._cache = cache
        self._cache_entered = False
        self._closed = False
        self._namespaces: dict[str, Any] = {}

    # ------------------------------------------------------------------ settings

    def _build_settings(self, name: str) -> SourceSettings:
        opts = self._options
        if name in opts.sources:
            return opts.sources[name]
        overrides: dict[str, Any] = {}
        if not isinstance(opts.timeout, NotGiven):
            overrides["timeout"] = opts.timeout
        if opts.retry is None:
            overrides["retry"] = RetryPolicy.none()
        elif not isinstance(opts.retry, NotGiven):
            overrides["retry"] = opts.retry
        if opts.breaker is None:
            overrides["breaker"] = BreakerPolicy(enabled=False)
        elif not isinstance(opts.breaker, NotGiven):
            overrides["breaker"] = opts.breaker
        if name in opts.base_urls:
            overrides["base_url"] = opts.base_urls[name].rstrip("/")
        return default_source_settings(name, **overrides)

    def settings(self, source: str) -> SourceSettings:
        """The effective settings of one source."""
        try:
            return self._settings[source]
        except KeyError:
            raise ConfigurationError(
                f"unknown source {source!r}; known: {', '.join(SOURCE_NAMES)}", setting="source"
            ) from None

    @property
    def api_keys(self) -> ApiKeys:
        return self._options.api_keys

    @property
    def cache(self) -> Cache | None:
        """The cache in use (None when disabled)."""
        return self._cache

    @property
    def clock(self) -> Clock:
        return self._clock

    @property
    def coordination(self) -> Coordination | None:
        """The fleet coordination in use (None: every limit is this process's own)."""
        return self._coordination

    def with_options(self, **overrides: Any) -> AsyncClient:
        """A new client with some constructor options replaced.  It shares this client's cache
        (unless ``cache=`` is given) but has its own executors and connections."""
        opts = attrs.asdict(self._options, recurse=False)
        cache = overrides.pop("cache", self._cache if self._cache is not None else None)
        clock = overrides.pop("clock", self._clock)
        hooks = overrides.pop("hooks", self._hooks)
        coordination = overrides.pop("coordination", self._coordination)
        bad = set(overrides) - set(opts)
        if bad:
            raise ConfigurationError(f"unknown option(s) {sorted(bad)}", setting="with_options")
        opts.update(overrides)
        return AsyncClient(cache=cache, clock=clock, hooks=hooks, coordination=coordination, **opts)

    # ------------------------------------------------------------------ source clients

    def _namespace(self, name: str, build: Callable[[], T]) -> T:
        got = self._namespaces.get(name)
        if got is None:
            got = self._namespaces[name] = build()
        return cast("T", got)

    @property
    def savant(self) -> SavantClient:
        """Baseball Savant: Statcast search and leaderboards."""
        from .sources import SavantClient

        return self._namespace("savant", lambda: SavantClient(self))

    @property
    def statsapi(self) -> StatsApiClient:
        """The MLB Stats API: schedule, lineups, feeds, boxscores, people, stats, rosters."""
        from .sources import StatsApiClient

        return self._namespace("statsapi", lambda: StatsApiClient(self))

    @property
    def prizepicks(self) -> PrizePicksClient:
        """PrizePicks projections."""
        from .sources import PrizePicksClient

        return self._namespace("prizepicks", lambda: PrizePicksClient(self))

    @property
    def odds_api(self) -> OddsApiClient:
        """The Odds API: events, odds, player props, credits."""
        from .sources import OddsApiClient

        return self._namespace("odds_api", lambda: OddsApiClient(self))

    @property
    def sportradar(self) -> SportradarClient:
        """SportRadar MLB: schedule, boxscores, play by play."""
        from .sources import SportradarClient

        return self._namespace("sportradar", lambda: SportradarClient(self))

    @property
    def chadwick(self) -> ChadwickClient:
        """The Chadwick Bureau register (every player id it carries); ``players`` searches it."""
        from .sources import ChadwickClient

        return self._namespace("chadwick", lambda: ChadwickClient(self))

    @property
    def players(self) -> PlayersClient:
        """Player lookup by name (fuzzy) or by any id, over the Chadwick register
        (``await client.players.lookup("Aaron Judge")``)."""
        from .ids import PlayersClient

        return self._namespace("players", lambda: PlayersClient(self))

    def source(self, name: str) -> SourceClient:
        """The source client of ``name`` (``"savant"``, ``"statsapi"``, ``"prizepicks"``,
        ``"odds_api"``, ``"sportradar"``, ``"chadwick"``): the same object as the attribute
        of that name."""
        self.settings(name)  # ConfigurationError for an unknown source
        source: SourceClient = getattr(self, name)
        return source

    @property
    def lines(self) -> MarketLines:
        """Player-prop lines: The Odds API with the PrizePicks fallback."""
        from .sources import MarketLines

        return self._namespace(
            "lines",
            lambda: MarketLines(self, odds_api=self.odds_api, prizepicks=self.prizepicks),
        )

    @property
    def props(self) -> PropsClient:
        """The prop engine on live sources (``await client.props.generate(date)``)."""
        from .props import PropsClient

        return self._namespace("props", lambda: PropsClient(self))

    # ------------------------------------------------------------------ plumbing

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("this savantsdk client is closed")

    def executor(self, source: str) -> Executor:
        """The executor every call to ``source`` goes through (created on first use)."""
        self._check_open()
        ex = self._executors.get(source)
        if ex is None:
            settings = self.settings(source)
            if self._coordination is None:
                ex = Executor(settings, clock=self._clock, hooks=self._hooks)
            else:
                parts = self._coordination.executor_parts(
                    settings, clock=self._clock, hooks=self._hooks
                )
                ex = Executor(
                    settings,
                    clock=self._clock,
                    hooks=self._hooks,
                    rate_limiter=parts.rate_limiter,
                    breaker=parts.breaker,
                    pause=parts.pause,
                    concurrency_controller=parts.concurrency_controller,
                )
            self._executors[source] = ex
        return ex

    def http(self, source: str) -> httpx.AsyncClient:
        """The pooled httpx client of ``source`` (created on first use)."""
        self._check_open()
        client = self._http.get(source)
        if client is None:
            transport = self._options.http_transport
            if transport is None and self._tls is None:  # a given transport makes its own
                self._tls = tls_context()
            client = build_async_client(self.settings(source), transport=transport, tls=self._tls)
            self._http[source] = client
        return client

    async def request(
        self,
        source: str,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | list[tuple[str, Any]] | None = None,
        headers: Mapping[str, str] | None = None,
        lane: Lane = Lane.PROPS,
        key: str | None = None,
    ) -> httpx.Response:
        """One upstream request through the source's executor (limits, retries, breaker,
        coalescing on ``key``).  Returns the response with its body read; errors are typed."""
        settings = self.settings(source)
        client = self.http(source)

        async def attempt() -> httpx.Response:
            return await send(
                client,
                source,
                method,
                path,
                params=params,
                headers=headers,
                total_timeout_s=settings.timeout.total_s,
            )

        return await self.executor(source).call(attempt, key=key, lane=lane)

    async def map(
        self,
        source: str,
        fn: Callable[[I], Awaitable[T]],
        items: Iterable[I],
        *,
        key: Callable[[I], str | None] | None = None,
        lane: Lane = Lane.PROPS,
        batch_size: int = 50,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> BatchResult[I, T]:
        """Run ``fn`` over ``items`` through ``source``'s executor: one outcome per input.

        Each ``fn`` call holds one of the source's concurrency slots.  If ``fn`` calls the
        same source again (``client.request(source, ...)`` or that source's client), those
        nested calls run inside the slot ``fn`` holds, one at a time, so they cannot
        deadlock waiting for slots the outer calls hold (``docs/executor.md``).
        """
        return await self.executor(source).map(
            fn, items, key=key, lane=lane, batch_size=batch_size, on_progress=on_progress
        )

    def metrics(self) -> dict[str, ExecutorMetrics]:
        """A snapshot of every executor that has been used, by source name."""
        return {name: ex.metrics() for name, ex in self._executors.items()}

    async def health(
        self,
        *,
        probe: bool | Iterable[str] = False,
        timeout_s: float = 2.0,
        critical: Iterable[str] = (),
    ) -> Health:
        """Overall and per-source health, and the cache's (see ``docs/operations.md``).

        Passive unless ``probe`` is True (every source) or names sources: then one cheap
        request per source goes through its executor, bounded by ``timeout_s``.  The overall
        status is ``down`` when a ``critical`` source is down (without ``critical``: when every
        source used or probed is down)."""
        from ._health import check_health

        return await check_health(self, probe=probe, timeout_s=timeout_s, critical=critical)

    # ------------------------------------------------------------------ lifecycle

    async def aclose(self) -> None:
        """Close executors, connections and the cache this client created.  Idempotent."""
        if self._closed:
            return
        self._closed = True
        for ex in self._executors.values():
            await ex.aclose()
        for client in self._http.values():
            await client.aclose()
        if self._owns_cache and self._cache is not None:
            if self._cache_entered:
                await self._cache.__aexit__(None, None, None)
            await self._cache.aclose()
        if self._cache_backend is not None:
            await self._cache_backend.aclose()
        self._executors.clear()
        self._http.clear()

    async def __aenter__(self) -> AsyncClient:
        self._check_open()
        if self._owns_cache and self._cache is not None and not self._cache_entered:
            # lets stale-while-revalidate refresh in the cache's own task group
            await self._cache.__aenter__()
            self._cache_entered = True
        return self

    def __del__(self) -> None:
        if not getattr(self, "_closed", True) and (self._http or self._executors):
            warnings.warn(
                f"unclosed {self!r}: use 'async with AsyncClient()' or 'await client.aclose()'",
                ResourceWarning,
                stacklevel=2,
            )

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        cache = type(self._cache).__name__ if self._cache is not None else "None"
        return f"<AsyncClient {state} cache={cache} sources={list(self._settings)}>"


def _given(value: T | NotGiven | None, default: T) -> T:
    """``value`` unless it is NOT_GIVEN or None (for options where both mean "none given")."""
    return default if value is None or isinstance(value, NotGiven) else value


def _first(hooks: Sequence[MetricsHook]) -> MetricsHook | None:
    return hooks[0] if hooks else None

"""The blocking twin of :class:`~savantsdk.AsyncClient`.

``Client`` runs ONE anyio blocking portal (an event loop in a private thread) for its whole
life and builds its ``AsyncClient`` inside it, so every loop-bound object (limiters, httpx
pools, Redis connections) lives on that one loop.  That is why it also works inside Jupyter,
where the calling thread already runs an event loop and ``asyncio.run`` would fail, and why
it never creates a loop per call (which breaks rate limiters and connection pools).

The client enters its ``AsyncClient`` on that loop when it is built and exits it on
``close()``, so it behaves like ``async with AsyncClient()`` (stale-while-revalidate refreshes
run in the background, for instance).  A client still open at interpreter exit is closed then.
Calling a blocking method from the client's own loop (inside a coroutine or hook it runs)
raises :class:`~savantsdk.BlockingCallError`: there, ``await`` the ``AsyncClient``.

Every method of the async client and of the namespaces hanging off it (``client.savant``,
``client.statsapi``, ``client.props``, ``client.cache``, ...) is here as a blocking method with
the same name, parameters and return type; async iterators (``statsapi.live``) are iterators.
Those twins are generated from the async classes by ``scripts/gen_sync.py`` into
``savantsdk._sync_namespaces``.  A call on a closed client raises
:class:`~savantsdk.ClientClosedError`.
"""

from __future__ import annotations

import atexit
import contextlib
import threading
import warnings
import weakref
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from anyio.from_thread import BlockingPortal, start_blocking_portal

from ._client import AsyncClient
from ._closing import Closing
from ._config import local_cache_settings
from ._sync_namespaces import (
    ClientMethods,
    SyncCache,
    SyncChadwickClient,
    SyncMarketLines,
    SyncOddsApiClient,
    SyncPlayersClient,
    SyncPrizePicksClient,
    SyncPropsClient,
    SyncSavantClient,
    SyncSportradarClient,
    SyncStatsApiClient,
)
from ._sync_portal import Portal
from .typing import NOT_GIVEN, NotGiven

if TYPE_CHECKING:
    import httpx

    from ._config import ApiKeys, BreakerPolicy, CacheSettings, RetryPolicy, SourceSettings, Timeout
    from .cache import Cache
    from .coordination import Coordination
    from .typing import Clock, MetricsHook

__all__ = (
    "Client",
    "SyncCache",
    "SyncChadwickClient",
    "SyncMarketLines",
    "SyncOddsApiClient",
    "SyncPlayersClient",
    "SyncPrizePicksClient",
    "SyncPropsClient",
    "SyncSavantClient",
    "SyncSource",
    "SyncSportradarClient",
    "SyncStatsApiClient",
)


#: The blocking twin of any one source client (what ``Client.source(name)`` returns).
SyncSource = (
    SyncSavantClient
    | SyncStatsApiClient
    | SyncPrizePicksClient
    | SyncOddsApiClient
    | SyncSportradarClient
    | SyncChadwickClient
)


class Client(Closing, ClientMethods):
    """Blocking savantsdk client: same options and API as :class:`AsyncClient`.

    Use it as a context manager, or call ``close()``.  Safe to use from plain scripts, from
    threads, and from a Jupyter cell (where an event loop is already running).

    Unlike ``AsyncClient`` (memory only unless told), its default cache is memory in front of
    the persistent disk cache (``CacheSettings(backend="memory+disk")``, in
    ``$SAVANTSDK_CACHE_DIR`` or the user cache directory), so a restarted notebook kernel or
    script reads what the last one fetched; ``SAVANTSDK_CACHE``, ``cache_settings`` or
    ``cache`` choose another.
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
        if isinstance(cache, NotGiven) and isinstance(cache_settings, NotGiven):
            cache_settings = local_cache_settings()
        options: dict[str, Any] = {
            "api_keys": api_keys,
            "timeout": timeout,
            "retry": retry,
            "breaker": breaker,
            "sources": sources,
            "base_urls": base_urls,
            "cache": cache,
            "cache_settings": cache_settings,
            "http_transport": http_transport,
            "clock": clock,
            "hooks": hooks,
            "coordination": coordination,
        }
        self._lock = threading.Lock()
        self._closed = True  # until entered: a failed construction has nothing to close
        self._copies: weakref.WeakSet[Client] = weakref.WeakSet()
        cm = start_blocking_portal("asyncio")
        # None for copies made by with_options(): they borrow their parent's portal.
        self._portal_cm: AbstractContextManager[BlockingPortal] | None = cm
        blocking = cm.__enter__()
        try:
            self._enter(blocking, blocking.call(_make_async_client, options))
        except BaseException:
            cm.__exit__(None, None, None)
            raise
        self._closed = False
        _OPEN.add(self)

    def _enter(self, blocking: BlockingPortal, client: AsyncClient) -> None:
        # ``async with client`` in a task of its own on the loop: the cache's task group
        # (stale-while-revalidate refreshes) must be entered and exited by the same task.
        context = blocking.wrap_async_context_manager(client)
        try:
            context.__enter__()
        except BaseException:
            blocking.call(client.aclose)
            raise
        self._async_ns = client
        self._portal = Portal(blocking)
        self._context: AbstractContextManager[AsyncClient] = context

    @property
    def async_client(self) -> AsyncClient:
        """The underlying AsyncClient (lives on this client's private event loop)."""
        return self._async_ns

    @property
    def closed(self) -> bool:
        """Whether ``close()`` has run."""
        return self._closed

    def source(self, name: str) -> SyncSource:
        """The blocking twin of the source client ``name`` (``client.source("odds_api")`` is
        ``client.odds_api``): its ``quota_status()`` and ``health_probe()`` block."""
        self._async_ns.settings(name)  # ConfigurationError for an unknown source
        twin: SyncSource = getattr(self, name)
        return twin

    def with_options(self, **overrides: Any) -> Client:
        """A copy with some options replaced.  It runs on this client's event loop and shares
        its cache; closing this client closes the copies still open."""
        blocking = self._portal.blocking_portal
        client = self._portal.call(lambda: self._async_ns.with_options(**overrides))
        new = Client.__new__(Client)
        new._lock = threading.Lock()
        new._closed = True  # until entered
        new._copies = weakref.WeakSet()
        new._portal_cm = None
        new._enter(blocking, client)
        new._closed = False
        self._copies.add(new)
        return new

    # lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        """Close the ``with_options()`` copies still open, exit the async client (closing what
        it created) and stop the portal thread.  Idempotent; later calls on this client raise
        :class:`~savantsdk.ClientClosedError`."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        try:
            for copy in list(self._copies):
                copy.close()
            if not self._portal.closed:
                self._context.__exit__(None, None, None)
        finally:
            self._portal.mark_closed()
            if self._portal_cm is not None:
                self._portal_cm.__exit__(None, None, None)

    def __del__(self) -> None:
        if not getattr(self, "_closed", True):
            warnings.warn(
                "unclosed savantsdk.Client: use 'with Client()' or call close()",
                ResourceWarning,
                stacklevel=2,
            )

    def __repr__(self) -> str:
        return f"<Client {'closed' if self._closed else 'open'} via {self._async_ns!r}>"


async def _make_async_client(options: dict[str, Any]) -> AsyncClient:
    return AsyncClient(**options)


#: Clients with a portal thread of their own, still open (closed at interpreter exit).
_OPEN: weakref.WeakSet[Client] = weakref.WeakSet()


def _close_open_clients() -> None:
    """Close every Client left open: its portal thread would otherwise block the interpreter's
    exit (the portal's own shutdown needs the loop that is being torn down)."""
    for client in list(_OPEN):
        with contextlib.suppress(Exception):
            client.close()


# Before threading joins its non-daemon threads (older anyio runs the portal in one, and
# plain atexit handlers only run after that join, which then never returns); the same hook
# concurrent.futures uses.  atexit where the hook is missing.
_register = getattr(threading, "_register_atexit", None)
if _register is not None:
    _register(_close_open_clients)
else:  # pragma: no cover - CPython has had the hook since 3.9
    atexit.register(_close_open_clients)

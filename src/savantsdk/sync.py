"""The blocking twin of :class:`~savantsdk.AsyncClient`.

``Client`` runs ONE anyio blocking portal (an event loop in a private thread) for its whole
life and builds its ``AsyncClient`` inside it, so every loop-bound object (limiters, httpx
pools, Redis connections) lives on that one loop.  That is why it also works inside Jupyter,
where the calling thread already runs an event loop and ``asyncio.run`` would fail, and why
it never creates a loop per call (which breaks rate limiters and connection pools).

Every coroutine method of the async client, and of the namespaces hanging off it (sources,
props), is available here as a plain method with the same name and arguments.
"""

from __future__ import annotations

import functools
import inspect
import threading
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, TypeVar

from anyio.from_thread import BlockingPortal, start_blocking_portal

from ._client import AsyncClient
from .executor import BatchResult, ExecutorMetrics, Lane

if TYPE_CHECKING:
    from types import TracebackType

    import httpx

    from ._config import SourceSettings

__all__ = ("Client",)

T = TypeVar("T")
I = TypeVar("I")  # noqa: E741


class _SyncProxy:
    """Wraps an async namespace object: coroutine methods become blocking calls, async
    iterators become iterators, nested namespaces are wrapped in turn."""

    __slots__ = ("_portal", "_target")

    def __init__(self, target: Any, portal: BlockingPortal) -> None:
        self._target = target
        self._portal = portal

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        return _wrap(value, self._portal)

    def __dir__(self) -> list[str]:
        return [n for n in dir(self._target) if not n.startswith("_")]

    def __repr__(self) -> str:
        return f"<sync {self._target!r}>"


def _wrap(value: Any, portal: BlockingPortal) -> Any:
    if inspect.iscoroutinefunction(value):

        @functools.wraps(value)
        def call(*args: Any, **kwargs: Any) -> Any:
            return portal.call(functools.partial(value, *args, **kwargs))

        return call
    if inspect.isasyncgenfunction(value):

        @functools.wraps(value)
        def iterate(*args: Any, **kwargs: Any) -> Iterator[Any]:
            return _iterate(portal, value(*args, **kwargs))

        return iterate
    if callable(value) or isinstance(value, str | int | float | bool | bytes | type(None)):
        return value
    if getattr(type(value), "__module__", "").startswith("savantsdk"):
        return _SyncProxy(value, portal)
    return value


def _iterate(portal: BlockingPortal, agen: AsyncIterator[Any]) -> Iterator[Any]:
    try:
        while True:
            try:
                yield portal.call(agen.__anext__)
            except StopAsyncIteration:
                return
    finally:
        aclose = getattr(agen, "aclose", None)
        if aclose is not None:
            portal.call(aclose)


class Client:
    """Blocking savantsdk client: same options and API as :class:`AsyncClient`.

    Use it as a context manager, or call ``close()``.  Safe to use from plain scripts, from
    threads, and from a Jupyter cell (where an event loop is already running).
    """

    def __init__(self, **options: Any) -> None:
        self._lock = threading.Lock()
        cm = start_blocking_portal("asyncio")
        # None for copies made by with_options(): they borrow their parent's portal.
        self._portal_cm: AbstractContextManager[BlockingPortal] | None = cm
        self._portal = cm.__enter__()
        try:
            self._async: AsyncClient = self._portal.call(_make_async_client, options)
        except BaseException:
            cm.__exit__(None, None, None)
            raise
        self._closed = False

    # explicit mirrors of the top-level async API (typed) ------------------------------

    @property
    def async_client(self) -> AsyncClient:
        """The underlying AsyncClient (lives on this client's private event loop)."""
        return self._async

    def settings(self, source: str) -> SourceSettings:
        return self._async.settings(source)

    @property
    def cache(self) -> Any:
        cache = self._async.cache
        return None if cache is None else _SyncProxy(cache, self._portal)

    def request(
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
        return self._portal.call(
            functools.partial(
                self._async.request,
                source,
                method,
                path,
                params=params,
                headers=headers,
                lane=lane,
                key=key,
            )
        )

    def map(
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
        """Like ``AsyncClient.map``; ``fn`` is still an async function (it runs on the
        client's loop)."""
        return self._portal.call(
            functools.partial(
                self._async.map,
                source,
                fn,
                items,
                key=key,
                lane=lane,
                batch_size=batch_size,
                on_progress=on_progress,
            )
        )

    def metrics(self) -> dict[str, ExecutorMetrics]:
        return self._portal.call(_sync_metrics, self._async)

    def with_options(self, **overrides: Any) -> Client:
        """A copy with some options replaced.  It runs on this client's event loop and shares
        its cache; close it before (or with) the client it came from."""
        new = Client.__new__(Client)
        new._lock = threading.Lock()
        new._portal_cm = None
        new._portal = self._portal
        new._async = self._portal.call(_copy_async_client, self._async, overrides)
        new._closed = False
        return new

    def __getattr__(self, name: str) -> Any:
        # namespaces added by later modules (sources, props) are mirrored automatically
        if name.startswith("_"):
            raise AttributeError(name)
        return _wrap(getattr(self._async, name), self._portal)

    # lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        """Close the async client and stop the portal thread.  Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        try:
            self._portal.call(self._async.aclose)
        finally:
            if self._portal_cm is not None:
                self._portal_cm.__exit__(None, None, None)

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __del__(self) -> None:
        if not getattr(self, "_closed", True):
            warnings.warn(
                "unclosed savantsdk.Client: use 'with Client()' or call close()",
                ResourceWarning,
                stacklevel=2,
            )

    def __repr__(self) -> str:
        return f"<Client {'closed' if self._closed else 'open'} via {self._async!r}>"


async def _make_async_client(options: dict[str, Any]) -> AsyncClient:
    return AsyncClient(**options)


async def _copy_async_client(client: AsyncClient, overrides: dict[str, Any]) -> AsyncClient:
    return client.with_options(**overrides)


async def _sync_metrics(client: AsyncClient) -> dict[str, ExecutorMetrics]:
    return client.metrics()

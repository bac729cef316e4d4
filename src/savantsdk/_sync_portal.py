"""Plumbing of the blocking client: the portal every blocking call goes through, and the base
of the generated namespace twins (``_sync_namespaces.py``).

A :class:`Portal` is one client's view of the shared anyio ``BlockingPortal`` (a
``with_options()`` copy has its own view of its parent's portal): once its client is closed,
or the portal thread has stopped, every call raises :class:`~savantsdk.ClientClosedError`
instead of anyio's bare ``RuntimeError``; a call from the client's own event-loop thread (which
would deadlock) raises :class:`~savantsdk.BlockingCallError`, saying to ``await`` the
:class:`~savantsdk.AsyncClient` instead.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Generic, ParamSpec, TypeVar, overload

from .exceptions import BlockingCallError, ClientClosedError

if TYPE_CHECKING:
    from anyio.from_thread import BlockingPortal

__all__ = ("BLOCKING_ON_LOOP", "Portal", "SyncNamespace")

T = TypeVar("T")
A = TypeVar("A")
P = ParamSpec("P")

#: What anyio raises when a call reaches a portal whose event loop has stopped.
_NOT_RUNNING = "This portal is not running"
#: What anyio raises when a portal is called from its own event-loop thread.
_ON_LOOP = "This method cannot be called from the event loop thread"
#: What to do instead: the message of :class:`~savantsdk.BlockingCallError`.
BLOCKING_ON_LOOP = (
    "a blocking savantsdk.Client method was called on the client's own event loop (from a "
    "coroutine, callback or hook the client runs), where it would wait for itself forever. "
    "In async code use savantsdk.AsyncClient and await its methods: "
    "'async with savantsdk.AsyncClient() as client: df = (await "
    'client.savant.statcast("2024-06-01")).to_pandas()\'. In a Jupyter cell, top-level '
    "'await' works as it is (no nest_asyncio needed); the blocking Client is for plain code: "
    "scripts, threads and notebook cells that do not await."
)


class Portal:
    """Runs calls on the client's event-loop thread and blocks for the result."""

    __slots__ = ("_closed", "_portal")

    def __init__(self, portal: BlockingPortal) -> None:
        self._portal = portal
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def blocking_portal(self) -> BlockingPortal:
        """The anyio portal (shared with ``with_options()`` copies)."""
        return self._portal

    def mark_closed(self) -> None:
        self._closed = True

    def _closed_error(self) -> ClientClosedError:
        return ClientClosedError(
            "this savantsdk.Client is closed; create a new Client (or use 'with Client() as c')"
        )

    @overload
    def call(self, func: Callable[[], Awaitable[T]]) -> T: ...

    @overload
    def call(self, func: Callable[[], T]) -> T: ...

    def call(self, func: Callable[[], Awaitable[T] | T]) -> T:
        """Run ``func`` on the loop (awaiting it if it returns an awaitable)."""
        if self._closed:
            raise self._closed_error()
        try:
            return self._portal.call(func)  # type: ignore[return-value]
        except RuntimeError as exc:
            if str(exc) == _NOT_RUNNING:
                raise self._closed_error() from exc
            if str(exc) == _ON_LOOP:
                raise BlockingCallError(BLOCKING_ON_LOOP) from exc
            raise

    def iterate(self, agen: AsyncIterator[T]) -> Iterator[T]:
        """An async iterator as a blocking iterator; closing it closes ``agen`` on the loop."""
        try:
            while True:
                try:
                    yield self.call(agen.__anext__)
                except StopAsyncIteration:
                    return
        finally:
            aclose = getattr(agen, "aclose", None)
            if aclose is not None and not self._closed:
                with contextlib.suppress(ClientClosedError):  # the loop is gone: nothing to close
                    self.call(aclose)


class SyncNamespace(Generic[A]):
    """Base of every blocking twin: the async object it mirrors and the portal to reach it."""

    __slots__ = ("_async_ns", "_portal")

    def __init__(self, async_ns: A, portal: Portal) -> None:
        self._async_ns = async_ns
        self._portal = portal

    def __repr__(self) -> str:
        return f"<sync {self._async_ns!r}>"

    def _call(self, fn: Callable[P, Awaitable[T]], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """``await fn(*args, **kwargs)`` on the client's event-loop thread: the one
        call-through of every generated blocking twin of an ``async def``."""
        return self._portal.call(functools.partial(fn, *args, **kwargs))

    def _run(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """``fn(*args, **kwargs)`` on the client's event-loop thread (the twin of a plain
        ``def``: it may touch loop-bound state)."""
        return self._portal.call(functools.partial(fn, *args, **kwargs))

"""Micro-batching: the DataLoader pattern on top of :meth:`Executor.call`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .._redact import redact
from ..exceptions import NotFoundError, SavantError, SourceDecodeError
from ._lanes import Lane

if TYPE_CHECKING:
    from ._executor import Executor

__all__ = ("Loader",)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class _Batch(Generic[K, V]):
    __slots__ = ("sealed", "waiters")

    def __init__(self) -> None:
        self.sealed = False
        self.waiters: dict[K, list[asyncio.Future[V]]] = {}


class Loader(Generic[K, V]):
    """Gathers keys from many callers and loads them with one upstream batch call.

    A batch is flushed ``window_s`` after its first key arrives, or at once when it holds
    ``max_batch`` distinct keys.  Each flush is one :meth:`Executor.call` (so it is rate
    limited, retried, breaker-guarded) of ``batch_fn(keys)``, which returns a mapping from key
    to value.  Every caller gets exactly its own value; a key missing from the mapping raises
    :class:`~savantsdk.exceptions.NotFoundError` (``status_code`` 404) for that key's callers
    only; a failed batch raises its error to every caller of that batch.  The same key asked
    twice within a window is sent once.  A caller that is cancelled stops waiting; the batch
    still runs for the others.
    """

    def __init__(
        self,
        executor: Executor,
        batch_fn: Callable[[Sequence[K]], Awaitable[Mapping[K, V]]],
        *,
        max_batch: int,
        window_s: float,
        lane: Lane,
    ) -> None:
        self._executor = executor
        self._batch_fn = batch_fn
        self._max_batch = max_batch
        self._window_s = window_s
        self._lane = lane
        self._pending: _Batch[K, V] | None = None

    def __repr__(self) -> str:
        return (
            f"Loader(source={self._executor.name!r}, max_batch={self._max_batch}, "
            f"window_s={self._window_s:g}, lane={self._lane.name})"
        )

    def _enqueue(self, key: K) -> asyncio.Future[V]:
        self._executor._check_open()
        batch = self._pending
        if batch is None:
            batch = self._pending = _Batch()
            self._executor._tasks.spawn(self._timer(batch))
        fut: asyncio.Future[V] = asyncio.get_running_loop().create_future()
        batch.waiters.setdefault(key, []).append(fut)
        if len(batch.waiters) >= self._max_batch:
            self._seal(batch)
            self._executor._tasks.spawn(self._flush(batch))
        return fut

    async def load(self, key: K) -> V:
        """The value for ``key`` (batched with other callers' keys)."""
        return await self._enqueue(key)

    async def load_many(self, keys: Iterable[K]) -> list[V]:
        """Values for ``keys`` in order; raises the first error (all keys are still loaded)."""
        futures = [self._enqueue(k) for k in keys]
        if not futures:
            return []
        return list(await asyncio.gather(*futures))

    def _seal(self, batch: _Batch[K, V]) -> None:
        batch.sealed = True
        if self._pending is batch:
            self._pending = None

    async def _timer(self, batch: _Batch[K, V]) -> None:
        try:
            await self._executor._clock.sleep(self._window_s)
        except BaseException:
            if not batch.sealed:  # cancelled by aclose() before the flush: tell the callers
                self._seal(batch)
                self._fail_closed(batch)
            raise
        if not batch.sealed:
            self._seal(batch)
            await self._flush(batch)

    def _fail_closed(self, batch: _Batch[K, V]) -> None:
        for futures in batch.waiters.values():
            for fut in futures:
                if not fut.done():
                    fut.set_exception(
                        SavantError(
                            f"executor for {self._executor.name!r} was closed before the "
                            "batch completed"
                        )
                    )

    async def _flush(self, batch: _Batch[K, V]) -> None:
        keys = list(batch.waiters)
        metrics = self._executor._m
        metrics.batch_calls += 1
        metrics.batch_keys += len(keys)
        try:
            result: Any = await self._executor.call(lambda: self._batch_fn(keys), lane=self._lane)
            if not isinstance(result, Mapping):
                raise SourceDecodeError(
                    f"loader batch function returned {type(result).__name__}, expected a mapping",
                    source=self._executor.name,
                )
        except Exception as exc:  # noqa: BLE001 - handed to every caller of the batch
            for futures in batch.waiters.values():
                for fut in futures:
                    if not fut.done():
                        fut.set_exception(exc)
            return
        except BaseException:
            self._fail_closed(batch)
            raise
        for key, futures in batch.waiters.items():
            if key in result:
                value = result[key]
                for fut in futures:
                    if not fut.done():
                        fut.set_result(value)
            else:
                for fut in futures:
                    if not fut.done():
                        fut.set_exception(
                            NotFoundError(
                                f"key {redact(repr(key))} is missing from the batch response",
                                source=self._executor.name,
                                status_code=404,
                            )
                        )

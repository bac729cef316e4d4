"""Request coalescing: identical in-flight calls (same key) share one upstream call."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar, cast

import anyio

from ..exceptions import SavantError
from ._tasks import TaskSet

__all__ = ("Coalescer",)

T = TypeVar("T")


class _Shared:
    __slots__ = ("task", "waiters")

    def __init__(self, task: asyncio.Task[Any]) -> None:
        self.task = task
        self.waiters = 0


class Coalescer:
    """Runs the first call for a key in a tracked task; later callers with the same key wait
    for it.  A caller that is cancelled stops waiting; the shared call is cancelled only when
    no caller is left waiting for it."""

    __slots__ = ("_inflight", "_tasks")

    def __init__(self, tasks: TaskSet) -> None:
        self._inflight: dict[str, _Shared] = {}
        self._tasks = tasks

    def __len__(self) -> int:
        return len(self._inflight)

    async def run(
        self,
        key: str,
        factory: Callable[[], Coroutine[Any, Any, T]],
        on_join: Callable[[], None],
    ) -> T:
        shared = self._inflight.get(key)
        if shared is None:
            task = self._tasks.spawn(factory(), self._inflight, key)
            shared = _Shared(task)
            self._inflight[key] = shared
        else:
            on_join()
            task = shared.task
        shared.waiters += 1
        try:
            return cast("T", await asyncio.shield(task))
        except asyncio.CancelledError:
            me = asyncio.current_task()
            if task.cancelled() and me is not None and not me.cancelling():
                # Not this caller's cancellation: the shared call was stopped (aclose()).
                raise SavantError(
                    "the shared call was cancelled before it completed (executor closed)"
                ) from None
            raise
        finally:
            shared.waiters -= 1
            if shared.waiters == 0 and not task.done():
                # Nobody wants the result any more: stop it and wait until it has released
                # its limiter/concurrency slots, so a cancelled caller leaves nothing running.
                task.cancel()
                with anyio.CancelScope(shield=True):
                    await asyncio.wait([task])

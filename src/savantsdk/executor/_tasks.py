"""Tasks the executor owns (shared coalesced calls, loader batches): tracked, never orphaned.

Work shared by several callers must outlive any one caller (a caller that cancels must not
cancel it for the others), so it cannot run inside a caller's task or task group.  Each such
task is held here with a strong reference, its exception is always retrieved (no "exception
was never retrieved" noise), and :meth:`TaskSet.aclose` cancels and awaits all of them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ("TaskSet",)

T = TypeVar("T")


class TaskSet:
    __slots__ = ("_tasks",)

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def __len__(self) -> int:
        return len(self._tasks)

    def spawn(
        self,
        coro: Coroutine[Any, Any, T],
        registry: dict[str, Any] | None = None,
        key: str = "",
    ) -> asyncio.Task[T]:
        """Start ``coro``; when it ends, drop it (and ``registry[key]`` if that is still it)."""
        task = asyncio.get_running_loop().create_task(coro)
        tasks = self._tasks
        tasks.add(task)

        def done(t: asyncio.Task[Any]) -> None:
            tasks.discard(t)
            if registry is not None:
                entry = registry.get(key)
                if entry is not None and entry.task is t:
                    del registry[key]
            if not t.cancelled():
                t.exception()  # retrieved: never "exception was never retrieved"

        task.add_done_callback(done)
        return task

    async def aclose(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

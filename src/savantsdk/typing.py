"""Public Protocols: the seams users implement to plug in their own pieces.

- :class:`AsyncCacheBackend`: moves bytes (memory, Redis, yours).  Policy (TTLs, stale
  serving, stampede control) and serialization stay in savantsdk.
- :class:`Clock`: monotonic and wall time plus ``sleep``; tests pass a fake one.
- :class:`MetricsHook`: receives metric snapshots and events so users can export them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

__all__ = ("AsyncCacheBackend", "Clock", "MetricsHook")


@runtime_checkable
class Clock(Protocol):
    """Time source.  ``monotonic()`` for intervals and deadlines, ``time()`` for stamps."""

    def monotonic(self) -> float: ...

    def time(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


@runtime_checkable
class AsyncCacheBackend(Protocol):
    """A byte store with per-entry TTL.  Implementations must fail open on reads
    (return misses) when their store is unreachable, and count it."""

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]: ...

    async def set_many(self, items: Mapping[str, bytes], *, ttl_s: float | None) -> None: ...

    async def delete(self, keys: Sequence[str]) -> int: ...

    async def aclose(self) -> None: ...


@runtime_checkable
class MetricsHook(Protocol):
    """Receives metrics.  ``on_event`` is called for discrete events (a retry, a breaker
    transition, a 429) with a name and labels; labels never contain secrets."""

    def on_event(self, name: str, labels: Mapping[str, str], value: float = 1.0) -> None: ...

    def on_snapshot(self, source: str, snapshot: Any) -> None: ...

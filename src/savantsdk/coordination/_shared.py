"""This process's mirror of one source's shared state: breaker and pause, on local time.

The executor's breaker and pause seams are synchronous (``acquire()``, ``remaining()``), so
they read this mirror and never wait for Redis.  Every store reply refreshes it: the slot
bookings of the rate limiter (one per batch of attempts), the breaker reports and the pause
writes.  Store replies carry offsets from the store's clock; the mirror turns them into local
monotonic deadlines (``at + offset``, where ``at`` is the midpoint of the round trip), so the
fleet never compares wall clocks.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ..typing import Clock
from ._store import SharedState

__all__ = ("SourceShared",)


class SourceShared:
    """Mirror of one source's breaker and pause for one executor (one clock)."""

    __slots__ = (
        "_listeners",
        "breaker",
        "clock",
        "failures",
        "open_until",
        "pause_until",
        "remote_generation",
        "source",
        "successes",
        "synced_at",
        "transitions",
        "version",
    )

    def __init__(self, source: str, clock: Clock) -> None:
        self.source = source
        self.clock = clock
        self.breaker = "closed"
        #: The store's generation of the breaker state we mirror.
        self.remote_generation = 0
        #: Bumped whenever the mirrored state changes (from the store or locally): permits
        #: carry it, and an outcome from an older version is ignored.
        self.version = 0
        self.open_until = -math.inf
        self.failures = 0
        self.successes = 0  # half-open successes, counted locally only while degraded
        self.pause_until = -math.inf
        self.synced_at = -math.inf
        self.transitions = 0
        self._listeners: list[Callable[[str, str], None]] = []

    def __repr__(self) -> str:
        return (
            f"SourceShared(source={self.source!r}, breaker={self.breaker!r}, "
            f"version={self.version})"
        )

    def listen(self, callback: Callable[[str, str], None]) -> None:
        """``callback(old, new)`` on every breaker state change."""
        self._listeners.append(callback)

    def extend_pause(self, until: float) -> float:
        self.pause_until = max(self.pause_until, until)
        return self.pause_until

    def apply(self, state: SharedState, at: float) -> None:
        """Take a store reply received around local time ``at``."""
        self.synced_at = at
        if state.pause_left_s is not None and state.pause_left_s > 0:
            self.extend_pause(at + state.pause_left_s)
        self.failures = state.failures
        open_until = at + state.open_left_s if state.breaker == "open" else -math.inf
        if state.breaker != self.breaker or state.generation != self.remote_generation:
            self.remote_generation = state.generation
            self.successes = 0
            self.set_state(state.breaker, open_until)
        elif state.breaker == "open":
            self.open_until = open_until

    def set_state(self, new: str, open_until: float = -math.inf) -> None:
        """Change the breaker state (from a store reply, or locally while degraded)."""
        old = self.breaker
        self.breaker = new
        self.open_until = open_until
        self.version += 1
        if old != new:
            self.transitions += 1
            for callback in self._listeners:
                callback(old, new)

"""The source-wide pause seam: after a 429 with Retry-After, no lane of the source sends."""

from __future__ import annotations

from typing import Protocol

from ..typing import Clock

__all__ = ("LocalPause", "SourcePause")


class SourcePause(Protocol):
    """Shared "do not send before" deadline of one source (a later issue shares it via Redis)."""

    def pause(self, seconds: float) -> float:
        """Extend the pause to at least ``seconds`` from now; return the monotonic deadline."""
        ...

    def remaining(self) -> float:
        """Seconds left (0.0 when not paused)."""
        ...

    async def wait(self) -> float:
        """Sleep until the pause is over (returns at once when not paused); seconds waited."""
        ...


class LocalPause:
    """In-process pause on an injectable clock.  Pauses only ever extend, never shorten."""

    __slots__ = ("_clock", "_until")

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._until = 0.0

    def __repr__(self) -> str:
        return f"LocalPause(remaining={self.remaining():.3f})"

    def pause(self, seconds: float) -> float:
        self._until = max(self._until, self._clock.monotonic() + max(0.0, seconds))
        return self._until

    def remaining(self) -> float:
        return max(0.0, self._until - self._clock.monotonic())

    async def wait(self) -> float:
        waited = 0.0
        while (left := self._until - self._clock.monotonic()) > 0:
            await self._clock.sleep(left)
            waited += left
        return waited

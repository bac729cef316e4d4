"""The source-wide pause, shared by the fleet through the store.

A 429 with ``Retry-After`` seen by one process pauses the source for all of them: ``pause()``
extends this process's mirror at once (so it stops sending immediately) and publishes the
deadline through the coordinator's outbox.  The store keeps ``pause-until`` on its own clock;
every slot booking reads it, so no process is granted a slot before the pause ends (its rate
limiter books the first slot at the end of the pause, and the rest follow at the rate: no burst)
and each booking reply refreshes the mirror, which the executor reads through ``remaining()``
(and fails fast when the pause is longer than ``RetryPolicy.max_retry_after_s``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from ._store import StoreUnavailableError

if TYPE_CHECKING:
    from ._core import Coordinator
    from ._shared import SourceShared

__all__ = ("SharedPause",)


class SharedPause:
    """``SourcePause`` shared through the store (pauses only ever extend)."""

    __slots__ = ("_clock", "_core", "_shared")

    def __init__(self, core: Coordinator, shared: SourceShared) -> None:
        self._core = core
        self._shared = shared
        self._clock = shared.clock

    def __repr__(self) -> str:
        return f"SharedPause(source={self._shared.source!r}, remaining={self.remaining():.3f})"

    def pause(self, seconds: float) -> float:
        deadline = self._shared.extend_pause(self._clock.monotonic() + max(0.0, seconds))
        self._core.counters.shared_pauses += 1
        self._core.submit(self._publisher(deadline))
        return deadline

    def _publisher(self, deadline: float) -> Callable[[], Awaitable[None]]:
        core, sh, clock = self._core, self._shared, self._clock

        async def job() -> None:

            sent = clock.monotonic()
            left = deadline - sent
            if left <= 0:
                return
            try:
                remote_left = await core.call("pause", lambda: core.store.pause(sh.source, left))
            except StoreUnavailableError:
                return  # the local pause is in place; the other processes find out by 429
            sh.extend_pause((sent + clock.monotonic()) / 2 + remote_left)

        return job

    def remaining(self) -> float:
        return max(0.0, self._shared.pause_until - self._clock.monotonic())

    async def wait(self) -> float:
        waited = 0.0
        clock = self._clock
        while (left := self._shared.pause_until - clock.monotonic()) > 0:
            await clock.sleep(left)
            waited += left
        return waited

"""Helpers of the reliability suite (imported by its conftest and tests): a sped-up clock,
probes for tasks, file descriptors and sockets left behind, and a Redis of the test's own."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable


class FastClock:
    """Real time, ``speed`` times faster: ``sleep(s)`` lasts ``s / speed`` real seconds and
    ``monotonic()``/``time()`` advance ``speed`` seconds per real second.

    For tests that run real loopback HTTP (whose waits a fake clock cannot skip) and still
    must not spend a real second on every ``Retry-After: 1`` pause or backoff.  HTTP
    timeouts stay in real time (they are ``anyio.fail_after`` deadlines, not clock sleeps).
    """

    def __init__(self, speed: float = 20.0) -> None:
        self.speed = speed
        self._mono0 = time.monotonic()
        self._wall0 = time.time()

    def _elapsed(self) -> float:
        return (time.monotonic() - self._mono0) * self.speed

    def monotonic(self) -> float:
        return self._mono0 + self._elapsed()

    def time(self) -> float:
        return self._wall0 + self._elapsed()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) / self.speed)


class Probes:
    """What a closed client may leave behind: tasks, file descriptors, sockets (Linux /proc)."""

    @staticmethod
    def other_tasks() -> set[asyncio.Task[object]]:
        """Every unfinished task of the running loop but the current one."""
        me = asyncio.current_task()
        return {t for t in asyncio.all_tasks() if t is not me and not t.done()}

    @staticmethod
    def open_fds() -> int:
        return len(os.listdir("/proc/self/fd"))

    @staticmethod
    def sockets_to(port: int) -> int:
        """Open sockets of this process whose remote end is ``port`` (the client side)."""
        inodes: set[str] = set()
        for table in ("/proc/self/net/tcp", "/proc/self/net/tcp6"):
            with open(table) as fh:
                rows = fh.read().splitlines()[1:]
            for row in rows:
                cols = row.split()
                if int(cols[2].rsplit(":", 1)[1], 16) == port and cols[9] != "0":
                    inodes.add(cols[9])
        count = 0
        for fd in os.listdir("/proc/self/fd"):
            try:
                link = os.readlink(f"/proc/self/fd/{fd}")
            except OSError:
                continue
            count += link.startswith("socket:[") and link[8:-1] in inodes
        return count

    @staticmethod
    async def wait_until(predicate: Callable[[], bool], timeout_s: float = 5.0) -> bool:
        """Poll ``predicate()`` until true.  Real time on purpose: it watches another thread
        (the fake server) or the kernel, which no fake clock drives."""
        deadline = time.monotonic() + timeout_s
        while not predicate():
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.02)
        return True

"""Fixtures of the reliability suite (helpers in ``reliability_support``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from reliability_support import FastClock, Probes, RedisProcess, free_port


@pytest.fixture
def probes() -> Probes:
    """Leak probes; they read Linux's ``/proc``."""
    if not Path("/proc/self/net/tcp").exists():
        pytest.skip("needs Linux /proc to count file descriptors and sockets")
    return Probes()


@pytest.fixture
def fast_clock() -> FastClock:
    return FastClock(speed=20.0)


@pytest.fixture
def own_redis(redis_server_binary: str, tmp_path: Path) -> Iterator[RedisProcess]:
    """A private redis-server on a free port (in CI a missing redis-server fails the test)."""
    server = RedisProcess(redis_server_binary, free_port(), tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()

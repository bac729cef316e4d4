"""Fixtures of the reliability suite (helpers in ``reliability_support``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from reliability_support import FastClock, Probes


@pytest.fixture
def probes() -> Probes:
    """Leak probes; they read Linux's ``/proc``."""
    if not Path("/proc/self/net/tcp").exists():
        pytest.skip("needs Linux /proc to count file descriptors and sockets")
    return Probes()


@pytest.fixture
def fast_clock() -> FastClock:
    return FastClock(speed=20.0)

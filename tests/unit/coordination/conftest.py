"""Helpers for the coordination tests: a fake clock, an in-memory store, settings builders.

Every "process" in these tests is one :class:`Coordinator` (its own mirror, queues and
fallbacks) on the shared :class:`FakeStore`; the integration tests use real Redis and real
processes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from savantsdk._clock import FakeClock
from savantsdk._config import BreakerPolicy, RateLimit, RetryPolicy, SourceSettings
from savantsdk.coordination._core import Coordinator
from savantsdk.executor import Executor

from .fakes import FakeStore


def make_settings(
    *,
    name: str = "src",
    rate: float | None = 10.0,
    concurrency: int = 10,
    attempts: int = 1,
    max_retry_after_s: float = 60.0,
    fail_max: int = 3,
    reset_timeout_s: float = 10.0,
    success_threshold: int = 1,
    breaker: bool = True,
) -> SourceSettings:
    return SourceSettings(
        name=name,
        base_url="http://127.0.0.1",
        rate_limit=RateLimit(rate_per_s=rate, concurrency=concurrency),
        retry=RetryPolicy(
            max_attempts=attempts,
            initial_backoff_s=0.01,
            max_backoff_s=0.1,
            max_retry_after_s=max_retry_after_s,
        ),
        breaker=BreakerPolicy(
            fail_max=fail_max,
            reset_timeout_s=reset_timeout_s,
            success_threshold=success_threshold,
            enabled=breaker,
        ),
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(autojump=True)


@pytest.fixture
def store(clock: FakeClock) -> FakeStore:
    return FakeStore(clock, latency_s=0.0005)


@pytest.fixture
async def processes(
    store: FakeStore, clock: FakeClock
) -> AsyncIterator[Callable[..., Coordinator]]:
    """``processes(**kw)`` -> a new Coordinator on the shared store; all closed afterwards."""
    made: list[Coordinator] = []

    def make(**kw: Any) -> Coordinator:
        core = Coordinator(store, clock=clock, **kw)
        made.append(core)
        return core

    yield make
    for core in made:
        await core.aclose()


def executor(core: Coordinator, settings: SourceSettings, clock: FakeClock) -> Executor:
    parts = core.executor_parts(settings, clock=clock)
    return Executor(
        settings,
        clock=clock,
        rate_limiter=parts.rate_limiter,
        breaker=parts.breaker,
        pause=parts.pause,
        concurrency_controller=parts.concurrency_controller,
    )


async def settle(clock: FakeClock | None = None, seconds: float = 0.01) -> None:
    """Let the background outbox send (its store round trips sleep on the fake clock, which
    only jumps when the loop is idle); without a clock, just let ready tasks run."""
    if clock is not None:
        await clock.sleep(seconds)
    for _ in range(20):
        await asyncio.sleep(0)

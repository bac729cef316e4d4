"""Helpers for the executor tests: settings builders and a recording hook."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import pytest

from savantsdk._clock import FakeClock as _FakeClock
from savantsdk._config import BreakerPolicy, RateLimit, RetryPolicy, SourceSettings


class FakeClock(_FakeClock):
    """The executor tests' clock: autojumping by default (sleeps finish instantly, in order);
    pass ``autojump=False`` for a test that moves time itself with ``advance()``."""

    def __init__(self, start: float = 1_000.0, *, autojump: bool = True) -> None:
        super().__init__(start, autojump=autojump)


def make_settings(
    *,
    rate: float | None = None,
    concurrency: int = 10,
    attempts: int = 3,
    initial_backoff_s: float = 0.1,
    max_retry_after_s: float = 60.0,
    fail_max: int = 1000,
    reset_timeout_s: float = 30.0,
    success_threshold: int = 1,
    breaker: bool = True,
) -> SourceSettings:
    return SourceSettings(
        name="test",
        base_url="http://127.0.0.1",
        rate_limit=RateLimit(rate_per_s=rate, concurrency=concurrency),
        retry=RetryPolicy(
            max_attempts=attempts,
            initial_backoff_s=initial_backoff_s,
            max_backoff_s=2.0,
            max_retry_after_s=max_retry_after_s,
        ),
        breaker=BreakerPolicy(
            fail_max=fail_max,
            reset_timeout_s=reset_timeout_s,
            success_threshold=success_threshold,
            enabled=breaker,
        ),
    )


class RecordingHook:
    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, str]]] = []
        self.snapshots: list[tuple[str, Any]] = []

    def on_event(self, name: str, labels: Mapping[str, str], value: float = 1.0) -> None:
        self.events.append((name, dict(labels)))

    def on_snapshot(self, source: str, snapshot: Any) -> None:
        self.snapshots.append((source, snapshot))

    def names(self) -> list[str]:
        return [n for n, _ in self.events]


@pytest.fixture
def hook() -> RecordingHook:
    return RecordingHook()


async def settle(rounds: int = 50) -> None:
    """Let every ready task run for a while (time stands still meanwhile: no real sleep)."""
    for _ in range(rounds):
        await asyncio.sleep(0)


@pytest.fixture
def aclock() -> FakeClock:
    return FakeClock(autojump=True)

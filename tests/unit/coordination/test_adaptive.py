"""AIMD concurrency: the controller's arithmetic, and the executor's slots following it."""

from __future__ import annotations

import asyncio

import anyio
import pytest
from hypothesis import given, strategies as st

from savantsdk._clock import FakeClock
from savantsdk.coordination import AdaptiveConcurrency, AimdController
from savantsdk.exceptions import (
    ConfigurationError,
    NotFoundError,
    RateLimitedError,
    SourceTimeoutError,
)
from savantsdk.executor import Executor
from savantsdk.executor._slots import ConcurrencySlots

from .conftest import make_settings

pytestmark = pytest.mark.anyio

LIMITED = RateLimitedError("429", source="s", status_code=429, retry_after=None)
TIMEOUT = SourceTimeoutError("timed out", source="s")


def test_additive_increase_multiplicative_decrease_once_per_round() -> None:
    aimd = AimdController(AdaptiveConcurrency(initial_limit=4), max_limit=10)
    assert aimd.limit == 4
    for t in range(4):  # each success adds 1 / limit: 4 + 1/4 + 1/4.25 + ... = 4.93
        aimd.on_attempt(t, t + 0.1, None)
    assert aimd.limit == 4
    aimd.on_attempt(4, 4.1, None)
    assert aimd.limit == 5
    assert aimd.on_attempt(10.0, 10.5, LIMITED) == 2  # 5 * 0.5
    # Attempts that started before that cut saw the same congestion: no second cut.
    assert aimd.on_attempt(9.9, 10.6, TIMEOUT) == 2
    assert aimd.on_attempt(10.7, 11.0, TIMEOUT) == 1
    assert aimd.on_attempt(11.1, 11.2, TIMEOUT) == 1  # never below min_limit
    assert aimd.on_attempt(12.0, 12.1, NotFoundError("x", source="s", status_code=404)) == 1
    assert aimd.on_attempt(12.0, 12.1, asyncio.CancelledError()) == 1
    assert aimd.cuts == 3


def test_latency_past_the_threshold_is_congestion() -> None:
    aimd = AimdController(AdaptiveConcurrency(latency_threshold_s=0.5), max_limit=8)
    assert aimd.on_attempt(0.0, 0.4, None) == 8  # capped at the configured concurrency
    assert aimd.on_attempt(1.0, 1.6, None) == 4


@given(
    events=st.lists(
        st.tuples(st.floats(0, 100), st.floats(0, 5), st.sampled_from(["ok", "429", "timeout"])),
        max_size=200,
    ),
    cap=st.integers(1, 64),
    lo=st.integers(1, 64),
)
def test_limit_always_within_bounds(
    events: list[tuple[float, float, str]], cap: int, lo: int
) -> None:
    aimd = AimdController(AdaptiveConcurrency(min_limit=lo), max_limit=cap)
    errors = {"ok": None, "429": LIMITED, "timeout": TIMEOUT}
    for start, took, kind in events:
        limit = aimd.on_attempt(start, start + took, errors[kind])
        assert min(lo, cap) <= limit <= cap


def test_bad_settings_are_configuration_errors() -> None:
    with pytest.raises(ConfigurationError, match="decrease_factor"):
        AdaptiveConcurrency(decrease_factor=1.0)
    with pytest.raises(ConfigurationError, match="min_limit"):
        AdaptiveConcurrency(min_limit=0)
    with pytest.raises(ConfigurationError, match="latency_threshold_s"):
        AdaptiveConcurrency(latency_threshold_s=-1)


async def test_slots_resize_without_revoking() -> None:
    slots = ConcurrencySlots(3)
    for _ in range(3):
        assert slots.try_acquire()
    slots.resize(1)
    got = anyio.Event()

    async def waiter() -> None:
        await slots.acquire()
        got.set()

    async with anyio.create_task_group() as tg:
        tg.start_soon(waiter)
        await anyio.sleep(0)
        slots.release()
        slots.release()  # 1 borrowed now: still not below the new total
        await anyio.sleep(0)
        assert not got.is_set()
        slots.release()
        await got.wait()  # handed on once fewer than 1 are borrowed
    assert slots.statistics().borrowed == 1
    slots.resize(3)
    assert slots.try_acquire()
    assert slots.try_acquire()
    assert not slots.try_acquire()


async def test_executor_follows_the_controller() -> None:
    clock = FakeClock(autojump=True)
    aimd = AimdController(AdaptiveConcurrency(), max_limit=8)
    ex = Executor(make_settings(rate=None, concurrency=8), clock=clock, concurrency_controller=aimd)
    peak = 0

    async def limited() -> None:
        nonlocal peak
        peak = max(peak, ex.capacity.statistics().borrowed)
        await clock.sleep(0.1)
        raise LIMITED

    async with anyio.create_task_group() as tg:
        for _ in range(8):
            tg.start_soon(ex.map, lambda _: limited(), [0])
    assert ex.capacity.statistics().total == 4  # one cut for the round of 8 in flight
    peak = 0
    async with anyio.create_task_group() as tg:
        for _ in range(16):
            tg.start_soon(ex.map, lambda _: limited(), [0])
    assert peak <= 4
    assert ex.capacity.statistics().total < 4

"""Coalescing: identical in-flight calls share one upstream call; cancelling a caller does
not cancel it for the others."""

from __future__ import annotations

import asyncio

import anyio
import pytest

from savantsdk.exceptions import SavantError, SourceServerError
from savantsdk.executor import Executor

from .conftest import FakeClock, make_settings, settle


@pytest.mark.anyio
async def test_1000_identical_concurrent_calls_make_one_upstream_call() -> None:
    clock = FakeClock()
    ex = Executor(make_settings(concurrency=4), clock=clock)
    calls = 0

    async def upstream() -> dict[str, int]:
        nonlocal calls
        calls += 1
        await clock.sleep(1.0)
        return {"n": 42}

    results = await asyncio.gather(*(ex.call(upstream, key="GET /x?id=1") for _ in range(1000)))
    assert calls == 1
    assert all(r == {"n": 42} for r in results)
    snap = ex.metrics()
    assert (snap.requests, snap.coalesced, snap.attempts) == (1000, 999, 1)
    # Not in flight any more: the next call goes upstream again.
    await ex.call(upstream, key="GET /x?id=1")
    assert calls == 2


@pytest.mark.anyio
async def test_different_keys_are_not_coalesced() -> None:
    ex = Executor(make_settings(), clock=FakeClock())
    calls: list[str] = []

    async def upstream(k: str) -> str:
        calls.append(k)
        return k

    out = await asyncio.gather(*(ex.call(lambda k=k: upstream(k), key=k) for k in "abcab"))
    assert out == list("abcab")
    assert sorted(calls) == ["a", "b", "c"]


@pytest.mark.anyio
async def test_a_cancelled_waiter_does_not_cancel_the_shared_call() -> None:
    clock = FakeClock()
    ex = Executor(make_settings(), clock=clock)
    calls = 0

    async def upstream() -> str:
        nonlocal calls
        calls += 1
        await clock.sleep(1.0)
        return "value"

    got: list[str] = []

    async def waiter() -> None:
        got.append(await ex.call(upstream, key="k"))

    async with anyio.create_task_group() as tg:
        with anyio.CancelScope() as first:
            # The first caller (the one that started the shared call) is cancelled.
            async with anyio.create_task_group() as inner:
                inner.start_soon(waiter)
                await settle()
                for _ in range(5):
                    tg.start_soon(waiter)
                await settle()
                first.cancel()
        await settle()
        assert calls == 1
        clock.advance(1.0)
    assert got == ["value"] * 5
    assert calls == 1


@pytest.mark.anyio
async def test_the_shared_call_is_cancelled_when_every_waiter_left() -> None:
    clock = FakeClock()
    ex = Executor(make_settings(concurrency=2), clock=clock)
    cancelled = False

    async def upstream() -> str:
        nonlocal cancelled
        try:
            await clock.sleep(100.0)
        except BaseException:
            cancelled = True
            raise
        return "never"

    async with anyio.create_task_group() as tg:
        for _ in range(3):
            tg.start_soon(lambda: ex.call(upstream, key="k"))
        await settle()
        assert ex.capacity.statistics().borrowed == 1
        tg.cancel_scope.cancel()
    assert cancelled
    assert ex.capacity.statistics().borrowed == 0
    assert len(ex._tasks) == 0


@pytest.mark.anyio
async def test_errors_are_shared_too() -> None:
    ex = Executor(make_settings(attempts=1), clock=FakeClock())
    calls = 0

    async def upstream() -> None:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0)
        raise SourceServerError("down", source="test", status_code=500)

    results = await asyncio.gather(
        *(ex.call(upstream, key="k") for _ in range(10)), return_exceptions=True
    )
    assert calls == 1
    assert all(isinstance(r, SourceServerError) for r in results)
    assert ex.metrics().failures == 1


@pytest.mark.anyio
async def test_aclose_cancels_shared_work() -> None:
    clock = FakeClock()
    ex = Executor(make_settings(), clock=clock)

    async def upstream() -> None:
        await clock.sleep(100.0)

    async with anyio.create_task_group() as tg:

        async def caller() -> None:
            with pytest.raises(SavantError, match="closed"):
                await ex.call(upstream, key="k")

        tg.start_soon(caller)
        await settle()
        assert len(ex._tasks) == 1
        await ex.aclose()
    assert len(ex._tasks) == 0

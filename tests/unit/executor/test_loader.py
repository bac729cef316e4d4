"""Loader (DataLoader pattern): batches by window and by size; each caller gets exactly its
own value or error."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

import anyio
import pytest

from savantsdk.exceptions import (
    NotFoundError,
    SavantError,
    SourceDecodeError,
    SourceServerError,
)
from savantsdk.executor import Executor, Lane

from .conftest import FakeClock, make_settings, settle


@pytest.mark.anyio
async def test_keys_from_many_callers_within_the_window_make_one_call() -> None:
    clock = FakeClock()
    ex = Executor(make_settings(), clock=clock)
    batches: list[list[int]] = []

    async def batch_fn(keys: Sequence[int]) -> Mapping[int, str]:
        batches.append(list(keys))
        return {k: f"player-{k}" for k in keys}

    loader = ex.loader(batch_fn, window_s=0.1)
    results: dict[int, str] = {}

    async def caller(k: int) -> None:
        results[k] = await loader.load(k)

    async with anyio.create_task_group() as tg:
        for k in range(5):
            tg.start_soon(caller, k)
        await settle()
        assert batches == []  # still inside the window
        clock.advance(0.05)
        tg.start_soon(caller, 5)
        await settle()
        assert batches == []
        clock.advance(0.06)  # window over: one flush with every key
    assert batches == [[0, 1, 2, 3, 4, 5]]
    assert results == {k: f"player-{k}" for k in range(6)}
    snap = ex.metrics()
    assert (snap.batch_calls, snap.batch_keys, snap.batch_efficiency) == (1, 6, 6.0)


@pytest.mark.anyio
async def test_a_full_batch_flushes_at_once() -> None:
    clock = FakeClock()
    ex = Executor(make_settings(), clock=clock)
    batches: list[list[int]] = []

    async def batch_fn(keys: Sequence[int]) -> Mapping[int, int]:
        batches.append(list(keys))
        return {k: k * 10 for k in keys}

    loader = ex.loader(batch_fn, max_batch=4, window_s=10.0)
    async with anyio.create_task_group() as tg:
        values: list[int] = []

        async def many() -> None:
            values.extend(await loader.load_many(range(10)))

        tg.start_soon(many)
        await settle()
        assert batches == [[0, 1, 2, 3], [4, 5, 6, 7]]  # no time passed
        clock.advance(10.0)
    assert batches[-1] == [8, 9]
    assert values == [k * 10 for k in range(10)]
    assert ex.metrics().batch_efficiency == pytest.approx(10 / 3)


@pytest.mark.anyio
async def test_each_caller_gets_its_own_value_or_error() -> None:
    ex = Executor(make_settings(), clock=FakeClock())

    async def batch_fn(keys: Sequence[str]) -> Mapping[str, str]:
        return {k: k.upper() for k in keys if k != "ghost"}

    loader = ex.loader(batch_fn, window_s=0.01)
    out = await asyncio.gather(
        loader.load("a"),
        loader.load("ghost"),
        loader.load("b"),
        loader.load("a"),
        return_exceptions=True,
    )
    assert out[0] == "A"
    assert out[2] == "B"
    assert out[3] == "A"
    assert isinstance(out[1], NotFoundError)
    assert out[1].status_code == 404
    assert "ghost" in str(out[1])


@pytest.mark.anyio
async def test_a_batch_failure_goes_to_each_caller_of_that_batch_only() -> None:
    clock = FakeClock()
    ex = Executor(make_settings(attempts=1), clock=clock)
    calls = 0

    async def batch_fn(keys: Sequence[int]) -> Mapping[int, int]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise SourceServerError("down", source="test", status_code=500)
        return {k: k for k in keys}

    loader = ex.loader(batch_fn, window_s=0.5, lane=Lane.LIVE)
    first = await asyncio.gather(*(loader.load(k) for k in range(3)), return_exceptions=True)
    assert all(isinstance(e, SourceServerError) for e in first)
    second = await asyncio.gather(*(loader.load(k) for k in range(3)))
    assert second == [0, 1, 2]
    assert ex.metrics().limiter_wait[Lane.LIVE].count == 2


@pytest.mark.anyio
async def test_batches_are_retried_through_the_executor() -> None:
    ex = Executor(make_settings(attempts=3), clock=FakeClock())
    calls = 0

    async def batch_fn(keys: Sequence[int]) -> Mapping[int, int]:
        nonlocal calls
        calls += 1
        if calls < 3:
            raise SourceServerError("flaky", source="test", status_code=503)
        return {k: -k for k in keys}

    loader = ex.loader(batch_fn)
    assert await loader.load_many([1, 2]) == [-1, -2]
    assert calls == 3


@pytest.mark.anyio
async def test_non_mapping_result_is_a_decode_error() -> None:
    ex = Executor(make_settings(), clock=FakeClock())

    async def batch_fn(keys: Sequence[int]) -> Mapping[int, int]:
        return [1, 2]  # type: ignore[return-value]

    with pytest.raises(SourceDecodeError, match="expected a mapping"):
        await ex.loader(batch_fn).load(1)


@pytest.mark.anyio
async def test_a_cancelled_caller_does_not_cancel_the_batch() -> None:
    clock = FakeClock()
    ex = Executor(make_settings(), clock=clock)

    async def batch_fn(keys: Sequence[int]) -> Mapping[int, int]:
        return {k: k + 100 for k in keys}

    loader = ex.loader(batch_fn, window_s=1.0)
    got: list[int] = []
    async with anyio.create_task_group() as tg:
        with anyio.CancelScope() as scope:
            async with anyio.create_task_group() as inner:
                inner.start_soon(loader.load, 1)
                await settle()

                async def keeper() -> None:
                    got.append(await loader.load(2))

                tg.start_soon(keeper)
                await settle()
                scope.cancel()
        clock.advance(1.0)
    assert got == [102]
    assert await loader.load_many([]) == []


@pytest.mark.anyio
async def test_aclose_fails_pending_loads_instead_of_hanging() -> None:
    clock = FakeClock()
    ex = Executor(make_settings(), clock=clock)

    async def batch_fn(keys: Sequence[int]) -> Mapping[int, int]:
        await clock.sleep(100.0)
        return {}

    loader = ex.loader(batch_fn, window_s=1.0, max_batch=2)
    errors: list[BaseException] = []

    async def caller(k: int) -> None:
        try:
            await loader.load(k)
        except SavantError as exc:
            errors.append(exc)

    async with anyio.create_task_group() as tg:
        for k in range(3):  # keys 0 and 1 flush at once (full); key 2 waits for the window
            tg.start_soon(caller, k)
        await settle()
        await ex.aclose()
    assert len(errors) == 3
    assert all("closed" in str(e) for e in errors)

"""map(): exactly one outcome per input, in input order, over random fault patterns;
cancellation leaves nothing running; BatchResult and BatchError."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import anyio
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from savantsdk.exceptions import (
    BatchError,
    NotFoundError,
    RateLimitedError,
    SourceServerError,
)
from savantsdk.executor import BatchResult, Executor, Lane, Outcome

from .conftest import FakeClock, make_settings, settle

# Per item: ("ok",), ("retryable", n) fails n times then succeeds, ("fatal",), ("429", ra),
# ("bug",) raises a non-SavantError.
faults = st.one_of(
    st.just(("ok", 0)),
    st.tuples(st.just("retryable"), st.integers(1, 5)),
    st.just(("fatal", 0)),
    st.tuples(st.just("429"), st.sampled_from([0, 1, 3])),
    st.just(("bug", 0)),
)


@given(
    patterns=st.lists(faults, max_size=40),
    max_attempts=st.integers(1, 4),
    batch_size=st.integers(1, 12),
    concurrency=st.integers(1, 6),
    rate=st.sampled_from([None, 20.0]),
    keyed=st.booleans(),
)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_one_outcome_per_input_in_order(
    patterns: list[tuple[str, int]],
    max_attempts: int,
    batch_size: int,
    concurrency: int,
    rate: float | None,
    keyed: bool,
) -> None:
    async def main() -> None:
        clock = FakeClock()
        ex = Executor(
            make_settings(rate=rate, concurrency=concurrency, attempts=max_attempts),
            clock=clock,
        )
        attempts: Counter[int] = Counter()
        n_orig = len(patterns)
        # (position, pattern index, kind, n); the first three inputs appear again at the end:
        # identical requests must still get one outcome each.
        items = [(pos, pos, kind, n) for pos, (kind, n) in enumerate(patterns)]
        items += [(n_orig + j, idx, kind, n) for j, (_, idx, kind, n) in enumerate(items[:3])]

        def counter_key(item: tuple[int, int, str, int]) -> int:
            # Keyed: a duplicate shares the original's key (and may share its call).
            return item[1] if keyed else item[0]

        async def fn(item: tuple[int, int, str, int]) -> str:
            _, idx, kind, n = item
            c = counter_key(item)
            attempts[c] += 1
            await clock.sleep(0.01)
            if kind == "retryable" and attempts[c] <= n:
                raise SourceServerError("5xx", source="test", status_code=503)
            if kind == "fatal":
                raise NotFoundError("404", source="test", status_code=404)
            if kind == "429" and attempts[c] == 1:
                raise RateLimitedError("429", retry_after=n, source="test", status_code=429)
            if kind == "bug":
                raise ZeroDivisionError(idx)
            return f"v{idx}"

        progress: list[tuple[int, int]] = []
        result = await ex.map(
            fn,
            items,
            key=(lambda it: f"item:{it[1]}") if keyed else None,
            batch_size=batch_size,
            on_progress=lambda d, t: progress.append((d, t)),
        )
        assert len(result) == len(items)
        assert result.items == tuple(items)
        expected_error = {
            "retryable": SourceServerError,
            "fatal": NotFoundError,
            "429": RateLimitedError,
            "bug": ZeroDivisionError,
        }
        for (pos, idx, kind, n), outcome in result:
            if pos >= n_orig:
                # A duplicate ran after (or together with) its original: value or that error.
                assert outcome.value == f"v{idx}" or isinstance(
                    outcome.error, expected_error.get(kind, ())
                )
                continue
            succeeds = (
                kind == "ok"
                or (kind == "retryable" and n < max_attempts)
                or (kind == "429" and max_attempts > 1)
            )
            if succeeds:
                assert outcome.value == f"v{idx}"
                assert outcome.error is None
            else:
                assert isinstance(outcome.error, expected_error[kind])
        # Attempts never exceed RetryPolicy.max_attempts per map entry sharing the counter.
        entries = Counter(counter_key(it) for it in items)
        for c, count in attempts.items():
            assert count <= max_attempts * entries[c]
        for pos, _, kind, _ in items[:n_orig]:
            if not keyed and kind in ("ok", "fatal", "bug"):
                assert attempts[pos] == 1  # never retried
        assert result.ok_count + result.error_count == len(items)
        assert list(result.values) == [o.value for o in result.outcomes if o.ok]
        if items:
            assert progress[-1] == (len(items), len(items))
            assert [d for d, _ in progress] == sorted({d for d, _ in progress})
        snap = ex.metrics()
        assert snap.in_flight == 0
        assert ex.capacity.statistics().borrowed == 0
        await ex.aclose()

    async def bounded() -> None:
        await asyncio.wait_for(main(), 20)  # a hang is a failure, not a stuck suite

    anyio.run(bounded, backend="asyncio")


@pytest.mark.anyio
async def test_results_keep_input_order_when_completion_order_differs() -> None:
    clock = FakeClock()
    ex = Executor(make_settings(concurrency=50), clock=clock)

    async def fn(i: int) -> int:
        await clock.sleep(10 - i)  # later items finish first
        return i * i

    result = await ex.map(fn, range(10), batch_size=10)
    assert result.values == [i * i for i in range(10)]
    assert list(result.items) == list(range(10))


@pytest.mark.anyio
async def test_raise_for_errors() -> None:
    ex = Executor(make_settings(attempts=1), clock=FakeClock())

    async def fn(i: int) -> int:
        if i % 3 == 0:
            raise NotFoundError(f"missing {i}", source="test", status_code=404)
        return i

    result = await ex.map(fn, range(7))
    assert (result.ok_count, result.error_count) == (4, 3)
    assert [item for item, _ in result.errors] == [0, 3, 6]
    with pytest.raises(BatchError) as info:
        result.raise_for_errors()
    assert info.value.result is result
    assert len(info.value.exceptions) == 3
    assert isinstance(info.value, ExceptionGroup)

    ok: BatchResult[int, int] = BatchResult(items=(1,), outcomes=(Outcome(value=1),))
    ok.raise_for_errors()  # no error: nothing raised
    assert ok.ok
    assert Outcome(value=5).unwrap() == 5
    with pytest.raises(KeyError):
        Outcome[int](error=KeyError("x")).unwrap()


@pytest.mark.anyio
async def test_empty_input() -> None:
    ex = Executor(make_settings())

    async def fn(i: int) -> int:
        return i

    result = await ex.map(fn, [])
    assert len(result) == 0
    assert result.values == []


@pytest.mark.anyio
@pytest.mark.parametrize("keyed", [False, True])
async def test_cancelling_a_big_map_frees_every_slot_and_leaves_no_task(keyed: bool) -> None:
    clock = FakeClock(autojump=False)  # manual: nothing moves unless we say so
    ex = Executor(make_settings(rate=100.0, concurrency=8), clock=clock)
    started = 0
    this = asyncio.current_task()
    before = asyncio.all_tasks()

    async def fn(i: int) -> int:
        nonlocal started
        started += 1
        await anyio.sleep_forever()
        return i

    with anyio.CancelScope() as scope:
        async with anyio.create_task_group() as tg:

            async def run() -> None:
                await ex.map(
                    fn,
                    range(5000),
                    key=(lambda i: f"k{i}") if keyed else None,
                    lane=Lane.HISTORICAL,
                    batch_size=200,
                )

            tg.start_soon(run)
            for _ in range(20):
                await settle()
                clock.advance(0.01)  # one more limiter slot each time
            assert started == 8  # concurrency bound
            assert ex.capacity.statistics().borrowed == 8
            assert ex.rate_limiter.statistics().waiting > 100
            scope.cancel()
    await settle()
    assert ex.capacity.statistics().borrowed == 0
    assert ex.capacity.statistics().waiting == 0
    assert ex.rate_limiter.statistics().waiting == 0
    assert ex.metrics().in_flight == 0
    assert len(ex._tasks) == 0
    assert asyncio.all_tasks() - before <= {this}
    # The executor still works afterwards.
    clock.advance(1.0)

    async def quick() -> str:
        return "fine"

    assert await ex.call(quick) == "fine"


@pytest.mark.anyio
async def test_map_items_may_be_any_iterable() -> None:
    ex = Executor(make_settings())

    async def fn(s: str) -> str:
        return s.upper()

    gen: Any = (c for c in "abc")
    result = await ex.map(fn, gen)
    assert result.values == ["A", "B", "C"]


@pytest.mark.anyio
@pytest.mark.parametrize("keyed", [False, True])
@pytest.mark.parametrize("fan_out", [1, 3])
async def test_nested_calls_to_the_same_source_borrow_the_callers_slot(
    keyed: bool, fan_out: int
) -> None:
    """A mapped function (or any attempt) that calls the same executor again used to
    deadlock once every slot was held by an outer attempt waiting for an inner one. Nested
    calls now run inside the caller's slot, one at a time, so the source's concurrency
    bound still holds for the requests that actually run, and nothing waits forever."""
    concurrency = 4
    ex = Executor(make_settings(concurrency=concurrency), clock=FakeClock())
    active = peak = 0

    async def leaf(n: int) -> int:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await asyncio.sleep(0.001)
        active -= 1
        return n

    async def outer(item: int) -> int:
        async def inner(j: int) -> int:
            # a nested call that itself nests once more (two levels of borrowing)
            key = f"leaf:{item}:{j}" if keyed else None
            return await ex.call(lambda: leaf(item * 10 + j), key=key)

        async def one(j: int) -> int:
            return await ex.call(lambda: inner(j))

        results: list[int] = []
        async with anyio.create_task_group() as tg:
            for j in range(fan_out):

                async def run(j: int = j) -> None:
                    results.append(await one(j))

                tg.start_soon(run)
        return sum(results)

    with anyio.fail_after(10):
        result = await ex.map(outer, range(10), batch_size=10)
    expected = [sum(i * 10 + j for j in range(fan_out)) for i in range(10)]
    assert [o.value for o in result.outcomes] == expected
    assert 1 <= peak <= concurrency
    assert ex.capacity.statistics().borrowed == 0

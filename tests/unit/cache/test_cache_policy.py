"""The Cache front: typed round trips, single-flight, SWR, stale-on-error, invalidation,
failing open, metrics.  Fake clock only; no sleeping."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from datetime import date

import anyio
import attrs
import pytest

from savantsdk._clock import FakeClock
from savantsdk.cache import (
    DEFAULT_TTLS,
    Cache,
    MemoryCache,
    Ttl,
    TtlPolicy,
    cache_key,
    key_prefix,
)
from savantsdk.exceptions import CacheError, ConfigurationError

pytestmark = pytest.mark.anyio


@attrs.frozen
class Line:
    player_id: int
    stat: str
    line: float
    day: date


LINE = Line(592450, "hits", 1.5, date(2024, 6, 10))
KEY = cache_key("mlb", "props", "player", 592450, "hits")


class Loader:
    def __init__(self, *values: object, gate: anyio.Event | None = None) -> None:
        self.values = list(values)
        self.calls = 0
        self.gate = gate

    async def __call__(self) -> object:
        self.calls += 1
        if self.gate is not None:
            await self.gate.wait()
        value = self.values[min(self.calls, len(self.values)) - 1]
        if isinstance(value, Exception):
            raise value
        return value


def make(clock: FakeClock | None = None, **kw: object) -> tuple[Cache, MemoryCache, FakeClock]:
    clock = clock or FakeClock()
    backend = MemoryCache(clock=clock)
    return Cache(backend, clock=clock, **kw), backend, clock  # type: ignore[arg-type]


async def test_typed_round_trip_and_miss() -> None:
    cache, _, _ = make()
    assert await cache.get(KEY, Line) is None
    await cache.set(KEY, LINE, kind="lines", type_=Line)
    got = await cache.get(KEY, Line)
    assert got == LINE
    assert isinstance(got, Line)
    assert await cache.get_many([KEY, "nope"], Line) == [LINE, None]
    stats = cache.stats()["policy"]
    assert (stats.hits, stats.misses, stats.sets) == (2, 2, 1)
    assert stats.hit_rate == 0.5


async def test_fresh_ttl_by_kind_then_stale_reads_are_misses_unless_allowed() -> None:
    cache, _, clock = make()
    await cache.set(KEY, {"a": 1}, kind="lines")
    clock.advance(29.9)
    assert await cache.get(KEY) == {"a": 1}
    clock.advance(0.2)  # past lines' fresh 30 s
    assert await cache.get(KEY) is None
    assert await cache.get(KEY, allow_stale=True) == {"a": 1}
    clock.advance(DEFAULT_TTLS["lines"].store_s)  # past what the backend keeps
    assert await cache.get(KEY, allow_stale=True) is None


async def test_new_value_replaces_memoized_decode() -> None:
    cache, _, _ = make()
    await cache.set(KEY, {"v": 1})
    assert await cache.get(KEY) == {"v": 1}
    assert await cache.get(KEY) == {"v": 1}
    await cache.set(KEY, {"v": 2})
    assert await cache.get(KEY) == {"v": 2}


async def test_type_mismatch_and_corrupt_entries_are_misses_with_a_metric() -> None:
    cache, backend, _ = make()
    await cache.set(KEY, LINE, type_=Line)
    assert await cache.get(KEY, dict) is None  # written as Line, read as dict: a miss
    await backend.set_many({"bad": b"\xa7SV garbage", "json": b'{"a": 1}'}, ttl_s=None)
    assert await cache.get("bad") is None
    assert await cache.get("json") is None
    loader = Loader({"fresh": True})
    assert await cache.get_or_load("bad", loader) == {"fresh": True}
    assert await cache.get("bad") == {"fresh": True}
    assert cache.stats()["policy"].corrupt == 4


async def test_get_or_load_loads_once_then_hits() -> None:
    cache, _, _ = make()
    loader = Loader(LINE)
    for _ in range(3):
        assert await cache.get_or_load(KEY, loader, type_=Line, kind="lines") == LINE
    assert loader.calls == 1
    policy = cache.stats()["policy"]
    assert (policy.loads, policy.hits, policy.misses) == (1, 2, 1)


@pytest.mark.parametrize("entered", [True, False])
async def test_stampede_1000_concurrent_misses_run_the_loader_once(entered: bool) -> None:
    cache, _, _ = make()
    gate = anyio.Event()
    loader = Loader({"n": 1}, gate=gate)
    results: list[object] = []

    async def one() -> None:
        results.append(await cache.get_or_load(KEY, loader))

    async def run() -> None:
        async with anyio.create_task_group() as tg:
            for _ in range(1000):
                tg.start_soon(one)
            await anyio.wait_all_tasks_blocked()
            gate.set()

    if entered:
        async with cache:
            await run()
    else:
        await run()
    assert loader.calls == 1
    assert results == [{"n": 1}] * 1000
    assert cache.stats()["policy"].coalesced == 999


class _LateReads(MemoryCache):
    """A backend whose answer to a marked read arrives late: the read happens at once, the
    reply only once ``release`` is set (a Redis reply in flight while another load lands)."""

    def __init__(self) -> None:
        super().__init__()
        self.hold = False
        self.release = anyio.Event()

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        answer = await super().get_many(keys)
        if self.hold:
            self.hold = False
            await self.release.wait()
        return answer


@pytest.mark.parametrize("entered", [True, False])
async def test_a_miss_answered_after_the_flight_landed_does_not_load_again(
    entered: bool,
) -> None:
    backend = _LateReads()
    cache = Cache(backend)
    gate = anyio.Event()
    loader = Loader({"n": 1}, gate=gate)
    results: list[object] = []

    async def one() -> None:
        results.append(await cache.get_or_load(KEY, loader))

    async with contextlib.AsyncExitStack() as stack:
        if entered:
            await stack.enter_async_context(cache)
        tg = await stack.enter_async_context(anyio.create_task_group())
        tg.start_soon(one)  # leads: its loader waits on the gate
        await anyio.wait_all_tasks_blocked()
        backend.hold = True
        tg.start_soon(one)  # reads the miss now, hears it only after the flight landed
        await anyio.wait_all_tasks_blocked()
        gate.set()
        await anyio.wait_all_tasks_blocked()
        backend.release.set()
    assert loader.calls == 1
    assert results == [{"n": 1}, {"n": 1}]
    assert cache.stats()["policy"].coalesced == 1


@pytest.mark.parametrize("entered", [True, False])
async def test_leader_cancelled_mid_load_still_completes_for_waiters(entered: bool) -> None:
    cache, _, _ = make()
    gate = anyio.Event()
    loader = Loader({"ok": 2}, gate=gate)
    got: list[object] = []
    async with contextlib.AsyncExitStack() as stack:
        if entered:
            await stack.enter_async_context(cache)
        tg = await stack.enter_async_context(anyio.create_task_group())
        leader = anyio.CancelScope()

        async def lead() -> None:
            with leader:
                await cache.get_or_load(KEY, loader)

        async def follow() -> None:
            got.append(await cache.get_or_load(KEY, loader))

        tg.start_soon(lead)
        await anyio.wait_all_tasks_blocked()
        tg.start_soon(follow)
        await anyio.wait_all_tasks_blocked()
        leader.cancel()
        await anyio.wait_all_tasks_blocked()
        gate.set()
    assert leader.cancelled_caught
    assert got == [{"ok": 2}]
    assert loader.calls == 1
    assert await cache.get(KEY) == {"ok": 2}


async def test_stale_while_revalidate_serves_at_once_and_refreshes_once() -> None:
    cache, _, clock = make()
    async with cache:
        await cache.set(KEY, {"v": "old"}, kind="lines")
        clock.advance(35)  # past fresh (30), within stale (10)
        gate = anyio.Event()
        loader = Loader({"v": "new"}, gate=gate)
        served = [await cache.get_or_load(KEY, loader, kind="lines") for _ in range(5)]
        assert served == [{"v": "old"}] * 5
        await anyio.wait_all_tasks_blocked()
        assert loader.calls == 1  # one background refresh for five stale reads
        gate.set()
        await anyio.wait_all_tasks_blocked()
        assert await cache.get(KEY) == {"v": "new"}
    policy = cache.stats()["policy"]
    assert (policy.stale_serves, policy.refreshes, policy.loads) == (5, 1, 1)


async def test_stale_without_a_task_group_refreshes_inline() -> None:
    cache, _, clock = make()
    await cache.set(KEY, {"v": "old"}, kind="lines")
    clock.advance(35)
    assert await cache.get_or_load(KEY, Loader({"v": "new"}), kind="lines") == {"v": "new"}


async def test_serve_stale_on_error_for_a_bounded_time() -> None:
    # kept 110 s by the backend, but served on error only until 10 + 20 s
    policy = TtlPolicy({"k": Ttl(fresh_s=10, stale_s=100, error_s=20)})
    cache, _, clock = make(ttls=policy)
    await cache.set(KEY, {"v": "old"}, kind="k")
    boom = RuntimeError("upstream down")
    clock.advance(25)
    assert await cache.get_or_load(KEY, Loader(boom), kind="k") == {"v": "old"}
    assert cache.stats()["policy"].stale_on_error == 1
    clock.advance(10)  # 35 s
    assert await cache.get(KEY, allow_stale=True) == {"v": "old"}  # still stored
    with pytest.raises(RuntimeError, match="upstream down"):
        await cache.get_or_load(KEY, Loader(boom), kind="k")


async def test_every_caller_served_a_stale_entry_after_a_failed_load_is_told() -> None:
    """on_stale_error reaches the caller that ran the failed load and those that waited on
    it (single-flight), and no caller of a fresh hit or a successful load."""
    policy = TtlPolicy({"k": Ttl(fresh_s=10, stale_s=0, error_s=60)})
    cache, _, clock = make(ttls=policy)
    await cache.set(KEY, {"v": "old"}, kind="k")
    told: list[str] = []
    assert await cache.get_or_load(KEY, Loader(), kind="k", on_stale_error=told.append) == {
        "v": "old"
    }
    assert told == []  # fresh: the loader did not run
    clock.advance(15)
    gate = anyio.Event()
    loader = Loader(RuntimeError("upstream down"), gate=gate)
    got: list[object] = []

    async def one() -> None:
        got.append(
            await cache.get_or_load(
                KEY, loader, kind="k", on_stale_error=lambda e: told.append(str(e))
            )
        )

    async with anyio.create_task_group() as tg:
        for _ in range(3):
            tg.start_soon(one)
        await anyio.wait_all_tasks_blocked()
        gate.set()
    assert loader.calls == 1
    assert got == [{"v": "old"}] * 3
    assert told == ["upstream down"] * 3
    told.clear()
    assert await cache.get_or_load(
        KEY, Loader({"v": "new"}), kind="k", on_stale_error=told.append
    ) == {"v": "new"}
    assert told == []


async def test_loader_errors_reach_every_waiter_and_are_not_cached() -> None:
    cache, _, _ = make()
    gate = anyio.Event()
    loader = Loader(ValueError("bad"), {"v": 1}, gate=gate)
    errors: list[BaseException] = []

    async def one() -> None:
        try:
            await cache.get_or_load(KEY, loader)
        except ValueError as exc:
            errors.append(exc)

    async with anyio.create_task_group() as tg:
        for _ in range(10):
            tg.start_soon(one)
        await anyio.wait_all_tasks_blocked()
        gate.set()
    assert len(errors) == 10
    assert loader.calls == 1
    assert await cache.get_or_load(KEY, loader) == {"v": 1}
    assert cache.stats()["policy"].load_errors == 1


async def test_invalidation_by_key_prefix_and_tag() -> None:
    cache, _, _ = make()
    day = cache_key("mlb", "statcast", "day", date(2024, 6, 10))
    other = cache_key("mlb", "schedule", date(2024, 6, 10))
    await cache.set(day, [1], kind="immutable", tags=["date:2024-06-10"])
    await cache.set(other, [2], kind="schedule", tags=["date:2024-06-10"])
    await cache.set(KEY, [3], kind="lines")
    assert await cache.invalidate_prefix(key_prefix("mlb", "statcast")) == 1
    assert await cache.get(day) is None
    assert await cache.invalidate_tags("date:2024-06-10") == 1
    assert await cache.get(other) is None
    assert await cache.invalidate(KEY, "missing") == 1
    assert await cache.get(KEY) is None
    with pytest.raises(ConfigurationError):
        await cache.invalidate_prefix("")


class BrokenBackend:
    """Raises on everything: the cache must fail open for reads and writes."""

    def __init__(self) -> None:
        self.calls = 0

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        self.calls += 1
        raise OSError("store unreachable")

    async def set_many(self, items: Mapping[str, bytes], *, ttl_s: float | None) -> None:
        self.calls += 1
        raise OSError("store unreachable")

    async def delete(self, keys: Sequence[str]) -> int:
        raise OSError("store unreachable")

    async def aclose(self) -> None:
        pass


async def test_broken_backend_fails_open_and_explicit_calls_raise(
    caplog: pytest.LogCaptureFixture,
) -> None:
    cache = Cache(BrokenBackend(), clock=FakeClock())
    loader = Loader({"v": 1}, {"v": 2})
    assert await cache.get_or_load(KEY, loader) == {"v": 1}
    assert await cache.get_or_load(KEY, loader) == {"v": 2}
    assert await cache.get(KEY) is None
    await cache.set(KEY, {"v": 3})
    assert cache.stats()["policy"].errors == 6  # 3 reads + 3 writes, each failed open
    assert sum("failing open" in r.message for r in caplog.records) == 1  # once per incident
    with pytest.raises(CacheError):
        await cache.invalidate(KEY)
    with pytest.raises(CacheError, match="prefix"):
        await cache.invalidate_prefix("savantsdk:")


async def test_unserializable_value_is_returned_but_not_cached() -> None:
    cache, backend, _ = make()
    value = {"when": object()}
    assert await cache.get_or_load(KEY, Loader(value)) is value
    assert len(backend) == 0
    assert cache.stats()["policy"].errors == 1


async def test_ttl_policy_overrides_and_unknown_kinds() -> None:
    policy = TtlPolicy({"lines": Ttl(fresh_s=5), "mine": Ttl(fresh_s=1, stale_s=2, error_s=3)})
    assert policy.for_kind("lines").store_s == 5
    assert policy.for_kind("mine").store_s == 4
    assert policy.for_kind("immutable") == DEFAULT_TTLS["immutable"]
    assert Ttl(fresh_s=None).store_s is None
    with pytest.raises(ConfigurationError, match="unknown cache kind"):
        policy.for_kind("nope")
    with pytest.raises(ConfigurationError):
        Ttl(fresh_s=-1)
    cache, _, clock = make(ttls=policy)
    with pytest.raises(ConfigurationError):
        await cache.set(KEY, 1, kind="nope")
    await cache.set(KEY, 1, kind="lines")
    clock.advance(5)
    assert await cache.get(KEY) is None


async def test_documented_default_ttls() -> None:
    day = 86_400.0
    assert DEFAULT_TTLS["immutable"].fresh_s is None  # final data never expires
    assert DEFAULT_TTLS["immutable"].store_s is None
    assert DEFAULT_TTLS["reference"].fresh_s == day
    assert DEFAULT_TTLS["schedule"].fresh_s == 300
    assert DEFAULT_TTLS["lines"].fresh_s == 30
    assert DEFAULT_TTLS["live"].fresh_s == 5


async def test_metrics_hook_receives_events() -> None:
    events: list[tuple[str, dict[str, str]]] = []

    class Hook:
        def on_event(self, name: str, labels: Mapping[str, str], value: float = 1.0) -> None:
            events.append((name, dict(labels)))

        def on_snapshot(self, source: str, snapshot: object) -> None:
            pass

    cache, backend, clock = make(metrics_hook=Hook())
    await backend.set_many({"bad": b"junk"}, ttl_s=None)
    await cache.get("bad")
    await cache.set(KEY, 1, kind="lines")
    clock.advance(31)
    async with cache:
        await cache.get_or_load(KEY, Loader(2), kind="lines")
    assert [name for name, _ in events] == ["cache.corrupt", "cache.stale_serve"]


async def test_close_only_what_it_created() -> None:
    clock = FakeClock()
    backend = MemoryCache(clock=clock)
    await backend.set_many({"a": b"1"}, ttl_s=None)
    async with Cache(backend, clock=clock):
        pass
    assert len(backend) == 1
    owned = Cache(clock=clock)
    await owned.set("x", 1)
    assert isinstance(owned.backend, MemoryCache)
    await owned.aclose()
    assert len(owned.backend) == 0
    assert "closed" in repr(owned)


class LockingMemory(MemoryCache):
    """A memory backend with the cross-process lock seam; 'another process' holds it."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__(clock=clock)
        self.holder: str | None = "other-process"

    async def try_lock(self, key: str, token: str, *, ttl_s: float) -> bool | None:
        if self.holder is None:
            self.holder = token
            return True
        return False

    async def unlock(self, key: str, token: str) -> None:
        if self.holder == token:
            self.holder = None


async def test_cross_process_lock_waits_for_the_other_process_result() -> None:
    clock = FakeClock(autojump=True)
    backend = LockingMemory(clock)
    cache = Cache(backend, clock=clock, lock_ttl_s=5, lock_wait_s=2, lock_poll_s=0.1)
    other = Cache(backend, clock=clock)
    loader = Loader({"mine": 1})

    async def other_process_finishes() -> None:
        await clock.sleep(0.35)
        await other.set(KEY, {"theirs": 1})
        backend.holder = None

    async with anyio.create_task_group() as tg:
        tg.start_soon(other_process_finishes)
        assert await cache.get_or_load(KEY, loader) == {"theirs": 1}
    assert loader.calls == 0
    # nobody holds the lock now: we take it, load, and release it
    await cache.invalidate(KEY)
    assert await cache.get_or_load(KEY, loader) == {"mine": 1}
    assert backend.holder is None


async def test_compression_choice_is_validated_and_used() -> None:
    with pytest.raises(ConfigurationError):
        Cache(compression="brotli")
    clock = FakeClock()
    backend = MemoryCache(clock=clock)
    cache = Cache(backend, clock=clock, compress_min_bytes=256)
    big = [{"i": i, "pitch_type": "FF"} for i in range(500)]
    await cache.set(KEY, big)
    raw = (await backend.get_many([KEY]))[0]
    assert raw is not None
    assert raw[4] == 1  # zlib
    assert await cache.get(KEY) == big


async def test_decoded_value_reuse_is_bounded_by_bytes_and_entries() -> None:
    clock = FakeClock()
    cache = Cache(MemoryCache(clock=clock), clock=clock, memo_entries=2, memo_max_bytes=8_000)
    small, big = {"v": 1}, {"v": "x" * 2_000}  # big: over 1/8 of the memo budget
    await cache.set_many({"a": small, "b": small, "c": small, "big": big})
    first = await cache.get("a")
    assert await cache.get("a") is first  # reused while the stored bytes are unchanged
    assert await cache.get("big") == big
    assert await cache.get("big") is not await cache.get("big")  # never memoized
    await cache.get("b")
    await cache.get("c")  # third small entry pushes "a" out (memo_entries=2)
    again = await cache.get("a")
    assert again == small
    assert again is not first
    await cache.set("a", {"v": 2})
    assert await cache.get("a") == {"v": 2}
    no_memo = Cache(MemoryCache(clock=clock), clock=clock, memo_entries=0)
    await no_memo.set("a", small)
    assert await no_memo.get("a") is not await no_memo.get("a")


async def test_a_namespace_moves_every_key_and_isolates_two_caches() -> None:
    backend = MemoryCache()
    default, other = Cache(backend), Cache(backend, namespace="demo-1")
    key = cache_key("statsapi", "person", 7)
    await default.set(key, {"who": "real"})
    await other.set(key, {"who": "demo"})
    assert await default.get(key) == {"who": "real"}
    assert await other.get(key) == {"who": "demo"}
    assert other.key(key) == "demo-1:" + key.removeprefix("savantsdk:")
    assert await other.invalidate_prefix(key_prefix()) == 1
    assert await other.get(key) is None
    assert await default.get(key) == {"who": "real"}
    with pytest.raises(ConfigurationError):
        Cache(backend, namespace="a:b")

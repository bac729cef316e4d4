"""Cross-process policy on fakes (no I/O, fake clock): the load lock's takeover, renewal and
wait cap, and TieredCache's L1 invalidation protocol over an in-memory channel.

Several ``Cache``/``TieredCache`` objects over one shared fake backend stand for processes;
the real thing (spawned processes, real Redis) is in tests/integration.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

import anyio
import anyio.abc
import pytest

from savantsdk import _serde
from savantsdk._clock import FakeClock
from savantsdk.cache import (
    Cache,
    LockingBackend,
    MemoryCache,
    TieredCache,
    Ttl,
    TtlPolicy,
    cache_key,
    key_prefix,
)
from savantsdk.cache._protocols import BackgroundBackend, InvalidationChannel
from savantsdk.exceptions import ConfigurationError

pytestmark = pytest.mark.anyio

KEY = cache_key("mlb", "statcast", "day", "2024-06-10")


class SharedStore(MemoryCache):
    """'Redis': a memory store with a lock that expires on the fake clock."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__(clock=clock, name="shared")
        self.clock = clock
        self.locks: dict[str, tuple[str, float]] = {}
        self.extended = 0
        self.down = False

    def _holder(self, key: str) -> str | None:
        held = self.locks.get(key)
        if held is None or held[1] <= self.clock.monotonic():
            self.locks.pop(key, None)
            return None
        return held[0]

    async def try_lock(self, key: str, token: str, *, ttl_s: float) -> bool | None:
        if self.down:
            return None
        if self._holder(key) is not None:
            return False
        self.locks[key] = (token, self.clock.monotonic() + ttl_s)
        return True

    async def extend_lock(self, key: str, token: str, *, ttl_s: float) -> bool | None:
        if self._holder(key) != token:
            return False
        self.extended += 1
        self.locks[key] = (token, self.clock.monotonic() + ttl_s)
        return True

    async def unlock(self, key: str, token: str) -> None:
        if self._holder(key) == token:
            del self.locks[key]

    async def get_many_shared(self, keys: Sequence[str]) -> list[bytes | None]:
        return await self.get_many(keys)


class Loader:
    def __init__(self, clock: FakeClock, value: object, *, takes_s: float = 1.0) -> None:
        self.clock, self.value, self.takes_s = clock, value, takes_s
        self.calls = 0
        self.fail = False

    async def __call__(self) -> object:
        self.calls += 1
        await self.clock.sleep(self.takes_s)
        if self.fail:
            raise RuntimeError("upstream down")
        return self.value


def process(store: SharedStore, clock: FakeClock, **kw: float) -> Cache:
    kw.setdefault("lock_ttl_s", 3.0)
    return Cache(store, clock=clock, **kw)  # type: ignore[arg-type]


def test_the_shared_store_and_tiered_cache_are_locking_backends() -> None:
    clock = FakeClock()
    store = SharedStore(clock)
    assert isinstance(store, LockingBackend)
    assert isinstance(TieredCache(MemoryCache(), store), LockingBackend)
    assert not isinstance(MemoryCache(), LockingBackend)


async def test_a_live_holder_renews_its_lock_so_a_long_load_runs_once() -> None:
    clock = FakeClock(autojump=True)
    store = SharedStore(clock)
    holder, waiter = process(store, clock), process(store, clock)
    slow = Loader(clock, {"v": "holder"}, takes_s=20.0)  # far longer than the 3 s lock TTL
    other = Loader(clock, {"v": "waiter"})
    got: dict[str, object] = {}
    started = clock.monotonic()

    async def run(name: str, cache: Cache, loader: Loader) -> None:
        got[name] = await cache.get_or_load(KEY, loader)

    async with anyio.create_task_group() as tg:
        tg.start_soon(run, "holder", holder, slow)
        await clock.sleep(0.5)
        tg.start_soon(run, "waiter", waiter, other)
    assert got == {"holder": {"v": "holder"}, "waiter": {"v": "holder"}}
    assert (slow.calls, other.calls) == (1, 0)
    assert store.extended >= 6  # every lock_ttl_s / 3 while loading
    assert store.locks == {}  # released after the write
    assert clock.monotonic() - started == pytest.approx(20.0, abs=0.1)
    assert waiter.stats()["policy"].coalesced == 1


async def test_a_dead_holder_is_taken_over_after_the_lock_ttl_by_one_waiter() -> None:
    clock = FakeClock(autojump=True)
    store = SharedStore(clock)
    # A process that took the lock and died: the lock stays until its TTL runs out.
    assert await store.try_lock(KEY, "dead-process", ttl_s=3.0)
    killed_at = clock.monotonic()
    waiters = [process(store, clock, lock_poll_s=0.05) for _ in range(3)]
    loaders = [Loader(clock, {"v": i}, takes_s=0.5) for i in range(3)]
    got: list[object] = []
    done_at: list[float] = []

    async def run(cache: Cache, loader: Loader) -> None:
        got.append(await cache.get_or_load(KEY, loader))
        done_at.append(clock.monotonic() - killed_at)

    async with anyio.create_task_group() as tg:
        for cache, loader in zip(waiters, loaders, strict=True):
            tg.start_soon(run, cache, loader)
    assert sum(loader.calls for loader in loaders) == 1  # exactly one waiter took over
    assert len({repr(v) for v in got}) == 1
    # nobody before the TTL ran out; all soon after (takeover + a 0.5 s load + a poll)
    assert all(3.0 <= t <= 3.0 + 0.05 + 0.5 + 0.1 for t in done_at), done_at


async def test_a_holder_whose_load_fails_releases_the_lock_and_a_waiter_loads() -> None:
    clock = FakeClock(autojump=True)
    store = SharedStore(clock)
    holder, waiter = process(store, clock), process(store, clock)
    failing = Loader(clock, None, takes_s=1.0)
    failing.fail = True
    good = Loader(clock, {"v": "ok"})
    outcome: dict[str, object] = {}

    async def run_holder() -> None:
        with pytest.raises(RuntimeError):
            await holder.get_or_load(KEY, failing)
        outcome["holder_done"] = clock.monotonic()

    async def run_waiter() -> None:
        await clock.sleep(0.1)
        outcome["waiter"] = await waiter.get_or_load(KEY, good)
        outcome["waiter_done"] = clock.monotonic()

    async with anyio.create_task_group() as tg:
        tg.start_soon(run_holder)
        tg.start_soon(run_waiter)
    assert outcome["waiter"] == {"v": "ok"}
    assert (failing.calls, good.calls) == (1, 1)
    # the waiter took the lock as soon as it was released, not after its TTL
    assert outcome["waiter_done"] - outcome["holder_done"] <= 0.05 + 1.0 + 0.01  # type: ignore[operator]


async def test_waiting_is_capped_by_lock_wait_s_then_the_waiter_loads_itself() -> None:
    clock = FakeClock(autojump=True)
    store = SharedStore(clock)
    store.locks[KEY] = ("immortal", float("inf"))  # held by a process that never finishes
    cache = process(store, clock, lock_wait_s=4.0)
    loader = Loader(clock, {"v": 1}, takes_s=0.5)
    started = clock.monotonic()
    assert await cache.get_or_load(KEY, loader) == {"v": 1}
    assert loader.calls == 1
    assert clock.monotonic() - started == pytest.approx(4.5, abs=0.1)
    assert store.locks[KEY][0] == "immortal"  # we never touched someone else's lock


async def test_a_result_stored_just_before_we_took_the_lock_is_used() -> None:
    clock = FakeClock()
    store = SharedStore(clock)
    cache = process(store, clock)
    loader = Loader(clock, {"v": "ours"})
    # Another process stored the value between our miss and our SET NX:
    original = store.try_lock

    async def try_lock_after_a_peer_stored(key: str, token: str, *, ttl_s: float) -> bool | None:
        await Cache(store, clock=clock).set(KEY, {"v": "peer"})
        return await original(key, token, ttl_s=ttl_s)

    store.try_lock = try_lock_after_a_peer_stored  # type: ignore[method-assign]
    assert await cache.get_or_load(KEY, loader) == {"v": "peer"}
    assert loader.calls == 0
    assert store.locks == {}


async def test_no_lock_store_means_load_without_a_lock() -> None:
    clock = FakeClock()
    store = SharedStore(clock)
    store.down = True
    loader = Loader(clock, {"v": 1}, takes_s=0.0)
    assert await process(store, clock).get_or_load(KEY, loader) == {"v": 1}
    assert loader.calls == 1

    class Broken(SharedStore):
        async def try_lock(self, key: str, token: str, *, ttl_s: float) -> bool | None:
            raise OSError("lock store exploded")

    broken = Broken(clock)
    cache = process(broken, clock)
    assert await cache.get_or_load(KEY, loader) == {"v": 1}
    assert loader.calls == 2
    assert cache.stats()["policy"].errors == 1


def test_lock_settings_are_validated() -> None:
    for kwargs in ({"lock_ttl_s": 0}, {"lock_wait_s": -1}, {"lock_poll_s": 0}):
        with pytest.raises(ConfigurationError):
            Cache(**kwargs)  # type: ignore[arg-type]


async def test_waiters_behind_a_tiered_cache_read_past_a_stale_l1_copy() -> None:
    clock = FakeClock(autojump=True)
    store = SharedStore(clock)
    l1 = MemoryCache(clock=clock, name="l1")
    tiered = TieredCache(l1, store, l1_ttl_s=30, clock=clock)
    ttls = TtlPolicy({"k": Ttl(fresh_s=1.0)})
    cache = Cache(tiered, clock=clock, ttls=ttls, lock_ttl_s=3.0)
    await cache.set(KEY, {"v": "old"}, kind="k")  # L1 and L2 both hold it
    clock.advance(2.0)  # stale now, and L1 still holds its copy
    assert await store.try_lock(KEY, "peer", ttl_s=3.0)
    loader = Loader(clock, {"v": "mine"})

    async def peer_finishes() -> None:
        await clock.sleep(0.3)
        await Cache(store, clock=clock, ttls=ttls).set(KEY, {"v": "peer"}, kind="k")
        await store.unlock(KEY, "peer")

    async with anyio.create_task_group() as tg:
        tg.start_soon(peer_finishes)
        assert await cache.get_or_load(KEY, loader, kind="k") == {"v": "peer"}
    assert loader.calls == 0
    assert await cache.get(KEY) == {"v": "peer"}  # L1 was refreshed from L2


# -- TieredCache L1 invalidation over an in-memory channel --------------------------------


class Bus:
    def __init__(self) -> None:
        self.subscribers: list[anyio.abc.ObjectSendStream[bytes]] = []
        self.published: list[bytes] = []


class ChannelStore(MemoryCache):
    """'Redis' with pub/sub: every listener gets every published payload."""

    def __init__(self, bus: Bus, clock: FakeClock) -> None:
        super().__init__(clock=clock, name="l2")
        self.bus = bus
        self.resubscribe: Callable[[], Awaitable[None]] | None = None

    async def publish_invalidation(self, payload: bytes) -> None:
        self.bus.published.append(payload)
        for send in list(self.bus.subscribers):
            send.send_nowait(payload)

    async def listen_invalidations(
        self,
        on_message: Callable[[bytes], Awaitable[None]],
        *,
        on_subscribed: Callable[[], Awaitable[None]],
        task_status: anyio.abc.TaskStatus[None] = anyio.TASK_STATUS_IGNORED,
    ) -> None:
        send, receive = anyio.create_memory_object_stream[bytes](1000)
        self.bus.subscribers.append(send)
        self.resubscribe = on_subscribed
        try:
            await on_subscribed()
            task_status.started()
            async with receive:
                async for payload in receive:
                    await on_message(payload)
        finally:
            self.bus.subscribers.remove(send)
            send.close()


class Process:
    """One 'process': its own L1 and TieredCache, over the shared L2."""

    def __init__(self, l2: ChannelStore, clock: FakeClock, *, l1_ttl_s: float = 60) -> None:
        self.l1 = MemoryCache(clock=clock, name="l1")
        self.tiered = TieredCache(self.l1, l2, l1_ttl_s=l1_ttl_s, clock=clock)
        self.cache = Cache(self.tiered, clock=clock)

    def holds(self, key: str) -> bool:
        return self.l1.get_one(key) is not None


def world(**kw: float) -> tuple[ChannelStore, Process, Process, FakeClock, Bus]:
    clock = FakeClock()
    bus = Bus()
    l2 = ChannelStore(bus, clock)
    return l2, Process(l2, clock, **kw), Process(l2, clock, **kw), clock, bus


def test_protocols() -> None:
    l2, a, _, _, _ = world()
    assert isinstance(l2, InvalidationChannel)
    assert isinstance(a.tiered, BackgroundBackend)
    assert a.tiered.broadcasting
    assert not TieredCache(MemoryCache(), MemoryCache()).broadcasting
    assert not TieredCache(MemoryCache(), l2, broadcast=False).broadcasting


async def test_a_peer_write_and_invalidations_evict_this_l1() -> None:
    _, a, b, _, bus = world()
    keys = [cache_key("k", i) for i in range(4)]
    async with a.cache as writer, b.cache as reader:
        assert a.tiered.listening
        assert b.tiered.listening
        for i, key in enumerate(keys):
            await writer.set(key, i, kind="immutable", tags=[f"t{i}"])
        await anyio.wait_all_tasks_blocked()
        assert await reader.get_many(keys) == [0, 1, 2, 3]
        assert all(b.holds(k) for k in keys)

        await writer.set(keys[0], "new", kind="immutable")
        await anyio.wait_all_tasks_blocked()
        assert not b.holds(keys[0])
        assert await reader.get(keys[0]) == "new"
        assert a.holds(keys[0])  # the writer's own copy is current: its message is ignored

        await writer.invalidate(keys[1])
        await anyio.wait_all_tasks_blocked()
        assert not b.holds(keys[1])
        assert await reader.get(keys[1]) is None

        await writer.invalidate_prefix(key_prefix("k"))
        await anyio.wait_all_tasks_blocked()
        assert not any(b.holds(k) for k in keys)

        await writer.set(keys[2], 2, kind="immutable", tags=["t"])
        await anyio.wait_all_tasks_blocked()
        assert await reader.get(keys[2]) == 2
        await writer.invalidate_tags("t")
        await anyio.wait_all_tasks_blocked()
        assert len(b.l1) == 0  # a tag message empties the peer's L1
        assert a.tiered.peer_invalidations == 0
        assert b.tiered.peer_invalidations == 9  # one per write or invalidation
    assert not a.tiered.listening  # leaving the Cache stops the listener
    assert not bus.subscribers
    assert len(bus.published) == 4 + 1 + 1 + 1 + 1 + 1


async def test_a_read_that_races_a_peer_invalidation_does_not_fill_l1() -> None:
    l2, a, b, _, _ = world()
    key, other = cache_key("race"), cache_key("unrelated")
    gate, reading = anyio.Event(), anyio.Event()

    class SlowL2:
        """Reads wait at the gate: the peer's invalidation lands meanwhile."""

        async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
            found = await l2.get_many(keys)  # the OLD bytes
            reading.set()
            await gate.wait()
            return found

    async with a.cache as writer, b.cache as reader:
        await writer.set(key, "old", kind="immutable")
        await writer.set(other, "same", kind="immutable")
        await anyio.wait_all_tasks_blocked()
        b.l1.clear()
        b.tiered.l2 = SlowL2()  # type: ignore[assignment]
        got: list[object] = []
        async with anyio.create_task_group() as tg:

            async def read() -> None:
                got.extend(await reader.get_many([key, other]))

            tg.start_soon(read)
            await reading.wait()
            await writer.set(key, "new", kind="immutable")  # L2 changes, message sent
            await anyio.wait_all_tasks_blocked()
            gate.set()
        b.tiered.l2 = l2
        assert got == ["old", "same"]  # the read itself began before the write
        assert not b.holds(key)  # ...but its old copy is not kept in L1
        assert b.holds(other)  # keys the message did not name are filled as usual
        assert await reader.get(key) == "new"


async def test_a_write_that_races_a_peer_write_keeps_no_l1_copy() -> None:
    l2, a, b, _, _ = world()
    key = cache_key("both-write")
    original = l2.set_many

    async def set_many_while_a_peer_writes(items, *, ttl_s, tags=()):  # type: ignore[no-untyped-def]
        await original(items, ttl_s=ttl_s, tags=tags)
        l2.set_many = original  # type: ignore[method-assign]
        await a.cache.set(key, "peer", kind="immutable")  # lands right after ours
        await anyio.wait_all_tasks_blocked()

    async with a.cache, b.cache as writer:
        l2.set_many = set_many_while_a_peer_writes  # type: ignore[method-assign]
        await writer.set(key, "mine", kind="immutable")
        assert b.tiered.peer_invalidations == 1
        assert not b.holds(key)
        assert await writer.get(key) == "peer"
        assert writer.stats()["policy"].errors == 0


async def test_resubscribing_and_unreadable_messages_empty_l1() -> None:
    l2, a, b, _, _ = world()
    key = cache_key("gap")
    async with a.cache, b.cache as reader:
        await reader.set(key, 1)
        assert b.holds(key)
        assert l2.resubscribe is not None
        await l2.resubscribe()  # the listener lost its connection and came back
        assert not b.holds(key)
        await reader.get(key)
        assert b.holds(key)
        await l2.publish_invalidation(b"\x80 not json")
        await anyio.wait_all_tasks_blocked()
        assert not b.holds(key)
        await reader.get(key)
        newer = _serde.dumps({"origin": "x", "keys": [], "prefix": "", "clear": False, "v": 2})
        await l2.publish_invalidation(newer)  # names nothing we understand: drop everything
        await anyio.wait_all_tasks_blocked()
        assert not b.holds(key)


async def test_a_big_write_is_announced_as_drop_everything() -> None:
    _, a, b, _, bus = world()
    keys = [cache_key("bulk", i) for i in range(1001)]
    async with a.cache as writer, b.cache as reader:
        await reader.set(cache_key("mine"), 1)
        await writer.set_many(dict.fromkeys(keys, 0))
        await anyio.wait_all_tasks_blocked()
        assert len(b.l1) == 0
    assert len(bus.published[-1]) < 200


async def test_without_a_listener_an_l1_copy_outlives_l2_by_at_most_l1_ttl() -> None:
    l2, a, b, clock, bus = world(l1_ttl_s=5)
    key = cache_key("bounded")
    writer, reader = a.cache, b.cache  # never entered: no listener runs
    await writer.set(key, "v1", kind="immutable")
    assert await reader.get(key) == "v1"  # filled at t0 for l1_ttl_s = 5
    clock.advance(2)
    await writer.set(key, "v2", kind="immutable")  # published, but nobody listens
    assert bus.published
    assert await reader.get(key) == "v1"  # the old copy, for what is left of its 5 s
    clock.advance(2.9)
    assert await reader.get(key) == "v1"
    clock.advance(0.2)  # 5.1 s after the fill, 3.1 s after the change
    assert await reader.get(key) == "v2"
    await writer.invalidate(key)
    clock.advance(5.01)
    assert await reader.get(key) is None  # gone at most l1_ttl_s after the invalidation
    # and a fill never outlives the L2 entry it copies
    await writer.set(key, "short", ttl_s=1.0, kind="immutable")
    b.l1.clear()
    assert await reader.get(key) == "short"
    remaining = b.l1.remaining_ttl(key)
    assert remaining is not None
    assert remaining <= l2.remaining_ttl(key)  # type: ignore[operator]


async def test_broadcast_off_publishes_nothing() -> None:
    clock = FakeClock()
    bus = Bus()
    tiered = TieredCache(MemoryCache(clock=clock), ChannelStore(bus, clock), broadcast=False)
    async with Cache(tiered, clock=clock) as cache:
        assert not tiered.listening
        await cache.set(KEY, 1)
        await cache.invalidate(KEY)
    assert bus.published == []

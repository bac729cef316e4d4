"""MemoryCache against a plain model (a list in LRU order): a Hypothesis state machine."""

from __future__ import annotations

import anyio
from hypothesis import settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from savantsdk._clock import FakeClock
from savantsdk.cache import MemoryCache
from savantsdk.cache._memory import _cost

KEYS = st.sampled_from([f"k{i}" for i in range(8)])
VALUES = st.binary(max_size=400)
TTLS = st.one_of(st.none(), st.sampled_from([0.5, 1.0, 2.0, 5.0]))
MAX_ENTRIES = 5
MAX_BYTES = 5 * 400 + 3 * 300


class MemoryCacheModel(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = FakeClock()
        self.cache = MemoryCache(max_entries=MAX_ENTRIES, max_bytes=MAX_BYTES, clock=self.clock)
        self.now = 0.0
        # model: (key, value, expires_at) from least to most recently used
        self.model: list[tuple[str, bytes, float]] = []
        self.sizes: dict[str, int] = {}

    def _find(self, key: str) -> int | None:
        return next((i for i, e in enumerate(self.model) if e[0] == key), None)

    @rule(key=KEYS, value=VALUES, ttl=TTLS)
    def set(self, key: str, value: bytes, ttl: float | None) -> None:
        anyio.run(lambda: self.cache.set_many({key: value}, ttl_s=ttl))
        self.model = [e for e in self.model if e[2] > self.now and e[0] != key]
        if _cost(key, value, expires=ttl is not None) <= MAX_BYTES:
            self.model.append((key, value, float("inf") if ttl is None else self.now + ttl))
            self.sizes[key] = _cost(key, value, expires=ttl is not None)
        while (
            len(self.model) > MAX_ENTRIES or sum(_cost(k, v) for k, v, _ in self.model) > MAX_BYTES
        ):
            self.model.pop(0)

    @rule(key=KEYS)
    def get(self, key: str) -> None:
        got = anyio.run(lambda: self.cache.get_many([key]))[0]
        i = self._find(key)
        expected = None
        if i is not None:
            entry = self.model.pop(i)
            if entry[2] > self.now:
                expected = entry[1]
                self.model.append(entry)
        assert got == expected

    @rule(key=KEYS)
    def delete(self, key: str) -> None:
        deleted = anyio.run(lambda: self.cache.delete([key]))
        i = self._find(key)
        assert deleted == (i is not None)
        if i is not None:
            self.model.pop(i)

    @rule(dt=st.sampled_from([0.25, 0.5, 1.0, 3.0]))
    def advance(self, dt: float) -> None:
        self.clock.advance(dt)
        self.now += dt

    @invariant()
    def bounded_and_same_live_content(self) -> None:
        assert self.cache.size_bytes <= MAX_BYTES
        assert len(self.cache) <= MAX_ENTRIES
        live_model = [(k, v) for k, v, exp in self.model if exp > self.now]
        live_cache = [
            (k, e.value)
            for k, e in self.cache._data.items()
            if e.expires_at > self.clock.monotonic()
        ]
        assert live_cache == live_model


TestMemoryCacheModel = MemoryCacheModel.TestCase
TestMemoryCacheModel.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)

"""The store seam: the few atomic operations coordination needs, and their Redis version.

The policy (lanes, fallback, the local mirror of the breaker and pause) lives in the
coordination classes; the store only performs one atomic step per call and reports the shared
state it saw.  Times in replies are *offsets* from the store's own clock (Redis ``TIME``), never
absolute stamps, so no two machines' clocks are ever compared.  :class:`RedisStore` runs each
step as one Lua script (``EVALSHA``, reloaded on ``NOSCRIPT``); unit tests use an in-memory
fake with the same semantics.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, Final, Literal, Protocol

import attrs
import redis.asyncio as aioredis
from redis.exceptions import NoScriptError

from ._scripts import (
    BREAKER_LUA,
    CREDITS_RESERVE_LUA,
    CREDITS_SETTLE_LUA,
    PAUSE_LUA,
    RESERVE_LUA,
)

__all__ = (
    "BREAKER_STATES",
    "StoreUnavailableError",
    "CoordinationStore",
    "CreditReply",
    "CreditTotals",
    "RedisStore",
    "ReportKind",
    "Reservation",
    "SharedState",
)

#: Breaker state names by their code in the store.
BREAKER_STATES: Final = ("closed", "open", "half-open")

ReportKind = Literal["failure", "success", "probe_success", "probe_failure", "probe_release"]

_US: Final = 1_000_000


class StoreUnavailableError(Exception):
    """Internal: the store is unreachable (or skipped during an incident); fall back."""


@attrs.frozen
class SharedState:
    """A source's shared breaker (and, when read, pause) as the store saw it."""

    breaker: str
    generation: int
    open_left_s: float
    failures: int
    pause_left_s: float | None = None  # None: this operation did not read the pause


@attrs.frozen
class Reservation:
    """The answer to one slot booking: ``granted`` slots, the first ``first_s`` after the
    store's now, one interval apart; ``retry_s``: when the next slot could be booked (0 when
    everything asked for was granted, or when the breaker refused)."""

    state: SharedState
    granted: int
    first_s: float
    retry_s: float
    probe: bool


@attrs.frozen
class CreditReply:
    ok: bool
    remaining: float | None
    reserved: float


@attrs.frozen
class CreditTotals:
    """A source's shared credit counters (``None``: never reported)."""

    remaining: float | None
    used: float | None
    spent: float
    reserved: float


class CoordinationStore(Protocol):
    """One atomic step per call; raise on an unreachable store (the caller falls back)."""

    async def reserve(
        self,
        source: str,
        *,
        interval_s: float,
        horizons_s: Sequence[float],
        probe_token: str | None,
        probe_ttl_s: float,
        obey_breaker: bool = True,
    ) -> Reservation: ...

    async def report(
        self,
        source: str,
        *,
        kind: ReportKind,
        generation: int,
        fail_max: int,
        reset_timeout_s: float,
        success_threshold: int,
        probe_token: str | None,
    ) -> SharedState: ...

    async def pause(self, source: str, seconds: float) -> float:
        """Extend the pause to at least ``seconds`` from now; return the seconds left."""
        ...

    async def credits_reserve(
        self, source: str, *, member: str, cost: float, ttl_s: float, floor: float
    ) -> CreditReply: ...

    async def credits_settle(
        self,
        source: str,
        *,
        member: str | None,
        charged: float,
        remaining: float | None,
        used: float | None,
        stale_window_s: float,
    ) -> None: ...

    async def credits_totals(self, source: str) -> CreditTotals: ...

    async def aclose(self) -> None: ...


def _us(seconds: float) -> int:
    return max(0, round(seconds * _US))


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _opt_float(value: Any) -> float | None:
    text = _text(value) if value is not None else ""
    return float(text) if text else None


class _Script:
    """``EVALSHA`` with one reload on ``NOSCRIPT`` (a restarted or flushed server)."""

    __slots__ = ("_sha", "_source", "reloads")

    def __init__(self, source: str) -> None:
        self._source = source
        self._sha = hashlib.sha1(source.encode(), usedforsecurity=False).hexdigest()
        self.reloads = 0

    async def __call__(
        self, client: aioredis.Redis, keys: Sequence[str], args: Sequence[Any]
    ) -> Any:
        try:
            return await client.evalsha(self._sha, len(keys), *keys, *args)
        except NoScriptError:
            self.reloads += 1
            self._sha = await client.script_load(self._source)
            return await client.evalsha(self._sha, len(keys), *keys, *args)


class RedisStore:
    """:class:`CoordinationStore` on redis.asyncio.  Keys of one source share a hash tag
    (``{namespace:source}``), so every script touches one cluster slot."""

    def __init__(self, client: aioredis.Redis, *, namespace: str, owns_client: bool) -> None:
        self._client = client
        self._namespace = namespace
        self._owns_client = owns_client
        self._reserve = _Script(RESERVE_LUA)
        self._breaker = _Script(BREAKER_LUA)
        self._pause = _Script(PAUSE_LUA)
        self._credits_reserve = _Script(CREDITS_RESERVE_LUA)
        self._credits_settle = _Script(CREDITS_SETTLE_LUA)

    @property
    def script_reloads(self) -> int:
        return sum(
            s.reloads
            for s in (
                self._reserve,
                self._breaker,
                self._pause,
                self._credits_reserve,
                self._credits_settle,
            )
        )

    def key(self, source: str, what: str) -> str:
        return f"{self._namespace}:coord:{{{self._namespace}:{source}}}:{what}"

    def _keys(self, source: str, *what: str) -> list[str]:
        return [self.key(source, w) for w in what]

    async def reserve(
        self,
        source: str,
        *,
        interval_s: float,
        horizons_s: Sequence[float],
        probe_token: str | None,
        probe_ttl_s: float,
        obey_breaker: bool = True,
    ) -> Reservation:
        raw = await self._reserve(
            self._client,
            self._keys(source, "tat", "breaker", "pause", "probe"),
            [
                _us(interval_s),
                probe_token or "",
                max(1, round(probe_ttl_s * 1000)),
                "1" if obey_breaker else "0",
                *(_us(h) for h in horizons_s),
            ],
        )
        _now, granted, first, retry, st, gen, open_left, fails, pause_left, probe = (
            int(v) for v in raw
        )
        state = SharedState(
            BREAKER_STATES[st], gen, open_left / _US, fails, pause_left_s=pause_left / _US
        )
        return Reservation(state, granted, first / _US, retry / _US, bool(probe))

    async def report(
        self,
        source: str,
        *,
        kind: ReportKind,
        generation: int,
        fail_max: int,
        reset_timeout_s: float,
        success_threshold: int,
        probe_token: str | None,
    ) -> SharedState:
        raw = await self._breaker(
            self._client,
            self._keys(source, "tat", "breaker", "probe"),
            [
                kind,
                generation,
                fail_max,
                _us(reset_timeout_s),
                success_threshold,
                probe_token or "",
            ],
        )
        _now, st, gen, open_left, fails = (int(v) for v in raw)
        return SharedState(BREAKER_STATES[st], gen, open_left / _US, fails)

    async def pause(self, source: str, seconds: float) -> float:
        raw = await self._pause(self._client, self._keys(source, "pause"), [_us(seconds)])
        return int(raw[1]) / _US

    async def credits_reserve(
        self, source: str, *, member: str, cost: float, ttl_s: float, floor: float
    ) -> CreditReply:
        raw = await self._credits_reserve(
            self._client,
            self._keys(source, "credits", "credit-reservations"),
            [member, repr(float(cost)), max(1, round(ttl_s * 1000)), repr(float(floor))],
        )
        return CreditReply(
            ok=int(raw[0]) == 1, remaining=_opt_float(raw[1]), reserved=float(_text(raw[2]))
        )

    async def credits_settle(
        self,
        source: str,
        *,
        member: str | None,
        charged: float,
        remaining: float | None,
        used: float | None,
        stale_window_s: float,
    ) -> None:
        await self._credits_settle(
            self._client,
            self._keys(source, "credits", "credit-reservations"),
            [
                member or "",
                repr(float(charged)),
                "" if remaining is None else repr(float(remaining)),
                "" if used is None else repr(float(used)),
                max(1, round(stale_window_s * 1000)),
            ],
        )

    async def credits_totals(self, source: str) -> CreditTotals:
        credits, reservations = self._keys(source, "credits", "credit-reservations")
        pipe = self._client.pipeline(transaction=False)
        pipe.time()
        pipe.hmget(credits, ["remaining", "used", "spent"])
        pipe.zrange(reservations, 0, -1, withscores=True)
        (secs, micros), (remaining, used, spent), members = await pipe.execute()
        now_ms = secs * 1000 + micros // 1000
        reserved = sum(
            float(_text(m).rpartition("|")[2]) for m, expiry in members if expiry > now_ms
        )
        return CreditTotals(
            remaining=_opt_float(remaining),
            used=_opt_float(used),
            spent=_opt_float(spent) or 0.0,
            reserved=reserved,
        )

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

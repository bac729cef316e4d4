"""An in-memory CoordinationStore with the Lua scripts' semantics, on a fake clock.

Its clock is the test clock shifted by ``offset_s`` (the "server" clock differs from every
process's own clock, as Redis TIME does): coordination must only ever use offsets.  ``down``
makes every call fail like an unreachable Redis; ``latency_s`` models a round trip.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from redis.exceptions import ConnectionError as RedisConnectionError

from savantsdk._clock import FakeClock
from savantsdk.coordination._store import (
    BREAKER_STATES,
    CreditReply,
    CreditTotals,
    ReportKind,
    Reservation,
    SharedState,
)

US = 1_000_000


class _Breaker:
    def __init__(self) -> None:
        self.st = 0
        self.gen = 0
        self.till = 0
        self.fails = 0
        self.succ = 0


class FakeStore:
    def __init__(self, clock: FakeClock, *, offset_s: float = 5_000.0, latency_s: float = 0.0):
        self.clock = clock
        self.offset_s = offset_s
        self.latency_s = latency_s
        self.down = False
        self.calls: list[str] = []
        self.tat: dict[str, int] = {}
        self.breakers: dict[str, _Breaker] = {}
        self.pause_until: dict[str, int] = {}
        self.probe: dict[str, tuple[str, int]] = {}
        self.credits: dict[str, dict[str, float]] = {}
        self.reservations: dict[str, dict[str, tuple[float, int]]] = {}
        self.closed = False
        self.script_reloads = 0

    # -- plumbing

    def now(self) -> int:
        return round((self.clock.monotonic() + self.offset_s) * US)

    async def _enter(self, op: str) -> None:
        self.calls.append(op)
        if self.latency_s:
            await self.clock.sleep(self.latency_s / 2)
        if self.down:
            raise RedisConnectionError(
                "Error 111 connecting to 127.0.0.1:6391. Connection refused."
            )

    async def _leave(self) -> None:
        if self.latency_s:
            await self.clock.sleep(self.latency_s / 2)

    def _breaker(self, source: str, now: int) -> _Breaker:
        b = self.breakers.setdefault(source, _Breaker())
        if b.st == 1 and now >= b.till:
            b.st, b.gen, b.succ = 2, b.gen + 1, 0
        return b

    def booked_ahead_s(self, source: str) -> float:
        """How far past the store's now the source's slots are booked."""
        return max(0, self.tat.get(source, 0) - self.now()) / US

    # -- CoordinationStore

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
        await self._enter("reserve")
        now = self.now()
        b = self._breaker(source, now)
        probe = False
        if probe_token and b.st == 2:
            held = self.probe.get(source)
            if held is None or held[1] <= now or held[0] == probe_token:
                self.probe[source] = (probe_token, now + round(probe_ttl_s * US))
                probe = True
        pause_until = self.pause_until.get(source, 0)
        granted = first = retry = 0
        if b.st == 0 or probe or not obey_breaker:
            interval = round(interval_s * US)
            if interval > 0:
                tat = max(self.tat.get(source, 0), now, pause_until)
                first = tat - now
                for h in horizons_s:
                    if tat - now > round(h * US):
                        retry = tat - now - round(h * US)
                        break
                    tat += interval
                    granted += 1
                if granted:
                    self.tat[source] = tat
            else:
                granted = len(horizons_s)
                first = max(0, pause_until - now)
        state = SharedState(
            BREAKER_STATES[b.st],
            b.gen,
            (b.till - now) / US if b.st == 1 else 0.0,
            b.fails,
            pause_left_s=max(0, pause_until - now) / US,
        )
        await self._leave()
        return Reservation(state, granted, first / US, retry / US, probe)

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
        await self._enter(f"report:{kind}")
        now = self.now()
        b = self._breaker(source, now)
        if probe_token and self.probe.get(source, ("", 0))[0] == probe_token:
            del self.probe[source]
        reset = round(reset_timeout_s * US)
        if generation == b.gen:
            if kind == "failure" and b.st == 0:
                b.fails += 1
                if b.fails >= fail_max:
                    b.st, b.gen, b.till, b.fails = 1, b.gen + 1, now + reset, 0
            elif kind == "success" and b.st == 0:
                b.fails = 0
            elif kind == "probe_success" and b.st == 2:
                b.succ += 1
                if b.succ >= success_threshold:
                    b.st, b.gen, b.fails, b.succ = 0, b.gen + 1, 0, 0
            elif kind == "probe_failure" and b.st == 2:
                b.st, b.gen, b.till, b.succ = 1, b.gen + 1, now + reset, 0
        await self._leave()
        return SharedState(
            BREAKER_STATES[b.st], b.gen, (b.till - now) / US if b.st == 1 else 0.0, b.fails
        )

    async def pause(self, source: str, seconds: float) -> float:
        await self._enter("pause")
        now = self.now()
        want = now + round(seconds * US)
        self.pause_until[source] = max(self.pause_until.get(source, 0), want)
        await self._leave()
        return max(0, self.pause_until[source] - now) / US

    def _live(self, source: str, now_ms: int) -> dict[str, tuple[float, int]]:
        res = self.reservations.setdefault(source, {})
        for member in [m for m, (_, exp) in res.items() if exp <= now_ms]:
            del res[member]
        return res

    async def credits_reserve(
        self, source: str, *, member: str, cost: float, ttl_s: float, floor: float
    ) -> CreditReply:
        await self._enter("credits_reserve")
        now_ms = self.now() // 1000
        res = self._live(source, now_ms)
        reserved = sum(c for c, _ in res.values())
        remaining = self.credits.get(source, {}).get("remaining")
        await self._leave()
        if remaining is not None and remaining - reserved - cost < floor:
            return CreditReply(ok=False, remaining=remaining, reserved=reserved)
        res[member] = (cost, now_ms + round(ttl_s * 1000))
        return CreditReply(ok=True, remaining=remaining, reserved=reserved)

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
        await self._enter("credits_settle")
        now_ms = self.now() // 1000
        if member:
            self.reservations.setdefault(source, {}).pop(member, None)
        acct = self.credits.setdefault(source, {})
        if charged > 0:
            acct["spent"] = acct.get("spent", 0.0) + charged
        if remaining is not None:
            cur = acct.get("remaining")
            if cur is None:
                take = True
            elif used is not None and "used" in acct:
                if used > acct["used"]:
                    take = True
                elif used == acct["used"]:
                    take = remaining <= cur
                else:
                    take = now_ms - acct.get("at", 0) > stale_window_s * 1000
            else:
                take = remaining < cur
            if take:
                acct["remaining"] = remaining
                acct["at"] = now_ms
                if used is not None:
                    acct["used"] = used
        elif charged > 0 and "remaining" in acct:
            acct["remaining"] -= charged
        await self._leave()

    async def credits_totals(self, source: str) -> CreditTotals:
        await self._enter("credits_totals")
        acct = self.credits.get(source, {})
        live = self._live(source, self.now() // 1000)
        return CreditTotals(
            remaining=acct.get("remaining"),
            used=acct.get("used"),
            spent=acct.get("spent", 0.0),
            reserved=math.fsum(c for c, _ in live.values()),
        )

    async def aclose(self) -> None:
        self.closed = True

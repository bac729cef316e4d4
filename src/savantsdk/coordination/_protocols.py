"""The seams between the client, its sources and a fleet coordination engine."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import attrs

if TYPE_CHECKING:
    from .._config import SourceSettings
    from ..executor._breaker import BreakerGate
    from ..executor._limiter import RateLimiter
    from ..executor._pause import SourcePause
    from ..executor._slots import ConcurrencyController
    from ..typing import Clock, MetricsHook

__all__ = ("Coordination", "CreditLedger", "CreditTicket", "ExecutorParts")


@attrs.frozen
class ExecutorParts:
    """What a coordination engine plugs into one source's ``Executor`` (``None``: the
    executor's own local default)."""

    rate_limiter: RateLimiter | None = None
    breaker: BreakerGate | None = None
    pause: SourcePause | None = None
    concurrency_controller: ConcurrencyController | None = None


@attrs.frozen
class CreditTicket:
    """A reservation of ``cost`` credits held in the shared ledger until settled."""

    token: str
    cost: float

    @property
    def member(self) -> str:
        return f"{self.token}|{self.cost!r}"


@runtime_checkable
class CreditLedger(Protocol):
    """A fleet-wide credit account for one source (e.g. The Odds API).

    ``reserve`` raises :class:`~savantsdk.exceptions.QuotaExceededError` when the call could
    take the account below its floor, before any request is sent; ``settle`` runs in the
    background (it is called from ``finally`` blocks, where awaiting is not safe).
    """

    async def reserve(self, cost: float, *, what: str) -> CreditTicket | None: ...

    def settle(
        self,
        ticket: CreditTicket | None,
        *,
        charged: float,
        remaining: float | None,
        used: float | None,
    ) -> None: ...


@runtime_checkable
class Coordination(Protocol):
    """A fleet coordination engine (``AsyncClient(coordination=...)``)."""

    def executor_parts(
        self,
        settings: SourceSettings,
        *,
        clock: Clock | None = None,
        hooks: Sequence[MetricsHook] = (),
        lane_aging_s: float = 5.0,
    ) -> ExecutorParts: ...

    def credit_ledger(self, source: str) -> CreditLedger: ...

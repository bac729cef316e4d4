"""A fleet-wide credit account (The Odds API bills every call in credits).

Each process's ``OddsApiClient`` asks :meth:`SharedCreditLedger.reserve` before a priced call:
the store refuses (:class:`~savantsdk.exceptions.QuotaExceededError`, nothing sent) when the
account's last reported ``x-requests-remaining``, minus every reservation still in flight in
the fleet, minus this call's estimated cost, would fall below ``credit_floor``.  After the call
:meth:`~SharedCreditLedger.settle` (in the background) drops the reservation, adds the charged
credits to the shared ``spent`` counter (``HINCRBYFLOAT``) and stores the response's
``x-requests-remaining``/``x-requests-used`` if they are not older than the stored ones.

Reservations expire after ``credit_reservation_ttl_s`` if their worker dies.  While the store is
unreachable the check is skipped (counted as ``credit_fail_open``): each client's own
``budget`` still applies, and the upstream itself refuses an overdraft.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from ..exceptions import QuotaExceededError, SavantError
from ._protocols import CreditTicket
from ._store import CreditTotals, StoreUnavailableError

if TYPE_CHECKING:
    from ._core import Coordinator

__all__ = ("SharedCreditLedger",)


class SharedCreditLedger:
    """``CreditLedger`` of one source, shared through the store."""

    __slots__ = ("_core", "_source")

    def __init__(self, core: Coordinator, source: str) -> None:
        self._core = core
        self._source = source

    def __repr__(self) -> str:
        return f"SharedCreditLedger(source={self._source!r}, floor={self._core.credit_floor:g})"

    async def reserve(self, cost: float, *, what: str) -> CreditTicket | None:
        """Hold ``cost`` credits for one call, or raise ``QuotaExceededError``."""
        if cost <= 0:
            return None

        core = self._core
        ticket = CreditTicket(uuid.uuid4().hex, float(cost))
        try:
            reply = await core.call(
                "credit reserve",
                lambda: core.store.credits_reserve(
                    self._source,
                    member=ticket.member,
                    cost=ticket.cost,
                    ttl_s=core.credit_reservation_ttl_s,
                    floor=core.credit_floor,
                ),
            )
        except StoreUnavailableError:
            core.counters.credit_fail_open += 1
            return None
        if not reply.ok:
            core.counters.credit_refusals += 1
            left = reply.remaining if reply.remaining is not None else 0.0
            raise QuotaExceededError(
                f"refused {what}: it may cost up to {cost:g} credits and the fleet's account "
                f"has {left:g} left, {reply.reserved:g} of them reserved by calls in flight "
                f"(floor {core.credit_floor:g}); no request was sent",
                source=self._source,
                status_code=0,
                error_code="FLEET_CREDITS_EXHAUSTED",
            )
        return ticket

    def settle(
        self,
        ticket: CreditTicket | None,
        *,
        charged: float,
        remaining: float | None,
        used: float | None,
    ) -> None:
        """Release ``ticket`` and record what the call cost and what the account reported."""
        if ticket is None and charged <= 0 and remaining is None:
            return
        core = self._core
        source = self._source

        async def job() -> None:

            try:
                await core.call(
                    "credit settle",
                    lambda: core.store.credits_settle(
                        source,
                        member=ticket.member if ticket is not None else None,
                        charged=max(0.0, charged),
                        remaining=remaining,
                        used=used,
                        stale_window_s=core.credit_reservation_ttl_s,
                    ),
                )
            except StoreUnavailableError:
                return  # the reservation expires by itself; the next reply brings the figures

        core.submit(job)

    async def totals(self) -> CreditTotals:
        """The shared counters now; :class:`~savantsdk.exceptions.SavantError` if the store
        is unreachable."""

        try:
            return await self._core.call(
                "credit totals", lambda: self._core.store.credits_totals(self._source)
            )
        except StoreUnavailableError as exc:
            raise SavantError(f"the coordination store is unavailable ({exc})") from exc

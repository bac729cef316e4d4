"""Coordination counters (mutable, on the hot path) and their frozen snapshot."""

from __future__ import annotations

import attrs

__all__ = ("CoordinationMetrics", "Counters")


@attrs.frozen(kw_only=True)
class CoordinationMetrics:
    """A snapshot of one coordination object (``coordination.metrics()``).

    ``fallback_active`` is the flag to alert on: while it is true this process runs on its
    local limiters at ``fallback_share`` of each rate, its breakers and pauses are local, and
    credit checks are skipped.
    """

    available: bool
    """False while an incident is open (the store failed and has not answered since)."""
    fallback_active: bool
    """True while this process runs on local fallbacks (same as ``not available``)."""
    incidents: int
    """Times the store became unreachable (each logged once, with one line on recovery)."""
    errors: int
    """Store calls that failed, timed out, or were skipped during an incident."""
    reservations: int
    """Slot-booking round trips to the store."""
    redis_grants: int
    """Rate-limit slots booked in the store."""
    fallback_grants: int
    """Rate-limit slots granted by the local fallback limiters."""
    refusals: int
    """Bookings that stopped at a lane's horizon (the driver retried later)."""
    probe_claims: int
    """Half-open probes this process won (fleet-wide ``SET NX PX``)."""
    probe_denials: int
    """Half-open probes another process held: the caller failed fast."""
    shared_open_rejections: int
    """Calls failed fast because the store said the breaker was open."""
    shared_pauses: int
    """Pauses this process published (429 with Retry-After, or ``Executor.pause``)."""
    credit_refusals: int
    """Calls refused because the fleet's credits would run out."""
    credit_fail_open: int
    """Credit checks skipped because the store was unreachable."""
    script_reloads: int
    """Scripts loaded again after ``NOSCRIPT`` (a restarted or flushed server)."""
    outbox_pending: int
    """Background writes (breaker outcomes, pauses, credit settlements) not yet sent."""


class Counters:
    """Mutable counters behind :class:`CoordinationMetrics`."""

    __slots__ = (
        "credit_fail_open",
        "credit_refusals",
        "errors",
        "fallback_grants",
        "incidents",
        "probe_claims",
        "probe_denials",
        "redis_grants",
        "refusals",
        "reservations",
        "shared_open_rejections",
        "shared_pauses",
    )

    def __init__(self) -> None:
        self.errors: int = 0
        self.incidents: int = 0
        self.reservations: int = 0
        self.redis_grants: int = 0
        self.fallback_grants: int = 0
        self.refusals: int = 0
        self.probe_claims: int = 0
        self.probe_denials: int = 0
        self.shared_open_rejections: int = 0
        self.shared_pauses: int = 0
        self.credit_refusals: int = 0
        self.credit_fail_open: int = 0

"""Per-layer cache counters and their immutable snapshots."""

from __future__ import annotations

import attrs

__all__ = ("CacheStats", "LayerMetrics")


@attrs.frozen(kw_only=True)
class CacheStats:
    """A snapshot of one layer's counters (``memory``, ``redis``, ``tiered`` or ``policy``).

    ``hits``/``misses`` count keys looked up; ``stale_serves`` entries served past their soft
    TTL while one refresh ran; ``stale_on_error`` stale entries served because the loader
    failed; ``errors`` backend failures (each one failed open); ``corrupt`` unreadable entries
    (served as misses); ``evictions`` entries dropped for space; ``expirations`` entries
    reclaimed after their TTL; ``bytes``/``entries`` the current size where the layer knows it.
    """

    layer: str
    hits: int = 0
    misses: int = 0
    stale_serves: int = 0
    stale_on_error: int = 0
    errors: int = 0
    corrupt: int = 0
    evictions: int = 0
    expirations: int = 0
    sets: int = 0
    loads: int = 0
    load_errors: int = 0
    refreshes: int = 0
    coalesced: int = 0
    bytes: int = 0
    entries: int = 0

    @property
    def hit_rate(self) -> float:
        """Hits (fresh or stale) over lookups; 0.0 before the first lookup."""
        served = self.hits + self.stale_serves
        total = served + self.misses
        return served / total if total else 0.0


class LayerMetrics:
    """Mutable counters owned by one layer.  Plain ``+=`` on ints: exact under the GIL for
    one event loop, and good enough (never crashing) across a portal thread."""

    __slots__ = (
        "coalesced",
        "corrupt",
        "errors",
        "evictions",
        "expirations",
        "hits",
        "layer",
        "load_errors",
        "loads",
        "misses",
        "refreshes",
        "sets",
        "stale_on_error",
        "stale_serves",
    )

    def __init__(self, layer: str) -> None:
        self.layer = layer
        self.hits = self.misses = self.stale_serves = self.stale_on_error = 0
        self.errors = self.corrupt = self.evictions = self.expirations = self.sets = 0
        self.loads = self.load_errors = self.refreshes = self.coalesced = 0

    def snapshot(self, *, bytes_: int = 0, entries: int = 0) -> CacheStats:
        return CacheStats(
            layer=self.layer,
            hits=self.hits,
            misses=self.misses,
            stale_serves=self.stale_serves,
            stale_on_error=self.stale_on_error,
            errors=self.errors,
            corrupt=self.corrupt,
            evictions=self.evictions,
            expirations=self.expirations,
            sets=self.sets,
            loads=self.loads,
            load_errors=self.load_errors,
            refreshes=self.refreshes,
            coalesced=self.coalesced,
            bytes=bytes_,
            entries=entries,
        )

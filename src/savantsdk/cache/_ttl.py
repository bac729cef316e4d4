"""The cache's TTL table: :class:`Ttl` (fresh, stale-while-revalidate and stale-if-error
lifetimes of one data kind), :data:`DEFAULT_TTLS` by kind and :class:`TtlPolicy` (defaults
with overrides on top)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

import attrs

from ..exceptions import ConfigurationError

__all__ = ("DEFAULT_TTLS", "Ttl", "TtlPolicy")

_DAY: Final = 86_400.0


def _non_negative(_: Any, attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None and (value < 0 or math.isnan(value)):
        raise ConfigurationError(f"{attribute.name} must be >= 0, got {value}", setting="ttl")


@attrs.frozen(kw_only=True)
class Ttl:
    """Lifetimes for one data kind.

    ``fresh_s``: served as a hit (``None``: never goes stale).  ``stale_s``: after that, served
    immediately while ONE background refresh runs.  ``error_s``: after ``fresh_s``, served
    when the loader fails.  The backend keeps the entry ``fresh_s + max(stale_s, error_s)``.
    """

    fresh_s: float | None = attrs.field(validator=_non_negative)
    stale_s: float = attrs.field(default=0.0, validator=_non_negative)
    error_s: float = attrs.field(default=0.0, validator=_non_negative)

    @property
    def store_s(self) -> float | None:
        if self.fresh_s is None:
            return None
        return self.fresh_s + max(self.stale_s, self.error_s)


#: Default TTLs by data kind.  Kinds are volatility classes, not sources: the SDK's sources
#: pick one per request (finished games' feeds, settled Statcast days and past seasons'
#: leaderboards are ``immutable`` and never expire: only the byte budget evicts them;
#: schedules ``schedule``; odds and PrizePicks lines ``lines``; live game feeds ``live``).
DEFAULT_TTLS: Final[Mapping[str, Ttl]] = MappingProxyType(
    {
        "immutable": Ttl(fresh_s=None),
        "reference": Ttl(fresh_s=_DAY, stale_s=3_600.0, error_s=7 * _DAY),
        "schedule": Ttl(fresh_s=300.0, stale_s=60.0, error_s=3_600.0),
        "lines": Ttl(fresh_s=30.0, stale_s=10.0, error_s=120.0),
        "live": Ttl(fresh_s=5.0, stale_s=2.0, error_s=30.0),
        "default": Ttl(fresh_s=600.0, stale_s=60.0, error_s=3_600.0),
    }
)


def _merge(overrides: Mapping[str, Ttl]) -> Mapping[str, Ttl]:
    for kind, ttl in overrides.items():
        if not isinstance(ttl, Ttl):
            raise ConfigurationError(f"TTL for kind {kind!r} must be a Ttl", setting="ttls")
    return MappingProxyType({**DEFAULT_TTLS, **overrides})


@attrs.frozen
class TtlPolicy:
    """The TTL table: :data:`DEFAULT_TTLS` with ``overrides`` (new kinds allowed) on top."""

    overrides: Mapping[str, Ttl] = attrs.field(factory=dict)
    table: Mapping[str, Ttl] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "table", _merge(self.overrides))

    def for_kind(self, kind: str) -> Ttl:
        try:
            return self.table[kind]
        except KeyError:
            known = ", ".join(sorted(self.table))
            raise ConfigurationError(
                f"unknown cache kind {kind!r} (known: {known})", setting="kind"
            ) from None

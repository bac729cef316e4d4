"""Data quality helpers shared by the source clients: freshness tags and small validators.

- :class:`Freshness` says where a value came from and how old it is: ``fetched_at`` (when this
  SDK got it from the upstream, kept across cache hits), ``upstream_timestamp`` (the upstream's
  own stamp when it has one, e.g. a feed's ``metaData.timeStamp``), ``source`` and
  ``from_cache``.
- :class:`Fetched` pairs a value with its :class:`Freshness`.
- :class:`QuotaStatus` is what a source knows of its upstream quota (for ``client.health()``).
- The ``check_*`` validators raise :class:`~savantsdk.exceptions.SourceDecodeError` (never
  retried: a payload that is not what was asked for will not improve by asking again);
  :func:`check_day_arg`, the one check of a caller's day argument, raises
  :class:`~savantsdk.exceptions.ConfigurationError`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Generic, TypeVar

import attrs

from ..exceptions import ConfigurationError, SourceDecodeError

__all__ = (
    "Fetched",
    "Freshness",
    "QuotaStatus",
    "check_date_in_range",
    "check_day_arg",
    "check_id",
    "check_required",
    "utc_from_timestamp",
)

T = TypeVar("T")


@attrs.frozen(kw_only=True)
class QuotaStatus:
    """A source's upstream quota as last seen: ``remaining`` and ``used`` from the upstream's
    headers, ``budget_left`` this client's own credit budget (None: not known / no budget)."""

    remaining: float | None = None
    used: float | None = None
    budget_left: float | None = None


def utc_from_timestamp(seconds: float) -> datetime:
    """A timezone-aware UTC datetime from epoch seconds (a clock's ``time()``)."""
    return datetime.fromtimestamp(seconds, tz=UTC)


@attrs.frozen(kw_only=True)
class Freshness:
    """How fresh a value is.

    ``fetched_at``: when the SDK received it from the upstream (UTC; a cache hit keeps the
    original time).  ``upstream_timestamp``: the upstream's own stamp, when it sends one.
    ``from_cache``: served from the cache rather than a request made for this call.
    """

    source: str
    fetched_at: datetime
    upstream_timestamp: datetime | None = None
    from_cache: bool = False

    @property
    def lag_s(self) -> float | None:
        """Seconds between the upstream's stamp and our fetch (``None`` without a stamp)."""
        if self.upstream_timestamp is None:
            return None
        return (self.fetched_at - self.upstream_timestamp).total_seconds()

    def age_s(self, now: datetime) -> float:
        """Seconds since the value was fetched, at ``now`` (aware datetime)."""
        return (now - self.fetched_at).total_seconds()


@attrs.frozen
class Fetched(Generic[T]):
    """A value plus its :class:`Freshness` (what the Stats API and Savant clients return)."""

    value: T
    freshness: Freshness


def check_required(condition: bool, what: str, *, source: str, request: str | None = None) -> None:
    """Raise :class:`SourceDecodeError` saying ``what`` is wrong unless ``condition`` holds."""
    if not condition:
        raise SourceDecodeError(f"invalid payload: {what}", source=source, request=request)


def check_id(value: object, what: str, *, source: str, request: str | None = None) -> int:
    """``value`` as a well-formed id (a positive int, not a bool), or SourceDecodeError."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise SourceDecodeError(
            f"invalid payload: {what} must be a positive integer id, got {value!r}",
            source=source,
            request=request,
        )
    return value


def check_date_in_range(
    value: date | None,
    start: date,
    end: date,
    what: str,
    *,
    source: str,
    request: str | None = None,
) -> None:
    """Raise :class:`SourceDecodeError` unless ``start <= value <= end`` (``None`` fails)."""
    if value is None or not start <= value <= end:
        raise SourceDecodeError(
            f"invalid payload: {what} {value!r} is outside the requested "
            f"{start.isoformat()}..{end.isoformat()}",
            source=source,
            request=request,
        )


def check_day_arg(value: object, name: str) -> date:
    """A caller's day argument as a ``date`` (a ``datetime`` gives its date); anything else
    raises :class:`~savantsdk.exceptions.ConfigurationError` naming ``name``."""
    if isinstance(value, datetime):
        return value.date()
    if not isinstance(value, date):
        raise ConfigurationError(
            f"{name} must be a datetime.date, got {type(value).__name__}", setting=name
        )
    return value

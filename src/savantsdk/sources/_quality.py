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
from typing import Any, Generic, TypeVar

import attrs

from .._dates import to_date
from .._frames import FrameExport, stacked
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
    ``stale_error``: set when this call's refresh failed and the cached copy (fetched at
    ``fetched_at``, so :meth:`age_s` old) was served in its place (stale-if-error, within the
    data kind's ``error_s`` window): the failure, ``"SourceServerError: ..."``.
    """

    source: str
    fetched_at: datetime
    upstream_timestamp: datetime | None = None
    from_cache: bool = False
    stale_error: str | None = None

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
    """A value plus its :class:`Freshness` (what the Stats API and Savant clients return).

    ``to_pandas()`` / ``to_polars()`` / ``to_arrow()`` are the value's, when the value is a
    table (schedule, boxscore, linescore, roster, season stats, standings, leaders...), so
    ``(await client.statsapi.standings(2024)).to_pandas()`` needs no ``.value``; a tuple of
    tables (the stat groups of ``game_log``/``player_stats``) exports their rows stacked.
    """

    value: T
    freshness: Freshness

    def _table(self) -> FrameExport:
        if isinstance(self.value, FrameExport):
            return self.value
        if isinstance(self.value, tuple | list):  # e.g. the stat groups of a game log
            return stacked(self.value, what=f"this result's value ({type(self.value).__name__})")
        raise ConfigurationError(
            f"this result's value ({type(self.value).__name__}) is not a table", setting="value"
        )

    def to_pandas(self) -> Any:
        """``self.value.to_pandas()`` (extra ``pandas``)."""
        return self._table().to_pandas()

    def to_polars(self) -> Any:
        """``self.value.to_polars()`` (extra ``polars``)."""
        return self._table().to_polars()

    def to_arrow(self) -> Any:
        """``self.value.to_arrow()`` (extra ``arrow``)."""
        return self._table().to_arrow()


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
    """A caller's day argument as a ``date``: a ``date``, a ``datetime`` or pandas
    ``Timestamp`` (its date) or an ISO string (:data:`~savantsdk.typing.DateLike`); anything
    else raises :class:`~savantsdk.exceptions.ConfigurationError` naming ``name`` and the
    accepted forms."""
    return to_date(value, name)

"""One reading of "a date" for every public entry point (``DateLike`` in :mod:`savantsdk.typing`).

Accepted forms, the same everywhere a call takes a calendar day:

- a ``datetime.date``;
- a ``datetime.datetime`` or a ``pandas.Timestamp`` (a ``datetime`` subclass): its calendar date
  as written, with no timezone conversion (``2024-06-01T23:30-04:00`` is June 1);
- an ISO 8601 string: ``"2024-06-01"`` (also ``"20240601"``), or a date-time such as
  ``"2024-06-01T19:05:00Z"`` (its date as written).

Anything else (``"06/01/2024"``, ``"2024-13-01"``, an int, ``pandas.NaT``) raises
:class:`~savantsdk.exceptions.ConfigurationError` naming the argument and the accepted forms.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Final

from .exceptions import ConfigurationError

__all__ = ("ACCEPTED_FORMS", "to_date", "to_dates", "to_optional_date")

#: How the accepted forms are named in error messages.
ACCEPTED_FORMS: Final = (
    "a datetime.date, a datetime.datetime or pandas.Timestamp (its calendar date), or an "
    "ISO 8601 string such as '2024-06-01'"
)


def to_date(value: object, name: str = "date") -> date:
    """``value`` as a ``datetime.date`` (see the module docs for the accepted forms)."""
    if isinstance(value, datetime):
        day = value.date()
        if type(day) is not date:  # pandas.NaT is a datetime whose .date() is NaT
            raise _error(value, name)
        return day
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text:
            try:
                return date.fromisoformat(text)
            except ValueError:
                pass
            try:
                return datetime.fromisoformat(text).date()
            except ValueError as exc:
                raise _error(value, name) from exc
    raise _error(value, name)


def to_optional_date(value: object, name: str = "date") -> date | None:
    """:func:`to_date`, with ``None`` kept as ``None``."""
    return None if value is None else to_date(value, name)


def to_dates(values: object, name: str = "days") -> list[date]:
    """Every item of ``values`` through :func:`to_date`; one date (a bare string is one date,
    not its characters) is a list of one."""
    if isinstance(values, str | date):
        return [to_date(values, name)]
    if not isinstance(values, Iterable):
        raise _error(values, name)
    return [to_date(v, name) for v in values]


def _error(value: object, name: str) -> ConfigurationError:
    shown = repr(value) if isinstance(value, str) else f"a {type(value).__name__} ({value!r})"
    return ConfigurationError(
        f"{name}: cannot read {shown} as a date; accepted forms: {ACCEPTED_FORMS}",
        setting=name,
    )

"""Partial failure is data: one :class:`Outcome` per input, in input order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Generic, TypeVar, cast

import attrs

from .._frames import stacked
from ..exceptions import BatchError

__all__ = ("BatchResult", "Outcome")

T = TypeVar("T")
I = TypeVar("I")  # noqa: E741


@attrs.frozen
class Outcome(Generic[T]):
    """The result of one item: its ``value``, or the ``error`` it ended with."""

    value: T | None = None
    error: Exception | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def unwrap(self) -> T:
        """The value, or raise the error."""
        if self.error is not None:
            raise self.error
        return cast("T", self.value)


@attrs.frozen
class BatchResult(Generic[I, T]):
    """``items[i]`` ended as ``outcomes[i]``; ``len(items) == len(outcomes)`` always."""

    items: tuple[I, ...]
    outcomes: tuple[Outcome[T], ...]

    def __attrs_post_init__(self) -> None:
        if len(self.items) != len(self.outcomes):  # pragma: no cover - internal invariant
            raise AssertionError("BatchResult needs exactly one outcome per item")

    def __len__(self) -> int:
        return len(self.outcomes)

    def __iter__(self) -> Iterator[tuple[I, Outcome[T]]]:
        return zip(self.items, self.outcomes, strict=True)

    @property
    def values(self) -> list[T]:
        """The successful values, in input order."""
        return [cast("T", o.value) for o in self.outcomes if o.error is None]

    @property
    def errors(self) -> list[tuple[I, Exception]]:
        """``(item, error)`` for every failed item, in input order."""
        return [
            (i, o.error)
            for i, o in zip(self.items, self.outcomes, strict=True)
            if o.error is not None
        ]

    @property
    def ok_count(self) -> int:
        return sum(1 for o in self.outcomes if o.error is None)

    @property
    def error_count(self) -> int:
        return len(self.outcomes) - self.ok_count

    @property
    def ok(self) -> bool:
        return all(o.error is None for o in self.outcomes)

    def to_pandas(self) -> Any:
        """The successful values' rows as one ``pandas.DataFrame``, in input order (extra
        ``pandas``; the values must be tables or rows, e.g. the people of
        ``statsapi.people``).  Failed items have no row: see :attr:`errors`."""
        return stacked(self.values, what="this batch").to_pandas()

    def to_polars(self) -> Any:
        """As :meth:`to_pandas`, a ``polars.DataFrame`` (extra ``polars``)."""
        return stacked(self.values, what="this batch").to_polars()

    def to_arrow(self) -> Any:
        """As :meth:`to_pandas`, a ``pyarrow.Table`` (extra ``arrow``)."""
        return stacked(self.values, what="this batch").to_arrow()

    def raise_for_errors(self) -> None:
        """Raise a :class:`~savantsdk.exceptions.BatchError` (an ExceptionGroup carrying this
        result as ``.result``) if any item failed; return None otherwise."""
        errors = [e for _, e in self.errors]
        if errors:
            raise BatchError(
                f"{len(errors)} of {len(self)} items failed", errors, result=cast("Any", self)
            )

"""Statcast ``game_date`` fields to ``datetime64[D]`` without numpy's crashing cast.

numpy's ``astype("datetime64[D]")`` on a bytes array dies with SIGSEGV (numpy 2.4) when a
large array holds one unparsable value; :func:`parse_iso_dates` validates and converts by
integer arithmetic instead, and names the first bad value in a typed error.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import numpy.typing as npt

from ..exceptions import SourceDecodeError

__all__ = ("parse_iso_dates",)

SOURCE: Final = "savant"

_DATE_DIGITS: Final = np.array([0, 1, 2, 3, 5, 6, 8, 9])


def parse_iso_dates(
    fixed: Any, missing: npt.NDArray[np.bool_], name: str
) -> npt.NDArray[np.datetime64]:
    """``YYYY-MM-DD`` fields of an ``S<w>`` array to ``datetime64[D]`` (``NaT`` where
    ``missing``), by integer arithmetic.

    numpy's own ``astype("datetime64[D]")`` on bytes crashes the interpreter (SIGSEGV, numpy
    2.4) when a large array holds one unparsable value such as ``2024-13-45``; so no text
    reaches that cast: every field is checked digit by digit, its month and day by range, and
    a bad one raises :class:`SourceDecodeError` naming the column and the first bad value.
    """
    n = fixed.size
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    width = fixed.dtype.itemsize
    if n == 0 or bool(missing.all()):
        return out
    chars = np.zeros((n, max(width, 11)), dtype=np.uint8)
    chars[:, :width] = fixed.view(np.uint8).reshape(n, width)
    digits = chars[:, _DATE_DIGITS].astype(np.int64) - 48
    ok = (
        ((digits >= 0) & (digits <= 9)).all(axis=1)
        & (chars[:, 4] == 45)
        & (chars[:, 7] == 45)
        & (chars[:, 10:] == 0).all(axis=1)
    )
    year = digits[:, 0] * 1000 + digits[:, 1] * 100 + digits[:, 2] * 10 + digits[:, 3]
    month = digits[:, 4] * 10 + digits[:, 5]
    day = digits[:, 6] * 10 + digits[:, 7]
    ok &= (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)
    use = ok & ~missing
    months = np.where(use, (year - 1970) * 12 + month - 1, 0).astype("datetime64[M]")
    dates = months.astype("datetime64[D]") + np.where(use, day - 1, 0).astype("timedelta64[D]")
    ok &= dates.astype("datetime64[M]") == months  # 2024-02-30 rolls into March: refused
    bad = ~ok & ~missing
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        value = bytes(fixed[row]).decode("utf-8", "replace")
        raise SourceDecodeError(
            f"column {name!r} has values that are not YYYY-MM-DD dates "
            f"({int(bad.sum())} of {n}; the first is {value[:40]!r})",
            source=SOURCE,
        )
    out[~missing] = dates[~missing]
    return out

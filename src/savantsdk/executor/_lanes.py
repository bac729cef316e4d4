"""Priority lanes: LIVE > PROPS > HISTORICAL."""

from __future__ import annotations

import enum

__all__ = ("Lane",)


class Lane(enum.IntEnum):
    """Priority of a call.  A lower value is served first when the rate limiter is saturated."""

    LIVE = 0
    PROPS = 1
    HISTORICAL = 2

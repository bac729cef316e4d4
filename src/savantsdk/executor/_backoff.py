"""Backoff: a pure function of the attempt number, the policy and (optionally) Retry-After."""

from __future__ import annotations

import random
from collections.abc import Callable

from .._config import RetryPolicy

__all__ = ("MAX_EXPONENT", "backoff_ceiling", "compute_backoff")

#: The exponent is clamped so ``multiplier ** n`` can never overflow or take a long time.
MAX_EXPONENT = 32


def backoff_ceiling(retry_number: int, policy: RetryPolicy) -> float:
    """The upper bound of the jittered delay before retry ``retry_number`` (1 = first retry).

    ``min(max_backoff_s, initial_backoff_s * multiplier ** min(retry_number - 1, 32))``.
    """
    exponent = min(max(retry_number - 1, 0), MAX_EXPONENT)
    return min(policy.max_backoff_s, policy.initial_backoff_s * policy.multiplier**exponent)


def compute_backoff(
    retry_number: int,
    policy: RetryPolicy,
    *,
    retry_after: float | None = None,
    rand: Callable[[], float] = random.random,
) -> float | None:
    """Seconds to wait before retry ``retry_number`` (1 = the first retry), or None: give up.

    - Exponential backoff with *full jitter*: a uniform draw in ``[0, ceiling]`` where the
      ceiling is :func:`backoff_ceiling` (``jitter=False`` waits the ceiling itself).
    - ``retry_after`` (seconds the upstream asked for) is honoured: the delay is at least
      ``retry_after``.  A ``retry_after`` longer than ``policy.max_retry_after_s`` returns
      ``None``: the caller fails instead of waiting that long.
    - ``rand`` returns a float in ``[0, 1)``; tests pass a fixed one.
    """
    if retry_after is not None and retry_after > policy.max_retry_after_s:
        return None
    ceiling = backoff_ceiling(retry_number, policy)
    delay = ceiling * rand() if policy.jitter else ceiling
    if retry_after is not None:
        delay = max(delay, retry_after, 0.0)
    return delay

"""Retry settings for tests: the real retry rules, without the waiting."""

from __future__ import annotations

from .._config import RetryPolicy

__all__ = ("no_backoff",)


def no_backoff(attempts: int = 1) -> RetryPolicy:
    """A :class:`~savantsdk.RetryPolicy` of ``attempts`` tries (the first included) with no
    backoff between them, for tests: ``AsyncClient(retry=no_backoff(3))``.

    Which errors are retried, and Retry-After (up to ``max_retry_after_s``), still apply, so a
    test sees the client's real retry behaviour in no time.  ``no_backoff()`` (one attempt)
    turns retries off.
    """
    return RetryPolicy(max_attempts=attempts, initial_backoff_s=0.0, max_backoff_s=0.0)

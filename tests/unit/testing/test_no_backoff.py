"""``savantsdk.testing.no_backoff``: the real retry rules, no waiting."""

from __future__ import annotations

import httpx
import pytest

from savantsdk import AsyncClient, RetryPolicy
from savantsdk.exceptions import SourceServerError
from savantsdk.testing import FakeClock, no_backoff


def test_policy_values() -> None:
    assert no_backoff() == RetryPolicy(max_attempts=1, initial_backoff_s=0.0, max_backoff_s=0.0)
    assert no_backoff(3).max_attempts == 3
    assert no_backoff(3).max_retry_after_s == RetryPolicy().max_retry_after_s


async def _three_503s(retry: RetryPolicy) -> tuple[int, float]:
    """(requests sent, fake seconds the call took) for a call that always gets 503."""
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        return httpx.Response(503, text="busy")

    clock = FakeClock(autojump=True)  # every sleep moves it
    start = clock.time()
    async with AsyncClient(
        retry=retry, clock=clock, http_transport=httpx.MockTransport(handler)
    ) as client:
        with pytest.raises(SourceServerError):
            await client.statsapi.teams()
    return len(calls), clock.time() - start


@pytest.mark.anyio
async def test_retries_the_retryable_without_sleeping() -> None:
    sent, waited = await _three_503s(no_backoff(3))
    assert sent == 3
    # the same call with the default backoff (no jitter: 0.5 s, then 1 s) waits 1.5 s more
    sent_default, waited_default = await _three_503s(RetryPolicy(max_attempts=3, jitter=False))
    assert sent_default == 3
    assert waited_default >= 1.5
    assert waited < 0.25  # (the rate limiter's own spacing of the three requests)

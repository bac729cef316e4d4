"""Backoff is a pure function: exponential, full jitter, clamped exponent, Retry-After capped."""

from __future__ import annotations

from hypothesis import given, strategies as st

from savantsdk._config import RetryPolicy
from savantsdk.executor import backoff_ceiling, compute_backoff

policies = st.builds(
    RetryPolicy,
    max_attempts=st.integers(1, 20),
    initial_backoff_s=st.floats(0, 60),
    max_backoff_s=st.floats(0, 600),
    multiplier=st.floats(1, 10),
    max_retry_after_s=st.floats(0, 3600),
    jitter=st.booleans(),
)
unit = st.floats(0, 1, exclude_max=True)


@given(policies, st.integers(1, 10_000), unit)
def test_delay_is_within_zero_and_the_ceiling(policy: RetryPolicy, n: int, r: float) -> None:
    delay = compute_backoff(n, policy, rand=lambda: r)
    ceiling = backoff_ceiling(n, policy)
    assert delay is not None
    assert 0.0 <= delay <= ceiling <= policy.max_backoff_s
    if not policy.jitter:
        assert delay == ceiling


@given(policies, st.integers(1, 200))
def test_ceiling_grows_exponentially_until_the_cap(policy: RetryPolicy, n: int) -> None:
    a, b = backoff_ceiling(n, policy), backoff_ceiling(n + 1, policy)
    assert a <= b
    expected = min(policy.max_backoff_s, policy.initial_backoff_s * policy.multiplier ** (n - 1))
    if n <= 32:
        assert a == expected


def test_huge_retry_numbers_do_not_overflow() -> None:
    policy = RetryPolicy(initial_backoff_s=1, max_backoff_s=5, multiplier=10)
    assert backoff_ceiling(10**9, policy) == 5.0


@given(policies, st.integers(1, 50), unit, st.floats(0, 7200))
def test_retry_after_is_honoured_up_to_the_cap(
    policy: RetryPolicy, n: int, r: float, retry_after: float
) -> None:
    delay = compute_backoff(n, policy, retry_after=retry_after, rand=lambda: r)
    if retry_after > policy.max_retry_after_s:
        assert delay is None
    else:
        assert delay is not None
        assert delay >= retry_after
        assert delay <= max(retry_after, backoff_ceiling(n, policy))


def test_full_jitter_uses_the_whole_range() -> None:
    policy = RetryPolicy(initial_backoff_s=1.0, max_backoff_s=100, multiplier=2)
    assert compute_backoff(3, policy, rand=lambda: 0.0) == 0.0
    assert compute_backoff(3, policy, rand=lambda: 0.5) == 2.0
    assert compute_backoff(1, policy, rand=lambda: 0.999) == 0.999

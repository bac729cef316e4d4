"""Fault configuration, latency draws and the server-side token bucket (no I/O, fake time)."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import given, strategies as st

from savantsdk.testing import FaultConfig, Latency, RouteFaults
from savantsdk.testing._faults import FAULT_KINDS, TokenBucket


def test_draw_frequencies_follow_the_configured_rates() -> None:
    cfg = FaultConfig(server_error=0.2, rate_limited=0.05, timeout=0.05, malformed=0.02)
    rng = random.Random(1)
    counts = Counter(cfg.draw(rng) for _ in range(20_000))
    assert counts["server_error"] / 20_000 == pytest.approx(0.2, abs=0.015)
    assert counts["rate_limited"] / 20_000 == pytest.approx(0.05, abs=0.008)
    assert counts["timeout"] / 20_000 == pytest.approx(0.05, abs=0.008)
    assert counts["malformed"] / 20_000 == pytest.approx(0.02, abs=0.005)
    assert counts["html"] == counts["error_csv"] == 0
    assert counts[None] / 20_000 == pytest.approx(0.68, abs=0.015)


@given(rates=st.lists(st.floats(0, 1), min_size=6, max_size=6))
def test_rates_are_validated(rates: list[float]) -> None:
    kwargs = dict(zip(FAULT_KINDS, rates, strict=True))
    if sum(rates) > 1 + 1e-9:
        with pytest.raises(ValueError, match="sum to at most 1"):
            FaultConfig(**kwargs)
    else:
        assert FaultConfig(**kwargs).draw(random.Random(0)) in (*FAULT_KINDS, None)


def test_invalid_probability_is_rejected() -> None:
    with pytest.raises(ValueError, match="probability"):
        FaultConfig(server_error=1.5)


def test_latency_kinds() -> None:
    rng = random.Random(3)
    assert Latency.fixed(0.25).sample(rng) == 0.25
    uni = [Latency.uniform(0.1, 0.2).sample(rng) for _ in range(500)]
    assert min(uni) >= 0.1
    assert max(uni) <= 0.2
    exp = [Latency.exponential(0.05).sample(rng) for _ in range(5000)]
    assert sum(exp) / len(exp) == pytest.approx(0.05, rel=0.1)
    logn = sorted(Latency.lognormal(0.1, 0.5).sample(rng) for _ in range(5001))
    assert logn[2500] == pytest.approx(0.1, rel=0.1)
    assert Latency.exponential(0).sample(rng) == 0.0


def test_route_glob_matching() -> None:
    rule = RouteFaults("odds_api", "/v4/sports/*/events", FaultConfig())
    assert rule.matches("odds_api", "/v4/sports/baseball_mlb/events")
    assert not rule.matches("odds_api", "/v4/sports")
    assert not rule.matches("statsapi", "/v4/sports/baseball_mlb/events")


def test_token_bucket_admits_burst_then_paces_with_retry_after() -> None:
    now = [100.0]
    bucket = TokenBucket(2.0, 3, lambda: now[0])
    assert [bucket.take() for _ in range(3)] == [None, None, None]
    wait = bucket.take()
    assert wait == pytest.approx(0.5)
    now[0] += 0.5
    assert bucket.take() is None
    assert bucket.take() == pytest.approx(0.5)
    now[0] += 100  # refills only up to the burst
    assert [bucket.take() for _ in range(4)][-1] == pytest.approx(0.5)
    with pytest.raises(ValueError, match="rate_per_s"):
        TokenBucket(0, 1, lambda: 0.0)

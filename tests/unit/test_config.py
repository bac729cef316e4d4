from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from savantsdk import (
    ApiKeys,
    BreakerPolicy,
    CacheSettings,
    ConfigurationError,
    RateLimit,
    RetryPolicy,
    Secret,
    Timeout,
)
from savantsdk._config import ENV_VARS, default_source_settings


def test_defaults_are_finite_and_sensible(clean_env: pytest.MonkeyPatch) -> None:
    t = Timeout()
    assert (t.connect_s, t.read_s, t.write_s, t.pool_s, t.total_s) == (5.0, 30.0, 30.0, 10.0, 90.0)
    r = RetryPolicy()
    assert r.max_attempts == 4
    assert r.initial_backoff_s == 0.5
    assert r.max_backoff_s == 8.0
    assert BreakerPolicy().fail_max == 5
    assert CacheSettings().backend == "memory"


def test_env_variables_are_defaults(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("SAVANTSDK_TIMEOUT_READ_S", "12.5")
    clean_env.setenv("SAVANTSDK_RETRY_MAX_ATTEMPTS", "2")
    clean_env.setenv("SAVANTSDK_BREAKER_FAIL_MAX", "9")
    assert Timeout().read_s == 12.5
    assert RetryPolicy().max_attempts == 2
    assert BreakerPolicy().fail_max == 9
    # constructor arguments win over the environment
    assert Timeout(read_s=3).read_s == 3


def test_invalid_env_value_names_the_variable(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("SAVANTSDK_TIMEOUT_READ_S", "soon")
    with pytest.raises(ConfigurationError, match="SAVANTSDK_TIMEOUT_READ_S"):
        Timeout()


@pytest.mark.parametrize(
    ("factory", "setting", "allowed"),
    [
        (lambda: Timeout(read_s=0), "Timeout.read_s", "> 0"),
        (lambda: Timeout(connect_s=float("inf")), "Timeout.connect_s", "<= 600"),
        (lambda: RetryPolicy(max_attempts=0), "RetryPolicy.max_attempts", ">= 1"),
        (lambda: RateLimit(rate_per_s=0), "RateLimit.rate_per_s", "> 0"),
        (lambda: RateLimit(rate_per_s=-5), "RateLimit.rate_per_s", "> 0"),
        (lambda: RateLimit(concurrency=-1), "RateLimit.concurrency", ">= 1"),
        (lambda: RateLimit(concurrency=0), "RateLimit.concurrency", ">= 1"),
        (lambda: BreakerPolicy(reset_timeout_s=0), "BreakerPolicy.reset_timeout_s", "> 0"),
        (lambda: CacheSettings(max_entries=0), "CacheSettings.max_entries", ">= 1"),
    ],
)
def test_out_of_range_names_setting_and_range(
    clean_env: pytest.MonkeyPatch, factory: object, setting: str, allowed: str
) -> None:
    with pytest.raises(ConfigurationError) as info:
        factory()  # type: ignore[operator]
    assert info.value.setting == setting
    assert setting in str(info.value)
    assert allowed in str(info.value)
    assert isinstance(info.value, ValueError)


def test_rate_limit_none_means_unlimited() -> None:
    assert RateLimit(rate_per_s=None, concurrency=3).rate_per_s is None


def test_cache_backend_needs_url(clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError, match="SAVANTSDK_REDIS_URL"):
        CacheSettings(backend="redis")
    with pytest.raises(ConfigurationError, match="redis://"):
        CacheSettings(backend="redis", redis_url="http://localhost:6379")


def test_redis_password_not_in_repr(clean_env: pytest.MonkeyPatch) -> None:
    s = CacheSettings(backend="redis", redis_url="redis://user:hunter2-pass@localhost:6379/0")
    assert "hunter2-pass" not in repr(s)
    assert "localhost:6379" in repr(s)


def test_missing_key_names_setting_and_env(clean_env: pytest.MonkeyPatch) -> None:
    keys = ApiKeys()
    with pytest.raises(ConfigurationError) as info:
        keys.require("odds_api")
    assert "SAVANTSDK_ODDS_API_KEY" in str(info.value)
    assert info.value.setting == "ApiKeys.odds_api"
    clean_env.setenv("SAVANTSDK_SPORTRADAR_API_KEY", "sr-key-from-env-123")
    assert ApiKeys().require("sportradar") == "sr-key-from-env-123"


def test_secret_never_shows() -> None:
    s = Secret("my-very-secret-key")
    assert "my-very-secret-key" not in repr(s)
    assert "my-very-secret-key" not in str(s)
    keys = ApiKeys(odds_api="my-very-secret-key")
    assert "my-very-secret-key" not in repr(keys)
    assert keys.require("odds_api") == "my-very-secret-key"


def test_source_settings_from_env(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("SAVANTSDK_SAVANT_BASE_URL", "http://127.0.0.1:9999/")
    clean_env.setenv("SAVANTSDK_SAVANT_RATE_PER_S", "none")
    clean_env.setenv("SAVANTSDK_SAVANT_CONCURRENCY", "3")
    s = default_source_settings("savant")
    assert s.base_url == "http://127.0.0.1:9999"
    assert s.rate_limit.rate_per_s is None
    assert s.rate_limit.concurrency == 3
    assert default_source_settings("sportradar").rate_limit.rate_per_s == 1.0
    with pytest.raises(ConfigurationError):
        default_source_settings("nope")


def test_every_env_var_is_documented() -> None:
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "configuration.md").read_text()
    missing = [name for name in ENV_VARS if f"`{name}`" not in doc]
    assert not missing, f"undocumented environment variables: {missing}"


@given(st.floats(min_value=0.001, max_value=600, allow_nan=False))
def test_any_positive_timeout_in_range_is_accepted(value: float) -> None:
    assert Timeout(read_s=value).read_s == value


@given(st.floats(allow_nan=True) | st.integers())
def test_rate_validation_is_total(value: float) -> None:
    """Any number either builds a valid RateLimit or raises ConfigurationError, nothing else."""
    try:
        r = RateLimit(rate_per_s=value)
    except ConfigurationError:
        return
    assert r.rate_per_s is not None
    assert 0 < r.rate_per_s <= 100_000


def test_cluster_urls_are_accepted_and_redacted(clean_env: pytest.MonkeyPatch) -> None:
    s = CacheSettings(backend="tiered", redis_url="redis+cluster://:s3cret-pw@127.0.0.1:7000")
    assert s.redis_url is not None
    assert s.redis_url.startswith("redis+cluster://")
    assert "s3cret-pw" not in repr(s)
    with pytest.raises(ConfigurationError, match=r"redis\+cluster://"):
        CacheSettings(backend="redis", redis_url="cluster://127.0.0.1:7000")

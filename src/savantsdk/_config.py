"""Settings: one frozen object per concern, built from arguments with ``SAVANTSDK_*`` defaults.

Each field's default is read from its environment variable when the object is built (not at
import), so ``monkeypatch.setenv`` and per-process configuration work.  Every value is
validated; an invalid one raises :class:`~savantsdk.exceptions.ConfigurationError` naming the
setting (and its environment variable) and the allowed range.  The full table is in
``docs/configuration.md`` and is checked against :data:`ENV_VARS` by a test.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from typing import Any, Final, Literal, TypeVar

import attrs

from ._redact import REDACTED, redact, register_secret
from .exceptions import ConfigurationError

__all__ = (
    "ENV_VARS",
    "SOURCE_NAMES",
    "ApiKeys",
    "BreakerPolicy",
    "CacheSettings",
    "RateLimit",
    "RetryPolicy",
    "Secret",
    "SourceSettings",
    "Timeout",
    "default_source_settings",
    "local_cache_settings",
)

SourceName = Literal["savant", "statsapi", "prizepicks", "odds_api", "sportradar", "chadwick"]
SOURCE_NAMES: Final[tuple[SourceName, ...]] = (
    "savant",
    "statsapi",
    "prizepicks",
    "odds_api",
    "sportradar",
    "chadwick",
)

#: Every environment variable the SDK reads, with its meaning (the docs table is built from it).
ENV_VARS: dict[str, str] = {}

T = TypeVar("T")


def _env(name: str, doc: str) -> str:
    ENV_VARS.setdefault(name, doc)
    return name


def _parse(name: str, raw: str, kind: Callable[[str], T]) -> T:
    try:
        return kind(raw)
    except ValueError:
        raise ConfigurationError(
            f"environment variable {name}={raw!r} is not a valid {kind.__name__}", setting=name
        ) from None


def _env_default(name: str, default: T, kind: Callable[[str], T], doc: str) -> Any:
    """An attrs default factory reading ``name`` from the environment when the object is built."""
    _env(name, doc)

    def factory() -> T:
        raw = os.environ.get(name)
        if raw is None or raw == "":
            return default
        return _parse(name, raw, kind)

    return attrs.Factory(factory)


def _env_field(
    name: str,
    default: T,
    kind: Callable[[str], T],
    doc: str,
    *,
    within: tuple[float, float],
    lo_open: bool = False,
) -> Any:
    """A numeric field: its default from env ``name`` (:func:`_env_default`), checked by
    :func:`_in_range` on ``within`` (which names ``name`` in its error)."""
    return attrs.field(
        default=_env_default(name, default, kind, doc),
        validator=_in_range(*within, lo_open=lo_open, env=name),
    )


def _deadline_field(name: str, default: float, doc: str, *, most: float = 600) -> Any:
    """A :class:`Timeout` field: seconds from env ``name``, finite, in ``(0, most]``."""
    return _env_field(name, default, float, doc, within=(0, most), lo_open=True)


def _optional_float(raw: str) -> float | None:
    return None if raw.strip().lower() in {"none", "off", "0"} else float(raw)


_optional_float.__name__ = "float or 'none'"


def _in_range(
    lo: float | None = None,
    hi: float | None = None,
    *,
    lo_open: bool = False,
    optional: bool = False,
    env: str | None = None,
) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    """Validator: ``lo <= value <= hi`` (``lo < value`` when ``lo_open``); ``None`` if optional."""

    def check(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and optional:
            return
        name = f"{type(inst).__name__}.{attribute.name}"
        where = f" (env {env})" if env else ""
        lo_txt = "" if lo is None else (f"> {lo}" if lo_open else f">= {lo}")
        hi_txt = "" if hi is None else f"<= {hi}"
        allowed = " and ".join(t for t in (lo_txt, hi_txt) if t) or "a finite number"
        bad = (
            not isinstance(value, int | float)
            or isinstance(value, bool)
            or not math.isfinite(value)
            or (lo is not None and (value <= lo if lo_open else value < lo))
            or (hi is not None and value > hi)
        )
        if bad:
            raise ConfigurationError(
                f"{name}{where} = {value!r} is out of range: must be {allowed}"
                + (" (or None to disable)" if optional else ""),
                setting=name,
            )

    return check


# --------------------------------------------------------------------------- secrets


@attrs.frozen(repr=False, eq=False)
class Secret:
    """A secret string that never shows itself in a repr, str, log line or exception."""

    _value: str = attrs.field(alias="value")

    def __attrs_post_init__(self) -> None:
        register_secret(self._value)

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret('{REDACTED}')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


def _to_secret(value: str | Secret | None) -> Secret | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, Secret) else Secret(value)


# --------------------------------------------------------------------------- concerns


@attrs.frozen(kw_only=True)
class Timeout:
    """HTTP deadlines in seconds.  None of them can be infinite."""

    connect_s: float = _deadline_field(
        "SAVANTSDK_TIMEOUT_CONNECT_S", 5.0, "TCP/TLS connect timeout"
    )
    read_s: float = _deadline_field("SAVANTSDK_TIMEOUT_READ_S", 30.0, "time between bytes read")
    write_s: float = _deadline_field("SAVANTSDK_TIMEOUT_WRITE_S", 30.0, "time to send a request")
    pool_s: float = _deadline_field(
        "SAVANTSDK_TIMEOUT_POOL_S", 10.0, "wait for a pooled connection"
    )
    total_s: float = _deadline_field(
        "SAVANTSDK_TIMEOUT_TOTAL_S", 90.0, "deadline for one attempt, end to end", most=3600
    )


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """Retries with exponential backoff and full jitter; Retry-After honoured up to a cap.

    ``max_attempts`` counts the first try: 1 disables retries.
    """

    max_attempts: int = _env_field(
        "SAVANTSDK_RETRY_MAX_ATTEMPTS", 4, int, "tries per call, first included", within=(1, 20)
    )
    initial_backoff_s: float = _env_field(
        "SAVANTSDK_RETRY_INITIAL_S", 0.5, float, "backoff base in seconds", within=(0, 60)
    )
    max_backoff_s: float = _env_field(
        "SAVANTSDK_RETRY_MAX_BACKOFF_S", 8.0, float, "backoff ceiling (s)", within=(0, 600)
    )
    multiplier: float = attrs.field(default=2.0, validator=_in_range(1, 10))
    max_retry_after_s: float = _env_field(
        "SAVANTSDK_RETRY_MAX_RETRY_AFTER_S",
        120.0,
        float,
        "longest Retry-After honoured; longer ones fail instead of waiting",
        within=(0, 3600),
    )
    jitter: bool = True

    @classmethod
    def none(cls) -> RetryPolicy:
        """No retries at all."""
        return cls(max_attempts=1)


@attrs.frozen(kw_only=True)
class RateLimit:
    """Per-source pacing: ``rate_per_s`` requests per second (None: unlimited), ``concurrency``
    requests in flight at once."""

    rate_per_s: float | None = attrs.field(
        default=None, validator=_in_range(0, 100_000, lo_open=True, optional=True)
    )
    concurrency: int = attrs.field(default=10, validator=_in_range(1, 10_000))

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.concurrency, int):
            raise ConfigurationError(
                f"RateLimit.concurrency must be an int >= 1, got {self.concurrency!r}",
                setting="RateLimit.concurrency",
            )


@attrs.frozen(kw_only=True)
class BreakerPolicy:
    """Circuit breaker: opens after ``fail_max`` consecutive failures, half-opens (one probe)
    after ``reset_timeout_s``, closes after ``success_threshold`` successful probes."""

    fail_max: int = _env_field(
        "SAVANTSDK_BREAKER_FAIL_MAX", 5, int, "consecutive failures to open", within=(1, 10_000)
    )
    reset_timeout_s: float = _env_field(
        "SAVANTSDK_BREAKER_RESET_TIMEOUT_S",
        30.0,
        float,
        "open -> half-open after (s)",
        within=(0, 86_400),
        lo_open=True,
    )
    success_threshold: int = _env_field(
        "SAVANTSDK_BREAKER_SUCCESS_THRESHOLD", 1, int, "probe successes to close", within=(1, 100)
    )
    enabled: bool = True


CacheBackendName = Literal[
    "memory", "disk", "memory+disk", "redis", "tiered", "memory+disk+redis", "none"
]
#: Every ``CacheSettings.backend`` value (``tiered`` is memory in front of Redis).
CACHE_BACKENDS: Final[tuple[str, ...]] = (
    "memory",
    "disk",
    "memory+disk",
    "redis",
    "tiered",
    "memory+disk+redis",
    "none",
)
_NEEDS_REDIS: Final = ("redis", "tiered", "memory+disk+redis")


def _cache_backend(raw: str) -> str:
    if raw not in CACHE_BACKENDS:
        raise ValueError(raw)
    return raw


_cache_backend.__name__ = f"cache backend ({'|'.join(CACHE_BACKENDS)})"


def _redact_url(url: Any) -> str:
    return repr(redact(url)) if url else repr(url)


@attrs.frozen(kw_only=True)
class CacheSettings:
    """Which cache the client builds when none is passed, and its bounds."""

    backend: CacheBackendName = attrs.field(
        default=_env_default(
            "SAVANTSDK_CACHE",
            "memory",
            _cache_backend,
            "memory | disk | memory+disk | redis | tiered | memory+disk+redis | none",
        )
    )
    redis_url: str | None = attrs.field(
        default=_env_default(
            "SAVANTSDK_REDIS_URL",
            None,
            str,
            "redis://, rediss://, unix:// (or redis+cluster://, rediss+cluster:// for a Redis "
            "Cluster) URL for the redis/tiered backends",
        ),
        repr=_redact_url,
    )
    namespace: str = attrs.field(
        default=_env_default("SAVANTSDK_CACHE_NAMESPACE", "savantsdk", str, "key prefix")
    )
    max_entries: int = _env_field(
        "SAVANTSDK_CACHE_MAX_ENTRIES", 10_000, int, "memory cache entries", within=(1, 100_000_000)
    )
    max_bytes: int = _env_field(
        "SAVANTSDK_CACHE_MAX_BYTES",
        512 * 1024 * 1024,
        int,
        "memory cache byte budget",
        within=(1024, 1 << 40),
    )
    redis_timeout_s: float = _env_field(
        "SAVANTSDK_REDIS_TIMEOUT_S",
        0.5,
        float,
        "Redis socket timeout; past it, fail open",
        within=(0, 60),
        lo_open=True,
    )
    disk_dir: str | None = attrs.field(
        default=_env_default(
            "SAVANTSDK_CACHE_DIR",
            None,
            str,
            "directory of the disk cache (default: the platform's user cache directory)",
        )
    )
    disk_max_bytes: int = attrs.field(
        default=_env_default(
            "SAVANTSDK_CACHE_DISK_MAX_BYTES", 2 * 1024**3, int, "disk cache byte budget"
        ),
        validator=_in_range(1024, 1 << 50, env="SAVANTSDK_CACHE_DISK_MAX_BYTES"),
    )

    def __attrs_post_init__(self) -> None:
        if self.redis_url:
            register_secret(_url_password(self.redis_url))
        if self.backend in _NEEDS_REDIS and not self.redis_url:
            raise ConfigurationError(
                f"CacheSettings.backend={self.backend!r} needs CacheSettings.redis_url "
                "(env SAVANTSDK_REDIS_URL)",
                setting="CacheSettings.redis_url",
            )
        schemes = ("redis://", "rediss://", "unix://", "redis+cluster://", "rediss+cluster://")
        if self.redis_url and not self.redis_url.startswith(schemes):
            raise ConfigurationError(
                "CacheSettings.redis_url must start with redis://, rediss://, unix://, "
                "redis+cluster:// or rediss+cluster://",
                setting="CacheSettings.redis_url",
            )


def local_cache_settings() -> CacheSettings:
    """The cache of scripts, notebooks and the CLI (the blocking ``Client``): memory in front
    of the disk cache, unless ``SAVANTSDK_CACHE`` names another backend."""
    if os.environ.get("SAVANTSDK_CACHE"):
        return CacheSettings()
    return CacheSettings(backend="memory+disk")


def _url_password(url: str) -> str | None:
    from urllib.parse import urlsplit

    try:
        return urlsplit(url).password
    except ValueError:
        return None


@attrs.frozen(kw_only=True)
class ApiKeys:
    """Keys for the sources that need one.  Shown as ``***`` everywhere."""

    odds_api: Secret | None = attrs.field(
        default=_env_default("SAVANTSDK_ODDS_API_KEY", None, str, "The Odds API key (secret)"),
        converter=_to_secret,
    )
    sportradar: Secret | None = attrs.field(
        default=_env_default("SAVANTSDK_SPORTRADAR_API_KEY", None, str, "SportRadar key (secret)"),
        converter=_to_secret,
    )

    def require(self, source: Literal["odds_api", "sportradar"]) -> str:
        """The key for ``source``, or a ConfigurationError naming the setting and env var."""
        secret: Secret | None = getattr(self, source)
        if secret is None:
            env = (
                "SAVANTSDK_ODDS_API_KEY" if source == "odds_api" else "SAVANTSDK_SPORTRADAR_API_KEY"
            )
            raise ConfigurationError(
                f"the {source} source needs an API key: pass ApiKeys({source}=...) or set {env}",
                setting=f"ApiKeys.{source}",
            )
        return secret.get_secret_value()


_DEFAULT_BASE_URLS: Final[Mapping[str, str]] = {
    "savant": "https://baseballsavant.mlb.com",
    "statsapi": "https://statsapi.mlb.com",
    "prizepicks": "https://api.prizepicks.com",
    "odds_api": "https://api.the-odds-api.com",
    "sportradar": "https://api.sportradar.com",
    # the Chadwick Bureau register's raw files on GitHub (savantsdk.sources.ChadwickClient)
    "chadwick": "https://raw.githubusercontent.com/chadwickbureau/register/master",
}
# Savant documents no limit; peers see timeouts past ~8 parallel queries.  The Odds API
# answers 429 past 30/s; SportRadar trials allow 1 query per second; PrizePicks blocks bots.
_DEFAULT_RATES: Final[Mapping[str, tuple[float | None, int]]] = {
    "savant": (8.0, 6),
    "statsapi": (25.0, 16),
    "prizepicks": (1.0, 1),
    "odds_api": (25.0, 10),
    "sportradar": (1.0, 1),
    "chadwick": (4.0, 4),
}

for _name in SOURCE_NAMES:
    _up = _name.upper()
    _env(f"SAVANTSDK_{_up}_BASE_URL", f"{_name}: base URL (point at a local server in tests)")
    _env(f"SAVANTSDK_{_up}_RATE_PER_S", f"{_name}: requests per second ('none' = unlimited)")
    _env(f"SAVANTSDK_{_up}_CONCURRENCY", f"{_name}: requests in flight at once")


@attrs.frozen(kw_only=True)
class SourceSettings:
    """Everything the executor and HTTP seam need for one upstream."""

    name: str
    base_url: str
    timeout: Timeout = attrs.Factory(Timeout)
    retry: RetryPolicy = attrs.Factory(RetryPolicy)
    rate_limit: RateLimit = attrs.Factory(RateLimit)
    breaker: BreakerPolicy = attrs.Factory(BreakerPolicy)

    def __attrs_post_init__(self) -> None:
        if not self.base_url.startswith(("http://", "https://")):
            raise ConfigurationError(
                f"SourceSettings.base_url for {self.name} must be an http(s) URL",
                setting=f"{self.name}.base_url",
            )


def default_source_settings(name: str, **overrides: Any) -> SourceSettings:
    """The defaults for one source, with its ``SAVANTSDK_<SOURCE>_*`` variables applied."""
    up = name.upper()
    base = os.environ.get(f"SAVANTSDK_{up}_BASE_URL") or _DEFAULT_BASE_URLS.get(name)
    if base is None:
        raise ConfigurationError(f"unknown source {name!r}", setting="source")
    rate, conc = _DEFAULT_RATES.get(name, (None, 10))
    raw_rate = os.environ.get(f"SAVANTSDK_{up}_RATE_PER_S")
    if raw_rate:
        rate = _parse(f"SAVANTSDK_{up}_RATE_PER_S", raw_rate, _optional_float)
    raw_conc = os.environ.get(f"SAVANTSDK_{up}_CONCURRENCY")
    if raw_conc:
        conc = _parse(f"SAVANTSDK_{up}_CONCURRENCY", raw_conc, int)
    kwargs: dict[str, Any] = {
        "name": name,
        "base_url": base.rstrip("/"),
        "rate_limit": RateLimit(rate_per_s=rate, concurrency=conc),
    }
    kwargs.update(overrides)
    return SourceSettings(**kwargs)

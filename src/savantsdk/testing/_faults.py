"""Fault injection for :class:`~savantsdk.testing.FakeUpstream`: latency, error kinds, rate limits.

Everything random is drawn from one seeded :class:`random.Random` owned by the server, so a test
run with the same ``fault_seed`` and the same request order sees the same faults.
"""

from __future__ import annotations

import fnmatch
import math
import random
import threading
from collections.abc import Callable
from typing import Final, Literal

import attrs

__all__ = (
    "FAULT_KINDS",
    "FaultConfig",
    "FaultKind",
    "Latency",
    "RecordedRequest",
    "RouteFaults",
    "TokenBucket",
)

FaultKind = Literal["server_error", "rate_limited", "timeout", "malformed", "html", "error_csv"]
#: The order in which a single uniform draw is mapped to a fault kind.
FAULT_KINDS: Final[tuple[FaultKind, ...]] = (
    "server_error",
    "rate_limited",
    "timeout",
    "malformed",
    "html",
    "error_csv",
)


@attrs.frozen
class Latency:
    """Added server-side latency: ``fixed``, ``uniform``, ``exponential`` or ``lognormal``."""

    kind: Literal["fixed", "uniform", "exponential", "lognormal"] = "fixed"
    a: float = 0.0  # fixed: seconds; uniform: low; exponential: mean; lognormal: median
    b: float = 0.0  # uniform: high; lognormal: sigma

    @classmethod
    def fixed(cls, seconds: float) -> Latency:
        return cls("fixed", seconds)

    @classmethod
    def uniform(cls, low_s: float, high_s: float) -> Latency:
        return cls("uniform", low_s, high_s)

    @classmethod
    def exponential(cls, mean_s: float) -> Latency:
        return cls("exponential", mean_s)

    @classmethod
    def lognormal(cls, median_s: float, sigma: float) -> Latency:
        return cls("lognormal", median_s, sigma)

    def sample(self, rng: random.Random) -> float:
        if self.kind == "fixed":
            return self.a
        if self.kind == "uniform":
            return rng.uniform(self.a, self.b)
        if self.kind == "exponential":
            return rng.expovariate(1.0 / self.a) if self.a > 0 else 0.0
        return self.a * math.exp(rng.gauss(0.0, self.b))


def _rate(_inst: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{attribute.name} must be a probability in [0, 1], got {value}")


@attrs.frozen
class FaultConfig:
    """What can go wrong on a route.  Rates are per-request probabilities (mutually exclusive).

    ``timeout`` hangs for ``hang_s`` (longer than the client's timeout) before answering 504;
    ``malformed`` truncates the real body; ``html`` answers 200 with an HTML page;
    ``error_csv`` answers Savant's HTTP-200 ``error`` CSV (only meaningful on Savant routes).
    """

    latency: Latency | None = None
    server_error: float = attrs.field(default=0.0, validator=_rate)
    server_error_status: int = 503
    rate_limited: float = attrs.field(default=0.0, validator=_rate)
    retry_after_s: float = 1.0
    timeout: float = attrs.field(default=0.0, validator=_rate)
    hang_s: float = 30.0
    malformed: float = attrs.field(default=0.0, validator=_rate)
    html: float = attrs.field(default=0.0, validator=_rate)
    error_csv: float = attrs.field(default=0.0, validator=_rate)

    def __attrs_post_init__(self) -> None:
        if sum(getattr(self, k) for k in FAULT_KINDS) > 1.0 + 1e-9:
            raise ValueError("fault rates must sum to at most 1")

    def draw(self, rng: random.Random) -> FaultKind | None:
        """One uniform draw -> at most one fault kind (cumulative over FAULT_KINDS)."""
        u = rng.random()
        acc = 0.0
        for kind in FAULT_KINDS:
            acc += getattr(self, kind)
            if u < acc:
                return kind
        return None


@attrs.frozen
class RouteFaults:
    """A :class:`FaultConfig` bound to a source and a path glob (``"/v4/*"``, ``"*"``)."""

    source: str
    path: str
    config: FaultConfig

    def matches(self, source: str, path: str) -> bool:
        return source == self.source and fnmatch.fnmatchcase(path, self.path)


@attrs.frozen
class RecordedRequest:
    """One request as the fake upstream saw it; ``query`` has ``apiKey``/``api_key`` redacted."""

    source: str
    method: str
    path: str  # path inside the source (prefix stripped)
    query: str
    status: int
    time: float  # server clock (monotonic) at arrival
    duration_s: float
    fault: FaultKind | None = None


@attrs.define
class TokenBucket:
    """A server-side rate limit: ``rate_per_s`` sustained, ``burst`` capacity.

    ``take()`` returns ``None`` when admitted, else the seconds until a token is available
    (the Retry-After the server sends).
    """

    rate_per_s: float
    burst: float
    _now: Callable[[], float]
    _tokens: float = attrs.field(init=False)
    _last: float = attrs.field(init=False)
    _lock: threading.Lock = attrs.field(init=False, factory=threading.Lock)

    def __attrs_post_init__(self) -> None:
        if self.rate_per_s <= 0 or self.burst < 1:
            raise ValueError("rate_per_s must be > 0 and burst >= 1")
        self._tokens = self.burst
        self._last = self._now()

    def take(self) -> float | None:
        with self._lock:
            now = self._now()
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate_per_s)
            self._last = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return None
            return (1.0 - self._tokens) / self.rate_per_s

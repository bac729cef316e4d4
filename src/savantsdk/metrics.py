"""Metrics exporters: :class:`~savantsdk.typing.MetricsHook` adapters for Prometheus and
OpenTelemetry.  See ``docs/operations.md`` for every metric name.

::

    from savantsdk import AsyncClient
    from savantsdk.metrics import PrometheusExporter

    prom = PrometheusExporter()                   # its own CollectorRegistry
    client = AsyncClient(hooks=[prom])            # events: retries, 429s, pauses, breaker
    prom.bind(client)                             # snapshots read at scrape time
    body = prom.render()                          # Prometheus text format

Two kinds of input reach an exporter:

- **events** (``on_event``): counted as they happen (retries, 429s, pauses with a duration
  histogram, breaker transitions, cache errors and stale serves);
- **snapshots**: an :class:`~savantsdk.ExecutorMetrics` or a
  :class:`~savantsdk.cache.CacheStats` handed to ``on_snapshot`` (``Executor.publish_metrics()``
  does), or read from a client given to :meth:`~PrometheusExporter.bind` each time the
  metrics are collected.  Totals since the executor was built become counters, current values
  gauges, and the executor's latency quantiles (last 2048 attempts) gauges with a ``quantile``
  label.

Label values pass through the redactor and are cut to 64 characters; free-form text (the
``reason`` of a ``cache.corrupt`` event, messages, URLs) never becomes a label.  The
``prometheus`` extra installs ``prometheus_client``, the ``otel`` extra ``opentelemetry-api``;
importing this module needs neither.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal, Self

import attrs

from .__about__ import version
from ._redact import redact
from .cache import CacheStats
from .exceptions import ConfigurationError
from .executor import ExecutorMetrics

if TYPE_CHECKING:
    from opentelemetry.metrics import CallbackOptions, Meter, MeterProvider, Observation
    from prometheus_client import CollectorRegistry

    from . import AsyncClient

__all__ = (
    "MetricSpec",
    "OpenTelemetryExporter",
    "PAUSE_BUCKETS",
    "PrometheusExporter",
    "metric_specs",
)

log: logging.Logger = logging.getLogger("savantsdk")

Kind = Literal["counter", "gauge", "histogram"]

_MAX_LABEL: Final = 64
_NAME: Final = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
#: Default buckets (seconds) of the pause-duration histogram: Retry-After values.
PAUSE_BUCKETS: Final = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0, 3600.0)
_BREAKER_STATES: Final = ("closed", "open", "half-open")
_COLLECTION_S: Final = 0.5


@attrs.frozen
class MetricSpec:
    """One exported metric: its Prometheus base name (after the namespace; counters get
    ``_total``), OpenTelemetry name (after the prefix), kind, unit and label names."""

    name: str
    otel_name: str
    kind: Kind
    help: str
    labels: tuple[str, ...]
    unit: str = ""


# -- events (counted as they happen) ---------------------------------------------------------

_EVENTS: Final[Mapping[str, MetricSpec]] = {
    "executor.retry": MetricSpec(
        "executor_retries",
        "executor.retries",
        "counter",
        "Attempts retried, by lane and error class.",
        ("source", "lane", "error"),
    ),
    "executor.rate_limited": MetricSpec(
        "executor_rate_limited",
        "executor.rate_limited",
        "counter",
        "429 answers (RateLimitedError) seen, by lane.",
        ("source", "lane"),
    ),
    "executor.pause": MetricSpec(
        "executor_pauses",
        "executor.pauses",
        "counter",
        "Source-wide pauses started (a 429 with Retry-After, or Executor.pause()).",
        ("source", "reason"),
    ),
    "executor.breaker_transition": MetricSpec(
        "executor_breaker_transitions",
        "executor.breaker_transitions",
        "counter",
        "Circuit breaker state changes.",
        ("source", "from_state", "to_state"),
    ),
    "cache.error": MetricSpec(
        "cache_errors",
        "cache.errors",
        "counter",
        "Cache backend failures (each one failed open), by operation and error class.",
        ("op", "error"),
    ),
    "cache.corrupt": MetricSpec(
        "cache_corrupt",
        "cache.corrupt",
        "counter",
        "Unreadable cache entries (served as misses).",
        (),
    ),
    "cache.stale_serve": MetricSpec(
        "cache_stale_serves",
        "cache.stale_serves",
        "counter",
        "Entries served past their soft TTL while one refresh ran, by data kind.",
        ("kind",),
    ),
    "cache.stale_on_error": MetricSpec(
        "cache_stale_on_error",
        "cache.stale_on_error",
        "counter",
        "Stale entries served because the loader failed, by data kind and error class.",
        ("kind", "error"),
    ),
}
_OTHER_EVENT: Final = MetricSpec(
    "events", "events", "counter", "Other events, by name.", ("event", "source")
)
_PAUSE_SECONDS: Final = MetricSpec(
    "executor_pause_duration_seconds",
    "executor.pause_duration",
    "histogram",
    "Length of source-wide pauses.",
    ("source",),
    "s",
)

# -- snapshots (read when collected) ---------------------------------------------------------


def _ex(
    name: str, kind: Kind, help_: str, labels: tuple[str, ...] = (), unit: str = ""
) -> MetricSpec:
    otel = "executor." + name.removesuffix("_seconds")
    return MetricSpec(f"executor_{name}", otel, kind, help_, ("source", *labels), unit)


def _ca(
    name: str, kind: Kind, help_: str, labels: tuple[str, ...] = (), unit: str = ""
) -> MetricSpec:
    return MetricSpec(f"cache_{name}", "cache." + name, kind, help_, ("layer", *labels), unit)


_REQUESTS: Final = _ex("requests", "counter", "call() invocations (coalesced followers included).")
_ATTEMPTS: Final = _ex("attempts", "counter", "Upstream attempts.")
_FAILURES: Final = _ex("failures", "counter", "Calls that ended in an error (after retries).")
_COALESCED: Final = _ex("coalesced", "counter", "Calls that shared another in-flight call.")
_REJECTED: Final = _ex(
    "circuit_open_rejections", "counter", "Calls failed fast by an open circuit breaker."
)
_BATCH_CALLS: Final = _ex("batch_calls", "counter", "Loader batches sent upstream.")
_BATCH_KEYS: Final = _ex("batch_keys", "counter", "Keys sent in loader batches.")
_IN_FLIGHT: Final = _ex("in_flight", "gauge", "Attempts inside the upstream call now.")
_WAITING: Final = _ex("limiter_waiting", "gauge", "Calls queued in the rate limiter now.")
_PAUSED: Final = _ex("paused_seconds", "gauge", "Seconds left of the current pause.", unit="s")
_BREAKER: Final = _ex(
    "breaker_state", "gauge", "1 for the circuit breaker's current state, else 0.", ("state",)
)
_LATENCY: Final = _ex(
    "latency_seconds",
    "gauge",
    "Attempt latency quantiles over the last 2048 attempts.",
    ("quantile",),
    "s",
)
_LIMITER_WAIT: Final = _ex(
    "limiter_wait_seconds",
    "gauge",
    "Rate-limiter wait quantiles over the last 2048 waits, by lane.",
    ("lane", "quantile"),
    "s",
)
_LAST_SUCCESS: Final = _ex(
    "last_success_timestamp_seconds",
    "gauge",
    "Unix time of the last call that returned a value.",
    unit="s",
)
_LAST_ERROR: Final = _ex(
    "last_error_timestamp_seconds",
    "gauge",
    "Unix time of the last failed attempt that was about the source.",
    unit="s",
)
_LOOKUPS: Final = _ca(
    "lookups", "counter", "Cache keys looked up, by result (hit, stale, miss).", ("result",)
)
_HIT_RATIO: Final = _ca("hit_ratio", "gauge", "Hits (fresh or stale) over lookups.")
_LAYER_ERRORS: Final = _ca("layer_errors", "counter", "Backend failures seen by this layer.")
_EVICTIONS: Final = _ca("evictions", "counter", "Entries dropped for space.")
_SETS: Final = _ca("sets", "counter", "Entries written.")
_LOADS: Final = _ca("loads", "counter", "Loader calls on a miss (policy layer).")
_LOAD_ERRORS: Final = _ca("load_errors", "counter", "Loader calls that failed.")
_ENTRIES: Final = _ca("entries", "gauge", "Entries held, where the layer knows.")
_BYTES: Final = _ca("bytes", "gauge", "Bytes held, where the layer knows.", unit="By")

_EXECUTOR_SPECS: Final = (
    _REQUESTS,
    _ATTEMPTS,
    _FAILURES,
    _COALESCED,
    _REJECTED,
    _BATCH_CALLS,
    _BATCH_KEYS,
    _IN_FLIGHT,
    _WAITING,
    _PAUSED,
    _BREAKER,
    _LATENCY,
    _LIMITER_WAIT,
    _LAST_SUCCESS,
    _LAST_ERROR,
)
_CACHE_SPECS: Final = (
    _LOOKUPS,
    _HIT_RATIO,
    _LAYER_ERRORS,
    _EVICTIONS,
    _SETS,
    _LOADS,
    _LOAD_ERRORS,
    _ENTRIES,
    _BYTES,
)
_SNAPSHOT_SPECS: Final = (*_EXECUTOR_SPECS, *_CACHE_SPECS)


def metric_specs() -> tuple[MetricSpec, ...]:
    """Every metric the exporters can produce (event counters, the pause histogram, the
    catch-all ``events`` counter, then the snapshot series)."""
    return (*_EVENTS.values(), _PAUSE_SECONDS, _OTHER_EVENT, *_SNAPSHOT_SPECS)


Sample = tuple[MetricSpec, tuple[str, ...], float]


def _executor_samples(snap: ExecutorMetrics) -> Iterator[Sample]:
    s = _clean(snap.source)
    yield _REQUESTS, (s,), snap.requests
    yield _ATTEMPTS, (s,), snap.attempts
    yield _FAILURES, (s,), snap.failures
    yield _COALESCED, (s,), snap.coalesced
    yield _REJECTED, (s,), snap.circuit_open_rejections
    yield _BATCH_CALLS, (s,), snap.batch_calls
    yield _BATCH_KEYS, (s,), snap.batch_keys
    yield _IN_FLIGHT, (s,), snap.in_flight
    yield _WAITING, (s,), snap.limiter_waiting
    yield _PAUSED, (s,), snap.paused_for_s
    states = (
        _BREAKER_STATES
        if snap.breaker_state in _BREAKER_STATES
        else (
            *_BREAKER_STATES,
            _clean(snap.breaker_state),
        )
    )
    for state in states:
        yield _BREAKER, (s, state), 1.0 if state == snap.breaker_state else 0.0
    yield _LATENCY, (s, "0.5"), snap.latency_p50_s
    yield _LATENCY, (s, "0.95"), snap.latency_p95_s
    for lane, wait in snap.limiter_wait.items():
        name = getattr(lane, "name", str(lane))
        yield _LIMITER_WAIT, (s, name, "0.5"), wait.p50_s
        yield _LIMITER_WAIT, (s, name, "0.95"), wait.p95_s
    if snap.last_success_at is not None:
        yield _LAST_SUCCESS, (s,), snap.last_success_at
    if snap.last_error_at is not None:
        yield _LAST_ERROR, (s,), snap.last_error_at


def _cache_samples(stats: CacheStats) -> Iterator[Sample]:
    layer = _clean(stats.layer)
    yield _LOOKUPS, (layer, "hit"), stats.hits
    yield _LOOKUPS, (layer, "stale"), stats.stale_serves
    yield _LOOKUPS, (layer, "miss"), stats.misses
    yield _HIT_RATIO, (layer,), stats.hit_rate
    yield _LAYER_ERRORS, (layer,), stats.errors
    yield _EVICTIONS, (layer,), stats.evictions
    yield _SETS, (layer,), stats.sets
    yield _LOADS, (layer,), stats.loads
    yield _LOAD_ERRORS, (layer,), stats.load_errors
    yield _ENTRIES, (layer,), stats.entries
    yield _BYTES, (layer,), stats.bytes


def _clean(value: object) -> str:
    """A label value: redacted, one line, at most 64 characters."""
    text = redact(str(value)).replace("\n", " ").replace("\r", " ")
    return text if len(text) <= _MAX_LABEL else text[: _MAX_LABEL - 3] + "..."


def _check_name(value: str, setting: str) -> str:
    raw: object = value
    if not isinstance(raw, str) or not _NAME.match(raw):
        raise ConfigurationError(
            f"{setting} must match [a-zA-Z_][a-zA-Z0-9_]*, got {value!r}", setting=setting
        )
    return value


class _SnapshotSource:
    """What both exporters share: event routing, pushed snapshots and bound clients."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._executors: dict[str, ExecutorMetrics] = {}
        self._cache: dict[str, CacheStats] = {}
        self._clients: list[AsyncClient] = []

    # -- binding ---------------------------------------------------------------------------

    def bind(self, client: AsyncClient) -> Self:
        """Also read ``client``'s executors and cache each time the metrics are collected
        (on the collecting thread: bind a client that lives on that thread's event loop,
        or accept counters read a moment apart)."""
        with self._lock:
            if all(c is not client for c in self._clients):
                self._clients.append(client)
        return self

    def unbind(self, client: AsyncClient) -> None:
        with self._lock:
            self._clients = [c for c in self._clients if c is not client]

    # -- MetricsHook -----------------------------------------------------------------------

    def on_event(self, name: str, labels: Mapping[str, str], value: float = 1.0) -> None:
        spec = _EVENTS.get(name)
        raw: object = value
        amount = float(value) if isinstance(raw, int | float) and math.isfinite(value) else 1.0
        if spec is None:
            self._count(_OTHER_EVENT, (_clean(name), _clean(labels.get("source", ""))), 1.0)
            return
        values = tuple(_clean(labels.get(label, "")) for label in spec.labels)
        self._count(spec, values, max(0.0, amount))
        if name == "executor.pause":
            try:
                seconds = float(labels.get("seconds", ""))
            except ValueError:
                return
            if math.isfinite(seconds) and seconds >= 0:
                self._observe(_PAUSE_SECONDS, (_clean(labels.get("source", "")),), seconds)

    def on_snapshot(self, source: str, snapshot: Any) -> None:
        """Keep the latest :class:`~savantsdk.ExecutorMetrics` per source, or
        :class:`~savantsdk.cache.CacheStats` per layer (also a mapping of them)."""
        with self._lock:
            if isinstance(snapshot, ExecutorMetrics):
                self._executors[snapshot.source] = snapshot
            elif isinstance(snapshot, CacheStats):
                self._cache[snapshot.layer] = snapshot
            elif isinstance(snapshot, Mapping):
                for stats in snapshot.values():
                    if isinstance(stats, CacheStats):
                        self._cache[stats.layer] = stats
            else:
                log.debug("savantsdk metrics: ignored a %s snapshot", type(snapshot).__name__)

    # -- collection ------------------------------------------------------------------------

    def _current(self) -> tuple[dict[str, ExecutorMetrics], dict[str, CacheStats]]:
        with self._lock:
            executors = dict(self._executors)
            cache = dict(self._cache)
            clients = list(self._clients)
        for client in clients:
            for _ in range(3):  # the client may add an executor on another thread meanwhile
                try:
                    executors.update(client.metrics())
                    break
                except RuntimeError:
                    continue
            if client.cache is not None:
                cache.update(client.cache.stats())
        return executors, cache

    def samples(self) -> list[Sample]:
        """Every snapshot sample now (bound clients read fresh)."""
        executors, cache = self._current()
        out: list[Sample] = []
        for name in sorted(executors):
            out.extend(_executor_samples(executors[name]))
        for layer in sorted(cache):
            out.extend(_cache_samples(cache[layer]))
        return out

    def _count(self, spec: MetricSpec, values: tuple[str, ...], amount: float) -> None:
        raise NotImplementedError

    def _observe(self, spec: MetricSpec, values: tuple[str, ...], amount: float) -> None:
        raise NotImplementedError


# -- Prometheus ------------------------------------------------------------------------------


class PrometheusExporter(_SnapshotSource):
    """A :class:`~savantsdk.typing.MetricsHook` writing to a ``prometheus_client`` registry.

    ``registry``: a fresh ``CollectorRegistry`` by default (pass
    ``prometheus_client.REGISTRY`` to join the process-wide one).  Names start with
    ``namespace`` (``savantsdk``).  Needs the ``prometheus`` extra.
    """

    def __init__(
        self,
        *,
        registry: CollectorRegistry | None = None,
        namespace: str = "savantsdk",
        pause_buckets: Sequence[float] = PAUSE_BUCKETS,
    ) -> None:
        try:
            import prometheus_client
        except ImportError as exc:
            raise ConfigurationError(
                "PrometheusExporter needs prometheus_client, which comes with the "
                "'prometheus' extra: pip install 'savantsdk[prometheus]'",
                setting="extras",
            ) from exc
        super().__init__()
        self._ns = _check_name(namespace, "namespace")
        self._registry = registry if registry is not None else prometheus_client.CollectorRegistry()
        self._counters: dict[str, Any] = {}
        for spec in (*_EVENTS.values(), _OTHER_EVENT):
            self._counters[spec.name] = prometheus_client.Counter(
                f"{self._ns}_{spec.name}",
                spec.help,
                spec.labels,
                registry=self._registry,
            )
        self._pause_hist = prometheus_client.Histogram(
            f"{self._ns}_{_PAUSE_SECONDS.name}",
            _PAUSE_SECONDS.help,
            _PAUSE_SECONDS.labels,
            buckets=tuple(pause_buckets),
            registry=self._registry,
        )
        self._registry.register(_prometheus_collector(self))

    def __repr__(self) -> str:
        return f"<PrometheusExporter namespace={self._ns!r} bound={len(self._clients)}>"

    @property
    def registry(self) -> CollectorRegistry:
        return self._registry

    @property
    def namespace(self) -> str:
        return self._ns

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` of :meth:`render` (``prometheus_client``'s text format)."""
        from prometheus_client import CONTENT_TYPE_LATEST

        return CONTENT_TYPE_LATEST

    def render(self) -> bytes:
        """The registry in the Prometheus text exposition format."""
        from prometheus_client import generate_latest

        return generate_latest(self._registry)

    def _count(self, spec: MetricSpec, values: tuple[str, ...], amount: float) -> None:
        counter = self._counters[spec.name]
        (counter.labels(*values) if values else counter).inc(amount)

    def _observe(self, spec: MetricSpec, values: tuple[str, ...], amount: float) -> None:
        self._pause_hist.labels(*values).observe(amount)


def _prometheus_collector(exporter: PrometheusExporter) -> Any:
    from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
    from prometheus_client.registry import Collector

    ns = exporter.namespace

    def family(spec: MetricSpec) -> CounterMetricFamily | GaugeMetricFamily:
        cls = CounterMetricFamily if spec.kind == "counter" else GaugeMetricFamily
        return cls(f"{ns}_{spec.name}", spec.help, labels=spec.labels)

    class SnapshotCollector(Collector):
        def describe(self) -> Iterable[Metric]:
            return [family(spec) for spec in _SNAPSHOT_SPECS]

        def collect(self) -> Iterable[Metric]:
            families: dict[str, Any] = {}
            for spec, values, value in exporter.samples():
                fam = families.get(spec.name)
                if fam is None:
                    fam = families[spec.name] = family(spec)
                fam.add_metric(values, float(value))
            return list(families.values())

    return SnapshotCollector()


# -- OpenTelemetry ---------------------------------------------------------------------------


class OpenTelemetryExporter(_SnapshotSource):
    """A :class:`~savantsdk.typing.MetricsHook` recording OpenTelemetry instruments.

    Event counters and the pause histogram are synchronous instruments; snapshot series are
    observable counters and gauges whose callbacks read the latest snapshots (and bound
    clients) at each collection.  ``meter_provider``: the global one by default.  Names
    start with ``prefix`` + ``.``.  Needs the ``otel`` extra (``opentelemetry-api``; an SDK
    such as ``opentelemetry-sdk`` to export anything).
    """

    def __init__(
        self,
        *,
        meter_provider: MeterProvider | None = None,
        prefix: str = "savantsdk",
    ) -> None:
        try:
            from opentelemetry import metrics as otel_metrics
        except ImportError as exc:
            raise ConfigurationError(
                "OpenTelemetryExporter needs opentelemetry-api, which comes with the 'otel' "
                "extra: pip install 'savantsdk[otel]'",
                setting="extras",
            ) from exc
        super().__init__()
        self._prefix = _check_name(prefix, "prefix")
        provider = meter_provider or otel_metrics.get_meter_provider()
        self._meter: Meter = provider.get_meter("savantsdk", version())
        self._memo: tuple[float, list[Sample]] | None = None
        self._instruments: dict[str, Any] = {}
        for spec in (*_EVENTS.values(), _OTHER_EVENT):
            self._instruments[spec.name] = self._meter.create_counter(
                self._name(spec), unit=spec.unit or "1", description=spec.help
            )
        self._instruments[_PAUSE_SECONDS.name] = self._meter.create_histogram(
            self._name(_PAUSE_SECONDS), unit="s", description=_PAUSE_SECONDS.help
        )
        for spec in _SNAPSHOT_SPECS:
            create = (
                self._meter.create_observable_counter
                if spec.kind == "counter"
                else self._meter.create_observable_gauge
            )
            self._instruments[spec.name] = create(
                self._name(spec),
                callbacks=[self._callback(spec)],
                unit=spec.unit or "1",
                description=spec.help,
            )

    def __repr__(self) -> str:
        return f"<OpenTelemetryExporter prefix={self._prefix!r} bound={len(self._clients)}>"

    @property
    def meter(self) -> Meter:
        return self._meter

    def _name(self, spec: MetricSpec) -> str:
        return f"{self._prefix}.{spec.otel_name}"

    def _callback(self, spec: MetricSpec) -> Any:
        from opentelemetry.metrics import Observation

        def observe(options: CallbackOptions) -> Iterable[Observation]:
            return [
                Observation(float(value), dict(zip(spec.labels, values, strict=True)))
                for s, values, value in self._collection_samples()
                if s is spec
            ]

        return observe

    def _collection_samples(self) -> list[Sample]:
        # One collection calls every observable callback in a row: take the snapshots once
        # for all of them (quantiles sort reservoirs) rather than once per instrument.
        now = time.monotonic()
        memo = self._memo
        if memo is not None and now - memo[0] < _COLLECTION_S:
            return memo[1]
        got = self.samples()
        self._memo = (now, got)
        return got

    def _count(self, spec: MetricSpec, values: tuple[str, ...], amount: float) -> None:
        self._instruments[spec.name].add(amount, dict(zip(spec.labels, values, strict=True)))

    def _observe(self, spec: MetricSpec, values: tuple[str, ...], amount: float) -> None:
        self._instruments[spec.name].record(amount, dict(zip(spec.labels, values, strict=True)))

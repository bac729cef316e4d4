"""``savantsdk.metrics``: the MetricsHook adapters for Prometheus and OpenTelemetry."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest

from savantsdk import (
    ApiKeys,
    AsyncClient,
    BreakerPolicy,
    CircuitOpenError,
    ConfigurationError,
    SourceSettings,
)
from savantsdk._clock import FakeClock
from savantsdk.cache import CacheStats
from savantsdk.executor import Executor
from savantsdk.metrics import OpenTelemetryExporter, PrometheusExporter, metric_specs
from savantsdk.testing import no_backoff

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
SECRET = "s3cr3t-odds-key-abcdef0123456789"
URLS = {"statsapi": "https://stats.test", "odds_api": "https://odds.test"}


def _need(module: str, extra: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError:
        if IN_CI:
            pytest.fail(f"{module} (savantsdk[{extra}]) is required in CI but is not installed")
        pytest.skip(f"{module} not installed (savantsdk[{extra}])")


@pytest.fixture
def prom() -> PrometheusExporter:
    _need("prometheus_client", "prometheus")
    return PrometheusExporter()


@pytest.fixture
def otel() -> Iterator[tuple[OpenTelemetryExporter, Any]]:
    _need("opentelemetry.metrics", "otel")
    sdk = _need("opentelemetry.sdk.metrics", "otel")
    export = _need("opentelemetry.sdk.metrics.export", "otel")
    reader = export.InMemoryMetricReader()
    provider = sdk.MeterProvider(metric_readers=[reader])
    yield OpenTelemetryExporter(meter_provider=provider), reader
    provider.shutdown()


def parse(exporter: PrometheusExporter) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    from prometheus_client.parser import text_string_to_metric_families

    out: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}
    for family in text_string_to_metric_families(exporter.render().decode()):
        for s in family.samples:
            out[(s.name, frozenset(s.labels.items()))] = s.value
    return out


def key(name: str, **labels: str) -> tuple[str, frozenset[tuple[str, str]]]:
    return name, frozenset(labels.items())


def flaky_transport() -> httpx.MockTransport:
    """statsapi: a 429 (Retry-After 2) then 200s; odds_api: always 503."""
    calls = {"statsapi": 0}

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.host == "odds.test":
            return httpx.Response(503, json={"message": "down"})
        calls["statsapi"] += 1
        if calls["statsapi"] == 1:
            return httpx.Response(429, headers={"retry-after": "2"})
        return httpx.Response(200, json={})

    return httpx.MockTransport(handle)


def make_client(hook: object, clock: FakeClock) -> AsyncClient:
    return AsyncClient(
        base_urls=URLS,
        http_transport=flaky_transport(),
        clock=clock,
        hooks=[hook],  # type: ignore[list-item]
        retry=no_backoff(3),
        breaker=BreakerPolicy(fail_max=1, reset_timeout_s=60),
        api_keys=ApiKeys(odds_api=SECRET),
    )


async def drive(client: AsyncClient) -> float:
    """One retried 429 on statsapi, a breaker-opening 503 on odds_api, two cache lookups."""
    await client.request("statsapi", "GET", "/api/v1/schedule")
    success_at = client.clock.time()
    # the 503 opens the breaker (fail_max=1), so the retry fails fast
    with pytest.raises(CircuitOpenError):
        await client.request("odds_api", "GET", "/v4/sports", params={"apiKey": SECRET})
    last_error = client.metrics()["odds_api"].last_error
    assert last_error is not None
    assert last_error.startswith("SourceServerError")  # the cause, not the fail-fast
    assert client.cache is not None
    await client.cache.set("k", 1)
    await client.cache.get("k")
    await client.cache.get("absent")
    return success_at


@pytest.mark.anyio
async def test_prometheus_counts_events_and_reads_bound_snapshots(
    prom: PrometheusExporter, clean_env: pytest.MonkeyPatch
) -> None:
    clock = FakeClock(autojump=True)
    async with make_client(prom, clock) as client:
        prom.bind(client)
        success_at = await drive(client)
        got = parse(prom)
    ns = "savantsdk"
    src = {"source": "statsapi"}
    assert (
        got[key(f"{ns}_executor_retries_total", lane="PROPS", error="RateLimitedError", **src)] == 1
    )
    assert got[key(f"{ns}_executor_rate_limited_total", lane="PROPS", **src)] == 1
    assert got[key(f"{ns}_executor_pauses_total", reason="429 Retry-After", **src)] == 1
    assert got[key(f"{ns}_executor_pause_duration_seconds_count", **src)] == 1
    assert got[key(f"{ns}_executor_pause_duration_seconds_sum", **src)] == 2.0
    assert got[key(f"{ns}_executor_pause_duration_seconds_bucket", le="1.0", **src)] == 0
    assert got[key(f"{ns}_executor_pause_duration_seconds_bucket", le="2.0", **src)] == 1
    assert got[key(f"{ns}_executor_requests_total", **src)] == 1
    assert got[key(f"{ns}_executor_attempts_total", **src)] == 2
    assert got[key(f"{ns}_executor_failures_total", **src)] == 0
    assert got[key(f"{ns}_executor_breaker_state", state="closed", **src)] == 1
    assert got[key(f"{ns}_executor_last_success_timestamp_seconds", **src)] == success_at
    # the retried 429 is statsapi's last error, older than its last success
    assert got[key(f"{ns}_executor_last_error_timestamp_seconds", **src)] <= success_at
    odds = {"source": "odds_api"}
    transition = key(
        f"{ns}_executor_breaker_transitions_total", from_state="closed", to_state="open", **odds
    )
    assert got[transition] == 1
    assert got[key(f"{ns}_executor_breaker_state", state="open", **odds)] == 1
    assert got[key(f"{ns}_executor_breaker_state", state="closed", **odds)] == 0
    assert got[key(f"{ns}_executor_failures_total", **odds)] == 1
    assert key(f"{ns}_executor_last_error_timestamp_seconds", **odds) in got
    assert got[key(f"{ns}_cache_lookups_total", layer="policy", result="hit")] == 1
    assert got[key(f"{ns}_cache_lookups_total", layer="policy", result="miss")] == 1
    assert got[key(f"{ns}_cache_hit_ratio", layer="policy")] == 0.5
    assert got[key(f"{ns}_executor_latency_seconds", quantile="0.95", **src)] >= 0
    text = prom.render().decode()
    assert SECRET not in text
    assert "odds.test" not in text  # no URL in any label


def test_prometheus_uses_its_own_registry_by_default(prom: PrometheusExporter) -> None:
    import prometheus_client

    other = PrometheusExporter()  # a second one must not collide
    assert other.registry is not prom.registry
    prom.on_event("executor.retry", {"source": "savant", "lane": "LIVE", "error": "X"})
    assert b"savantsdk_" in prom.render()
    assert b"savantsdk_" not in prometheus_client.generate_latest(prometheus_client.REGISTRY)
    assert prom.content_type.startswith("text/plain")
    shared = prometheus_client.CollectorRegistry()
    mine = PrometheusExporter(registry=shared, namespace="svc")
    mine.on_event("executor.retry", {"source": "savant", "lane": "LIVE", "error": "X"})
    assert (
        shared.get_sample_value(
            "svc_executor_retries_total", {"source": "savant", "lane": "LIVE", "error": "X"}
        )
        == 1
    )
    with pytest.raises(ConfigurationError):
        PrometheusExporter(namespace="bad-name")


def test_labels_are_redacted_bounded_and_never_free_text(prom: PrometheusExporter) -> None:
    ApiKeys(odds_api=SECRET)  # registers the key with the redactor, as the client does
    prom.on_event(
        "executor.pause", {"source": "odds_api", "reason": f"manual {SECRET}", "seconds": "3"}
    )
    prom.on_event("executor.retry", {"source": "x" * 200, "lane": "LIVE", "error": "E"})
    prom.on_event("cache.corrupt", {"reason": f"bad entry https://h/?apiKey={SECRET}"})
    prom.on_event("custom.thing", {"source": "savant", "url": f"https://h/?key={SECRET}"})
    got = parse(prom)
    text = prom.render().decode()
    assert SECRET not in text
    assert "apiKey" not in text  # cache.corrupt's reason is dropped, not exported
    assert got[key("savantsdk_executor_pauses_total", source="odds_api", reason="manual ***")] == 1
    long = [labels for (name, labels) in got if name == "savantsdk_executor_retries_total"]
    assert len(long) == 1
    source = dict(long[0])["source"]
    assert len(source) == 64
    assert source.endswith("...")
    assert got[key("savantsdk_cache_corrupt_total")] == 1
    assert got[key("savantsdk_events_total", event="custom.thing", source="savant")] == 1


@pytest.mark.anyio
async def test_pushed_snapshots_are_exported(prom: PrometheusExporter) -> None:
    clock = FakeClock(autojump=True)
    settings = SourceSettings(name="savant", base_url="https://savant.test")
    async with Executor(settings, clock=clock, hooks=[prom]) as ex:

        async def one() -> int:
            return 1

        for _ in range(3):
            await ex.call(one)
        ex.publish_metrics()  # on_snapshot(source, ExecutorMetrics)
        await ex.call(one)  # not published yet
    prom.on_snapshot("cache", CacheStats(layer="memory", hits=3, misses=1, entries=7))
    prom.on_snapshot("ignored", object())
    got = parse(prom)
    assert got[key("savantsdk_executor_requests_total", source="savant")] == 3
    assert got[key("savantsdk_cache_entries", layer="memory")] == 7
    assert got[key("savantsdk_cache_hit_ratio", layer="memory")] == 0.75


def test_every_spec_has_one_name_and_labels_of_its_own() -> None:
    specs = metric_specs()
    assert len({s.name for s in specs}) == len(specs)
    assert len({s.otel_name for s in specs}) == len(specs)
    for s in specs:
        assert s.name.replace("_", "").isalnum()
        if s.name.startswith("executor_"):
            assert s.labels[0] == "source"


def _points(reader: Any) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    data = reader.get_metrics_data()
    for rm in data.resource_metrics:
        for sm in rm.scope_metrics:
            for metric in sm.metrics:
                out[metric.name] = list(metric.data.data_points)
    return out


def _value(points: list[Any], **attrs: str) -> Any:
    found = [p for p in points if dict(p.attributes) == attrs]
    assert len(found) == 1, (attrs, [dict(p.attributes) for p in points])
    return found[0]


@pytest.mark.anyio
async def test_opentelemetry_instruments(
    otel: tuple[OpenTelemetryExporter, Any], clean_env: pytest.MonkeyPatch
) -> None:
    exporter, reader = otel
    clock = FakeClock(autojump=True)
    async with make_client(exporter, clock) as client:
        exporter.bind(client)
        success_at = await drive(client)
        points = _points(reader)
    src = {"source": "statsapi"}
    retries = points["savantsdk.executor.retries"]
    assert _value(retries, lane="PROPS", error="RateLimitedError", **src).value == 1
    pause = _value(points["savantsdk.executor.pause_duration"], **src)
    assert (pause.count, pause.sum) == (1, 2.0)
    assert _value(points["savantsdk.executor.requests"], **src).value == 1
    assert _value(points["savantsdk.executor.attempts"], **src).value == 2
    state = points["savantsdk.executor.breaker_state"]
    assert _value(state, state="open", source="odds_api").value == 1
    assert _value(state, state="closed", **src).value == 1
    last = points["savantsdk.executor.last_success_timestamp"]
    assert _value(last, **src).value == success_at
    transitions = points["savantsdk.executor.breaker_transitions"]
    assert _value(transitions, source="odds_api", from_state="closed", to_state="open").value == 1
    hits = points["savantsdk.cache.lookups"]
    assert _value(hits, layer="policy", result="hit").value == 1
    everything = repr(points)
    assert SECRET not in everything
    assert "odds.test" not in everything


def test_missing_extras_name_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "prometheus_client", None)
    with pytest.raises(ConfigurationError, match=r"savantsdk\[prometheus\]"):
        PrometheusExporter()
    monkeypatch.setitem(sys.modules, "opentelemetry", None)
    monkeypatch.setitem(sys.modules, "opentelemetry.metrics", None)
    with pytest.raises(ConfigurationError, match=r"savantsdk\[otel\]"):
        OpenTelemetryExporter()


def test_public_modules_import_without_the_extras() -> None:
    code = (
        "import sys\n"
        "for m in ('prometheus_client', 'opentelemetry', 'starlette', 'uvicorn'):\n"
        "    sys.modules[m] = None\n"
        "import savantsdk.metrics, savantsdk.alerts, savantsdk.server\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"

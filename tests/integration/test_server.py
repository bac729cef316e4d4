"""``savantsdk.server`` over real HTTP: uvicorn on a loopback port in a thread, httpx as the
caller, and the SDK client pointed at ``FakeUpstream``."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import socket
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from savantsdk import ApiKeys, AsyncClient
from savantsdk.testing import FakeUpstream, SimulatedLeague, no_backoff

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
HISTORY_DAYS = 4
CREDITS = 5000
NO_RETRY = no_backoff(1)


def _need(module: str, extra: str) -> None:
    try:
        importlib.import_module(module)
    except ImportError:
        if IN_CI:
            pytest.fail(f"{module} (savantsdk[{extra}]) is required in CI but is not installed")
        pytest.skip(f"{module} not installed (savantsdk[{extra}])")


@pytest.fixture(scope="module", autouse=True)
def _extras() -> None:
    _need("starlette", "server")
    _need("uvicorn", "server")
    _need("prometheus_client", "prometheus")


@pytest.fixture(scope="module")
def server() -> Iterator[FakeUpstream]:
    league = SimulatedLeague(seed=5, days=HISTORY_DAYS + 1)
    last = league.dates[-1]
    # 16:00 UTC on the slate's day: early games have posted lineups, night games do not.
    with FakeUpstream(league, now=datetime(last.year, last.month, last.day, 16, tzinfo=UTC)) as f:
        yield f


@pytest.fixture
def fake(server: FakeUpstream) -> Iterator[FakeUpstream]:
    server.clear_faults()
    server.reset_counts()
    yield server
    server.clear_faults()


def make_client(fake: FakeUpstream, **kw: Any) -> AsyncClient:
    return AsyncClient(
        base_urls=fake.base_urls,
        api_keys=ApiKeys(odds_api=fake.api_keys["odds_api"]),
        **kw,
    )


@contextlib.contextmanager
def serve(app: Any) -> Iterator[str]:
    """Run ``app`` under uvicorn (lifespan on) on a free 127.0.0.1 port in a thread."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(server.serve(sockets=[sock]))
        except BaseException as exc:  # re-raised below
            failure.append(exc)

    thread = threading.Thread(target=run, name="savantsdk-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if failure or not thread.is_alive():
            raise RuntimeError("the test server did not start") from (failure or [None])[0]
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start within 20 s")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()
    assert not thread.is_alive()
    assert not failure, failure


def slate_day(fake: FakeUpstream) -> date:
    return fake.league.dates[-1]


def test_create_app_serves_health_props_and_metrics(fake: FakeUpstream) -> None:
    from savantsdk.metrics import PrometheusExporter
    from savantsdk.server import create_app

    prom = PrometheusExporter()
    clients: list[AsyncClient] = []

    def factory() -> AsyncClient:
        clients.append(make_client(fake, hooks=[prom]))
        return clients[-1]

    app = create_app(factory, metrics=prom, history_days=HISTORY_DAYS)
    fake.set_odds_api_credits(CREDITS)
    day = slate_day(fake)
    with serve(app) as base, httpx.Client(base_url=base, timeout=120) as http:
        r = http.get("/health")
        assert r.status_code == 200
        assert r.headers["content-type"] == "application/json"
        health = r.json()
        assert health["status"] == "ok"
        assert set(health["sources"]) == {
            "savant",
            "statsapi",
            "prizepicks",
            "odds_api",
            "sportradar",
            "chadwick",
        }
        assert not any(s["used"] for s in health["sources"].values())
        assert health["cache"]["backend"] == "MemoryCache"
        assert fake.count() == 0  # passive: nothing went upstream

        r = http.get(
            "/props",
            params={"date": day.isoformat(), "markets": "hits,pitcher_strikeouts", "min_edge": "0"},
        )
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["date"] == day.isoformat()
        rows = body["rows"]
        assert body["count"] == len(rows) > 0
        assert {row["stat"] for row in rows} == {"hits", "pitcher_strikeouts"}
        scheduled = {g.game_pk for g in fake.league.games_on(day)}
        assert {row["game_pk"] for row in rows} <= scheduled
        # min_edge keeps props with at least one priced line at that edge or better
        best: dict[tuple[int, str], float] = {}
        for row in rows:
            if row["edge"] is not None:
                k = (row["player_id"], row["stat"])
                best[k] = max(best.get(k, -1.0), row["edge"])
        assert {(row["player_id"], row["stat"]) for row in rows} == set(best)
        assert all(edge >= 0 for edge in best.values())
        assert body["report"]["lines_served_by"] == ["odds_api"]
        assert body["report"]["skipped_games"] == {}
        assert body["degraded"] is None  # nothing failed on a clean fake
        assert fake.api_keys["odds_api"] not in r.text

        r = http.get("/health")
        assert r.status_code == 200
        sources = r.json()["sources"]
        for name in ("savant", "statsapi", "odds_api"):
            assert sources[name]["used"], name
            assert sources[name]["status"] == "ok", sources[name]
            assert sources[name]["last_success_at"] is not None
        # FakeUpstream sends x-requests-remaining: the credits left show up
        left = sources["odds_api"]["quota_remaining"]
        assert fake.odds_api_credits_used > 0
        assert CREDITS - fake.odds_api_credits_used <= left < CREDITS

        r = http.get("/metrics")
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/plain; version=")
        text = r.text
        requests = _sample(text, 'savantsdk_executor_requests_total{source="savant"}')
        assert requests >= HISTORY_DAYS
        assert (
            _sample(text, 'savantsdk_executor_breaker_state{source="statsapi",state="closed"}') == 1
        )
        assert "# TYPE savantsdk_executor_retries_total counter" in text  # event counters too
        assert fake.api_keys["odds_api"] not in text

        for params, setting in [
            ({"date": "2024-13-45"}, "date"),
            ({}, "date"),
            ({"date": day.isoformat(), "min_edge": "lots"}, "min_edge"),
            ({"date": day.isoformat(), "min_edge": "nan"}, "min_edge"),
            ({"date": day.isoformat(), "markets": "hits,touchdowns"}, "markets"),
            ({"date": day.isoformat(), "players": "1"}, "players"),
        ]:
            r = http.get("/props", params=params)
            assert r.status_code == 400, (params, r.text)
            assert r.json()["setting"] == setting
            assert r.json()["type"] == "ConfigurationError"
    # the app built the client at startup and closed it at shutdown
    assert len(clients) == 1
    assert clients[0]._closed


def _sample(text: str, series: str) -> float:
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{series} not in the exposition")


def test_router_mounts_and_health_is_503_when_a_critical_source_is_down(
    fake: FakeUpstream,
) -> None:
    from starlette.applications import Starlette
    from starlette.routing import Mount

    from savantsdk.server import router

    client = make_client(fake, retry=NO_RETRY)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with client:  # the router never opens or closes the client
            yield

    ops = router(client, probe=["statsapi", "savant"], probe_timeout_s=5, critical=["statsapi"])
    app = Starlette(routes=[Mount("/ops", app=ops)], lifespan=lifespan)
    fake.faults("statsapi", "*", server_error=1.0)
    with serve(app) as base, httpx.Client(base_url=base, timeout=60) as http:
        r = http.get("/ops/health")
        assert r.status_code == 503, r.text
        health = r.json()
        assert health["status"] == "down"
        statsapi = health["sources"]["statsapi"]
        assert statsapi["status"] == "down"
        assert statsapi["probe"]["reachable"] is False
        assert statsapi["probe"]["status_code"] == 503
        assert statsapi["last_error"].startswith("SourceServerError")
        savant = health["sources"]["savant"]
        assert savant["probe"]["reachable"] is True
        assert savant["status"] == "ok"
        assert fake.count("statsapi") == 1  # one HEAD, no retry
        assert [q.method for q in fake.requests("statsapi")] == ["HEAD"]

        r = http.get("/ops/props", params={"date": slate_day(fake).isoformat()})
        assert r.status_code == 502, r.text
        assert r.json()["type"] == "SourceServerError"

        fake.clear_faults()
        r = http.get("/ops/health")
        assert r.status_code == 200, r.text
        assert r.json()["sources"]["statsapi"]["status"] == "ok"
        assert r.json()["status"] == "ok"

        r = http.get("/ops/metrics")
        assert r.status_code == 200
        assert 'savantsdk_executor_failures_total{source="statsapi"}' in r.text
    assert client._closed


def test_metrics_without_the_prometheus_extra_is_a_501_naming_it(
    fake: FakeUpstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    from savantsdk.server import create_app

    monkeypatch.setitem(sys.modules, "prometheus_client", None)  # as if not installed
    app = create_app(lambda: make_client(fake))
    with serve(app) as base, httpx.Client(base_url=base, timeout=60) as http:
        r = http.get("/metrics")
        assert r.status_code == 501
        assert r.json()["setting"] == "extras"
        assert "savantsdk[prometheus]" in r.json()["error"]
        assert http.get("/health").status_code == 200  # the other routes still serve

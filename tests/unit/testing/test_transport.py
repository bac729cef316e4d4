"""``FakeUpstream.transport()``: every source in process, no socket, same log and faults."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from savantsdk import ApiKeys, AsyncClient, SourceServerError
from savantsdk.testing import FakeUpstream, SimulatedLeague, no_backoff

pytestmark = pytest.mark.anyio

HISTORY_DAYS = 2


@pytest.fixture
def fake() -> FakeUpstream:
    league = SimulatedLeague(seed=5, days=HISTORY_DAYS + 1)
    last = league.dates[-1]
    # never started: transport() needs no server thread and no port
    return FakeUpstream(league, now=datetime(last.year, last.month, last.day, 16, tzinfo=UTC))


def make_client(fake: FakeUpstream, **kw: object) -> AsyncClient:
    return AsyncClient(
        base_urls=fake.base_urls,
        api_keys=ApiKeys(odds_api=fake.api_keys["odds_api"]),
        http_transport=fake.transport(),
        **kw,  # type: ignore[arg-type]
    )


async def test_props_generate_runs_over_the_in_process_transport(fake: FakeUpstream) -> None:
    day = fake.league.dates[-1]
    scheduled = sorted(g.game_pk for g in fake.league.games_on(day))
    async with make_client(fake) as client:
        props = await client.props.generate(day, history_days=HISTORY_DAYS)
        report = client.props.last_report
    assert fake.port == 0  # no socket was ever bound
    assert report is not None
    assert report.games_scheduled == len(scheduled) == 15
    assert sorted(report.games_priced) == scheduled
    assert report.history_errors == {}
    assert report.lines_served_by == ("odds_api",)
    assert {p.game_pk for p in props} == set(scheduled)
    # the request log counts these requests exactly as the server does
    assert {r.source for r in fake.requests()} >= {"savant", "statsapi", "odds_api"}
    assert all(r.status == 200 for r in fake.requests())
    assert fake.count("statsapi", "/api/v1/schedule") >= 1
    assert fake.odds_api_credits_used > 0


async def test_faults_and_rate_limits_apply_over_the_transport(fake: FakeUpstream) -> None:
    fake.faults("statsapi", "/api/v1/teams", server_error=1.0)
    fake.rate_limit("prizepicks", 1.0, burst=1.0)
    async with httpx.AsyncClient(transport=fake.transport(), base_url="http://fake") as c:
        teams = await c.get("/statsapi/api/v1/teams")
        ok = await c.get("/prizepicks/projections")
        limited = await c.get("/prizepicks/projections")
        html = await c.get("/savant/leaderboard/statcast")  # no csv=true: the HTML page
        bad_key = await c.get("/oddsapi/v4/sports?apiKey=wrong")
    assert teams.status_code == 503
    assert ok.status_code == 200
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "1"
    assert html.headers["content-type"].startswith("text/html")
    assert bad_key.json()["error_code"] == "INVALID_KEY"
    assert [(r.source, r.status, r.fault) for r in fake.requests()] == [
        ("statsapi", 503, "server_error"),
        ("prizepicks", 200, None),
        ("prizepicks", 429, "rate_limited"),
        ("savant", 200, None),
        ("odds_api", 401, None),
    ]
    assert fake.requests("odds_api")[0].query == "apiKey=REDACTED"


async def test_a_server_error_reaches_the_sdk_as_a_retryable_failure(fake: FakeUpstream) -> None:
    fake.faults("statsapi", "/api/v1/teams", server_error=1.0)
    async with make_client(fake, retry=no_backoff(3)) as client:
        with pytest.raises(SourceServerError) as info:
            await client.request("statsapi", "GET", "/api/v1/teams")
    assert info.value.status_code == 503
    assert fake.count("statsapi", "/api/v1/teams") == 3


def test_the_blocking_client_takes_the_transport_too() -> None:
    from savantsdk import Client

    fake = FakeUpstream(SimulatedLeague(seed=5, days=3))
    with Client(base_urls=fake.base_urls, http_transport=fake.transport(), cache=None) as client:
        schedule = client.statsapi.schedule(fake.league.dates[-1])
    assert len(schedule.value.dates[0].games) == 15
    assert fake.port == 0  # never started: no socket
    assert fake.count("statsapi", "/api/v1/schedule") == 1

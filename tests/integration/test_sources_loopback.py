"""SavantClient and StatsApiClient over real loopback HTTP against ``FakeUpstream``.

The fake serves a simulated league in the upstreams' wire formats (uvicorn + starlette on
127.0.0.1).  The SDK's clock is linked to the server's FakeClock: the client's sleeps (live
polling, limiter waits) move the simulated game time, so a whole live game runs in seconds
without real sleeping, and "is this day settled" is judged on the server's simulated date.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, date, datetime, time

import anyio
import pytest

from savantsdk._client import AsyncClient
from savantsdk.sources import SavantClient, StatsApiClient
from savantsdk.testing import FakeClock, FakeUpstream, SimulatedLeague, no_backoff

pytestmark = pytest.mark.anyio


class LinkedClock:
    """The SDK's clock, driven by (and driving) the server's FakeClock."""

    def __init__(self, server_clock: FakeClock, fake: FakeUpstream) -> None:
        self._clock = server_clock
        self._fake = fake

    def monotonic(self) -> float:
        return self._clock.monotonic()

    def time(self) -> float:
        return self._fake.now().timestamp()

    async def sleep(self, seconds: float) -> None:
        self._clock.advance(max(0.0, seconds))
        await anyio.lowlevel.checkpoint()


@pytest.fixture(scope="module")
def server_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="module")
def server(server_clock: FakeClock) -> Iterator[FakeUpstream]:
    with FakeUpstream(SimulatedLeague(seed=11, days=3), clock=server_clock) as fake:
        yield fake


@pytest.fixture
def fake(server: FakeUpstream) -> Iterator[FakeUpstream]:
    server.set_now(datetime.combine(server.league.dates[-1], time(21, 0), tzinfo=UTC))
    server.reset_counts()
    yield server
    server.reset_counts()


def sdk(fake: FakeUpstream, server_clock: FakeClock) -> AsyncClient:
    return AsyncClient(
        base_urls={"savant": fake.base_urls["savant"], "statsapi": fake.base_urls["statsapi"]},
        retry=no_backoff(2),
        clock=LinkedClock(server_clock, fake),
    )


async def test_statcast_days_match_the_schedule_and_cache(
    fake: FakeUpstream, server_clock: FakeClock
) -> None:
    days = list(fake.league.dates)
    async with sdk(fake, server_clock) as client:
        savant, statsapi = SavantClient(client), StatsApiClient(client)
        result = await savant.statcast(days[0], days[-1])
        assert result.ok, result.errors
        assert fake.count("savant", "/statcast_search/csv") == len(days)
        sched = await statsapi.schedule(days[0], days[1])  # both days are over
        final = {g.game_pk for g in sched.value.games if g.status.is_final}
        played = set(result.table.filter_dates(days[0], days[1]).game_pks())
        assert played == final
        assert len(played) > 0
        # days before "today" (the server's last date, 21:00 UTC) are settled and cached for
        # good; today is not, so only today is asked for again once its short TTL is over
        assert [savant.is_settled(d) for d in days] == [True] * (len(days) - 1) + [False]
        await client.clock.sleep(3600)
        again = await savant.statcast(days[0], days[-1])
    assert again.cached_days == tuple(days[:-1])
    assert fake.count("savant", "/statcast_search/csv") == len(days) + 1


async def test_truncated_day_is_split_over_http(server_clock: FakeClock) -> None:
    league = SimulatedLeague(seed=5, days=2)
    with FakeUpstream(league, clock=server_clock, savant_row_cap=1000) as fake:
        fake.set_now(datetime.combine(league.dates[-1], time(21, 0), tzinfo=UTC))
        day = league.dates[0]
        async with sdk(fake, server_clock) as client:
            capped = await SavantClient(client, row_cap=1000).statcast(day)
            # reference: the same day without a cap on the client side is what a team-by-team
            # pull must add up to (each team-day is far below 1,000 rows)
            teams = sorted({t.abbrev for t in league.teams})
            slices = [
                await SavantClient(client, row_cap=10**6).statcast(day, team=t) for t in teams
            ]
    assert capped.split_days == (day,)
    assert capped.ok
    keys = set()
    for s in slices:
        t = s.table
        keys |= set(
            zip(
                t.column("game_pk").to_list(),
                t.column("at_bat_number").to_list(),
                t.column("pitch_number").to_list(),
                strict=True,
            )
        )
    assert capped.table.rows == len(keys) > 1000


async def test_statsapi_end_to_end(fake: FakeUpstream, server_clock: FakeClock) -> None:
    day: date = fake.league.dates[0]
    async with sdk(fake, server_clock) as client:
        api = StatsApiClient(client, people_batch_size=10)
        sched = await api.schedule(day)
        games = sched.value.games
        assert games
        assert all(g.status.is_final for g in games)
        pk = games[0].game_pk
        feed = await api.game_feed(pk)
        box = await api.boxscore(pk)
        lineups = await api.lineups(day)
        assert feed.value.game_pk == pk
        assert feed.value.is_final
        assert {g.game_pk for g in lineups} == {g.game_pk for g in games}
        assert all(g.posted and g.source is not None for g in lineups)
        ids = [p.id for p in box.value.teams.away.starting_lineup] + [
            p.id for p in box.value.teams.home.starting_lineup
        ]
        assert len(ids) == 18
        before = fake.count("statsapi", "/api/v1/people")
        people = await api.people(ids)
        assert people.ok
        assert [p.id for p in people.values] == ids
        assert fake.count("statsapi", "/api/v1/people") - before == math.ceil(18 / 10)
        # finished games are cached: asking again costs nothing
        n = fake.count("statsapi")
        await api.game_feed(pk)
        await api.boxscore(pk)
        assert fake.count("statsapi") == n


async def test_live_game_polls_cheaply_until_final(
    fake: FakeUpstream, server_clock: FakeClock
) -> None:
    today = fake.league.dates[-1]
    async with sdk(fake, server_clock) as client:
        api = StatsApiClient(client)
        sched = await api.schedule(today)
        live = [g for g in sched.value.games if g.status.is_live]
        assert live, "the simulated league has a game in progress at 21:00 UTC"
        pk = live[0].game_pk
        fake.reset_counts()
        plays: list[int] = []
        final = None
        with anyio.fail_after(60):
            async for update in api.live(pk, interval_s=10):
                plays.append(len(update.feed.live_data.plays.all_plays))
                final = update
    assert final is not None
    assert final.is_final
    assert plays == sorted(plays)
    assert plays[-1] > plays[0]
    polls = fake.count("statsapi", f"/api/v1.1/game/{pk}/feed/live/timestamps")
    full = sum(1 for r in fake.requests("statsapi") if r.path == f"/api/v1.1/game/{pk}/feed/live")
    patches = fake.count("statsapi", f"/api/v1.1/game/{pk}/feed/live/diffPatch")
    assert polls == final.polls
    assert full <= 2  # the first fetch (plus at most one fallback)
    assert patches <= polls
    assert final.freshness.upstream_timestamp is not None


async def test_statsapi_reads_through_one_helper_single_flight_and_stale_while_revalidate(
    fake: FakeUpstream, server_clock: FakeClock
) -> None:
    """The Stats API client uses the shared read-through helper: concurrent misses share one
    load, and an entry past its fresh TTL (today's schedule: 300 s fresh, 60 s stale) is
    served at once while one background refresh runs."""
    today = fake.league.dates[-1]
    from savantsdk.sources import Fetched, Schedule

    async with sdk(fake, server_clock) as client:
        statsapi = StatsApiClient(client)
        results: list[Fetched[Schedule]] = []

        async def one() -> None:
            results.append(await statsapi.schedule(today))

        async with anyio.create_task_group() as tg:
            for _ in range(10):
                tg.start_soon(one)
        assert fake.count("statsapi", "/api/v1/schedule") == 1
        assert sorted(r.freshness.from_cache for r in results) == [False] + [True] * 9
        await client.clock.sleep(330)  # stale, within the stale window
        stale = await statsapi.schedule(today)
        assert stale.freshness.from_cache
        assert stale.value == results[0].value
        for _ in range(50):  # the refresh runs in the background
            if fake.count("statsapi", "/api/v1/schedule") == 2:
                break
            await anyio.sleep(0.02)
        assert fake.count("statsapi", "/api/v1/schedule") == 2
        fresh = await statsapi.schedule(today)
        assert fresh.freshness.from_cache
        assert fake.count("statsapi", "/api/v1/schedule") == 2

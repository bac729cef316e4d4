"""``client.props.generate(date)`` end to end over loopback HTTP against ``FakeUpstream``.

The slate, the Statcast history and the market lines all come through the real source
clients; nothing is stubbed below the HTTP layer.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import anyio
import pytest
from _props_fake import make_client, reset, slate_day, slate_server

from savantsdk import (
    AllFailedError,
    ApiKeys,
    Client,
    PartialResultWarning,
    SourceServerError,
)
from savantsdk.props import BATTER_STATS, DEFAULT_LINES, PITCHER_STATS, Stat
from savantsdk.testing import FakeUpstream, no_backoff

pytestmark = pytest.mark.anyio

HISTORY_DAYS = 4
NO_RETRY = no_backoff(1)


@pytest.fixture(scope="module")
def server() -> Iterator[FakeUpstream]:
    # 16:00 UTC on the slate's day: early games have posted lineups, night games do not.
    with slate_server(history_days=HISTORY_DAYS, hour_utc=16) as fake:
        yield fake


@pytest.fixture
def fake(server: FakeUpstream) -> Iterator[FakeUpstream]:
    yield from reset(server)


async def test_generate_prices_every_scheduled_game_and_a_second_cycle_is_free(
    fake: FakeUpstream,
) -> None:
    day = slate_day(fake)
    scheduled = list(fake.league.games_on(day))
    async with make_client(fake) as client:
        props = await client.props.generate(day, history_days=HISTORY_DAYS)
        report = client.props.last_report
        assert report is not None
        assert report.games_scheduled == len(scheduled)
        assert sorted(report.games_priced) == sorted(g.game_pk for g in scheduled)
        assert report.skipped_games == {}
        # some lineups are not posted at 16:00 UTC: those games use the last known nine
        assert 0 < len(report.projected_lineups) < len(scheduled)
        assert report.history_errors == {}
        assert report.history_pas > 1000
        assert report.lines_served_by == ("odds_api",)
        assert report.lines_total > 0
        assert props.line_report["matched"] > 0
        assert {p.game_pk for p in props} == {g.game_pk for g in scheduled}
        # 9 batters per side and 2 starters per game, every batter and pitcher stat
        batters = {p.player_id for p in props if p.role == "batter"}
        pitchers = {p.player_id for p in props if p.role == "pitcher"}
        assert len(pitchers) == 2 * len(scheduled)
        assert len(batters) >= 17 * len(scheduled)  # a player can start both DH games
        assert {p.stat for p in props if p.role == "batter"} == set(BATTER_STATS)
        assert {p.stat for p in props if p.role == "pitcher"} == set(PITCHER_STATS)
        for p in props:
            assert p.data_through == day - timedelta(days=1)
            assert p.player  # names come from the Stats API people endpoint
            assert abs(float(p.distribution.pmf.sum()) - 1.0) < 1e-9
        first = fake.count()
        assert first > 0

        fake.reset_counts()
        again = await client.props.generate(day, history_days=HISTORY_DAYS)
        assert fake.count() == 0  # every input came from the cache
        assert client.props.last_report is not None
        assert client.props.last_report.props_memoized
        assert [(p.player_id, p.stat) for p in again] == [(p.player_id, p.stat) for p in props]


async def test_probable_starters_face_the_other_lineup(fake: FakeUpstream) -> None:
    day = slate_day(fake)
    async with make_client(fake) as client:
        slate, _ = await client.props.slate(day)
    by_pk = {g.game_pk: g for g in fake.league.games_on(day)}
    assert slate.games
    for g in slate.games:
        truth = by_pk[g.game_pk]
        assert g.home_starter == truth.home_starter
        assert g.away_starter == truth.away_starter


async def test_lines_outage_falls_back_to_prizepicks(fake: FakeUpstream) -> None:
    fake.faults("odds_api", "*", server_error=1.0)
    day = slate_day(fake)
    async with make_client(fake, retry=NO_RETRY) as client:
        with pytest.warns(PartialResultWarning, match=r"degraded: .*lines: 1 fetch\(es\) failed"):
            props = await client.props.generate(day, history_days=HISTORY_DAYS, markets=["hits"])
        report = client.props.last_report
    assert report is not None
    assert report.degraded
    assert report.lines_errors[0].startswith("odds_api: SourceServerError: [odds_api] HTTP 503")
    assert report.lines_served_by == ("prizepicks",)
    assert report.lines_fallback_reason is not None
    assert "SourceServerError" in report.lines_fallback_reason
    assert {p.stat for p in props} == {Stat.HITS}
    priced = [m for p in props for ln in p.lines for m in ln.markets]
    assert priced
    assert {m.source for m in priced} == {"prizepicks"}


async def test_every_lines_source_down_still_prices_at_default_lines(fake: FakeUpstream) -> None:
    fake.faults("odds_api", "*", server_error=1.0)
    fake.faults("prizepicks", "*", server_error=1.0)
    day = slate_day(fake)
    async with make_client(fake, retry=NO_RETRY) as client:
        with pytest.warns(PartialResultWarning, match="priced at the default lines"):
            props = await client.props.generate(day, history_days=HISTORY_DAYS, markets=["hits"])
        report = client.props.last_report
    assert report is not None
    assert report.lines_error is not None
    assert report.lines_error.startswith("SourceServerError")
    assert len(props) > 0
    assert all(not ln.markets for p in props for ln in p.lines)
    assert {ln.line for p in props for ln in p.lines} == set(DEFAULT_LINES[Stat.HITS])


async def test_a_failed_history_day_is_reported_not_fatal(fake: FakeUpstream) -> None:
    day = slate_day(fake)
    bad = day - timedelta(days=2)
    fake.faults("savant", "/statcast_search/*", error_csv=1.0)
    async with make_client(fake, retry=NO_RETRY) as client:
        # warm the other days first so that only the faulted requests fail
        fake.clear_faults()
        for d in range(1, HISTORY_DAYS + 1):
            if day - timedelta(days=d) != bad:
                await client.savant.statcast(day - timedelta(days=d))
        fake.faults("savant", "/statcast_search/*", error_csv=1.0)
        with pytest.warns(PartialResultWarning) as caught:
            props = await client.props.generate(day, history_days=HISTORY_DAYS, lines=False)
        report = client.props.last_report
    assert len(caught) == 1
    first, last = day - timedelta(days=HISTORY_DAYS), day - timedelta(days=1)
    assert str(caught[0].message) == (
        f"savant: 1 of {HISTORY_DAYS} history days of {first}..{last} failed and are missing "
        f"from the result ({bad}): SourceServerError: [savant] Savant returned an error CSV: "
        "Error: Query Timeout. Please try to limit your query to less data.; props were "
        "fitted on the other days; see last_report.history_errors"
    )
    assert report is not None
    assert set(report.history_errors) == {bad}
    assert "Query Timeout" in report.history_errors[bad]
    assert len(props) > 0


async def test_every_history_day_failing_raises_instead_of_pricing_nothing(
    fake: FakeUpstream,
) -> None:
    day = slate_day(fake)
    fake.faults("savant", "/statcast_search/*", error_csv=1.0)
    try:
        async with make_client(fake, retry=NO_RETRY) as client:
            with pytest.raises(AllFailedError) as info:
                await client.props.generate(day, history_days=HISTORY_DAYS, lines=False)
    finally:
        fake.clear_faults()
    err = info.value
    first, last = day - timedelta(days=HISTORY_DAYS), day - timedelta(days=1)
    assert str(err).startswith(
        f"[savant] every history day of {first}..{last} failed ({HISTORY_DAYS} of "
        f"{HISTORY_DAYS}; SourceServerError): SourceServerError: [savant] Savant returned an "
        "error CSV: Error: Query Timeout."
    )
    assert isinstance(err.root_cause, SourceServerError)
    assert sorted(err.errors) == [first + timedelta(days=i) for i in range(HISTORY_DAYS)]


async def test_schedule_failure_raises_the_typed_error(fake: FakeUpstream) -> None:
    """No schedule and no cached copy: asked again every second for slate_wait_s, then the
    last typed error."""
    fake.faults("statsapi", "/api/v1/schedule", server_error=1.0)
    async with make_client(fake, retry=NO_RETRY) as client:
        t0 = anyio.current_time()
        with pytest.raises(SourceServerError) as info:
            await client.props.generate(
                slate_day(fake), history_days=HISTORY_DAYS, lines=False, slate_wait_s=2
            )
        waited = anyio.current_time() - t0
    assert info.value.source == "statsapi"
    assert fake.count("statsapi", "/api/v1/schedule") == 3  # at once, after 1 s, after 2 s
    assert 2.0 <= waited < 10


async def test_a_schedule_that_comes_back_within_the_wait_prices_the_slate(
    fake: FakeUpstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold start in an outage (no copy to stand in): the run waits for the schedule
    instead of losing the slate, and says it waited."""
    day = slate_day(fake)
    async with make_client(fake, retry=NO_RETRY) as client:
        statsapi = client.statsapi
        real = statsapi.schedule
        calls = 0

        async def flaky(self: object, *args: object, **kwargs: object) -> object:
            nonlocal calls
            calls += 1
            if calls <= 2:
                raise SourceServerError(
                    "HTTP 503: Service Unavailable", source="statsapi", status_code=503
                )
            return await real(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(type(statsapi), "schedule", flaky)
        with pytest.warns(PartialResultWarning, match="waited 2 s for the schedule"):
            await client.props.generate(day, history_days=HISTORY_DAYS, lines=False)
        report = client.props.last_report
    assert report is not None
    assert len(report.games_priced) == len(list(fake.league.games_on(day)))
    assert report.input_errors["schedule"] == (
        "waited 2 s for the schedule (SourceServerError: [statsapi] HTTP 503: Service Unavailable)"
    )


def test_blocking_client_generates_the_same_props(server: FakeUpstream) -> None:
    server.clear_faults()
    day = server.league.dates[-1]
    with Client(
        base_urls=server.base_urls, api_keys=ApiKeys(odds_api=server.api_keys["odds_api"])
    ) as client:
        props = client.props.generate(
            day, history_days=HISTORY_DAYS, markets=["pitcher_strikeouts"]
        )
    assert len(props) == 2 * len(server.league.games_on(day))
    assert all(p.stat is Stat.PITCHER_STRIKEOUTS for p in props)


async def test_a_mapped_function_may_call_the_same_source_again(fake: FakeUpstream) -> None:
    """client.map over Stats API games whose function fetches each game's boxscore and its
    home starter through client.statsapi: nested calls to the mapped source used to deadlock
    when batch_size > concurrency; they now run in the caller's slot."""
    from savantsdk import RateLimit, SourceSettings

    games = list(fake.league.games_on(fake.league.dates[0]))  # final: starters are known
    statsapi = SourceSettings(
        name="statsapi",
        base_url=fake.base_urls["statsapi"],
        rate_limit=RateLimit(rate_per_s=None, concurrency=2),
    )
    async with make_client(fake, sources={"statsapi": statsapi}) as client:

        async def starter_name(game_pk: int) -> str:
            box = await client.statsapi.boxscore(game_pk)
            starter = box.value.teams.home.starting_pitcher
            assert starter is not None
            return (await client.statsapi.person(starter.person.id)).full_name or ""

        with anyio.fail_after(30):
            result = await client.map(
                "statsapi", starter_name, [g.game_pk for g in games], batch_size=len(games)
            )
        peak = client.executor("statsapi").capacity.statistics()
    assert result.ok
    assert len(result.values) == len(games) > 2
    assert all(name for name in result.values)
    assert peak.borrowed == 0


async def test_a_history_day_the_reader_rejects_is_a_typed_day_error(
    fake: FakeUpstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A served (or cached) day whose text ingest_statcast rejects is that day's error in the
    report, with a warning, instead of an exception out of the whole run."""
    import savantsdk.props._online as online
    from savantsdk.exceptions import SourceDecodeError

    day = slate_day(fake)
    bad = day - timedelta(days=3)
    real = online.ingest_statcast

    def ingest(body: bytes) -> object:
        if bad.isoformat().encode() in body[:200_000]:
            raise SourceDecodeError("missing column 'events'", source="savant")
        return real(body)

    monkeypatch.setattr(online, "ingest_statcast", ingest)
    async with make_client(fake, retry=NO_RETRY) as client:
        with pytest.warns(PartialResultWarning, match=r"1 of 4 history days"):
            props = await client.props.generate(day, history_days=HISTORY_DAYS, lines=False)
        report = client.props.last_report
    assert report is not None
    assert report.history_errors == {bad: "SourceDecodeError: [savant] missing column 'events'"}
    assert len(props) > 0


async def test_history_is_one_cache_read_and_each_day_is_parsed_once(
    fake: FakeUpstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Statcast day handled once: a warm history is one ``get_many`` for every day, no
    upstream request, and no parse besides the one ingest per day; a cold one is one executor
    batch for the misses."""
    import savantsdk.props._online as online
    import savantsdk.sources._savant as savant_mod
    from savantsdk.cache import Cache, MemoryCache

    day = slate_day(fake)
    cache = Cache(MemoryCache())
    maps: list[int] = []
    async with make_client(fake, cache=cache) as client:
        executor = client.executor("savant")
        real_map = executor.map

        async def counting_map(fn: object, items: object, **kw: object) -> object:
            items = list(items)  # type: ignore[call-overload]
            maps.append(len(items))
            return await real_map(fn, items, **kw)  # type: ignore[arg-type]

        monkeypatch.setattr(executor, "map", counting_map)
        history, errors = await client.props.history(day, days=HISTORY_DAYS)
    assert errors == {}
    assert maps == [HISTORY_DAYS]  # one batch: every day a miss

    reads: list[int] = []
    parses: list[int] = []
    ingests: list[int] = []
    real_get_many = Cache.get_many
    real_parse = savant_mod.parse_statcast_csv
    real_ingest = online.ingest_statcast

    async def get_many(self: Cache, keys: list[str], *a: object, **kw: object) -> object:
        reads.append(len(keys))
        return await real_get_many(self, keys, *a, **kw)  # type: ignore[arg-type]

    def parse(*a: object, **kw: object) -> object:
        parses.append(1)
        return real_parse(*a, **kw)  # type: ignore[arg-type]

    def ingest(body: bytes) -> object:
        ingests.append(1)
        return real_ingest(body)

    monkeypatch.setattr(Cache, "get_many", get_many)
    monkeypatch.setattr(savant_mod, "parse_statcast_csv", parse)
    monkeypatch.setattr(online, "ingest_statcast", ingest)
    before = len(fake.requests())
    async with make_client(fake, cache=cache) as client:
        warm, errors = await client.props.history(day, days=HISTORY_DAYS)
    assert errors == {}
    assert len(fake.requests()) == before
    assert reads == [HISTORY_DAYS]
    assert parses == []
    assert len(ingests) == HISTORY_DAYS
    assert len(warm) == len(history) > 0


async def test_a_cached_day_the_reader_rejects_is_fetched_again_next_time(
    fake: FakeUpstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    import savantsdk.props._online as online
    from savantsdk.cache import Cache, MemoryCache
    from savantsdk.exceptions import SourceDecodeError

    day = slate_day(fake)
    bad = day - timedelta(days=2)
    cache = Cache(MemoryCache())
    async with make_client(fake, cache=cache) as client:
        await client.props.history(day, days=HISTORY_DAYS)
    real = online.ingest_statcast
    rejected: list[int] = []

    def ingest(body: bytes) -> object:
        if not rejected and bad.isoformat().encode() in body[:200_000]:
            rejected.append(1)  # a stricter reader than the one that stored it, once
            raise SourceDecodeError("column 'events' drifted", source="savant")
        return real(body)

    monkeypatch.setattr(online, "ingest_statcast", ingest)
    async with make_client(fake, cache=cache) as client:
        _, errors = await client.props.history(day, days=HISTORY_DAYS)
    assert list(errors) == [bad]
    before = fake.requests()
    async with make_client(fake, cache=cache) as client:
        _, errors = await client.props.history(day, days=HISTORY_DAYS)
    assert errors == {}
    fetched = [r for r in fake.requests()[len(before) :] if r.source == "savant"]
    assert len(fetched) == 1
    assert bad.isoformat() in str(fetched[0])

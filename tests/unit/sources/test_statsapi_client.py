"""StatsApiClient over httpx.MockTransport serving the real recorded Stats API payloads.

Bodies come from ../shared/data/statsapi (pymlb capture wrappers are unwrapped to the raw
response).  Where no recording of a shape exists (a schedule with ``hydrate=lineups``) the test
says so and modifies a real payload into the documented shape.  No test sleeps.
"""

from __future__ import annotations

import gzip
import math
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import anyio
import httpx
import orjson
import pytest

from savantsdk._client import AsyncClient
from savantsdk._clock import FakeClock
from savantsdk.exceptions import (
    AllFailedError,
    BadRequestError,
    ConfigurationError,
    NotFoundError,
    PartialResultWarning,
    RateLimitedError,
    SourceDecodeError,
    SourceServerError,
    SourceTimeoutError,
    UnauthorizedError,
)
from savantsdk.executor import BatchResult
from savantsdk.sources import GameLineups, StatsApiClient
from savantsdk.testing import no_backoff

DataFile = Callable[[str], Path]
BASE = "http://statsapi.test"
STUBS = "statsapi/pymlb_statsapi_stubs"
PYD = "statsapi/mlb-statsapi-pydantic"
FEED_747175 = f"{STUBS}/game/liveGameV1/liveGameV1_game_pk=747175_4240fc08a038.json.gz"
BOX_747175 = f"{STUBS}/game/boxscore/boxscore_game_pk=747175_4240fc08a038.json.gz"
WALL = datetime(2024, 7, 13, 12, tzinfo=UTC).timestamp()
AWAY_744914 = [608324, 676694, 670541, 673237, 572138, 665161, 643289, 663550, 676801]
# The boxscore's final ``battingOrder`` list ends with 680718, who replaced the starting
# no. 9 hitter 595281 ("901"): the *starting* lineup comes from each player's battingOrder.
HOME_744914 = [666182, 687462, 457759, 543807, 662139, 672386, 676914, 676391, 595281]


def body(path: Path) -> bytes:
    raw = path.read_bytes()
    if path.suffix == ".gz":
        wrapper = orjson.loads(gzip.decompress(raw))
        assert wrapper["status_code"] == 200
        return orjson.dumps(wrapper["response"])
    return raw.removeprefix(b"\xef\xbb\xbf")


Route = Callable[[httpx.Request], httpx.Response]


def schedule_route(content: bytes) -> Route:
    """Serve a recorded schedule; ``gamePk=`` narrows it to that game, as the upstream does."""

    def route(request: httpx.Request) -> httpx.Response:
        pk = request.url.params.get("gamePk")
        if pk is None:
            return httpx.Response(200, content=content)
        raw = orjson.loads(content)
        for day in raw["dates"]:
            day["games"] = [g for g in day["games"] if str(g["gamePk"]) == pk]
        raw["dates"] = [d for d in raw["dates"] if d["games"]]
        return httpx.Response(200, content=orjson.dumps(raw))

    return route


class Upstream:
    """Routes by path; ``faults[path]`` is a list of responses consumed one per request."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.faults: dict[str, list[Route]] = {}
        self.requests: list[httpx.Request] = []

    def json(self, path: str, content: bytes) -> None:
        self.routes[path] = lambda r: httpx.Response(200, content=content)

    def count(self, path: str) -> int:
        return sum(1 for r in self.requests if r.url.path == path)

    def params(self, path: str) -> dict[str, list[str]]:
        last = [r for r in self.requests if r.url.path == path][-1]
        return parse_qs(urlsplit(str(last.url)).query, keep_blank_values=True)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        faults = self.faults.get(path)
        if faults:
            return faults.pop(0)(request)
        return self.routes[path](request)


def make(
    up: Upstream, *, attempts: int = 3, wall: float = WALL, **kw: Any
) -> tuple[AsyncClient, StatsApiClient, FakeClock]:
    clock = FakeClock(wall_start=wall, autojump=True)
    client = AsyncClient(
        http_transport=httpx.MockTransport(up),
        base_urls={"statsapi": BASE},
        retry=no_backoff(attempts),
        clock=clock,
    )
    return client, StatsApiClient(client, **kw), clock


# ------------------------------------------------------------------------------ schedule


@pytest.mark.anyio
async def test_schedule_for_a_date_hydrates_and_caches(data_file: DataFile) -> None:
    up = Upstream()
    up.json("/api/v1/schedule", body(data_file(f"{PYD}/schedule.json")))
    client, api, clock = make(up)
    async with client:
        sched = await api.schedule(date(2024, 7, 1))
        clock.advance(60)
        again = await api.schedule(date(2024, 7, 1))
    q = up.params("/api/v1/schedule")
    assert q == {"sportId": ["1"], "date": ["2024-07-01"], "hydrate": ["probablePitcher,lineups"]}
    games = sched.value.by_game_pk()
    assert list(games) == [744914, 744840, 746535]
    assert games[744914].teams.away.team.name == "Houston Astros"  # type: ignore[union-attr]
    assert games[744914].status.is_final
    assert not sched.freshness.from_cache
    assert sched.freshness.source == "statsapi"
    assert again.freshness.from_cache
    assert again.freshness.fetched_at == sched.freshness.fetched_at
    assert up.count("/api/v1/schedule") == 1
    assert again.value == sched.value


@pytest.mark.anyio
async def test_schedule_range_params_and_date_validation(data_file: DataFile) -> None:
    up = Upstream()
    up.json("/api/v1/schedule", body(data_file(f"{PYD}/schedule.json")))
    client, api, _ = make(up)
    async with client:
        ok = await api.schedule(date(2024, 6, 30), date(2024, 7, 2), team_id=141)
        q = up.params("/api/v1/schedule")
        assert q["startDate"] == ["2024-06-30"]
        assert q["endDate"] == ["2024-07-02"]
        assert q["teamId"] == ["141"]
        assert len(ok.value.games) == 3
        with pytest.raises(SourceDecodeError, match="outside the requested"):
            await api.schedule(date(2024, 8, 1))  # the 2024-07-01 body is not August
        with pytest.raises(SourceDecodeError, match="asked for game 1"):
            await api.schedule(game_pk=1)
        with pytest.raises(ConfigurationError):
            await api.schedule()


# ------------------------------------------------------------------------------ feed, boxscore


@pytest.mark.anyio
async def test_final_feed_is_cached_as_immutable(data_file: DataFile) -> None:
    up = Upstream()
    up.json("/api/v1.1/game/747175/feed/live", body(data_file(FEED_747175)))
    client, api, clock = make(up)
    async with client:
        feed = await api.game_feed(747175)
        clock.advance(10 * 86_400)
        again = await api.game_feed(747175)
        assert await api.is_final(747175)  # remembered: no schedule request
    assert feed.value.game_pk == 747175
    assert feed.value.is_final
    assert feed.value.game_data.probable_pitchers.home.full_name == "Ryne Nelson"  # type: ignore[union-attr]
    assert feed.freshness.upstream_timestamp == datetime(2024, 7, 13, 4, 19, 9, tzinfo=UTC)
    assert feed.freshness.lag_s is not None
    assert math.isclose(
        feed.freshness.lag_s,
        WALL - datetime(2024, 7, 13, 4, 19, 9, tzinfo=UTC).timestamp(),
        abs_tol=1,
    )
    assert again.freshness.from_cache
    assert len(up.requests) == 1


@pytest.mark.anyio
async def test_in_progress_feed_is_cached_briefly(data_file: DataFile) -> None:
    up = Upstream()
    up.json(
        "/api/v1.1/game/746139/feed/live",
        body(data_file("statsapi/mlb-gameday-bot/feed_live_746139_no-move.json")),
    )
    client, api, clock = make(up)
    async with client:
        first = await api.game_feed(746139)
        await api.game_feed(746139)  # within the live TTL: cached
        clock.advance(60)
        await api.game_feed(746139)
    assert first.value.game_data.status.is_live
    assert len(first.value.live_data.plays.all_plays) == 62
    assert up.count("/api/v1.1/game/746139/feed/live") == 2


@pytest.mark.anyio
async def test_feed_of_another_game_fails_validation(data_file: DataFile) -> None:
    up = Upstream()
    up.json("/api/v1.1/game/1234/feed/live", body(data_file(FEED_747175)))
    client, api, _ = make(up)
    async with client:
        with pytest.raises(SourceDecodeError, match="asked for game 1234"):
            await api.game_feed(1234)


@pytest.mark.anyio
async def test_boxscore_asks_schedule_for_finality_then_caches_immutable(
    data_file: DataFile,
) -> None:
    up = Upstream()
    up.json("/api/v1/game/744914/boxscore", body(data_file(f"{PYD}/boxscore.json")))
    up.routes["/api/v1/schedule"] = schedule_route(body(data_file(f"{PYD}/schedule.json")))
    client, api, clock = make(up)
    async with client:
        box = await api.boxscore(744914)
        clock.advance(86_400)
        again = await api.boxscore(744914)
    assert [p.id for p in box.value.teams.away.starting_lineup] == AWAY_744914
    assert up.params("/api/v1/schedule")["gamePk"] == ["744914"]
    assert up.count("/api/v1/game/744914/boxscore") == 1
    assert again.freshness.from_cache


# ------------------------------------------------------------------------------ lineups


@pytest.mark.anyio
async def test_lineups_fall_back_to_the_boxscore(data_file: DataFile) -> None:
    up = Upstream()
    up.routes["/api/v1/schedule"] = schedule_route(body(data_file(f"{PYD}/schedule.json")))
    up.json("/api/v1/game/744914/boxscore", body(data_file(f"{PYD}/boxscore.json")))
    client, api, _ = make(up)
    async with client:
        lineups = await api.lineups(744914)
    assert isinstance(lineups, GameLineups)
    assert lineups.source == "boxscore"
    assert lineups.posted
    assert [p.id for p in lineups.away] == AWAY_744914
    assert [p.id for p in lineups.home] == HOME_744914
    assert lineups.away[0].full_name == "Alex Bregman"
    assert lineups.freshness is not None
    assert lineups.freshness.source == "statsapi"


@pytest.mark.anyio
async def test_lineups_from_the_schedule_when_posted(data_file: DataFile) -> None:
    # No recorded schedule carries hydrate=lineups: the real 2024-07-01 schedule is given the
    # documented ``lineups{homePlayers, awayPlayers}`` of game 744914 (ids from its boxscore).
    raw = orjson.loads(body(data_file(f"{PYD}/schedule.json")))
    game = raw["dates"][0]["games"][0]
    game["lineups"] = {
        "awayPlayers": [{"id": i, "fullName": f"P{i}"} for i in AWAY_744914],
        "homePlayers": [{"id": i, "fullName": f"P{i}"} for i in HOME_744914],
    }
    up = Upstream()
    up.json("/api/v1/schedule", orjson.dumps(raw))
    up.routes["/api/v1/game/744840/boxscore"] = lambda r: httpx.Response(404, json={})
    up.json("/api/v1/game/746535/boxscore", body(data_file(f"{PYD}/boxscore.json")))
    client, api, _ = make(up, attempts=1)
    async with client:
        all_games = await api.lineups(date(2024, 7, 1))
    by_pk = {g.game_pk: g for g in all_games}
    assert list(by_pk) == [744914, 744840, 746535]
    assert by_pk[744914].source == "schedule"
    assert [p.id for p in by_pk[744914].home] == HOME_744914
    assert isinstance(by_pk[744840].error, NotFoundError)
    assert by_pk[744840].source is None
    assert up.count("/api/v1/game/744914/boxscore") == 0  # primary source sufficed


# ------------------------------------------------------------------------------ people loader


def _person_pool(data_file: DataFile) -> dict[int, dict[str, Any]]:
    pool: dict[int, dict[str, Any]] = {}
    players = orjson.loads(
        body(data_file("statsapi/python-mlb-statsapi/mock_json/people/players.json"))
    )
    for p in players["people"]:
        pool[p["id"]] = p
    for pid, suffix in (
        (660271, "0b4b9732e3b9"),
        (592450, "5b1a998d2ad1"),
        (545361, "484004149834"),
    ):
        stub = f"{STUBS}/person/person/person_personIds={pid}_{suffix}.json.gz"
        pool[pid] = orjson.loads(body(data_file(stub)))["people"][0]
    return pool


@pytest.mark.anyio
async def test_person_lookups_are_micro_batched(data_file: DataFile) -> None:
    pool = _person_pool(data_file)
    batches: list[list[int]] = []

    def people(request: httpx.Request) -> httpx.Response:
        ids = [int(i) for i in request.url.params["personIds"].split(",")]
        batches.append(ids)
        found = [pool[i] for i in ids if i in pool]
        return httpx.Response(200, content=orjson.dumps({"copyright": "x", "people": found}))

    up = Upstream()
    up.routes["/api/v1/people"] = people
    client, api, _ = make(up, people_batch_size=4)
    wanted = [660271, 592450, 545361, 682928, 656061, 650556, 547989, 99]  # 99: no such person
    results: dict[int, Any] = {}

    async def one(pid: int) -> None:
        try:
            results[pid] = await api.person(pid)
        except NotFoundError as exc:
            results[pid] = exc

    async with client:
        async with anyio.create_task_group() as tg:
            for pid in wanted:
                tg.start_soon(one, pid)
        assert len(batches) == math.ceil(len(wanted) / 4) == 2
        assert sorted(i for b in batches for i in b) == sorted(wanted)
        assert results[660271].full_name == "Shohei Ohtani"
        assert results[592450].full_name == "Aaron Judge"
        assert results[682928].full_name == "CJ Abrams"
        assert all(results[p].id == p for p in wanted if p != 99)
        assert isinstance(results[99], NotFoundError)
        # cached per person: asking again costs nothing; the missing one is asked again
        with pytest.warns(PartialResultWarning, match=r"1 of 3 ids failed .*\(99\): NotFoundError"):
            many = await api.people([660271, 592450, 99])
        # every id missing: nothing to return, so the call raises and names the cause
        with pytest.raises(AllFailedError) as info:
            await api.people([99])
        assert str(info.value).startswith(
            "[statsapi] every id failed (1 of 1; NotFoundError): NotFoundError: [statsapi] key 99"
        )
        assert isinstance(info.value.root_cause, NotFoundError)
        assert info.value.__cause__ is info.value.root_cause
        assert isinstance(info.value.result, BatchResult)
        assert [o.ok for o in info.value.result.outcomes] == [False]
        quiet = await api.people([99], errors="return")
        assert [o.ok for o in quiet.outcomes] == [False]
    assert len(batches) == 5
    assert batches[2] == [99]
    assert batches[-1] == [99]
    assert many.items == (660271, 592450, 99)
    assert [o.ok for o in many.outcomes] == [True, True, False]
    assert many.values[0].full_name == "Shohei Ohtani"
    people = many.to_pandas()  # the two people found, one row each; the failed id has none
    assert people["full_name"].tolist() == ["Shohei Ohtani", "Aaron Judge"]
    assert people["id"].tolist() == [660271, 592450]


# ------------------------------------------------------------------------------ stats, rosters


@pytest.mark.anyio
async def test_stats_roster_teams_search(data_file: DataFile) -> None:
    up = Upstream()
    up.json(
        "/api/v1/people/680757/stats",
        body(data_file("statsapi/mlb-gameday-bot/people_stats_steven-kwan-happy-path.json")),
    )
    up.json(
        "/api/v1/people/663993/stats",
        body(
            data_file(
                "statsapi/python-mlb-statsapi/mock_json/stats/person/hitting_player_playlog.json"
            )
        ),
    )
    up.json(
        "/api/v1/teams/147/roster/active",
        body(
            data_file(
                f"{STUBS}/team/roster/roster_rosterType=active_teamId=147_season=2024_cdb942e44562.json.gz"
            )
        ),
    )
    up.json(
        "/api/v1/teams",
        body(data_file(f"{STUBS}/team/teams/teams_season=2024_sportId=1_a5c3f17672c0.json.gz")),
    )
    up.json(
        "/api/v1/people/search",
        body(data_file(f"{STUBS}/person/person/person_personIds=660271_0b4b9732e3b9.json.gz")),
    )
    client, api, _ = make(up)
    async with client:
        kwan = await api.player_stats(680757, stats="season,lastXGames", season=2024)
        log = await api.game_log(663993, 2022)
        roster = await api.roster(147, season=2024)
        teams = await api.teams(season=2024)
        found = await api.search_people("ohtani")
        with pytest.raises(SourceDecodeError, match="outside the requested"):
            await api.game_log(663993, 2023)  # a 2022 log is not the 2023 season
    assert kwan.value[0].type_name == "season"
    assert kwan.value[0].group_name == "hitting"
    assert up.params("/api/v1/people/680757/stats") == {
        "stats": ["season,lastXGames"],
        "group": ["hitting"],
        "season": ["2024"],
    }
    assert log.value[0].splits[0].game_pk == 662571
    assert log.value[0].splits[0].game_date == date(2022, 4, 7)
    log_frame = log.to_pandas()  # no .value[0]: the groups' rows, stacked
    assert len(log_frame) == sum(len(g.splits) for g in log.value)
    assert log_frame["game_pk"].iloc[0] == 662571
    both = kwan.to_pandas()  # season and lastXGames groups in one frame
    assert len(both) == sum(len(g.splits) for g in kwan.value) >= 2
    assert roster.value.roster[0].person.full_name == "Clayton Andrews"
    assert up.params("/api/v1/teams/147/roster/active") == {"season": ["2024"]}
    assert len(teams.value) == 30
    assert teams.value[0].name == "Oakland Athletics"
    assert found.value[0].id == 660271
    assert up.params("/api/v1/people/search") == {"names": ["ohtani"], "sportIds": ["1"]}


# ------------------------------------------------------------------------------ faults


def _const(status: int, content: bytes = b"", **headers: str) -> Route:
    return lambda r: httpx.Response(status, content=content, headers=headers)


def _timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectTimeout("connect timed out", request=request)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("name", "error", "attempts"),
    [
        ("truncated json", SourceDecodeError, 1),
        ("html", SourceDecodeError, 1),
        ("401", UnauthorizedError, 1),
        ("403", UnauthorizedError, 1),
        ("404", NotFoundError, 1),
        ("422", BadRequestError, 1),
        ("429", RateLimitedError, 3),
        ("500", SourceServerError, 3),
        ("timeout", SourceTimeoutError, 3),
    ],
)
async def test_faults_are_typed_retried_only_when_retryable_and_not_cached(
    data_file: DataFile, name: str, error: type[Exception], attempts: int
) -> None:
    good = body(data_file(FEED_747175))
    routes: dict[str, Route] = {
        "truncated json": _const(200, good[: len(good) // 2]),
        "html": _const(200, b"<html><body>Access denied</body></html>"),
        "401": _const(401, b'{"message": "unauthorized"}'),
        "403": _const(403, b"<html>forbidden</html>"),
        "404": _const(
            404,
            body(data_file("statsapi/python-mlb-statsapi/mock_json/response/not_found_404.json")),
        ),
        "422": _const(422, b'{"message": "bad parameter"}'),
        "429": _const(429, b"slow down", **{"Retry-After": "3"}),
        "500": _const(
            500, body(data_file("statsapi/python-mlb-statsapi/mock_json/response/error_500.json"))
        ),
        "timeout": _timeout,
    }
    path = "/api/v1.1/game/747175/feed/live"
    up = Upstream()
    up.json(path, good)
    up.faults[path] = [routes[name]] * attempts
    client, api, _ = make(up, attempts=3)
    async with client:
        with pytest.raises(error) as info:
            await api.game_feed(747175)
        assert up.count(path) == attempts
        if name == "429":
            assert info.value.retry_after == 3.0  # type: ignore[attr-defined]
        if name == "404":
            assert "Object not found" in info.value.body  # type: ignore[attr-defined]
        feed = await api.game_feed(747175)  # nothing was cached: goes upstream and succeeds
    assert feed.value.game_pk == 747175
    assert not feed.freshness.from_cache
    assert up.count(path) == attempts + 1

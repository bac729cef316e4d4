"""Live props end to end: ``client.props.live(pk)`` follows a ``FakeUpstream`` game played
forward in time (``speed``: simulated seconds per real second) over loopback HTTP."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from savantsdk import ApiKeys, AsyncClient, Client
from savantsdk._clock import SimulatedWallClock
from savantsdk.props._live import LivePropsUpdate
from savantsdk.props._live_state import so_far
from savantsdk.testing import FakeUpstream, SimulatedLeague

pytestmark = pytest.mark.anyio

LEAGUE = SimulatedLeague(seed=5, days=5)
DAY = LEAGUE.dates[-1]
FIRST_PITCH = min(g.start for g in LEAGUE.games_on(DAY))
MID_GAME = FIRST_PITCH + dt.timedelta(minutes=50)
LIVE_GAME = next(
    g for g in LEAGUE.games_on(DAY) if LEAGUE.state(g.game_pk, MID_GAME).status == "Live"
)


def _fake(speed: float, now: dt.datetime = MID_GAME) -> FakeUpstream:
    return FakeUpstream(LEAGUE, now=now, speed=speed)


def _client(fake: FakeUpstream) -> AsyncClient:
    return AsyncClient(
        base_urls=fake.base_urls,
        api_keys=ApiKeys(odds_api=fake.api_keys["odds_api"]),
        clock=SimulatedWallClock(fake.now),
    )


async def _follow(fake: FakeUpstream, pk: int, most: int, **kw: object) -> list[LivePropsUpdate]:
    out: list[LivePropsUpdate] = []
    async with _client(fake) as client:
        async for update in client.props.live(
            pk, interval_s=0.3, n=1000, seed=3, history_days=4, **kw
        ):  # type: ignore[arg-type]
            out.append(update)
            if len(out) >= most or update.final:
                break
    return out


async def test_open_lines_are_repriced_as_the_game_moves() -> None:
    with _fake(speed=300) as fake:
        updates = await _follow(fake, LIVE_GAME.game_pk, most=4)
    assert len(updates) == 4
    assert not any(u.final or u.stale for u in updates)
    pa = [sum(u.state.team_pa) for u in updates]
    assert pa == sorted(pa)
    assert pa[-1] > pa[0]  # the game moved while we followed it
    assert [u.closed_lines for u in updates] == sorted(u.closed_lines for u in updates)
    for u in updates:
        assert u.latency_ms > 0
        assert u.feed_timestamp is not None
        assert len(u.props) > 0
        assert u.props.market_priced == len(u.props)  # market lines of the game, re-priced
        for p in u.props:
            done = so_far(u.state, p.stat, p.player_id)
            assert all(line.line >= done for line in p.lines)  # only open lines
            # what already happened is in the distribution: nothing below it is possible
            assert p.distribution.pmf[:done].sum() < 1e-6
    # the state is the fake's own game as of the feed's timestamp
    last = updates[-1]
    assert last.feed_timestamp is not None
    pas = LEAGUE.state(LIVE_GAME.game_pk, last.feed_timestamp).pas
    assert last.state.team_pa == (sum(pa.top for pa in pas), sum(not pa.top for pa in pas))
    sp = LIVE_GAME.home_starter
    line = last.state.pitching[sp]
    assert line.batters_faced == sum(pa.pitcher == sp for pa in pas)
    assert line.strikeouts == sum(pa.pitcher == sp and pa.event == "strikeout" for pa in pas)


async def test_a_feed_that_stops_changing_marks_the_props_stale() -> None:
    with _fake(speed=0) as fake:  # simulated time stands still: the feed never changes
        t0 = time.monotonic()
        updates = await _follow(fake, LIVE_GAME.game_pk, most=2, stale_after_s=1.0)
    first, second = updates
    assert not first.stale
    assert second.stale
    assert second.stale_s >= 1.0
    assert second.props is first.props  # the same prices, said to be old, not new ones
    assert time.monotonic() - t0 >= 1.0


async def test_a_final_game_ends_the_iteration_with_its_reason() -> None:
    late = FIRST_PITCH + dt.timedelta(hours=9)
    with _fake(speed=1, now=late) as fake:
        assert LEAGUE.state(LIVE_GAME.game_pk, fake.now()).status == "Final"
        updates = await _follow(fake, LIVE_GAME.game_pk, most=5)
    assert len(updates) == 1
    assert updates[0].final
    assert updates[0].reason is not None
    assert "Final" in updates[0].reason
    assert len(updates[0].props) == 0


def test_the_blocking_client_iterates_live_props() -> None:
    with _fake(speed=300) as fake:
        with Client(
            base_urls=fake.base_urls,
            api_keys=ApiKeys(odds_api=fake.api_keys["odds_api"]),
            clock=SimulatedWallClock(fake.now),
            cache=None,
        ) as client:
            for update in client.props.live(
                LIVE_GAME.game_pk, interval_s=0.3, n=500, history_days=3
            ):
                assert update.game_pk == LIVE_GAME.game_pk
                assert len(update.props) > 0
                break


def test_demo_live_shows_one_game_moving(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from savantsdk._cli import main

    assert main(["demo", "--live", "--updates", "3", "--history-days", "3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["updates"]) == 3
    states = [(u["inning"], u["half"], u["outs"]) for u in out["updates"]]
    assert len(set(states)) > 1  # the game moved between updates
    assert out["watched"]
    assert all(len(w["p_over"]) == 3 for w in out["watched"])
    assert out["latency_ms_p50"] > 0


def test_a_doubleheaders_other_game_lines_are_not_this_games() -> None:
    from savantsdk.props import MarketLine, Stat
    from savantsdk.props._live import _game_lines
    from savantsdk.props._slate import SlateGame

    start = dt.datetime(2024, 6, 1, 17, 5, tzinfo=dt.UTC)
    game = SlateGame(
        game_pk=1, home_team="NYY", away_team="BOS", home_lineup=(), away_lineup=(),
        home_starter=10, away_starter=20, start_time=start,
    )  # fmt: skip

    def line(team: str | None, hours: float | None) -> MarketLine:
        when = None if hours is None else start + dt.timedelta(hours=hours)
        return MarketLine(
            player_name="A", stat=Stat.HITS, line=0.5, source="prizepicks", team=team,
            start_time=when,
        )  # fmt: skip

    kept = _game_lines(
        [line("NYY", 0), line("NYY", 0.5), line("NYY", 5), line("TB", 0), line(None, None)],
        game,
    )
    # the same game's lines (start time known or not) stay; game 2 (5 h later) and TB go
    assert [(ml.team, ml.start_time) for ml in kept] == [
        ("NYY", start),
        ("NYY", start + dt.timedelta(hours=0.5)),
        (None, None),
    ]

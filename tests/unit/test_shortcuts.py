"""The notebook one-liners (``savantsdk.statcast(...)`` and friends) against FakeUpstream.

Each is checked against the client method it wraps (same rows) and against the simulated
league itself (its games, teams and players); the default client's life (lazy, replaceable,
closed at interpreter exit) is checked in a subprocess.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator

import pytest

import savantsdk
from savantsdk import Client, ConfigurationError
from savantsdk.ids import TEAM_IDS

pytest.importorskip("pandas")
pytest.importorskip("starlette")

from savantsdk.testing import FakeUpstream, SimulatedLeague

LEAGUE = SimulatedLeague(seed=11, days=3)
DAY = LEAGUE.dates[0]  # every game of the first day is final


@pytest.fixture(scope="module")
def fake() -> FakeUpstream:
    return FakeUpstream(LEAGUE)


@pytest.fixture
def client(fake: FakeUpstream, clean_env: pytest.MonkeyPatch) -> Iterator[Client]:
    with Client(base_urls=fake.base_urls, http_transport=fake.transport()) as mine:
        savantsdk.set_default_client(mine)
        try:
            yield mine
        finally:
            savantsdk.set_default_client(None)
    assert mine.closed


def test_statcast_is_the_clients_pull_as_a_dataframe(client: Client) -> None:
    frame = savantsdk.statcast(DAY.isoformat())
    pull = client.savant.statcast(DAY)
    assert len(frame) == pull.table.rows > 0
    games = LEAGUE.games_on(DAY)
    assert set(frame["game_pk"].unique()) == {g.game_pk for g in games}
    assert {"pitch_type", "plate_x", "plate_z", "pfx_x", "pfx_z"} <= set(frame.columns)
    one_team = LEAGUE.team_by_id[games[0].home_id].abbrev
    filtered = savantsdk.statcast(DAY, team=one_team)
    assert 0 < len(filtered) < len(frame)
    assert ((filtered["home_team"] == one_team) | (filtered["away_team"] == one_team)).all()


def test_statcast_game(client: Client) -> None:
    game = LEAGUE.games_on(DAY)[0]
    frame = savantsdk.statcast_game(game.game_pk)
    assert frame["game_pk"].unique().tolist() == [game.game_pk]
    assert len(frame) == client.savant.statcast_game(game.game_pk).table.rows


def test_leaderboard(client: Client) -> None:
    frame = savantsdk.leaderboard("expected_statistics", LEAGUE.season, min_pa=1)
    rows = client.savant.expected_statistics(LEAGUE.season, min_pa=1).value
    assert len(frame) == len(rows) > 0
    assert frame["player_id"].tolist() == [r.player_id for r in rows]
    assert {"est_woba", "woba"} <= set(frame.columns)
    with pytest.raises(ConfigurationError, match="unknown leaderboard 'xstats'; valid: expected_"):
        savantsdk.leaderboard("xstats", 2024)
    with pytest.raises(ConfigurationError, match="its options: player_type, min_pa"):
        savantsdk.leaderboard("expected_statistics", 2024, min_bbe=10)  # not this board's


def test_schedule_for_a_day_and_a_team(client: Client) -> None:
    games = LEAGUE.games_on(DAY)
    frame = savantsdk.schedule(DAY.isoformat())
    assert sorted(frame["game_pk"]) == sorted(g.game_pk for g in games)
    team_id = games[0].away_id
    for team in (TEAM_IDS[team_id], team_id):
        mine = savantsdk.schedule(DAY, team=team)
        assert mine["game_pk"].tolist() == [
            g.game_pk for g in games if team_id in (g.home_id, g.away_id)
        ]
    with pytest.raises(ConfigurationError, match="unknown team 'Seattle Pilots'"):
        savantsdk.schedule(DAY, team="Seattle Pilots")
    with pytest.raises(ConfigurationError, match="accepted forms"):
        savantsdk.schedule("06/01")


def test_lookup_and_reverse_lookup(client: Client) -> None:
    player = sorted(LEAGUE.iter_players(), key=lambda p: p.id)[10]
    found = savantsdk.lookup(player.full_name)
    assert player.id in found["key_mlbam"].tolist()
    assert found["score"].iloc[0] == 100.0
    back = savantsdk.reverse_lookup([player.id, 1])
    assert back["name"].tolist() == [player.full_name]
    bbref = back["key_bbref"].iloc[0]
    assert savantsdk.reverse_lookup(bbref, key="bbref")["key_mlbam"].tolist() == [player.id]


def test_set_default_client_checks_and_closes_only_its_own(clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError, match=r"takes a savantsdk\.Client"):
        savantsdk.set_default_client(savantsdk.AsyncClient)  # type: ignore[arg-type]
    built = savantsdk.default_client()  # built here: no request is made until a call
    assert savantsdk.default_client() is built
    with Client() as mine:
        savantsdk.set_default_client(mine)
        assert built.closed  # the one savantsdk built is closed when replaced
        assert savantsdk.default_client() is mine
        savantsdk.set_default_client(None)
        assert not mine.closed  # yours stays yours
    fresh = savantsdk.default_client()
    assert fresh is not built
    savantsdk.set_default_client(None)
    assert fresh.closed


_SCRIPT = """
import atexit, os, sys, threading
seen = {}
# registered before savantsdk's own exit hook, so it runs after it (atexit is LIFO)
atexit.register(lambda: print("closed at exit:", seen["client"].closed, flush=True))
import savantsdk
# nothing built, nothing heavy imported by `import savantsdk`
assert "savantsdk._shortcuts" not in sys.modules and "httpx" not in sys.modules
assert threading.active_count() == 1
from savantsdk.testing import FakeUpstream, SimulatedLeague
league = SimulatedLeague(seed=11, days=3)
fake = FakeUpstream(league).start()
for name, url in fake.base_urls.items():  # the default client reads SAVANTSDK_* base URLs
    os.environ[f"SAVANTSDK_{name.upper()}_BASE_URL"] = url
frame = savantsdk.schedule(league.dates[0])
seen["client"] = client = savantsdk.default_client()
assert not client.closed
print(len(frame), "games", flush=True)
"""


def test_the_default_client_is_lazy_env_configured_and_closed_at_exit(
    clean_env: pytest.MonkeyPatch,
) -> None:
    done = subprocess.run(
        [sys.executable, "-W", "error::ResourceWarning", "-c", textwrap.dedent(_SCRIPT)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    games = len(LEAGUE.games_on(LEAGUE.dates[0]))
    assert done.stdout.splitlines() == [f"{games} games", "closed at exit: True"]
    assert "unclosed" not in done.stderr


_UNCLOSED = """
import savantsdk
client = savantsdk.Client()   # never closed
print("built", flush=True)
"""


def test_an_unclosed_client_does_not_block_interpreter_exit() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _UNCLOSED], capture_output=True, text=True, timeout=30, check=False
    )
    assert (done.returncode, done.stdout) == (0, "built\n"), done.stderr

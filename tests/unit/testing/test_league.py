"""The simulated league: determinism, structure, internal consistency and league-level rates."""

from __future__ import annotations

import csv
import io
import itertools
import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from savantsdk.testing import SimulatedLeague, _payloads as payloads
from savantsdk.testing._counting import batting_lines, innings_pitched, pitching_lines
from savantsdk.testing._oracle import american_from_prob, book_prices, prop_line
from savantsdk.testing._world import EVENT_COUNTS_2024, LEAGUE_RATES_2024

START = date(2024, 5, 1)


@pytest.fixture(scope="module")
def league() -> SimulatedLeague:
    return SimulatedLeague(seed=11, start=START, days=4)


def test_league_rates_come_from_the_2024_event_counts() -> None:
    pa = 181_026  # every PA-ending 2024 event in SOURCES-savant-statsapi.md section 1.6
    assert sum(EVENT_COUNTS_2024.values()) == pa
    assert LEAGUE_RATES_2024["K"] == pytest.approx((40_863 + 110) / pa)
    assert LEAGUE_RATES_2024["BB"] == pytest.approx(14_313 / pa)
    assert LEAGUE_RATES_2024["HR"] == pytest.approx(5_438 / pa)
    assert LEAGUE_RATES_2024["1B"] == pytest.approx(25_760 / pa)
    assert sum(LEAGUE_RATES_2024.values()) == pytest.approx(1.0)
    assert round(LEAGUE_RATES_2024["OIP"], 4) == 0.4646


def test_thirty_teams_with_full_rosters(league: SimulatedLeague) -> None:
    assert len(league.teams) == 30
    assert {t.id for t in league.teams} >= {108, 147, 119, 158}
    assert league.team_by_abbrev["AZ"].id == 109
    ids = [p.id for t in league.teams for p in t.players]
    assert len(ids) == len(set(ids)) == 30 * 26
    for team in league.teams:
        assert len(team.position_players) == 13
        assert len([p for p in team.players if p.is_pitcher]) == 13
        assert len(team.starters) == 5
        for p in team.players:
            assert 500_000 <= p.id < 700_000
            assert sum(p.rates.values()) == pytest.approx(1.0)
    names = [p.full_name for p in league.players.values()]
    assert any(n.endswith(" Jr.") for n in names)
    assert any(any(c in n for c in "áéíóúñÁ") for n in names)
    jr = next(p for p in league.players.values() if p.suffix == "Jr.")
    assert jr.last_first == f"{jr.last_name} Jr., {jr.first_name}"


def test_schedule_days_doubleheaders_and_rotation() -> None:
    lg = SimulatedLeague(seed=5, start=START, days=12, doubleheader_rate=0.5)
    per_day = Counter(g.official_date for g in lg.schedule)
    assert set(per_day) == set(lg.dates)
    assert set(per_day.values()) <= {15, 16}
    assert 16 in per_day.values()  # a doubleheader happened
    pks = [g.game_pk for g in lg.schedule]
    assert len(pks) == len(set(pks))
    for day in lg.dates:
        games = lg.games_on(day)
        teams = Counter(t for g in games for t in (g.home_id, g.away_id))
        assert set(teams) == {t.id for t in lg.teams}
        dh = [g for g in games if g.double_header == "S"]
        if dh:
            g1, g2 = sorted(dh, key=lambda g: g.game_number)
            assert (g1.game_number, g2.game_number) == (1, 2)
            assert (g1.home_id, g1.away_id) == (g2.home_id, g2.away_id)
            assert g2.start > g1.start
            assert g1.game_pk != g2.game_pk
    for team in lg.teams:
        starters = [
            g.home_starter if g.home_id == team.id else g.away_starter
            for g in lg.team_games(team.id)
        ]
        rotation = [p.id for p in team.starters]
        assert starters == [rotation[i % 5] for i in range(len(starters))]
    for g in lg.schedule:
        assert len(g.home_lineup) == len(g.away_lineup) == 9
        assert sorted(pos for _, pos in g.home_lineup) == sorted(
            ["C", "1B", "2B", "3B", "SS", "LF", "CF", "RF", "DH"]
        )


def test_same_seed_same_world_different_seed_different_world() -> None:
    a = SimulatedLeague(seed=3, start=START, days=2)
    b = SimulatedLeague(seed=3, start=START, days=2)
    c = SimulatedLeague(seed=4, start=START, days=2)
    assert a.schedule == b.schedule
    assert [p.id for p in a.iter_players()] == [p.id for p in b.iter_players()]
    g = a.schedule[7]
    assert a.plate_appearances(g.game_pk) == b.plate_appearances(g.game_pk)
    assert prop_line(a, g, g.home_starter, "pitcher_strikeouts") == prop_line(
        b, g, g.home_starter, "pitcher_strikeouts"
    )
    assert a.schedule != c.schedule
    sg_a = payloads.StatcastGame(a, g).lines["pitcher"]
    sg_b = payloads.StatcastGame(b, g).lines["pitcher"]
    assert sg_a == sg_b


def _statcast_counts(league: SimulatedLeague, game_pk: int) -> dict[int, Counter[str]]:
    lines = payloads.StatcastGame(league, league.game_by_pk[game_pk]).lines["batter"]
    text = payloads.STATCAST_HEADER + "\n" + "\n".join(line for *_, line in lines)
    out: dict[int, Counter[str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        if row["events"]:
            out.setdefault(int(row["batter"]), Counter())[row["events"]] += 1
    return out


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_statcast_rows_boxscore_and_pa_records_agree(seed: int) -> None:
    league = SimulatedLeague(seed=seed, start=START, days=1)
    now = datetime.combine(league.dates[-1], datetime.min.time(), tzinfo=UTC) + timedelta(days=2)
    for game in league.games_on(league.dates[0])[:6]:
        state = league.state(game.game_pk, now)
        assert state.is_final
        box = payloads.boxscore_json(league, state, now)
        sc = _statcast_counts(league, game.game_pk)
        for side, lineup in (("away", game.away_lineup), ("home", game.home_lineup)):
            team = box["teams"][side]
            assert team["battingOrder"] == [pid for pid, _ in lineup]
            for i, (pid, _) in enumerate(lineup):
                entry = team["players"][f"ID{pid}"]
                assert entry["battingOrder"] == str(100 * (i + 1))
                b = entry["stats"]["batting"]
                c = sc.get(pid, Counter())
                hits = c["single"] + c["double"] + c["triple"] + c["home_run"]
                assert b["hits"] == hits
                assert b["homeRuns"] == c["home_run"]
                assert b["strikeOuts"] == c["strikeout"]
                assert b["baseOnBalls"] == c["walk"]
                assert b["plateAppearances"] == sum(c.values())
            pitchers = team["pitchers"]
            starter = game.away_starter if side == "away" else game.home_starter
            assert pitchers[0] == starter
            pit_pas = [pa for pa in state.pas if pa.top == (side == "home")]
            lines = [team["players"][f"ID{p}"]["stats"]["pitching"] for p in pitchers]
            assert sum(ln["battersFaced"] for ln in lines) == len(pit_pas)
            assert sum(ln["strikeOuts"] for ln in lines) == sum(pa.is_strikeout for pa in pit_pas)
            outs = sum(ln["outs"] for ln in lines)
            assert outs == sum(pa.outs_made for pa in pit_pas)
            for ln in lines:
                assert ln["inningsPitched"] == innings_pitched(ln["outs"])
                assert 0 <= ln["earnedRuns"] <= ln["runs"]
        # Runs in the box equal the final score; every half inning except the last has 3 outs.
        bat = batting_lines(state.pas)
        away_runs = sum(bat[p]["runs"] for p, _ in game.away_lineup if p in bat)
        home_runs = sum(bat[p]["runs"] for p, _ in game.home_lineup if p in bat)
        assert (away_runs, home_runs) == (state.away_score, state.home_score)
        assert state.away_score != state.home_score
        halves = Counter((pa.inning, pa.top) for pa in state.pas for _ in range(pa.outs_made))
        last = (state.pas[-1].inning, state.pas[-1].top)
        assert all(n == 3 for k, n in halves.items() if k != last)
        pit = pitching_lines(state.pas)
        assert sum(p["runs"] for p in pit.values()) == state.away_score + state.home_score


def test_simulated_season_rates_match_the_league_rates() -> None:
    lg = SimulatedLeague(seed=2024, start=START, days=10)
    far = datetime(2030, 1, 1, tzinfo=UTC)
    counts = payloads.outcome_counts(payloads.season_pas(lg, far))
    n = sum(counts.values())
    assert n > 10_000
    tolerance = {
        "K": 0.02,
        "BB": 0.012,
        "HR": 0.008,
        "1B": 0.015,
        "2B": 0.008,
        "HBP": 0.005,
        "3B": 0.003,
        "OIP": 0.03,
    }
    for k, tol in tolerance.items():
        assert abs(counts[k] / n - LEAGUE_RATES_2024[k]) < tol, (k, counts[k] / n)
    # Runs per game near the 2024 MLB figure (~8.8 for both teams).
    finals = [lg.state(g.game_pk, far) for g in lg.schedule]
    rpg = sum(s.away_score + s.home_score for s in finals) / len(finals)
    assert 7.0 < rpg < 10.5


def test_live_state_advances_pa_by_pa(league: SimulatedLeague) -> None:
    game = league.schedule[0]
    assert league.state(game.game_pk, game.start - timedelta(minutes=1)).status == "Preview"
    seen = []
    t = game.start
    while True:
        s = league.state(game.game_pk, t)
        seen.append(len(s.pas))
        if s.is_final:
            break
        assert s.status == "Live"
        t += timedelta(minutes=5)
    assert seen == sorted(seen)
    assert seen[-1] == len(league.plate_appearances(game.game_pk))
    assert league.end_time(game.game_pk) <= t
    assert 2.0 < (league.end_time(game.game_pk) - game.start).total_seconds() / 3600 < 5.0


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000))
def test_every_game_is_a_valid_baseball_game(seed: int) -> None:
    lg = SimulatedLeague(seed=seed, start=START, days=1)
    for game in lg.schedule[:5]:
        pas = lg.plate_appearances(game.game_pk)
        assert [pa.index for pa in pas] == list(range(len(pas)))
        for prev, pa in itertools.pairwise(pas):
            assert pa.away_before == prev.away_after
            assert pa.home_before == prev.home_after
            assert pa.start_s >= prev.end_s
        for pa in pas:
            assert 0 <= pa.outs_before < 3
            assert pa.outs_before <= pa.outs_after <= 3
            assert pa.pitches[-1].balls <= 3
            assert pa.pitches[-1].strikes <= 2
            assert len(pa.scorers) == (pa.away_after - pa.away_before) + (
                pa.home_after - pa.home_before
            )
        final = pas[-1]
        assert final.inning >= 9
        assert final.away_after != final.home_after


def test_prop_lines_and_prices(league: SimulatedLeague) -> None:
    game = league.schedule[3]
    for pid, _ in game.home_lineup:
        for market in ("batter_hits", "batter_total_bases", "batter_strikeouts"):
            line = prop_line(league, game, pid, market)
            assert line.point % 1 == 0.5
            assert 0.0 < line.p_over < 1.0
    k = prop_line(league, game, game.away_starter, "pitcher_strikeouts")
    assert 2.5 <= k.point <= 9.5
    assert abs(k.expected - k.point) < 1.5
    over, under = book_prices(0.5, rng=random.Random(1), margin=0.05)
    assert over + under == pytest.approx(1.05)
    assert american_from_prob(0.6) == -150
    assert american_from_prob(0.4) == 150


def test_importing_the_package_does_not_import_the_server_stack() -> None:
    import subprocess
    import sys

    code = (
        "import sys, savantsdk, savantsdk.testing; "
        "bad = [m for m in ('uvicorn', 'starlette') if m in sys.modules]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def _apply(doc: object, ops: list[dict[str, object]]) -> object:
    import copy

    root = {"": copy.deepcopy(doc)}
    for op in ops:
        parts = [
            "",
            *[p.replace("~1", "/").replace("~0", "~") for p in str(op["path"]).split("/")[1:]],
        ]
        parent: object = root
        for p in parts[:-1]:
            parent = parent[int(p)] if isinstance(parent, list) else parent[p]  # type: ignore[index]
        last = parts[-1]
        if isinstance(parent, list):
            if op["op"] == "add":
                parent.insert(int(last), op["value"])
            elif op["op"] == "remove":
                del parent[int(last)]
            else:
                parent[int(last)] = op["value"]
        elif op["op"] == "remove":
            del parent[last]  # type: ignore[attr-defined]
        else:
            parent[last] = op["value"]  # type: ignore[index]
    return root[""]


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text("ab/~", max_size=3),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text("ab/~", max_size=3), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=200)
@given(old=_json_values, new=_json_values)
def test_json_diff_turns_old_into_new(old: object, new: object) -> None:
    assert _apply(old, payloads.json_diff(old, new)) == new
    assert payloads.json_diff(new, new) == []

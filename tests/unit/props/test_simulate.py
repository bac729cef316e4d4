"""The game simulator on a textbook transition table (no data): rules, conservation, seeds."""

from __future__ import annotations

import attrs
import numpy as np
import pytest

from savantsdk.exceptions import PropGenerationError
from savantsdk.props import EXAMPLE_LEAGUE_RATES, EntryType, PACategory
from savantsdk.props._sim_entries import Leg, entry_probability
from savantsdk.props._sim_live import BatterLine, GameState, PitcherLine, simulate_from
from savantsdk.props._sim_tables import BaseOutRecords, TransitionTable, fit_transition_table
from savantsdk.props._simulate import (
    FantasyScoring,
    SimGame,
    SimulationResult,
    simulate_game,
    simulate_games,
)

LEAGUE = np.asarray(EXAMPLE_LEAGUE_RATES)


def _empty_records() -> BaseOutRecords:
    i = np.zeros(0, dtype=np.int64)
    i3 = np.zeros((0, 3), dtype=np.int64)
    return BaseOutRecords(
        game_pk=i, at_bat_number=i, inning=i, batter=i, event=np.zeros(0, dtype=object),
        outcome=i, outs=i, bases=i, runners=i3, post_runners=i3,
        fates=np.zeros((0, 4), dtype=np.int64), outs_added=i, runs=i, rbi=i,
        end=np.zeros(0, dtype=bool),
    )  # fmt: skip


@pytest.fixture(scope="module")
def textbook() -> TransitionTable:
    """No data: every cell is the textbook rule (forced advances, singles score from 2nd)."""
    return fit_transition_table(_empty_records())


def _exit(mean: float = 15.0) -> np.ndarray:
    k = np.arange(28)
    e = np.exp(-0.5 * ((k - mean) / 3.0) ** 2)
    return np.stack([e, e]) / e.sum()


def _game(rates: np.ndarray | None = None, *, home: np.ndarray | None = None) -> SimGame:
    r = np.broadcast_to(LEAGUE if rates is None else rates, (2, 2, 9, 8)).copy()
    if home is not None:
        r[1] = home
    return SimGame(
        game_pk=1,
        lineups=np.arange(1, 19).reshape(2, 9),
        starters=np.array([100, 200]),
        rates=r,
        exit_outs=_exit(),
    )


def _rates(**kw: float) -> np.ndarray:
    r = np.zeros(8)
    for name, v in kw.items():
        r[PACategory[name.upper()]] = v
    return r


def test_textbook_table_is_the_rule(textbook: TransitionTable) -> None:
    rows, p = textbook.cell(PACategory.SINGLE, bases=2, outs=0)  # runner on 2nd scores
    assert p.tolist() == [1.0]
    assert textbook.runs[rows[0]] == 1
    assert textbook.post_bases[rows[0]] == 1
    rows, p = textbook.cell(PACategory.STRIKEOUT, bases=7, outs=2)  # third out: half over
    assert textbook.post_bases[rows[0]] == 8
    assert textbook.runs[rows[0]] == 0


def test_seeded_and_reproducible(textbook: TransitionTable) -> None:
    a = simulate_game(_game(), textbook, n=500, seed=3)
    b = simulate_game(_game(), textbook, n=500, seed=3)
    c = simulate_game(_game(), textbook, n=500, seed=4)
    np.testing.assert_array_equal(a.batting, b.batting)
    np.testing.assert_array_equal(a.score, b.score)
    assert not np.array_equal(a.score, c.score)


def test_strikeouts_only_reach_the_inning_cap(textbook: TransitionTable) -> None:
    res = simulate_games([_game(_rates(strikeout=1.0))], textbook, n=50, seed=0, max_innings=12)[0]
    assert np.all(res.score == 0)
    assert np.all(res.innings == 12)
    pa = res.batting[:, :, :, :8].sum(axis=(2, 3))
    assert np.all(pa == 36)  # 3 up, 3 down for 12 innings each
    outs = res.pitching[:, :, :, 8].sum(axis=2)
    assert np.all(outs == 36)
    # the starter leaves exactly at his drawn exit outs; K = outs
    sp = res.pitcher_samples(0, "pitcher_outs")
    assert np.array_equal(sp, res.pitcher_samples(0, "pitcher_strikeouts"))


def test_rates_without_outs_are_refused(textbook: TransitionTable) -> None:
    with pytest.raises(PropGenerationError, match="did not end"):
        simulate_games([_game(_rates(walk=1.0))], textbook, n=5, seed=0, max_innings=3)


def test_runs_add_up_everywhere(textbook: TransitionTable) -> None:
    res = simulate_game(_game(), textbook, n=4000, seed=11)
    bat, pit = res.batting.astype(np.int64), res.pitching.astype(np.int64)
    for t in range(2):
        runs_b = bat[:, t, :, 8].sum(axis=1)  # includes substitutes (none here)
        np.testing.assert_array_equal(runs_b, res.score[:, t])
        np.testing.assert_array_equal(pit[:, t, :, 9].sum(axis=1), res.score[:, t])
        assert np.all(bat[:, t, :, 9].sum(axis=1) <= res.score[:, t])  # RBI <= runs
        np.testing.assert_array_equal(
            bat[:, t, :, :4].sum(axis=(1, 2)), pit[:, t, :, :4].sum(axis=(1, 2))
        )
        assert np.all(pit[:, t, :, 10] <= pit[:, t, :, 9])  # ER <= R
    assert np.all(res.score[:, 0] != res.score[:, 1])  # no ties below the inning cap
    # runs are unearned only through the automatic runner, i.e. in extra innings
    unearned = (pit[:, :, :, 9] - pit[:, :, :, 10]).sum(axis=(1, 2))
    assert np.all(unearned[res.innings <= 9] == 0)
    assert unearned[res.innings > 9].sum() > 0
    # a league-average game: about 4-5 runs a team, about 38 PAs each
    assert 3.5 < res.score.mean() < 5.5
    assert 36 < res.batting[:, :, :, :8].sum(axis=(2, 3)).mean() < 40


def test_ninth_inning_rules(textbook: TransitionTable) -> None:
    no_hr = LEAGUE.copy()
    no_hr[PACategory.SINGLE] += no_hr[PACategory.HOME_RUN]
    no_hr[PACategory.HOME_RUN] = 0.0
    res = simulate_game(_game(no_hr), textbook, n=6000, seed=5)
    home_outs = res.pitching[:, 1, :, 8].astype(np.int64).sum(axis=1)
    away_outs = res.pitching[:, 0, :, 8].astype(np.int64).sum(axis=1)
    nine = res.innings == 9
    home_won = res.score[:, 1] > res.score[:, 0]
    # home ahead after 8.5 innings: no bottom of the 9th (24 outs), else a walk-off (< 27)
    assert np.all(home_outs[nine & home_won] < 27)
    assert np.any(home_outs[nine & home_won] == 24)
    assert np.all(away_outs[nine] == 27)
    assert np.all(home_outs[nine & ~home_won] == 27)
    # a walk-off without a home run counts only the winning run
    walkoff = home_won & (home_outs % 3 != 0) | (home_won & (home_outs > 24) & nine)
    margin = res.score[walkoff, 1] - res.score[walkoff, 0]
    assert walkoff.sum() > 100
    assert np.all(margin == 1)


def test_fantasy_scores_follow_the_table(textbook: TransitionTable) -> None:
    sc = FantasyScoring()
    res = simulate_game(_game(), textbook, n=2000, seed=2, scoring=sc)
    s = {k: res.samples(4, k) for k in ("singles", "doubles", "triples", "home_runs",
                                          "runs", "rbis", "walks", "hit_by_pitch")}  # fmt: skip
    want = (3 * s["singles"] + 5 * s["doubles"] + 8 * s["triples"] + 10 * s["home_runs"]
            + 2 * s["runs"] + 2 * s["rbis"] + 2 * s["walks"] + 2 * s["hit_by_pitch"])  # fmt: skip
    np.testing.assert_array_equal(res.samples(4, "hitter_fantasy_score"), want)
    outs = res.samples(200, "pitcher_outs")
    ks = res.samples(200, "pitcher_strikeouts")
    er = res.samples(200, "earned_runs")
    win = res.samples(200, "pitcher_win")
    qs = ((outs >= 18) & (er <= 3)).astype(float)
    np.testing.assert_array_equal(
        res.samples(200, "pitcher_fantasy_score"), outs + 3 * ks + 6 * win + 4 * qs - 3 * er
    )
    # a win needs 5 innings and his team winning
    assert np.all(outs[win == 1] >= 15)
    team_won = res.score[:, 0] > res.score[:, 1]  # pitcher 200 faces the home side: away team
    assert np.all(team_won[win == 1])
    assert 0.1 < win.mean() < 0.45
    doubled = simulate_game(_game(), textbook, n=2000, seed=2, scoring=FantasyScoring(single=6.0))
    np.testing.assert_array_equal(
        doubled.samples(4, "hitter_fantasy_score"), want + 3 * s["singles"]
    )


def test_distribution_and_lines_agree(textbook: TransitionTable) -> None:
    res = simulate_game(_game(), textbook, n=3000, seed=8)
    d = res.distribution(1, "hits")
    assert d.p_over(0.5) == pytest.approx(res.p_over(1, "hits", 0.5), abs=1e-9)
    assert d.mean == pytest.approx(res.mean(1, "hits"), abs=1e-6)
    assert res.p_over(1, "hits", 1.0) + res.p_under(1, "hits", 1.0) < 1.0  # push at 1
    with pytest.raises(PropGenerationError, match="not a count"):
        res.distribution(200, "pitcher_fantasy_score")
    with pytest.raises(PropGenerationError, match="not in game"):
        res.samples(999, "hits")
    with pytest.raises(PropGenerationError, match="unknown simulated stat"):
        res.samples(1, "steals")
    df = res.to_pandas()
    row = df[(df.player_id == 1) & (df.stat == "hits")]
    assert float(row["mean"].iloc[0]) == pytest.approx(res.mean(1, "hits"))
    assert set(df[df.role == "team"].stat) == {"away_runs", "home_runs", "game_total"}


def test_substitutes_take_the_slot(textbook: TransitionTable) -> None:
    hz = np.zeros((2, 9, 9))
    hz[0, 0, 2] = 1.0  # the away leadoff man always leaves after two PAs
    g = SimGame(
        game_pk=1, lineups=np.arange(1, 19).reshape(2, 9), starters=np.array([100, 200]),
        rates=np.broadcast_to(LEAGUE, (2, 2, 9, 8)).copy(), exit_outs=_exit(), sub_hazard=hz,
    )  # fmt: skip
    res: SimulationResult = simulate_game(g, textbook, n=1000, seed=1)
    assert np.all(res.samples(1, "plate_appearances") == 2)
    subs = res.batter_samples(0, 9, "plate_appearances")
    assert np.all(subs >= 1)  # the slot always has a third PA in 9 innings
    assert res.mean(10, "plate_appearances") > 4.0  # the home leadoff man stays in


def test_bad_inputs_name_the_field() -> None:
    with pytest.raises(PropGenerationError, match="rates must be"):
        SimGame(1, np.zeros((2, 9)), np.zeros(2), np.zeros((2, 9, 8)), _exit())
    with pytest.raises(PropGenerationError, match="exit_outs"):
        SimGame(1, np.zeros((2, 9)), np.zeros(2), np.broadcast_to(LEAGUE, (2, 2, 9, 8)),
                np.zeros((2, 27)))  # fmt: skip


# --------------------------------------------------------------------------------------------
# simulate_from


def test_from_the_first_pitch_is_the_pregame_game(textbook: TransitionTable) -> None:
    g = _game()
    a = simulate_game(g, textbook, n=20_000, seed=1)
    b = simulate_from(g, GameState(), textbook, n=20_000, seed=2)
    for st, tol in (("hits", 0.03), ("plate_appearances", 0.01), ("runs", 0.04)):
        assert b.mean(1, st) == pytest.approx(a.mean(1, st), rel=tol), st
    assert b.mean(100, "pitcher_strikeouts") == pytest.approx(
        a.mean(100, "pitcher_strikeouts"), rel=0.02
    )


def test_the_rest_is_added_to_what_happened(textbook: TransitionTable) -> None:
    g = _game()
    state = GameState(
        inning=6, half="bottom", outs=1, bases=(12, None, 10), score=(3, 1), team_pa=(24, 21),
        starter_lines=(
            PitcherLine(batters_faced=21, outs=16, strikeouts=6, hits=3, walks=1, runs=1,
                        earned_runs=1, pitches=88),
            PitcherLine(batters_faced=24, outs=15, strikeouts=3, hits=7, home_runs=1, walks=2,
                        runs=3, earned_runs=3, lead_at_exit=-2),
        ),
        batting={1: BatterLine(plate_appearances=3, singles=2, runs=1),
                 14: BatterLine(plate_appearances=3, strikeouts=3)},
        removed={200, 14},
    )  # fmt: skip
    res = simulate_from(g, state, textbook, n=3000, seed=9)
    assert np.all(res.samples(1, "hits") >= 2)
    assert np.all(res.samples(1, "plate_appearances") >= 3)
    assert np.all(res.score[:, 0] >= 3)
    assert np.all(res.score[:, 1] >= 1)
    # the removed away starter (faces the home side) is done: his line is final
    assert np.all(res.samples(200, "pitcher_outs") == 15)
    assert np.all(res.samples(200, "earned_runs") == 3)
    assert np.all(res.samples(200, "pitcher_win") == 0)
    # the removed batter keeps his line; his slot goes to a substitute
    assert np.all(res.samples(14, "plate_appearances") == 3)
    assert np.all(res.samples(14, "batter_strikeouts") == 3)
    assert res.batter_samples(1, 9, "plate_appearances").mean() >= 1.0
    # the home starter is still in past 16 outs (his drawn exit is later than that)
    assert np.all(res.samples(100, "pitcher_outs") >= 16)
    # two runners on, one out, down two in the 6th: the home side scores at least its 1
    assert res.score[:, 1].mean() > 2.0
    again = simulate_from(g, state, textbook, n=3000, seed=9)
    np.testing.assert_array_equal(res.batting, again.batting)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"outs": 3}, "outs"),
        ({"outs": 4}, "outs"),
        ({"inning": 0}, "inning"),
        ({"half": "middle"}, "half"),
        ({"bases": (5, None, None), "removed": {5}}, "bases"),
        ({"bases": (5, 5, None)}, "bases"),
        ({"score": (1, -1)}, "score"),
        ({"team_pa": (1,)}, "team_pa"),
        ({"inning": 9, "half": "bottom", "score": (1, 2)}, "score"),
    ],
)
def test_impossible_states_name_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(PropGenerationError, match=field):
        GameState(**kwargs)  # type: ignore[arg-type]


def test_states_that_do_not_fit_the_game_name_the_field(textbook: TransitionTable) -> None:
    g = _game()
    with pytest.raises(PropGenerationError, match="inning"):
        simulate_from(g, GameState(inning=30), textbook, n=10)
    with pytest.raises(PropGenerationError, match="bases"):  # player 12 bats for the home side
        simulate_from(g, GameState(bases=(12, None, None)), textbook, n=10)
    with pytest.raises(PropGenerationError, match="batting"):
        simulate_from(g, GameState(batting={999: BatterLine()}), textbook, n=10)
    with pytest.raises(PropGenerationError, match="plate_appearances"):
        BatterLine(plate_appearances=1, singles=2)
    with pytest.raises(PropGenerationError, match="earned_runs"):
        PitcherLine(runs=1, earned_runs=2)


# --------------------------------------------------------------------------------------------
# entries


@pytest.fixture(scope="module")
def two_games(textbook: TransitionTable) -> dict[int, SimulationResult]:
    g1 = _game()
    g2 = attrs.evolve(g1, game_pk=2, lineups=g1.lineups + 100, starters=np.array([300, 400]))
    return {r.game.game_pk: r for r in simulate_games([g1, g2], textbook, n=20_000, seed=13)}


def test_same_game_legs_are_correlated(two_games: dict[int, SimulationResult]) -> None:
    legs = [Leg(1, 3, "hits", 0.5), Leg(1, 3, "total_bases", 1.5)]
    ev = entry_probability(EntryType.power(2), legs, two_games)
    hits = two_games[1].samples(3, "hits") > 0.5
    tb = two_games[1].samples(3, "total_bases") > 1.5
    assert ev.p_all_hit == pytest.approx(float(np.mean(hits & tb)))
    assert ev.expected_return == pytest.approx(3.0 * ev.p_all_hit)
    assert ev.independent_p_all_hit == pytest.approx(hits.mean() * tb.mean())
    assert ev.p_all_hit > 1.3 * ev.independent_p_all_hit  # 2+ total bases need a hit
    assert ev.independent_expected_return == pytest.approx(3.0 * ev.independent_p_all_hit)


def test_other_game_legs_are_independent(two_games: dict[int, SimulationResult]) -> None:
    legs = [Leg(1, 3, "hits", 0.5), Leg(2, 103, "hits", 0.5)]
    ev = entry_probability(EntryType.power(2), legs, two_games)
    se = 2 * np.sqrt(ev.independent_p_all_hit * (1 - ev.independent_p_all_hit) / 20_000)
    assert abs(ev.p_all_hit - ev.independent_p_all_hit) < 3 * se


def test_flex_pays_by_misses(two_games: dict[int, SimulationResult]) -> None:
    legs = [Leg(1, 3, "hits", 0.5), Leg(1, 4, "runs", 0.5, "under"),
            Leg(2, 400, "pitcher_strikeouts", 4.5)]  # fmt: skip
    ev = entry_probability(EntryType.flex(3), legs, two_games)
    assert ev.miss_pmf[0] == pytest.approx(ev.p_all_hit)
    assert ev.expected_return == pytest.approx(2.25 * ev.miss_pmf[0] + 1.25 * ev.miss_pmf[1])
    assert sum(ev.miss_pmf) == pytest.approx(1.0)
    assert ev.push_probability == 0.0
    assert ev.ev == pytest.approx(ev.expected_return - 1)


def test_a_push_drops_the_leg(two_games: dict[int, SimulationResult]) -> None:
    legs = [Leg(1, 3, "hits", 1.0), Leg(1, 5, "hits", 0.5), Leg(2, 103, "walks", 0.5)]
    ev = entry_probability(EntryType.power(3), legs, two_games)
    r = two_games[1]
    h3, h5 = r.samples(3, "hits"), r.samples(5, "hits")
    w = two_games[2].samples(103, "walks") > 0.5
    push = h3 == 1
    assert ev.push_probability == pytest.approx(float(push.mean()))
    want = np.where(push, 3.0 * ((h5 > 0.5) & w), 5.0 * ((h3 > 1) & (h5 > 0.5) & w))
    assert ev.expected_return == pytest.approx(float(want.mean()))


def test_bad_entries_name_the_field(two_games: dict[int, SimulationResult]) -> None:
    with pytest.raises(PropGenerationError, match="legs"):
        entry_probability(EntryType.power(3), [Leg(1, 3, "hits", 0.5)] * 3, two_games)
    with pytest.raises(PropGenerationError, match="legs"):
        entry_probability(EntryType.power(2), [Leg(1, 3, "hits", 0.5)], two_games)
    with pytest.raises(PropGenerationError, match="legs: game 7"):
        entry_probability(
            EntryType.power(2), [Leg(1, 3, "hits", 0.5), Leg(7, 3, "hits", 0.5)], two_games
        )
    with pytest.raises(PropGenerationError, match="side"):
        Leg(1, 3, "hits", 0.5, "sideways")  # type: ignore[arg-type]
    with pytest.raises(PropGenerationError, match="line"):
        Leg(1, 3, "hits", -1.0)

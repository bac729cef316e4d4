"""Game simulator benchmark: simulated games/s, a 15-game slate, live re-pricing, entries.

    python benchmarks/simulate.py --json
    python benchmarks/simulate.py --repeat 5 --live-repeat 40 --entries 2000 --json

One core (BLAS threads pinned to 1).  Inputs are realistic: the real 2024-06-14 slate (15
games, the starting nines and starters of that day), the default rate model and history facts
fitted on the season before it, the transition table fitted on the Statcast rows before it and
the measured substitution hazards (fitting them is not timed).

* ``sim_games_per_s``: simulated games per second in 10,000-simulation batches of one game.
* ``slate_15_games_10k_s``: all 15 games x 10,000 simulations in one call, then every family
  of every batter and starter as per-simulation samples (the joint table entries read) with
  P(over) at its default line; best of ``--repeat``.
* ``live_reprice_ms_p50`` / ``_p95``: ``simulate_from`` one game in the bottom of the 5th
  (one out, runners on 1st and 3rd, each team's lines so far), 10,000 simulations, every open
  line of the game re-priced (every family of every player at its default line).
* ``entry_ev_per_s``: 6-leg power entries (legs drawn from the simulated slate, two per game
  so same-game legs occur) priced by ``entry_probability`` (joint and independent figures).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from savantsdk.props import (  # noqa: E402
    BatterLine,
    EntryType,
    GameState,
    Leg,
    PitcherLine,
    ShrinkageRateModel,
    SimStat,
    SimulationResult,
    entry_probability,
    fit_transition_table,
    history_facts,
    read_base_out_files,
    sim_games,
    simulate_from,
    simulate_games,
    slate_from_statcast,
    substitution_hazard,
)
from savantsdk.props._simulate import BATTER_SIM_STATS, PITCHER_SIM_STATS  # noqa: E402
from savantsdk.sources import ingest_statcast_files  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2024, 6, 14)
N = 10_000
#: the default line of each family (a prop board's usual one)
LINES: dict[SimStat, float] = {
    SimStat.HITS: 0.5, SimStat.SINGLES: 0.5, SimStat.DOUBLES: 0.5, SimStat.TRIPLES: 0.5,
    SimStat.TOTAL_BASES: 1.5, SimStat.HOME_RUNS: 0.5, SimStat.RUNS: 0.5, SimStat.RBIS: 0.5,
    SimStat.HITS_RUNS_RBIS: 1.5, SimStat.WALKS: 0.5, SimStat.HIT_BY_PITCH: 0.5,
    SimStat.BATTER_STRIKEOUTS: 0.5, SimStat.PLATE_APPEARANCES: 4.5,
    SimStat.HITTER_FANTASY_SCORE: 7.5, SimStat.PITCHER_STRIKEOUTS: 4.5,
    SimStat.PITCHER_OUTS: 16.5, SimStat.HITS_ALLOWED: 4.5, SimStat.WALKS_ALLOWED: 1.5,
    SimStat.HOME_RUNS_ALLOWED: 0.5, SimStat.RUNS_ALLOWED: 2.5, SimStat.EARNED_RUNS: 2.5,
    SimStat.BATTERS_FACED: 22.5, SimStat.PITCHER_WIN: 0.5, SimStat.QUALITY_START: 0.5,
    SimStat.PITCHER_FANTASY_SCORE: 30.5,
}  # fmt: skip


def _data_dir() -> Path:
    base = Path(os.environ.get("SAVANTSDK_SHARED_DATA") or ROOT.parent / "shared" / "data")
    return base / "statcast" / "2024"


def _price_all(res: SimulationResult) -> int:
    """P(over) of every family of every player at its default line (one pass per family over
    all players of the game); returns the number of lines priced."""
    batters = int((res.game.lineups > 0).sum())
    starters = int((res.game.starters > 0).sum())
    for st in BATTER_SIM_STATS:
        (res.family(st) > LINES[st]).mean(axis=-1)
    for st in PITCHER_SIM_STATS:
        (res.family(st) > LINES[st]).mean(axis=-1)
    return batters * len(BATTER_SIM_STATS) + starters * len(PITCHER_SIM_STATS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--live-repeat", type=int, default=30)
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    files = sorted(_data_dir().glob("sc_*.csv.gz"))
    if not files:
        print(f"no Statcast files under {_data_dir()}", file=sys.stderr)
        return 2
    pas = ingest_statcast_files(files)
    hist = pas.before(DAY)
    rates = ShrinkageRateModel().fit(hist, DAY)
    facts = history_facts(hist, DAY)
    slate = slate_from_statcast(pas, DAY)
    table = fit_transition_table(
        read_base_out_files([f for f in files if f.name[3:13] < DAY.isoformat()])
    )
    games = sim_games(rates, facts, slate, sub_hazard=substitution_hazard(hist, DAY))

    # simulated games per second, one game per 10k batch
    one = min(_timed(lambda: simulate_games(games[:1], table, n=N, seed=1)) for _ in range(3))
    sim_games_per_s = N / one

    # the slate
    slate_times = []
    n_priced = 0
    results: list[SimulationResult] = []
    for r in range(args.repeat):
        t0 = time.perf_counter()
        results = simulate_games(games, table, n=N, seed=r)
        n_priced = sum(_price_all(x) for x in results)
        slate_times.append(time.perf_counter() - t0)

    # live: bottom of the 5th, one out, runners on 1st and 3rd
    g = games[0]
    home, away = g.lineups[1], g.lineups[0]
    state = GameState(
        inning=5, half="bottom", outs=1, bases=(int(home[3]), None, int(home[1])),
        score=(2, 1), team_pa=(21, 18),
        starter_lines=(
            PitcherLine(batters_faced=18, outs=12, strikeouts=4, hits=4, walks=1, runs=1,
                        earned_runs=1, pitches=71),
            PitcherLine(batters_faced=21, outs=15, strikeouts=5, hits=5, home_runs=1,
                        walks=1, runs=2, earned_runs=2, pitches=80),
        ),
        batting={int(away[0]): BatterLine(plate_appearances=3, singles=1, runs=1),
                 int(home[1]): BatterLine(plate_appearances=2, singles=1)},
    )  # fmt: skip
    live = []
    for r in range(args.live_repeat):
        t0 = time.perf_counter()
        res = simulate_from(g, state, table, n=N, seed=r)
        _price_all(res)
        live.append(time.perf_counter() - t0)
    live_ms = np.array(live) * 1e3

    # entries: 6 legs, two from each of three games
    rng = np.random.default_rng(0)
    by_game = {x.game.game_pk: x for x in results}
    pks = list(by_game)
    entries = []
    stats = [SimStat.HITS, SimStat.TOTAL_BASES, SimStat.RUNS, SimStat.RBIS,
             SimStat.HITS_RUNS_RBIS, SimStat.BATTER_STRIKEOUTS]  # fmt: skip
    for _ in range(args.entries):
        legs = []
        for pk in rng.choice(pks, 3, replace=False).tolist():
            lu = by_game[pk].game.lineups.ravel()
            for pid in rng.choice(lu[lu > 0], 2, replace=False).tolist():
                st = stats[int(rng.integers(len(stats)))]
                legs.append(Leg(pk, pid, st, LINES[st], "over" if rng.random() < 0.5 else "under"))
        entries.append(legs)
    power6 = EntryType.power(6)
    t0 = time.perf_counter()
    for legs in entries:
        entry_probability(power6, legs, by_game)
    entry_s = time.perf_counter() - t0

    out = {
        "sim_games_per_s": round(sim_games_per_s),
        "slate_15_games_10k_s": round(min(slate_times), 3),
        "slate_games": len(games),
        "slate_lines_priced": n_priced,
        "live_reprice_ms_p50": round(float(np.percentile(live_ms, 50)), 1),
        "live_reprice_ms_p95": round(float(np.percentile(live_ms, 95)), 1),
        "entry_ev_per_s": round(len(entries) / entry_s),
        "simulations": N,
        "inputs": f"real slate {DAY.isoformat()}, default model fitted before it",
        "numpy": np.__version__,
        "python": platform.python_version(),
    }
    if args.json:
        print(json.dumps(out))
    else:
        for k, v in out.items():
            print(f"{k:24s} {v}")
    return 0


def _timed(fn: object) -> float:
    assert callable(fn)
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


if __name__ == "__main__":
    sys.exit(main())

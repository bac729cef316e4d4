"""Micro-benchmark of the prop math in ``savantsdk.props`` (warm rates, one core).

    python benchmarks/props_math.py [--players 10000] [--repeat 5] [--json]

``batter_props_per_s``: (players x 7 batter families) distributions per second, each with
P(over)/P(under)/P(push) at three lines, from per-PA matchup rates and lineup slots.
``pitcher_k_props_per_s``: starters' strikeout distributions per second (exact Poisson-binomial
over a 9-man lineup mixed over a discrete-normal BF pmf on 0..45, lines 4.5/5.5/6.5).
``pitcher_all_props_per_s``: the five pitcher families together.  Best of ``--repeat`` runs.
The full engine benchmark (``benchmarks/props.py``) comes with the generator.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

import numpy as np  # noqa: E402

from savantsdk.props import (  # noqa: E402
    BATTER_STATS,
    EXAMPLE_LEAGUE_RATES,
    PITCHER_STATS,
    Stat,
    batter_pmfs,
    bf_pmf,
    line_probabilities,
    matchup,
    pitcher_pmfs,
)


def _random_rates(rng: np.random.Generator, n: int) -> np.ndarray:
    league = np.asarray(EXAMPLE_LEAGUE_RATES)
    return rng.dirichlet(league * 300.0, size=n)


def _best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--players", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    n = args.players
    rng = np.random.default_rng(20240610)
    league = np.asarray(EXAMPLE_LEAGUE_RATES)

    batters = _random_rates(rng, n)
    pitchers = _random_rates(rng, n)
    slots = rng.integers(1, 10, size=n)
    lines = np.array([0.5, 1.5, 2.5])

    def batter_run() -> None:
        rates = matchup(batters, pitchers, league)
        pmfs = batter_pmfs(rates, slots=slots)
        for pmf in pmfs.values():
            line_probabilities(pmf, lines)

    lineups = _random_rates(rng, n * 9).reshape(n, 9, 8)
    starters = _random_rates(rng, n)
    bf = bf_pmf(rng.normal(22.6, 2.1, size=n), 4.0)
    k_lines = np.array([4.5, 5.5, 6.5])

    def pitcher_k_run() -> None:
        rates = matchup(lineups, starters[:, None, :], league)
        pmfs = pitcher_pmfs(rates, bf, stats=[Stat.PITCHER_STRIKEOUTS])
        line_probabilities(pmfs[Stat.PITCHER_STRIKEOUTS], k_lines)

    def pitcher_all_run() -> None:
        rates = matchup(lineups, starters[:, None, :], league)
        for pmf in pitcher_pmfs(rates, bf).values():
            line_probabilities(pmf, k_lines)

    batter_run()  # warm-up
    t_bat = _best(batter_run, args.repeat)
    t_pk = _best(pitcher_k_run, args.repeat)
    t_pall = _best(pitcher_all_run, args.repeat)
    result = {
        "players": n,
        "batter_props_per_s": round(n * len(BATTER_STATS) / t_bat),
        "batter_batch_s": round(t_bat, 4),
        "pitcher_k_props_per_s": round(n / t_pk),
        "pitcher_k_batch_s": round(t_pk, 4),
        "pitcher_all_props_per_s": round(n * len(PITCHER_STATS) / t_pall),
        "numpy": np.__version__,
        "python": platform.python_version(),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>26}: {value}")


if __name__ == "__main__":
    main()

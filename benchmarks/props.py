"""Prop engine benchmark: props/s from warm rates, a 15-game slate, ingest vs pandas.

    python benchmarks/props.py --json
    python benchmarks/props.py --copies 40 --repeat 5 --ingest-days 10 --json

One core (BLAS threads pinned to 1).  Best of ``--repeat`` runs for every figure.

* ``props_per_s``: (player, family) distributions per second from warm rates (a fitted
  model and history facts): the real 2024-06-14 slate replicated ``--copies`` times
  (one ``run_engine`` call over all games), every family, each with P(over)/P(under)/P(push)
  at its default lines.  ``prop_objects_per_s``: the same through typed ``Prop`` objects.
* ``slate_15_games_s``: a real 15-game day (2024-06-14), every family, warm rates, through
  ``generate`` (typed ``Prop`` objects); ``slate_15_games_cold_s`` includes fitting the
  rate model and history facts on the 2024 season to date.
* ``ingest_rows_per_s`` vs ``pandas_read_csv_rows_per_s``: the same decompressed CSV bytes
  (``--ingest-days`` daily files) through ``ingest_statcast`` and ``pandas.read_csv``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import gzip  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import attrs  # noqa: E402
import numpy as np  # noqa: E402

from savantsdk.props import (  # noqa: E402
    DEFAULT_LINES,
    ShrinkageRateModel,
    generate,
    history_facts,
    line_probabilities,
    run_engine,
    slate_from_statcast,
)
from savantsdk.sources import PlateAppearances, ingest_statcast  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2024, 6, 14)


def _data_dir() -> Path:
    base = Path(os.environ.get("SAVANTSDK_SHARED_DATA") or ROOT.parent / "shared" / "data")
    return base / "statcast" / "2024"


def _best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=40, help="slate copies for props_per_s")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--ingest-days", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    files = sorted(_data_dir().glob("sc_*.csv.gz"))
    if not files:
        print(f"no Statcast files under {_data_dir()}", file=sys.stderr)
        return 2
    pas = PlateAppearances.concat([ingest_statcast(f) for f in files])
    slate = slate_from_statcast(pas, DAY)
    model = ShrinkageRateModel()

    def cold() -> object:
        fitted = model.fit(pas, DAY)
        facts = history_facts(pas, DAY)
        return generate(run_engine(fitted, facts, slate), slate)

    fitted = model.fit(pas, DAY)
    facts = history_facts(pas, DAY)

    def warm_slate() -> object:
        return generate(run_engine(fitted, facts, slate), slate)

    big = attrs.evolve(
        slate,
        games=tuple(
            attrs.evolve(g, game_pk=g.game_pk * 1000 + c)
            for c in range(args.copies)
            for g in slate.games
        ),
    )
    n_props = [0]

    def warm_arrays() -> None:
        res = run_engine(fitted, facts, big)
        n = 0
        for block in (res.batters, res.pitchers):
            for stat, pmf in block.pmfs.items():
                line_probabilities(pmf, DEFAULT_LINES[stat])
                n += pmf.shape[0]
        n_props[0] = n

    def warm_objects() -> None:
        generate(run_engine(fitted, facts, big), big)

    warm_arrays()
    t_arrays = _best(warm_arrays, args.repeat)
    t_objects = _best(warm_objects, max(1, args.repeat // 2))
    t_slate = _best(warm_slate, args.repeat)
    t_cold = _best(cold, max(1, args.repeat // 2))

    import pandas as pd

    chosen = files[40 : 40 + args.ingest_days]
    payloads = [gzip.decompress(f.read_bytes()) for f in chosen]
    rows = sum(ingest_statcast(p).rows_read for p in payloads)
    t_ours = t_pd = float("inf")
    for _ in range(args.repeat):  # interleaved, so both sides see the same machine state
        t_ours = min(t_ours, _best(lambda: [ingest_statcast(p) for p in payloads], 1))
        t_pd = min(t_pd, _best(lambda: [pd.read_csv(io.BytesIO(p)) for p in payloads], 1))

    result = {
        "props_per_s": round(n_props[0] / t_arrays),
        "props": n_props[0],
        "prop_objects_per_s": round(n_props[0] / t_objects),
        "slate_15_games_s": round(t_slate, 4),
        "slate_15_games_cold_s": round(t_cold, 3),
        "slate_games": len(slate),
        "slate_props": sum(1 for _ in warm_slate()),  # type: ignore[attr-defined]
        "ingest_rows_per_s": round(rows / t_ours),
        "pandas_read_csv_rows_per_s": round(rows / t_pd),
        "ingest_vs_pandas": round(t_pd / t_ours, 2),
        "ingest_rows": rows,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "python": platform.python_version(),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k:>28}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

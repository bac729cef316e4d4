"""Ingest benchmark: Statcast CSV bytes -> PlateAppearances vs ``pandas.read_csv``.

Both sides read the same decompressed bytes (gzip decompression is done once, up front, and
excluded from both timings), side by side in one run, best of ``--repeat`` passes.

    python benchmarks/ingest.py --json            # 10 days from ../shared/data/statcast/2024
    python benchmarks/ingest.py --days 20 --repeat 5 --json
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _data_dir() -> Path:
    base = Path(os.environ.get("SAVANTSDK_SHARED_DATA") or ROOT.parent / "shared" / "data")
    return base / "statcast" / "2024"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=10, help="number of daily files (default 10)")
    parser.add_argument("--offset", type=int, default=40, help="index of the first day used")
    parser.add_argument("--repeat", type=int, default=3, help="passes; the best is reported")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)

    import pandas as pd

    from savantsdk.sources._plate_appearances import ingest_statcast

    files = sorted(_data_dir().glob("sc_*.csv.gz"))[args.offset : args.offset + args.days]
    if not files:
        print(f"no Statcast files under {_data_dir()}", file=sys.stderr)
        return 2
    payloads = [gzip.decompress(f.read_bytes()) for f in files]

    def run_ours() -> int:
        return sum(ingest_statcast(p).rows_read for p in payloads)

    def run_pandas() -> int:
        return sum(len(pd.read_csv(io.BytesIO(p))) for p in payloads)

    rows = run_ours()
    pd_rows = run_pandas()  # warm-up both, and check they agree on the row count
    if rows != pd_rows:
        print(f"row counts differ: ours {rows}, pandas {pd_rows}", file=sys.stderr)
        return 1
    best_ours = best_pd = float("inf")
    for _ in range(args.repeat):  # interleaved so both see the same machine state
        t0 = time.perf_counter()
        run_ours()
        t1 = time.perf_counter()
        run_pandas()
        t2 = time.perf_counter()
        best_ours = min(best_ours, t1 - t0)
        best_pd = min(best_pd, t2 - t1)
    result = {
        "ingest_rows_per_s": round(rows / best_ours),
        "pandas_read_csv_rows_per_s": round(rows / best_pd),
        "ratio": round(best_pd / best_ours, 2),
        "rows": rows,
        "files": len(files),
        "bytes": sum(len(p) for p in payloads),
        "repeat": args.repeat,
        "pandas": pd.__version__,
    }
    if args.json:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k:>28}: {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Frames benchmark: peak memory and time to read a season of Statcast into a DataFrame.

Each mode runs in its own subprocess (clean peak RSS), side by side in one run, on the same
daily files of ``../shared/data/statcast/2024`` (every ``sc_*.csv.gz`` by default):

* ``parse``: ``read_statcast_csv`` per file, then ``StatcastTable.concat`` (what a pull does);
* ``to_arrow`` / ``to_pandas`` / ``to_polars``: ``parse``, then the table's conversion;
* ``pandas_read_csv``: the pybaseball-style baseline, ``pandas.read_csv`` per file then
  ``pandas.concat`` (no post-processing, so a lower bound on pybaseball's own cost).

Every child imports numpy, pandas, pyarrow, polars and savantsdk first, so the baselines
match.  ``peak_rss_mb_*`` is the process's peak resident set (``getrusage``).  For the
conversions the peak of the conversion step alone is also measured: the kernel's high-water
mark is reset after parsing (``/proc/self/clear_refs``, Linux) and read back after the
conversion (``conversion_peak_mb_*``), next to ``rss_mb_after_parse``: their difference is what
the conversion added while the table was still alive.

    python benchmarks/frames.py --json
    python benchmarks/frames.py --days 30 --json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MODES = ("parse", "to_arrow", "to_pandas", "to_polars", "pandas_read_csv")


def _data_dir() -> Path:
    base = Path(os.environ.get("SAVANTSDK_SHARED_DATA") or ROOT.parent / "shared" / "data")
    return base / "statcast" / "2024"


def _files(days: int | None) -> list[Path]:
    files = sorted(_data_dir().glob("sc_*.csv.gz"))
    return files if days is None else files[:days]


def _status_mb(field: str) -> float | None:
    """``VmRSS`` / ``VmHWM`` of this process from /proc (Linux), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _child(mode: str, days: int | None) -> dict[str, Any]:
    import numpy as np
    import pandas as pd
    import polars as pl
    import pyarrow as pa

    from savantsdk.sources import StatcastTable, read_statcast_csv

    files = _files(days)
    out: dict[str, Any] = {"mode": mode, "days": len(files)}
    out["rss_mb_start"] = round(_status_mb("VmRSS") or 0.0, 1)
    if mode == "pandas_read_csv":
        t0 = time.perf_counter()
        frames = [pd.read_csv(f, na_values=["NA"], low_memory=False) for f in files]
        df = pd.concat(frames, ignore_index=True)
        del frames
        out["seconds"] = round(time.perf_counter() - t0, 2)
        out["rows"] = len(df)
        out["frame_mb"] = round(df.memory_usage(deep=True).sum() / 2**20, 1)
        out["peak_rss_mb"] = round(_peak_mb(), 1)
        return out
    t0 = time.perf_counter()
    parts = [read_statcast_csv(f) for f in files]
    table = StatcastTable.concat(parts)
    del parts
    out["seconds_parse"] = round(time.perf_counter() - t0, 2)
    out["rows"] = table.rows
    out["table_mb"] = round(
        sum(c.values.nbytes + c.missing.nbytes for c in table.columns_by_name.values()) / 2**20,
        1,
    )  # object (text) columns counted as their pointers; the interned strings are shared
    out["peak_rss_mb_parse"] = round(_peak_mb(), 1)
    out["rss_mb_after_parse"] = round(_status_mb("VmRSS") or 0.0, 1)
    if mode == "parse":
        out["peak_rss_mb"] = out["peak_rss_mb_parse"]
        return out
    reset = _reset_peak()
    t0 = time.perf_counter()
    frame = getattr(table, mode)()
    out["seconds"] = round(time.perf_counter() - t0, 2)
    hwm = _status_mb("VmHWM") if reset else None
    out["conversion_peak_mb"] = round(hwm, 1) if hwm is not None else None
    out["rss_mb_after_conversion"] = round(_status_mb("VmRSS") or 0.0, 1)
    if isinstance(frame, pd.DataFrame):
        out["frame_mb"] = round(frame.memory_usage(deep=True).sum() / 2**20, 1)
        shared = np.shares_memory(
            frame["release_speed"].to_numpy(), table.column("release_speed").values
        )
        out["float_columns_shared"] = bool(shared)
    elif isinstance(frame, pa.Table):
        out["frame_mb"] = round(frame.nbytes / 2**20, 1)
    elif isinstance(frame, pl.DataFrame):
        out["frame_mb"] = round(frame.estimated_size() / 2**20, 1)
    out["peak_rss_mb"] = round(max(out["peak_rss_mb_parse"], hwm or _peak_mb()), 1)
    return out


def _run(mode: str, days: int | None) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", mode]
    if days is not None:
        cmd += ["--days", str(days)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"mode {mode} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=None, help="first N daily files (all)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child, args.days)))
        return 0
    if not _files(args.days):
        print(f"no Statcast files under {_data_dir()}", file=sys.stderr)
        return 2
    runs = {mode: _run(mode, args.days) for mode in MODES}
    rows = {r["rows"] for r in runs.values()}
    if len(rows) != 1:
        print(f"row counts differ between modes: {runs}", file=sys.stderr)
        return 1
    import numpy as np
    import pandas as pd
    import polars as pl
    import pyarrow as pa

    parse = runs["parse"]
    result: dict[str, Any] = {
        "days": parse["days"],
        "rows": parse["rows"],
        "table_mb": parse["table_mb"],
        "peak_rss_mb_parse": parse["peak_rss_mb"],
        "rss_mb_after_parse": parse["rss_mb_after_parse"],
    }
    for mode in ("to_arrow", "to_pandas", "to_polars"):
        r = runs[mode]
        result[f"peak_rss_mb_{mode}"] = r["peak_rss_mb"]
        result[f"conversion_peak_mb_{mode}"] = r["conversion_peak_mb"]
        result[f"conversion_extra_mb_{mode}"] = (
            round(r["conversion_peak_mb"] - r["rss_mb_after_parse"], 1)
            if r["conversion_peak_mb"] is not None
            else None
        )
        result[f"frame_mb_{mode}"] = r["frame_mb"]
    base = runs["pandas_read_csv"]
    result["peak_rss_mb_pandas_read_csv"] = base["peak_rss_mb"]
    result["frame_mb_pandas_read_csv"] = base["frame_mb"]
    result["seconds_parse"] = parse["seconds_parse"]
    for mode in ("to_arrow", "to_pandas", "to_polars"):
        result[f"seconds_{mode}"] = runs[mode]["seconds"]
        result[f"seconds_parse_{mode}"] = round(
            runs[mode]["seconds_parse"] + runs[mode]["seconds"], 2
        )
    result["seconds_pandas_read_csv"] = base["seconds"]
    result["pandas_float_columns_shared"] = runs["to_pandas"].get("float_columns_shared")
    result["rss_mb_start"] = parse["rss_mb_start"]
    result["versions"] = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "pyarrow": pa.__version__,
        "polars": pl.__version__,
    }
    if args.json:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k:36} {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

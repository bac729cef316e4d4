"""Props for a real 2024 day from recorded files: Statcast CSVs and a PrizePicks board.

No server at all: ``ingest_statcast`` reads the daily Statcast files straight into plate
appearance arrays, ``generate_from_statcast`` fits the default rate model on the days before
the date and prices the day's starting players against the recorded PrizePicks board.

The data is the project's shared recordings (never shipped with the package).  Point
``SAVANTSDK_SHARED_DATA`` at that folder, or pass it as the first argument:

    SAVANTSDK_SHARED_DATA=../shared/data python examples/props_offline_files.py
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path

from savantsdk.ids import load_people
from savantsdk.props import LINE_REASONS, generate_from_statcast, read_lines_file
from savantsdk.sources import PlateAppearances, ingest_statcast

DAY = dt.date(2024, 6, 10)
HISTORY_DAYS = 45  # fit on the 45 days before DAY


def main() -> int:
    root = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("SAVANTSDK_SHARED_DATA")
    if not root or not (Path(root) / "statcast" / "2024").is_dir():
        print(__doc__, file=sys.stderr)
        print("error: set SAVANTSDK_SHARED_DATA to the shared data folder", file=sys.stderr)
        return 2
    data = Path(root)

    t0 = time.perf_counter()
    days = [DAY - dt.timedelta(days=n) for n in range(HISTORY_DAYS, -1, -1)]
    files = [f for d in days if (f := data / f"statcast/2024/sc_{d}.csv.gz").exists()]
    pas = PlateAppearances.concat([ingest_statcast(f) for f in files])
    print(
        f"{len(pas)} plate appearances from {len(files)} daily files in "
        f"{time.perf_counter() - t0:.2f} s"
    )

    board = read_lines_file(data / "markets/prizepicks/projections_all_leagues_2024-06-10.json")
    names = load_people(data / "chadwick/people_mlbam_mlb2015plus.csv")
    props = generate_from_statcast(pas, DAY, lines=board.lines, player_names=names)
    report = props.line_report
    why = ", ".join(f"{n} {r}" for r in LINE_REASONS if (n := report[r]))
    print(
        f"{len(props)} props for {DAY} ({props.market_priced} priced against a line); "
        f"PrizePicks lines: {report['total']} read, {report['matched']} priced"
        + (f", not priced: {why}" if why else "")
    )

    priced = [p for p in props if p.best_edge is not None]
    priced.sort(key=lambda p: p.best_edge or 0.0, reverse=True)
    print(f"\n{'player':<24}{'team':<5}{'stat':<20}{'line':>5}{'P(over)':>9}{'side':>7}{'edge':>8}")
    for prop in priced[:10]:
        line = next(
            ln for ln in prop.lines if ln.best is not None and ln.best.edge == prop.best_edge
        )
        best = line.best
        assert best is not None
        assert best.edge is not None
        print(
            f"{prop.player or prop.player_id!s:<24}{prop.team:<5}{prop.stat.value:<20}"
            f"{line.line:>5g}{line.p_over:>9.3f}{best.side or '':>7}{best.edge:>+8.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

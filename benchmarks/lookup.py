"""Player lookup benchmark: index the full Chadwick register, then look names and ids up.

Reads ``../shared/data/chadwick/people.csv.gz`` (510,627 people) in this process: the seconds
to read it (``read_register``) and to index it (``PlayerLookup``), the process's peak resident
memory before and after, and the median latency of each kind of query over ``--repeat`` runs:
an exact name, a shared name, a misspelling with rapidfuzz and with the ``difflib`` fallback,
and a reverse lookup by id.

    python benchmarks/lookup.py --json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _register() -> Path:
    base = Path(os.environ.get("SAVANTSDK_SHARED_DATA") or ROOT.parent / "shared" / "data")
    return base / "chadwick" / "people.csv.gz"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _median_ms(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return round(statistics.median(times) * 1000, 3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="runs per query (median)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    path = _register()
    if not path.exists():
        print(f"no register at {path}", file=sys.stderr)
        return 2

    from savantsdk.ids import PlayerLookup, _players as players_module
    from savantsdk.sources import read_register

    rss_start = _rss_mb()
    t0 = time.perf_counter()
    register = read_register(path)
    t1 = time.perf_counter()
    rss_read = _rss_mb()
    index = PlayerLookup(register)
    t2 = time.perf_counter()
    rss_index = _rss_mb()
    assert index.lookup("Aaron Judge").best is not None

    out: dict[str, Any] = {
        "people": len(register),
        "seconds_read": round(t1 - t0, 2),
        "seconds_index": round(t2 - t1, 2),
        "rss_mb_start": round(rss_start, 1),
        "peak_rss_mb_after_read": round(rss_read, 1),
        "peak_rss_mb_after_index": round(rss_index, 1),
        "exact_ms": _median_ms(lambda: index.lookup("Aaron Judge"), args.repeat),
        "shared_name_ms": _median_ms(lambda: index.lookup("Will Smith"), args.repeat),
        "fuzzy_rapidfuzz_ms": _median_ms(lambda: index.lookup("Aron Jugde"), args.repeat),
        "reverse_ms": _median_ms(lambda: index.reverse("ruthba01", key="bbref"), args.repeat),
    }
    original = players_module._fuzzy_backend
    players_module._fuzzy_backend = lambda: None  # the stdlib fallback
    try:
        out["fuzzy_difflib_ms"] = _median_ms(
            lambda: index.lookup("Aron Jugde"), max(3, args.repeat // 5)
        )
    finally:
        players_module._fuzzy_backend = original
    import rapidfuzz

    out["versions"] = {"python": sys.version.split()[0], "rapidfuzz": rapidfuzz.__version__}
    if args.json:
        print(json.dumps(out))
    else:
        for key, value in out.items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

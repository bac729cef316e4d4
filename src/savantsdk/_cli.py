"""The ``savantsdk`` command line.

Subcommands register themselves in :data:`SUBCOMMANDS` (name -> (add_arguments, handler)), so a
new one (``demo``, ...) is one function pair and one entry.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import anyio
import attrs
import orjson

from .__about__ import version
from ._config import local_cache_settings
from .exceptions import (
    AllFailedError,
    CircuitOpenError,
    PartialResultWarning,
    SavantError,
    SourceConnectionError,
)

Handler = Callable[[argparse.Namespace], int]
AddArguments = Callable[[argparse.ArgumentParser], None]

#: Default people register (MLBAM id <-> name), looked up next to the Statcast data.
PEOPLE_FILE = Path("chadwick") / "people_mlbam_mlb2015plus.csv"


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from exc


def _load_statcast(paths: Sequence[str], *, skip_bad_files: bool = False) -> Any:
    from .sources import ingest_statcast_files

    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PartialResultWarning)
        pas = ingest_statcast_files(list(paths), skip_bad_files=skip_bad_files)
    for w in caught:
        print(f"warning: {w.message}", file=sys.stderr)
    print(
        f"ingested {len(pas)} plate appearances in {time.perf_counter() - t0:.2f} s",
        file=sys.stderr,
    )
    return pas


def _add_skip_bad_files(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--skip-bad-files",
        action="store_true",
        help="leave out a Statcast file that does not parse, with a warning naming it, "
        "instead of stopping (the run fails if no file parses)",
    )


PRIOR_MODEL = "default-prior"


def _add_prior(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--prior-statcast",
        action="append",
        metavar="PATH",
        help=f"Statcast CSV of an earlier season (repeatable): enables --model {PRIOR_MODEL}, "
        "the default model with each player's rates there as his prior mean",
    )
    p.add_argument(
        "--prior-weight",
        type=float,
        default=0.5,
        help="how far a full prior moves the prior mean from the league (0-1, default 0.5)",
    )


def _models(args: argparse.Namespace, names: Sequence[str]) -> list[Any]:
    """Model names, with ``default-prior`` built from ``--prior-statcast`` (rows before the
    first evaluated day only, so no prior ever sees the days it predicts)."""
    if PRIOR_MODEL not in names:
        if args.prior_statcast:
            raise SavantError(f"--prior-statcast is used only by --model {PRIOR_MODEL}")
        return list(names)
    if not args.prior_statcast:
        raise SavantError(f"--model {PRIOR_MODEL} needs --prior-statcast PATH")
    if not 0.0 <= args.prior_weight <= 1.0:
        raise SavantError(f"--prior-weight must be in [0, 1], got {args.prior_weight}")
    from .props._rates import ShrinkageRateModel

    first = getattr(args, "start", None) or args.date
    prior_pas = _load_statcast(args.prior_statcast, skip_bad_files=args.skip_bad_files).before(
        first
    )
    prior = ShrinkageRateModel.prior_from_history(prior_pas, weight=args.prior_weight)
    with_prior = ShrinkageRateModel(name=PRIOR_MODEL, prior=prior)
    return [with_prior if n == PRIOR_MODEL else n for n in names]


def _people_path(args: argparse.Namespace) -> Path | None:
    if args.people:
        return Path(args.people)
    env = os.environ.get("SAVANTSDK_SHARED_DATA")
    candidates = [Path(env) / PEOPLE_FILE] if env else []
    for raw in args.statcast or ():
        candidates.extend(parent / PEOPLE_FILE for parent in Path(raw).resolve().parents)
    return next((c for c in candidates if c.is_file()), None)


# --------------------------------------------------------------------------------------------
# props


def _add_props(p: argparse.ArgumentParser) -> None:
    p.add_argument("--date", type=_date, required=True, help="game date (YYYY-MM-DD)")
    _add_skip_bad_files(p)
    p.add_argument(
        "--statcast",
        action="append",
        metavar="PATH",
        help="local Statcast CSV file or directory (repeatable); history = rows before --date, "
        "the day's lineups and starters from the day's rows",
    )
    p.add_argument(
        "--lines",
        action="append",
        metavar="FILE",
        default=[],
        help="recorded PrizePicks or Odds API JSON (auto-detected; repeatable)",
    )
    p.add_argument(
        "--model",
        default="default",
        help=f"rate model name (default: default; {PRIOR_MODEL} with --prior-statcast)",
    )
    _add_prior(p)
    p.add_argument("--stat", action="append", metavar="STAT", help="only these stats")
    p.add_argument("--game", action="append", type=int, metavar="GAME_PK", help="only these games")
    p.add_argument("--people", metavar="CSV", help="Chadwick register for player names")
    p.add_argument("--min-edge", type=float, default=None, help="keep props with edge >= this")
    p.add_argument("--top", type=int, default=None, help="print the N rows with the best edge")
    p.add_argument(
        "--history-days",
        type=int,
        default=45,
        help="online mode: days of Statcast before --date to fit on (default 45)",
    )
    p.add_argument(
        "--include-model-lines",
        action="store_true",
        help="with --lines, also print props at the model's own default lines "
        "(line_source 'model'); without --lines (and online) every prop is printed",
    )
    p.add_argument(
        "--allow-other-day-lines",
        action="store_true",
        help="price lines whose games start on another day than --date (refused otherwise; "
        "the edges are then not edges on any real game)",
    )
    p.add_argument(
        "--max-skipped-share",
        type=_share,
        default=DEFAULT_MAX_SKIPPED_SHARE,
        metavar="FRACTION",
        help="online mode: exit 3 when more than this share of the slate's games (not yet "
        f"final) could not be priced (default {DEFAULT_MAX_SKIPPED_SHARE:g}; 1 never fails)",
    )
    p.add_argument("--json", action="store_true", help="print a JSON list of prop rows")


#: ``savantsdk props`` (online) exits 3 when more than this share of the games not yet final
#: could not be priced (``--max-skipped-share``).
DEFAULT_MAX_SKIPPED_SHARE = 0.2


def _share(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be a fraction in 0..1, got {raw!r}")
    return value


def _sort_key(row: dict[str, Any]) -> tuple[int, float]:
    e = row.get("edge")
    return (0, -float(e)) if e is not None else (1, 0.0)


def _run_props_online(args: argparse.Namespace) -> Any:
    """Slate, history and lines from the live sources (base URLs and keys from SAVANTSDK_*)."""
    from . import AsyncClient

    model = _models(args, [args.model])[0]

    async def run() -> Any:
        # a script: memory in front of the persistent disk cache (SAVANTSDK_CACHE overrides)
        async with AsyncClient(cache_settings=local_cache_settings()) as client:
            result = await client.props.generate(
                args.date,
                markets=args.stat,
                games=args.game,
                min_edge=args.min_edge,
                model=model,
                history_days=args.history_days,
                allow_other_day_lines=args.allow_other_day_lines,
            )
            report = client.props.last_report
            if report is not None:
                print(
                    f"{args.date}: {len(report.games_priced)}/{report.games_scheduled} games "
                    f"priced ({len(report.projected_lineups)} with projected lineups), "
                    f"{report.history_pas} history PAs, {len(report.history_errors)} history "
                    f"day(s) failed, {report.lines_total} lines from "
                    f"{'+'.join(report.lines_served_by) or 'none'}"
                    + (f" ({report.lines_error})" if report.lines_error else ""),
                    file=sys.stderr,
                )
            return result, report

    with warnings.catch_warnings():  # the report's one-line summary below says it
        warnings.simplefilter("ignore", PartialResultWarning)
        return anyio.run(run)


def _run_props(args: argparse.Namespace) -> int:
    if not args.statcast:
        if args.lines:
            raise SavantError("--lines needs --statcast (offline mode)")
        result, report = _run_props_online(args)
        status = _print_props(args, result, {})
        summary = report.degraded_summary() if report is not None else None
        if summary is not None:
            print(f"{args.date}: degraded: {summary}", file=sys.stderr)
        if report is not None and report.skipped_share > args.max_skipped_share:
            print(
                f"savantsdk props: error: {report.games_failed} of {report.games_pricable} "
                f"games could not be priced ({report.skipped_share:.0%} > "
                f"--max-skipped-share {args.max_skipped_share:g}); see the reasons above",
                file=sys.stderr,
            )
            return 3
        return status
    from .ids import load_people
    from .props._generate import generate_from_statcast
    from .props._markets import MarketLine, read_lines_file

    pas = _load_statcast(args.statcast, skip_bad_files=args.skip_bad_files)
    lines: list[MarketLine] = []
    skipped_total: dict[str, int] = {}
    for f in args.lines:
        lf = read_lines_file(f)
        lines.extend(lf.lines)
        for k, v in lf.skipped.items():
            skipped_total[k] = skipped_total.get(k, 0) + v
        print(f"{f}: {lf.kind}, {len(lf.lines)} supported line(s)", file=sys.stderr)
    people = _people_path(args)
    names = load_people(people) if people else {}
    if lines and not names:
        print("warning: no people register found; lines can only match by id", file=sys.stderr)
    result = generate_from_statcast(
        pas,
        args.date,
        lines=lines,
        model=_models(args, [args.model])[0],
        games=args.game,
        markets=args.stat,
        min_edge=args.min_edge,
        player_names=names,
        # a --lines run shows the props priced against those lines unless asked for more
        include_model_lines=args.include_model_lines or not lines,
        allow_other_day_lines=args.allow_other_day_lines,
    )
    return _print_props(args, result, skipped_total)


def _print_props(args: argparse.Namespace, result: Any, skipped_total: dict[str, int]) -> int:
    all_rows = result.rows()
    rows = all_rows if args.top is None else sorted(all_rows, key=_sort_key)[: args.top]
    report = dict(result.line_report, **{f"skipped_{k}": v for k, v in skipped_total.items()})
    market_rows = sum(r["line_source"] != "model" for r in all_rows)
    print(
        f"{args.date}: {len(result)} props (player and stat: {result.market_priced} priced "
        f"against market lines, {len(result) - result.market_priced} at model lines only); "
        f"{len(all_rows)} rows (one per line and market: {market_rows} market lines, "
        f"{len(all_rows) - market_rows} model lines), model "
        f"{result.model_name} {result.model_version}; lines {report}"
        + (f"; {result.reason}" if result.reason else ""),
        file=sys.stderr,
    )
    if args.json:
        sys.stdout.write(orjson.dumps(rows).decode() + "\n")
        return 0
    if not rows:
        print(f"no props: {result.reason}")
        return 0
    shown = rows if args.top is not None else sorted(rows, key=_sort_key)[:25]
    print(
        f"{'player':<24}{'stat':<20}{'line':>6}{'p_over':>8}{'p_under':>8}"
        f"{'fair_o':>8}{'edge':>8}  source"
    )
    for r in shown:
        fo = r["fair_odds_over"]
        edge = r["edge"]
        print(
            f"{(r['player'] or str(r['player_id']))[:23]:<24}{r['stat']:<20}{r['line']:>6g}"
            f"{r['p_over']:>8.3f}{r['p_under']:>8.3f}"
            f"{('' if fo is None else f'{fo:+.0f}'):>8}"
            f"{('' if edge is None else f'{edge:+.3f}'):>8}  {r['line_source']}"
        )
    return 0


# --------------------------------------------------------------------------------------------
# backtest


def _add_backtest(p: argparse.ArgumentParser) -> None:
    p.add_argument("--statcast", action="append", metavar="PATH", required=True)
    p.add_argument("--start", type=_date, required=True, help="first day (YYYY-MM-DD)")
    p.add_argument("--end", type=_date, required=True, help="last day (YYYY-MM-DD)")
    _add_skip_bad_files(p)
    p.add_argument(
        "--model",
        action="append",
        metavar="NAME",
        help="rate model (repeatable: --model default --model naive); default: default",
    )
    _add_prior(p)
    p.add_argument(
        "--live",
        action="store_true",
        help="in-game evaluation: replay each game and score the simulator's rest-of-game "
        "distributions at the start of innings 2-7 against the pre-game and naive baselines",
    )
    p.add_argument(
        "--sims", type=int, default=10_000, help="with --live: simulations per checkpoint"
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")


def _run_backtest_live(args: argparse.Namespace, pas: Any) -> int:
    from .props._live_eval import SimulatorLive, backtest_live, runs_by_at_bat
    from .props._sim_tables import read_base_out_files

    records = read_base_out_files(args.statcast)
    model = _models(args, args.model or ["default"])[0]
    report = backtest_live(
        pas,
        args.start,
        args.end,
        live_model=SimulatorLive(records, n=args.sims),
        model_name="simulator",
        rate_model=model,
        runs=runs_by_at_bat(records),
    )
    out = report.to_json()
    if args.json:
        sys.stdout.write(orjson.dumps(out).decode() + "\n")
        return 0
    print(f"days {report.days}  games {report.games}  wall {report.wall_s:.1f} s")
    print(f"{'checkpoint':<11}{'family':<20}{'n':>6}{'sim':>8}{'pregame':>9}{'naive':>8}  ece")
    for cp, fams in out["checkpoints"].items():
        for fam, v in fams.items():
            eces = " ".join(f"{ln}:{m['ece']:.3f}" for ln, m in v["lines"].items())
            print(
                f"{cp:<11}{fam:<20}{v['n']:>6}{v['log_loss'] or 0:>8.3f}"
                f"{v['log_loss_pregame'] or 0:>9.3f}{v['log_loss_naive'] or 0:>8.3f}  {eces}"
            )
    return 0


def _run_backtest(args: argparse.Namespace) -> int:
    from .props._backtest import backtest

    pas = _load_statcast(args.statcast, skip_bad_files=args.skip_bad_files)
    if args.live:
        return _run_backtest_live(args, pas)
    models = _models(args, args.model or ["default"])
    report = backtest(pas, args.start, args.end, models=models)
    out = report.to_json()
    if args.json:
        sys.stdout.write(orjson.dumps(out).decode() + "\n")
        return 0
    print(
        f"days {report.days}  games {report.games}  props {report.props}  "
        f"wall {report.wall_s:.2f} s"
    )
    for model in report.models:
        print(f"\nmodel {model}")
        print(
            f"{'family':<20}{'n':>7}{'log_loss':>10}{'league':>10}{'naive':>10}  lines (brier/ece)"
        )
        for fam, v in report.families[model].items():
            lines = "  ".join(
                f"{ln}: {m['brier']:.4f}/{m['ece']:.4f}" for ln, m in v["lines"].items()
            )
            print(
                f"{fam:<20}{v['n']:>7}{v['log_loss']:>10.4f}{v['log_loss_league']:>10.4f}"
                f"{v['log_loss_naive']:>10.4f}  {lines}"
            )
    return 0


# --------------------------------------------------------------------------------------------
# demo


def _add_demo(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seed", type=int, default=2024, help="simulated league seed (default 2024)")
    p.add_argument(
        "--history-days",
        type=int,
        default=None,
        help="days of Statcast history (default 45; 14 with --live)",
    )
    p.add_argument(
        "--latency-ms", type=float, default=40.0, help="upstream latency per request (default 40)"
    )
    p.add_argument(
        "--live",
        action="store_true",
        help="follow one game in progress and show its lines re-priced on every feed update",
    )
    p.add_argument(
        "--updates", type=int, default=8, help="with --live: updates to show (default 8)"
    )
    p.add_argument(
        "--speed",
        type=float,
        default=240.0,
        help="with --live: simulated seconds per real second (default 240)",
    )
    p.add_argument("--cycles", type=int, default=2, help="prop cycles to run (default 2)")
    p.add_argument("--top", type=int, default=15, help="rows in the edge table (default 15)")
    p.add_argument(
        "--redis-url",
        default=None,
        help="use a memory L1 in front of this Redis (redis://, rediss://, unix://)",
    )
    p.add_argument(
        "--cache",
        choices=("memory", "disk"),
        default="memory",
        help="memory (default), or disk: memory in front of the persistent disk cache, so a "
        "second run reads the first one's data",
    )
    p.add_argument(
        "--cache-dir",
        default=None,
        metavar="DIR",
        help="disk cache directory for --cache disk (default: $SAVANTSDK_CACHE_DIR or the "
        "user cache directory)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")


def _run_demo(args: argparse.Namespace) -> int:
    from ._demo import DemoOptions, format_demo, run_demo

    if args.live:
        from ._demo_live import format_live_demo, run_live_demo

        live = run_live_demo(
            seed=args.seed,
            history_days=args.history_days or 14,
            updates=args.updates,
            speed=args.speed,
        )
        out = orjson.dumps(live).decode() if args.json else format_live_demo(live)
        print(out)
        return 0
    result = run_demo(
        DemoOptions(
            seed=args.seed,
            history_days=args.history_days or 45,
            latency_s=args.latency_ms / 1000.0,
            cycles=args.cycles,
            redis_url=args.redis_url,
            top=args.top,
            cache=args.cache,
            cache_dir=args.cache_dir,
        )
    )
    if args.json:
        sys.stdout.write(orjson.dumps(result).decode() + "\n")
    else:
        print(format_demo(result))
    return 0


# --------------------------------------------------------------------------------------------
# cache


_AGE_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86_400.0, "w": 7 * 86_400.0}


def _age(value: str) -> float:
    """``90s``, ``30m``, ``12h``, ``7d``, ``2w`` (or plain seconds) -> seconds."""
    text = value.strip().lower()
    unit = _AGE_UNITS.get(text[-1:]) if text else None
    number = text[:-1] if unit is not None else text
    try:
        seconds = float(number) * (unit or 1.0)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0 or seconds == float("inf"):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an age: a number with s, m, h, d or w (e.g. 7d)"
        )
    return seconds


def _add_cache(p: argparse.ArgumentParser) -> None:
    actions = p.add_subparsers(dest="cache_action", metavar="ACTION", required=True)
    info = actions.add_parser(
        "info", help="where the disk cache is, its size, and entries and hit rate by data class"
    )
    info.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="default: $SAVANTSDK_CACHE_DIR or the user cache directory",
    )
    info.add_argument("--json", action="store_true", help="print one JSON object")
    clear = actions.add_parser("clear", help="delete disk cache entries")
    clear.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="default: $SAVANTSDK_CACHE_DIR or the user cache directory",
    )
    clear.add_argument(
        "--older-than",
        type=_age,
        metavar="AGE",
        help="only entries stored more than AGE ago (90s, 30m, 12h, 7d, 2w)",
    )


def _run_cache(args: argparse.Namespace) -> int:
    from .cache import DiskCache

    async def run() -> Any:
        disk = DiskCache(args.cache_dir)
        try:
            if args.cache_action == "clear":
                return await disk.clear(older_than_s=args.older_than), await disk.info()
            return None, await disk.info()
        finally:
            await disk.aclose()

    deleted, info = anyio.run(run)
    if args.cache_action == "clear":
        age = "" if args.older_than is None else f" stored more than {args.older_than:g} s ago"
        print(f"deleted {deleted} entr{'y' if deleted == 1 else 'ies'}{age} from {info.path}")
        print(f"left: {info.entries} entries, {info.bytes} bytes")
        return 0
    if args.json:
        out = attrs.asdict(info)
        for row, cls in zip(out["classes"], info.classes, strict=True):
            row["hit_rate"] = cls.hit_rate
        sys.stdout.write(orjson.dumps(out).decode() + "\n")
        return 0
    used = f"{info.bytes / info.max_bytes:.1%}" if info.max_bytes else "-"
    print(f"path        {info.path}")
    print(f"file        {info.file_bytes} bytes")
    print(f"entries     {info.entries}")
    print(f"stored      {info.bytes} bytes of a {info.max_bytes} byte budget ({used})")
    print(f"quarantined {info.quarantined} (failed their checksum; refetched on use)")
    if info.degraded:
        print(f"degraded    {info.degraded}")
    if info.classes:
        head = f"{'data class':<28}{'entries':>9}{'bytes':>14}{'hits':>9}{'misses':>9}"
        print(f"\n{head}{'hit rate':>10}")
        for c in info.classes:
            rate = "-" if c.hit_rate is None else f"{c.hit_rate:.0%}"
            print(
                f"{c.data_class[:27]:<28}{c.entries:>9}{c.bytes:>14}{c.hits:>9}{c.misses:>9}"
                f"{rate:>10}"
            )
    return 0


#: name -> (help, add_arguments, handler)
SUBCOMMANDS: dict[str, tuple[str, AddArguments, Handler]] = {
    "demo": (
        "offline demo: props for a simulated slate from a local fake upstream, twice",
        _add_demo,
        _run_demo,
    ),
    "props": ("price player props for a date", _add_props, _run_props),
    "backtest": ("walk-forward backtest of rate models", _add_backtest, _run_backtest),
    "cache": ("inspect or clear the persistent disk cache", _add_cache, _run_cache),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="savantsdk",
        description=(
            "MLB data from Baseball Savant, the MLB Stats API, PrizePicks, The Odds API and "
            "SportRadar, cached and rate-limited, turned into player props."
        ),
    )
    parser.add_argument("--version", action="version", version=f"savantsdk {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_text, add, handler) in SUBCOMMANDS.items():
        sp = sub.add_parser(name, help=help_text, description=help_text)
        add(sp)
        sp.set_defaults(handler=handler)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    handler: Handler = args.handler
    try:
        return handler(args)
    except SavantError as exc:
        print(f"savantsdk {args.command}: error: {exc}", file=sys.stderr)
        if _unreachable(exc):
            print(
                f"savantsdk {args.command}: the service could not be reached; to run offline "
                "on recorded files pass --statcast PATH (and --lines FILE for market lines)"
                if args.command == "props"
                else f"savantsdk {args.command}: the service could not be reached (check the "
                "network and the SAVANTSDK_<SOURCE>_BASE_URL settings)",
                file=sys.stderr,
            )
        return 2


def _unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) is a connection failure or a breaker it opened."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, SourceConnectionError | CircuitOpenError):
            return True
        if isinstance(cur, AllFailedError) and _unreachable(cur.root_cause):
            return True
        cur = cur.__cause__ or cur.__context__
    return False


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

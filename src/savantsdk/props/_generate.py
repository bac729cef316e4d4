"""Typed props for a slate: distributions, line probabilities, fair odds and market edges.

:func:`generate_from_statcast` is the offline entry point (history and slate from Statcast
rows); the online client builds the same :class:`~savantsdk.props.Slate` and
:class:`~savantsdk.props.MarketLine` values from its sources and calls :func:`generate`.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from .._dates import to_date
from .._frames import FrameColumn, FrameExport, propset_columns
from ..exceptions import OtherDayLinesWarning, PropGenerationError, SavantError
from ..ids import PlayerResolver, Unknown, canonical_team
from ..sources import PlateAppearances
from ..typing import DateLike
from ._distributions import (
    BATTER_STATS,
    PITCHER_STATS,
    CountDistribution,
    Stat,
    check_line,
    line_probabilities,
    parse_stat,
)
from ._engine import EngineResult, history_facts, run_engine
from ._markets import MarketLine
from ._pricing import (
    EntryType,
    FairOdds,
    OddsType,
    assess_prizepicks_line,
    devig,
    edge,
    kelly_fraction,
    to_decimal,
)
from ._rates import RateModel, get_rate_model
from ._slate import Slate, SlateGame, slate_from_statcast

__all__ = (
    "DEFAULT_LINES",
    "DEFAULT_PRIZEPICKS_ENTRY",
    "LINE_REASONS",
    "MarketPrice",
    "Prop",
    "PropLine",
    "PropSet",
    "check_line_days",
    "generate",
    "generate_from_statcast",
)

log = logging.getLogger("savantsdk")

#: Lines priced when no market line is given for a player and stat.
DEFAULT_LINES: Final[dict[Stat, tuple[float, ...]]] = {
    Stat.HITS: (0.5, 1.5),
    Stat.SINGLES: (0.5,),
    Stat.TOTAL_BASES: (1.5,),
    Stat.HOME_RUNS: (0.5,),
    Stat.WALKS: (0.5,),
    Stat.BATTER_STRIKEOUTS: (0.5,),
    Stat.HITS_RUNS_RBIS: (1.5,),
    Stat.PITCHER_STRIKEOUTS: (4.5, 5.5),
    Stat.PITCHER_OUTS: (17.5,),
    Stat.HITS_ALLOWED: (5.5,),
    Stat.WALKS_ALLOWED: (1.5,),
    Stat.EARNED_RUNS: (2.5,),
}

#: PrizePicks standard lines are compared with the per-leg break-even of this entry (a 2-pick
#: power play, 3x: break-even 0.5774 per leg, the strictest common entry; see pricing.md).
DEFAULT_PRIZEPICKS_ENTRY: Final = EntryType.power(2)


def _fair(p: float) -> FairOdds | None:
    """:func:`fair_odds` without re-validation (``p`` comes from a validated pmf)."""
    if not 0.0 < p < 1.0:
        return None
    american = -100.0 * p / (1.0 - p) if p >= 0.5 else 100.0 * (1.0 - p) / p
    return FairOdds(probability=p, decimal=1.0 / p, american=american)


def _trusted_distribution(pmf: npt.NDArray[np.float64]) -> CountDistribution:
    """A CountDistribution over an engine pmf that is already floored and normalised (the
    engine guarantees it), skipping the copy-and-validate converter on the hot path."""
    dist = object.__new__(CountDistribution)
    view = pmf.view()
    view.setflags(write=False)
    object.__setattr__(dist, "pmf", view)
    return dist


@attrs.frozen
class MarketPrice:
    """A market's view of one line and our edge against it.

    Sportsbooks: ``over_price``/``under_price`` (``odds_format``), ``market_p_over`` the devigged
    P(over) (:data:`DEFAULT_DEVIG_METHOD`, only when both sides are quoted), ``side`` the better
    side for us, ``edge`` = model probability - break-even of that price, ``kelly`` the capped
    fractional Kelly stake.  PrizePicks: ``odds_type``; standard lines are compared with the
    per-leg ``breakeven`` of ``entry``; demon/goblin lines have ``comparable=False`` and a
    ``note``.  ``line_id`` and ``start_time`` are the market line's (:class:`MarketLine`).
    """

    source: str
    line: float
    comparable: bool
    over_price: float | None = None
    under_price: float | None = None
    odds_format: str | None = None
    market_p_over: float | None = None
    odds_type: OddsType | None = None
    entry: str | None = None
    breakeven: float | None = None
    side: str | None = None
    edge: float | None = None
    kelly: float | None = None
    note: str | None = None
    updated_at: dt.datetime | None = None
    line_id: str | None = None
    start_time: dt.datetime | None = None


@attrs.frozen
class PropLine:
    """Model probabilities at one line (``p_push`` > 0 only for integer lines), fair odds of
    each side, and the market prices seen at this line."""

    line: float
    p_over: float
    p_under: float
    p_push: float
    fair_over: FairOdds | None
    fair_under: FairOdds | None
    markets: tuple[MarketPrice, ...] = ()

    @property
    def best(self) -> MarketPrice | None:
        """The comparable market price with the largest edge."""
        priced = [m for m in self.markets if m.comparable and m.edge is not None]
        return max(priced, key=lambda m: m.edge or 0.0) if priced else None


@attrs.frozen(eq=False)
class Prop:
    """One player's distribution for one stat in one game, with lines and prices.

    ``data_through`` is the last game day of the history the rates were fitted on;
    ``league_only`` is True when the player had no history (league rates).
    """

    player_id: int
    player: str | None
    team: str
    opponent: str
    game_pk: int
    stat: Stat
    distribution: CountDistribution
    lines: tuple[PropLine, ...]
    model_name: str
    model_version: str
    date: dt.date
    data_through: dt.date | None
    league_only: bool
    role: str  # "batter" or "pitcher"
    slot: int | None = None

    @property
    def mean(self) -> float:
        return self.distribution.mean

    @property
    def line_source(self) -> str:
        """``"model"`` when priced only at the model's own default lines, else the market
        sources (``prizepicks``, ``odds_api:<book>``), comma-joined when several."""
        srcs = sorted({m.source for ln in self.lines for m in ln.markets})
        return ",".join(srcs) if srcs else "model"

    @property
    def market_priced(self) -> bool:
        """True when at least one of the prop's lines is a market's line."""
        return any(ln.markets for ln in self.lines)

    @property
    def best_edge(self) -> float | None:
        edges = [b.edge for ln in self.lines if (b := ln.best) is not None and b.edge is not None]
        return max(edges) if edges else None

    def rows(self) -> list[dict[str, Any]]:
        """Flat JSON-ready rows: one per (line, market) (one per line when unpriced)."""
        out: list[dict[str, Any]] = []
        for ln in self.lines:
            base = {
                "player_id": self.player_id,
                "player": self.player,
                "team": self.team,
                "opponent": self.opponent,
                "game_pk": self.game_pk,
                "stat": self.stat.value,
                "line": ln.line,
                "mean": round(self.mean, 4),
                "p_over": round(ln.p_over, 6),
                "p_under": round(ln.p_under, 6),
                "p_push": round(ln.p_push, 6),
                "fair_odds_over": round(ln.fair_over.american, 1) if ln.fair_over else None,
                "fair_odds_under": round(ln.fair_under.american, 1) if ln.fair_under else None,
                "model": self.model_name,
                "model_version": self.model_version,
                "league_only": self.league_only,
                "data_through": self.data_through.isoformat() if self.data_through else None,
            }
            markets = ln.markets or (None,)
            for m in markets:
                row = dict(base)
                row.update(
                    {
                        "line_source": m.source if m else "model",
                        "edge": None if m is None or m.edge is None else round(m.edge, 6),
                        "side": m.side if m else None,
                        "kelly": None if m is None or m.kelly is None else round(m.kelly, 6),
                        "comparable": m.comparable if m else None,
                        "odds_type": m.odds_type.value if m and m.odds_type else None,
                        "over_price": m.over_price if m else None,
                        "under_price": m.under_price if m else None,
                        "market_p_over": (
                            None
                            if m is None or m.market_p_over is None
                            else round(m.market_p_over, 6)
                        ),
                        "note": m.note if m else None,
                        "line_id": m.line_id if m else None,
                        "start_time": (m.start_time.isoformat() if m and m.start_time else None),
                    }
                )
                out.append(row)
        return out


@attrs.frozen(eq=False)
class PropSet(FrameExport):
    """The props of one date (``reason`` says why when empty) and how market lines matched.

    ``to_pandas()`` / ``to_polars()`` / ``to_arrow()``: :meth:`rows` as a frame, plus
    ``date``, ``role`` and ``slot`` columns.

    ``line_report`` counts market lines: ``total`` = ``matched`` (priced in one of ``props``)
    + one count per reason of :data:`LINE_REASONS`: ``duplicate`` (the same line again),
    ``other_day`` (its game starts on another day), ``unknown_name`` (no player of that name),
    ``no_game`` (its team has no game on the slate), ``not_in_lineup`` (a known player who is
    not starting), ``ambiguous_game`` (a doubleheader line whose start time does not say which
    game), ``no_prop`` (no prop for that stat was generated) and ``filtered`` (its prop was left
    out by ``players``, ``max_players`` or ``min_edge``).  ``unmatched`` holds every line not
    priced and ``unmatched_reasons`` its reason, in the same order.
    """

    date: dt.date
    props: tuple[Prop, ...]
    model_name: str
    model_version: str
    reason: str | None = None
    unmatched: tuple[MarketLine, ...] = ()
    line_report: dict[str, int] = attrs.field(factory=dict)
    unmatched_reasons: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.props)

    @property
    def market_priced(self) -> int:
        """How many props are priced against at least one market line (the rest are at the
        model's own default lines, ``line_source == "model"``)."""
        return sum(p.market_priced for p in self.props)

    def __iter__(self) -> Any:
        return iter(self.props)

    def rows(self) -> list[dict[str, Any]]:
        return [r for p in self.props for r in p.rows()]

    def _frame_columns(self) -> list[FrameColumn]:
        return propset_columns(self)


@functools.lru_cache(maxsize=65_536)
def _market_p_over(over: float, under: float, fmt: str) -> float:
    """The devigged P(over) of a two-way price pair (prices repeat a lot across a slate)."""
    return devig([over, under], odds_format=fmt).probabilities[0]  # type: ignore[arg-type]


def _price_sportsbook(ml: MarketLine, p_over: float, p_under: float) -> MarketPrice:
    fmt = ml.odds_format if ml.odds_format in ("american", "decimal") else "american"
    market_p: float | None = None
    note = None
    try:
        if ml.over_price is not None and ml.under_price is not None:
            market_p = _market_p_over(ml.over_price, ml.under_price, fmt)
        best_side: str | None = None
        best_edge: float | None = None
        kelly: float | None = None
        # a push refunds: compare the side's probability given no push
        total = p_over + p_under
        cond = {"over": p_over / total, "under": p_under / total} if total > 0 else {}
        for side, price in (("over", ml.over_price), ("under", ml.under_price)):
            if price is None or side not in cond:
                continue
            e = edge(cond[side], price, odds_format=fmt)  # type: ignore[arg-type]
            if best_edge is None or e > best_edge:
                best_side, best_edge = side, e
                kelly = kelly_fraction(cond[side], price, odds_format=fmt)  # type: ignore[arg-type]
    except SavantError as exc:
        return MarketPrice(
            source=ml.source,
            line=ml.line,
            comparable=False,
            over_price=ml.over_price,
            under_price=ml.under_price,
            odds_format=fmt,
            note=f"unpriceable: {exc}",
            updated_at=ml.updated_at,
            line_id=ml.line_id,
            start_time=ml.start_time,
        )
    breakeven = None
    if best_side is not None:
        price = ml.over_price if best_side == "over" else ml.under_price
        assert price is not None
        breakeven = 1.0 / to_decimal(price, fmt)  # type: ignore[arg-type]
    return MarketPrice(
        source=ml.source,
        line=ml.line,
        comparable=best_side is not None,
        over_price=ml.over_price,
        under_price=ml.under_price,
        odds_format=fmt,
        market_p_over=market_p,
        breakeven=breakeven,
        side=best_side,
        edge=best_edge,
        kelly=kelly,
        note=note,
        updated_at=ml.updated_at,
        line_id=ml.line_id,
        start_time=ml.start_time,
    )


def _price_prizepicks(
    ml: MarketLine, p_over: float, p_under: float, entry: EntryType
) -> MarketPrice:
    a = assess_prizepicks_line(
        p_over, p_under, line=ml.line, odds_type=ml.odds_type or OddsType.STANDARD, entry=entry
    )
    return MarketPrice(
        source=ml.source,
        line=ml.line,
        comparable=a.comparable,
        odds_type=a.odds_type,
        entry=str(a.entry),
        breakeven=a.breakeven,
        side=a.side,
        edge=a.edge,
        note=a.reason,
        updated_at=ml.updated_at,
        line_id=ml.line_id,
        start_time=ml.start_time,
    )


def _data_through(history: PlateAppearances, date: dt.date) -> dt.date | None:
    before = history.game_date[history.game_date < np.datetime64(date, "D")]
    if before.size == 0:
        return None
    last = int(before.max().astype("datetime64[D]").astype(np.int64))
    return dt.date(1970, 1, 1) + dt.timedelta(days=last)


def _line_key(ml: MarketLine) -> object:
    """What makes two market lines the same line: the source's id, or every field."""
    if ml.line_id is not None:
        return (ml.source, ml.line_id)
    return (
        ml.source,
        ml.player_id,
        ml.player_name,
        ml.team,
        ml.stat,
        ml.line,
        ml.odds_type,
        ml.over_price,
        ml.under_price,
        ml.start_time,
    )


def check_line_days(
    lines: Sequence[MarketLine], day: DateLike, *, allow_other_day_lines: bool = False
) -> None:
    """Refuse a board none of whose lines is for ``day`` (:class:`PropGenerationError` naming
    both dates), unless ``allow_other_day_lines``: then warn (:class:`OtherDayLinesWarning`).

    Lines without a start time do not count either way."""
    day = to_date(day, "day")
    days = Counter(d for ml in lines if (d := ml.game_day) is not None)
    if not days:
        return
    other = {d: n for d, n in days.items() if d != day}
    if not other:
        return
    listed = ", ".join(f"{d.isoformat()} ({n} lines)" for d, n in sorted(other.items()))
    if allow_other_day_lines:
        warnings.warn(
            OtherDayLinesWarning(
                f"pricing {sum(other.values())} market lines of other days against the slate "
                f"of {day.isoformat()} as asked (allow_other_day_lines): {listed}; their edges "
                "are not edges on any real game"
            ),
            stacklevel=3,
        )
    elif day not in days:
        raise PropGenerationError(
            f"the market lines are for {listed}, not for the slate's day {day.isoformat()}: "
            f"no line's game starts on {day.isoformat()}. Pass the lines of "
            f"{day.isoformat()} (or allow_other_day_lines=True, --allow-other-day-lines, to "
            "price them anyway)"
        )


def _resolve_game(
    ml: MarketLine,
    pks: list[int],
    games: Mapping[int, SlateGame],
    team_starts: Mapping[str, list[dt.datetime]],
    team: str,
) -> int | None:
    """The one game of ``pks`` (a player's games of the day, 2 in a doubleheader) that ``ml``
    is for, or None when its start time cannot tell them apart."""
    if len(pks) == 1:
        return pks[0]
    start = ml.start_time
    if start is None:
        return None
    if start.tzinfo is None:
        start = start.replace(tzinfo=dt.UTC)
    starts = [games[pk].start_time for pk in pks]
    if all(s is not None for s in starts):
        gaps = [abs((s - start).total_seconds()) for s in starts if s is not None]
        best = min(gaps)
        if gaps.count(best) == 1:
            return pks[gaps.index(best)]
        return None
    # no start times on the slate (Statcast): the k-th distinct start time of the team's
    # lines is its k-th game of the day, when there are as many of one as of the other
    distinct = team_starts.get(team, [])
    if len(distinct) != len(pks):
        return None
    ordered = sorted(pks, key=lambda pk: (games[pk].game_number or 0, pk))
    return ordered[distinct.index(start)]


#: Why a market line was not priced (``PropSet.line_report`` and ``unmatched_reasons``).
LINE_REASONS: Final = (
    "duplicate",
    "other_day",
    "unknown_name",
    "no_game",
    "not_in_lineup",
    "ambiguous_game",
    "no_prop",
    "filtered",
)


def generate(
    result: EngineResult,
    slate: Slate,
    *,
    lines: Sequence[MarketLine] = (),
    player_names: Mapping[int, str] | None = None,
    players: Iterable[int] | None = None,
    max_players: int | None = None,
    min_edge: float | None = None,
    data_through: dt.date | None = None,
    prizepicks_entry: EntryType = DEFAULT_PRIZEPICKS_ENTRY,
    include_model_lines: bool = True,
    allow_other_day_lines: bool = False,
) -> PropSet:
    """Props from an engine result: every (player, stat, game) pmf priced at its market lines
    (and at :data:`DEFAULT_LINES` when no market line is given for it, unless
    ``include_model_lines`` is False: then only market-priced props are kept).

    Each market line is priced at most once, against the one game it is for: lines of another
    day are never priced (a board with no line of the slate's day raises
    :class:`PropGenerationError` unless ``allow_other_day_lines``), a doubleheader's lines are
    told apart by start time, and a repeated line (same source id) is counted once.  The
    report's ``total`` equals ``matched`` plus the count of each of :data:`LINE_REASONS`.
    """
    check_line_days(lines, slate.date, allow_other_day_lines=allow_other_day_lines)
    names = dict(player_names or {})
    wanted_players = None if players is None else {int(p) for p in players}
    games = {g.game_pk: g for g in slate.games}
    slate_teams = {canonical_team(t) or t for g in slate.games for t in (g.home_team, g.away_team)}
    # each starting player's team and games of the day (two in a doubleheader)
    teams: dict[int, str] = {}
    player_games: dict[int, list[int]] = {}
    for blk in (result.batters, result.pitchers):
        for pid, tm, pk in zip(
            blk.player.tolist(), blk.team.tolist(), blk.game_pk.tolist(), strict=True
        ):
            teams[int(pid)] = str(tm)
            pks = player_games.setdefault(int(pid), [])
            if int(pk) not in pks:
                pks.append(int(pk))
    # names are matched among the slate's starting players only (a common name is ambiguous
    # only within the slate), with the line's team to break ties: savantsdk.ids' rules
    matcher = PlayerResolver.from_names({pid: names[pid] for pid in teams if pid in names}, teams)
    everyone: PlayerResolver | None = None
    reasons: list[str | None] = [None] * len(lines)
    resolved: dict[int, int] = {}  # line index -> player id
    seen: set[object] = set()
    name_cache: dict[tuple[str, str | None], int | None] = {}  # books repeat names: match once
    for k, ml in enumerate(lines):
        key = _line_key(ml)
        if key in seen:
            reasons[k] = "duplicate"
            continue
        seen.add(key)
        if not allow_other_day_lines and (d := ml.game_day) is not None and d != slate.date:
            reasons[k] = "other_day"
            continue
        pid = ml.player_id
        if pid is None:
            name_key = (ml.player_name, ml.team)
            if name_key not in name_cache:
                name_cache[name_key] = matcher.match(ml.player_name, team=ml.team)
            pid = name_cache[name_key]
        if pid is None or pid not in teams:
            # a known player who is not starting, a team without a game, or a name we could
            # not resolve at all (checked against every name given, not just the slate's)
            if ml.team is not None and (canonical_team(ml.team) or ml.team) not in slate_teams:
                reasons[k] = "no_game"
                continue
            known = ml.player_id is not None
            if not known and names:
                everyone = everyone or PlayerResolver.from_names(names)
                known = not isinstance(everyone.resolve(ml.player_name), Unknown)
            reasons[k] = "not_in_lineup" if known else "unknown_name"
            continue
        resolved[k] = pid
    # the distinct start times of each team's lines, for doubleheaders without slate times
    team_starts: dict[str, list[dt.datetime]] = {}
    for k, pid in resolved.items():
        if len(player_games[pid]) > 1 and (s := lines[k].start_time) is not None:
            team_starts.setdefault(teams[pid], []).append(s)
    team_starts = {t: sorted(set(v)) for t, v in team_starts.items()}
    by_key: dict[tuple[int, Stat, int], list[int]] = {}
    for k, pid in resolved.items():
        ml = lines[k]
        pk = _resolve_game(ml, player_games[pid], games, team_starts, teams[pid])
        if pk is None:
            reasons[k] = "ambiguous_game"
            continue
        by_key.setdefault((pid, ml.stat, pk), []).append(k)
    props: list[Prop] = []
    priced: dict[int, int] = {}  # line index -> index of its prop in ``props``
    for role, blk, stats in (
        ("batter", result.batters, BATTER_STATS),
        ("pitcher", result.pitchers, PITCHER_STATS),
    ):
        for stat in stats:
            pmfs = blk.pmfs.get(stat)
            if pmfs is None:
                continue
            default_lines = list(DEFAULT_LINES.get(stat, ()))
            d_over, d_under, d_push = (
                a.tolist() for a in line_probabilities(pmfs, default_lines or [0.5])
            )
            for i in range(len(blk)):
                pid = int(blk.player[i])
                pk = int(blk.game_pk[i])
                ks = by_key.pop((pid, stat, pk), [])
                if wanted_players is not None and pid not in wanted_players:
                    for k in ks:
                        reasons[k] = "filtered"
                    continue
                if not ks and not include_model_lines:
                    continue
                mls = [lines[k] for k in ks]
                plines = []
                if mls:
                    line_values = sorted({m.line for m in mls})
                    over, under, push = line_probabilities(pmfs[i], line_values)
                    ov, un, pu_ = over[0].tolist(), under[0].tolist(), push[0].tolist()
                else:
                    line_values = default_lines
                    ov, un, pu_ = d_over[i], d_under[i], d_push[i]
                for j, lv in enumerate(line_values):
                    po, pu, pp = ov[j], un[j], pu_[j]
                    prices = tuple(
                        _price_prizepicks(m, po, pu, prizepicks_entry)
                        if m.source == "prizepicks"
                        else _price_sportsbook(m, po, pu)
                        for m in mls
                        if m.line == lv
                    )
                    plines.append(
                        PropLine(
                            line=lv,
                            p_over=po,
                            p_under=pu,
                            p_push=pp,
                            fair_over=_fair(po),
                            fair_under=_fair(pu),
                            markets=prices,
                        )
                    )
                for k in ks:
                    priced[k] = len(props)
                props.append(
                    Prop(
                        player_id=pid,
                        player=names.get(pid),
                        team=str(blk.team[i]),
                        opponent=str(blk.opponent[i]),
                        game_pk=pk,
                        stat=stat,
                        distribution=_trusted_distribution(pmfs[i]),
                        lines=tuple(plines),
                        model_name=result.model_name,
                        model_version=result.model_version,
                        date=slate.date,
                        data_through=data_through,
                        league_only=bool(blk.league_only[i]),
                        role=role,
                        slot=int(blk.slot[i]) if role == "batter" else None,
                    )
                )
    for ks in by_key.values():  # a starting player's line for a stat nobody generated
        for k in ks:
            reasons[k] = "no_prop"
    kept = [True] * len(props)
    if max_players is not None:
        keep_ids: list[int] = []
        for p in props:
            if p.player_id not in keep_ids:
                keep_ids.append(p.player_id)
        allowed = set(keep_ids[: max(0, int(max_players))])
        kept = [ok and p.player_id in allowed for ok, p in zip(kept, props, strict=True)]
    if min_edge is not None:
        kept = [
            ok and (e := p.best_edge) is not None and e >= min_edge
            for ok, p in zip(kept, props, strict=True)
        ]
    for k, j in priced.items():
        if not kept[j]:
            reasons[k] = "filtered"
    props = [p for ok, p in zip(kept, props, strict=True) if ok]
    counts = Counter(r for r in reasons if r is not None)
    report = {"total": len(lines), "matched": len(lines) - sum(counts.values())}
    report.update({r: counts.get(r, 0) for r in LINE_REASONS})
    reason = None
    if not props:
        reason = slate.reason or (
            "no prop reached min_edge"
            if min_edge is not None
            else "no market line matched a starting player"
            if not include_model_lines
            else "no players selected"
        )
    unmatched = [(ml, r) for ml, r in zip(lines, reasons, strict=True) if r is not None]
    return PropSet(
        date=slate.date,
        props=tuple(props),
        model_name=result.model_name,
        model_version=result.model_version,
        reason=reason,
        unmatched=tuple(ml for ml, _ in unmatched),
        unmatched_reasons=tuple(r for _, r in unmatched),
        line_report=report,
    )


def generate_from_statcast(
    history: PlateAppearances,
    date: DateLike,
    *,
    slate: Slate | None = None,
    lines: Sequence[MarketLine] = (),
    model: str | RateModel = "default",
    games: Iterable[int] | None = None,
    players: Iterable[int] | None = None,
    max_players: int | None = None,
    markets: Iterable[str | Stat] | None = None,
    min_edge: float | None = None,
    player_names: Mapping[int, str] | None = None,
    prizepicks_entry: EntryType = DEFAULT_PRIZEPICKS_ENTRY,
    include_model_lines: bool = True,
    allow_other_day_lines: bool = False,
) -> PropSet:
    """Props for ``date`` (:data:`~savantsdk.typing.DateLike`) from Statcast plate appearances.

    Rates are fitted on the rows of ``history`` strictly before ``date``; ``slate`` defaults to
    the day's own rows (:func:`slate_from_statcast`).  ``markets`` restricts the stats (names of
    :class:`Stat`); ``games`` the game_pks; ``players`` MLBAM ids; ``max_players`` keeps the
    first N players in slate order; ``min_edge`` keeps props with a priced line at least that
    good.  A date without games returns an empty :class:`PropSet` with a ``reason``.
    ``include_model_lines`` and ``allow_other_day_lines``: :func:`generate`.
    """
    date = to_date(date, "date")
    stats = None if markets is None else [parse_stat(m) for m in markets]
    for ml in lines:
        check_line(ml.line, stat=ml.stat.value)
    if not allow_other_day_lines:  # refuse before fitting (generate() warns when allowed)
        check_line_days(lines, date)
    rate_model = get_rate_model(model)
    day_slate = slate if slate is not None else slate_from_statcast(history, date)
    if games is not None:
        day_slate = day_slate.filter_games(games)
        if not day_slate.games and day_slate.reason is None:
            day_slate = attrs.evolve(
                day_slate, reason="none of the requested games is on the slate"
            )
    if not day_slate.games:
        return PropSet(
            date=date,
            props=(),
            model_name=rate_model.name,
            model_version=rate_model.version,
            reason=day_slate.reason or f"no games on {date.isoformat()}",
            unmatched=tuple(lines),
            unmatched_reasons=("no_game",) * len(lines),
            line_report={
                "total": len(lines),
                "matched": 0,
                **{r: len(lines) if r == "no_game" else 0 for r in LINE_REASONS},
            },
        )
    fitted = rate_model.fit(history, date)
    facts = history_facts(history, date)
    result = run_engine(fitted, facts, day_slate, stats=stats)
    if result.model_name != rate_model.name:
        raise PropGenerationError(
            f"rate model {rate_model.name!r} returned rates named {result.model_name!r}"
        )
    return generate(
        result,
        day_slate,
        lines=lines,
        player_names=player_names,
        players=players,
        max_players=max_players,
        min_edge=min_edge,
        data_through=_data_through(history, date),
        prizepicks_entry=prizepicks_entry,
        include_model_lines=include_model_lines,
        allow_other_day_lines=allow_other_day_lines,
    )

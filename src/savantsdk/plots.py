"""Matplotlib figures for notebooks: a prop's distribution, a reliability diagram, a spray
chart, a strike-zone pitch plot and a pitch-movement plot.

Needs the ``plot`` extra (``pip install 'savantsdk[plot]'``, matplotlib); without it each
function raises :class:`~savantsdk.exceptions.MissingExtraError`.  Every function draws on
``ax`` when given, else on a new figure (``matplotlib.pyplot.subplots``), and returns the axes::

    from savantsdk.plots import (
        pitch_movement, plot_calibration, plot_prop, spray_chart, strike_zone,
    )

    plot_prop(props.props[0])                 # pmf bars, the line, fair vs market P(over)
    plot_calibration(report)                  # a BacktestReport, or (p, y) arrays
    spray_chart(table, 660271)                # a batter's batted balls on a field outline
    strike_zone(table, pitcher=669373)        # pitch locations over the zone, by pitch type
    pitch_movement(table, pitcher=669373)     # horizontal vs induced vertical break, by type

``table`` is a :class:`~savantsdk.sources.StatcastTable` or a ``StatcastResult`` (what
``client.savant.statcast(...)`` returns).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt

from ._frames import require
from .exceptions import ConfigurationError
from .props._backtest import BacktestReport, calibration_bins
from .sources import StatcastResult, StatcastTable

if TYPE_CHECKING:
    from matplotlib.axes import Axes  # type: ignore[import-not-found,unused-ignore]

    from .props import Prop, PropLine

__all__ = ("pitch_movement", "plot_calibration", "plot_prop", "spray_chart", "strike_zone")

_OVER: Final = "#1f77b4"
_UNDER: Final = "#ff7f0e"
_PUSH: Final = "#9e9e9e"


def _axes(ax: Axes | None, purpose: str, figsize: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    plt = require("matplotlib.pyplot", extra="plot", purpose=purpose)
    new: Axes = plt.subplots(figsize=figsize)[1]
    return new


# ------------------------------------------------------------------------------------ prop pmf


def _pick_line(prop: Prop, line: float | None) -> tuple[float | None, PropLine | None]:
    if line is None:
        return (prop.lines[0].line, prop.lines[0]) if prop.lines else (None, None)
    if not math.isfinite(line) or line <= 0:
        raise ConfigurationError(f"line must be finite and > 0, got {line!r}", setting="line")
    for candidate in prop.lines:
        if abs(candidate.line - line) < 1e-9:
            return line, candidate
    return line, None


def _american(p: float) -> str:
    if not 0.0 < p < 1.0:
        return "n/a"
    odds = -100.0 * p / (1.0 - p) if p >= 0.5 else 100.0 * (1.0 - p) / p
    return f"{odds:+.0f}"


def _market_text(prop_line: PropLine | None, limit: int = 4) -> list[str]:
    if prop_line is None:
        return []
    out: list[str] = []
    for m in prop_line.markets[:limit]:
        kind = f" {m.odds_type.value}" if m.odds_type is not None else ""
        if m.market_p_over is not None:
            view = f"P(over) {m.market_p_over:.3f}"
        elif m.breakeven is not None and m.side is not None:
            view = f"break-even {m.side} {m.breakeven:.3f}"
        else:
            view = "not comparable"
        edge = f", edge {m.edge:+.3f}" if m.edge is not None and m.comparable else ""
        out.append(f"{m.source}{kind}: {view}{edge}")
    if len(prop_line.markets) > limit:
        out.append(f"(+{len(prop_line.markets) - limit} more markets)")
    return out


def plot_prop(prop: Prop, line: float | None = None, ax: Axes | None = None) -> Axes:
    """Bars of ``prop``'s count distribution with ``line`` marked (default: its first line).

    Bars above the line are the over side, below it the under side (an integer line's own
    count is a push).  A box gives the model's P(over)/P(under) with their fair American
    odds, then each market priced at that line: its devigged P(over) (sportsbooks quoting
    both sides) or the break-even of the better side, and our edge.  The x axis stops where
    99.9% of the mass is covered (and at least one count past the line).
    """
    pmf = np.asarray(prop.distribution.pmf, dtype=np.float64)
    chosen, prop_line = _pick_line(prop, line)
    cdf = np.cumsum(pmf)
    last = int(np.searchsorted(cdf, 0.999)) if cdf[-1] >= 0.999 else pmf.size - 1
    if chosen is not None:
        last = max(last, math.floor(chosen) + 1)
    last = min(last, pmf.size - 1)
    xs = np.arange(last + 1)
    heights = pmf[: last + 1]
    ax = _axes(ax, "plot_prop()", (7.2, 4.4))
    if chosen is None:
        ax.bar(xs, heights, color=_PUSH, edgecolor="white", width=0.85)
    else:
        for label, sel, color in (
            ("under", xs < chosen, _UNDER),
            ("push", xs == chosen, _PUSH),
            ("over", xs > chosen, _OVER),
        ):
            if sel.any():
                ax.bar(
                    xs[sel], heights[sel], color=color, edgecolor="white", width=0.85, label=label
                )
        ax.legend(loc="upper left", fontsize=8)
    stat = str(getattr(prop.stat, "value", prop.stat))
    who = prop.player or f"player {prop.player_id}"
    ax.set_title(f"{who}: {stat} ({prop.team} vs {prop.opponent}, {prop.date.isoformat()})")
    ax.set_xlabel(stat)
    ax.set_ylabel("probability")
    ax.set_xticks(xs)
    text = [f"mean {prop.distribution.mean:.2f}"]
    n_rows = 1 + (3 + min(len(prop_line.markets), 5) if prop_line else 3 if chosen else 0)
    # headroom for the box above the tallest bar (about 6% of the axes per text row)
    ax.set_ylim(0, float(heights.max()) / max(0.3, 1.0 - 0.065 * n_rows - 0.05))
    if chosen is not None:
        dist = prop.distribution
        p_over = prop_line.p_over if prop_line else dist.p_over(chosen)
        p_under = prop_line.p_under if prop_line else dist.p_under(chosen)
        ax.axvline(chosen, color="black", linestyle="--", linewidth=1.2)
        text += [
            f"line {chosen:g}",
            f"model P(over) {p_over:.3f}  fair {_american(p_over)}",
            f"model P(under) {p_under:.3f}  fair {_american(p_under)}",
            *_market_text(prop_line),
        ]
    ax.text(
        0.98,
        0.97,
        "\n".join(text),
        transform=ax.transAxes,
        ha="right",
        va="top",
        fontsize=8,
        family="monospace",
        zorder=5,
        bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.85, "edgecolor": "#999"},
    )
    return ax


# ------------------------------------------------------------------------------- calibration


Curve = dict[str, list[Any]]


def _pool(curves: Sequence[Curve]) -> Curve:
    """Merge curves with the same bin edges: counts add, means weight by count."""
    edges = curves[0]["edges"]
    bins = len(edges) - 1
    n = np.zeros(bins)
    sp = np.zeros(bins)
    sy = np.zeros(bins)
    for c in curves:
        if c["edges"] != edges:
            raise ConfigurationError("calibration curves have different bins", setting="bins")
        cnt = np.asarray(c["count"], dtype=np.float64)
        n += cnt
        sp += cnt * np.array([v or 0.0 for v in c["p_mean"]])
        sy += cnt * np.array([v or 0.0 for v in c["y_mean"]])
    return {
        "edges": list(edges),
        "count": [int(v) for v in n],
        "p_mean": [float(a / c) if c else None for a, c in zip(sp, n, strict=True)],
        "y_mean": [float(a / c) if c else None for a, c in zip(sy, n, strict=True)],
    }


def _report_curves(
    report: BacktestReport, model: str | None, family: str | None, line: float | None
) -> list[tuple[str, Curve]]:
    name = model or (report.models[0] if report.models else None)
    if name is None or name not in report.calibration:
        raise ConfigurationError(
            f"no calibration data for model {name!r}; have {sorted(report.calibration)}",
            setting="model",
        )
    by_family: Mapping[str, Mapping[str, Curve]] = report.calibration[name]
    fam = str(getattr(family, "value", family)) if family is not None else None
    if fam is not None and fam not in by_family:
        raise ConfigurationError(
            f"no calibration data for family {fam!r}; have {sorted(by_family)}", setting="family"
        )
    picked: list[tuple[str, Curve]] = []
    for f, lines in by_family.items():
        if fam is not None and f != fam:
            continue
        for ln, curve in lines.items():
            if line is None or abs(float(ln) - line) < 1e-9:
                picked.append((f"{f} {ln}", curve))
    if not picked:
        raise ConfigurationError(f"no calibration data for line {line!r}", setting="line")
    if fam is None and len(picked) > 1:
        return [(f"{name}: all families ({len(picked)} lines)", _pool([c for _, c in picked]))]
    return [(f"{name}: {label}", curve) for label, curve in picked]


def _pairs(source: Any, bins: int) -> list[tuple[str, Curve]]:
    if isinstance(source, tuple) and len(source) == 2:
        p, y = (np.asarray(v, dtype=np.float64) for v in source)
    else:
        arr = np.asarray(source, dtype=np.float64)
        if arr.ndim != 2 or arr.shape[1] != 2:
            raise ConfigurationError(
                "plot_calibration takes a BacktestReport, a (p, y) tuple of arrays or an "
                f"(n, 2) array of (p, y) pairs; got shape {arr.shape}",
                setting="source",
            )
        p, y = arr[:, 0], arr[:, 1]
    if p.shape != y.shape or p.ndim != 1 or p.size == 0:
        raise ConfigurationError(
            "p and y must be non-empty 1-d arrays of one length", setting="source"
        )
    if np.any((p < 0) | (p > 1)) or np.any((y < 0) | (y > 1)):
        raise ConfigurationError("probabilities and outcomes must lie in [0, 1]", setting="source")
    return [(f"n = {p.size}", calibration_bins(p, y, bins=bins))]


def _ece(curve: Curve) -> float:
    n = np.asarray(curve["count"], dtype=np.float64)
    gaps = [
        abs(a - b) * c
        for a, b, c in zip(curve["p_mean"], curve["y_mean"], n, strict=True)
        if a is not None and b is not None
    ]
    return float(sum(gaps) / n.sum()) if n.sum() else float("nan")


def plot_calibration(
    source: BacktestReport | tuple[npt.ArrayLike, npt.ArrayLike] | npt.ArrayLike,
    ax: Axes | None = None,
    *,
    model: str | None = None,
    family: str | None = None,
    line: float | None = None,
    bins: int = 10,
) -> Axes:
    """Reliability diagram: observed frequency against mean predicted P(over), per bin.

    ``source`` is a :class:`~savantsdk.props.BacktestReport` (its ``calibration`` data:
    ``model`` defaults to its first model; every family and line pooled into one curve unless
    ``family`` (one curve per line) and/or ``line`` pick some), or ``(p, y)`` arrays of
    predicted probabilities and 0/1 outcomes (binned into ``bins`` equal-width bins), or an
    ``(n, 2)`` array of such pairs.  Points sit at each non-empty bin's mean prediction; the
    diagonal is perfect calibration; grey bars (right axis) count the predictions per bin;
    the legend gives each curve's expected calibration error.
    """
    if isinstance(source, BacktestReport):
        curves = _report_curves(source, model, family, line)
    else:
        curves = _pairs(source, bins)
    ax = _axes(ax, "plot_calibration()", (5.6, 5.2))
    ax.plot([0, 1], [0, 1], linestyle="--", color="#777", linewidth=1, label="perfect")
    counts = ax.twinx()
    edges = np.asarray(curves[0][1]["edges"], dtype=np.float64)
    total = np.zeros(edges.size - 1)
    for label, curve in curves:
        total += np.asarray(curve["count"], dtype=np.float64)
        pts = [
            (p, y)
            for p, y in zip(curve["p_mean"], curve["y_mean"], strict=True)
            if p is not None and y is not None
        ]
        xs = [p for p, _ in pts]
        ys = [y for _, y in pts]
        ece = _ece(curve)
        ax.plot(xs, ys, marker="o", linewidth=1.5, label=f"{label} (ECE {ece:.3f})")
    counts.bar(
        edges[:-1], total, width=np.diff(edges), align="edge", color="#bbb", alpha=0.35, zorder=0
    )
    counts.set_ylabel("predictions per bin")
    ax.set_zorder(counts.get_zorder() + 1)
    ax.patch.set_visible(False)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("predicted P(over)")
    ax.set_ylabel("observed frequency")
    ax.set_title("Calibration")
    ax.legend(loc="upper left", fontsize=8)
    return ax


# ----------------------------------------------------------------------------- spray chart

#: Savant ``hc_x``/``hc_y`` of home plate and feet per unit (the usual transform).
_HOME_X: Final = 125.42
_HOME_Y: Final = 198.27
_FEET: Final = 2.5

#: Event -> (legend label, colour); every other event is an out.
_EVENTS: Final[dict[str, tuple[str, str]]] = {
    "single": ("single", "#1f77b4"),
    "double": ("double", "#2ca02c"),
    "triple": ("triple", "#9467bd"),
    "home_run": ("home run", "#d62728"),
    "field_error": ("error", "#ff7f0e"),
}
_OUT: Final = ("out", "#8c8c8c")


def _field(ax: Axes) -> None:
    """Foul lines, a 330-400 ft fence, the infield grass arc and the diamond."""
    theta = np.linspace(np.pi / 4, 3 * np.pi / 4, 200)
    fence = 330 + 70 * np.cos(2 * (theta - np.pi / 2))
    ax.plot(fence * np.cos(theta), fence * np.sin(theta), color="#2e7d32", linewidth=1.5)
    for side in (-1, 1):
        end = 330 / math.sqrt(2)
        ax.plot([0, side * end], [0, end], color="#2e7d32", linewidth=1.2)
    grass = 155.0
    ax.plot(grass * np.cos(theta), grass * np.sin(theta), color="#a1887f", linewidth=1)
    base = 90 / math.sqrt(2)
    ax.plot([0, base, 0, -base, 0], [0, base, 2 * base, base, 0], color="#a1887f", linewidth=1)


def _batter_name(table: StatcastTable, rows: npt.NDArray[np.bool_]) -> str | None:
    """``player_name`` when it is one name over several pitchers (then it names the batter:
    baseballr and batter searches), else None (pitcher searches name the pitcher)."""
    if "player_name" not in table or "pitcher" not in table:
        return None
    names = {v for v in table.column("player_name").values[rows].tolist() if v}
    pitchers = np.unique(table.column("pitcher").values[rows])
    if len(names) == 1 and pitchers.size > 1:
        return str(names.pop())
    return None


def spray_chart(
    table: StatcastTable | StatcastResult,
    player_id: int,
    ax: Axes | None = None,
    *,
    name: str | None = None,
) -> Axes:
    """Every batted ball of batter ``player_id`` in ``table`` (rows with ``events`` and both
    ``hc_x``/``hc_y``), in feet from home plate on a field outline, coloured by result
    (single, double, triple, home run, error, out).  ``name`` titles the chart (default: the
    batter's ``player_name`` when the rows show it is his, else the id)."""
    t = table.table if isinstance(table, StatcastResult) else table
    needed = ("batter", "events", "hc_x", "hc_y")
    absent = [c for c in needed if c not in t]
    if absent:
        raise ConfigurationError(
            f"spray_chart needs the Statcast column(s) {', '.join(absent)}", setting="table"
        )
    batter = t.column("batter")
    events = t.column("events")
    hx, hy = t.column("hc_x"), t.column("hc_y")
    rows = (batter.values == player_id) & ~batter.missing
    mask = rows & ~events.missing & ~hx.missing & ~hy.missing
    x = (hx.values[mask] - _HOME_X) * _FEET
    y = (_HOME_Y - hy.values[mask]) * _FEET
    what = np.asarray([str(v) for v in events.values[mask].tolist()], dtype=object)
    ax = _axes(ax, "spray_chart()", (6.0, 6.0))
    _field(ax)
    groups: dict[tuple[str, str], npt.NDArray[np.bool_]] = {}
    for event in np.unique(what).tolist() if what.size else []:
        key = _EVENTS.get(event, _OUT)
        groups[key] = groups.get(key, np.zeros(what.size, dtype=bool)) | (what == event)
    order = [*list(_EVENTS.values()), _OUT]
    for key in sorted(groups, key=order.index):
        sel = groups[key]
        label, color = key
        ax.scatter(
            x[sel],
            y[sel],
            s=22,
            color=color,
            edgecolors="white",
            linewidths=0.4,
            label=f"{label} ({int(sel.sum())})",
            zorder=3,
        )
    who = name or _batter_name(t, rows) or f"batter {player_id}"
    ax.set_title(f"{who}: {int(mask.sum())} batted balls")
    if groups:
        ax.legend(loc="lower right", fontsize=8)
    else:
        ax.text(0, 200, "no batted balls", ha="center", va="center", color="#555")
    ax.set_aspect("equal")
    ax.set_xlim(-330, 330)
    ax.set_ylim(-30, 460)
    ax.set_axis_off()
    return ax


# ------------------------------------------------------------------------- pitch-level plots

#: Half the plate's width (17 in) in feet, plus a ball's radius either side: the rule-book
#: zone's edges as Statcast's ``plate_x`` sees them.
PLATE_HALF_WIDTH_FT: Final = 17 / 2 / 12
BALL_RADIUS_FT: Final = 1.45 / 12
#: Pitch type -> colour, close to Baseball Savant's; other types take the next of _SPARE.
_PITCH_COLORS: Final[dict[str, str]] = {
    "FF": "#d22d49",  # four-seam
    "SI": "#fe9d00",  # sinker
    "FC": "#933f2c",  # cutter
    "SL": "#eee716",  # slider
    "ST": "#ddb33a",  # sweeper
    "SV": "#93afd4",  # slurve
    "CU": "#00d1ed",  # curveball
    "KC": "#6236cd",  # knuckle curve
    "CH": "#1dbe3a",  # changeup
    "FS": "#3bacac",  # splitter
    "FO": "#55ccab",  # forkball
    "SC": "#60db33",  # screwball
    "KN": "#3c44cd",  # knuckleball
    "EP": "#888888",  # eephus
}
_SPARE: Final = ("#1f77b4", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")


def _statcast_table(table: StatcastTable | StatcastResult) -> StatcastTable:
    return table.table if isinstance(table, StatcastResult) else table


def _require_columns(t: StatcastTable, needed: Sequence[str], what: str) -> None:
    absent = [c for c in needed if c not in t]
    if absent:
        raise ConfigurationError(
            f"{what} needs the Statcast column(s) {', '.join(absent)}", setting="table"
        )


def _player_rows(
    t: StatcastTable, pitcher: int | None, batter: int | None, what: str
) -> npt.NDArray[np.bool_]:
    rows = np.ones(t.rows, dtype=bool)
    for column, wanted in (("pitcher", pitcher), ("batter", batter)):
        if wanted is None:
            continue
        _require_columns(t, (column,), what)
        col = t.column(column)
        rows &= (col.values == wanted) & ~col.missing
    return rows


def _one_name(t: StatcastTable, rows: npt.NDArray[np.bool_], other: str) -> str | None:
    """``player_name`` when the rows show one name over several ``other`` players (then it is
    the name of the player they share), else None."""
    if "player_name" not in t or other not in t:
        return None
    names = {v for v in t.column("player_name").values[rows].tolist() if v}
    others = np.unique(t.column(other).values[rows])
    return str(names.pop()) if len(names) == 1 and others.size > 1 else None


def _who(
    t: StatcastTable,
    rows: npt.NDArray[np.bool_],
    pitcher: int | None,
    batter: int | None,
    name: str | None,
) -> str:
    if name:
        return name
    if pitcher is not None and batter is None:
        return _one_name(t, rows, "batter") or f"pitcher {pitcher}"
    if batter is not None and pitcher is None:
        return _one_name(t, rows, "pitcher") or f"batter {batter}"
    if pitcher is not None and batter is not None:
        return f"pitcher {pitcher} vs batter {batter}"
    return "all pitches"


def _groups(
    t: StatcastTable, column: str, mask: npt.NDArray[np.bool_]
) -> list[tuple[str, npt.NDArray[np.bool_], str]]:
    """(label, rows of ``mask`` with that value, colour) per value of ``column``, the most
    frequent first; missing values are ``"unknown"``."""
    col = t.column(column)
    labels = np.asarray(
        [
            "unknown" if miss else str(v)
            for v, miss in zip(col.values[mask], col.missing[mask], strict=True)
        ],
        dtype=object,
    )
    order: list[tuple[str, int]] = []
    if labels.size:
        values, counts = np.unique(labels, return_counts=True)
        order = sorted(
            ((str(v), int(c)) for v, c in zip(values.tolist(), counts.tolist(), strict=True)),
            key=lambda vc: (-vc[1], vc[0]),
        )
    spare = iter(_SPARE * (1 + len(order) // len(_SPARE)))
    out: list[tuple[str, npt.NDArray[np.bool_], str]] = []
    for label, _ in order:
        color = _PITCH_COLORS.get(label) if column == "pitch_type" else None
        out.append((label, labels == label, color or next(spare)))
    return out


def strike_zone(
    table: StatcastTable | StatcastResult,
    pitcher: int | None = None,
    ax: Axes | None = None,
    *,
    batter: int | None = None,
    color_by: str = "pitch_type",
    name: str | None = None,
) -> Axes:
    """Pitch locations as they cross the plate (``plate_x``/``plate_z``, feet, catcher's
    view) over the strike zone, one point per pitch, coloured by ``color_by`` (any text
    column: ``pitch_type`` by default, ``description``, ``type``, ``stand``, ...) with counts
    in the legend.  ``pitcher``/``batter`` (MLBAM ids) keep their pitches; neither keeps all.
    The zone spans the plate plus a ball's radius either side and, vertically, the mean of
    the plotted pitches' ``sz_bot``..``sz_top`` (each batter's zone); the plate is drawn
    below it."""
    t = _statcast_table(table)
    _require_columns(t, ("plate_x", "plate_z", "sz_top", "sz_bot"), "strike_zone")
    if color_by not in t or t.column(color_by).kind != "str":
        raise ConfigurationError(
            f"color_by must be a text Statcast column of the table (pitch_type, description, "
            f"type, ...), got {color_by!r}",
            setting="color_by",
        )
    rows = _player_rows(t, pitcher, batter, "strike_zone")
    px, pz = t.column("plate_x"), t.column("plate_z")
    mask = rows & ~px.missing & ~pz.missing
    x, z = px.values[mask], pz.values[mask]
    top, bot = t.column("sz_top"), t.column("sz_bot")
    zrows = mask & ~top.missing & ~bot.missing
    zone_top = float(top.values[zrows].mean()) if zrows.any() else 3.5
    zone_bot = float(bot.values[zrows].mean()) if zrows.any() else 1.5
    ax = _axes(ax, "strike_zone()", (5.0, 6.0))
    half = PLATE_HALF_WIDTH_FT + BALL_RADIUS_FT
    ax.add_patch(_rectangle((-half, zone_bot), 2 * half, zone_top - zone_bot, label="strike zone"))
    plate_y = 0.25
    w = PLATE_HALF_WIDTH_FT
    ax.plot(
        [-w, w, w, 0, -w, -w],
        [plate_y, plate_y, plate_y - 0.1, plate_y - 0.2, plate_y - 0.1, plate_y],
        color="#555",
        linewidth=1,
    )
    groups = _groups(t, color_by, mask)
    for label, sel, color in groups:
        ax.scatter(
            x[sel],
            z[sel],
            s=14,
            color=color,
            alpha=0.75,
            edgecolors="none",
            label=f"{label} ({int(sel.sum())})",
            zorder=3,
        )
    who = _who(t, rows, pitcher, batter, name)
    ax.set_title(f"{who}: {int(mask.sum())} pitches")
    if groups:
        ax.legend(loc="upper right", fontsize=7, markerscale=1.5)
    else:
        ax.text(0, 2.5, "no pitches", ha="center", va="center", color="#555")
    ax.set_aspect("equal")
    ax.set_xlim(-2.5, 2.5)
    ax.set_ylim(-0.2, 5.2)
    ax.set_xlabel("plate_x (ft, catcher's view)")
    ax.set_ylabel("plate_z (ft)")
    return ax


def _rectangle(xy: tuple[float, float], width: float, height: float, *, label: str) -> Any:
    patches = require("matplotlib.patches", extra="plot", purpose="strike_zone()")
    return patches.Rectangle(
        xy, width, height, fill=False, edgecolor="#222", linewidth=1.5, label=label, zorder=2
    )


def pitch_movement(
    table: StatcastTable | StatcastResult,
    pitcher: int | None = None,
    ax: Axes | None = None,
    *,
    name: str | None = None,
) -> Axes:
    """Pitch movement by pitch type: horizontal break (``pfx_x``) against induced vertical
    break (``pfx_z``), in inches from the catcher's view, one point per pitch and a large
    marker at each type's mean; the legend gives each type's count, mean break and, when the
    table has ``release_speed``, mean velocity.  ``pitcher`` (an MLBAM id) keeps his
    pitches; None plots every pitch of the table."""
    t = _statcast_table(table)
    _require_columns(t, ("pfx_x", "pfx_z", "pitch_type"), "pitch_movement")
    rows = _player_rows(t, pitcher, None, "pitch_movement")
    hx, vz = t.column("pfx_x"), t.column("pfx_z")
    mask = rows & ~hx.missing & ~vz.missing
    x, z = hx.values[mask] * 12.0, vz.values[mask] * 12.0
    speed = t.column("release_speed") if "release_speed" in t else None
    ax = _axes(ax, "pitch_movement()", (6.0, 6.0))
    ax.axhline(0, color="#999", linewidth=0.8, zorder=1)
    ax.axvline(0, color="#999", linewidth=0.8, zorder=1)
    groups = _groups(t, "pitch_type", mask)
    for label, sel, color in groups:
        text = f"{label} ({int(sel.sum())}): {x[sel].mean():+.1f} in, {z[sel].mean():+.1f} in"
        if speed is not None:
            mph = speed.values[mask][sel]
            known = ~speed.missing[mask][sel]
            if known.any():
                text += f", {mph[known].mean():.1f} mph"
        ax.scatter(x[sel], z[sel], s=10, color=color, alpha=0.45, edgecolors="none", zorder=2)
        ax.scatter(
            [x[sel].mean()],
            [z[sel].mean()],
            s=140,
            color=color,
            edgecolors="black",
            linewidths=1.0,
            label=text,
            zorder=4,
        )
    who = _who(t, rows, pitcher, None, name)
    ax.set_title(f"{who}: movement of {int(mask.sum())} pitches")
    if groups:
        ax.legend(loc="upper left", fontsize=7)
    else:
        ax.text(0, 0, "no pitches", ha="center", va="center", color="#555")
    ax.set_xlim(-25, 25)
    ax.set_ylim(-25, 25)
    ax.set_aspect("equal")
    ax.set_xlabel("horizontal break (in, catcher's view)")
    ax.set_ylabel("induced vertical break (in)")
    return ax

"""savantsdk.plots on real data: each figure is rendered to PNG (Agg) and decoded back.

What is drawn is checked against numbers computed here from the same inputs (bar heights =
the pmf, points = the bins' observed frequencies, one scatter point per batted ball); the PNG
checks only guard against a blank or trivial image.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import math
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from savantsdk.exceptions import ConfigurationError, MissingExtraError
from savantsdk.ids import load_people
from savantsdk.props import Prop
from savantsdk.props._backtest import BacktestReport, backtest
from savantsdk.props._generate import generate_from_statcast
from savantsdk.props._markets import read_lines_file
from savantsdk.sources import PlateAppearances, StatcastTable, ingest_statcast, read_statcast_csv
from savantsdk.sources._savant_results import StatcastResult

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

if importlib.util.find_spec("matplotlib") is None:
    if IN_CI:
        pytest.fail("matplotlib is required in CI (CI=true)", pytrace=False)
    pytest.skip("matplotlib not installed", allow_module_level=True)

import matplotlib  # noqa: E402

matplotlib.use("Agg", force=True)

import matplotlib.image as mpimg  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

from savantsdk.plots import (  # noqa: E402
    BALL_RADIUS_FT,
    PLATE_HALF_WIDTH_FT,
    pitch_movement,
    plot_calibration,
    plot_prop,
    spray_chart,
    strike_zone,
)

OHTANI = 660271
SKUBAL = 669373


@pytest.fixture(autouse=True)
def close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def render(ax: Any, path: Path) -> tuple[int, int, int, float]:
    """Save the axes' figure as PNG, decode it: (height, width, distinct colours, share of
    non-white pixels)."""
    ax.figure.savefig(path, dpi=100)
    img = mpimg.imread(path)
    rgb = (img[..., :3] * 255).round().astype(np.uint8)
    flat = rgb.reshape(-1, 3)
    colours = np.unique(flat, axis=0).shape[0]
    ink = float(np.mean(np.any(flat < 250, axis=1)))
    return img.shape[0], img.shape[1], colours, ink


# ---------------------------------------------------------------------------------- data


@pytest.fixture(scope="module")
def history(shared_data: Path) -> PlateAppearances:
    days = [dt.date(2024, 5, 31) + dt.timedelta(days=i) for i in range(11)]
    return PlateAppearances.concat(
        [ingest_statcast(shared_data / f"statcast/2024/sc_{d}.csv.gz") for d in days]
    )


@pytest.fixture(scope="module")
def priced(history: PlateAppearances, shared_data: Path) -> Prop:
    """A real prop priced against the real 2024-06-10 PrizePicks board (a standard line)."""
    board = read_lines_file(
        shared_data / "markets/prizepicks/projections_all_leagues_2024-06-10.json"
    )
    names = load_people(shared_data / "chadwick/people_mlbam_mlb2015plus.csv")
    props = generate_from_statcast(
        history, dt.date(2024, 6, 10), lines=board.lines, player_names=names
    )
    for prop in props:
        for ln in prop.lines:
            if any(m.comparable and m.edge is not None for m in ln.markets):
                return prop
    raise AssertionError("no comparable PrizePicks line on 2024-06-10")


@pytest.fixture(scope="module")
def report(history: PlateAppearances) -> BacktestReport:
    return backtest(history, dt.date(2024, 6, 8), dt.date(2024, 6, 10))


@pytest.fixture(scope="module")
def table(shared_data: Path) -> StatcastTable:
    cols = ["batter", "pitcher", "events", "hc_x", "hc_y", "player_name"]
    files = sorted((shared_data / "statcast/2024").glob("sc_2024-04-*.csv.gz"))
    assert len(files) == 30
    return StatcastTable.concat(
        [read_statcast_csv(f, columns=cols, required=("batter",)) for f in files]
    )


# ------------------------------------------------------------------------------- plot_prop


def _bars(ax: Any) -> dict[int, float]:
    return {round(p.get_x() + p.get_width() / 2): p.get_height() for p in ax.patches}


def test_plot_prop_bars_line_and_annotation(priced: Prop, tmp_path: Path) -> None:
    prop_line = next(ln for ln in priced.lines if ln.markets)
    ax = plot_prop(priced, line=prop_line.line)
    bars = _bars(ax)
    pmf = np.asarray(priced.distribution.pmf)
    assert sorted(bars) == list(range(len(bars)))
    assert np.allclose([bars[k] for k in sorted(bars)], pmf[: len(bars)])
    assert pmf[: len(bars)].sum() >= 0.999 or len(bars) == pmf.size
    assert len(bars) > math.floor(prop_line.line) + 1
    marks = [ln for ln in ax.lines if list(ln.get_xdata()) == [prop_line.line] * 2]
    assert len(marks) == 1
    text = "\n".join(t.get_text() for t in ax.texts)
    assert f"line {prop_line.line:g}" in text
    assert f"model P(over) {prop_line.p_over:.3f}" in text
    assert f"model P(under) {prop_line.p_under:.3f}" in text
    for market in prop_line.markets[:4]:
        assert market.source in text
        if market.comparable and market.edge is not None:
            assert f"edge {market.edge:+.3f}" in text
    assert str(priced.stat.value) in ax.get_title()
    height, width, colours, ink = render(ax, tmp_path / "prop.png")
    assert (height, width) == (440, 720)
    assert colours > 50
    assert ink > 0.05


def test_plot_prop_at_another_line_and_bad_line(priced: Prop, tmp_path: Path) -> None:
    offered = {ln.line for ln in priced.lines}
    other = next(x for x in (2.5, 3.5, 4.5, 6.5, 7.5) if x not in offered)
    _fig, ax = plt.subplots()
    assert plot_prop(priced, line=other, ax=ax) is ax
    text = "\n".join(t.get_text() for t in ax.texts)
    assert f"model P(over) {priced.distribution.p_over(other):.3f}" in text
    assert len(_bars(ax)) > math.floor(other) + 1
    assert render(ax, tmp_path / "other.png")[2] > 30
    with pytest.raises(ConfigurationError):
        plot_prop(priced, line=-1.0)


# ------------------------------------------------------------------------ plot_calibration


def test_plot_calibration_pooled_report(report: BacktestReport, tmp_path: Path) -> None:
    ax = plot_calibration(report)
    curves = report.calibration["default"]
    n = np.zeros(10)
    sy = np.zeros(10)
    for lines in curves.values():
        for c in lines.values():
            cnt = np.asarray(c["count"], dtype=float)
            n += cnt
            sy += cnt * np.array([v or 0.0 for v in c["y_mean"]])
    observed = sy[n > 0] / n[n > 0]
    (curve,) = [ln for ln in ax.lines if ln.get_label().startswith("default: all families")]
    assert np.allclose(curve.get_ydata(), observed)
    (counts,) = [a for a in ax.figure.axes if a is not ax]
    assert [round(p.get_height()) for p in counts.patches] == n.astype(int).tolist()
    height, width, colours, ink = render(ax, tmp_path / "calibration.png")
    assert (height, width) == (520, 560)
    assert colours > 50
    assert ink > 0.05


def test_plot_calibration_one_family_matches_the_report_ece(report: BacktestReport) -> None:
    ax = plot_calibration(report, family="hits")
    labels = [ln.get_label() for ln in ax.lines if ln.get_label().startswith("default:")]
    assert len(labels) == 2  # hits at 0.5 and 1.5
    ax2 = plot_calibration(report, family="hits", line=0.5)
    (label,) = [ln.get_label() for ln in ax2.lines if ln.get_label().startswith("default:")]
    ece = report.families["default"]["hits"]["lines"]["0.5"]["ece"]
    assert f"ECE {ece:.3f}" in label
    with pytest.raises(ConfigurationError):
        plot_calibration(report, family="stolen_bases")
    with pytest.raises(ConfigurationError):
        plot_calibration(report, model="nope")


def test_plot_calibration_pairs(tmp_path: Path) -> None:
    p = np.array([0.05] * 10 + [0.55] * 10)
    y = np.array([0] * 9 + [1] + [1] * 6 + [0] * 4, dtype=float)
    for source in ((p, y), np.column_stack([p, y])):
        ax = plot_calibration(source)
        (curve,) = [ln for ln in ax.lines if ln.get_label().startswith("n = 20")]
        assert np.allclose(curve.get_xdata(), [0.05, 0.55])
        assert np.allclose(curve.get_ydata(), [0.1, 0.6])
        assert "ECE 0.050" in curve.get_label()
    assert render(ax, tmp_path / "pairs.png")[2] > 20
    with pytest.raises(ConfigurationError):
        plot_calibration(np.zeros((4, 3)))
    with pytest.raises(ConfigurationError):
        plot_calibration((p, y * 2))


# ------------------------------------------------------------------------------ spray chart


def test_spray_chart_one_point_per_batted_ball(table: StatcastTable, tmp_path: Path) -> None:
    batter = table.column("batter").values
    ok = ~table.column("events").missing & ~table.column("hc_x").missing
    ok &= ~table.column("hc_y").missing
    mine = (batter == OHTANI) & ok
    events = [str(e) for e in table.column("events").values[mine].tolist()]
    assert len(events) > 50
    ax = spray_chart(table, OHTANI)
    points = {str(c.get_label()).rsplit(" (", 1)[0]: len(c.get_offsets()) for c in ax.collections}
    assert sum(points.values()) == len(events)
    assert points["home run"] == events.count("home_run")
    assert points["single"] == events.count("single")
    assert "Ohtani, Shohei" in ax.get_title()
    assert f"{len(events)} batted balls" in ax.get_title()
    xs = np.concatenate([c.get_offsets()[:, 0] for c in ax.collections])
    expected_x = (table.column("hc_x").values[mine] - 125.42) * 2.5
    assert np.allclose(np.sort(xs), np.sort(expected_x))
    height, width, colours, ink = render(ax, tmp_path / "spray.png")
    assert (height, width) == (600, 600)
    assert colours > 50
    assert ink > 0.02


def test_spray_chart_accepts_a_result_and_handles_no_balls(
    table: StatcastTable, tmp_path: Path
) -> None:
    result = StatcastResult(table=table, days=(), errors={})
    ax = spray_chart(result, 1, name="Nobody")
    assert len(ax.collections) == 0
    assert ax.get_title() == "Nobody: 0 batted balls"
    assert any(t.get_text() == "no batted balls" for t in ax.texts)
    assert render(ax, tmp_path / "empty.png")[3] > 0.005  # the field outline is drawn
    with pytest.raises(ConfigurationError):
        spray_chart(StatcastTable({}, 0), OHTANI)


# -------------------------------------------------------------- strike zone and movement

PITCH_COLUMNS = [
    "batter",
    "pitcher",
    "pitch_type",
    "plate_x",
    "plate_z",
    "sz_top",
    "sz_bot",
    "pfx_x",
    "pfx_z",
    "release_speed",
    "player_name",
    "description",
]


@pytest.fixture(scope="module")
def pitches(shared_data: Path) -> StatcastTable:
    files = sorted((shared_data / "statcast/2024").glob("sc_2024-04-0*.csv.gz"))
    assert len(files) == 9
    return StatcastTable.concat(
        [read_statcast_csv(f, columns=PITCH_COLUMNS, required=("pitcher",)) for f in files]
    )


def _his(t: StatcastTable, pitcher: int) -> dict[str, Any]:
    """The pitcher's located pitches, computed here from the table's columns."""
    rows = (t.column("pitcher").values == pitcher) & ~t.column("plate_x").missing
    rows &= ~t.column("plate_z").missing
    return {
        "rows": rows,
        "types": [str(v) for v in t.column("pitch_type").values[rows].tolist()],
        "x": t.column("plate_x").values[rows],
        "top": float(t.column("sz_top").values[rows].mean()),
        "bot": float(t.column("sz_bot").values[rows].mean()),
    }


def test_strike_zone_one_point_per_pitch_over_the_mean_zone(
    pitches: StatcastTable, tmp_path: Path
) -> None:
    his = _his(pitches, SKUBAL)
    assert len(his["types"]) == 92  # Skubal, 2024-04-01..09: two starts
    ax = strike_zone(pitches, SKUBAL, name="Tarik Skubal")
    points = {str(c.get_label()).rsplit(" (", 1)[0]: len(c.get_offsets()) for c in ax.collections}
    assert points == {t: his["types"].count(t) for t in set(his["types"])}
    assert points == {"FF": 33, "CH": 23, "SL": 21, "SI": 14, "KC": 1}
    labels = [str(c.get_label()) for c in ax.collections]
    assert labels[0] == "FF (33)"  # the most thrown first
    xs = np.concatenate([c.get_offsets()[:, 0] for c in ax.collections])
    assert np.allclose(np.sort(xs), np.sort(his["x"]))
    (zone,) = [p for p in ax.patches if p.get_label() == "strike zone"]
    half = PLATE_HALF_WIDTH_FT + BALL_RADIUS_FT
    assert zone.get_x() == pytest.approx(-half)
    assert zone.get_width() == pytest.approx(2 * half)  # 17 in plus a ball either side
    assert zone.get_y() == pytest.approx(his["bot"])
    assert zone.get_y() + zone.get_height() == pytest.approx(his["top"])
    assert ax.get_title() == "Tarik Skubal: 92 pitches"
    height, width, colours, ink = render(ax, tmp_path / "zone.png")
    assert (height, width) == (600, 500)
    assert colours > 30
    assert ink > 0.02


def test_strike_zone_colour_by_any_text_column_and_bad_input(
    pitches: StatcastTable, tmp_path: Path
) -> None:
    his = _his(pitches, SKUBAL)
    descriptions = [str(v) for v in pitches.column("description").values[his["rows"]].tolist()]
    ax = strike_zone(
        StatcastResult(table=pitches, days=(), errors={}), SKUBAL, color_by="description"
    )
    points = {str(c.get_label()).rsplit(" (", 1)[0]: len(c.get_offsets()) for c in ax.collections}
    assert points == {d: descriptions.count(d) for d in set(descriptions)}
    assert ax.get_title() == f"pitcher {SKUBAL}: 92 pitches"  # player_name names the batter
    with pytest.raises(ConfigurationError, match="color_by must be a text Statcast column"):
        strike_zone(pitches, SKUBAL, color_by="plate_x")
    with pytest.raises(ConfigurationError, match="needs the Statcast column"):
        strike_zone(StatcastTable({}, 0))
    empty = strike_zone(pitches, 1)
    assert empty.get_title() == "pitcher 1: 0 pitches"
    assert any(t.get_text() == "no pitches" for t in empty.texts)
    assert render(empty, tmp_path / "empty_zone.png")[3] > 0.005  # zone and plate drawn


def test_pitch_movement_means_per_type_in_inches(pitches: StatcastTable, tmp_path: Path) -> None:
    rows = pitches.column("pitcher").values == SKUBAL
    rows &= ~pitches.column("pfx_x").missing & ~pitches.column("pfx_z").missing
    types = np.asarray([str(v) for v in pitches.column("pitch_type").values[rows].tolist()])
    x = pitches.column("pfx_x").values[rows] * 12
    z = pitches.column("pfx_z").values[rows] * 12
    mph = pitches.column("release_speed").values[rows]
    ax = pitch_movement(pitches, SKUBAL, name="Tarik Skubal")
    means = {
        str(c.get_label()).split(" (", 1)[0]: (c.get_offsets()[0], str(c.get_label()))
        for c in ax.collections
        if not str(c.get_label()).startswith("_")
    }
    assert set(means) == set(types.tolist())
    for kind, (xy, label) in means.items():
        sel = types == kind
        assert xy[0] == pytest.approx(x[sel].mean())
        assert xy[1] == pytest.approx(z[sel].mean())
        assert label.endswith(f"{mph[sel].mean():.1f} mph")
    assert means["FF"][1] == "FF (33): +6.2 in, +16.8 in, 95.3 mph"
    clouds = [c for c in ax.collections if str(c.get_label()).startswith("_")]
    assert sum(len(c.get_offsets()) for c in clouds) == int(rows.sum())
    assert ax.get_title() == f"Tarik Skubal: movement of {int(rows.sum())} pitches"
    height, width, colours, ink = render(ax, tmp_path / "movement.png")
    assert (height, width) == (600, 600)
    assert colours > 30
    assert ink > 0.02
    with pytest.raises(ConfigurationError, match="pitch_movement needs the Statcast column"):
        pitch_movement(StatcastTable({}, 0))


# --------------------------------------------------------------------------- missing extra


def test_missing_matplotlib_names_the_plot_extra(
    priced: Prop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(MissingExtraError) as info:
        plot_prop(priced)
    assert info.value.extra == "plot"
    assert info.value.package == "matplotlib"
    assert "pip install 'savantsdk[plot]'" in str(info.value)

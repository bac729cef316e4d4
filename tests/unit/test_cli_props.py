"""``savantsdk props`` and ``savantsdk backtest`` on a few real 2024 days (offline)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from savantsdk import _cli as cli
from savantsdk._cli import main
from savantsdk.exceptions import (
    AllFailedError,
    OtherDayLinesWarning,
    SavantError,
    SourceConnectionError,
)

DataFile = Callable[[str], Path]


def _files(data_file: DataFile, first: dt.date, last: dt.date) -> list[str]:
    out = []
    d = first
    while d <= last:
        out += ["--statcast", str(data_file(f"statcast/2024/sc_{d.isoformat()}.csv.gz"))]
        d += dt.timedelta(days=1)
    return out


def test_props_json_shape(data_file: DataFile, capsys: pytest.CaptureFixture[str]) -> None:
    files = _files(data_file, dt.date(2024, 4, 8), dt.date(2024, 4, 12))
    assert main(["props", "--date", "2024-04-12", *files, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows
    for key in (
        "player_id",
        "player",
        "stat",
        "line",
        "p_over",
        "p_under",
        "fair_odds_over",
        "edge",
        "line_source",
    ):
        assert key in rows[0]
    assert all(isinstance(r["player_id"], int) for r in rows)
    assert all(abs(r["p_over"] + r["p_under"] + r["p_push"] - 1.0) < 1e-5 for r in rows)
    assert {r["line_source"] for r in rows} == {"model"}
    assert {r["model"] for r in rows} == {"default"}


def test_props_with_prizepicks_lines_top(
    data_file: DataFile, capsys: pytest.CaptureFixture[str]
) -> None:
    files = _files(data_file, dt.date(2024, 6, 8), dt.date(2024, 6, 10))
    lines = str(data_file("markets/prizepicks/projections_all_leagues_2024-06-10.json"))
    people = str(data_file("chadwick/people_mlbam_mlb2015plus.csv"))
    argv = ["props", "--date", "2024-06-10", *files, "--lines", lines, "--people", people]
    assert main([*argv, "--top", "5", "--json"]) == 0
    captured = capsys.readouterr()
    rows = json.loads(captured.out)
    assert len(rows) == 5
    assert all(r["line_source"] == "prizepicks" for r in rows)
    edges = [r["edge"] for r in rows]
    assert edges == sorted(edges, reverse=True)
    assert "'matched': " in captured.err
    # the summary counts props (player and stat) and rows (line and market) apart, and the
    # rows it counts are all the rows, not the --top ones
    summary = re.search(
        r"(\d+) props \(player and stat: (\d+) priced against market lines, 0 at model lines "
        r"only\); (\d+) rows \(one per line and market: (\d+) market lines, 0 model lines\)"
        r".*'matched': (\d+)",
        captured.err,
    )
    assert summary is not None, captured.err
    props, priced, n_rows, market_rows, matched = map(int, summary.groups())
    assert props == priced
    assert n_rows == market_rows == matched  # each matched line priced once, one row each
    assert n_rows > props  # a player's stat is offered at several lines (goblin, demon)
    assert main([*argv, "--top", "3"]) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0].startswith("player")
    assert len(text.splitlines()) == 4


def test_props_no_games_day(data_file: DataFile, capsys: pytest.CaptureFixture[str]) -> None:
    files = _files(data_file, dt.date(2024, 4, 8), dt.date(2024, 4, 9))
    assert main(["props", "--date", "2024-04-20", *files, "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == []
    assert "no games found on 2024-04-20" in captured.err


def test_backtest_two_models_json(data_file: DataFile, capsys: pytest.CaptureFixture[str]) -> None:
    files = _files(data_file, dt.date(2024, 4, 8), dt.date(2024, 4, 12))
    argv = ["backtest", *files, "--start", "2024-04-11", "--end", "2024-04-12"]
    assert main([*argv, "--model", "default", "--model", "naive", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"default", "naive"}
    for obj in out.values():
        assert obj["days"] == 2
        assert set(obj) >= {"days", "games", "props", "wall_s", "families"}
        hits = obj["families"]["hits"]
        assert set(hits) >= {"n", "log_loss", "log_loss_league", "log_loss_naive", "lines"}
        assert set(hits["lines"]["0.5"]) >= {"brier", "ece"}
    assert main([*argv, "--json"]) == 0
    single = json.loads(capsys.readouterr().out)
    assert single["model"] == "default"
    assert single["families"]["walks_allowed"]["lines"]["1.5"]["ece"] >= 0.0


def test_errors_are_reported_not_raised(
    data_file: DataFile, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = _files(data_file, dt.date(2024, 4, 8), dt.date(2024, 4, 9))
    bad = tmp_path / "lines.json"
    bad.write_text("[{")
    assert main(["props", "--date", "2024-04-09", *files, "--lines", str(bad)]) == 2
    assert "lines.json" in capsys.readouterr().err
    assert main(["props", "--date", "2024-04-09", *files, "--model", "gbm"]) == 2
    assert "unknown rate model 'gbm'" in capsys.readouterr().err
    assert main(["props", "--date", "2024-04-09", *files, "--stat", "steals"]) == 2
    assert "'steals'" in capsys.readouterr().err
    assert (
        main(
            [
                "backtest",
                "--statcast",
                str(tmp_path / "nope"),
                "--start",
                "2024-04-01",
                "--end",
                "2024-04-02",
            ]
        )
        == 2
    )
    assert "no such file" in capsys.readouterr().err


def test_backtest_with_a_prior_season(
    data_file: DataFile, capsys: pytest.CaptureFixture[str]
) -> None:
    """--prior-statcast builds ``default-prior``; the prior never sees the evaluated days."""
    files = _files(data_file, dt.date(2024, 4, 8), dt.date(2024, 4, 12))
    argv = ["backtest", *files, "--start", "2024-04-11", "--end", "2024-04-12"]
    argv += ["--model", "default", "--model", "default-prior", "--json"]

    def prior(last: dt.date) -> list[str]:
        return [
            a.replace("--statcast", "--prior-statcast")
            for a in _files(data_file, dt.date(2024, 3, 28), last)
        ]

    assert main([*argv, *prior(dt.date(2024, 4, 7))]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"default", "default-prior"}
    plain, with_prior = out["default"]["families"], out["default-prior"]["families"]
    for fam in ("pitcher_strikeouts", "batter_strikeouts"):
        assert plain[fam]["n"] == with_prior[fam]["n"] > 0
        assert plain[fam]["log_loss"] != with_prior[fam]["log_loss"]
        # the baselines do not use the prior
        assert plain[fam]["log_loss_league"] == with_prior[fam]["log_loss_league"]
    # prior files that run into the evaluated days are cut at the first of them
    assert main([*argv, *prior(dt.date(2024, 4, 10))]) == 0
    cut = json.loads(capsys.readouterr().out)["default-prior"]["families"]
    assert main([*argv, *prior(dt.date(2024, 4, 12))]) == 0
    overlapping = json.loads(capsys.readouterr().out)["default-prior"]["families"]
    assert cut == overlapping


def test_prior_flags_must_go_together(
    data_file: DataFile, capsys: pytest.CaptureFixture[str]
) -> None:
    files = _files(data_file, dt.date(2024, 4, 8), dt.date(2024, 4, 9))
    argv = ["backtest", *files, "--start", "2024-04-09", "--end", "2024-04-09"]
    assert main([*argv, "--model", "default-prior"]) == 2
    assert "needs --prior-statcast" in capsys.readouterr().err
    assert main([*argv, "--prior-statcast", files[1]]) == 2
    assert "used only by --model default-prior" in capsys.readouterr().err
    prior = ["--prior-statcast", files[1], "--model", "default-prior"]
    assert main([*argv, *prior, "--prior-weight", "1.5"]) == 2
    assert "--prior-weight" in capsys.readouterr().err


def test_props_lines_of_another_day_refused_then_forced_loudly(
    data_file: DataFile, capsys: pytest.CaptureFixture[str]
) -> None:
    files = _files(data_file, dt.date(2024, 5, 18), dt.date(2024, 5, 20))
    lines = str(data_file("markets/prizepicks/projections_all_leagues_2024-06-10.json"))
    people = str(data_file("chadwick/people_mlbam_mlb2015plus.csv"))
    argv = ["props", "--date", "2024-05-20", *files, "--lines", lines, "--people", people]
    assert main([*argv, "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "2024-06-10 (906 lines), not for the slate's day 2024-05-20" in captured.err
    with pytest.warns(OtherDayLinesWarning, match="906 market lines of other days"):
        assert main([*argv, "--json", "--allow-other-day-lines"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows
    assert {r["line_source"] for r in rows} == {"prizepicks"}  # --lines: market-priced only


def test_props_include_model_lines(data_file: DataFile, capsys: pytest.CaptureFixture[str]) -> None:
    files = _files(data_file, dt.date(2024, 6, 8), dt.date(2024, 6, 10))
    lines = str(data_file("markets/prizepicks/projections_all_leagues_2024-06-10.json"))
    people = str(data_file("chadwick/people_mlbam_mlb2015plus.csv"))
    argv = ["props", "--date", "2024-06-10", *files, "--lines", lines, "--people", people]
    assert main([*argv, "--json"]) == 0
    market = json.loads(capsys.readouterr().out)
    assert main([*argv, "--json", "--include-model-lines"]) == 0
    both = json.loads(capsys.readouterr().out)
    assert {r["line_source"] for r in market} == {"prizepicks"}
    assert {r["line_source"] for r in both} == {"prizepicks", "model"}
    assert [r for r in both if r["line_source"] == "prizepicks"] == market
    ids = [r["line_id"] for r in market]
    assert len(ids) == len(set(ids))  # each projection priced once


def test_backtest_range_without_games_is_an_error(
    data_file: DataFile, capsys: pytest.CaptureFixture[str]
) -> None:
    files = _files(data_file, dt.date(2024, 4, 8), dt.date(2024, 4, 9))
    argv = ["backtest", *files, "--start", "2025-05-01", "--end", "2025-05-03", "--json"]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "no game day in 2025-05-01..2025-05-03" in captured.err
    assert "covers 2024-04-08..2024-04-09" in captured.err


def test_an_unreachable_service_suggests_the_offline_flags(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    refused = SourceConnectionError("ConnectError: [Errno 111] Connection refused", source="savant")
    failed = AllFailedError(
        "[savant] every day failed", source="savant", errors={1: refused}, root_cause=refused
    )

    def fail(args: object) -> object:
        raise failed

    monkeypatch.setattr(cli, "_run_props_online", fail)
    assert main(["props", "--date", "2024-06-10"]) == 2
    err = capsys.readouterr().err
    assert "every day failed" in err
    assert "pass --statcast PATH (and --lines FILE" in err

    def other(args: object) -> object:
        raise SavantError("not a network problem")

    monkeypatch.setattr(cli, "_run_props_online", other)
    assert main(["props", "--date", "2024-06-10"]) == 2
    assert "--statcast" not in capsys.readouterr().err

"""``ingest_statcast_files``: a bad file is named in its error, or skipped with a warning."""

from __future__ import annotations

import gzip
import shutil
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

from savantsdk._cli import main
from savantsdk.exceptions import (
    AllFailedError,
    ConfigurationError,
    PartialResultWarning,
    SourceDecodeError,
)
from savantsdk.sources import ingest_statcast, ingest_statcast_files

DataFile = Callable[[str], Path]
DAYS = ("2024-06-08", "2024-06-09", "2024-06-10")


@pytest.fixture
def season(data_file: DataFile, tmp_path: Path) -> Path:
    """Three real days, the middle one truncated mid-stream as a cut download would be."""
    folder = tmp_path / "2024"
    folder.mkdir()
    for day in DAYS:
        shutil.copy(data_file(f"statcast/2024/sc_{day}.csv.gz"), folder / f"sc_{day}.csv.gz")
    bad = folder / "sc_2024-06-09.csv.gz"
    bad.write_bytes(bad.read_bytes()[:50_000])
    (folder / "MANIFEST.csv").write_text("file,rows\n")  # not a day: never read
    return folder


def test_a_bad_file_is_named(season: Path) -> None:
    bad = season / "sc_2024-06-09.csv.gz"
    with pytest.raises(SourceDecodeError) as info:
        ingest_statcast(bad)
    assert str(bad) in str(info.value)
    assert "truncated" in str(info.value)
    with pytest.raises(SourceDecodeError) as info2:
        ingest_statcast_files(season)
    assert str(bad) in str(info2.value)


def test_skip_bad_files_keeps_the_others(season: Path) -> None:
    whole = {
        d: len(ingest_statcast(season / f"sc_{d}.csv.gz")) for d in ("2024-06-08", "2024-06-10")
    }
    with pytest.warns(PartialResultWarning, match=r"skipped 1 of 3 .*sc_2024-06-09\.csv\.gz"):
        pas = ingest_statcast_files(season, skip_bad_files=True)
    assert len(pas) == sum(whole.values())
    assert sorted({str(d) for d in pas.game_date.tolist()}) == ["2024-06-08", "2024-06-10"]


def test_skip_bad_files_with_no_good_file_raises(season: Path) -> None:
    bad = season / "sc_2024-06-09.csv.gz"
    with pytest.raises(AllFailedError) as info:
        ingest_statcast_files([bad], skip_bad_files=True)
    assert list(info.value.errors) == [str(bad)]
    assert isinstance(info.value.root_cause, SourceDecodeError)


def test_paths_that_hold_no_statcast(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="no such file"):
        ingest_statcast_files(tmp_path / "missing")
    with pytest.raises(ConfigurationError, match=r"no \.csv or \.csv\.gz"):
        ingest_statcast_files(tmp_path)


def test_plain_csv_and_gzip_read_the_same(data_file: DataFile, tmp_path: Path) -> None:
    gz = data_file("statcast/2024/sc_2024-06-10.csv.gz")
    plain = tmp_path / "sc_2024-06-10.csv"
    plain.write_bytes(gzip.decompress(gz.read_bytes()))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(ingest_statcast_files([plain])) == len(ingest_statcast_files([gz]))


def test_cli_backtest_skip_bad_files(season: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["backtest", "--statcast", str(season), "--start", "2024-06-10", "--end", "2024-06-10"]
    assert main([*argv, "--json"]) == 2
    err = capsys.readouterr().err
    assert "sc_2024-06-09.csv.gz" in err
    assert "truncated" in err
    assert main([*argv, "--json", "--skip-bad-files"]) == 0
    captured = capsys.readouterr()
    assert "warning: skipped 1 of 3 Statcast file(s)" in captured.err
    assert "sc_2024-06-09.csv.gz" in captured.err
    assert captured.out.strip().startswith("{")

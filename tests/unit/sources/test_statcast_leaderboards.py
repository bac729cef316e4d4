"""Savant leaderboard CSV parsing on small inline payloads (no I/O)."""

from __future__ import annotations

import gzip

import pytest

from savantsdk._http import is_retryable
from savantsdk.exceptions import SourceDecodeError, SourceServerError
from savantsdk.sources._leaderboards import (
    parse_custom_leaderboard,
    parse_expected_statistics,
    parse_percentile_rankings,
)

QUOTED = (
    '\ufeff"last_name, first_name","player_id","year","pa","ba","est_ba","new_col"\n'
    '"Acuña Jr., Ronald","660670","2023","735",0.337,0.357,"x"\n'
).encode()
UNQUOTED = (
    b"last_name, first_name,player_id,year,pa,ba,est_ba\n"
    b"Fletcher, David,664058,2020,116,.304,.283\n"
)


@pytest.mark.parametrize("payload", [QUOTED, UNQUOTED, gzip.compress(QUOTED)])
def test_both_name_layouts(payload: bytes) -> None:
    (row,) = parse_expected_statistics(payload)
    assert row.player_id in {660670, 664058}
    assert row.last_name in {"Acuña Jr.", "Fletcher"}
    assert row.first_name in {"Ronald", "David"}
    assert row.ba in {0.337, 0.304}


def test_unknown_columns_go_to_extra() -> None:
    (row,) = parse_expected_statistics(QUOTED)
    assert row.extra == {"new_col": "x"}
    assert row.est_ba == 0.357
    assert row.bip is None  # absent column -> default


def test_blank_percentile_is_none() -> None:
    data = (
        b'"player_name","player_id","year",xwoba,max_ev\n"Moore, Christian","695681","2025",,80\n'
    )
    (row,) = parse_percentile_rankings(data)
    assert (row.last_name, row.first_name, row.xwoba, row.max_ev) == (
        "Moore",
        "Christian",
        None,
        80,
    )


def test_custom_numeric_columns_in_stats() -> None:
    data = (
        b'"last_name, first_name","player_id","year","woba","team"\n'
        b'"Hoskins, Rhys",656555,2024,".313","MIL"\n'
    )
    (row,) = parse_custom_leaderboard(data)
    assert row.stats == {"woba": 0.313}
    assert row.extra == {"team": "MIL"}


def test_faults() -> None:
    with pytest.raises(SourceDecodeError, match="HTML"):
        parse_expected_statistics(b"<html><body>oops</body></html>")
    with pytest.raises(SourceDecodeError, match="player_id"):
        parse_expected_statistics(b"last_name,year\nX,2020\n")
    with pytest.raises(SourceDecodeError, match="line 2"):
        parse_expected_statistics(b"player_id,year,pa\n12,2020\n")
    with pytest.raises(SourceDecodeError, match=r"line 2.*MLBAM"):
        parse_expected_statistics(b"player_id,year\nabc,2020\n")
    with pytest.raises(SourceDecodeError, match=r"line 2.*MLBAM"):  # isdigit() but not int()
        parse_expected_statistics("player_id,year\n\u00b2,2020\n".encode())
    with pytest.raises(SourceDecodeError, match=r"line 2.*ExpectedStatsRow"):
        parse_expected_statistics(b"player_id,pa\n12,many\n")
    with pytest.raises(SourceServerError) as info:
        parse_expected_statistics(b"error\nQuery Timeout\n")
    assert is_retryable(info.value)
    assert parse_expected_statistics(b"") == []

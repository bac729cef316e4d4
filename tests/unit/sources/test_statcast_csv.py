"""Statcast CSV reader: layouts, nulls, duplicate headers and every fault path (no I/O)."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from savantsdk._http import is_retryable
from savantsdk.exceptions import SourceDecodeError, SourceServerError
from savantsdk.sources._statcast_csv import (
    REQUIRED_COLUMNS,
    canonical_names,
    parse_statcast_csv,
    read_statcast_csv,
)
from savantsdk.sources._statcast_models import StatcastTable, looks_truncated

HEADER = [
    "pitch_type",
    "game_date",
    "release_speed",
    "player_name",
    "batter",
    "pitcher",
    "events",
    "description",
    "des",
    "stand",
    "p_throws",
    "home_team",
    "away_team",
    "on_1b",
    "outs_when_up",
    "inning",
    "inning_topbot",
    "game_pk",
    "pitcher",
    "at_bat_number",
    "pitch_number",
]


def row(**kw: object) -> list[str]:
    base: dict[str, object] = {
        "pitch_type": "FF",
        "game_date": "2024-06-17",
        "release_speed": "95.1",
        "player_name": "Witt Jr., Bobby",
        "batter": 677951,
        "pitcher": 656302,
        "events": "",
        "description": "ball",
        "des": "",
        "stand": "R",
        "p_throws": "L",
        "home_team": "KC",
        "away_team": "MIN",
        "on_1b": "",
        "outs_when_up": 0,
        "inning": 1,
        "inning_topbot": "Top",
        "game_pk": 746000,
        "at_bat_number": 1,
        "pitch_number": 1,
    }
    base.update(kw)
    return [str(base[h]) for h in HEADER]


def to_csv(rows: list[list[str]], header: list[str] = HEADER, *, quote_all: bool = False) -> bytes:
    out = io.StringIO()
    quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    w = csv.writer(out, quoting=quoting, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue().encode()


def test_parses_by_name_with_typed_columns() -> None:
    data = to_csv(
        [
            row(events="single", des='Witt singles, "sharply" to left.'),
            row(release_speed="NA", on_1b="677951", pitch_number=2),
        ]
    )
    table = parse_statcast_csv(data, source_day=dt.date(2024, 6, 17))
    assert table.rows == 2
    assert table.source_day == dt.date(2024, 6, 17)
    assert table.column("release_speed").kind == "float"
    assert table.column("release_speed")[0] == 95.1
    assert table.column("release_speed")[1] is None
    assert math.isnan(table.column("release_speed").values[1])
    assert table.column("batter").values.dtype == np.int64
    assert table.column("on_1b").to_list() == [None, 677951]
    assert table.column("game_date")[0] == dt.date(2024, 6, 17)
    assert table.column("player_name")[0] == "Witt Jr., Bobby"
    assert table.column("des")[0] == 'Witt singles, "sharply" to left.'
    assert table.column("events").to_list() == ["single", None]
    assert "pitcher_1" in table.columns  # the raw duplicate got a canonical name
    assert table.row(0)["pitcher_1"] == 656302


def test_bom_quoted_numbers_null_literals_and_crlf() -> None:
    body = to_csv([row(release_speed="null", on_1b="null"), row()], quote_all=True)
    data = b"\xef\xbb\xbf" + body.replace(b"\n", b"\r\n")
    table = parse_statcast_csv(data)
    assert table.columns[0] == "pitch_type"
    assert table.column("release_speed").to_list() == [None, 95.1]
    assert table.column("on_1b").to_list() == [None, None]
    assert table.column("pitch_number").to_list() == [1, 1]  # last column, CR stripped


def test_gzip_detected_by_magic_bytes_and_file_objects() -> None:
    data = to_csv([row()])
    table = read_statcast_csv(io.BytesIO(gzip.compress(data)))
    assert table.rows == 1
    assert read_statcast_csv(data).rows == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            ["pitcher", "fielder_2", "pitcher", "fielder_2"],
            ("pitcher", "fielder_2", "pitcher_1", "fielder_2_1"),
        ),
        (
            ["pitcher", "pitcher.1", "fielder_2", "fielder_2.1"],
            ("pitcher", "pitcher_1", "fielder_2", "fielder_2_1"),
        ),
        (["pitcher", "pitcher_1", "fielder_2_1"], ("pitcher", "pitcher_1", "fielder_2_1")),
        (["a", "a", "a", " "], ("a", "a_1", "a_2", "unnamed_3")),
    ],
)  # fmt: skip
def test_duplicate_headers_normalised(raw: list[str], expected: tuple[str, ...]) -> None:
    assert canonical_names(raw) == expected


def test_unknown_columns_are_kept_and_typed() -> None:
    header = [*HEADER, "arm_angle_v2", "new_flag"]
    data = to_csv([[*row(), "41.5", "yes"], [*row(), "", "no"]], header)
    table = parse_statcast_csv(data)
    assert table.column("arm_angle_v2").kind == "float"
    assert table.column("arm_angle_v2").to_list() == [41.5, None]
    assert table.column("new_flag").to_list() == ["yes", "no"]


def test_html_instead_of_csv() -> None:
    page = b"<!DOCTYPE html><html><body>Service Unavailable</body></html>"
    with pytest.raises(SourceDecodeError, match="HTML") as info:
        parse_statcast_csv(page)
    assert info.value.source == "savant"
    assert not is_retryable(info.value)


def test_error_csv_is_a_retryable_server_error() -> None:
    data = b'error\n"Error: Query Timeout. Please try to limit your query to less data."\n'
    with pytest.raises(SourceServerError, match="Query Timeout") as info:
        parse_statcast_csv(data)
    assert info.value.status_code == 200
    assert "Query Timeout" in info.value.body
    assert info.value.source == "savant"
    assert is_retryable(info.value)


def test_truncated_gzip() -> None:
    blob = gzip.compress(to_csv([row() for _ in range(200)]))
    with pytest.raises(SourceDecodeError, match="gzip"):
        parse_statcast_csv(blob[: len(blob) // 2])


def test_short_row_names_the_line() -> None:
    data = to_csv([row(), row()]) + b"FF,2024-06-17,95.0\n"
    with pytest.raises(SourceDecodeError, match=r"row 3 \(line 4\) has 3 fields"):
        parse_statcast_csv(data)


def test_truncated_inside_a_quoted_field() -> None:
    data = to_csv([row()]) + b'FF,2024-06-17,95.0,"Witt Jr'
    with pytest.raises(SourceDecodeError, match="unterminated"):
        parse_statcast_csv(data)


def test_missing_required_column_is_named() -> None:
    header = [h for h in HEADER if h != "at_bat_number"]
    data = to_csv([[v for h, v in zip(HEADER, row(), strict=True) if h != "at_bat_number"]], header)
    with pytest.raises(SourceDecodeError, match="at_bat_number"):
        parse_statcast_csv(data)


@pytest.mark.parametrize("newline", [b"\n", b"\r\n"])
def test_bad_number_in_known_column_names_row_and_line(newline: bytes) -> None:
    data = to_csv([row(), row(), row(release_speed="fast")]).replace(b"\n", newline)
    with pytest.raises(SourceDecodeError, match=r"'release_speed' row 3 \(line 4\)"):
        parse_statcast_csv(data)


def test_empty_payload_and_header_only() -> None:
    assert parse_statcast_csv(b"").rows == 0
    table = parse_statcast_csv(to_csv([]))
    assert table.rows == 0
    assert set(REQUIRED_COLUMNS) <= set(table.columns)


def test_blank_trailing_lines_are_ignored() -> None:
    assert parse_statcast_csv(to_csv([row()]) + b"\n\n").rows == 1
    crlf = to_csv([row(), row()]).replace(b"\n", b"\r\n") + b"\r\n"
    assert parse_statcast_csv(crlf).column("pitch_number").to_list() == [1, 1]


def test_large_inputs_are_gathered_in_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    from savantsdk.sources import _statcast_csv

    monkeypatch.setattr(_statcast_csv, "_CHUNK", 2)
    rows = [
        row(batter=n, player_name=f"Player {n}, X", events="walk" if n % 2 else "")
        for n in range(7)
    ]
    table = parse_statcast_csv(to_csv(rows))
    assert table.column("batter").to_list() == list(range(7))
    assert table.column("player_name")[6] == "Player 6, X"
    assert table.column("events").to_list() == [None, "walk"] * 3 + [None]


def test_columns_subset_and_filters() -> None:
    data = to_csv(
        [
            row(game_pk=1, batter=10, game_date="2024-06-16", events="walk"),
            row(game_pk=2, batter=11, game_date="2024-06-17"),
            row(game_pk=2, batter=12, game_date="2024-06-18", events="strikeout"),
        ]
    )
    table = parse_statcast_csv(data, columns=["game_pk", "batter", "game_date", "events"])
    assert table.columns == ("game_date", "batter", "events", "game_pk")  # file order
    assert table.filter_games([2]).column("batter").to_list() == [11, 12]
    assert table.filter_dates(dt.date(2024, 6, 17), dt.date(2024, 6, 30)).rows == 2
    assert table.filter_players(batters=[10]).rows == 1
    assert table.filter_events().column("events").to_list() == ["walk", "strikeout"]
    assert table.game_pks() == [1, 2]
    assert table.date_range() == (dt.date(2024, 6, 16), dt.date(2024, 6, 18))
    both = StatcastTable.concat([table, table.filter_games([1])])
    assert both.rows == 4


def test_lazy_tables_decode_on_access() -> None:
    data = to_csv([row(release_speed="93.5", on_1b="NA"), row(release_speed="fast")])
    table = parse_statcast_csv(data, lazy=True)  # structure checked, values not yet
    assert table.rows == 2
    assert "release_speed" in table
    assert table.column("on_1b").to_list() == [None, None]
    assert len(table.columns) == len(HEADER)
    with pytest.raises(SourceDecodeError, match="release_speed"):
        table.column("release_speed")
    with pytest.raises(SourceDecodeError, match="release_speed"):
        parse_statcast_csv(data)  # eager mode fails at parse time


def test_looks_truncated() -> None:
    table = parse_statcast_csv(to_csv([row(game_date="2024-06-17"), row(game_date="2024-06-18")]))
    assert looks_truncated(table, dt.date(2024, 6, 17), cap=2)
    assert not looks_truncated(table, dt.date(2024, 6, 17), cap=25_000)
    assert looks_truncated(table, dt.date(2024, 6, 16), cap=25_000)  # starts after the request
    assert not looks_truncated(parse_statcast_csv(b""), dt.date(2024, 6, 16), cap=1)


_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"),
    max_size=30,
).filter(lambda s: s.strip() not in {"", "NA", "null", "NULL", "NaN", "nan"})


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(_text, st.integers(0, 10**9), st.one_of(st.none(), st.floats(-1e6, 1e6))),
        max_size=20,
    )
)
def test_round_trip_any_text_ints_floats(records: list[tuple[str, int, float | None]]) -> None:
    """Whatever csv.writer produces (quotes, commas, newlines in text) parses back exactly."""
    rows = [
        row(des=text, batter=num, release_speed="" if f is None else repr(f))
        for text, num, f in records
    ]
    table = parse_statcast_csv(to_csv(rows))
    assert table.rows == len(records)
    assert table.column("des").to_list() == [t for t, _, _ in records]
    assert table.column("batter").to_list() == [n for _, n, _ in records]
    assert table.column("release_speed").to_list() == [f for _, _, f in records]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(_text, st.integers(0, 10**9)), min_size=1, max_size=8),
    st.integers(1, 64),
    st.booleans(),
)
def test_separator_scan_blocks_split_quoted_fields_anywhere(
    records: list[tuple[str, int]], block: int, quote_all: bool
) -> None:
    """The separator scan works in blocks; a quoted field (commas, newlines, escaped quotes)
    cut by a block boundary at any byte parses exactly as with one block."""
    from savantsdk.sources import _statcast_csv

    payload = to_csv([row(des=t, batter=n) for t, n in records], quote_all=quote_all)
    whole = parse_statcast_csv(payload)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_statcast_csv, "_SCAN_BLOCK", block)
        blocked = parse_statcast_csv(payload)
    assert blocked.column("des").to_list() == [t for t, _ in records]
    assert blocked.column("batter").to_list() == [n for _, n in records]
    assert blocked.column("player_name").to_list() == whole.column("player_name").to_list()


def test_unterminated_quote_is_caught_across_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    from savantsdk.sources import _statcast_csv

    monkeypatch.setattr(_statcast_csv, "_SCAN_BLOCK", 5)
    payload = to_csv([row(des="a, b")]) + b'FF,"open'
    with pytest.raises(SourceDecodeError, match="unterminated quoted field"):
        parse_statcast_csv(payload)

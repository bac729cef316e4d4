"""The shared parsing helpers (``savantsdk.sources._parse``): coercions and decode errors."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import example, given, strategies as st

from savantsdk.exceptions import SourceDecodeError
from savantsdk.sources import innings_to_outs, outs_to_innings
from savantsdk.sources._parse import (
    camel,
    decode_json,
    expect_dict,
    expect_list,
    innings_value,
    to_bool,
    to_date,
    to_datetime,
    to_float,
    to_int,
    to_str,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (".263", 0.263),
        ("1.000", 1.0),
        ("-.--", None),
        (".---", None),
        ("", None),
        ("  ", None),
        (None, None),
        ("abc", None),
        ("12", 12.0),
        (3, 3.0),
        (2.5, 2.5),
        (True, None),
        ("nan", None),
        ("inf", None),
        ({"x": 1}, None),
    ],
)
def test_to_float(value: object, expected: float | None) -> None:
    assert to_float(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), (12, 12), (12.0, 12), ("12.5", None), ("-.--", None), (None, None), (False, None)],
)
def test_to_int(value: object, expected: int | None) -> None:
    assert to_int(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("6.1", 19), ("6.2", 20), ("6.0", 18), ("0.1", 1), ("0.0", 0), ("7", 21), (7, 21),
     (6.1, 19), ("166.0", 498), ("6.5", None), ("-.--", None), ("", None), (".1", None),
     (None, None), ("-1.0", None), (True, None)],
)  # fmt: skip
def test_innings_to_outs(value: object, expected: int | None) -> None:
    assert innings_to_outs(value) == expected


@given(whole=st.integers(min_value=0, max_value=400), thirds=st.integers(min_value=0, max_value=2))
def test_innings_notation_property(whole: int, thirds: int) -> None:
    text = f"{whole}.{thirds}"
    outs = innings_to_outs(text)
    assert outs == whole * 3 + thirds
    assert innings_value(text) == pytest.approx(outs_to_innings(outs))
    # numbers are taken as true innings (what this SDK serializes), so they round-trip
    assert innings_value(innings_value(text)) == innings_value(text)


@given(st.text())
@example("²")  # str.isdigit() is True for it, int() refuses it
def test_coercions_never_raise_on_text(text: str) -> None:
    for fn in (to_float, to_int, to_bool, to_date, to_datetime, to_str, innings_to_outs):
        fn(text)
    innings_value(text)


def test_to_bool() -> None:
    assert [to_bool(v) for v in (True, "Y", "n", "true", 0, "maybe", None)] == [
        True, True, False, True, False, None, None,
    ]  # fmt: skip


def test_to_datetime_forms() -> None:
    assert to_datetime("2024-07-13T01:40:00Z") == datetime(2024, 7, 13, 1, 40, tzinfo=UTC)
    aware = to_datetime("2024-06-10T18:50:00-04:00")
    assert aware == datetime(2024, 6, 10, 22, 50, tzinfo=UTC)
    assert aware is not None
    assert aware.utcoffset() == timedelta(hours=-4)
    assert to_datetime("20240713_041909") == datetime(2024, 7, 13, 4, 19, 9, tzinfo=UTC)
    assert to_datetime("2017-04-06T17:10:00+00:00") == datetime(2017, 4, 6, 17, 10, tzinfo=UTC)
    assert to_datetime("2024-07-13T01:40:00") == datetime(2024, 7, 13, 1, 40, tzinfo=UTC)
    assert to_datetime(0) == datetime(1970, 1, 1, tzinfo=UTC)
    assert to_datetime("yesterday") is None
    tz = timezone(timedelta(hours=2))
    assert to_datetime(datetime(2024, 1, 1, tzinfo=tz)) == datetime(2024, 1, 1, tzinfo=tz)


def test_to_date_and_str() -> None:
    assert to_date("2024-07-01") == date(2024, 7, 1)
    assert to_date("2024-07-01T19:07:00Z") == date(2024, 7, 1)
    assert to_date("07/01/2024") is None
    assert to_str(5) == "5"
    assert to_str([1]) is None


def test_camel() -> None:
    assert camel("at_bat_index") == "atBatIndex"
    assert camel("rbi") == "rbi"
    assert camel("start_time_tbd") == "startTimeTbd"


def test_decode_json_errors_name_source_and_expectation() -> None:
    with pytest.raises(SourceDecodeError) as info:
        decode_json(b"<html>", source="prizepicks", expected="projections object")
    assert info.value.source == "prizepicks"
    assert "expected projections object" in str(info.value)
    assert "HTML" in str(info.value)
    with pytest.raises(SourceDecodeError, match="truncated"):
        decode_json(b'{"a": [1, 2', source="statsapi", expected="x")
    with pytest.raises(SourceDecodeError, match="empty"):
        decode_json(b"", source="statsapi", expected="x")
    assert decode_json(b'\xef\xbb\xbf{"a": 1}', source="s", expected="x") == {"a": 1}
    assert decode_json('{"a": 1}', source="s", expected="x") == {"a": 1}


def test_expect_helpers() -> None:
    assert expect_dict({}, source="s", path="$") == {}
    assert expect_list([], source="s", path="$") == []
    with pytest.raises(SourceDecodeError, match=r"expected object at \$\.x, got list"):
        expect_dict([], source="s", path="$.x")
    with pytest.raises(SourceDecodeError, match=r"got null"):
        expect_list(None, source="s", path="$.y")

"""Entry format: round trips, compression recorded in the header, corruption is detected."""

from __future__ import annotations

import pickle
import struct
from datetime import date

import attrs
import pytest
from hypothesis import given, strategies as st

from savantsdk.cache._codec import (
    CODEC_RAW,
    CODEC_ZLIB,
    HEADER_SIZE,
    CorruptEntryError,
    decode,
    encode,
    peek_header,
)


@attrs.frozen
class Pitch:
    pitcher: int
    game_date: date
    velo: float | None


def test_round_trip_attrs_model_with_header_fields() -> None:
    value = [Pitch(592450, date(2024, 6, 10), 97.1), Pitch(1, date(2024, 6, 11), None)]
    raw = encode(
        value, stored_at=10.0, soft_expires_at=20.0, hard_expires_at=30.0, type_tag="list[Pitch]"
    )
    header, back = decode(raw, list[Pitch])
    assert back == value
    assert (header.codec, header.stored_at, header.soft_expires_at) == (CODEC_RAW, 10.0, 20.0)
    assert (header.hard_expires_at, header.type_tag) == (30.0, "list[Pitch]")


def test_large_values_are_compressed_and_say_so() -> None:
    value = {"rows": [{"pitch_type": "FF", "release_speed": 95.5, "i": i} for i in range(2000)]}
    raw = encode(value, stored_at=0.0, compress_min_bytes=1024)
    header = peek_header(raw)
    assert header.codec == CODEC_ZLIB
    assert len(raw) < len(encode(value, stored_at=0.0, compress_min_bytes=None)) / 3
    assert decode(raw)[1] == value
    small = encode({"a": 1}, stored_at=0.0, compress_min_bytes=1024)
    assert peek_header(small).codec == CODEC_RAW


@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers(-(2**53), 2**53)
        | st.text()
        | st.floats(allow_nan=False, allow_infinity=False),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=20,
    ),
    st.sampled_from([None, 0, 64]),
)
def test_json_values_round_trip(value: object, threshold: int | None) -> None:
    raw = encode(value, stored_at=1.0, compress_min_bytes=threshold)
    assert decode(raw)[1] == value


GOOD = encode({"player": 592450}, stored_at=1.0, type_tag="t")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "truncated header"),
        (GOOD[: HEADER_SIZE - 1], "truncated header"),
        (GOOD[:-1], "length mismatch"),
        (GOOD + b"x", "length mismatch"),
        (b'{"player": 592450}' + b" " * 40, "bad magic"),
        (pickle.dumps({"player": 592450}) + b" " * 40, "bad magic"),
        (GOOD[:3] + bytes([9]) + GOOD[4:], "format version"),
        (GOOD[:4] + bytes([7]) + GOOD[5:], "unknown codec"),
        (GOOD[:-2] + b"!!", "checksum"),
    ],
)
def test_corrupt_and_foreign_entries_are_detected(raw: bytes, reason: str) -> None:
    with pytest.raises(CorruptEntryError, match=reason):
        decode(raw)


def test_valid_header_but_undecodable_payload() -> None:
    import zlib

    payload = b"not json"
    header = struct.pack(
        "<3sBBBHdddII", b"\xa7SV", 1, 0, 0, 0, 0.0, 0.0, 0.0, len(payload), zlib.crc32(payload)
    )
    with pytest.raises(CorruptEntryError, match="undecodable"):
        decode(header + payload)
    # a well-formed entry whose shape does not fit the requested type
    with pytest.raises(CorruptEntryError, match="undecodable"):
        decode(encode({"x": 1}, stored_at=0.0), Pitch)


def test_zstd_entries_round_trip_and_are_labelled() -> None:
    pytest.importorskip("zstandard")
    from savantsdk.cache._codec import CODEC_ZSTD

    value = {"rows": [{"pitch_type": "SL", "spin": 2400 + i % 50} for i in range(3000)]}
    raw = encode(value, stored_at=0.0, compress_min_bytes=1024, compression="zstd")
    assert peek_header(raw).codec == CODEC_ZSTD
    assert decode(raw)[1] == value
    import zlib

    # right checksum over a payload that is not a zstd frame
    junk = b"not zstd at all"
    header = struct.pack(
        "<3sBBBHdddII", b"\xa7SV", 1, CODEC_ZSTD, 0, 0, 0.0, 0.0, 0.0, len(junk),
        zlib.crc32(junk),
    )  # fmt: skip
    with pytest.raises(CorruptEntryError, match="undecodable"):
        decode(header + junk)

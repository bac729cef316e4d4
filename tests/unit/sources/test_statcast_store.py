"""Settled Statcast days cached as binary columnar tables (``sources._statcast_store``): exact
round trips of real days, the Savant client's table entries beside the text ones (old
text-only entries, another parser version, a corrupt table entry), and bad blobs of every
shape giving a typed error, never a crash (fuzzed in a child process)."""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import zlib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from savantsdk._client import AsyncClient
from savantsdk._clock import FakeClock
from savantsdk.cache import Cache, DiskCache, cache_key
from savantsdk.cache._codec import decode, encode
from savantsdk.sources import (
    SavantClient,
    StatcastTable,
    _savant as savant_module,
    _statcast_store as store,
    parse_statcast_csv,
)
from savantsdk.sources._statcast_models import StatcastColumn
from savantsdk.sources._statcast_store import StatcastDayEntry, StoredDayError, load_day
from savantsdk.testing import no_backoff

ROOT = Path(__file__).resolve().parents[3]
DAY1, DAY2 = date(2024, 3, 28), date(2024, 3, 29)
ROWS = {DAY1: 3790, DAY2: 2930}  # MANIFEST.csv
JULY = datetime(2024, 7, 1, tzinfo=UTC).timestamp()


def _day_csv(shared_data: Path, day: date) -> bytes:
    return gzip.decompress(
        (shared_data / f"statcast/2024/sc_{day.isoformat()}.csv.gz").read_bytes()
    )


def assert_same_table(a: StatcastTable, b: StatcastTable) -> None:
    assert (a.columns, a.rows, a.source_day) == (b.columns, b.rows, b.source_day)
    for name in a.columns:
        x, y = a.column(name), b.column(name)
        assert (x.kind, x.values.dtype, x.missing.dtype) == (
            y.kind,
            y.values.dtype,
            y.missing.dtype,
        )
        assert np.array_equal(x.missing, y.missing), name
        if x.kind == "float":
            assert np.array_equal(x.values, y.values, equal_nan=True), name
        elif x.kind == "date":
            assert np.array_equal(x.values.view(np.int64), y.values.view(np.int64)), name
        else:
            assert x.values.tolist() == y.values.tolist(), name


def test_a_real_day_round_trips_exactly_and_smaller_than_its_text(shared_data: Path) -> None:
    raw = _day_csv(shared_data, DAY1)
    table = parse_statcast_csv(raw, source_day=DAY1)
    entry = StatcastDayEntry.from_table(table, 1234.5)
    blob = entry.dump()
    back = load_day(memoryview(blob))
    assert (back.rows, back.fetched_at, back.stale_parser) == (ROWS[DAY1], 1234.5, False)
    got = back.table
    assert got is not None
    assert_same_table(table, got)
    assert got.row(0)["release_speed"] == 93.0
    assert got.row(0)["game_pk"] == 745445
    assert got.column("release_speed").values.flags.writeable  # like a parsed table's
    assert len(blob) < len(zlib.compress(raw, 1))  # smaller than the compressed text
    # through the package codec: flag bit 0, read back as the entry type
    header, value = decode(encode(entry, stored_at=1.0), StatcastDayEntry)
    assert header.flags == 1
    assert isinstance(value, StatcastDayEntry)
    assert value.table is not None
    assert_same_table(table, value.table)


def test_edge_values_round_trip() -> None:
    rows = 5
    missing = np.array([False, True, False, False, True])
    cols = {
        "big": StatcastColumn(
            "big",
            "int",
            np.array([2**62, 0, -(2**62), 7, 0], dtype=np.int64),
            missing,
        ),
        "small": StatcastColumn("small", "int", np.array([0, 0, 1, -1, 0]), missing),
        "speed": StatcastColumn(
            "speed",
            "float",
            np.array([93.2, np.nan, -0.0, 1e-300, np.nan]),
            np.isnan([1.0, np.nan, 0, 0, np.nan]),
        ),
        "game_date": StatcastColumn(
            "game_date",
            "date",
            np.array(
                ["2024-03-28", "NaT", "1970-01-01", "2024-12-31", "NaT"], dtype="datetime64[D]"
            ),
            np.array([False, True, False, False, True]),
        ),
        "des": StatcastColumn(
            "des",
            "str",
            np.array(
                ['Ohtani "Shohei"', None, "", "Acuña Jr. ⚾", 'Ohtani "Shohei"'], dtype=object
            ),
            np.array([False, True, False, False, False]),
        ),
        "none_at_all": StatcastColumn(
            "none_at_all", "str", np.array([None] * rows, dtype=object), np.ones(rows, dtype=bool)
        ),
    }
    table = StatcastTable(cols, rows, DAY2)
    back = load_day(memoryview(StatcastDayEntry.from_table(table, 0.0).dump())).table
    assert back is not None
    assert_same_table(table, back)
    assert back.column("des").to_list() == [
        'Ohtani "Shohei"',
        None,
        "",
        "Acuña Jr. ⚾",
        'Ohtani "Shohei"',
    ]
    assert back.column("big")[0] == 2**62
    empty = load_day(memoryview(StatcastDayEntry.from_table(StatcastTable({}, 0), 0.0).dump()))
    assert empty.table is not None
    assert (empty.table.rows, empty.table.columns) == (0, ())


def test_a_str_column_holding_a_number_is_refused() -> None:
    col = StatcastColumn("x", "str", np.array([1.5], dtype=object), np.zeros(1, dtype=bool))
    with pytest.raises(StoredDayError, match="holds a float"):
        StatcastDayEntry.from_table(StatcastTable({"x": col}, 1), 0.0)


def _rebuild(blob: bytes, edit_meta: Any = None, edit_block: Any = None) -> bytes:
    """Re-encode ``blob`` with its directory and/or inflated block edited (lengths fixed up)."""
    prefix = store._PREFIX
    magic, version, parser, fetched, meta_len = prefix.unpack_from(blob)
    meta = json.loads(blob[prefix.size : prefix.size + meta_len])
    block = bytearray(zlib.decompress(blob[prefix.size + meta_len :]))
    if edit_block is not None:
        edit_block(meta, block)
    zblock = zlib.compress(bytes(block), 1)
    meta["block"] = [len(zblock), len(block)]
    if edit_meta is not None:
        edit_meta(meta)
    body = json.dumps(meta).encode()
    return prefix.pack(magic, version, parser, fetched, len(body)) + body + zblock


def _column(meta: dict[str, Any], name: str) -> list[Any]:
    return next(c for c in meta["columns"] if c[0] == name)


@pytest.fixture(scope="module")
def day_blob(shared_data: Path) -> bytes:
    table = parse_statcast_csv(_day_csv(shared_data, DAY2), source_day=DAY2)
    return StatcastDayEntry.from_table(table, 5.0).dump()


def _read(blob: bytes) -> StatcastTable | None:
    return load_day(memoryview(blob)).table


@pytest.mark.parametrize(
    ("edit_meta", "edit_block", "message"),
    [
        (lambda m: _column(m, "pitch_type")[2][0].__setitem__(0, "|O"), None, "bad buffer"),
        (lambda m: _column(m, "release_speed")[2][0].__setitem__(1, 10**9), None, "bad buffer"),
        (lambda m: _column(m, "release_speed")[2][0].__setitem__(2, 8), None, "value bytes"),
        (lambda m: m.__setitem__("rows", m["rows"] + 1), None, "value bytes"),
        (lambda m: m.__setitem__("rows", -1), None, "row count"),
        (lambda m: _column(m, "balls").__setitem__(1, "complex"), None, "unknown kind"),
        (lambda m: m["columns"].append(m["columns"][0]), None, "repeated column"),
        (lambda m: m.__setitem__("day", "2024-13-45"), None, "bad day"),
        (lambda m: m.__setitem__("block", [1, 2]), None, "length mismatch"),
        (lambda m: _column(m, "balls")[2][1].__setitem__(2, 1), None, "missing mask"),
    ],
)
def test_a_bad_directory_is_a_typed_error(
    day_blob: bytes, edit_meta: Any, edit_block: Any, message: str
) -> None:
    with pytest.raises(StoredDayError, match=message):
        _read(_rebuild(day_blob, edit_meta, edit_block))


def test_out_of_range_codes_and_bad_offsets_are_typed_errors(day_blob: bytes) -> None:
    def codes(meta: dict[str, Any], block: bytearray) -> None:
        dtype, offset, _ = _column(meta, "pitch_type")[2][0]
        assert dtype == "|i1"
        block[offset] = 120  # past the vocabulary

    with pytest.raises(StoredDayError, match="code out of range"):
        _read(_rebuild(day_blob, edit_block=codes))

    def offsets(meta: dict[str, Any], block: bytearray) -> None:
        _, offset, nbytes = _column(meta, "events")[2][1]
        block[offset + nbytes - 8 : offset + nbytes] = (10**6).to_bytes(8, "little")

    with pytest.raises(StoredDayError, match="vocabulary offsets"):
        _read(_rebuild(day_blob, edit_block=offsets))
    # the block inflating to another size than declared
    bad = bytearray(day_blob)
    with pytest.raises(StoredDayError):
        _read(
            _rebuild(bytes(bad), edit_meta=lambda m: m["block"].__setitem__(1, m["block"][1] - 8))
        )
    with pytest.raises(StoredDayError, match="bad magic"):
        _read(b"XXXX" + day_blob[4:])
    with pytest.raises(StoredDayError, match="truncated"):
        _read(day_blob[:7])


FUZZ = textwrap.dedent(
    """
    import json, random, sys
    from savantsdk.sources._statcast_store import StoredDayError, load_day

    blob = open(sys.argv[1], "rb").read()
    rng = random.Random(16)
    cases = [blob[:n] for n in range(0, len(blob), max(1, len(blob) // 300))]
    for _ in range(600):
        b = bytearray(blob)
        for _ in range(rng.randint(1, 4)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        cases.append(bytes(b))
    out = {"typed": 0, "ok": 0, "other": []}
    for case in cases:
        try:
            entry = load_day(memoryview(case))
            table = entry.table
            if table is not None:
                table.rows
        except StoredDayError:
            out["typed"] += 1
        except Exception as exc:
            out["other"].append(repr(exc)[:200])
        else:
            out["ok"] += 1
    print(json.dumps(out))
    """
)


def test_fuzzed_blobs_give_typed_errors_and_never_crash(day_blob: bytes, tmp_path: Path) -> None:
    path = tmp_path / "day.bin"
    path.write_bytes(day_blob)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), *sys.path])}
    done = subprocess.run(
        [sys.executable, "-c", FUZZ, str(path)],
        capture_output=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()  # a segfault would be -11
    out = json.loads(done.stdout)
    assert out["other"] == []
    assert out["typed"] >= 300  # every truncation and most flips
    assert out["typed"] + out["ok"] >= 900


# ----------------------------------------------------------------- through the Savant client


class Upstream:
    def __init__(self, bodies: dict[date, bytes]) -> None:
        self.bodies = bodies
        self.requests = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        day = date.fromisoformat(request.url.params["game_date_gt"])
        return httpx.Response(200, content=self.bodies.get(day, b""))


def _client(up: Upstream, where: Path) -> tuple[AsyncClient, SavantClient, DiskCache]:
    disk = DiskCache(where)
    client = AsyncClient(
        http_transport=httpx.MockTransport(up),
        base_urls={"savant": "http://savant.test"},
        retry=no_backoff(1),
        clock=FakeClock(wall_start=JULY, autojump=True),
        cache=Cache(disk),
    )
    return client, SavantClient(client), disk  # type: ignore[arg-type]


def _keys(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return sorted(k for (k,) in con.execute("SELECT key FROM entries"))
    finally:
        con.close()


def _kind(key: str) -> str:
    return "table" if ":statcast:table:" in key else "day" if ":statcast:day:" in key else key


def _table_key(day: date) -> str:
    params = {"gt": ["R", "PO"], "team": None, "batter": None, "pitcher": None}
    return cache_key("savant", "statcast", "table", day, params=params)


@pytest.fixture
def bodies(shared_data: Path) -> dict[date, bytes]:
    return {d: _day_csv(shared_data, d) for d in (DAY1, DAY2)}


@pytest.mark.anyio
async def test_a_pull_caches_text_and_table_and_a_new_process_reads_the_tables(
    bodies: dict[date, bytes], tmp_path: Path
) -> None:
    up = Upstream(bodies)
    client, savant, disk = _client(up, tmp_path)
    async with client:
        first = await savant.statcast(DAY1, DAY2)
    await disk.aclose()
    assert up.requests == 2
    keys = _keys(disk.path)
    assert len(keys) == 4
    assert {_kind(k) for k in keys} == {"day", "table"}
    assert _table_key(DAY1) in keys
    # a restarted process: the tables, no parse, no request
    client, savant, disk = _client(up, tmp_path)
    parsed: list[date] = []
    real = store_parse = savant_module.parse_statcast_csv

    def counting(data: bytes, **kw: Any) -> StatcastTable:
        parsed.append(kw.get("source_day"))
        return store_parse(data, **kw)

    savant_module.parse_statcast_csv = counting  # type: ignore[assignment]
    try:
        async with client:
            again = await savant.statcast(DAY1, DAY2)
            raw_result, texts = await savant.statcast_raw(DAY1, DAY2)  # text entries serve this
    finally:
        savant_module.parse_statcast_csv = real
    await disk.aclose()
    assert up.requests == 2
    assert parsed == []
    assert again.cached_days == (DAY1, DAY2)
    assert_same_table(first.table, again.table)
    assert again.table.rows == sum(ROWS.values())
    assert raw_result.cached_days == (DAY1, DAY2)
    assert texts[DAY1] == (bodies[DAY1].decode(),)


@pytest.mark.anyio
async def test_text_only_entries_are_read_then_get_their_table(
    bodies: dict[date, bytes], tmp_path: Path
) -> None:
    up = Upstream(bodies)
    client, savant, disk = _client(up, tmp_path)
    async with client:
        await savant.statcast_raw(DAY1, DAY2)  # text entries only (what older versions wrote)
    await disk.aclose()
    assert [_kind(k) for k in _keys(disk.path)] == ["day", "day"]
    client, savant, disk = _client(up, tmp_path)
    async with client:
        result = await savant.statcast(DAY1, DAY2)
    await disk.aclose()
    assert up.requests == 2  # served from the text entries, parsed
    assert result.cached_days == (DAY1, DAY2)
    assert result.table.rows == sum(ROWS.values())
    assert sorted(_kind(k) for k in _keys(disk.path)) == ["day", "day", "table", "table"]
    expected = parse_statcast_csv(bodies[DAY1], source_day=DAY1)
    async with Cache(DiskCache(tmp_path)) as cache:
        entry = await cache.get(_table_key(DAY1), StatcastDayEntry)
        assert entry is not None
        assert entry.table is not None
        assert_same_table(expected, entry.table)


@pytest.mark.anyio
async def test_another_parser_version_or_a_corrupt_table_falls_back_to_the_text(
    bodies: dict[date, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    up = Upstream(bodies)
    client, savant, disk = _client(up, tmp_path)
    async with client:
        first = await savant.statcast(DAY1, DAY2)
    await disk.aclose()
    # a table entry that passes every checksum but whose columns do not check out
    async with Cache(DiskCache(tmp_path)) as cache:
        good = await cache.get(_table_key(DAY2), StatcastDayEntry)
        assert good is not None
        bad = StatcastDayEntry.from_table(first.table.filter_dates(DAY2, DAY2), 1.0)
        bad._raw = _rebuild(
            bad.dump(),
            edit_block=lambda m, b: b.__setitem__(_column(m, "pitch_type")[2][0][1], 120),
        )
        await cache.set(_table_key(DAY2), bad, kind="immutable", type_=StatcastDayEntry)
    monkeypatch.setattr(store, "PARSER_VERSION", store.PARSER_VERSION + 1)  # DAY1: older parser
    client, savant, disk = _client(up, tmp_path)
    async with client:
        again = await savant.statcast(DAY1, DAY2)
    await disk.aclose()
    assert up.requests == 2  # both from their text entries, no request
    assert again.cached_days == (DAY1, DAY2)
    assert_same_table(first.table, again.table)
    async with Cache(DiskCache(tmp_path)) as cache:  # both rewritten, by this parser version
        for day in (DAY1, DAY2):
            entry = await cache.get(_table_key(day), StatcastDayEntry)
            assert entry is not None
            assert not entry.stale_parser
            assert entry.table is not None
            assert entry.table.rows == ROWS[day]


@pytest.mark.anyio
async def test_forget_days_drops_text_and_table(bodies: dict[date, bytes], tmp_path: Path) -> None:
    up = Upstream(bodies)
    client, savant, disk = _client(up, tmp_path)
    async with client:
        await savant.statcast(DAY1, DAY2)
        assert await savant.forget_days([DAY1]) == 2
        again = await savant.statcast(DAY1, DAY2)
    await disk.aclose()
    assert up.requests == 3  # only the forgotten day was fetched again
    assert again.cached_days == (DAY2,)


def test_concat_days_equals_stacking_the_day_tables(shared_data: Path) -> None:
    days = (DAY1, DAY2, date(2024, 3, 30))
    tables = [parse_statcast_csv(_day_csv(shared_data, d), source_day=d) for d in days]
    tables.insert(1, StatcastTable({}, 0, date(2024, 3, 31)))  # a day without games
    dropped = tables[2].columns[5]  # a column one day lacks: missing values there
    tables[2] = StatcastTable(
        {n: c for n, c in tables[2].columns_by_name.items() if n != dropped},
        tables[2].rows,
        tables[2].source_day,
    )
    entries = [load_day(memoryview(StatcastDayEntry.from_table(t, 0.0).dump())) for t in tables]
    whole = store.concat_days(entries)
    assert whole is not None
    assert_same_table(StatcastTable.concat(tables), whole)
    assert whole.rows == 3790 + 2930 + 4766
    assert whole.column(dropped).missing[3790 : 3790 + 2930].all()
    # a kind that differs between days: left to the per-day tables
    odd = StatcastColumn("balls", "float", np.zeros(2), np.zeros(2, dtype=bool))
    other = StatcastTable({"balls": odd}, 2, DAY1)
    entries.append(load_day(memoryview(StatcastDayEntry.from_table(other, 0.0).dump())))
    assert store.concat_days(entries) is None

"""Mutation fuzz of every public parser over the real recorded payloads (Hypothesis).

Property: a parser either returns its model or raises a :class:`~savantsdk.SavantError`
subclass; no other exception, no warning (``filterwarnings = error``) and no crash.  Unknown
JSON fields are ignored: adding them never changes what a payload parses to.

Not collected on its own (the name does not start with ``test_``): ``test_parser_fuzz.py`` runs
this file in a child interpreter, so that a native crash fails that test instead of killing the
run.  Run it directly while working on a parser::

    python -m pytest tests/data_driven/fuzz_parsers.py

``SAVANTSDK_FUZZ_EXAMPLES`` scales the number of cases (default 1.0); ``SAVANTSDK_FUZZ_RANDOM=1``
draws new cases instead of CI's fixed ones; ``SAVANTSDK_FUZZ_REPORT=FILE`` writes the counts.
"""

from __future__ import annotations

import copy
import gzip
import json
import os
from collections import Counter
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import savantsdk.sources as S
from savantsdk.exceptions import SavantError

SHARED = Path(
    os.environ.get("SAVANTSDK_SHARED_DATA") or Path(__file__).parents[2].parent / "shared" / "data"
)
SCALE = float(os.environ.get("SAVANTSDK_FUZZ_EXAMPLES", "1"))
RANDOM = os.environ.get("SAVANTSDK_FUZZ_RANDOM") == "1"


class Payload(bytes):
    """Bytes with a short repr, so a failing example prints in a line, not in 700 kB."""

    def __repr__(self) -> str:
        head = bytes(self[:60])
        return f"Payload({len(self)} bytes: {head!r}...)"


#: outcome counts per parser: "model" (returned), "typed" (raised a SavantError)
COUNTS: dict[str, Counter[str]] = {}


def _settings(examples: int) -> settings:
    return settings(
        max_examples=max(1, int(examples * SCALE)),
        deadline=None,
        derandomize=not RANDOM,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def _read(rel: str) -> bytes:
    path = SHARED / rel
    if not path.is_file():
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"shared data file {rel} is required in CI")
        pytest.skip(f"shared data file {rel} not available")
    return path.read_bytes()


# --------------------------------------------------------------------------- CSV payloads


@cache
def _statcast_day() -> bytes:
    """The first 1,200 rows of a real day: above the ~1,000 rows where numpy's datetime cast
    used to crash on one bad value, small enough for thousands of cases."""
    text = gzip.decompress(_read("statcast/2024/sc_2024-06-10.csv.gz"))
    lines = text.split(b"\n")
    return b"\n".join(lines[:1201]) + b"\n"


CSV_PAYLOADS: dict[str, Callable[[], list[bytes]]] = {
    "statcast": lambda: [
        _statcast_day(),
        _read("statcast/raw/statcast_batter_raw.csv"),
        _read("statcast/raw/savant_data_cease_nohitter_2024-07-25.csv"),
    ],
    "expected_statistics": lambda: [
        _read("savant_leaderboards/expected_statistics_batter_2023__tnestico-xwoba.csv"),
        _read("savant_leaderboards/expected_statistics_batter_2020__mjorisch.csv"),
    ],
    "exit_velocity_barrels": lambda: [
        _read("savant_leaderboards/exit_velocity_barrels_batter_2020__mjorisch.csv")
    ],
    "percentile_rankings": lambda: [
        _read("savant_leaderboards/percentile_rankings_batter_2025__ytpatel3.csv")
    ],
    "custom": lambda: [
        _read("savant_leaderboards/custom_leaderboard_batter_2024__DjNastySteve.csv")
    ],
}


def _statcast_all_columns(data: bytes, *, lazy: bool = False) -> object:
    table = S.parse_statcast_csv(data, lazy=lazy)
    for name in table.columns:  # decode every column, not just the header
        table.column(name)
    return table


CSV_PARSERS: list[tuple[str, str, Callable[[bytes], object]]] = [
    ("parse_statcast_csv", "statcast", _statcast_all_columns),
    ("parse_statcast_csv(lazy)", "statcast", lambda b: _statcast_all_columns(b, lazy=True)),
    ("ingest_statcast", "statcast", S.ingest_statcast),
    ("parse_expected_statistics", "expected_statistics", S.parse_expected_statistics),
    ("parse_exit_velocity_barrels", "exit_velocity_barrels", S.parse_exit_velocity_barrels),
    ("parse_percentile_rankings", "percentile_rankings", S.parse_percentile_rankings),
    ("parse_custom_leaderboard", "custom", S.parse_custom_leaderboard),
]

CELLS = [
    b"",
    b"x",
    b"NA",
    b"null",
    b'"',
    b'"a,b"',
    b",",
    b"\r",
    b"\x00",
    b"\xff\xfe",
    b"-",
    b"1e999",
    b"nan",
    b"inf",
    b"-1",
    b"1.2.3",
    b"99999999999999999999",
    b"2024-13-45",
    b"2024-02-30",
    b"0000-00-00",
    b"True",
    b"\xc3",
    "é".encode(),
    b"<html>",
    b"1_0",
    b" 7 ",
]


@st.composite
def csv_mutations(draw: st.DrawFn, kind: str) -> bytes:
    data = draw(st.sampled_from(CSV_PAYLOADS[kind]()))
    for _ in range(draw(st.integers(1, 3))):
        data = _csv_op(draw, data)
    return Payload(data)


def _pos(draw: st.DrawFn, n: int) -> int:
    return draw(st.integers(0, max(n - 1, 0)))


def _csv_op(draw: st.DrawFn, data: bytes) -> bytes:
    op = draw(
        st.sampled_from(
            [
                "truncate",
                "cell",
                "splice",
                "flip",
                "drop_column",
                "dup_column",
                "rename_column",
                "drop_row_field",
                "html",
                "gzip",
                "gzip_cut",
                "utf16",
                "bom",
                "crlf",
                "blank_lines",
                "empty",
                "header_only",
                "error_csv",
            ]
        )
    )
    lines = data.split(b"\n")
    header = lines[0].split(b",") if lines else [b""]
    if op == "truncate":
        return data[: _pos(draw, len(data))]
    if op == "cell" and len(lines) > 2:  # one field of one row replaced
        r = 1 + _pos(draw, len(lines) - 2)
        cells = lines[r].split(b",")
        cells[_pos(draw, len(cells))] = draw(st.sampled_from(CELLS))
        lines[r] = b",".join(cells)
        return b"\n".join(lines)
    if op == "splice":
        i = _pos(draw, len(data))
        return data[:i] + draw(st.sampled_from(CELLS)) + data[i + draw(st.integers(0, 8)) :]
    if op == "flip":
        buf = bytearray(data)
        for _ in range(draw(st.integers(1, 16))):
            if buf:
                buf[_pos(draw, len(buf))] = draw(st.integers(0, 255))
        return bytes(buf)
    if op == "drop_column" and len(header) > 1:
        j = _pos(draw, len(header))
        return b"\n".join(
            b",".join(c for k, c in enumerate(line.split(b",")) if k != j) for line in lines
        )
    if op == "dup_column":
        header.append(header[_pos(draw, len(header))])
        return b"\n".join([b",".join(header), *lines[1:]])
    if op == "rename_column":
        header[_pos(draw, len(header))] += draw(st.sampled_from([b"_x", b" ", b'"', b""]))
        return b"\n".join([b",".join(header), *lines[1:]])
    if op == "drop_row_field" and len(lines) > 2:
        r = 1 + _pos(draw, len(lines) - 2)
        cells = lines[r].split(b",")
        del cells[_pos(draw, len(cells))]
        lines[r] = b",".join(cells)
        return b"\n".join(lines)
    if op == "html":
        return b"<!DOCTYPE html><html><head><title>Baseball Savant</title></head><body>x</body>"
    if op == "gzip":
        return gzip.compress(data, mtime=0)
    if op == "gzip_cut":
        gz = gzip.compress(data, mtime=0)
        return gz[: _pos(draw, len(gz))]
    if op == "utf16":
        return data.decode("utf-8", "replace").encode("utf-16")
    if op == "bom":
        return b"\xef\xbb\xbf" + data
    if op == "crlf":
        return data.replace(b"\n", b"\r\n")
    if op == "blank_lines" and len(lines) > 2:
        r = 1 + _pos(draw, len(lines) - 2)
        return b"\n".join([*lines[:r], b"", b"\r", *lines[r:]])
    if op == "empty":
        return draw(st.sampled_from([b"", b"\n", b"   \n\n", b"\x1f\x8b"]))
    if op == "header_only":
        return lines[0] + b"\n"
    if op == "error_csv":
        return b'error\n"Search query timed out"\n'
    return data


def _record(name: str, outcome: str) -> None:
    COUNTS.setdefault(name, Counter())[outcome] += 1


FAILED_DIR = Path(os.environ.get("SAVANTSDK_FUZZ_FAILED_DIR", "/tmp"))


def _run(name: str, parse: Callable[[bytes], object], data: bytes) -> object | None:
    try:
        result = parse(data)
    except SavantError:
        _record(name, "typed")
        return None
    except Exception as exc:  # the property: nothing but a SavantError
        _record(name, "untyped")
        saved = FAILED_DIR / f"savantsdk-fuzz-{name.split('(', maxsplit=1)[0]}-{len(data)}.bin"
        saved.write_bytes(data)
        raise AssertionError(
            f"{name} raised {type(exc).__name__}: {exc} (the input is saved as {saved})"
        ) from exc
    _record(name, "model")
    return result


@pytest.mark.parametrize(("name", "kind", "parse"), CSV_PARSERS, ids=[p[0] for p in CSV_PARSERS])
def test_csv_parsers_return_a_model_or_a_typed_error(
    name: str, kind: str, parse: Callable[[bytes], object]
) -> None:
    examples = 500 if kind == "statcast" else 300

    @_settings(examples)
    @given(data=csv_mutations(kind))
    def check(data: bytes) -> None:
        _run(name, parse, data)

    check()


# --------------------------------------------------------------------------- JSON payloads

SP = "statsapi/mlb-statsapi-pydantic"
JSON_PARSERS: list[tuple[str, Callable[[bytes], object], list[str]]] = [
    (
        "parse_schedule",
        S.parse_schedule,
        [f"{SP}/schedule.json", f"{SP}/schedule_hydrated_team.json"],
    ),
    (
        "parse_game_feed",
        S.parse_game_feed,
        [f"{SP}/livefeed.json", "statsapi/mlb-gameday-bot/feed_live_746215.json"],
    ),
    ("parse_boxscore", S.parse_boxscore, [f"{SP}/boxscore.json"]),
    ("parse_linescore", S.parse_linescore, [f"{SP}/linescore.json"]),
    ("parse_play_by_play", S.parse_play_by_play, [f"{SP}/play_by_play.json"]),
    ("parse_people", S.parse_people, [f"{SP}/people_660271.json"]),
    ("parse_teams", S.parse_teams, [f"{SP}/teams.json"]),
    (
        "parse_player_stats",
        S.parse_player_stats,
        [
            "statsapi/mlb-gameday-bot/people_stats_steven-kwan-happy-path.json",
            "statsapi/mlb-gameday-bot/people_stats_luis-arraez-two-teams.json",
        ],
    ),
    (
        "parse_projections",
        S.parse_projections,
        ["markets/prizepicks/projections_mlb_subset_2024-06-10.derived.json"],
    ),
    (
        "parse_odds",
        S.parse_odds,
        [
            "markets/the_odds_api/v4_odds_baseball_mlb_2024-05-24_h2h_us-eu_american_mgilbertsonund.json"
        ],
    ),
    (
        "parse_events",
        S.parse_events,
        ["markets/the_odds_api/v4_events_soccer_germany_bundesliga_2025-11_ynnickw.json"],
    ),
    ("parse_sports", S.parse_sports, ["markets/the_odds_api/v4_sports_2025-05-16_bellanov.json"]),
    (
        "parse_event_odds",
        S.parse_event_odds,
        ["markets/the_odds_api/v4_event_odds_soccer_player_props_2025-11_ynnickw.json"],
    ),
    (
        "parse_sportradar_schedule",
        S.parse_sportradar_schedule,
        ["markets/sportradar/mlb_v6_trial_2017_reg_schedule.json"],
    ),
    (
        "parse_sportradar_game_summary",
        S.parse_sportradar_game_summary,
        ["markets/sportradar/mlb_v6_game_summary_9d0fe41c.json"],
    ),
    (
        "parse_sportradar_play_by_play",
        S.parse_sportradar_play_by_play,
        ["markets/sportradar/mlb_v6_game_pbp_9d0fe41c.json"],
    ),
]

JUNK: list[Any] = [
    None,
    "",
    "x",
    0,
    -1,
    1.5,
    1e308,
    True,
    [],
    {},
    [1],
    {"a": 1},
    "2024-13-45",
    "NaN",
    10**30,
    "-.--",
    "1.5",
]


def _nodes(tree: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, tree
    if isinstance(tree, dict):
        for k, v in tree.items():
            yield from _nodes(v, (*path, k))
    elif isinstance(tree, list):
        for i, v in enumerate(tree[:2]):  # the first items stand for the rest
            yield from _nodes(v, (*path, i))


def _parent(tree: Any, path: tuple[Any, ...]) -> Any:
    for k in path[:-1]:
        tree = tree[k]
    return tree


@cache
def _tree_and_nodes(rel: str) -> tuple[Any, list[tuple[Any, ...]]]:
    tree = json.loads(_read(rel))
    return tree, [p for p, _ in _nodes(tree)]


@st.composite
def json_mutations(draw: st.DrawFn, files: list[str]) -> bytes:
    rel = draw(st.sampled_from(files))
    op = draw(
        st.sampled_from(
            ["replace", "delete", "truncate", "flip", "html", "wrong_root", "replace", "delete"]
        )
    )
    raw = _read(rel)
    if op == "truncate":
        return Payload(raw[: _pos(draw, len(raw))])
    if op == "flip":
        buf = bytearray(raw)
        for _ in range(draw(st.integers(1, 8))):
            buf[_pos(draw, len(buf))] = draw(st.integers(0, 255))
        return Payload(buf)
    if op == "html":
        return Payload(b"<html><body><h1>502 Bad Gateway</h1></body></html>")
    if op == "wrong_root":
        return Payload(json.dumps(draw(st.sampled_from(JUNK))).encode())
    base, paths = _tree_and_nodes(rel)
    tree = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 4))):
        path = paths[_pos(draw, len(paths))]
        try:
            parent = _parent(tree, path)
            if not path:
                tree = copy.deepcopy(draw(st.sampled_from(JUNK)))
            elif op == "delete":
                del parent[path[-1]]
            else:
                parent[path[-1]] = copy.deepcopy(draw(st.sampled_from(JUNK)))
        except (KeyError, IndexError, TypeError):  # an earlier edit removed or replaced it
            continue
    return Payload(json.dumps(tree).encode())


@pytest.mark.parametrize(("name", "parse", "files"), JSON_PARSERS, ids=[p[0] for p in JSON_PARSERS])
def test_json_parsers_return_a_model_or_a_typed_error(
    name: str, parse: Callable[[bytes], object], files: list[str]
) -> None:
    @_settings(150)
    @given(data=json_mutations(files))
    def check(data: bytes) -> None:
        _run(name, parse, data)

    check()


@st.composite
def unknown_fields(draw: st.DrawFn, files: list[str]) -> tuple[bytes, bytes]:
    rel = draw(st.sampled_from(files))
    base, paths = _tree_and_nodes(rel)
    tree = copy.deepcopy(base)
    dicts = [p for p in paths if isinstance(_parent(base, (*p, None)), dict)]
    for _ in range(draw(st.integers(1, 6))):
        obj = _parent(tree, (*dicts[_pos(draw, len(dicts))], None))
        obj[draw(st.sampled_from(["zzNew", "futureField", "_meta"]))] = draw(st.sampled_from(JUNK))
    return Payload(_read(rel)), Payload(json.dumps(tree).encode())


@pytest.mark.parametrize(("name", "parse", "files"), JSON_PARSERS, ids=[p[0] for p in JSON_PARSERS])
def test_unknown_json_fields_change_nothing(
    name: str, parse: Callable[[bytes], object], files: list[str]
) -> None:
    @_settings(25)
    @given(pair=unknown_fields(files))
    def check(pair: tuple[bytes, bytes]) -> None:
        original, extended = pair
        assert parse(extended) == parse(original)
        _record(f"{name}(unknown fields)", "model")

    check()


def teardown_module() -> None:
    out = os.environ.get("SAVANTSDK_FUZZ_REPORT")
    if out:
        Path(out).write_text(json.dumps({k: dict(v) for k, v in sorted(COUNTS.items())}, indent=1))

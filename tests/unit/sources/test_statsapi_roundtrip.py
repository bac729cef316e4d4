"""Hypothesis round-trips: ``structure(unstructure(model)) == model`` with the package converter.

Covers every attrs model of the Stats API, PrizePicks/Odds API and SportRadar modules (the cache
stores models this way), plus a JSON round-trip through ``savantsdk._serde`` for real payloads.
"""

from __future__ import annotations

import enum
import gzip
import types
import typing
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import attrs
import orjson
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from savantsdk import _serde
from savantsdk.sources import (
    _markets_models as markets,
    _sportradar_models as sportradar,
    _statsapi_feed as statsapi_feed,
    _statsapi_models as statsapi,
    parse_boxscore,
    parse_event_odds,
    parse_game_feed,
    parse_projections,
    parse_sportradar_game_summary,
)

MODELS = sorted(
    {
        obj
        for module in (statsapi, statsapi_feed, markets, sportradar)
        for obj in vars(module).values()
        if isinstance(obj, type) and attrs.has(obj) and obj.__module__ == module.__name__
    },
    key=lambda cls: f"{cls.__module__}.{cls.__qualname__}",
)

_text = st.text(max_size=12)
# JSON numbers the upstream sends fit in 64 bits (orjson refuses bigger ones)
_json_ints = st.integers(min_value=-(2**53), max_value=2**53)
_floats = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9)
_tz = st.sampled_from([UTC, timezone(timedelta(hours=-4)), timezone(timedelta(hours=9))])
_datetimes = st.datetimes(
    min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1), timezones=_tz
)
_dates = st.dates(min_value=date(1870, 1, 1), max_value=date(2100, 1, 1))
_CACHE: dict[Any, st.SearchStrategy[Any]] = {}


def strategy(tp: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    """A strategy for a field type (attrs classes recursively, bounded depth)."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(strategy(a, depth) for a in args))
    if tp is type(None):
        return st.none()
    if origin is tuple:
        return st.lists(strategy(args[0], depth + 1), max_size=2 if depth < 3 else 0).map(tuple)
    if origin is dict:
        if args[1] is Any:
            return st.dictionaries(_text, st.one_of(_text, _json_ints), max_size=2)
        return st.dictionaries(_text, strategy(args[1], depth + 1), max_size=2 if depth < 3 else 0)
    if tp is Any:
        return st.one_of(_text, _json_ints)
    simple: dict[Any, st.SearchStrategy[Any]] = {
        str: _text,
        int: st.integers(min_value=-(2**40), max_value=2**40),
        float: _floats,
        bool: st.booleans(),
        datetime: _datetimes,
        date: _dates,
    }
    if tp in simple:
        return simple[tp]
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return st.sampled_from(list(tp))
    if isinstance(tp, type) and attrs.has(tp):
        return model_strategy(tp, depth)
    raise AssertionError(f"no strategy for {tp!r}")


def model_strategy(cls: type[Any], depth: int = 0) -> st.SearchStrategy[Any]:
    key = (cls, depth)
    if key not in _CACHE:
        hints = typing.get_type_hints(cls)
        fields = {f.name: strategy(hints[f.name], depth + 1) for f in attrs.fields(cls)}
        _CACHE[key] = st.builds(cls, **fields)
    return _CACHE[key]


def test_every_model_is_frozen_attrs() -> None:
    assert len(MODELS) > 60
    for cls in MODELS:
        assert attrs.has(cls)
        assert cls.__setattr__ is not object.__setattr__, cls  # frozen


def test_every_stats_api_model_uses_camel_case_keys() -> None:
    # A Stats API model missing from the camelCase registration would silently read nothing.
    for module in (statsapi, statsapi_feed):
        mine = {cls for cls in MODELS if cls.__module__ == module.__name__}
        assert mine == set(module._MODELS), module.__name__
    assert len(statsapi_feed._MODELS) == 24
    line = _serde.unstructure(statsapi.StatLine(strike_outs=5, innings_pitched=1.0))
    assert (line["strikeOuts"], line["inningsPitched"], line["outs"]) == (5, 1.0, 3)
    status = _serde.unstructure(statsapi.GameStatus(start_time_tbd=True))
    assert status["startTimeTBD"] is True


@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__qualname__)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_round_trip(cls: type[Any], data: st.DataObject) -> None:
    model = data.draw(model_strategy(cls))
    plain = _serde.unstructure(model)
    assert _serde.structure(plain, cls) == model
    # and through JSON bytes, the way caches store it
    assert _serde.loads(_serde.dumps(model), cls) == model


def _stub(path: Path) -> bytes:
    return orjson.dumps(orjson.loads(gzip.decompress(path.read_bytes()))["response"])


RealParser = Callable[[bytes], Any]


@pytest.mark.parametrize(
    ("rel", "parser"),
    [
        (
            "statsapi/pymlb_statsapi_stubs/game/liveGameV1/liveGameV1_game_pk=747175_4240fc08a038.json.gz",
            parse_game_feed,
        ),
        (
            "statsapi/pymlb_statsapi_stubs/game/boxscore/boxscore_game_pk=747175_4240fc08a038.json.gz",
            parse_boxscore,
        ),
        ("markets/prizepicks/projections_nba_league7_2024-03-19.json", parse_projections),
        (
            "markets/the_odds_api/v4_event_odds_soccer_player_props_2025-11_ynnickw.json",
            parse_event_odds,
        ),
        ("markets/sportradar/mlb_v6_game_summary_9d0fe41c.json", parse_sportradar_game_summary),
    ],
)
def test_real_payload_models_round_trip_through_json(
    data_file: Callable[[str], Path], rel: str, parser: RealParser
) -> None:
    path = data_file(rel)
    raw = _stub(path) if path.suffix == ".gz" else path.read_bytes()
    model = parser(raw)
    assert _serde.loads(_serde.dumps(model), type(model)) == model

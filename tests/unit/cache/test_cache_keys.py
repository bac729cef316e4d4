"""The canonical key builder: readable, versioned, injective on text, stable."""

from __future__ import annotations

import enum
from datetime import date, datetime
from urllib.parse import unquote

import pytest
from hypothesis import given, strategies as st

from savantsdk.cache import KEY_SCHEMA_VERSION, cache_key, key_prefix
from savantsdk.exceptions import ConfigurationError


class Stat(enum.Enum):
    HITS = "hits"


def test_readable_examples_from_the_issue() -> None:
    assert cache_key("mlb", "statcast", "day", date(2024, 6, 10)) == (
        "savantsdk:v1:mlb:statcast:day:2024-06-10"
    )
    assert cache_key("mlb", "props", "player", 592450, Stat.HITS) == (
        "savantsdk:v1:mlb:props:player:592450:hits"
    )
    assert KEY_SCHEMA_VERSION == 1


def test_params_sorted_none_dropped_and_escaped() -> None:
    key = cache_key("s", params={"team": "NYY", "season": 2024, "x": None, "flag": True})
    assert key == "savantsdk:v1:s:?flag=true&season=2024&team=NYY"
    assert cache_key("s", params={"b": 1, "a": 2}) == cache_key("s", params={"a": 2, "b": 1})
    assert cache_key("s", params={"ids": [3, 1]}) == "savantsdk:v1:s:?ids=[3,1]"
    assert cache_key("s", params={"ids": {3, 1}}) == "savantsdk:v1:s:?ids={1,3}"
    # separators inside values are escaped, so they cannot fake a structure
    assert cache_key("a:b") == "savantsdk:v1:a%3Ab"
    assert cache_key("s", params={"q": "a&b=c"}) == "savantsdk:v1:s:?q=a%26b%3Dc"


def test_namespace_version_and_datetime() -> None:
    assert cache_key("x", namespace="other", version=7) == "other:v7:x"
    assert cache_key("t", datetime(2024, 6, 10, 12, 30)) == "savantsdk:v1:t:2024-06-10T12%3A30%3A00"


def test_text_identity_is_documented_int_and_str_agree() -> None:
    assert cache_key("p", 592450) == cache_key("p", "592450")


def test_empty_collections_and_empty_elements_differ() -> None:
    # Found by the property below on a CI run: ``[]`` and ``[""]`` both rendered ``[]``.
    assert cache_key("x", params={"p": []}) == "savantsdk:v1:x:?p=[]"
    assert cache_key("x", params={"p": [""]}) == "savantsdk:v1:x:?p=['']"
    assert cache_key("x", params={"p": ["", "a"]}) == "savantsdk:v1:x:?p=['',a]"
    assert cache_key("x", params={"p": set()}) != cache_key("x", params={"p": {""}})
    assert cache_key("x", params={"p": ["'"]}) == "savantsdk:v1:x:?p=[%27]"


def test_prefix_matches_children_only() -> None:
    prefix = key_prefix("mlb", "statcast")
    assert prefix == "savantsdk:v1:mlb:statcast:"
    assert cache_key("mlb", "statcast", "day", date(2024, 6, 10)).startswith(prefix)
    assert not cache_key("mlb", "statcast2", "day").startswith(prefix)
    assert key_prefix() == "savantsdk:v1:"


@pytest.mark.parametrize(
    "call",
    [
        cache_key,
        lambda: cache_key(object()),
        lambda: cache_key("x", params={"p": object()}),
        lambda: cache_key("x", namespace=""),
    ],
)
def test_bad_input_is_a_configuration_error(call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigurationError):
        call()


_text = st.text(max_size=12)
_scalar = st.one_of(_text, st.integers(), st.booleans(), st.dates())
_parts = st.lists(_text, min_size=1, max_size=5)
_params = st.dictionaries(_text, st.one_of(_text, st.lists(_text, max_size=3)), max_size=4)


def _decode(key: str) -> tuple[list[str], str | None]:
    """Invert a key (parts and the raw param segment) to prove keys are unambiguous."""
    segments = key.split(":")
    params = segments.pop() if segments[-1].startswith("?") else None
    return [unquote(s) for s in segments[2:]], params


@given(_parts, _params)
def test_key_parses_back_to_its_parts(parts: list[str], params: dict[str, object]) -> None:
    key = cache_key(*parts, params=params)
    decoded, raw_params = _decode(key)
    assert decoded == parts
    assert (raw_params is None) == (not params)


@given(_parts, _params, _parts, _params)
def test_distinct_requests_never_collide(
    p1: list[str], q1: dict[str, object], p2: list[str], q2: dict[str, object]
) -> None:
    same_request = p1 == p2 and q1 == q2
    assert (cache_key(*p1, params=q1) == cache_key(*p2, params=q2)) == same_request


@given(st.lists(_scalar, min_size=1, max_size=5), st.dictionaries(_text, _scalar, max_size=4))
def test_equal_requests_always_agree(parts: list[object], params: dict[str, object]) -> None:
    reordered = dict(reversed(list(params.items())))
    assert cache_key(*parts, params=params) == cache_key(*list(parts), params=reordered)

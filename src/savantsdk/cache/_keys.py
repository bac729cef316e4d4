"""The one canonical cache-key builder (also the executor's coalescing key).

Pure formatting, no domain knowledge::

    >>> cache_key("mlb", "statcast", "day", date(2024, 6, 10))
    'savantsdk:v1:mlb:statcast:day:2024-06-10'
    >>> cache_key("mlb", "props", "player", 592450, "hits")
    'savantsdk:v1:mlb:props:player:592450:hits'
    >>> cache_key("mlb", "search", params={"season": 2024, "team": "NYY"})
    'savantsdk:v1:mlb:search:?season=2024&team=NYY'

Each part is rendered to text and percent-escaped (everything but ``A-Z a-z 0-9 - . _ ~``),
so a part never contains the ``:`` separator and splitting a key gives the parts back: two
keys are equal exactly when their namespace, version, rendered parts and rendered params are.
Params are rendered last, sorted by name, as one ``?k=v&k=v`` segment (a part can never start
with a raw ``?``).  Params whose value is ``None`` are dropped ("not given").

Identity is the *text* of a value: ``592450`` and ``"592450"`` name the same key on purpose
(an id is an id whichever type the caller used).  Supported values: ``str``, ``int``,
``float`` (``repr``), ``bool`` (``true``/``false``), ``date``/``datetime`` (ISO 8601),
``Enum`` (its value), and in params also lists/tuples (order kept) and sets (sorted); an empty
element of a list or set is written ``''`` so ``[]`` and ``[""]`` stay distinct.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Final
from urllib.parse import quote

from ..exceptions import ConfigurationError

__all__ = ("KEY_SCHEMA_VERSION", "cache_key", "key_prefix")

#: Bumped whenever a cached value's shape changes, so an upgrade never reads old shapes.
KEY_SCHEMA_VERSION: Final = 1
_SAFE: Final = "-._~"


def _text(value: Any, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return _text(value.value, where)
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise ConfigurationError(
        f"cache key {where} must be str, int, float, bool, date, datetime or Enum, "
        f"not {type(value).__name__}",
        setting="cache_key",
    )


def _part(value: Any, where: str) -> str:
    return quote(_text(value, where), safe=_SAFE, errors="surrogatepass")


def _item(value: Any, name: str) -> str:
    # An empty element is written ``''`` (a raw quote never survives escaping), so ``[]``
    # and ``[""]`` (or ``set()`` and ``{""}``) render differently.
    return _part(value, f"param {name!r}") or "''"


def _param_value(value: Any, name: str) -> str:
    if isinstance(value, set | frozenset):
        return "{" + ",".join(sorted(_item(v, name) for v in value)) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_item(v, name) for v in value) + "]"
    return _part(value, f"param {name!r}")


def _head(namespace: str, version: int) -> str:
    if not namespace:
        raise ConfigurationError("cache key namespace must not be empty", setting="namespace")
    return f"{_part(namespace, 'namespace')}:v{int(version)}"


def cache_key(
    *parts: Any,
    params: Mapping[str, Any] | None = None,
    namespace: str = "savantsdk",
    version: int = KEY_SCHEMA_VERSION,
) -> str:
    """Build ``<namespace>:v<version>:<part>:...[:?k=v&...]`` from ``parts`` and ``params``."""
    if not parts:
        raise ConfigurationError("cache_key needs at least one part", setting="cache_key")
    segments = [_head(namespace, version)]
    segments.extend(_part(p, "part") for p in parts)
    if params:
        rendered = sorted(
            (_part(name, "param name"), _param_value(value, name))
            for name, value in params.items()
            if value is not None
        )
        if rendered:
            segments.append("?" + "&".join(f"{k}={v}" for k, v in rendered))
    return ":".join(segments)


def key_prefix(*parts: Any, namespace: str = "savantsdk", version: int = KEY_SCHEMA_VERSION) -> str:
    """The prefix shared by every key that starts with ``parts`` (ends with ``:``).

    ``key_prefix("mlb", "statcast")`` matches ``cache_key("mlb", "statcast", ...)`` and
    never ``cache_key("mlb", "statcast2", ...)``; ``key_prefix()`` covers the namespace.
    """
    segments = [_head(namespace, version)]
    segments.extend(_part(p, "part") for p in parts)
    return ":".join(segments) + ":"

"""The one cattrs converter of savantsdk (never cattrs' global converter).

JSON goes through orjson via cattrs' preconf converter.  Structuring ignores unknown keys
(upstreams add fields all the time) and uses attrs defaults for missing optional keys, so
schema drift never crashes a parse.  Nothing here ever uses pickle.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar

import orjson
from cattrs.preconf.orjson import OrjsonConverter, make_converter

__all__ = ("converter", "dumps", "loads", "structure", "unstructure")

T = TypeVar("T")

converter: OrjsonConverter = make_converter(forbid_extra_keys=False, prefer_attrib_converters=True)

converter.register_structure_hook(
    date, lambda v, _: v if isinstance(v, date) else date.fromisoformat(v)
)
converter.register_unstructure_hook(date, lambda d: d.isoformat())


def _structure_datetime(value: Any, _: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, int | float):
        from datetime import UTC

        return datetime.fromtimestamp(value, tz=UTC)
    text = str(value)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    return datetime.fromisoformat(text)


converter.register_structure_hook(datetime, _structure_datetime)
converter.register_unstructure_hook(datetime, lambda d: d.isoformat())


def structure(data: Any, cls: type[T]) -> T:
    """Build ``cls`` from plain data (dicts/lists) with the package converter."""
    return converter.structure(data, cls)


def unstructure(obj: Any) -> Any:
    """Turn attrs models into plain data with the package converter."""
    return converter.unstructure(obj)


def dumps(obj: Any) -> bytes:
    """Serialize a model (or plain data) to JSON bytes."""
    return orjson.dumps(converter.unstructure(obj), option=orjson.OPT_NON_STR_KEYS)


def loads(data: bytes | str, cls: type[T] | None = None) -> Any:
    """Parse JSON bytes; when ``cls`` is given, structure the result into it."""
    raw = orjson.loads(data)
    return raw if cls is None else converter.structure(raw, cls)

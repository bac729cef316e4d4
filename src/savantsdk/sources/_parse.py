"""Shared helpers for the JSON payload parsers of every source.

- :func:`decode_json` turns raw bytes into Python data or raises :class:`SourceDecodeError`
  naming the source and what was expected (HTML pages, truncated and invalid JSON).
- :func:`structure_payload` runs the package's one cattrs converter and turns any structuring
  failure into a :class:`SourceDecodeError` carrying the JSON path (``$.dates[0].games``).
- The ``to_*`` functions are lenient attrs converters: upstreams send rate stats as strings
  (``".263"``), placeholders (``"-.--"``, ``".---"``, ``""``) and innings in baseball notation
  (``"6.1"`` = 6 1/3 innings).  They never raise; unusable values become ``None``.
- :func:`register_camel_case` registers structure/unstructure hooks that map snake_case attrs
  fields to the camelCase keys of the MLB Stats API, on the one converter.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from typing import Any, Final, TypeVar

import attrs
import cattrs
import orjson
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from .._serde import converter
from ..exceptions import SourceDecodeError

__all__ = (
    "as_dict",
    "bool_field",
    "date_field",
    "datetime_field",
    "decode_json",
    "expect_dict",
    "expect_list",
    "float_field",
    "innings_to_outs",
    "int_field",
    "outs_to_innings",
    "register_camel_case",
    "str_field",
    "structure_payload",
    "to_bool",
    "to_date",
    "to_datetime",
    "to_float",
    "to_int",
    "to_str",
)

T = TypeVar("T")

_BOM: Final = b"\xef\xbb\xbf"
_PLACEHOLDERS: Final = frozenset(
    {"", "-", "--", "-.--", ".---", "---", "*.**", "null", "NA", "N/A"}
)


def _snippet(data: bytes, limit: int = 80) -> str:
    text = data[:limit].decode("utf-8", "replace")
    return " ".join(text.split())


def decode_json(
    data: bytes | bytearray | memoryview | str,
    *,
    source: str,
    expected: str,
    request: str | None = None,
) -> Any:
    """Decode JSON bytes; raise :class:`SourceDecodeError` for HTML, truncated or invalid JSON.

    ``expected`` says what the caller wanted (e.g. ``"schedule JSON object"``) and ends up in
    the error message, next to the first bytes of the payload.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    raw = raw.removeprefix(_BOM)
    head = raw.lstrip()[:1]
    if not head:
        raise SourceDecodeError(
            f"expected {expected}, got an empty body", source=source, request=request
        )
    if head == b"<":
        raise SourceDecodeError(
            f"expected {expected}, got HTML/XML (a block or error page?): {_snippet(raw)!r}",
            source=source,
            request=request,
        )
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise SourceDecodeError(
            f"expected {expected}, got invalid or truncated JSON ({exc}) "
            f"[{len(raw)} bytes, starts {_snippet(raw)!r}]",
            source=source,
            request=request,
        ) from exc


def _type_name(value: object) -> str:
    return "null" if value is None else type(value).__name__


def expect_dict(value: Any, *, source: str, path: str, expected: str = "object") -> dict[str, Any]:
    """``value`` if it is a JSON object, else :class:`SourceDecodeError` naming ``path``."""
    if not isinstance(value, dict):
        raise SourceDecodeError(
            f"expected {expected} at {path}, got {_type_name(value)}", source=source
        )
    return value


def expect_list(value: Any, *, source: str, path: str, expected: str = "array") -> list[Any]:
    """``value`` if it is a JSON array, else :class:`SourceDecodeError` naming ``path``."""
    if not isinstance(value, list):
        raise SourceDecodeError(
            f"expected {expected} at {path}, got {_type_name(value)}", source=source
        )
    return value


def structure_payload(value: Any, cls: type[T], *, source: str, path: str = "$") -> T:
    """Structure plain data into ``cls`` with the package converter.

    Unknown keys are ignored and missing optional keys take their defaults; a missing required
    key or a wrong container type becomes a :class:`SourceDecodeError` listing the JSON paths.
    """
    try:
        return converter.structure(value, cls)
    except (cattrs.BaseValidationError, KeyError, TypeError, ValueError, AttributeError) as exc:
        if isinstance(exc, cattrs.BaseValidationError):
            problems = cattrs.transform_error(exc, path=path)
        else:
            problems = [f"{type(exc).__name__}: {exc} @ {path}"]
        shown = "; ".join(problems[:5])
        more = f" (+{len(problems) - 5} more)" if len(problems) > 5 else ""
        raise SourceDecodeError(
            f"payload does not match {cls.__name__}: {shown}{more}", source=source
        ) from exc


# --------------------------------------------------------------------------- lenient converters


def to_str(value: Any) -> str | None:
    """Strings stay, numbers become their text, everything else ``None``."""
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def to_float(value: Any) -> float | None:
    """``".263"`` -> 0.263, ``"-.--"``/``""``/``None``/garbage -> ``None``; numbers pass through."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        result = float(value)
    elif isinstance(value, str):
        text = value.strip()
        if text in _PLACEHOLDERS:
            return None
        try:
            result = float(text)
        except ValueError:
            return None
    else:
        return None
    return result if math.isfinite(result) else None


def to_int(value: Any) -> int | None:
    """``12``/``"12"``/``12.0`` -> 12; fractions, placeholders and garbage -> ``None``."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    number = to_float(value)
    if number is None or not number.is_integer():
        return None
    return int(number)


def to_bool(value: Any) -> bool | None:
    """JSON booleans, ``"Y"/"N"``, ``"true"/"false"`` and 0/1; anything else ``None``."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in {"true", "y", "yes", "1"}:
            return True
        if text in {"false", "n", "no", "0"}:
            return False
    return None


_COMPACT_TS: Final = re.compile(r"^(\d{8})_(\d{6})$")


def to_datetime(value: Any) -> datetime | None:
    """ISO-8601 (``Z`` or offset), Stats API timecodes ``20240701_214404`` (UTC) or epoch seconds.

    Naive ISO values are taken as UTC so every result is timezone-aware; garbage -> ``None``.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    text = value.strip()
    match = _COMPACT_TS.match(text)
    if match:
        try:
            return datetime.strptime(text, "%Y%m%d_%H%M%S").replace(tzinfo=UTC)
        except ValueError:
            return None
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def to_date(value: Any) -> date | None:
    """``"2024-07-01"`` (or a datetime's date part) -> date; garbage -> ``None``."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def innings_to_outs(value: Any) -> int | None:
    """Baseball innings notation to outs: ``"6.1"`` -> 19, ``"6.2"`` -> 20, ``"0.0"`` -> 0.

    The digit after the dot counts outs (0, 1 or 2), it is not a decimal fraction.  Numbers are
    read the same way (``6.1`` -> 19).  Anything else (``"6.5"``, ``"-.--"``) -> ``None``.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value * 3 if value >= 0 else None
    text = f"{value:.1f}" if isinstance(value, float) else str(value).strip()
    whole, _, frac = text.partition(".")
    if not whole.isdecimal() or frac not in {"", "0", "1", "2"}:
        return None
    return int(whole) * 3 + int(frac or "0")


def outs_to_innings(outs: int) -> float:
    """Outs to true innings: 19 -> 6.333..."""
    return outs / 3


def innings_value(value: Any) -> float | None:
    """attrs converter for innings fields: text is baseball notation, numbers are true innings.

    ``"6.1"`` (as the Stats API sends it) -> 6.333...; ``6.333`` (as this SDK serializes it)
    stays; placeholders -> ``None``.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
        return number if math.isfinite(number) and number >= 0 else None
    outs = innings_to_outs(value)
    return None if outs is None else outs_to_innings(outs)


# ------------------------------------------------------------------------- camelCase structuring


def camel(name: str) -> str:
    """``at_bat_index`` -> ``atBatIndex`` (a field's ``metadata["key"]`` wins)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def register_camel_case(*classes: type[Any]) -> None:
    """Register camelCase key mapping for attrs ``classes`` on the package converter.

    Structure and unstructure use the same keys, so ``unstructure -> structure`` round-trips.
    A field may set ``metadata={"key": "otherName"}`` when the upstream key is not plain camel.
    """
    for cls in classes:
        overrides: dict[str, Any] = {
            field.name: override(rename=field.metadata.get("key") or camel(field.name))
            for field in attrs.fields(cls)
        }
        converter.register_structure_hook(cls, make_dict_structure_fn(cls, converter, **overrides))
        converter.register_unstructure_hook(
            cls, make_dict_unstructure_fn(cls, converter, **overrides)
        )


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` if it is a dict, else an empty dict (for optional sub-objects)."""
    return value if isinstance(value, dict) else {}


# ------------------------------------------------------------------ optional model fields
# Every upstream model field is optional (None when absent or a placeholder) and coerced by one
# of the converters above; ``key`` renames the payload's key where camelCase would be wrong.


def int_field() -> Any:
    """An optional ``int`` field (``to_int``)."""
    return attrs.field(default=None, converter=to_int)


def float_field() -> Any:
    """An optional ``float`` field (``to_float``)."""
    return attrs.field(default=None, converter=to_float)


def str_field(key: str | None = None) -> Any:
    """An optional ``str`` field (``to_str``), read from payload key ``key`` if given."""
    return attrs.field(default=None, converter=to_str, metadata={"key": key} if key else {})


def bool_field() -> Any:
    """An optional ``bool`` field (``to_bool``)."""
    return attrs.field(default=None, converter=to_bool)


def date_field(key: str | None = None) -> Any:
    """An optional ``date`` field (``to_date``), read from payload key ``key`` if given."""
    return attrs.field(default=None, converter=to_date, metadata={"key": key} if key else {})


def datetime_field() -> Any:
    """An optional aware ``datetime`` field (``to_datetime``)."""
    return attrs.field(default=None, converter=to_datetime)

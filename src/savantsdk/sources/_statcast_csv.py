"""Statcast search CSV parsing: bytes -> :class:`StatcastTable`.

Accepts every layout Savant and its mirrors have produced (89/92/94/118 columns, UTF-8 BOM,
quoted numbers, ``""``/``null``/``NA`` nulls, duplicate headers raw or renamed) and parses by
header *name*.  The tokenizer is vectorised with numpy: it finds every comma/newline outside
quotes in one pass over the bytes and slices fields from those offsets, so only the columns a
caller asks for are ever decoded.

Errors (all ``source="savant"``):

* HTML instead of CSV, truncated/corrupt gzip, a row with the wrong number of fields (named by
  row and line), an unterminated quoted field, non-UTF-8 text, a value that does not fit its
  column's type, missing required columns -> :class:`~savantsdk.exceptions.SourceDecodeError`;
* Savant's HTTP-200 error CSV (first column ``error``, e.g. "Query Timeout") ->
  :class:`~savantsdk.exceptions.SourceServerError` with ``status_code=200`` (retryable).
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import logging
import os
import re
import sys
import zlib
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import IO, Any

import attrs
import numpy as np
import numpy.typing as npt

from ..exceptions import SourceDecodeError, SourceServerError
from ._statcast_dates import parse_iso_dates
from ._statcast_models import ColumnKind, StatcastColumn, StatcastTable

__all__ = (
    "REQUIRED_COLUMNS",
    "STATCAST_LAYOUT",
    "parse_statcast_csv",
    "read_statcast_csv",
)

logger = logging.getLogger("savantsdk")

SOURCE = "savant"

#: Columns every Statcast pitch export must have (schema drift check).
REQUIRED_COLUMNS: tuple[str, ...] = (
    "game_date",
    "game_pk",
    "batter",
    "pitcher",
    "events",
    "description",
    "stand",
    "p_throws",
    "home_team",
    "away_team",
    "inning",
    "inning_topbot",
    "outs_when_up",
    "at_bat_number",
    "pitch_number",
)

#: Field texts that mean "missing" (after removing surrounding quotes).
NULL_LITERALS: frozenset[bytes] = frozenset({b"", b"NA", b"null", b"NULL", b"NaN", b"nan"})

#: The 118-column Savant ``statcast_search/csv`` layout (2025+), in wire order, with each
#: column's kind.  The parser reads by header name (order does not matter to it); the fake
#: upstream writes this order.  The one home of the column list.
STATCAST_LAYOUT: tuple[tuple[str, ColumnKind], ...] = (
    ("pitch_type", "str"),
    ("game_date", "date"),
    ("release_speed", "float"),
    ("release_pos_x", "float"),
    ("release_pos_z", "float"),
    ("player_name", "str"),
    ("batter", "int"),
    ("pitcher", "int"),
    ("events", "str"),
    ("description", "str"),
    ("spin_dir", "str"),
    ("spin_rate_deprecated", "float"),
    ("break_angle_deprecated", "float"),
    ("break_length_deprecated", "float"),
    ("zone", "int"),
    ("des", "str"),
    ("game_type", "str"),
    ("stand", "str"),
    ("p_throws", "str"),
    ("home_team", "str"),
    ("away_team", "str"),
    ("type", "str"),
    ("hit_location", "int"),
    ("bb_type", "str"),
    ("balls", "int"),
    ("strikes", "int"),
    ("game_year", "int"),
    ("pfx_x", "float"),
    ("pfx_z", "float"),
    ("plate_x", "float"),
    ("plate_z", "float"),
    ("on_3b", "int"),
    ("on_2b", "int"),
    ("on_1b", "int"),
    ("outs_when_up", "int"),
    ("inning", "int"),
    ("inning_topbot", "str"),
    ("hc_x", "float"),
    ("hc_y", "float"),
    ("tfs_deprecated", "str"),
    ("tfs_zulu_deprecated", "str"),
    ("umpire", "str"),
    ("sv_id", "str"),
    ("vx0", "float"),
    ("vy0", "float"),
    ("vz0", "float"),
    ("ax", "float"),
    ("ay", "float"),
    ("az", "float"),
    ("sz_top", "float"),
    ("sz_bot", "float"),
    ("hit_distance_sc", "float"),
    ("launch_speed", "float"),
    ("launch_angle", "float"),
    ("effective_speed", "float"),
    ("release_spin_rate", "float"),
    ("release_extension", "float"),
    ("game_pk", "int"),
    ("fielder_2", "int"),
    ("fielder_3", "int"),
    ("fielder_4", "int"),
    ("fielder_5", "int"),
    ("fielder_6", "int"),
    ("fielder_7", "int"),
    ("fielder_8", "int"),
    ("fielder_9", "int"),
    ("release_pos_y", "float"),
    ("estimated_ba_using_speedangle", "float"),
    ("estimated_woba_using_speedangle", "float"),
    ("woba_value", "float"),
    ("woba_denom", "int"),
    ("babip_value", "int"),
    ("iso_value", "int"),
    ("launch_speed_angle", "int"),
    ("at_bat_number", "int"),
    ("pitch_number", "int"),
    ("pitch_name", "str"),
    ("home_score", "int"),
    ("away_score", "int"),
    ("bat_score", "int"),
    ("fld_score", "int"),
    ("post_away_score", "int"),
    ("post_home_score", "int"),
    ("post_bat_score", "int"),
    ("post_fld_score", "int"),
    ("if_fielding_alignment", "str"),
    ("of_fielding_alignment", "str"),
    ("spin_axis", "float"),
    ("delta_home_win_exp", "float"),
    ("delta_run_exp", "float"),
    ("bat_speed", "float"),
    ("swing_length", "float"),
    ("estimated_slg_using_speedangle", "float"),
    ("delta_pitcher_run_exp", "float"),
    ("hyper_speed", "float"),
    ("home_score_diff", "int"),
    ("bat_score_diff", "int"),
    ("home_win_exp", "float"),
    ("bat_win_exp", "float"),
    ("age_pit_legacy", "int"),
    ("age_bat_legacy", "int"),
    ("age_pit", "int"),
    ("age_bat", "int"),
    ("n_thruorder_pitcher", "int"),
    ("n_priorpa_thisgame_player_at_bat", "int"),
    ("pitcher_days_since_prev_game", "int"),
    ("batter_days_since_prev_game", "int"),
    ("pitcher_days_until_next_game", "int"),
    ("batter_days_until_next_game", "int"),
    ("api_break_z_with_gravity", "float"),
    ("api_break_x_arm", "float"),
    ("api_break_x_batter_in", "float"),
    ("arm_angle", "float"),
    ("attack_angle", "float"),
    ("attack_direction", "float"),
    ("swing_path_tilt", "float"),
    ("intercept_ball_minus_batter_pos_x_inches", "float"),
    ("intercept_ball_minus_batter_pos_y_inches", "float"),
)
#: Older exports' extra columns (still parsed by kind; not in today's layout).
_LEGACY_KINDS: tuple[tuple[str, ColumnKind], ...] = (("pitcher_1", "int"), ("fielder_2_1", "int"))
_KINDS: dict[str, ColumnKind] = dict(STATCAST_LAYOUT + _LEGACY_KINDS)

_HTML_START = re.compile(rb"^\s*<", re.ASCII)
_DUP_PANDAS = re.compile(r"^(.+)\.(\d+)$")
_GZIP_MAGIC = b"\x1f\x8b"
_BOM = b"\xef\xbb\xbf"
_WIDE = 48  # string fields wider than this are sliced in Python instead of gathered


# --------------------------------------------------------------------------- bytes level


def decompress(data: bytes) -> bytes:
    """Gunzip when ``data`` starts with the gzip magic bytes; typed error if truncated."""
    if data[:2] != _GZIP_MAGIC:
        return data
    try:
        return gzip.decompress(data)
    except (EOFError, OSError, zlib.error) as exc:
        raise SourceDecodeError(
            f"gzip payload is truncated or corrupt ({exc})", source=SOURCE
        ) from exc


def check_html(data: bytes) -> None:
    """Raise :class:`SourceDecodeError` if ``data`` is an HTML page rather than CSV."""
    if _HTML_START.match(data[:512]):
        snippet = data[:200].decode("utf-8", "replace")
        raise SourceDecodeError(f"expected CSV but got an HTML page: {snippet!r}", source=SOURCE)


def _load(source: bytes | str | os.PathLike[str] | IO[bytes]) -> tuple[bytes, str | None]:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), None
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        with open(path, "rb") as fh:
            return fh.read(), path
    data = source.read()
    if not isinstance(data, bytes):
        raise TypeError("read_statcast_csv needs a binary file object")
    return data, getattr(source, "name", None)


#: Offsets of field separators: int32 whenever the payload allows (half the memory traffic
#: of int64 for the largest array the parser builds), int64 beyond 2 GiB.
Offsets = npt.NDArray[np.signedinteger[Any]]


@attrs.frozen(eq=False)
class Tokens:
    """Field offsets of a CSV body.

    ``ends[r, c]`` is the offset in ``buf`` of the separator (comma or newline) that ends
    field ``c`` of row ``r``; a field starts one past the previous separator, so starts are
    derived on demand (:meth:`starts`) instead of stored.
    """

    header: tuple[str, ...]
    buf: npt.NDArray[np.uint8]
    ends: Offsets
    body_start: int
    data: bytes

    @property
    def rows(self) -> int:
        return int(self.ends.shape[0])

    def index(self, name: str) -> int:
        return self.header.index(name)

    def starts(self, col: int, rows: npt.NDArray[np.int64] | None = None) -> npt.NDArray[np.int64]:
        """Start offsets of field ``col`` for ``rows`` (all rows when ``None``)."""
        if col > 0:
            prev = self.ends[:, col - 1] if rows is None else self.ends[rows, col - 1]
            return prev + 1
        row_start = np.empty(self.rows, dtype=np.int64)
        if self.rows:
            prev_end = self.ends[:-1, -1]
            row_start[0] = self.body_start
            row_start[1:] = prev_end + 1 + (self.buf[prev_end] == 13)  # skip "\r\n"
        return row_start if rows is None else row_start[rows]


def canonical_names(raw: Sequence[str]) -> tuple[str, ...]:
    """Normalise header names: duplicates become ``name_1``, ``name_2`` (baseballr style).

    Raw duplicates (``pitcher`` twice), pandas' ``pitcher.1`` and baseballr's ``pitcher_1``
    all end up as ``pitcher`` + ``pitcher_1``.
    """
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, raw_name in enumerate(raw):
        name = raw_name.strip() or f"unnamed_{i}"
        m = _DUP_PANDAS.match(name)
        if m and m.group(1) in seen:
            name = f"{m.group(1)}_{m.group(2)}"
        if name in seen:
            seen[name] += 1
            candidate = f"{name}_{seen[name]}"
            while candidate in seen:
                seen[name] += 1
                candidate = f"{name}_{seen[name]}"
            name = candidate
        seen.setdefault(name, 0)
        out.append(name)
    return tuple(out)


def _line_of(buf: npt.NDArray[np.uint8], offset: int) -> int:
    return int(np.count_nonzero(buf[:offset] == 10)) + 1


_SCAN_BLOCK = 1 << 18  # bytes per block of the separator scan: its temporaries stay in cache


def _separators(buf: npt.NDArray[np.uint8]) -> tuple[Offsets, npt.NDArray[np.bool_]]:
    """Offsets of every comma/newline outside quotes, and which of them are newlines.

    The bytes are scanned in cache-sized blocks; each block finds its commas, newlines and
    quotes in one pass and works on that token list from then on (about a sixth of the
    bytes).  Quotes pair up in order (an escaped ``""`` inside a field is two adjacent
    quotes, which keeps the pairing right; a quoted field may span blocks) and the
    separators strictly between a pair are dropped.  Only the blocks' survivors are copied
    into the result, so no full-size temporary is ever built.
    """
    dtype = np.int32 if buf.size < 2**31 - 1 else np.int64
    mask = np.empty(min(buf.size, _SCAN_BLOCK), dtype=bool)
    tmp = np.empty_like(mask)
    seps: list[Offsets] = []
    newlines: list[npt.NDArray[np.bool_]] = []
    open_quote = False  # the previous block ended inside a quoted field
    for lo in range(0, buf.size, _SCAN_BLOCK):
        block = buf[lo : lo + _SCAN_BLOCK]
        m, t = mask[: block.size], tmp[: block.size]
        np.equal(block, 44, out=m)
        np.equal(block, 10, out=t)
        m |= t
        np.equal(block, 34, out=t)
        m |= t
        found = np.flatnonzero(m)
        kinds = block[found]
        is_quote = kinds == 34
        quotes = np.flatnonzero(is_quote)
        if quotes.size or open_quote:
            if open_quote:  # the block starts inside a field: its first quote closes it
                quotes = np.concatenate(([-1], quotes))
            open_quote = bool(quotes.size % 2)
            if open_quote:  # the last field continues into the next block
                quotes = np.append(quotes, found.size)
            keep = ~is_quote
            opens = quotes[0::2] + 1
            lens = quotes[1::2] - opens  # tokens strictly inside each quoted field
            inside = lens > 0
            if inside.any():
                opens, lens = opens[inside], lens[inside]
                first_of_range = np.repeat(opens - (np.cumsum(lens) - lens), lens)
                keep[first_of_range + np.arange(int(lens.sum()))] = False
            found, kinds = found[keep], kinds[keep]
        offsets: Offsets = found.astype(dtype)
        offsets += lo
        seps.append(offsets)
        newlines.append(kinds == 10)
    if open_quote:
        raise SourceDecodeError(
            "unterminated quoted field at the end of the CSV (truncated payload?)",
            source=SOURCE,
        )
    if len(seps) == 1:
        return seps[0], newlines[0]
    joined: Offsets = np.concatenate(seps)
    return joined, np.concatenate(newlines)


def tokenize(payload: bytes) -> Tokens:
    """Decompress if gzipped, reject HTML / error CSVs, and locate every field.

    Raises the typed errors described in the module docstring.
    """
    data = decompress(payload)
    data = data.removeprefix(_BOM)
    check_html(data)
    buf = np.frombuffer(data, dtype=np.uint8)
    if not data or data.isspace():  # (no .strip(): it would copy the whole payload)
        return Tokens((), buf, np.zeros((0, 0), dtype=np.int64), 0, data)

    sep, newline = _separators(buf)
    if not data.endswith(b"\n"):
        sep = np.append(sep, len(data))
        newline = np.append(newline, True)

    nl_idx = np.flatnonzero(newline)
    header_end = int(sep[nl_idx[0]])
    header_text = _decode(data[:header_end], "the header").rstrip("\r")
    try:
        header = canonical_names(next(csv.reader([header_text])))
    except csv.Error as exc:  # e.g. a stray carriage return inside the header line
        raise SourceDecodeError(f"the CSV header is malformed ({exc})", source=SOURCE) from exc
    _raise_if_error_csv(header, data)
    ncol = len(header)
    first = int(nl_idx[0]) + 1
    body_start = header_end + 1
    ends = sep[first:]
    row_ends = nl_idx[1:] - first
    counts = np.diff(row_ends, prepend=-1)
    if (counts != ncol).any():
        # Blank lines (a newline right after a newline) carry no row; drop them and recount.
        # (The previous separator must be a newline too: "...,x,\n" ends in an empty field.)
        prev = np.concatenate(([header_end], ends[:-1]))
        prev_newline = np.concatenate(([True], newline[first:-1]))
        blank = (newline[first:] & prev_newline) & (
            (ends == prev + 1)
            | ((ends == prev + 2) & (buf[np.minimum(prev + 1, buf.size - 1)] == 13))
        )
        if blank.any():
            ends = ends[~blank]
            row_ends = np.flatnonzero(np.delete(newline[first:], np.flatnonzero(blank)))
            counts = np.diff(row_ends, prepend=-1)
        bad = np.flatnonzero(counts != ncol)
        if bad.size:
            r = int(bad[0])
            row_start = body_start if r == 0 else int(ends[row_ends[r - 1]]) + 1
            raise SourceDecodeError(
                f"CSV row {r + 1} (line {_line_of(buf, row_start)}) has {int(counts[r])} "
                f"fields, the header has {ncol} (truncated or malformed payload)",
                source=SOURCE,
            )
    if ends.size != row_ends.size * ncol:  # fields after the last row: cannot be a table
        raise SourceDecodeError(
            f"CSV has {ends.size} fields, not {row_ends.size} rows of {ncol} "
            "(truncated or malformed payload)",
            source=SOURCE,
        )
    ends2 = ends.reshape(row_ends.size, ncol)
    if row_ends.size and data.find(b"\r", body_start) >= 0:
        last = ends2[:, -1]
        cr = buf[np.maximum(last - 1, 0)] == 13
        ends2[:, -1] = last - cr
    return Tokens(header, buf, ends2, body_start, data)


def _decode(raw: bytes, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceDecodeError(f"{what} is not valid UTF-8 ({exc})", source=SOURCE) from exc


def _raise_if_error_csv(header: Sequence[str], data: bytes) -> None:
    if not header or header[0].strip().strip('"').lower() != "error":
        return
    text = data.decode("utf-8", "replace")
    try:
        rows = list(csv.reader(text.splitlines()[1:2]))
    except csv.Error:
        rows = []
    message = rows[0][0] if rows and rows[0] else text[:300]
    raise SourceServerError(
        f"Savant returned an error CSV: {message}", source=SOURCE, status_code=200, body=text
    )


# --------------------------------------------------------------------------- field level


def field_bounds(
    tok: Tokens, col: int, rows: npt.NDArray[np.int64] | None = None
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Start/end offsets of column ``col`` (for ``rows``), surrounding quotes removed."""
    s = tok.starts(col, rows)
    e = tok.ends[:, col] if rows is None else tok.ends[rows, col]
    if s.size:
        quoted = (e - s >= 2) & (tok.buf[np.minimum(s, tok.buf.size - 1)] == 34)
        s = s + quoted
        e = e - quoted
    return s, e


_CHUNK = 1 << 16  # rows per block, bounds the temporary index matrix to ~0.5 MB per byte


def gather(
    buf: npt.NDArray[np.uint8],
    s: npt.NDArray[np.int64],
    e: npt.NDArray[np.int64],
    min_width: int = 1,
) -> Any:
    """Fixed-width ``S<w>`` array of the fields ``buf[s:e]`` (vectorised, in row blocks)."""
    width = max(int((e - s).max()) if s.size else 1, min_width)
    offsets = np.arange(width, dtype=np.int64)
    chars = np.zeros((s.size, width), dtype=np.uint8)
    for lo in range(0, s.size, _CHUNK):
        cs, ce = s[lo : lo + _CHUNK], e[lo : lo + _CHUNK]
        valid = offsets < (ce - cs)[:, None]
        block = buf[np.where(valid, cs[:, None] + offsets, 0)]
        block[~valid] = 0
        chars[lo : lo + _CHUNK] = block
    return chars.view(f"S{width}").ravel()


_NULL_ARRAY = np.array(sorted(NULL_LITERALS), dtype="S4")


def null_mask(fixed: Any) -> npt.NDArray[np.bool_]:
    return np.isin(fixed, _NULL_ARRAY)


def _bad_value(
    tok: Tokens, name: str, col: int, rows: npt.NDArray[np.int64] | None, kind: str
) -> SourceDecodeError:
    s, e = field_bounds(tok, col, rows)
    for k, (a, b) in enumerate(zip(s.tolist(), e.tolist(), strict=True)):
        raw = tok.data[a:b]
        if raw in NULL_LITERALS:
            continue
        try:
            float(raw)
        except ValueError:
            r = int(rows[k]) if rows is not None else k
            line = _line_of(tok.buf, int(tok.starts(0)[r]))
            return SourceDecodeError(
                f"column {name!r} row {r + 1} (line {line}): {raw[:40]!r} is not a {kind}",
                source=SOURCE,
            )
    return SourceDecodeError(f"column {name!r} has values that are not {kind}s", source=SOURCE)


def decode_float(
    tok: Tokens, col: int, rows: npt.NDArray[np.int64] | None = None
) -> npt.NDArray[np.float64]:
    """Float column; null literals -> NaN.  Typed error naming row and line on bad text."""
    s, e = field_bounds(tok, col, rows)
    fixed = gather(tok.buf, s, e, 3)
    fixed[null_mask(fixed)] = b"nan"
    try:
        out: npt.NDArray[np.float64] = fixed.astype(np.float64)
    except ValueError as exc:
        raise _bad_value(tok, tok.header[col], col, rows, "number") from exc
    return out


_POW10 = 10 ** np.arange(18, dtype=np.int64)[::-1]


def decode_int(
    tok: Tokens, col: int, rows: npt.NDArray[np.int64] | None = None
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]] | npt.NDArray[np.float64]:
    """``(values, missing)`` for an integer column, or a float array if values are fractional.

    Plain digit strings (the common case) are converted vectorised, right-aligned in a
    fixed-width byte matrix; anything else (sign, decimal point, null literal) falls back to
    the float path for the column.
    """
    s, e = field_bounds(tok, col, rows)
    n = s.size
    width = int((e - s).max()) if n else 0
    if 0 < width <= 18:
        offsets = np.arange(width, dtype=np.int64)
        idx = e[:, None] - width + offsets
        valid = idx >= s[:, None]
        digits = tok.buf[np.where(valid, idx, 0)].astype(np.int64) - 48
        ok: npt.NDArray[np.bool_] = np.all(~valid | ((digits >= 0) & (digits <= 9)), axis=1)
        missing: npt.NDArray[np.bool_] = np.asarray(e == s, dtype=bool)
        if not ok.all():  # null literals ("NA", "null") are fine; anything else is not
            odd = np.flatnonzero(~ok)
            nulls = null_mask(gather(tok.buf, s[odd], e[odd]))
            if nulls.all():
                missing[odd] = True
                ok[odd] = True
        if ok.all():
            digits[~valid] = 0
            digits[missing] = 0
            return (digits * _POW10[18 - width :]).sum(axis=1), missing
    floats = decode_float(tok, col, rows)
    missing = np.isnan(floats)
    filled = np.where(missing, 0.0, floats)
    if not (np.abs(filled) < 2.0**62).all():  # inf or huge: no int64 holds it
        return floats
    ints = filled.astype(np.int64)
    if not np.array_equal(ints, filled):
        return floats
    return ints, missing


def decode_categories(
    tok: Tokens, col: int, rows: npt.NDArray[np.int64] | None = None, *, intern: bool = True
) -> tuple[list[str | None], npt.NDArray[np.intp]] | None:
    """``(vocabulary, codes)`` of a short-text column: ``vocabulary[codes[i]]`` is row ``i``'s
    (interned) text, ``None`` where missing.  ``None`` when a field is too wide for the
    vectorised path (free text such as ``des``).
    """
    s, e = field_bounds(tok, col, rows)
    if s.size and int((e - s).max()) > _WIDE:
        return None
    name = tok.header[col]
    uniq, inverse = np.unique(gather(tok.buf, s, e), return_inverse=True)
    vocab = [None if raw in NULL_LITERALS else _text(raw, name, intern) for raw in uniq.tolist()]
    return vocab, inverse.reshape(-1)


def decode_str(
    tok: Tokens, col: int, rows: npt.NDArray[np.int64] | None = None, *, intern: bool = True
) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.bool_]]:
    """``(values, missing)``: an object array of (interned) str, ``None`` where missing."""
    if (tok.rows if rows is None else rows.size) == 0:
        return np.empty(0, dtype=object), np.zeros(0, dtype=bool)
    coded = decode_categories(tok, col, rows, intern=intern)
    if coded is not None:
        words, codes = coded
        vocab = np.empty(len(words), dtype=object)
        vocab[:] = words
        missing_words = np.array([w is None for w in words], dtype=bool)
        return vocab[codes], missing_words[codes]
    s, e = field_bounds(tok, col, rows)
    name, data = tok.header[col], tok.data
    values = np.empty(s.size, dtype=object)
    values[:] = [
        None if (raw := data[a:b]) in NULL_LITERALS else _text(raw, name, intern=False)
        for a, b in zip(s.tolist(), e.tolist(), strict=True)
    ]
    missing = np.fromiter((v is None for v in values.tolist()), dtype=bool, count=values.size)
    return values, missing


def _text(raw: bytes, name: str, intern: bool) -> str:
    text = _decode(raw, f"column {name!r}")
    if '""' in text:
        text = text.replace('""', '"')
    return sys.intern(text) if intern else text


def decode_date(
    tok: Tokens, col: int, rows: npt.NDArray[np.int64] | None = None
) -> npt.NDArray[np.datetime64]:
    s, e = field_bounds(tok, col, rows)
    fixed = gather(tok.buf, s, e, 3)
    return parse_iso_dates(fixed, null_mask(fixed), tok.header[col])


def column_kind(name: str) -> ColumnKind | None:
    """The declared kind of a known column, ``None`` for unknown columns (inferred)."""
    return _KINDS.get(name)


def decode_column(tok: Tokens, col: int) -> StatcastColumn:
    """Decode one full column by its declared kind (unknown columns: float if numeric, else str)."""
    name = tok.header[col]
    kind = column_kind(name)
    if kind == "date":
        dates = decode_date(tok, col)
        return StatcastColumn(name, "date", dates, np.isnat(dates))
    if kind == "str":
        values, missing = decode_str(tok, col)
        return StatcastColumn(name, "str", values, missing)
    try:
        if kind == "int":
            res = decode_int(tok, col)
            if isinstance(res, tuple):
                return StatcastColumn(name, "int", res[0], res[1])
            logger.debug("savant column %s has fractional values; kept as float", name)
            return StatcastColumn(name, "float", res, np.isnan(res))
        floats = decode_float(tok, col)
        return StatcastColumn(name, "float", floats, np.isnan(floats))
    except SourceDecodeError:
        if kind is not None:  # a known numeric column with text in it: a real decode error
            raise
        values, missing = decode_str(tok, col)  # unknown column: kept as text
        return StatcastColumn(name, "str", values, missing)


def check_required(header: Collection[str], required: Collection[str]) -> None:
    """Raise :class:`SourceDecodeError` naming every required column the header lacks."""
    missing = [c for c in required if c not in header]
    if missing:
        raise SourceDecodeError(
            f"Statcast CSV is missing required column(s) {', '.join(missing)} "
            f"(schema drift?); it has {len(header)} columns",
            source=SOURCE,
        )


# --------------------------------------------------------------------------- public API


def parse_statcast_csv(
    data: bytes,
    *,
    source_day: dt.date | None = None,
    columns: Collection[str] | None = None,
    required: Collection[str] = REQUIRED_COLUMNS,
    lazy: bool = False,
) -> StatcastTable:
    """Parse a Statcast search CSV payload (gzipped or not) into a :class:`StatcastTable`.

    ``columns`` limits decoding to those names (faster); every column is kept otherwise,
    including ones this version does not know (typed ``float`` when numeric, else ``str``).
    An empty payload is an empty table (Savant's answer for a day without games).

    Structure (HTML, error CSV, gzip, field counts, required columns) is always checked up
    front.  With ``lazy=True`` each column is decoded on first access instead of here, so a
    bad value in a column surfaces when that column is read; the raw bytes stay in memory.
    """
    tok = tokenize(data)
    if not tok.header:
        return StatcastTable({}, 0, source_day)
    check_required(tok.header, required)
    wanted = list(range(len(tok.header)))
    if columns is not None:
        check_required(tok.header, columns)
        keep = set(columns)
        wanted = [i for i, n in enumerate(tok.header) if n in keep]
    if lazy:
        return StatcastTable(LazyColumns(tok, wanted), tok.rows, source_day)
    cols = {tok.header[i]: decode_column(tok, i) for i in wanted}
    return StatcastTable(cols, tok.rows, source_day)


class LazyColumns(Mapping[str, StatcastColumn]):
    """Column mapping that decodes a column the first time it is read, then caches it."""

    def __init__(self, tok: Tokens, wanted: Sequence[int]) -> None:
        self._tok = tok
        self._index = {tok.header[i]: i for i in wanted}
        self._cache: dict[str, StatcastColumn] = {}

    def __getitem__(self, name: str) -> StatcastColumn:
        col = self._cache.get(name)
        if col is None:
            col = self._cache[name] = decode_column(self._tok, self._index[name])
        return col

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, name: object) -> bool:
        return name in self._index


def read_statcast_csv(
    source: bytes | str | os.PathLike[str] | IO[bytes],
    *,
    columns: Collection[str] | None = None,
    required: Collection[str] = REQUIRED_COLUMNS,
    lazy: bool = False,
) -> StatcastTable:
    """Read a local Statcast CSV (path, bytes or binary file object), gzipped or not.

    Gzip is detected by its magic bytes, not the file name.  Same result and errors as
    :func:`parse_statcast_csv`; error messages name the file.
    """
    data, name = _load(source)
    try:
        return parse_statcast_csv(data, columns=columns, required=required, lazy=lazy)
    except SourceDecodeError as exc:
        if name is None:
            raise
        raise SourceDecodeError(f"{name}: {exc.message}", source=SOURCE) from exc

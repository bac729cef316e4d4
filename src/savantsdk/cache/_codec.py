"""Cache entry format: a fixed header, then the (maybe compressed) JSON payload.

Values are serialized once, through the package converter (:mod:`savantsdk._serde`, orjson);
never pickle.  Layout (little-endian, 40 bytes, then the type tag, then the payload)::

    magic      3s   b"\\xa7SV" (not valid UTF-8 at byte 0: JSON, pickle and text never match)
    version    B    entry format version (1)
    codec      B    0 = raw JSON, 1 = zlib (level 1), 2 = zstandard (level 1, optional package)
    flags      B    bit 0: a binary payload (below); other bits reserved (0)
    tag_len    H    length of the UTF-8 type tag that follows the header (0 = none)
    stored_at  d    wall time the value was written
    soft_exp   d    wall time it turns stale (0 = never)
    hard_exp   d    wall time the backend drops it (0 = never); L1 fills never outlive it
    size       I    payload length in bytes (after compression)
    crc32      I    CRC-32 of the payload as stored

Binary payloads: a value whose class was registered with :func:`register_binary` (the
Statcast day tables, ``sources._statcast_store``) is written by its own ``dump`` (raw numpy
buffers with a length-checked directory, compressed inside; never pickle) with flag bit 0
set and codec 0, and read back by the ``load`` registered for the type the reader asks for.
A binary entry read as a type without a loader is corrupt for that reader (a miss).

A reader that finds a short buffer, a foreign magic, an unknown version or codec, a length or
checksum mismatch, or bytes that do not decode gets :class:`CorruptEntryError` (internal: the
policy layer turns it into a miss plus a metric).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from typing import Any, Final, cast

import orjson

from .. import _serde

__all__ = (
    "CODEC_RAW",
    "CODEC_ZLIB",
    "CODEC_ZSTD",
    "COMPRESSIONS",
    "DEFAULT_COMPRESS_MIN_BYTES",
    "CorruptEntryError",
    "EntryHeader",
    "decode",
    "encode",
    "peek_header",
    "register_binary",
)

MAGIC: Final = b"\xa7SV"
FORMAT_VERSION: Final = 1
CODEC_RAW: Final = 0
CODEC_ZLIB: Final = 1
CODEC_ZSTD: Final = 2
#: Names accepted by ``encode(compression=...)`` / ``Cache(compression=...)``.
COMPRESSIONS: Final = ("zlib", "zstd")
#: Payloads at least this big (serialized JSON) are zlib-compressed at level 1.
DEFAULT_COMPRESS_MIN_BYTES: Final = 16 * 1024
_HEADER = struct.Struct("<3sBBBHdddII")
HEADER_SIZE: Final = _HEADER.size
FLAG_BINARY: Final = 1

_dumpers: dict[type, Callable[[Any], bytes]] = {}
_loaders: dict[Any, Callable[[memoryview], Any]] = {}


def register_binary(
    value_type: type,
    *,
    read_as: Any,
    dump: Callable[[Any], bytes],
    load: Callable[[memoryview], Any],
) -> None:
    """Store ``value_type`` values with ``dump`` (bytes, flag bit 0) instead of JSON; a read
    as ``read_as`` (the type the caller passes to ``Cache.get``) of such an entry gets
    ``load(payload)``.  ``load`` raises ``ValueError`` for bytes it cannot read (a miss)."""
    _dumpers[value_type] = dump
    _loaders[read_as] = load


class CorruptEntryError(Exception):
    """Internal: the bytes are not a readable entry.  Never reaches users."""


class EntryHeader:
    """What a reader learns from an entry without parsing its payload (read-only by
    convention; a plain slotted class because it is built on every cache read)."""

    __slots__ = (
        "codec",
        "flags",
        "hard_expires_at",
        "size",
        "soft_expires_at",
        "stored_at",
        "type_tag",
    )

    def __init__(  # noqa: PLR0917 - positional on purpose: built on every read
        self,
        codec: int,
        stored_at: float,
        soft_expires_at: float,
        hard_expires_at: float,
        type_tag: str,
        size: int,
        flags: int = 0,
    ) -> None:
        self.codec = codec
        self.flags = flags
        self.stored_at = stored_at
        self.soft_expires_at = soft_expires_at
        self.hard_expires_at = hard_expires_at
        self.type_tag = type_tag
        self.size = size

    def __repr__(self) -> str:
        return (
            f"EntryHeader(codec={self.codec}, stored_at={self.stored_at}, "
            f"soft_expires_at={self.soft_expires_at}, hard_expires_at={self.hard_expires_at}, "
            f"type_tag={self.type_tag!r}, size={self.size})"
        )


def encode(
    value: Any,
    *,
    stored_at: float,
    soft_expires_at: float = 0.0,
    hard_expires_at: float = 0.0,
    type_tag: str = "",
    compress_min_bytes: int | None = DEFAULT_COMPRESS_MIN_BYTES,
    compression: str = "zlib",
) -> bytes:
    """Serialize ``value`` (attrs models, dicts, lists, dates, ...) into one entry.

    Payloads of at least ``compress_min_bytes`` are compressed with ``compression``
    (``"zlib"``, stdlib; or ``"zstd"``, needs the ``zstandard`` package) when that shrinks them.
    """
    dump = _dumpers.get(type(value))
    codec = CODEC_RAW
    flags = 0
    if dump is not None:
        payload, flags = dump(value), FLAG_BINARY  # compressed inside, as its format says
    else:
        payload = _serde.dumps(value)
    if flags == 0 and compress_min_bytes is not None and len(payload) >= compress_min_bytes:
        if compression == "zstd":
            packed, packed_codec = _zstd().compress(payload), CODEC_ZSTD
        else:
            packed, packed_codec = zlib.compress(payload, 1), CODEC_ZLIB
        if len(packed) < len(payload):
            payload, codec = packed, packed_codec
    tag = type_tag.encode()
    header = _HEADER.pack(
        MAGIC,
        FORMAT_VERSION,
        codec,
        flags,
        len(tag),
        stored_at,
        soft_expires_at,
        hard_expires_at,
        len(payload),
        zlib.crc32(payload),
    )
    return b"".join((header, tag, payload))


def peek_header(raw: bytes) -> EntryHeader:
    """Parse and validate the header only (cheap; used by the tiered L1 fill)."""
    header, _ = _split(raw)
    return header


_unpack = _HEADER.unpack_from
_crc32 = zlib.crc32


def _split(raw: bytes) -> tuple[EntryHeader, bytes | memoryview]:
    # Hot path (every cache read): kept flat on purpose.
    try:
        magic, version, codec, flags, tag_len, stored, soft, hard, size, crc = _unpack(raw)
    except struct.error as exc:
        raise CorruptEntryError("truncated header") from exc
    if magic != MAGIC:
        raise CorruptEntryError("foreign entry (bad magic)")
    if version != FORMAT_VERSION:
        raise CorruptEntryError(f"unknown entry format version {version}")
    if codec > CODEC_ZSTD:
        raise CorruptEntryError(f"unknown codec {codec}")
    if flags & ~FLAG_BINARY or (flags and codec != CODEC_RAW):
        raise CorruptEntryError(f"unknown flags {flags:#x}")
    start = HEADER_SIZE + tag_len
    if len(raw) != start + size:
        raise CorruptEntryError("length mismatch (truncated or padded entry)")
    # small payloads: a bytes slice is cheaper than a view; big ones: never copy
    payload = raw[start:] if size < 4096 else memoryview(raw)[start:]
    if _crc32(payload) != crc:
        raise CorruptEntryError("checksum mismatch")
    tag = ""
    if tag_len:
        try:
            tag = raw[HEADER_SIZE:start].decode()
        except UnicodeDecodeError as exc:
            raise CorruptEntryError("bad type tag") from exc
    return EntryHeader(codec, stored, soft, hard, tag, size, flags), payload


def decode(raw: bytes, type_: Any = None) -> tuple[EntryHeader, Any]:
    """Return the header and the value, structured into ``type_`` when given."""
    header, payload = _split(raw)
    if header.flags:
        try:
            load = _loaders.get(type_)
        except TypeError:  # an unhashable annotation
            load = None
        if load is None:
            raise CorruptEntryError(f"binary entry read as {type_!r}, which has no loader")
        try:
            return header, load(memoryview(payload))
        except Exception as exc:  # the loader validates every length; anything else: a miss
            raise CorruptEntryError(f"unreadable binary payload: {exc}") from exc
    try:
        codec = header.codec
        if codec == CODEC_ZLIB:
            payload = zlib.decompress(payload)
        elif codec == CODEC_ZSTD:
            payload = _zstd_decompress(payload)
        if type_ is None:
            return header, orjson.loads(payload)
        return header, _serde.loads(cast(bytes, payload), type_)  # orjson reads memoryviews
    except CorruptEntryError:
        raise
    except Exception as exc:  # orjson, zlib, zstandard and cattrs each raise their own types
        raise CorruptEntryError(f"undecodable payload: {type(exc).__name__}") from exc


def zstd_available() -> bool:
    try:
        import zstandard  # noqa: F401
    except ImportError:
        return False
    return True


def _zstd() -> Any:
    import zstandard

    return zstandard.ZstdCompressor(level=1)


def _zstd_decompress(payload: bytes | memoryview) -> bytes:
    try:
        import zstandard
    except ImportError as exc:  # written by a process that had it: a miss here, not a crash
        raise CorruptEntryError("zstd entry but the zstandard package is not installed") from exc
    return bytes(zstandard.ZstdDecompressor().decompress(payload))

"""The Chadwick Bureau register: every player id it carries (MLBAM, FanGraphs, Baseball
Reference, Retrosheet), read from its public GitHub repository or from a local copy.

The register is ``chadwickbureau/register``'s ``data/people-0.csv`` .. ``people-f.csv`` (16
shards, about 510,000 people, ODC-BY 1.0: attribute the Chadwick Baseball Bureau).
:class:`ChadwickClient` (``client.chadwick``) fetches the shards on first use through the
``chadwick`` source's executor (rate limit, retries, breaker) and caches each one, reduced to the
people with at least one of the four ids and to :data:`REGISTER_COLUMNS`, as ``reference`` data
(a day fresh; the register is updated about weekly).  :func:`read_register` reads a local copy
instead: ``people.csv`` / ``people.csv.gz`` (the shards concatenated), one shard, a subset with
the same columns, or a directory holding either.

Lookup by name (fuzzy) or by id is :class:`savantsdk.ids.PlayerLookup`, on a client
``client.players.lookup(...)``.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

import anyio
import attrs

from .._frames import FrameColumn, FrameExport, record_columns
from .._progress import progress_bar
from ..cache import cache_key
from ..exceptions import ConfigurationError, SavantError, SourceDecodeError
from ..executor import Lane
from ._fetch import NoQuotaSource, cached_fetch, send_once

if TYPE_CHECKING:
    from ..typing import SourceContext

__all__ = (
    "ChadwickClient",
    "ID_KEYS",
    "IdKey",
    "REGISTER_COLUMNS",
    "Register",
    "RegisterPerson",
    "SHARDS",
    "parse_register",
    "read_register",
)

SOURCE: Final = "chadwick"
#: The register's shard names: ``data/people-{shard}.csv``.
SHARDS: Final = tuple("0123456789abcdef")
#: The columns kept (every other column of the register is dropped on read).
REGISTER_COLUMNS: Final = (
    "key_person",
    "key_uuid",
    "key_mlbam",
    "key_fangraphs",
    "key_bbref",
    "key_retro",
    "name_first",
    "name_last",
    "name_given",
    "name_suffix",
    "name_nick",
    "birth_year",
    "mlb_played_first",
    "mlb_played_last",
    "pro_played_first",
    "pro_played_last",
)
IdKey = Literal["mlbam", "fangraphs", "bbref", "retro"]
#: The ids a person is looked up by, and the register column of each.
ID_KEYS: Final[dict[str, str]] = {
    "mlbam": "key_mlbam",
    "fangraphs": "key_fangraphs",
    "bbref": "key_bbref",
    "retro": "key_retro",
}
_ID_COLUMNS: Final = tuple(ID_KEYS.values())
_INT_COLUMNS: Final = frozenset(
    {
        "key_mlbam",
        "key_fangraphs",
        "birth_year",
        "mlb_played_first",
        "mlb_played_last",
        "pro_played_first",
        "pro_played_last",
    }
)


def register_int(raw: str | None) -> int | None:
    """A register number cell (``"1985"``, ``"1985.0"``) as an int; empty or garbage -> None.

    The one parser of the register's numeric cells (years, MLBAM ids) for this module and the
    identity module's readers of the same CSV.
    """
    if raw is None:
        return None
    text = raw.strip()
    if not text:
        return None
    try:
        return int(float(text))
    except ValueError:
        return None


@attrs.frozen
class RegisterPerson:
    """One person of the register (the columns of :data:`REGISTER_COLUMNS`)."""

    key_person: str | None
    key_uuid: str | None
    key_mlbam: int | None
    key_fangraphs: int | None
    key_bbref: str | None
    key_retro: str | None
    name_first: str | None
    name_last: str | None
    name_given: str | None = None
    name_suffix: str | None = None
    name_nick: str | None = None
    birth_year: int | None = None
    mlb_played_first: int | None = None
    mlb_played_last: int | None = None
    pro_played_first: int | None = None
    pro_played_last: int | None = None

    @property
    def name(self) -> str:
        """``"First Last"``, with a ``Jr.``/``Sr.``/``II`` suffix when the register has one."""
        base = f"{self.name_first or ''} {self.name_last or ''}".strip()
        return f"{base} {self.name_suffix}" if self.name_suffix else base


class Register(FrameExport):
    """The people of the register that carry at least one of the four ids, column by column
    (text as the register writes it, ``""`` where empty).  ``len()``, ``person(i)``,
    iteration, and ``to_pandas()`` / ``to_arrow()`` / ``to_polars()`` with one row per person
    (ids and years as nullable integers)."""

    __slots__ = ("columns", "source")

    columns: dict[str, list[str]]
    source: str

    def __init__(self, columns: dict[str, list[str]], *, source: str = "") -> None:
        sizes = {len(v) for v in columns.values()}
        if len(sizes) > 1 or set(columns) != set(REGISTER_COLUMNS):
            raise ConfigurationError("Register columns must be REGISTER_COLUMNS of one length")
        self.columns = columns
        #: Where it was read from (a path, or the repository URL).
        self.source = source

    def __len__(self) -> int:
        return len(self.columns["key_person"])

    def __repr__(self) -> str:
        return f"<Register people={len(self)} from {self.source or '?'}>"

    def person(self, i: int) -> RegisterPerson:
        """The ``i``-th person."""
        values: dict[str, Any] = {}
        for name in REGISTER_COLUMNS:
            raw = self.columns[name][i]
            values[name] = register_int(raw) if name in _INT_COLUMNS else (raw or None)
        return RegisterPerson(**values)

    def __iter__(self) -> Iterator[RegisterPerson]:
        return (self.person(i) for i in range(len(self)))

    @classmethod
    def concat(cls, parts: Sequence[Register]) -> Register:
        """The people of several registers (shards), in order."""
        columns: dict[str, list[str]] = {name: [] for name in REGISTER_COLUMNS}
        for part in parts:
            for name in REGISTER_COLUMNS:
                columns[name].extend(part.columns[name])
        return cls(columns, source=", ".join(dict.fromkeys(p.source for p in parts if p.source)))

    def to_csv(self) -> str:
        """The register as CSV text with :data:`REGISTER_COLUMNS` (what the cache stores)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(REGISTER_COLUMNS)
        writer.writerows(zip(*(self.columns[n] for n in REGISTER_COLUMNS), strict=True))
        return out.getvalue()

    def _frame_columns(self) -> list[FrameColumn]:
        records = [
            {
                name: (register_int(raw) if name in _INT_COLUMNS else (raw or None))
                for name, raw in zip(REGISTER_COLUMNS, row, strict=True)
            }
            for row in zip(*(self.columns[n] for n in REGISTER_COLUMNS), strict=True)
        ]
        return record_columns(
            records, {name: "int" if name in _INT_COLUMNS else "str" for name in REGISTER_COLUMNS}
        )


def parse_register(data: bytes | str, *, source: str = "register") -> Register:
    """A register CSV (gzipped or not, with or without a BOM; any superset or subset of
    :data:`REGISTER_COLUMNS` with at least ``name_last`` and one id column), keeping the
    people with an MLBAM, FanGraphs, Baseball Reference or Retrosheet id.  Not a register:
    :class:`~savantsdk.exceptions.SourceDecodeError` naming ``source``."""
    # streamed: the full register is ~130 MB of text, never held whole as one string
    stream: io.TextIOBase
    if isinstance(data, bytes):
        raw: Any = io.BytesIO(data)
        if data[:2] == b"\x1f\x8b":
            raw = gzip.GzipFile(fileobj=raw)
        stream = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    else:
        stream = io.StringIO(data.removeprefix("\ufeff"), newline="")
    try:
        return _parse_rows(csv.reader(stream), source)
    except (UnicodeDecodeError, OSError, EOFError) as exc:
        raise SourceDecodeError(
            f"{source}: not a readable register file ({type(exc).__name__}: {exc})",
            source=SOURCE,
            request=source,
        ) from exc
    except csv.Error as exc:
        raise SourceDecodeError(
            f"{source}: broken CSV ({exc})", source=SOURCE, request=source
        ) from exc


def _parse_rows(reader: Iterator[list[str]], source: str) -> Register:
    header = next(reader, None)
    if header is None or "name_last" not in header or not set(_ID_COLUMNS) & set(header):
        raise SourceDecodeError(
            f"{source}: not a Chadwick register file (needs name_last and a key_mlbam, "
            f"key_fangraphs, key_bbref or key_retro column; got {(header or [])[:6]})",
            source=SOURCE,
            request=source,
        )
    width = len(header)
    at = {name: header.index(name) for name in REGISTER_COLUMNS if name in header}
    id_at = [at[c] for c in _ID_COLUMNS if c in at]
    columns: dict[str, list[str]] = {name: [] for name in REGISTER_COLUMNS}
    pairs = [(columns[name], at.get(name)) for name in REGISTER_COLUMNS]
    for row in reader:
        if len(row) != width or not any(row[i] for i in id_at):
            continue
        for values, i in pairs:
            values.append("" if i is None else row[i].strip())
    return Register(columns, source=source)


def read_register(path: str | Path) -> Register:
    """A local copy of the register: a CSV file (gzipped or not) or a directory holding
    ``people-*.csv`` shards, else ``people.csv``/``people.csv.gz``.  A missing path or a file
    that is not a register: :class:`~savantsdk.exceptions.ConfigurationError`."""
    p = Path(path)
    if p.is_dir():
        files = sorted(p.glob("people-*.csv"))
        if not files:
            files = [f for f in (p / "people.csv", p / "people.csv.gz") if f.is_file()][:1]
        if not files:
            raise ConfigurationError(
                f"no register in {p}: expected people-*.csv shards or people.csv(.gz)",
                setting="register",
            )
    elif p.is_file():
        files = [p]
    else:
        raise ConfigurationError(f"no register file at {p}", setting="register")
    parts: list[Register] = []
    for f in files:
        try:
            parts.append(parse_register(f.read_bytes(), source=str(f)))
        except SourceDecodeError as exc:
            raise ConfigurationError(str(exc), setting="register") from exc
        except OSError as exc:
            raise ConfigurationError(f"cannot read {f}: {exc}", setting="register") from exc
    return parts[0] if len(parts) == 1 else Register.concat(parts)


@attrs.define(repr=False)
class ChadwickClient(NoQuotaSource):
    """The Chadwick Bureau register (``client.chadwick``): fetched shard by shard, each
    cached (``client.players`` searches it by name or id).  ``ChadwickClient(ctx)`` on a
    :class:`~savantsdk.typing.SourceContext`.

    The base URL is the repository's raw files
    (``https://raw.githubusercontent.com/chadwickbureau/register/master``; setting
    ``base_urls={"chadwick": ...}`` or ``SAVANTSDK_CHADWICK_BASE_URL`` points it elsewhere).
    """

    _source_name = SOURCE
    _client: SourceContext

    def __repr__(self) -> str:
        return f"ChadwickClient(base_url={self._client.settings(SOURCE).base_url!r})"

    async def shard(self, shard: str, *, lane: Lane = Lane.HISTORICAL) -> Register:
        """One shard (``data/people-{shard}.csv``, ``shard`` in ``0``..``f``), through the
        executor and the cache (stored reduced, as ``reference`` data)."""
        if shard not in SHARDS:
            raise ConfigurationError(
                f"unknown register shard {shard!r}; valid: {', '.join(SHARDS)}", setting="shard"
            )
        path = f"/data/people-{shard}.csv"
        request = f"GET {path}"

        async def load() -> tuple[str, None]:
            async def attempt() -> bytes:
                response = await send_once(self._client, SOURCE, path)
                return response.content

            body: bytes = await self._client.executor(SOURCE).call(attempt, key=request, lane=lane)
            # parse and reduce off the event loop: a shard is ~8 MB of CSV
            reduced = await anyio.to_thread.run_sync(
                lambda: parse_register(body, source=request).to_csv()
            )
            return reduced, None

        fetched = await cached_fetch(
            self._client,
            source=SOURCE,
            key=cache_key(SOURCE, "people", shard),
            type_=str,
            kind="reference",
            load=load,
        )
        base = self._client.settings(SOURCE).base_url
        text = fetched.value
        return await anyio.to_thread.run_sync(lambda: parse_register(text, source=f"{base}{path}"))

    async def register(
        self,
        *,
        path: str | Path | None = None,
        lane: Lane = Lane.HISTORICAL,
        on_progress: Callable[[int, int], None] | None = None,
        progress: bool | None = None,
    ) -> Register:
        """The whole register: the 16 shards fetched concurrently (each cached), or the local
        copy at ``path`` (:func:`read_register`).  A shard that cannot be fetched raises its
        typed error (a register missing a shard would miss people silently).  ``progress``: a
        bar over the shards (``None``: in Jupyter or on a terminal)."""
        if path is not None:
            return await anyio.to_thread.run_sync(read_register, path)
        parts: dict[str, Register] = {}
        errors: dict[str, SavantError] = {}
        with progress_bar("chadwick register", unit="shard", progress=progress) as bar:
            report = bar.chain(on_progress)

            async def one(shard: str) -> None:
                # the executor bounds the shards in flight (the source's rate and concurrency);
                # a failed shard does not cancel the others: they are cached for the next try
                try:
                    parts[shard] = await self.shard(shard, lane=lane)
                except SavantError as exc:
                    errors[shard] = exc
                if report is not None:
                    report(len(parts) + len(errors), len(SHARDS))

            async with anyio.create_task_group() as tg:
                for shard in SHARDS:
                    tg.start_soon(one, shard)
        if errors:
            raise errors[min(errors)]
        return Register.concat([parts[s] for s in SHARDS])

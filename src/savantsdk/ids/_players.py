"""Player lookup over the Chadwick register: a name (fuzzy) or any id -> people with every id.

:class:`PlayerLookup` indexes a :class:`~savantsdk.sources.Register` and answers:

- :meth:`PlayerLookup.lookup`: a name.  The :class:`~savantsdk.ids.PlayerResolver` tiers come
  first (exact, spacing, nickname, initials; accents, case, punctuation and suffixes ignored):
  one person found is the match (score 100 for an exact name); several (two Will Smiths) are all
  returned as candidates, most recent MLB career first.  A name no tier finds is matched
  fuzzily against every name in the register (``rapidfuzz``'s ``WRatio``, 0..100, extra
  ``lookup``; without it the standard library's ``difflib`` ratio, slower and a little
  different) and the best candidates above ``min_score`` are returned with their scores.
- :meth:`PlayerLookup.reverse`: ids of one kind (``mlbam``, ``fangraphs``, ``bbref``,
  ``retro``) -> those people.

Both return :class:`PlayerMatches`: the candidates in order, ``best`` (None when ambiguous),
and ``to_pandas()`` / ``to_arrow()`` / ``to_polars()`` with one row per candidate.
"""

from __future__ import annotations

import difflib
import importlib
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import anyio
import attrs

from .._frames import FrameColumn, FrameExport, Kind, record_columns
from ..exceptions import ConfigurationError
from ..sources._chadwick import (
    ID_KEYS,
    ChadwickClient,
    IdKey,
    Register,
    RegisterPerson,
    read_register,
    register_int,
)
from ._names import normalize_name
from ._resolver import Ambiguous, PlayerResolver, Resolved

if TYPE_CHECKING:
    from ..typing import SourceContext

__all__ = ("PlayerLookup", "PlayerMatch", "PlayerMatches", "PlayersClient")

log = logging.getLogger("savantsdk")

#: A fuzzy top candidate this many points ahead of the next one is a clear match.
CLEAR_MARGIN: Final = 5.0
_INT_KEYS: Final = frozenset({"mlbam", "fangraphs"})


@attrs.frozen
class PlayerMatch:
    """One candidate: the register's name and ids, and how well the name matched (0..100)."""

    name: str
    score: float
    key_mlbam: int | None
    key_fangraphs: int | None
    key_bbref: str | None
    key_retro: str | None
    key_person: str | None
    name_first: str | None
    name_last: str | None
    birth_year: int | None
    mlb_played_first: int | None
    mlb_played_last: int | None


_SCHEMA: Final[dict[str, Kind]] = {
    "name": "str",
    "score": "float",
    "key_mlbam": "int",
    "key_fangraphs": "int",
    "key_bbref": "str",
    "key_retro": "str",
    "key_person": "str",
    "name_first": "str",
    "name_last": "str",
    "birth_year": "int",
    "mlb_played_first": "int",
    "mlb_played_last": "int",
}


@attrs.frozen
class PlayerMatches(FrameExport):
    """The answer to one lookup: ``rows`` best first, and how they were found.

    ``method``: the resolver tier of a unique match (``exact``, ``nickname``, ...),
    ``ambiguous`` (several people share the name), ``fuzzy``, ``id`` (a reverse lookup) or
    ``none`` (nobody above ``min_score``).  ``best`` is the match when there is one clear
    match, else None.  ``missing``: the ids of a reverse lookup that the register lacks.
    """

    query: str
    method: str
    rows: tuple[PlayerMatch, ...]
    missing: tuple[int | str, ...] = ()

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[PlayerMatch]:
        return iter(self.rows)

    def __getitem__(self, i: int) -> PlayerMatch:
        return self.rows[i]

    @property
    def ambiguous(self) -> bool:
        """More than one candidate and none clearly ahead (see :attr:`best`)."""
        return self.best is None and len(self.rows) > 1

    @property
    def best(self) -> PlayerMatch | None:
        """The one clear match: a unique resolver match or id, or a fuzzy candidate at least
        ``CLEAR_MARGIN`` (5) points ahead of the next; None otherwise."""
        if not self.rows:
            return None
        if self.method == "fuzzy":
            if len(self.rows) == 1 or self.rows[0].score - self.rows[1].score >= CLEAR_MARGIN:
                return self.rows[0]
            return None
        if self.method in ("ambiguous", "none"):
            return None
        return self.rows[0] if len(self.rows) == 1 or self.method == "id" else None

    def _frame_columns(self) -> list[FrameColumn]:
        return record_columns([attrs.asdict(r) for r in self.rows], _SCHEMA)


def _fuzzy_backend() -> Any:
    """``rapidfuzz`` (extra ``lookup``) or None: then ``difflib`` stands in."""
    try:
        return importlib.import_module("rapidfuzz")
    except ImportError:
        return None


class PlayerLookup:
    """Name and id lookup over a Chadwick register (see the module docs).

    ``PlayerLookup(register)`` or :meth:`from_path`; the blocking or async client builds one
    on first use (``client.chadwick.lookup(...)``, ``savantsdk.lookup(...)``).
    """

    def __init__(self, register: Register) -> None:
        self._register = register
        cols = register.columns
        self._resolver = PlayerResolver()
        self._by_id: dict[str, dict[int | str, int]] = {key: {} for key in ID_KEYS}
        self._name_rows: dict[str, list[int]] = {}
        self._row_cache: dict[int, RegisterPerson] = {}
        for i in range(len(register)):
            for key, column in ID_KEYS.items():
                raw = cols[column][i]
                if raw:
                    ident = _id_value(raw, key)
                    if ident is not None:
                        self._by_id[key].setdefault(ident, i)
            first, last = cols["name_first"][i], cols["name_last"][i]
            if not last:
                continue
            folded = normalize_name(f"{first} {last}")
            if folded:
                self._name_rows.setdefault(folded, []).append(i)
            mlbam = _id_value(cols["key_mlbam"][i], "mlbam")
            if isinstance(mlbam, int) and mlbam > 0:
                nick, given = cols["name_nick"][i], cols["name_given"][i]
                aliases = [f"{nick} {last}"] if nick else []
                if given and given != first:
                    aliases.append(f"{given} {last}")
                self._resolver.add_person(
                    mlbam,
                    first,
                    last,
                    suffix=cols["name_suffix"][i] or None,
                    birth_year=register_int(cols["birth_year"][i]),
                    mlb_played_first=register_int(cols["mlb_played_first"][i]),
                    mlb_played_last=register_int(cols["mlb_played_last"][i]),
                    pro_played_first=register_int(cols["pro_played_first"][i]),
                    pro_played_last=register_int(cols["pro_played_last"][i]),
                    aliases=aliases,
                )
        self._names = list(self._name_rows)

    @classmethod
    def from_path(cls, path: str | Path) -> PlayerLookup:
        """Index a local register (:func:`~savantsdk.sources.read_register`)."""
        return cls(read_register(path))

    def __len__(self) -> int:
        return len(self._register)

    def __repr__(self) -> str:
        return f"<PlayerLookup people={len(self)} from {self._register.source or '?'}>"

    @property
    def register(self) -> Register:
        """The register this lookup indexes."""
        return self._register

    # ------------------------------------------------------------------ by name

    def lookup(self, name: str, *, limit: int = 5, min_score: float = 70.0) -> PlayerMatches:
        """People matching ``name`` (``"Aaron Judge"``, ``"Judge, Aaron"``, ``"ronald acuna
        jr"``, a misspelling), best first, at most ``limit`` fuzzy candidates scoring at least
        ``min_score`` (0..100).  A blank name or a bad limit raises ``ConfigurationError``."""
        raw_name: object = name
        if not isinstance(raw_name, str) or not raw_name.strip():
            raise ConfigurationError(f"lookup needs a name, got {name!r}", setting="name")
        raw_limit: object = limit
        if not isinstance(raw_limit, int) or isinstance(raw_limit, bool) or not 1 <= limit <= 100:
            raise ConfigurationError(
                f"limit must be an int in 1..100, got {limit!r}", setting="limit"
            )
        raw_score: object = min_score
        if (
            isinstance(raw_score, bool)
            or not isinstance(raw_score, int | float)
            or not 0 <= raw_score <= 100
        ):
            raise ConfigurationError(
                f"min_score must be a number in 0..100, got {min_score!r}", setting="min_score"
            )
        found = self._resolver.resolve(name)
        query = normalize_name(_unflip(name) if "," in name else name)
        if isinstance(found, Resolved):
            row = self._by_id["mlbam"][found.mlbam_id]
            score = round(found.score * 100, 1)
            return PlayerMatches(name, found.method, (self._match(row, score),))
        if isinstance(found, Ambiguous):
            rows = [self._by_id["mlbam"][c.mlbam_id] for c in found.candidates]
            matches = sorted(
                (self._match(r, _ratio(query, self._folded(r))) for r in rows),
                key=_recent_first,
            )
            return PlayerMatches(name, "ambiguous", tuple(matches))
        return self._fuzzy(name, query, limit=limit, min_score=min_score)

    def _fuzzy(self, name: str, query: str, *, limit: int, min_score: float) -> PlayerMatches:
        scored: list[tuple[str, float]]
        fuzz = _fuzzy_backend()
        if fuzz is not None:
            found = fuzz.process.extract(
                query, self._names, scorer=fuzz.fuzz.WRatio, limit=limit * 4, score_cutoff=min_score
            )
            scored = [(choice, float(score)) for choice, score, _ in found]
        else:
            log.info("savantsdk lookup: rapidfuzz not installed, using difflib (slower)")
            close = difflib.get_close_matches(
                query, self._names, n=limit * 4, cutoff=min_score / 100
            )
            scored = [(choice, _ratio(query, choice)) for choice in close]
        matches = [
            self._match(row, round(score, 1))
            for choice, score in scored
            for row in self._name_rows[choice]
        ]
        matches.sort(key=lambda m: (-m.score, *_recent_first(m)))
        rows = tuple(matches[:limit])
        return PlayerMatches(name, "fuzzy" if rows else "none", rows)

    # ------------------------------------------------------------------ by id

    def reverse(
        self, ids: Iterable[int | str] | int | str, *, key: IdKey = "mlbam"
    ) -> PlayerMatches:
        """The people with these ids of kind ``key`` (``mlbam``, ``fangraphs``, ``bbref``,
        ``retro``), in the order given; ids the register lacks are in ``missing``."""
        if key not in ID_KEYS:
            raise ConfigurationError(
                f"unknown id kind {key!r}; valid: {', '.join(ID_KEYS)}", setting="key"
            )
        wanted = [ids] if isinstance(ids, int | str) else list(ids)
        index = self._by_id[key]
        rows: list[PlayerMatch] = []
        missing: list[int | str] = []
        for raw in wanted:
            given: object = raw
            ident = (
                _id_value(str(raw), key)
                if isinstance(given, int | str) and not isinstance(given, bool)
                else None
            )
            if ident is None:
                raise ConfigurationError(
                    f"{raw!r} is not a {key} id"
                    + (" (an integer)" if key in _INT_KEYS else " (text such as 'judgeaa01')"),
                    setting="ids",
                )
            row = index.get(ident)
            if row is None:
                missing.append(raw)
            else:
                rows.append(self._match(row, 100.0))
        query = ", ".join(str(i) for i in wanted)
        return PlayerMatches(f"{key}: {query}", "id", tuple(rows), tuple(missing))

    # ------------------------------------------------------------------ rows

    def _folded(self, row: int) -> str:
        cols = self._register.columns
        return normalize_name(f"{cols['name_first'][row]} {cols['name_last'][row]}")

    def _match(self, row: int, score: float) -> PlayerMatch:
        p = self._row_cache.get(row)
        if p is None:
            p = self._row_cache[row] = self._register.person(row)
        return PlayerMatch(
            name=p.name,
            score=score,
            key_mlbam=p.key_mlbam,
            key_fangraphs=p.key_fangraphs,
            key_bbref=p.key_bbref,
            key_retro=p.key_retro,
            key_person=p.key_person,
            name_first=p.name_first,
            name_last=p.name_last,
            birth_year=p.birth_year,
            mlb_played_first=p.mlb_played_first,
            mlb_played_last=p.mlb_played_last,
        )


def _unflip(name: str) -> str:
    last, _, first = name.partition(",")
    return f"{first.strip()} {last.strip()}"


def _ratio(a: str, b: str) -> float:
    return round(difflib.SequenceMatcher(None, a, b).ratio() * 100, 1)


def _recent_first(m: PlayerMatch) -> tuple[bool, int, int]:
    """MLB players first, the most recent careers first, then by MLBAM id."""
    return (m.mlb_played_first is None, -(m.mlb_played_last or 0), m.key_mlbam or 0)


def _id_value(raw: str, key: str) -> int | str | None:
    text = raw.strip()
    if not text:
        return None
    if key in _INT_KEYS:
        try:
            value = int(float(text)) if "." in text else int(text)
        except ValueError:
            return None
        return value if value > 0 else None
    return text.lower()


class PlayersClient:
    """Player lookup on a client (``client.players``): the register from the ``chadwick``
    source (fetched once, each shard cached) or from a local ``path``, indexed once in a
    worker thread and kept by this namespace.  ``PlayersClient(ctx)`` on a
    :class:`~savantsdk.typing.SourceContext`."""

    def __init__(self, client: SourceContext) -> None:
        self._client = client
        self._chadwick = ChadwickClient(client)
        self._lookups: dict[str, PlayerLookup] = {}
        self._lock = anyio.Lock()

    def __repr__(self) -> str:
        return f"<PlayersClient indexed={sorted(self._lookups)}>"

    async def index(
        self, *, path: str | Path | None = None, progress: bool | None = None
    ) -> PlayerLookup:
        """The :class:`PlayerLookup` over the register (``path``: a local copy, see
        :func:`~savantsdk.sources.read_register`; else the ``chadwick`` source).  Built on
        first use; concurrent first calls build it once.  ``progress``: a bar over the
        register's shards while they download (``None``: in Jupyter or on a terminal)."""
        key = "chadwick" if path is None else f"path:{path}"
        async with self._lock:
            found = self._lookups.get(key)
            if found is None:
                register = await self._chadwick.register(path=path, progress=progress)
                found = await anyio.to_thread.run_sync(PlayerLookup, register)
                self._lookups[key] = found
        return found

    async def lookup(
        self,
        name: str,
        *,
        limit: int = 5,
        min_score: float = 70.0,
        path: str | Path | None = None,
    ) -> PlayerMatches:
        """People matching ``name``, with every id the register carries and a score (100 = the
        same name): :meth:`PlayerLookup.lookup`."""
        index = await self.index(path=path)
        return index.lookup(name, limit=limit, min_score=min_score)

    async def reverse_lookup(
        self,
        ids: Iterable[int | str] | int | str,
        *,
        key: IdKey = "mlbam",
        path: str | Path | None = None,
    ) -> PlayerMatches:
        """The people with these ids (``key``: ``mlbam``, ``fangraphs``, ``bbref`` or
        ``retro``): :meth:`PlayerLookup.reverse`."""
        index = await self.index(path=path)
        return index.reverse(ids, key=key)

"""The player identity resolver: names (from PrizePicks, The Odds API, ...) -> MLBAM ids.

Savant and the Stats API share MLBAM ids; the market sources give names and team
abbreviations.  :class:`PlayerResolver` indexes people from the Chadwick Bureau register
(:meth:`PlayerResolver.from_chadwick`) and/or the Stats API (people, rosters), and matches a
name in tiers, stopping at the first tier that finds anyone:

1. ``exact``: folded tokens equal (accents, case, punctuation, suffixes, initials handled);
2. ``compact``: equal once spaces are removed (``"Ha-Seong Kim"`` / ``"Haseong Kim"``);
3. ``nickname``: the given name is an equivalent from :data:`NICKNAMES` (Mike/Michael);
4. ``initials``: a given name of initials matches the candidate's initials
   (``"JP Crawford"`` / ``"John Paul Crawford"``).

Candidates of that tier are then narrowed by context, each step applied only when it keeps
someone: players active in the season of ``on`` (MLB first, then any professional level), the
``team`` (when the resolver knows teams, from rosters or Stats API people), and a matching
suffix.  One candidate left: :class:`Resolved`; several: :class:`Ambiguous` with all of them;
none in any tier: :class:`Unknown` with same-surname candidates.  It never guesses silently.
"""

from __future__ import annotations

import csv
import gzip
import io
import logging
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from ..cache import cache_key
from ..exceptions import ConfigurationError
from ..executor import Lane
from ..sources._chadwick import register_int
from ..sources._statsapi_models import Person, Roster, parse_people
from ._names import SUFFIXES, canonical_team, name_tokens, nickname_variants, split_suffix

if TYPE_CHECKING:
    from ..typing import SourceContext

__all__ = (
    "Ambiguous",
    "Candidate",
    "PlayerResolver",
    "Resolution",
    "Resolved",
    "Unknown",
    "load_people",
)

log = logging.getLogger("savantsdk")

#: Score of a match by tier (1.0 = identical normalized names).
TIER_SCORES: Final = {"exact": 1.0, "compact": 0.97, "nickname": 0.9, "initials": 0.85}
_MAX_UNKNOWN_CANDIDATES: Final = 10


@attrs.frozen
class Candidate:
    """A person a name could refer to."""

    mlbam_id: int
    name: str
    birth_year: int | None = None
    mlb_played_first: int | None = None
    mlb_played_last: int | None = None
    teams: frozenset[str] = frozenset()


@attrs.frozen
class Resolved:
    """The name maps to one person; ``method`` says how (``exact``, ``nickname+date``, ...)."""

    mlbam_id: int
    name: str
    score: float
    method: str


@attrs.frozen
class Ambiguous:
    """Several people fit equally well after every narrowing step."""

    name: str
    candidates: tuple[Candidate, ...]


@attrs.frozen
class Unknown:
    """Nobody fits; ``candidates`` are people with the same surname (may be empty)."""

    name: str
    candidates: tuple[Candidate, ...] = ()


Resolution = Resolved | Ambiguous | Unknown


@attrs.define
class _Person:
    mlbam_id: int
    first: str
    last: str
    suffix: str | None
    birth_year: int | None = None
    mlb_first: int | None = None
    mlb_last: int | None = None
    pro_first: int | None = None
    pro_last: int | None = None
    teams: frozenset[str] = frozenset()

    @property
    def display(self) -> str:
        base = f"{self.first} {self.last}".strip()
        return f"{base} {self.suffix.capitalize()}." if self.suffix in ("jr", "sr") else base

    def candidate(self) -> Candidate:
        return Candidate(
            mlbam_id=self.mlbam_id,
            name=self.display,
            birth_year=self.birth_year,
            mlb_played_first=self.mlb_first,
            mlb_played_last=self.mlb_last,
            teams=self.teams,
        )


def _initials(tokens: Iterable[str]) -> str:
    return "".join(t[0] for t in tokens if t)


class PlayerResolver:
    """Maps player names to MLBAM ids (see the module docs for the matching rules).

    Build it with :meth:`from_chadwick` and/or feed it Stats API data with
    :meth:`add_people`, :meth:`add_roster` or :meth:`load_stats_api`.  ``resolve`` is pure
    and synchronous; ``aresolve`` may call the Stats API once per season to find people the
    index lacks (rookies newer than the register).
    """

    def __init__(self) -> None:
        self._people: dict[int, _Person] = {}
        # name key -> ids (short lists: far smaller than sets for 100k+ people)
        self._by_full: dict[str, list[int]] = {}
        self._by_compact: dict[str, list[int]] = {}
        self._by_last: dict[str, list[int]] = {}
        self._seasons_loaded: set[int] = set()

    def __repr__(self) -> str:
        return f"<PlayerResolver people={len(self._people)}>"

    def __len__(self) -> int:
        return len(self._people)

    # ------------------------------------------------------------------ building

    def add_person(
        self,
        mlbam_id: int,
        first: str,
        last: str,
        *,
        suffix: str | None = None,
        birth_year: int | None = None,
        mlb_played_first: int | None = None,
        mlb_played_last: int | None = None,
        pro_played_first: int | None = None,
        pro_played_last: int | None = None,
        teams: Iterable[str | int] = (),
        aliases: Iterable[str] = (),
    ) -> None:
        """Add (or enrich) one person; ``aliases`` are other full names they go by."""
        raw: object = mlbam_id
        if isinstance(raw, bool) or not isinstance(raw, int) or raw <= 0:
            raise ConfigurationError(
                f"mlbam_id must be a positive int, got {mlbam_id!r}", setting="mlbam_id"
            )
        person = self._people.get(mlbam_id)
        suffix_token = split_suffix(f"x {suffix}")[1] if suffix else None
        if person is None:
            person = _Person(mlbam_id, first.strip(), last.strip(), suffix_token)
            self._people[mlbam_id] = person
        elif suffix_token and not person.suffix:
            person.suffix = suffix_token
        person.birth_year = person.birth_year or birth_year
        person.mlb_first = _min(person.mlb_first, mlb_played_first)
        person.mlb_last = _max(person.mlb_last, mlb_played_last)
        person.pro_first = _min(person.pro_first, pro_played_first)
        person.pro_last = _max(person.pro_last, pro_played_last)
        for team in teams:
            code = canonical_team(team)
            if code is not None:
                person.teams = person.teams | {code}
        self._index(person, name_tokens(first), name_tokens(last))
        for alias in aliases:
            tokens = name_tokens(alias)
            if len(tokens) >= 2:
                self._index(person, tokens[:-1], tokens[-1:])

    def _index(self, person: _Person, first: tuple[str, ...], last: tuple[str, ...]) -> None:
        if not last:
            return
        full = first + last
        pid = person.mlbam_id
        for index, key in (
            (self._by_full, " ".join(full)),
            (self._by_compact, "".join(full)),
            (self._by_last, " ".join(last)),
            (self._by_last, "".join(last)),
        ):
            ids = index.get(key)
            if ids is None:
                index[key] = [pid]
            elif pid not in ids:
                ids.append(pid)

    @classmethod
    def from_names(
        cls, names: Mapping[int, str], teams: Mapping[int, str | int] | None = None
    ) -> PlayerResolver:
        """A resolver over just these people: ``{mlbam_id: "First Last"}`` (a suffix such as
        ``Jr.`` may follow), with each one's team when known (``{mlbam_id: team}``).  Used to
        match market lines among one slate's starting players, where a common name is
        ambiguous only within the slate."""
        resolver = cls()
        team_of = teams or {}
        for pid, name in names.items():
            words = name.split()
            if len(words) < 2:
                continue
            team = team_of.get(pid)
            resolver.add_person(
                int(pid),
                words[0],
                " ".join(words[1:]),
                teams=() if team is None else (team,),
                aliases=(name,),
            )
        return resolver

    def match(
        self, name: str, *, team: str | int | None = None, on: date | None = None
    ) -> int | None:
        """The MLBAM id :meth:`resolve` finds for ``name``, or None when it is unknown or
        ambiguous (never a guess)."""
        found = self.resolve(name, team=team, on=on)
        return found.mlbam_id if isinstance(found, Resolved) else None

    @classmethod
    def from_chadwick(cls, path: str | Path, *, mlb_only: bool = False) -> PlayerResolver:
        """Index the Chadwick Bureau register (``people.csv``, gzipped or not, or a subset
        with the same columns).  Only rows with a ``key_mlbam`` are kept; ``mlb_only`` keeps
        only people who played in MLB.  The register is ODC-BY 1.0: attribute it."""
        resolver = cls()
        resolver.add_chadwick(path, mlb_only=mlb_only)
        return resolver

    def add_chadwick(self, path: str | Path, *, mlb_only: bool = False) -> int:
        """Add the register's people to this resolver; returns how many were added."""
        added = 0
        for row in _read_csv(Path(path)):
            mlbam = row.get("key_mlbam", "").strip()
            if not mlbam:
                continue
            mlb_first = register_int(row.get("mlb_played_first"))
            if mlb_only and mlb_first is None:
                continue
            try:
                pid = int(float(mlbam))
            except ValueError:
                continue
            first = row.get("name_first") or ""
            last = row.get("name_last") or ""
            if not last.strip():
                continue
            nick = (row.get("name_nick") or "").strip()
            given = (row.get("name_given") or "").strip()
            aliases = [f"{nick} {last}"] if nick else []
            if given and given != first:
                aliases.append(f"{given} {last}")
            self.add_person(
                pid,
                first,
                last,
                suffix=row.get("name_suffix") or None,
                birth_year=register_int(row.get("birth_year")),
                mlb_played_first=mlb_first,
                mlb_played_last=register_int(row.get("mlb_played_last")),
                pro_played_first=register_int(row.get("pro_played_first")),
                pro_played_last=register_int(row.get("pro_played_last")),
                aliases=aliases,
            )
            added += 1
        return added

    def add_people(self, people: Iterable[Person], *, season: int | None = None) -> int:
        """Add Stats API people (``/people``, ``/sports/1/players``); their current team and
        debut year are used as context.  ``season``: the season they were listed in."""
        added = 0
        for p in people:
            first = p.use_name or p.first_name or ""
            last = p.last_name or ""
            if not last and p.full_name:
                tokens = p.full_name.split()
                first, last = " ".join(tokens[:-1]), tokens[-1]
            if not last:
                continue
            debut = p.mlb_debut_date.year if p.mlb_debut_date else None
            aliases = [n for n in (p.full_name, p.first_name and f"{p.first_name} {last}") if n]
            team = p.current_team.id if p.current_team is not None else None
            self.add_person(
                p.id,
                first,
                last,
                birth_year=p.birth_date.year if p.birth_date else None,
                mlb_played_first=debut,
                mlb_played_last=season if debut is not None else None,
                pro_played_last=season,
                teams=[team] if team is not None else [],
                aliases=aliases,
            )
            added += 1
        return added

    def add_roster(
        self, roster: Roster, *, team: str | int | None = None, season: int | None = None
    ) -> int:
        """Add a Stats API team roster; its team becomes context for its players."""
        code = canonical_team(team if team is not None else roster.team_id)
        added = 0
        for entry in roster.roster:
            name = entry.person.full_name
            if not name:
                continue
            tokens = name.split()
            if len(tokens) < 2:
                continue
            while len(tokens) > 2 and tokens[-1].rstrip(".").lower() in SUFFIXES:
                tokens.pop()
            first, last = " ".join(tokens[:-1]), tokens[-1]
            self.add_person(
                entry.person.id,
                first,
                last,
                pro_played_last=season,
                teams=[code] if code else [],
                aliases=[name],
            )
            added += 1
        return added

    async def load_stats_api(self, client: SourceContext, season: int) -> int:
        """Add every player of an MLB season from the Stats API (one cached request to
        ``/api/v1/sports/1/players``), rookies included."""
        path = "/api/v1/sports/1/players"
        params = {"season": season}
        key = cache_key("statsapi", "sports-players", params=params)

        async def load() -> tuple[Person, ...]:
            response = await client.request(
                "statsapi", "GET", path, params=params, lane=Lane.PROPS, key=key
            )
            return parse_people(response.content, request=f"GET {path}?season={season}")

        cache = client.cache
        if cache is not None:
            people = await cache.get_or_load(key, load, type_=tuple[Person, ...], kind="reference")
        else:
            people = await load()
        self._seasons_loaded.add(season)
        return self.add_people(people, season=season)

    # ------------------------------------------------------------------ resolving

    def resolve(
        self, name: str, *, team: str | int | None = None, on: date | None = None
    ) -> Resolution:
        """Resolve one name, using ``team`` (any spelling) and the date ``on`` as context."""
        raw = name.strip()
        if "," in raw:  # "Last, First" (Savant's player_name)
            last, _, first = raw.partition(",")
            raw = f"{first.strip()} {last.strip()}"
        tokens, suffix = split_suffix(raw)
        if len(tokens) < 2:
            return Unknown(name, self._same_surname(tokens, on))
        team_code = canonical_team(team)
        for method, ids in self._tiers(tokens):
            if ids:
                return self._decide(name, method, ids, team=team_code, on=on, suffix=suffix)
        return Unknown(name, self._same_surname(tokens, on))

    async def aresolve(
        self,
        name: str,
        *,
        team: str | int | None = None,
        on: date | None = None,
        client: SourceContext | None = None,
    ) -> Resolution:
        """:meth:`resolve`; when that finds nobody and a client is given, load the season's
        Stats API players once (rookies newer than the register) and try again."""
        result = self.resolve(name, team=team, on=on)
        if isinstance(result, Unknown) and client is not None:
            season = (on or date.today()).year
            if season not in self._seasons_loaded:
                await self.load_stats_api(client, season)
                result = self.resolve(name, team=team, on=on)
        return result

    def _tiers(self, tokens: tuple[str, ...]) -> Iterator[tuple[str, set[int]]]:
        yield "exact", set(self._by_full.get(" ".join(tokens), ()))
        yield "compact", set(self._by_compact.get("".join(tokens), ()))
        nick: set[int] = set()
        for split in range(1, len(tokens)):
            first, last = tokens[:split], tokens[split:]
            if len(first) != 1:
                continue
            for alt in nickname_variants(first[0]) - {first[0]}:
                nick.update(self._by_full.get(" ".join((alt, *last)), ()))
        yield "nickname", nick
        yield "initials", self._initial_matches(tokens)

    def _initial_matches(self, tokens: tuple[str, ...]) -> set[int]:
        found: set[int] = set()
        for split in range(1, len(tokens)):
            first, last = tokens[:split], " ".join(tokens[split:])
            wanted = "".join(first)
            if len(first) != 1 or len(wanted) > 3:
                continue
            for pid in self._by_last.get(last, ()):
                person = self._people[pid]
                theirs = name_tokens(person.first)
                if len(wanted) == 1:
                    if theirs and theirs[0][:1] == wanted:
                        found.add(pid)
                elif _initials(theirs) == wanted or (
                    len(theirs) == 1 and len(theirs[0]) <= 3 and theirs[0] == wanted
                ):
                    found.add(pid)
        return found

    def _decide(
        self,
        name: str,
        method: str,
        ids: set[int],
        *,
        team: str | None,
        on: date | None,
        suffix: str | None,
    ) -> Resolution:
        people = [self._people[i] for i in sorted(ids)]
        steps: list[str] = []
        if on is not None:
            year = on.year
            for keep in (_mlb_active, _pro_active):
                narrowed = [p for p in people if keep(p, year)]
                if narrowed:
                    if len(narrowed) < len(people):
                        people = narrowed
                        steps.append("date")
                    break
        elif len(people) > 1:
            narrowed = [p for p in people if p.mlb_first is not None]
            if narrowed and len(narrowed) < len(people):
                people = narrowed
                steps.append("mlb")
        if team is not None and len(people) > 1:
            narrowed = [p for p in people if team in p.teams]
            if narrowed and len(narrowed) < len(people):
                people = narrowed
                steps.append("team")
        if suffix is not None and len(people) > 1:
            narrowed = [p for p in people if p.suffix == suffix]
            if narrowed and len(narrowed) < len(people):
                people = narrowed
                steps.append("suffix")
        if len(people) == 1:
            (person,) = people
            score = TIER_SCORES[method] * (0.98 ** len(steps))
            return Resolved(
                mlbam_id=person.mlbam_id,
                name=person.display,
                score=round(score, 4),
                method="+".join((method, *steps)),
            )
        return Ambiguous(name, tuple(p.candidate() for p in people))

    def _same_surname(self, tokens: tuple[str, ...], on: date | None) -> tuple[Candidate, ...]:
        if not tokens:
            return ()
        ids = self._by_last.get(tokens[-1], ())
        people = sorted(
            (self._people[i] for i in ids),
            key=lambda p: (
                not (on is not None and _mlb_active(p, on.year)),
                p.mlb_first is None,
                -(p.mlb_last or p.pro_last or 0),
                p.mlbam_id,
            ),
        )
        return tuple(p.candidate() for p in people[:_MAX_UNKNOWN_CANDIDATES])

    def get(self, mlbam_id: int) -> Candidate | None:
        """The indexed person with this id, if any."""
        person = self._people.get(mlbam_id)
        return person.candidate() if person is not None else None


def _mlb_active(p: _Person, year: int) -> bool:
    """Played in MLB around ``year`` (a register one season stale still counts)."""
    if p.mlb_first is None:
        return False
    return p.mlb_first <= year and (p.mlb_last is None or p.mlb_last >= year - 1)


def _pro_active(p: _Person, year: int) -> bool:
    first = _min(p.pro_first, p.mlb_first)
    last = _max(p.pro_last, p.mlb_last)
    if first is None and last is None:
        return True  # no years known (e.g. added from a roster without a season)
    return (first is None or first <= year) and (last is None or last >= year - 1)


def _min(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)


def _max(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)


def _read_csv(path: Path) -> Iterator[dict[str, str]]:
    """Rows of a register CSV (gzip detected by its magic bytes) that carry a ``key_mlbam``."""
    if not path.is_file():
        raise ConfigurationError(f"no register file at {path}", setting="path")
    with path.open("rb") as fh:
        magic = fh.read(2)
    opener: Any = gzip.open if magic == b"\x1f\x8b" else open
    try:
        with opener(path, "rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig") as text:
            reader = csv.reader(text)
            header = next(reader, None)
            if header is None or "key_mlbam" not in header:
                raise ConfigurationError(
                    f"{path} is not a Chadwick register file (no key_mlbam column)",
                    setting="path",
                )
            at = header.index("key_mlbam")
            width = len(header)
            for row in reader:
                if len(row) == width and row[at]:
                    yield dict(zip(header, row, strict=True))
    except (csv.Error, UnicodeDecodeError, EOFError, gzip.BadGzipFile) as exc:
        # truncated download, not UTF-8, an unclosed quote: name the file, say what broke
        raise ConfigurationError(
            f"{path}: cannot read the register ({type(exc).__name__}: {exc})", setting="path"
        ) from exc


def load_people(path: str | Path, *, ids: Iterable[int] | None = None) -> dict[int, str]:
    """``{mlbam_id: "First Last"}`` (with the suffix, ``"Bobby Witt Jr."``) from a Chadwick
    register CSV (gzipped or not; ``key_mlbam``, ``name_first``, ``name_last``,
    ``name_suffix``), optionally only for ``ids``: the player names
    :func:`~savantsdk.props.generate_from_statcast` matches market lines with."""
    wanted = None if ids is None else {int(i) for i in ids}
    p = Path(path)
    out: dict[int, str] = {}
    try:
        for row in _read_csv(p):
            raw = (row.get("key_mlbam") or "").strip()
            if not raw.isdecimal():
                continue
            mid = int(raw)
            if wanted is not None and mid not in wanted:
                continue
            name = f"{row.get('name_first') or ''} {row.get('name_last') or ''}".strip()
            suffix = (row.get("name_suffix") or "").strip()
            out[mid] = f"{name} {suffix}".strip() if suffix else name
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ConfigurationError(f"cannot read people file {p}: {exc}", setting="path") from exc
    return out

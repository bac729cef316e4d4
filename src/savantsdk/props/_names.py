"""A small, private player-name matcher for the offline ``props`` path.

Market feeds (PrizePicks, The Odds API) name players; the engine knows MLBAM ids.  This matches
a name against the players of the day's slate only (so a common name is ambiguous only within
one slate), with team context to break ties.  The full cross-source identity resolver lives
elsewhere; this is deliberately simple.

Normalisation: Unicode accents folded (NFKD, combining marks dropped), lower case, punctuation
removed (``.``, ``'``, ``-``, ``,``), generational suffixes dropped (Jr, Sr, II, III, IV, V),
whitespace collapsed.  Keys tried in order: the full normalised name, then first initial + last
name.  A key shared by several slate players is resolved by team when the team is given.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Final

import attrs

from ..exceptions import PropGenerationError

__all__ = ("NameMatcher", "canonical_team", "load_people", "normalize_name")

_SUFFIXES: Final = frozenset({"jr", "sr", "ii", "iii", "iv", "v"})
_PUNCT: Final = re.compile("[.'\u2019`,\\-]")

#: Team codes that differ between feeds -> one canonical code (Savant's).
_TEAM_ALIASES: Final = {
    "ARI": "AZ",
    "CHW": "CWS",
    "KCR": "KC",
    "SDP": "SD",
    "SFG": "SF",
    "TBR": "TB",
    "WSN": "WSH",
    "WAS": "WSH",
    "ATH": "OAK",
    "LAA": "LAA",
    "ANA": "LAA",
}


def canonical_team(code: str | None) -> str | None:
    if not code:
        return None
    up = code.strip().upper()
    return _TEAM_ALIASES.get(up, up)


def normalize_name(name: str) -> str:
    """``"Ronald Acuña Jr."`` -> ``"ronald acuna"``."""
    folded = unicodedata.normalize("NFKD", name)
    ascii_only = "".join(c for c in folded if not unicodedata.combining(c))
    words = _PUNCT.sub(" ", ascii_only.lower()).split()
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words.pop()
    return " ".join(words)


def _initial_key(norm: str) -> str | None:
    words = norm.split()
    if len(words) < 2:
        return None
    return f"{words[0][0]} {' '.join(words[1:])}"


def load_people(path: str | Path, *, ids: Iterable[int] | None = None) -> dict[int, str]:
    """``{mlbam_id: "First Last"}`` from a Chadwick register CSV (``key_mlbam``,
    ``name_first``, ``name_last``, ``name_suffix``), optionally only for ``ids``."""
    wanted = None if ids is None else {int(i) for i in ids}
    out: dict[int, str] = {}
    p = Path(path)
    try:
        with p.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            missing = {"key_mlbam", "name_first", "name_last"} - set(reader.fieldnames or ())
            if missing:
                raise PropGenerationError(
                    f"{p}: people file lacks column(s) {', '.join(sorted(missing))}"
                )
            for row in reader:
                raw = (row.get("key_mlbam") or "").strip()
                if not raw.isdecimal():
                    continue
                mid = int(raw)
                if wanted is not None and mid not in wanted:
                    continue
                name = f"{row.get('name_first') or ''} {row.get('name_last') or ''}".strip()
                suffix = (row.get("name_suffix") or "").strip()
                out[mid] = f"{name} {suffix}".strip() if suffix else name
    except OSError as exc:
        raise PropGenerationError(f"cannot read people file {p}: {exc}") from exc
    return out


@attrs.frozen(eq=False)
class NameMatcher:
    """Match names to MLBAM ids among ``players`` (``{id: name}``) with teams ``{id: team}``."""

    players: Mapping[int, str]
    teams: Mapping[int, str] = attrs.field(factory=dict)
    _full: dict[str, list[int]] = attrs.field(init=False, factory=dict)
    _initial: dict[str, list[int]] = attrs.field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        for pid, name in self.players.items():
            norm = normalize_name(name)
            self._full.setdefault(norm, []).append(int(pid))
            key = _initial_key(norm)
            if key:
                self._initial.setdefault(key, []).append(int(pid))

    def match(self, name: str, *, team: str | None = None) -> int | None:
        """The id of ``name`` (or None: unknown or ambiguous)."""
        norm = normalize_name(name)
        team_c = canonical_team(team)
        for table, key in ((self._full, norm), (self._initial, _initial_key(norm))):
            if key is None or key not in table:
                continue
            ids = table[key]
            if team_c is not None and len(ids) > 1:
                ids = [i for i in ids if canonical_team(self.teams.get(i)) == team_c]
            if len(ids) == 1:
                return ids[0]
            if len(ids) > 1:
                return None
        return None

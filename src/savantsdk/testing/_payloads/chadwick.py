"""The Chadwick register's ``data/people-{shard}.csv`` for a simulated league's players.

The real register's header (every column, in order); one row per player with the four ids a
lookup returns: the MLBAM id (the league's player id), a FanGraphs id, and Baseball Reference
and Retrosheet ids built the way those sites build theirs (``judgeaa01``, ``judga001``:
surname and given-name letters plus a counter, unique within the league).  ``key_person`` is
eight hex digits derived from the player id; its first digit picks the shard, as in the real
register.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import uuid
import zlib
from typing import Final

from .._league import SimulatedLeague

__all__ = ("REGISTER_HEADER", "register_shard_csv")

#: The real register's columns (``people-0.csv`` .. ``people-f.csv``).
REGISTER_HEADER: Final = (
    "key_person",
    "key_uuid",
    "key_mlbam",
    "key_retro",
    "key_bbref",
    "key_bbref_minors",
    "key_fangraphs",
    "key_npb",
    "key_sr_nfl",
    "key_sr_nba",
    "key_sr_nhl",
    "key_wikidata",
    "name_last",
    "name_first",
    "name_given",
    "name_suffix",
    "name_matrilineal",
    "name_nick",
    "birth_year",
    "birth_month",
    "birth_day",
    "death_year",
    "death_month",
    "death_day",
    "pro_played_first",
    "pro_played_last",
    "mlb_played_first",
    "mlb_played_last",
    "col_played_first",
    "col_played_last",
    "pro_managed_first",
    "pro_managed_last",
    "mlb_managed_first",
    "mlb_managed_last",
    "col_managed_first",
    "col_managed_last",
    "pro_umpired_first",
    "pro_umpired_last",
    "mlb_umpired_first",
    "mlb_umpired_last",
)


def _letters(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalpha())


def _rows(league: SimulatedLeague) -> list[dict[str, str]]:
    season = league.dates[-1].year
    bbref_seen: dict[str, int] = {}
    retro_seen: dict[str, int] = {}
    rows: list[dict[str, str]] = []
    for p in sorted(league.iter_players(), key=lambda p: p.id):
        last, first = _letters(p.last_name), _letters(p.first_name)
        stem = f"{last[:5]}{first[:2]}"
        bbref_seen[stem] = bbref_seen.get(stem, 0) + 1
        rstem = f"{last[:4]}{first[:1]}"
        retro_seen[rstem] = retro_seen.get(rstem, 0) + 1
        key_person = f"{zlib.crc32(str(p.id).encode()):08x}"
        rows.append(
            {
                "key_person": key_person,
                "key_uuid": str(uuid.UUID(int=(int(key_person, 16) << 96) | p.id)),
                "key_mlbam": str(p.id),
                "key_retro": f"{rstem}{retro_seen[rstem]:03d}",
                "key_bbref": f"{stem}{bbref_seen[stem]:02d}",
                "key_fangraphs": str(p.id - 490_000),  # league ids are 500000..699999
                "name_last": p.last_name,
                "name_first": p.first_name,
                "name_given": p.first_name,
                "name_suffix": p.suffix or "",
                "birth_year": str(p.birth_date.year),
                "birth_month": str(p.birth_date.month),
                "birth_day": str(p.birth_date.day),
                "pro_played_first": str(season - 3),
                "pro_played_last": str(season),
                "mlb_played_first": str(season - 1),
                "mlb_played_last": str(season),
            }
        )
    return rows


def register_shard_csv(league: SimulatedLeague, shard: str) -> bytes:
    """``data/people-{shard}.csv``: the league's players whose ``key_person`` starts with
    ``shard`` (one hex digit), in the register's layout."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=REGISTER_HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(r for r in _rows(league) if r["key_person"].startswith(shard))
    return out.getvalue().encode("utf-8")
